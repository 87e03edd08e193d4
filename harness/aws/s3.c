/*
 * Amazon S3: see s3.h. Requests and responses follow botocore's
 * s3/2006-03-01 model (rest-xml, path-style addressing). One request
 * builder serves the single calls and the batches, so both sign and encode
 * alike; object uploads carry x-amz-checksum-sha256, which S3 verifies.
 */
#include "aws/s3.h"

#include "aws/uri.h"
#include "crypto.h"
#include "mem.h"
#include "xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define S3_MAX_PAGES 100000
#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"

/* One request being built: its path, query and headers are owned here. */
struct s_req {
    struct aws_request r;
    char *path;
    char *query;
    struct headers h;
};

static void s_req_init(struct s_req *q, const char *op, const char *method, const char *bucket,
                       const char *key, const char *query)
{
    memset(q, 0, sizeof *q);
    struct buf p;
    buf_init(&p);
    buf_putc(&p, '/');
    uri_encode(&p, bucket, strlen(bucket), 0);
    if (key) {
        buf_putc(&p, '/');
        uri_encode(&p, key, strlen(key), 1);
    }
    q->path = buf_detach(&p);
    q->query = query ? xstrdup(query) : NULL;
    headers_init(&q->h);
    q->r.service = "s3";
    q->r.operation = op;
    q->r.method = method;
    q->r.path = q->path;
    q->r.query = q->query;
    q->r.headers = &q->h;
}

static void s_req_clean_up(struct s_req *q)
{
    free(q->path);
    free(q->query);
    headers_clean_up(&q->h);
}

/* "versionId=<encoded>" or NULL; caller frees. */
static char *s_version_query(const char *version_id)
{
    if (!version_id)
        return NULL;
    char *v = uri_encode_str(version_id, 0);
    char *q = xasprintf("versionId=%s", v);
    free(v);
    return q;
}

static void s_base64(const unsigned char *in, size_t n, char *out)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        out[o++] = t[v >> 18 & 63];
        out[o++] = t[v >> 12 & 63];
        out[o++] = i + 1 < n ? t[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? t[v & 63] : '=';
    }
    out[o] = '\0';
}

/* The body's SHA-256, base64, as S3's x-amz-checksum-sha256. */
static void s_add_checksum(struct headers *h, const void *body, size_t len)
{
    unsigned char d[CRYPTO_SHA256_LEN];
    char b64[48];
    crypto_sha256(body ? body : "", len, d);
    s_base64(d, sizeof d, b64);
    headers_add(h, "x-amz-sdk-checksum-algorithm", "SHA256");
    headers_add(h, "x-amz-checksum-sha256", b64);
}

static bool s_not_found(const struct aws_response *resp)
{
    static const char *const codes[] = {"NoSuchBucket",
                                        "NoSuchKey",
                                        "NoSuchVersion",
                                        "NotFound",
                                        "ReplicationConfigurationNotFoundError",
                                        "NoSuchBucketPolicy",
                                        "NoSuchLifecycleConfiguration"};
    for (size_t i = 0; resp->error.code && i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(resp->error.code, codes[i]) == 0)
            return true;
    return resp->status == 404;
}

/* The outcome of a sent request: not-found codes become DRH_E_NOTFOUND. */
static enum drh_status s_status(enum drh_status st, const struct aws_response *resp,
                                struct drh_err *err)
{
    if (st == DRH_E_AWS && s_not_found(resp))
        err->code = st = DRH_E_NOTFOUND;
    return st;
}

static enum drh_status s_send(struct aws_client *c, struct s_req *q, struct aws_response *resp,
                              struct drh_err *err)
{
    aws_response_init(resp);
    return s_status(aws_client_send(c, &q->r, resp, err), resp, err);
}

static enum drh_status s_xml(const struct aws_response *resp, const char *op, struct xml_doc **doc,
                             struct drh_err *err)
{
    enum drh_status st = xml_parse(buf_str(&resp->body), resp->body.len, doc, err);
    if (st != DRH_OK)
        drh_err_prefix(err, "s3 %s", op);
    return st;
}

