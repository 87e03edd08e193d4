/* Tests of the notifiers' payloads: the text and the Slack JSON say what
 * the run gave (drill, verdict, run, RTO/RPO against objectives, failing
 * cases, warnings, reports), escape what the run wrote and keep to Slack's
 * and SNS's limits however long the input; subjects are what SNS takes;
 * which verdicts notify; how a webhook URL is shown; topic ARNs.
 * SNS Publish: test_notify_sns.c. The webhook and notify_send():
 * test_notify_webhook.c. */
#include "support/testreg.h"

#include "aws/sns.h"
#include "json.h"
#include "mem.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct notify_case s_cases[] = {
    {"orders-db", "restore", "FAILED", "snapshot \"nightly\" not found\nsecond line"},
    {"orders-db", "canary", "ERROR",
     "<!channel> lag & drift > 5m, Z\xc3\xbcrich \xe6\x9d\xb1\xe4\xba\xac"},
};
static const char *const s_warnings[] = {"RTO regression: 14m3s vs a median of 9m"};

static struct notify_summary s_summary(void)
{
    struct notify_summary s = {0};
    s.drill = "nightly-db";
    s.file = "drills/nightly.json";
    s.run_id = "20260102T020000Z-7f3a";
    s.host = "ci-runner-7";
    s.verdict = "FAILED";
    s.seconds = 1234;
    s.rto = 843;
    s.rto_objective = 1800;
    s.rpo = 400;
    s.rpo_objective = 300;
    s.cases = s_cases;
    s.n_cases = 2;
    s.warnings = s_warnings;
    s.n_warnings = 1;
    s.junit = "reports/junit.xml";
    s.evidence = NULL;
    return s;
}

static bool s_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80             ? 0
                : (*p & 0xe0) == 0xc0 ? 1
                : (*p & 0xf0) == 0xe0 ? 2
                : (*p & 0xf8) == 0xf0 ? 3
                                      : -1;
        if (n < 0)
            return false;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xc0) != 0x80)
                return false;
    }
    return true;
}

/* Every '&' of mrkdwn text starts one of the three entities. */
static bool s_entities_whole(const char *s)
{
    for (const char *p = strchr(s, '&'); p; p = strchr(p + 1, '&'))
        if (strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) && strncmp(p, "&gt;", 4))
            return false;
    return true;
}

static void s_has(const char *text, const char *want)
{
    if (!strstr(text, want))
        TEST_FAILF("text lacks \"%s\":\n%s", want, text);
}

static void test_text(void)
{
    struct notify_summary s = s_summary();
    char *t = notify_text(&s);
    s_has(t, "drh drill nightly-db FAILED\n");
    s_has(t, "Run 20260102T020000Z-7f3a on ci-runner-7, took 20m34s\n");
    s_has(t, "Drill file: drills/nightly.json\n");
    s_has(t, "RTO: 14m3s (objective 30m) met\n");
    s_has(t, "RPO: 6m40s (objective 5m) MISSED\n");
    s_has(t, "Cases that did not pass (2):\n");
    s_has(t, "- orders-db / restore: FAILED: snapshot \"nightly\" not found second line\n");
    s_has(t, "- orders-db / canary: ERROR: <!channel> lag & drift > 5m, Z\xc3\xbcrich");
    s_has(t, "- RTO regression: 14m3s vs a median of 9m\n");
    s_has(t, "JUnit report: reports/junit.xml");
    CU_ASSERT_PTR_NULL(strstr(t, "Evidence"));
    free(t);
    /* Bytes that are not UTF-8 (SNS takes UTF-8 only) become U+FFFD. */
    s.host = "bad\xff\xc3(\xed\xa0\x80";
    t = notify_text(&s);
    s_has(t, " on bad\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd,");
    CU_ASSERT(s_utf8_valid(t));
    free(t);
    s.host = "ci-runner-7";
    /* No measurement, no objective, a pass. */
    s.verdict = "PASSED";
    s.n_cases = s.n_warnings = 0;
    s.rto = -1;
    s.rpo_objective = -1;
    t = notify_text(&s);
    s_has(t, "drh drill nightly-db PASSED\n");
    s_has(t, "RTO: not measured (objective 30m)\n");
    s_has(t, "RPO: 6m40s (no objective)\n");
    CU_ASSERT_PTR_NULL(strstr(t, "Cases"));
    free(t);
}

