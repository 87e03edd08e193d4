/*
 * S3 replication as it runs: the canary (an object drh writes into the
 * source and times until it is in the replica: the replication lag, S3's
 * share of the RPO) and the comparison of both buckets' current versions
 * (missing, stale and FAILED objects). The comparison needs no request per
 * object where the listings agree (same version id and ETag: replication
 * keeps version ids); for the others it asks the source's HEAD for the
 * replication status, in parallel. Both buckets are listed at once.
 */
#include "s3/s3_run.h"

#include "mem.h"
#include "run/progress.h"
#include "run/wait.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum step_end s3_step_of(enum drh_status st)
{
    return st == DRH_OK ? STEP_OK : st == DRH_E_NOTFOUND ? STEP_FAILED : STEP_ERROR;
}

void s3_list_keys(struct buf *b, const char *const *keys, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++)
        buf_printf(b, "%s'%s'", i ? ", " : "", keys[i]);
    if (n > max)
        buf_puts(b, ", ...");
}

struct lag_poll {
    struct s3_run *run;
    const char *key, *version_id;
    bool arrived, failed;
    double arrived_mono;
};

static enum drh_status s_poll_canary(void *ctx, bool *done, struct buf *status, struct drh_err *err)
{
    struct lag_poll *p = ctx;
    struct s3_head h = {0};
    enum drh_status st =
        s3_head_object(p->run->tc, p->run->replica, p->key, p->version_id, &h, err);
    if (st == DRH_OK) {
        p->arrived = *done = true;
        p->arrived_mono = progress_elapsed();
        s3_head_clean_up(&h);
        return DRH_OK;
    }
    if (st != DRH_E_NOTFOUND)
        return st;
    drh_err_clear(err);
    /* not there yet: the source says whether it is still coming */
    st = s3_head_object(p->run->sc, p->run->bucket, p->key, p->version_id, &h, err);
    if (st != DRH_OK)
        return st;
    const char *rs = h.replication_status ? h.replication_status : "none";
    buf_printf(status, "replication status %s", rs);
    p->failed = strcmp(rs, "FAILED") == 0;
    *done = p->failed;
    s3_head_clean_up(&h);
    return DRH_OK;
}

enum step_end s3_lag(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    const struct drill_s3 *cfg = &res->r->s3;
    char *key = xasprintf("%s%s", S3_CANARY_PREFIX, res->run_id);
    char *id = xasprintf("%s/%s", run->bucket, key);
    char *arn = xasprintf("arn:%s:s3:::%s", side_partition(res->src), id);
    char iso[64];
    res_iso_time(res_wall_now(), iso);
    char *body = xasprintf("{\"drh_canary\":\"%s\",\"drill\":\"%s\",\"written_at\":\"%s\"}\n",
                           res->run_id, res->d->name, iso);
    struct s3_head put = {0};
    enum step_end e = STEP_ERROR;
    double t_write = 0;
    if (ledger_intent(res->ledger, LEDGER_S3_OBJECT, "source", res->d->source.region, id, NULL,
                      NULL, res->r->name, err) != DRH_OK)
        goto done;
    enum drh_status st =
        s3_put_object(run->sc, run->bucket, key, body, strlen(body), res->run_id, &put, err);
    t_write = progress_elapsed();
    if (st != DRH_OK) {
        e = s3_step_of(st);
        goto done;
    }
    if (!put.version_id || strcmp(put.version_id, "null") == 0) {
        drh_err_set(err, DRH_E_INPUT,
                    "the canary put into '%s' got no version id: versioning "
                    "is not enabled there",
                    run->bucket);
        e = STEP_FAILED;
        goto done;
    }
    char *detail = NULL;
    {
        struct json *dj = json_new_object();
        json_add_string(dj, "version_id", put.version_id);
        json_add_string(dj, "replica", run->replica);
        json_add_string(dj, "replica_region", res->d->target.region);
        detail = json_print(dj, 0);
        json_free(dj);
    }
    st = ledger_created(res->ledger, LEDGER_S3_OBJECT, id, arn, NULL, err);
    if (st == DRH_OK)
        st = ledger_detail(res->ledger, LEDGER_S3_OBJECT, id, detail, err);
    free(detail);
    if (st != DRH_OK)
        goto done;
    json_add_string(res->ev, "canary_key", key);
    json_add_string(res->ev, "canary_version_id", put.version_id);

    struct lag_poll p = {run, key, put.version_id, false, false, 0};
    double until = t_write + (double)cfg->max_lag;
    bool rto_first = res->deadline > 0 && res->deadline < until;
    char *what = xasprintf("canary %s in replica %s", key, run->replica);
    struct wait_options w = {res->d->name,
                             res->r->name,
                             "replication lag",
                             what,
                             rto_first ? res->deadline : until,
                             1.0,
                             0,
                             0,
                             NULL};
    st = wait_until(&w, s_poll_canary, &p, err);
    free(what);
    char lag_text[32];
    drill_format_duration(cfg->max_lag, lag_text, sizeof lag_text);
    if (st == DRH_OK && p.arrived) {
        run->lag = p.arrived_mono - t_write;
        if (run->lag < 0)
            run->lag = 0;
        report_add_propertyf(res->suite, "replication_lag_seconds", "%.1f", run->lag);
        json_add_number(res->ev, "replication_lag_seconds", run->lag);
        /* the replica is behind the source by the lag: its recovery point */
        res->rp_created = res->t0_wall - run->lag;
        res->rpo_basis = "the replica's data (by the canary's lag)";
        e = STEP_OK;
    } else if (st == DRH_OK && p.failed) {
        drh_err_set(err, DRH_E_AWS, "replication of the canary %s (version %s) FAILED", key,
                    put.version_id);
        drh_err_hint(err, "the replica refuses objects: check its versioning, its bucket "
                          "policy and the role's permissions");
        e = STEP_FAILED;
    } else if (st == DRH_E_TIMEOUT && progress_elapsed() >= w.deadline - 0.5) {
        drh_err_set(err, DRH_E_INPUT,
                    "the canary %s did not reach replica '%s' within %s%s: "
                    "replication is stopped or behind",
                    key, run->replica, rto_first ? "the RTO" : lag_text,
                    rto_first ? "" : " (live.max_lag)");
        drh_err_hint(err,
                     "check the replication rule, the role and S3's replication metrics "
                     "of bucket %s",
                     run->bucket);
        e = STEP_FAILED;
    } else {
        e = STEP_ERROR; /* interrupted, or AWS failed */
    }
done:
    s3_head_clean_up(&put);
    free(body);
    free(arn);
    free(id);
    free(key);
    return e;
}