/* An ISO 8601 time with its fraction kept; 0 when absent or malformed. */
static double s_iso_time(const char *s)
{
    double t = aws_parse_time_frac(s);
    return t < 0 ? 0 : t;
}

/* An HTTP date ("Sat, 21 Nov 2026 10:00:00 GMT"); 0 when malformed. */
static double s_http_time(const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    struct tm tm;
    char mon[4] = "";
    memset(&tm, 0, sizeof tm);
    if (!s || sscanf(s, "%*3s, %d %3s %d %d:%d:%d", &tm.tm_mday, mon, &tm.tm_year, &tm.tm_hour,
                     &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    const char *m = strlen(mon) == 3 ? strstr(months, mon) : NULL;
    if (!m)
        return 0;
    tm.tm_mon = (int)(m - months) / 3;
    tm.tm_year -= 1900;
    return (double)timegm(&tm);
}

static char *s_dup(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void s_head_from(struct s3_head *h, const struct aws_response *resp)
{
    const struct headers *hh = &resp->headers;
    s3_head_clean_up(h);
    h->version_id = s_dup(headers_get(hh, "x-amz-version-id"));
    h->etag = s_dup(headers_get(hh, "ETag"));
    const char *len = headers_get(hh, "Content-Length");
    h->size = len ? strtoll(len, NULL, 10) : 0;
    h->modified = s_http_time(headers_get(hh, "Last-Modified"));
    h->replication_status = s_dup(headers_get(hh, "x-amz-replication-status"));
    h->checksum_sha256 = s_dup(headers_get(hh, "x-amz-checksum-sha256"));
    h->run_id = s_dup(headers_get(hh, "x-amz-meta-drh-run-id"));
}

void s3_head_clean_up(struct s3_head *h)
{
    if (!h)
        return;
    free(h->version_id);
    free(h->etag);
    free(h->replication_status);
    free(h->checksum_sha256);
    free(h->run_id);
    memset(h, 0, sizeof *h);
}

void s3_replication_clean_up(struct s3_replication *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_rules; i++) {
        free(r->rules[i].id);
        free(r->rules[i].prefix);
        free(r->rules[i].dest_bucket);
        free(r->rules[i].dest_account);
    }
    free(r->rules);
    free(r->role);
    memset(r, 0, sizeof *r);
}

void s3_versions_free(struct s3_version *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].key);
        free(v[i].version_id);
        free(v[i].etag);
    }
    free(v);
}

void s3_items_clean_up(struct s3_item *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        s3_head_clean_up(&items[i].head);
        buf_clean_up(&items[i].data);
    }
}

char *s3_bucket_name(const char *bucket_or_arn)
{
    const char *p = strstr(bucket_or_arn, ":::");
    return xstrdup(strncmp(bucket_or_arn, "arn:", 4) == 0 && p ? p + 3 : bucket_or_arn);
}

/* A bucket sub-resource GET whose XML answer is parsed into *doc. */
static enum drh_status s_get_sub(struct aws_client *c, const char *op, const char *bucket,
                                 const char *sub, struct xml_doc **doc, struct drh_err *err)
{
    struct s_req q;
    struct aws_response resp;
    s_req_init(&q, op, "GET", bucket, NULL, sub);
    enum drh_status st = s_send(c, &q, &resp, err);
    if (st == DRH_OK)
        st = s_xml(&resp, op, doc, err);
    aws_response_clean_up(&resp);
    s_req_clean_up(&q);
    return st;
}

enum drh_status s3_get_versioning(struct aws_client *c, const char *bucket, char **status,
                                  struct drh_err *err)
{
    struct xml_doc *doc = NULL;
    enum drh_status st = s_get_sub(c, "GetBucketVersioning", bucket, "versioning", &doc, err);
    if (st != DRH_OK)
        return st;
    char *s = xml_find_text(xml_root(doc), "Status");
    *status = s ? s : xstrdup("");
    xml_free(doc);
    return DRH_OK;
}

