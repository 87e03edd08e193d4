/*
 * Everything a run leaves for people once its drills end (runner_reports.h):
 * the JUnit file, the evidence bundle (evidence.json, junit.xml, the
 * redacted log, the HTML page, the Markdown summary and the drill files,
 * sealed by a SHA-256 manifest and, with a key, an Ed25519 signature), the
 * HTML pages with their index over the history, the Markdown summary for
 * the CI job and the Prometheus metrics. One report failing to be written
 * does not stop the others; it makes the run's exit code 3.
 */
#include "run/runner_reports.h"

#include "buf.h"
#include "fs.h"
#include "log.h"
#include "mem.h"
#include "redact.h"
#include "reports/bundle/bundle.h"
#include "reports/html/html.h"
#include "reports/markdown.h"
#include "reports/metrics.h"

#include <stdlib.h>
#include <string.h>

/* Past runs the HTML trend charts and the index show, per drill / in all. */
#define TREND_RUNS 50
#define INDEX_RUNS 1000

static int s_failed(struct drh_err *err, const char *what)
{
    log_error("%s: %s", what, err->msg);
    if (err->hint[0])
        log_error("HINT: %s", err->hint);
    drh_err_clear(err);
    return 3;
}

char *runner_reports_path(const char *option, const struct drill *d, const char *field)
{
    return option ? xstrdup(option) : drill_resolve(d, field);
}

enum drh_status runner_reports_key(const struct drill *d, const char *evidence,
                                   const char *key_file, bool options_only, char **key, size_t *len,
                                   struct drh_err *err)
{
    *key = NULL;
    *len = 0;
    char *bundles = options_only ? (evidence ? xstrdup(evidence) : NULL)
                                 : runner_reports_path(evidence, d, d->evidence);
    char *path = NULL;
    enum drh_status st = DRH_OK;
    if (bundles) {
        path = key_file || options_only ? (key_file ? xstrdup(key_file) : NULL)
                                        : drill_resolve(d, d->signing_key_file);
        st = bundle_signing_key(path, NULL, key, len, err);
    }
    free(path);
    free(bundles);
    return st;
}

void runner_reports_key_free(char *key, size_t len)
{
    bundle_key_free(key, len);
}

/* A path of the run's reports: the option, else (unless options_only) the
 * first drill's. */
static char *s_path(const struct runner_reports_in *in, const char *option, const char *field)
{
    if (in->options_only)
        return option ? xstrdup(option) : NULL;
    return runner_reports_path(option, in->drills[0], field);
}

/* The drill file as the bundle keeps it: its bytes, with a webhook URL
 * written into it (a secret) and anything redact_text() knows replaced. */
char *runner_reports_copy_text(const struct drill *d, bool *redacted)
{
    struct buf b;
    buf_init(&b);
    const char *url = d->notify.webhook_url;
    size_t ul = url ? strlen(url) : 0;
    for (const char *p = d->text; *p;) {
        const char *hit = ul ? strstr(p, url) : NULL;
        if (!hit) {
            buf_puts(&b, p);
            break;
        }
        buf_append(&b, p, (size_t)(hit - p));
        buf_puts(&b, REDACTED);
        p = hit + ul;
    }
    char *clean = redact_text(buf_str(&b), b.len);
    buf_clean_up(&b);
    *redacted = strcmp(clean, d->text) != 0;
    return clean;
}

/* drills/<file name>, made unique among the run's drills. */
char *runner_reports_copy_name(struct drill *const *drills, size_t i)
{
    const char *base = strrchr(drills[i]->path, '/');
    base = base ? base + 1 : drills[i]->path;
    for (size_t j = 0; j < i; j++) {
        const char *other = strrchr(drills[j]->path, '/');
        if (strcmp(other ? other + 1 : drills[j]->path, base) == 0)
            return xasprintf("drills/%zu-%s", i + 1, base);
    }
    return xasprintf("drills/%s", base);
}

/* The past runs of the run's drills, newest first per drill. */
static struct history_record *s_trend(struct history_store *h, struct drill *const *drills,
                                      size_t n, size_t *count)
{
    struct history_record *all = NULL;
    *count = 0;
    for (size_t i = 0; h && i < n; i++) {
        struct history_record *v = NULL;
        size_t m = 0;
        struct drh_err err;
        drh_err_clear(&err);
        if (history_list(h, drills[i]->name, TREND_RUNS, &v, &m, &err) != DRH_OK) {
            log_warn("HTML trend of %s: %s", drills[i]->name, err.msg);
            continue;
        }
        all = xrealloc(all, (*count + m + 1) * sizeof *all);
        memcpy(all + *count, v, m * sizeof *v);
        *count += m;
        free(v); /* the records' contents moved into all */
    }
    return all;
}

