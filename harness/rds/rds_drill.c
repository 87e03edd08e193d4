/*
 * One RDS / Aurora resource's drill, start to end: select, copy, restore,
 * wait, log in, probe, measure RTO and RPO, tear down; every step a JUnit
 * case, every figure a property and an evidence field. RTO is measured from
 * T0 (the run declares the disaster) to the moment the last probe passed;
 * "rto" compares the phases' sum, where each job phase is the job's own
 * CreationDate..CompletionDate, so drh's polling does not inflate it.
 */
#include "rds/rds_run.h"
#include "aws/endpoint.h"
#include "aws/rds.h"
#include "mem.h"
#include "probes/db.h"
#include "probes/probe.h"
#include "run/progress.h"
#include "crypto.h"
#include "run/wait.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const s_phase_names[PH_COUNT] = {"select",    "copy",  "restore",
                                                    "available", "probe", "teardown"};

double rds_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rds_case(struct rds_run *run, const char *name, enum report_status status, double seconds,
              const char *fmt, ...)
{
    char msg[1024] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
    }
    report_add_case(run->suite, run->classname, name, status, seconds, msg[0] ? msg : NULL);
    static const char *const names[] = {"passed", "failed", "error", "skipped"};
    progress_result(run->d->name, run->r->name, name, names[status], msg);
}

char *rds_identifier(const struct rds_run *run, const char *part)
{
    char name[32];
    size_t n = 0;
    for (const char *p = run->r->name; *p && n < sizeof(name) - 1; p++) {
        char c = (char)tolower((unsigned char)*p);
        if (c == '-' && (n == 0 || name[n - 1] == '-'))
            continue;
        name[n++] = c;
    }
    while (n > 0 && name[n - 1] == '-')
        n--;
    name[n] = '\0';
    return part ? xasprintf("drh-%s-%s-%s", name, run->suffix, part)
                : xasprintf("drh-%s-%s", name, run->suffix);
}

void rds_tags(const struct rds_run *run, struct aws_tag tags[2])
{
    tags[0].key = "drh:run-id";
    tags[0].value = run->run_id;
    tags[1].key = "drh:drill";
    tags[1].value = run->d->name;
}

static char *s_source_arn(const struct rds_run *run)
{
    const char *src = run->r->source;
    if (strncmp(src, "arn:", 4) == 0)
        return xstrdup(src);
    const struct drill_side *s = &run->d->source;
    char *res = xasprintf("%s:%s", run->cluster ? "cluster" : "db", src);
    char *arn = aws_arn(s->region, "rds", s->region, s->account, res);
    free(res);
    return arn ? arn : xstrdup(src);
}

static void s_iso(double t, char out[64])
{
    time_t sec = (time_t)t;
    struct tm tm;
    gmtime_r(&sec, &tm);
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)((t - (double)sec) * 1000));
}

static void s_ev_time(struct rds_run *run, const char *key, double t)
{
    char iso[64];
    s_iso(t, iso);
    json_add_string(run->ev, key, iso);
}

/* Runs a step: times it, adds its case, and says whether to go on. */
static enum step_end s_step(struct rds_run *run, const char *name,
                            enum step_end (*fn)(struct rds_run *, struct drh_err *),
                            enum step_end *worst)
{
    struct drh_err err;
    drh_err_clear(&err);
    double t = progress_elapsed();
    progress_phase(run->d->name, run->r->name, name, "started");
    enum step_end e = fn(run, &err);
    double secs = progress_elapsed() - t;
    if (e == STEP_OK) {
        rds_case(run, name, REPORT_PASS, secs, NULL);
    } else {
        rds_case(run, name, e == STEP_FAILED ? REPORT_FAIL : REPORT_ERROR, secs, "%s%s%s%s",
                 err.msg, err.hint[0] ? " (hint: " : "", err.hint, err.hint[0] ? ")" : "");
        if (e > *worst)
            *worst = e;
    }
    return e;
}