enum drh_status s3_get_replication(struct aws_client *c, const char *bucket,
                                   struct s3_replication *out, struct drh_err *err)
{
    struct xml_doc *doc = NULL;
    enum drh_status st = s_get_sub(c, "GetBucketReplication", bucket, "replication", &doc, err);
    if (st != DRH_OK)
        return st;
    const struct xml_node *root = xml_root(doc);
    struct s3_replication r = {0};
    r.role = xml_find_text(root, "Role");
    size_t cap = 0;
    for (const struct xml_node *n = xml_child(root, "Rule"); n; n = xml_next(n)) {
        if (r.n_rules == cap) {
            cap = cap ? cap * 2 : 4;
            r.rules = xrealloc(r.rules, cap * sizeof *r.rules);
        }
        struct s3_rule *u = &r.rules[r.n_rules++];
        memset(u, 0, sizeof *u);
        u->id = xml_find_text(n, "ID");
        char *s = xml_find_text(n, "Status");
        u->enabled = s && strcmp(s, "Enabled") == 0;
        free(s);
        u->prefix = xml_find_text(n, "Prefix");
        if (!u->prefix)
            u->prefix = xml_find_text(n, "Filter/Prefix");
        if (!u->prefix)
            u->prefix = xml_find_text(n, "Filter/And/Prefix");
        if (!u->prefix)
            u->prefix = xstrdup("");
        u->dest_bucket = xml_find_text(n, "Destination/Bucket");
        u->dest_account = xml_find_text(n, "Destination/Account");
        s = xml_find_text(n, "DeleteMarkerReplication/Status");
        u->delete_markers = s && strcmp(s, "Enabled") == 0;
        free(s);
    }
    xml_free(doc);
    s3_replication_clean_up(out);
    *out = r;
    return DRH_OK;
}

enum drh_status s3_get_policy(struct aws_client *c, const char *bucket, char **policy,
                              struct drh_err *err)
{
    struct s_req q;
    struct aws_response resp;
    s_req_init(&q, "GetBucketPolicy", "GET", bucket, NULL, "policy");
    enum drh_status st = s_send(c, &q, &resp, err);
    if (st == DRH_OK)
        *policy = xstrdup(buf_str(&resp.body));
    aws_response_clean_up(&resp);
    s_req_clean_up(&q);
    return st;
}

enum drh_status s3_get_lifecycle(struct aws_client *c, const char *bucket, size_t *n_rules,
                                 size_t *n_enabled, struct drh_err *err)
{
    struct xml_doc *doc = NULL;
    enum drh_status st =
        s_get_sub(c, "GetBucketLifecycleConfiguration", bucket, "lifecycle", &doc, err);
    if (st != DRH_OK)
        return st;
    size_t n = 0, on = 0;
    for (const struct xml_node *r = xml_child(xml_root(doc), "Rule"); r; r = xml_next(r)) {
        char *s = xml_find_text(r, "Status");
        n++;
        on += s && strcmp(s, "Enabled") == 0;
        free(s);
    }
    xml_free(doc);
    *n_rules = n;
    *n_enabled = on;
    return DRH_OK;
}

/* Appends the Version and DeleteMarker entries of one page, in order. */
static void s_page_versions(const struct xml_node *root, struct s3_version **v, size_t *n,
                            size_t *cap)
{
    for (const struct xml_node *e = xml_first_child(root); e; e = xml_next_sibling(e)) {
        bool marker = strcmp(xml_name(e), "DeleteMarker") == 0;
        if (!marker && strcmp(xml_name(e), "Version") != 0)
            continue;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 256;
            *v = xrealloc(*v, *cap * sizeof **v);
        }
        struct s3_version *x = &(*v)[(*n)++];
        memset(x, 0, sizeof *x);
        x->delete_marker = marker;
        x->key = xml_find_text(e, "Key");
        if (!x->key)
            x->key = xstrdup("");
        x->version_id = xml_find_text(e, "VersionId");
        x->etag = marker ? NULL : xml_find_text(e, "ETag");
        char *s = xml_find_text(e, "Size");
        x->size = s ? strtoll(s, NULL, 10) : 0;
        free(s);
        s = xml_find_text(e, "LastModified");
        x->modified = s_iso_time(s);
        free(s);
        x->latest = xml_find_true(e, "IsLatest");
    }
}

