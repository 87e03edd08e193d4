/*
 * Positions for json_parse_located() (see json_pos.h). cJSON keeps none,
 * but its tree lists values in text order, so a pass over the text that
 * notes where each value and key starts gives the n-th value of a pre-order
 * walk its position. The pass is a strict recursive descent: a person's file
 * deserves the exact place of a trailing comma or an unquoted key, which
 * cJSON reports one character late. json.c's lexical pass has already
 * refused control characters, bad UTF-8 and deep nesting, so recursion is
 * bounded by JSON_MAX_DEPTH. No cJSON here: the tree is walked through
 * json.h.
 */
#include "json_pos.h"

#include "mem.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct json_pos_entry {
    const struct json *node;
    int line, col;         /* where the value starts */
    int key_line, key_col; /* where its key starts; 0 for array elements and the root */
};

struct json_positions {
    struct json_pos_entry *v;
    size_t n, cap;
};

static void s_pos_add(struct json_positions *p, int line, int col, int key_line, int key_col)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n++] = (struct json_pos_entry){NULL, line, col, key_line, key_col};
}

struct strict {
    const unsigned char *s;
    size_t len, i;
    int line, col;
    struct json_positions *pos;
    size_t fail_off;
    char what[64];
};

static void s_step(struct strict *p)
{
    unsigned char ch = p->s[p->i++];
    if (ch == '\n') {
        p->line++;
        p->col = 1;
    } else if ((ch & 0xC0) != 0x80 && p->col < INT_MAX) {
        p->col++;
    }
}

static void s_skip_space(struct strict *p)
{
    while (p->i < p->len && strchr(" \t\n\r", p->s[p->i]) && p->s[p->i])
        s_step(p);
}

/* Records a failure at offset off, with the character there appended to
 * what when show is set. Returns false. */
static bool s_strict_fail_at(struct strict *p, size_t off, const char *what, bool show)
{
    p->fail_off = off;
    if (off >= p->len) {
        snprintf(p->what, sizeof p->what, "unexpected end of input");
    } else if (!show) {
        snprintf(p->what, sizeof p->what, "%s", what);
    } else {
        unsigned char c = p->s[off];
        if (c > 0x20 && c < 0x7F)
            snprintf(p->what, sizeof p->what, "%s '%c'", what, c);
        else
            snprintf(p->what, sizeof p->what, "%s byte 0x%02x", what, c);
    }
    return false;
}

static bool s_strict_fail(struct strict *p, size_t off, const char *what)
{
    return s_strict_fail_at(p, off, what, false);
}

static bool s_strict_show(struct strict *p, size_t off, const char *what)
{
    return s_strict_fail_at(p, off, what, true);
}

static int s_hex4(const unsigned char *s)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int c = s[k], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static bool s_strict_string(struct strict *p)
{
    size_t start = p->i;
    s_step(p);
    while (p->i < p->len) {
        unsigned char c = p->s[p->i];
        if (c == '"') {
            s_step(p);
            return true;
        }
        if (c != '\\') {
            s_step(p);
            continue;
        }
        size_t esc = p->i;
        if (p->i + 1 >= p->len)
            break;
        c = p->s[p->i + 1];
        if (!strchr("\"\\/bfnrtu", c) || !c)
            return s_strict_fail(p, esc, "invalid escape in string");
        if (c != 'u') {
            s_step(p);
            s_step(p);
            continue;
        }
        /* cJSON refuses a lone surrogate: so does this. */
        int u = p->len - p->i >= 6 ? s_hex4(p->s + p->i + 2) : -1;
        if (u < 0)
            return s_strict_fail(p, esc, "invalid \\u escape in string");
        int low = -1;
        if (u >= 0xD800 && u <= 0xDBFF && p->len - p->i >= 12 && p->s[p->i + 6] == '\\' &&
            p->s[p->i + 7] == 'u')
            low = s_hex4(p->s + p->i + 8);
        if ((u >= 0xD800 && u <= 0xDBFF && !(low >= 0xDC00 && low <= 0xDFFF)) ||
            (u >= 0xDC00 && u <= 0xDFFF))
            return s_strict_fail(p, esc, "unpaired surrogate in \\u escape");
        for (int k = low >= 0 ? 12 : 6; k > 0; k--)
            s_step(p);
    }
    return s_strict_fail(p, start, "unterminated string");
}

static bool s_is_number_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E';
}

static bool s_digits(struct strict *p)
{
    size_t from = p->i;
    while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        s_step(p);
    return p->i > from;
}

