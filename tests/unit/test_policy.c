/* Tests of the IAM policy evaluator (check/policy.c): principals, actions,
 * resources, explicit Deny, the conditions drh understands and the ones it
 * only reports, malformed documents, and the wildcard and ARN helpers. The
 * example DR vault policy in docs/iam is evaluated as users will use it. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "check/policy.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "111111111111"
#define COPY "backup:CopyIntoBackupVault"
#define ROLE "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole"

/* Evaluates text for (account, principal, action, resource); fails the test on an error. */
static struct policy_verdict s_eval4(const char *text, const char *account, const char *principal,
                                     const char *action, const char *resource)
{
    struct policy_request req = {account, principal, action, resource};
    struct policy_verdict v;
    memset(&v, 0, sizeof v);
    v.result = (enum policy_result) - 1;
    struct drh_err err;
    drh_err_clear(&err);
    if (policy_evaluate(text, &req, &v, &err) != DRH_OK)
        TEST_FAILF("policy_evaluate: %s\n%s", err.msg, text);
    return v;
}

static struct policy_verdict s_eval(const char *text)
{
    return s_eval4(text, SRC, NULL, COPY, NULL);
}

/* One statement's document. */
static char *s_doc(const char *statement)
{
    return xasprintf("{\"Version\":\"2012-10-17\",\"Statement\":[%s]}", statement);
}

static void s_expect(const char *statements, enum policy_result want, const char *reason_part)
{
    char *doc = s_doc(statements);
    struct policy_verdict v = s_eval(doc);
    if (v.result != want)
        TEST_FAILF("%s: got %s (%s), want %s", statements, policy_result_name(v.result), v.reason,
                   policy_result_name(want));
    if (reason_part && !strstr(v.reason, reason_part))
        TEST_FAILF("%s: reason '%s' lacks '%s'", statements, v.reason, reason_part);
    free(doc);
}

#define ALLOW(principal, action)                                                                   \
    "{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Principal\":" principal ",\"Action\":" action           \
    ",\"Resource\":\"*\"}"

static void test_principals(void)
{
    s_expect(ALLOW("{\"AWS\":\"arn:aws:iam::111111111111:root\"}", "\"" COPY "\""), POLICY_ALLOWED,
             "statement 'A' allows backup:CopyIntoBackupVault to 111111111111");
    s_expect(ALLOW("{\"AWS\":\"111111111111\"}", "\"" COPY "\""), POLICY_ALLOWED, NULL);
    s_expect(ALLOW("\"*\"", "\"" COPY "\""), POLICY_ALLOWED, NULL);
    s_expect(ALLOW("{\"AWS\":\"*\"}", "\"" COPY "\""), POLICY_ALLOWED, NULL);
    s_expect(
        ALLOW("{\"AWS\":[\"arn:aws:iam::333333333333:root\",\"111111111111\"]}", "\"" COPY "\""),
        POLICY_ALLOWED, NULL);
    s_expect(
        ALLOW("{\"AWS\":[\"arn:aws:iam::333333333333:root\",\"222222222222\"]}", "\"" COPY "\""),
        POLICY_NO_ALLOW, "no statement allows backup:CopyIntoBackupVault to 111111111111");
    s_expect(ALLOW("{\"Service\":\"backup.amazonaws.com\"}", "\"" COPY "\""), POLICY_NO_ALLOW,
             NULL);
    /* another partition's root of the same account still names the account */
    s_expect(ALLOW("{\"AWS\":\"arn:aws-cn:iam::111111111111:root\"}", "\"" COPY "\""),
             POLICY_ALLOWED, NULL);
    /* an ARN-looking value of another service is no principal */
    s_expect(ALLOW("{\"AWS\":\"arn:aws:s3:::111111111111\"}", "\"" COPY "\""), POLICY_NO_ALLOW,
             NULL);
}

