/* Tests of drill schedules (harness/sched/schedule.h): the three spellings and
 * their refusals with offsets and hints, fire times of L / W / # / nL, Vixie's
 * dom-OR-dow, rate() with a start, and time zones against the real tz
 * database with EventBridge's DST rules. Every expected UTC time was checked
 * with python3 zoneinfo (fold=0 for the first occurrence of a repeated time). */
#include "support/testreg.h"

#include "mem.h"
#include "sched/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *s_skip(void)
{
    if (access("/usr/share/zoneinfo/Europe/Berlin", R_OK) != 0)
        return "no /usr/share/zoneinfo/Europe/Berlin: install tzdata";
    return NULL;
}

/* "2026-03-28 01:30" (UTC) as epoch seconds. */
static time_t s_at(const char *utc)
{
    struct tm tm = {0};
    if (sscanf(utc, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min) != 5)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

static struct schedule *s_parse(const char *expr, const char *zone, double start)
{
    struct schedule *s = NULL;
    struct drh_err err;
    size_t off = 0;
    drh_err_clear(&err);
    if (schedule_parse(expr, zone, start, &s, &off, &err) != DRH_OK)
        TEST_FAILF("'%s' in %s refused: %s (offset %zu)", expr, zone ? zone : "UTC", err.msg, off);
    return s;
}

/* The next n fire times after from are want[] (UTC, "2026-03-28 01:30Z"); and
 * prev agrees: prev(t_i) = t_i, prev(t_i - 1) = t_(i-1). */
static void s_expect(const char *expr, const char *zone, const char *from, const char *const *want,
                     size_t n)
{
    struct schedule *s = s_parse(expr, zone, 0);
    if (!s)
        return;
    time_t t = s_at(from), before = 0;
    for (size_t i = 0; i < n; i++) {
        char got[64] = "none";
        time_t p = 0;
        if (schedule_next(s, t, &t))
            schedule_format_utc(t, got, sizeof got);
        if (strcmp(got, want[i]) != 0) {
            TEST_FAILF("%s in %s: fire %zu after %s is %s, want %s", expr, zone, i, from, got,
                       want[i]);
            break;
        }
        if (strcmp(got, "none") == 0)
            break;
        CU_ASSERT_TRUE(schedule_prev(s, t, &p) && p == t);
        if (i > 0 && (!schedule_prev(s, t - 1, &p) || p != before))
            TEST_FAILF("%s: prev before %s is not the fire before", expr, got);
        before = t;
    }
    schedule_free(s);
}

#define EXPECT(expr, zone, from, ...)                                                              \
    do {                                                                                           \
        static const char *const want_[] = {__VA_ARGS__};                                          \
        s_expect(expr, zone, from, want_, sizeof want_ / sizeof want_[0]);                         \
    } while (0)

static void test_parse_valid(void)
{
    static const char *const ok[] = {
        "cron(0 2 ? * SUN *)",
        "cron(0/15 * * * ? *)",
        "cron(5-20/5 * * * ? *)",
        "cron(*/10 * * * ? *)",
        "cron(0 3 1 1,4,7,10 ? *)",
        "cron(0 3 L * ? *)",
        "cron(0 3 L-3 * ? *)",
        "cron(0 3 15W * ? *)",
        "cron(0 3 LW * ? *)",
        "cron(0 2 ? * 6L *)",
        "cron(0 2 ? * 2#1 *)",
        "cron(0 2 ? jan-mar mon-fri 2026-2030)",
        "cron(0 2 ? * L *)",
        "cron(0 2 1 * ? 2026/2)",
        "cron(0 18 ? * MON-FRI *)",
        "CRON(0 2 ? * sun *)",
        "  cron( 0 2 ? * SUN * )  ",
        "cron(0 2 ? * FRIL,2#1 *)",
        "*/15 * * * *",
        "0 2 * * 0",
        "0 2 * * 7",
        "30 2 * * mon-fri",
        "0 0 13 * 5",
        "0 0 1 jan,jul *",
        "5-55/10 1-5/2 * * *",
        "0 0 */10 * 1",
        "@daily",
        "@hourly",
        "@weekly",
        "@monthly",
        "@yearly",
        "@annually",
        "@midnight",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct schedule *s = s_parse(ok[i], NULL, 0);
        time_t t;
        if (!s)
            continue;
        CU_ASSERT_TRUE(schedule_next(s, s_at("2026-01-01 00:00"), &t));
        CU_ASSERT_EQUAL(schedule_rate_period(s), 0);
        CU_ASSERT_STRING_EQUAL(schedule_expression(s), ok[i]);
        CU_ASSERT_STRING_EQUAL(schedule_zone(s), "UTC");
        schedule_free(s);
    }
    static const struct {
        const char *expr;
        long period;
    } rates[] = {{"rate(1 minute)", 60},         {"rate(5 minutes)", 300}, {"rate(1 hour)", 3600},
                 {"rate(12 hours)", 43200},      {"rate(1 day)", 86400},   {"rate(7 days)", 604800},
                 {" rate( 90  Minutes ) ", 5400}};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        struct schedule *s = s_parse(rates[i].expr, "Europe/Berlin", 0);
        time_t t;
        if (!s)
            continue;
        CU_ASSERT_EQUAL(schedule_rate_period(s), rates[i].period);
        CU_ASSERT_FALSE(schedule_has_start(s));
        CU_ASSERT_FALSE(schedule_next(s, 0, &t) || schedule_prev(s, s_at("2026-01-01 00:00"), &t));
        CU_ASSERT_STRING_EQUAL(schedule_zone(s), "Europe/Berlin");
        schedule_free(s);
    }
}

