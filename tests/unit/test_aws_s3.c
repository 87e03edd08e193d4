/* Tests of the S3 module and the client's parallel batches against the
 * local emulator (which checks every signature with botocore): objects
 * with keys that need encoding, versions, ListObjectVersions across pages,
 * parallel HEADs with throttling retried, buckets and tags, and the
 * mapping of the not-found codes to DRH_E_NOTFOUND. */
#include "support/dbfixture.h"
#include "support/emuclient.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/creds.h"
#include "aws/s3.h"
#include "json.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct emu_client s_e;

static int s_init(void)
{
    if (dbfixture_start() != 0)
        return 1;
    return emu_client_open(&s_e, "production", "us-east-1") != 0;
}

static int s_cleanup(void)
{
    emu_client_close(&s_e);
    return 0;
}

/* An admin API call; the reply's JSON (caller frees), NULL on failure. */
static struct json *s_admin(const char *method, const char *path, const char *body)
{
    struct json *out = NULL;
    if (emu_admin(method, path, body, &out) != 0)
        TEST_FAILF("%s %s failed (see stderr)", method, path);
    return out;
}

/* A versioned bucket of production with n objects "obj/NNNNN" (and extra
 * JSON members of the objects map, may be ""). */
static void s_seed(const char *bucket, int n, const char *extra)
{
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "{\"profile\":\"production\",\"bucket\":\"%s\",\"objects\":{", bucket);
    for (int i = 0; i < n; i++)
        buf_printf(&b, "%s\"obj/%05d\":\"content %d\"", i ? "," : "", i, i);
    if (extra && *extra)
        buf_printf(&b, "%s%s", n ? "," : "", extra);
    buf_puts(&b, "}}");
    json_free(s_admin("POST", "/seed/s3", buf_str(&b)));
    buf_clean_up(&b);
}

