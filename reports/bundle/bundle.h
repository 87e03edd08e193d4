/*
 * The evidence bundle: the folder a run leaves for auditors,
 * <evidence-dir>/<run-id>/, holding evidence.json, junit.xml, drh.log,
 * report.html, summary.md and drills/<file>. This module seals it and checks
 * the seal:
 *
 *   SHA256SUMS      the SHA-256 of every other file, in sha256sum's format,
 *                   sorted by path: `sha256sum -c SHA256SUMS` checks it
 *   SHA256SUMS.sig  the raw 64-byte Ed25519 signature of SHA256SUMS
 *   signer.pem      the public key that made it (SubjectPublicKeyInfo PEM)
 *
 * so `openssl pkeyutl -verify -pubin -inkey signer.pem -rawin -in
 * SHA256SUMS -sigfile SHA256SUMS.sig` checks the signature without drh.
 * The run calls bundle_manifest_write(), then bundle_signing_key() and, when
 * a key is configured, bundle_sign(). See docs/evidence.md.
 */
#ifndef DRH_REPORTS_BUNDLE_H
#define DRH_REPORTS_BUNDLE_H
#include "aws/env.h"
#include "crypto.h"
#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define BUNDLE_MANIFEST "SHA256SUMS"
#define BUNDLE_SIGNATURE "SHA256SUMS.sig"
#define BUNDLE_SIGNER "signer.pem"
/* The longest SHA256SUMS read back: some 160,000 files. */
#define BUNDLE_MANIFEST_MAX (16 * 1024 * 1024)
/* The environment variable that holds the signing key's PEM text (a CI
 * secret), when no key file is given. */
#define BUNDLE_KEY_ENV "DRH_SIGNING_KEY"

/* Writes DIR/SHA256SUMS over every regular file under dir, recursively,
 * except SHA256SUMS, SHA256SUMS.sig and signer.pem at the top. A signature
 * left from an earlier seal no longer matches, so SHA256SUMS.sig and
 * signer.pem are removed. Refuses (DRH_E_INPUT, naming the file) a symlink,
 * a FIFO, socket or device, and a name with a control character or a
 * backslash (sha256sum would escape it); DRH_E_IO when dir or a file cannot
 * be read or SHA256SUMS written. */
enum drh_status bundle_manifest_write(const char *dir, struct drh_err *err);

/* The signing key's PEM text: from file when not NULL, else from
 * $DRH_SIGNING_KEY of env (NULL: the process environment). *pem is NULL and
 * *len 0 when neither is configured (the bundle stays unsigned). The key is
 * checked here, so a run can call this before its drills and fail early:
 * DRH_E_INPUT for a key file that group or others may read or write (like
 * ssh, with a chmod hint), a file that is not regular, and text that is not
 * an unencrypted Ed25519 private key (saying what it is: RSA, EC, a public
 * key...). Messages name the source, never the key. On success the caller
 * owns *pem (NUL-terminated, *len bytes) and ends with bundle_key_free(). */
enum drh_status bundle_signing_key(const char *file, const struct aws_env *env, char **pem,
                                   size_t *len, struct drh_err *err);
/* Wipes and frees a key from bundle_signing_key(). NULL is a no-op. */
void bundle_key_free(char *pem, size_t len);

/* Signs DIR/SHA256SUMS with key_pem (len bytes of PEM: a secret, not kept):
 * writes signer.pem, then SHA256SUMS.sig. fingerprint (may be NULL) gets
 * the key's (see crypto_ed25519_fingerprint()), for the log. DRH_E_INPUT for
 * a bad key, DRH_E_IO when SHA256SUMS cannot be read or a file written. */
enum drh_status bundle_sign(const char *dir, const char *key_pem, size_t len,
                            char fingerprint[CRYPTO_SHA256_HEX_LEN + 1], struct drh_err *err);

/* Makes a key pair for signing bundles: path gets the private key (PKCS#8
 * PEM, mode 0600) and path.pub its public half (0644). Neither may exist
 * already (DRH_E_INPUT). fingerprint (may be NULL) gets the key's. */
enum drh_status bundle_keygen(const char *path, char fingerprint[CRYPTO_SHA256_HEX_LEN + 1],
                              struct drh_err *err);

/*
 * Verification.
 */
