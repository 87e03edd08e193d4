/* Tests of the KMS module (aws/kms.c) against the local emulator, which
 * checks every signature with botocore and enforces key sharing as KMS
 * does: DescribeKey of customer and AWS managed keys, by alias and ARN; a
 * key of another account usable only when its policy or a grant shares it
 * (AccessDeniedException otherwise, reported as denied); GetKeyPolicy in
 * the key's own account only; ListGrants; NotFoundException. */
#include "support/dbfixture.h"
#include "support/emuclient.h"
#include "support/testreg.h"

#include "aws/call.h"
#include "aws/kms.h"
#include "check/policy.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KMS_OK(call)                                                                               \
    do {                                                                                           \
        enum drh_status kms_st_ = (call);                                                          \
        if (kms_st_ != DRH_OK)                                                                     \
            TEST_FAILF("%s: %s: %s", #call, drh_status_name(kms_st_), err.msg);                    \
    } while (0)

static int s_client(struct emu_client *e, const char *profile, const char *region)
{
    int ok = emu_client_open(e, profile, region) == 0;
    if (!ok)
        TEST_FAILF("no client of %s (see stderr)", profile);
    return ok;
}

static void test_describe(void)
{
    struct emu_client prod;
    if (!s_client(&prod, "production", "us-east-1"))
        return;
    struct drh_err err;
    struct kms_key k = {0};
    bool denied = true;
    KMS_OK(kms_describe_key(prod.c, "alias/drh-dr-key", &k, &denied, &err));
    CU_ASSERT_FALSE(denied);
    CU_ASSERT_STRING_EQUAL(k.manager, "CUSTOMER");
    CU_ASSERT_STRING_EQUAL(k.account, "111111111111");
    CU_ASSERT_TRUE(k.enabled);
    CU_ASSERT_STRING_EQUAL(k.state, "Enabled");
    CU_ASSERT_PTR_NOT_NULL(k.arn ? strstr(k.arn, "arn:aws:kms:us-east-1:111111111111:key/") : NULL);
    /* by its ARN and by its id: the same key */
    char *arn = xstrdup(k.arn), *id = xstrdup(k.id);
    KMS_OK(kms_describe_key(prod.c, arn, &k, NULL, &err));
    CU_ASSERT_STRING_EQUAL(k.id, id);
    KMS_OK(kms_describe_key(prod.c, id, &k, NULL, &err));
    CU_ASSERT_STRING_EQUAL(k.arn, arn);
    KMS_OK(kms_describe_key(prod.c, "alias/aws/backup", &k, NULL, &err));
    CU_ASSERT_STRING_EQUAL(k.manager, "AWS");
    CU_ASSERT_STRING_NOT_EQUAL(k.arn, arn);
    /* a missing key: not found, the output untouched */
    char *before = xstrdup(k.arn);
    CU_ASSERT_EQUAL(kms_describe_key(prod.c, "alias/drh-no-such-key", &k, &denied, &err),
                    DRH_E_NOTFOUND);
    CU_ASSERT_FALSE(denied);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "NotFoundException"));
    CU_ASSERT_STRING_EQUAL(k.arn, before);
    /* nothing sent without a key */
    CU_ASSERT_EQUAL(kms_describe_key(prod.c, "", &k, NULL, &err), DRH_E_INPUT);
    free(before);
    free(arn);
    free(id);
    kms_key_clean_up(&k);
    emu_client_close(&prod);
}

/* The ARN of a key of the production account in us-east-1 (caller frees), or NULL. */
static char *s_prod_key(struct emu_client *prod, const char *alias)
{
    struct drh_err err;
    struct kms_key k = {0};
    KMS_OK(kms_describe_key(prod->c, alias, &k, NULL, &err));
    char *arn = k.arn ? xstrdup(k.arn) : NULL;
    kms_key_clean_up(&k);
    return arn;
}