enum drh_status s3_list_versions(struct aws_client *c, const char *bucket, const char *prefix,
                                 struct s3_version **out, size_t *n_out, struct drh_err *err)
{
    struct s3_version *v = NULL;
    size_t n = 0, cap = 0;
    char *key_marker = NULL, *vid_marker = NULL;
    enum drh_status st = DRH_OK;
    for (int page = 0;; page++) {
        if (page >= S3_MAX_PAGES) {
            st = drh_err_set(err, DRH_E_PARSE,
                             "s3 ListObjectVersions of '%s': more than %d "
                             "pages: the markers do not advance",
                             bucket, S3_MAX_PAGES);
            break;
        }
        struct uri_params p;
        uri_params_init(&p);
        uri_params_add(&p, "versions", "");
        if (prefix && *prefix)
            uri_params_add(&p, "prefix", prefix);
        if (key_marker)
            uri_params_add(&p, "key-marker", key_marker);
        if (vid_marker)
            uri_params_add(&p, "version-id-marker", vid_marker);
        char *query = uri_params_join(&p);
        uri_params_clean_up(&p);
        struct xml_doc *doc = NULL;
        st = s_get_sub(c, "ListObjectVersions", bucket, query, &doc, err);
        free(query);
        if (st != DRH_OK)
            break;
        const struct xml_node *root = xml_root(doc);
        s_page_versions(root, &v, &n, &cap);
        char *truncated = xml_find_text(root, "IsTruncated");
        bool more = truncated && strcmp(truncated, "true") == 0;
        free(truncated);
        char *nk = xml_find_text(root, "NextKeyMarker");
        char *nv = xml_find_text(root, "NextVersionIdMarker");
        xml_free(doc);
        bool same = nk && key_marker && strcmp(nk, key_marker) == 0 &&
                    ((!nv && !vid_marker) || (nv && vid_marker && strcmp(nv, vid_marker) == 0));
        free(key_marker);
        free(vid_marker);
        key_marker = nk;
        vid_marker = nv;
        if (!more)
            break;
        if (!nk || same) {
            st = drh_err_set(err, DRH_E_PARSE,
                             "s3 ListObjectVersions of '%s': a truncated page "
                             "without a new NextKeyMarker",
                             bucket);
            break;
        }
    }
    free(key_marker);
    free(vid_marker);
    if (st != DRH_OK) {
        s3_versions_free(v, n);
        return st;
    }
    *out = v;
    *n_out = n;
    return DRH_OK;
}

/*
 * Objects, one at a time and in batches.
 */

enum s_obj_op { S_HEAD, S_GET, S_PUT, S_DELETE };

static const char *const s_op_names[] = {"HeadObject", "GetObject", "PutObject", "DeleteObject"};
static const char *const s_op_methods[] = {"HEAD", "GET", "PUT", "DELETE"};

static void s_obj_req(struct s_req *q, enum s_obj_op op, const char *bucket, const char *key,
                      const char *version_id, const void *body, size_t len, const char *run_id)
{
    char *vq = op == S_PUT ? NULL : s_version_query(version_id);
    s_req_init(q, s_op_names[op], s_op_methods[op], bucket, key, vq);
    free(vq);
    if (op == S_HEAD || op == S_GET)
        headers_add(&q->h, "x-amz-checksum-mode", "ENABLED");
    if (op == S_PUT) {
        headers_add(&q->h, "Content-Type", "application/octet-stream");
        s_add_checksum(&q->h, body, len);
        if (run_id)
            headers_add(&q->h, "x-amz-meta-drh-run-id", run_id);
        q->r.body = body;
        q->r.body_len = len;
    }
}

/* One object call; head (may be NULL) and data (GET, may be NULL) filled. */
static enum drh_status s_obj(struct aws_client *c, enum s_obj_op op, const char *bucket,
                             const char *key, const char *version_id, const void *body, size_t len,
                             const char *run_id, struct s3_head *head, struct buf *data,
                             struct drh_err *err)
{
    struct s_req q;
    struct aws_response resp;
    s_obj_req(&q, op, bucket, key, version_id, body, len, run_id);
    enum drh_status st = s_send(c, &q, &resp, err);
    if (st == DRH_OK && head)
        s_head_from(head, &resp);
    if (st == DRH_OK && data)
        buf_append(data, resp.body.data ? resp.body.data : "", resp.body.len);
    aws_response_clean_up(&resp);
    s_req_clean_up(&q);
    return st;
}

