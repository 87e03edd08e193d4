/*
 * `drh run` (runner.h): a ledger per drill; each drill's stack first
 * (preflight, posture, isolation: runner_stack.c); the pool over the
 * drills' resources in the order their "after" gives (runner_pool.c); the
 * stacks' end (stack RTO, isolation teardown); then the reports and the
 * exit code. SIGINT / SIGTERM end the waits and go straight to teardown; a
 * second signal also cuts teardown short (drh teardown --run finishes it).
 */
#include "run/runner.h"
#include "run/runner_impl.h"
#include "crypto.h"
#include "run/ledger.h"
#include "log.h"
#include "mem.h"
#include "run/progress.h"
#include "run/resource.h"
#include "run/provenance.h"
#include "run/runner_after.h"
#include "run/runner_reports.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t runner_interrupted;
/* The first signal (its exit code is 128 + it) and what a second one prints
 * before it ends the process at once: how to finish the teardown. */
static volatile sig_atomic_t s_first_signal;
static char s_second_msg[4096];
static size_t s_second_len;

static void s_on_signal(int sig)
{
    if (runner_interrupted >= 1) {
        /* Only async-signal-safe calls: the ledger is fsync'd line by line. */
        if (s_second_len && write(STDERR_FILENO, s_second_msg, s_second_len) < 0)
            s_second_len = 0;
        _exit(128 + sig);
    }
    s_first_signal = sig;
    runner_interrupted = 1;
}

/* Prepares the second signal's message once the run ids are known. */
static void s_second_signal_message(char **run_ids, size_t n)
{
    int len = snprintf(s_second_msg, sizeof s_second_msg,
                       "drh: a second signal: stopped at once; the ledger is left. Finish the "
                       "teardown with:\n");
    for (size_t i = 0; i < n && len > 0 && (size_t)len < sizeof s_second_msg; i++)
        len += snprintf(s_second_msg + len, sizeof s_second_msg - (size_t)len,
                        "  drh teardown --run %s\n", run_ids[i]);
    s_second_len = len > 0 && (size_t)len < sizeof s_second_msg ? (size_t)len : 0;
}

int runner_signal_exit_code(void)
{
    return s_first_signal ? 128 + s_first_signal : 0;
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
        printf("  2. preflight: vaults, their access policies and keys%s (read-only)\n",
               d->isolation.create ? "" : ", the named isolation");
        int k = 3;
        if (d->posture.present)
            printf("  %d. posture: backup plan %s, its rules, copies and the newest backups\n",
                   k++, d->posture.plan ? d->posture.plan : "(found by its selections)");
        if (d->isolation.create)
            printf("  %d. isolation: create a VPC (%s, no internet gateway), 2 private subnets, a "
                   "security group admitting %s, a DB subnet group\n",
                   k++, d->isolation.vpc_cidr, d->isolation.allow_from);
        for (size_t j = 0; j < d->n_resources; j++) {
            const struct drill_resource *r = &d->resources[j];
            if (r->n_after) {
                printf("  after");
                for (size_t a = 0; a < r->n_after; a++)
                    printf("%s %s", a ? "," : "", r->after[a]);
                printf(" passed (their teardown waits for this one):\n");
            }
            res_kind_of(r->type)->plan(d, r, &k, stdout);
            printf("  %d. measure RTO and RPO\n", k++);
            printf("  %d. teardown (%s): delete what the ledger holds, confirm gone\n", k++,
                   drill_teardown_name(d->teardown));
        }
        if (d->n_resources > 1)
            printf("  %d. stack RTO: T0 until the last resource passed its probes\n", k++);
        if (d->isolation.create)
            printf("  %d. isolation teardown (%s): the DB subnet group, security group, subnets "
                   "and VPC\n",
                   k++, drill_teardown_name(d->teardown));
    }
}

static const char *s_verdict_name(enum runner_verdict v)
{
    return v == RUNNER_PASSED ? "PASSED" : v == RUNNER_FAILED ? "FAILED" : "ERROR";
}

static const char *s_prop(const struct report_suite *s, const char *name)
{
    const char *v = report_property(s, name);
    return v ? v : "-";
}

