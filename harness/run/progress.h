/*
 * Progress of a run for the people and the CI watching it: a line on stderr
 * at each phase change with the elapsed time, heartbeat lines while a long
 * job runs, and with --json one JSON event per line on stdout. Safe to call
 * from several threads.
 */
#ifndef DRH_PROGRESS_H
#define DRH_PROGRESS_H
#include <stdbool.h>

/* quiet: no stderr lines (warnings and errors still reach the log);
 * json: events on stdout. Starts the elapsed-time clock. */
void progress_init(bool quiet, bool json);
/* Seconds since progress_init() (monotonic). */
double progress_elapsed(void);
/* "[  12.3s] drill/resource: phase: message" and an event
 * {"event":"phase","t":12.3,"drill":..,"resource":..,"phase":..,"message":..}. */
void progress_phase(const char *drill, const char *resource, const char *phase, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));
/* A heartbeat while waiting; same shape, event "wait". */
void progress_wait(const char *drill, const char *resource, const char *phase, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));
/* A verdict line/event: event "result" with status "passed"/"failed"/"error". */
void progress_result(const char *drill, const char *resource, const char *name,
                     const char *status, const char *message);
/* The word a case's status prints as: "passed", "failed", "error", "skipped". */
const char *progress_status_word(int report_status);

#endif
