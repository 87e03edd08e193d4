/*
 * Seconds on the monotonic clock (CLOCK_MONOTONIC), for deadlines and
 * durations that a change of the wall clock must not move.
 */
#ifndef DRH_MONO_H
#define DRH_MONO_H

double mono_now(void);

#endif