enum drh_status s3_head_object(struct aws_client *c, const char *bucket, const char *key,
                               const char *version_id, struct s3_head *out, struct drh_err *err)
{
    return s_obj(c, S_HEAD, bucket, key, version_id, NULL, 0, NULL, out, NULL, err);
}

enum drh_status s3_put_object(struct aws_client *c, const char *bucket, const char *key,
                              const void *body, size_t len, const char *run_id, struct s3_head *out,
                              struct drh_err *err)
{
    struct s3_head h = {0};
    enum drh_status st = s_obj(c, S_PUT, bucket, key, NULL, body, len, run_id, &h, NULL, err);
    if (st == DRH_OK && out) {
        s3_head_clean_up(out);
        *out = h;
    } else {
        s3_head_clean_up(&h);
    }
    return st;
}

enum drh_status s3_get_object(struct aws_client *c, const char *bucket, const char *key,
                              const char *version_id, struct buf *body, struct drh_err *err)
{
    return s_obj(c, S_GET, bucket, key, version_id, NULL, 0, NULL, NULL, body, err);
}

enum drh_status s3_delete_object(struct aws_client *c, const char *bucket, const char *key,
                                 const char *version_id, struct drh_err *err)
{
    return s_obj(c, S_DELETE, bucket, key, version_id, NULL, 0, NULL, NULL, NULL, err);
}

static enum drh_status s_many(struct aws_client *c, enum s_obj_op op, const char *bucket,
                              struct s3_item *items, size_t n, int parallel, struct drh_err *err)
{
    if (n == 0)
        return DRH_OK;
    struct s_req *q = xcalloc(n, sizeof *q);
    struct aws_batch_item *b = xcalloc(n, sizeof *b);
    for (size_t i = 0; i < n; i++) {
        s_obj_req(&q[i], op, bucket, items[i].key, items[i].version_id, items[i].body,
                  items[i].body_len, NULL);
        aws_batch_init(&b[i], &q[i].r);
    }
    enum drh_status st = aws_client_send_many(c, b, n, parallel, err);
    for (size_t i = 0; st == DRH_OK && i < n; i++) {
        struct s3_item *it = &items[i];
        it->err = b[i].err;
        it->status = s_status(b[i].status, &b[i].resp, &it->err);
        if (it->status == DRH_OK && op != S_DELETE)
            s_head_from(&it->head, &b[i].resp);
        if (it->status == DRH_OK && op == S_GET) {
            buf_reset(&it->data);
            buf_append(&it->data, b[i].resp.body.data ? b[i].resp.body.data : "",
                       b[i].resp.body.len);
        }
    }
    for (size_t i = 0; i < n; i++) {
        aws_batch_clean_up(&b[i]);
        s_req_clean_up(&q[i]);
    }
    free(b);
    free(q);
    return st;
}

enum drh_status s3_head_many(struct aws_client *c, const char *bucket, struct s3_item *items,
                             size_t n, int parallel, struct drh_err *err)
{
    return s_many(c, S_HEAD, bucket, items, n, parallel, err);
}

enum drh_status s3_get_many(struct aws_client *c, const char *bucket, struct s3_item *items,
                            size_t n, int parallel, struct drh_err *err)
{
    return s_many(c, S_GET, bucket, items, n, parallel, err);
}

enum drh_status s3_put_many(struct aws_client *c, const char *bucket, struct s3_item *items,
                            size_t n, int parallel, struct drh_err *err)
{
    return s_many(c, S_PUT, bucket, items, n, parallel, err);
}

enum drh_status s3_delete_many(struct aws_client *c, const char *bucket, struct s3_item *items,
                               size_t n, int parallel, struct drh_err *err)
{
    return s_many(c, S_DELETE, bucket, items, n, parallel, err);
}

/*
 * Buckets.
 */