static bool s_strict_number(struct strict *p)
{
    size_t start = p->i;
    if (p->s[p->i] == '-')
        s_step(p);
    if (p->i < p->len && p->s[p->i] == '0') {
        s_step(p);
    } else if (!s_digits(p)) {
        return s_strict_fail(p, start, "invalid number");
    }
    if (p->i < p->len && p->s[p->i] == '.') {
        s_step(p);
        if (!s_digits(p))
            return s_strict_fail(p, start, "invalid number");
    }
    if (p->i < p->len && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        s_step(p);
        if (p->i < p->len && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            s_step(p);
        if (!s_digits(p))
            return s_strict_fail(p, start, "invalid number");
    }
    if (p->i < p->len && s_is_number_char(p->s[p->i]))
        return s_strict_fail(p, start, "invalid number");
    return true;
}

static bool s_strict_value(struct strict *p, int key_line, int key_col);

/* Elements or members up to the closing bracket; p is at the opening one. */
static bool s_strict_container(struct strict *p, bool object)
{
    char close = object ? '}' : ']';
    size_t comma = 0;
    bool first = true;
    s_step(p);
    for (;;) {
        s_skip_space(p);
        if (p->i < p->len && p->s[p->i] == close) {
            if (!first)
                return s_strict_fail(
                    p, comma, object ? "trailing comma before '}'" : "trailing comma before ']'");
            s_step(p);
            return true;
        }
        int key_line = 0, key_col = 0;
        if (object) {
            if (p->i >= p->len || p->s[p->i] != '"')
                return s_strict_show(p, p->i, "expected a key in double quotes, found");
            key_line = p->line;
            key_col = p->col;
            if (!s_strict_string(p))
                return false;
            s_skip_space(p);
            if (p->i >= p->len || p->s[p->i] != ':')
                return s_strict_show(p, p->i, "expected ':' after the key, found");
            s_step(p);
        }
        if (!s_strict_value(p, key_line, key_col))
            return false;
        s_skip_space(p);
        if (p->i < p->len && p->s[p->i] == ',') {
            comma = p->i;
            first = false;
            s_step(p);
            continue;
        }
        if (p->i < p->len && p->s[p->i] == close) {
            s_step(p);
            return true;
        }
        return s_strict_show(p, p->i,
                             object ? "expected ',' or '}' after a member, found"
                                    : "expected ',' or ']' after an element, found");
    }
}

static bool s_strict_value(struct strict *p, int key_line, int key_col)
{
    s_skip_space(p);
    if (p->i >= p->len)
        return s_strict_fail(p, p->i, "unexpected end of input");
    unsigned char c = p->s[p->i];
    s_pos_add(p->pos, p->line, p->col, key_line, key_col);
    if (c == '{' || c == '[')
        return s_strict_container(p, c == '{');
    if (c == '"')
        return s_strict_string(p);
    if (c == '-' || (c >= '0' && c <= '9'))
        return s_strict_number(p);
    static const char *const literals[] = {"true", "false", "null"};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(literals[k]);
        if (p->len - p->i >= n && memcmp(p->s + p->i, literals[k], n) == 0) {
            for (; n > 0; n--)
                s_step(p);
            return true;
        }
    }
    return s_strict_show(p, p->i, "unexpected character");
}

bool json_pos_scan(const char *text, size_t len, struct json_positions *pos, size_t *off,
                   char *what, size_t what_size)
{
    struct strict p = {(const unsigned char *)text, len, 0, 1, 1, pos, 0, ""};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        for (int k = 0; k < 3; k++)
            s_step(&p); /* a byte order mark, which cJSON skips */
    bool ok = s_strict_value(&p, 0, 0);
    if (ok) {
        s_skip_space(&p);
        if (p.i < p.len)
            ok = s_strict_show(&p, p.i, "unexpected text after the document:");
    }
    if (!ok) {
        *off = p.fail_off;
        snprintf(what, what_size, "%s", p.what);
    }
    return ok;
}

/* Gives the entries their nodes in pre-order; false when the counts differ. */
static bool s_bind(const struct json *node, struct json_positions *p, size_t *next)
{
    if (*next >= p->n)
        return false;
    p->v[(*next)++].node = node;
    for (const struct json *m = json_first(node); m; m = json_next(m))
        if (!s_bind(m, p, next))
            return false;
    return true;
}

static int s_by_node(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct json_pos_entry *)a)->node;
    uintptr_t y = (uintptr_t)((const struct json_pos_entry *)b)->node;
    return x < y ? -1 : x > y;
}

bool json_pos_bind(struct json_positions *pos, const struct json *root)
{
    size_t bound = 0;
    if (!s_bind(root, pos, &bound) || bound != pos->n)
        return false;
    qsort(pos->v, pos->n, sizeof *pos->v, s_by_node);
    return true;
}

struct json_positions *json_pos_new(void)
{
    return xcalloc(1, sizeof(struct json_positions));
}

static const struct json_pos_entry *s_pos_find(const struct json_positions *pos,
                                               const struct json *value)
{
    if (!pos || !value)
        return NULL;
    struct json_pos_entry key = {.node = value};
    return bsearch(&key, pos->v, pos->n, sizeof *pos->v, s_by_node);
}

bool json_position(const struct json_positions *pos, const struct json *value, int *line, int *col)
{
    const struct json_pos_entry *e = s_pos_find(pos, value);
    if (!e)
        return false;
    *line = e->line;
    *col = e->col;
    return true;
}

bool json_key_position(const struct json_positions *pos, const struct json *member, int *line,
                       int *col)
{
    const struct json_pos_entry *e = s_pos_find(pos, member);
    if (!e || e->key_line == 0)
        return false;
    *line = e->key_line;
    *col = e->key_col;
    return true;
}

void json_positions_free(struct json_positions *pos)
{
    if (!pos)
        return;
    free(pos->v);
    free(pos);
}
