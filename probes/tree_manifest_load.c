/*
 * Reading a files manifest (tree.h), with every entry checked: a manifest
 * is user input. A manifest of 100,000 files parsed as one JSON document
 * would take ten times its size in memory, so it is read one entry at a
 * time, and an entry exactly as drh writes it is read without a JSON parser
 * at all; anything else falls back to a parse of the whole document, which
 * alone decides whether a manifest is refused and says why.
 */
#include "probes/tree.h"

#include "json.h"
#include "mem.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text is read whole; this bounds what a hostile file can make drh allocate. */
#define S_MAX_BYTES (512L * 1024 * 1024)
/* json_parse() refuses a longer number (cJSON reads at most this many characters of one). */
#define S_NUMBER_MAX 63

static bool s_hex64(const char *s)
{
    if (!s || strlen(s) != CRYPTO_SHA256_HEX_LEN)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static bool s_relative(const char *p)
{
    if (!p || !*p || p[0] == '/')
        return false;
    for (const char *s = p; *s;) {
        size_t len = strcspn(s, "/");
        if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
            return false;
        s += len;
        if (*s == '/')
            s++;
    }
    return p[strlen(p) - 1] != '/';
}

static char *s_read(const char *path, size_t *len, struct drh_err *err)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        drh_err_set(err, DRH_E_IO, "cannot read manifest '%s': %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 131072;
            text = xrealloc(text, cap);
        }
        size_t r = fread(text + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0 || n > (size_t)S_MAX_BYTES)
            break;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || n > (size_t)S_MAX_BYTES) {
        drh_err_set(err, bad ? DRH_E_IO : DRH_E_INPUT, "cannot read manifest '%s': %s", path,
                    bad ? "read error" : "larger than 512 MiB");
        free(text);
        return NULL;
    }
    text[n] = '\0';
    *len = n;
    return text;
}

/* An entry's members; a missing or mistyped one is refused by s_add(). */
struct s_fields {
    const char *path, *sha;
    long long size; /* -1: not an integer */
    double mtime;
    bool mtime_ok; /* absent, or a number */
};

static void s_fields_of(const struct json *e, struct s_fields *x)
{
    x->path = json_get_string(e, "path");
    x->sha = json_get_string(e, "sha256");
    if (!json_integer(json_get(e, "size"), &x->size))
        x->size = -1;
    x->mtime = 0;
    x->mtime_ok = !json_get(e, "mtime") || json_number(json_get(e, "mtime"), &x->mtime);
}

/* Adds x, the manifest's entry i (from 0), to t (cap entries allocated),
 * checked: DRH_E_INPUT naming the entry. */
static enum drh_status s_add(const char *path, size_t i, const struct s_fields *x, struct tree *t,
                             size_t *cap, struct drh_err *err)
{
    if (!s_relative(x->path) || x->size < 0 || !s_hex64(x->sha) || !x->mtime_ok)
        return drh_err_set(err, DRH_E_INPUT,
                           "manifest '%s': entry %zu needs a relative path, a size >= 0, a "
                           "sha256 of 64 lowercase hex digits and a numeric mtime",
                           path, i + 1);
    if (t->n_files > 0 && strcmp(t->files[t->n_files - 1].path, x->path) >= 0)
        return drh_err_set(err, DRH_E_INPUT,
                           "manifest '%s': entry %zu ('%s') is out of order or repeated", path,
                           i + 1, x->path);
    if (t->n_files == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        t->files = xrealloc(t->files, *cap * sizeof *t->files);
    }
    struct tree_file *f = &t->files[t->n_files++];
    f->path = xstrdup(x->path);
    f->size = x->size;
    f->mtime = x->mtime;
    memcpy(f->sha256, x->sha, sizeof f->sha256);
    t->bytes += x->size;
    if (x->mtime > t->newest_mtime)
        t->newest_mtime = x->mtime;
    return DRH_OK;
}

/* The checks of the document but its entries: *list gets them. */
static enum drh_status s_head_check(const char *path, const struct json *doc,
                                    const struct json **list, struct drh_err *err)
{
    const char *format = json_get_string(doc, "format");
    *list = json_get(doc, "entries");
    if (format && strcmp(format, TREE_MANIFEST_FORMAT) == 0 && json_is_array(*list))
        return DRH_OK;
    drh_err_set(err, DRH_E_INPUT, "'%s' is not a drh files manifest (format %s%s%s)", path,
                format ? "'" : "", format ? format : "missing", format ? "'" : "");
    return drh_err_hint(err, "make one with: drh manifest --tree DIR --out FILE");
}

