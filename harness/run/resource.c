/*
 * What every kind's pipeline shares (resource.h): cases and steps, the
 * identifiers and tags of what a run creates, RTO and RPO, and teardown by
 * the drill's policy. RTO is measured from T0 (the run declares the
 * disaster) to the moment the last probe passed; "rto" compares the
 * phases' sum, where each job phase is the job's own CreationDate ..
 * CompletionDate, so drh's polling does not inflate it.
 */
#include "run/resource.h"
#include "mem.h"
#include "run/progress.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

static const char *const s_phase_names[PH_COUNT] = {"select",    "copy",  "restore",
                                                    "available", "probe", "teardown"};

double res_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void res_case(struct res_run *run, const char *name, enum report_status status, double seconds,
              const char *fmt, ...)
{
    char msg[1024] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
    }
    /* After SIGINT/SIGTERM nothing is proven broken: what did not pass is an error. */
    if (runner_interrupted && status == REPORT_FAIL)
        status = REPORT_ERROR;
    report_add_case(run->suite, run->classname, name, status, seconds, msg[0] ? msg : NULL);
    progress_result(run->d->name, run->r->name, name, progress_status_word((int)status), msg);
}

char *res_identifier(const struct res_run *run, const char *part)
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

void res_tags(const struct res_run *run, struct aws_tag tags[RES_TAG_COUNT])
{
    tags[0].key = LEDGER_TAG_RUN;
    tags[0].value = run->run_id;
    tags[1].key = LEDGER_TAG_DRILL;
    tags[1].value = run->d->name;
    tags[2].key = LEDGER_TAG_EXPIRES;
    tags[2].value = run->expires;
}

