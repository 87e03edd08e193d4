/*
 * Canaries as S3 objects (canary.h): PREFIX + 20-digit zero-padded seq +
 * ".json", so the keys list in chain order, each a small JSON document that
 * names its drill and resource. The writer lists the current objects under
 * the prefix, reads the newest, puts the next and deletes those beyond
 * keep. Anything under the prefix that is not such a key is ignored (the
 * live lag check's drh-canary/RUN-ID objects among them).
 */
#include "canary/canary.h"

#include "aws/s3.h"
#include "json.h"
#include "log.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define S_DIGITS 20

char *canary_s3_key(const char *prefix, long long seq)
{
    return xasprintf("%s%0*lld.json", prefix, S_DIGITS, seq);
}

bool canary_s3_key_seq(const char *prefix, const char *key, long long *seq)
{
    size_t p = strlen(prefix);
    if (strncmp(key, prefix, p) != 0 || strlen(key) != p + S_DIGITS + 5 ||
        strcmp(key + p + S_DIGITS, ".json") != 0)
        return false;
    long long v = 0;
    for (size_t i = 0; i < S_DIGITS; i++) {
        char ch = key[p + i];
        if (ch < '0' || ch > '9' || v > (9223372036854775807LL - 9) / 10)
            return false;
        v = v * 10 + (ch - '0');
    }
    *seq = v;
    return v > 0;
}

char *canary_s3_body(const char *drill, const char *resource, const struct canary *c)
{
    char when[CANARY_TIME_LEN];
    canary_format_time(c->written_us, 'T', when);
    struct json *j = json_new_object();
    json_add_string(j, "drill", drill);
    json_add_string(j, "resource", resource);
    json_add_number(j, "seq", (double)c->seq);
    json_add_string(j, "written_at", when);
    json_add_number(j, "written_us", (double)c->written_us);
    json_add_string(j, "prev_hash", c->prev_hash);
    json_add_string(j, "hash", c->hash);
    char *text = json_print(j, 0);
    json_free(j);
    char *body = xasprintf("%s\n", text);
    free(text);
    return body;
}

enum drh_status canary_s3_parse(const char *body, size_t len, const char *key, struct canary *out,
                                char **drill, char **resource, struct drh_err *err)
{
    struct json *j = NULL;
    if (json_parse(body, len, &j, err) != DRH_OK)
        return drh_err_prefix(err, "canary object '%s'", key);
    struct canary c = {0};
    const char *prev = json_get_string(j, "prev_hash"), *hash = json_get_string(j, "hash");
    const char *d = json_get_string(j, "drill"), *r = json_get_string(j, "resource");
    enum drh_status st = DRH_OK;
    if (!json_integer(json_get(j, "seq"), &c.seq) ||
        !json_integer(json_get(j, "written_us"), &c.written_us) || !prev || !hash || !d || !r ||
        strlen(prev) > CANARY_HEX || strlen(hash) > CANARY_HEX) {
        st = drh_err_set(err, DRH_E_PARSE,
                         "canary object '%s' is not a drh canary (seq, written_us, prev_hash, "
                         "hash, drill, resource)",
                         key);
        goto done;
    }
    snprintf(c.prev_hash, sizeof c.prev_hash, "%s", prev);
    snprintf(c.hash, sizeof c.hash, "%s", hash);
    *out = c;
    if (drill)
        *drill = xstrdup(d);
    if (resource)
        *resource = xstrdup(r);
done:
    json_free(j);
    return st;
}

enum drh_status canary_s3_write(struct aws_client *c, const char *bucket, const char *prefix,
                                const char *drill, const char *resource, long keep,
                                long long now_us, struct canary *out, struct drh_err *err)
{
    struct s3_version *v = NULL;
    size_t n = 0;
    enum drh_status st = s3_list_versions(c, bucket, prefix, &v, &n, err);
    if (st != DRH_OK)
        return drh_err_prefix(err, "listing canaries under '%s' in '%s'", prefix, bucket);
    long long newest = 0, seq;
    const char *newest_key = NULL;
    for (size_t i = 0; i < n; i++)
        if (v[i].latest && !v[i].delete_marker && canary_s3_key_seq(prefix, v[i].key, &seq) &&
            seq > newest) {
            newest = seq;
            newest_key = v[i].key;
        }
    struct canary prev;
    char *body = NULL, *key = NULL;
    if (newest_key) {
        struct buf b;
        buf_init(&b);
        st = s3_get_object(c, bucket, newest_key, NULL, &b, err);
        if (st == DRH_OK)
            st = canary_s3_parse(b.data ? b.data : "", b.len, newest_key, &prev, NULL, NULL, err);
        buf_clean_up(&b);
        if (st != DRH_OK)
            goto done;
    }
    canary_next(drill, resource, newest_key ? &prev : NULL, now_us, out);
    key = canary_s3_key(prefix, out->seq);
    body = canary_s3_body(drill, resource, out);
    st = s3_put_object(c, bucket, key, body, strlen(body), NULL, NULL, err);
    if (st != DRH_OK) {
        drh_err_prefix(err, "writing canary '%s' into '%s'", key, bucket);
        goto done;
    }
    /* prune: current objects keep or more canaries back; the canary is
     * written, so a refused delete is only a warning */
    for (size_t i = 0; keep > 0 && i < n; i++)
        if (v[i].latest && !v[i].delete_marker && canary_s3_key_seq(prefix, v[i].key, &seq) &&
            seq <= out->seq - keep) {
            struct drh_err perr;
            drh_err_clear(&perr);
            if (s3_delete_object(c, bucket, v[i].key, NULL, &perr) != DRH_OK)
                log_warn("cannot prune canary '%s' from '%s': %s", v[i].key, bucket, perr.msg);
        }
done:
    free(key);
    free(body);
    s3_versions_free(v, n);
    return st;
}
