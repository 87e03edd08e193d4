/*
 * The evidence bundle's signature: the signing key (a file only its owner
 * may read, or $DRH_SIGNING_KEY), SHA256SUMS.sig and signer.pem, and new
 * keys for drh evidence keygen. See bundle.h.
 */
#include "reports/bundle/bundle.h"

#include "mem.h"
#include "reports/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_KEY_MAX (64 * 1024)

static const char s_keygen_hint[] =
    "make one with: drh evidence keygen --out signing-key.pem (or openssl genpkey "
    "-algorithm ed25519 -out key.pem && chmod 600 key.pem)";

void bundle_key_free(char *pem, size_t len)
{
    if (!pem)
        return;
    crypto_wipe(pem, len);
    free(pem);
}

/* Reads a key file that only its owner may read. */
static enum drh_status s_read_key_file(const char *file, char **pem, size_t *len,
                                       struct drh_err *err)
{
    /* A symlink is followed: Kubernetes mounts secrets through them. The
     * checks are on the open file, so they hold for what is read. */
    int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    enum drh_status st = DRH_OK;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        st = drh_err_set(err, errno == ENOENT ? DRH_E_INPUT : DRH_E_IO,
                         "cannot read signing key '%s': %s", file, strerror(errno));
        drh_err_hint(err, "%s", s_keygen_hint);
    } else if (!S_ISREG(sb.st_mode)) {
        st = drh_err_set(err, DRH_E_INPUT, "signing key '%s' is %s, not a regular file", file,
                         bundle_kind(sb.st_mode));
    } else if (sb.st_mode & 077) {
        st = drh_err_set(err, DRH_E_INPUT,
                         "signing key '%s' is accessible by group or others (mode %04o): "
                         "refusing a private key others may read",
                         file, (unsigned)(sb.st_mode & 07777));
        drh_err_hint(err, "chmod 600 '%s' (in Kubernetes: defaultMode 0400 on the secret)", file);
    } else {
        st = bundle_read_fd(fd, file, S_KEY_MAX, pem, len, err);
        if (st != DRH_OK)
            drh_err_prefix(err, "signing key");
    }
    if (fd >= 0)
        close(fd);
    return st;
}

enum drh_status bundle_signing_key(const char *file, const struct aws_env *env, char **pem,
                                   size_t *len, struct drh_err *err)
{
    *pem = NULL;
    *len = 0;
    char *text = NULL;
    size_t n = 0;
    enum drh_status st;
    if (file) {
        st = s_read_key_file(file, &text, &n, err);
        if (st != DRH_OK)
            return st;
    } else {
        const char *v = aws_env_get(env, BUNDLE_KEY_ENV);
        if (!v)
            return DRH_OK;
        text = xstrdup(v);
        n = strlen(text);
    }
    st = crypto_ed25519_check_private(text, n, err);
    if (st != DRH_OK) {
        if (file) {
            drh_err_prefix(err, "signing key '%s'", file);
        } else {
            drh_err_prefix(err, "signing key in $%s", BUNDLE_KEY_ENV);
            if (!strstr(text, "-----BEGIN"))
                drh_err_hint(err,
                             "$%s holds the key's PEM text itself, not a file name: for a "
                             "file, use --signing-key FILE",
                             BUNDLE_KEY_ENV);
        }
        bundle_key_free(text, n);
        return st;
    }
    *pem = text;
    *len = n;
    return DRH_OK;
}

enum drh_status bundle_sign(const char *dir, const char *key_pem, size_t len,
                            char fingerprint[CRYPTO_SHA256_HEX_LEN + 1], struct drh_err *err)
{
    char *manifest = NULL;
    size_t n = 0;
    enum drh_status st = bundle_read(dir, BUNDLE_MANIFEST, BUNDLE_MANIFEST_MAX, &manifest, &n, err);
    if (st == DRH_E_NOTFOUND)
        return drh_err_set(err, DRH_E_IO, "cannot sign evidence bundle '%s': it has no %s yet", dir,
                           BUNDLE_MANIFEST);
    if (st != DRH_OK)
        return drh_err_prefix(err, "cannot sign evidence bundle '%s'", dir);
    unsigned char sig[CRYPTO_ED25519_SIG_LEN];
    char *pub = NULL;
    st = crypto_ed25519_sign(key_pem, len, manifest, n, sig, &pub, err);
    free(manifest);
    if (st != DRH_OK) {
        drh_err_prefix(err, "cannot sign evidence bundle '%s': signing key", dir);
        return st;
    }
    char *signer = xasprintf("%s/%s", dir, BUNDLE_SIGNER);
    char *sig_path = xasprintf("%s/%s", dir, BUNDLE_SIGNATURE);
    /* signer.pem first: a crash in between leaves an unsigned bundle, never
     * a signature without its key. */
    st = report_write_file(signer, pub, strlen(pub), err);
    if (st == DRH_OK)
        st = report_write_file(sig_path, sig, sizeof sig, err);
    if (st == DRH_OK && fingerprint)
        st = crypto_ed25519_fingerprint(pub, strlen(pub), fingerprint, err);
    free(signer);
    free(sig_path);
    free(pub);
    return st;
}

/* Creates path (which must not exist) with mode and data, durably. */
static enum drh_status s_create(const char *path, mode_t mode, const char *data, size_t len,
                                struct drh_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        drh_err_set(err, errno == EEXIST ? DRH_E_INPUT : DRH_E_IO, "cannot create '%s': %s", path,
                    strerror(errno));
        return errno == EEXIST ? drh_err_hint(err, "drh never overwrites a key: choose another "
                                                   "path, or remove the old key first")
                               : err->code;
    }
    size_t off = 0;
    bool ok = fchmod(fd, mode) == 0;
    while (ok && off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok)
            off += (size_t)w;
    }
    ok = ok && fsync(fd) == 0;
    int saved = errno;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(path);
        return drh_err_set(err, DRH_E_IO, "cannot write '%s': %s", path, strerror(saved));
    }
    return DRH_OK;
}

enum drh_status bundle_keygen(const char *path, char fingerprint[CRYPTO_SHA256_HEX_LEN + 1],
                              struct drh_err *err)
{
    char *pub_path = xasprintf("%s.pub", path);
    struct stat sb;
    enum drh_status st = DRH_OK;
    if (lstat(pub_path, &sb) == 0) {
        st = drh_err_set(err, DRH_E_INPUT, "cannot create '%s': it exists", pub_path);
        drh_err_hint(err, "drh never overwrites a key: choose another path");
        free(pub_path);
        return st;
    }
    char *priv = NULL, *pub = NULL;
    size_t priv_len = 0;
    st = crypto_ed25519_keygen(&priv, &priv_len, &pub, err);
    if (st == DRH_OK)
        st = s_create(path, 0600, priv, priv_len, err);
    if (st == DRH_OK) {
        st = s_create(pub_path, 0644, pub, strlen(pub), err);
        if (st != DRH_OK)
            unlink(path);
    }
    if (st == DRH_OK && fingerprint)
        st = crypto_ed25519_fingerprint(pub, strlen(pub), fingerprint, err);
    bundle_key_free(priv, priv_len);
    free(pub);
    free(pub_path);
    return st;
}
