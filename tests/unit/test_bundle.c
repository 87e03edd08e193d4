/* The evidence bundle (reports/bundle/, the Ed25519 part of
 * harness/crypto.c, harness/cli_evidence.c), checked against tools that
 * are not drh: `sha256sum -c` reads the manifest, the openssl CLI verifies
 * drh's signature and makes the same one (Ed25519 is deterministic), and
 * makes the RSA, EC and encrypted keys drh must refuse. Then each kind of
 * tampering (altered, missing, added, a symlink, an edited manifest, a
 * re-signed bundle, malformed lines), key handling (file modes, the
 * environment, what messages never show), and the command's output and
 * exit codes, in process and through ./drh. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "cli_evidence.h"
#include "crypto.h"
#include "json.h"
#include "mem.h"
#include "reports/bundle/bundle.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* printf 'hello\n' | sha256sum */
#define HELLO_SHA "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
/* sha256sum </dev/null */
#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct keypair {
    char *priv;
    size_t priv_len;
    char *pub;
};

static void s_keypair(struct keypair *k)
{
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(crypto_ed25519_keygen(&k->priv, &k->priv_len, &k->pub, &err), DRH_OK);
}

static void s_keypair_free(struct keypair *k)
{
    bundle_key_free(k->priv, k->priv_len);
    free(k->pub);
}

static void s_write(const char *dir, const char *name, const char *text, mode_t mode)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
    free(path);
}

static void s_write_bytes(const char *dir, const char *name, const void *data, size_t n)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(data, 1, n, f), n);
    fclose(f);
    free(path);
}

static char *s_read(const char *dir, const char *name, size_t *len)
{
    char *path = xasprintf("%s/%s", dir, name);
    struct buf b;
    buf_init(&b);
    int ok = test_read_into(path, &b);
    free(path);
    if (len)
        *len = b.len;
    if (!ok) {
        buf_clean_up(&b);
        return NULL;
    }
    return buf_detach(&b);
}

/* A bundle as a run leaves it, in t's folder: returns its path. */
static char *s_bundle(struct testenv *t)
{
    char *dir = xasprintf("%s/20261122-073235-90b4aa", t->dir);
    char *drills = xasprintf("%s/drills", dir);
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(drills, 0755), 0);
    s_write(dir, "evidence.json",
            "{\"run_id\": \"20261122-073235-90b4aa\", \"drills\": [{\"name\": "
            "\"demo-orders\", \"verdict\": \"PASSED\"}]}\n",
            0644);
    s_write(dir, "junit.xml", "<testsuites/>\n", 0644);
    s_write(dir, "drh.log", "hello\n", 0644);
    s_write(dir, "report.html", "<!doctype html>\n", 0644);
    s_write(dir, "summary.md", "", 0644);
    s_write(dir, "drills/demo orders.json", "{\"name\": \"demo-orders\"}\n", 0644);
    s_write(dir, "drills/b.json", "{}\n", 0644);
    free(drills);
    return dir;
}

/* Runs a shell command; its exit code, -1 when it did not exit. */
static int s_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int s_sh(const char *fmt, ...)
{
    struct buf cmd;
    buf_init(&cmd);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&cmd, fmt, ap);
    va_end(ap);
    int rc = system(buf_str(&cmd));
    buf_clean_up(&cmd);
    return rc == -1 || !WIFEXITED(rc) ? -1 : WEXITSTATUS(rc);
}

static bool s_have_openssl(void)
{
    if (system("openssl version >/dev/null 2>&1") == 0)
        return true;
    fprintf(stderr, "\n  (no openssl CLI: its independent checks are not run)\n");
    return false;
}

static void s_seal(const char *dir, const struct keypair *k, char fp[65])
{
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(bundle_manifest_write(dir, &err), DRH_OK);
    if (k)
        CU_ASSERT_EQUAL_FATAL(bundle_sign(dir, k->priv, k->priv_len, fp, &err), DRH_OK);
}

/* The problems of v as "what: path" lines. */
static char *s_problems(const struct bundle_verdict *v)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < v->n_problems; i++)
        buf_printf(&b, "%s: %s\n", v->problems[i].what, v->problems[i].path);
    buf_append(&b, "", 0);
    return buf_detach(&b);
}