static enum step_end s_connect(struct rds_run *run, struct db_conn **out, struct drh_err *err)
{
    const struct drill_db_login *l = &run->r->login;
    struct db_target t = {0};
    t.flavor = drill_engine_is_postgres(run->r->engine) ? DB_POSTGRES : DB_MYSQL;
    t.host = run->host;
    t.port = run->port;
    t.database = l->database ? l->database : run->db_name;
    t.user = l->user ? l->user : run->master_user;
    t.password = run->password;
    t.tls = l->tls;
    char *ca = drill_resolve(run->d, l->ca_bundle);
    t.ca_bundle = ca;
    t.connect_timeout = 10;
    /* A new password can take a moment to reach the server: retry briefly. */
    double until = progress_elapsed() + 60;
    for (;;) {
        enum drh_status st = db_connect(&t, out, err);
        if (st == DRH_OK || progress_elapsed() > until || !wait_sleep(2.0, 0)) {
            free(ca);
            return st == DRH_OK ? STEP_OK : STEP_FAILED;
        }
    }
}

/* Every probe is a case; the canary also gives the data-level RPO. */
static void s_probes(struct rds_run *run, enum step_end *worst)
{
    double t = progress_elapsed();
    struct db_conn *c = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (s_connect(run, &c, &err) != STEP_OK) {
        rds_case(run, "connect", REPORT_FAIL, progress_elapsed() - t, "%s", err.msg);
        *worst = *worst > STEP_FAILED ? *worst : STEP_FAILED;
        for (size_t i = 0; i < run->r->n_probes; i++) {
            char name[160];
            snprintf(name, sizeof(name), "probe %s", run->r->probes[i].name);
            rds_case(run, name, REPORT_SKIPPED, 0, "not run: cannot connect");
        }
        return;
    }
    rds_case(run, "connect", REPORT_PASS, progress_elapsed() - t, "%s:%d %s%s", run->host,
             run->port, db_server_version(c), db_tls_in_use(c) ? " (TLS)" : "");
    bool all = true;
    for (size_t i = 0; i < run->r->n_probes; i++) {
        const struct drill_probe *p = &run->r->probes[i];
        struct probe_result res;
        memset(&res, 0, sizeof(res));
        res.canary_time = -1;
        progress_phase(run->d->name, run->r->name, "probe", "%s (%s)", p->name,
                       probe_kind_name(p->kind));
        probe_run(c, p, run->d->dir, &res);
        char name[160];
        snprintf(name, sizeof(name), "probe %s", p->name);
        enum report_status s = res.verdict == PROBE_PASS   ? REPORT_PASS
                               : res.verdict == PROBE_FAIL ? REPORT_FAIL
                                                           : REPORT_ERROR;
        rds_case(run, name, s, res.seconds, "%s", res.message);
        if (res.verdict != PROBE_PASS) {
            all = false;
            /* a probe that cannot run is a failed drill too: the data is not proven */
            *worst = *worst > STEP_FAILED ? *worst : STEP_FAILED;
        }
        if (p->kind == PROBE_CANARY && res.canary_time >= 0)
            run->canary_time = res.canary_time;
    }
    db_close(c);
    run->probes_ok = all;
    if (all)
        run->probes_passed_mono = progress_elapsed();
    run->phase_s[PH_PROBE] = progress_elapsed() - t;
}

static void s_fmt(long secs, char *out, size_t n)
{
    drill_format_duration(secs < 1 ? 1 : secs, out, n);
}

