/*
 * One drill's section of the run page: its verdict and who owns it, the
 * controls it evidences, RTO and RPO against the objectives, the timeline
 * of every resource's steps, the RTO trend over past runs, and the cases
 * of each resource.
 */
#include "reports/html/html_impl.h"

#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void s_meta(struct buf *b, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    buf_printf(b, "<dt>%s</dt><dd>", name);
    html_text_cut(b, value, HTML_MESSAGE_MAX);
    buf_puts(b, "</dd>\n");
}

static void s_where(struct buf *b, const char *name, const char *account, const char *region)
{
    if (!account && !region)
        return;
    buf_printf(b, "<dt>%s</dt><dd>account ", name);
    html_text(b, account ? account : "?");
    buf_puts(b, " \xc2\xb7 region ");
    html_text(b, region ? region : "?");
    buf_puts(b, "</dd>\n");
}

static void s_controls(struct buf *b, const struct json *d)
{
    const struct json *controls = json_get(d, "controls");
    buf_puts(b, "<h3>Controls</h3>\n");
    if (json_array_size(controls) == 0) {
        buf_puts(b, "<p class=\"muted\">This drill declares no control.</p>\n");
        return;
    }
    buf_puts(b, "<table><tr><th>Framework</th><th>Control</th><th>Title</th></tr>\n");
    for (const struct json *c = json_first(controls); c; c = json_next(c)) {
        buf_puts(b, "<tr><td>");
        html_text_cut(b, json_get_string(c, "framework"), HTML_MESSAGE_MAX);
        buf_puts(b, "</td><td>");
        html_text_cut(b, json_get_string(c, "control"), HTML_MESSAGE_MAX);
        buf_puts(b, "</td><td>");
        html_text_cut(b, json_get_string(c, "title"), HTML_MESSAGE_MAX);
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</table>\n");
}

/* RTO and RPO of the stack and of each resource against the objectives. */
static void s_objectives(struct buf *b, const struct json *d)
{
    const struct json *resources = json_get(d, "resources");
    size_t n = json_array_size(resources);
    struct html_bar *rto = xcalloc(n + 1, sizeof *rto), *rpo = xcalloc(2 * n + 1, sizeof *rpo);
    size_t n_rto = 0, n_rpo = 0;
    double rto_obj = html_figure(d, "rto_objective_seconds");
    double rpo_obj = html_figure(d, "rpo_objective_seconds");
    double stack = html_figure(json_get(d, "stack"), "stack_rto_seconds");
    if (stack >= 0)
        rto[n_rto++] = (struct html_bar){"the whole stack", stack, rto_obj};
    char **labels = xcalloc(n + 1, sizeof *labels);
    size_t i = 0;
    for (const struct json *r = json_first(resources); r; r = json_next(r), i++) {
        const char *name = json_get_string(r, "resource");
        rto[n_rto++] = (struct html_bar){name, html_figure(r, "rto_seconds"), rto_obj};
        rpo[n_rpo++] = (struct html_bar){name, html_figure(r, "rpo_seconds"), rpo_obj};
        double data = html_figure(r, "rpo_data_seconds");
        if (data >= 0) {
            labels[i] = xasprintf("%s (newest data)", name ? name : "");
            rpo[n_rpo++] = (struct html_bar){labels[i], data, rpo_obj};
        }
    }
    buf_puts(b, "<h3>RTO against its objective</h3>\n");
    if (n_rto)
        html_svg_bars(b, "RTO", rto, n_rto);
    else
        buf_puts(b, "<p class=\"muted\">No resource.</p>\n");
    buf_puts(b, "<h3>RPO against its objective</h3>\n");
    if (n_rpo)
        html_svg_bars(b, "RPO", rpo, n_rpo);
    else
        buf_puts(b, "<p class=\"muted\">No resource.</p>\n");
    for (i = 0; i < n; i++)
        free(labels[i]);
    free(labels);
    free(rto);
    free(rpo);
}

/* One row a suite of the drill, one span a case: from its start when
 * recorded, else right after the case before it. */
static void s_timeline(struct buf *b, const struct html_run *run, const size_t *idx, size_t n)
{
    buf_puts(b, "<h3>Timeline</h3>\n");
    if (n == 0) {
        buf_puts(b, "<p class=\"muted\">No step was recorded.</p>\n");
        return;
    }
    struct html_gantt_row *rows = xcalloc(n, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        const struct json *s = run->suites[idx[i]], *cases = json_get(s, "cases");
        struct html_span *spans = xcalloc(json_array_size(cases) + 1, sizeof *spans);
        double at = html_time(json_get_string(s, "started"));
        at = at > 0 && run->t0 > 0 ? at - run->t0 : 0;
        size_t k = 0;
        for (const struct json *c = json_first(cases); c; c = json_next(c), k++) {
            struct html_span *sp = &spans[k];
            double t = html_time(json_get_string(c, "started"));
            sp->name = json_get_string(c, "name");
            sp->status = json_get_string(c, "status");
            sp->seconds = fmax(0, html_figure(c, "seconds"));
            sp->timed = t > 0 && run->t0 > 0;
            sp->start = fmax(0, sp->timed ? t - run->t0 : at);
            at = sp->start + sp->seconds;
        }
        const char *res = json_get_string(s, "resource");
        rows[i] = (struct html_gantt_row){res ? res : json_get_string(s, "name"), spans, k};
    }
    html_svg_gantt(b, rows, n);
    for (size_t i = 0; i < n; i++)
        free((void *)rows[i].spans);
    free(rows);
}

/* The drill's achieved RTO over its runs: the history, and this run when
 * the history does not hold it yet (its RTO figured as history records
 * do: the stack's, or that of the only resource). */
static void s_trend(struct buf *b, const struct html_run *run, const struct json *d)
{
    const char *name = json_get_string(d, "name");
    const char *run_id = json_get_string(d, "run_id");
    const char *doc_id = json_get_string(run->doc, "run_id");
    struct html_point *pts = xcalloc(run->n_hist + 1, sizeof *pts);
    size_t n = 0;
    int seen = 0;
    for (size_t i = 0; i < run->n_hist; i++) {
        const struct history_record *r = &run->hist[i];
        if (!s_eq(r->drill, name))
            continue;
        seen |= s_eq(r->run_id, run_id) || s_eq(r->run_id, doc_id);
        pts[n++] = (struct html_point){r->started, r->rto, r->rto_objective, r->verdict, r->run_id};
    }
    if (!seen) {
        const struct json *res = json_get(d, "resources");
        double rto = html_figure(json_get(d, "stack"), "stack_rto_seconds");
        if (json_array_size(res) == 1)
            rto = fmax(rto, html_figure(json_array_at(res, 0), "rto_seconds"));
        pts[n++] = (struct html_point){run->t0, rto, html_figure(d, "rto_objective_seconds"),
                                       json_get_string(d, "verdict"), run_id ? run_id : doc_id};
    }
    buf_printf(b, "<h3>RTO trend (%zu run%s)</h3>\n", n, n == 1 ? "" : "s");
    html_svg_trend(b, name, pts, n);
    free(pts);
}

void html_drill_section(struct buf *b, const struct html_run *run, const struct json *d,
                        size_t index, unsigned char *used)
{
    const char *name = json_get_string(d, "name"), *verdict = json_get_string(d, "verdict");
    buf_printf(b, "<section class=\"drill\" id=\"d-%zu\"><h2>Drill ", index);
    html_text(b, name);
    buf_printf(b, " <span class=\"badge %s\">", html_class(verdict));
    html_text(b, verdict ? verdict : "?");
    buf_puts(b, "</span></h2>\n<dl class=\"meta\">\n");
    s_meta(b, "Owner", json_get_string(d, "owner"));
    s_meta(b, "Drill file", json_get_string(d, "file"));
    s_meta(b, "In the bundle", json_get_string(d, "bundle_file"));
    s_meta(b, "File SHA-256", json_get_string(d, "file_sha256"));
    s_meta(b, "Drill run id", json_get_string(d, "run_id"));
    s_where(b, "Source", json_get_string(d, "source_account"), json_get_string(d, "source_region"));
    s_where(b, "Target", json_get_string(d, "target_account"), json_get_string(d, "target_region"));
    char t[40];
    html_fmt_time(html_time(json_get_string(d, "ended")), t);
    s_meta(b, "Ended", t);
    buf_puts(b, "</dl>\n");
    s_controls(b, d);
    s_objectives(b, d);
    size_t *idx = xcalloc(run->n_suites + 1, sizeof *idx), n = 0;
    for (size_t i = 0; i < run->n_suites; i++)
        if (s_eq(json_get_string(run->suites[i], "drill"), name)) {
            idx[n++] = i;
            used[i] = 1;
        }
    s_timeline(b, run, idx, n);
    s_trend(b, run, d);
    buf_puts(b, "<h3>Cases</h3>\n");
    for (size_t i = 0; i < n; i++)
        html_suite_cases(b, run, idx[i]);
    buf_puts(b, "</section>\n");
    free(idx);
}

static const char *s_suite_verdict(const struct json *s)
{
    int fail = 0, error = 0, pass = 0;
    for (const struct json *c = json_first(json_get(s, "cases")); c; c = json_next(c)) {
        const char *cls = html_class(json_get_string(c, "status"));
        fail |= *cls == 'f';
        error |= *cls == 'e';
        pass |= *cls == 'p';
    }
    return fail ? "FAILED" : error ? "ERROR" : pass ? "PASSED" : "SKIPPED";
}

/* The resource of the document's drills that suite s reports on, or NULL. */
static const struct json *s_resource_of(const struct json *doc, const struct json *s)
{
    const char *drill = json_get_string(s, "drill"), *res = json_get_string(s, "resource");
    for (const struct json *d = json_first(json_get(doc, "drills")); d; d = json_next(d)) {
        if (!s_eq(json_get_string(d, "name"), drill))
            continue;
        for (const struct json *r = json_first(json_get(d, "resources")); r; r = json_next(r))
            if (s_eq(json_get_string(r, "resource"), res))
                return r;
    }
    return NULL;
}

void html_suite_cases(struct buf *b, const struct html_run *run, size_t i)
{
    const struct json *s = run->suites[i], *props = json_get(s, "properties");
    const struct json *r = s_resource_of(run->doc, s);
    const char *res = json_get_string(s, "resource"), *verdict = s_suite_verdict(s);
    if (r && json_get_string(r, "verdict"))
        verdict = json_get_string(r, "verdict");
    buf_printf(b, "<h3 id=\"s-%zu\">", i);
    html_text(b, res ? res : json_get_string(s, "name"));
    if (json_get_string(r, "type")) {
        buf_puts(b, " <span class=\"muted\">(");
        html_text(b, json_get_string(r, "type"));
        buf_puts(b, ")</span>");
    }
    buf_printf(b, " <span class=\"badge %s\">", html_class(verdict));
    html_text(b, verdict);
    buf_puts(b, "</span></h3>\n");
    if (json_first(props) || json_get_string(r, "teardown")) {
        buf_puts(b, "<dl class=\"meta\">\n");
        s_meta(b, "teardown", json_get_string(r, "teardown"));
        for (const struct json *p = json_first(props); p; p = json_next(p)) {
            buf_puts(b, "<dt>");
            html_text_cut(b, json_key(p), 200);
            buf_puts(b, "</dt><dd>");
            html_text_cut(b, json_string(p), HTML_MESSAGE_MAX);
            buf_puts(b, "</dd>\n");
        }
        buf_puts(b, "</dl>\n");
    }
    buf_puts(b, "<table><tr><th>Case</th><th>Status</th><th class=\"num\">Start</th>"
                "<th class=\"num\">Seconds</th><th>Message</th></tr>\n");
    for (const struct json *c = json_first(json_get(s, "cases")); c; c = json_next(c)) {
        const char *status = json_get_string(c, "status"), *cls = html_class(status);
        double t = html_time(json_get_string(c, "started"));
        char at[40] = "", secs[32];
        if (t > 0 && run->t0 > 0)
            snprintf(at, sizeof at, "+%.3f s", t - run->t0);
        report_format_seconds(html_figure(c, "seconds"), secs);
        buf_printf(b, "<tr class=\"%s\"><td>", cls);
        html_text_cut(b, json_get_string(c, "name"), HTML_MESSAGE_MAX);
        buf_printf(b, "</td><td><span class=\"badge %s\">", cls);
        html_text(b, status ? status : "?");
        buf_printf(b, "</span></td><td class=\"num\">%s</td><td class=\"num\">%s</td><td>", at,
                   secs);
        html_text_cut(b, json_get_string(c, "message"), HTML_MESSAGE_MAX);
        const char *detail = json_get_string(c, "detail");
        if (detail && *detail) {
            buf_puts(b, "<pre>");
            html_text_cut(b, detail, HTML_DETAIL_MAX);
            buf_puts(b, "</pre>");
        }
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</table>\n");
}
