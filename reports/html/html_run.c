/*
 * The run page (html.h): the header (run id, verdict, times, runner), the
 * failures before anything that passed, a section per drill
 * (html_drill.c), then any suite that belongs to no drill of the document.
 */
#include "reports/html/html.h"

#include "aws/creds.h"
#include "mem.h"
#include "reports/html/html_impl.h"
#include "reports/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double html_time(const char *text)
{
    return text ? aws_parse_time_frac(text) : -1;
}

double html_figure(const struct json *obj, const char *key)
{
    double v;
    if (!json_number(json_get(obj, key), &v) || !isfinite(v))
        return -1;
    return v;
}

/* The run's verdict: the worst of its drills', or of its cases' when it
 * has no drill. */
static const char *s_verdict(const struct json *doc)
{
    int fail = 0, error = 0, pass = 0;
    for (const struct json *d = json_first(json_get(doc, "drills")); d; d = json_next(d)) {
        const char *cls = html_class(json_get_string(d, "verdict"));
        fail |= strcmp(cls, "fail") == 0;
        error |= strcmp(cls, "error") == 0;
        pass |= strcmp(cls, "pass") == 0;
    }
    const struct json *totals = json_get(doc, "totals");
    fail |= html_figure(totals, "fail") > 0;
    error |= html_figure(totals, "error") > 0;
    pass |= html_figure(totals, "pass") > 0;
    return fail ? "FAILED" : error ? "ERROR" : pass ? "PASSED" : "NO RESULT";
}

static void s_meta(struct buf *b, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    buf_printf(b, "<dt>%s</dt><dd>", name);
    html_text(b, value);
    buf_puts(b, "</dd>\n");
}

/* "user ci (uid 1001) on runner-7, pid 4242" from whatever runner holds. */
static void s_runner(struct buf *b, const struct json *r)
{
    if (!r)
        return;
    struct buf t;
    buf_init(&t);
    double uid = html_figure(r, "uid"), pid = html_figure(r, "pid");
    if (json_get_string(r, "user"))
        buf_printf(&t, "user %s", json_get_string(r, "user"));
    if (uid >= 0)
        buf_printf(&t, "%s(uid %.0f)", t.len ? " " : "", uid);
    if (json_get_string(r, "host"))
        buf_printf(&t, "%son %s", t.len ? " " : "", json_get_string(r, "host"));
    if (pid >= 0)
        buf_printf(&t, "%spid %.0f", t.len ? ", " : "", pid);
    s_meta(b, "Runner", buf_str(&t));
    s_meta(b, "Command", json_get_string(r, "command"));
    buf_reset(&t);
    const struct json *ci = json_get(r, "ci");
    static const char *const keys[] = {"system", "job", "commit", "run_url"};
    static const char *const names[] = {"", "job ", "commit ", ""};
    for (size_t i = 0; i < 4; i++)
        if (json_get_string(ci, keys[i]))
            buf_printf(&t, "%s%s%s", t.len ? " \xc2\xb7 " : "", names[i],
                       json_get_string(ci, keys[i]));
    s_meta(b, "CI", buf_str(&t));
    buf_clean_up(&t);
}

static void s_header(struct buf *b, const struct html_run *run, const char *verdict)
{
    const struct json *doc = run->doc, *totals = json_get(doc, "totals");
    size_t n_drills = json_array_size(json_get(doc, "drills"));
    buf_printf(b, "<header class=\"banner %s\"><h1>drh run ", html_class(verdict));
    html_text(b, json_get_string(doc, "run_id"));
    buf_printf(b,
               " \xe2\x80\x94 %s</h1>\n<div class=\"sub\">%zu drill%s \xc2\xb7 %.0f cases: "
               "%.0f passed, %.0f failed, %.0f errors, %.0f skipped</div></header>\n",
               verdict, n_drills, n_drills == 1 ? "" : "s", fmax(0, html_figure(totals, "cases")),
               fmax(0, html_figure(totals, "pass")), fmax(0, html_figure(totals, "fail")),
               fmax(0, html_figure(totals, "error")), fmax(0, html_figure(totals, "skipped")));
    double started = html_time(json_get_string(doc, "started"));
    double seconds = html_figure(doc, "seconds"), ended = -1;
    for (const struct json *d = json_first(json_get(doc, "drills")); d; d = json_next(d))
        ended = fmax(ended, html_time(json_get_string(d, "ended")));
    if (ended < 0 && started > 0 && seconds >= 0)
        ended = started + seconds;
    char t[40], s[32];
    buf_puts(b, "<dl class=\"meta\">\n");
    html_fmt_time(started, t);
    s_meta(b, "Started", t);
    html_fmt_time(ended, t);
    s_meta(b, "Ended", t);
    report_format_seconds(seconds, s);
    s_meta(b, "Duration", s);
    s_runner(b, json_get(doc, "runner"));
    s_meta(b, "drh version", json_get_string(doc, "drh_version"));
    buf_puts(b, "</dl>\n");
}