static void s_summary_row(const char *drill, const char *resource, enum runner_verdict v,
                          const struct report_suite *s, const char *rto, FILE *out)
{
    size_t pass = 0, fail = 0;
    for (size_t c = 0; c < s->n_cases; c++) {
        pass += s->cases[c]->status == REPORT_PASS;
        fail += s->cases[c]->status == REPORT_FAIL || s->cases[c]->status == REPORT_ERROR;
    }
    fprintf(out, "%-24s %-22s %-7s %10s %10s %7zu %7zu\n", drill, resource, s_verdict_name(v),
            s_prop(s, rto), s_prop(s, "rpo_seconds"), pass, fail);
}

static void s_summary(const struct stack *stacks, size_t n_drills, const struct task *tasks,
                      size_t n, FILE *out)
{
    fprintf(out, "\n%-24s %-22s %-7s %10s %10s %7s %7s\n", "drill", "resource", "verdict",
            "rto (s)", "rpo (s)", "passed", "failed");
    for (size_t i = 0; i < n_drills; i++) {
        const struct stack *st = &stacks[i];
        s_summary_row(st->d->name, "(stack)", st->verdict, st->ctx.suite, "stack_rto_seconds",
                      out);
        if (st->posture)
            s_summary_row(st->d->name, "(posture)", st->verdict, st->posture, "-", out);
        for (size_t t = 0; t < n; t++)
            if (tasks[t].drill == i)
                s_summary_row(st->d->name, tasks[t].run->r->name, tasks[t].verdict,
                              tasks[t].run->suite, "rto_seconds", out);
    }
}

/* Where each of a drill's suites ran and from which file, and its
 * objectives beside the figures (JUnit readers see them together). */
static void s_label_suites(const struct drill_result *dr, const struct drill *d)
{
    char host[256];
    history_hostname(host, sizeof host);
    for (size_t s = 0; s < dr->n_suites; s++) {
        report_suite_set_hostname(dr->suites[s], host);
        report_suite_set_file(dr->suites[s], d->path);
        if (report_property(dr->suites[s], "rto_seconds") ||
            report_property(dr->suites[s], "stack_rto_seconds")) {
            report_add_propertyf(dr->suites[s], "rto_objective_seconds", "%ld", d->rto);
            report_add_propertyf(dr->suites[s], "rpo_objective_seconds", "%ld", d->rpo);
        }
    }
}

/* The indices of the tasks a resource runs after (tasks of one drill are
 * consecutive from first). */
