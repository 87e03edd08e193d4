/*
 * Hashing, MACs and randomness. This is the only module that includes
 * OpenSSL headers: the rest of drh sees plain byte arrays, so the library
 * can be swapped or shimmed in one place.
 */
#ifndef DRH_CRYPTO_H
#define DRH_CRYPTO_H

#include "err.h"

#include <stddef.h>

#define CRYPTO_SHA256_LEN 32
/* Lowercase hex of a SHA-256 digest, without the terminating NUL. */
#define CRYPTO_SHA256_HEX_LEN 64

/* Writes the 2 * len lowercase hex digits of data and a NUL: out holds
 * 2 * len + 1 bytes. */
void crypto_hex(const void *data, size_t len, char *out);

void crypto_sha256(const void *data, size_t len, unsigned char out[CRYPTO_SHA256_LEN]);
void crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_SHA256_HEX_LEN + 1]);

void crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                        unsigned char out[CRYPTO_SHA256_LEN]);

/* Streaming SHA-256 for data that does not fit in memory at once (bodies,
 * evidence files). Heap object: crypto_sha256_new() / crypto_sha256_free(). */
struct crypto_sha256;

struct crypto_sha256 *crypto_sha256_new(void);
void crypto_sha256_update(struct crypto_sha256 *this, const void *data, size_t len);
/* Writes the digest and starts over, so one object can hash many inputs. */
void crypto_sha256_final(struct crypto_sha256 *this, unsigned char out[CRYPTO_SHA256_LEN]);
/* NULL is a no-op. */
void crypto_sha256_free(struct crypto_sha256 *this);

/* Fills out with n bytes from OpenSSL's CSPRNG. Returns DRH_OK, or
 * DRH_E_INTERNAL when the generator cannot be seeded (out is then zeroed, so
 * a caller that ignores the status never uses stale memory as a nonce). */
enum drh_status crypto_random_bytes(void *out, size_t n);

/* Overwrites n bytes in a way the compiler may not optimize away: for keys
 * and secrets that are about to be freed or go out of scope. */
void crypto_wipe(void *p, size_t n);

#endif
