/* AWS percent-encoding, path normalization and query canonicalization: see
 * uri.h. */
#include "aws/uri.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

static int s_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

static int s_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

void uri_encode(struct buf *out, const void *s, size_t len, int keep_slash)
{
    static const char digits[] = "0123456789ABCDEF";
    const unsigned char *p = s;
    size_t run = 0; /* bytes kept as they are, appended in one go */
    for (size_t i = 0; i < len; i++) {
        if (s_unreserved(p[i]) || (keep_slash && p[i] == '/')) {
            run++;
            continue;
        }
        buf_append(out, p + i - run, run);
        run = 0;
        char esc[3] = {'%', digits[p[i] >> 4], digits[p[i] & 0x0f]};
        buf_append(out, esc, sizeof esc);
    }
    buf_append(out, p + len - run, run);
}

char *uri_encode_str(const char *s, int keep_slash)
{
    struct buf b;
    buf_init(&b);
    uri_encode(&b, s, strlen(s), keep_slash);
    return buf_detach(&b);
}

void uri_decode(struct buf *out, const char *s, size_t len)
{
    /* Reserve once: the decoding is never longer than its input. */
    buf_append(out, "", 0);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len) {
            int hi = s_hex_value((unsigned char)s[i + 1]);
            int lo = s_hex_value((unsigned char)s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                buf_putc(out, (char)(hi << 4 | lo));
                i += 2;
                continue;
            }
        }
        buf_putc(out, s[i]);
    }
}

char *uri_normalize_path(const char *path)
{
    size_t len = path ? strlen(path) : 0;
    if (len == 0)
        return xstrdup("/");

    /* Botocore's remove_dot_segments(): split on '/', drop empty and "."
     * segments, let ".." pop one. Segments are (offset, length) pairs into
     * path, so nothing is copied until the end. */
    size_t *off = xmalloc((len / 2 + 1) * sizeof *off);
    size_t *seg_len = xmalloc((len / 2 + 1) * sizeof *seg_len);
    size_t n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && path[i] != '/')
            continue;
        size_t l = i - start;
        if (l == 0 || (l == 1 && path[start] == '.')) {
            /* nothing */
        } else if (l == 2 && path[start] == '.' && path[start + 1] == '.') {
            if (n > 0)
                n--;
        } else {
            off[n] = start;
            seg_len[n] = l;
            n++;
        }
        start = i + 1;
    }

    struct buf b;
    buf_init(&b);
    if (path[0] == '/')
        buf_putc(&b, '/');
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf_putc(&b, '/');
        buf_append(&b, path + off[i], seg_len[i]);
    }
    if (path[len - 1] == '/' && n > 0)
        buf_putc(&b, '/');
    free(off);
    free(seg_len);
    /* "." alone (no leading slash, nothing left) would give "": botocore
     * gives the same, and SigV4 needs a path, so make it the root. */
    if (b.len == 0)
        buf_putc(&b, '/');
    return buf_detach(&b);
}

void uri_params_init(struct uri_params *p)
{
    p->v = NULL;
    p->n = 0;
    p->cap = 0;
}

void uri_params_clean_up(struct uri_params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].key);
        free(p->v[i].value);
    }
    free(p->v);
    uri_params_init(p);
}

static void s_push(struct uri_params *p, char *key, char *value)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->v = xrealloc(p->v, p->cap * sizeof p->v[0]);
    }
    p->v[p->n].key = key;
    p->v[p->n].value = value;
    p->n++;
}

void uri_params_add(struct uri_params *p, const char *key, const char *value)
{
    s_push(p, uri_encode_str(key, 0), uri_encode_str(value, 0));
}

/* Decodes then re-encodes len bytes of s. */
static char *s_recode(const char *s, size_t len)
{
    struct buf raw, enc;
    buf_init(&raw);
    buf_init(&enc);
    uri_decode(&raw, s, len);
    uri_encode(&enc, raw.data, raw.len, 0);
    buf_clean_up(&raw);
    return buf_detach(&enc);
}

void uri_params_parse(struct uri_params *p, const char *query)
{
    if (!query)
        return;
    const char *piece = query;
    for (;;) {
        const char *amp = strchr(piece, '&');
        size_t len = amp ? (size_t)(amp - piece) : strlen(piece);
        if (len > 0) {
            const char *eq = memchr(piece, '=', len);
            size_t key_len = eq ? (size_t)(eq - piece) : len;
            const char *value = eq ? eq + 1 : piece + len;
            size_t value_len = (size_t)(piece + len - value);
            s_push(p, s_recode(piece, key_len), s_recode(value, value_len));
        }
        if (!amp)
            break;
        piece = amp + 1;
    }
}

static int s_param_cmp(const void *a, const void *b)
{
    const struct uri_param *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

void uri_params_sort(struct uri_params *p)
{
    /* qsort is not stable, but equal (key, value) pairs are identical
     * strings, so their order cannot show. */
    if (p->n > 1)
        qsort(p->v, p->n, sizeof p->v[0], s_param_cmp);
}

char *uri_params_join(const struct uri_params *p)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < p->n; i++) {
        if (i > 0)
            buf_putc(&b, '&');
        buf_puts(&b, p->v[i].key);
        buf_putc(&b, '=');
        buf_puts(&b, p->v[i].value);
    }
    return buf_detach(&b);
}

char *uri_canonical_query(const char *query)
{
    struct uri_params p;
    uri_params_init(&p);
    uri_params_parse(&p, query);
    uri_params_sort(&p);
    char *s = uri_params_join(&p);
    uri_params_clean_up(&p);
    return s;
}
