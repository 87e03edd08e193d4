/*
 * The reports a run writes when its drills end (runner_reports.c): JUnit,
 * the evidence bundle <evidence>/<run-id>/ (docs/evidence.md), the HTML
 * page and index, the Markdown summary ($GITHUB_STEP_SUMMARY and/or a
 * file) and the Prometheus metrics. Paths come from the command line, else
 * from the first drill's "reports" section (relative to its folder).
 */
#ifndef DRH_RUN_RUNNER_REPORTS_H
#define DRH_RUN_RUNNER_REPORTS_H
#include "drill/drill.h"
#include "history/history.h"
#include "reports/report.h"

#include <stdbool.h>
#include <stdio.h>

struct runner_reports_in {
    struct report *rep; /* its evidence is the runner's part of the document */
    struct drill *const *drills;
    size_t n_drills;
    struct history_store *history; /* the trend charts and the index; NULL: none */
    /* command-line paths, overriding the drill's (NULL: the drill's) */
    const char *junit, *evidence, *html, *metrics, *summary;
    const char *key_pem; /* the signing key (a secret); NULL: the bundle is unsigned */
    size_t key_len;
    bool options_only; /* true: only the paths above, never the drill's (drh posture) */
};

/* Writes every report asked for, a line per report on out ("junit:    PATH",
 * "evidence: DIR (signed, key sha256:...)"), each failure logged with its
 * hint. Stops the log capture (log.h) started by the runner. Returns 0, or
 * 3 when a report could not be written. */
int runner_reports_write(const struct runner_reports_in *in, FILE *out);
/* The evidence signing key, when there is a bundle to sign (evidence, else
 * the drill's reports.evidence unless options_only): key_file, else the
 * drill's reports.signing_key_file, else $DRH_SIGNING_KEY (the PEM text).
 * *key NULL when none; DRH_E_INPUT for a bad or exposed key (reports/bundle/bundle.h).
 * Free with runner_reports_key_free(). */
enum drh_status runner_reports_key(const struct drill *d, const char *evidence,
                                   const char *key_file, bool options_only, char **key,
                                   size_t *len, struct drh_err *err);
void runner_reports_key_free(char *key, size_t len);
/* option when given, else the drill's field resolved against its folder
 * (NULL when neither). Caller frees. */
char *runner_reports_path(const char *option, const struct drill *d, const char *field);
/* The name of drills[i]'s copy in the bundle: "drills/<file name>", with
 * "<i+1>-" before the file name when an earlier drill has the same one.
 * Caller frees. */
char *runner_reports_copy_name(struct drill *const *drills, size_t i);
/* The copy's text: the drill file's bytes with an in-file webhook URL and
 * whatever redact_text() finds replaced; *redacted says whether anything
 * was. Caller frees. */
char *runner_reports_copy_text(const struct drill *d, bool *redacted);

#endif
