/*
 * One resource of a drill on its way through the pipeline, whatever its
 * kind: the part every kind shares (the drill, the run, the sides, the
 * report suite and evidence object, the clocks, the selected backup) and
 * the helpers every kind's pipeline uses (cases, identifiers, tags, steps,
 * RTO / RPO, teardown). Each kind (harness/rds, efs, s3, ec2) embeds a
 * struct res_run as the first member of its own run and registers a
 * struct res_kind (kinds.c). Internal to the runner.
 */
#ifndef DRH_RUN_RESOURCE_H
#define DRH_RUN_RESOURCE_H
#include "aws/protocol.h"
#include "drill/drill.h"
#include "json.h"
#include "probes/probe.h"
#include "reports/report.h"
#include "run/ledger.h"
#include "run/runner.h"
#include "run/side.h"

#include <stdio.h>

/* The phases timed for RTO, in order. */
enum res_phase { PH_SELECT, PH_COPY, PH_RESTORE, PH_AVAILABLE, PH_PROBE, PH_TEARDOWN, PH_COUNT };

/* How a step ended: a drill failure (the backup did not restore, a probe
 * failed: exit 1) differs from an error of the environment (exit 3). */
enum step_end { STEP_OK, STEP_FAILED, STEP_ERROR };

/* What a resource gives the resources that run after it (drill_outputs()). */
struct res_output {
    char *key;   /* "endpoint" */
    char *value;
    bool secret; /* a password: only in a command's environment, never in a template */
};

struct res_run {
    const struct drill *d;
    const struct drill_resource *r;
    const char *run_id;
    struct ledger *ledger;
    struct side *src, *tgt;
    struct report_suite *suite;
    struct json *ev;           /* this resource's evidence object */
    char classname[128];
    char suffix[8];            /* the run id's random part, for identifiers */
    char expires[32];          /* the drh:expires tag: "2026-11-22T10:00:00Z" */

    double t0_wall;            /* the disaster is declared (epoch seconds) */
    double t0_mono;            /* the same moment on progress_elapsed()'s clock */
    double deadline;           /* t0_mono + timeouts.drill: every wait ends by then */
    double step_deadline;      /* the current step's waits end by then (res_step) */
    char step_limit[64];       /* what sets step_deadline: "timeouts.restore (6h)" */
    double phase_s[PH_COUNT];  /* seconds per phase, from jobs' own times where given */

    char *source_arn;          /* the production resource, as an ARN */

    /* The selected backup: a recovery point, snapshot or image. */
    char *rp_arn;              /* what is restored from: after copies, the copy */
    char *rp_vault;            /* its vault (recovery points) */
    char *rp_region;           /* its region */
    char *origin_arn;          /* the original backup selected */
    double rp_created;         /* creation time of the original backup (RPO); 0: none */
    const char *rpo_basis;     /* what rp_created dates, for the rpo case; NULL: "backup" */

    double canary_time;        /* newest canary (epoch), -1 when none */
    double probes_passed_mono; /* when the last probe passed; 0 if they did not */
    bool probes_ok;

    /* The stack (runner.c sets these before drill()). */
    const struct drill_isolation *iso; /* where restores go: the drill's named network or
                                        * the one drh built (isolation.c) */
    struct res_run **after;            /* the runs of r->after, ended before this one began */
    size_t n_after;
    struct res_output *outputs;        /* res_output(); owned */
    size_t n_outputs;
    bool hold_teardown;                /* others run after this one: res_teardown() only
                                        * records the worst step, res_teardown_held() runs
                                        * it once they ended */
    bool teardown_held;
    enum step_end held_worst;
};

/* A kind of resource: how the runner makes, runs, plans and frees its runs. */
struct res_kind {
    const char *name; /* "rds", "efs", ... for messages */
    /* A zeroed run of this kind (its struct res_run first). */
    struct res_run *(*new_run)(void);
    /* The whole pipeline; the runner has set the res_run's inputs (d, r,
     * run_id, ledger, src, tgt, suite, ev, suffix, t0_*, deadline). */
    enum runner_verdict (*drill)(struct res_run *run);
    /* drh plan: the numbered steps after GetCallerIdentity (*step is the
     * next number); makes no AWS call. */
    void (*plan)(const struct drill *d, const struct drill_resource *r, int *step, FILE *out);
    /* Frees everything the run holds, the run itself too; NULL is a no-op. */
    void (*free_run)(struct res_run *run);
};

/* The kind of a resource type (kinds.c). */
const struct res_kind *res_kind_of(enum drill_resource_type t);
extern const struct res_kind rds_kind, efs_kind, s3_kind, ec2_kind, check_kind;

/* Adds a case to the suite and prints its verdict. */
void res_case(struct res_run *run, const char *name, enum report_status status, double seconds,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A step: times fn, adds its case (named name), folds its end into *worst
 * and returns it. Sets step_deadline: the step's timeout (copy: timeouts.copy;
 * restore, launch: .restore; available, mount, login: .available; others
 * none) from now, and never past the drill's. */
enum step_end res_step(struct res_run *run, const char *name,
                       enum step_end (*fn)(struct res_run *, struct drh_err *),
                       enum step_end *worst);
