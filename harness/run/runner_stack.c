/*
 * A drill's stack in `drh run` (runner_impl.h): before its resources, the
 * credentials of both sides, the preflight (read-only checks that the
 * drill can work: vaults, their policies, keys, the named isolation), the
 * posture when the drill has a posture section, and the isolation drh
 * builds with "create"; after them, the stack RTO (T0 until the last
 * resource passed its probes) and the isolation's teardown, last.
 */
#include "check/posture.h"
#include "check/preflight.h"
#include "mem.h"
#include "run/progress.h"
#include "run/runner_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_not_ready(struct stack *s, enum runner_verdict v, const char *why)
{
    s->ready = false;
    s->verdict = runner_worse(s->verdict, v);
    snprintf(s->why, sizeof s->why, "%s", why);
}

static bool s_sides(struct stack *s)
{
    struct drh_err err;
    drh_err_clear(&err);
    enum drh_status st = side_open(&s->d->source, "source", &s->src, &err);
    if (st == DRH_OK)
        st = side_open(&s->d->target, "target", &s->tgt, &err);
    if (st == DRH_OK)
        st = side_verify_account(s->src, &err);
    if (st == DRH_OK)
        st = side_verify_account(s->tgt, &err);
    if (st == DRH_OK)
        return true;
    check_case(&s->ctx, "credentials", REPORT_ERROR, 0, "%s%s%s%s", err.msg,
               err.hint[0] ? " (hint: " : "", err.hint, err.hint[0] ? ")" : "");
    s_not_ready(s, RUNNER_ERROR, "the credentials did not work");
    return false;
}

static void s_preflight(struct stack *s)
{
    double t = progress_elapsed();
    enum runner_verdict v = preflight_run(&s->ctx);
    if (!s->d->isolation.create && drill_needs_network(s->d)) {
        char *msg = NULL;
        struct drh_err err;
        drh_err_clear(&err);
        t = progress_elapsed();
        if (isolation_verify(s->tgt, &s->d->isolation, &msg, &err) == DRH_OK) {
            check_case(&s->ctx, "preflight isolation", REPORT_PASS, progress_elapsed() - t, "%s",
                       msg);
        } else {
            check_case(&s->ctx, "preflight isolation", REPORT_ERROR, progress_elapsed() - t,
                       "%s%s%s%s", err.msg, err.hint[0] ? " (hint: " : "", err.hint,
                       err.hint[0] ? ")" : "");
            v = runner_worse(v, RUNNER_ERROR);
        }
        free(msg);
    }
    if (v != RUNNER_PASSED)
        s_not_ready(s, v, "the preflight failed (see the drill's stack cases)");
}

static void s_isolation(struct stack *s)
{
    if (!s->d->isolation.create) {
        s->iso = s->d->isolation;
        return;
    }
    char *msg = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    double t = progress_elapsed();
    progress_phase(s->d->name, "stack", "isolation", "building a VPC, subnets, a security group "
                   "and a DB subnet group in %s %s",
                   s->d->target.account, s->d->target.region);
    s->have_built = true; /* its teardown runs whatever was made */
    if (isolation_create(s->ledger, s->tgt, s->d, s->run_id, &s->built, &msg, &err) != DRH_OK) {
        check_case(&s->ctx, "isolation", REPORT_ERROR, progress_elapsed() - t, "%s%s%s%s",
                   err.msg, err.hint[0] ? " (hint: " : "", err.hint, err.hint[0] ? ")" : "");
        s_not_ready(s, RUNNER_ERROR, "the isolation stack could not be built");
        return;
    }
    check_case(&s->ctx, "isolation", REPORT_PASS, progress_elapsed() - t, "%s", msg);
    free(msg);
    isolation_stack_named(&s->built, &s->iso);
    if (s->ev) {
        struct json *o = json_add_child(s->ev, "isolation", json_new_object());
        json_add_string(o, "vpc_id", s->built.vpc_id);
        struct json *a = json_add_child(o, "subnets", json_new_array());
        for (int i = 0; i < 2; i++)
            json_push_string(a, s->built.subnet_ids[i]);
        json_add_string(o, "security_group_id", s->built.security_group_id);
        json_add_string(o, "db_subnet_group", s->built.db_subnet_group);
        json_add_string(o, "allow_from", s->d->isolation.allow_from);
    }
}

void stack_begin(struct stack *s)
{
    s->ready = true;
    s->verdict = RUNNER_PASSED;
    if (!s_sides(s))
        return;
    s->ctx.src = s->src;
    s->ctx.tgt = s->tgt;
    s_preflight(s);
    if (s->d->posture.present && s->posture) {
        struct check_ctx pc;
        check_ctx_init(&pc, s->d, "posture", s->posture, s->ev);
        pc.src = s->src;
        pc.tgt = s->tgt;
        s->verdict = runner_worse(s->verdict, posture_run(&pc));
    }
    if (s->ready)
        s_isolation(s);
}

