/*
 * Teardown of the S3 ledger kinds (teardown.h). A canary object
 * (LEDGER_S3_OBJECT, id "bucket/key", detail {"version_id", "replica",
 * "replica_region"}): its exact version in the source, and every version
 * of its key in the replica, since deletions by version id are not
 * replicated; each only when its x-amz-meta-drh-run-id names the run. A
 * restore bucket (LEDGER_S3_BUCKET): only when its drh:run-id tag names
 * the run; every version and delete marker, then the bucket, confirmed
 * gone with HeadBucket.
 */
#include "s3/s3_run.h"

#include "json.h"
#include "mem.h"
#include "run/teardown.h"

#include <stdlib.h>
#include <string.h>

struct s3_look {
    struct aws_client *c;
    const char *bucket, *key, *version_id;
};

static enum drh_status s_look_bucket(void *ctx, struct buf *status, struct drh_err *err)
{
    struct s3_look *p = ctx;
    buf_puts(status, "exists");
    return s3_head_bucket(p->c, p->bucket, err);
}

/* Every version and delete marker under prefix (the exact key when key),
 * deleted in parallel. refuse: versions whose run metadata is not run_id
 * are kept and counted (only for canaries; a restore bucket is the run's
 * as a whole). */
static enum drh_status s_delete_versions(struct td *t, struct aws_client *c, const char *bucket,
                                         const char *key, bool check_owner, struct drh_err *err)
{
    struct s3_version *v = NULL;
    size_t n = 0;
    enum drh_status st = s3_list_versions(c, bucket, key, &v, &n, err);
    if (st != DRH_OK)
        return st;
    struct s3_item *items = xcalloc(S3_CHUNK, sizeof *items);
    for (size_t off = 0; st == DRH_OK && off < n; off += S3_CHUNK) {
        size_t m = 0;
        for (size_t i = off; i < n && i < off + S3_CHUNK; i++) {
            if (key && strcmp(v[i].key, key) != 0)
                continue;
            if (check_owner && !v[i].delete_marker) {
                struct s3_head h = {0};
                st = s3_head_object(c, bucket, v[i].key, v[i].version_id, &h, err);
                bool mine = st == DRH_OK && h.run_id && strcmp(h.run_id, ledger_run_id(t->l)) == 0;
                s3_head_clean_up(&h);
                if (st == DRH_E_NOTFOUND) {
                    drh_err_clear(err);
                    st = DRH_OK;
                    continue;
                }
                if (st != DRH_OK)
                    break;
                if (!mine) {
                    char *arn = xasprintf("arn:aws:s3:::%s/%s?versionId=%s", bucket, v[i].key,
                                          v[i].version_id);
                    td_owned(t, arn, NULL, NULL);
                    free(arn);
                    continue;
                }
            }
            memset(&items[m], 0, sizeof items[m]);
            items[m].key = v[i].key;
            items[m++].version_id = v[i].version_id;
        }
        if (st == DRH_OK)
            st = s3_delete_many(c, bucket, items, m, S3_PARALLEL, err);
        for (size_t i = 0; st == DRH_OK && i < m; i++)
            if (items[i].status != DRH_OK && items[i].status != DRH_E_NOTFOUND) {
                *err = items[i].err;
                st = items[i].status;
            }
        s3_items_clean_up(items, m);
    }
    free(items);
    s3_versions_free(v, n);
    return st;
}

static enum drh_status s_bucket(struct td *t, const struct ledger_entry *e, struct aws_client *c,
                                struct drh_err *err)
{
    char *tag = NULL;
    char *arn = xasprintf("arn:aws:s3:::%s", e->id);
    enum drh_status st = s3_get_bucket_tag(c, e->id, LEDGER_TAG_RUN, &tag, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        st = ledger_gone(t->l, e->kind, e->id, err);
        goto done;
    }
    if (st != DRH_OK || !td_owned(t, arn, tag, NULL))
        goto done;
    td_progress(t, e, NULL);
    if ((st = s_delete_versions(t, c, e->id, NULL, false, err)) != DRH_OK)
        goto done;
    st = s3_delete_bucket(c, e->id, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        st = DRH_OK;
    }
    struct s3_look look = {c, e->id, NULL, NULL};
    if (st == DRH_OK)
        st = td_wait_gone(t, e, s_look_bucket, &look, err);
    if (st == DRH_OK)
        st = td_gone(t, e, err);
done:
    free(tag);
    free(arn);
    return st;
}

/* The canary's version in the source; then its key in the replica. */
static enum drh_status s_object(struct td *t, const struct ledger_entry *e, struct aws_client *c,
                                struct drh_err *err)
{
    const char *slash = strchr(e->id, '/');
    struct json *detail = NULL;
    if (!slash)
        return drh_err_set(err, DRH_E_INTERNAL, "ledger s3 object '%s' is not bucket/key", e->id);
    if (!e->detail) /* the put never answered: look for the key itself */
        detail = json_new_object();
    else if (json_parse(e->detail, strlen(e->detail), &detail, err) != DRH_OK)
        return drh_err_prefix(err, "ledger detail of s3 object '%s'", e->id);
    char *bucket = xstrndup(e->id, (size_t)(slash - e->id));
    const char *key = slash + 1;
    const char *replica = json_get_string(detail, "replica");
    const char *region = json_get_string(detail, "replica_region");
    td_progress(t, e, NULL);
    /* source: every version of the key that carries this run's metadata
     * (normally just the canary's version) */
    enum drh_status st = s_delete_versions(t, c, bucket, key, true, err);
    struct aws_client *tc = NULL;
    if (st == DRH_OK && replica) {
        st = side_client(t->tgt, region, &tc, err);
        if (st == DRH_OK)
            st = s_delete_versions(t, tc, replica, key, true, err);
        if (st == DRH_E_NOTFOUND) { /* the replica bucket is gone: nothing of ours in it */
            drh_err_clear(err);
            st = DRH_OK;
        }
    }
    /* confirm: no version of ours is left on either side */
    size_t left = 0;
    for (int side = 0; st == DRH_OK && side < 2; side++) {
        struct aws_client *cc = side ? tc : c;
        const char *b = side ? replica : bucket;
        if (!cc || !b)
            continue;
        struct s3_version *v = NULL;
        size_t n = 0;
        st = s3_list_versions(cc, b, key, &v, &n, err);
        for (size_t i = 0; st == DRH_OK && i < n; i++) {
            if (strcmp(v[i].key, key) != 0 || v[i].delete_marker)
                continue;
            struct s3_head h = {0};
            if (s3_head_object(cc, b, key, v[i].version_id, &h, err) == DRH_OK && h.run_id &&
                strcmp(h.run_id, ledger_run_id(t->l)) == 0)
                left++;
            drh_err_clear(err);
            s3_head_clean_up(&h);
        }
        s3_versions_free(v, n);
    }
    if (st == DRH_OK && left)
        st = drh_err_set(err, DRH_E_AWS,
                         "%zu version(s) of canary '%s' still exist after "
                         "deleting them",
                         left, key);
    if (st == DRH_OK)
        st = td_gone(t, e, err);
    free(bucket);
    json_free(detail);
    return st;
}

enum drh_status s3_teardown_entry(struct td *t, const struct ledger_entry *e, struct aws_client *c,
                                  struct drh_err *err)
{
    if (e->kind == LEDGER_S3_BUCKET)
        return s_bucket(t, e, c, err);
    return s_object(t, e, c, err);
}
