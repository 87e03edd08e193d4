/*
 * Checking an evidence bundle: SHA256SUMS against the files that are there
 * (altered, missing, added), then the detached signature, against a pinned
 * public key or the bundle's own signer.pem. See bundle.h.
 *
 * SHA256SUMS is read as hostile input: its paths are only ever compared
 * with the names a walk of the folder found, never opened, so a line such
 * as "../../etc/passwd" cannot make drh read outside the bundle.
 */
#include "reports/bundle/bundle.h"

#include "mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S_PEM_MAX (64 * 1024)

struct s_line {
    char *path;
    size_t line;
    char sha256[CRYPTO_SHA256_HEX_LEN + 1];
};

static void s_problem(struct bundle_verdict *v, char *path, const char *what)
{
    v->problems = xrealloc(v->problems, (v->n_problems + 1) * sizeof *v->problems);
    v->problems[v->n_problems].path = path;
    v->problems[v->n_problems].what = what;
    v->n_problems++;
}

static void s_malformed(struct bundle_verdict *v, size_t line)
{
    s_problem(v, xasprintf("%s line %zu", BUNDLE_MANIFEST, line), "malformed");
}

/* A path drh could have written: relative, no empty, "." or ".." part,
 * not one of the files the manifest leaves out. */
static bool s_path_ok(const char *path)
{
    if (!bundle_name_ok(path) || path[0] == '/')
        return false;
    if (strcmp(path, BUNDLE_MANIFEST) == 0 || strcmp(path, BUNDLE_SIGNATURE) == 0 ||
        strcmp(path, BUNDLE_SIGNER) == 0)
        return false;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n;
        if (*p == '/' && *++p == '\0')
            return false;
    }
    return true;
}

/* One line of sha256sum's format: 64 hex digits, a space, a space or '*'
 * (binary mode), the path. Escaped lines (a leading backslash) are never
 * written by drh, so they are malformed here. */
static bool s_parse_line(const char *s, size_t len, struct s_line *out)
{
    if (len < CRYPTO_SHA256_HEX_LEN + 3 || memchr(s, '\0', len))
        return false;
    for (size_t i = 0; i < CRYPTO_SHA256_HEX_LEN; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        out->sha256[i] = c;
    }
    out->sha256[CRYPTO_SHA256_HEX_LEN] = '\0';
    const char *sep = s + CRYPTO_SHA256_HEX_LEN;
    if (sep[0] != ' ' || (sep[1] != ' ' && sep[1] != '*'))
        return false;
    out->path = xstrndup(sep + 2, len - CRYPTO_SHA256_HEX_LEN - 2);
    if (s_path_ok(out->path))
        return true;
    free(out->path);
    out->path = NULL;
    return false;
}

static int s_by_path(const void *a, const void *b)
{
    const struct s_line *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The lines of SHA256SUMS, sorted by path; a line that cannot be read, or
 * repeats a path, becomes a "malformed" problem. */
static struct s_line *s_parse(const char *text, size_t len, size_t *n, struct bundle_verdict *v)
{
    struct s_line *lines = NULL;
    size_t count = 0, no = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        struct s_line l = {.line = ++no};
        if (s_parse_line(text + at, end - at, &l)) {
            lines = xrealloc(lines, (count + 1) * sizeof *lines);
            lines[count++] = l;
        } else {
            s_malformed(v, no);
        }
        at = end + 1;
    }
    if (count)
        qsort(lines, count, sizeof *lines, s_by_path);
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        if (kept && strcmp(lines[kept - 1].path, lines[i].path) == 0) {
            s_malformed(v, lines[i].line);
            free(lines[i].path);
            continue;
        }
        lines[kept++] = lines[i];
    }
    *n = kept;
    return lines;
}

/* Walks the listed lines and the files found side by side, both sorted. */
static void s_compare(const struct s_line *lines, size_t n_lines, const struct bundle_entry *found,
                      size_t n_found, struct bundle_verdict *v)
{
    size_t i = 0, j = 0;
    while (i < n_lines || j < n_found) {
        int c = i == n_lines ? 1 : j == n_found ? -1 : strcmp(lines[i].path, found[j].path);
        if (c < 0) {
            s_problem(v, xstrdup(lines[i++].path), "missing");
        } else if (c > 0) {
            s_problem(v, xstrdup(found[j++].path), "added");
        } else {
            if (found[j].kind)
                s_problem(v, xstrdup(found[j].path), "not a regular file");
            else if (strcmp(lines[i].sha256, found[j].sha256) != 0)
                s_problem(v, xstrdup(found[j].path), "altered");
            i++, j++;
        }
    }
}

/* Reads DIR/name, a file of the seal that may be absent: *data NULL then.
 * A file that is not regular or too long is tampering: *bad says so. */
static enum drh_status s_read_optional(const char *dir, const char *name, size_t max, char **data,
                                       size_t *len, bool *bad, struct drh_err *err)
{
    *data = NULL;
    *len = 0;
    *bad = false;
    enum drh_status st = bundle_read(dir, name, max, data, len, err);
    if (st == DRH_E_NOTFOUND || st == DRH_E_INPUT) {
        *bad = st == DRH_E_INPUT;
        drh_err_clear(err);
        return DRH_OK;
    }
    return st;
}

/* The signature of manifest (NULL: unreadable), with pinned (may be NULL,
 * already checked) or signer.pem. */
