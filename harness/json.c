/*
 * JSON documents over cJSON: see json.h.
 *
 * cJSON is lenient (control characters, invalid UTF-8 and \u0000 pass, long
 * numbers are cut at 63 characters) and its only depth bound is a recursion
 * limit of 1000. So a lexical pass runs first and refuses what cJSON would
 * accept wrongly, with the position; cJSON then parses what is left to
 * parse. A `struct json` is a cJSON node: the type is never defined, only
 * converted to and from cJSON * here. json_parse_located() adds, between
 * the two, json_pos.c's strict grammar pass, which notes positions.
 */
#include "json.h"

#include "buf.h"
#include "json_pos.h"
#include "mem.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JSON_NUMBER_MAX 63 /* cJSON copies at most this many characters of a number */

static pthread_once_t s_hooks_once = PTHREAD_ONCE_INIT;
/* cJSON records the position of a failed parse in a global; parses are
 * serialized so two threads never write it at once. */
static pthread_mutex_t s_parse_lock = PTHREAD_MUTEX_INITIALIZER;

static void s_install_hooks(void)
{
    /* Allocation failure exits through xmalloc(), as everywhere in drh, so a
     * builder never has to report a NULL from cJSON. */
    cJSON_Hooks hooks = {.malloc_fn = xmalloc, .free_fn = free};
    cJSON_InitHooks(&hooks);
}

static cJSON *s_c(const struct json *j)
{
    return (cJSON *)j;
}

static struct json *s_j(const cJSON *c)
{
    return (struct json *)c;
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), or 0:
 * overlong forms, surrogates and code points past U+10FFFF are refused. */
static size_t s_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Line and column (both from 1, columns in characters) of byte offset off. */
static void s_position(const char *s, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else if ((c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static enum drh_status s_fail_at(struct drh_err *err, struct json_syntax *where, const char *s,
                                 size_t off, const char *what)
{
    size_t line, col;
    s_position(s, off, &line, &col);
    if (where) {
        where->line = line > INT_MAX ? INT_MAX : (int)line;
        where->col = col > INT_MAX ? INT_MAX : (int)col;
        snprintf(where->reason, sizeof where->reason, "%s", what);
    }
    return drh_err_set(err, DRH_E_PARSE, "invalid JSON at line %zu, column %zu: %s", line, col,
                       what);
}

static int s_is_number_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E';
}

/* Whether the number token of n characters at s overflows a double, judged
 * as cJSON will judge it (strtod with the locale's decimal point). */
static int s_number_overflows(const char *s, size_t n)
{
    char tmp[JSON_NUMBER_MAX + 1];
    char point = localeconv()->decimal_point[0];
    for (size_t i = 0; i < n; i++)
        tmp[i] = s[i] == '.' ? point : s[i];
    tmp[n] = '\0';
    return isinf(strtod(tmp, NULL));
}

struct scan_result {
    int in_string;       /* the text ends inside a string */
    size_t string_start; /* offset of the last string's opening quote */
    int only_space;      /* nothing but whitespace */
};

/* The lexical pass: refuses, in text order, what cJSON would let through. */
static enum drh_status s_scan(const char *s, size_t len, struct scan_result *r,
                              struct json_syntax *where, struct drh_err *err)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t depth = 0;
    char what[64];
    r->in_string = 0;
    r->string_start = 0;
    r->only_space = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = u[i];
        if (c >= 0x80) {
            size_t n = s_utf8_seq(u + i, len - i);
            if (n == 0)
                return s_fail_at(err, where, s, i, "invalid UTF-8");
            i += n - 1;
            r->only_space = 0;
            continue;
        }
        if (r->in_string) {
            if (c < 0x20) {
                snprintf(what, sizeof what, "unescaped control character 0x%02x in string", c);
                return s_fail_at(err, where, s, i, what);
            }
            if (c == '"') {
                r->in_string = 0;
            } else if (c == '\\' && i + 1 < len) {
                if (u[i + 1] == 'u' && len - i >= 6 && memcmp(s + i + 2, "0000", 4) == 0)
                    return s_fail_at(err, where, s, i, "\\u0000 is not allowed in a string");
                /* Skip the escaped character unless the loop must check it. */
                if (u[i + 1] >= 0x20 && u[i + 1] < 0x80)
                    i++;
            }
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        r->only_space = 0;
        if (c < 0x20 || c == 0x7F) {
            snprintf(what, sizeof what, "unexpected control character 0x%02x", c);
            return s_fail_at(err, where, s, i, what);
        }
        if (c == '"') {
            r->in_string = 1;
            r->string_start = i;
        } else if (c == '[' || c == '{') {
            if (++depth > JSON_MAX_DEPTH) {
                snprintf(what, sizeof what, "nesting deeper than %d levels", JSON_MAX_DEPTH);
                return s_fail_at(err, where, s, i, what);
            }
        } else if (c == ']' || c == '}') {
            if (depth > 0)
                depth--;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i;
            while (j < len && s_is_number_char(u[j]))
                j++;
            if (j - i > JSON_NUMBER_MAX)
                return s_fail_at(err, where, s, i, "number too long");
            if (s_number_overflows(s + i, j - i))
                return s_fail_at(err, where, s, i, "number out of range");
            i = j - 1;
        }
    }
    return DRH_OK;
}

/* Appends s to b with control characters shown as '?', so a message stays
 * on one line whatever a key holds. */
static void s_put_printable(struct buf *b, const char *s)
{
    for (; *s; s++)
        buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s);
}