static enum drh_status s_bucket_call(struct aws_client *c, const char *op, const char *method,
                                     const char *bucket, const char *query, const char *body,
                                     bool checksum, struct aws_response *resp, struct drh_err *err)
{
    struct s_req q;
    s_req_init(&q, op, method, bucket, NULL, query);
    if (body) {
        headers_add(&q.h, "Content-Type", "application/xml");
        q.r.body = body;
        q.r.body_len = strlen(body);
    }
    if (checksum)
        s_add_checksum(&q.h, body, body ? strlen(body) : 0);
    enum drh_status st = s_send(c, &q, resp, err);
    s_req_clean_up(&q);
    return st;
}

static enum drh_status s_bucket_simple(struct aws_client *c, const char *op, const char *method,
                                       const char *bucket, const char *query, const char *body,
                                       bool checksum, struct drh_err *err)
{
    struct aws_response resp;
    enum drh_status st = s_bucket_call(c, op, method, bucket, query, body, checksum, &resp, err);
    aws_response_clean_up(&resp);
    return st;
}

enum drh_status s3_create_bucket(struct aws_client *c, const char *bucket, struct drh_err *err)
{
    const char *region = aws_client_region(c);
    char *body = NULL;
    if (strcmp(region, "us-east-1") != 0) {
        struct buf b;
        buf_init(&b);
        buf_puts(&b, "<CreateBucketConfiguration xmlns=\"" S3_NS "\"><LocationConstraint>");
        xml_escape(&b, region);
        buf_puts(&b, "</LocationConstraint></CreateBucketConfiguration>");
        body = buf_detach(&b);
    }
    enum drh_status st = s_bucket_simple(c, "CreateBucket", "PUT", bucket, NULL, body, false, err);
    free(body);
    return st;
}

enum drh_status s3_delete_bucket(struct aws_client *c, const char *bucket, struct drh_err *err)
{
    return s_bucket_simple(c, "DeleteBucket", "DELETE", bucket, NULL, NULL, false, err);
}

enum drh_status s3_head_bucket(struct aws_client *c, const char *bucket, struct drh_err *err)
{
    return s_bucket_simple(c, "HeadBucket", "HEAD", bucket, NULL, NULL, false, err);
}

enum drh_status s3_put_bucket_tagging(struct aws_client *c, const char *bucket,
                                      const struct aws_tag *tags, size_t n, struct drh_err *err)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "<Tagging xmlns=\"" S3_NS "\"><TagSet>");
    for (size_t i = 0; i < n; i++) {
        buf_puts(&b, "<Tag><Key>");
        xml_escape(&b, tags[i].key);
        buf_puts(&b, "</Key><Value>");
        xml_escape(&b, tags[i].value);
        buf_puts(&b, "</Value></Tag>");
    }
    buf_puts(&b, "</TagSet></Tagging>");
    /* PutBucketTagging requires a checksum of its body (Content-MD5 or a
     * flexible checksum) */
    enum drh_status st =
        s_bucket_simple(c, "PutBucketTagging", "PUT", bucket, "tagging", buf_str(&b), true, err);
    buf_clean_up(&b);
    return st;
}

enum drh_status s3_get_bucket_tag(struct aws_client *c, const char *bucket, const char *key,
                                  char **value, struct drh_err *err)
{
    struct aws_response resp;
    enum drh_status st =
        s_bucket_call(c, "GetBucketTagging", "GET", bucket, "tagging", NULL, false, &resp, err);
    if (st != DRH_OK && resp.error.code && strcmp(resp.error.code, "NoSuchTagSet") == 0) {
        drh_err_clear(err);
        aws_response_clean_up(&resp);
        *value = NULL;
        return DRH_OK;
    }
    struct xml_doc *doc = NULL;
    if (st == DRH_OK)
        st = s_xml(&resp, "GetBucketTagging", &doc, err);
    aws_response_clean_up(&resp);
    if (st != DRH_OK)
        return st;
    char *found = NULL;
    const struct xml_node *set = xml_child(xml_root(doc), "TagSet");
    for (const struct xml_node *t = xml_child(set, "Tag"); t && !found; t = xml_next(t)) {
        char *k = xml_find_text(t, "Key");
        if (k && strcmp(k, key) == 0)
            found = xml_find_text(t, "Value");
        free(k);
    }
    xml_free(doc);
    *value = found;
    return DRH_OK;
}