void res_expires_tag(double expires, char out[32])
{
    time_t t = (time_t)expires;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void res_iso_time(double t, char out[64])
{
    report_format_utc_ms(t, out);
}

void res_ev_time(struct res_run *run, const char *key, double t)
{
    char iso[64];
    res_iso_time(t, iso);
    json_add_string(run->ev, key, iso);
}

/* The timeout of a step (by its case name) and its key; 0 when only the
 * drill's bounds it. */
static long s_step_timeout(const struct drill_timeouts *to, const char *name, const char **key)
{
    static const struct {
        const char *step, *key;
        size_t off;
    } map[] = {
        {"copy", "copy", offsetof(struct drill_timeouts, copy)},
        {"restore", "restore", offsetof(struct drill_timeouts, restore)},
        {"launch", "restore", offsetof(struct drill_timeouts, restore)},
        {"available", "available", offsetof(struct drill_timeouts, available)},
        {"mount", "available", offsetof(struct drill_timeouts, available)},
        {"login", "available", offsetof(struct drill_timeouts, available)},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(name, map[i].step) == 0) {
            *key = map[i].key;
            return *(const long *)((const char *)to + map[i].off);
        }
    return 0;
}

/* Runs a step: times it, adds its case, and says whether to go on. */
enum step_end res_step(struct res_run *run, const char *name,
                       enum step_end (*fn)(struct res_run *, struct drh_err *),
                       enum step_end *worst)
{
    struct drh_err err;
    drh_err_clear(&err);
    double t = progress_elapsed();
    const char *key = NULL;
    long limit = s_step_timeout(&run->d->timeouts, name, &key);
    char dur[32];
    if (limit > 0 && (run->deadline <= 0 || t + (double)limit < run->deadline)) {
        run->step_deadline = t + (double)limit;
        drill_format_duration(limit, dur, sizeof dur);
        snprintf(run->step_limit, sizeof run->step_limit, "timeouts.%s (%s)", key, dur);
    } else {
        run->step_deadline = run->deadline;
        drill_format_duration(run->d->timeouts.drill, dur, sizeof dur);
        snprintf(run->step_limit, sizeof run->step_limit, "timeouts.drill (%s)", dur);
    }
    progress_phase(run->d->name, run->r->name, name, "started");
    enum step_end e = fn(run, &err);
    if (e == STEP_FAILED && runner_interrupted)
        e = STEP_ERROR;
    double secs = progress_elapsed() - t;
    if (e == STEP_OK) {
        res_case(run, name, REPORT_PASS, secs, NULL);
    } else {
        res_case(run, name, e == STEP_FAILED ? REPORT_FAIL : REPORT_ERROR, secs, "%s%s%s%s",
                 err.msg, err.hint[0] ? " (hint: " : "", err.hint, err.hint[0] ? ")" : "");
        if (e > *worst)
            *worst = e;
    }
    return e;
}

static void s_fmt(long secs, char *out, size_t n)
{
    drill_format_duration(secs < 1 ? 1 : secs, out, n);
}

void res_measure(struct res_run *run, enum step_end *worst)
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
        res_case(run, "rto", ok ? REPORT_PASS : REPORT_FAIL, 0,
                 "achieved %s (%.1fs; %.1fs wall clock) %s objective %s", a, rto, wall,
                 ok ? "within" : "exceeds", b);
        if (!ok && *worst < STEP_FAILED)
            *worst = STEP_FAILED;
    } else {
        drill_format_duration(run->d->rto, b, sizeof(b));
        /* Only a drill failure proves the RTO missed; an error or a signal
         * leaves it unmeasured. */
        bool failed = *worst == STEP_FAILED && !runner_interrupted;
        res_case(run, "rto", failed ? REPORT_FAIL : REPORT_ERROR, 0,
                 "not %s: the restored copy never answered with all probes passing "
                 "(objective %s)",
                 failed ? "achieved" : "measured", b);
        if (*worst < (failed ? STEP_FAILED : STEP_ERROR))
            *worst = failed ? STEP_FAILED : STEP_ERROR;
    }
    for (int p = PH_SELECT; p < PH_TEARDOWN; p++) {
        char key[40];
        snprintf(key, sizeof(key), "phase_%s_seconds", s_phase_names[p]);
        report_add_propertyf(s, key, "%.1f", run->phase_s[p]);
        json_add_number(run->ev, key, run->phase_s[p]);
    }
    /* RPO, backup level: T0 minus the backup's creation time. A check
     * restores nothing: it has no RPO of its own. */
    drill_format_duration(run->d->rpo, b, sizeof(b));
    bool restores = run->r->type != DRILL_CHECK;
    if (restores && run->rp_created > 0) {
        double rpo = run->t0_wall - run->rp_created;
        report_add_propertyf(s, "rpo_seconds", "%.1f", rpo);
        json_add_number(run->ev, "rpo_seconds", rpo);
        res_ev_time(run, "recovery_point_created", run->rp_created);
        s_fmt((long)rpo, a, sizeof(a));
        bool ok = rpo <= (double)run->d->rpo;
        res_case(run, "rpo", ok ? REPORT_PASS : REPORT_FAIL, 0,
                 "%s is %s old (%.0fs) at T0: %s objective %s",
                 run->rpo_basis ? run->rpo_basis : "backup", a, rpo, ok ? "within" : "exceeds", b);
        if (!ok && *worst < STEP_FAILED)
            *worst = STEP_FAILED;
    } else if (run->r->type == DRILL_S3 && !run->r->s3.canary && !run->r->s3.restore) {
        /* An S3 resource that only compares (no canary, no restore) has
         * nothing to measure an RPO by, whatever else happened. */
        res_case(run, "rpo", REPORT_SKIPPED, 0, "not measured: no canary and no restore");
    } else if (restores) {
        res_case(run, "rpo", REPORT_FAIL, 0, "not measured: no backup was selected");
    }
    if (run->canary_time >= 0) {
        double rpo = run->t0_wall - run->canary_time;
        if (rpo < 0)
            rpo = 0;
        report_add_propertyf(s, "rpo_data_seconds", "%.1f", rpo);
        json_add_number(run->ev, "rpo_data_seconds", rpo);
        res_ev_time(run, "canary_newest", run->canary_time);
        s_fmt((long)rpo, a, sizeof(a));
        bool ok = rpo <= (double)run->d->rpo;
        res_case(run, "rpo data", ok ? REPORT_PASS : REPORT_FAIL, 0,
                 "newest canary is %s old (%.0fs) at T0: %s objective %s", a, rpo,
                 ok ? "within" : "exceeds", b);
        if (!ok && *worst < STEP_FAILED)
            *worst = STEP_FAILED;
    }
}