static int s_by_key(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* Finds a key repeated within one object, depth first; on finding one writes
 * "duplicate key "k" in $.path" to msg and returns the member that repeats
 * it (the later one in the text). Recursion is bounded by the lexical pass
 * (JSON_MAX_DEPTH). cJSON would keep both members and json_get() would see
 * the first where other readers see the last: refusing is the safe way. */
static const cJSON *s_find_duplicate(const cJSON *c, struct buf *path, struct buf *msg)
{
    size_t n = 0, i = 0;
    for (const cJSON *m = c->child; m; m = m->next)
        n++;
    if (cJSON_IsObject(c) && n > 1) {
        const cJSON **keys = xmalloc(n * sizeof *keys);
        for (const cJSON *m = c->child; m; m = m->next)
            keys[i++] = m;
        qsort(keys, n, sizeof *keys, s_by_key);
        const char *dup = NULL;
        for (i = 1; i < n && !dup; i++)
            if (strcmp(keys[i - 1]->string, keys[i]->string) == 0)
                dup = keys[i]->string;
        const cJSON *again = NULL;
        if (dup) {
            buf_puts(msg, "duplicate key \"");
            s_put_printable(msg, dup);
            buf_printf(msg, "\" in %s", buf_str(path));
            int seen = 0;
            for (const cJSON *m = c->child; m && !again; m = m->next)
                if (strcmp(m->string, dup) == 0 && seen++)
                    again = m;
        }
        free(keys);
        if (again)
            return again;
    }
    i = 0;
    for (const cJSON *m = c->child; m; m = m->next, i++) {
        size_t mark = path->len;
        if (cJSON_IsObject(c)) {
            buf_putc(path, '.');
            s_put_printable(path, m->string);
        } else {
            buf_printf(path, "[%zu]", i);
        }
        const cJSON *found = s_find_duplicate(m, path, msg);
        path->len = mark;
        path->data[mark] = '\0';
        if (found)
            return found;
    }
    return NULL;
}

/* json_parse(), and with pos non-NULL json_parse_located(). */
static enum drh_status s_parse(const char *text, size_t len, struct json **out,
                               struct json_positions **pos, struct json_syntax *where,
                               struct drh_err *err)
{
    pthread_once(&s_hooks_once, s_install_hooks);
    if (!text)
        len = 0;
    struct scan_result scan;
    if (s_scan(text, len, &scan, where, err) != DRH_OK)
        return DRH_E_PARSE;
    if (scan.only_space)
        return s_fail_at(err, where, "", 0, "empty document");

    struct json_positions *p = NULL;
    if (pos) {
        size_t off = 0;
        char what[64];
        p = json_pos_new();
        if (!json_pos_scan(text, len, p, &off, what, sizeof what)) {
            json_positions_free(p);
            return s_fail_at(err, where, text, off, what);
        }
    }

    /* cJSON gets a NUL-terminated copy and the NUL in its length, so that it
     * both stops at the end and refuses anything after the value. */
    char *copy = xmalloc(len + 1);
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    const char *end = NULL;
    pthread_mutex_lock(&s_parse_lock);
    cJSON *root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
    pthread_mutex_unlock(&s_parse_lock);
    if (root) {
        free(copy);
        enum drh_status st = DRH_OK;
        if (p && !json_pos_bind(p, s_j(root)))
            st = drh_err_set(err, DRH_E_INTERNAL, "JSON positions out of step with the document");
        struct buf path, msg;
        buf_init(&path);
        buf_init(&msg);
        buf_putc(&path, '$');
        const cJSON *dup = st == DRH_OK ? s_find_duplicate(root, &path, &msg) : NULL;
        if (dup) {
            int line, col;
            st = DRH_E_PARSE;
            if (json_key_position(p, s_j(dup), &line, &col)) {
                if (where) {
                    where->line = line;
                    where->col = col;
                    snprintf(where->reason, sizeof where->reason, "%s", buf_str(&msg));
                }
                drh_err_set(err, DRH_E_PARSE, "invalid JSON at line %d, column %d: %s", line, col,
                            buf_str(&msg));
            } else {
                drh_err_set(err, DRH_E_PARSE, "invalid JSON: %s", buf_str(&msg));
            }
        }
        buf_clean_up(&path);
        buf_clean_up(&msg);
        if (st != DRH_OK) {
            cJSON_Delete(root);
            json_positions_free(p);
            return st;
        }
        *out = s_j(root);
        if (pos)
            *pos = p;
        return DRH_OK;
    }

    size_t off = end && end >= copy && end <= copy + len ? (size_t)(end - copy) : len;
    unsigned char c = off < len ? (unsigned char)copy[off] : 0;
    free(copy);
    json_positions_free(p);
    char what[64];
    if (scan.in_string && off >= scan.string_start)
        return s_fail_at(err, where, text, scan.string_start, "unterminated string");
    if (off >= len)
        return s_fail_at(err, where, text, len, "unexpected end of input");
    if (c > 0x20 && c < 0x7F)
        snprintf(what, sizeof what, "unexpected character '%c'", c);
    else
        snprintf(what, sizeof what, "unexpected byte 0x%02x", c);
    return s_fail_at(err, where, text, off, what);
}

enum drh_status json_parse(const char *text, size_t len, struct json **out, struct drh_err *err)
{
    return s_parse(text, len, out, NULL, NULL, err);
}

enum drh_status json_parse_located(const char *text, size_t len, struct json **out,
                                   struct json_positions **pos, struct json_syntax *where,
                                   struct drh_err *err)
{
    struct json_positions *unused = NULL;
    enum drh_status st = s_parse(text, len, out, pos ? pos : &unused, where, err);
    json_positions_free(unused);
    return st;
}

void json_free(struct json *j)
{
    if (j)
        cJSON_Delete(s_c(j));
}

bool json_is_object(const struct json *j)
{
    return cJSON_IsObject(s_c(j));
}

bool json_is_array(const struct json *j)
{
    return cJSON_IsArray(s_c(j));
}

bool json_is_string(const struct json *j)
{
    return cJSON_IsString(s_c(j));
}

bool json_is_number(const struct json *j)
{
    return cJSON_IsNumber(s_c(j));
}

bool json_is_bool(const struct json *j)
{
    return cJSON_IsBool(s_c(j));
}

bool json_is_null(const struct json *j)
{
    return cJSON_IsNull(s_c(j));
}

const char *json_type_name(const struct json *j)
{
    if (!j)
        return "missing";
    if (json_is_object(j))
        return "object";
    if (json_is_array(j))
        return "array";
    if (json_is_string(j))
        return "string";
    if (json_is_number(j))
        return "number";
    if (json_is_bool(j))
        return "boolean";
    return "null";
}

const struct json *json_get(const struct json *obj, const char *key)
{
    if (!json_is_object(obj) || !key)
        return NULL;
    return s_j(cJSON_GetObjectItemCaseSensitive(s_c(obj), key));
}

const char *json_string(const struct json *j)
{
    return cJSON_IsString(s_c(j)) ? s_c(j)->valuestring : NULL;
}

const char *json_get_string(const struct json *obj, const char *key)
{
    return json_string(json_get(obj, key));
}

bool json_number(const struct json *j, double *out)
{
    if (!cJSON_IsNumber(s_c(j)))
        return false;
    *out = s_c(j)->valuedouble;
    return true;
}

bool json_integer(const struct json *j, long long *out)
{
    double v;
    if (!json_number(j, &v) || !(v >= -9007199254740992.0 && v <= 9007199254740992.0))
        return false;
    long long i = (long long)v;
    if ((double)i != v)
        return false;
    *out = i;
    return true;
}

bool json_bool(const struct json *j, bool *out)
{
    if (!cJSON_IsBool(s_c(j)))
        return false;
    *out = cJSON_IsTrue(s_c(j));
    return true;
}

size_t json_array_size(const struct json *j)
{
    size_t n = 0;
    if (!json_is_array(j))
        return 0;
    for (const cJSON *c = s_c(j)->child; c; c = c->next)
        n++;
    return n;
}

const struct json *json_array_at(const struct json *j, size_t index)
{
    if (!json_is_array(j))
        return NULL;
    const cJSON *c = s_c(j)->child;
    while (c && index--)
        c = c->next;
    return s_j(c);
}

const struct json *json_first(const struct json *j)
{
    if (!json_is_object(j) && !json_is_array(j))
        return NULL;
    return s_j(s_c(j)->child);
}

const struct json *json_next(const struct json *j)
{
    return j ? s_j(s_c(j)->next) : NULL;
}

const char *json_key(const struct json *member)
{
    return member ? s_c(member)->string : NULL;
}

/* A copy of s with every byte that is not valid UTF-8 replaced by U+FFFD. */
static char *s_utf8_copy(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s);
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < len;) {
        size_t n = s_utf8_seq(u + i, len - i);
        if (n == 0) {
            buf_puts(&b, "\xEF\xBF\xBD");
            i++;
        } else {
            buf_append(&b, s + i, n);
            i += n;
        }
    }
    char *out = buf_detach(&b);
    return out ? out : xstrdup("");
}

