/*
 * A run summary in Markdown, read from the evidence document, for CI pages
 * that render it: GitHub Actions' job summary ($GITHUB_STEP_SUMMARY), a
 * GitLab or Gitea comment. It says the verdict first, then what failed,
 * then a row per drill and resource (verdict, RTO and RPO against the
 * objectives, teardown leftovers), then the controls each drill evidences.
 *
 * Strings from the document are escaped for a table cell (no raw HTML, no
 * pipe, backtick or newline gets through) and the whole stays under
 * MARKDOWN_MAX_BYTES: rows that do not fit are left out and counted, and
 * the summary says how many and where the full list is (evidence.json).
 * Failures come before the drills table, so they are the last to be cut.
 */
#ifndef DRH_REPORTS_MARKDOWN_H
#define DRH_REPORTS_MARKDOWN_H
#include "buf.h"
#include "err.h"
#include "json.h"
#include <stdbool.h>
#include <stddef.h>

/* GitHub refuses a step summary over 1 MiB; a summary is for reading, so
 * drh's stays far below, whatever the number of drills. */
#define MARKDOWN_MAX_BYTES (64 * 1024)

/* The summary of doc (an evidence document; NULL or not an object gives a
 * summary saying there is nothing to show). Ends with a newline, is valid
 * UTF-8 when doc's strings are, and is shorter than MARKDOWN_MAX_BYTES.
 * Caller frees with free(). */
char *markdown_summary(const struct json *doc);

/* Writes markdown_summary(doc) to path. append true: appended with
 * O_APPEND (for $GITHUB_STEP_SUMMARY, which other steps write too),
 * after a blank line when the file is not empty; a missing file is
 * created with mode 0644. append false: the file is replaced atomically
 * (report_write_file). DRH_E_IO naming path, with a hint, on failure. */
enum drh_status markdown_write(const struct json *doc, const char *path, bool append,
                               struct drh_err *err);

/*
 * For the writers and tests.
 */
/* Appends text escaped for a Markdown table cell: '|', '\\', '`', '*',
 * '_', '~', '[', ']' backslash-escaped; '<', '>', '&' as entities; a
 * newline as <br>; tab as a space; other control characters dropped.
 * At most max bytes of text are used (cut on a UTF-8 character boundary,
 * then "…"). NULL or "" appends an em dash. */
void markdown_cell(struct buf *b, const char *text, size_t max);

#endif
