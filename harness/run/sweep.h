/*
 * drh sweep: what drh runs left in the accounts and Regions of some drill
 * files, found by the tags every thing a run makes carries (drh:run-id,
 * drh:drill, drh:expires), grouped by run and deleted through the run's
 * ledger and teardown_run(): the same code, and the same drh:run-id check,
 * as every teardown. A run's things are swept once the run has ended (its
 * ledger here says so) or expired (past its drh:expires tag, or its
 * ledger's expiry); a run still within its time is kept, and so is one of
 * unknown age unless --older-than says its things are old enough.
 *
 * sweep_find.c lists (per drill: the target account in the target's and
 * the source's Regions, the drill's vaults, the canary objects in the
 * source buckets); sweep.c groups, judges and deletes.
 */
#ifndef DRH_RUN_SWEEP_H
#define DRH_RUN_SWEEP_H
#include "drill/drill.h"
#include "err.h"
#include "run/ledger.h"

#include <stdbool.h>
#include <stddef.h>


/* One thing a run made, as a listing found it. */
struct sweep_thing {
    enum ledger_kind kind;
    const char *side; /* "source" or "target" (static) */
    char *account;
    char *region;
    char *id;           /* as the ledger names it: an RDS identifier, "i-...", a recovery
                         * point ARN, "bucket/key" of a canary object */
    char *arn;          /* NULL when not known */
    char *vault;        /* recovery points: the vault; else NULL */
    char *detail;       /* canary objects: the ledger detail teardown needs; else NULL */
    char *run_id;       /* its drh:run-id */
    char *drill;        /* its drh:drill; NULL when untagged */
    double expires;     /* its drh:expires (epoch seconds); 0 when none */
    double created;     /* when AWS says it was made; 0 when AWS does not say */
    size_t drill_index; /* the drill file in whose accounts it was found */
};

struct sweep_found {
    struct sweep_thing *v;
    size_t n, cap;
    char **scans; /* the listings made, so that drills sharing an account list once */
    size_t n_scans, cap_scans;
    int failed; /* listings that failed (each reported with log_error) */
};

void sweep_found_clean_up(struct sweep_found *f);

/* Lists everything carrying a drh:run-id tag in the accounts and Regions of
 * d (index: its place among the drill files) into f, once per thing: in the
 * target account, in the target's Region EC2 instances, AMIs, EBS
 * snapshots, VPCs, subnets, security groups, RDS instances, clusters,
 * snapshots (not AWS Backup's), DB subnet groups named drh-*, EFS file
 * systems, S3 buckets named drh-*, and recovery points of target.vault; in
 * the source's Region (when another) RDS snapshots and the recovery points
 * of target.staging_vault; in the source account, the canary objects
 * (drh-canary/<run-id>) of each s3 resource's bucket. Each side's account
 * is checked first (STS). A listing that fails is reported and counted
 * (f->failed); the others go on. */
void sweep_find(const struct drill *d, size_t index, struct sweep_found *f);

/* Why a run's things go, or stay. */
enum sweep_verdict {
    SWEEP_ENDED,       /* its ledger here has an "ended" line */
    SWEEP_EXPIRED,     /* now is past its drh:expires (or its ledger's expiry) */
    SWEEP_OLD,         /* of unknown age, made before now - --older-than */
    SWEEP_IN_PROGRESS, /* kept: within its time */
    SWEEP_UNKNOWN      /* kept: no drh:expires, no ledger here that says */
};

/* What is known of a run. */
struct sweep_facts {
    const char *ended;     /* ledger_ended(); NULL: not ended or no ledger */
    double tag_expires;    /* the latest drh:expires of its things; 0: none */
    double ledger_expires; /* ledger_expires(); 0: none or no ledger */
    double newest_created; /* the newest creation time of its things; 0: none known */
};

/* The verdict at now (epoch seconds); older_than (seconds, 0: none) lets a
 * run of unknown age go when its newest known thing is older. *at: the time
 * the verdict speaks of (expiry, creation; 0 when none). */
enum sweep_verdict sweep_judge(const struct sweep_facts *f, double now, long older_than,
                               double *at);
/* Whether a verdict deletes. */
bool sweep_verdict_deletes(enum sweep_verdict v);

/* One run's things: found by the listings and named by its ledger here. */
struct sweep_run {
    char *run_id;
    char *drill;        /* drh:drill, else the ledger's drill, else the drill file's */
    size_t drill_index; /* the drill file whose sides a new ledger takes */
    struct ledger *l;   /* its ledger here; NULL when there is none */
    enum sweep_verdict verdict;
    double at;
    size_t *things; /* indexes into the found things */
    size_t n_things;
    size_t n_ledger; /* entries of its ledger not gone that no listing found */
    /* after sweep_apply() */
    int deleted;
    size_t left;
    bool failed;
    char *message; /* teardown's summary, or what failed */
};

struct sweep_options {
    const char *state_dir;
    const char *run_id; /* only this run; NULL: every run */
    long older_than;    /* seconds; 0: none */
    double now;         /* epoch seconds */
};

/* Groups f's things by run, opens each run's ledger in o->state_dir, adds
 * the runs whose ledger here (of one of the drills' names, or o->run_id)
 * still names things not gone, and judges each. *runs: caller frees with
 * sweep_runs_free(). DRH_E_IO when the state folder cannot be read. */
enum drh_status sweep_plan(const struct sweep_found *f, struct drill *const *drills,
                           size_t n_drills, const struct sweep_options *o, struct sweep_run **runs,
                           size_t *n, struct drh_err *err);
/* Deletes a sweepable run's things: its ledger (made with the drill file's
 * sides when there is none here) gets an intent and a created line for each
 * found thing it does not name yet, teardown_run() deletes every entry not
 * gone, and the ledger ends "sweep". Fills r->deleted, left, failed,
 * message. DRH_OK when nothing is left. */
enum drh_status sweep_apply(struct sweep_run *r, const struct sweep_found *f,
                            struct drill *const *drills, const char *state_dir,
                            struct drh_err *err);
void sweep_runs_free(struct sweep_run *runs, size_t n);

/* "ended", "expired", "older", "in progress", "unknown age". */
const char *sweep_verdict_name(enum sweep_verdict v);

#endif
