/*
 * An ordered list of HTTP header fields. Names keep the case they were given;
 * look-ups ignore case. Repeated names are kept as separate entries, in order,
 * because SigV4 joins them with commas and HTTP sends them apart.
 * Caller storage: headers_init() / headers_clean_up().
 */
#ifndef DRH_AWS_HEADERS_H
#define DRH_AWS_HEADERS_H

#include <stddef.h>

struct header {
    char *name;
    char *value;
};

struct headers {
    struct header *v;
    size_t n;
    size_t cap;
};

void headers_init(struct headers *h);
void headers_clean_up(struct headers *h);
/* Appends a copy of name and value. */
void headers_add(struct headers *h, const char *name, const char *value);
/* Removes every entry named name, then appends one. */
void headers_set(struct headers *h, const char *name, const char *value);
/* Removes every entry named name. */
void headers_remove(struct headers *h, const char *name);
/* The value of the first entry named name, or NULL. */
const char *headers_get(const struct headers *h, const char *name);
/* Deep copy of src appended to dst. */
void headers_copy(struct headers *dst, const struct headers *src);

#endif
