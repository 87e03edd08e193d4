/*
 * The pool of `drh run` (runner_impl.h): threads take the next task whose
 * "after" resources have ended, each with its own AWS sides (credentials
 * and connections are never shared between threads). A resource others
 * run after keeps its restored copy (its teardown is held) until the last
 * of them ended; that thread then tears it down.
 */
#include "log.h"
#include "mem.h"
#include "run/progress.h"
#include "run/runner_impl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct task *tasks;
    size_t n;
};

enum runner_verdict runner_worse(enum runner_verdict a, enum runner_verdict b)
{
    if (a == RUNNER_PASSED)
        return b;
    if (b == RUNNER_PASSED)
        return a;
    return a == RUNNER_FAILED || b == RUNNER_FAILED ? RUNNER_FAILED : RUNNER_ERROR;
}

static void s_close_sides(struct res_run *run)
{
    side_free(run->src);
    side_free(run->tgt);
    run->src = run->tgt = NULL;
}

/* Whether the task may run: every task it runs after passed. Else its
 * cases say why it did not, and its verdict is theirs. */
static bool s_after_passed(struct pool *p, struct task *t)
{
    struct res_run *run = t->run;
    run->after = t->n_deps ? xcalloc(t->n_deps, sizeof *run->after) : NULL;
    for (size_t i = 0; i < t->n_deps; i++) {
        struct task *dep = &p->tasks[t->deps[i]];
        run->after[run->n_after++] = dep->run;
        if (dep->verdict == RUNNER_PASSED)
            continue;
        res_case(run, "after", REPORT_SKIPPED, 0, "not run: '%s' (which this resource runs after) "
                 "did not pass", dep->run->r->name);
        res_skip_rest(run, NULL, 0, "an earlier resource did not pass");
        t->verdict = dep->verdict;
        return false;
    }
    return true;
}

static void s_task(struct pool *p, struct task *t)
{
    struct res_run *run = t->run;
    struct drh_err err;
    drh_err_clear(&err);
    snprintf(run->classname, sizeof(run->classname), "%s/%s", run->d->name, run->r->name);
    if (!t->stack->ready) {
        res_case(run, "stack", REPORT_SKIPPED, 0, "not run: %s", t->stack->why);
        res_skip_rest(run, NULL, 0, t->stack->why);
        t->verdict = t->stack->verdict == RUNNER_PASSED ? RUNNER_ERROR : t->stack->verdict;
        return;
    }
    if (!s_after_passed(p, t))
        return;
    run->iso = &t->stack->iso;
    run->hold_teardown = t->holds > 0;
    enum drh_status st = side_open(&run->d->source, "source", &run->src, &err);
    if (st == DRH_OK)
        st = side_open(&run->d->target, "target", &run->tgt, &err);
    if (st == DRH_OK)
        st = side_verify_account(run->src, &err);
    if (st == DRH_OK)
        st = side_verify_account(run->tgt, &err);
    if (st != DRH_OK) {
        res_case(run, "credentials", REPORT_ERROR, 0, "%s%s%s%s", err.msg,
                 err.hint[0] ? " (hint: " : "", err.hint, err.hint[0] ? ")" : "");
        t->verdict = RUNNER_ERROR;
        run->hold_teardown = false;
    } else {
        t->verdict = t->kind->drill(run);
    }
    if (!run->teardown_held)
        s_close_sides(run);
}

/* The next task whose "after" tasks have all ended; NULL when none is ready. */
static struct task *s_next(struct pool *p, bool *all_started)
{
    *all_started = true;
    for (size_t i = 0; i < p->n; i++) {
        struct task *t = &p->tasks[i];
        if (t->started)
            continue;
        *all_started = false;
        bool ready = true;
        for (size_t k = 0; k < t->n_deps && ready; k++)
            ready = p->tasks[t->deps[k]].ended;
        if (ready)
            return t;
    }
    return NULL;
}

/* A task ended: the tasks it ran after lose a hold; those left with none
 * and a held teardown are returned in release[] for the caller to finish. */
static size_t s_ended(struct pool *p, struct task *t, struct task **release)
{
    size_t n = 0;
    t->ended = true;
    for (size_t k = 0; k < t->n_deps; k++) {
        struct task *dep = &p->tasks[t->deps[k]];
        if (dep->holds > 0 && --dep->holds == 0 && dep->run->teardown_held)
            release[n++] = dep;
    }
    return n;
}

static void *s_worker(void *arg)
{
    struct pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        bool all_started;
        struct task *t = s_next(p, &all_started);
        if (!t && all_started)
            break;
        if (!t) {
            pthread_cond_wait(&p->changed, &p->lock);
            continue;
        }
        t->started = true;
        pthread_mutex_unlock(&p->lock);
        s_task(p, t);
        pthread_mutex_lock(&p->lock);
        struct task **release = xcalloc(t->n_deps + 1, sizeof *release);
        size_t n = s_ended(p, t, release);
        pthread_mutex_unlock(&p->lock);
        for (size_t i = 0; i < n; i++) {
            struct res_run *run = release[i]->run;
            enum runner_verdict v = res_teardown_held(run);
            s_close_sides(run);
            pthread_mutex_lock(&p->lock);
            release[i]->verdict = runner_worse(release[i]->verdict, v);
            pthread_mutex_unlock(&p->lock);
        }
        free(release);
        pthread_mutex_lock(&p->lock);
        pthread_cond_broadcast(&p->changed);
    }
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

void pool_run(struct task *tasks, size_t n, size_t workers)
{
    struct pool pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, tasks, n};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < tasks[i].n_deps; k++)
            tasks[tasks[i].deps[k]].holds++;
    if (workers > n)
        workers = n;
    pthread_t *th = xcalloc(workers ? workers : 1, sizeof(*th));
    size_t started = 0;
    for (; started < workers; started++)
        if (pthread_create(&th[started], NULL, s_worker, &pool) != 0)
            break;
    if (started == 0)
        s_worker(&pool);
    for (size_t w = 0; w < started; w++)
        pthread_join(th[w], NULL);
    free(th);
    /* A held teardown whose dependents never ran (an interrupted run). */
    for (size_t i = 0; i < n; i++) {
        struct res_run *run = tasks[i].run;
        if (!run->teardown_held)
            continue;
        tasks[i].verdict = runner_worse(tasks[i].verdict, res_teardown_held(run));
        s_close_sides(run);
    }
}
