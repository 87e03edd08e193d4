/* Tests of the due decision (harness/sched/due.h): every branch, with the
 * times and the reason line, for a weekly Berlin cron (2026-11-22 02:00 CET
 * is 01:00Z, checked with python3 zoneinfo), an hourly cron, rate() with and
 * without a start, and a fire time DST skips. */
#include "support/testreg.h"

#include "sched/due.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WEEKLY "cron(0 2 ? * SUN *)"
#define HOURS(n) ((long)(n)*3600)

static const char *s_skip(void)
{
    if (access("/usr/share/zoneinfo/Europe/Berlin", R_OK) != 0)
        return "no /usr/share/zoneinfo/Europe/Berlin: install tzdata";
    return NULL;
}

/* "2026-11-22 01:00:20" (UTC, seconds optional) as epoch seconds. */
static time_t s_at(const char *utc)
{
    struct tm tm = {0};
    if (sscanf(utc, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) < 5)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

static struct schedule *s_sched(const char *expr, const char *zone, double start)
{
    struct schedule *s = NULL;
    struct drh_err err;
    if (schedule_parse(expr, zone, start, &s, NULL, &err) != DRH_OK)
        TEST_FAILF("'%s' refused: %s", expr, err.msg);
    return s;
}

/* Decides with s; last_started NULL: no history. */
static struct due_result s_decide(const struct schedule *s, long window, const char *now,
                                  const char *last_started, const char *last_scheduled)
{
    struct due_input in = {s, window, s_at(now), last_started != NULL, 0, 0};
    struct due_result out;
    if (last_started)
        in.last_started = s_at(last_started);
    if (last_scheduled)
        in.last_scheduled = s_at(last_scheduled);
    due_decide(&in, &out);
    return out;
}

static void test_cron_due_in_window(void)
{
    struct schedule *s = s_sched(WEEKLY, "Europe/Berlin", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    struct due_result r = s_decide(s, HOURS(8), "2026-11-22 03:00", NULL, NULL);
    CU_ASSERT_TRUE(r.due);
    CU_ASSERT_EQUAL(r.scheduled_for, s_at("2026-11-22 01:00"));
    CU_ASSERT_EQUAL(r.window_end, s_at("2026-11-22 09:00"));
    CU_ASSERT_EQUAL(r.next, s_at("2026-11-29 01:00"));
    CU_ASSERT_STRING_EQUAL(r.reason,
                           "due: scheduled 2026-11-22 02:00 CET (01:00Z), may start until 09:00Z");
    /* a run for last week's fire time does not count for this one */
    r = s_decide(s, HOURS(8), "2026-11-22 08:59", "2026-11-15 01:02", "2026-11-15 01:00");
    CU_ASSERT_TRUE(r.due);
    CU_ASSERT_EQUAL(r.scheduled_for, s_at("2026-11-22 01:00"));
    /* the window may end on the next UTC day */
    r = s_decide(s, HOURS(23), "2026-11-22 20:00", NULL, NULL);
    CU_ASSERT_TRUE(r.due);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "may start until 2026-11-23 00:00Z"));
    /* no window of its own: until the next fire time */
    r = s_decide(s, 0, "2026-11-28 12:00", NULL, NULL);
    CU_ASSERT_TRUE(r.due);
    CU_ASSERT_EQUAL(r.window_end, s_at("2026-11-29 01:00"));
    schedule_free(s);
}

static void test_cron_already_ran(void)
{
    struct schedule *s = s_sched(WEEKLY, "Europe/Berlin", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    struct due_result r =
        s_decide(s, HOURS(8), "2026-11-22 05:00", "2026-11-22 01:03", "2026-11-22 01:00");
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_EQUAL(r.scheduled_for, 0);
    CU_ASSERT_EQUAL(r.next, s_at("2026-11-29 01:00"));
    CU_ASSERT_STRING_EQUAL(r.reason, "not due: ran 2026-11-22 01:03Z for 2026-11-22 02:00 CET "
                                     "(01:00Z); next 2026-11-29 02:00 CET (01:00Z)");
    /* a manual run after the fire time counts */
    r = s_decide(s, HOURS(8), "2026-11-22 05:00", "2026-11-22 01:30", NULL);
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "not due: ran 2026-11-22 01:30Z (manual run) after"));
    /* a run made for this fire time counts even when it started early */
    r = s_decide(s, HOURS(8), "2026-11-22 05:00", "2026-11-22 00:59", "2026-11-22 01:00");
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "not due: ran"));
    /* after the window closed a run still reads as ran, not missed */
    r = s_decide(s, HOURS(8), "2026-11-23 12:00", "2026-11-22 01:03", "2026-11-22 01:00");
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "not due: ran"));
    schedule_free(s);
}

