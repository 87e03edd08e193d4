/*
 * Waiting on AWS: poll with backoff (1 s growing to max_interval), a
 * heartbeat progress line while it takes long, a deadline, and an early end
 * when the run is interrupted (SIGINT/SIGTERM).
 */
#ifndef DRH_WAIT_H
#define DRH_WAIT_H
#include "buf.h"
#include "err.h"
#include <stdbool.h>

/* One poll: sets *done when the wait is over and writes a short status
 * ("RUNNING 45%") into status for the heartbeat. A non-OK return ends the
 * wait with that error. */
typedef enum drh_status (*wait_poll_fn)(void *ctx, bool *done, struct buf *status,
                                        struct drh_err *err);

struct wait_options {
    const char *drill, *resource, *phase; /* for progress lines */
    const char *what;        /* "copy job 1234" for messages */
    double deadline;         /* monotonic seconds (progress_elapsed()); 0: none */
    double max_interval;     /* 0: 5 s */
    double heartbeat;        /* seconds between heartbeat lines; 0: 30 */
    int patience;            /* signals tolerated: 0 for run steps, 1 for teardown
                              * (the first signal ends a run's waits and starts
                              * teardown; the second ends teardown too) */
    const char *limit;       /* what set the deadline, for the hint: "timeouts.copy (6h)";
                              * NULL: the drill's timeout */
};

/* DRH_E_TIMEOUT when the deadline passes; DRH_E_INTERRUPTED when the run
 * is interrupted (an error, never a drill failure). */
enum drh_status wait_until(const struct wait_options *o, wait_poll_fn poll, void *ctx,
                           struct drh_err *err);
/* Sleeps up to seconds, returning early (false) when more than patience
 * signals came. */
bool wait_sleep(double seconds, int patience);

#endif