static void s_deps(struct task *t, size_t first, const struct drill *d)
{
    const struct drill_resource *r = t->run->r;
    t->deps = r->n_after ? xcalloc(r->n_after, sizeof *t->deps) : NULL;
    for (size_t a = 0; a < r->n_after; a++)
        for (size_t j = 0; j < d->n_resources; j++)
            if (strcmp(d->resources[j].name, r->after[a]) == 0)
                t->deps[t->n_deps++] = first + j;
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
    log_capture_start();
    struct json *ev = json_new_object();
    json_add_child(ev, "runner", provenance_runner(NULL));
    struct json *ev_drills = json_add_child(ev, "drills", json_new_array());
    struct ledger **ledgers = xcalloc(n, sizeof(*ledgers));
    char **run_ids = xcalloc(n, sizeof(*run_ids));
    size_t n_tasks = 0;
    for (size_t i = 0; i < n; i++)
        n_tasks += drills[i]->n_resources;
    struct task *tasks = xcalloc(n_tasks, sizeof(*tasks));
    struct stack *stacks = xcalloc(n, sizeof(*stacks));
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
        char name[200];
        struct stack *st = &stacks[i];
        st->d = d;
        st->ledger = ledgers[i];
        st->run_id = run_ids[i];
        st->t0_mono = t0_mono;
        st->ev = json_new_object();
        snprintf(name, sizeof(name), "%s/stack", d->name);
        check_ctx_init(&st->ctx, d, "stack", report_add_suite(&rep, name, time(NULL)), st->ev);
        if (d->posture.present) {
            snprintf(name, sizeof(name), "%s/posture", d->name);
            st->posture = report_add_suite(&rep, name, time(NULL));
        }
        size_t first = k;
        for (size_t j = 0; j < d->n_resources; j++, k++) {
            snprintf(name, sizeof(name), "%s/%s", d->name, d->resources[j].name);
            tasks[k].kind = res_kind_of(d->resources[j].type);
            tasks[k].run = tasks[k].kind->new_run();
            struct res_run *run = tasks[k].run;
            tasks[k].drill = i;
            tasks[k].stack = st;
            run->d = d;
            run->r = &d->resources[j];
            run->run_id = run_ids[i];
            run->ledger = ledgers[i];
            run->suite = report_add_suite(&rep, name, time(NULL));
            run->ev = json_new_object();
            snprintf(run->suffix, sizeof(run->suffix), "%.6s", suffix);
            res_expires_tag(ledger_expires(ledgers[i]), run->expires);
            run->t0_wall = t0_wall;
            run->t0_mono = t0_mono;
            run->deadline = t0_mono + (double)d->timeouts.drill;
            run->step_deadline = run->deadline;
        }
        for (size_t j = first; j < k; j++)
            s_deps(&tasks[j], first, d);
    }
    s_second_signal_message(run_ids, n);
    for (size_t i = 0; i < n; i++)
        stack_begin(&stacks[i]);
    pool_run(tasks, n_tasks, opt->concurrency > 0 ? (size_t)opt->concurrency : 4);
    for (size_t i = 0, first = 0; i < n; first += drills[i]->n_resources, i++) {
        size_t m = drills[i]->n_resources;
        struct res_run **runs = xcalloc(m, sizeof *runs);
        enum runner_verdict *verdicts = xcalloc(m, sizeof *verdicts);
        for (size_t j = 0; j < m; j++) {
            runs[j] = tasks[first + j].run;
            verdicts[j] = tasks[first + j].verdict;
        }
        stack_end(&stacks[i], runs, verdicts, m);
        free(runs);
        free(verdicts);
    }

    /* The drill's own report paths are relative to its folder. */
    char *junit = runner_reports_path(opt->junit, drills[0], drills[0]->junit);
    char *evdir = runner_reports_path(opt->evidence, drills[0], drills[0]->evidence);
    char *ev_file = evdir ? xasprintf("%s/%s/evidence.json", evdir, run_id) : NULL;

    /* Evidence and verdicts, in drill order; then each drill's history
     * record and notifications (which never change a verdict). */
    bool failed = false, errored = false;
    double ended = res_wall_now();
    char **warnings = xcalloc(n + 1, sizeof *warnings);
    for (size_t i = 0; i < n; i++) {
        const struct drill *d = drills[i];
        struct json *jd = json_new_object();
        json_add_string(jd, "name", d->name);
        json_add_string(jd, "file", d->path);
        json_add_string(jd, "file_sha256", d->sha256);
        char *copy = runner_reports_copy_name(drills, i);
        bool redacted = false;
        free(runner_reports_copy_text(d, &redacted));
        json_add_string(jd, "bundle_file", copy);
        json_add_bool(jd, "bundle_file_redacted", redacted);
        free(copy);
        json_add_string(jd, "run_id", run_ids[i]);
        json_add_string(jd, "owner", d->owner);
        if (d->description && *d->description)
            json_add_string(jd, "description", d->description);
        struct json *controls = json_add_child(jd, "controls", json_new_array());
        for (size_t c = 0; c < d->n_controls; c++) {
            struct json *jc = json_push(controls, json_new_object());
            json_add_string(jc, "framework", d->controls[c].framework);
            json_add_string(jc, "control", d->controls[c].control);
            if (d->controls[c].title)
                json_add_string(jc, "title", d->controls[c].title);
            else
                json_add_null(jc, "title");
        }
        json_add_number(jd, "rto_objective_seconds", (double)d->rto);
        json_add_number(jd, "rpo_objective_seconds", (double)d->rpo);
        json_add_string(jd, "source_account", d->source.account);
        json_add_string(jd, "source_region", d->source.region);
        json_add_string(jd, "target_account", d->target.account);
        json_add_string(jd, "target_region", d->target.region);
        json_add_string(stacks[i].ev, "verdict", s_verdict_name(stacks[i].verdict));
        json_add_child(jd, "stack", stacks[i].ev);
        stacks[i].ev = NULL;
        struct drill_result dr = {.d = d, .run_id = run_ids[i], .verdict = stacks[i].verdict,
                                  .stack = stacks[i].ctx.suite, .ev = jd,
                                  .scheduled_for = opt->scheduled_for ? opt->scheduled_for[i] : 0,
                                  .started = t0_wall, .ended = ended};
        dr.suites = xcalloc(d->n_resources + 2, sizeof *dr.suites);
        dr.verdicts = xcalloc(d->n_resources + 2, sizeof *dr.verdicts);
        dr.suites[dr.n_suites] = stacks[i].ctx.suite;
        dr.verdicts[dr.n_suites++] = s_verdict_name(stacks[i].verdict);
        if (stacks[i].posture) {
            dr.suites[dr.n_suites] = stacks[i].posture;
            dr.verdicts[dr.n_suites++] = s_verdict_name(stacks[i].verdict);
        }
        struct json *res = json_add_child(jd, "resources", json_new_array());
        for (size_t t = 0; t < n_tasks; t++) {
            if (tasks[t].drill != i)
                continue;
            json_add_string(tasks[t].run->ev, "verdict", s_verdict_name(tasks[t].verdict));
            json_push(res, tasks[t].run->ev);
            tasks[t].run->ev = NULL;
            dr.verdict = runner_worse(dr.verdict, tasks[t].verdict);
            dr.suites[dr.n_suites] = tasks[t].run->suite;
            dr.verdicts[dr.n_suites++] = s_verdict_name(tasks[t].verdict);
        }
        if (runner_interrupted && dr.verdict == RUNNER_PASSED)
            dr.verdict = RUNNER_ERROR;
        s_label_suites(&dr, d);
        char ended_at[64];
        report_format_utc_ms(ended, ended_at);
        json_add_string(jd, "ended", ended_at);
        failed |= dr.verdict == RUNNER_FAILED;
        errored |= dr.verdict == RUNNER_ERROR;
        json_add_string(jd, "verdict", s_verdict_name(dr.verdict));
        struct drh_err end_err;
        drh_err_clear(&end_err);
        const char *how = runner_interrupted              ? "interrupted"
                          : dr.verdict == RUNNER_PASSED ? "passed"
                          : dr.verdict == RUNNER_FAILED ? "failed"
                                                        : "error";
        bool kept = d->teardown == DRILL_TEARDOWN_NEVER ||
                    (d->teardown == DRILL_TEARDOWN_ON_SUCCESS && dr.verdict != RUNNER_PASSED);
        if (ledger_end(ledgers[i], how, kept && ledger_pending(ledgers[i]) > 0, &end_err) !=
            DRH_OK)
            log_warn("%s", end_err.msg);
        runner_record(&dr, opt->history);
        runner_notify(&dr, junit, ev_file);
        if (dr.warning[0])
            warnings[i] = xasprintf("%s: %s", d->name, dr.warning);
        free(dr.suites);
        free(dr.verdicts);
        json_push(ev_drills, jd);
    }
    rep.seconds = progress_elapsed() - t0_mono;
    rep.evidence = ev;
    ev = NULL;
    if (runner_interrupted)
        errored = true;
    /* A proven failure outranks an incomplete run: it is what CI must act on;
     * a run stopped by a signal says so (130 SIGINT, 143 SIGTERM). */
    rc = runner_interrupted ? runner_signal_exit_code() : failed ? 1 : errored ? 3 : 0;

    FILE *out = stdout;
    s_summary(stacks, n, tasks, n_tasks, out);
    for (size_t i = 0; i < n; i++)
        if (warnings[i])
            fprintf(out, "warning:  %s\n", warnings[i]);
    for (size_t i = 0; i < n; i++)
        free(warnings[i]);
    free(warnings);
    struct runner_reports_in ri = {.rep = &rep, .drills = drills, .n_drills = n,
                                   .history = opt->history, .junit = opt->junit,
                                   .evidence = opt->evidence, .html = opt->html,
                                   .metrics = opt->metrics, .summary = opt->summary,
                                   .key_pem = opt->key_pem, .key_len = opt->key_len};
    if (runner_reports_write(&ri, out) != 0)
        rc = rc ? rc : 3;
    fprintf(out, "run id:   %s\nresult:   %s\n", run_id,
            rc == 0 ? "PASSED" : rc == 1 ? "FAILED" : runner_interrupted ? "INTERRUPTED" : "ERROR");
    free(junit);
    free(evdir);
    free(ev_file);
done:
    for (size_t t = 0; t < n_tasks; t++) {
        free(tasks[t].deps);
        if (!tasks[t].run)
            continue;
        json_free(tasks[t].run->ev);
        tasks[t].kind->free_run(tasks[t].run);
    }
    free(tasks);
    for (size_t i = 0; i < n; i++) {
        json_free(stacks[i].ev);
        stack_clean_up(&stacks[i]);
    }
    free(stacks);
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