static void s_measure(struct rds_run *run, enum step_end *worst)
{
    char a[32], b[32];
    struct report_suite *s = run->suite;
    /* RTO: the phases up to the last probe, jobs timed by their own clocks. */
    if (run->probes_passed_mono > 0) {
        double wall = run->probes_passed_mono - run->t0_mono;
        double rto = 0;
        for (int p = PH_SELECT; p <= PH_PROBE; p++)
            rto += run->phase_s[p];
        if (rto > wall)
            rto = wall;
        report_add_propertyf(s, "rto_seconds", "%.1f", rto);
        report_add_propertyf(s, "rto_wall_seconds", "%.1f", wall);
        json_add_number(run->ev, "rto_seconds", rto);
        json_add_number(run->ev, "rto_wall_seconds", wall);
        s_fmt((long)rto, a, sizeof(a));
        drill_format_duration(run->d->rto, b, sizeof(b));
        bool ok = rto <= (double)run->d->rto;
        rds_case(run, "rto", ok ? REPORT_PASS : REPORT_FAIL, 0,
                 "achieved %s (%.1fs; %.1fs wall clock) %s objective %s", a, rto, wall,
                 ok ? "within" : "exceeds", b);
        if (!ok && *worst < STEP_FAILED)
            *worst = STEP_FAILED;
    } else {
        drill_format_duration(run->d->rto, b, sizeof(b));
        rds_case(run, "rto", REPORT_FAIL, 0,
                 "not achieved: the restored copy never answered with all probes passing "
                 "(objective %s)",
                 b);
        if (*worst < STEP_FAILED)
            *worst = STEP_FAILED;
    }
    for (int p = PH_SELECT; p < PH_TEARDOWN; p++) {
        char key[40];
        snprintf(key, sizeof(key), "phase_%s_seconds", s_phase_names[p]);
        report_add_propertyf(s, key, "%.1f", run->phase_s[p]);
        json_add_number(run->ev, key, run->phase_s[p]);
    }
    /* RPO, backup level: T0 minus the backup's creation time. */
    drill_format_duration(run->d->rpo, b, sizeof(b));
    if (run->rp_created > 0) {
        double rpo = run->t0_wall - run->rp_created;
        report_add_propertyf(s, "rpo_seconds", "%.1f", rpo);
        json_add_number(run->ev, "rpo_seconds", rpo);
        s_ev_time(run, "recovery_point_created", run->rp_created);
        s_fmt((long)rpo, a, sizeof(a));
        bool ok = rpo <= (double)run->d->rpo;
        rds_case(run, "rpo", ok ? REPORT_PASS : REPORT_FAIL, 0,
                 "backup is %s old (%.0fs) at T0: %s objective %s", a, rpo,
                 ok ? "within" : "exceeds", b);
        if (!ok && *worst < STEP_FAILED)
            *worst = STEP_FAILED;
    } else {
        rds_case(run, "rpo", REPORT_FAIL, 0, "not measured: no backup was selected");
    }
    if (run->canary_time >= 0) {
        double rpo = run->t0_wall - run->canary_time;
        if (rpo < 0)
            rpo = 0;
        report_add_propertyf(s, "rpo_data_seconds", "%.1f", rpo);
        json_add_number(run->ev, "rpo_data_seconds", rpo);
        s_ev_time(run, "canary_newest", run->canary_time);
        s_fmt((long)rpo, a, sizeof(a));
        bool ok = rpo <= (double)run->d->rpo;
        rds_case(run, "rpo data", ok ? REPORT_PASS : REPORT_FAIL, 0,
                 "newest canary is %s old (%.0fs) at T0: %s objective %s", a, rpo,
                 ok ? "within" : "exceeds", b);
        if (!ok && *worst < STEP_FAILED)
            *worst = STEP_FAILED;
    }
}

static void s_teardown(struct rds_run *run, enum step_end *worst)
{
    enum drill_teardown pol = run->d->teardown;
    if (pol == DRILL_TEARDOWN_NEVER || (pol == DRILL_TEARDOWN_ON_SUCCESS && *worst != STEP_OK)) {
        rds_case(run, "teardown", REPORT_SKIPPED, 0,
                 "kept by teardown policy '%s': remove with drh teardown --run %s",
                 drill_teardown_name(pol), run->run_id);
        return;
    }
    double t = progress_elapsed();
    progress_phase(run->d->name, run->r->name, "teardown", "started");
    char *msg = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    enum step_end e = teardown_run(run->ledger, run->r->name, run->src, run->tgt, &msg, &err);
    run->phase_s[PH_TEARDOWN] = progress_elapsed() - t;
    report_add_propertyf(run->suite, "phase_teardown_seconds", "%.1f", run->phase_s[PH_TEARDOWN]);
    json_add_number(run->ev, "phase_teardown_seconds", run->phase_s[PH_TEARDOWN]);
    if (e == STEP_OK) {
        rds_case(run, "teardown", REPORT_PASS, run->phase_s[PH_TEARDOWN], "%s", msg);
    } else {
        rds_case(run, "teardown", e == STEP_FAILED ? REPORT_FAIL : REPORT_ERROR,
                 run->phase_s[PH_TEARDOWN], "%s (hint: %s)", err.msg, err.hint);
        if (e > *worst)
            *worst = e;
    }
    json_add_string(run->ev, "teardown", msg);
    free(msg);
}

