/* Tests of the webhook notifier and of notify_send() against the scripted
 * server on 127.0.0.1: what is POSTed, retries of 5xx, 429 (Retry-After,
 * capped by the time budget) and dropped connections, no retry of 4xx or
 * timeouts, a refused port, a hanging server, and that the URL's secret
 * path appears in no outcome and no log line. Waits between attempts go to
 * a recorder, except where the real clock is the point. */
#include "support/httpd.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "log.h"
#include "mem.h"
#include "notify/notify.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SECRET "/services/T0DRH/B0DRH/SECRETTOKEN123"

static struct httpd *s_srv;

static int s_init(void)
{
    s_srv = httpd_start();
    return s_srv ? 0 : 1;
}

static int s_cleanup(void)
{
    httpd_stop(s_srv);
    return 0;
}

struct recorder {
    double wait[8];
    int n;
};

static void s_record(double seconds, void *ctx)
{
    struct recorder *r = ctx;
    if (r->n < 8)
        r->wait[r->n++] = seconds;
}

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct notify_case s_cases[] = {{"db", "restore", "FAILED", "say \"hi\""}};

static struct notify_summary s_summary(void)
{
    return (struct notify_summary){.drill = "nightly-db",
                                   .run_id = "r-1",
                                   .verdict = "FAILED",
                                   .seconds = 60,
                                   .rto = 30,
                                   .rto_objective = 60,
                                   .rpo = -1,
                                   .rpo_objective = -1,
                                   .cases = s_cases,
                                   .n_cases = 1};
}

static char *s_url(void)
{
    return xasprintf("%s" SECRET, httpd_url(s_srv));
}

/* The secret shows nowhere in what the caller gets. */
static void s_no_secret(const struct notify_outcome *o)
{
    CU_ASSERT_STRING_EQUAL(o->channel, "webhook");
    CU_ASSERT_PTR_NULL(strstr(o->message, "SECRETTOKEN"));
    CU_ASSERT_PTR_NULL(strstr(o->message, "/services"));
    CU_ASSERT_PTR_NULL(strstr(o->target, "SECRETTOKEN"));
    CU_ASSERT_PTR_NULL(strstr(o->target, "/services"));
}

/* Posts the summary's JSON with waits recorded. */
static void s_post(const char *url, long timeout, struct recorder *rec, struct notify_outcome *o)
{
    struct notify_summary s = s_summary();
    char *json = notify_slack_json(&s);
    struct notify_webhook_options opt = {0};
    opt.timeout = timeout;
    opt.base_delay = 0.25;
    opt.sleep = s_record;
    opt.sleep_ctx = rec;
    notify_webhook_post(url, json, &opt, o);
    free(json);
}

