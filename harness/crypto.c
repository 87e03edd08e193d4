/* OpenSSL wrapper for hashing, MACs and randomness: see crypto.h. */
#include "crypto.h"

#include "mem.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
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
    if (EVP_DigestFinal_ex(this->md, out, NULL) != 1 ||
        EVP_DigestInit_ex(this->md, EVP_sha256(), NULL) != 1)
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