static void test_role_principal(void)
{
    char *doc = s_doc(ALLOW("{\"AWS\":\"" ROLE "\"}", "\"" COPY "\""));
    /* the account as a whole: allowed only for that role, said in the reason */
    struct policy_verdict v = s_eval(doc);
    CU_ASSERT_EQUAL(v.result, POLICY_ALLOWED_NOTE);
    CU_ASSERT_PTR_NOT_NULL(strstr(v.reason, "only to " ROLE));
    CU_ASSERT_TRUE(policy_allows(v.result));
    /* acting as that role: allowed; as another: not */
    v = s_eval4(doc, SRC, ROLE, COPY, NULL);
    CU_ASSERT_EQUAL(v.result, POLICY_ALLOWED);
    v = s_eval4(doc, SRC, "arn:aws:iam::111111111111:role/Other", COPY, NULL);
    CU_ASSERT_EQUAL(v.result, POLICY_NO_ALLOW);
    /* a role of another account never counts */
    v = s_eval4(doc, "222222222222", NULL, COPY, NULL);
    CU_ASSERT_EQUAL(v.result, POLICY_NO_ALLOW);
    free(doc);
    /* a Deny of one role does not deny the account as a whole */
    s_expect(ALLOW("\"*\"", "\"" COPY "\"") ",{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"" ROLE
                                            "\"},\"Action\":\"*\"}",
             POLICY_ALLOWED, NULL);
}

static void test_actions(void)
{
    const char *root = "{\"AWS\":\"arn:aws:iam::111111111111:root\"}";
    static const struct {
        const char *action;
        enum policy_result want;
    } cases[] = {
        {"\"backup:*\"", POLICY_ALLOWED},
        {"\"*\"", POLICY_ALLOWED},
        {"\"backup:Copy*\"", POLICY_ALLOWED},
        {"\"backup:CopyIntoBackupVaul?\"", POLICY_ALLOWED},
        {"\"BACKUP:copyintobackupvault\"", POLICY_ALLOWED},
        {"[\"backup:StartCopyJob\",\"backup:CopyIntoBackupVault\"]", POLICY_ALLOWED},
        {"\"backup:Start*\"", POLICY_NO_ALLOW},
        {"\"backup:CopyIntoBackupVault2\"", POLICY_NO_ALLOW},
        {"\"kms:*\"", POLICY_NO_ALLOW},
        {"[]", POLICY_NO_ALLOW},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *st = xasprintf("{\"Effect\":\"Allow\",\"Principal\":%s,\"Action\":%s}", root,
                             cases[i].action);
        s_expect(st, cases[i].want, NULL);
        free(st);
    }
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"backup:Delete*\"}",
             POLICY_ALLOWED, NULL);
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":[\"backup:Delete*\","
             "\"backup:Copy*\"]}",
             POLICY_NO_ALLOW, NULL);
}

static void test_explicit_deny_wins(void)
{
    /* the Deny decides wherever it is, and is the one named */
    s_expect(ALLOW("\"*\"", "\"" COPY "\"") ",{\"Sid\":\"emulator-fault-deny\",\"Effect\":\"Deny\","
                                            "\"Principal\":\"*\",\"Action\":\"" COPY "\"}",
             POLICY_DENIED, "statement 'emulator-fault-deny' denies backup:CopyIntoBackupVault");
    s_expect("{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"111111111111\"},\"Action\":\"backup:"
             "*\"}," ALLOW("\"*\"", "\"" COPY "\""),
             POLICY_DENIED, "statement 1 denies");
    /* a Deny of something else leaves the Allow */
    s_expect(ALLOW("\"*\"", "\"" COPY "\"") ",{\"Effect\":\"Deny\",\"Principal\":\"*\","
                                            "\"Action\":\"backup:DeleteBackupVault\"}",
             POLICY_ALLOWED, "statement 'A'");
    /* a Deny to another account leaves the Allow */
    s_expect(ALLOW("\"*\"", "\"" COPY "\"") ",{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":"
                                            "\"333333333333\"},\"Action\":\"*\"}",
             POLICY_ALLOWED, NULL);
    /* NotPrincipal: a Deny to everyone but the source account does not apply to it */
    s_expect(ALLOW("\"*\"", "\"" COPY "\"") ",{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":"
                                            "\"arn:aws:iam::111111111111:root\"},\"Action\":"
                                            "\"*\"}",
             POLICY_ALLOWED, NULL);
    s_expect(ALLOW("\"*\"", "\"" COPY "\"") ",{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":"
                                            "\"333333333333\"},\"Action\":\"*\"}",
             POLICY_DENIED, "statement 2 denies");
}