static void test_parse_invalid(void)
{
    static const struct {
        const char *expr;
        size_t offset;
        const char *msg;  /* part of the message */
        const char *hint; /* part of the hint */
    } bad[] = {
        {"cron(0 2 ? * MOX *)", 13, "day-of-week field 'MOX' is not a day (SUN-SAT or 1-7)",
         "cron(0 2 ? * MON-FRI *)"},
        {"cron(60 2 ? * SUN *)", 5, "minute field '60' is not a minute (0-59)", "cron("},
        {"cron(0 24 ? * SUN *)", 7, "hour field '24' is not an hour", "cron("},
        {"cron(0 2 32 * ? *)", 9, "day-of-month field '32'", "cron("},
        {"cron(0 2 1 13 ? *)", 11, "month field '13' is not a month", "JAN"},
        {"cron(0 2 ? JANUARY SUN *)", 11, "month field 'JANUARY'", "cron("},
        {"cron(0 2 ? * 8 *)", 13, "day-of-week field '8'", "cron("},
        {"cron(0 2 ? * SUN 2200)", 17, "year field '2200' is not a year (1970-2199)", "cron("},
        {"cron(0 2 * * * *)", 13, "are both given", "'?' in exactly one"},
        {"cron(0 2 1 * MON *)", 13, "day-of-month '1' and day-of-week 'MON' are both given",
         "cron(0 2 ? * MON *)"},
        {"cron(0 2 ? * ? *)", 13, "are both '?'", "cron(0 2 * * ? *)"},
        {"cron(0 2 ? * SUN)", 16, "needs 6 fields", "add the year: cron(0 2 ? * SUN *)"},
        {"cron(0 2 ? * SUN * 1)", 19, "got 7", "cron("},
        {"cron(0 2 ? * SUN *", 18, "not closed", "cron("},
        {"cron(0 2 ? * SUN *) x", 20, "unexpected text 'x'", "cron("},
        {"cron(*/0 * ? * SUN *)", 7, "minute field '*/0' has a bad step", "cron("},
        {"cron(0/90 * ? * SUN *)", 7, "bad step", "cron("},
        {"cron(5x * ? * SUN *)", 5, "minute field '5x'", "cron("},
        {"cron(0 20-5 ? * SUN *)", 7, "hour field '20-5' is a reversed range", "two ranges"},
        {"cron(0 2 ? * FRI-MON *)", 13, "reversed range", "cron("},
        {"cron(0 2 ? * 2#6 *)", 15, "week of the month", "2#1"},
        {"cron(0 2 ? * 1L,5#0 *)", 18, "'0' is not a week", "cron("},
        {"cron(0 2 L-31 * ? *)", 9, "'L-31' is not L-n", "cron(0 3 L * ? *)"},
        {"cron(0 2 LX * ? *)", 9, "day-of-month field 'LX'", "cron("},
        {"cron(0 2 32W * ? *)", 9, "day-of-month field '32'", "15W"},
        {"cron(0 2 1,,15 * ? *)", 9, "has an empty item", "cron("},
        {"cron(0 ? * * ? *)", 7, "hour field '?' cannot be '?'", "cron("},
        {"cron(0 2 ?,1 * ? *)", 9, "only alone", "cron("},
        {"cron(0 0 30 2 ? *)", 0, "never fires", "cron(0 0 L 2 ? *)"},
        {"  cron(0 0 31 4,6,9,11 ? *)", 2, "never fires", "30"},
        {"cron(0 0 ? 2 5#5 2026-2031)", 0, "never fires", "February"},
        {"rate(1 minutes)", 7, "rate unit 'minutes' must be singular", "rate(1 minute)"},
        {"rate(5 minute)", 7, "must be plural", "rate(5 minutes)"},
        {"rate(2 Day)", 7, "must be plural", "rate(2 days)"},
        {"rate(0 days)", 5, "rate value '0' is not a positive whole number", "rate(7 days)"},
        {"rate(-1 days)", 5, "rate value '-1'", "rate("},
        {"rate(1.5 hours)", 5, "rate value '1.5'", "rate("},
        {"rate(7 weeks)", 7, "rate unit 'weeks' is not minute(s), hour(s) or day(s)", "7 days"},
        {"rate(7)", 6, "rate unit ''", "rate(7 days)"},
        {"rate(7 days", 11, "not closed", "rate("},
        {"rate(7 days now)", 12, "unexpected text 'now'", "rate("},
        {"rate(99999999 days)", 5, "too large", "rate("},
        {"0 2 ? * SUN", 4, "'?' needs cron(...)", "e.g. '0 3 1,15 * *'"},
        {"0 2 ? * SUN *", 12, "a cron line needs 5 fields", "cron(0 2 ? * SUN *)"},
        {"0 2 * *", 7, "got 4", "rate(7 days)"},
        {"0 2 * * 8", 8, "day-of-week field '8' is not a day (SUN-SAT or 0-7)", "MON-FRI"},
        {"0 2 * * MON-", 12, "day-of-week field ''", "MON-FRI"},
        {"0 2 L * *", 4, "day-of-month field 'L'", "0 3 1,15 * *"},
        {"@reboot", 0, "'@reboot' is not a schedule shorthand", "@daily"},
        {"", 0, "is empty", "rate(7 days)"},
        {"   ", 0, "is empty", "cron("},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct schedule *s = NULL;
        struct drh_err err;
        size_t off = 999;
        drh_err_clear(&err);
        enum drh_status st = schedule_parse(bad[i].expr, NULL, 0, &s, &off, &err);
        if (st != DRH_E_INPUT || s) {
            TEST_FAILF("'%s' accepted", bad[i].expr);
            schedule_free(s);
            continue;
        }
        if (off != bad[i].offset || !strstr(err.msg, bad[i].msg) || !strstr(err.hint, bad[i].hint))
            TEST_FAILF("'%s': offset %zu (want %zu), '%s' / hint '%s'", bad[i].expr, off,
                       bad[i].offset, err.msg, err.hint);
    }
    CU_ASSERT_TRUE(sizeof bad / sizeof bad[0] >= 25);
}

