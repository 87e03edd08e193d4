/* Ordered, case-insensitive HTTP header list: see headers.h. */
#include "aws/headers.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void headers_init(struct headers *h)
{
    h->v = NULL;
    h->n = 0;
    h->cap = 0;
}

void headers_clean_up(struct headers *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free(h->v[i].name);
        free(h->v[i].value);
    }
    free(h->v);
    headers_init(h);
}

void headers_add(struct headers *h, const char *name, const char *value)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 8;
        h->v = xrealloc(h->v, h->cap * sizeof h->v[0]);
    }
    h->v[h->n].name = xstrdup(name);
    h->v[h->n].value = xstrdup(value);
    h->n++;
}

void headers_remove(struct headers *h, const char *name)
{
    size_t out = 0;
    for (size_t i = 0; i < h->n; i++) {
        if (strcasecmp(h->v[i].name, name) == 0) {
            free(h->v[i].name);
            free(h->v[i].value);
            continue;
        }
        h->v[out++] = h->v[i];
    }
    h->n = out;
}

void headers_set(struct headers *h, const char *name, const char *value)
{
    headers_remove(h, name);
    headers_add(h, name, value);
}

const char *headers_get(const struct headers *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcasecmp(h->v[i].name, name) == 0)
            return h->v[i].value;
    return NULL;
}

void headers_copy(struct headers *dst, const struct headers *src)
{
    for (size_t i = 0; i < src->n; i++)
        headers_add(dst, src->v[i].name, src->v[i].value);
}
