/* AWS STS: see sts.h. Shapes from botocore's sts/2011-06-15 model. */
#include "aws/sts.h"

#include "aws/call.h"
#include "crypto.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sts_identity_clean_up(struct sts_identity *id)
{
    free(id->account);
    free(id->arn);
    free(id->user_id);
    memset(id, 0, sizeof *id);
}

enum drh_status sts_get_caller_identity(struct aws_client *c, struct sts_identity *out,
                                        struct drh_err *err)
{
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    enum drh_status st =
        aws_query_call(c, "sts", "GetCallerIdentity", NULL, &doc, &result, NULL, err);
    if (st != DRH_OK)
        return st;
    char *account = xml_find_text(result, "Account");
    if (!account) {
        xml_free(doc);
        return drh_err_set(err, DRH_E_PARSE, "sts GetCallerIdentity: response has no Account");
    }
    sts_identity_clean_up(out);
    out->account = account;
    out->arn = xml_find_text(result, "Arn");
    out->user_id = xml_find_text(result, "UserId");
    xml_free(doc);
    return DRH_OK;
}

/* The account of an assumed-role ARN: arn:PARTITION:sts::ACCOUNT:assumed-role/... */
static char *s_account_of(const char *arn)
{
    if (!arn)
        return NULL;
    const char *p = arn;
    for (int i = 0; i < 4 && p; i++) {
        p = strchr(p, ':');
        if (p)
            p++;
    }
    if (!p)
        return NULL;
    size_t n = strcspn(p, ":");
    return n == 12 ? xstrndup(p, n) : NULL;
}

static enum drh_status s_credentials(const char *op, const struct xml_node *result,
                                     struct aws_credentials *out, struct drh_err *err)
{
    const struct xml_node *cr = xml_child(result, "Credentials");
    char *akid = cr ? xml_find_text(cr, "AccessKeyId") : NULL;
    char *secret = cr ? xml_find_text(cr, "SecretAccessKey") : NULL;
    char *token = cr ? xml_find_text(cr, "SessionToken") : NULL;
    char *expiration = cr ? xml_find_text(cr, "Expiration") : NULL;
    enum drh_status st = DRH_OK;
    time_t exp = expiration ? aws_parse_time(expiration) : -1;
    if (!akid || !secret || !token || exp < 0) {
        st = drh_err_set(err, DRH_E_PARSE,
                         "sts %s: response lacks complete Credentials (AccessKeyId, "
                         "SecretAccessKey, SessionToken, Expiration)",
                         op);
        free(akid);
        if (secret)
            crypto_wipe(secret, strlen(secret));
        free(secret);
        if (token)
            crypto_wipe(token, strlen(token));
        free(token);
        free(expiration);
        return st;
    }
    aws_credentials_clean_up(out);
    out->access_key_id = akid;
    out->secret_access_key = secret;
    out->session_token = token;
    out->expiration = exp;
    char *arn = xml_find_text(result, "AssumedRoleUser/Arn");
    out->account_id = s_account_of(arn);
    free(arn);
    free(expiration);
    return DRH_OK;
}

enum drh_status sts_assume_role(struct aws_client *c, const struct aws_assume_role *role,
                                struct aws_credentials *out, struct drh_err *err)
{
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "RoleArn", role->role_arn);
    char session[80];
    if (role->session_name)
        snprintf(session, sizeof session, "%s", role->session_name);
    else
        snprintf(session, sizeof session, "drh-%lld", (long long)time(NULL));
    aws_params_add(&p, "RoleSessionName", session);
    if (role->external_id)
        aws_params_add(&p, "ExternalId", role->external_id);
    if (role->duration_seconds > 0) {
        char d[16];
        snprintf(d, sizeof d, "%d", role->duration_seconds);
        aws_params_add(&p, "DurationSeconds", d);
    }
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    enum drh_status st = aws_query_call(c, "sts", "AssumeRole", &p, &doc, &result, NULL, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    st = s_credentials("AssumeRole", result, out, err);
    xml_free(doc);
    return st;
}

enum drh_status sts_assume_role_with_web_identity(struct aws_client *c, const char *role_arn,
                                                  const char *session_name, const char *token,
                                                  int duration_seconds,
                                                  struct aws_credentials *out,
                                                  struct drh_err *err)
{
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "RoleArn", role_arn);
    aws_params_add(&p, "RoleSessionName", session_name);
    aws_params_add(&p, "WebIdentityToken", token);
    if (duration_seconds > 0) {
        char d[16];
        snprintf(d, sizeof d, "%d", duration_seconds);
        aws_params_add(&p, "DurationSeconds", d);
    }
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    enum drh_status st =
        aws_query_call(c, "sts", "AssumeRoleWithWebIdentity", &p, &doc, &result, NULL, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    st = s_credentials("AssumeRoleWithWebIdentity", result, out, err);
    xml_free(doc);
    return st;
}
