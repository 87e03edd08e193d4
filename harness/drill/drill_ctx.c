/*
 * Errors with positions and the typed getters of the drill loader (see
 * drill_impl.h): every message starts with where the offending key or value
 * is, and the first error in the file is the one reported.
 */
#include "drill/drill_impl.h"

#include "buf.h"
#include "mem.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DRILL_DOCS "docs/drill-format.md"

/* A message stays on one line whatever a value quoted in it holds (a
 * schedule's own error quotes the expression as written). */
static void s_one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            *s = '?';
}

static bool s_record_at(struct drill_ctx *c, enum drill_tier tier, const struct json *at, bool key,
                        size_t offset, const char *fmt, va_list ap)
{
    int line = 1, col = 1;
    if (!key || !json_key_position(c->pos, at, &line, &col))
        json_position(c->pos, at, &line, &col);
    if (offset && json_is_string(at) && offset <= strlen(json_string(at)))
        col += 1 + (int)offset; /* past the opening quote */
    struct drill_found *f = &c->found[tier];
    c->last = NULL;
    if (f->set && (f->line < line || (f->line == line && f->col <= col)))
        return false;
    f->set = true;
    f->line = line;
    f->col = col;
    vsnprintf(f->msg, sizeof f->msg, fmt, ap);
    s_one_line(f->msg);
    f->hint[0] = '\0';
    c->last = f;
    return false;
}

static bool s_record(struct drill_ctx *c, enum drill_tier tier, const struct json *at, bool key,
                     const char *fmt, va_list ap)
{
    return s_record_at(c, tier, at, key, 0, fmt, ap);
}

bool drill_fail_offset(struct drill_ctx *c, const struct json *at, size_t offset, const char *fmt,
                       ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_record_at(c, DRILL_TIER_VALUE, at, false, offset, fmt, ap);
    va_end(ap);
    return false;
}

bool drill_fail(struct drill_ctx *c, const struct json *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_record(c, DRILL_TIER_VALUE, at, false, fmt, ap);
    va_end(ap);
    return false;
}

bool drill_fail_key(struct drill_ctx *c, const struct json *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_record(c, DRILL_TIER_VALUE, at, true, fmt, ap);
    va_end(ap);
    return false;
}

bool drill_conflict(struct drill_ctx *c, const struct json *at, bool key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_record(c, DRILL_TIER_CONFLICT, at, key, fmt, ap);
    va_end(ap);
    return false;
}

bool drill_missing(struct drill_ctx *c, const struct json *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_record(c, DRILL_TIER_MISSING, at, false, fmt, ap);
    va_end(ap);
    return false;
}

bool drill_hint(struct drill_ctx *c, const char *fmt, ...)
{
    if (!c->last)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->last->hint, sizeof c->last->hint, fmt, ap);
    va_end(ap);
    s_one_line(c->last->hint);
    return false;
}

bool drill_failed_below(const struct drill_ctx *c, enum drill_tier tier)
{
    for (int t = 0; t < (int)tier; t++)
        if (c->found[t].set)
            return true;
    return false;
}

enum drh_status drill_report(const struct drill_ctx *c, struct drh_err *err)
{
    for (int t = 0; t < DRILL_TIERS; t++) {
        const struct drill_found *f = &c->found[t];
        if (!f->set)
            continue;
        drh_err_set(err, DRH_E_INPUT, "%s:%d:%d: %s", c->file, f->line, f->col, f->msg);
        if (f->hint[0])
            drh_err_hint(err, "%s", f->hint);
        return DRH_E_INPUT;
    }
    return DRH_OK;
}

void drill_where(char *out, size_t size, const char *path, const char *key)
{
    if (path && *path)
        snprintf(out, size, "%s.%s", path, key);
    else
        snprintf(out, size, "%s", key);
}

void drill_where_index(char *out, size_t size, const char *path, size_t index)
{
    /* Paths are short; a cut one still names the place well enough. */
    if (snprintf(out, size, "%s[%zu]", path, index) < 0 && size)
        out[0] = '\0';
}

