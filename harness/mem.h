/*
 * Allocation that never returns NULL: on exhaustion drh prints one line and
 * exits 3 (an environment error). Every module allocates through these, so no
 * caller needs an out-of-memory branch of its own.
 */
#ifndef DRH_MEM_H
#define DRH_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
/* Copies len bytes of s and a terminating NUL. */
char *xstrndup(const char *s, size_t len);
/* A formatted, heap-allocated string; caller frees with free(). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
