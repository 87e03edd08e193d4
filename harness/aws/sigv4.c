/* AWS Signature Version 4 signer, botocore-exact: see sigv4.h. */
#include "aws/sigv4.h"

#include "aws/uri.h"
#include "buf.h"
#include "crypto.h"
#include "mem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "20150830T123600Z" */
#define S_AMZ_DATE_LEN 16
#define S_FORM_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

/* Botocore's SIGNED_HEADERS_BLACKLIST: headers that proxies and HTTP
 * libraries add or rewrite after signing. */
static const char *const s_unsigned_headers[] = {"expect", "user-agent", "x-amzn-trace-id"};

/* ---- signing-key cache ------------------------------------------------ */

/* A key is valid for one day, region and service: caching it saves four
 * HMACs per request. The secret itself is not kept, only its SHA-256. */
#define S_CACHE_SLOTS 8
#define S_CACHE_NAME_MAX 64

struct s_slot {
    int used;
    unsigned char secret_id[CRYPTO_SHA256_LEN];
    char date[9];
    char region[S_CACHE_NAME_MAX];
    char service[S_CACHE_NAME_MAX];
    unsigned char key[CRYPTO_SHA256_LEN];
};

static pthread_mutex_t s_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct s_slot s_cache[S_CACHE_SLOTS];
static size_t s_cache_next;
static unsigned long s_cache_hits, s_cache_misses;

static void s_derive_key(const char *secret, const char *date8, const char *region,
                         const char *service, unsigned char out[CRYPTO_SHA256_LEN])
{
    unsigned char k[CRYPTO_SHA256_LEN];
    size_t secret_len = strlen(secret);
    char *seed = xmalloc(secret_len + 5);
    memcpy(seed, "AWS4", 4);
    memcpy(seed + 4, secret, secret_len + 1);
    crypto_hmac_sha256(seed, secret_len + 4, date8, strlen(date8), k);
    crypto_wipe(seed, secret_len + 4);
    free(seed);
    crypto_hmac_sha256(k, sizeof k, region, strlen(region), k);
    crypto_hmac_sha256(k, sizeof k, service, strlen(service), k);
    crypto_hmac_sha256(k, sizeof k, "aws4_request", 12, out);
    crypto_wipe(k, sizeof k);
}

void sigv4_signing_key(const char *secret, const char *date8, const char *region,
                       const char *service, unsigned char out[32])
{
    unsigned char id[CRYPTO_SHA256_LEN];
    int cacheable = strlen(date8) == 8 && strlen(region) < S_CACHE_NAME_MAX &&
                    strlen(service) < S_CACHE_NAME_MAX;
    crypto_sha256(secret, strlen(secret), id);

    pthread_mutex_lock(&s_cache_lock);
    for (size_t i = 0; cacheable && i < S_CACHE_SLOTS; i++) {
        struct s_slot *s = &s_cache[i];
        if (s->used && memcmp(s->secret_id, id, sizeof id) == 0 && strcmp(s->date, date8) == 0 &&
            strcmp(s->region, region) == 0 && strcmp(s->service, service) == 0) {
            memcpy(out, s->key, CRYPTO_SHA256_LEN);
            s_cache_hits++;
            pthread_mutex_unlock(&s_cache_lock);
            return;
        }
    }
    s_cache_misses++;
    pthread_mutex_unlock(&s_cache_lock);

    /* Derived outside the lock: four HMACs need not serialize signers. */
    s_derive_key(secret, date8, region, service, out);
    if (!cacheable)
        return;

    pthread_mutex_lock(&s_cache_lock);
    struct s_slot *s = &s_cache[s_cache_next];
    s_cache_next = (s_cache_next + 1) % S_CACHE_SLOTS;
    s->used = 1;
    memcpy(s->secret_id, id, sizeof id);
    memcpy(s->date, date8, 9);
    snprintf(s->region, sizeof s->region, "%s", region);
    snprintf(s->service, sizeof s->service, "%s", service);
    memcpy(s->key, out, CRYPTO_SHA256_LEN);
    pthread_mutex_unlock(&s_cache_lock);
}