static void test_conditions(void)
{
    /* the organization cannot be verified: allowed, with the note */
    s_expect("{\"Sid\":\"Org\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY
             "\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":"
             "\"o-drhemul8tor\"}}}",
             POLICY_ALLOWED_NOTE,
             "statement 'Org' allows backup:CopyIntoBackupVault to organization o-drhemul8tor "
             "(membership of 111111111111 not verified)");
    /* condition keys are case-insensitive */
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\",\"Condition\":{"
             "\"StringEquals\":{\"AWS:principalorgid\":[\"o-a\",\"o-b\"]}}}",
             POLICY_ALLOWED_NOTE, "organization o-a, o-b");
    /* the principal's account is known: evaluated exactly */
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\",\"Condition\":{"
             "\"StringEquals\":{\"aws:PrincipalAccount\":\"111111111111\"}}}",
             POLICY_ALLOWED, NULL);
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\",\"Condition\":{"
             "\"StringEquals\":{\"aws:PrincipalAccount\":[\"222222222222\"]}}}",
             POLICY_NO_ALLOW, NULL);
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\",\"Condition\":{"
             "\"StringLike\":{\"kms:CallerAccount\":\"1111*\"}}}",
             POLICY_ALLOWED, NULL);
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\",\"Condition\":{"
             "\"StringNotEquals\":{\"aws:PrincipalAccount\":\"111111111111\"}}}",
             POLICY_NO_ALLOW, NULL);
    /* an account as a JSON number still compares */
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\",\"Condition\":{"
             "\"StringEquals\":{\"aws:PrincipalAccount\":111111111111}}}",
             POLICY_ALLOWED, NULL);
    /* anything else is reported, never proof */
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\",\"Condition\":{"
             "\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}",
             POLICY_CONDITIONAL,
             "statement 1 allows backup:CopyIntoBackupVault to 111111111111 only under a "
             "condition drh does not evaluate (IpAddress aws:SourceIp)");
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\",\"Condition\":{"
             "\"ForAnyValue:StringEquals\":{\"aws:PrincipalOrgPaths\":\"o-a/r-b/\"}}}",
             POLICY_CONDITIONAL, "ForAnyValue:StringEquals aws:PrincipalOrgPaths");
    /* a plain Allow beside a conditional one proves it */
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\",\"Condition\":{"
             "\"Bool\":{\"aws:SecureTransport\":\"true\"}}}," ALLOW("\"*\"", "\"" COPY "\""),
             POLICY_ALLOWED, "statement 'A'");
    /* a known condition that fails beside an unknown one: the statement does not apply */
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\",\"Condition\":{"
             "\"Bool\":{\"aws:SecureTransport\":\"true\"},\"StringEquals\":{"
             "\"aws:PrincipalAccount\":\"222222222222\"}}}",
             POLICY_NO_ALLOW, NULL);
}

static void test_conditional_deny(void)
{
    /* a Deny that may apply leaves the Allow unproven */
    s_expect(ALLOW("\"*\"", "\"" COPY "\"") ",{\"Sid\":\"D\",\"Effect\":\"Deny\",\"Principal\":"
                                            "\"*\",\"Action\":\"*\",\"Condition\":{"
                                            "\"DateGreaterThan\":{\"aws:CurrentTime\":"
                                            "\"2020-01-01T00:00:00Z\"}}}",
             POLICY_CONDITIONAL,
             "statement 'D' denies backup:CopyIntoBackupVault to "
             "111111111111 under a condition drh does not evaluate");
    /* a Deny outside the organization does not apply to a member: allowed, with the note */
    s_expect(ALLOW("{\"AWS\":\"111111111111\"}", "\"" COPY "\"") ",{\"Sid\":\"Org\",\"Effect\":"
                                                                 "\"Deny\",\"Principal\":\"*\","
                                                                 "\"Action\":\"*\","
                                                                 "\"Condition\":{"
                                                                 "\"StringNotEquals\":{"
                                                                 "\"aws:PrincipalOrgID\":"
                                                                 "\"o-x\"}}}",
             POLICY_ALLOWED_NOTE, "statement 'Org' denies it outside organization o-x");
    /* a Deny to the organization applies to a member */
    s_expect(ALLOW("\"*\"", "\"" COPY "\"") ",{\"Effect\":\"Deny\",\"Principal\":\"*\","
                                            "\"Action\":\"*\",\"Condition\":{\"StringEquals\":{"
                                            "\"aws:PrincipalOrgID\":\"o-x\"}}}",
             POLICY_DENIED, "to organization o-x");
    /* with nothing allowing it, a conditional Deny changes nothing */
    s_expect("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Condition\":{"
             "\"Bool\":{\"aws:SecureTransport\":\"false\"}}}",
             POLICY_NO_ALLOW, NULL);
}

