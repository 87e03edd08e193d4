/*
 * The HTML reports: one self-contained page per run, read from its evidence
 * document, and an index page over the run history. A page holds everything
 * it shows: inline CSS, inline SVG charts, no script, no font, no image and
 * no link outside itself (the index links only to the run pages beside
 * it), so it opens from a CI artefact, an evidence bundle or a mail
 * attachment alike, offline, and prints.
 *
 * The run page: a header (run id, verdict, times, runner), the failures
 * before anything that passed, then per drill its controls, RTO and RPO
 * against their objectives, a timeline of every resource's steps, the RTO
 * trend over past runs and the cases per resource. docs/html-report.md
 * describes both pages.
 *
 * Every string from the document is escaped (it is redacted already);
 * long messages and details are cut, so a run of hundreds of resources
 * still gives a page a browser opens at once.
 */
#ifndef DRH_REPORTS_HTML_H
#define DRH_REPORTS_HTML_H

#include "err.h"
#include "history/history.h"
#include "json.h"

#include <stddef.h>

/* Writes the run's page to path (atomically, mode 0644: report_write_file)
 * from its evidence document doc. hist: the past runs of that run's drills
 * (newest first, as history_list() gives them; may include this run; may
 * be NULL when n_hist is 0), for the RTO trend charts. DRH_E_INPUT when doc
 * is not an evidence document (not an object, no run_id); DRH_E_IO naming
 * path when it cannot be written. */
enum drh_status html_write_run(const struct json *doc, const struct history_record *hist,
                               size_t n_hist, const char *path, struct drh_err *err);

/* Writes DIR/index.html over hist (every drill's runs, newest first): runs
 * with a failure first, then the others, newest first; a run links to
 * "<run-id>.html" when DIR holds that file. One RTO trend chart per drill.
 * DIR is created when missing (mode 0755); DRH_E_IO otherwise. */
enum drh_status html_write_index(const struct history_record *hist, size_t n_hist, const char *dir,
                                 struct drh_err *err);

#endif
