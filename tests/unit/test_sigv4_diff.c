/*
 * Differential test of the SigV4 signer against botocore: the Python side
 * (tests/tools/botocore_sign.py) generates random requests from a fixed seed
 * and signs them with botocore; this side signs the same requests and must
 * produce the same Authorization header and headers (header auth) or the same
 * query string (presigned URLs). The line format is documented in the script.
 */
#include "support/testreg.h"

#include "aws/headers.h"
#include "aws/sigv4.h"
#include "buf.h"
#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define S_PYTHON "/usr/bin/python3"
#define S_SCRIPT "tests/tools/botocore_sign.py"
/* Fixed, so a failure reproduces; SIGV4_DIFF_SEED explores other seeds. */
#define S_DEFAULT_SEED 20150830L
#define S_SIGN_CASES 1200
#define S_PRESIGN_CASES 300
/* Mismatches beyond this many are counted, not reported one by one. */
#define S_MAX_REPORTS 5


static long s_seed;

static const char *s_skip(void)
{
    if (access(S_PYTHON, X_OK) != 0)
        return S_PYTHON " not found (apt-get install python3 python3-botocore)";
    if (system(S_PYTHON " -c 'import botocore.auth' >/dev/null 2>&1") != 0)
        return "botocore not importable by " S_PYTHON " (apt-get install python3-botocore)";
    return NULL;
}

/* ---- one line -------------------------------------------------------- */

/* Fields of one line, split in place. */
struct s_fields {
    char **v;
    size_t n;
};

static void s_split(char *line, struct s_fields *f)
{
    size_t cap = 64;
    f->v = xmalloc(cap * sizeof f->v[0]);
    f->n = 0;
    for (char *p = line;;) {
        if (f->n == cap) {
            cap *= 2;
            f->v = xrealloc(f->v, cap * sizeof f->v[0]);
        }
        f->v[f->n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
}

static int s_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Hex field to bytes (NUL-terminated); "-" is NULL. Returns 0 on bad hex. */
static int s_unhex(const char *hex, char **out, size_t *len)
{
    *out = NULL;
    if (len)
        *len = 0;
    if (strcmp(hex, "-") == 0)
        return 1;
    size_t n = strlen(hex);
    if (n % 2)
        return 0;
    char *p = xmalloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = s_nibble(hex[2 * i]), lo = s_nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(p);
            return 0;
        }
        p[i] = (char)(hi << 4 | lo);
    }
    p[n / 2] = '\0';
    *out = p;
    if (len)
        *len = n / 2;
    return 1;
}

struct s_case {
    long number;
    int presign;
    int s3;
    long long now;
    char *region, *service, *akid, *secret, *token;
    char *method, *path, *query, *body, *payload_hash;
    size_t body_len;
    unsigned expires;
    struct headers in;
    char *expected, *creq;
    struct headers out;
};

static void s_case_clean_up(struct s_case *c)
{
    char *strings[] = {c->region, c->service, c->akid, c->secret,       c->token,    c->method,
                       c->path,   c->query,   c->body, c->payload_hash, c->expected, c->creq};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(strings[i]);
    headers_clean_up(&c->in);
    headers_clean_up(&c->out);
}

static int s_headers_field(struct s_fields *f, size_t *at, struct headers *h)
{
    if (*at >= f->n)
        return 0;
    char *end;
    long n = strtol(f->v[(*at)++], &end, 10);
    if (*end || n < 0 || (size_t)n > (f->n - *at) / 2)
        return 0;
    for (long i = 0; i < n; i++) {
        char *name, *value;
        if (!s_unhex(f->v[(*at)++], &name, NULL))
            return 0;
        if (!s_unhex(f->v[(*at)++], &value, NULL)) {
            free(name);
            return 0;
        }
        headers_add(h, name ? name : "", value ? value : "");
        free(name);
        free(value);
    }
    return 1;
}

static int s_parse_case(char *line, struct s_case *c)
{
    memset(c, 0, sizeof *c);
    headers_init(&c->in);
    headers_init(&c->out);
    struct s_fields f;
    s_split(line, &f);
    int ok = f.n >= 16;
    char *end;
    if (ok) {
        c->number = strtol(f.v[0], &end, 10);
        ok = !*end;
    }
    if (ok) {
        c->presign = strcmp(f.v[1], "presign") == 0;
        c->s3 = strcmp(f.v[2], "1") == 0;
        c->now = strtoll(f.v[3], &end, 10);
        ok = !*end;
    }
    char **dst[] = {&c->region, &c->service, &c->akid, &c->secret,
                    &c->token,  &c->method,  &c->path, &c->query};
    for (size_t i = 0; ok && i < sizeof dst / sizeof dst[0]; i++)
        ok = s_unhex(f.v[4 + i], dst[i], NULL);
    ok = ok && s_unhex(f.v[12], &c->body, &c->body_len);
    ok = ok && s_unhex(f.v[13], &c->payload_hash, NULL);
    if (ok) {
        long e = strtol(f.v[14], &end, 10);
        ok = !*end && e >= 0;
        c->expires = (unsigned)e;
    }
    size_t at = 15;
    ok = ok && s_headers_field(&f, &at, &c->in);
    ok = ok && at + 2 <= f.n && s_unhex(f.v[at], &c->expected, NULL) &&
         s_unhex(f.v[at + 1], &c->creq, NULL);
    at += 2;
    ok = ok && s_headers_field(&f, &at, &c->out) && at == f.n;
    free(f.v);
    return ok;
}

/* ---- comparing ------------------------------------------------------------ */

struct s_tally {
    size_t sign, presign, mismatches;
};

