/*
 * Is a scheduled drill due now? The decision behind `drh due` and
 * `drh run --due`, from the drill's schedule, its start window and its newest
 * run, with one line for humans saying why. Pure given its input (the clock
 * is a parameter); the schedule's zone goes through TZ, so main thread only
 * (schedule.h).
 *
 * cron, or rate() with a start: F = the newest fire time <= now. A run that
 * started at or after F, or one made for F, means it ran; else it is due
 * until window_end = min(F + start_window, the fire time after F), and missed
 * after. rate() without a start: due when never run, else from the newest
 * run's start (to the minute) + period on.
 */
#ifndef DRH_DUE_H
#define DRH_DUE_H

#include "sched/schedule.h"

#include <stdbool.h>
#include <time.h>

struct due_input {
    const struct schedule *s;
    long start_window; /* seconds; the drill file's (default 8 h); <= 0: until the next */
    time_t now;
    bool has_last;         /* the drill's history has a run */
    time_t last_started;   /* the newest run's start */
    time_t last_scheduled; /* the fire time it ran for; 0 = a manual run */
};

struct due_result {
    bool due;
    time_t scheduled_for; /* the fire time the run is for; 0 none */
    time_t window_end;    /* until when it may start; 0 none (rate() without start) */
    time_t next;          /* the next fire time after now; 0 none or unknown */
    char reason[300];     /* one line: "due: scheduled 2026-11-22 02:00 CET (01:00Z), may
                           * start until 09:00Z", "not due: ran ...", "not due: missed ...",
                           * "not due: next ...", "due: never run, rate(7 days)" */
};

void due_decide(const struct due_input *in, struct due_result *out);

#endif
