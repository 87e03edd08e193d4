/*
 * `drh run` (runner.h): a ledger per drill, a pool of threads over the
 * drills' resources (each thread with its own AWS sides, so credentials and
 * connections are never shared between threads), then the reports and the
 * exit code. SIGINT / SIGTERM end the waits and go straight to teardown; a
 * second signal also cuts teardown short (drh teardown --run finishes it).
 */
#include "run/runner.h"
#include "crypto.h"
#include "run/ledger.h"
#include "log.h"
#include "mem.h"
#include "run/progress.h"
#include "run/resource.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t runner_interrupted;

static void s_on_signal(int sig)
{
    (void)sig;
    if (runner_interrupted < 2)
        runner_interrupted++;
}

char *runner_new_run_id(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    unsigned char r[3];
    crypto_random_bytes(r, sizeof(r));
    char hex[7];
    crypto_hex(r, sizeof(r), hex);
    return xasprintf("%04d%02d%02d-%02d%02d%02d-%s", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, hex);
}

struct task {
    const struct res_kind *kind;
    struct res_run *run;
    enum runner_verdict verdict;
    size_t drill;
};

struct pool {
    pthread_mutex_t lock;
    struct task *tasks;
    size_t n, next;
};

static void s_task(struct task *t)
{
    struct res_run *run = t->run;
    struct drh_err err;
    drh_err_clear(&err);
    snprintf(run->classname, sizeof(run->classname), "%s.%s", run->d->name, run->r->name);
    if (run->d->isolation.create) {
        res_case(run, "isolation", REPORT_ERROR, 0,
                 "isolation \"create\" (a stack drh builds) is not available yet (hint: name "
                 "the isolated subnet group, subnet and security groups in target.isolation)");
        t->verdict = RUNNER_ERROR;
        return;
    }
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
    } else {
        t->verdict = t->kind->drill(run);
    }
    side_free(run->src);
    side_free(run->tgt);
    run->src = run->tgt = NULL;
}

static void *s_worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        s_task(&p->tasks[i]);
    }
}

static void s_plan(struct drill **drills, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct drill *d = drills[i];
        char rto[32], rpo[32];
        drill_format_duration(d->rto, rto, sizeof(rto));
        drill_format_duration(d->rpo, rpo, sizeof(rpo));
        printf("drill %s (%s): RTO %s, RPO %s, teardown %s\n", d->name, d->path, rto, rpo,
               drill_teardown_name(d->teardown));
        printf("  source: account %s, %s%s%s; target: account %s, %s%s%s\n", d->source.account,
               d->source.region, d->source.role_arn ? ", role " : "",
               d->source.role_arn ? d->source.role_arn : "", d->target.account, d->target.region,
               d->target.role_arn ? ", role " : "", d->target.role_arn ? d->target.role_arn : "");
        printf("  1. sts GetCallerIdentity on both sides (accounts must match the drill)\n");
        for (size_t j = 0; j < d->n_resources; j++) {
            const struct drill_resource *r = &d->resources[j];
            int k = 2;
            res_kind_of(r->type)->plan(d, r, &k, stdout);
            printf("  %d. measure RTO and RPO\n", k++);
            printf("  %d. teardown (%s): delete what the ledger holds, confirm gone\n", k++,
                   drill_teardown_name(d->teardown));
        }
    }
}

static const char *s_verdict_name(enum runner_verdict v)
{
    return v == RUNNER_PASSED ? "PASSED" : v == RUNNER_FAILED ? "FAILED" : "ERROR";
}

static const char *s_prop(const struct report_suite *s, const char *name)
{
    for (size_t i = 0; i < s->n_props; i++)
        if (strcmp(s->props[i].name, name) == 0)
            return s->props[i].value;
    return "-";
}

static void s_summary(const struct task *tasks, size_t n, FILE *out)
{
    fprintf(out, "\n%-24s %-22s %-7s %10s %10s %7s %7s\n", "drill", "resource", "verdict",
            "rto (s)", "rpo (s)", "passed", "failed");
    for (size_t i = 0; i < n; i++) {
        const struct report_suite *s = tasks[i].run->suite;
        size_t pass = 0, fail = 0;
        for (size_t c = 0; c < s->n_cases; c++) {
            pass += s->cases[c]->status == REPORT_PASS;
            fail += s->cases[c]->status == REPORT_FAIL || s->cases[c]->status == REPORT_ERROR;
        }
        fprintf(out, "%-24s %-22s %-7s %10s %10s %7zu %7zu\n", tasks[i].run->d->name,
                tasks[i].run->r->name, s_verdict_name(tasks[i].verdict), s_prop(s, "rto_seconds"),
                s_prop(s, "rpo_seconds"), pass, fail);
    }
}