struct json *json_new_object(void)
{
    pthread_once(&s_hooks_once, s_install_hooks);
    return s_j(cJSON_CreateObject());
}

struct json *json_new_array(void)
{
    pthread_once(&s_hooks_once, s_install_hooks);
    return s_j(cJSON_CreateArray());
}

struct json *json_add_child(struct json *obj, const char *key, struct json *child)
{
    if (!obj || !child || !key) {
        json_free(child);
        return NULL;
    }
    char *k = s_utf8_copy(key);
    cJSON_AddItemToObject(s_c(obj), k, s_c(child));
    free(k);
    return child;
}

struct json *json_push(struct json *arr, struct json *child)
{
    if (!arr || !child) {
        json_free(child);
        return NULL;
    }
    cJSON_AddItemToArray(s_c(arr), s_c(child));
    return child;
}

static struct json *s_new_string(const char *value)
{
    pthread_once(&s_hooks_once, s_install_hooks);
    char *v = s_utf8_copy(value ? value : "");
    cJSON *c = cJSON_CreateString(v);
    free(v);
    return s_j(c);
}

static struct json *s_new_number(double value)
{
    pthread_once(&s_hooks_once, s_install_hooks);
    return s_j(cJSON_CreateNumber(value));
}

struct json *json_add_string(struct json *obj, const char *key, const char *value)
{
    return obj ? json_add_child(obj, key, s_new_string(value)) : NULL;
}

struct json *json_add_number(struct json *obj, const char *key, double value)
{
    return obj ? json_add_child(obj, key, s_new_number(value)) : NULL;
}

struct json *json_add_bool(struct json *obj, const char *key, bool value)
{
    return obj ? json_add_child(obj, key, s_j(cJSON_CreateBool(value))) : NULL;
}

struct json *json_add_null(struct json *obj, const char *key)
{
    return obj ? json_add_child(obj, key, s_j(cJSON_CreateNull())) : NULL;
}

struct json *json_push_string(struct json *arr, const char *value)
{
    return arr ? json_push(arr, s_new_string(value)) : NULL;
}

struct json *json_push_number(struct json *arr, double value)
{
    return arr ? json_push(arr, s_new_number(value)) : NULL;
}

char *json_print(const struct json *j, int pretty)
{
    if (!j)
        return xstrdup("null");
    char *s = pretty ? cJSON_Print(s_c(j)) : cJSON_PrintUnformatted(s_c(j));
    return s ? s : xstrdup("null");
}