static void test_zone_check(void)
{
    struct drh_err err;
    struct schedule *s = NULL;
    size_t off = 9;
    CU_ASSERT_EQUAL(schedule_check_zone(NULL, &err), DRH_OK);
    CU_ASSERT_EQUAL(schedule_check_zone("", &err), DRH_OK);
    CU_ASSERT_EQUAL(schedule_check_zone("UTC", &err), DRH_OK);
    CU_ASSERT_EQUAL(schedule_check_zone("America/Argentina/Buenos_Aires", &err), DRH_OK);
    CU_ASSERT_EQUAL(schedule_check_zone("Etc/GMT+5", &err), DRH_OK);
    static const char *const unknown[] = {"Europe/Berln", "Europe", "Mars/Olympus"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CU_ASSERT_EQUAL(schedule_check_zone(unknown[i], &err), DRH_E_INPUT);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is unknown"));
        CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "Europe/Berlin"));
    }
    static const char *const unsafe[] = {"../../etc/passwd", "/etc/localtime", "Europe/../UTC",
                                         "Europe/Berlin/",   "Europe/Ber lin", "$HOME"};
    for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++) {
        CU_ASSERT_EQUAL(schedule_check_zone(unsafe[i], &err), DRH_E_INPUT);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is not an IANA zone name"));
    }
    CU_ASSERT_EQUAL(schedule_parse("rate(1 day)", "Europe/Berln", 0, &s, &off, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_EQUAL(off, 0);
    CU_ASSERT_EQUAL(schedule_parse("rate(1 day)", NULL, -5, &s, &off, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "start"));
    CU_ASSERT_EQUAL(schedule_parse(NULL, NULL, 0, &s, &off, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is empty"));
    /* only 2025 and a start in 2026: never */
    CU_ASSERT_EQUAL(schedule_parse(" cron(0 0 1 1 ? 2025)", NULL, 1767225600.0, &s, &off, &err),
                    DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "never fires: no day of 2026-2199"));
    CU_ASSERT_EQUAL(off, 1);
    CU_ASSERT_PTR_NULL(s);
}

/* A zone found through TZDIR (a folder with one link to Berlin's file) reads
 * as Berlin; TZ is left as it was, set or unset. */
static void test_zone_tzdir_and_tz_restored(void)
{
    char dir[] = "/tmp/drh-tzdir-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char *sub = xasprintf("%s/Test", dir), *link = xasprintf("%s/Test/Zone", dir);
    CU_ASSERT_EQUAL(mkdir(sub, 0700), 0);
    CU_ASSERT_EQUAL(symlink("/usr/share/zoneinfo/Europe/Berlin", link), 0);
    char *old_tzdir = getenv("TZDIR") ? xstrdup(getenv("TZDIR")) : NULL;
    char *old_tz = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
    setenv("TZDIR", dir, 1);
    struct drh_err err;
    CU_ASSERT_EQUAL(schedule_check_zone("Europe/Berlin", &err), DRH_E_INPUT);
    struct schedule *s = s_parse("cron(30 2 * * ? *)", "Test/Zone", 0);
    setenv("TZ", "America/New_York", 1);
    time_t t = 0;
    char buf[64];
    CU_ASSERT_TRUE(s && schedule_next(s, s_at("2026-03-28 00:00"), &t));
    CU_ASSERT_EQUAL(t, s_at("2026-03-28 01:30"));
    CU_ASSERT_STRING_EQUAL(getenv("TZ"), "America/New_York");
    unsetenv("TZ");
    CU_ASSERT_TRUE(s && schedule_next(s, t, &t));
    CU_ASSERT_EQUAL(t, s_at("2026-03-30 00:30"));
    if (s)
        schedule_format(s, t, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2026-03-30 02:30 CEST (00:30Z)");
    CU_ASSERT_PTR_NULL(getenv("TZ"));
    schedule_free(s);
    if (old_tz)
        setenv("TZ", old_tz, 1);
    if (old_tzdir)
        setenv("TZDIR", old_tzdir, 1);
    else
        unsetenv("TZDIR");
    tzset();
    unlink(link);
    rmdir(sub);
    rmdir(dir);
    free(link);
    free(sub);
    free(old_tz);
    free(old_tzdir);
}

static void test_match_weekly_quarterly(void)
{
    EXPECT("cron(0 2 ? * SUN *)", NULL, "2026-01-01 00:00", "2026-01-04 02:00Z",
           "2026-01-11 02:00Z", "2026-01-18 02:00Z");
    EXPECT("cron(0 3 1 1,4,7,10 ? *)", NULL, "2026-01-01 03:00", "2026-04-01 03:00Z",
           "2026-07-01 03:00Z", "2026-10-01 03:00Z", "2027-01-01 03:00Z");
    EXPECT("cron(0 3 1 JAN,APR,JUL,OCT ? *)", NULL, "2028-02-10 00:00", "2028-04-01 03:00Z");
    EXPECT("cron(5-20/5 9 * * ? *)", NULL, "2026-01-01 00:00", "2026-01-01 09:05Z",
           "2026-01-01 09:10Z", "2026-01-01 09:15Z", "2026-01-01 09:20Z", "2026-01-02 09:05Z");
    EXPECT("cron(0 0 1 1 ? 2027,2029)", NULL, "2026-06-01 00:00", "2027-01-01 00:00Z",
           "2029-01-01 00:00Z", "none");
    EXPECT("cron(0 12 29 2 ? *)", NULL, "2096-03-01 00:00", "2104-02-29 12:00Z");
    EXPECT("@weekly", NULL, "2026-01-01 00:00", "2026-01-04 00:00Z", "2026-01-11 00:00Z");
    EXPECT("0 2 * * 7", NULL, "2026-01-01 00:00", "2026-01-04 02:00Z", "2026-01-11 02:00Z");
}

static void test_match_last_and_weekday(void)
{
    EXPECT("cron(0 0 L * ? *)", NULL, "2026-01-15 00:00", "2026-01-31 00:00Z", "2026-02-28 00:00Z",
           "2026-03-31 00:00Z", "2026-04-30 00:00Z");
    EXPECT("cron(0 0 L 2 ? *)", NULL, "2027-06-01 00:00", "2028-02-29 00:00Z", "2029-02-28 00:00Z");
    EXPECT("cron(0 0 L-2 * ? *)", NULL, "2026-01-01 00:00", "2026-01-29 00:00Z",
           "2026-02-26 00:00Z", "2026-03-29 00:00Z");
    /* 2026-03-15 is a Sunday, 2026-08-15 a Saturday */
    EXPECT("cron(0 0 15W * ? *)", NULL, "2026-02-01 00:00", "2026-02-16 00:00Z",
           "2026-03-16 00:00Z", "2026-04-15 00:00Z");
    EXPECT("cron(0 0 15W * ? *)", NULL, "2026-08-01 00:00", "2026-08-14 00:00Z");
    /* 1W stays in the month: Saturday 2026-08-01 gives Monday the 3rd */
    EXPECT("cron(0 0 1W * ? *)", NULL, "2026-07-02 00:00", "2026-08-03 00:00Z");
    /* 31W: only months with a 31st; Saturday 2026-01-31 gives Friday the 30th */
    EXPECT("cron(0 0 31W * ? *)", NULL, "2026-01-01 00:00", "2026-01-30 00:00Z",
           "2026-03-31 00:00Z", "2026-05-29 00:00Z", "2026-07-31 00:00Z");
    EXPECT("cron(0 0 LW * ? *)", NULL, "2026-01-01 00:00", "2026-01-30 00:00Z", "2026-02-27 00:00Z",
           "2026-03-31 00:00Z", "2026-04-30 00:00Z", "2026-05-29 00:00Z");
}

static void test_match_nth_and_last_weekday(void)
{
    EXPECT("cron(0 0 ? * 2#1 *)", NULL, "2026-01-01 00:00", "2026-01-05 00:00Z",
           "2026-02-02 00:00Z", "2026-03-02 00:00Z", "2026-04-06 00:00Z");
    EXPECT("cron(0 0 ? * FRI#5 *)", NULL, "2026-01-01 00:00", "2026-01-30 00:00Z",
           "2026-05-29 00:00Z", "2026-07-31 00:00Z", "2026-10-30 00:00Z");
    EXPECT("cron(0 0 ? * 6L *)", NULL, "2026-01-01 00:00", "2026-01-30 00:00Z", "2026-02-27 00:00Z",
           "2026-03-27 00:00Z", "2026-04-24 00:00Z");
    EXPECT("cron(0 0 ? * L *)", NULL, "2026-01-01 00:00", "2026-01-03 00:00Z", "2026-01-10 00:00Z");
}

/* Vixie: dom and dow both restricted fire on either; a field starting with
 * '*' (a step over it too) makes it both. */
static void test_match_classic_or(void)
{
    EXPECT("0 0 13 * 5", NULL, "2026-01-01 00:00", "2026-01-02 00:00Z", "2026-01-09 00:00Z",
           "2026-01-13 00:00Z", "2026-01-16 00:00Z", "2026-01-23 00:00Z");
    EXPECT("0 0 */10 * 1", NULL, "2026-01-01 00:00", "2026-05-11 00:00Z", "2026-06-01 00:00Z",
           "2026-08-31 00:00Z");
    EXPECT("0 0 13 * *", NULL, "2026-01-01 00:00", "2026-01-13 00:00Z", "2026-02-13 00:00Z");
    EXPECT("*/20 1-2 * * MON-FRI", NULL, "2026-01-02 01:50", "2026-01-02 02:00Z",
           "2026-01-02 02:20Z", "2026-01-02 02:40Z", "2026-01-05 01:00Z");
}

static void test_rate_and_start(void)
{
    /* start 2026-01-01 00:00:30 rounds up to the minute */
    struct schedule *s = s_parse("rate(7 days)", "Europe/Berlin", 1767225630.0);
    time_t t = 0;
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_TRUE(schedule_has_start(s));
    CU_ASSERT_TRUE(schedule_next(s, s_at("2025-12-01 00:00"), &t));
    CU_ASSERT_EQUAL(t, s_at("2026-01-01 00:01"));
    CU_ASSERT_FALSE(schedule_prev(s, s_at("2025-12-31 00:00"), &t));
    CU_ASSERT_TRUE(schedule_prev(s, s_at("2026-01-20 00:00"), &t));
    CU_ASSERT_EQUAL(t, s_at("2026-01-15 00:01"));
    CU_ASSERT_TRUE(schedule_next(s, t, &t));
    CU_ASSERT_EQUAL(t, s_at("2026-01-22 00:01"));
    schedule_free(s);
    /* a day is 24 h across spring forward: 02:00 CET becomes 03:00 CEST */
    s = s_parse("rate(1 day)", "Europe/Berlin", (double)s_at("2026-03-28 01:00"));
    char buf[64] = "";
    CU_ASSERT_TRUE(s && schedule_next(s, s_at("2026-03-28 01:00"), &t));
    CU_ASSERT_EQUAL(t, s_at("2026-03-29 01:00"));
    if (s)
        schedule_format(s, t, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2026-03-29 03:00 CEST (01:00Z)");
    schedule_free(s);
    /* a cron's start: nothing before it */
    s = s_parse("cron(0 2 ? * SUN *)", NULL, (double)s_at("2026-01-10 00:00"));
    CU_ASSERT_FALSE(s && schedule_prev(s, s_at("2026-01-09 00:00"), &t));
    CU_ASSERT_TRUE(s && schedule_next(s, s_at("2026-01-01 00:00"), &t));
    CU_ASSERT_EQUAL(t, s_at("2026-01-11 02:00"));
    CU_ASSERT_FALSE(s && schedule_prev(s, s_at("2026-01-11 01:59"), &t));
    schedule_free(s);
}

/* Spring forward skips a missing local time; fall back fires once, first. */
static void test_tz_berlin(void)
{
    EXPECT("cron(30 2 * * ? *)", "Europe/Berlin", "2026-03-27 12:00", "2026-03-28 01:30Z",
           "2026-03-30 00:30Z", "2026-03-31 00:30Z");
    EXPECT("cron(30 2 * * ? *)", "Europe/Berlin", "2026-10-24 12:00", "2026-10-25 00:30Z",
           "2026-10-26 01:30Z");
    /* the repeated hour's second pass (01:00Z-01:59Z) does not fire */
    EXPECT("cron(0/15 * * * ? *)", "Europe/Berlin", "2026-10-24 23:50", "2026-10-25 00:00Z",
           "2026-10-25 00:15Z", "2026-10-25 00:30Z", "2026-10-25 00:45Z", "2026-10-25 02:00Z",
           "2026-10-25 02:15Z");
    /* 02:00 on Sunday 2026-03-29 does not exist: the weekly skips to April */
    EXPECT("cron(0 2 ? * SUN *)", "Europe/Berlin", "2026-03-22 12:00", "2026-04-05 00:00Z");
    EXPECT("0 2 * * *", "Europe/Berlin", "2026-03-28 12:00", "2026-03-30 00:00Z");
    struct schedule *s = s_parse("cron(0/15 * * * ? *)", "Europe/Berlin", 0);
    time_t t = 0;
    CU_ASSERT_TRUE(s && schedule_prev(s, s_at("2026-10-25 01:30"), &t));
    CU_ASSERT_EQUAL(t, s_at("2026-10-25 00:45"));
    char buf[64] = "";
    if (s)
        schedule_format(s, s_at("2026-03-29 01:30"), buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2026-03-29 03:30 CEST (01:30Z)");
    schedule_free(s);
}

static void test_tz_other_zones(void)
{
    EXPECT("cron(30 2 * * ? *)", "America/New_York", "2026-03-07 00:00", "2026-03-07 07:30Z",
           "2026-03-09 06:30Z");
    EXPECT("cron(30 1 * * ? *)", "America/New_York", "2026-10-31 00:00", "2026-10-31 05:30Z",
           "2026-11-01 05:30Z", "2026-11-02 06:30Z");
    /* southern hemisphere: DST ends 2026-04-05 03:00 AEDT, starts 2026-10-04 02:00 */
    EXPECT("cron(30 2 * * ? *)", "Australia/Sydney", "2026-04-04 00:00", "2026-04-04 15:30Z",
           "2026-04-05 16:30Z");
    EXPECT("cron(30 2 * * ? *)", "Australia/Sydney", "2026-10-02 12:00", "2026-10-02 16:30Z",
           "2026-10-04 15:30Z");
    EXPECT("cron(0 9 * * ? *)", "Asia/Kolkata", "2026-03-28 12:00", "2026-03-29 03:30Z",
           "2026-03-30 03:30Z");
    /* Lord Howe moves 30 minutes: 01:30-01:59 repeats on 2026-04-05, 02:00-02:29
     * is skipped on 2026-10-04 */
    EXPECT("cron(45 1 * * ? *)", "Australia/Lord_Howe", "2026-04-04 00:00", "2026-04-04 14:45Z",
           "2026-04-05 15:15Z");
    EXPECT("cron(15 2 * * ? *)", "Australia/Lord_Howe", "2026-10-02 12:00", "2026-10-02 15:45Z",
           "2026-10-04 15:15Z");
    char buf[80] = "";
    struct schedule *s = s_parse("cron(30 2 * * ? *)", "Australia/Sydney", 0);
    if (s)
        schedule_format(s, s_at("2026-04-04 15:30"), buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2026-04-05 02:30 AEDT (2026-04-04 15:30Z)");
    schedule_free(s);
    s = s_parse("rate(1 hour)", NULL, 0);
    if (s)
        schedule_format(s, s_at("2026-03-29 01:30") + 59, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2026-03-29 01:30Z");
    schedule_free(s);
}

static const struct test_case cases[] = {
    {"valid expressions of the three spellings parse", test_parse_valid},
    {"invalid expressions are refused with offset and hint", test_parse_invalid},
    {"zone names, start and never-firing crons are checked", test_zone_check},
    {"TZDIR is respected and TZ restored", test_zone_tzdir_and_tz_restored},
    {"weekly, quarterly, steps, years, leap days", test_match_weekly_quarterly},
    {"L, L-n, nW, LW in day-of-month", test_match_last_and_weekday},
    {"n#k and nL in day-of-week", test_match_nth_and_last_weekday},
    {"classic lines: Vixie's dom-or-dow", test_match_classic_or},
    {"rate() with a start, and starts", test_rate_and_start},
    {"Europe/Berlin spring forward and fall back", test_tz_berlin},
    {"New York, Sydney, Kolkata, Lord Howe", test_tz_other_zones},
};
TEST_SUITE_FULL("schedule", cases, s_skip, NULL, NULL)
