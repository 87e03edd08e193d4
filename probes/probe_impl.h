/*
 * Between probes/probe.c (dispatch, timing, messages) and the files that
 * implement each kind (probe_sql.c (sql, tables, canary), probe_manifest.c,
 * probe_integrity.c). Not for use outside probes/probe*.c.
 */
#ifndef DRH_PROBES_PROBE_IMPL_H
#define DRH_PROBES_PROBE_IMPL_H
#include "buf.h"
#include "probes/probe.h"

struct probe_ctx {
    struct db_conn *c;
    const struct drill_probe *p;
    const char *base_dir;
    struct probe_result *out;
    struct timespec start; /* CLOCK_MONOTONIC */
    long timeout;          /* seconds for the whole probe */
};

/* Whole seconds left for the next statement (at least 1), or 0 when the
 * probe is out of time. */
int probe_remaining(const struct probe_ctx *x);
/* Sets verdict and message (cut to fit, ending in "..." when cut). */
void probe_set(struct probe_ctx *x, enum probe_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* PROBE_ERROR from a failed call: its message, its hint after "; hint: ",
 * and, for a timeout, how long the probe was allowed. */
void probe_set_error(struct probe_ctx *x, const struct drh_err *err);
/* ERROR "did not finish within Ns" plus what was done so far. */
void probe_set_out_of_time(struct probe_ctx *x, const char *done_so_far);
/* The manifest path: absolute as given, else under base_dir. Caller frees. */
char *probe_manifest_path(const struct probe_ctx *x);
/* Appends "; " between items of a message. */
void probe_sep(struct buf *b);

void probe_sql(struct probe_ctx *x);
void probe_tables(struct probe_ctx *x);
void probe_schema(struct probe_ctx *x);
void probe_checksum(struct probe_ctx *x);
void probe_canary(struct probe_ctx *x);
void probe_integrity(struct probe_ctx *x);

#endif
