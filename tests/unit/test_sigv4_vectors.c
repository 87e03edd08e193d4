/*
 * The botocore SigV4 test suite, run against drh's signer: every case folder
 * under $SIGV4_SUITE (default ../shared/sigv4/botocore-aws4), nested ones
 * included, must give its canonical request, string to sign and
 * Authorization header byte for byte. Botocore's own runner skips some cases
 * (duplicate query keys, the space in a request line); this one runs all.
 */
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/headers.h"
#include "aws/sigv4.h"
#include "buf.h"
#include "mem.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S_DEFAULT_SUITE "../shared/sigv4/botocore-aws4"
#define S_AKID "AKIDEXAMPLE"
#define S_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define S_AMZ_DATE "20150830T123600Z"
#define S_SCOPE "20150830/us-east-1/service/aws4_request"
/* 2015-08-30T12:36:00Z */
#define S_NOW ((time_t)1440938160)


static const char *s_suite_dir(void)
{
    const char *dir = getenv("SIGV4_SUITE");
    return dir && *dir ? dir : S_DEFAULT_SUITE;
}

static int s_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *s_skip(void)
{
    static char why[512];
    if (s_is_dir(s_suite_dir()))
        return NULL;
    snprintf(why, sizeof why, "botocore sigv4 suite not found at '%s' (set SIGV4_SUITE)",
             s_suite_dir());
    return why;
}

/* ---- finding the cases ------------------------------------------------- */

struct s_cases {
    char **dir; /* a folder holding NAME.req, NAME being the folder's name */
    size_t n;
    size_t cap;
};

static void s_collect(const char *dir, struct s_cases *cases)
{
    const char *base = strrchr(dir, '/');
    base = base ? base + 1 : dir;
    char *req = xasprintf("%s/%s.req", dir, base);
    struct stat st;
    if (stat(req, &st) == 0 && S_ISREG(st.st_mode)) {
        if (cases->n == cases->cap) {
            cases->cap = cases->cap ? cases->cap * 2 : 64;
            cases->dir = xrealloc(cases->dir, cases->cap * sizeof cases->dir[0]);
        }
        cases->dir[cases->n++] = xstrdup(dir);
    }
    free(req);

    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = xasprintf("%s/%s", dir, e->d_name);
        if (s_is_dir(sub))
            s_collect(sub, cases);
        free(sub);
    }
    closedir(d);
}

static int s_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- parsing a .req ----------------------------------------------------- */

struct s_req {
    char *method;
    char *path;
    char *query; /* NULL when the target has no '?' */
    struct headers headers;
    char *body;
    size_t body_len;
};

static void s_req_clean_up(struct s_req *r)
{
    free(r->method);
    free(r->path);
    free(r->query);
    headers_clean_up(&r->headers);
    free(r->body);
}

/* Request line, then "Name:value" lines (a line starting with a space or a
 * tab continues the previous value), a blank line, the body. The request
 * target may hold spaces (get-space), so the method ends at the first space
 * and the version starts after the last. */
static int s_parse_req(const char *text, size_t len, struct s_req *r, char *why, size_t why_size)
{
    memset(r, 0, sizeof *r);
    headers_init(&r->headers);
    const char *end = text + len;
    const char *eol = memchr(text, '\n', len);
    const char *line_end = eol ? eol : end;
    const char *sp1 = memchr(text, ' ', (size_t)(line_end - text));
    const char *sp2 = line_end;
    while (sp2 > text && sp2[-1] != ' ')
        sp2--;
    if (!sp1 || sp2 - 1 <= sp1) {
        snprintf(why, why_size, "bad request line");
        return 0;
    }
    r->method = xstrndup(text, (size_t)(sp1 - text));
    const char *target = sp1 + 1;
    size_t target_len = (size_t)(sp2 - 1 - target);
    const char *q = memchr(target, '?', target_len);
    if (q) {
        r->path = xstrndup(target, (size_t)(q - target));
        r->query = xstrndup(q + 1, (size_t)(target + target_len - q - 1));
    } else {
        r->path = xstrndup(target, target_len);
    }

    const char *p = eol ? eol + 1 : end;
    while (p < end) {
        eol = memchr(p, '\n', (size_t)(end - p));
        line_end = eol ? eol : end;
        size_t n = (size_t)(line_end - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n == 0) {
            p = eol ? eol + 1 : end;
            break;
        }
        if (p[0] == ' ' || p[0] == '\t') {
            if (r->headers.n == 0) {
                snprintf(why, why_size, "continuation line before any header");
                return 0;
            }
            /* The raw fold stays in the value: folding it is the signer's
             * job. */
            struct header *last = &r->headers.v[r->headers.n - 1];
            char *value = xasprintf("%s\n%.*s", last->value, (int)n, p);
            free(last->value);
            last->value = value;
        } else {
            const char *colon = memchr(p, ':', n);
            if (!colon) {
                snprintf(why, why_size, "header line without ':'");
                return 0;
            }
            char *name = xstrndup(p, (size_t)(colon - p));
            char *value = xstrndup(colon + 1, (size_t)(p + n - colon - 1));
            headers_add(&r->headers, name, value);
            free(name);
            free(value);
        }
        p = eol ? eol + 1 : end;
    }
    r->body_len = (size_t)(end - p);
    r->body = xstrndup(p, r->body_len);
    return 1;
}

/* The session token of a case is the x-amz-security-token line of its
 * canonical request; NULL when it has none. */
static char *s_token_from_creq(const char *creq)
{
    static const char key[] = "\nx-amz-security-token:";
    const char *t = strstr(creq, key);
    if (!t)
        return NULL;
    t += sizeof key - 1;
    return xstrndup(t, strcspn(t, "\n"));
}

/* ---- one case ------------------------------------------------------------ */

