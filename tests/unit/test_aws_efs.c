/* Tests of the EFS module (harness/aws/efs.c) against the local emulator
 * (fixtures/emulator: botocore checks every signature and parses every
 * request with the efs model), started once per test process by
 * support/dbfixture.c: a seeded file system is described, tagged and its
 * tags listed; a mount target is made in a real subnet, described by file
 * system and by id, and deleted; the file system is deleted; and each
 * not-found fault maps to DRH_E_NOTFOUND. Inactive where the emulator
 * cannot run. */
#include "support/dbfixture.h"
#include "support/emuclient.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/call.h"
#include "aws/creds.h"
#include "aws/ec2_network.h"
#include "aws/efs.h"
#include "aws/http.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EFS_OK(call)                                                                               \
    do {                                                                                           \
        enum drh_status efs_st_ = (call);                                                          \
        if (efs_st_ != DRH_OK)                                                                     \
            TEST_FAILF("%s: %s: %s", #call, drh_status_name(efs_st_), err.msg);                    \
    } while (0)

/* POSTs body to the admin API; *out its JSON answer (caller frees). */
static int s_admin(const char *path, const char *body, struct json **out)
{
    int ok = emu_admin("POST", path, body, out) == 0;
    if (!ok)
        TEST_FAILF("admin %s failed (see stderr)", path);
    return ok;
}

static int s_client(struct emu_client *e, const char *profile, const char *region)
{
    int ok = emu_client_open(e, profile, region) == 0;
    if (!ok)
        TEST_FAILF("no client of %s (see stderr)", profile);
    return ok;
}

/* A VPC with a subnet and a security group in the client's account
 * (aws/ec2_network.h): the subnet id (caller frees; NULL on failure) and
 * the group's id in *group (caller frees). */
static char *s_subnet(struct aws_client *c, char **group)
{
    struct drh_err err;
    char *vpc = NULL, *subnet = NULL;
    *group = NULL;
    EFS_OK(ec2_create_vpc(c, "10.9.0.0/16", NULL, 0, &vpc, &err));
    if (!vpc)
        return NULL;
    struct ec2_subnet_spec sn = {vpc, "10.9.1.0/24", NULL, NULL, 0};
    EFS_OK(ec2_create_subnet(c, &sn, &subnet, &err));
    struct ec2_group_spec g = {"efs-unit", "mount targets of the efs suite", vpc, NULL, 0};
    EFS_OK(ec2_create_security_group(c, &g, group, &err));
    free(vpc);
    if (!*group) {
        free(subnet);
        return NULL;
    }
    return subnet;
}

static void test_file_system_tags_mount_targets(void)
{
    struct emu_client e;
    if (!s_client(&e, "dr", "us-west-2"))
        return;
    struct drh_err err;
    drh_err_clear(&err);
    struct json *seeded = NULL;
    if (!s_admin("/seed/efs", "{\"profile\": \"dr\", \"files\": {\"a.txt\": \"hello\"}}",
                 &seeded)) {
        emu_client_close(&e);
        return;
    }
    const char *id = json_get_string(seeded, "file_system_id");
    CU_ASSERT_PTR_NOT_NULL_FATAL(id);

    struct efs_file_system fs = {0};
    EFS_OK(efs_describe_file_system(e.c, id, &fs, &err));
    CU_ASSERT_STRING_EQUAL(fs.id, id);
    CU_ASSERT_STRING_EQUAL(fs.state, "available");
    CU_ASSERT_TRUE(fs.encrypted);
    CU_ASSERT_TRUE(fs.created > 1.6e9);
    char *want_arn = efs_file_system_arn("us-west-2", "222222222222", id);
    CU_ASSERT_STRING_EQUAL(fs.arn, want_arn);

    /* tags by id and by ARN */
    struct aws_tag tags[] = {{"drh:run-id", "run-1"}, {"drh:drill", "efs-unit"}};
    EFS_OK(efs_tag_resource(e.c, id, tags, 2, &err));
    struct json *got = NULL;
    EFS_OK(efs_list_tags(e.c, fs.arn, &got, &err));
    CU_ASSERT_STRING_EQUAL(json_get_string(got, "drh:run-id"), "run-1");
    CU_ASSERT_STRING_EQUAL(json_get_string(got, "drh:drill"), "efs-unit");
    CU_ASSERT_STRING_EQUAL(json_get_string(got, "Name"), "seed");
    json_free(got);

    /* a mount target in a real subnet */
    char *group = NULL;
    char *subnet = s_subnet(e.c, &group);
    struct efs_mount_target mt = {0};
    struct efs_mount_target *v = NULL;
    size_t n = 0;
    if (subnet) {
        const char *sgs[] = {group};
        EFS_OK(efs_create_mount_target(e.c, id, subnet, sgs, 1, &mt, &err));
        CU_ASSERT_PTR_NOT_NULL_FATAL(mt.id);
        CU_ASSERT_STRING_EQUAL(mt.fs_id, id);
        CU_ASSERT_STRING_EQUAL(mt.subnet_id, subnet);
        CU_ASSERT_PTR_NOT_NULL(mt.ip);
        /* in use: the file system cannot go before its mount target */
        CU_ASSERT_EQUAL(efs_delete_file_system(e.c, id, &err), DRH_E_AWS);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "FileSystemInUse"));
        EFS_OK(efs_describe_mount_targets(e.c, id, NULL, &v, &n, &err));
        CU_ASSERT_EQUAL(n, 1);
        if (n == 1)
            CU_ASSERT_STRING_EQUAL(v[0].id, mt.id);
        efs_mount_targets_free(v, n);
        v = NULL;
        EFS_OK(efs_describe_mount_targets(e.c, NULL, mt.id, &v, &n, &err));
        CU_ASSERT_EQUAL(n, 1);
        if (n == 1)
            CU_ASSERT_STRING_EQUAL(v[0].state, "available");
        efs_mount_targets_free(v, n);
        v = NULL;
        EFS_OK(efs_delete_mount_target(e.c, mt.id, &err));
        CU_ASSERT_EQUAL(efs_describe_mount_targets(e.c, NULL, mt.id, &v, &n, &err), DRH_E_NOTFOUND);
        CU_ASSERT_EQUAL(efs_delete_mount_target(e.c, mt.id, &err), DRH_E_NOTFOUND);
    }
    /* a subnet that does not exist is AWS's refusal, not a crash */
    CU_ASSERT_EQUAL(efs_create_mount_target(e.c, id, "subnet-0000000000000000", NULL, 0, &mt, &err),
                    DRH_E_AWS);

    EFS_OK(efs_delete_file_system(e.c, id, &err));
    CU_ASSERT_EQUAL(efs_describe_file_system(e.c, id, &fs, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, id));
    CU_ASSERT_EQUAL(efs_delete_file_system(e.c, id, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(efs_list_tags(e.c, id, &got, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(efs_describe_mount_targets(e.c, id, NULL, &v, &n, &err), DRH_E_NOTFOUND);
    /* arguments are checked before anything is sent */
    CU_ASSERT_EQUAL(efs_describe_mount_targets(e.c, id, mt.id, &v, &n, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(efs_describe_file_system(e.c, "", &fs, &err), DRH_E_INPUT);

    efs_mount_target_clean_up(&mt);
    efs_file_system_clean_up(&fs);
    free(subnet);
    free(group);
    free(want_arn);
    json_free(seeded);
    emu_client_close(&e);
}

/* The file system of another account is not found, as on AWS. */
static void test_other_account_not_found(void)
{
    struct emu_client e;
    if (!s_client(&e, "production", "us-east-1"))
        return;
    struct drh_err err;
    drh_err_clear(&err);
    struct json *seeded = NULL;
    if (!s_admin("/seed/efs", "{\"profile\": \"dr\", \"files\": {}}", &seeded)) {
        emu_client_close(&e);
        return;
    }
    const char *id = json_get_string(seeded, "file_system_id");
    struct efs_file_system fs = {0};
    CU_ASSERT_EQUAL(efs_describe_file_system(e.c, id, &fs, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NULL(fs.id);
    struct aws_tag tag = {"drh:run-id", "x"};
    CU_ASSERT_EQUAL(efs_tag_resource(e.c, id, &tag, 1, &err), DRH_E_NOTFOUND);
    json_free(seeded);
    emu_client_close(&e);
}

static const struct test_case cases[] = {
    {"a file system: describe, tags, mount targets, delete, not found",
     test_file_system_tags_mount_targets},
    {"another account's file system is not found", test_other_account_not_found},
};

TEST_SUITE_FULL("aws-efs", cases, dbfixture_unavailable, dbfixture_start, NULL)
