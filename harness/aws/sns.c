/* Amazon SNS: see sns.h. Publish as botocore's sns/2010-03-31 model gives
 * it (query protocol, result in PublishResult). */
#include "aws/sns.h"

#include "aws/call.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* The n-th ':'-separated field of s (from 0): its start and length. */
static bool s_field(const char *s, int n, const char **start, size_t *len)
{
    const char *p = s;
    for (int i = 0; i < n; i++) {
        p = strchr(p, ':');
        if (!p)
            return false;
        p++;
    }
    *start = p;
    *len = strcspn(p, ":");
    return true;
}

/* arn:PARTITION:sns:REGION:ACCOUNT:NAME with every field present and a
 * name that is the rest of the ARN. */
static bool s_topic_arn(const char *arn)
{
    const char *f;
    size_t n;
    if (!arn || strncmp(arn, "arn:", 4) != 0)
        return false;
    for (int i = 1; i <= 5; i++)
        if (!s_field(arn, i, &f, &n) || n == 0)
            return false;
    if (!s_field(arn, 2, &f, &n) || n != 3 || strncmp(f, "sns", 3) != 0)
        return false;
    s_field(arn, 5, &f, &n);
    return f[n] == '\0';
}

bool sns_topic_region(const char *arn, char *out, size_t size)
{
    const char *f;
    size_t n;
    if (!s_topic_arn(arn) || !s_field(arn, 3, &f, &n) || n >= size)
        return false;
    memcpy(out, f, n);
    out[n] = '\0';
    return true;
}

bool sns_subject_valid(const char *subject)
{
    size_t n = subject ? strlen(subject) : 0;
    if (n == 0 || n > SNS_SUBJECT_MAX || subject[0] == ' ')
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)subject[i] < 0x20 || (unsigned char)subject[i] > 0x7e)
            return false;
    return true;
}

static enum drh_status s_check(struct aws_client *c, const char *arn, const char *subject,
                               const char *message, struct drh_err *err)
{
    char region[64];
    if (!sns_topic_region(arn, region, sizeof region)) {
        drh_err_set(err, DRH_E_INPUT, "sns Publish: '%s' is not an SNS topic ARN", arn ? arn : "");
        drh_err_hint(err, "a topic ARN reads arn:aws:sns:REGION:ACCOUNT:NAME");
        return DRH_E_INPUT;
    }
    const char *client_region = aws_client_region(c);
    if (client_region && strcmp(client_region, region) != 0) {
        drh_err_set(err, DRH_E_INPUT, "sns Publish: topic '%s' is in %s, the client in %s", arn,
                    region, client_region);
        drh_err_hint(err, "SNS publishes only within a Region: use a client of %s", region);
        return DRH_E_INPUT;
    }
    if (subject && !sns_subject_valid(subject)) {
        drh_err_set(err, DRH_E_INPUT,
                    "sns Publish to '%s': subject is not printable ASCII of "
                    "1 to %d characters",
                    arn, SNS_SUBJECT_MAX);
        drh_err_hint(err, "SNS refuses line breaks, control characters and non-ASCII in a "
                          "subject");
        return DRH_E_INPUT;
    }
    size_t len = message ? strlen(message) : 0;
    if (len == 0 || len > SNS_MESSAGE_MAX)
        return drh_err_set(err, DRH_E_INPUT,
                           "sns Publish to '%s': message of %zu bytes (1 to %d allowed)", arn, len,
                           SNS_MESSAGE_MAX);
    return DRH_OK;
}

/* A hint for the AWS errors a caller can fix. */
static void s_hint(const char *code, const char *arn, struct drh_err *err)
{
    const char *f = "";
    size_t n = 0;
    s_field(arn, 4, &f, &n);
    if (strcmp(code, "NotFound") == 0)
        drh_err_hint(err, "check the topic's name, Region and account (%.*s)", (int)n, f);
    else if (strcmp(code, "AuthorizationError") == 0)
        drh_err_hint(err, "the caller needs sns:Publish on the topic (the topic's access policy "
                          "must allow it too when the caller is of another account)");
    else if (strncmp(code, "KMS", 3) == 0)
        drh_err_hint(err, "the topic is encrypted: the caller needs kms:GenerateDataKey and "
                          "kms:Decrypt on its key, and the key must be enabled");
}

enum drh_status sns_publish(struct aws_client *c, const char *topic_arn, const char *subject,
                            const char *message, char **message_id, struct drh_err *err)
{
    enum drh_status st = s_check(c, topic_arn, subject, message, err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "TopicArn", topic_arn);
    aws_params_add(&p, "Message", message);
    if (subject)
        aws_params_add(&p, "Subject", subject);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    char *code = NULL;
    st = aws_query_call(c, "sns", "Publish", &p, &doc, &result, &code, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK) {
        if (st == DRH_E_AWS && code && strcmp(code, "NotFound") == 0) {
            st = DRH_E_NOTFOUND;
            if (err)
                err->code = st;
        }
        drh_err_prefix(err, "topic '%s'", topic_arn);
        if (code)
            s_hint(code, topic_arn, err);
        free(code);
        return st;
    }
    char *id = xml_find_text_nonempty(result, "MessageId");
    xml_free(doc);
    if (!id)
        return drh_err_set(err, DRH_E_PARSE, "sns Publish to '%s': response has no MessageId",
                           topic_arn);
    if (message_id)
        *message_id = id;
    else
        free(id);
    return DRH_OK;
}
