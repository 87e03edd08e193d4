/*
 * URI pieces as AWS Signature Version 4 sees them: percent-encoding with the
 * AWS rules (which differ from both RFC 3986's "reserved" handling and HTML
 * form encoding), percent-decoding, path normalization and the canonical
 * query string. Botocore is the reference for every edge case.
 */
#ifndef DRH_AWS_URI_H
#define DRH_AWS_URI_H

#include "buf.h"

#include <stddef.h>

/* Appends the AWS encoding of the len bytes at s: A-Z a-z 0-9 - _ . ~ are
 * kept, every other byte becomes %XX with uppercase hex; keep_slash keeps '/'
 * too (paths). */
void uri_encode(struct buf *out, const void *s, size_t len, int keep_slash);
/* The same for a C string, heap-allocated: caller frees with free(). */
char *uri_encode_str(const char *s, int keep_slash);

/* Appends the decoding of the len bytes at s: %XX (hex of either case)
 * becomes its byte, which may be NUL. A '%' not followed by two hex digits is
 * kept as it is, and '+' stays '+': this is RFC 3986, not form decoding. */
void uri_decode(struct buf *out, const char *s, size_t len);

/* The path SigV4 signs for every service but S3: dot segments removed,
 * repeated slashes collapsed, a trailing slash kept unless nothing is left
 * but the root; "" becomes "/". Not encoded. Caller frees with free(). */
char *uri_normalize_path(const char *path);

/* One query parameter, both halves AWS-encoded. */
struct uri_param {
    char *key;
    char *value;
};

/* An ordered list of query parameters. Caller storage: uri_params_init() /
 * uri_params_clean_up(). */
struct uri_params {
    struct uri_param *v;
    size_t n;
    size_t cap;
};

void uri_params_init(struct uri_params *p);
void uri_params_clean_up(struct uri_params *p);
/* Appends key and value (raw bytes as C strings), encoding both. */
void uri_params_add(struct uri_params *p, const char *key, const char *value);
/* Appends every parameter of a raw query string (no '?'; NULL or "" adds
 * none): split on '&', each piece on its first '=' (no '=': empty value),
 * each half decoded then re-encoded, so that "%7e", "~" and "%7E" all sign
 * the same. Empty pieces ("a=1&&b=2", a trailing '&') carry no parameter and
 * are dropped. */
void uri_params_parse(struct uri_params *p, const char *query);
/* Sorts by encoded key, then encoded value, in byte order. */
void uri_params_sort(struct uri_params *p);
/* "k=v&k=v" in list order; "" when empty. Caller frees with free(). */
char *uri_params_join(const struct uri_params *p);

/* The SigV4 canonical query string of a raw query: parse, sort, join.
 * Caller frees with free(). */
char *uri_canonical_query(const char *query);

#endif
