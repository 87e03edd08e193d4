/* OpenSSL wrapper for hashing, MACs, randomness and Ed25519: see crypto.h. */
#include "crypto.h"

#include "mem.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

struct crypto_sha256 {
    EVP_MD_CTX *md;
};

/* SHA-256 and HMAC over memory fail only when OpenSSL cannot allocate, which
 * drh treats like xmalloc() does: one line, exit 3. No caller then carries an
 * error branch that could never be tested. */
static void s_fatal(const char *what)
{
    unsigned long e = ERR_get_error();
    char reason[256] = "unknown reason";
    if (e)
        ERR_error_string_n(e, reason, sizeof reason);
    fprintf(stderr, "drh: openssl %s failed: %s\n", what, reason);
    exit(3);
}

void crypto_hex(const void *data, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 0x0f];
    }
    out[2 * len] = '\0';
}

void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN])
{
    if (EVP_Digest(len ? data : "", len, out, NULL, EVP_sha256(), NULL) != 1)
        s_fatal("sha-256");
}

void crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_SHA256_HEX_LEN + 1])
{
    unsigned char md[CRYPTO_SHA256_LEN];
    crypto_sha256(data, len, md);
    crypto_hex(md, sizeof md, out);
}

void crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                        unsigned char out[CRYPTO_SHA256_LEN])
{
    unsigned int out_len = 0;
    /* HMAC() takes the key length as an int; longer keys would be hashed
     * first by HMAC itself, but no caller has one, so refuse rather than
     * truncate silently. */
    if (key_len > INT_MAX)
        s_fatal("hmac-sha256 (key too long)");
    if (!HMAC(EVP_sha256(), key_len ? key : "", (int)key_len, len ? data : (const void *)"", len,
              out, &out_len) ||
        out_len != CRYPTO_SHA256_LEN)
        s_fatal("hmac-sha256");
}

struct crypto_sha256 *crypto_sha256_new(void)
{
    struct crypto_sha256 *this = xmalloc(sizeof *this);
    this->md = EVP_MD_CTX_new();
    if (!this->md || EVP_DigestInit_ex(this->md, EVP_sha256(), NULL) != 1)
        s_fatal("sha-256 init");
    return this;
}

void crypto_sha256_update(struct crypto_sha256 *this, const void *data, size_t len)
{
    if (len && EVP_DigestUpdate(this->md, data, len) != 1)
        s_fatal("sha-256 update");
}

void crypto_sha256_final(struct crypto_sha256 *this, unsigned char out[CRYPTO_SHA256_LEN])
{
    /* Init with no type reuses the context's digest: without a fetch by
     * name, which costs more than hashing a short message (table rows). */
    if (EVP_DigestFinal_ex(this->md, out, NULL) != 1 ||
        EVP_DigestInit_ex2(this->md, NULL, NULL) != 1)
        s_fatal("sha-256 final");
}

void crypto_sha256_free(struct crypto_sha256 *this)
{
    if (!this)
        return;
    EVP_MD_CTX_free(this->md);
    free(this);
}

enum drh_status crypto_random_bytes(void *out, size_t n)
{
    unsigned char *p = out;
    /* RAND_bytes() takes an int count; large requests go in slices. */
    while (n > 0) {
        int chunk = n > INT_MAX ? INT_MAX : (int)n;
        if (RAND_bytes(p, chunk) != 1) {
            memset(out, 0, (size_t)(p - (unsigned char *)out) + n);
            return DRH_E_INTERNAL;
        }
        p += chunk;
        n -= (size_t)chunk;
    }
    return DRH_OK;
}

void crypto_wipe(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

/*
 * Ed25519. Key text comes from users (a file, a CI secret), so every way it
 * can be wrong gets its own message; none of them quotes the text, which
 * may be a private key.
 */

/* PEM files hold more than keys, but never this much. */
#define S_PEM_MAX (64 * 1024)

static const char s_keygen_hint[] = "make an Ed25519 key with: openssl genpkey -algorithm ed25519 "
                                    "-out key.pem && chmod 600 key.pem";

/* OpenSSL would ask the terminal for an encrypted key's passphrase: drh runs
 * unattended, so an encrypted key fails instead. */
static int s_no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

/* Whether len bytes of text contain needle (key text needs no NUL). */
static bool s_contains(const char *text, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(text + i, needle, n) == 0)
            return true;
    return false;
}

/* Whether text holds the PEM line "-----BEGIN <label>-----". */
static bool s_has_label(const char *text, size_t len, const char *label)
{
    char line[64];
    snprintf(line, sizeof line, "-----BEGIN %s-----", label);
    return s_contains(text, len, line);
}

