/*
 * `drh run`: loads drills, runs each resource's pipeline (select, copy,
 * restore, wait, probe, measure, teardown) on a pool of threads, and writes
 * the reports. The exit code is what CI acts on: 0 every case passed,
 * 1 a drill failed (a job failed, a probe failed, an objective was missed),
 * 2 bad usage or drill file, 3 an environment or infrastructure error.
 */
#ifndef DRH_RUNNER_H
#define DRH_RUNNER_H
#include "drill/drill.h"
#include "history/history.h"
#include "reports/report.h"
#include <signal.h>
#include <stdbool.h>
#include <time.h>

struct runner_options {
    const char *junit;       /* --junit PATH: overrides each drill's reports.junit */
    const char *evidence;    /* --evidence DIR: bundles go to DIR/<run-id>/ */
    const char *html;        /* --html DIR: DIR/<run-id>.html and DIR/index.html */
    const char *metrics;     /* --metrics FILE.prom */
    const char *summary;     /* --summary FILE (Markdown; $GITHUB_STEP_SUMMARY also) */
    const char *key_pem;     /* the evidence signing key (a secret); NULL: unsigned */
    size_t key_len;
    int concurrency;         /* resources worked on at once; 0: 4 */
    const char *run_id;      /* NULL: made from the time and random bytes */
    const char *state_dir;   /* NULL: ledger_state_dir() */
    bool plan_only;          /* drh plan: print the steps, call nothing */
    struct history_store *history; /* where the run is recorded and its RTO compared;
                                    * NULL: neither */
    const time_t *scheduled_for;   /* per drill: the scheduled time it runs for (0:
                                    * none); NULL: a manual run of every drill */
};

/* Set by SIGINT/SIGTERM: waits stop, teardown runs, the run ends. */
extern volatile sig_atomic_t runner_interrupted;
/* 128 + the signal that interrupted the run (130 SIGINT, 143 SIGTERM); 0
 * when none did. A second signal ends the process at once with 128 + it,
 * leaving the ledger for drh teardown --run. */
int runner_signal_exit_code(void);

/* Runs the drills; returns the process exit code. */
int runner_run(struct drill **drills, size_t n, const struct runner_options *opt);

/* A new run id: "YYYYMMDD-HHMMSS-xxxxxx" (UTC, 6 random hex). Caller frees. */
char *runner_new_run_id(void);

/* The result of one resource's pipeline, for the exit code. */
enum runner_verdict { RUNNER_PASSED = 0, RUNNER_FAILED = 1, RUNNER_ERROR = 3 };

#endif