static void s_report(struct s_tally *t, const struct s_case *c, const char *what, const char *want,
                     const char *got, const char *ours_creq)
{
    /* Every mismatch is counted; the first few are reported in full, the
     * total once at the end, so one bug does not bury the summary. */
    if (++t->mismatches > S_MAX_REPORTS)
        return;
    TEST_FAILF("sigv4 diff (seed %ld) case %ld (%s%s): %s differs", s_seed, c->number,
            c->presign ? "presign" : "sign", c->s3 ? ", s3" : "", what);
    fprintf(stderr,
            "\nsigv4 diff: seed %ld case %ld (%s%s): %s differs\n"
            "--- botocore\n%s\n--- drh\n%s\n"
            "--- botocore canonical request\n%s\n--- drh canonical request\n%s\n---\n",
            s_seed, c->number, c->presign ? "presign" : "sign", c->s3 ? ", s3" : "", what, want,
            got, c->creq, ours_creq ? ours_creq : "(not available)");
    fprintf(stderr, "reproduce: %s %s --count %d --presign %d --seed %ld | sed -n %ldp\n", S_PYTHON,
            S_SCRIPT, S_SIGN_CASES, S_PRESIGN_CASES, s_seed, c->number + 1);
}

static int s_same_headers(const struct headers *a, const struct headers *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].name, b->v[i].name) != 0 || strcmp(a->v[i].value, b->v[i].value) != 0)
            return 0;
    return 1;
}

static char *s_headers_text(const struct headers *h)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < h->n; i++)
        buf_printf(&b, "%s: %s\n", h->v[i].name, h->v[i].value);
    return buf_detach(&b);
}

static void s_check_case(struct s_case *c, struct s_tally *t)
{
    struct sigv4_creds creds = {c->akid, c->secret, c->token};
    struct sigv4_options opt = {.region = c->region,
                                .service = c->service,
                                .now = (time_t)c->now,
                                .s3 = c->s3,
                                .payload_hash = c->payload_hash};
    struct sigv4_request req = {c->method, c->path, c->query, &c->in, c->body, c->body_len};
    struct drh_err err;
    drh_err_clear(&err);

    if (c->presign) {
        t->presign++;
        char *query = NULL;
        if (sigv4_presign(&req, &creds, &opt, c->expires, &query, &err) != DRH_OK) {
            s_report(t, c, "presign status", "DRH_OK", err.msg, NULL);
            return;
        }
        if (strcmp(query, c->expected) != 0)
            s_report(t, c, "presigned query", c->expected, query, NULL);
        free(query);
        return;
    }

    t->sign++;
    if (sigv4_sign(&req, &creds, &opt, &err) != DRH_OK) {
        s_report(t, c, "sign status", "DRH_OK", err.msg, NULL);
        return;
    }
    const char *auth = headers_get(&c->in, "Authorization");
    int same_auth = auth && strcmp(auth, c->expected) == 0;
    int same_headers = s_same_headers(&c->in, &c->out);
    if (same_auth && same_headers)
        return;
    char *got_auth = xstrdup(auth ? auth : "(none)");
    char *want_h = s_headers_text(&c->out);
    char *got_h = s_headers_text(&c->in);
    headers_remove(&c->in, "Authorization");
    char *ours = sigv4_canonical_request(&req, &opt, NULL, NULL);
    if (!same_auth)
        s_report(t, c, "Authorization", c->expected, got_auth, ours);
    else
        s_report(t, c, "signed headers", want_h, got_h, ours);
    free(ours);
    free(got_h);
    free(want_h);
    free(got_auth);
}

static void test_botocore_differential(void)
{
    const char *env_seed = getenv("SIGV4_DIFF_SEED");
    char *end = NULL;
    s_seed = env_seed && *env_seed ? strtol(env_seed, &end, 10) : S_DEFAULT_SEED;
    if (end && *end) {
        TEST_FAILF("SIGV4_DIFF_SEED '%s' is not a number", env_seed);
        return;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s %s --count %d --presign %d --seed %ld", S_PYTHON, S_SCRIPT,
             S_SIGN_CASES, S_PRESIGN_CASES, s_seed);
    FILE *p = popen(cmd, "r");
    if (!p) {
        TEST_FAILF("cannot run '%s'", cmd);
        return;
    }
    struct s_tally t = {0, 0, 0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0, malformed = 0;
    /* Read to the end even after a bad line: pclose() would otherwise wait
     * for a generator blocked on a full pipe. */
    while ((n = getline(&line, &cap, p)) > 0) {
        lineno++;
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        struct s_case c;
        if (s_parse_case(line, &c))
            s_check_case(&c, &t);
        else if (malformed++ == 0)
            TEST_FAILF("sigv4 diff (seed %ld): line %ld of the generator is malformed", s_seed,
                    lineno);
        s_case_clean_up(&c);
    }
    free(line);
    int status = pclose(p);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        TEST_FAILF("sigv4 diff: '%s' failed (status %d; run from the project root)", cmd, status);

    CU_ASSERT(t.sign >= 1000);
    CU_ASSERT(t.presign >= 200);
    if (t.mismatches > 0)
        TEST_FAILF("sigv4 diff (seed %ld): %zu of %zu cases differ from botocore", s_seed,
                t.mismatches, t.sign + t.presign);
    printf("\n    sigv4 diff: %zu header-auth and %zu presign cases compared with botocore "
           "(seed %ld), %zu mismatches ",
           t.sign, t.presign, s_seed, t.mismatches);
}

static const struct test_case cases[] = {
    {"drh and botocore sign random requests alike", test_botocore_differential},
};
TEST_SUITE_FULL("sigv4-diff", cases, s_skip, NULL, NULL)