static void test_ok(void)
{
    struct httpd_reply script[] = {{200, NULL, "ok", 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    char *url = s_url();
    struct notify_summary s = s_summary();
    struct notify_outcome o;
    notify_webhook(url, &s, 5, &o);
    CU_ASSERT(o.ok);
    CU_ASSERT_STRING_EQUAL(o.message, "delivered (HTTP 200)");
    char *target = xasprintf("%s/\xe2\x80\xa6", httpd_url(s_srv));
    CU_ASSERT_STRING_EQUAL(o.target, target);
    free(target);
    s_no_secret(&o);
    CU_ASSERT_EQUAL_FATAL(httpd_request_count(s_srv), 1);
    const struct httpd_request *r = httpd_request_at(s_srv, 0);
    CU_ASSERT_STRING_EQUAL(r->method, "POST");
    CU_ASSERT_STRING_EQUAL(r->target, SECRET);
    CU_ASSERT_STRING_EQUAL(headers_get(&r->headers, "Content-Type"), "application/json");
    char *json = notify_slack_json(&s);
    CU_ASSERT_STRING_EQUAL(buf_str(&r->body), json);
    free(json);
    free(url);
}

static void test_retry_then_ok(void)
{
    struct httpd_reply script[] = {
        {500, NULL, "oops", 0, 0, 0}, {503, NULL, NULL, 0, 0, 0}, {200, NULL, "ok", 0, 0, 0}};
    httpd_script(s_srv, script, 3);
    char *url = s_url();
    struct recorder rec = {0};
    struct notify_outcome o;
    s_post(url, 5, &rec, &o);
    CU_ASSERT(o.ok);
    CU_ASSERT_STRING_EQUAL(o.message, "delivered (HTTP 200) after 3 attempts");
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 3);
    CU_ASSERT_EQUAL_FATAL(rec.n, 2);
    CU_ASSERT_DOUBLE_EQUAL(rec.wait[0], 0.25, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(rec.wait[1], 0.5, 1e-9);
    s_no_secret(&o);
    free(url);
}

static void test_500_three_times(void)
{
    /* The third answer echoes the URL: the message must not. */
    struct httpd_reply script[] = {{500, NULL, "internal_error", 0, 0, 0},
                                   {500, NULL, "internal_error", 0, 0, 0},
                                   {500, NULL, "no route for " SECRET, 0, 0, 0}};
    httpd_script(s_srv, script, 3);
    char *url = s_url();
    struct recorder rec = {0};
    struct notify_outcome o;
    s_post(url, 5, &rec, &o);
    CU_ASSERT_FALSE(o.ok);
    CU_ASSERT_STRING_EQUAL(o.message, "HTTP 500 after 3 attempts");
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 3);
    CU_ASSERT_EQUAL(rec.n, 2);
    s_no_secret(&o);
    httpd_script(s_srv, script, 1);
    s_post(url, 5, &rec, &o);
    if (strcmp(o.message, "HTTP 599 after 3 attempts: script exhausted") != 0)
        TEST_FAILF("message: %s", o.message);
    free(url);
}

static void test_client_error_not_retried(void)
{
    struct httpd_reply script[] = {{404, NULL, "no_service\n", 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    char *url = s_url();
    struct recorder rec = {0};
    struct notify_outcome o;
    s_post(url, 5, &rec, &o);
    CU_ASSERT_FALSE(o.ok);
    CU_ASSERT_STRING_EQUAL(o.message, "HTTP 404 after 1 attempt: no_service");
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 1);
    CU_ASSERT_EQUAL(rec.n, 0);
    free(url);
}

static void test_retry_after(void)
{
    struct httpd_reply script[] = {{429, "Retry-After: 1\r\n", "rate_limited", 0, 0, 0},
                                   {200, NULL, "ok", 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    char *url = s_url();
    struct recorder rec = {0};
    struct notify_outcome o;
    s_post(url, 5, &rec, &o);
    CU_ASSERT(o.ok);
    CU_ASSERT_EQUAL_FATAL(rec.n, 1);
    CU_ASSERT_DOUBLE_EQUAL(rec.wait[0], 1.0, 1e-9); /* not the 0.25 backoff */
    /* On the real clock. */
    httpd_script(s_srv, script, 2);
    struct notify_summary s = s_summary();
    double t0 = s_now();
    notify_webhook(url, &s, 5, &o);
    double took = s_now() - t0;
    CU_ASSERT(o.ok);
    CU_ASSERT(took >= 0.95 && took < 3);
    CU_ASSERT_STRING_EQUAL(o.message, "delivered (HTTP 200) after 2 attempts");
    /* A Retry-After past the budget (2 x 2 s) is cut to leave one second. */
    struct httpd_reply slow[] = {{429, "Retry-After: 120\r\n", NULL, 0, 0, 0},
                                 {200, NULL, "ok", 0, 0, 0}};
    httpd_script(s_srv, slow, 2);
    rec.n = 0;
    s_post(url, 2, &rec, &o);
    CU_ASSERT(o.ok);
    CU_ASSERT_EQUAL_FATAL(rec.n, 1);
    CU_ASSERT(rec.wait[0] > 2.5 && rec.wait[0] <= 3.0);
    free(url);
}

static void test_dropped_then_ok(void)
{
    struct httpd_reply script[] = {{0, NULL, NULL, 1, 0, 0}, {200, NULL, "ok", 0, 0, 0}};
    httpd_script(s_srv, script, 2);
    char *url = s_url();
    struct recorder rec = {0};
    struct notify_outcome o;
    s_post(url, 5, &rec, &o);
    CU_ASSERT(o.ok);
    CU_ASSERT_STRING_EQUAL(o.message, "delivered (HTTP 200) after 2 attempts");
    free(url);
}

/* A port nothing listens on. */
static int s_closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static void test_refused(void)
{
    int port = s_closed_port();
    CU_ASSERT_FATAL(port > 0);
    char *url = xasprintf("http://127.0.0.1:%d" SECRET, port);
    struct recorder rec = {0};
    struct notify_outcome o;
    double t0 = s_now();
    s_post(url, 10, &rec, &o);
    CU_ASSERT(s_now() - t0 < 1.5);
    CU_ASSERT_FALSE(o.ok);
    CU_ASSERT_EQUAL(rec.n, 2);
    if (strncmp(o.message, "connection failed after 3 attempts", 34) != 0)
        TEST_FAILF("message: %s", o.message);
    s_no_secret(&o);
    /* The real waits: 0.5 s + 1 s. */
    struct notify_summary s = s_summary();
    t0 = s_now();
    notify_webhook(url, &s, 10, &o);
    double took = s_now() - t0;
    CU_ASSERT(took >= 1.4 && took < 3);
    CU_ASSERT_FALSE(o.ok);
    s_no_secret(&o);
    free(url);
}

static void test_timeout(void)
{
    struct httpd_reply script[] = {{200, NULL, "late", 0, 0, 2500}};
    httpd_script(s_srv, script, 1);
    char *url = s_url();
    struct recorder rec = {0};
    struct notify_outcome o;
    double t0 = s_now();
    s_post(url, 1, &rec, &o);
    double took = s_now() - t0;
    CU_ASSERT(took >= 0.9 && took < 2.0);
    CU_ASSERT_FALSE(o.ok);
    if (strncmp(o.message, "timed out after 1 attempt", 25) != 0)
        TEST_FAILF("message: %s", o.message);
    CU_ASSERT_EQUAL(rec.n, 0);
    s_no_secret(&o);
    free(url);
    /* Let the server finish its delayed answer before the next test. */
    struct timespec ts = {1, 600000000};
    nanosleep(&ts, NULL);
}

static void test_bad_url(void)
{
    struct recorder rec = {0};
    struct notify_outcome o;
    s_post("ftp://hooks.example" SECRET, 5, &rec, &o);
    CU_ASSERT_FALSE(o.ok);
    CU_ASSERT_STRING_EQUAL(o.target, "(not an http(s) URL)");
    s_no_secret(&o);
}

#define TOPIC "arn:aws:sns:eu-west-1:111122223333:drh-alerts"

static void s_no_sleep(double s, void *ctx)
{
    (void)s;
    (void)ctx;
}

static void test_send(void)
{
    struct testenv *t = testenv_new();
    testenv_set(t, "AWS_ENDPOINT_URL", httpd_url(s_srv));
    char *url = s_url();
    testenv_set(t, "DRH_TEST_HOOK", url);
    struct aws_credentials cr = {(char *)"AKIDTEST", (char *)"SECRETTESTKEY", NULL, 0, NULL};
    struct aws_creds_provider *cp = aws_creds_static_new(&cr, "test keys");
    struct aws_client_options co = {.region = "eu-west-1", .env = &t->env, .creds = cp};
    co.retry.max_attempts = 1;
    co.retry.sleep = s_no_sleep;
    struct aws_client *c = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(aws_client_new(&co, &c, &err), DRH_OK);
    struct drill_notify n = {.present = true,
                             .sns_topic_arn = (char *)TOPIC,
                             .webhook_url_env = (char *)"DRH_TEST_HOOK",
                             .timeout = 5};
    struct httpd_reply script[] = {
        /* The server takes one connection at a time: the AWS client must not
         * keep this one. */
        {200, "Content-Type: text/xml\r\nConnection: close\r\n",
         "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult>"
         "</PublishResponse>",
         0, 0, 0},
        {500, NULL, "down", 0, 0, 0},
        {200, NULL, "ok", 0, 0, 0}};
    httpd_script(s_srv, script, 3);
    FILE *logf = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(logf);
    enum log_level level = log_get_level();
    log_set_level(LOG_DEBUG);
    log_set_sink(logf);
    struct notify_summary s = s_summary();
    struct notify_outcome out[2];
    CU_ASSERT_EQUAL(notify_send(&n, &t->env, c, &s, out), 2);
    CU_ASSERT(out[0].ok && strcmp(out[0].channel, "sns") == 0);
    CU_ASSERT_STRING_EQUAL(out[0].message, "published, message id m-1");
    if (!out[1].ok)
        TEST_FAILF("webhook: %s", out[1].message);
    s_no_secret(&out[1]);
    /* A pass with on: failure sends nothing. */
    s.verdict = "PASSED";
    CU_ASSERT_EQUAL(notify_send(&n, &t->env, c, &s, out), 0);
    /* No variable: a failed notifier, nothing sent. */
    s.verdict = "ERROR";
    n.sns_topic_arn = NULL;
    testenv_set(t, "DRH_TEST_HOOK", NULL);
    httpd_script(s_srv, NULL, 0);
    CU_ASSERT_EQUAL(notify_send(&n, &t->env, c, &s, out), 1);
    CU_ASSERT_FALSE(out[0].ok);
    CU_ASSERT_STRING_EQUAL(out[0].message,
                           "environment variable DRH_TEST_HOOK is not set: no webhook URL");
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 0);
    log_set_sink(NULL);
    log_set_level(level);
    struct buf logged;
    buf_init(&logged);
    rewind(logf);
    char line[1024];
    while (fgets(line, sizeof line, logf))
        buf_puts(&logged, line);
    fclose(logf);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&logged), "notify: webhook http://127.0.0.1:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&logged), "the drill's verdict stands"));
    CU_ASSERT_PTR_NULL(strstr(buf_str(&logged), "SECRETTOKEN"));
    CU_ASSERT_PTR_NULL(strstr(buf_str(&logged), "/services"));
    buf_clean_up(&logged);
    aws_client_free(c);
    aws_creds_provider_free(cp);
    testenv_free(t);
    free(url);
}

static const struct test_case cases[] = {
    {"ok", test_ok},
    {"retry_then_ok", test_retry_then_ok},
    {"500_three_times", test_500_three_times},
    {"client_error_not_retried", test_client_error_not_retried},
    {"retry_after", test_retry_after},
    {"dropped_then_ok", test_dropped_then_ok},
    {"refused", test_refused},
    {"timeout", test_timeout},
    {"bad_url", test_bad_url},
    {"notify_send", test_send},
};

TEST_SUITE_FULL("notify-webhook", cases, NULL, s_init, s_cleanup)
