/* Tests of SNS Publish (aws/sns.c) and the SNS notifier against the
 * scripted server on 127.0.0.1: the exact signed request botocore's model
 * gives, the message id of the PublishResult, NotFound and
 * AuthorizationError with messages naming the topic and saying what to
 * check, and arguments refused before anything is sent. */
#include "support/httpd.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/sns.h"
#include "mem.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void s_no_sleep(double s, void *ctx)
{
    (void)s;
    (void)ctx;
}

/* A client of region eu-west-1 that sends everything to the scripted server. */
struct env {
    struct testenv *t;
    struct aws_creds_provider *cp;
    struct aws_client *c;
};

static void s_env_init(struct env *e, const char *region)
{
    e->t = testenv_new();
    testenv_set(e->t, "AWS_ENDPOINT_URL", httpd_url(s_srv));
    struct aws_credentials cr = {(char *)"AKIDTEST", (char *)"SECRETTESTKEY", NULL, 0, NULL};
    e->cp = aws_creds_static_new(&cr, "test keys");
    struct aws_client_options o = {0};
    o.region = region;
    o.env = &e->t->env;
    o.creds = e->cp;
    o.retry.max_attempts = 1;
    o.retry.sleep = s_no_sleep;
    e->c = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(aws_client_new(&o, &e->c, &err), DRH_OK);
}

static void s_env_clean_up(struct env *e)
{
    aws_client_free(e->c);
    aws_creds_provider_free(e->cp);
    testenv_free(e->t);
}

#define TOPIC "arn:aws:sns:eu-west-1:111122223333:drh-alerts"
#define TOPIC_ENC "arn%3Aaws%3Asns%3Aeu-west-1%3A111122223333%3Adrh-alerts"
#define MSG_ID "94f20ce6-13c5-43a0-9a9e-ca52d816e90b"

static const char s_xml_ct[] = "Content-Type: text/xml\r\n";
static const char s_published[] =
    "<PublishResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\">"
    "<PublishResult><MessageId>" MSG_ID "</MessageId></PublishResult>"
    "<ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId>"
    "</ResponseMetadata></PublishResponse>";

static char *s_error(const char *code, const char *message)
{
    return xasprintf("<ErrorResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\"><Error>"
                     "<Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
                     "<RequestId>req-%s</RequestId></ErrorResponse>",
                     code, message, code);
}

