/* Drill-level cases (check.h). */
#include "check/check.h"
#include "run/progress.h"

#include <stdarg.h>
#include <stdio.h>

void check_ctx_init(struct check_ctx *c, const struct drill *d, const char *label,
                    struct report_suite *suite, struct json *ev)
{
    c->d = d;
    c->label = label;
    c->suite = suite;
    c->ev = ev;
    snprintf(c->classname, sizeof(c->classname), "%s/%s", d->name, label);
}

void check_case(struct check_ctx *c, const char *name, enum report_status status, double seconds,
                const char *fmt, ...)
{
    char msg[1024] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
    }
    report_add_case(c->suite, c->classname, name, status, seconds, msg[0] ? msg : NULL);
    progress_result(c->d->name, c->label, name, progress_status_word((int)status), msg);
}
