/*
 * Drill-level checks that belong to no single resource: preflight (before
 * anything is created), posture (the backup plan and its copies) and the
 * isolation stack. Their cases go into a suite of their own, named
 * "<drill>/stack" or "<drill>/posture", with classname "<drill>/<label>".
 */
#ifndef DRH_CHECK_H
#define DRH_CHECK_H
#include "drill/drill.h"
#include "json.h"
#include "reports/report.h"
#include "run/side.h"

struct check_ctx {
    const struct drill *d;
    struct side *src, *tgt;     /* opened and verified by the caller */
    struct report_suite *suite; /* where the cases go */
    const char *label;          /* "stack", "posture": the progress line's resource column */
    char classname[128];        /* "<drill>/<label>" (check_ctx_init) */
    struct json *ev;            /* evidence object of these checks (an object; may be NULL) */
};

/* Fills classname from d and label. */
void check_ctx_init(struct check_ctx *c, const struct drill *d, const char *label,
                    struct report_suite *suite, struct json *ev);
/* Adds a case and prints its verdict line, as res_case does for a resource. */
void check_case(struct check_ctx *c, const char *name, enum report_status status, double seconds,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