static void test_cross_account(void)
{
    struct emu_client prod, dr;
    if (!s_client(&prod, "production", "us-east-1"))
        return;
    if (!s_client(&dr, "dr", "us-west-2")) {
        emu_client_close(&prod);
        return;
    }
    struct drh_err err;
    char *shared = s_prod_key(&prod, "alias/drh-dr-key");
    char *managed = s_prod_key(&prod, "alias/aws/backup");
    struct kms_key k = {0};
    bool denied = true;
    /* the shared key, by its ARN, from the other account */
    KMS_OK(kms_describe_key(dr.c, shared, &k, &denied, &err));
    CU_ASSERT_FALSE(denied);
    CU_ASSERT_STRING_EQUAL(k.account, "111111111111");
    /* an AWS managed key never */
    CU_ASSERT_EQUAL(kms_describe_key(dr.c, managed, &k, &denied, &err), DRH_E_AWS);
    CU_ASSERT_TRUE(denied);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "AccessDeniedException"));
    /* the key policy: its own account reads it, and it shares kms:Decrypt with dr */
    char *text = NULL;
    KMS_OK(kms_get_key_policy(prod.c, shared, &text, &denied, &err));
    CU_ASSERT_FALSE(denied);
    struct policy_request req = {"222222222222", NULL, "kms:Decrypt", NULL};
    struct policy_verdict v;
    KMS_OK(policy_evaluate(text, &req, &v, &err));
    CU_ASSERT_EQUAL(v.result, POLICY_ALLOWED);
    req.account = "333333333333";
    KMS_OK(policy_evaluate(text, &req, &v, &err));
    CU_ASSERT_EQUAL(v.result, POLICY_NO_ALLOW);
    free(text);
    text = NULL;
    /* another account may not read it */
    CU_ASSERT_EQUAL(kms_get_key_policy(dr.c, shared, &text, &denied, &err), DRH_E_AWS);
    CU_ASSERT_TRUE(denied);
    CU_ASSERT_PTR_NULL(text);
    free(shared);
    free(managed);
    kms_key_clean_up(&k);
    emu_client_close(&prod);
    emu_client_close(&dr);
}

static void test_grants_and_unshare(void)
{
    struct emu_client prod, dr;
    if (!s_client(&prod, "production", "us-east-1"))
        return;
    if (!s_client(&dr, "dr", "us-west-2")) {
        emu_client_close(&prod);
        return;
    }
    struct drh_err err;
    struct json *made = NULL;
    /* a key of its own, shared with nobody: this test may unshare it */
    CU_ASSERT_EQUAL_FATAL(
        emu_admin("POST", "/kms/keys",
                  "{\"profile\":\"production\",\"alias\":\"drh-kms-test-grants\"}", &made),
        0);
    char *arn = xstrdup(json_get_string(made, "arn"));
    json_free(made);
    struct kms_grant *g = NULL;
    size_t n = 99;
    bool denied = true;
    KMS_OK(kms_list_grants(prod.c, arn, &g, &n, &denied, &err));
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_FALSE(denied);
    kms_grants_free(g, n);
    struct kms_key k = {0};
    CU_ASSERT_EQUAL(kms_describe_key(dr.c, arn, &k, &denied, &err), DRH_E_AWS);
    CU_ASSERT_TRUE(denied);
    /* a grant to dr shares it */
    struct json *body = json_new_object();
    json_add_string(body, "KeyId", arn);
    json_add_string(body, "GranteePrincipal", "arn:aws:iam::222222222222:root");
    struct json *ops = json_add_child(body, "Operations", json_new_array());
    json_push_string(ops, "Decrypt");
    json_push_string(ops, "DescribeKey");
    struct json *out = NULL;
    KMS_OK(aws_json_call(prod.c, "kms", "CreateGrant", "POST", "/", NULL, body, &out, NULL, &err));
    json_free(body);
    json_free(out);
    KMS_OK(kms_list_grants(prod.c, arn, &g, &n, NULL, &err));
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(g[0].grantee, "arn:aws:iam::222222222222:root");
    CU_ASSERT_EQUAL(g[0].n_operations, 2);
    CU_ASSERT_STRING_EQUAL(g[0].operations[0], "Decrypt");
    CU_ASSERT_PTR_NOT_NULL(g[0].id);
    kms_grants_free(g, n);
    KMS_OK(kms_describe_key(dr.c, arn, &k, &denied, &err));
    CU_ASSERT_FALSE(denied);
    /* unshared: grants gone, denied again */
    char *req = xasprintf("{\"key\":\"%s\"}", arn);
    CU_ASSERT_EQUAL(emu_admin("POST", "/kms/unshare", req, NULL), 0);
    free(req);
    KMS_OK(kms_list_grants(prod.c, arn, &g, &n, NULL, &err));
    CU_ASSERT_EQUAL(n, 0);
    kms_grants_free(g, n);
    CU_ASSERT_EQUAL(kms_describe_key(dr.c, arn, &k, &denied, &err), DRH_E_AWS);
    CU_ASSERT_TRUE(denied);
    CU_ASSERT_EQUAL(kms_list_grants(prod.c, "alias/drh-no-such-key", &g, &n, NULL, &err),
                    DRH_E_NOTFOUND);
    kms_key_clean_up(&k);
    free(arn);
    emu_client_close(&prod);
    emu_client_close(&dr);
}

static const struct test_case cases[] = {
    {"describe key", test_describe},
    {"cross-account use and key policy", test_cross_account},
    {"grants and unshare", test_grants_and_unshare},
};

TEST_SUITE_FULL("aws-kms", cases, dbfixture_unavailable, dbfixture_start, NULL)
