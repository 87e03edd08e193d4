/*
 * What the HTML writers share: the page frame and stylesheet, text and
 * figure formatting (html_page.c), and the inline SVG charts (html_svg.c).
 * Everything appends to a struct buf and escapes what it is given.
 */
#ifndef DRH_REPORTS_HTML_IMPL_H
#define DRH_REPORTS_HTML_IMPL_H

#include "buf.h"
#include "history/history.h"
#include "reports/report.h"
#include "json.h"

#include <stddef.h>

/* The status colours, in the stylesheet and the charts alike (the
 * rendering test looks for them in screenshots). */
#define HTML_PASS "#1a7f37"
#define HTML_FAIL "#cf222e"
#define HTML_ERROR "#bc4c00"
#define HTML_SKIP "#8c959f"
#define HTML_INK "#1f2328"

/* Past these, a case's message / detail is cut on the page ("…cut"): the
 * whole text stays in the evidence document. */
#define HTML_MESSAGE_MAX 2048
#define HTML_DETAIL_MAX 8192

/* <!DOCTYPE html> ... <body>, with title (escaped) and the stylesheet. */
void html_page_begin(struct buf *b, const char *title);
void html_page_end(struct buf *b);
/* Escaped text; NULL appends nothing. */
void html_text(struct buf *b, const char *s);
/* Escaped text cut to at most max bytes (on a character boundary), then
 * " …cut (N more bytes)". */
void html_text_cut(struct buf *b, const char *s, size_t max);
/* Escaped text cut to at most max bytes, then "…": for chart labels,
 * whose tooltip has the whole text. */
void html_text_short(struct buf *b, const char *s, size_t max);
/* "pass", "fail", "error" or "skip": the CSS class of a case status
 * ("pass", "fail", ...) or a verdict ("PASSED", "FAILED", ...); "skip" for
 * anything unknown or NULL. */
const char *html_class(const char *status);
/* The colour of that class. */
const char *html_colour(const char *cls);
/* Epoch seconds as "2026-11-22 07:32:35 UTC"; "–" when <= 0. */
void html_fmt_time(double epoch, char out[40]);

/* The RTO / RPO chart: one horizontal bar a row, the achieved figure
 * against its objective, missed rows red and saying "MISSED". */
struct html_bar {
    const char *label;
    double value;     /* seconds; < 0: none */
    double objective; /* seconds; <= 0: unknown */
};
void html_svg_bars(struct buf *b, const char *what, const struct html_bar *bars, size_t n);

/* The timeline: one row a resource, one bar a case. */
struct html_span {
    const char *name;
    const char *status; /* the case's: "pass", "fail", ... */
    double start;       /* seconds from the run's start */
    double seconds;
    int timed; /* 0: no start recorded: start is guessed, drawn as a marker */
};
struct html_gantt_row {
    const char *label;
    const struct html_span *spans;
    size_t n;
};
void html_svg_gantt(struct buf *b, const struct html_gantt_row *rows, size_t n);

/* The RTO trend of one drill: a point a run, in any order. */
struct html_point {
    double when;      /* epoch seconds */
    double rto;       /* seconds; < 0: none */
    double objective; /* seconds; <= 0: unknown */
    const char *verdict;
    const char *run_id;
};
void html_svg_trend(struct buf *b, const char *drill, const struct html_point *pts, size_t n);

/* A run page being written (html_run.c): its document, the suites in
 * document order (a suite's anchor on the page is "s-<index>"), the run's
 * start (epoch seconds: the earliest of the document's and its cases'),
 * and the history for the trend charts. */
struct html_run {
    const struct json *doc;
    const struct json **suites;
    size_t n_suites;
    double t0;
    const struct history_record *hist;
    size_t n_hist;
};
/* One drill's section (html_drill.c); used[i] is set for every suite shown
 * there, so suites of no drill can be shown after. */
void html_drill_section(struct buf *b, const struct html_run *run, const struct json *drill,
                        size_t index, unsigned char *used);
/* The cases table of run->suites[i], under a heading anchored "s-<i>". */
void html_suite_cases(struct buf *b, const struct html_run *run, size_t i);
/* An RFC 3339 time as epoch seconds with its fraction; -1 when NULL or
 * malformed. */
double html_time(const char *text);
/* A number member of obj; -1 when absent or not a number. */
double html_figure(const struct json *obj, const char *key);

#endif
