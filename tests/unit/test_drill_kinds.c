/* Tests of the drill loader for the efs, s3 and ec2 resource types: good
 * files load with every value and every default drill.h promises, the
 * isolation keys and vaults are asked for only where a type needs them.
 * (Bad files of these types are in test_drill.c's table.) */
#include "support/testenv.h"
#include "support/testreg.h"

#include "drill/drill.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define GOOD_DIR "tests/data/drills/good/"

static struct drill *s_load(const char *path)
{
    struct drh_err err;
    struct drill *d = NULL;
    drh_err_clear(&err);
    if (drill_load(path, &d, &err) != DRH_OK) {
        TEST_FAILF("%s: %s (hint: %s)", path, err.msg, err.hint);
        return NULL;
    }
    return d;
}

/* Every default of the three types, side by side. */
static void test_minimal(void)
{
    struct drill *d = s_load(GOOD_DIR "kinds-minimal.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_PTR_NULL(d->isolation.db_subnet_group);
    CU_ASSERT_STRING_EQUAL(d->isolation.subnet, "subnet-0123456789abcdef0");
    CU_ASSERT_EQUAL_FATAL(d->n_resources, 3);

    const struct drill_resource *r = &d->resources[0];
    CU_ASSERT_EQUAL(r->type, DRILL_EFS);
    CU_ASSERT_STRING_EQUAL(r->name, "fs-0123456789abcdef0");
    CU_ASSERT_STRING_EQUAL(r->source, "fs-0123456789abcdef0");
    CU_ASSERT_EQUAL(r->path, DRILL_PATH_BACKUP);
    CU_ASSERT_EQUAL(r->select, DRILL_SELECT_LATEST);
    CU_ASSERT_EQUAL(r->within_days, 7);
    CU_ASSERT_TRUE(r->copy);
    CU_ASSERT_PTR_NULL(r->instance_class);
    CU_ASSERT_FALSE(r->efs.existing);
    CU_ASSERT_PTR_NULL(r->efs.file_system);
    CU_ASSERT_STRING_EQUAL(r->efs.mount_point, "/mnt/drh/efs");
    CU_ASSERT_STRING_EQUAL(r->efs.mount_cmd,
                           "fixtures/demo/efs-mount {file_system_id} {mount_point}");
    CU_ASSERT_STRING_EQUAL(r->efs.unmount_cmd, "fixtures/demo/efs-unmount {mount_point}");
    CU_ASSERT_EQUAL(r->efs.mount_timeout, 120);
    CU_ASSERT_EQUAL_FATAL(r->n_probes, 3);
    CU_ASSERT_EQUAL(r->probes[0].kind, PROBE_MANIFEST);
    CU_ASSERT_STRING_EQUAL(r->probes[0].name, "manifest");
    CU_ASSERT_STRING_EQUAL(r->probes[0].manifest, "manifests/files.json");
    CU_ASSERT_EQUAL(r->probes[1].kind, PROBE_FILES);
    CU_ASSERT_STRING_EQUAL(r->probes[1].name, "files");
    CU_ASSERT_EQUAL(r->probes[1].n_paths, 0);
    CU_ASSERT_PTR_NULL(r->probes[1].paths);
    CU_ASSERT_EQUAL(r->probes[1].min_files, 1);
    CU_ASSERT_EQUAL(r->probes[1].max_age, 0);
    CU_ASSERT_EQUAL(r->probes[1].timeout, 60);
    CU_ASSERT_EQUAL(r->probes[2].kind, PROBE_CANARY);
    CU_ASSERT_STRING_EQUAL(r->probes[2].canary_file, ".drh-canary");
    CU_ASSERT_PTR_NULL(r->probes[2].canary_table); /* a database's, not a file system's */
    CU_ASSERT_PTR_NULL(r->probes[2].canary_column);

    r = &d->resources[1];
    CU_ASSERT_EQUAL(r->type, DRILL_S3);
    CU_ASSERT_STRING_EQUAL(r->name, "orders-example-com"); /* dots become hyphens */
    CU_ASSERT_STRING_EQUAL(r->s3.replica_bucket, "orders-replica");
    CU_ASSERT_PTR_NULL(r->s3.replication_role);
    CU_ASSERT_FALSE(r->s3.lifecycle_source);
    CU_ASSERT_FALSE(r->s3.lifecycle_replica);
    CU_ASSERT_TRUE(r->s3.canary);
    CU_ASSERT_EQUAL(r->s3.max_lag, 15 * 60);
    CU_ASSERT_TRUE(r->s3.compare);
    CU_ASSERT_STRING_EQUAL(r->s3.prefix, "");
    CU_ASSERT_FALSE(r->s3.restore);
    CU_ASSERT_STRING_EQUAL(r->s3.restore_prefix, "");
    CU_ASSERT_EQUAL(r->s3.restore_at, 0);
    CU_ASSERT_EQUAL(r->s3.restore_ago, 0);
    CU_ASSERT_EQUAL(r->n_probes, 0);

    r = &d->resources[2];
    CU_ASSERT_EQUAL(r->type, DRILL_EC2);
    CU_ASSERT_STRING_EQUAL(r->name, "i-0123456789abcdef0");
    CU_ASSERT_EQUAL(r->path, DRILL_PATH_BACKUP);
    CU_ASSERT_TRUE(r->copy);
    CU_ASSERT_STRING_EQUAL(r->ec2.instance_type, "t3.micro");
    CU_ASSERT_PTR_NULL(r->ec2.tag_key);
    CU_ASSERT_PTR_NULL(r->ec2.tag_value);
    CU_ASSERT_PTR_NULL(r->ec2.tunnel);
    CU_ASSERT_EQUAL_FATAL(r->n_probes, 3);
    const struct drill_probe *p = r->probes;
    CU_ASSERT_EQUAL(p[0].kind, PROBE_HTTP);
    CU_ASSERT_STRING_EQUAL(p[0].name, "http");
    CU_ASSERT_EQUAL(p[0].port, 80);
    CU_ASSERT_STRING_EQUAL(p[0].http_path, "/");
    CU_ASSERT_EQUAL(p[0].http_status, 200);
    CU_ASSERT_PTR_NULL(p[0].body_regex);
    CU_ASSERT_EQUAL(p[1].kind, PROBE_TCP);
    CU_ASSERT_STRING_EQUAL(p[1].name, "tcp");
    CU_ASSERT_EQUAL(p[1].port, 22);
    CU_ASSERT_PTR_NULL(p[1].http_path);
    CU_ASSERT_EQUAL(p[2].kind, PROBE_STATUS);
    CU_ASSERT_STRING_EQUAL(p[2].name, "status");
    CU_ASSERT_EQUAL(p[2].port, 0);
    drill_free(d);
}

/* Every key of the three types set. */
static void test_full(void)
{
    struct drill *d = s_load(GOOD_DIR "kinds-full.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    /* efs across account and region: no staging vault, no DB subnet group */
    CU_ASSERT_PTR_NULL(d->target.staging_vault);
    CU_ASSERT_PTR_NULL(d->isolation.db_subnet_group);
    CU_ASSERT_STRING_EQUAL(d->isolation.subnet, "subnet-0fedcba9");
    CU_ASSERT_EQUAL_FATAL(d->n_resources, 4);

    const struct drill_resource *r = &d->resources[0];
    CU_ASSERT_STRING_EQUAL(r->name, "shared-files");
    CU_ASSERT_EQUAL(r->type, DRILL_EFS);
    CU_ASSERT_EQUAL(r->select, DRILL_SELECT_RANDOM);
    CU_ASSERT_EQUAL(r->within_days, 3);
    CU_ASSERT_TRUE(r->copy);
    CU_ASSERT_TRUE(r->efs.existing);
    CU_ASSERT_STRING_EQUAL(r->efs.file_system, "fs-00000000000000000000000000000000abcdef01");
    CU_ASSERT_STRING_EQUAL(r->efs.mount_point, "/mnt/drh/shared");
    /* ${HOME} is the shell's, not a placeholder */
    CU_ASSERT_STRING_EQUAL(r->efs.mount_cmd,
                           "mount -t nfs4 {mount_target_ip}:/ {mount_point} # {region} ${HOME}");
    CU_ASSERT_STRING_EQUAL(r->efs.unmount_cmd, "umount {mount_point}");
    CU_ASSERT_EQUAL(r->efs.mount_timeout, 300);
    CU_ASSERT_EQUAL_FATAL(r->n_probes, 3);
    const struct drill_probe *p = r->probes;
    CU_ASSERT_STRING_EQUAL(p[0].name, "layout");
    CU_ASSERT_EQUAL(p[0].timeout, 120);
    CU_ASSERT_EQUAL_FATAL(p[0].n_paths, 3);
    CU_ASSERT_STRING_EQUAL(p[0].paths[0], "data/orders.csv");
    CU_ASSERT_STRING_EQUAL(p[0].paths[1], "./etc/app.conf");
    CU_ASSERT_STRING_EQUAL(p[0].paths[2], "a..b/c"); /* a name, not the parent */
    CU_ASSERT_EQUAL(p[0].min_files, 0);
    CU_ASSERT_EQUAL(p[0].max_age, 86400);
    CU_ASSERT_STRING_EQUAL(p[1].name, "files-2"); /* numbered among the files probes */
    CU_ASSERT_EQUAL(p[1].min_files, 250);
    CU_ASSERT_STRING_EQUAL(p[2].canary_file, "meta/written-at");

    r = &d->resources[1];
    CU_ASSERT_STRING_EQUAL(r->name, "orders-bucket");
    CU_ASSERT_STRING_EQUAL(r->source, "arn:aws:s3:::orders.example.com");
    CU_ASSERT_STRING_EQUAL(r->s3.replica_bucket, "orders-replica");
    CU_ASSERT_STRING_EQUAL(r->s3.replication_role,
                           "arn:aws:iam::111111111111:role/service-role/s3-replication");
    CU_ASSERT_TRUE(r->s3.lifecycle_source);
    CU_ASSERT_TRUE(r->s3.lifecycle_replica);
    CU_ASSERT_FALSE(r->s3.canary);
    CU_ASSERT_EQUAL(r->s3.max_lag, 1800);
    CU_ASSERT_FALSE(r->s3.compare);
    CU_ASSERT_STRING_EQUAL(r->s3.prefix, "invoices/");
    CU_ASSERT_TRUE(r->s3.restore);
    CU_ASSERT_STRING_EQUAL(r->s3.restore_prefix, "invoices/2026/");
    CU_ASSERT_EQUAL(r->s3.restore_at, 1795255200.0); /* 2026-11-21T10:00:00Z */
    CU_ASSERT_EQUAL(r->s3.restore_ago, 0);

    r = &d->resources[2];
    CU_ASSERT_STRING_EQUAL(r->name, "logs-example-com");
    CU_ASSERT_FALSE(r->s3.lifecycle_source);
    CU_ASSERT_TRUE(r->s3.lifecycle_replica);
    CU_ASSERT_TRUE(r->s3.restore);
    CU_ASSERT_STRING_EQUAL(r->s3.restore_prefix, "");
    CU_ASSERT_EQUAL(r->s3.restore_at, 0);
    CU_ASSERT_EQUAL(r->s3.restore_ago, 7200);

    r = &d->resources[3];
    CU_ASSERT_EQUAL(r->type, DRILL_EC2);
    CU_ASSERT_STRING_EQUAL(r->name, "i-0123456789abcdef0"); /* after "instance/" */
    CU_ASSERT_EQUAL(r->path, DRILL_PATH_TAG);
    CU_ASSERT_TRUE(r->copy);
    CU_ASSERT_STRING_EQUAL(r->ec2.tag_key, "drh-dr");
    CU_ASSERT_STRING_EQUAL(r->ec2.tag_value, "web");
    CU_ASSERT_STRING_EQUAL(r->ec2.instance_type, "m6i.large");
    CU_ASSERT_STRING_EQUAL(r->ec2.tunnel, "fixtures/demo/ec2-tunnel {instance_id} {port}");
    CU_ASSERT_EQUAL_FATAL(r->n_probes, 4);
    p = r->probes;
    CU_ASSERT_STRING_EQUAL(p[0].name, "health");
    CU_ASSERT_EQUAL(p[0].port, 8080);
    CU_ASSERT_STRING_EQUAL(p[0].http_path, "/health?full=1");
    CU_ASSERT_EQUAL(p[0].http_status, 204);
    CU_ASSERT_STRING_EQUAL(p[0].body_regex, "\"status\": *\"ok\"");
    CU_ASSERT_STRING_EQUAL(p[1].name, "http-2");
    CU_ASSERT_EQUAL(p[1].port, 443);
    CU_ASSERT_EQUAL(p[2].port, 5432);
    CU_ASSERT_EQUAL(p[2].timeout, 10);
    CU_ASSERT_STRING_EQUAL(p[3].name, "checks");
    drill_free(d);
}

/* The one-type files make-bad-cases.py starts from load as they are. */
static void test_bases(void)
{
    struct drill *d = s_load(GOOD_DIR "s3-minimal.json");
    if (d) {
        /* only s3 resources: no isolation at all */
        CU_ASSERT_FALSE(d->isolation.create);
        CU_ASSERT_PTR_NULL(d->isolation.subnet);
        CU_ASSERT_EQUAL(d->isolation.n_security_groups, 0);
        CU_ASSERT_EQUAL(d->resources[0].type, DRILL_S3);
    }
    drill_free(d);
    d = s_load(GOOD_DIR "efs-minimal.json");
    if (d)
        CU_ASSERT_EQUAL(d->resources[0].type, DRILL_EFS);
    drill_free(d);
    d = s_load(GOOD_DIR "ec2-minimal.json");
    if (d)
        CU_ASSERT_EQUAL(d->resources[0].type, DRILL_EC2);
    drill_free(d);
}

/* Rules that are looser for these types than for databases. */
static void test_variants(void)
{
    struct testenv *t = testenv_new();
    /* efs into an existing file system needs no subnet; ec2 by tag needs no
     * vault at all and may launch in the same region without a copy; an
     * ARN's region and account that match the source are taken. */
    char *path = testenv_write(
        t, "v.json",
        "{\"drill\": {\"name\": \"v\"},\n"
        " \"source\": {\"account\": \"111111111111\", \"region\": \"eu-west-1\",\n"
        "            \"vault\": \"prod-vault\"},\n"
        " \"target\": {\"account\": \"222222222222\", \"region\": \"eu-west-1\",\n"
        "            \"vault\": \"dr-vault\", \"isolation\": {}},\n"
        " \"resources\": [\n"
        "  {\"type\": \"efs\", \"source\": "
        "\"arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-abcdef01\",\n"
        "   \"recovery_point\": {\"select\": \"dr-vault\"},\n"
        "   \"restore\": {\"into\": \"existing\", \"file_system\": \"fs-12345678\",\n"
        "     \"mount\": {\"point\": \"/mnt/x\", \"mount\": \"m {mount_point}\",\n"
        "                \"unmount\": \"u {mount_point}\"}}}],\n"
        " \"teardown\": \"never\"}\n",
        0);
    struct drill *d = s_load(path);
    if (d) {
        CU_ASSERT_STRING_EQUAL(d->resources[0].name, "fs-abcdef01");
        CU_ASSERT_FALSE(d->resources[0].copy); /* the default with dr-vault */
        CU_ASSERT_TRUE(d->resources[0].efs.existing);
        CU_ASSERT_PTR_NULL(d->isolation.subnet);
    }
    drill_free(d);
    free(path);

    path = testenv_write(
        t, "tag.json",
        "{\"drill\": {\"name\": \"tag\"},\n"
        " \"source\": {\"account\": \"111111111111\", \"region\": \"eu-west-1\"},\n"
        " \"target\": {\"account\": \"222222222222\", \"region\": \"eu-west-1\",\n"
        "            \"isolation\": {\"subnet\": \"subnet-12345678\",\n"
        "                            \"security_groups\": [\"sg-1\"]}},\n"
        " \"resources\": [\n"
        "  {\"type\": \"ec2\", \"source\": \"i-12345678\", \"path\": \"tag\", \"copy\": false,\n"
        "   \"image\": {\"tag\": {\"key\": \"k\", \"value\": \"v\"}}}]}\n",
        0);
    d = s_load(path);
    if (d) {
        CU_ASSERT_EQUAL(d->resources[0].path, DRILL_PATH_TAG);
        CU_ASSERT_FALSE(d->resources[0].copy);
        CU_ASSERT_PTR_NULL(d->source.vault);
        CU_ASSERT_PTR_NULL(d->target.vault);
    }
    drill_free(d);
    free(path);
    testenv_free(t);
}

static void test_names(void)
{
    CU_ASSERT_STRING_EQUAL(drill_resource_type_name(DRILL_EFS), "efs");
    CU_ASSERT_STRING_EQUAL(drill_resource_type_name(DRILL_S3), "s3");
    CU_ASSERT_STRING_EQUAL(drill_resource_type_name(DRILL_EC2), "ec2");
    CU_ASSERT_STRING_EQUAL(drill_path_name(DRILL_PATH_TAG), "tag");
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_MANIFEST), "manifest");
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_FILES), "files");
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_HTTP), "http");
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_TCP), "tcp");
    CU_ASSERT_STRING_EQUAL(probe_kind_name(PROBE_STATUS), "status");
}

static const struct test_case cases[] = {
    {"efs, s3, ec2: defaults", test_minimal},
    {"efs, s3, ec2: every key", test_full},
    {"the bad cases' good bases load", test_bases},
    {"existing efs, ec2 by tag: what they do not need", test_variants},
    {"enum names of the new types", test_names},
};
TEST_SUITE("drill-kinds", cases)
