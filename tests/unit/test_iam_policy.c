/* Tests of drh iam-policy's policies (harness/iam/): docs/iam/ holds
 * exactly what drh generates for drills/examples/ (byte for byte; the
 * failure names the command that refreshes them), and the documents of the
 * examples and of tests/data/iam/ drills grant what each path, copy,
 * isolation, posture and teardown needs, scoped as promised (vault ARNs,
 * the backup role for iam:PassRole, drh's identifiers, the drh:run-id tag
 * for deletes, kms:ViaService, the partition), and nothing of the paths a
 * drill does not take. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "iam/iam_policy.h"
#include "mem.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFRESH "tests/tools/iam-docs (after make; DRH=path/to/drh to use another binary)"

/* The documents of a drill file; fails the test when it does not load. */
static struct iam_doc *s_docs(const char *path, size_t *n)
{
    struct drill *d = NULL;
    struct iam_doc *docs = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    *n = 0;
    if (drill_load(path, &d, &err) != DRH_OK || iam_policy_build(d, 7u, &docs, n, &err) != DRH_OK)
        TEST_FAILF("%s: %s", path, err.msg);
    drill_free(d);
    return docs;
}

static const struct json *s_policy(const struct iam_doc *docs, size_t n, enum iam_doc_kind k)
{
    for (size_t i = 0; i < n; i++)
        if (docs[i].kind == k)
            return docs[i].policy;
    return NULL;
}

static size_t s_count(const struct iam_doc *docs, size_t n, enum iam_doc_kind k)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += docs[i].kind == k;
    return c;
}

/* A string member or an array of strings contains value. */
static bool s_has(const struct json *v, const char *value)
{
    if (json_is_string(v))
        return strcmp(json_string(v), value) == 0;
    for (const struct json *e = json_first(v); e; e = json_next(e))
        if (json_is_string(e) && strcmp(json_string(e), value) == 0)
            return true;
    return false;
}

/* The statement of p allowing action (on resource, when not NULL). */
static const struct json *s_stmt(const struct json *p, const char *action, const char *resource)
{
    for (const struct json *s = json_first(json_get(p, "Statement")); s; s = json_next(s))
        if (s_has(json_get(s, "Action"), action) &&
            (!resource || s_has(json_get(s, "Resource"), resource)))
            return s;
    return NULL;
}

#define ALLOWS(p, action, resource)                                                                \
    do {                                                                                           \
        if (!s_stmt(p, action, resource))                                                          \
            TEST_FAILF("%s is not allowed on %s", action, resource);                               \
    } while (0)
#define NOT_ALLOWS(p, action)                                                                      \
    do {                                                                                           \
        if (s_stmt(p, action, NULL))                                                               \
            TEST_FAILF("%s is allowed, but the drill never needs it", action);                     \
    } while (0)

/* The statement's Condition[op][key] as a one-value string ("" when absent). */
static const char *s_cond(const struct json *stmt, const char *op, const char *key)
{
    const struct json *v = json_get(json_get(json_get(stmt, "Condition"), op), key);
    return json_is_string(v) ? json_string(v) : "";
}

static void test_docs_match_examples(void)
{
    DIR *dir = opendir("drills/examples");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    size_t examples = 0, files = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        examples++;
        char *path = xasprintf("drills/examples/%s", e->d_name);
        size_t n = 0;
        struct iam_doc *docs = s_docs(path, &n);
        for (size_t i = 0; i < n; i++) {
            char *want = iam_policy_text(docs[i].policy);
            char *file = xasprintf("docs/iam/%.*s.%s.json", (int)len - 5, e->d_name, docs[i].name);
            char *have = test_read_file(file);
            if (!have)
                TEST_FAILF("%s is missing: run %s", file, REFRESH);
            else if (strcmp(have, want) != 0)
                TEST_FAILF("%s is not what drh generates for %s: run %s", file, path, REFRESH);
            files++;
            free(have);
            free(file);
            free(want);
        }
        iam_docs_free(docs, n);
        free(path);
    }
    closedir(dir);
    CU_ASSERT(examples >= 7);
    /* nothing else in docs/iam/ but the hand-written vault policy */
    size_t there = 0;
    dir = opendir("docs/iam");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    for (struct dirent *e; (e = readdir(dir));)
        if (e->d_name[0] != '.' && strcmp(e->d_name, "dr-vault-policy.json") != 0)
            there++;
    closedir(dir);
    if (there != files)
        TEST_FAILF("docs/iam/ has %zu generated files, the examples give %zu: run %s", there, files,
                   REFRESH);
}

