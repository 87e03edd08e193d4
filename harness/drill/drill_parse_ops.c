/*
 * The keys that say how a drill is operated rather than what it restores:
 * the top-level schedule (when drh due / run --due run it), notify (who
 * hears of its result), timeouts (how long each wait may last), and a resource's canary section (where drh canary
 * writes its canaries in production). The expression and the time zone are
 * checked by the scheduler itself (sched/schedule.h), so the loader and
 * drh due agree on what a schedule means.
 */
#include "drill/drill_impl.h"

#include "mem.h"
#include "sched/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_ons[] = {"failure", "always", NULL};

static const struct drill_key s_schedule_keys[] = {
    {"expression", true,
     "\"expression\": \"cron(0 2 ? * SUN *)\" (or \"rate(7 days)\", or a cron line \"0 2 * * 0\")"},
    {"timezone", false, NULL},
    {"start_window", false, NULL},
    {"start", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_notify_keys[] = {
    {"on", false, NULL},
    {"sns", false, NULL},
    {"webhook", false, NULL},
    {"timeout", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_timeout_keys[] = {
    {"drill", false, NULL},     {"copy", false, NULL},     {"restore", false, NULL},
    {"available", false, NULL}, {"teardown", false, NULL}, {NULL, false, NULL},
};
static const struct drill_key s_sns_keys[] = {
    {"topic_arn", true, "\"topic_arn\": \"arn:aws:sns:us-east-1:111111111111:SharingNotifications\""},
    {NULL, false, NULL},
};
static const struct drill_key s_webhook_keys[] = {
    {"url", false, NULL},
    {"url_env", false, NULL},
    {NULL, false, NULL},
};
/* A resource's canary section, by type: what drh canary needs to reach
 * production. */
static const struct drill_key s_canary_db_keys[] = {
    {"endpoint", false, NULL}, {"user", false, NULL},     {"password_env", false, NULL},
    {"password_file", false, NULL}, {"database", false, NULL}, {"keep", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_canary_efs_keys[] = {
    {"mount", true,
     "\"mount\": \"/mnt/orders-efs\" (where production's file system is mounted on the host "
     "that runs drh canary)"},
    {"keep", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_canary_s3_keys[] = {
    {"prefix", false, NULL},
    {"keep", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_canary_any_keys[] = {
    {"endpoint", false, NULL}, {"user", false, NULL},     {"password_env", false, NULL},
    {"password_file", false, NULL}, {"database", false, NULL}, {"mount", false, NULL},
    {"prefix", false, NULL},   {"keep", false, NULL},     {NULL, false, NULL},
};

static bool s_topic_arn(const char *s)
{
    struct drill_arn arn;
    return drill_arn_split(s, &arn) && strcmp(arn.service, "sns") == 0 && arn.region[0] &&
           drill_is_account(arn.account) && arn.resource[0] && !strchr(arn.resource, ':');
}

/* http(s)://HOST... with no space; the rest is the secret part. */
static bool s_webhook_url(const char *s)
{
    const char *rest = strncmp(s, "https://", 8) == 0  ? s + 8
                       : strncmp(s, "http://", 7) == 0 ? s + 7
                                                       : NULL;
    if (!rest || !*rest || *rest == '/')
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

/* "host:port" with a port of 1..65535. */
static bool s_endpoint(const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || !colon[1])
        return false;
    long port = 0;
    for (const char *p = colon + 1; *p; p++) {
        if (*p < '0' || *p > '9' || port > 65535)
            return false;
        port = port * 10 + (*p - '0');
    }
    return port >= 1 && port <= 65535;
}

static void s_schedule(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const struct json *o;
    struct drill_schedule *s = &d->schedule;
    s->start_window = 8 * 3600;
    if (!drill_object(c, root, "", "schedule", &o) || !o)
        return;
    s->present = true;
    drill_check_keys(c, o, "schedule", s_schedule_keys);
    drill_want_duration(c, json_get(o, "start_window"), "schedule.start_window", &s->start_window);
    long ago = 0;
    const struct json *start = json_get(o, "start");
    if (start && drill_want_moment(c, o, "schedule", "start", &s->start, &ago) && ago) {
        drill_fail(c, start, "schedule.start: a schedule starts at a time, not a duration");
        drill_hint(c, "write an ISO 8601 UTC time: \"2026-01-01T00:00:00Z\"");
    }
    const struct json *tz = json_get(o, "timezone");
    const char *zone = "UTC";
    struct drh_err err;
    drh_err_clear(&err);
    if (tz && drill_want_string(c, tz, "schedule.timezone", &zone)) {
        if (schedule_check_zone(zone, &err) != DRH_OK) {
            drill_fail(c, tz, "schedule.timezone: %s", err.msg);
            drill_hint(c, "%s", err.hint[0] ? err.hint : "an IANA zone name: \"Europe/Berlin\"");
            zone = NULL;
        }
    }
    s->timezone = xstrdup(zone ? zone : "UTC");
    const struct json *ev = json_get(o, "expression");
    const char *expr;
    if (!ev || !drill_want_string(c, ev, "schedule.expression", &expr))
        return;
    s->expression = xstrdup(expr);
    if (!zone)
        return;
    struct schedule *parsed = NULL;
    size_t at = 0;
    drh_err_clear(&err);
    if (schedule_parse(expr, zone, s->start, &parsed, &at, &err) != DRH_OK) {
        drill_fail_offset(c, ev, at, "schedule.expression: %s", err.msg);
        drill_hint(c, "%s",
                   err.hint[0] ? err.hint
                               : "write cron(0 2 ? * SUN *), rate(7 days) or 0 2 * * 0 "
                                 "(see docs/scheduling.md)");
    }
    schedule_free(parsed);
}

static void s_notify(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const struct json *o, *sns, *hook;
    struct drill_notify *n = &d->notify;
    n->timeout = 10;
    if (!drill_object(c, root, "", "notify", &o) || !o)
        return;
    n->present = true;
    drill_check_keys(c, o, "notify", s_notify_keys);
    int on = DRILL_NOTIFY_FAILURE;
    if (drill_want_enum(c, json_get(o, "on"), "notify.on", s_ons, &on))
        n->on = (enum drill_notify_on)on;
    drill_want_duration(c, json_get(o, "timeout"), "notify.timeout", &n->timeout);
    if (drill_object(c, o, "notify", "sns", &sns) && sns) {
        drill_check_keys(c, sns, "notify.sns", s_sns_keys);
        drill_text(c, sns, "notify.sns", "topic_arn", s_topic_arn, "an SNS topic ARN",
                   "arn:aws:sns:REGION:ACCOUNT:TOPIC, as SNS CreateTopic returns it",
                   &n->sns_topic_arn);
    }
    if (drill_object(c, o, "notify", "webhook", &hook) && hook) {
        drill_check_keys(c, hook, "notify.webhook", s_webhook_keys);
        const struct json *url = json_get(hook, "url");
        const char *text;
        if (url && drill_want_string(c, url, "notify.webhook.url", &text)) {
            /* the URL is a secret: never shown back */
            if (!s_webhook_url(text)) {
                drill_fail(c, url, "notify.webhook.url: not an http:// or https:// URL");
                drill_hint(c, "\"url\": \"https://hooks.slack.com/services/...\", or keep it "
                              "out of the file with \"url_env\": \"DRH_WEBHOOK_URL\"");
            } else {
                n->webhook_url = xstrdup(text);
            }
        }
        drill_text(c, hook, "notify.webhook", "url_env", drill_is_env_name,
                   "an environment variable name",
                   "an environment variable name is letters, digits and _: \"DRH_WEBHOOK_URL\"",
                   &n->webhook_url_env);
        if (url && json_get(hook, "url_env")) {
            drill_conflict(c, json_get(hook, "url_env"), true,
                           "notify.webhook: 'url' and 'url_env' both given");
            drill_hint(c, "keep one: \"url_env\" keeps the URL (a secret) out of the file");
        } else if (!url && !json_get(hook, "url_env")) {
            drill_missing(c, hook, "missing required key 'url_env' (or 'url') in notify.webhook");
            drill_hint(c, "\"url_env\": \"DRH_WEBHOOK_URL\", the variable holding the "
                          "Slack-compatible webhook URL");
        }
    }
    if (!sns && !hook) {
        drill_missing(c, o, "notify: neither 'sns' nor 'webhook' given");
        drill_hint(c, "add \"sns\": {\"topic_arn\": \"arn:aws:sns:...\"} and/or \"webhook\": "
                      "{\"url_env\": \"DRH_WEBHOOK_URL\"}");
    }
}

void drill_parse_canary(struct drill_ctx *c, const struct json *rv, const char *path,
                        struct drill_resource *r, bool typed)
{
    const struct json *o;
    char where[DRILL_WHERE_MAX], sub[DRILL_WHERE_MAX];
    struct drill_canary *k = &r->canary;
    k->keep = 1000;
    if (r->type == DRILL_S3 || !typed)
        k->prefix = xstrdup("drh-canary/chain/");
    drill_where(where, sizeof where, path, "canary");
    if (!drill_object(c, rv, path, "canary", &o) || !o)
        return;
    k->present = true;
    const struct drill_key *keys = !typed                                          ? s_canary_any_keys
                                   : r->type == DRILL_EFS                           ? s_canary_efs_keys
                                   : r->type == DRILL_S3                            ? s_canary_s3_keys
                                   : r->type == DRILL_RDS || r->type == DRILL_AURORA ? s_canary_db_keys
                                                                                    : NULL;
    if (!keys) /* an unknown key of this type: drill_parse.c says why */
        return;
    drill_foreign_keys(c, o, where, keys, s_canary_any_keys,
                       typed ? drill_resource_type_name(r->type) : "this resource",
                       "its canary section");
    drill_check_keys(c, o, where, keys);
    drill_text(c, o, where, "endpoint", s_endpoint, "a host:port",
               "\"endpoint\": \"orders.cluster-abc.us-east-1.rds.amazonaws.com:5432\"", &k->endpoint);
    drill_text(c, o, where, "user", NULL, NULL, NULL, &k->user);
    drill_text(c, o, where, "password_env", drill_is_env_name, "an environment variable name",
               "\"password_env\": \"ORDERS_CANARY_PASSWORD\"", &k->password_env);
    drill_text(c, o, where, "password_file", NULL, NULL, NULL, &k->password_file);
    drill_text(c, o, where, "database", NULL, NULL, NULL, &k->database);
    drill_text(c, o, where, "mount", NULL, NULL, NULL, &k->mount);
    if (k->mount && k->mount[0] != '/') {
        drill_fail(c, json_get(o, "mount"), "%s.mount: '%s' is not an absolute folder", where,
                   k->mount);
        drill_hint(c, "\"mount\": \"/mnt/orders-efs\"");
    }
    char *prefix = NULL;
    drill_text(c, o, where, "prefix", NULL, NULL, NULL, &prefix);
    if (prefix) {
        free(k->prefix);
        k->prefix = prefix;
    }
    long long keep = k->keep;
    drill_where(sub, sizeof sub, where, "keep");
    if (drill_want_int(c, json_get(o, "keep"), sub, 2, 1000000, &keep))
        k->keep = (long)keep;
    if (k->password_env && k->password_file) {
        drill_conflict(c, json_get(o, "password_file"), true,
                       "%s: 'password_env' and 'password_file' both given", where);
        drill_hint(c, "keep one of them");
    }
}

/* Called after the objectives: the drill's timeout defaults to the RTO. */
static void s_timeouts(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    struct drill_timeouts *t = &d->timeouts;
    *t = (struct drill_timeouts){d->rto, DRILL_DEFAULT_STEP_TIMEOUT, DRILL_DEFAULT_STEP_TIMEOUT,
                                 DRILL_DEFAULT_AVAILABLE_TIMEOUT, DRILL_DEFAULT_TEARDOWN_TIMEOUT};
    const struct json *o;
    if (!drill_object(c, root, "", "timeouts", &o) || !o)
        return;
    drill_check_keys(c, o, "timeouts", s_timeout_keys);
    drill_want_duration(c, json_get(o, "drill"), "timeouts.drill", &t->drill);
    drill_want_duration(c, json_get(o, "copy"), "timeouts.copy", &t->copy);
    drill_want_duration(c, json_get(o, "restore"), "timeouts.restore", &t->restore);
    drill_want_duration(c, json_get(o, "available"), "timeouts.available", &t->available);
    drill_want_duration(c, json_get(o, "teardown"), "timeouts.teardown", &t->teardown);
}

void drill_parse_ops(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    s_schedule(c, root, d);
    s_notify(c, root, d);
    s_timeouts(c, root, d);
}

/* A canary section (other than s3's, which reads itself back) needs a
 * canary probe to read what drh canary writes. */
void drill_check_ops(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const struct json *rs = json_get(root, "resources");
    for (size_t i = 0; i < d->n_resources; i++) {
        const struct drill_resource *r = &d->resources[i];
        if (!r->canary.present || r->type == DRILL_S3)
            continue;
        bool probe = false;
        for (size_t p = 0; p < r->n_probes; p++)
            probe |= r->probes[p].kind == PROBE_CANARY;
        if (probe)
            continue;
        drill_conflict(c, drill_at(json_array_at(rs, i), "canary"), true,
                       "resources[%zu].canary: no canary probe reads the canaries back", i);
        drill_hint(c, "add {\"kind\": \"canary\"} to resources[%zu].probes: it verifies the "
                      "chain and measures the data-level RPO",
                   i);
    }
}