static void test_manifest_matches_sha256sum(void)
{
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    /* left from an earlier seal: they sign an old manifest */
    s_write(dir, BUNDLE_SIGNATURE, "old", 0644);
    s_write(dir, BUNDLE_SIGNER, "old", 0644);
    struct drh_err err;
    CU_ASSERT_EQUAL(bundle_manifest_write(dir, &err), DRH_OK);
    char *m = s_read(dir, BUNDLE_MANIFEST, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    /* byte order: upper case and "drills/" sort as bytes do */
    const char *order[] = {"drh.log",       "drills/b.json", "drills/demo orders.json",
                           "evidence.json", "junit.xml",     "report.html",
                           "summary.md"};
    const char *p = m;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *nl = strchr(p, '\n');
        CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
        CU_ASSERT_EQUAL(nl - p, 66 + (long)strlen(order[i]));
        CU_ASSERT_EQUAL(strncmp(p + 64, "  ", 2), 0);
        CU_ASSERT_EQUAL(strncmp(p + 66, order[i], strlen(order[i])), 0);
        p = nl + 1;
    }
    CU_ASSERT_STRING_EQUAL(p, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(m, HELLO_SHA "  drh.log\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, EMPTY_SHA "  summary.md\n"));
    CU_ASSERT_PTR_NULL(strstr(m, "SHA256SUMS"));
    CU_ASSERT_PTR_NULL(strstr(m, "signer.pem"));
    char *path = xasprintf("%s/%s", dir, BUNDLE_SIGNATURE);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
    free(path);
    CU_ASSERT_EQUAL(s_sh("cd '%s' && sha256sum -c --strict --quiet SHA256SUMS", dir), 0);
    /* and sha256sum would notice a change */
    s_write(dir, "junit.xml", "<testsuites tests=\"0\"/>\n", 0644);
    CU_ASSERT_EQUAL(s_sh("cd '%s' && sha256sum -c --quiet SHA256SUMS >/dev/null 2>&1", dir), 1);
    /* sealing again starts over */
    CU_ASSERT_EQUAL(bundle_manifest_write(dir, &err), DRH_OK);
    CU_ASSERT_EQUAL(s_sh("cd '%s' && sha256sum -c --strict --quiet SHA256SUMS", dir), 0);
    free(m);
    free(dir);
    testenv_free(t);
}

static void s_refused(const char *dir, const char *want)
{
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(bundle_manifest_write(dir, &err), DRH_E_INPUT);
    if (!strstr(err.msg, want))
        TEST_FAILF("'%s' does not name '%s'", err.msg, want);
    CU_ASSERT_PTR_NULL(strchr(err.msg, '\n'));
    char *path = xasprintf("%s/%s", dir, BUNDLE_MANIFEST);
    CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0); /* nothing half sealed */
    free(path);
}

static void test_manifest_refuses(void)
{
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    char *link = xasprintf("%s/drills/link.json", dir);
    CU_ASSERT_EQUAL_FATAL(symlink("/etc/passwd", link), 0);
    s_refused(dir, "'drills/link.json' is a symlink");
    unlink(link);
    char *fifo = xasprintf("%s/fifo", dir);
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0644), 0);
    s_refused(dir, "'fifo' is a FIFO");
    unlink(fifo);
    s_write(dir, "two\nlines", "x", 0644);
    s_refused(dir, "'two?lines' holds a control character or a backslash");
    char *nl = xasprintf("%s/two\nlines", dir);
    unlink(nl);
    s_write(dir, "back\\slash", "x", 0644);
    s_refused(dir, "'back\\slash' holds");
    struct drh_err err;
    char *none = xasprintf("%s/none", t->dir);
    CU_ASSERT_EQUAL(bundle_manifest_write(none, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "No such file"));
    free(none);
    free(nl);
    free(fifo);
    free(link);
    free(dir);
    testenv_free(t);
}

static void test_sign_and_verify(void)
{
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    struct keypair k;
    s_keypair(&k);
    char fp[65] = "", want[65];
    s_seal(dir, &k, fp);
    struct drh_err err;
    CU_ASSERT_EQUAL(crypto_ed25519_fingerprint(k.pub, strlen(k.pub), want, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(fp, want);
    size_t n = 0;
    char *sig = s_read(dir, BUNDLE_SIGNATURE, &n);
    CU_ASSERT_EQUAL(n, 64);
    char *signer = s_read(dir, BUNDLE_SIGNER, NULL);
    CU_ASSERT_STRING_EQUAL(signer, k.pub);
    CU_ASSERT_EQUAL(strncmp(signer, "-----BEGIN PUBLIC KEY-----\n", 27), 0);

    struct bundle_verdict v;
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, NULL, &v, &err), DRH_OK);
    CU_ASSERT_EQUAL(v.n_files, 7);
    CU_ASSERT_EQUAL(v.n_problems, 0);
    CU_ASSERT(v.is_signed && v.signature_ok && !v.key_pinned && !v.key_mismatch);
    CU_ASSERT_STRING_EQUAL(v.fingerprint, want);
    CU_ASSERT_STRING_EQUAL(v.signer_fingerprint, want);
    CU_ASSERT(bundle_verdict_ok(&v));
    bundle_verdict_clean_up(&v);
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, k.pub, &v, &err), DRH_OK);
    CU_ASSERT(v.signature_ok && v.key_pinned && bundle_verdict_ok(&v));
    bundle_verdict_clean_up(&v);
    /* a signature of other bytes does not verify */
    bool valid = true;
    CU_ASSERT_EQUAL(crypto_ed25519_verify(k.pub, strlen(k.pub), "x", 1, (const unsigned char *)sig,
                                          &valid, &err),
                    DRH_OK);
    CU_ASSERT_FALSE(valid);
    free(sig);
    free(signer);
    s_keypair_free(&k);
    free(dir);
    testenv_free(t);
}

