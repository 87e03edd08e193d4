/*
 * Notifications of a run's result: a summary of the run (verdict, RTO/RPO
 * against objectives, the cases that did not pass, warnings, report paths)
 * published to an SNS topic and/or POSTed to a Slack-compatible incoming
 * webhook, as the drill's "notify" section says. A notifier that fails is
 * reported in its outcome (and logged by notify_send()); it never changes
 * or hides the drill's own verdict, so nothing here returns an error.
 *
 * A webhook URL is a secret (Slack's carry a token in the path): it never
 * appears in an outcome, a log line or a message, only its scheme and host
 * ("https://hooks.slack.com/…").
 *
 * Payloads: notify_payload.c. The webhook's HTTP: notify_webhook.c.
 */
#ifndef DRH_NOTIFY_H
#define DRH_NOTIFY_H

#include "aws/client.h"
#include "drill/drill.h"

#include <stdbool.h>
#include <stddef.h>

/* The longest text notify_text() gives (bytes): under Slack's 40,000
 * characters for "text" and far under SNS's 256 KiB. */
#define NOTIFY_TEXT_MAX 38000
/* Slack's limit for the text of a section block. */
#define NOTIFY_BLOCK_MAX 3000
/* The subject notify_subject() writes is at most this long (SNS: less than
 * 100 characters). */
#define NOTIFY_SUBJECT_MAX 99

/* A case that did not pass. Any field may be NULL. */
struct notify_case {
    const char *resource, *name, *status, *message;
};

/* What a notification says about one run. Strings may be NULL (left out). */
struct notify_summary {
    const char *drill, *file, *run_id, *host;
    const char *verdict;                           /* "PASSED" | "FAILED" | "ERROR" */
    double seconds;                                /* the run's wall time; < 0: unknown */
    double rto, rto_objective, rpo, rpo_objective; /* seconds; < 0: none */
    const struct notify_case *cases;
    size_t n_cases;
    const char *const *warnings; /* e.g. an RTO regression */
    size_t n_warnings;
    const char *junit, *evidence; /* report paths or NULL */
};

/* What became of one notifier. */
struct notify_outcome {
    char channel[16]; /* "sns" | "webhook" */
    char target[200]; /* the topic ARN, or the webhook as "scheme://host/…" (never its path) */
    bool ok;
    char message[512]; /* "published, message id ...", "HTTP 500 after 3 attempts: ..." */
};

/* Whether n wants a message for this verdict: "always", or "failure" (the
 * default) and a verdict other than "PASSED". false when n is NULL or not
 * present, or names no channel. */
bool notify_wanted(const struct drill_notify *n, const char *verdict);

/* The summary as plain text (the SNS Message; lines for a log), at most
 * NOTIFY_TEXT_MAX bytes of UTF-8. Caller frees. */
char *notify_text(const struct notify_summary *s);
/* The Slack message: {"text": ..., "blocks": [...]}. "text" (mrkdwn, at most
 * NOTIFY_TEXT_MAX bytes) says everything on its own, as the fallback of
 * clients that show no blocks; every block keeps to Slack's limits. Text
 * from the run is escaped for mrkdwn (&, <, >), so a case message cannot
 * mention @channel or forge a link. Caller frees. */
char *notify_slack_json(const struct notify_summary *s);
/* "drh: <drill> <verdict>" as SNS takes a subject: printable ASCII (other
 * bytes become '?'), at most NOTIFY_SUBJECT_MAX characters and size - 1. */
void notify_subject(const struct notify_summary *s, char *out, size_t size);

/* The webhook URL as messages may show it: "scheme://host[:port]/…" (the
 * "/…" only when there is more after the host); never user info, path or
 * query. "(not an http(s) URL)" for anything else. */
void notify_url_describe(const char *url, char *out, size_t size);

/* How notify_webhook_post() sends. Zero: the defaults. */
struct notify_webhook_options {
    long timeout;          /* seconds per attempt; <= 0: 10. The whole call, waits
                            * included, stays within 2 x timeout */
    int max_attempts;      /* <= 0: 3 */
    double base_delay;     /* the first backoff in seconds, doubled after each
                            * retry; <= 0: 0.5 */
    const char *ca_bundle; /* PEM file replacing the system CAs; NULL: system */
    void (*sleep)(double seconds, void *ctx); /* NULL: nanosleep */
    void *sleep_ctx;
};

/* POSTs json (Content-Type: application/json) to url. Retries HTTP 429,
 * 5xx, refused or dropped connections up to max_attempts, waiting the
 * backoff or the server's Retry-After (seconds), cut so the whole call
 * stays within 2 x timeout; a timeout is not retried (the hook may have
 * the message already). Success is any 2xx. Fills *out. */
void notify_webhook_post(const char *url, const char *json,
                         const struct notify_webhook_options *opt, struct notify_outcome *out);
/* notify_webhook_post() of notify_slack_json(s) with timeout. */
void notify_webhook(const char *url, const struct notify_summary *s, long timeout,
                    struct notify_outcome *out);

/* Publishes notify_text(s) with notify_subject(s) to the topic with client
 * (of the topic's Region, the side whose account owns or may publish to
 * the topic; the caller picks it). Fills *out. */
void notify_sns(struct aws_client *client, const char *topic_arn, const struct notify_summary *s,
                struct notify_outcome *out);

/* Everything n asks for, when notify_wanted(): the SNS topic (with
 * sns_client; NULL counts as a failed notifier) then the webhook (its URL
 * from n->webhook_url or the variable n->webhook_url_env, read through
 * env: NULL reads the process environment), each with n->timeout. Fills
 * out[0..] and returns how many (0 when nothing was wanted); logs each
 * outcome, a failure as a warning. */
size_t notify_send(const struct drill_notify *n, const struct aws_env *env,
                   struct aws_client *sns_client, const struct notify_summary *s,
                   struct notify_outcome out[2]);

#endif
