/*
 * The index page over the run history (html.h): the runs with a failure
 * first, then the others, newest first, each linked to its page when that
 * page is in the same folder; then one RTO trend chart per drill.
 */
#include "reports/html/html.h"

#include "fs.h"
#include "mem.h"
#include "reports/html/html_impl.h"
#include "reports/report.h"
#include "xml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int s_failed(const struct history_record *r)
{
    return strcmp(html_class(r->verdict), "pass") != 0;
}

static int s_cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* Failures first, then newest first; the run id breaks ties. */
static int s_by_failure(const void *a, const void *b)
{
    const struct history_record *x = *(const struct history_record *const *)a;
    const struct history_record *y = *(const struct history_record *const *)b;
    if (s_failed(x) != s_failed(y))
        return s_failed(y) - s_failed(x);
    if (x->started != y->started)
        return x->started < y->started ? 1 : -1;
    return s_cmp_str(x->run_id, y->run_id);
}

static int s_by_drill(const void *a, const void *b)
{
    const struct history_record *x = *(const struct history_record *const *)a;
    const struct history_record *y = *(const struct history_record *const *)b;
    int c = s_cmp_str(x->drill, y->drill);
    if (c)
        return c;
    return (x->started > y->started) - (x->started < y->started);
}

/* "2.9 s" and, against the objective, "MISSED" in words. */
static void s_figure(struct buf *b, double v, double objective)
{
    char s[32], o[32];
    report_format_seconds(v, s);
    buf_printf(b, "<td class=\"num\">%s", s);
    if (v >= 0 && objective > 0) {
        report_format_seconds(objective, o);
        if (v > objective)
            buf_printf(b, " <span class=\"missed\">MISSED</span> <span class=\"muted\">/ %s</span>",
                       o);
        else
            buf_printf(b, " <span class=\"muted\">/ %s</span>", o);
    }
    buf_puts(b, "</td>");
}

static void s_row(struct buf *b, const struct history_record *r, const char *dir)
{
    const char *cls = html_class(r->verdict);
    buf_printf(b, "<tr class=\"%s\"><td class=\"nowrap\">", cls);
    struct drh_err e;
    char *page = NULL;
    if (r->run_id && report_check_run_id(r->run_id, &e) == DRH_OK) {
        page = xasprintf("%s/%s.html", dir, r->run_id);
        if (access(page, R_OK) != 0) {
            free(page);
            page = NULL;
        }
    }
    if (page) {
        buf_puts(b, "<a href=\"");
        xml_escape_attr(b, r->run_id);
        buf_puts(b, ".html\">");
    }
    html_text(b, r->run_id);
    buf_puts(b, page ? "</a></td><td>" : "</td><td>");
    free(page);
    html_text(b, r->drill);
    buf_printf(b, "</td><td><span class=\"badge %s\">", cls);
    html_text(b, r->verdict[0] ? r->verdict : "?");
    char t[40];
    html_fmt_time(r->started, t);
    buf_printf(b, "</span></td><td class=\"nowrap\">%s</td>", t);
    s_figure(b, r->rto, r->rto_objective);
    s_figure(b, r->rpo, r->rpo_objective);
    buf_puts(b, "</tr>\n");
}

/* One chart per drill, drills by name. */
static void s_trends(struct buf *b, const struct history_record *hist, size_t n)
{
    const struct history_record **v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = &hist[i];
    qsort(v, n, sizeof *v, s_by_drill);
    struct html_point *pts = xcalloc(n + 1, sizeof *pts);
    for (size_t i = 0; i < n;) {
        const char *drill = v[i]->drill;
        size_t k = 0;
        for (; i < n && s_cmp_str(v[i]->drill, drill) == 0; i++) {
            const struct history_record *r = v[i];
            pts[k++] =
                (struct html_point){r->started, r->rto, r->rto_objective, r->verdict, r->run_id};
        }
        buf_puts(b, "<h3>");
        html_text(b, drill ? drill : "?");
        buf_printf(b, " <span class=\"muted\">(%zu run%s)</span></h3>\n", k, k == 1 ? "" : "s");
        html_svg_trend(b, drill, pts, k);
    }
    free(pts);
    free(v);
}

enum drh_status html_write_index(const struct history_record *hist, size_t n_hist, const char *dir,
                                 struct drh_err *err)
{
    if (!hist)
        n_hist = 0;
    if (fs_mkdirs(dir, 0755, "HTML report folder", err) != DRH_OK) {
        drh_err_hint(err, "check that the folder given to --html can be written");
        return err ? err->code : DRH_E_IO;
    }
    const struct history_record **v = xcalloc(n_hist + 1, sizeof *v);
    size_t failed = 0;
    for (size_t i = 0; i < n_hist; i++) {
        v[i] = &hist[i];
        failed += (size_t)s_failed(&hist[i]);
    }
    qsort(v, n_hist, sizeof *v, s_by_failure);

    struct buf b;
    buf_init(&b);
    html_page_begin(&b, "drh run history");
    buf_printf(&b, "<header class=\"banner %s\"><h1>drh run history</h1>\n<div class=\"sub\">",
               n_hist == 0 ? "skip"
               : failed    ? "fail"
                           : "pass");
    buf_printf(&b, "%zu run%s \xc2\xb7 %zu with a failure</div></header>\n", n_hist,
               n_hist == 1 ? "" : "s", failed);
    buf_puts(&b, "<h2>Runs</h2>\n");
    if (n_hist == 0) {
        buf_puts(&b, "<p class=\"muted\">No run recorded yet.</p>\n");
    } else {
        buf_puts(&b, "<table><tr><th>Run</th><th>Drill</th><th>Verdict</th><th>Started</th>"
                     "<th class=\"num\">RTO / objective</th>"
                     "<th class=\"num\">RPO / objective</th></tr>\n");
        for (size_t i = 0; i < n_hist; i++) {
            if (i == failed && failed > 0)
                buf_puts(&b, "<tr><th colspan=\"6\">Passed runs</th></tr>\n");
            s_row(&b, v[i], dir);
        }
        buf_puts(&b, "</table>\n<h2>RTO trend per drill</h2>\n");
        s_trends(&b, hist, n_hist);
    }
    buf_puts(&b, "<footer>Written by drh from its run history; each run's page holds the "
                 "detail.</footer>\n");
    html_page_end(&b);
    char *path = xasprintf("%s/index.html", dir);
    enum drh_status st = report_write_file(path, b.data, b.len, err);
    free(path);
    buf_clean_up(&b);
    free(v);
    return st;
}