static void test_tampering_named(void)
{
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    struct keypair k;
    s_keypair(&k);
    char fp[65];
    s_seal(dir, &k, fp);
    s_write(dir, "evidence.json", "{\"verdict\": \"PASSED\"}\n", 0644);
    char *junit = xasprintf("%s/junit.xml", dir);
    unlink(junit);
    s_write(dir, "extra.txt", "x", 0644);
    s_write(dir, "drills/zz.json", "{}", 0644);
    char *b = xasprintf("%s/drills/b.json", dir);
    unlink(b);
    CU_ASSERT_EQUAL_FATAL(symlink("../drh.log", b), 0);

    struct drh_err err;
    struct bundle_verdict v;
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, k.pub, &v, &err), DRH_OK);
    char *got = s_problems(&v);
    CU_ASSERT_STRING_EQUAL(got, "not a regular file: drills/b.json\n"
                                "added: drills/zz.json\n"
                                "altered: evidence.json\n"
                                "added: extra.txt\n"
                                "missing: junit.xml\n");
    /* SHA256SUMS itself is intact: the signature holds, the files do not */
    CU_ASSERT(v.signature_ok);
    CU_ASSERT_FALSE(bundle_verdict_ok(&v));
    bundle_verdict_clean_up(&v);
    free(got);
    free(b);
    free(junit);
    s_keypair_free(&k);
    free(dir);
    testenv_free(t);
}

static void test_signature_broken(void)
{
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    struct keypair k, other;
    s_keypair(&k);
    s_keypair(&other);
    char fp[65], other_fp[65];
    s_seal(dir, &k, fp);
    struct drh_err err;
    struct bundle_verdict v;

    /* a file changed and SHA256SUMS rewritten to match: only the signature
     * tells */
    s_write(dir, "drh.log", "hello, auditor\n", 0644);
    char *sig = s_read(dir, BUNDLE_SIGNATURE, NULL), *signer = s_read(dir, BUNDLE_SIGNER, NULL);
    CU_ASSERT_EQUAL(bundle_manifest_write(dir, &err), DRH_OK);
    s_write(dir, BUNDLE_SIGNER, signer, 0644);
    s_write_bytes(dir, BUNDLE_SIGNATURE, sig, 64);
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, NULL, &v, &err), DRH_OK);
    CU_ASSERT_EQUAL(v.n_problems, 0);
    CU_ASSERT(v.is_signed && !v.signature_ok);
    CU_ASSERT_STRING_EQUAL(v.signature_why, "SHA256SUMS does not match its signature");
    CU_ASSERT_FALSE(bundle_verdict_ok(&v));
    bundle_verdict_clean_up(&v);

    /* a signature cut short */
    s_write_bytes(dir, BUNDLE_SIGNATURE, sig, 63);
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, NULL, &v, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(v.signature_why, "SHA256SUMS.sig is not a 64-byte Ed25519 signature");
    bundle_verdict_clean_up(&v);

    /* re-signed by someone else's key: valid on its own terms, refused
     * once the real signer's key is pinned */
    CU_ASSERT_EQUAL(bundle_sign(dir, other.priv, other.priv_len, other_fp, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, NULL, &v, &err), DRH_OK);
    CU_ASSERT(v.signature_ok && bundle_verdict_ok(&v));
    CU_ASSERT_STRING_EQUAL(v.fingerprint, other_fp);
    bundle_verdict_clean_up(&v);
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, k.pub, &v, &err), DRH_OK);
    CU_ASSERT(v.key_pinned && v.key_mismatch && !v.signature_ok);
    CU_ASSERT_STRING_EQUAL(v.fingerprint, fp);
    CU_ASSERT_STRING_EQUAL(v.signer_fingerprint, other_fp);
    CU_ASSERT_FALSE(bundle_verdict_ok(&v));
    bundle_verdict_clean_up(&v);
    /* and signer.pem swapped for the pinned key: the signature fails */
    s_write(dir, BUNDLE_SIGNER, k.pub, 0644);
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, k.pub, &v, &err), DRH_OK);
    CU_ASSERT(!v.key_mismatch && !v.signature_ok);
    CU_ASSERT_STRING_EQUAL(v.signature_why, "SHA256SUMS does not match its signature");
    bundle_verdict_clean_up(&v);
    /* signer.pem that is no key */
    s_write(dir, BUNDLE_SIGNER, "garbage\n", 0644);
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, NULL, &v, &err), DRH_OK);
    char *got = s_problems(&v);
    CU_ASSERT_STRING_EQUAL(got, "not an Ed25519 public key: signer.pem\n");
    CU_ASSERT_STRING_EQUAL(v.signature_why, "no readable signer.pem to check it with");
    CU_ASSERT_FALSE(bundle_verdict_ok(&v));
    bundle_verdict_clean_up(&v);
    free(got);
    free(sig);
    free(signer);
    s_keypair_free(&k);
    s_keypair_free(&other);
    free(dir);
    testenv_free(t);
}