static void s_stack_rto(struct stack *s, struct res_run *const *runs,
                        const enum runner_verdict *verdicts, size_t n)
{
    char a[32], b[32];
    double last = 0;
    const char *missing = NULL;
    bool proven = true; /* every resource that did not pass failed (none errored) */
    for (size_t i = 0; i < n; i++) {
        if (verdicts[i] != RUNNER_PASSED && !missing)
            missing = runs[i]->r->name;
        if (verdicts[i] == RUNNER_ERROR)
            proven = false;
        if (runs[i]->probes_passed_mono > last)
            last = runs[i]->probes_passed_mono;
        if (runs[i]->probes_passed_mono <= 0 && !missing)
            missing = runs[i]->r->name;
    }
    drill_format_duration(s->d->rto, b, sizeof b);
    if (missing) {
        /* A resource that errored (or a signal) leaves the stack RTO unmeasured,
         * not missed. */
        proven = proven && !runner_interrupted;
        check_case(&s->ctx, "stack rto", proven ? REPORT_FAIL : REPORT_ERROR, 0,
                   "not %s: '%s' did not pass (objective %s)", proven ? "achieved" : "measured",
                   missing, b);
        s->verdict = runner_worse(s->verdict, proven ? RUNNER_FAILED : RUNNER_ERROR);
        return;
    }
    double rto = last - s->t0_mono;
    drill_format_duration(rto < 1 ? 1 : (long)rto, a, sizeof a);
    bool ok = rto <= (double)s->d->rto;
    report_add_propertyf(s->ctx.suite, "stack_rto_seconds", "%.1f", rto);
    if (s->ev)
        json_add_number(s->ev, "stack_rto_seconds", rto);
    check_case(&s->ctx, "stack rto", ok ? REPORT_PASS : REPORT_FAIL, 0,
               "the whole stack answered %s (%.1fs) after T0: %s objective %s", a, rto,
               ok ? "within" : "exceeds", b);
    if (!ok)
        s->verdict = runner_worse(s->verdict, RUNNER_FAILED);
}

static void s_isolation_teardown(struct stack *s, bool all_passed)
{
    enum drill_teardown pol = s->d->teardown;
    if (pol == DRILL_TEARDOWN_NEVER || (pol == DRILL_TEARDOWN_ON_SUCCESS && !all_passed)) {
        check_case(&s->ctx, "isolation teardown", REPORT_SKIPPED, 0,
                   "kept by teardown policy '%s': remove with drh teardown --run %s",
                   drill_teardown_name(pol), s->run_id);
        return;
    }
    double t = progress_elapsed();
    progress_phase(s->d->name, "stack", "isolation teardown", "started");
    char *msg = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    enum step_end e = teardown_run(s->ledger, ISOLATION_RESOURCE, s->src, s->tgt, &msg, &err);
    if (e == STEP_OK) {
        check_case(&s->ctx, "isolation teardown", REPORT_PASS, progress_elapsed() - t, "%s", msg);
    } else {
        check_case(&s->ctx, "isolation teardown", e == STEP_FAILED ? REPORT_FAIL : REPORT_ERROR,
                   progress_elapsed() - t, "%s (hint: %s)", err.msg, err.hint);
        s->verdict = runner_worse(s->verdict, e == STEP_FAILED ? RUNNER_FAILED : RUNNER_ERROR);
    }
    if (s->ev) {
        json_add_string(s->ev, "isolation_teardown", msg ? msg : err.msg);
        json_add_number(s->ev, "teardown_left",
                        (double)teardown_left(s->ledger, ISOLATION_RESOURCE));
    }
    free(msg);
}

void stack_end(struct stack *s, struct res_run *const *runs, const enum runner_verdict *verdicts,
               size_t n)
{
    bool all = s->verdict == RUNNER_PASSED;
    for (size_t i = 0; i < n; i++)
        all = all && verdicts[i] == RUNNER_PASSED;
    if (s->ready && n > 1)
        s_stack_rto(s, runs, verdicts, n);
    if (s->have_built && s->tgt)
        s_isolation_teardown(s, all);
    side_free(s->src);
    side_free(s->tgt);
    s->src = s->tgt = NULL;
}

void stack_clean_up(struct stack *s)
{
    if (s->have_built)
        isolation_stack_clean_up(&s->built);
    side_free(s->src);
    side_free(s->tgt);
    s->src = s->tgt = NULL;
}
