/*
 * Fuzz target: SigV4 canonicalization and signing. The bytes are carved
 * into a request, one part a line:
 *   METHOD
 *   PATH                 as sent (percent-encoded or not)
 *   QUERY                raw, without '?'
 *   REGION
 *   SERVICE
 *   FLAGS                letters: s = S3 rules, u = payload hash
 *                        UNSIGNED-PAYLOAD, t = a session token, y = a time
 *                        past year 9999 (no signing date)
 *   Name: value          headers, one a line, up to an empty line
 *   BODY                 every byte after that empty line
 * with fixed credentials (the AWS documentation's example keys) and clock.
 *
 * Invariants (sigv4.h, and SigV4 itself): the canonical request is
 * METHOD, path, query, one line per distinct signed header, a blank line,
 * the signed header names (sorted, ';'-joined, lowercase, without Expect,
 * User-Agent, X-Amzn-Trace-Id), the payload hash; the path of a non-S3
 * request is normalized and encoded; the query is encoded and sorted. A
 * signature is the HMAC of the string to sign over that canonical request,
 * signing again (a retry) gives the same Authorization, a refused request
 * is left untouched, and a presigned query ends with the signature.
 */
#include "fuzz_targets.h"

#include "aws/headers.h"
#include "aws/sigv4.h"
#include "buf.h"
#include "crypto.h"
#include "mem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_NAME "sigv4"
#define S_HEADERS_MAX 64
#define S_AKID "AKIDEXAMPLE"
#define S_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define S_TOKEN "FQoGZXIvYXdzEXAMPLETOKEN"
#define S_NOW 1440938160L /* 2015-08-30T12:36:00Z */
#define S_AMZ_DATE "20150830T123600Z"
#define S_FAR_FUTURE 253402300800.0 /* 10000-01-01T00:00:00Z */

struct s_case {
    char *method, *path, *query, *region, *service, *flags;
    struct headers headers;
    const uint8_t *body;
    size_t body_len;
};

static void s_carve(const uint8_t *data, size_t size, struct s_case *c)
{
    char **parts[] = {&c->method, &c->path, &c->query, &c->region, &c->service, &c->flags};
    size_t line = 0;
    for (; line < sizeof parts / sizeof parts[0]; line++)
        *parts[line] = fuzz_line(data, size, line);
    headers_init(&c->headers);
    for (;; line++) {
        char *h = fuzz_line(data, size, line);
        bool end = !*h || fuzz_after_lines(data, size, line + 1) >= size;
        if (*h && c->headers.n < S_HEADERS_MAX) {
            char *colon = strchr(h, ':');
            if (colon)
                *colon = '\0';
            headers_add(&c->headers, h, colon ? colon + 1 : "");
        }
        free(h);
        if (end)
            break;
    }
    size_t off = fuzz_after_lines(data, size, line + 1);
    c->body = off < size ? data + off : NULL;
    c->body_len = off < size ? size - off : 0;
}

static void s_free(struct s_case *c)
{
    free(c->method);
    free(c->path);
    free(c->query);
    free(c->region);
    free(c->service);
    free(c->flags);
    headers_clean_up(&c->headers);
}