static void test_slack_json(void)
{
    struct notify_summary s = s_summary();
    char *j = notify_slack_json(&s);
    struct json *doc = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(json_parse(j, strlen(j), &doc, &err), DRH_OK);
    const char *text = json_get_string(doc, "text");
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    s_has(text, ":x: *drh drill nightly-db FAILED*");
    s_has(text, "20260102T020000Z-7f3a");
    s_has(text, "*RTO* 14m3s (objective 30m) met");
    s_has(text, "*RPO* 6m40s (objective 5m) MISSED");
    s_has(text, "restore: *FAILED*: snapshot \"nightly\" not found second line");
    /* mrkdwn: no mention, no link forged; unicode kept. */
    s_has(text, "&lt;!channel&gt; lag &amp; drift &gt; 5m, Z\xc3\xbcrich \xe6\x9d\xb1\xe4\xba\xac");
    CU_ASSERT_PTR_NULL(strstr(text, "<!channel>"));
    CU_ASSERT_PTR_NULL(strchr(text, '<'));
    s_has(text, "RTO regression");
    s_has(text, "reports/junit.xml");
    const struct json *blocks = json_get(doc, "blocks");
    CU_ASSERT_EQUAL_FATAL(json_array_size(blocks), 5);
    const struct json *h = json_array_at(blocks, 0);
    CU_ASSERT_STRING_EQUAL(json_get_string(h, "type"), "header");
    CU_ASSERT_STRING_EQUAL(json_get_string(json_get(h, "text"), "type"), "plain_text");
    CU_ASSERT_STRING_EQUAL(json_get_string(json_get(h, "text"), "text"), "drh: nightly-db FAILED");
    const struct json *cases = json_get(json_array_at(blocks, 2), "text");
    CU_ASSERT_STRING_EQUAL(json_get_string(cases, "type"), "mrkdwn");
    s_has(json_get_string(cases, "text"), "*Cases that did not pass (2)*\n\xe2\x80\xa2 orders-db");
    const struct json *ctx = json_array_at(blocks, 4);
    CU_ASSERT_STRING_EQUAL(json_get_string(ctx, "type"), "context");
    s_has(json_get_string(json_array_at(json_get(ctx, "elements"), 0), "text"), "*JUnit*");
    json_free(doc);
    free(j);
    /* The raw JSON escapes the quote and the newline never reaches it. */
    CU_ASSERT_PTR_NULL(strstr(j = notify_slack_json(&s), "\"nightly\""));
    free(j);
}

/* Thousands of cases with long multi-byte messages full of '&'. */
static void test_long_inputs(void)
{
    enum { N = 3000 };
    struct notify_case *cs = xcalloc(N, sizeof *cs);
    struct buf msg;
    buf_init(&msg);
    for (int i = 0; i < 400; i++)
        buf_puts(&msg, i % 3 ? "\xc3\xa9&" : "<\xe6\x9d\xb1");
    for (int i = 0; i < N; i++)
        cs[i] = (struct notify_case){"db", "restore", "FAILED", buf_str(&msg)};
    char longname[600];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    struct notify_summary s = s_summary();
    s.drill = longname;
    s.cases = cs;
    s.n_cases = N;
    char *t = notify_text(&s);
    CU_ASSERT(strlen(t) <= NOTIFY_TEXT_MAX);
    CU_ASSERT(s_utf8_valid(t));
    s_has(t, "more (see the JUnit report)");
    s_has(t, "JUnit report: reports/junit.xml"); /* the end survives a long list */
    free(t);
    char *j = notify_slack_json(&s);
    struct json *doc = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(json_parse(j, strlen(j), &doc, &err), DRH_OK);
    const char *text = json_get_string(doc, "text");
    CU_ASSERT(strlen(text) <= NOTIFY_TEXT_MAX);
    CU_ASSERT(strlen(text) > 20000);
    CU_ASSERT(s_utf8_valid(text));
    CU_ASSERT(s_entities_whole(text));
    CU_ASSERT_PTR_NULL(strstr(text, "\xef\xbf\xbd")); /* nothing cut mid-character */
    const struct json *blocks = json_get(doc, "blocks");
    CU_ASSERT(json_array_size(blocks) >= 3 && json_array_size(blocks) <= 50);
    for (const struct json *b = json_first(blocks); b; b = json_next(b)) {
        const struct json *to = json_get(b, "text");
        if (!to)
            to = json_array_at(json_get(b, "elements"), 0);
        const char *bt = json_get_string(to, "text");
        CU_ASSERT_PTR_NOT_NULL_FATAL(bt);
        CU_ASSERT(strlen(bt) <= NOTIFY_BLOCK_MAX);
        CU_ASSERT(s_entities_whole(bt) || strcmp(json_get_string(b, "type"), "header") == 0);
        if (strcmp(json_get_string(b, "type"), "header") == 0)
            CU_ASSERT(strlen(bt) <= 150);
    }
    s_has(json_get_string(json_get(json_array_at(blocks, 2), "text"), "text"), " more");
    json_free(doc);
    free(j);
    buf_clean_up(&msg);
    free(cs);
}

