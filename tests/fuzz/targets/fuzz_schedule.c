/*
 * Fuzz target: drill schedules. The bytes are carved into lines:
 *   EXPRESSION           cron(...), rate(...), a cron line or @daily
 *   ZONE                 an IANA name; empty: UTC
 *   START                epoch seconds as strtod() reads them; empty: none
 *   INSTANTS             up to four epoch seconds (1970-2199), blank
 *                        separated; empty: six fixed ones around DST changes,
 *                        a leap day and the end of the range
 * schedule_parse(), then around each instant schedule_next() and
 * schedule_prev() and the properties that tie them together:
 *   next(T) = N:  N > T, N >= start, prev(N) = N, next(N - 1) = N
 *   prev(T) = P:  P <= T, P >= start, prev(P) = P, next(P) > T
 * (whole minutes in UTC and for rate()), plus schedule_format().
 */
#include "fuzz_targets.h"

#include "sched/schedule.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define S_NAME "schedule"
#define S_INSTANTS_MAX 4
#define S_TIME_MAX 7258118400LL /* 2200-01-01T00:00:00Z */
#define S_TIME_MIN (-((time_t)1 << 62))

static const time_t s_fixed[] = {
    1774744200, /* 2026-03-29 00:30Z: Europe springs forward at 01:00Z */
    1792889100, /* 2026-10-25 00:45Z: Europe falls back at 01:00Z */
    1793511000, /* 2026-11-01 05:30Z: the US falls back at 06:00Z */
    1709208000, /* 2024-02-29 12:00Z */
    4102444740, /* 2099-12-31 23:59Z */
    7258114800, /* 2199-12-31 23:00Z */
};

static size_t s_instants(const char *line, time_t *out)
{
    size_t n = 0;
    for (const char *p = line; *p && n < S_INSTANTS_MAX;) {
        char *end = NULL;
        long long v = strtoll(p, &end, 10);
        if (end == p) {
            p++;
            continue;
        }
        out[n++] = (time_t)(v < 0 ? 0 : v > S_TIME_MAX ? S_TIME_MAX : v);
        p = end;
    }
    if (n == 0) {
        memcpy(out, s_fixed, sizeof s_fixed);
        n = sizeof s_fixed / sizeof s_fixed[0];
    }
    return n;
}

/* start: the earliest fire time there may be (a schedule without start has
 * none: TIME_MIN, and a cron day of 1970 may fire before the epoch in a zone
 * east of UTC). */
static void s_around(const struct schedule *s, time_t t, bool whole_minutes, time_t start)
{
    time_t n, p, again;
    if (schedule_next(s, t, &n)) {
        FUZZ_CHECK(S_NAME, n > t && n >= start);
        FUZZ_CHECK(S_NAME, !whole_minutes || n % 60 == 0);
        FUZZ_CHECK(S_NAME, schedule_prev(s, n, &again) && again == n);
        FUZZ_CHECK(S_NAME, schedule_next(s, n - 1, &again) && again == n);
    }
    if (schedule_prev(s, t, &p)) {
        FUZZ_CHECK(S_NAME, p <= t && p >= start);
        FUZZ_CHECK(S_NAME, !whole_minutes || p % 60 == 0);
        FUZZ_CHECK(S_NAME, schedule_prev(s, p, &again) && again == p);
        if (schedule_next(s, p, &again))
            FUZZ_CHECK(S_NAME, again > t);
    }
    char text[128];
    schedule_format(s, t, text, sizeof text);
    FUZZ_CHECK(S_NAME, text[0] != '\0');
}

int fuzz_schedule(const uint8_t *data, size_t size)
{
    char *expression = fuzz_line(data, size, 0);
    char *zone = fuzz_line(data, size, 1);
    char *start_text = fuzz_line(data, size, 2);
    char *instants = fuzz_line(data, size, 3);
    double start = *start_text ? strtod(start_text, NULL) : 0;

    struct schedule *s = NULL;
    size_t at = (size_t)-1;
    struct drh_err err = {0};
    if (schedule_parse(expression, *zone ? zone : NULL, start, &s, &at, &err) == DRH_OK) {
        FUZZ_CHECK(S_NAME, s != NULL);
        FUZZ_CHECK(S_NAME, strcmp(schedule_expression(s), expression) == 0);
        FUZZ_CHECK(S_NAME, strcmp(schedule_zone(s), *zone ? zone : "UTC") == 0);
        long period = schedule_rate_period(s);
        FUZZ_CHECK(S_NAME, period >= 0 && period % 60 == 0);
        bool has_start = schedule_has_start(s);
        time_t first = has_start ? (time_t)start : S_TIME_MIN;
        bool whole = period > 0 || strcmp(schedule_zone(s), "UTC") == 0;
        time_t t[S_INSTANTS_MAX + 8];
        size_t n = s_instants(instants, t);
        for (size_t i = 0; i < n; i++)
            s_around(s, t[i], whole, first);
        if (period > 0 && !has_start) {
            time_t out;
            FUZZ_CHECK(S_NAME, !schedule_next(s, t[0], &out) && !schedule_prev(s, t[0], &out));
        }
        schedule_free(s);
    } else {
        FUZZ_CHECK(S_NAME, err.code == DRH_E_INPUT && err.msg[0] && s == NULL);
        FUZZ_CHECK(S_NAME, at <= strlen(expression));
    }
    free(expression);
    free(zone);
    free(start_text);
    free(instants);
    return 0;
}
