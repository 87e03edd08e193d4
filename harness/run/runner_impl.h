/*
 * Inside `drh run` (runner.h): the drill-level stack (preflight, posture,
 * the isolation drh builds, the stack RTO; runner_stack.c) and the pool of
 * threads that works through the resources in the order their "after"
 * gives (runner_pool.c). runner.c ties them together and reports.
 */
#ifndef DRH_RUNNER_IMPL_H
#define DRH_RUNNER_IMPL_H
#include "check/check.h"
#include "run/isolation.h"
#include "run/resource.h"

/* One drill's stack: what comes before its resources and after them. */
struct stack {
    const struct drill *d;
    struct ledger *ledger;
    const char *run_id;
    struct check_ctx ctx;          /* suite "<drill>/stack" */
    struct report_suite *posture;  /* suite "<drill>/posture"; NULL without a posture section */
    struct json *ev;               /* the drill's "stack" evidence */
    struct side *src, *tgt;
    struct isolation_stack built;  /* isolation create */
    bool have_built;
    struct drill_isolation iso;    /* what restores use (borrowed pointers) */
    bool ready;                    /* the resources may run */
    char why[256];                 /* when not ready: why, for their skipped cases */
    enum runner_verdict verdict;   /* of the stack's own cases */
    double t0_mono;
};

/* Opens the sides, runs preflight, posture (when the drill has a section)
 * and builds the isolation (create); sets ready, why and verdict. */
void stack_begin(struct stack *s);
/* After the drill's resources (runs[0..n)) ended: the stack RTO and the
 * isolation's teardown; closes the sides. */
void stack_end(struct stack *s, struct res_run *const *runs, const enum runner_verdict *verdicts,
               size_t n);
void stack_clean_up(struct stack *s);

/* The worse of two verdicts: a proven failure outranks an error. */
enum runner_verdict runner_worse(enum runner_verdict a, enum runner_verdict b);

/* One resource of one drill in the pool. */
struct task {
    const struct res_kind *kind;
    struct res_run *run;
    enum runner_verdict verdict;
    size_t drill;
    struct stack *stack;
    size_t *deps; /* indices of the tasks of r->after */
    size_t n_deps;
    size_t holds; /* tasks that run after this one and have not ended */
    bool started, ended;
};

/* Runs the tasks on up to workers threads: a task starts once every task
 * it runs after has ended (a failed one skips it); a task others run after
 * keeps its teardown until the last of them ended. */
void pool_run(struct task *tasks, size_t n, size_t workers);

#endif