static void test_unsigned(void)
{
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    struct keypair k;
    s_keypair(&k);
    s_seal(dir, NULL, NULL);
    struct drh_err err;
    struct bundle_verdict v;
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, NULL, &v, &err), DRH_OK);
    CU_ASSERT(!v.is_signed && !v.signature_ok && v.n_problems == 0);
    CU_ASSERT_STRING_EQUAL(v.fingerprint, "");
    CU_ASSERT(bundle_verdict_ok(&v));
    bundle_verdict_clean_up(&v);
    /* who pins a key expects a signature */
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, k.pub, &v, &err), DRH_OK);
    CU_ASSERT(!v.is_signed && v.key_pinned);
    CU_ASSERT_FALSE(bundle_verdict_ok(&v));
    bundle_verdict_clean_up(&v);
    /* not a bundle, no such folder, a pinned key that is no key */
    char *none = xasprintf("%s/none", t->dir);
    CU_ASSERT_EQUAL(bundle_verify(none, NULL, &v, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no evidence bundle at"));
    CU_ASSERT_EQUAL(bundle_verify(t->dir, NULL, &v, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is not an evidence bundle: it has no SHA256SUMS"));
    CU_ASSERT_EQUAL(bundle_verify(dir, k.priv, &v, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "pinned public key: a private key, not a public one"));
    CU_ASSERT_PTR_NULL(strstr(err.msg, "BEGIN"));
    free(none);
    s_keypair_free(&k);
    free(dir);
    testenv_free(t);
}

static void test_malformed_manifest(void)
{
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    s_seal(dir, NULL, NULL);
    char *m = s_read(dir, BUNDLE_MANIFEST, NULL);
    /* lines 8-15: each wrong in its own way; none may be opened */
    char *edited = xasprintf("%s" EMPTY_SHA "  ../../etc/passwd\n" EMPTY_SHA "  /etc/passwd\n"
                             "xyz  summary.md\n" EMPTY_SHA "  summary.md\n"
                             "\\" EMPTY_SHA "  drh.log\n" EMPTY_SHA " drh.log\n" EMPTY_SHA
                             "  drills/./b.json\n" EMPTY_SHA "  SHA256SUMS.sig",
                             m);
    s_write(dir, BUNDLE_MANIFEST, edited, 0644);
    struct drh_err err;
    struct bundle_verdict v;
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, NULL, &v, &err), DRH_OK);
    char *got = s_problems(&v);
    CU_ASSERT_STRING_EQUAL(got, "malformed: SHA256SUMS line 8\n"
                                "malformed: SHA256SUMS line 9\n"
                                "malformed: SHA256SUMS line 10\n"
                                "malformed: SHA256SUMS line 12\n"
                                "malformed: SHA256SUMS line 13\n"
                                "malformed: SHA256SUMS line 14\n"
                                "malformed: SHA256SUMS line 15\n"
                                "malformed: SHA256SUMS line 11\n");
    CU_ASSERT_EQUAL(v.n_files, 7);
    CU_ASSERT_FALSE(bundle_verdict_ok(&v));
    bundle_verdict_clean_up(&v);
    /* binary mode ("*") and upper-case hex are sha256sum's too */
    char *star = xstrdup(m);
    for (char *p = star; (p = strstr(p, "  ")) != NULL; p += 2)
        p[1] = '*';
    for (char *line = star; *line; line = strchr(line, '\n') + 1)
        for (char *p = line; p < line + 64; p++)
            if (*p >= 'a' && *p <= 'f')
                *p = (char)(*p - 'a' + 'A');
    s_write(dir, BUNDLE_MANIFEST, star, 0644);
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, NULL, &v, &err), DRH_OK);
    CU_ASSERT_EQUAL(v.n_problems, 0);
    CU_ASSERT_EQUAL(v.n_files, 7);
    bundle_verdict_clean_up(&v);
    /* SHA256SUMS as a symlink: tampering, not a usage error */
    char *path = xasprintf("%s/%s", dir, BUNDLE_MANIFEST);
    unlink(path);
    CU_ASSERT_EQUAL_FATAL(symlink("drh.log", path), 0);
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, NULL, &v, &err), DRH_OK);
    free(got);
    got = s_problems(&v);
    CU_ASSERT_STRING_EQUAL(got, "not a regular file: SHA256SUMS\n");
    bundle_verdict_clean_up(&v);
    free(path);
    free(got);
    free(star);
    free(edited);
    free(m);
    free(dir);
    testenv_free(t);
}

/* err's message and hint hold no part of the key text. */
static void s_no_key_text(const struct drh_err *err, const char *pem)
{
    CU_ASSERT_PTR_NULL(strstr(err->msg, "-----"));
    CU_ASSERT_PTR_NULL(strstr(err->hint, "-----BEGIN"));
    const char *body = strchr(pem, '\n');
    if (body) {
        char line[17] = "";
        snprintf(line, sizeof line, "%s", body + 1);
        if (strstr(err->msg, line) || strstr(err->hint, line))
            TEST_FAILF("the message shows the key: %s", err->msg);
    }
}