/* A file that does not match SHA256SUMS. */
struct bundle_problem {
    char *path; /* relative to the bundle; for "malformed", "SHA256SUMS line N" */
    /* "altered", "missing", "added", "not a regular file", "malformed",
     * "not an Ed25519 public key" (signer.pem) */
    const char *what;
};

struct bundle_verdict {
    size_t n_files; /* listed in SHA256SUMS */
    /* Malformed lines of SHA256SUMS, then the files sorted by path, then
     * signer.pem when it is not an Ed25519 public key. */
    struct bundle_problem *problems;
    size_t n_problems;
    bool is_signed;    /* SHA256SUMS.sig is present */
    bool signature_ok; /* it is a valid signature of SHA256SUMS by the key below */
    bool key_pinned;   /* the key is the caller's, not only signer.pem */
    bool key_mismatch; /* the pinned key is not signer.pem's */
    /* Why the signature is not ok, for the user ("" when it is, or when
     * unsigned): "SHA256SUMS does not match its signature", ... */
    const char *signature_why;
    char fingerprint[CRYPTO_SHA256_HEX_LEN + 1];        /* the key checked; "" none */
    char signer_fingerprint[CRYPTO_SHA256_HEX_LEN + 1]; /* signer.pem's; "" none */
};

/* Checks the bundle in dir: every file listed in SHA256SUMS is there, a
 * regular file with that SHA-256; no other file is there; and, when
 * SHA256SUMS.sig is there, the signature, against pinned_pub_pem (a public
 * key PEM, NUL-terminated) when not NULL, else against signer.pem. Problems
 * go in *out, which is filled whenever the result is DRH_OK; the caller
 * frees it with bundle_verdict_clean_up(). DRH_E_INPUT when dir does not
 * exist or has no SHA256SUMS (not a bundle), or pinned_pub_pem is not an
 * Ed25519 public key; DRH_E_IO when a file cannot be read. */
enum drh_status bundle_verify(const char *dir, const char *pinned_pub_pem,
                              struct bundle_verdict *out, struct drh_err *err);
/* Whether the bundle passed: no problem, and either a valid signature (by
 * the pinned key when one was given) or, without a pinned key, no
 * signature at all. */
bool bundle_verdict_ok(const struct bundle_verdict *v);
/* Caller storage; safe on a zeroed verdict. */
void bundle_verdict_clean_up(struct bundle_verdict *v);

/*
 * Shared by bundle.c, bundle_key.c and bundle_verify.c.
 */
struct bundle_entry {
    char *path;       /* relative, '/'-separated */
    const char *kind; /* NULL for a regular file, else "a symlink", "a FIFO", ... */
    char sha256[CRYPTO_SHA256_HEX_LEN + 1]; /* regular files only */
};
/* Every file under dir (not following symlinks; folders are entered, not
 * listed), except the top-level SHA256SUMS, SHA256SUMS.sig and signer.pem,
 * sorted by path in byte order, regular files hashed. Free with
 * bundle_entries_free(). */
enum drh_status bundle_scan(const char *dir, struct bundle_entry **out, size_t *n,
                            struct drh_err *err);
void bundle_entries_free(struct bundle_entry *v, size_t n);
/* Reads DIR/name whole (at most max bytes), without following a symlink.
 * DRH_E_NOTFOUND when it does not exist, DRH_E_INPUT when it is not a
 * regular file or is longer than max, DRH_E_IO otherwise. *data is
 * NUL-terminated; caller frees. */
enum drh_status bundle_read(const char *dir, const char *name, size_t max, char **data, size_t *len,
                            struct drh_err *err);
/* Reads fd to its end, at most max bytes (path names it in messages):
 * DRH_E_INPUT when longer, DRH_E_IO on a read error. What was read is
 * wiped before it is freed, since it may be a key. */
enum drh_status bundle_read_fd(int fd, const char *path, size_t max, char **data, size_t *len,
                               struct drh_err *err);
/* NULL for a regular file, else "a folder", "a symlink", "a FIFO",
 * "a socket", "a device", "a special file". */
const char *bundle_kind(mode_t mode);
/* Whether a relative path may appear in SHA256SUMS: not empty, no control
 * character nor backslash. */
bool bundle_name_ok(const char *path);
/* path with every control character shown as '?', for one-line output;
 * caller frees. */
char *bundle_printable(const char *path);

#endif
