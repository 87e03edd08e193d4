/*
 * Which notifiers a run gets and what became of them (see notify.h): the
 * drill's "notify" section decides, the SNS notifier publishes through
 * sns.c, the webhook one posts through notify_webhook.c, and every outcome
 * is logged without a secret, the drill's verdict untouched.
 */
#include "notify/notify.h"

#include "aws/env.h"
#include "aws/sns.h"
#include "buf.h"
#include "log.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TIMEOUT 10

bool notify_wanted(const struct drill_notify *n, const char *verdict)
{
    if (!n || !n->present || (!n->sns_topic_arn && !n->webhook_url && !n->webhook_url_env))
        return false;
    if (n->on == DRILL_NOTIFY_ALWAYS)
        return true;
    return !verdict || strcmp(verdict, "PASSED") != 0;
}

/* text into dst, cut at a character boundary when it does not fit. */
static void s_copy(char *dst, size_t size, const char *text)
{
    size_t n = strlen(text);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(dst, text, n);
    dst[n] = '\0';
}

void notify_sns(struct aws_client *client, const char *topic_arn, const struct notify_summary *s,
                struct notify_outcome *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->channel, sizeof out->channel, "sns");
    snprintf(out->target, sizeof out->target, "%s", topic_arn ? topic_arn : "(no topic)");
    if (!client) {
        snprintf(out->message, sizeof out->message,
                 "no AWS client for the topic's account and Region");
        return;
    }
    char subject[NOTIFY_SUBJECT_MAX + 1];
    notify_subject(s, subject, sizeof subject);
    char *text = notify_text(s);
    char *id = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (sns_publish(client, topic_arn, subject, text, &id, &err) == DRH_OK) {
        out->ok = true;
        snprintf(out->message, sizeof out->message, "published, message id %s", id);
    } else {
        struct buf b;
        buf_init(&b);
        buf_printf(&b, "%s%s%s", err.msg, *err.hint ? "; hint: " : "", err.hint);
        s_copy(out->message, sizeof out->message, buf_str(&b));
        buf_clean_up(&b);
    }
    free(id);
    free(text);
}

/* The webhook's URL from the drill or its variable; NULL with why in
 * *out when there is none. */
static const char *s_webhook_url(const struct drill_notify *n, const struct aws_env *env,
                                 struct notify_outcome *out)
{
    if (n->webhook_url)
        return n->webhook_url;
    const char *url = aws_env_get(env, n->webhook_url_env);
    if (!url) {
        memset(out, 0, sizeof *out);
        snprintf(out->channel, sizeof out->channel, "webhook");
        snprintf(out->target, sizeof out->target, "$%s", n->webhook_url_env);
        snprintf(out->message, sizeof out->message,
                 "environment variable %s is not set: no webhook URL", n->webhook_url_env);
    }
    return url;
}

static void s_log(const char *drill, const struct notify_outcome *o)
{
    if (o->ok)
        log_info("%s: notify: %s %s: %s", drill, o->channel, o->target, o->message);
    else
        log_warn("%s: notify: %s %s failed: %s (the drill's verdict stands)", drill, o->channel,
                 o->target, o->message);
}

size_t notify_send(const struct drill_notify *n, const struct aws_env *env,
                   struct aws_client *sns_client, const struct notify_summary *s,
                   struct notify_outcome out[2])
{
    if (!notify_wanted(n, s->verdict))
        return 0;
    long timeout = n->timeout > 0 ? n->timeout : DEFAULT_TIMEOUT;
    size_t k = 0;
    if (n->sns_topic_arn)
        notify_sns(sns_client, n->sns_topic_arn, s, &out[k++]);
    if (n->webhook_url || n->webhook_url_env) {
        const char *url = s_webhook_url(n, env, &out[k]);
        if (url)
            notify_webhook(url, s, timeout, &out[k]);
        k++;
    }
    for (size_t i = 0; i < k; i++)
        s_log(s->drill ? s->drill : "drh", &out[i]);
    return k;
}
