/*
 * After a drill's verdict, before the reports (runner_after.c): the RTO
 * compared with the drill's history, the run recorded there, and the
 * notifications the drill's "notify" section asks for. Neither changes the
 * verdict; what they did goes into the drill's evidence and its stack
 * suite's properties.
 */
#ifndef DRH_RUNNER_AFTER_H
#define DRH_RUNNER_AFTER_H
#include "drill/drill.h"
#include "history/history.h"
#include "reports/report.h"
#include "run/runner.h"

#include <time.h>

struct drill_result {
    const struct drill *d;
    const char *run_id;
    enum runner_verdict verdict;   /* the drill's: the worst of its suites' */
    struct report_suite *stack;    /* "<drill>/stack" */
    struct report_suite **suites;  /* every suite of the drill, the stack's first */
    const char **verdicts;         /* per suite: "PASSED", "FAILED", "ERROR" */
    size_t n_suites;
    struct json *ev;               /* the drill's evidence object */
    time_t scheduled_for;          /* 0: a manual run */
    double started, ended;         /* epoch seconds */
    char warning[300];             /* runner_record(): the RTO regression, or "" */
};

/* The RTO regression check (a warning: property rto_regression, evidence
 * "warnings", r->warning) and, with h, the history record. */
void runner_record(struct drill_result *r, struct history_store *h);
/* Sends the notifications the drill wants for its verdict (with the
 * reports' paths, which may be NULL); their outcomes go into the evidence
 * ("notifications") and properties notify_sns / notify_webhook. */
void runner_notify(struct drill_result *r, const char *junit, const char *evidence);

#endif