static void test_resources(void)
{
    const char *vault = "arn:aws:backup:us-west-2:222222222222:backup-vault:dr-vault";
    char *doc = s_doc("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\","
                      "\"Resource\":\"arn:aws:backup:us-west-2:222222222222:backup-vault:dr-*\"}");
    CU_ASSERT_EQUAL(s_eval4(doc, SRC, NULL, COPY, vault).result, POLICY_ALLOWED);
    CU_ASSERT_EQUAL(
        s_eval4(doc, SRC, NULL, COPY, "arn:aws:backup:us-west-2:222222222222:backup-vault:other")
            .result,
        POLICY_NO_ALLOW);
    /* no resource in the request: Resource is not evaluated */
    CU_ASSERT_EQUAL(s_eval4(doc, SRC, NULL, COPY, NULL).result, POLICY_ALLOWED);
    free(doc);
    doc = s_doc("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\","
                "\"NotResource\":\"arn:aws:backup:*:*:backup-vault:dr-vault\"}");
    CU_ASSERT_EQUAL(s_eval4(doc, SRC, NULL, COPY, vault).result, POLICY_NO_ALLOW);
    free(doc);
}

static void test_shapes(void)
{
    /* a single statement, not in a list; statements without Sid are numbered */
    struct policy_verdict v = s_eval("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\","
                                     "\"Action\":\"" COPY "\"}}");
    CU_ASSERT_EQUAL(v.result, POLICY_ALLOWED);
    CU_ASSERT_PTR_NOT_NULL(strstr(v.reason, "statement 1 allows"));
    s_expect("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\"},"
             "{\"Sid\":\"\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" COPY "\"}",
             POLICY_ALLOWED, "statement 2 allows");
    /* an empty list allows nothing */
    s_expect("", POLICY_NO_ALLOW, NULL);
}

