/*
 * Polling with backoff, heartbeats, deadlines and interruption (wait.h).
 * The interval stays short (at most 5 s by default) so that the moment a
 * wait ends is seen within a few seconds: RTO is measured from it.
 */
#include "run/wait.h"
#include "run/progress.h"
#include "run/runner.h"

#include <time.h>

bool wait_sleep(double seconds, int patience)
{
    while (seconds > 0) {
        if (runner_interrupted > patience)
            return false;
        double step = seconds < 0.2 ? seconds : 0.2;
        struct timespec ts = {(time_t)step, (long)((step - (double)(time_t)step) * 1e9)};
        nanosleep(&ts, NULL);
        seconds -= step;
    }
    return runner_interrupted <= patience;
}

enum drh_status wait_until(const struct wait_options *o, wait_poll_fn poll, void *ctx,
                           struct drh_err *err)
{
    double max = o->max_interval > 0 ? o->max_interval : 5.0;
    double beat = o->heartbeat > 0 ? o->heartbeat : 30.0;
    double interval = 1.0, started = progress_elapsed(), last_beat = started;
    struct buf status;
    buf_init(&status);
    enum drh_status st = DRH_OK;
    for (;;) {
        bool done = false;
        buf_reset(&status);
        if ((st = poll(ctx, &done, &status, err)) != DRH_OK || done)
            break;
        double now = progress_elapsed();
        if (now - last_beat >= beat) {
            progress_wait(o->drill, o->resource, o->phase, "waiting on %s: %s (%.0fs)", o->what,
                          buf_str(&status), now - started);
            last_beat = now;
        }
        if (o->deadline > 0 && now >= o->deadline) {
            st = drh_err_set(err, DRH_E_TIMEOUT, "%s still %s after %.0fs: deadline reached",
                             o->what, buf_str(&status), now - started);
            if (o->limit)
                drh_err_hint(err, "%s bounds this wait; raise it in the drill file's timeouts "
                                  "if this is expected to take longer",
                             o->limit);
            else
                drh_err_hint(err, "the drill's timeout (timeouts.drill, by default the RTO) "
                                  "bounds every wait; raise it if this is expected to take "
                                  "longer");
            break;
        }
        double nap = interval;
        if (o->deadline > 0 && now + nap > o->deadline)
            nap = o->deadline - now;
        if (!wait_sleep(nap, o->patience)) {
            st = drh_err_set(err, DRH_E_INTERRUPTED, "interrupted while waiting on %s", o->what);
            break;
        }
        interval = interval * 1.5 > max ? max : interval * 1.5;
    }
    buf_clean_up(&status);
    return st;
}
