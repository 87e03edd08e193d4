/*
 * Prometheus metrics for node_exporter's textfile collector, read from the
 * evidence document: what the last run achieved per drill and resource, so
 * alerts can fire on a failed drill, an RTO past its objective, resources
 * left behind, or no run at all for too long. Every series is a gauge:
 *
 *   drh_rto_seconds{drill,resource}          RTO achieved (resource="stack":
 *                                            the whole stack's, when given)
 *   drh_rpo_seconds{drill,resource}          age of the recovery point at T0
 *   drh_rpo_data_seconds{drill,resource}     age of the newest canary row
 *   drh_rto_objective_seconds{drill}
 *   drh_rpo_objective_seconds{drill}
 *   drh_drill_success{drill}                 1 passed, 0 failed or error
 *   drh_teardown_leftovers{drill,resource}   resources teardown left behind
 *   drh_last_run_timestamp_seconds{drill}    start of the run, Unix time
 *
 * A figure absent from the document has no sample (never NaN); a series
 * is written once (the first wins when a document repeats a drill or a
 * resource); a family is written, with its # HELP and # TYPE once, only
 * when it has a sample. Label values are escaped as the text format says.
 */
#ifndef DRH_REPORTS_METRICS_H
#define DRH_REPORTS_METRICS_H
#include "err.h"
#include "json.h"

/* The metrics of doc in the Prometheus text format (version 0.0.4), ""
 * when doc has no drill. Caller frees with free(). */
char *metrics_text(const struct json *doc);

/* Writes metrics_text(doc) to path atomically (report_write_file: a
 * temporary PATH.tmp-XXXXXX, which the collector ignores, then rename).
 * DRH_E_INPUT, with a hint, when path does not end in ".prom" (the
 * collector reads nothing else); DRH_E_IO naming path otherwise. */
enum drh_status metrics_write(const struct json *doc, const char *path, struct drh_err *err);

#endif