/* "an RSA key", "an EC key": what a key that is not Ed25519 is. */
static void s_describe_type(const EVP_PKEY *pkey, char *out, size_t size)
{
    static const struct {
        int id;
        const char *what;
    } types[] = {{EVP_PKEY_RSA, "an RSA key"},     {EVP_PKEY_RSA_PSS, "an RSA-PSS key"},
                 {EVP_PKEY_EC, "an EC key"},       {EVP_PKEY_DSA, "a DSA key"},
                 {EVP_PKEY_ED448, "an Ed448 key"}, {EVP_PKEY_X25519, "an X25519 key"},
                 {EVP_PKEY_X448, "an X448 key"}};
    int id = EVP_PKEY_base_id(pkey);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].id == id) {
            snprintf(out, size, "%s", types[i].what);
            return;
        }
    const char *name = id == NID_undef ? NULL : OBJ_nid2sn(id);
    snprintf(out, size, "a key of type %s", name ? name : "unknown");
}

static BIO *s_bio_of(const char *text, size_t len)
{
    BIO *bio = BIO_new_mem_buf(text, (int)len);
    if (!bio)
        s_fatal("bio");
    return bio;
}

/* Why text that OpenSSL could not read as a private key is not one, from
 * the PEM labels it holds; *hint is set when the default one does not fit. */
static const char *s_not_private(const char *text, size_t len, const char **hint)
{
    if (s_has_label(text, len, "ENCRYPTED PRIVATE KEY")) {
        *hint = "decrypt it into a file only drh can read: openssl pkey -in key.pem -out "
                "plain.pem && chmod 600 plain.pem";
        return "an encrypted private key: drh runs unattended and cannot ask for its passphrase";
    }
    if (s_has_label(text, len, "OPENSSH PRIVATE KEY"))
        return "an OpenSSH private key (ssh-keygen's format), not a PKCS#8 PEM key";
    if (s_has_label(text, len, "PUBLIC KEY"))
        return "a public key, not a private one";
    if (s_has_label(text, len, "CERTIFICATE"))
        return "a certificate, not a private key";
    if (!s_contains(text, len, "-----BEGIN "))
        return "not a PEM private key (no -----BEGIN line)";
    return "not a readable PEM private key";
}

/* Reads the private key of key_pem. Never quotes the text. */
static enum drh_status s_read_private(const char *key_pem, size_t len, EVP_PKEY **out,
                                      struct drh_err *err)
{
    *out = NULL;
    if (!key_pem || len == 0)
        return drh_err_set(err, DRH_E_INPUT, "empty, not a private key");
    if (len > S_PEM_MAX)
        return drh_err_set(err, DRH_E_INPUT, "not a PEM private key: %zu bytes is too long", len);
    const char *what = NULL;
    const char *hint = s_keygen_hint;
    EVP_PKEY *pkey = NULL;
    /* OpenSSL reads the key; only a failure is explained, from the labels
     * the text holds. */
    if (s_contains(key_pem, len, "-----BEGIN ")) {
        BIO *bio = s_bio_of(key_pem, len);
        pkey = PEM_read_bio_PrivateKey(bio, NULL, s_no_passphrase, NULL);
        BIO_free(bio);
    }
    if (!pkey)
        what = s_not_private(key_pem, len, &hint);
    ERR_clear_error();
    if (what) {
        drh_err_set(err, DRH_E_INPUT, "%s", what);
        drh_err_hint(err, "%s", hint);
        return DRH_E_INPUT;
    }
    if (EVP_PKEY_base_id(pkey) != EVP_PKEY_ED25519) {
        char type[64];
        s_describe_type(pkey, type, sizeof type);
        EVP_PKEY_free(pkey);
        drh_err_set(err, DRH_E_INPUT, "%s, not an Ed25519 key: drh signs evidence with Ed25519",
                    type);
        drh_err_hint(err, "%s", s_keygen_hint);
        return DRH_E_INPUT;
    }
    *out = pkey;
    return DRH_OK;
}

static enum drh_status s_read_public(const char *pub_pem, size_t len, EVP_PKEY **out,
                                     struct drh_err *err)
{
    *out = NULL;
    static const char hint[] = "give the signer's public key: signer.pem of a bundle signed "
                               "with it, or openssl pkey -in key.pem -pubout -out key.pub";
    const char *what = NULL;
    EVP_PKEY *pkey = NULL;
    if (!pub_pem || len == 0) {
        what = "empty, not a public key";
    } else if (len > S_PEM_MAX) {
        what = "not a PEM public key: too long";
    } else if (s_contains(pub_pem, len, " PRIVATE KEY-----")) {
        /* PKCS#8, encrypted, RSA, EC, OpenSSH: every private key label. */
        what = "a private key, not a public one: keep it secret and pass its public half";
    } else if (!s_has_label(pub_pem, len, "PUBLIC KEY")) {
        what = "not a PEM public key (no -----BEGIN PUBLIC KEY----- line)";
    } else {
        BIO *bio = s_bio_of(pub_pem, len);
        pkey = PEM_read_bio_PUBKEY(bio, NULL, s_no_passphrase, NULL);
        BIO_free(bio);
        if (!pkey)
            what = "not a readable PEM public key";
    }
    ERR_clear_error();
    if (!what && EVP_PKEY_base_id(pkey) != EVP_PKEY_ED25519) {
        char type[64];
        s_describe_type(pkey, type, sizeof type);
        EVP_PKEY_free(pkey);
        drh_err_set(err, DRH_E_INPUT, "%s, not an Ed25519 public key", type);
        drh_err_hint(err, "%s", hint);
        return DRH_E_INPUT;
    }
    if (what) {
        drh_err_set(err, DRH_E_INPUT, "%s", what);
        drh_err_hint(err, "%s", hint);
        return DRH_E_INPUT;
    }
    *out = pkey;
    return DRH_OK;
}