/* Marks the named cases and then every probe as skipped: "not run: why". */
void res_skip_rest(struct res_run *run, const char *const *names, size_t n, const char *why);
/* One probe's verdict as its case "probe NAME". A probe that did not pass
 * (failed, or could not run) fails the drill: the data is not proven. A
 * canary's time becomes the run's. Returns whether it passed. */
bool res_probe_case(struct res_run *run, const struct drill_probe *p,
                    const struct probe_result *pr, enum step_end *worst);
/* Ends the probe phase begun at t (progress_elapsed()): probes_ok, and
 * when all passed probes_passed_mono; phase_s[PH_PROBE]. */
void res_probes_done(struct res_run *run, bool all, double t);
/* Folds e into *worst. */
void res_worse(enum step_end *worst, enum step_end e);
/* The identifier of something the run creates and its parts:
 * "drh-<name>-<suffix>[-<part>]", lower case (fits RDS, S3 and EC2 names). */
char *res_identifier(const struct res_run *run, const char *part);
/* The tags every created thing carries: drh:run-id, drh:drill and
 * drh:expires (when drh sweep may delete it: ledger_expires()). */
#define RES_TAG_COUNT 3
void res_tags(const struct res_run *run, struct aws_tag tags[RES_TAG_COUNT]);
/* The drh:expires value of an epoch time: "2026-11-22T10:00:00Z". */
void res_expires_tag(double expires, char out[32]);
/* Epoch seconds now. */
double res_wall_now(void);
/* "2026-11-22T10:00:00.000Z" into out. */
void res_iso_time(double t, char out[64]);
/* Adds an ISO time member to the run's evidence object. */
void res_ev_time(struct res_run *run, const char *key, double t);
/* Starts the run's report: classname, t0, resource and source in the
 * evidence and the suite's properties. Call first in a kind's drill(). */
void res_begin(struct res_run *run, const char *source_arn);
/* RTO (phases up to the last passing probe, capped by the wall clock),
 * phase properties, RPO from rp_created and, when a canary was read, the
 * data-level RPO: cases "rto", "rpo", "rpo data". */
void res_measure(struct res_run *run, enum step_end *worst);
/* Teardown by the drill's policy from the ledger: case "teardown". With
 * hold_teardown it only records *worst for res_teardown_held(). */
void res_teardown(struct res_run *run, enum step_end *worst);
/* The held teardown, once the resources that ran after this one ended;
 * returns the run's verdict after it. */
enum runner_verdict res_teardown_held(struct res_run *run);

/*
 * Outputs and inputs (outputs.c): what a run gives those that run after it,
 * and what it takes from those it runs after.
 */
/* Sets an output (replacing one of the same key); NULL value: "". */
void res_output(struct res_run *run, const char *key, const char *value);
void res_output_secret(struct res_run *run, const char *key, const char *value);
/* tmpl with each {NAME.KEY} of the runs in run->after replaced by the
 * output (shell-quoted when quote); other text as it is. Caller frees. */
char *res_expand(const struct res_run *run, const char *tmpl, bool quote);
/* The environment of a command a run gives: "DRH_<NAME>_<KEY>=value" for
 * every output (secrets too) of the runs in run->after. Caller frees with
 * res_env_free(). */
char **res_env(const struct res_run *run, size_t *n);
void res_env_free(char **env, size_t n);
void res_outputs_free(struct res_run *run);
/* The verdict of a pipeline's worst step. */
enum runner_verdict res_verdict(enum step_end worst);
/* Frees the shared part's strings (not the run). */
void res_clean_up(struct res_run *run);

/*
 * AWS Backup recovery points, for every kind restored from one (backup_path.c).
 */
/* The index of the one to restore among n backups created at the given
 * times: the newest, or with select random one at random within the
 * window (the newest when none is); n when n is 0. */
size_t res_pick(const struct res_run *run, const double *created, size_t n);
/* Selects by r->select from the source vault (or the target's DR vault):
 * sets origin_arn, rp_arn, rp_vault, rp_region, rp_created. */
enum step_end res_select_recovery_point(struct res_run *run, struct drh_err *err);
/* Copies rp_arn into the target's vault (two hops through the staging
 * vault when two_hops), tags the copy, ledger first; rp_* then name it. */
enum step_end res_copy_recovery_point(struct res_run *run, bool two_hops, struct drh_err *err);
/* Starts a restore job of rp_arn with the given metadata and resource type
 * ("RDS", "Aurora", "EFS", "EC2"), writing the ledger intent for
 * (kind, id) first and the job after; waits for its end. On COMPLETED sets
 * phase_s[PH_RESTORE] from the job's own times and *created_arn (caller
 * frees; may be NULL when the job gives none). */
enum step_end res_restore_job(struct res_run *run, struct aws_client *c, const struct json *meta,
                              const char *resource_type, enum ledger_kind kind, const char *id,
                              char **created_arn, struct drh_err *err);

/* Teardown of a run's resources from the ledger (teardown.c). resource
 * limits it to one drill resource (NULL: all). Fills *message with a
 * summary ("3 deleted, 0 left"). */
enum step_end teardown_run(struct ledger *l, const char *resource, struct side *src,
                           struct side *tgt, char **message, struct drh_err *err);
/* How many of the ledger's entries of resource (NULL: all) are not gone. */
size_t teardown_left(const struct ledger *l, const char *resource);

#endif