const char *drill_show(const char *s, char *out, size_t size)
{
    size_t n = 0, chars = 0;
    const unsigned char *p = (const unsigned char *)s;
    if (size < 4)
        return "";
    while (*p) {
        size_t len = 1;
        while ((p[len] & 0xC0) == 0x80)
            len++; /* the text is valid UTF-8: copy whole sequences only */
        if (chars == 60 || n + len + 4 > size) {
            memcpy(out + n, "...", 3);
            n += 3;
            break;
        }
        if (len == 1)
            out[n++] = *p < 0x20 || *p == 0x7F ? '?' : (char)*p;
        else
            memcpy(out + n, p, len);
        n += len > 1 ? len : 0;
        p += len;
        chars++;
    }
    out[n] = '\0';
    return out;
}

/* Optimal string alignment distance, ignoring case; words longer than 63
 * characters are never typos of a key. */
static size_t s_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63)
        return (size_t)-1;
    size_t d[64][64];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int ai = tolower((unsigned char)a[i - 1]), bj = tolower((unsigned char)b[j - 1]);
            size_t cost = ai != bj;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == bj && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

const char *drill_closest(const char *word, const char *const *names)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (; *names; names++) {
        size_t d = s_distance(word, *names);
        /* Two edits for words of five or more characters, one below. */
        if (d <= 2 && 3 * d <= strlen(*names) + 1 && d < best_d) {
            best = *names;
            best_d = d;
        }
    }
    return best;
}

/* "a, b, c" for a hint. */
static void s_list(struct buf *b, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        buf_printf(b, "%s%s", i ? ", " : "", names[i]);
}

bool drill_check_keys(struct drill_ctx *c, const struct json *obj, const char *what,
                      const struct drill_key *keys)
{
    const char *names[48];
    size_t n = 0;
    bool ok = true;
    char shown[DRILL_SHOW_MAX];
    for (; keys[n].name && n < sizeof names / sizeof names[0] - 1; n++)
        names[n] = keys[n].name;
    names[n] = NULL;
    for (const struct json *m = json_first(obj); m; m = json_next(m)) {
        const char *key = json_key(m);
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(key, names[i]) == 0;
        if (known)
            continue;
        ok = false;
        if (what)
            drill_fail_key(c, m, "unknown key '%s' in %s", drill_show(key, shown, sizeof shown),
                           what);
        else
            drill_fail_key(c, m, "unknown top-level key '%s'",
                           drill_show(key, shown, sizeof shown));
        const char *close = drill_closest(key, names);
        if (close) {
            drill_hint(c, "did you mean '%s'?", close);
        } else {
            struct buf b;
            buf_init(&b);
            s_list(&b, names);
            drill_hint(c, "%s takes: %s", what ? what : "the top level", buf_str(&b));
            buf_clean_up(&b);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!keys[i].required || json_get(obj, keys[i].name))
            continue;
        ok = false;
        if (what)
            drill_missing(c, obj, "missing required key '%s' in %s", keys[i].name, what);
        else
            drill_missing(c, obj, "missing required top-level key '%s'", keys[i].name);
        if (keys[i].example)
            drill_hint(c, "add %s (see %s)", keys[i].example, DRILL_DOCS);
        else
            drill_hint(c, "see %s", DRILL_DOCS);
    }
    return ok;
}

static bool s_type(struct drill_ctx *c, const struct json *v, const char *where, const char *want)
{
    drill_fail(c, v, "%s: expected %s, got %s", where, want, json_type_name(v));
    return drill_hint(c, "see %s for the keys and their types", DRILL_DOCS);
}

bool drill_want_object(struct drill_ctx *c, const struct json *v, const char *where)
{
    return !v || json_is_object(v) || s_type(c, v, where, "object");
}

bool drill_want_array(struct drill_ctx *c, const struct json *v, const char *where)
{
    return !v || json_is_array(v) || s_type(c, v, where, "array");
}

bool drill_want_string(struct drill_ctx *c, const struct json *v, const char *where,
                       const char **out)
{
    *out = NULL;
    if (!v)
        return true;
    if (!json_is_string(v))
        return s_type(c, v, where, "string");
    if (!*json_string(v)) {
        drill_fail(c, v, "%s: must not be empty", where);
        return drill_hint(c, "write a value, or leave the key out where it is optional");
    }
    *out = json_string(v);
    return true;
}

bool drill_want_bool(struct drill_ctx *c, const struct json *v, const char *where, bool *out)
{
    if (!v)
        return true;
    if (json_bool(v, out))
        return true;
    drill_fail(c, v, "%s: expected boolean, got %s", where, json_type_name(v));
    return drill_hint(c, "write true or false, without quotes");
}