/* The SubjectPublicKeyInfo PEM of pkey's public half; caller frees. */
static char *s_public_pem(EVP_PKEY *pkey)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio || PEM_write_bio_PUBKEY(bio, pkey) != 1)
        s_fatal("public key to PEM");
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *pem = xstrndup(data, n > 0 ? (size_t)n : 0);
    BIO_free(bio);
    return pem;
}

enum drh_status crypto_ed25519_check_private(const char *key_pem, size_t len, struct drh_err *err)
{
    EVP_PKEY *pkey = NULL;
    enum drh_status st = s_read_private(key_pem, len, &pkey, err);
    EVP_PKEY_free(pkey);
    return st;
}

enum drh_status crypto_ed25519_sign(const char *key_pem, size_t len, const void *data, size_t n,
                                    unsigned char sig[CRYPTO_ED25519_SIG_LEN], char **pub_pem,
                                    struct drh_err *err)
{
    EVP_PKEY *pkey = NULL;
    enum drh_status st = s_read_private(key_pem, len, &pkey, err);
    if (st != DRH_OK)
        return st;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t sig_len = CRYPTO_ED25519_SIG_LEN;
    /* No digest: Ed25519 hashes the message itself (pure Ed25519). */
    if (!md || EVP_DigestSignInit(md, NULL, NULL, NULL, pkey) != 1 ||
        EVP_DigestSign(md, sig, &sig_len, n ? data : (const void *)"", n) != 1 ||
        sig_len != CRYPTO_ED25519_SIG_LEN)
        s_fatal("ed25519 sign");
    EVP_MD_CTX_free(md);
    if (pub_pem)
        *pub_pem = s_public_pem(pkey);
    EVP_PKEY_free(pkey);
    return DRH_OK;
}

enum drh_status crypto_ed25519_verify(const char *pub_pem, size_t len, const void *data, size_t n,
                                      const unsigned char sig[CRYPTO_ED25519_SIG_LEN], bool *valid,
                                      struct drh_err *err)
{
    *valid = false;
    EVP_PKEY *pkey = NULL;
    enum drh_status st = s_read_public(pub_pem, len, &pkey, err);
    if (st != DRH_OK)
        return st;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestVerifyInit(md, NULL, NULL, NULL, pkey) != 1)
        s_fatal("ed25519 verify");
    /* 1 is a match; 0 and negative values (a malformed signature) are not. */
    *valid = EVP_DigestVerify(md, sig, CRYPTO_ED25519_SIG_LEN, n ? data : (const void *)"", n) == 1;
    ERR_clear_error();
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    return DRH_OK;
}

enum drh_status crypto_ed25519_fingerprint(const char *pub_pem, size_t len,
                                           char out[CRYPTO_SHA256_HEX_LEN + 1], struct drh_err *err)
{
    EVP_PKEY *pkey = NULL;
    enum drh_status st = s_read_public(pub_pem, len, &pkey, err);
    if (st != DRH_OK)
        return st;
    unsigned char raw[CRYPTO_ED25519_PUB_LEN];
    size_t raw_len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(pkey, raw, &raw_len) != 1 || raw_len != sizeof raw)
        s_fatal("ed25519 public key");
    EVP_PKEY_free(pkey);
    crypto_sha256_hex(raw, raw_len, out);
    return DRH_OK;
}

enum drh_status crypto_ed25519_keygen(char **priv_pem, size_t *priv_len, char **pub_pem,
                                      struct drh_err *err)
{
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &pkey) != 1) {
        EVP_PKEY_CTX_free(ctx);
        ERR_clear_error();
        return drh_err_set(err, DRH_E_INTERNAL, "openssl cannot make an Ed25519 key");
    }
    EVP_PKEY_CTX_free(ctx);
    /* Secure memory: the BIO is wiped when freed. */
    BIO *bio = BIO_new(BIO_s_secmem());
    if (!bio || PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1)
        s_fatal("private key to PEM");
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    *priv_len = n > 0 ? (size_t)n : 0;
    *priv_pem = xstrndup(data, *priv_len);
    BIO_free(bio);
    *pub_pem = s_public_pem(pkey);
    EVP_PKEY_free(pkey);
    return DRH_OK;
}