static void test_key_file(void)
{
    struct testenv *t = testenv_new();
    struct keypair k;
    s_keypair(&k);
    char *pem = NULL;
    size_t len = 0;
    struct drh_err err;
    char *file = testenv_write(t, "key.pem", k.priv, 0644);
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(bundle_signing_key(file, &t->env, &pem, &len, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NULL(pem);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is accessible by group or others (mode 0644)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "chmod 600"));
    s_no_key_text(&err, k.priv);
    chmod(file, 0640);
    CU_ASSERT_EQUAL(bundle_signing_key(file, &t->env, &pem, &len, &err), DRH_E_INPUT);
    chmod(file, 0600);
    CU_ASSERT_EQUAL(bundle_signing_key(file, &t->env, &pem, &len, &err), DRH_OK);
    CU_ASSERT_EQUAL(len, k.priv_len);
    CU_ASSERT_STRING_EQUAL(pem, k.priv);
    bundle_key_free(pem, len);
    /* a symlink to a private file is followed (Kubernetes secrets) */
    char *link = xasprintf("%s/link.pem", t->dir);
    CU_ASSERT_EQUAL_FATAL(symlink(file, link), 0);
    CU_ASSERT_EQUAL(bundle_signing_key(link, &t->env, &pem, &len, &err), DRH_OK);
    bundle_key_free(pem, len);
    char *none = xasprintf("%s/none.pem", t->dir);
    CU_ASSERT_EQUAL(bundle_signing_key(none, &t->env, &pem, &len, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot read signing key"));
    CU_ASSERT_EQUAL(bundle_signing_key(t->dir, &t->env, &pem, &len, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "a folder, not a regular file"));
    /* a public key where the private one belongs */
    char *pub = testenv_write(t, "pub.pem", k.pub, 0600);
    CU_ASSERT_EQUAL(bundle_signing_key(pub, &t->env, &pem, &len, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "a public key, not a private one"));
    free(pub);
    free(none);
    free(link);
    free(file);
    s_keypair_free(&k);
    testenv_free(t);
}

static void test_key_environment(void)
{
    struct testenv *t = testenv_new();
    struct keypair k, other;
    s_keypair(&k);
    s_keypair(&other);
    char *pem = (char *)"unset";
    size_t len = 9;
    struct drh_err err;
    /* nothing configured: unsigned, not an error */
    CU_ASSERT_EQUAL(bundle_signing_key(NULL, &t->env, &pem, &len, &err), DRH_OK);
    CU_ASSERT_PTR_NULL(pem);
    CU_ASSERT_EQUAL(len, 0);
    testenv_set(t, BUNDLE_KEY_ENV, k.priv);
    CU_ASSERT_EQUAL(bundle_signing_key(NULL, &t->env, &pem, &len, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(pem, k.priv);
    /* signing with it: the bundle names that key */
    char *dir = s_bundle(t);
    char fp[65], want[65];
    CU_ASSERT_EQUAL(bundle_manifest_write(dir, &err), DRH_OK);
    CU_ASSERT_EQUAL(bundle_sign(dir, pem, len, fp, &err), DRH_OK);
    CU_ASSERT_EQUAL(crypto_ed25519_fingerprint(k.pub, strlen(k.pub), want, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(fp, want);
    bundle_key_free(pem, len);
    /* a file wins over the environment */
    char *file = testenv_write(t, "other.pem", other.priv, 0600);
    CU_ASSERT_EQUAL(bundle_signing_key(file, &t->env, &pem, &len, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(pem, other.priv);
    bundle_key_free(pem, len);
    /* a file name where the text belongs */
    testenv_set(t, BUNDLE_KEY_ENV, "/etc/drh/signing-key.pem");
    CU_ASSERT_EQUAL(bundle_signing_key(NULL, &t->env, &pem, &len, &err), DRH_E_INPUT);
    CU_ASSERT_STRING_EQUAL(err.msg, "signing key in $DRH_SIGNING_KEY: not a PEM private key "
                                    "(no -----BEGIN line)");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "holds the key's PEM text itself"));
    /* a key cut short */
    char *cut = xstrndup(k.priv, k.priv_len - 30);
    testenv_set(t, BUNDLE_KEY_ENV, cut);
    CU_ASSERT_EQUAL(bundle_signing_key(NULL, &t->env, &pem, &len, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not a readable PEM private key"));
    s_no_key_text(&err, k.priv);
    free(cut);
    free(file);
    free(dir);
    s_keypair_free(&k);
    s_keypair_free(&other);
    testenv_free(t);
}

/* Keys drh must refuse, made by the openssl CLI. */
static void test_wrong_key_types(void)
{
    if (!s_have_openssl())
        return;
    struct testenv *t = testenv_new();
    static const struct {
        const char *args;
        const char *want;
        const char *hint;
    } cases[] = {
        {"-algorithm RSA -pkeyopt rsa_keygen_bits:1024", "an RSA key, not an Ed25519 key",
         "genpkey -algorithm ed25519"},
        {"-algorithm EC -pkeyopt ec_paramgen_curve:P-256", "an EC key, not an Ed25519 key",
         "genpkey -algorithm ed25519"},
        {"-algorithm ed448", "an Ed448 key, not an Ed25519 key", "genpkey -algorithm ed25519"},
        {"-algorithm ed25519 -aes256 -pass pass:secret", "an encrypted private key",
         "openssl pkey -in key.pem -out plain.pem"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = xasprintf("%s/k%zu.pem", t->dir, i);
        if (s_sh("openssl genpkey %s -out '%s' 2>/dev/null", cases[i].args, path) != 0) {
            TEST_FAILF("openssl genpkey %s failed", cases[i].args);
            free(path);
            continue;
        }
        chmod(path, 0600);
        char *pem = NULL, *text = test_read_file(path);
        size_t len = 0;
        struct drh_err err;
        drh_err_clear(&err);
        CU_ASSERT_EQUAL(bundle_signing_key(path, &t->env, &pem, &len, &err), DRH_E_INPUT);
        if (!strstr(err.msg, cases[i].want))
            TEST_FAILF("%s: '%s', want '%s'", cases[i].args, err.msg, cases[i].want);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, path));
        if (!strstr(err.hint, cases[i].hint))
            TEST_FAILF("%s: hint '%s', want '%s'", cases[i].args, err.hint, cases[i].hint);
        s_no_key_text(&err, text);
        unsigned char sig[64];
        CU_ASSERT_EQUAL(crypto_ed25519_sign(text, strlen(text), "x", 1, sig, NULL, &err),
                        DRH_E_INPUT);
        free(text);
        free(path);
    }
    testenv_free(t);
}

#define OPENSSL_VERIFY                                                                             \
    "cd '%s' && openssl pkeyutl -verify -pubin -inkey signer.pem -rawin -in SHA256SUMS "           \
    "-sigfile SHA256SUMS.sig >/dev/null 2>&1"

/* openssl verifies drh's signature, and makes the very same one. */
static void test_openssl_cli_agrees(void)
{
    if (!s_have_openssl())
        return;
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    struct keypair k;
    s_keypair(&k);
    char fp[65];
    s_seal(dir, &k, fp);
    CU_ASSERT_EQUAL(s_sh(OPENSSL_VERIFY, dir), 0);
    char *key = testenv_write(t, "key.pem", k.priv, 0600);
    char *sig = xasprintf("%s/openssl.sig", t->dir);
    CU_ASSERT_EQUAL_FATAL(
        s_sh("openssl pkeyutl -sign -inkey '%s' -rawin -in '%s/SHA256SUMS' -out '%s'", key, dir,
             sig),
        0);
    size_t n = 0;
    char *theirs = test_read_file(sig), *ours = s_read(dir, BUNDLE_SIGNATURE, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(theirs);
    CU_ASSERT_EQUAL(n, 64);
    CU_ASSERT_EQUAL(memcmp(theirs, ours, 64), 0);
    /* and fails it once SHA256SUMS changes */
    s_write(dir, BUNDLE_MANIFEST, "edited\n", 0644);
    CU_ASSERT_NOT_EQUAL(s_sh(OPENSSL_VERIFY, dir), 0);
    /* a key from openssl signs for drh */
    char *made = xasprintf("%s/made.pem", t->dir);
    CU_ASSERT_EQUAL(s_sh("openssl genpkey -algorithm ed25519 -out '%s'", made), 0);
    chmod(made, 0600);
    char *pem = NULL;
    size_t len = 0;
    struct drh_err err;
    CU_ASSERT_EQUAL(bundle_signing_key(made, &t->env, &pem, &len, &err), DRH_OK);
    bundle_key_free(pem, len);
    free(made);
    free(theirs);
    free(ours);
    free(sig);
    free(key);
    s_keypair_free(&k);
    free(dir);
    testenv_free(t);
}

/* A bundle sealed by coreutils and openssl alone, as the docs show by
 * hand, verifies with drh: the formats are the tools', not drh's own. */
static void test_sealed_by_hand(void)
{
    if (!s_have_openssl())
        return;
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    CU_ASSERT_EQUAL_FATAL(
        s_sh("cd '%s' && find . -type f | sed 's|^\\./||' | LC_ALL=C sort | tr '\\n' '\\0' "
             "| xargs -0 sha256sum >../sums && mv ../sums SHA256SUMS && "
             "openssl genpkey -algorithm ed25519 -out ../hand.pem && "
             "openssl pkey -in ../hand.pem -pubout -out signer.pem && "
             "openssl pkeyutl -sign -inkey ../hand.pem -rawin -in SHA256SUMS -out SHA256SUMS.sig",
             dir),
        0);
    char *pub = s_read(dir, BUNDLE_SIGNER, NULL);
    struct drh_err err;
    struct bundle_verdict v;
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, pub, &v, &err), DRH_OK);
    CU_ASSERT_EQUAL(v.n_files, 7);
    CU_ASSERT_EQUAL(v.n_problems, 0);
    CU_ASSERT(v.signature_ok && v.key_pinned && bundle_verdict_ok(&v));
    bundle_verdict_clean_up(&v);
    /* and drh's own manifest of it is byte for byte the same */
    char *hand = s_read(dir, BUNDLE_MANIFEST, NULL);
    CU_ASSERT_EQUAL(bundle_manifest_write(dir, &err), DRH_OK);
    char *ours = s_read(dir, BUNDLE_MANIFEST, NULL);
    CU_ASSERT_STRING_EQUAL(ours, hand);
    free(hand);
    free(ours);
    free(pub);
    free(dir);
    testenv_free(t);
}

/* Runs drh evidence ARGS... in process: *out gets stdout, *errs stderr
 * (both: caller frees). */
static int s_cli(char **out, char **errs, ...)
{
    char *argv[16];
    int argc = 0;
    argv[argc++] = (char *)"evidence";
    va_list ap;
    va_start(ap, errs);
    for (char *a = va_arg(ap, char *); a && argc < 15; a = va_arg(ap, char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    FILE *o = tmpfile(), *e = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(e), STDERR_FILENO);
    int rc = cli_evidence_run(argc, argv, o);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    FILE *files[2] = {o, e};
    char **texts[2] = {out, errs};
    for (int i = 0; i < 2; i++) {
        long len = ftell(files[i]);
        rewind(files[i]);
        *texts[i] = xcalloc((size_t)len + 1, 1);
        if (len > 0 && fread(*texts[i], 1, (size_t)len, files[i]) != (size_t)len)
            TEST_FAILF("cannot read the output back");
        fclose(files[i]);
    }
    return rc;
}

static void test_cli_verify(void)
{
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    struct keypair k, other;
    s_keypair(&k);
    s_keypair(&other);
    char fp[65], line[256];
    s_seal(dir, &k, fp);
    char *pub = testenv_write(t, "signer.pub", k.pub, 0644);
    char *other_pub = testenv_write(t, "other.pub", other.pub, 0644);
    char *out, *errs;

    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, "--public-key", pub, NULL), 0);
    snprintf(line, sizeof line,
             "files: 7 listed, all match\n"
             "signature: valid, key sha256:%s (pinned by --public-key)\n",
             fp);
    CU_ASSERT_STRING_EQUAL(out, line);
    CU_ASSERT_STRING_EQUAL(errs, "");
    free(out), free(errs);

    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, NULL), 0);
    snprintf(line, sizeof line,
             "signature: valid, key sha256:%s (NOT pinned: signer.pem from the bundle itself; "
             "pass --public-key to prove who signed)\n",
             fp);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, line));
    free(out), free(errs);

    /* the wrong key pinned */
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", "--public-key", other_pub, dir, NULL), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "signature: INVALID: signer.pem (key sha256:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(errs, "failed verification"));
    free(out), free(errs);

    /* tampered: every file named, one per line */
    s_write(dir, "evidence.json", "{}", 0644);
    char *junit = xasprintf("%s/junit.xml", dir);
    unlink(junit);
    s_write(dir, "extra.txt", "x", 0644);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, "--public-key", pub, NULL), 1);
    snprintf(line, sizeof line,
             "altered: evidence.json\n"
             "added: extra.txt\n"
             "missing: junit.xml\n"
             "files: 7 listed, 3 problems\n"
             "signature: valid, key sha256:%s (pinned by --public-key)\n",
             fp);
    CU_ASSERT_STRING_EQUAL(out, line);
    free(out), free(errs);

    /* --json */
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, "--json", NULL), 1);
    struct json *j = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(json_parse(out, strlen(out), &j, &err), DRH_OK);
    bool ok = true;
    CU_ASSERT(json_bool(json_get(j, "ok"), &ok) && !ok);
    CU_ASSERT_STRING_EQUAL(json_get_string(j, "bundle"), dir);
    CU_ASSERT_EQUAL(json_array_size(json_get(j, "problems")), 3);
    const struct json *p0 = json_array_at(json_get(j, "problems"), 0);
    CU_ASSERT_STRING_EQUAL(json_get_string(p0, "path"), "evidence.json");
    CU_ASSERT_STRING_EQUAL(json_get_string(p0, "problem"), "altered");
    const struct json *sig = json_get(j, "signature");
    CU_ASSERT_STRING_EQUAL(json_get_string(sig, "status"), "valid");
    CU_ASSERT_STRING_EQUAL(json_get_string(sig, "key_sha256"), fp);
    CU_ASSERT(json_is_null(json_get(sig, "reason")));
    CU_ASSERT(json_bool(json_get(sig, "pinned"), &ok) && !ok);
    json_free(j);
    free(out), free(errs);

    /* unsigned: a warning, and a failure once a key is pinned */
    s_seal(dir, NULL, NULL);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "signature: unsigned (no SHA256SUMS.sig)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(errs, "drh: warning: evidence bundle"));
    free(out), free(errs);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, "--public-key", pub, NULL), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "but --public-key expects one"));
    free(out), free(errs);

    /* signature invalid after SHA256SUMS edited */
    s_seal(dir, &k, fp);
    char *m = s_read(dir, BUNDLE_MANIFEST, NULL);
    char *edited = xasprintf("%s" EMPTY_SHA "  late.txt\n", m);
    s_write(dir, "late.txt", "", 0644);
    s_write(dir, BUNDLE_MANIFEST, edited, 0644);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, NULL), 1);
    snprintf(line, sizeof line,
             "files: 8 listed, all match\n"
             "signature: INVALID: SHA256SUMS does not match its signature (key sha256:%s)\n",
             fp);
    CU_ASSERT_STRING_EQUAL(out, line);
    free(out), free(errs);
    free(edited);
    free(m);

    /* usage and input: exit 2 */
    char *none = xasprintf("%s/none", t->dir);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", none, NULL), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(errs, "no evidence bundle at"));
    free(out), free(errs);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", t->dir, NULL), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(errs, "not an evidence bundle"));
    free(out), free(errs);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", NULL), 2);
    free(out), free(errs);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, dir, NULL), 2);
    free(out), free(errs);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, "--public-key", NULL), 2);
    free(out), free(errs);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, "--public-key", none, NULL), 2);
    free(out), free(errs);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, "--bogus", NULL), 2);
    free(out), free(errs);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "sign", NULL), 2);
    free(out), free(errs);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, NULL), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(errs, "usage: drh evidence verify DIR"));
    free(out), free(errs);
    /* a private key given as the public one: refused, never shown */
    char *priv = testenv_write(t, "priv.pem", k.priv, 0600);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "verify", dir, "--public-key", priv, NULL), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(errs, "a private key, not a public one"));
    CU_ASSERT_PTR_NULL(strstr(errs, "BEGIN"));
    free(out), free(errs);

    free(priv);
    free(none);
    free(junit);
    free(pub);
    free(other_pub);
    s_keypair_free(&k);
    s_keypair_free(&other);
    free(dir);
    testenv_free(t);
}