static void test_cron_missed_and_not_yet(void)
{
    struct schedule *s = s_sched(WEEKLY, "Europe/Berlin", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    struct due_result r = s_decide(s, HOURS(8), "2026-11-22 09:00", NULL, NULL);
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_EQUAL(r.window_end, s_at("2026-11-22 09:00"));
    CU_ASSERT_STRING_EQUAL(r.reason, "not due: missed 2026-11-22 02:00 CET (01:00Z), its window "
                                     "closed at 09:00Z; next 2026-11-29 02:00 CET (01:00Z)");
    /* Sunday 2026-03-29 02:00 does not exist in Berlin: the last fire time is
     * the week before, long missed, and the next is a week later */
    r = s_decide(s, HOURS(8), "2026-03-29 05:00", NULL, NULL);
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "missed 2026-03-22 02:00 CET (01:00Z)"));
    CU_ASSERT_EQUAL(r.next, s_at("2026-04-05 00:00"));
    schedule_free(s);
    /* a start in the future: no fire time yet */
    s = s_sched(WEEKLY, "Europe/Berlin", (double)s_at("2026-12-01 00:00"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    r = s_decide(s, HOURS(8), "2026-11-22 03:00", NULL, NULL);
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_EQUAL(r.next, s_at("2026-12-06 01:00"));
    CU_ASSERT_STRING_EQUAL(r.reason, "not due: no fire time yet; next 2026-12-06 02:00 CET "
                                     "(01:00Z)");
    schedule_free(s);
    /* only past years: nothing next */
    s = s_sched("cron(0 0 1 1 ? 2025)", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    r = s_decide(s, HOURS(8), "2026-11-22 03:00", NULL, NULL);
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_EQUAL(r.next, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "not due: missed 2025-01-01 00:00Z"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "no fire time within"));
    schedule_free(s);
}

/* An hourly cron's window ends at the next fire time, not 8 h later. */
static void test_cron_window_capped_by_next(void)
{
    struct schedule *s = s_sched("cron(0 * * * ? *)", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    struct due_result r = s_decide(s, HOURS(8), "2026-11-22 03:30", NULL, NULL);
    CU_ASSERT_TRUE(r.due);
    CU_ASSERT_EQUAL(r.scheduled_for, s_at("2026-11-22 03:00"));
    CU_ASSERT_EQUAL(r.window_end, s_at("2026-11-22 04:00"));
    CU_ASSERT_EQUAL(r.next, s_at("2026-11-22 04:00"));
    CU_ASSERT_STRING_EQUAL(r.reason, "due: scheduled 2026-11-22 03:00Z, may start until 04:00Z");
    schedule_free(s);
}

static void test_rate_with_start(void)
{
    struct schedule *s = s_sched("rate(1 day)", "Europe/Berlin", (double)s_at("2026-11-01 06:00"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    struct due_result r = s_decide(s, HOURS(2), "2026-11-22 07:00", NULL, NULL);
    CU_ASSERT_TRUE(r.due);
    CU_ASSERT_EQUAL(r.scheduled_for, s_at("2026-11-22 06:00"));
    CU_ASSERT_EQUAL(r.window_end, s_at("2026-11-22 08:00"));
    CU_ASSERT_EQUAL(r.next, s_at("2026-11-23 06:00"));
    r = s_decide(s, HOURS(2), "2026-11-22 09:00", "2026-11-21 06:05", "2026-11-21 06:00");
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "not due: missed 2026-11-22 07:00 CET (06:00Z)"));
    r = s_decide(s, HOURS(2), "2026-10-30 09:00", NULL, NULL);
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_EQUAL(r.next, s_at("2026-11-01 06:00"));
    schedule_free(s);
}

static void test_rate_without_start(void)
{
    struct schedule *s = s_sched("rate(7 days)", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    struct due_result r = s_decide(s, HOURS(8), "2026-11-10 01:00:42", NULL, NULL);
    CU_ASSERT_TRUE(r.due);
    CU_ASSERT_EQUAL(r.scheduled_for, s_at("2026-11-10 01:00"));
    CU_ASSERT_STRING_EQUAL(r.reason, "due: never run, rate(7 days)");
    /* from the last start to the minute: 01:00:20 + 7 days is due at 01:00:05 */
    r = s_decide(s, HOURS(8), "2026-11-17 01:00:05", "2026-11-10 01:00:20", NULL);
    CU_ASSERT_TRUE(r.due);
    CU_ASSERT_EQUAL(r.scheduled_for, s_at("2026-11-17 01:00"));
    CU_ASSERT_STRING_EQUAL(r.reason,
                           "due: last run 2026-11-10 01:00Z, rate(7 days) due since 2026-11-17 "
                           "01:00Z");
    r = s_decide(s, HOURS(8), "2026-11-17 00:59", "2026-11-10 01:00:20", NULL);
    CU_ASSERT_FALSE(r.due);
    CU_ASSERT_EQUAL(r.next, s_at("2026-11-17 01:00"));
    CU_ASSERT_EQUAL(r.scheduled_for, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "not due: last run 2026-11-10 01:00Z"));
    schedule_free(s);
}

static const struct test_case cases[] = {
    {"cron: due inside its start window", test_cron_due_in_window},
    {"cron: not due once it ran for the fire time", test_cron_already_ran},
    {"cron: missed window, no fire time yet, none next", test_cron_missed_and_not_yet},
    {"cron: the window ends at the next fire time", test_cron_window_capped_by_next},
    {"rate with a start: fixed times and window", test_rate_with_start},
    {"rate without a start: from the last run", test_rate_without_start},
};
TEST_SUITE_FULL("due", cases, s_skip, NULL, NULL)