static void s_show_diff(const char *name, const char *part, const char *want, const char *got)
{
    fprintf(stderr, "\nsigv4 vector %s: %s differs\n--- expected\n%s\n--- drh\n%s\n---\n", name,
            part, want, got);
}

/* Returns 1 when all three parts match. */
static int s_run_case(const char *dir)
{
    const char *name = strrchr(dir, '/') + 1;
    struct buf req_text, creq, sts, authz;
    buf_init(&req_text);
    buf_init(&creq);
    buf_init(&sts);
    buf_init(&authz);
    int ok = 0;
    struct s_req r;
    memset(&r, 0, sizeof r);
    headers_init(&r.headers);
    char *token = NULL, *got_creq = NULL, *got_sts = NULL;
    char why[128];

    char *path = xasprintf("%s/%s.req", dir, name);
    int read_ok = test_read_into(path, &req_text);
    free(path);
    const char *ext[] = {"creq", "sts", "authz"};
    struct buf *dst[] = {&creq, &sts, &authz};
    for (size_t i = 0; read_ok && i < 3; i++) {
        path = xasprintf("%s/%s.%s", dir, name, ext[i]);
        read_ok = test_read_into(path, dst[i]);
        free(path);
    }
    if (!read_ok) {
        TEST_FAILF("sigv4 vector %s: cannot read its .req, .creq, .sts or .authz", name);
        goto done;
    }
    if (!s_parse_req(req_text.data, req_text.len, &r, why, sizeof why)) {
        TEST_FAILF("sigv4 vector %s: .req: %s", name, why);
        goto done;
    }

    token = s_token_from_creq(creq.data);
    struct sigv4_creds creds = {S_AKID, S_SECRET, token};
    struct sigv4_options opt = {.region = "us-east-1", .service = "service", .now = S_NOW};
    struct sigv4_request req = {r.method, r.path, r.query, &r.headers, r.body, r.body_len};
    struct drh_err err;
    drh_err_clear(&err);
    if (sigv4_sign(&req, &creds, &opt, &err) != DRH_OK) {
        TEST_FAILF("sigv4 vector %s: sigv4_sign failed: %s", name, err.msg);
        goto done;
    }
    const char *got_authz = headers_get(&r.headers, "Authorization");

    /* What was signed: the request as sigv4_sign left it, minus its own
     * Authorization header. */
    char *authz_copy = xstrdup(got_authz ? got_authz : "");
    headers_remove(&r.headers, "Authorization");
    got_creq = sigv4_canonical_request(&req, &opt, NULL, NULL);
    got_sts = sigv4_string_to_sign(S_AMZ_DATE, S_SCOPE, got_creq);

    ok = 1;
    if (strcmp(got_creq, creq.data) != 0) {
        s_show_diff(name, "canonical request", creq.data, got_creq);
        TEST_FAILF("sigv4 vector %s: canonical request differs", name);
        ok = 0;
    }
    if (strcmp(got_sts, sts.data) != 0) {
        s_show_diff(name, "string to sign", sts.data, got_sts);
        TEST_FAILF("sigv4 vector %s: string to sign differs", name);
        ok = 0;
    }
    if (strcmp(authz_copy, authz.data) != 0) {
        s_show_diff(name, "Authorization", authz.data, authz_copy);
        TEST_FAILF("sigv4 vector %s: Authorization differs", name);
        ok = 0;
    }
    free(authz_copy);

done:
    free(got_sts);
    free(got_creq);
    free(token);
    s_req_clean_up(&r);
    buf_clean_up(&req_text);
    buf_clean_up(&creq);
    buf_clean_up(&sts);
    buf_clean_up(&authz);
    return ok;
}

static void test_every_vector_case(void)
{
    struct s_cases cases = {NULL, 0, 0};
    s_collect(s_suite_dir(), &cases);
    if (cases.n > 1)
        qsort(cases.dir, cases.n, sizeof cases.dir[0], s_strcmp_p);
    size_t passed = 0;
    for (size_t i = 0; i < cases.n; i++)
        passed += (size_t)s_run_case(cases.dir[i]);
    CU_ASSERT(cases.n > 0);
    CU_ASSERT_EQUAL(passed, cases.n);
    printf("\n    sigv4 vectors: %zu of %zu cases passed (%s) ", passed, cases.n, s_suite_dir());
    for (size_t i = 0; i < cases.n; i++)
        free(cases.dir[i]);
    free(cases.dir);
}

/* Signing twice must not sign the first Authorization header again, nor
 * keep two X-Amz-Date headers: retries re-sign the same request. */
static void test_resigning_is_idempotent(void)
{
    struct headers h;
    headers_init(&h);
    headers_add(&h, "Host", "example.amazonaws.com");
    struct sigv4_creds creds = {S_AKID, S_SECRET, NULL};
    struct sigv4_options opt = {.region = "us-east-1", .service = "service", .now = S_NOW};
    struct sigv4_request req = {"GET", "/", NULL, &h, NULL, 0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(sigv4_sign(&req, &creds, &opt, &err), DRH_OK);
    char *first = xstrdup(headers_get(&h, "Authorization"));
    CU_ASSERT_EQUAL(sigv4_sign(&req, &creds, &opt, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(headers_get(&h, "Authorization"), first);
    CU_ASSERT_EQUAL(h.n, 3);
    /* get-vanilla's signature. */
    CU_ASSERT_PTR_NOT_NULL(strstr(
        first, "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
    free(first);
    headers_clean_up(&h);
}

static const struct test_case cases[] = {
    {"every case of the botocore suite", test_every_vector_case},
    {"re-signing replaces, not adds", test_resigning_is_idempotent},
};
TEST_SUITE_FULL("sigv4-vectors", cases, s_skip, NULL, NULL)