/* The manifest parsed as one document: what decides, and says why a
 * manifest is refused. */
static enum drh_status s_load_whole(const char *path, const char *text, size_t len, struct tree *t,
                                    struct drh_err *err)
{
    struct json *doc = NULL;
    if (json_parse(text, len, &doc, err) != DRH_OK) {
        drh_err_prefix(err, "manifest '%s'", path);
        err->code = DRH_E_INPUT;
        return DRH_E_INPUT;
    }
    const struct json *list = NULL;
    enum drh_status st = s_head_check(path, doc, &list, err);
    size_t i = 0, cap = 0;
    for (const struct json *e = json_first(list); st == DRH_OK && e; e = json_next(e), i++) {
        struct s_fields x;
        s_fields_of(e, &x);
        st = s_add(path, i, &x, t, &cap, err);
    }
    json_free(doc);
    return st;
}

static size_t s_ws(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* One past the JSON value at s[i] (depth: the arrays and objects around
 * it), found without checking it; 0 when it does not end or nests deeper
 * than json_parse() allows. */
static size_t s_value_end(const char *s, size_t len, size_t i, size_t depth)
{
    if (i >= len)
        return 0;
    size_t d = depth;
    bool in_string = false;
    for (; i < len; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
            else
                continue;
            if (d == depth && !in_string)
                return i + 1;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++d > JSON_MAX_DEPTH)
                return 0;
        } else if (c == '}' || c == ']' || c == ',' || c == ' ' || c == '\t' || c == '\n' ||
                   c == '\r') {
            if (d == depth)
                return i; /* the end of a number, true, false or null */
            if ((c == '}' || c == ']') && --d == depth)
                return i + 1;
        }
    }
    return d == depth && !in_string ? len : 0;
}

/* One past the string of plain characters (printable ASCII but " and \)
 * at s, which must end with its closing quote before end; NULL else. */
static const char *s_plain(const char *s, const char *end)
{
    for (; s < end && *s != '"'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || *s == '\\')
            return NULL;
    return s < end ? s : NULL;
}

static const char *s_digits(const char *s, const char *end)
{
    while (s < end && *s >= '0' && *s <= '9')
        s++;
    return s;
}

/* One past the JSON number at s (by its grammar; a leading zero refused),
 * or NULL. */
static const char *s_number(const char *s, const char *end)
{
    const char *i = s < end && *s == '-' ? s + 1 : s, *p = s_digits(i, end);
    if (p == i || (*i == '0' && p - i > 1))
        return NULL;
    if (p < end && *p == '.') {
        const char *f = s_digits(p + 1, end);
        if (f == p + 1)
            return NULL;
        p = f;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p += p + 1 < end && (p[1] == '+' || p[1] == '-') ? 2 : 1;
        const char *e = s_digits(p, end);
        if (e == p)
            return NULL;
        p = e;
    }
    return p;
}

/* Whether s starts with lit; *s moves past it. */
static bool s_lit(const char **s, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(end - *s) < n || memcmp(*s, lit, n) != 0)
        return false;
    *s += n;
    return true;
}

/* The entry at text[at] when it is exactly as drh writes one,
 * {"path":"P","size":N,"sha256":"H","mtime":M}, P and H plain (no escape,
 * no byte past ASCII), N 1 to 15 digits, M a number: the members it has
 * then are what json_parse() would give, the strings NUL-terminated in
 * *scratch (reused). *next: one past it. false for anything else, which
 * json_parse() then reads. */
static bool s_canonical(const char *text, size_t len, size_t at, struct buf *scratch,
                        struct s_fields *x, size_t *next)
{
    const char *s = text + at, *end = text + len, *path, *path_end, *sha, *sha_end, *num;
    if (!s_lit(&s, end, "{\"path\":\"") || !(path_end = s_plain(path = s, end)))
        return false;
    s = path_end + 1;
    if (!s_lit(&s, end, ",\"size\":") || (num = s_digits(s, end)) == s || num - s > 15 ||
        (*s == '0' && num - s > 1))
        return false;
    long long size = 0;
    for (; s < num; s++)
        size = size * 10 + (*s - '0');
    if (!s_lit(&s, end, ",\"sha256\":\"") || !(sha_end = s_plain(sha = s, end)))
        return false;
    s = sha_end + 1;
    if (!s_lit(&s, end, ",\"mtime\":") || !(num = s_number(s, end)) || num - s > S_NUMBER_MAX)
        return false;
    buf_reset(scratch);
    buf_append(scratch, s, (size_t)(num - s));
    /* as cJSON reads a number: strtod, with the locale's decimal point */
    char *point = strchr(scratch->data, '.');
    if (point)
        *point = localeconv()->decimal_point[0];
    x->mtime = strtod(scratch->data, NULL);
    x->mtime_ok = true;
    s = num;
    if (!isfinite(x->mtime) || !s_lit(&s, end, "}"))
        return false;
    buf_reset(scratch);
    buf_append(scratch, path, (size_t)(path_end - path));
    buf_putc(scratch, '\0');
    buf_append(scratch, sha, (size_t)(sha_end - sha));
    x->path = scratch->data;
    x->sha = scratch->data + (path_end - path) + 1;
    x->size = size;
    *next = (size_t)(s - text);
    return true;
}