static bool s_unsigned_header(const char *lname)
{
    return !strcmp(lname, "expect") || !strcmp(lname, "user-agent") ||
           !strcmp(lname, "x-amzn-trace-id");
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The signed header names as SigV4 defines them; *count gets how many. */
static char *s_expected_signed(const struct headers *h, size_t *count)
{
    char **names = xcalloc(h->n + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++) {
        char *l = xstrdup(h->v[i].name);
        for (char *p = l; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        if (s_unsigned_header(l))
            free(l);
        else
            names[n++] = l;
    }
    qsort(names, n, sizeof *names, s_cmp);
    struct buf b;
    buf_init(&b);
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0) {
            if (*count)
                buf_putc(&b, ';');
            buf_puts(&b, names[i]);
            ++*count;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    char *out = buf_detach(&b);
    return out ? out : xstrdup("");
}

static bool s_unreserved(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.' || ch == '~';
}

static bool s_hex_upper(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F');
}

/* AWS percent-encoding of [s, s + n): unreserved bytes and %XX (uppercase);
 * '/' too when slash. */
static bool s_encoded(const char *s, size_t n, bool slash)
{
    for (size_t i = 0; i < n; i++) {
        if (s_unreserved(s[i]) || (slash && s[i] == '/'))
            continue;
        if (s[i] != '%' || i + 2 >= n || !s_hex_upper(s[i + 1]) || !s_hex_upper(s[i + 2]))
            return false;
        i += 2;
    }
    return true;
}

static void s_check_query(const char *q, size_t n)
{
    const char *prev_k = NULL, *prev_v = NULL;
    size_t prev_kn = 0, prev_vn = 0;
    for (const char *p = q; n > 0;) {
        const char *amp = memchr(p, '&', n);
        size_t len = amp ? (size_t)(amp - p) : n;
        const char *eq = memchr(p, '=', len);
        FUZZ_CHECK(S_NAME, eq != NULL); /* "=v": an empty key is a key (botocore) */
        size_t kn = (size_t)(eq - p), vn = len - kn - 1;
        FUZZ_CHECK(S_NAME, s_encoded(p, kn, false) && s_encoded(eq + 1, vn, false));
        if (prev_k) {
            size_t m = kn < prev_kn ? kn : prev_kn;
            int c = memcmp(prev_k, p, m);
            if (c == 0 && kn == prev_kn) {
                size_t mv = vn < prev_vn ? vn : prev_vn;
                c = memcmp(prev_v, eq + 1, mv);
                FUZZ_CHECK(S_NAME, c < 0 || (c == 0 && prev_vn <= vn));
            } else {
                FUZZ_CHECK(S_NAME, c < 0 || (c == 0 && prev_kn < kn));
            }
        }
        prev_k = p, prev_kn = kn, prev_v = eq + 1, prev_vn = vn;
        if (!amp)
            break;
        FUZZ_CHECK(S_NAME, len + 1 < n); /* no empty piece at the end */
        n -= len + 1;
        p = amp + 1;
    }
}

/* The canonical request of c's request as it stands, checked line by line. */
static char *s_canonical(const struct sigv4_request *req, const struct sigv4_options *opt)
{
    char *signed_headers = NULL;
    char *cr = sigv4_canonical_request(req, opt, NULL, &signed_headers);
    FUZZ_CHECK(S_NAME, cr && signed_headers);
    size_t distinct;
    char *want_signed = s_expected_signed(req->headers, &distinct);
    FUZZ_CHECK(S_NAME, strcmp(signed_headers, want_signed) == 0);
    free(want_signed);

    size_t lines = 0;
    const char *line[8 + S_HEADERS_MAX + 8];
    size_t len[8 + S_HEADERS_MAX + 8];
    for (const char *p = cr;; lines++) {
        const char *nl = strchr(p, '\n');
        FUZZ_CHECK(S_NAME, lines < sizeof line / sizeof line[0]);
        line[lines] = p;
        len[lines] = nl ? (size_t)(nl - p) : strlen(p);
        if (!nl)
            break;
        p = nl + 1;
    }
    lines++;
    size_t header_lines = distinct ? distinct : 1;
    FUZZ_CHECK(S_NAME, lines == 6 + header_lines);

    for (size_t i = 0; i < len[0]; i++)
        FUZZ_CHECK(S_NAME, !(line[0][i] >= 'a' && line[0][i] <= 'z'));
    /* An absolute path stays absolute (a relative one is no HTTP path: it
     * is signed as botocore signs it, whatever that is). */
    bool absolute = !req->path || !*req->path || req->path[0] == '/';
    FUZZ_CHECK(S_NAME, len[1] > 0 && (!absolute || line[1][0] == '/'));
    if (!opt->s3) {
        FUZZ_CHECK(S_NAME, s_encoded(line[1], len[1], true));
        char *path = xstrndup(line[1], len[1]);
        FUZZ_CHECK(S_NAME, !strstr(path, "//") && !strstr(path, "/./") && !strstr(path, "/../"));
        size_t n = strlen(path);
        FUZZ_CHECK(S_NAME, !(n >= 2 && strcmp(path + n - 2, "/.") == 0));
        FUZZ_CHECK(S_NAME, !(n >= 3 && strcmp(path + n - 3, "/..") == 0));
        free(path);
    }
    s_check_query(line[2], len[2]);
    FUZZ_CHECK(S_NAME, len[3 + header_lines] == 0); /* the blank line */
    FUZZ_CHECK(S_NAME,
               len[4 + header_lines] == strlen(signed_headers) &&
                   memcmp(line[4 + header_lines], signed_headers, len[4 + header_lines]) == 0);

    char body_hex[CRYPTO_SHA256_HEX_LEN + 1];
    const char *hash = opt->payload_hash;
    const char *header = headers_get(req->headers, "X-Amz-Content-SHA256");
    if (!hash && header && !opt->s3)
        hash = header;
    if (!hash) {
        crypto_sha256_hex(req->body, req->body_len, body_hex);
        hash = body_hex;
    }
    FUZZ_CHECK(S_NAME, strcmp(line[5 + header_lines], hash) == 0);
    free(signed_headers);
    return cr;
}

static bool s_same_headers(const struct headers *a, const struct headers *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].name, b->v[i].name) || strcmp(a->v[i].value, b->v[i].value))
            return false;
    return true;
}

