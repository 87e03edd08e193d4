/*
 * Schedule time search (schedule.h): the civil calendar, the cron day test
 * (L, W, nL, n#k, Vixie's OR), the zone's UTC offsets through glibc, and
 * prev / next fire times. A cron is matched on
 * local calendar days, then each matching local wall time is turned into the
 * UTC instant of its FIRST occurrence (none when a spring-forward skips it).
 * That mapping only grows with the wall time, so the first candidate found
 * walking forward (next) or backward (prev) is the answer, and the walk
 * starts a few hours of wall time before / after the instant asked about, so
 * an every-minute cron costs a few hundred conversions, not a day's.
 */
#include "sched/schedule_impl.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More than any offset change since 1970 (Samoa's 24 h jump was forward, a gap). */
#define WALL_MARGIN (4 * 3600)

int64_t civil_to_days(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int civil_weekday(int64_t z)
{
    int r = (int)((z + 4) % 7); /* 1970-01-01 was a Thursday */
    return r < 0 ? r + 7 : r;
}

int civil_days_in_month(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* The weekday (MON-FRI) nearest day n of the month, staying in the month. */
static int s_near_weekday(int64_t first, int dim, int n)
{
    int wd = civil_weekday(first + n - 1);
    if (wd == 6)
        return n == 1 ? n + 2 : n - 1;
    if (wd == 0)
        return n == dim ? n - 2 : n + 1;
    return n;
}

static bool s_dom_matches(const struct cron_spec *c, int64_t first, int dim, int d)
{
    if (c->dom >> d & 1)
        return true;
    if (c->dom_last && d == dim)
        return true;
    if (d < dim && (c->dom_before_last >> (dim - d) & 1))
        return true;
    if (c->dom_last_wday && d == s_near_weekday(first, dim, dim))
        return true;
    for (int n = 1; c->dom_near_wday && n <= dim; n++)
        if ((c->dom_near_wday >> n & 1) && s_near_weekday(first, dim, n) == d)
            return true;
    return false;
}

static bool s_dow_matches(const struct cron_spec *c, int wd, int dim, int d)
{
    if (c->dow >> wd & 1)
        return true;
    if ((c->dow_last >> wd & 1) && d + 7 > dim)
        return true;
    return c->dow_nth[(d - 1) / 7] >> wd & 1;
}

bool cron_day_matches(const struct cron_spec *c, int y, int m, int d)
{
    if (y < CRON_YEAR_MIN || y > CRON_YEAR_MAX || !(c->months >> m & 1))
        return false;
    int yi = y - CRON_YEAR_MIN;
    if (!(c->years[yi / 64] >> (yi % 64) & 1))
        return false;
    int64_t first = civil_to_days(y, m, 1);
    int dim = civil_days_in_month(y, m);
    bool dom = !c->dom_none && s_dom_matches(c, first, dim, d);
    bool dow = !c->dow_none && s_dow_matches(c, civil_weekday(first + d - 1), dim, d);
    if (!c->classic)
        return c->dom_none ? dow : dom;
    if (c->dom_star || c->dow_star)
        return dom && dow;
    return dom || dow;
}

static int64_t s_floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* TZ set to the schedule's zone for the length of one call. */
struct tz_scope {
    bool active;
    char *saved; /* the previous TZ, NULL when it was unset */
};

static void s_tz_enter(const struct schedule *s, struct tz_scope *sc)
{
    sc->active = !s->utc;
    sc->saved = NULL;
    if (!sc->active)
        return;
    const char *old = getenv("TZ");
    sc->saved = old ? xstrdup(old) : NULL;
    char *tz = xasprintf(":%s", s->zone);
    setenv("TZ", tz, 1);
    free(tz);
    tzset();
}

static void s_tz_leave(struct tz_scope *sc)
{
    if (!sc->active)
        return;
    if (sc->saved)
        setenv("TZ", sc->saved, 1);
    else
        unsetenv("TZ");
    free(sc->saved);
    tzset();
}

/* The zone's UTC offset at t (seconds east); TZ is set already. */
static long s_offset(const struct schedule *s, time_t t, struct tm *tm_out)
{
    struct tm tm;
    if (s->utc || !localtime_r(&t, &tm))
        return 0;
    if (tm_out)
        *tm_out = tm;
    return tm.tm_gmtoff;
}

/* The first UTC instant showing wall time w (local seconds since the epoch);
 * false when w is skipped. Offsets in force around w are -12 h .. +14 h. */
static bool s_wall_to_utc(const struct schedule *s, int64_t w, time_t *out)
{
    if (s->utc) {
        *out = (time_t)w;
        return true;
    }
    long offs[3] = {s_offset(s, (time_t)(w - 15 * 3600), NULL), s_offset(s, (time_t)w, NULL),
                    s_offset(s, (time_t)(w + 13 * 3600), NULL)};
    bool found = false;
    time_t best = 0;
    for (int i = 0; i < 3; i++) {
        if ((i > 0 && offs[i] == offs[0]) || (i == 2 && offs[2] == offs[1]))
            continue;
        time_t t = (time_t)(w - offs[i]);
        if (s_offset(s, t, NULL) == offs[i] && (!found || t < best)) {
            best = t;
            found = true;
        }
    }
    if (found)
        *out = best;
    return found;
}

/* Walks wall minutes from wall time w0 forward (dir 1) or backward (-1) over
 * matching days; the first whose UTC instant passes accept() is the answer. */
static bool s_walk(const struct schedule *s, int64_t w0, int dir, time_t bound, time_t *out)
{
    const struct cron_spec *c = &s->cron;
    int64_t day0 = s_floor_div(w0, 86400);
    for (int64_t i = 0; i <= SCHEDULE_SEARCH_DAYS; i++) {
        int64_t day = day0 + dir * i, y;
        int m, d;
        civil_from_days(day, &y, &m, &d);
        if (!cron_day_matches(c, (int)y, m, d))
            continue;
        for (int k = 0; k < 24 * 60; k++) {
            int mins = dir > 0 ? k : 24 * 60 - 1 - k, h = mins / 60, mi = mins % 60;
            int64_t w = day * 86400 + mins * 60;
            if (!(c->hours >> h & 1) || !(c->minutes >> mi & 1))
                continue;
            if ((dir > 0 && w < w0) || (dir < 0 && w > w0))
                continue;
            time_t t;
            if (!s_wall_to_utc(s, w, &t))
                continue;
            if ((dir > 0 && t > bound) || (dir < 0 && t <= bound)) {
                *out = t;
                return true;
            }
        }
    }
    return false;
}

static time_t s_minute_floor(time_t t)
{
    return (time_t)(s_floor_div((int64_t)t, 60) * 60);
}

bool schedule_prev(const struct schedule *s, time_t now, time_t *out)
{
    if (s->is_rate) {
        if (!s->has_start || now < s->start)
            return false;
        *out = s->start + (time_t)(s_floor_div(now - s->start, s->period) * s->period);
        return true;
    }
    if (s->has_start && now < s->start)
        return false;
    struct tz_scope sc;
    s_tz_enter(s, &sc);
    int64_t w0 = (int64_t)s_minute_floor(now) + s_offset(s, now, NULL) + WALL_MARGIN;
    time_t t;
    bool ok = s_walk(s, w0, -1, now, &t);
    s_tz_leave(&sc);
    if (!ok || (s->has_start && t < s->start))
        return false;
    *out = t;
    return true;
}

bool schedule_next(const struct schedule *s, time_t after, time_t *out)
{
    if (s->has_start && after < s->start)
        after = s->start - 1;
    if (s->is_rate) {
        if (!s->has_start)
            return false;
        *out = s->start + (time_t)((s_floor_div(after - s->start, s->period) + 1) * s->period);
        return true;
    }
    struct tz_scope sc;
    s_tz_enter(s, &sc);
    int64_t w0 = (int64_t)s_minute_floor(after) + s_offset(s, after, NULL) - WALL_MARGIN;
    bool ok = s_walk(s, s_floor_div(w0, 60) * 60, 1, after, out);
    s_tz_leave(&sc);
    return ok;
}

void schedule_format_utc(time_t t, char *out, size_t size)
{
    int64_t secs = (int64_t)t, day = s_floor_div(secs, 86400), y;
    int m, d, mins = (int)((secs - day * 86400) / 60);
    civil_from_days(day, &y, &m, &d);
    snprintf(out, size, "%04lld-%02d-%02d %02d:%02dZ", (long long)y, m, d, mins / 60, mins % 60);
}

void schedule_format(const struct schedule *s, time_t t, char *out, size_t size)
{
    if (s->utc) {
        schedule_format_utc(t, out, size);
        return;
    }
    struct tz_scope sc;
    struct tm tm = {0};
    char abbr[16] = "";
    s_tz_enter(s, &sc);
    s_offset(s, t, &tm);
    if (tm.tm_zone)
        snprintf(abbr, sizeof abbr, "%s", tm.tm_zone);
    s_tz_leave(&sc);
    char z[32];
    schedule_format_utc(t, z, sizeof z);
    int64_t uday = s_floor_div((int64_t)t, 86400), y;
    int m, d;
    civil_from_days(uday, &y, &m, &d);
    bool same_day = y == tm.tm_year + 1900 && m == tm.tm_mon + 1 && d == tm.tm_mday;
    snprintf(out, size, "%04d-%02d-%02d %02d:%02d %s (%s)", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, abbr, same_day ? z + 11 : z);
}