static void test_subject(void)
{
    struct notify_summary s = s_summary();
    char subj[128];
    notify_subject(&s, subj, sizeof subj);
    CU_ASSERT_STRING_EQUAL(subj, "drh: nightly-db FAILED");
    CU_ASSERT(sns_subject_valid(subj));
    char longname[300];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    s.drill = longname;
    notify_subject(&s, subj, sizeof subj);
    CU_ASSERT_EQUAL(strlen(subj), NOTIFY_SUBJECT_MAX);
    CU_ASSERT(sns_subject_valid(subj));
    s.drill = "d\xc3\xa9j\xc3\xa0\nvu\t";
    notify_subject(&s, subj, sizeof subj);
    CU_ASSERT_STRING_EQUAL(subj, "drh: d??j???vu? FAILED");
    CU_ASSERT(sns_subject_valid(subj));
    s.drill = "nightly-db";
    notify_subject(&s, subj, 10);
    CU_ASSERT_STRING_EQUAL(subj, "drh: nigh");
    CU_ASSERT_FALSE(sns_subject_valid("a\nb"));
    CU_ASSERT_FALSE(sns_subject_valid(""));
    CU_ASSERT_FALSE(sns_subject_valid(" leading space"));
    CU_ASSERT_FALSE(sns_subject_valid("caf\xc3\xa9"));
    CU_ASSERT_FALSE(sns_subject_valid(longname));
    longname[SNS_SUBJECT_MAX] = '\0';
    CU_ASSERT(sns_subject_valid(longname));
}

static void test_wanted(void)
{
    struct drill_notify n = {0};
    CU_ASSERT_FALSE(notify_wanted(&n, "FAILED"));
    CU_ASSERT_FALSE(notify_wanted(NULL, "FAILED"));
    n.present = true;
    CU_ASSERT_FALSE(notify_wanted(&n, "FAILED")); /* no channel */
    n.webhook_url_env = (char *)"DRH_SLACK_WEBHOOK";
    CU_ASSERT(notify_wanted(&n, "FAILED"));
    CU_ASSERT(notify_wanted(&n, "ERROR"));
    CU_ASSERT_FALSE(notify_wanted(&n, "PASSED"));
    n.on = DRILL_NOTIFY_ALWAYS;
    CU_ASSERT(notify_wanted(&n, "PASSED"));
}

static void test_describe(void)
{
    char d[200];
    notify_url_describe("https://hooks.slack.com/services/T0/B0/XYZSECRET", d, sizeof d);
    CU_ASSERT_STRING_EQUAL(d, "https://hooks.slack.com/\xe2\x80\xa6");
    notify_url_describe("https://user:pw@h.example:8443/x?token=1", d, sizeof d);
    CU_ASSERT_STRING_EQUAL(d, "https://h.example:8443/\xe2\x80\xa6");
    notify_url_describe("http://h.example?token=1", d, sizeof d);
    CU_ASSERT_STRING_EQUAL(d, "http://h.example/\xe2\x80\xa6");
    notify_url_describe("https://h.example/", d, sizeof d);
    CU_ASSERT_STRING_EQUAL(d, "https://h.example");
    notify_url_describe("ftp://h.example/secret", d, sizeof d);
    CU_ASSERT_STRING_EQUAL(d, "(not an http(s) URL)");
    notify_url_describe("https:///nohost", d, sizeof d);
    CU_ASSERT_STRING_EQUAL(d, "(not an http(s) URL)");
}

#define TOPIC "arn:aws:sns:eu-west-1:111122223333:drh-alerts"

static void test_topic_region(void)
{
    char r[32];
    CU_ASSERT(sns_topic_region(TOPIC, r, sizeof r));
    CU_ASSERT_STRING_EQUAL(r, "eu-west-1");
    CU_ASSERT_FALSE(sns_topic_region("arn:aws:sqs:eu-west-1:111122223333:q", r, sizeof r));
    CU_ASSERT_FALSE(sns_topic_region("arn:aws:sns:eu-west-1:111122223333", r, sizeof r));
    CU_ASSERT_FALSE(sns_topic_region("arn:aws:sns::111122223333:t", r, sizeof r));
    CU_ASSERT_FALSE(sns_topic_region("arn:aws:sns:eu-west-1:111122223333:t:x", r, sizeof r));
    CU_ASSERT_FALSE(sns_topic_region(NULL, r, sizeof r));
    CU_ASSERT_FALSE(sns_topic_region(TOPIC, r, 4));
}

static const struct test_case cases[] = {
    {"text", test_text},
    {"slack_json", test_slack_json},
    {"long_inputs", test_long_inputs},
    {"subject", test_subject},
    {"wanted", test_wanted},
    {"url_describe", test_describe},
    {"topic_region", test_topic_region},
};

TEST_SUITE("notify", cases)