int runner_run(struct drill **drills, size_t n, const struct runner_options *opt)
{
    if (opt->plan_only) {
        s_plan(drills, n);
        return 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = s_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    char *run_id = opt->run_id ? xstrdup(opt->run_id) : runner_new_run_id();
    char *state = opt->state_dir ? xstrdup(opt->state_dir) : ledger_state_dir();
    const char *suffix = strrchr(run_id, '-') ? strrchr(run_id, '-') + 1 : run_id;
    struct report rep;
    report_init(&rep, run_id, time(NULL));
    struct json *ev = json_new_object();
    struct json *ev_drills = json_add_child(ev, "drills", json_new_array());
    struct ledger **ledgers = xcalloc(n, sizeof(*ledgers));
    char **run_ids = xcalloc(n, sizeof(*run_ids));
    size_t n_tasks = 0;
    for (size_t i = 0; i < n; i++)
        n_tasks += drills[i]->n_resources;
    struct task *tasks = xcalloc(n_tasks, sizeof(*tasks));
    int rc = 0;
    struct drh_err err;
    drh_err_clear(&err);
    double t0_wall = res_wall_now(), t0_mono = progress_elapsed();
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct drill *d = drills[i];
        run_ids[i] = n == 1 ? xstrdup(run_id) : xasprintf("%s-%s", run_id, d->name);
        if (ledger_create(state, run_ids[i], d, &ledgers[i], &err) != DRH_OK) {
            log_error("%s", err.msg);
            if (err.hint[0])
                log_error("HINT: %s", err.hint);
            rc = drh_status_exit_code(err.code);
            goto done;
        }
        progress_phase(d->name, NULL, "run", "run id %s (ledger %s)", run_ids[i],
                       ledger_dir(ledgers[i]));
        for (size_t j = 0; j < d->n_resources; j++) {
            char name[200];
            snprintf(name, sizeof(name), "%s/%s", d->name, d->resources[j].name);
            report_add_suite(&rep, name, time(NULL));
        }
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < drills[i]->n_resources; j++, k++) {
            tasks[k].kind = res_kind_of(drills[i]->resources[j].type);
            tasks[k].run = tasks[k].kind->new_run();
            struct res_run *run = tasks[k].run;
            tasks[k].drill = i;
            run->d = drills[i];
            run->r = &drills[i]->resources[j];
            run->run_id = run_ids[i];
            run->ledger = ledgers[i];
            run->suite = rep.suites[k];
            run->ev = json_new_object();
            snprintf(run->suffix, sizeof(run->suffix), "%.6s", suffix);
            run->t0_wall = t0_wall;
            run->t0_mono = t0_mono;
            run->deadline = t0_mono + (double)drills[i]->rto;
        }
    }
    struct pool pool = {PTHREAD_MUTEX_INITIALIZER, tasks, n_tasks, 0};
    size_t workers = opt->concurrency > 0 ? (size_t)opt->concurrency : 4;
    if (workers > n_tasks)
        workers = n_tasks;
    pthread_t *th = xcalloc(workers, sizeof(*th));
    for (size_t w = 0; w < workers; w++)
        if (pthread_create(&th[w], NULL, s_worker, &pool) != 0) {
            workers = w;
            break;
        }
    if (workers == 0)
        s_worker(&pool);
    for (size_t w = 0; w < workers; w++)
        pthread_join(th[w], NULL);
    free(th);

    /* Evidence and verdicts, in drill order. */
    bool failed = false, errored = false;
    for (size_t i = 0; i < n; i++) {
        const struct drill *d = drills[i];
        struct json *jd = json_new_object();
        json_add_string(jd, "name", d->name);
        json_add_string(jd, "file", d->path);
        json_add_string(jd, "run_id", run_ids[i]);
        json_add_string(jd, "owner", d->owner);
        json_add_number(jd, "rto_objective_seconds", (double)d->rto);
        json_add_number(jd, "rpo_objective_seconds", (double)d->rpo);
        json_add_string(jd, "source_account", d->source.account);
        json_add_string(jd, "source_region", d->source.region);
        json_add_string(jd, "target_account", d->target.account);
        json_add_string(jd, "target_region", d->target.region);
        struct json *res = json_add_child(jd, "resources", json_new_array());
        for (size_t t = 0; t < n_tasks; t++) {
            if (tasks[t].drill != i)
                continue;
            json_add_string(tasks[t].run->ev, "verdict", s_verdict_name(tasks[t].verdict));
            json_push(res, tasks[t].run->ev);
            tasks[t].run->ev = NULL;
            failed |= tasks[t].verdict == RUNNER_FAILED;
            errored |= tasks[t].verdict == RUNNER_ERROR;
        }
        json_push(ev_drills, jd);
    }
    rep.seconds = progress_elapsed() - t0_mono;
    rep.evidence = ev;
    ev = NULL;
    if (runner_interrupted)
        errored = true;
    /* A proven failure outranks an incomplete run: it is what CI must act on. */
    rc = failed ? 1 : errored ? 3 : 0;

    /* The drill's own report paths are relative to its folder. */
    char *junit_path = opt->junit ? xstrdup(opt->junit) : drill_resolve(drills[0], drills[0]->junit);
    char *ev_path = opt->evidence ? xstrdup(opt->evidence)
                                  : drill_resolve(drills[0], drills[0]->evidence);
    const char *junit = junit_path, *evdir = ev_path;
    FILE *out = stdout;
    s_summary(tasks, n_tasks, out);
    if (junit) {
        if (junit_write(&rep, junit, &err) != DRH_OK) {
            log_error("%s", err.msg);
            rc = rc ? rc : 3;
        } else {
            fprintf(out, "junit:    %s\n", junit);
        }
    }
    if (evdir) {
        char *path = NULL;
        if (evidence_write(&rep, evdir, &path, &err) != DRH_OK) {
            log_error("%s", err.msg);
            rc = rc ? rc : 3;
        } else {
            fprintf(out, "evidence: %s\n", path);
        }
        free(path);
    }
    fprintf(out, "run id:   %s\nresult:   %s\n", run_id,
            rc == 0 ? "PASSED" : rc == 1 ? "FAILED" : "ERROR");
    free(junit_path);
    free(ev_path);
done:
    for (size_t t = 0; t < n_tasks; t++) {
        if (!tasks[t].run)
            continue;
        json_free(tasks[t].run->ev);
        tasks[t].kind->free_run(tasks[t].run);
    }
    free(tasks);
    for (size_t i = 0; i < n; i++) {
        ledger_close(ledgers[i]);
        free(run_ids[i]);
    }
    free(ledgers);
    free(run_ids);
    json_free(ev);
    report_clean_up(&rep);
    free(state);
    free(run_id);
    return rc;
}
