/*
 * Drill schedules: when `drh due` / `drh run --due` consider a drill due.
 * Three spellings are accepted:
 *   cron(Min Hour Dom Month Dow Year)  AWS EventBridge / AWS Backup: dow 1-7
 *                                      (1 = SUN), '?' in exactly one of dom /
 *                                      dow, L, L-n, W, LW in dom, L, nL, n#k in dow
 *   rate(N unit)                       minute(s) / hour(s) / day(s), fixed
 *                                      durations (a day is 24 h, whatever DST does)
 *   min hour dom month dow             a classic (Vixie) cron line, dow 0-7, and
 *                                      @hourly @daily @weekly @monthly @yearly;
 *                                      when dom and dow are both restricted (neither
 *                                      starts with '*') a day matching EITHER fires
 * Names (JAN, MON) are case-insensitive; reversed ranges (FRI-MON) are refused.
 *
 * A cron expression is read in an IANA time zone (default UTC) with
 * EventBridge Scheduler's DST rules: a local time skipped when clocks spring
 * forward does not fire that day; a local time that occurs twice when clocks
 * fall back fires once, at its first occurrence (so `cron(0/15 * * * ? *)`
 * does not fire during the repeated hour's second pass). Fire times are whole
 * minutes.
 *
 * Zones go through glibc (TZ=":Zone", tzset, localtime_r; TZDIR respected):
 * schedule_prev, schedule_next and schedule_format set TZ for the call and
 * restore it, so they are for the main thread only, before threads start.
 * A schedule in UTC never touches TZ.
 */
#ifndef DRH_SCHEDULE_H
#define DRH_SCHEDULE_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* How far prev / next look: 8 years and a little (2096-02-29 to 2104-02-29
 * is the longest gap of a leap-day cron). */
#define SCHEDULE_SEARCH_DAYS 2930

struct schedule;

/* Parses expression in zone (NULL or "" = "UTC"). start: epoch seconds, 0 =
 * none; no fire time is before it (rounded up to a whole minute); for rate()
 * with a start the fire times are start + k * period, k >= 0. On DRH_E_INPUT
 * the message names the field and the bad text, the hint gives a correct
 * example and *err_offset (may be NULL) is the byte offset of the bad token in
 * expression (0 for the zone). A cron that matches no day of 1970-2199 is
 * refused ("never fires"). Caller frees *out with schedule_free(). */
enum drh_status schedule_parse(const char *expression, const char *zone, double start,
                               struct schedule **out, size_t *err_offset, struct drh_err *err);
void schedule_free(struct schedule *s);

/* The zone check alone: a safe name ([A-Za-z0-9_+-/], no "..", no leading
 * '/') naming a TZif file under $TZDIR or /usr/share/zoneinfo; "UTC" always
 * passes. glibc would silently read an unknown zone as UTC. */
enum drh_status schedule_check_zone(const char *zone, struct drh_err *err);

/* The newest fire time <= now / the first fire time > after, searched over
 * SCHEDULE_SEARCH_DAYS; false when there is none. A rate() without start has
 * no fixed times: both return false and the due logic uses the period. */
bool schedule_prev(const struct schedule *s, time_t now, time_t *out);
bool schedule_next(const struct schedule *s, time_t after, time_t *out);

long schedule_rate_period(const struct schedule *s); /* seconds; 0 for cron */
bool schedule_has_start(const struct schedule *s);
const char *schedule_expression(const struct schedule *s); /* as given */
const char *schedule_zone(const struct schedule *s);       /* "UTC" when none given */

/* t in the schedule's zone for humans, to the minute: "2026-03-29 03:30 CEST
 * (01:30Z)", "2026-04-05 02:00 AEDT (2026-04-04 15:00Z)" when the UTC date
 * differs; in UTC: "2026-03-29 01:30Z". */
void schedule_format(const struct schedule *s, time_t t, char *out, size_t size);
/* t in UTC, to the minute: "2026-11-22 01:03Z". */
void schedule_format_utc(time_t t, char *out, size_t size);

#endif
