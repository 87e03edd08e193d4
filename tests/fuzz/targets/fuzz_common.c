/*
 * What the fuzz targets share: the table of targets, the invariant failure
 * that turns a broken promise into a crash libFuzzer keeps, and the carving
 * of a fuzz input into lines.
 */
#include "fuzz_targets.h"

#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct fuzz_target fuzz_targets[] = {
    {"drill", fuzz_drill}, {"xml", fuzz_xml},           {"json", fuzz_json},
    {"sigv4", fuzz_sigv4}, {"schedule", fuzz_schedule},
};
const size_t fuzz_target_count = sizeof fuzz_targets / sizeof fuzz_targets[0];

void fuzz_fail(const char *target, const char *file, int line, const char *what)
{
    fprintf(stderr, "fuzz: %s: invariant violated: %s (%s:%d)\n", target, what, file, line);
    fflush(stderr);
    abort();
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
    return xstrndup(size ? (const char *)data : "", size);
}

char *fuzz_line(const uint8_t *data, size_t size, size_t i)
{
    size_t from = fuzz_after_lines(data, size, i);
    if (from >= size)
        return xstrdup("");
    const uint8_t *nl = memchr(data + from, '\n', size - from);
    size_t to = nl ? (size_t)(nl - data) : size;
    return fuzz_strndup(data + from, to - from);
}

size_t fuzz_after_lines(const uint8_t *data, size_t size, size_t n)
{
    size_t off = 0;
    for (size_t k = 0; k < n && off < size; k++) {
        const uint8_t *nl = memchr(data + off, '\n', size - off);
        off = nl ? (size_t)(nl - data) + 1 : size;
    }
    return off;
}

size_t fuzz_utf8(const unsigned char *s, unsigned long *cp)
{
    static const unsigned long min[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n = *s == 0               ? 0
               : *s < 0x80           ? 1
               : (*s & 0xE0) == 0xC0 ? 2
               : (*s & 0xF0) == 0xE0 ? 3
               : (*s & 0xF8) == 0xF0 ? 4
                                     : 0;
    if (n == 0)
        return 0;
    *cp = n == 1 ? *s : *s & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = *cp << 6 | (s[i] & 0x3Fu);
    }
    if (*cp < min[n] || (*cp >= 0xD800 && *cp <= 0xDFFF) || *cp > 0x10FFFF)
        return 0;
    return n;
}
