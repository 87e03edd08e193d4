/*
 * One RDS / Aurora resource of a drill, worked through its pipeline:
 * select (rds_select.c), copy (rds_copy.c), restore and wait (rds_restore.c),
 * probe, measure and report (rds_drill.c); teardown is teardown.c's, from
 * the ledger. Internal to the runner.
 */
#ifndef DRH_RDS_RUN_H
#define DRH_RDS_RUN_H
#include "drill/drill.h"
#include "json.h"
#include "run/ledger.h"
#include "reports/report.h"
#include "run/runner.h"
#include "run/side.h"

/* The phases timed for RTO, in order. */
enum rds_phase { PH_SELECT, PH_COPY, PH_RESTORE, PH_AVAILABLE, PH_PROBE, PH_TEARDOWN, PH_COUNT };

/* How a step ended: a drill failure (the backup did not restore, a probe
 * failed: exit 1) differs from an error of the environment (exit 3). */
enum step_end { STEP_OK, STEP_FAILED, STEP_ERROR };

struct rds_run {
    const struct drill *d;
    const struct drill_resource *r;
    const char *run_id;
    struct ledger *ledger;
    struct side *src, *tgt;
    struct report_suite *suite;
    struct json *ev;           /* this resource's evidence object */
    char classname[128];
    char suffix[8];            /* the run id's random part, for identifiers */

    double t0_wall;            /* the disaster is declared (epoch seconds) */
    double t0_mono;            /* the same moment on progress_elapsed()'s clock */
    double deadline;           /* t0_mono + RTO: every wait ends by then */
    double phase_s[PH_COUNT];  /* seconds per phase, from jobs' own times where given */

    bool cluster;              /* aurora: a DB cluster (+ an instance we create) */
    char *source_arn;          /* the production cluster / instance */

    /* selected backup: a recovery point (path backup) or snapshot (path snapshot) */
    char *rp_arn;              /* what is restored from: after copies, the copy */
    char *rp_vault;            /* its vault (backup path) */
    char *rp_region;           /* its region */
    char *origin_arn;          /* the original recovery point / snapshot selected */
    double rp_created;         /* creation time of the original backup (RPO) */

    /* the restored copy */
    char *db_id;               /* cluster or instance identifier */
    char *instance_id;         /* aurora: the instance drh adds; NULL for rds */
    char *host;
    int port;
    char *master_user;
    char *db_name;
    char password[48];         /* secret: wiped at the end */

    double canary_time;        /* newest canary (epoch), -1 when none */
    double probes_passed_mono; /* when the last probe passed; 0 if they did not */
    bool probes_ok;
};

/* Adds a case to the suite and prints its verdict. */
void rds_case(struct rds_run *run, const char *name, enum report_status status, double seconds,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The identifier for the restored copy and its parts: "drh-<name>-<suffix>[-<part>]". */
char *rds_identifier(const struct rds_run *run, const char *part);
/* The tags every created thing carries. */
void rds_tags(const struct rds_run *run, struct aws_tag tags[2]);
/* Epoch seconds now. */
double rds_wall_now(void);

enum step_end rds_select(struct rds_run *run, struct drh_err *err);
enum step_end rds_copy(struct rds_run *run, struct drh_err *err);
enum step_end rds_restore(struct rds_run *run, struct drh_err *err);
enum step_end rds_wait_available(struct rds_run *run, struct drh_err *err);
enum step_end rds_login(struct rds_run *run, struct drh_err *err);

/* The whole pipeline of one resource; run's inputs (d, r, run_id, ledger,
 * src, tgt, suite, ev, suffix, t0_*, deadline) are set by the caller. */
enum runner_verdict rds_drill_run(struct rds_run *run);
void rds_run_clean_up(struct rds_run *run);

/* Teardown of a run's resources from the ledger (teardown.c). resource
 * limits it to one drill resource (NULL: all). Writes a line per thing
 * deleted; fills *message with a summary. */
enum step_end teardown_run(struct ledger *l, const char *resource, struct side *src,
                           struct side *tgt, char **message, struct drh_err *err);

#endif