static int s_bundle(const struct runner_reports_in *in, const struct json *doc, const char *evdir,
                    const struct history_record *trend, size_t n_trend, FILE *out)
{
    struct drh_err err;
    drh_err_clear(&err);
    char *bundle = NULL;
    int rc = 0;
    if (evidence_bundle_create(evdir, in->rep->run_id, &bundle, &err) != DRH_OK) {
        log_capture_stop(NULL);
        return s_failed(&err, "evidence");
    }
    char *path = xasprintf("%s/evidence.json", bundle);
    if (evidence_write_json(doc, path, &err) != DRH_OK)
        rc = s_failed(&err, "evidence");
    free(path);
    path = xasprintf("%s/junit.xml", bundle);
    if (junit_write(in->rep, path, &err) != DRH_OK)
        rc = s_failed(&err, "evidence");
    free(path);
    path = xasprintf("%s/report.html", bundle);
    if (html_write_run(doc, trend, n_trend, path, &err) != DRH_OK)
        rc = s_failed(&err, "evidence");
    free(path);
    path = xasprintf("%s/summary.md", bundle);
    if (markdown_write(doc, path, false, &err) != DRH_OK)
        rc = s_failed(&err, "evidence");
    free(path);
    char *dir = xasprintf("%s/drills", bundle);
    if (fs_mkdirs(dir, 0755, "evidence folder", &err) != DRH_OK)
        rc = s_failed(&err, "evidence");
    free(dir);
    for (size_t i = 0; i < in->n_drills; i++) {
        char *name = runner_reports_copy_name(in->drills, i);
        bool redacted;
        char *copy = runner_reports_copy_text(in->drills[i], &redacted);
        path = xasprintf("%s/%s", bundle, name);
        if (report_write_file(path, copy, strlen(copy), &err) != DRH_OK)
            rc = s_failed(&err, "evidence");
        free(path);
        free(copy);
        free(name);
    }
    /* The log last, so it holds every line up to the seal. */
    log_info("evidence: sealing %s", bundle);
    size_t log_len = 0;
    char *log_text = log_capture_stop(&log_len);
    path = xasprintf("%s/drh.log", bundle);
    if (report_write_file(path, log_text, log_len, &err) != DRH_OK)
        rc = s_failed(&err, "evidence");
    free(path);
    free(log_text);
    if (bundle_manifest_write(bundle, &err) != DRH_OK) {
        rc = s_failed(&err, "evidence manifest");
    } else if (in->key_pem) {
        char fp[CRYPTO_SHA256_HEX_LEN + 1];
        if (bundle_sign(bundle, in->key_pem, in->key_len, fp, &err) != DRH_OK)
            rc = s_failed(&err, "evidence signature");
        else
            fprintf(out, "evidence: %s (signed, key sha256:%.16s...)\n", bundle, fp);
    } else {
        fprintf(out, "evidence: %s (unsigned: no signing key)\n", bundle);
    }
    free(bundle);
    return rc;
}

static int s_html(const struct runner_reports_in *in, const struct json *doc, const char *dir,
                  const struct history_record *trend, size_t n_trend, FILE *out)
{
    struct drh_err err;
    drh_err_clear(&err);
    if (fs_mkdirs(dir, 0755, "HTML report folder", &err) != DRH_OK)
        return s_failed(&err, "html");
    int rc = 0;
    char *page = xasprintf("%s/%s.html", dir, in->rep->run_id);
    if (html_write_run(doc, trend, n_trend, page, &err) != DRH_OK)
        rc = s_failed(&err, "html");
    else
        fprintf(out, "html:     %s\n", page);
    free(page);
    struct history_record *all = NULL;
    size_t n = 0;
    if (in->history && history_list(in->history, NULL, INDEX_RUNS, &all, &n, &err) != DRH_OK)
        rc = s_failed(&err, "html index");
    else if (html_write_index(all, n, dir, &err) != DRH_OK)
        rc = s_failed(&err, "html index");
    history_records_free(all, n);
    return rc;
}

int runner_reports_write(const struct runner_reports_in *in, FILE *out)
{
    struct drh_err err;
    drh_err_clear(&err);
    const struct drill *d0 = in->drills[0];
    char *junit = s_path(in, in->junit, d0->junit);
    char *evdir = s_path(in, in->evidence, d0->evidence);
    char *html = s_path(in, in->html, d0->html);
    char *metrics = s_path(in, in->metrics, d0->metrics);
    char *summary = s_path(in, in->summary, d0->summary);
    const char *step_summary = getenv("GITHUB_STEP_SUMMARY");
    int rc = 0;
    struct json *doc = NULL;
    if (evidence_document(in->rep, &doc, &err) != DRH_OK) {
        rc = s_failed(&err, "reports");
        goto done;
    }
    if (junit) {
        if (junit_write(in->rep, junit, &err) != DRH_OK)
            rc = s_failed(&err, "junit");
        else
            fprintf(out, "junit:    %s\n", junit);
    }
    size_t n_trend = 0;
    struct history_record *trend =
        evdir || html ? s_trend(in->history, in->drills, in->n_drills, &n_trend) : NULL;
    if (html && s_html(in, doc, html, trend, n_trend, out))
        rc = 3;
    if (step_summary && *step_summary) {
        if (markdown_write(doc, step_summary, true, &err) != DRH_OK)
            rc = s_failed(&err, "summary ($GITHUB_STEP_SUMMARY)");
    }
    if (summary) {
        if (markdown_write(doc, summary, false, &err) != DRH_OK)
            rc = s_failed(&err, "summary");
        else
            fprintf(out, "summary:  %s\n", summary);
    }
    if (metrics) {
        if (metrics_write(doc, metrics, &err) != DRH_OK)
            rc = s_failed(&err, "metrics");
        else
            fprintf(out, "metrics:  %s\n", metrics);
    }
    /* The bundle last: its log then tells where every other report went. */
    if (evdir && s_bundle(in, doc, evdir, trend, n_trend, out))
        rc = 3;
    history_records_free(trend, n_trend);
done:
    /* The bundle stopped the capture when it wrote drh.log; otherwise stop it here. */
    free(log_capture_stop(NULL));
    json_free(doc);
    free(junit);
    free(evdir);
    free(html);
    free(metrics);
    free(summary);
    return rc;
}
