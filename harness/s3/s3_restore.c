/*
 * A point-in-time restore of S3 data from object versions: for each key
 * under restore.prefix, the version that was current at time T (the newest
 * whose LastModified <= T; none when that is a delete marker) is read from
 * the source (source credentials) and written into a fresh bucket of the
 * target account (target credentials), in parallel batches; then the
 * restore bucket is listed and compared with what was expected: every key,
 * its size and content (ETag), and nothing extra.
 */
#include "s3/s3_run.h"

#include "mem.h"
#include "run/progress.h"

#include <stdlib.h>
#include <string.h>

struct s_ver {
    const struct s3_version *v;
    size_t i;
};

/* By key, then in listing order. */
static int s_by_key(const void *a, const void *b)
{
    const struct s_ver *x = a, *y = b;
    int c = strcmp(x->v->key, y->v->key);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

size_t s3_versions_at(const struct s3_version *v, size_t n, double t, size_t *idx)
{
    /* A listing may give a key's delete markers apart from its versions
     * (the XML's Version and DeleteMarker elements): group them by key. */
    struct s_ver *by = xcalloc(n ? n : 1, sizeof *by);
    for (size_t i = 0; i < n; i++)
        by[i] = (struct s_ver){&v[i], i};
    qsort(by, n, sizeof *by, s_by_key);
    size_t m = 0;
    const struct s_ver *best = NULL;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || (best && strcmp(best->v->key, by[i].v->key) != 0)) {
            if (best && !best->v->delete_marker)
                idx[m++] = best->i;
            best = NULL;
        }
        if (i == n)
            break;
        const struct s3_version *x = by[i].v;
        if (t > 0 ? x->modified <= t && (!best || x->modified > best->v->modified) : x->latest)
            best = &by[i];
    }
    free(by);
    return m;
}

/* The versions current at t, by key; canaries left out. Takes them out of
 * v (moved into *out). */
static size_t s_at(struct s3_version *v, size_t n, double t, struct s3_version **out)
{
    size_t *idx = xcalloc(n ? n : 1, sizeof *idx);
    struct s3_version *keep = xcalloc(n ? n : 1, sizeof *keep);
    size_t m = 0, k = s3_versions_at(v, n, t, idx);
    for (size_t i = 0; i < k; i++) {
        struct s3_version *x = &v[idx[i]];
        if (strncmp(x->key, S3_CANARY_PREFIX, strlen(S3_CANARY_PREFIX)) == 0)
            continue;
        keep[m++] = *x;
        memset(x, 0, sizeof *x);
    }
    free(idx);
    *out = keep;
    return m;
}

static enum step_end s_create_bucket(struct s3_run *run, struct drh_err *err)
{
    struct res_run *res = &run->res;
    char *name = res_identifier(res, "restore");
    char *arn = xasprintf("arn:%s:s3:::%s", side_partition(res->tgt), name);
    enum step_end e = STEP_ERROR;
    if (ledger_intent(res->ledger, LEDGER_S3_BUCKET, "target", res->d->target.region, name, NULL,
                      NULL, res->r->name, err) != DRH_OK)
        goto done;
    enum drh_status st = s3_create_bucket(run->tc, name, err);
    if (st != DRH_OK)
        goto done;
    run->restore_bucket = xstrdup(name);
    if (ledger_created(res->ledger, LEDGER_S3_BUCKET, name, arn, NULL, err) != DRH_OK)
        goto done;
    struct aws_tag tags[RES_TAG_COUNT];
    res_tags(res, tags);
    if (s3_put_bucket_tagging(run->tc, name, tags, RES_TAG_COUNT, err) != DRH_OK)
        goto done;
    report_add_property(res->suite, "restore_bucket", name);
    json_add_string(res->ev, "restore_bucket", name);
    e = STEP_OK;
done:
    free(arn);
    free(name);
    return e;
}

/* Copies one batch: GET from the source, PUT into the restore bucket. */
static enum step_end s_copy(struct s3_run *run, const struct s3_version *v, size_t m,
                            struct s3_item *items, struct drh_err *err)
{
    for (size_t i = 0; i < m; i++) {
        memset(&items[i], 0, sizeof items[i]);
        items[i].key = v[i].key;
        items[i].version_id = v[i].version_id;
    }
    enum step_end e = STEP_OK;
    if (s3_get_many(run->sc, run->bucket, items, m, S3_PARALLEL, err) != DRH_OK)
        return STEP_ERROR;
    for (size_t i = 0; i < m && e == STEP_OK; i++) {
        if (items[i].status != DRH_OK) {
            *err = items[i].err;
            drh_err_prefix(err, "reading '%s' version %s from '%s'", v[i].key, v[i].version_id,
                           run->bucket);
            e = s3_step_of(items[i].status);
        }
        items[i].body = items[i].data.data ? items[i].data.data : "";
        items[i].body_len = items[i].data.len;
        items[i].version_id = NULL;
    }
    if (e == STEP_OK &&
        s3_put_many(run->tc, run->restore_bucket, items, m, S3_PARALLEL, err) != DRH_OK)
        e = STEP_ERROR;
    for (size_t i = 0; i < m && e == STEP_OK; i++) {
        if (items[i].status != DRH_OK) {
            *err = items[i].err;
            drh_err_prefix(err, "writing '%s' into '%s'", v[i].key, run->restore_bucket);
            e = STEP_ERROR;
        }
    }
    s3_items_clean_up(items, m);
    return e;
}