bool drill_want_int(struct drill_ctx *c, const struct json *v, const char *where, long long min,
                    long long max, long long *out)
{
    double d;
    if (!v)
        return true;
    if (!json_number(v, &d)) {
        drill_fail(c, v, "%s: expected integer, got %s", where, json_type_name(v));
        return drill_hint(c, "write a whole number without quotes, from %lld to %lld", min, max);
    }
    if (!json_integer(v, out)) {
        drill_fail(c, v, "%s: %g is not a whole number", where, d);
        return drill_hint(c, "write a whole number from %lld to %lld", min, max);
    }
    if (*out < min || *out > max) {
        drill_fail(c, v, "%s: %lld is out of range", where, *out);
        return drill_hint(c, "write a whole number from %lld to %lld", min, max);
    }
    return true;
}

bool drill_want_enum(struct drill_ctx *c, const struct json *v, const char *where,
                     const char *const *names, int *out)
{
    const char *s;
    char shown[DRILL_SHOW_MAX];
    if (!v)
        return true;
    if (!json_is_string(v)) {
        struct buf b;
        buf_init(&b);
        s_list(&b, names);
        drill_fail(c, v, "%s: expected string, got %s", where, json_type_name(v));
        drill_hint(c, "use one of: %s", buf_str(&b));
        buf_clean_up(&b);
        return false;
    }
    s = json_string(v);
    for (int i = 0; names[i]; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return true;
        }
    }
    struct buf b;
    buf_init(&b);
    s_list(&b, names);
    drill_fail(c, v, "%s: '%s' is not one of %s", where, drill_show(s, shown, sizeof shown),
               buf_str(&b));
    buf_clean_up(&b);
    const char *close = drill_closest(s, names);
    if (close)
        return drill_hint(c, "did you mean '%s'?", close);
    return drill_hint(c, "see %s for what each value means", DRILL_DOCS);
}

bool drill_want_duration(struct drill_ctx *c, const struct json *v, const char *where, long *out)
{
    const char *s;
    char shown[DRILL_SHOW_MAX];
    if (!v)
        return true;
    if (!json_is_string(v)) {
        drill_fail(c, v, "%s: expected a duration string, got %s", where, json_type_name(v));
        return drill_hint(c, "write a duration with its unit, in quotes: \"90s\", \"30m\", "
                             "\"12h\", \"7d\"");
    }
    s = json_string(v);
    if (drill_parse_duration(s, out))
        return true;
    drill_fail(c, v, "%s: '%s' is not a duration", where, drill_show(s, shown, sizeof shown));
    return drill_hint(c, "a duration is a positive sum of <n>d, <n>h, <n>m, <n>s, largest unit "
                         "first, up to 3650d: \"90s\", \"30m\", \"1h30m\", \"7d\"");
}

bool drill_want_name(struct drill_ctx *c, const struct json *v, const char *where, size_t max,
                     char **out)
{
    const char *s;
    char shown[DRILL_SHOW_MAX];
    if (!drill_want_string(c, v, where, &s))
        return false;
    if (!s)
        return true;
    if (!drill_is_name(s, max)) {
        drill_fail(c, v, "%s: '%s' is not a valid name", where, drill_show(s, shown, sizeof shown));
        return drill_hint(c,
                          "a name is 1 to %zu letters, digits and hyphens (it goes into AWS "
                          "identifiers and tags)",
                          max);
    }
    *out = xstrdup(s);
    return true;
}

void drill_foreign_keys(struct drill_ctx *c, const struct json *obj, const char *path,
                        const struct drill_key *mine, const struct drill_key *any, const char *what,
                        const char *takes)
{
    for (const struct json *m = json_first(obj); m; m = json_next(m)) {
        const char *key = json_key(m);
        bool is_mine = false, other = false;
        for (const struct drill_key *k = mine; k->name && !is_mine; k++)
            is_mine = strcmp(k->name, key) == 0;
        for (const struct drill_key *k = any; k->name && !other; k++)
            other = strcmp(k->name, key) == 0;
        if (is_mine || !other)
            continue;
        drill_fail_key(c, m, "%s: key '%s' does not apply to %s", path, key, what);
        struct buf list;
        buf_init(&list);
        for (const struct drill_key *k = mine; k->name; k++)
            buf_printf(&list, "%s%s", k == mine ? "" : ", ", k->name);
        drill_hint(c, "%s takes: %s", takes, buf_str(&list));
        buf_clean_up(&list);
    }
}