static void test_publish(void)
{
    struct env e;
    s_env_init(&e, "eu-west-1");
    struct httpd_reply script[] = {{200, s_xml_ct, s_published, 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    char *id = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(
        sns_publish(e.c, TOPIC, "drh: nightly-db FAILED", "line 1\nl\xc3\xa9 & 2", &id, &err),
        DRH_OK);
    CU_ASSERT_STRING_EQUAL(id, MSG_ID);
    free(id);
    CU_ASSERT_EQUAL_FATAL(httpd_request_count(s_srv), 1);
    const struct httpd_request *r = httpd_request_at(s_srv, 0);
    CU_ASSERT_STRING_EQUAL(r->method, "POST");
    CU_ASSERT_STRING_EQUAL(r->target, "/");
    CU_ASSERT_STRING_EQUAL(buf_str(&r->body),
                           "Action=Publish&Version=2010-03-31&TopicArn=" TOPIC_ENC
                           "&Message=line%201%0Al%C3%A9%20%26%202"
                           "&Subject=drh%3A%20nightly-db%20FAILED");
    const char *auth = headers_get(&r->headers, "Authorization");
    CU_ASSERT_PTR_NOT_NULL(auth ? strstr(auth, "/eu-west-1/sns/aws4_request") : NULL);
    /* No subject, no id wanted. */
    httpd_script(s_srv, script, 1);
    CU_ASSERT_EQUAL(sns_publish(e.c, TOPIC, NULL, "m", NULL, &err), DRH_OK);
    CU_ASSERT_PTR_NULL(strstr(buf_str(&httpd_request_at(s_srv, 0)->body), "Subject"));
    s_env_clean_up(&e);
}

static void test_not_found(void)
{
    struct env e;
    s_env_init(&e, "eu-west-1");
    char *body = s_error("NotFound", "Topic does not exist");
    struct httpd_reply script[] = {{404, s_xml_ct, body, 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    char *id = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL(sns_publish(e.c, TOPIC, "s", "m", &id, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(err.code, DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NULL(id);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "topic '" TOPIC "'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "NotFound: Topic does not exist"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "111122223333"));
    free(body);
    s_env_clean_up(&e);
}

static void test_authorization(void)
{
    struct env e;
    s_env_init(&e, "eu-west-1");
    char *body = s_error("AuthorizationError", "User is not authorized to perform SNS:Publish");
    struct httpd_reply script[] = {{403, s_xml_ct, body, 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    struct drh_err err;
    CU_ASSERT_EQUAL(sns_publish(e.c, TOPIC, "s", "m", NULL, &err), DRH_E_AWS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, TOPIC));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "AuthorizationError"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "sns:Publish"));
    free(body);
    s_env_clean_up(&e);
}

/* Refused with DRH_E_INPUT, nothing sent. */
static void s_refused(struct aws_client *c, const char *topic, const char *subject,
                      const char *message, const char *says)
{
    httpd_script(s_srv, NULL, 0);
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(sns_publish(c, topic, subject, message, NULL, &err), DRH_E_INPUT);
    if (!strstr(err.msg, says))
        TEST_FAILF("message \"%s\" does not say \"%s\"", err.msg, says);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 0);
}

static void test_input(void)
{
    struct env e;
    s_env_init(&e, "eu-west-1");
    s_refused(e.c, "arn:aws:sqs:eu-west-1:111122223333:q", "s", "m", "not an SNS topic ARN");
    s_refused(e.c, NULL, "s", "m", "not an SNS topic ARN");
    s_refused(e.c, "arn:aws:sns:us-east-1:111122223333:t", "s", "m",
              "is in us-east-1, the client in eu-west-1");
    s_refused(e.c, TOPIC, "two\nlines", "m", "subject");
    s_refused(e.c, TOPIC, "s", "", "message of 0 bytes");
    char *big = xmalloc(SNS_MESSAGE_MAX + 2);
    memset(big, 'a', SNS_MESSAGE_MAX + 1);
    big[SNS_MESSAGE_MAX + 1] = '\0';
    s_refused(e.c, TOPIC, "s", big, "message of 262145 bytes");
    /* The largest message passes the check. */
    big[SNS_MESSAGE_MAX] = '\0';
    struct httpd_reply script[] = {{200, s_xml_ct, s_published, 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    struct drh_err err;
    CU_ASSERT_EQUAL(sns_publish(e.c, TOPIC, "s", big, NULL, &err), DRH_OK);
    free(big);
    s_env_clean_up(&e);
}

static void test_notify_sns(void)
{
    struct env e;
    s_env_init(&e, "eu-west-1");
    static const struct notify_case cs[] = {{"db", "restore", "FAILED", "boom"}};
    struct notify_summary s = {.drill = "nightly-db",
                               .run_id = "r-1",
                               .verdict = "FAILED",
                               .seconds = 60,
                               .rto = -1,
                               .rto_objective = -1,
                               .rpo = -1,
                               .rpo_objective = -1,
                               .cases = cs,
                               .n_cases = 1};
    struct httpd_reply script[] = {{200, s_xml_ct, s_published, 0, 0, 0}};
    httpd_script(s_srv, script, 1);
    struct notify_outcome o;
    notify_sns(e.c, TOPIC, &s, &o);
    CU_ASSERT(o.ok);
    CU_ASSERT_STRING_EQUAL(o.channel, "sns");
    CU_ASSERT_STRING_EQUAL(o.target, TOPIC);
    CU_ASSERT_STRING_EQUAL(o.message, "published, message id " MSG_ID);
    const char *body = buf_str(&httpd_request_at(s_srv, 0)->body);
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "&Subject=drh%3A%20nightly-db%20FAILED"));
    CU_ASSERT_PTR_NOT_NULL(strstr(body, "&Message=drh%20drill%20nightly-db%20FAILED%0ARun%20r-1"));
    /* A failure is an outcome with the cause and the hint. */
    char *err = s_error("NotFound", "Topic does not exist");
    struct httpd_reply nf[] = {{404, s_xml_ct, err, 0, 0, 0}};
    httpd_script(s_srv, nf, 1);
    notify_sns(e.c, TOPIC, &s, &o);
    CU_ASSERT_FALSE(o.ok);
    CU_ASSERT_PTR_NOT_NULL(strstr(o.message, "NotFound: Topic does not exist"));
    CU_ASSERT_PTR_NOT_NULL(strstr(o.message, "; hint: check the topic"));
    free(err);
    notify_sns(NULL, TOPIC, &s, &o);
    CU_ASSERT_FALSE(o.ok);
    CU_ASSERT_PTR_NOT_NULL(strstr(o.message, "no AWS client"));
    s_env_clean_up(&e);
}

static const struct test_case cases[] = {
    {"publish", test_publish},
    {"not_found", test_not_found},
    {"authorization_error", test_authorization},
    {"refused_before_sending", test_input},
    {"notify_sns", test_notify_sns},
};

TEST_SUITE_FULL("notify-sns", cases, NULL, s_init, s_cleanup)
