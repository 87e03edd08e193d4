/*
 * What drh run does with a drill's verdict before it writes the reports
 * (runner_after.h): compares the RTO achieved with the drill's history (a
 * warning beyond 1.5 times the median of the last ten passed runs), records
 * the run in the history, and sends the notifications the drill asks for.
 * None of it changes the verdict: a history or notifier failure is logged
 * and written into the evidence, and the run goes on.
 */
#include "run/runner_after.h"

#include "log.h"
#include "mem.h"
#include "aws/sns.h"
#include "notify/notify.h"
#include "run/side.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The regression threshold and window of the issue: 1.5 x the median of
 * the last ten passed runs. */
#define AFTER_RTO_FACTOR 1.5
#define AFTER_RTO_WINDOW 10

static const char *s_verdict(enum runner_verdict v)
{
    return v == RUNNER_PASSED ? "PASSED" : v == RUNNER_FAILED ? "FAILED" : "ERROR";
}

/* The property's value as a number; -1 when absent or not a number. */
static double s_prop(const struct report_suite *s, const char *name)
{
    for (size_t i = 0; i < s->n_props; i++)
        if (strcmp(s->props[i].name, name) == 0) {
            char *end = NULL;
            double v = strtod(s->props[i].value, &end);
            return end && end != s->props[i].value && !*end && v >= 0 ? v : -1;
        }
    return -1;
}

/* The drill's figures: its stack RTO (several resources) or its
 * resource's, and the worst RPOs. */
static void s_figures(const struct drill_result *r, double *rto, double *rpo, double *data)
{
    *rto = s_prop(r->stack, "stack_rto_seconds");
    *rpo = *data = -1;
    for (size_t i = 0; i < r->n_suites; i++) {
        const struct report_suite *s = r->suites[i];
        double v;
        if (r->d->n_resources == 1 && (v = s_prop(s, "rto_seconds")) > *rto)
            *rto = v;
        if ((v = s_prop(s, "rpo_seconds")) > *rpo)
            *rpo = v;
        if ((v = s_prop(s, "rpo_data_seconds")) > *data)
            *data = v;
    }
}

static void s_host(char *out, size_t size)
{
    if (gethostname(out, size) != 0)
        snprintf(out, size, "unknown");
    out[size - 1] = '\0';
}

/* The RTO against the history's median: the warning's text, or "". */
static void s_regression(struct history_store *h, const struct drill_result *r, double rto,
                         char *out, size_t size)
{
    out[0] = '\0';
    if (rto < 0)
        return;
    struct history_record *recs = NULL;
    size_t n = 0;
    struct drh_err err;
    drh_err_clear(&err);
    if (history_list(h, r->d->name, 50, &recs, &n, &err) != DRH_OK) {
        log_warn("%s: the history could not be read for the RTO trend: %s", r->d->name, err.msg);
        return;
    }
    double median;
    if (history_rto_median(recs, n, AFTER_RTO_WINDOW, &median) && median > 0 &&
        rto > AFTER_RTO_FACTOR * median) {
        size_t used = 0;
        for (size_t i = 0; i < n && used < AFTER_RTO_WINDOW; i++)
            used += strcmp(recs[i].verdict, "PASSED") == 0 && recs[i].rto >= 0;
        snprintf(out, size,
                 "RTO regression: %.0fs is %.1f times the median %.0fs of the last %zu passed "
                 "runs (warning beyond %.1f times)",
                 rto, rto / median, median, used, AFTER_RTO_FACTOR);
    }
    history_records_free(recs, n);
}

void runner_record(struct drill_result *r, struct history_store *h)
{
    double rto, rpo, data;
    s_figures(r, &rto, &rpo, &data);
    char warning[300] = "";
    if (h)
        s_regression(h, r, rto, warning, sizeof warning);
    if (warning[0]) {
        log_warn("%s: %s", r->d->name, warning);
        report_add_property(r->stack, "rto_regression", warning);
        struct json *w = json_add_child(r->ev, "warnings", json_new_array());
        json_push_string(w, warning);
        snprintf(r->warning, sizeof r->warning, "%s", warning);
    }
    if (!h)
        return;
    char host[256];
    s_host(host, sizeof host);
    struct history_record rec = {0};
    rec.run_id = (char *)r->run_id;
    rec.drill = r->d->name;
    rec.file = r->d->path;
    rec.host = host;
    rec.scheduled_for = r->scheduled_for;
    rec.started = r->started;
    rec.ended = r->ended;
    snprintf(rec.verdict, sizeof rec.verdict, "%s", s_verdict(r->verdict));
    rec.rto = rto;
    rec.rpo = rpo;
    rec.rpo_data = data;
    rec.warnings = warning[0] ? warning : NULL;
    struct history_resource *res = xcalloc(r->n_suites + 1, sizeof *res);
    for (size_t i = 0; i < r->n_suites; i++) {
        const struct report_suite *s = r->suites[i];
        const char *slash = strrchr(s->name, '/');
        struct history_resource *x = &res[rec.n_resources++];
        x->name = (char *)(slash ? slash + 1 : s->name);
        snprintf(x->verdict, sizeof x->verdict, "%s", r->verdicts[i]);
        x->rto = s_prop(s, "rto_seconds");
        if (x->rto < 0)
            x->rto = s_prop(s, "stack_rto_seconds");
        x->rpo = s_prop(s, "rpo_seconds");
        x->rpo_data = s_prop(s, "rpo_data_seconds");
    }
    rec.resources = res;
    struct drh_err err;
    drh_err_clear(&err);
    if (history_append(h, &rec, &err) != DRH_OK) {
        log_error("%s: the run could not be recorded in the history (%s): %s", r->d->name,
                  history_describe(h), err.msg);
        json_add_string(r->ev, "history", "not recorded");
    } else {
        json_add_string(r->ev, "history", history_describe(h));
    }
    free(res);
}

