/*
 * A growable byte buffer, always NUL-terminated so that text can be read as
 * a C string. Caller storage: buf_init() / buf_clean_up().
 */
#ifndef DRH_BUF_H
#define DRH_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
};

void buf_init(struct buf *b);
void buf_clean_up(struct buf *b);
void buf_reset(struct buf *b); /* len = 0, keeps the storage */
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* The text so far ("" when empty); valid until the next change. */
const char *buf_str(const struct buf *b);
/* Hands the storage to the caller (free() it) and leaves b empty. */
char *buf_detach(struct buf *b);

#endif