static const struct json *s_find_resource(const struct json *drill, const char *name)
{
    for (const struct json *r = json_first(json_get(drill, "resources")); r; r = json_next(r))
        if (name && json_get_string(r, "resource") &&
            strcmp(json_get_string(r, "resource"), name) == 0)
            return r;
    return NULL;
}

static void s_failure_row(struct buf *b, const char *cls, const char *drill, const char *resource,
                          size_t suite, const char *what, const char *message, const char *detail)
{
    buf_printf(b, "<tr class=\"%s\"><td>", cls);
    html_text(b, drill);
    buf_printf(b, "</td><td><a href=\"#s-%zu\">", suite);
    html_text(b, resource);
    buf_puts(b, "</a></td><td>");
    html_text(b, what);
    buf_printf(b, "</td><td><span class=\"badge %s\">%s</span></td><td>", cls,
               strcmp(cls, "fail") == 0    ? "FAIL"
               : strcmp(cls, "error") == 0 ? "ERROR"
                                           : "LEFT");
    html_text_cut(b, message, HTML_MESSAGE_MAX);
    if (detail && *detail) {
        buf_puts(b, "<pre>");
        html_text_cut(b, detail, HTML_DETAIL_MAX);
        buf_puts(b, "</pre>");
    }
    buf_puts(b, "</td></tr>\n");
}

/* Every failed or errored case, and every resource teardown left behind,
 * before anything that passed. */
static void s_failures(struct buf *b, const struct html_run *run)
{
    struct buf rows;
    buf_init(&rows);
    size_t n = 0;
    for (size_t i = 0; i < run->n_suites; i++) {
        const struct json *s = run->suites[i];
        const char *drill = json_get_string(s, "drill"), *res = json_get_string(s, "resource");
        for (const struct json *c = json_first(json_get(s, "cases")); c; c = json_next(c)) {
            const char *cls = html_class(json_get_string(c, "status"));
            if (strcmp(cls, "fail") != 0 && strcmp(cls, "error") != 0)
                continue;
            s_failure_row(&rows, cls, drill, res ? res : json_get_string(s, "name"), i,
                          json_get_string(c, "name"), json_get_string(c, "message"),
                          json_get_string(c, "detail"));
            n++;
        }
        const struct json *d = NULL;
        for (const struct json *x = json_first(json_get(run->doc, "drills")); x && drill;
             x = json_next(x))
            if (json_get_string(x, "name") && strcmp(json_get_string(x, "name"), drill) == 0)
                d = x;
        const struct json *r = s_find_resource(d, res);
        if (r && html_figure(r, "teardown_left") > 0) {
            char msg[96];
            snprintf(msg, sizeof msg, "%.0f resource(s) left behind by teardown",
                     html_figure(r, "teardown_left"));
            s_failure_row(&rows, "fail", drill, res, i, "teardown leftover", msg,
                          json_get_string(r, "teardown"));
            n++;
        }
    }
    if (n == 0) {
        buf_puts(b, "<div class=\"allpass\" id=\"failures\">No failures: every case passed and "
                    "teardown left nothing behind.</div>\n");
    } else {
        buf_printf(b,
                   "<section class=\"failures\" id=\"failures\"><h2>Failures (%zu)</h2>\n"
                   "<table><tr><th>Drill</th><th>Resource</th><th>Case</th><th>Status</th>"
                   "<th>Message and detail</th></tr>\n%s</table></section>\n",
                   n, buf_str(&rows));
    }
    buf_clean_up(&rows);
}