static void test_cli_keygen(void)
{
    struct testenv *t = testenv_new();
    char *path = xasprintf("%s/signing.pem", t->dir);
    char *out, *errs;
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "keygen", "--out", path, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "key:         sha256:"));
    struct stat sb;
    CU_ASSERT_EQUAL(stat(path, &sb), 0);
    CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
    char *pub_path = xasprintf("%s.pub", path);
    CU_ASSERT_EQUAL(stat(pub_path, &sb), 0);
    CU_ASSERT_EQUAL(sb.st_mode & 0777, 0644);
    /* the key signs, its .pub verifies, the fingerprint printed is its */
    char *pem = NULL, *pub = test_read_file(pub_path);
    size_t len = 0;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(bundle_signing_key(path, &t->env, &pem, &len, &err), DRH_OK);
    char *dir = s_bundle(t);
    char fp[65];
    CU_ASSERT_EQUAL(bundle_manifest_write(dir, &err), DRH_OK);
    CU_ASSERT_EQUAL(bundle_sign(dir, pem, len, fp, &err), DRH_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, fp));
    struct bundle_verdict v;
    CU_ASSERT_EQUAL_FATAL(bundle_verify(dir, pub, &v, &err), DRH_OK);
    CU_ASSERT(bundle_verdict_ok(&v) && v.key_pinned);
    bundle_verdict_clean_up(&v);
    bundle_key_free(pem, len);
    free(out), free(errs);
    /* never overwrites */
    char *before = test_read_file(path);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "keygen", "--out", path, NULL), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(errs, "exists"));
    char *after = test_read_file(path);
    CU_ASSERT_STRING_EQUAL(before, after);
    free(out), free(errs);
    CU_ASSERT_EQUAL(s_cli(&out, &errs, "keygen", NULL), 2);
    free(out), free(errs);
    free(before);
    free(after);
    free(dir);
    free(pub);
    free(pub_path);
    free(path);
    testenv_free(t);
}