static void s_skip_rest(struct rds_run *run, const char *const *names, size_t n,
                        const char *why)
{
    for (size_t i = 0; i < n; i++)
        rds_case(run, names[i], REPORT_SKIPPED, 0, "not run: %s", why);
    for (size_t i = 0; i < run->r->n_probes; i++) {
        char name[160];
        snprintf(name, sizeof(name), "probe %s", run->r->probes[i].name);
        rds_case(run, name, REPORT_SKIPPED, 0, "not run: %s", why);
    }
}

enum runner_verdict rds_drill_run(struct rds_run *run)
{
    enum step_end worst = STEP_OK;
    run->cluster = run->r->type == DRILL_AURORA;
    run->canary_time = -1;
    run->source_arn = s_source_arn(run);
    snprintf(run->classname, sizeof(run->classname), "%s.%s", run->d->name, run->r->name);
    s_ev_time(run, "t0", run->t0_wall);
    json_add_string(run->ev, "resource", run->r->name);
    json_add_string(run->ev, "source_arn", run->source_arn);
    json_add_string(run->ev, "engine", drill_engine_name(run->r->engine));
    report_add_property(run->suite, "source_arn", run->source_arn);
    report_add_property(run->suite, "engine", drill_engine_name(run->r->engine));

    static const char *const after_select[] = {"copy", "restore", "available", "login"};
    static const char *const after_copy[] = {"restore", "available", "login"};
    static const char *const after_restore[] = {"available", "login"};
    if (run->d->isolation.create) {
        rds_case(run, "isolation", REPORT_ERROR, 0,
                 "isolation \"create\" (a stack drh builds) is not available yet (hint: give "
                 "target.isolation a db_subnet_group and security_groups)");
        s_skip_rest(run, after_select, 4, "no isolation");
        worst = STEP_ERROR;
        goto measure;
    }
    double t = progress_elapsed();
    if (s_step(run, "select", rds_select, &worst) != STEP_OK) {
        s_skip_rest(run, after_select, 4, "no backup selected");
        goto measure;
    }
    run->phase_s[PH_SELECT] = progress_elapsed() - t;
    report_add_property(run->suite, "recovery_point_arn", run->origin_arn);
    json_add_string(run->ev, "recovery_point_arn", run->origin_arn);
    if (run->r->copy) {
        if (s_step(run, "copy", rds_copy, &worst) != STEP_OK) {
            s_skip_rest(run, after_copy, 3, "the copy failed");
            goto measure;
        }
        report_add_property(run->suite, "copy_arn", run->rp_arn);
        json_add_string(run->ev, "copy_arn", run->rp_arn);
    } else {
        rds_case(run, "copy", REPORT_SKIPPED, 0, "not asked for (copy: false)");
    }
    if (s_step(run, "restore", rds_restore, &worst) != STEP_OK) {
        s_skip_rest(run, after_restore, 2, "the restore failed");
        goto measure;
    }
    report_add_property(run->suite, "restored_id", run->db_id);
    json_add_string(run->ev, "restored_id", run->db_id);
    if (s_step(run, "available", rds_wait_available, &worst) != STEP_OK) {
        s_skip_rest(run, after_restore + 1, 1, "the restored copy never became available");
        goto measure;
    }
    if (s_step(run, "login", rds_login, &worst) != STEP_OK) {
        s_skip_rest(run, NULL, 0, "no login");
        goto measure;
    }
    report_add_propertyf(run->suite, "endpoint", "%s:%d", run->host, run->port);
    s_probes(run, &worst);
measure:
    s_measure(run, &worst);
    s_teardown(run, &worst);
    crypto_wipe(run->password, sizeof(run->password));
    return worst == STEP_OK ? RUNNER_PASSED : worst == STEP_FAILED ? RUNNER_FAILED : RUNNER_ERROR;
}

void rds_run_clean_up(struct rds_run *run)
{
    free(run->source_arn);
    free(run->rp_arn);
    free(run->rp_vault);
    free(run->rp_region);
    free(run->origin_arn);
    free(run->db_id);
    free(run->instance_id);
    free(run->host);
    free(run->master_user);
    free(run->db_name);
    crypto_wipe(run->password, sizeof(run->password));
}
