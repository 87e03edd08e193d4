/*
 * The cron field parser (schedule_impl.h): turns the fields of an AWS cron( )
 * body or a classic 5-field line into bit sets, with an error naming the
 * field, the bad text and its byte offset. The bit sets are read by
 * cron_day_matches (schedule_time.c).
 */
#include "sched/schedule_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum field_id { F_MIN, F_HOUR, F_DOM, F_MONTH, F_DOW, F_YEAR, F_COUNT };

struct field_def {
    const char *name;
    int min, max;
    const char *what;
    const char *example;
};

static const struct field_def s_aws[F_COUNT] = {
    {"minute", 0, 59, "a minute (0-59)", "e.g. cron(0/15 * * * ? *) or cron(5,35 * * * ? *)"},
    {"hour", 0, 23, "an hour (0-23)", "e.g. cron(30 2 ? * MON-FRI *) or cron(0 */6 * * ? *)"},
    {"day-of-month", 1, 31, "a day of the month (1-31, L, L-n, nW or LW)",
     "e.g. cron(0 3 1,15 * ? *), cron(0 3 L * ? *) or cron(0 3 15W * ? *)"},
    {"month", 1, 12, "a month (JAN-DEC or 1-12)", "e.g. cron(0 3 1 JAN,APR,JUL,OCT ? *)"},
    {"day-of-week", 1, 7, "a day (SUN-SAT or 1-7)",
     "e.g. cron(0 2 ? * MON-FRI *), cron(0 2 ? * 6L *) or cron(0 2 ? * 2#1 *)"},
    {"year", CRON_YEAR_MIN, CRON_YEAR_MAX, "a year (1970-2199)",
     "e.g. cron(0 2 ? * SUN 2026-2030) or cron(0 2 ? * SUN *)"},
};

static const struct field_def s_classic[F_COUNT] = {
    {"minute", 0, 59, "a minute (0-59)", "e.g. '*/15 * * * *' or '5,35 * * * *'"},
    {"hour", 0, 23, "an hour (0-23)", "e.g. '30 2 * * 1-5' or '0 */6 * * *'"},
    {"day-of-month", 1, 31, "a day of the month (1-31)", "e.g. '0 3 1,15 * *'"},
    {"month", 1, 12, "a month (JAN-DEC or 1-12)", "e.g. '0 3 1 1,4,7,10 *' or '0 3 1 JAN *'"},
    {"day-of-week", 0, 7, "a day (SUN-SAT or 0-7)", "e.g. '0 2 * * MON-FRI' or '0 2 * * 0'"},
    {"year", 0, 0, "", ""},
};