/* ./drh itself: the command is wired and its exit codes reach the shell. */
static void test_drh_binary(void)
{
    if (access("./drh", X_OK) != 0) {
        TEST_FAILF("./drh is missing: build it first (make drh), run from the project root");
        return;
    }
    struct testenv *t = testenv_new();
    char *dir = s_bundle(t);
    struct keypair k;
    s_keypair(&k);
    char fp[65];
    s_seal(dir, &k, fp);
    char *pub = testenv_write(t, "signer.pub", k.pub, 0644);
    CU_ASSERT_EQUAL(s_sh("./drh evidence verify '%s' --public-key '%s' >/dev/null", dir, pub), 0);
    CU_ASSERT_EQUAL(
        s_sh("./drh evidence verify '%s' | grep -q '^signature: valid, key sha256:%s (NOT pinned'",
             dir, fp),
        0);
    s_write(dir, "drh.log", "rewritten\n", 0644);
    CU_ASSERT_EQUAL(
        s_sh("./drh evidence verify '%s' 2>/dev/null | grep -qx 'altered: drh.log'", dir), 0);
    CU_ASSERT_EQUAL(s_sh("./drh evidence verify '%s' >/dev/null 2>&1", dir), 1);
    CU_ASSERT_EQUAL(s_sh("./drh evidence verify '%s/none' >/dev/null 2>&1", t->dir), 2);
    CU_ASSERT_EQUAL(s_sh("./drh help evidence | grep -q 'sha256sum -c SHA256SUMS'"), 0);
    CU_ASSERT_EQUAL(s_sh("./drh help | grep -q 'evidence verify DIR'"), 0);
    free(pub);
    s_keypair_free(&k);
    free(dir);
    testenv_free(t);
}

static const struct test_case cases[] = {
    {"manifest matches sha256sum -c", test_manifest_matches_sha256sum},
    {"manifest refuses symlinks, FIFOs, odd names", test_manifest_refuses},
    {"sign and verify", test_sign_and_verify},
    {"altered, missing, added named", test_tampering_named},
    {"signature broken, re-signed, wrong pinned key", test_signature_broken},
    {"unsigned bundle", test_unsigned},
    {"malformed SHA256SUMS", test_malformed_manifest},
    {"signing key file mode", test_key_file},
    {"signing key from the environment", test_key_environment},
    {"RSA, EC, Ed448, encrypted keys refused", test_wrong_key_types},
    {"openssl CLI agrees", test_openssl_cli_agrees},
    {"sealed by sha256sum and openssl, verified by drh", test_sealed_by_hand},
    {"drh evidence verify", test_cli_verify},
    {"drh evidence keygen", test_cli_keygen},
    {"./drh evidence exit codes", test_drh_binary},
};

TEST_SUITE("reports-bundle", cases)