static void test_objects_and_versions(void)
{
    struct drh_err err;
    s_seed("ut-objects", 0, "\"plain\":\"one\"");
    char *vs = NULL;
    if (s3_get_versioning(s_e.c, "ut-objects", &vs, &err) != DRH_OK)
        TEST_FAILF("%s", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(vs);
    CU_ASSERT_STRING_EQUAL(vs, "Enabled");
    free(vs);
    const char *key = "dir one/ü+%?&=.txt";
    struct s3_head put = {0}, put2 = {0}, h = {0};
    CU_ASSERT_EQUAL_FATAL(s3_put_object(s_e.c, "ut-objects", key, "hello", 5, "run-7", &put, &err),
                          DRH_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(put.version_id);
    CU_ASSERT_STRING_EQUAL(put.etag, "\"5d41402abc4b2a76b9719d911017c592\""); /* md5("hello") */
    CU_ASSERT_EQUAL_FATAL(s3_put_object(s_e.c, "ut-objects", key, "world!", 6, NULL, &put2, &err),
                          DRH_OK);
    CU_ASSERT_EQUAL(s3_head_object(s_e.c, "ut-objects", key, put.version_id, &h, &err), DRH_OK);
    CU_ASSERT_EQUAL(h.size, 5);
    CU_ASSERT_STRING_EQUAL(h.run_id ? h.run_id : "", "run-7");
    CU_ASSERT_PTR_NOT_NULL(h.checksum_sha256);
    CU_ASSERT(h.modified > 1e9);
    s3_head_clean_up(&h);
    struct buf body;
    buf_init(&body);
    CU_ASSERT_EQUAL(s3_get_object(s_e.c, "ut-objects", key, NULL, &body, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(buf_str(&body), "world!");
    buf_reset(&body);
    CU_ASSERT_EQUAL(s3_get_object(s_e.c, "ut-objects", key, put.version_id, &body, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(buf_str(&body), "hello");
    buf_clean_up(&body);

    struct s3_version *v = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(s3_list_versions(s_e.c, "ut-objects", "dir one/", &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_STRING_EQUAL(v[i].key, key);
        bool newest = strcmp(v[i].version_id, put2.version_id) == 0;
        CU_ASSERT_EQUAL(v[i].latest, newest);
        CU_ASSERT_EQUAL(v[i].size, newest ? 6 : 5);
    }
    s3_versions_free(v, n);

    /* a delete marker, then the versions for good */
    CU_ASSERT_EQUAL(s3_delete_object(s_e.c, "ut-objects", key, NULL, &err), DRH_OK);
    CU_ASSERT_EQUAL(s3_head_object(s_e.c, "ut-objects", key, NULL, &h, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(s3_list_versions(s_e.c, "ut-objects", "dir one/", &v, &n, &err), DRH_OK);
    size_t markers = 0;
    for (size_t i = 0; i < n; i++) {
        markers += v[i].delete_marker;
        CU_ASSERT_EQUAL(s3_delete_object(s_e.c, "ut-objects", key, v[i].version_id, &err), DRH_OK);
    }
    CU_ASSERT_EQUAL(markers, 1);
    s3_versions_free(v, n);
    CU_ASSERT_EQUAL(s3_head_object(s_e.c, "ut-objects", key, put.version_id, &h, &err),
                    DRH_E_NOTFOUND);
    s3_head_clean_up(&put);
    s3_head_clean_up(&put2);
}

static void test_bucket_config_not_found(void)
{
    struct drh_err err;
    s_seed("ut-config", 1, "");
    struct s3_replication r = {0};
    char *text = NULL;
    size_t a, b;
    CU_ASSERT_EQUAL(s3_get_replication(s_e.c, "ut-config", &r, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "ReplicationConfigurationNotFoundError"));
    CU_ASSERT_EQUAL(s3_get_policy(s_e.c, "ut-config", &text, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(s3_get_lifecycle(s_e.c, "ut-config", &a, &b, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(s3_get_versioning(s_e.c, "ut-no-such-bucket", &text, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "NoSuchBucket"));
    CU_ASSERT_EQUAL(s3_head_bucket(s_e.c, "ut-no-such-bucket", &err), DRH_E_NOTFOUND);
}

static void test_bucket_lifecycle_and_tags(void)
{
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(s3_create_bucket(s_e.c, "ut-made", &err), DRH_OK);
    CU_ASSERT_EQUAL(s3_head_bucket(s_e.c, "ut-made", &err), DRH_OK);
    char *v = NULL;
    CU_ASSERT_EQUAL(s3_get_bucket_tag(s_e.c, "ut-made", "drh:run-id", &v, &err), DRH_OK);
    CU_ASSERT_PTR_NULL(v);
    struct aws_tag tags[2] = {{"drh:run-id", "run-<&>"}, {"drh:drill", "d"}};
    CU_ASSERT_EQUAL(s3_put_bucket_tagging(s_e.c, "ut-made", tags, 2, &err), DRH_OK);
    CU_ASSERT_EQUAL(s3_get_bucket_tag(s_e.c, "ut-made", "drh:run-id", &v, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(v ? v : "", "run-<&>");
    free(v);
    CU_ASSERT_EQUAL(s3_put_object(s_e.c, "ut-made", "k", "x", 1, NULL, NULL, &err), DRH_OK);
    CU_ASSERT_EQUAL(s3_delete_bucket(s_e.c, "ut-made", &err), DRH_E_AWS); /* BucketNotEmpty */
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "BucketNotEmpty"));
    CU_ASSERT_EQUAL(s3_delete_object(s_e.c, "ut-made", "k", NULL, &err), DRH_OK);
    CU_ASSERT_EQUAL(s3_delete_bucket(s_e.c, "ut-made", &err), DRH_OK);
    CU_ASSERT_EQUAL(s3_head_bucket(s_e.c, "ut-made", &err), DRH_E_NOTFOUND);
}

/* 2,500 objects and a second version of one: three pages of 1,000. */
static void test_list_versions_pages(void)
{
    struct drh_err err;
    s_seed("ut-pages", 2500, "");
    CU_ASSERT_EQUAL(s3_put_object(s_e.c, "ut-pages", "obj/01000", "v2", 2, NULL, NULL, &err),
                    DRH_OK);
    struct s3_version *v = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(s3_list_versions(s_e.c, "ut-pages", NULL, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2501);
    size_t latest = 0;
    for (size_t i = 0; i < n; i++) {
        latest += v[i].latest;
        if (i > 0 && strcmp(v[i - 1].key, v[i].key) > 0)
            TEST_FAILF("listing out of order at %zu: %s > %s", i, v[i - 1].key, v[i].key);
    }
    CU_ASSERT_EQUAL(latest, 2500);
    s3_versions_free(v, n);
}

/* 400 HEADs in parallel while the emulator throttles 6 of them: every one
 * succeeds (the throttled ones after a retry) and the fault is used up. */
static void test_head_many_retries_throttling(void)
{
    struct drh_err err;
    s_seed("ut-many", 400, "");
    json_free(s_admin("POST", "/faults",
                      "{\"kind\":\"throttle\",\"service\":\"s3\",\"operation\":\"HeadObject\","
                      "\"count\":6}"));
    struct s3_item *items = xcalloc(400, sizeof *items);
    char(*keys)[16] = xcalloc(400, sizeof *keys);
    for (int i = 0; i < 400; i++) {
        snprintf(keys[i], sizeof keys[i], "obj/%05d", i);
        items[i].key = keys[i];
    }
    items[7].key = "obj/missing";
    CU_ASSERT_EQUAL_FATAL(s3_head_many(s_e.c, "ut-many", items, 400, 16, &err), DRH_OK);
    for (int i = 0; i < 400; i++) {
        if (i == 7) {
            CU_ASSERT_EQUAL(items[i].status, DRH_E_NOTFOUND);
            continue;
        }
        if (items[i].status != DRH_OK) {
            TEST_FAILF("HEAD %s: %s", items[i].key, items[i].err.msg);
            continue;
        }
        char want[32];
        snprintf(want, sizeof want, "%d", (int)strlen("content ") + (i < 10 ? 1 : i < 100 ? 2 : 3));
        CU_ASSERT_EQUAL(items[i].head.size, atoll(want));
    }
    struct json *f = s_admin("GET", "/faults", NULL);
    CU_ASSERT_EQUAL(json_array_size(json_get(f, "faults")), 0);
    json_free(f);
    /* GET them in parallel too */
    CU_ASSERT_EQUAL(s3_get_many(s_e.c, "ut-many", items + 100, 50, 8, &err), DRH_OK);
    for (int i = 100; i < 150; i++) {
        char want[32];
        snprintf(want, sizeof want, "content %d", i);
        CU_ASSERT_STRING_EQUAL(buf_str(&items[i].data), want);
    }
    s3_items_clean_up(items, 400);
    free(items);
    free(keys);
}

static const struct test_case cases[] = {
    {"objects_and_versions", test_objects_and_versions},
    {"bucket_config_not_found", test_bucket_config_not_found},
    {"bucket_lifecycle_and_tags", test_bucket_lifecycle_and_tags},
    {"list_versions_pages", test_list_versions_pages},
    {"head_many_retries_throttling", test_head_many_retries_throttling},
};

TEST_SUITE_FULL("aws-s3", cases, dbfixture_unavailable, s_init, s_cleanup)