static void test_malformed(void)
{
    static const char *const bad[] = {
        "not json",
        "[]",
        "{\"Version\":\"2012-10-17\"}",
        "{\"Statement\":\"*\"}",
        "{\"Statement\":[{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"*\"}]}",
        "{\"Statement\":[{\"Principal\":\"*\",\"Action\":\"*\"}]}",
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct policy_request req = {SRC, NULL, COPY, NULL};
        struct policy_verdict v = {POLICY_ALLOWED, "untouched"};
        struct drh_err err;
        drh_err_clear(&err);
        enum drh_status st = policy_evaluate(bad[i], &req, &v, &err);
        if (st != DRH_E_PARSE)
            TEST_FAILF("'%s': %s, want a parse error", bad[i], drh_status_name(st));
        CU_ASSERT_STRING_EQUAL(v.reason, "untouched");
        CU_ASSERT_NOT_EQUAL(err.msg[0], '\0');
    }
    struct drh_err err;
    struct policy_verdict v;
    struct policy_request none = {NULL, NULL, COPY, NULL};
    CU_ASSERT_EQUAL(policy_evaluate("{\"Statement\":[]}", &none, &v, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(
        policy_evaluate(NULL, &(struct policy_request){SRC, NULL, COPY, NULL}, &v, &err),
        DRH_E_PARSE);
}

static void test_example_vault_policy(void)
{
    char *text = test_read_file("docs/iam/dr-vault-policy.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    struct policy_verdict v = s_eval4(
        text, SRC, ROLE, COPY, "arn:aws:backup:us-west-2:222222222222:backup-vault:dr-vault");
    CU_ASSERT_EQUAL(v.result, POLICY_ALLOWED);
    v = s_eval4(text, "333333333333", NULL, COPY, NULL);
    CU_ASSERT_EQUAL(v.result, POLICY_NO_ALLOW);
    v = s_eval4(text, SRC, NULL, "backup:DeleteBackupVault", NULL);
    CU_ASSERT_EQUAL(v.result, POLICY_NO_ALLOW);
    free(text);
}

static void test_wildcard(void)
{
    CU_ASSERT_TRUE(policy_wildcard("*", "", false));
    CU_ASSERT_TRUE(policy_wildcard("a*b?c", "aXXbYc", false));
    CU_ASSERT_TRUE(policy_wildcard("a*b*c", "abbbc", false));
    CU_ASSERT_FALSE(policy_wildcard("a*b?c", "aXXbc", false));
    CU_ASSERT_FALSE(policy_wildcard("abc", "abcd", false));
    CU_ASSERT_FALSE(policy_wildcard("ABC", "abc", false));
    CU_ASSERT_TRUE(policy_wildcard("ABC", "abc", true));
    /* no character classes in IAM: '[' is itself */
    CU_ASSERT_TRUE(policy_wildcard("a[b]", "a[b]", false));
    CU_ASSERT_FALSE(policy_wildcard("a[b]", "ab", false));
    CU_ASSERT_TRUE(policy_wildcard("arn:aws:rds:*:*:cluster:*",
                                   "arn:aws:rds:us-east-1:111111111111:cluster:orders", false));
}

static void test_arn_field(void)
{
    const char *vault = "arn:aws:backup:us-west-2:222222222222:backup-vault:dr-vault";
    char out[64];
    CU_ASSERT_TRUE(policy_arn_field(vault, 1, out, sizeof out));
    CU_ASSERT_STRING_EQUAL(out, "aws");
    CU_ASSERT_TRUE(policy_arn_field(vault, 3, out, sizeof out));
    CU_ASSERT_STRING_EQUAL(out, "us-west-2");
    CU_ASSERT_TRUE(policy_arn_field(vault, 4, out, sizeof out));
    CU_ASSERT_STRING_EQUAL(out, "222222222222");
    CU_ASSERT_TRUE(policy_arn_field(vault, 5, out, sizeof out));
    CU_ASSERT_STRING_EQUAL(out, "backup-vault:dr-vault");
    CU_ASSERT_TRUE(policy_arn_field(vault, 6, out, sizeof out));
    CU_ASSERT_STRING_EQUAL(out, "dr-vault");
    CU_ASSERT_FALSE(policy_arn_field(vault, 7, out, sizeof out));
    CU_ASSERT_TRUE(policy_arn_field("arn:aws:iam::111111111111:root", 3, out, sizeof out));
    CU_ASSERT_STRING_EQUAL(out, "");
    CU_ASSERT_FALSE(policy_arn_field("arn:aws:iam:", 4, out, sizeof out));
    CU_ASSERT_FALSE(policy_arn_field("111111111111", 4, out, sizeof out));
    CU_ASSERT_FALSE(policy_arn_field(NULL, 4, out, sizeof out));
    /* cut to fit */
    CU_ASSERT_TRUE(policy_arn_field(vault, 4, out, 5));
    CU_ASSERT_STRING_EQUAL(out, "2222");
}

static void test_names(void)
{
    CU_ASSERT_STRING_EQUAL(policy_result_name(POLICY_DENIED), "denied");
    CU_ASSERT_STRING_EQUAL(policy_result_name(POLICY_CONDITIONAL), "conditional");
    CU_ASSERT_TRUE(policy_allows(POLICY_ALLOWED));
    CU_ASSERT_TRUE(policy_allows(POLICY_ALLOWED_NOTE));
    CU_ASSERT_FALSE(policy_allows(POLICY_CONDITIONAL));
    CU_ASSERT_FALSE(policy_allows(POLICY_NO_ALLOW));
    CU_ASSERT_FALSE(policy_allows(POLICY_DENIED));
}

static const struct test_case cases[] = {
    {"principals", test_principals},
    {"role principal", test_role_principal},
    {"actions and wildcards", test_actions},
    {"explicit deny wins", test_explicit_deny_wins},
    {"conditions", test_conditions},
    {"conditional deny", test_conditional_deny},
    {"resources", test_resources},
    {"statement shapes", test_shapes},
    {"malformed documents", test_malformed},
    {"docs/iam/dr-vault-policy.json", test_example_vault_policy},
    {"wildcard", test_wildcard},
    {"arn fields", test_arn_field},
    {"result names", test_names},
};

TEST_SUITE("policy", cases)