/* Reads the elements of the array whose '[' is at text[at] into t, each
 * parsed on its own; *close: the offset of its ']'. false at anything
 * unexpected, a bad entry included. */
static bool s_entries(const char *path, const char *text, size_t len, size_t at, struct tree *t,
                      size_t *close)
{
    struct buf scratch;
    buf_init(&scratch);
    struct drh_err err;
    size_t j = s_ws(text, len, at + 1), cap = 0;
    bool ok = true;
    for (size_t n = 0; ok && j < len && text[j] != ']'; n++) {
        struct s_fields x;
        struct json *e = NULL;
        size_t end = 0;
        if (!s_canonical(text, len, j, &scratch, &x, &end)) {
            end = s_value_end(text, len, j, 2);
            ok = end && json_parse(text + j, end - j, &e, &err) == DRH_OK;
            if (ok)
                s_fields_of(e, &x);
        }
        ok = ok && s_add(path, n, &x, t, &cap, &err) == DRH_OK;
        json_free(e);
        j = s_ws(text, len, end);
        ok = ok && j < len && (text[j] == ',' || text[j] == ']');
        /* after a comma, an element: a trailing comma is refused */
        if (ok && text[j] == ',')
            ok = (j = s_ws(text, len, j + 1)) < len && text[j] != ']';
    }
    buf_clean_up(&scratch);
    *close = j;
    return ok && j < len;
}

/* The manifest read one entry at a time, so a large one never is a
 * document in memory at once: the top-level object's members are skipped
 * through to "entries", each of its elements read on its own, then the
 * rest (the document with "entries": []) parsed to check the format. Every
 * byte is checked as json_parse() checks it, but the whitespace and commas
 * between entries, checked here. false (t left for the caller to clean up)
 * at anything unexpected, a bad entry included: the caller then parses the
 * manifest whole, which refuses it with the right message. */
static bool s_load_entries(const char *path, const char *text, size_t len, struct tree *t)
{
    size_t i = s_ws(text, len, 0), open = 0, close = 0;
    if (i >= len || text[i] != '{')
        return false;
    for (i = s_ws(text, len, i + 1); i < len && text[i] == '"';) {
        size_t key = i, v = s_value_end(text, len, i, 1);
        bool entries = v - key == 9 && memcmp(text + key, "\"entries\"", 9) == 0;
        if (!v || (v = s_ws(text, len, v)) >= len || text[v] != ':')
            return false;
        v = s_ws(text, len, v + 1);
        if (entries && v < len && text[v] == '[') {
            if (open || !s_entries(path, text, len, v, t, &close))
                return false; /* "entries" twice: json_parse() refuses it */
            open = v;
            i = close + 1;
        } else if (!(i = s_value_end(text, len, v, 1))) {
            return false;
        }
        i = s_ws(text, len, i);
        if (i >= len || text[i] != ',')
            break;
        i = s_ws(text, len, i + 1);
    }
    if (!open)
        return false;
    struct buf rest;
    buf_init(&rest);
    buf_append(&rest, text, open + 1);
    buf_append(&rest, text + close, len - close);
    struct json *doc = NULL;
    const struct json *list = NULL;
    struct drh_err err;
    bool ok = json_parse(rest.data, rest.len, &doc, &err) == DRH_OK &&
              s_head_check(path, doc, &list, &err) == DRH_OK;
    json_free(doc);
    buf_clean_up(&rest);
    return ok;
}

enum drh_status tree_manifest_load(const char *path, struct tree *out, struct drh_err *err)
{
    size_t len = 0;
    char *text = s_read(path, &len, err);
    if (!text)
        return err->code;
    struct tree t = {0};
    enum drh_status st = DRH_OK;
    if (!s_load_entries(path, text, len, &t)) {
        tree_clean_up(&t);
        st = s_load_whole(path, text, len, &t, err);
    }
    free(text);
    if (st == DRH_OK)
        *out = t;
    else
        tree_clean_up(&t);
    return st;
}