/* One bucket's listing, made on a thread of its own. */
struct listing {
    struct aws_client *c;
    const char *bucket, *prefix;
    struct s3_version *v;
    size_t n;
    enum drh_status st;
    struct drh_err err;
};

static void *s_list(void *arg)
{
    struct listing *l = arg;
    drh_err_clear(&l->err);
    l->st = s3_list_versions(l->c, l->bucket, l->prefix, &l->v, &l->n, &l->err);
    return NULL;
}

/* Lists the source and the replica at once: each listing waits on its
 * pages, and parsing one bucket's page overlaps fetching the other's
 * (sequentially when no thread can be started). The first error wins,
 * the source's before the replica's. */
static enum drh_status s_list_both(struct s3_run *run, const char *prefix, struct listing *src,
                                   struct listing *rep, struct drh_err *err)
{
    *src = (struct listing){run->sc, run->bucket, prefix, NULL, 0, DRH_OK, {0}};
    *rep = (struct listing){run->tc, run->replica, prefix, NULL, 0, DRH_OK, {0}};
    pthread_t th;
    bool threaded = pthread_create(&th, NULL, s_list, src) == 0;
    if (!threaded)
        s_list(src);
    s_list(rep);
    if (threaded)
        pthread_join(th, NULL);
    if (src->st != DRH_OK || rep->st != DRH_OK) {
        *err = src->st != DRH_OK ? src->err : rep->err;
        enum drh_status st = src->st != DRH_OK ? src->st : rep->st;
        s3_versions_free(src->v, src->n);
        s3_versions_free(rep->v, rep->n);
        return st;
    }
    return DRH_OK;
}

/* The current (latest, not deleted) version of each key, sorted by key,
 * canaries left out; pointers into v. */
static size_t s_current(struct s3_version *v, size_t n, struct s3_version ***out)
{
    struct s3_version **c = xcalloc(n ? n : 1, sizeof *c);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].latest && !v[i].delete_marker &&
            strncmp(v[i].key, S3_CANARY_PREFIX, strlen(S3_CANARY_PREFIX)) != 0)
            c[m++] = &v[i];
    *out = c;
    return m;
}

static int s_by_key(const void *a, const void *b)
{
    return strcmp((*(struct s3_version *const *)a)->key, (*(struct s3_version *const *)b)->key);
}

/* What the comparison found, key lists borrowed from the listings. */
struct compare {
    const char **missing, **stale, **failed;
    size_t n_missing, n_stale, n_failed, n_pending, n_ok;
};

static void s_classify(struct compare *k, const struct s3_version *src,
                       const struct s3_version *rep, const char *status)
{
    if (status && strcmp(status, "FAILED") == 0)
        k->failed[k->n_failed++] = src->key;
    else if (status && strcmp(status, "PENDING") == 0)
        k->n_pending++;
    else if (!rep)
        k->missing[k->n_missing++] = src->key;
    else if (!rep->etag || !src->etag || strcmp(rep->etag, src->etag) != 0 ||
             rep->size != src->size)
        k->stale[k->n_stale++] = src->key;
    else
        k->n_ok++;
}

