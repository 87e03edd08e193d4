/*
 * Schedule parsing (schedule.h): which of the three spellings an expression
 * is, rate( ) itself, the @ shorthands, the zone check, and the refusal of a
 * cron that can never fire. The cron fields are schedule_cron.c's, the time
 * search schedule_time.c's.
 */
#include "sched/schedule_impl.h"
#include "mem.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define RATE_HINT "e.g. rate(15 minutes), rate(1 hour) or rate(7 days)"
#define RATE_MAX_SECONDS (100L * 366 * 86400)

static enum drh_status s_fail(size_t *err_offset, size_t off, struct drh_err *err, const char *hint,
                              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static enum drh_status s_fail(size_t *err_offset, size_t off, struct drh_err *err, const char *hint,
                              const char *fmt, ...)
{
    char msg[DRH_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (err_offset)
        *err_offset = off;
    drh_err_set(err, DRH_E_INPUT, "%s", msg);
    return drh_err_hint(err, "%s", hint);
}

static size_t s_skip_space(const char *s, size_t i, size_t end)
{
    while (i < end && isspace((unsigned char)s[i]))
        i++;
    return i;
}

/* ')' closes the body at or after from; only blanks may follow it. */
static enum drh_status s_close(const char *s, size_t from, size_t end, const char *hint,
                               size_t *close, size_t *err_offset, struct drh_err *err)
{
    const char *p = memchr(s + from, ')', end - from);
    if (!p)
        return s_fail(err_offset, end, err, hint, "'%.*s' is not closed with ')'", (int)end, s);
    *close = (size_t)(p - s);
    size_t after = s_skip_space(s, *close + 1, end);
    if (after < end)
        return s_fail(err_offset, after, err, hint, "unexpected text '%.*s' after ')'",
                      (int)(end - after), s + after);
    return DRH_OK;
}

static enum drh_status s_rate(struct schedule *sc, const char *s, size_t from, size_t end,
                              size_t *err_offset, struct drh_err *err)
{
    size_t close, i = s_skip_space(s, from, end), v0 = i;
    enum drh_status st = s_close(s, from, end, RATE_HINT, &close, err_offset, err);
    if (st != DRH_OK)
        return st;
    long value = 0;
    while (i < close && isdigit((unsigned char)s[i]) && value <= RATE_MAX_SECONDS)
        value = value * 10 + (s[i++] - '0');
    size_t v1 = i;
    while (v1 < close && !isspace((unsigned char)s[v1]))
        v1++;
    if (i == v0 || i != v1 || value < 1)
        return s_fail(err_offset, v0, err, RATE_HINT,
                      "rate value '%.*s' is not a positive whole number", (int)(v1 - v0), s + v0);
    size_t u0 = s_skip_space(s, v1, close), u1 = u0;
    while (u1 < close && !isspace((unsigned char)s[u1]))
        u1++;
    size_t extra = s_skip_space(s, u1, close);
    if (extra != close)
        return s_fail(err_offset, extra, err, RATE_HINT, "unexpected text '%.*s' in rate( )",
                      (int)(close - extra), s + extra);
    static const struct {
        const char *one, *many;
        long seconds;
    } units[] = {{"minute", "minutes", 60}, {"hour", "hours", 3600}, {"day", "days", 86400}};
    size_t ulen = u1 - u0;
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        bool one = ulen == strlen(units[k].one) && strncasecmp(s + u0, units[k].one, ulen) == 0;
        bool many = ulen == strlen(units[k].many) && strncasecmp(s + u0, units[k].many, ulen) == 0;
        if (!one && !many)
            continue;
        if (one != (value == 1)) {
            if (err_offset)
                *err_offset = u0;
            drh_err_set(err, DRH_E_INPUT, "rate unit '%.*s' must be %s with %ld", (int)ulen, s + u0,
                        value == 1 ? "singular" : "plural", value);
            return drh_err_hint(err, "write rate(%ld %s)", value,
                                value == 1 ? units[k].one : units[k].many);
        }
        if (value > RATE_MAX_SECONDS / units[k].seconds)
            return s_fail(err_offset, v0, err, RATE_HINT,
                          "rate value '%.*s' is too large (at most 100 years)", (int)(v1 - v0),
                          s + v0);
        sc->is_rate = true;
        sc->period = value * units[k].seconds;
        return DRH_OK;
    }
    return s_fail(err_offset, u0 < close ? u0 : close, err,
                  "the unit is minute(s), hour(s) or day(s): rate(7 days) for a week",
                  "rate unit '%.*s' is not minute(s), hour(s) or day(s)", (int)ulen, s + u0);
}

static enum drh_status s_macro(struct schedule *sc, const char *s, size_t from, size_t end,
                               size_t *err_offset, struct drh_err *err)
{
    static const struct {
        const char *name, *line;
    } macros[] = {{"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
                  {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
                  {"@hourly", "0 * * * *"}};
    size_t len = end - from;
    for (size_t k = 0; k < sizeof macros / sizeof macros[0]; k++)
        if (len == strlen(macros[k].name) && strncasecmp(s + from, macros[k].name, len) == 0)
            return cron_parse_fields(macros[k].line, 0, strlen(macros[k].line), true, &sc->cron,
                                     NULL, err);
    return s_fail(err_offset, from, err,
                  "use @hourly, @daily, @weekly, @monthly or @yearly, e.g. @daily",
                  "'%.*s' is not a schedule shorthand", (int)len, s + from);
}

/* Some day of a year from from_year to CRON_YEAR_MAX matches. */
static bool s_fires_ever(const struct cron_spec *c, int from_year)
{
    for (int y = from_year < CRON_YEAR_MIN ? CRON_YEAR_MIN : from_year; y <= CRON_YEAR_MAX; y++)
        for (int m = 1; m <= 12; m++) {
            if (!(c->months >> m & 1))
                continue;
            for (int d = 1, dim = civil_days_in_month(y, m); d <= dim; d++)
                if (cron_day_matches(c, y, m, d))
                    return true;
        }
    return false;
}

static enum drh_status s_expression(struct schedule *sc, const char *s, size_t *err_offset,
                                    struct drh_err *err)
{
    size_t end = strlen(s), from = s_skip_space(s, 0, end), close;
    while (end > from && isspace((unsigned char)s[end - 1]))
        end--;
    if (from == end)
        return s_fail(err_offset, 0, err, "e.g. cron(0 2 ? * SUN *), rate(7 days) or '0 2 * * 0'",
                      "schedule expression '%s' is empty", s);
    if (end - from >= 5 && strncasecmp(s + from, "rate(", 5) == 0)
        return s_rate(sc, s, from + 5, end, err_offset, err);
    if (end - from >= 5 && strncasecmp(s + from, "cron(", 5) == 0) {
        enum drh_status st =
            s_close(s, from + 5, end, "e.g. cron(0 2 ? * SUN *)", &close, err_offset, err);
        return st != DRH_OK
                   ? st
                   : cron_parse_fields(s, from + 5, close, false, &sc->cron, err_offset, err);
    }
    if (s[from] == '@')
        return s_macro(sc, s, from, end, err_offset, err);
    return cron_parse_fields(s, from, end, true, &sc->cron, err_offset, err);
}

enum drh_status schedule_check_zone(const char *zone, struct drh_err *err)
{
    static const char *const hint = "an IANA zone name such as UTC, Europe/Berlin or "
                                    "America/New_York (from the tzdata package)";
    if (!zone || !*zone || strcmp(zone, "UTC") == 0)
        return DRH_OK;
    size_t len = strlen(zone);
    bool safe = len < 128 && zone[0] != '/' && zone[len - 1] != '/' && !strstr(zone, "..");
    for (size_t i = 0; safe && i < len; i++)
        safe = isalnum((unsigned char)zone[i]) || strchr("_+-/", zone[i]);
    if (!safe) {
        drh_err_set(err, DRH_E_INPUT, "time zone '%.*s' is not an IANA zone name", 128, zone);
        return drh_err_hint(err, "%s", hint);
    }
    const char *dir = getenv("TZDIR");
    char *path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", zone);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char magic[4] = "";
    bool ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
              memcmp(magic, "TZif", 4) == 0;
    if (fd >= 0)
        close(fd);
    if (!ok) {
        drh_err_set(err, DRH_E_INPUT, "time zone '%s' is unknown: %s is not a zone file", zone,
                    path);
        drh_err_hint(err, "%s", hint);
    }
    free(path);
    return ok ? DRH_OK : DRH_E_INPUT;
}

enum drh_status schedule_parse(const char *expression, const char *zone, double start,
                               struct schedule **out, size_t *err_offset, struct drh_err *err)
{
    struct schedule *sc = NULL;
    size_t off = 0; /* the zone's and the start's errors point at the expression */
    enum drh_status st = schedule_check_zone(zone, err);
    if (st != DRH_OK)
        goto fail;
    if (start < 0 || start > 7258118400.0 /* 2200-01-01 */) {
        drh_err_set(err, DRH_E_INPUT, "schedule start %.0f is not between 1970 and 2199", start);
        st = drh_err_hint(err, "start is epoch seconds, e.g. 1767225600 for 2026-01-01 00:00Z");
        goto fail;
    }
    sc = xcalloc(1, sizeof *sc);
    if ((st = s_expression(sc, expression ? expression : "", &off, err)) != DRH_OK)
        goto fail;
    if (start > 0) {
        time_t t = (time_t)start;
        if ((double)t < start)
            t++;
        sc->has_start = true;
        sc->start = (t + 59) / 60 * 60;
    }
    if (!sc->is_rate) {
        int64_t y = CRON_YEAR_MIN;
        int m, d;
        if (sc->has_start)
            civil_from_days(sc->start / 86400, &y, &m, &d);
        if (!s_fires_ever(&sc->cron, (int)y)) {
            off = s_skip_space(expression, 0, strlen(expression));
            drh_err_set(err, DRH_E_INPUT, "schedule '%s' never fires: no day of %d-%d matches",
                        expression, (int)y, CRON_YEAR_MAX);
            st = drh_err_hint(err, "check the day against the month (February has 28 or 29 "
                                   "days; April, June, September, November 30), e.g. "
                                   "cron(0 0 L 2 ? *) for the last day of February");
            goto fail;
        }
    }
    sc->expression = xstrdup(expression);
    sc->zone = xstrdup(zone && *zone ? zone : "UTC");
    sc->utc = strcmp(sc->zone, "UTC") == 0;
    *out = sc;
    return DRH_OK;
fail:
    free(sc);
    if (err_offset)
        *err_offset = off;
    return st;
}

void schedule_free(struct schedule *s)
{
    if (!s)
        return;
    free(s->expression);
    free(s->zone);
    free(s);
}

long schedule_rate_period(const struct schedule *s)
{
    return s->is_rate ? s->period : 0;
}

bool schedule_has_start(const struct schedule *s)
{
    return s->has_start;
}

const char *schedule_expression(const struct schedule *s)
{
    return s->expression;
}

const char *schedule_zone(const struct schedule *s)
{
    return s->zone;
}
