/*
 * The S3 resource's "canary" case: the chain `drh canary` writes under
 * canary.prefix (harness/canary/canary.h) read back and verified, its
 * newest canary dating the data (the run's canary time: case "rpo data").
 *
 * Which copy is read: the restore (s3_restore.c) leaves everything under
 * drh-canary/ out, the chain included, so with a restore section the chain
 * is read from the source's versions as they were at the restore point
 * (the newest version of each key not after it): exactly what a restore of
 * the chain would have copied. Without one it is read from the replica's
 * current objects: what replication delivered. Keys under the prefix that
 * are not chain keys (the live check's drh-canary/RUN-ID objects) are
 * skipped.
 */
#include "s3/s3_run.h"

#include "canary/canary.h"
#include "mem.h"
#include "run/progress.h"

#include <stdlib.h>
#include <string.h>

struct s_link {
    long long seq;
    const char *key;        /* borrowed from the listing */
    const char *version_id; /* NULL: the current version */
};

static int s_by_seq(const void *a, const void *b)
{
    long long x = ((const struct s_link *)a)->seq, y = ((const struct s_link *)b)->seq;
    return x < y ? -1 : x > y;
}

/* The chain's objects as they were at t (0: now): s3_versions_at()'s
 * pick of the keys that are chain keys. */
static size_t s_select(const struct s3_version *v, size_t n, const char *prefix, double t,
                       struct s_link *out)
{
    size_t *idx = xcalloc(n ? n : 1, sizeof *idx);
    size_t m = 0, k = s3_versions_at(v, n, t, idx);
    for (size_t i = 0; i < k; i++) {
        const struct s3_version *x = &v[idx[i]];
        long long seq;
        if (canary_s3_key_seq(prefix, x->key, &seq))
            out[m++] = (struct s_link){seq, x->key, x->version_id};
    }
    free(idx);
    return m;
}

/* Reads a batch and feeds it to the verifier. */
static enum step_end s_batch(struct s3_run *run, struct aws_client *c, const char *bucket,
                             const struct s_link *l, size_t m, bool versions,
                             struct canary_verify *v, struct drh_err *err)
{
    struct s3_item *items = xcalloc(m, sizeof *items);
    for (size_t i = 0; i < m; i++) {
        items[i].key = l[i].key;
        items[i].version_id = versions ? l[i].version_id : NULL;
    }
    enum step_end e = STEP_OK;
    if (s3_get_many(c, bucket, items, m, S3_PARALLEL, err) != DRH_OK)
        e = STEP_ERROR;
    for (size_t i = 0; i < m && e == STEP_OK && !v->broken; i++) {
        struct canary k;
        char *drill = NULL, *resource = NULL;
        if (items[i].status != DRH_OK) {
            *err = items[i].err;
            drh_err_prefix(err, "reading canary '%s' from '%s'", l[i].key, bucket);
            e = s3_step_of(items[i].status);
        } else if (canary_s3_parse(items[i].data.data ? items[i].data.data : "", items[i].data.len,
                                   l[i].key, &k, &drill, &resource, err) != DRH_OK) {
            canary_verify_break(v, l[i].seq, "its object is not a canary (altered): %s", err->msg);
            drh_err_clear(err);
        } else if (k.seq != l[i].seq) {
            canary_verify_break(v, l[i].seq, "object '%s' holds seq %lld (altered)", l[i].key,
                                k.seq);
        } else if (strcmp(drill, run->res.d->name) || strcmp(resource, run->res.r->name)) {
            canary_verify_break(v, k.seq, "it belongs to %s/%s, not this resource's chain", drill,
                                resource);
        } else {
            canary_verify_add(v, &k);
        }
        free(drill);
        free(resource);
    }
    s3_items_clean_up(items, m);
    free(items);
    return e;
}

enum step_end s3_canary(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    const char *prefix = res->r->canary.prefix ? res->r->canary.prefix : CANARY_S3_PREFIX;
    bool at_restore = res->r->s3.restore && run->restore_t > 0;
    struct aws_client *c = at_restore ? run->sc : run->tc;
    const char *bucket = at_restore ? run->bucket : run->replica;
    char when[64] = "now";
    if (at_restore)
        res_iso_time(run->restore_t, when);
    struct s3_version *v = NULL;
    size_t n = 0;
    enum drh_status st = s3_list_versions(c, bucket, prefix, &v, &n, err);
    if (st != DRH_OK)
        return s3_step_of(st);
    struct s_link *l = xcalloc(n ? n : 1, sizeof *l);
    size_t m = s_select(v, n, prefix, at_restore ? run->restore_t : 0, l);
    qsort(l, m, sizeof *l, s_by_seq);
    enum step_end e = STEP_OK;
    struct canary_verify ver;
    canary_verify_init(&ver, res->d->name, res->r->name);
    if (m == 0) {
        drh_err_set(err, DRH_E_INPUT, "no canary under '%s' in '%s' (as of %s)", prefix, bucket,
                    when);
        drh_err_hint(err,
                     "run drh canary %s from cron on a host with the source's "
                     "credentials (docs/canary.md)",
                     res->d->path ? res->d->path : "DRILL");
        e = STEP_FAILED;
    }
    for (size_t off = 0; e == STEP_OK && off < m && !ver.broken; off += S3_CHUNK)
        e = s_batch(run, c, bucket, l + off, m - off < S3_CHUNK ? m - off : S3_CHUNK, at_restore,
                    &ver, err);
    char summary[400];
    canary_verify_summary(&ver, summary, sizeof summary);
    if (e == STEP_OK && ver.broken) {
        drh_err_set(err, DRH_E_INPUT, "%s (bucket '%s' as of %s)", ver.error, bucket, when);
        e = STEP_FAILED;
    } else if (e == STEP_OK) {
        res->canary_time = (double)ver.newest.written_us / 1e6;
        progress_phase(res->d->name, res->r->name, "canary", "%s in '%s' as of %s", summary, bucket,
                       when);
    }
    json_add_string(res->ev, "canary_chain", summary);
    json_add_string(res->ev, "canary_bucket", bucket);
    free(l);
    s3_versions_free(v, n);
    return e;
}