static enum drh_status s_signature(const char *dir, const char *manifest, size_t manifest_len,
                                   const char *pinned, struct bundle_verdict *v,
                                   struct drh_err *err)
{
    char *sig = NULL, *signer = NULL;
    size_t sig_len = 0, signer_len = 0;
    bool sig_bad = false, signer_bad = false;
    struct drh_err ignored;
    enum drh_status st =
        s_read_optional(dir, BUNDLE_SIGNATURE, 1024, &sig, &sig_len, &sig_bad, err);
    if (st == DRH_OK)
        st = s_read_optional(dir, BUNDLE_SIGNER, S_PEM_MAX, &signer, &signer_len, &signer_bad, err);
    if (st != DRH_OK)
        goto done;
    if (signer &&
        crypto_ed25519_fingerprint(signer, signer_len, v->signer_fingerprint, &ignored) != DRH_OK)
        signer_bad = true;
    if (signer_bad)
        s_problem(v, xstrdup(BUNDLE_SIGNER), "not an Ed25519 public key");
    if (pinned)
        v->key_mismatch =
            (signer || signer_bad) && strcmp(v->signer_fingerprint, v->fingerprint) != 0;
    else if (!signer_bad)
        memcpy(v->fingerprint, v->signer_fingerprint, sizeof v->fingerprint);
    v->is_signed = sig || sig_bad;
    v->signature_why = "";
    if (!v->is_signed)
        goto done;
    const char *key = pinned ? pinned : signer_bad ? NULL : signer;
    bool valid = false;
    if (sig_bad)
        v->signature_why = BUNDLE_SIGNATURE " is not a regular file";
    else if (!manifest)
        v->signature_why = BUNDLE_MANIFEST " is not a regular file";
    else if (!key)
        v->signature_why = "no readable " BUNDLE_SIGNER " to check it with";
    else if (sig_len != CRYPTO_ED25519_SIG_LEN)
        v->signature_why = BUNDLE_SIGNATURE " is not a 64-byte Ed25519 signature";
    else if (crypto_ed25519_verify(key, strlen(key), manifest, manifest_len,
                                   (const unsigned char *)sig, &valid, &ignored) != DRH_OK ||
             !valid)
        v->signature_why = BUNDLE_MANIFEST " does not match its signature";
    else if (v->key_mismatch)
        v->signature_why = BUNDLE_SIGNER " is not the pinned key";
    v->signature_ok = v->signature_why[0] == '\0';
done:
    free(sig);
    free(signer);
    return st;
}

enum drh_status bundle_verify(const char *dir, const char *pinned_pub_pem,
                              struct bundle_verdict *out, struct drh_err *err)
{
    struct bundle_verdict v = {.signature_why = ""};
    struct stat sb;
    int rc = stat(dir, &sb);
    if (rc != 0 || !S_ISDIR(sb.st_mode)) {
        drh_err_set(err, DRH_E_INPUT, "no evidence bundle at '%s': %s", dir,
                    rc != 0 ? strerror(errno) : "not a folder");
        return drh_err_hint(err, "a bundle is the folder a run writes: <evidence-dir>/<run-id>/");
    }
    if (pinned_pub_pem && crypto_ed25519_fingerprint(pinned_pub_pem, strlen(pinned_pub_pem),
                                                     v.fingerprint, err) != DRH_OK)
        return drh_err_prefix(err, "pinned public key");
    v.key_pinned = pinned_pub_pem != NULL;
    char *manifest = NULL;
    size_t len = 0;
    bool bad = false;
    enum drh_status st =
        s_read_optional(dir, BUNDLE_MANIFEST, BUNDLE_MANIFEST_MAX, &manifest, &len, &bad, err);
    if (st != DRH_OK)
        return st;
    if (!manifest && !bad) {
        drh_err_set(err, DRH_E_INPUT, "'%s' is not an evidence bundle: it has no %s", dir,
                    BUNDLE_MANIFEST);
        return drh_err_hint(err, "a bundle is the folder a run writes: <evidence-dir>/<run-id>/");
    }
    struct bundle_entry *found = NULL;
    size_t n_found = 0, n_lines = 0;
    struct s_line *lines = NULL;
    if (bad) {
        s_problem(&v, xstrdup(BUNDLE_MANIFEST), "not a regular file");
    } else {
        lines = s_parse(manifest, len, &n_lines, &v);
        st = bundle_scan(dir, &found, &n_found, err);
        if (st == DRH_OK)
            s_compare(lines, n_lines, found, n_found, &v);
    }
    v.n_files = n_lines;
    if (st == DRH_OK)
        st = s_signature(dir, manifest, len, pinned_pub_pem, &v, err);
    for (size_t i = 0; i < n_lines; i++)
        free(lines[i].path);
    free(lines);
    bundle_entries_free(found, n_found);
    free(manifest);
    if (st != DRH_OK) {
        bundle_verdict_clean_up(&v);
        return st;
    }
    *out = v;
    return DRH_OK;
}

bool bundle_verdict_ok(const struct bundle_verdict *v)
{
    if (v->n_problems)
        return false;
    return v->is_signed ? v->signature_ok : !v->key_pinned;
}

void bundle_verdict_clean_up(struct bundle_verdict *v)
{
    for (size_t i = 0; i < v->n_problems; i++)
        free(v->problems[i].path);
    free(v->problems);
    v->problems = NULL;
    v->n_problems = 0;
}
