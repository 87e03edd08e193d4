/*
 * Hashing, MACs, randomness and Ed25519 signatures. This is the only module that includes
 * OpenSSL headers: the rest of drh sees plain byte arrays, so the library
 * can be swapped or shimmed in one place.
 */
#ifndef DRH_CRYPTO_H
#define DRH_CRYPTO_H

#include "err.h"

#include <stdbool.h>
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

/*
 * Ed25519 (pure, RFC 8032: the message itself is signed, as `openssl pkeyutl
 * -sign -rawin` does), for the evidence bundle's detached signature. Keys
 * travel as PEM text: a private key is PKCS#8 ("BEGIN PRIVATE KEY", what
 * `openssl genpkey -algorithm ed25519` writes), a public key is
 * SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"). A private key is a secret: these
 * functions never copy it into a message, never prompt for a passphrase, and
 * leave the caller's text for the caller to crypto_wipe().
 */
#define CRYPTO_ED25519_SIG_LEN 64
#define CRYPTO_ED25519_PUB_LEN 32

/* DRH_OK when key_pem (len bytes) is an unencrypted Ed25519 private key.
 * Otherwise DRH_E_INPUT, the message saying what it is instead ("an RSA
 * key", "a public key, not a private one", "an encrypted private key", "not
 * a PEM private key") and a hint on making one. */
enum drh_status crypto_ed25519_check_private(const char *key_pem, size_t len, struct drh_err *err);

/* Signs n bytes of data with the private key key_pem (checked as above).
 * sig gets the 64-byte signature; *pub_pem (when pub_pem is not NULL) the
 * key's public half as PEM, which the caller frees. */
enum drh_status crypto_ed25519_sign(const char *key_pem, size_t len, const void *data, size_t n,
                                    unsigned char sig[CRYPTO_ED25519_SIG_LEN], char **pub_pem,
                                    struct drh_err *err);

/* Checks sig over n bytes of data against the public key pub_pem: *valid is
 * true when it matches. DRH_E_INPUT when pub_pem is not an Ed25519 public
 * key (then *valid is false). */
enum drh_status crypto_ed25519_verify(const char *pub_pem, size_t len, const void *data, size_t n,
                                      const unsigned char sig[CRYPTO_ED25519_SIG_LEN], bool *valid,
                                      struct drh_err *err);

/* The lowercase hex SHA-256 of the raw 32-byte public key in pub_pem: the
 * key's fingerprint, the same for a key however its PEM is wrapped.
 * DRH_E_INPUT as crypto_ed25519_verify(). */
enum drh_status crypto_ed25519_fingerprint(const char *pub_pem, size_t len,
                                           char out[CRYPTO_SHA256_HEX_LEN + 1],
                                           struct drh_err *err);

/* A new key pair from OpenSSL's CSPRNG: *priv_pem (PKCS#8, *priv_len bytes
 * without the NUL that follows them) and *pub_pem. The caller wipes
 * (crypto_wipe) and frees *priv_pem, frees *pub_pem. DRH_E_INTERNAL when
 * OpenSSL cannot make one. */
enum drh_status crypto_ed25519_keygen(char **priv_pem, size_t *priv_len, char **pub_pem,
                                      struct drh_err *err);

#endif