/* The SNS client: the side whose account owns the topic (the target's
 * otherwise), in the topic's region. */
static void s_sns(const struct drill *d, const char *topic, const struct notify_summary *sum,
                  struct notify_outcome *out)
{
    char region[64] = "";
    sns_topic_region(topic, region, sizeof region);
    /* arn:PARTITION:sns:REGION:ACCOUNT:NAME */
    const char *acct = strstr(topic, region[0] ? region : "::");
    acct = acct ? strchr(acct, ':') : NULL;
    bool source = acct && strncmp(acct + 1, d->source.account, strlen(d->source.account)) == 0 &&
                  acct[1 + strlen(d->source.account)] == ':';
    struct side *side = NULL;
    struct aws_client *client = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (side_open(source ? &d->source : &d->target, source ? "source" : "target", &side, &err) ==
            DRH_OK &&
        side_client(side, region, &client, &err) == DRH_OK) {
        notify_sns(client, topic, sum, out);
    } else {
        memset(out, 0, sizeof *out);
        snprintf(out->channel, sizeof out->channel, "sns");
        snprintf(out->target, sizeof out->target, "%s", topic);
        snprintf(out->message, sizeof out->message, "%.*s", (int)sizeof out->message - 1,
                 err.msg);
    }
    side_free(side);
}

static void s_outcome(struct drill_result *r, struct json *arr, const struct notify_outcome *o)
{
    struct json *j = json_push(arr, json_new_object());
    json_add_string(j, "channel", o->channel);
    json_add_string(j, "target", o->target);
    json_add_bool(j, "ok", o->ok);
    json_add_string(j, "message", o->message);
    char name[40];
    snprintf(name, sizeof name, "notify_%s", o->channel);
    report_add_propertyf(r->stack, name, "%s: %s", o->ok ? "sent" : "FAILED", o->message);
    if (o->ok)
        log_info("%s: notified %s %s: %s", r->d->name, o->channel, o->target, o->message);
    else
        log_error("%s: notifier %s %s failed (the drill's verdict stands): %s", r->d->name,
                  o->channel, o->target, o->message);
}

void runner_notify(struct drill_result *r, const char *junit, const char *evidence)
{
    const struct drill_notify *n = &r->d->notify;
    const char *verdict = s_verdict(r->verdict);
    if (!n->present || !notify_wanted(n, verdict))
        return;
    size_t n_cases = 0;
    for (size_t i = 0; i < r->n_suites; i++)
        n_cases += r->suites[i]->n_cases;
    struct notify_case *cases = xcalloc(n_cases + 1, sizeof *cases);
    size_t k = 0;
    for (size_t i = 0; i < r->n_suites; i++) {
        const struct report_suite *s = r->suites[i];
        const char *slash = strrchr(s->name, '/');
        for (size_t c = 0; c < s->n_cases; c++) {
            const struct report_case *rc = s->cases[c];
            if (rc->status != REPORT_FAIL && rc->status != REPORT_ERROR)
                continue;
            cases[k].resource = slash ? slash + 1 : s->name;
            cases[k].name = rc->name;
            cases[k].status = report_status_name(rc->status);
            cases[k++].message = rc->message ? rc->message : "";
        }
    }
    double rto, rpo, data;
    s_figures(r, &rto, &rpo, &data);
    char host[256];
    s_host(host, sizeof host);
    const char *warnings[1] = {r->warning};
    struct notify_summary sum = {
        .drill = r->d->name,
        .file = r->d->path,
        .run_id = r->run_id,
        .host = host,
        .verdict = verdict,
        .seconds = r->ended - r->started,
        .rto = rto,
        .rto_objective = (double)r->d->rto,
        .rpo = rpo,
        .rpo_objective = (double)r->d->rpo,
        .cases = cases,
        .n_cases = k,
        .warnings = warnings,
        .n_warnings = r->warning[0] ? 1 : 0,
        .junit = junit,
        .evidence = evidence,
    };
    struct json *arr = json_add_child(r->ev, "notifications", json_new_array());
    struct notify_outcome out;
    if (n->sns_topic_arn) {
        s_sns(r->d, n->sns_topic_arn, &sum, &out);
        s_outcome(r, arr, &out);
    }
    if (n->webhook_url || n->webhook_url_env) {
        const char *url = n->webhook_url ? n->webhook_url : getenv(n->webhook_url_env);
        if (url && *url) {
            notify_webhook(url, &sum, n->timeout, &out);
        } else {
            memset(&out, 0, sizeof out);
            snprintf(out.channel, sizeof out.channel, "webhook");
            snprintf(out.target, sizeof out.target, "$%s", n->webhook_url_env);
            snprintf(out.message, sizeof out.message,
                     "$%s is not set: export the webhook URL in it", n->webhook_url_env);
        }
        s_outcome(r, arr, &out);
    }
    free(cases);
}