/* The table of contents: each drill, with its verdict. */
static void s_contents(struct buf *b, const struct json *doc)
{
    buf_puts(b, "<h2>Drills</h2>\n<table><tr><th>Drill</th><th>Verdict</th><th>Owner</th>"
                "<th class=\"num\">RTO objective</th><th class=\"num\">RPO objective</th></tr>\n");
    size_t i = 0;
    for (const struct json *d = json_first(json_get(doc, "drills")); d; d = json_next(d), i++) {
        const char *v = json_get_string(d, "verdict");
        char rto[32], rpo[32];
        report_format_seconds(html_figure(d, "rto_objective_seconds"), rto);
        report_format_seconds(html_figure(d, "rpo_objective_seconds"), rpo);
        buf_printf(b, "<tr class=\"%s\"><td><a href=\"#d-%zu\">", html_class(v), i);
        html_text(b, json_get_string(d, "name"));
        buf_printf(b, "</a></td><td><span class=\"badge %s\">", html_class(v));
        html_text(b, v ? v : "?");
        buf_puts(b, "</span></td><td>");
        html_text(b, json_get_string(d, "owner"));
        buf_printf(b, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n", rto, rpo);
    }
    buf_puts(b, "</table>\n");
}

enum drh_status html_write_run(const struct json *doc, const struct history_record *hist,
                               size_t n_hist, const char *path, struct drh_err *err)
{
    if (!json_is_object(doc) || !json_get_string(doc, "run_id")) {
        drh_err_set(err, DRH_E_INPUT,
                    "cannot write the HTML report '%s': the evidence document is not an object "
                    "with a run_id",
                    path);
        drh_err_hint(err, "give it the document evidence_write() wrote (DIR/<run-id>.json)");
        return DRH_E_INPUT;
    }
    struct html_run run = {.doc = doc, .hist = hist, .n_hist = hist ? n_hist : 0};
    const struct json *suites = json_get(doc, "suites");
    run.suites = xcalloc(json_array_size(suites) + 1, sizeof *run.suites);
    run.t0 = html_time(json_get_string(doc, "started"));
    for (const struct json *s = json_first(suites); s; s = json_next(s)) {
        run.suites[run.n_suites++] = s;
        for (const struct json *c = json_first(json_get(s, "cases")); c; c = json_next(c)) {
            double t = html_time(json_get_string(c, "started"));
            if (t > 0 && (run.t0 <= 0 || t < run.t0))
                run.t0 = t;
        }
    }
    unsigned char *used = xcalloc(run.n_suites + 1, 1);
    const char *verdict = s_verdict(doc);
    struct buf b;
    buf_init(&b);
    char *title = xasprintf("drh run %.*s \xe2\x80\x94 %s", REPORT_RUN_ID_MAX + 20,
                            json_get_string(doc, "run_id"), verdict);
    html_page_begin(&b, title);
    free(title);
    s_header(&b, &run, verdict);
    s_failures(&b, &run);
    s_contents(&b, doc);
    size_t i = 0;
    for (const struct json *d = json_first(json_get(doc, "drills")); d; d = json_next(d), i++)
        html_drill_section(&b, &run, d, i, used);
    int others = 0;
    for (size_t k = 0; k < run.n_suites; k++) {
        if (used[k])
            continue;
        if (!others++)
            buf_puts(&b, "<section class=\"drill\"><h2>Results of no drill above</h2>\n");
        html_suite_cases(&b, &run, k);
    }
    if (others)
        buf_puts(&b, "</section>\n");
    buf_puts(&b, "<footer>Written by drh from the run's evidence document; the full messages "
                 "and every figure are in evidence.json.</footer>\n");
    html_page_end(&b);
    enum drh_status st = report_write_file(path, b.data, b.len, err);
    buf_clean_up(&b);
    free(used);
    free(run.suites);
    return st;
}
