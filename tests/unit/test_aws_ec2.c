/* Tests of the EC2 module against the local AWS emulator (the one
 * dbfixture starts; its admin API seeds AMIs): images by id, owner and tag,
 * launch and createVolume permissions as a sharing Lambda sets them, a
 * CopyImage across Regions, deregistering and deleting, an instance from
 * launch to terminated with its tags and status checks, and the mapping of
 * the not-found errors to DRH_E_NOTFOUND. */
#include "support/dbfixture.h"
#include "support/emuclient.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/call.h"
#include "aws/ec2.h"
#include "json.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROD "111111111111"
#define DR "222222222222"

/* A call that must succeed; on failure the test fails with its message. */
#define EXPECT_OK(call, err)                                                                       \
    do {                                                                                           \
        enum drh_status st_ = (call);                                                              \
        if (st_ != DRH_OK)                                                                         \
            TEST_FAILF("%s: %s", #call, (err).msg);                                                \
    } while (0)

static void s_sleep(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static int s_init(void)
{
    if (dbfixture_start() != 0)
        return 1;
    return emu_admin("POST", "/timing", "{\"image\": 0.1, \"instance\": 0.1}", NULL);
}

/* A client of a fixture profile in region, through the real credential chain. */
static void s_env(struct emu_client *e, const char *profile, const char *region)
{
    CU_ASSERT_EQUAL_FATAL(emu_client_open(e, profile, region), 0);
}

/* Seeds an AMI of production in us-east-1: its id and snapshot id. */
static void s_seed_ami(const char *name, char image[32], char snap[32])
{
    char *body = xasprintf("{\"profile\": \"production\", \"name\": \"%s\"}", name);
    struct json *r = NULL;
    CU_ASSERT_EQUAL_FATAL(emu_admin("POST", "/seed/ami", body, &r), 0);
    free(body);
    snprintf(image, 32, "%s", json_string(json_get(r, "image_id")));
    snprintf(snap, 32, "%s", json_string(json_get(r, "snapshot_id")));
    json_free(r);
}

/* ModifyImageAttribute / ModifySnapshotAttribute as the sharing Lambda calls them. */
static void s_share(struct aws_client *c, const char *action, const char *id_key, const char *id,
                    const char *perm, const char *account)
{
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, id_key, id);
    aws_params_addf(&p, account, "%s.Add.1.UserId", perm);
    struct xml_doc *doc = NULL;
    const struct xml_node *res = NULL;
    struct drh_err err;
    enum drh_status st = aws_query_call(c, "ec2", action, &p, &doc, &res, NULL, &err);
    if (st != DRH_OK)
        TEST_FAILF("%s: %s", action, err.msg);
    xml_free(doc);
    aws_params_clean_up(&p);
}

static void test_describe_image_and_tags(void)
{
    char ami[32], snap[32];
    s_seed_ami("ec2-unit-describe", ami, snap);
    struct emu_client e;
    s_env(&e, "production", "us-east-1");
    struct drh_err err;
    struct ec2_image im = {0};
    EXPECT_OK(ec2_describe_image(e.c, ami, &im, &err), err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(im.state);
    CU_ASSERT_STRING_EQUAL(im.state, "available");
    CU_ASSERT_STRING_EQUAL(im.owner, PROD);
    CU_ASSERT_STRING_EQUAL(im.name, "ec2-unit-describe");
    CU_ASSERT_EQUAL_FATAL(im.n_snapshots, 1);
    CU_ASSERT_STRING_EQUAL(im.snapshots[0], snap);
    CU_ASSERT_TRUE(im.encrypted);
    CU_ASSERT_TRUE(im.created > 1.6e9 && im.created < (double)time(NULL) + 60);
    ec2_image_clean_up(&im);

    struct aws_tag tags[] = {{"backup", "nightly-ec2-unit"}, {"empty", ""}};
    const char *ids[] = {ami};
    CU_ASSERT_EQUAL(ec2_create_tags(e.c, ids, 1, tags, 2, &err), DRH_OK);
    struct ec2_image_query q = {
        .owner = "self", .tag_key = "backup", .tag_value = "nightly-ec2-unit"};
    struct ec2_image *v = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(ec2_describe_images(e.c, &q, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(v[0].id, ami);
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&v[0].tags, "backup"), "nightly-ec2-unit");
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&v[0].tags, "empty"), "");
    CU_ASSERT_PTR_NULL(ec2_tags_get(&v[0].tags, "absent"));
    ec2_images_free(v, n);
    q.tag_value = "weekly";
    CU_ASSERT_EQUAL_FATAL(ec2_describe_images(e.c, &q, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL(n, 0);
    ec2_images_free(v, n);

    char *value = NULL;
    CU_ASSERT_EQUAL(ec2_get_tag(e.c, ami, "backup", &value, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(value, "nightly-ec2-unit");
    free(value);
    value = (char *)"untouched";
    CU_ASSERT_EQUAL(ec2_get_tag(e.c, ami, "absent", &value, &err), DRH_OK);
    CU_ASSERT_PTR_NULL(value);
    emu_client_close(&e);
}

static void test_sharing_permissions(void)
{
    char ami[32], snap[32];
    s_seed_ami("ec2-unit-share", ami, snap);
    struct emu_client src, tgt;
    s_env(&src, "production", "us-east-1");
    s_env(&tgt, "dr", "us-east-1");
    struct drh_err err;
    struct ec2_perms perms = {0};
    CU_ASSERT_EQUAL_FATAL(ec2_image_launch_permissions(src.c, ami, &perms, &err), DRH_OK);
    CU_ASSERT_FALSE(ec2_perms_allow(&perms, DR));
    struct ec2_image im = {0};
    /* not shared: the target account does not see it */
    CU_ASSERT_EQUAL(ec2_describe_image(tgt.c, ami, &im, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "InvalidAMIID.NotFound"));

    s_share(src.c, "ModifyImageAttribute", "ImageId", ami, "LaunchPermission", DR);
    CU_ASSERT_EQUAL_FATAL(ec2_image_launch_permissions(src.c, ami, &perms, &err), DRH_OK);
    CU_ASSERT_TRUE(ec2_perms_allow(&perms, DR));
    CU_ASSERT_FALSE(ec2_perms_allow(&perms, "333333333333"));
    CU_ASSERT_FALSE(perms.public_);
    CU_ASSERT_EQUAL_FATAL(ec2_describe_image(tgt.c, ami, &im, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(im.owner, PROD);
    ec2_image_clean_up(&im);

    CU_ASSERT_EQUAL_FATAL(ec2_snapshot_volume_permissions(src.c, snap, &perms, &err), DRH_OK);
    CU_ASSERT_FALSE(ec2_perms_allow(&perms, DR));
    s_share(src.c, "ModifySnapshotAttribute", "SnapshotId", snap, "CreateVolumePermission", DR);
    CU_ASSERT_EQUAL_FATAL(ec2_snapshot_volume_permissions(src.c, snap, &perms, &err), DRH_OK);
    CU_ASSERT_TRUE(ec2_perms_allow(&perms, DR));
    ec2_perms_clean_up(&perms);
    emu_client_close(&src);
    emu_client_close(&tgt);
}

static void test_not_found(void)
{
    struct emu_client e;
    s_env(&e, "production", "us-east-1");
    struct drh_err err;
    struct ec2_image im = {0};
    CU_ASSERT_EQUAL(ec2_describe_image(e.c, "ami-0123456789abcdef0", &im, &err), DRH_E_NOTFOUND);
    struct ec2_instance in = {0};
    CU_ASSERT_EQUAL(ec2_describe_instance(e.c, "i-0123456789abcdef0", &in, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "InvalidInstanceID.NotFound"));
    CU_ASSERT_EQUAL(ec2_terminate_instance(e.c, "i-0123456789abcdef0", &err), DRH_E_NOTFOUND);
    struct ec2_snapshot s = {0};
    CU_ASSERT_EQUAL(ec2_describe_snapshot(e.c, "snap-0123456789abcdef0", &s, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(ec2_delete_snapshot(e.c, "snap-0123456789abcdef0", &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(ec2_deregister_image(e.c, "ami-0123456789abcdef0", &err), DRH_E_NOTFOUND);
    /* nothing sent without the required argument */
    CU_ASSERT_EQUAL(ec2_describe_image(e.c, "", &im, &err), DRH_E_INPUT);
    emu_client_close(&e);
}

static void test_copy_deregister_delete(void)
{
    char ami[32], snap[32];
    s_seed_ami("ec2-unit-copy", ami, snap);
    struct emu_client west;
    s_env(&west, "production", "us-west-2");
    struct drh_err err;
    struct ec2_copy cp = {ami,  "us-east-1",       "ec2-unit-copy-west", NULL, "ec2-unit-token",
                          true, "alias/drh-dr-key"};
    char *copy = NULL;
    CU_ASSERT_EQUAL_FATAL(ec2_copy_image(west.c, &cp, &copy, &err), DRH_OK);
    CU_ASSERT_EQUAL(strncmp(copy, "ami-", 4), 0);
    CU_ASSERT_STRING_NOT_EQUAL(copy, ami);
    struct ec2_image im = {0};
    for (int i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL_FATAL(ec2_describe_image(west.c, copy, &im, &err), DRH_OK);
        if (strcmp(im.state, "available") == 0)
            break;
        s_sleep(0.1);
    }
    CU_ASSERT_STRING_EQUAL(im.state, "available");
    CU_ASSERT_EQUAL_FATAL(im.n_snapshots, 1);
    CU_ASSERT_STRING_NOT_EQUAL(im.snapshots[0], snap);
    char *copy_snap = xstrdup(im.snapshots[0]);
    ec2_image_clean_up(&im);
    struct ec2_snapshot s = {0};
    CU_ASSERT_EQUAL(ec2_describe_snapshot(west.c, copy_snap, &s, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(s.owner, PROD);
    ec2_snapshot_clean_up(&s);
    /* the image holds its snapshot until it is deregistered */
    CU_ASSERT_EQUAL(ec2_delete_snapshot(west.c, copy_snap, &err), DRH_E_AWS);
    CU_ASSERT_EQUAL(ec2_deregister_image(west.c, copy, &err), DRH_OK);
    CU_ASSERT_EQUAL(ec2_describe_image(west.c, copy, &im, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(ec2_delete_snapshot(west.c, copy_snap, &err), DRH_OK);
    CU_ASSERT_EQUAL(ec2_describe_snapshot(west.c, copy_snap, &s, &err), DRH_E_NOTFOUND);
    free(copy_snap);
    free(copy);
    emu_client_close(&west);
}

static void test_instance_lifecycle(void)
{
    char ami[32], snap[32];
    s_seed_ami("ec2-unit-launch", ami, snap);
    struct emu_client e;
    s_env(&e, "production", "us-east-1");
    struct drh_err err;
    struct aws_tag tags[] = {{"drh:run-id", "unit-run"}, {"drh:drill", "unit"}};
    struct ec2_launch l = {ami, "t3.micro", NULL, NULL, 0, tags, 2, "ec2-unit-launch-token"};
    char *id = NULL;
    CU_ASSERT_EQUAL_FATAL(ec2_run_instance(e.c, &l, &id, &err), DRH_OK);
    CU_ASSERT_EQUAL(strncmp(id, "i-", 2), 0);
    struct ec2_instance in = {0};
    CU_ASSERT_EQUAL_FATAL(ec2_describe_instance(e.c, id, &in, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(in.image_id, ami);
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&in.tags, "drh:run-id"), "unit-run");
    CU_ASSERT_STRING_EQUAL(in.private_ip, "127.0.0.1");
    char *tag = NULL;
    CU_ASSERT_EQUAL(ec2_get_tag(e.c, id, "drh:run-id", &tag, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(tag, "unit-run");
    free(tag);
    struct ec2_instance_status s = {0};
    for (int i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL_FATAL(ec2_describe_instance_status(e.c, id, &s, &err), DRH_OK);
        if (strcmp(s.instance_status, "ok") == 0)
            break;
        s_sleep(0.1);
    }
    CU_ASSERT_STRING_EQUAL(s.state, "running");
    CU_ASSERT_STRING_EQUAL(s.instance_status, "ok");
    CU_ASSERT_STRING_EQUAL(s.system_status, "ok");
    CU_ASSERT_EQUAL(ec2_terminate_instance(e.c, id, &err), DRH_OK);
    for (int i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL_FATAL(ec2_describe_instance(e.c, id, &in, &err), DRH_OK);
        if (strcmp(in.state, "terminated") == 0)
            break;
        s_sleep(0.1);
    }
    CU_ASSERT_STRING_EQUAL(in.state, "terminated");
    ec2_instance_status_clean_up(&s);
    ec2_instance_clean_up(&in);
    free(id);
    emu_client_close(&e);
}

static const struct test_case cases[] = {
    {"describe image and tags", test_describe_image_and_tags},
    {"sharing permissions", test_sharing_permissions},
    {"not found", test_not_found},
    {"copy, deregister, delete", test_copy_deregister_delete},
    {"instance lifecycle", test_instance_lifecycle},
};

TEST_SUITE_FULL("aws-ec2", cases, dbfixture_unavailable, s_init, NULL)