static const char *const s_months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
static const char *const s_days[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct pctx {
    const char *text;
    bool classic;
    enum field_id id;
    const struct field_def *f;
    size_t *err_offset;
    struct drh_err *err;
};

/* Bits relative to the field's min (years need 230). */
struct bits {
    uint64_t w[4];
};

/* The message quotes [off, off + len); the offset points at at. */
static enum drh_status s_fail_at(struct pctx *p, size_t at, size_t off, size_t len, const char *why)
{
    if (p->err_offset)
        *p->err_offset = at;
    drh_err_set(p->err, DRH_E_INPUT, "%s field '%.*s' %s", p->f->name, (int)len, p->text + off,
                why);
    return drh_err_hint(p->err, "%s", p->f->example);
}

static enum drh_status s_fail(struct pctx *p, size_t off, size_t len, const char *why)
{
    return s_fail_at(p, off, off, len, why);
}

static enum drh_status s_not_a(struct pctx *p, size_t off, size_t len)
{
    char why[96];
    snprintf(why, sizeof why, "is not %s", p->f->what);
    return s_fail(p, off, len, why);
}

/* Exactly [off, off + len) as a number or, for month and day-of-week, a name. */
static enum drh_status s_value(struct pctx *p, size_t off, size_t len, int *out)
{
    const char *s = p->text + off;
    int v = 0;
    if (len == 0)
        return s_not_a(p, off, len);
    if (isdigit((unsigned char)s[0])) {
        for (size_t i = 0; i < len; i++) {
            if (!isdigit((unsigned char)s[i]) || i >= 6)
                return s_not_a(p, off, len);
            v = v * 10 + (s[i] - '0');
        }
    } else if (len == 3 && (p->id == F_MONTH || p->id == F_DOW)) {
        const char *const *names = p->id == F_MONTH ? s_months : s_days;
        int n = p->id == F_MONTH ? 12 : 7, base = p->id == F_MONTH || !p->classic ? 1 : 0;
        v = -1;
        for (int i = 0; i < n && v < 0; i++)
            if (strncasecmp(s, names[i], 3) == 0)
                v = i + base;
        if (v < 0)
            return s_not_a(p, off, len);
    } else {
        return s_not_a(p, off, len);
    }
    if (v < p->f->min || v > p->f->max)
        return s_not_a(p, off, len);
    *out = v;
    return DRH_OK;
}

static size_t s_run(const char *s, size_t off, size_t end, const char *stops)
{
    while (off < end && !strchr(stops, s[off]))
        off++;
    return off;
}

static void s_set(struct bits *b, int i)
{
    b->w[i / 64] |= (uint64_t)1 << (i % 64);
}

/* AWS day-of-month L, LW, L-n, nW; true when the item was one of them. */
static bool s_dom_special(struct pctx *p, size_t off, size_t len, struct cron_spec *c,
                          enum drh_status *st)
{
    const char *s = p->text + off;
    *st = DRH_OK;
    if (toupper((unsigned char)s[0]) == 'L') {
        if (len == 1) {
            c->dom_last = true;
        } else if (len == 2 && toupper((unsigned char)s[1]) == 'W') {
            c->dom_last_wday = true;
        } else if (s[1] == '-') {
            int n = 0;
            for (size_t i = 2; i < len && n <= 30; i++)
                n = isdigit((unsigned char)s[i]) ? n * 10 + (s[i] - '0') : 99;
            if (len == 2 || n < 1 || n > 30)
                *st = s_fail(p, off, len, "is not L-n with n 1-30 (days before the last)");
            else
                c->dom_before_last |= (uint32_t)1 << n;
        } else {
            *st = s_not_a(p, off, len);
        }
        return true;
    }
    if (len > 1 && toupper((unsigned char)s[len - 1]) == 'W') {
        int n;
        if ((*st = s_value(p, off, len - 1, &n)) == DRH_OK)
            c->dom_near_wday |= (uint32_t)1 << n;
        return true;
    }
    return false;
}

/* AWS day-of-week L (Saturday), nL, n#k; true when the item was one of them. */
static bool s_dow_special(struct pctx *p, size_t off, size_t len, struct cron_spec *c,
                          enum drh_status *st)
{
    const char *s = p->text + off;
    const char *hash = memchr(s, '#', len);
    int n;
    *st = DRH_OK;
    if (len == 1 && toupper((unsigned char)s[0]) == 'L') {
        c->dow |= 1u << 6;
        return true;
    }
    if (hash) {
        size_t vlen = (size_t)(hash - s), klen = len - vlen - 1;
        if ((*st = s_value(p, off, vlen, &n)) != DRH_OK)
            return true;
        if (klen != 1 || hash[1] < '1' || hash[1] > '5') {
            *st = s_fail(p, off + vlen + 1, klen, "is not a week of the month (1-5) after '#'");
            return true;
        }
        c->dow_nth[hash[1] - '1'] |= (uint8_t)(1u << (n - 1));
        return true;
    }
    if (len > 1 && toupper((unsigned char)s[len - 1]) == 'L') {
        if ((*st = s_value(p, off, len - 1, &n)) == DRH_OK)
            c->dow_last |= (uint8_t)(1u << (n - 1));
        return true;
    }
    return false;
}

/* One item: *, a, a-b, each with an optional /step (a/step runs to the max). */
static enum drh_status s_item(struct pctx *p, size_t off, size_t end, struct bits *b)
{
    const char *s = p->text;
    int lo = p->f->min, hi = p->f->max, step = 1;
    size_t pos = off;
    enum drh_status st;
    if (s[pos] == '*') {
        pos++;
    } else {
        size_t r = s_run(s, pos, end, "-/");
        if ((st = s_value(p, pos, r - pos, &lo)) != DRH_OK)
            return st;
        hi = lo;
        pos = r;
        if (pos < end && s[pos] == '-') {
            r = s_run(s, pos + 1, end, "/");
            if ((st = s_value(p, pos + 1, r - pos - 1, &hi)) != DRH_OK)
                return st;
            if (hi < lo) {
                if (p->err_offset)
                    *p->err_offset = off;
                drh_err_set(p->err, DRH_E_INPUT, "%s field '%.*s' is a reversed range", p->f->name,
                            (int)(r - off), s + off);
                return drh_err_hint(p->err, "write it low-high, as two ranges if it wraps: %s",
                                    p->f->example);
            }
            pos = r;
        } else if (pos < end && s[pos] == '/') {
            hi = p->f->max;
        }
    }
    if (pos < end && s[pos] == '/') {
        size_t d = pos + 1;
        step = 0;
        while (d < end && isdigit((unsigned char)s[d]) && step <= 9999)
            step = step * 10 + (s[d++] - '0');
        if (d == pos + 1 || d != end || step < 1 || step > p->f->max - p->f->min)
            return s_fail_at(p, pos + 1, off, end - off,
                             "has a bad step (a number from 1 to the field's span)");
        pos = end;
    }
    if (pos != end)
        return s_not_a(p, off, end - off);
    for (int v = lo; v <= hi; v += step)
        s_set(b, v - p->f->min);
    return DRH_OK;
}

static void s_store(struct pctx *p, const struct bits *b, struct cron_spec *c)
{
    switch (p->id) {
    case F_MIN:
        c->minutes = b->w[0];
        break;
    case F_HOUR:
        c->hours = (uint32_t)b->w[0];
        break;
    case F_DOM:
        c->dom |= (uint32_t)(b->w[0] << 1);
        break;
    case F_MONTH:
        c->months = (uint32_t)(b->w[0] << 1);
        break;
    case F_DOW: /* aws bit 0 = 1 = SUN; classic bit 0 and bit 7 = SUN */
        c->dow |= (uint8_t)((b->w[0] & 0x7f) | (b->w[0] >> 7 & 1));
        break;
    default:
        memcpy(c->years, b->w, sizeof c->years);
    }
}

static enum drh_status s_field(struct pctx *p, size_t off, size_t end, struct cron_spec *c)
{
    const char *s = p->text;
    struct bits b = {{0}};
    enum drh_status st;
    if (end - off == 1 && s[off] == '?' && !p->classic && (p->id == F_DOM || p->id == F_DOW)) {
        *(p->id == F_DOM ? &c->dom_none : &c->dow_none) = true;
        return DRH_OK;
    }
    if (p->id == F_DOM)
        c->dom_star = s[off] == '*';
    if (p->id == F_DOW)
        c->dow_star = s[off] == '*';
    for (size_t item = off; item <= end;) {
        size_t ie = s_run(s, item, end, ",");
        if (ie == item)
            return s_fail(p, off, end - off, "has an empty item");
        if (memchr(s + item, '?', ie - item)) {
            if (p->classic)
                return s_fail(p, item, ie - item,
                              "is AWS syntax: '?' needs cron(...) with 6 fields");
            if (p->id != F_DOM && p->id != F_DOW)
                return s_fail(p, item, ie - item,
                              "cannot be '?' (only day-of-month or day-of-week)");
            return s_fail(p, item, ie - item, "can be '?' only alone");
        }
        bool special = false;
        if (!p->classic && p->id == F_DOM)
            special = s_dom_special(p, item, ie - item, c, &st);
        else if (!p->classic && p->id == F_DOW)
            special = s_dow_special(p, item, ie - item, c, &st);
        if (!special)
            st = s_item(p, item, ie, &b);
        if (st != DRH_OK)
            return st;
        item = ie + 1;
    }
    s_store(p, &b, c);
    return DRH_OK;
}

static enum drh_status s_days_rule(struct pctx *p, const size_t *offs, const size_t *ends,
                                   struct cron_spec *c)
{
    const char *s = p->text;
    if (c->dom_none != c->dow_none)
        return DRH_OK;
    if (p->err_offset)
        *p->err_offset = offs[F_DOW];
    if (c->dom_none)
        drh_err_set(p->err, DRH_E_INPUT, "day-of-month and day-of-week are both '?'");
    else
        drh_err_set(p->err, DRH_E_INPUT,
                    "day-of-month '%.*s' and day-of-week '%.*s' are both given",
                    (int)(ends[F_DOM] - offs[F_DOM]), s + offs[F_DOM],
                    (int)(ends[F_DOW] - offs[F_DOW]), s + offs[F_DOW]);
    return drh_err_hint(p->err, "AWS cron takes '?' in exactly one of them: cron(0 2 * * ? *) "
                                "daily, cron(0 2 1 * ? *) monthly, cron(0 2 ? * MON *) weekly");
}

enum drh_status cron_parse_fields(const char *text, size_t from, size_t to, bool classic,
                                  struct cron_spec *spec, size_t *err_offset, struct drh_err *err)
{
    size_t want = classic ? 5 : 6, n = 0, offs[F_COUNT + 1], ends[F_COUNT + 1];
    memset(spec, 0, sizeof *spec);
    spec->classic = classic;
    for (size_t i = from; i < to;) {
        if (isspace((unsigned char)text[i])) {
            i++;
            continue;
        }
        size_t e = i;
        while (e < to && !isspace((unsigned char)text[e]))
            e++;
        if (n < F_COUNT + 1) {
            offs[n] = i;
            ends[n] = e;
        }
        n++;
        i = e;
    }
    if (n != want) {
        if (err_offset)
            *err_offset = n > want ? offs[want] : to;
        if (classic) {
            drh_err_set(err, DRH_E_INPUT,
                        "a cron line needs 5 fields (minute hour day-of-month month "
                        "day-of-week), got %zu",
                        n);
            return drh_err_hint(err, n == 6 ? "an AWS-style expression goes in cron(...): "
                                              "cron(0 2 ? * SUN *)"
                                            : "e.g. '30 2 * * 0', cron(0 2 ? * SUN *) or "
                                              "rate(7 days)");
        }
        drh_err_set(err, DRH_E_INPUT,
                    "cron() needs 6 fields (minutes hours day-of-month month day-of-week "
                    "year), got %zu",
                    n);
        return drh_err_hint(err, n == 5 ? "add the year: cron(0 2 ? * SUN *)"
                                        : "e.g. cron(0 2 ? * SUN *)");
    }
    struct pctx p = {text, classic, F_MIN, NULL, err_offset, err};
    for (size_t i = 0; i < want; i++) {
        p.id = (enum field_id)i;
        p.f = classic ? &s_classic[i] : &s_aws[i];
        enum drh_status st = s_field(&p, offs[i], ends[i], spec);
        if (st != DRH_OK)
            return st;
    }
    if (classic) {
        memset(spec->years, 0xff, sizeof spec->years);
        return DRH_OK;
    }
    p.f = &s_aws[F_DOW];
    return s_days_rule(&p, offs, ends, spec);
}