void res_teardown(struct res_run *run, enum step_end *worst)
{
    if (run->hold_teardown) {
        run->teardown_held = true;
        run->held_worst = *worst;
        progress_phase(run->d->name, run->r->name, "teardown",
                       "held until the resources that run after this one end");
        return;
    }
    enum drill_teardown pol = run->d->teardown;
    if (pol == DRILL_TEARDOWN_NEVER || (pol == DRILL_TEARDOWN_ON_SUCCESS && *worst != STEP_OK)) {
        res_case(run, "teardown", REPORT_SKIPPED, 0,
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
        res_case(run, "teardown", REPORT_PASS, run->phase_s[PH_TEARDOWN], "%s", msg);
    } else {
        res_case(run, "teardown", e == STEP_FAILED ? REPORT_FAIL : REPORT_ERROR,
                 run->phase_s[PH_TEARDOWN], "%s (hint: %s)", err.msg, err.hint);
        if (e > *worst)
            *worst = e;
    }
    json_add_string(run->ev, "teardown", msg);
    json_add_number(run->ev, "teardown_left", (double)teardown_left(run->ledger, run->r->name));
    free(msg);
}

enum runner_verdict res_teardown_held(struct res_run *run)
{
    enum step_end worst = run->held_worst;
    run->hold_teardown = false;
    if (run->teardown_held)
        res_teardown(run, &worst);
    run->teardown_held = false;
    return res_verdict(worst);
}

void res_skip_rest(struct res_run *run, const char *const *names, size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++)
        res_case(run, names[i], REPORT_SKIPPED, 0, "not run: %s", why);
    for (size_t i = 0; i < run->r->n_probes; i++) {
        char name[160];
        snprintf(name, sizeof(name), "probe %s", run->r->probes[i].name);
        res_case(run, name, REPORT_SKIPPED, 0, "not run: %s", why);
    }
}

bool res_probe_case(struct res_run *run, const struct drill_probe *p, const struct probe_result *pr,
                    enum step_end *worst)
{
    char name[160];
    snprintf(name, sizeof(name), "probe %s", p->name);
    enum report_status s = pr->verdict == PROBE_PASS   ? REPORT_PASS
                           : pr->verdict == PROBE_FAIL ? REPORT_FAIL
                                                       : REPORT_ERROR;
    res_case(run, name, s, pr->seconds, "%s", pr->message);
    if (p->kind == PROBE_CANARY && pr->canary_time >= 0)
        run->canary_time = pr->canary_time;
    if (pr->verdict == PROBE_PASS)
        return true;
    res_worse(worst, STEP_FAILED);
    return false;
}

void res_probes_done(struct res_run *run, bool all, double t)
{
    run->probes_ok = all;
    if (all)
        run->probes_passed_mono = progress_elapsed();
    run->phase_s[PH_PROBE] = progress_elapsed() - t;
}

void res_worse(enum step_end *worst, enum step_end e)
{
    if (e > *worst)
        *worst = e;
}

void res_begin(struct res_run *run, const char *source_arn)
{
    run->canary_time = -1;
    free(run->source_arn);
    run->source_arn = xstrdup(source_arn);
    snprintf(run->classname, sizeof(run->classname), "%s/%s", run->d->name, run->r->name);
    res_ev_time(run, "t0", run->t0_wall);
    json_add_string(run->ev, "resource", run->r->name);
    json_add_string(run->ev, "type", drill_resource_type_name(run->r->type));
    json_add_string(run->ev, "source_arn", run->source_arn);
    report_add_property(run->suite, "source_arn", run->source_arn);
}

enum runner_verdict res_verdict(enum step_end worst)
{
    return worst == STEP_OK ? RUNNER_PASSED : worst == STEP_FAILED ? RUNNER_FAILED : RUNNER_ERROR;
}

void res_clean_up(struct res_run *run)
{
    free(run->source_arn);
    free(run->rp_arn);
    free(run->rp_vault);
    free(run->rp_region);
    free(run->origin_arn);
    run->source_arn = run->rp_arn = run->rp_vault = run->rp_region = run->origin_arn = NULL;
    res_outputs_free(run);
}
