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
    size_t used = 0;
    if (history_rto_median(recs, n, HISTORY_RTO_LAST, &median, &used) && median > 0 &&
        rto > HISTORY_RTO_FACTOR * median)
        snprintf(out, size,
                 "RTO regression: %.0fs is %.1f times the median %.0fs of the last %zu passed "
                 "runs (warning beyond %.1f times)",
                 rto, rto / median, median, used, HISTORY_RTO_FACTOR);
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
    history_hostname(host, sizeof host);
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
    rec.rto_objective = (double)r->d->rto;
    rec.rpo_objective = (double)r->d->rpo;
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

/* Whether the topic (arn:PARTITION:sns:REGION:ACCOUNT:NAME) is account's. */
static bool s_topic_of(const char *topic, const char *account)
{
    const char *p = topic;
    for (int field = 0; field < 4 && p; field++)
        p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
    size_t n = strlen(account);
    return p && strncmp(p, account, n) == 0 && p[n] == ':';
}

static void s_outcome(struct drill_result *r, struct json *arr, const struct notify_outcome *o)
{
    struct json *j = json_push(arr, json_new_object());
    json_add_string(j, "channel", o->channel);
    json_add_string(j, "target", o->target);
    json_add_bool(j, "ok", o->ok);
    json_add_string(j, "message", o->message);
    char name[40];
    snprintf(name, sizeof name, "notify_%.16s", o->channel);
    report_add_propertyf(r->stack, name, "%s: %s", o->ok ? "sent" : "FAILED", o->message);
}

void runner_notify(struct drill_result *r, const char *junit, const char *evidence)
{
    const struct drill_notify *n = &r->d->notify;
    const char *verdict = s_verdict(r->verdict);
    if (!notify_wanted(n, verdict))
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
    history_hostname(host, sizeof host);
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
    /* SNS: the side whose account owns the topic (the target's otherwise),
     * in the topic's Region. */
    struct side *side = NULL;
    struct aws_client *client = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (n->sns_topic_arn) {
        char region[64] = "";
        bool source = s_topic_of(n->sns_topic_arn, r->d->source.account);
        sns_topic_region(n->sns_topic_arn, region, sizeof region);
        if (side_open(source ? &r->d->source : &r->d->target, source ? "source" : "target",
                      &side, &err) != DRH_OK ||
            side_client(side, region, &client, &err) != DRH_OK)
            client = NULL;
    }
    struct notify_outcome out[2];
    size_t got = notify_send(n, NULL, client, &sum, out);
    if (n->sns_topic_arn && !client && got) /* why there was no client */
        snprintf(out[0].message, sizeof out[0].message, "%.*s", (int)sizeof out[0].message - 1,
                 err.msg);
    struct json *arr = json_add_child(r->ev, "notifications", json_new_array());
    for (size_t i = 0; i < got; i++)
        s_outcome(r, arr, &out[i]);
    side_free(side);
    free(cases);
}