/* The Authorization that sigv4_sign() must have written for req. */
static char *s_expected_auth(const struct sigv4_request *signed_req,
                             const struct sigv4_options *opt)
{
    struct headers plain;
    headers_init(&plain);
    headers_copy(&plain, signed_req->headers);
    headers_remove(&plain, "Authorization");
    struct sigv4_request req = *signed_req;
    req.headers = &plain;
    char *cr = s_canonical(&req, opt);
    char *signed_names = NULL;
    free(sigv4_canonical_request(&req, opt, NULL, &signed_names));
    char *scope = xasprintf("%.8s/%s/%s/aws4_request", S_AMZ_DATE, opt->region, opt->service);
    char *sts = sigv4_string_to_sign(S_AMZ_DATE, scope, cr);
    unsigned char key[CRYPTO_SHA256_LEN], mac[CRYPTO_SHA256_LEN];
    char hex[CRYPTO_SHA256_HEX_LEN + 1];
    sigv4_signing_key(S_SECRET, "20150830", opt->region, opt->service, key);
    crypto_hmac_sha256(key, sizeof key, sts, strlen(sts), mac);
    crypto_hex(mac, sizeof mac, hex);
    char *auth = xasprintf(SIGV4_ALGORITHM " Credential=" S_AKID "/%s, SignedHeaders=%s, "
                                           "Signature=%s",
                           scope, signed_names, hex);
    free(sts);
    free(scope);
    free(signed_names);
    free(cr);
    headers_clean_up(&plain);
    return auth;
}

static size_t s_count(const struct headers *h, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++)
        n += strcasecmp(h->v[i].name, name) == 0;
    return n;
}

static void s_sign(struct sigv4_request *req, const struct sigv4_creds *creds,
                   const struct sigv4_options *opt)
{
    struct headers before;
    headers_init(&before);
    headers_copy(&before, req->headers);
    struct drh_err err = {0};
    if (sigv4_sign(req, creds, opt, &err) != DRH_OK) {
        FUZZ_CHECK(S_NAME, err.code == DRH_E_INPUT || err.code == DRH_E_CONFIG);
        FUZZ_CHECK(S_NAME, s_same_headers(&before, req->headers));
        headers_clean_up(&before);
        return;
    }
    headers_clean_up(&before);
    FUZZ_CHECK(S_NAME, s_count(req->headers, "Authorization") == 1);
    char *auth = xstrdup(headers_get(req->headers, "Authorization"));
    char *want = s_expected_auth(req, opt);
    FUZZ_CHECK(S_NAME, strcmp(auth, want) == 0);
    free(want);
    /* A retry signs the same request again, in place. */
    FUZZ_CHECK(S_NAME, sigv4_sign(req, creds, opt, &err) == DRH_OK);
    FUZZ_CHECK(S_NAME, s_count(req->headers, "Authorization") == 1);
    FUZZ_CHECK(S_NAME, strcmp(auth, headers_get(req->headers, "Authorization")) == 0);
    free(auth);
}

static void s_presign(const struct sigv4_request *req, const struct sigv4_creds *creds,
                      const struct sigv4_options *opt)
{
    char *query = NULL;
    struct drh_err err = {0};
    if (sigv4_presign(req, creds, opt, 3600, &query, &err) != DRH_OK) {
        FUZZ_CHECK(S_NAME, query == NULL);
        return;
    }
    /* It ends with the signature, whatever the caller's query held. */
    size_t n = strlen(query), tail = 17 + CRYPTO_SHA256_HEX_LEN;
    FUZZ_CHECK(S_NAME, n > tail && memcmp(query + n - tail, "&X-Amz-Signature=", 17) == 0);
    FUZZ_CHECK(S_NAME, strspn(query + n - CRYPTO_SHA256_HEX_LEN, "0123456789abcdef") ==
                           CRYPTO_SHA256_HEX_LEN);
    FUZZ_CHECK(S_NAME, strstr(query, "X-Amz-Credential=" S_AKID "%2F20150830%2F") != NULL);
    free(query);
}

int fuzz_sigv4(const uint8_t *data, size_t size)
{
    struct s_case c;
    s_carve(data, size, &c);
    bool token = strchr(c.flags, 't') != NULL;
    struct sigv4_creds creds = {S_AKID, S_SECRET, token ? S_TOKEN : NULL};
    struct sigv4_options opt = {
        .region = c.region,
        .service = c.service,
        .now = strchr(c.flags, 'y') ? (time_t)S_FAR_FUTURE : (time_t)S_NOW,
        .s3 = strchr(c.flags, 's') != NULL,
        .payload_hash = strchr(c.flags, 'u') ? SIGV4_UNSIGNED_PAYLOAD : NULL,
    };
    struct sigv4_request req = {c.method, c.path, c.query, &c.headers, c.body, c.body_len};

    free(s_canonical(&req, &opt));
    s_presign(&req, &creds, &opt);
    s_sign(&req, &creds, &opt);

    /* A cached signing key is the key derived afresh. */
    unsigned char k1[CRYPTO_SHA256_LEN], k2[CRYPTO_SHA256_LEN];
    sigv4_signing_key(S_SECRET, "20150830", c.region, c.service, k1);
    sigv4_cache_clear();
    sigv4_signing_key(S_SECRET, "20150830", c.region, c.service, k2);
    FUZZ_CHECK(S_NAME, memcmp(k1, k2, sizeof k1) == 0);
    s_free(&c);
    return 0;
}
