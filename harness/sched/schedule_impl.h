/*
 * Inside a schedule (schedule.h): the parsed cron fields as bit sets, shared
 * by the parser (schedule.c, schedule_cron.c) and the time search
 * (schedule_time.c), and the civil-calendar arithmetic they both use.
 */
#ifndef DRH_SCHEDULE_IMPL_H
#define DRH_SCHEDULE_IMPL_H

#include "sched/schedule.h"

#include <stdint.h>

#define CRON_YEAR_MIN 1970
#define CRON_YEAR_MAX 2199

/* A cron expression; day-of-week bits are 0 = Sunday .. 6 = Saturday. */
struct cron_spec {
    bool classic;             /* 5-field line: Vixie's dom-OR-dow rule applies */
    uint64_t minutes;         /* bits 0-59 */
    uint32_t hours;           /* bits 0-23 */
    uint32_t months;          /* bits 1-12 */
    uint64_t years[4];        /* bit (year - CRON_YEAR_MIN) */
    bool dom_none;            /* aws: dom is '?' */
    bool dow_none;            /* aws: dow is '?' */
    bool dom_star;            /* classic: the field starts with '*' */
    bool dow_star;            /* classic: the field starts with '*' */
    uint32_t dom;             /* bits 1-31 */
    bool dom_last;            /* L */
    bool dom_last_wday;       /* LW: the last weekday (MON-FRI) of the month */
    uint32_t dom_before_last; /* L-n: bit n, 1-30 */
    uint32_t dom_near_wday;   /* nW: bit n, the weekday nearest the n-th */
    uint8_t dow;              /* bits 0-6 */
    uint8_t dow_last;         /* nL: the last such day of the month */
    uint8_t dow_nth[5];       /* n#k: dow_nth[k - 1] bit n */
};

struct schedule {
    char *expression;
    char *zone; /* "UTC" when none given */
    bool utc;   /* no TZ switching needed */
    bool is_rate;
    long period; /* rate: seconds */
    bool has_start;
    time_t start; /* whole minute */
    struct cron_spec cron;
};

/* Parses the fields of an AWS cron( ) body or a classic line into spec.
 * text is the whole expression (for offsets), [from, to) the fields. */
enum drh_status cron_parse_fields(const char *text, size_t from, size_t to, bool classic,
                                  struct cron_spec *spec, size_t *err_offset, struct drh_err *err);

/* Does the civil day (y, m 1-12, d) match the spec's day, month and year? */
bool cron_day_matches(const struct cron_spec *c, int y, int m, int d);

/* Civil calendar (proleptic Gregorian), days since 1970-01-01. */
int64_t civil_to_days(int64_t y, int m, int d);
void civil_from_days(int64_t z, int64_t *y, int *m, int *d);
int civil_weekday(int64_t z); /* 0 = Sunday */
int civil_days_in_month(int64_t y, int m);

#endif