static void test_backup_copy_cross_account(void)
{
    size_t n = 0;
    struct iam_doc *docs = s_docs("drills/examples/aurora-postgresql-backup-copy.json", &n);
    const struct json *src = s_policy(docs, n, IAM_DOC_SOURCE);
    const struct json *tgt = s_policy(docs, n, IAM_DOC_TARGET);
    const struct json *vault = s_policy(docs, n, IAM_DOC_VAULT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
    CU_ASSERT_PTR_NOT_NULL_FATAL(vault);
    ALLOWS(src, "sts:GetCallerIdentity", "*");
    ALLOWS(src, "backup:ListRecoveryPointsByBackupVault",
           "arn:aws:backup:us-east-1:111111111111:backup-vault:prod-vault");
    NOT_ALLOWS(src, "backup:StartRestoreJob");
    ALLOWS(src, "backup:StartCopyJob", "*");
    const struct json *pass =
        s_stmt(src, "iam:PassRole",
               "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole");
    CU_ASSERT_STRING_EQUAL(s_cond(pass, "StringEquals", "iam:PassedToService"),
                           "backup.amazonaws.com");
    /* the target restores with a job, tags, sets a password, tears down */
    ALLOWS(tgt, "backup:StartRestoreJob", "*");
    ALLOWS(tgt, "backup:DeleteRecoveryPoint", "*");
    ALLOWS(tgt, "rds:CreateDBInstance", "*");
    ALLOWS(tgt, "rds:ModifyDBCluster", "arn:aws:rds:us-east-1:222222222222:cluster:drh-*");
    NOT_ALLOWS(tgt, "rds:ModifyDBInstance");
    const struct json *del =
        s_stmt(tgt, "rds:DeleteDBCluster", "arn:aws:rds:us-east-1:222222222222:cluster:drh-*");
    CU_ASSERT_STRING_EQUAL(s_cond(del, "Null", "aws:ResourceTag/drh:run-id"), "false");
    CU_ASSERT_PTR_NOT_NULL(
        s_stmt(tgt, "iam:PassRole",
               "arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole"));
    /* no snapshot path, no KMS through RDS, no second hop */
    NOT_ALLOWS(tgt, "rds:CopyDBClusterSnapshot");
    NOT_ALLOWS(tgt, "kms:CreateGrant");
    NOT_ALLOWS(tgt, "backup:StartCopyJob");
    /* preflight: the vaults exist, the DR vault's policy, the source key's sharing */
    ALLOWS(src, "backup:DescribeBackupVault",
           "arn:aws:backup:us-east-1:111111111111:backup-vault:prod-vault");
    ALLOWS(src, "kms:GetKeyPolicy", "*");
    ALLOWS(tgt, "backup:GetBackupVaultAccessPolicy",
           "arn:aws:backup:us-east-1:222222222222:backup-vault:dr-vault");
    ALLOWS(tgt, "kms:DescribeKey", "*");
    ALLOWS(tgt, "ec2:DescribeInternetGateways", "*"); /* named isolation's VPC */
    NOT_ALLOWS(tgt, "ec2:DescribeSubnets");           /* no subnet named */
    NOT_ALLOWS(src, "backup:ListBackupPlans");        /* no posture section */
    /* the DR vault lets the source account copy in */
    const struct json *st = json_array_at(json_get(vault, "Statement"), 0);
    CU_ASSERT_STRING_EQUAL(json_get_string(st, "Action"), "backup:CopyIntoBackupVault");
    CU_ASSERT_STRING_EQUAL(json_get_string(json_get(st, "Principal"), "AWS"),
                           "arn:aws:iam::111111111111:root");
    CU_ASSERT_STRING_EQUAL(json_get_string(st, "Resource"),
                           "arn:aws:backup:us-east-1:222222222222:backup-vault:dr-vault");
    iam_docs_free(docs, n);
}

static void test_two_hops_and_two_vaults(void)
{
    size_t n = 0;
    struct iam_doc *docs = s_docs("tests/data/iam/two-vaults.json", &n);
    const struct json *tgt = s_policy(docs, n, IAM_DOC_TARGET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
    /* the second hop is the target's own copy job, with its own backup role */
    ALLOWS(tgt, "backup:StartCopyJob", "*");
    ALLOWS(tgt, "iam:PassRole", "arn:aws:iam::222222222222:role/service-role/DrhBackupRole");
    /* a password is given: no ModifyDBCluster; existing file system: no mount target */
    NOT_ALLOWS(tgt, "rds:ModifyDBCluster");
    NOT_ALLOWS(tgt, "elasticfilesystem:CreateMountTarget");
    NOT_ALLOWS(tgt, "elasticfilesystem:DeleteFileSystem");
    ALLOWS(tgt, "elasticfilesystem:DescribeMountTargets", "*");
    /* the Aurora copy's first hop lands in the staging vault (source's Region),
     * the EFS copy in the DR vault itself */
    CU_ASSERT_EQUAL_FATAL(s_count(docs, n, IAM_DOC_VAULT), 2);
    CU_ASSERT_STRING_EQUAL(docs[2].name, "vault");
    CU_ASSERT_STRING_EQUAL(docs[3].name, "vault-2");
    CU_ASSERT_STRING_EQUAL(
        json_get_string(json_array_at(json_get(docs[2].policy, "Statement"), 0), "Resource"),
        "arn:aws:backup:us-east-1:222222222222:backup-vault:dr-staging");
    CU_ASSERT_STRING_EQUAL(
        json_get_string(json_array_at(json_get(docs[3].policy, "Statement"), 0), "Resource"),
        "arn:aws:backup:us-west-2:222222222222:backup-vault:dr-vault");
    CU_ASSERT_PTR_NOT_NULL(strstr(docs[2].heading, "vault dr-staging"));
    /* preflight reads both vaults' policies */
    ALLOWS(tgt, "backup:GetBackupVaultAccessPolicy",
           "arn:aws:backup:us-east-1:222222222222:backup-vault:dr-staging");
    ALLOWS(tgt, "backup:GetBackupVaultAccessPolicy",
           "arn:aws:backup:us-west-2:222222222222:backup-vault:dr-vault");
    iam_docs_free(docs, n);
}

static void test_snapshot_path(void)
{
    size_t n = 0;
    struct iam_doc *docs = s_docs("drills/examples/postgres-snapshot-share.json", &n);
    const struct json *src = s_policy(docs, n, IAM_DOC_SOURCE);
    const struct json *tgt = s_policy(docs, n, IAM_DOC_TARGET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
    /* the source shared the snapshot beforehand: drh only checks who it is there */
    CU_ASSERT_EQUAL(json_array_size(json_get(src, "Statement")), 1);
    ALLOWS(src, "sts:GetCallerIdentity", "*");
    ALLOWS(tgt, "rds:CopyDBSnapshot", "*");
    ALLOWS(tgt, "rds:RestoreDBInstanceFromDBSnapshot", "*");
    const struct json *kms = s_stmt(tgt, "kms:CreateGrant", "*");
    CU_ASSERT_STRING_EQUAL(s_cond(kms, "StringEquals", "kms:ViaService"),
                           "rds.us-east-1.amazonaws.com");
    const struct json *del =
        s_stmt(tgt, "rds:DeleteDBSnapshot", "arn:aws:rds:us-east-1:222222222222:snapshot:drh-*");
    CU_ASSERT_STRING_EQUAL(s_cond(del, "Null", "aws:ResourceTag/drh:run-id"), "false");
    /* a password file: no ModifyDBInstance; no AWS Backup at all */
    NOT_ALLOWS(tgt, "rds:ModifyDBInstance");
    NOT_ALLOWS(tgt, "backup:StartRestoreJob");
    NOT_ALLOWS(tgt, "iam:PassRole");
    CU_ASSERT_EQUAL(s_count(docs, n, IAM_DOC_VAULT), 0);
    iam_docs_free(docs, n);
}

static void test_dr_vault_select(void)
{
    size_t n = 0;
    struct iam_doc *docs = s_docs("drills/examples/aurora-mysql-dr-vault.json", &n);
    const struct json *src = s_policy(docs, n, IAM_DOC_SOURCE);
    const struct json *tgt = s_policy(docs, n, IAM_DOC_TARGET);
    NOT_ALLOWS(src, "backup:ListRecoveryPointsByBackupVault");
    NOT_ALLOWS(src, "backup:StartCopyJob");
    ALLOWS(tgt, "backup:ListRecoveryPointsByBackupVault",
           "arn:aws:backup:us-west-2:222222222222:backup-vault:dr-vault");
    NOT_ALLOWS(tgt, "backup:TagResource"); /* nothing copied, nothing to tag */
    CU_ASSERT_EQUAL(s_count(docs, n, IAM_DOC_VAULT), 0);
    iam_docs_free(docs, n);
}

static void test_s3_scoped_to_buckets(void)
{
    size_t n = 0;
    struct iam_doc *docs = s_docs("drills/examples/s3-replication.json", &n);
    const struct json *src = s_policy(docs, n, IAM_DOC_SOURCE);
    const struct json *tgt = s_policy(docs, n, IAM_DOC_TARGET);
    ALLOWS(src, "s3:GetReplicationConfiguration", "arn:aws:s3:::drh-orders-prod");
    ALLOWS(src, "s3:GetLifecycleConfiguration", "arn:aws:s3:::drh-orders-prod");
    ALLOWS(src, "s3:PutObject", "arn:aws:s3:::drh-orders-prod/drh-canary/*");
    /* the canary's deletion reaches only canaries; reads reach every object */
    CU_ASSERT_PTR_NULL(s_stmt(src, "s3:DeleteObjectVersion", "arn:aws:s3:::drh-orders-prod/*"));
    ALLOWS(src, "s3:GetObjectVersion", "arn:aws:s3:::drh-orders-prod/*");
    NOT_ALLOWS(src, "s3:DeleteBucket");
    ALLOWS(tgt, "s3:GetBucketPolicy", "arn:aws:s3:::drh-orders-dr");
    ALLOWS(tgt, "s3:CreateBucket", "arn:aws:s3:::drh-*-restore");
    ALLOWS(tgt, "s3:DeleteBucket", "arn:aws:s3:::drh-*-restore");
    /* the replica is never deletable, only its canaries' versions */
    CU_ASSERT_PTR_NULL(s_stmt(tgt, "s3:DeleteBucket", "arn:aws:s3:::drh-orders-dr"));
    CU_ASSERT_PTR_NULL(s_stmt(tgt, "s3:DeleteObjectVersion", "arn:aws:s3:::drh-orders-dr/*"));
    ALLOWS(tgt, "s3:DeleteObjectVersion", "arn:aws:s3:::drh-orders-dr/drh-canary/*");
    iam_docs_free(docs, n);
}

static void test_ec2_and_efs(void)
{
    size_t n = 0;
    struct iam_doc *docs = s_docs("drills/examples/ec2-ami.json", &n);
    const struct json *src = s_policy(docs, n, IAM_DOC_SOURCE);
    const struct json *tgt = s_policy(docs, n, IAM_DOC_TARGET);
    ALLOWS(src, "ec2:DescribeImageAttribute", "*");
    ALLOWS(src, "ec2:DescribeSnapshotAttribute", "*");
    ALLOWS(tgt, "ec2:CopyImage", "*");
    ALLOWS(tgt, "ec2:RunInstances", "*");
    CU_ASSERT_STRING_EQUAL(
        s_cond(s_stmt(tgt, "ec2:TerminateInstances", "*"), "Null", "aws:ResourceTag/drh:run-id"),
        "false");
    CU_ASSERT_STRING_EQUAL(
        s_cond(s_stmt(tgt, "kms:ReEncryptTo", "*"), "StringEquals", "kms:ViaService"),
        "ec2.us-west-2.amazonaws.com");
    NOT_ALLOWS(tgt, "backup:StartRestoreJob");
    iam_docs_free(docs, n);

    docs = s_docs("drills/examples/efs-new-filesystem.json", &n);
    tgt = s_policy(docs, n, IAM_DOC_TARGET);
    ALLOWS(tgt, "elasticfilesystem:CreateMountTarget", "*");
    ALLOWS(tgt, "ec2:CreateNetworkInterface", "*"); /* EFS makes it with the caller's rights */
    ALLOWS(tgt, "elasticfilesystem:TagResource", "*");
    CU_ASSERT_STRING_EQUAL(s_cond(s_stmt(tgt, "elasticfilesystem:DeleteFileSystem", "*"), "Null",
                                  "aws:ResourceTag/drh:run-id"),
                           "false");
    CU_ASSERT_EQUAL(s_count(docs, n, IAM_DOC_VAULT), 1);
    iam_docs_free(docs, n);
}

static void test_pitr_stack_posture(void)
{
    size_t n = 0;
    struct iam_doc *docs = s_docs("tests/data/iam/pitr-stack.json", &n);
    const struct json *src = s_policy(docs, n, IAM_DOC_SOURCE);
    const struct json *tgt = s_policy(docs, n, IAM_DOC_TARGET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tgt);
    /* point in time: the source's window, the restore in the same account */
    ALLOWS(src, "rds:DescribeDBClusters", "*");
    ALLOWS(tgt, "rds:RestoreDBClusterToPointInTime", "*");
    NOT_ALLOWS(tgt, "rds:RestoreDBClusterFromSnapshot");
    NOT_ALLOWS(src, "backup:StartCopyJob"); /* one account, one Region: no copy */
    CU_ASSERT_EQUAL(s_count(docs, n, IAM_DOC_VAULT), 0);
    /* the stack drh builds, deleted only when tagged */
    ALLOWS(tgt, "ec2:CreateVpc", "*");
    ALLOWS(tgt, "ec2:DescribeAvailabilityZones", "*");
    ALLOWS(tgt, "rds:CreateDBSubnetGroup", "*");
    const char *tagged[] = {"ec2:DeleteVpc", "ec2:DeleteSubnet", "ec2:DeleteSecurityGroup",
                            "ec2:AuthorizeSecurityGroupIngress", "rds:DeleteDBSubnetGroup"};
    for (size_t i = 0; i < sizeof tagged / sizeof tagged[0]; i++)
        if (strcmp(s_cond(s_stmt(tgt, tagged[i], "*"), "Null", "aws:ResourceTag/drh:run-id"),
                   "false") != 0)
            TEST_FAILF("%s is not limited to what drh tagged", tagged[i]);
    ALLOWS(tgt, "elasticfilesystem:CreateMountTarget", "*"); /* into the subnet drh made */
    /* posture: the source's plans; preflight: the vault the EFS point comes from, the key */
    ALLOWS(src, "backup:ListBackupPlans", "*");
    ALLOWS(src, "backup:GetBackupSelection", "*");
    ALLOWS(src, "backup:ListRecoveryPointsByResource", "*");
    ALLOWS(src, "backup:DescribeBackupVault",
           "arn:aws:backup:us-east-1:111111111111:backup-vault:prod-vault");
    ALLOWS(tgt, "kms:DescribeKey", "*");
    /* one account: no vault policy or key sharing to check */
    NOT_ALLOWS(tgt, "backup:GetBackupVaultAccessPolicy");
    NOT_ALLOWS(src, "kms:GetKeyPolicy");
    iam_docs_free(docs, n);
}

static void test_partition(void)
{
    size_t n = 0;
    struct iam_doc *docs = s_docs("tests/data/iam/china-snapshot.json", &n);
    const struct json *tgt = s_policy(docs, n, IAM_DOC_TARGET);
    /* copies in both Regions, each deletable there, KMS through RDS in both */
    ALLOWS(tgt, "rds:DeleteDBClusterSnapshot",
           "arn:aws-cn:rds:cn-north-1:222222222222:cluster-snapshot:drh-*");
    ALLOWS(tgt, "rds:DeleteDBClusterSnapshot",
           "arn:aws-cn:rds:cn-northwest-1:222222222222:cluster-snapshot:drh-*");
    ALLOWS(tgt, "rds:ModifyDBCluster", "arn:aws-cn:rds:cn-northwest-1:222222222222:cluster:drh-*");
    const struct json *via = json_get(
        json_get(json_get(s_stmt(tgt, "kms:CreateGrant", "*"), "Condition"), "StringEquals"),
        "kms:ViaService");
    CU_ASSERT(s_has(via, "rds.cn-north-1.amazonaws.com.cn"));
    CU_ASSERT(s_has(via, "rds.cn-northwest-1.amazonaws.com.cn"));
    CU_ASSERT_EQUAL(json_array_size(via), 2);
    iam_docs_free(docs, n);
}

/* Every document of every drill: actions sorted and unique in a statement,
 * each (action, resource, condition) in one statement only, unique Sids,
 * and building twice gives the same bytes. */
static void s_check_shape(const char *path)
{
    size_t n = 0, n2 = 0;
    struct iam_doc *docs = s_docs(path, &n), *again = s_docs(path, &n2);
    CU_ASSERT_EQUAL(n, n2);
    for (size_t i = 0; i < n && i < n2; i++) {
        char *a = iam_policy_text(docs[i].policy), *b = iam_policy_text(again[i].policy);
        if (strcmp(a, b) != 0)
            TEST_FAILF("%s: %s differs between two builds", path, docs[i].name);
        free(a);
        free(b);
        const struct json *list = json_get(docs[i].policy, "Statement");
        for (const struct json *s = json_first(list); s; s = json_next(s)) {
            const struct json *acts = json_get(s, "Action");
            for (size_t k = 1; k < json_array_size(acts); k++)
                if (strcmp(json_string(json_array_at(acts, k - 1)),
                           json_string(json_array_at(acts, k))) >= 0)
                    TEST_FAILF("%s: %s: statement %s: actions not sorted or repeated", path,
                               docs[i].name, json_get_string(s, "Sid"));
            for (const struct json *t = json_next(s); t; t = json_next(t))
                if (strcmp(json_get_string(s, "Sid"), json_get_string(t, "Sid")) == 0)
                    TEST_FAILF("%s: %s: Sid %s twice", path, docs[i].name,
                               json_get_string(s, "Sid"));
        }
    }
    iam_docs_free(docs, n);
    iam_docs_free(again, n2);
}

static void test_shape(void)
{
    const char *const paths[] = {"tests/data/iam/pitr-stack.json", "tests/data/iam/two-vaults.json",
                                 "tests/data/iam/china-snapshot.json",
                                 "drills/examples/s3-replication.json",
                                 "drills/examples/ec2-ami.json"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        s_check_shape(paths[i]);
}

static void test_text_layout(void)
{
    struct json *doc = json_new_object();
    json_add_string(doc, "Version", "2012-10-17");
    struct json *st =
        json_push(json_add_child(doc, "Statement", json_new_array()), json_new_object());
    json_add_string(st, "Sid", "A\"b\\c");
    json_add_child(st, "Condition", json_new_object());
    json_push_string(json_add_child(st, "Action", json_new_array()), "x:Y");
    char *text = iam_policy_text(doc);
    CU_ASSERT_STRING_EQUAL(text, "{\n"
                                 "  \"Version\": \"2012-10-17\",\n"
                                 "  \"Statement\": [\n"
                                 "    {\n"
                                 "      \"Sid\": \"A\\\"b\\\\c\",\n"
                                 "      \"Condition\": {},\n"
                                 "      \"Action\": [\n"
                                 "        \"x:Y\"\n"
                                 "      ]\n"
                                 "    }\n"
                                 "  ]\n"
                                 "}\n");
    free(text);
    json_free(doc);
}

static const struct test_case cases[] = {
    {"docs/iam/ is what drh generates for every example", test_docs_match_examples},
    {"backup copy across accounts: source, target, DR vault", test_backup_copy_cross_account},
    {"two hops through the staging vault, two vault policies", test_two_hops_and_two_vaults},
    {"snapshot path: KMS through RDS, tagged deletes, no AWS Backup", test_snapshot_path},
    {"select dr-vault: the target lists its DR vault, nothing copied", test_dr_vault_select},
    {"s3: scoped to the buckets, deletes only canaries and restore buckets",
     test_s3_scoped_to_buckets},
    {"ec2 and efs: launch, copy, mount target, tagged deletes", test_ec2_and_efs},
    {"pitr, isolation create and posture", test_pitr_stack_posture},
    {"aws-cn partition and a copy across Regions", test_partition},
    {"documents are sorted, unique and stable", test_shape},
    {"text layout and escaping", test_text_layout},
};
TEST_SUITE("iam-policy", cases)