void sigv4_cache_clear(void)
{
    pthread_mutex_lock(&s_cache_lock);
    /* Zeroes too, so every slot is unused again. */
    crypto_wipe(s_cache, sizeof s_cache);
    s_cache_next = 0;
    pthread_mutex_unlock(&s_cache_lock);
}

void sigv4_cache_stats(unsigned long *hits, unsigned long *misses)
{
    pthread_mutex_lock(&s_cache_lock);
    if (hits)
        *hits = s_cache_hits;
    if (misses)
        *misses = s_cache_misses;
    pthread_mutex_unlock(&s_cache_lock);
}

/* ---- canonical request -------------------------------------------------- */

/* Length of the whitespace character at p (0 if none). Botocore trims header
 * values with Python's str.split(), whose whitespace is Unicode's: the ASCII
 * controls 0x09-0x0d and 0x1c-0x1f, space, and these code points in UTF-8. */
static size_t s_space_len(const unsigned char *p, size_t rem)
{
    if ((*p >= 0x09 && *p <= 0x0d) || (*p >= 0x1c && *p <= 0x20))
        return 1;
    if (rem >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
        return 2; /* U+0085, U+00A0 */
    if (rem < 3)
        return 0;
    if (p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
        return 3; /* U+1680 */
    if (p[0] == 0xe2 && p[1] == 0x80 &&
        ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
        return 3; /* U+2000-U+200A, U+2028, U+2029, U+202F */
    if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
        return 3; /* U+205F */
    if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
        return 3; /* U+3000 */
    return 0;
}

/* Appends value with leading and trailing whitespace removed and every
 * inner run of it replaced by one space (SigV4's Trimall). */
static void s_append_trimmed(struct buf *out, const char *value)
{
    const unsigned char *p = (const unsigned char *)value;
    size_t len = strlen(value);
    size_t i = 0;
    int words = 0;
    while (i < len) {
        size_t sp = s_space_len(p + i, len - i);
        if (sp) {
            i += sp;
            continue;
        }
        size_t start = i;
        while (i < len && !s_space_len(p + i, len - i))
            i++;
        if (words++)
            buf_putc(out, ' ');
        buf_append(out, p + start, i - start);
    }
}

struct s_entry {
    char *name; /* lowercase */
    const char *value;
    size_t order;
};

static int s_entry_cmp(const void *a, const void *b)
{
    const struct s_entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    /* Repeated names keep their order: SigV4 joins their values in it. */
    return x->order < y->order ? -1 : x->order > y->order;
}

static char *s_lower(const char *s)
{
    char *l = xstrdup(s);
    for (char *p = l; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return l;
}

static int s_is_unsigned(const char *lname)
{
    for (size_t i = 0; i < sizeof s_unsigned_headers / sizeof s_unsigned_headers[0]; i++)
        if (strcmp(lname, s_unsigned_headers[i]) == 0)
            return 1;
    return 0;
}

/* Appends the canonical headers ("name:value" lines joined by '\n') to
 * canon and sets *signed_out to the ';'-joined names. presign drops the form
 * Content-Type the way SigV4QueryAuth does. */
static void s_canonical_headers(const struct headers *h, int presign, struct buf *canon,
                                char **signed_out)
{
    int drop_content_type = 0;
    if (presign) {
        const char *ct = headers_get(h, "Content-Type");
        drop_content_type = ct && strcmp(ct, S_FORM_CONTENT_TYPE) == 0;
    }
    size_t count = h ? h->n : 0;
    struct s_entry *e = xcalloc(count ? count : 1, sizeof *e);
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        char *lname = s_lower(h->v[i].name);
        if (s_is_unsigned(lname) || (drop_content_type && strcmp(lname, "content-type") == 0)) {
            free(lname);
            continue;
        }
        e[n] = (struct s_entry){lname, h->v[i].value, i};
        n++;
    }
    qsort(e, n, sizeof e[0], s_entry_cmp);

    struct buf names;
    buf_init(&names);
    for (size_t i = 0; i < n; i++) {
        int first = i == 0 || strcmp(e[i].name, e[i - 1].name) != 0;
        if (first) {
            if (i > 0) {
                buf_putc(canon, '\n');
                buf_putc(&names, ';');
            }
            buf_puts(canon, e[i].name);
            buf_putc(canon, ':');
            buf_puts(&names, e[i].name);
        } else {
            buf_putc(canon, ',');
        }
        s_append_trimmed(canon, e[i].value);
    }
    for (size_t i = 0; i < n; i++)
        free(e[i].name);
    free(e);
    *signed_out = buf_detach(&names);
}

static void s_canonical_path(struct buf *out, const char *path, int s3)
{
    if (!path || !*path) {
        buf_putc(out, '/');
        return;
    }
    if (s3) {
        /* S3 object keys are signed as sent: "a//b" and "a/./b" are
         * different keys, and the caller already encoded them once. */
        buf_puts(out, path);
        return;
    }
    /* Every other service signs the normalized path encoded a second time
     * ("%20" becomes "%2520"), which is what botocore and the services do. */
    char *norm = uri_normalize_path(path);
    uri_encode(out, norm, strlen(norm), 1);
    free(norm);
}

/* Botocore lets an X-Amz-Content-SHA256 header stand for the payload. */
static void s_payload_hash(const struct sigv4_request *req, const struct sigv4_options *opt,
                           int presign, char out[CRYPTO_SHA256_HEX_LEN + 1], const char **hash)
{
    const char *header = req->headers ? headers_get(req->headers, "X-Amz-Content-SHA256") : NULL;
    if (opt->payload_hash)
        *hash = opt->payload_hash;
    else if (header && !(opt->s3 && !presign))
        *hash = header;
    else if (presign && opt->s3)
        *hash = SIGV4_UNSIGNED_PAYLOAD;
    else {
        crypto_sha256_hex(req->body, req->body ? req->body_len : 0, out);
        *hash = out;
    }
}

/* query is the raw query to canonicalize: the request's for header auth,
 * the one with the auth parameters for query auth. */
static char *s_canonical_request(const struct sigv4_request *req, const struct sigv4_options *opt,
                                 const char *query, const char *payload_hash, int presign,
                                 char **signed_out)
{
    struct buf cr;
    buf_init(&cr);
    for (const char *m = req->method ? req->method : ""; *m; m++)
        buf_putc(&cr, (*m >= 'a' && *m <= 'z') ? (char)(*m - 'a' + 'A') : *m);
    buf_putc(&cr, '\n');
    s_canonical_path(&cr, req->path, opt->s3);
    buf_putc(&cr, '\n');
    char *cq = uri_canonical_query(query);
    buf_puts(&cr, cq);
    free(cq);
    buf_putc(&cr, '\n');
    char *signed_headers;
    s_canonical_headers(req->headers, presign, &cr, &signed_headers);
    /* The header block ends with a newline of its own, then comes the
     * separator: hence the blank line of every canonical request. */
    buf_puts(&cr, "\n\n");
    buf_puts(&cr, signed_headers);
    buf_putc(&cr, '\n');
    buf_puts(&cr, payload_hash);
    if (signed_out)
        *signed_out = signed_headers;
    else
        free(signed_headers);
    return buf_detach(&cr);
}

char *sigv4_canonical_request(const struct sigv4_request *req, const struct sigv4_options *opt,
                              const char *payload_hash, char **signed_headers_out)
{
    char hex[CRYPTO_SHA256_HEX_LEN + 1];
    if (!payload_hash)
        s_payload_hash(req, opt, 0, hex, &payload_hash);
    return s_canonical_request(req, opt, req->query, payload_hash, 0, signed_headers_out);
}

char *sigv4_string_to_sign(const char *amz_date, const char *scope, const char *canonical_request)
{
    char hex[CRYPTO_SHA256_HEX_LEN + 1];
    crypto_sha256_hex(canonical_request, strlen(canonical_request), hex);
    return xasprintf(SIGV4_ALGORITHM "\n%s\n%s\n%s", amz_date, scope, hex);
}

/* ---- signing ------------------------------------------------------------ */

static const char *s_or_empty(const char *s)
{
    return s ? s : "";
}

static int s_has_line_break(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

/* Everything that can make signing fail is checked here, before the request
 * is touched. */
static enum drh_status s_check(const struct sigv4_request *req, const struct sigv4_creds *creds,
                               const struct sigv4_options *opt, struct drh_err *err)
{
    if (!req || !creds || !opt)
        return drh_err_set(err, DRH_E_INTERNAL, "sigv4: request, credentials or options missing");
    if (!req->method || !*req->method)
        return drh_err_set(err, DRH_E_INPUT, "sigv4: request has no method");
    if (!req->headers || !headers_get(req->headers, "Host"))
        return drh_err_set(err, DRH_E_INPUT, "sigv4: request to '%s' has no Host header",
                           s_or_empty(req->path));
    if (!opt->region || !*opt->region || !opt->service || !*opt->service) {
        drh_err_set(err, DRH_E_CONFIG, "sigv4: no region or service to sign for");
        return drh_err_hint(err, "set the region of the endpoint, e.g. us-east-1");
    }
    if (!creds->access_key_id || !*creds->access_key_id || !creds->secret_access_key ||
        !*creds->secret_access_key) {
        drh_err_set(err, DRH_E_CREDS, "sigv4: access key id or secret access key is empty");
        return drh_err_hint(err, "check the credentials source (environment, profile, role)");
    }
    /* These go into header values and the scope: a line break would let
     * them inject a header. */
    if (s_has_line_break(creds->access_key_id) || s_has_line_break(creds->session_token) ||
        s_has_line_break(opt->region) || s_has_line_break(opt->service) ||
        s_has_line_break(opt->payload_hash))
        return drh_err_set(err, DRH_E_INPUT,
                           "sigv4: access key, session token, region, service or payload hash "
                           "contains a line break");
    return DRH_OK;
}

static enum drh_status s_time(time_t now, struct tm *tm, char amz_date[S_AMZ_DATE_LEN + 1],
                              struct drh_err *err)
{
    if (!gmtime_r(&now, tm) ||
        strftime(amz_date, S_AMZ_DATE_LEN + 1, "%Y%m%dT%H%M%SZ", tm) != S_AMZ_DATE_LEN)
        return drh_err_set(err, DRH_E_INPUT, "sigv4: time %lld cannot be a signing date",
                           (long long)now);
    return DRH_OK;
}

/* RFC 5322 date as Python's email.utils.formatdate() writes it. */
static void s_http_date(const struct tm *tm, char *out, size_t size)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d -0000", days[tm->tm_wday % 7], tm->tm_mday,
             months[tm->tm_mon % 12], tm->tm_year + 1900, tm->tm_hour, tm->tm_min, tm->tm_sec);
}

static char *s_scope(const char *amz_date, const struct sigv4_options *opt)
{
    return xasprintf("%.8s/%s/%s/aws4_request", amz_date, opt->region, opt->service);
}

/* Hex signature of string_to_sign. */
static void s_signature(const struct sigv4_creds *creds, const char *amz_date,
                        const struct sigv4_options *opt, const char *sts,
                        char out[CRYPTO_SHA256_HEX_LEN + 1])
{
    char date8[9];
    unsigned char key[CRYPTO_SHA256_LEN];
    unsigned char sig[CRYPTO_SHA256_LEN];
    memcpy(date8, amz_date, 8);
    date8[8] = '\0';
    sigv4_signing_key(creds->secret_access_key, date8, opt->region, opt->service, key);
    crypto_hmac_sha256(key, sizeof key, sts, strlen(sts), sig);
    crypto_wipe(key, sizeof key);
    crypto_hex(sig, sizeof sig, out);
}

enum drh_status sigv4_sign(struct sigv4_request *req, const struct sigv4_creds *creds,
                           const struct sigv4_options *opt, struct drh_err *err)
{
    struct tm tm;
    char amz_date[S_AMZ_DATE_LEN + 1];
    enum drh_status rc = s_check(req, creds, opt, err);
    if (rc == DRH_OK)
        rc = s_time(opt->now, &tm, amz_date, err);
    if (rc != DRH_OK)
        return rc;

    struct headers *h = req->headers;
    headers_remove(h, "Authorization");
    if (headers_get(h, "Date")) {
        char date[64];
        s_http_date(&tm, date, sizeof date);
        headers_set(h, "Date", date);
        headers_remove(h, "X-Amz-Date");
    } else {
        headers_set(h, "X-Amz-Date", amz_date);
    }
    if (creds->session_token && *creds->session_token)
        headers_set(h, "X-Amz-Security-Token", creds->session_token);

    char body_hex[CRYPTO_SHA256_HEX_LEN + 1];
    const char *payload_hash;
    s_payload_hash(req, opt, 0, body_hex, &payload_hash);
    if (opt->s3)
        headers_set(h, "X-Amz-Content-SHA256", payload_hash);

    char *signed_headers;
    char *creq = s_canonical_request(req, opt, req->query, payload_hash, 0, &signed_headers);
    char *scope = s_scope(amz_date, opt);
    char *sts = sigv4_string_to_sign(amz_date, scope, creq);
    char sig[CRYPTO_SHA256_HEX_LEN + 1];
    s_signature(creds, amz_date, opt, sts, sig);

    char *auth = xasprintf(SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                           creds->access_key_id, scope, signed_headers, sig);
    headers_add(h, "Authorization", auth);
    free(auth);
    free(sts);
    free(scope);
    free(creq);
    free(signed_headers);
    return DRH_OK;
}

enum drh_status sigv4_presign(const struct sigv4_request *req, const struct sigv4_creds *creds,
                              const struct sigv4_options *opt, unsigned expires_seconds,
                              char **query_out, struct drh_err *err)
{
    struct tm tm;
    char amz_date[S_AMZ_DATE_LEN + 1];
    enum drh_status rc = s_check(req, creds, opt, err);
    if (rc == DRH_OK && (expires_seconds == 0 || expires_seconds > SIGV4_PRESIGN_MAX_EXPIRES)) {
        drh_err_set(err, DRH_E_INPUT, "sigv4: presigned url expiry of %u seconds is out of range",
                    expires_seconds);
        rc = drh_err_hint(err, "AWS accepts 1 to %u seconds (7 days)", SIGV4_PRESIGN_MAX_EXPIRES);
    }
    if (rc == DRH_OK)
        rc = s_time(opt->now, &tm, amz_date, err);
    if (rc != DRH_OK)
        return rc;

    /* The signed header names go into the query, so they come first. */
    struct buf unused;
    buf_init(&unused);
    char *signed_headers;
    s_canonical_headers(req->headers, 1, &unused, &signed_headers);
    buf_clean_up(&unused);

    char *scope = s_scope(amz_date, opt);
    char *credential = xasprintf("%s/%s", creds->access_key_id, scope);
    char expires[24];
    snprintf(expires, sizeof expires, "%u", expires_seconds);

    struct uri_params params;
    uri_params_init(&params);
    uri_params_parse(&params, req->query);
    uri_params_add(&params, "X-Amz-Algorithm", SIGV4_ALGORITHM);
    uri_params_add(&params, "X-Amz-Credential", credential);
    uri_params_add(&params, "X-Amz-Date", amz_date);
    uri_params_add(&params, "X-Amz-Expires", expires);
    uri_params_add(&params, "X-Amz-SignedHeaders", signed_headers);
    if (creds->session_token && *creds->session_token)
        uri_params_add(&params, "X-Amz-Security-Token", creds->session_token);
    char *query = uri_params_join(&params);

    char body_hex[CRYPTO_SHA256_HEX_LEN + 1];
    const char *payload_hash;
    s_payload_hash(req, opt, 1, body_hex, &payload_hash);
    /* query is already AWS-encoded, so canonicalizing it only sorts. */
    char *creq = s_canonical_request(req, opt, query, payload_hash, 1, NULL);
    char *sts = sigv4_string_to_sign(amz_date, scope, creq);
    char sig[CRYPTO_SHA256_HEX_LEN + 1];
    s_signature(creds, amz_date, opt, sts, sig);

    *query_out = xasprintf("%s&X-Amz-Signature=%s", query, sig);
    free(sts);
    free(creq);
    free(query);
    uri_params_clean_up(&params);
    free(credential);
    free(scope);
    free(signed_headers);
    return DRH_OK;
}