enum step_end s3_restore(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    const struct drill_s3 *cfg = &res->r->s3;
    double t0 = progress_elapsed();
    run->restore_t =
        cfg->restore_at > 0 ? cfg->restore_at : res->t0_wall - (double)cfg->restore_ago;
    res_ev_time(res, "restore_point", run->restore_t);
    char iso[64];
    res_iso_time(run->restore_t, iso);
    report_add_property(res->suite, "restore_point", iso);
    struct s3_version *v = NULL;
    size_t n = 0;
    enum drh_status st = s3_list_versions(run->sc, run->bucket, cfg->restore_prefix, &v, &n, err);
    if (st != DRH_OK)
        return s3_step_of(st);
    run->n_expected = s_at(v, n, run->restore_t, &run->expected);
    s3_versions_free(v, n);
    res->phase_s[PH_SELECT] += progress_elapsed() - t0;
    if (run->n_expected == 0) {
        drh_err_set(err, DRH_E_INPUT,
                    "no object under '%s' in '%s' existed at %s: nothing to "
                    "restore",
                    cfg->restore_prefix, run->bucket, iso);
        drh_err_hint(err, "check restore.prefix and restore.at (noncurrent versions may have "
                          "expired by lifecycle)");
        return STEP_FAILED;
    }
    double t1 = progress_elapsed();
    enum step_end e = s_create_bucket(run, err);
    struct s3_item *items = xcalloc(S3_CHUNK, sizeof *items);
    for (size_t off = 0; e == STEP_OK && off < run->n_expected; off += S3_CHUNK) {
        size_t m = run->n_expected - off < S3_CHUNK ? run->n_expected - off : S3_CHUNK;
        e = s_copy(run, run->expected + off, m, items, err);
        progress_phase(res->d->name, res->r->name, "restore", "%zu of %zu objects copied", off + m,
                       run->n_expected);
    }
    free(items);
    res->phase_s[PH_RESTORE] = progress_elapsed() - t1;
    report_add_propertyf(res->suite, "restored_objects", "%zu", run->n_expected);
    json_add_number(res->ev, "restored_objects", (double)run->n_expected);
    return e;
}

static void s_drop(struct s3_version *x)
{
    free(x->key);
    free(x->version_id);
    free(x->etag);
}

static int s_cmp_version(const void *a, const void *b)
{
    return strcmp(((const struct s3_version *)a)->key, ((const struct s3_version *)b)->key);
}

enum step_end s3_restore_verify(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    double t0 = progress_elapsed();
    struct s3_version *v = NULL;
    size_t n = 0;
    enum drh_status st = s3_list_versions(run->tc, run->restore_bucket, NULL, &v, &n, err);
    if (st != DRH_OK)
        return s3_step_of(st);
    /* the restore bucket's current objects, by key */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].latest && !v[i].delete_marker)
            v[m++] = v[i];
        else
            s_drop(&v[i]);
    qsort(v, m, sizeof *v, s_cmp_version);
    qsort(run->expected, run->n_expected, sizeof *run->expected, s_cmp_version);
    const char **missing = xcalloc(run->n_expected + 1, sizeof *missing);
    const char **wrong = xcalloc(run->n_expected + 1, sizeof *wrong);
    const char **extra = xcalloc(m + 1, sizeof *extra);
    size_t nm = 0, nw = 0, nx = 0, i = 0, j = 0;
    while (i < run->n_expected || j < m) {
        int c = i == run->n_expected ? 1 : j == m ? -1 : strcmp(run->expected[i].key, v[j].key);
        if (c < 0) {
            missing[nm++] = run->expected[i++].key;
        } else if (c > 0) {
            extra[nx++] = v[j++].key;
        } else {
            const struct s3_version *x = &run->expected[i++], *y = &v[j++];
            /* a multipart ETag is not the content's MD5: compare sizes only
             * (the restore's PUT carried a SHA-256 S3 verified) */
            bool multipart = x->etag && strchr(x->etag, '-');
            if (x->size != y->size ||
                (!multipart && (!x->etag || !y->etag || strcmp(x->etag, y->etag) != 0)))
                wrong[nw++] = x->key;
        }
    }
    enum step_end e = STEP_OK;
    if (nm || nw || nx) {
        struct buf b;
        buf_init(&b);
        buf_printf(&b,
                   "restore bucket '%s' differs from the source's versions at the restore "
                   "point: %zu missing",
                   run->restore_bucket, nm);
        if (nm) {
            buf_puts(&b, " (");
            s3_list_keys(&b, missing, nm, 5);
            buf_puts(&b, ")");
        }
        buf_printf(&b, ", %zu with other content", nw);
        if (nw) {
            buf_puts(&b, " (");
            s3_list_keys(&b, wrong, nw, 5);
            buf_puts(&b, ")");
        }
        buf_printf(&b, ", %zu extra", nx);
        if (nx) {
            buf_puts(&b, " (");
            s3_list_keys(&b, extra, nx, 5);
            buf_puts(&b, ")");
        }
        drh_err_set(err, DRH_E_INPUT, "%s", buf_str(&b));
        buf_clean_up(&b);
        e = STEP_FAILED;
    } else {
        progress_phase(res->d->name, res->r->name, "restore verify",
                       "%zu objects match the source's versions", m);
    }
    free(missing);
    free(wrong);
    free(extra);
    s3_versions_free(v, m);
    res->phase_s[PH_PROBE] = progress_elapsed() - t0;
    return e;
}