enum step_end s3_compare(struct res_run *res, struct drh_err *err)
{
    struct s3_run *run = (struct s3_run *)res;
    const char *prefix = res->r->s3.prefix;
    struct listing ls, lr;
    enum drh_status st = s_list_both(run, prefix, &ls, &lr, err);
    if (st != DRH_OK)
        return s3_step_of(st);
    struct s3_version *sv = ls.v, *rv = lr.v;
    size_t ns = ls.n, nr = lr.n;
    struct s3_version **sc, **rc;
    size_t ms = s_current(sv, ns, &sc), mr = s_current(rv, nr, &rc);
    qsort(sc, ms, sizeof *sc, s_by_key);
    qsort(rc, mr, sizeof *rc, s_by_key);
    struct compare k = {0};
    k.missing = xcalloc(ms + 1, sizeof *k.missing);
    k.stale = xcalloc(ms + 1, sizeof *k.stale);
    k.failed = xcalloc(ms + 1, sizeof *k.failed);
    /* pair each source key with the replica's; the doubtful ones get a HEAD */
    const struct s3_version **pair = xcalloc(ms + 1, sizeof *pair);
    size_t *doubt = xcalloc(ms + 1, sizeof *doubt), nd = 0;
    for (size_t i = 0, j = 0; i < ms; i++) {
        while (j < mr && strcmp(rc[j]->key, sc[i]->key) < 0)
            j++;
        pair[i] = j < mr && strcmp(rc[j]->key, sc[i]->key) == 0 ? rc[j] : NULL;
        if (pair[i] && pair[i]->version_id && sc[i]->version_id &&
            strcmp(pair[i]->version_id, sc[i]->version_id) == 0 && pair[i]->etag && sc[i]->etag &&
            strcmp(pair[i]->etag, sc[i]->etag) == 0)
            k.n_ok++;
        else
            doubt[nd++] = i;
    }
    enum step_end e = STEP_OK;
    struct s3_item *items = xcalloc(S3_CHUNK, sizeof *items);
    for (size_t off = 0; off < nd && e == STEP_OK; off += S3_CHUNK) {
        size_t m = nd - off < S3_CHUNK ? nd - off : S3_CHUNK;
        for (size_t x = 0; x < m; x++) {
            memset(&items[x], 0, sizeof items[x]);
            items[x].key = sc[doubt[off + x]]->key;
            items[x].version_id = sc[doubt[off + x]]->version_id;
        }
        if (s3_head_many(run->sc, run->bucket, items, m, S3_PARALLEL, err) != DRH_OK) {
            e = STEP_ERROR;
            m = 0;
        }
        for (size_t x = 0; x < m; x++) {
            size_t i = doubt[off + x];
            if (items[x].status == DRH_E_NOTFOUND) { /* deleted since the listing */
                continue;
            } else if (items[x].status != DRH_OK && e == STEP_OK) {
                *err = items[x].err;
                drh_err_prefix(err, "object '%s'", items[x].key);
                e = STEP_ERROR;
                continue;
            }
            s_classify(&k, sc[i], pair[i], items[x].head.replication_status);
        }
        s3_items_clean_up(items, m);
    }
    free(items);
    report_add_propertyf(res->suite, "compare_objects", "%zu", ms);
    report_add_propertyf(res->suite, "compare_heads", "%zu", nd);
    json_add_number(res->ev, "compare_objects", (double)ms);
    json_add_number(res->ev, "compare_missing", (double)k.n_missing);
    json_add_number(res->ev, "compare_stale", (double)k.n_stale);
    json_add_number(res->ev, "compare_failed", (double)k.n_failed);
    json_add_number(res->ev, "compare_pending", (double)k.n_pending);
    if (e == STEP_OK && (k.n_missing || k.n_stale || k.n_failed)) {
        struct buf m;
        buf_init(&m);
        buf_printf(&m,
                   "%zu of %zu current objects under '%s' not in the replica as in the "
                   "source: %zu missing",
                   k.n_missing + k.n_stale + k.n_failed, ms, prefix, k.n_missing);
        if (k.n_missing) {
            buf_puts(&m, " (");
            s3_list_keys(&m, k.missing, k.n_missing, 5);
            buf_puts(&m, ")");
        }
        buf_printf(&m, ", %zu stale", k.n_stale);
        if (k.n_stale) {
            buf_puts(&m, " (");
            s3_list_keys(&m, k.stale, k.n_stale, 5);
            buf_puts(&m, ")");
        }
        buf_printf(&m, ", %zu FAILED", k.n_failed);
        if (k.n_failed) {
            buf_puts(&m, " (");
            s3_list_keys(&m, k.failed, k.n_failed, 5);
            buf_puts(&m, ")");
        }
        buf_printf(&m, ", %zu pending", k.n_pending);
        drh_err_set(err, DRH_E_INPUT, "%s", buf_str(&m));
        drh_err_hint(err, "FAILED objects are not retried by S3: re-upload them or use S3 "
                          "Batch Replication; missing ones predate the rule or were never "
                          "replicated");
        buf_clean_up(&m);
        e = STEP_FAILED;
    } else if (e == STEP_OK) {
        progress_phase(res->d->name, res->r->name, "compare",
                       "%zu objects: %zu in the replica, %zu pending (%zu HEAD requests)", ms,
                       k.n_ok, k.n_pending, nd);
    }
    free(pair);
    free(doubt);
    free(k.missing);
    free(k.stale);
    free(k.failed);
    free(sc);
    free(rc);
    s3_versions_free(sv, ns);
    s3_versions_free(rv, nr);
    return e;
}
