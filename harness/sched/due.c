/*
 * The due decision (due.h): one pass over the rules, from the schedule's
 * newest fire time, the start window and the newest run, ending in a reason
 * line that names the times it used.
 */
#include "sched/due.h"

#include <stdio.h>
#include <string.h>

#define TIME_MAX_LEN 64

/* "; next 2026-11-29 02:00 CET (01:00Z)" or why there is none. */
static void s_next(const struct due_input *in, struct due_result *out, char *buf, size_t size)
{
    time_t t;
    char when[TIME_MAX_LEN];
    if (!schedule_next(in->s, in->now, &t)) {
        snprintf(buf, size, "; no fire time within %d days", SCHEDULE_SEARCH_DAYS);
        return;
    }
    out->next = t;
    schedule_format(in->s, t, when, sizeof when);
    snprintf(buf, size, "; next %s", when);
}

/* A window end: "09:00Z", with the date when it is not the fire time's UTC date. */
static void s_end(time_t f, time_t end, char *buf, size_t size)
{
    char a[TIME_MAX_LEN], b[TIME_MAX_LEN];
    schedule_format_utc(f, a, sizeof a);
    schedule_format_utc(end, b, sizeof b);
    snprintf(buf, size, "%s", strncmp(a, b, 10) == 0 ? b + 11 : b);
}

static void s_rate_unanchored(const struct due_input *in, struct due_result *out)
{
    const char *expr = schedule_expression(in->s);
    long period = schedule_rate_period(in->s);
    char last[TIME_MAX_LEN], when[TIME_MAX_LEN];
    if (!in->has_last) {
        out->due = true;
        out->scheduled_for = in->now / 60 * 60;
        snprintf(out->reason, sizeof out->reason, "due: never run, %s", expr);
        return;
    }
    /* To the minute: a job started each hour a few seconds late stays due. */
    time_t f = (in->last_started + period) / 60 * 60;
    schedule_format(in->s, in->last_started, last, sizeof last);
    schedule_format(in->s, f, when, sizeof when);
    if (in->now >= f) {
        out->due = true;
        out->scheduled_for = f;
        snprintf(out->reason, sizeof out->reason, "due: last run %s, %s due since %s", last, expr,
                 when);
        return;
    }
    out->next = f;
    snprintf(out->reason, sizeof out->reason, "not due: last run %s, %s next due %s", last, expr,
             when);
}

void due_decide(const struct due_input *in, struct due_result *out)
{
    memset(out, 0, sizeof *out);
    if (schedule_rate_period(in->s) > 0 && !schedule_has_start(in->s)) {
        s_rate_unanchored(in, out);
        return;
    }
    char next[TIME_MAX_LEN + 16], fire[TIME_MAX_LEN], ran[TIME_MAX_LEN], end[TIME_MAX_LEN];
    time_t f, after_f;
    s_next(in, out, next, sizeof next);
    if (!schedule_prev(in->s, in->now, &f)) {
        snprintf(out->reason, sizeof out->reason, "not due: no fire time yet%s", next);
        return;
    }
    schedule_format(in->s, f, fire, sizeof fire);
    bool has_end = in->start_window > 0;
    out->window_end = has_end ? f + in->start_window : 0;
    if (schedule_next(in->s, f, &after_f) && (!has_end || after_f < out->window_end)) {
        out->window_end = after_f;
        has_end = true;
    }
    if (in->has_last && (in->last_started >= f || in->last_scheduled == f)) {
        schedule_format_utc(in->last_started, ran, sizeof ran);
        snprintf(out->reason, sizeof out->reason, "not due: ran %s %s %s%s", ran,
                 in->last_scheduled == f   ? "for"
                 : in->last_scheduled == 0 ? "(manual run) after"
                                           : "after",
                 fire, next);
        return;
    }
    if (has_end)
        s_end(f, out->window_end, end, sizeof end);
    if (has_end && in->now >= out->window_end) {
        snprintf(out->reason, sizeof out->reason, "not due: missed %s, its window closed at %s%s",
                 fire, end, next);
        return;
    }
    out->due = true;
    out->scheduled_for = f;
    if (has_end)
        snprintf(out->reason, sizeof out->reason, "due: scheduled %s, may start until %s", fire,
                 end);
    else
        snprintf(out->reason, sizeof out->reason, "due: scheduled %s", fire);
}
