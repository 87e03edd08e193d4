/*
 * The inline SVG charts of the HTML reports: RTO / RPO against their
 * objectives, the timeline (Gantt chart) of a run's steps, and the RTO
 * trend of a drill over its runs. Plain SVG 1.1 drawn at a fixed width
 * (the page scales it down), with a <title> tooltip on every mark; a
 * status is told by colour and by shape or text too, so a missed objective
 * or a failed run still shows in greyscale print.
 */
#include "reports/html/html_impl.h"

#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_W 1180 /* the drawing width; the page scales it */
#define S_LABEL_W 210
#define S_LABEL_MAX 48 /* bytes of a row label drawn; the tooltip has all */

/* A step of 1, 2 or 5 (or a friendly unit of time) so that span takes
 * about ticks steps. */
static double s_step(double span, int ticks)
{
    static const double friendly[] = {1,     2,     5,     10,    15,     30,    60,
                                      120,   300,   600,   900,   1800,   3600,  7200,
                                      10800, 21600, 43200, 86400, 172800, 604800};
    double raw = span / ticks;
    if (!(raw > 0) || !isfinite(raw))
        return 1;
    if (raw < 1) {
        double mag = pow(10, floor(log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }
    for (size_t i = 0; i < sizeof friendly / sizeof friendly[0]; i++)
        if (friendly[i] >= raw)
            return friendly[i];
    return ceil(raw / 604800) * 604800;
}

/* A tick label: "0", "500 ms", "30 s", "15 m", "6 h", "2 d". */
static void s_tick(double v, char out[32])
{
    if (v == 0)
        snprintf(out, 32, "0");
    else if (v < 1)
        snprintf(out, 32, "%.4g ms", v * 1000);
    else if (v < 60)
        snprintf(out, 32, "%.4g s", v);
    else if (v < 3600)
        snprintf(out, 32, "%.4g m", v / 60);
    else if (v < 86400)
        snprintf(out, 32, "%.4g h", v / 3600);
    else
        snprintf(out, 32, "%.4g d", v / 86400);
}

static void s_label(struct buf *b, double x, double y, const char *anchor, const char *cls,
                    const char *text)
{
    buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s%s>", x, y, anchor,
               cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    html_text_short(b, text, S_LABEL_MAX);
    buf_puts(b, "</text>");
}

/* Vertical grid lines and labels under a plot from x0 to x0 + w covering
 * 0..max, between y0 and y1. */
static void s_x_axis(struct buf *b, double x0, double w, double max, double y0, double y1,
                     const char *caption)
{
    double step = s_step(max, 8);
    char t[32];
    for (int i = 0; i <= 40 && i * step <= max * 1.0001; i++) {
        double x = x0 + i * step / max * w;
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d8dee4\"/>",
                   x, y0, x, y1);
        s_tick(i * step, t);
        s_label(b, x, y1 + 13, "middle", NULL, t);
    }
    if (caption)
        s_label(b, x0 + w, y1 + 26, "end", "muted", caption);
}

static void s_svg_begin(struct buf *b, double h, const char *label)
{
    buf_printf(b,
               "<svg width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" role=\"img\" "
               "aria-label=\"",
               S_W, h, S_W, h);
    html_text(b, label);
    buf_puts(b, "\">\n");
}

/* ---- RTO / RPO against objectives ------------------------------------- */

#define S_BAR_ROW 24
#define S_BAR_TEXT_W 300

void html_svg_bars(struct buf *b, const char *what, const struct html_bar *bars, size_t n)
{
    double max = 0;
    for (size_t i = 0; i < n; i++) {
        if (bars[i].value > max && isfinite(bars[i].value))
            max = bars[i].value;
        if (bars[i].objective > max && isfinite(bars[i].objective))
            max = bars[i].objective;
    }
    if (!(max > 0))
        max = 1;
    max *= 1.02;
    const double top = 24, x0 = S_LABEL_W, pw = S_W - S_LABEL_W - S_BAR_TEXT_W;
    double h = top + (double)n * S_BAR_ROW + 34;
    char label[64];
    snprintf(label, sizeof label, "%s achieved against objective", what);
    s_svg_begin(b, h, label);
    /* the legend says what colour and the dashed line mean */
    buf_printf(b,
               "<rect x=\"%.0f\" y=\"6\" width=\"12\" height=\"10\" fill=\"" HTML_PASS "\"/>"
               "<text x=\"%.0f\" y=\"15\">%s within objective</text>"
               "<rect x=\"%.0f\" y=\"6\" width=\"12\" height=\"10\" fill=\"" HTML_FAIL "\"/>"
               "<text x=\"%.0f\" y=\"15\">%s beyond objective (MISSED)</text>"
               "<line x1=\"%.0f\" y1=\"4\" x2=\"%.0f\" y2=\"18\" stroke=\"" HTML_INK
               "\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>"
               "<text x=\"%.0f\" y=\"15\">objective</text>\n",
               x0, x0 + 16, what, x0 + 170, x0 + 186, what, x0 + 400, x0 + 400, x0 + 406);
    s_x_axis(b, x0, pw, max, top, top + (double)n * S_BAR_ROW, "seconds");
    for (size_t i = 0; i < n; i++) {
        const struct html_bar *r = &bars[i];
        double y = top + (double)i * S_BAR_ROW;
        int has = r->value >= 0 && isfinite(r->value);
        int known = r->objective > 0 && isfinite(r->objective);
        int missed = has && known && r->value > r->objective;
        char v[32], o[32], text[160];
        report_format_seconds(r->value, v);
        report_format_seconds(r->objective, o);
        if (!has)
            snprintf(text, sizeof text, "no %s measured", what);
        else if (!known)
            snprintf(text, sizeof text, "%s (no objective)", v);
        else if (missed)
            snprintf(text, sizeof text, "MISSED: %s > objective %s (+%.0f%%)", v, o,
                     (r->value / r->objective - 1) * 100);
        else
            snprintf(text, sizeof text, "met: %s \xe2\x89\xa4 objective %s (%.2g%%)", v, o,
                     r->value / r->objective * 100);
        buf_printf(b, "<g class=\"%s\"><title>", missed ? "missed" : "met");
        html_text(b, r->label);
        buf_printf(b, ": %s %s</title>", what, text);
        s_label(b, x0 - 8, y + 16, "end", NULL, r->label);
        if (has) {
            double w = r->value / max * pw;
            buf_printf(b,
                       "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
                       "fill=\"%s\"/>",
                       x0, y + 5, w < 2 ? 2 : w, S_BAR_ROW - 10,
                       missed  ? HTML_FAIL
                       : known ? HTML_PASS
                               : HTML_SKIP);
        }
        if (known) {
            double x = x0 + r->objective / max * pw;
            buf_printf(b,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" HTML_INK
                       "\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>",
                       x, y + 1, x, y + S_BAR_ROW - 1);
        }
        buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s>", x0 + pw + 10, y + 16,
                   missed ? " class=\"missed\" style=\"fill:" HTML_FAIL ";font-weight:700\"" : "");
        html_text(b, text);
        buf_puts(b, "</text></g>\n");
    }
    buf_puts(b, "</svg>\n");
}

/* ---- the timeline ------------------------------------------------------ */

#define S_GANTT_ROW 18

void html_svg_gantt(struct buf *b, const struct html_gantt_row *rows, size_t n)
{
    double span = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < rows[i].n; j++) {
            double end = rows[i].spans[j].start + rows[i].spans[j].seconds;
            if (end > span && isfinite(end))
                span = end;
        }
    if (!(span > 0))
        span = 1;
    span *= 1.01;
    const double top = 6, x0 = S_LABEL_W, pw = S_W - S_LABEL_W - 16;
    double bottom = top + (double)n * S_GANTT_ROW;
    s_svg_begin(b, bottom + 34, "timeline of the steps of every resource");
    for (size_t i = 0; i < n; i++)
        if (i % 2 == 0)
            buf_printf(b, "<rect x=\"0\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f6f8fa\"/>",
                       top + (double)i * S_GANTT_ROW, S_W, S_GANTT_ROW);
    s_x_axis(b, x0, pw, span, top, bottom, "seconds from the run start");
    for (size_t i = 0; i < n; i++) {
        double y = top + (double)i * S_GANTT_ROW;
        buf_puts(b, "<g>");
        s_label(b, x0 - 8, y + 13, "end", NULL, rows[i].label);
        for (size_t j = 0; j < rows[i].n; j++) {
            const struct html_span *s = &rows[i].spans[j];
            const char *cls = html_class(s->status);
            double x = x0 + s->start / span * pw;
            char from[32], len[32];
            report_format_seconds(s->start, from);
            report_format_seconds(s->seconds, len);
            if (s->timed && s->seconds > 0) {
                double w = s->seconds / span * pw;
                buf_printf(b,
                           "<rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                           "height=\"%d\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.5\">",
                           cls, x, y + 3, w < 1 ? 1 : w, S_GANTT_ROW - 6, html_colour(cls));
            } else {
                /* a diamond: a step of no length, or one whose start is not known */
                buf_printf(b,
                           "<path class=\"mark %s\" d=\"M%.1f %.1fl4 5l-4 5l-4 -5z\" fill=\"%s\" "
                           "stroke=\"" HTML_INK "\" stroke-width=\"0.5\">",
                           cls, x, y + 4, html_colour(cls));
            }
            buf_puts(b, "<title>");
            html_text(b, rows[i].label);
            buf_puts(b, " \xc2\xb7 ");
            html_text(b, s->name);
            buf_printf(b, ": %s, %s from +%s%s</title>", s->status ? s->status : "?", len, from,
                       s->timed ? "" : " (start not recorded)");
            buf_puts(b, s->timed && s->seconds > 0 ? "</rect>" : "</path>");
        }
        buf_puts(b, "</g>\n");
    }
    buf_puts(b, "</svg>\n");
}

/* ---- the RTO trend ----------------------------------------------------- */

static int s_by_when(const void *a, const void *b)
{
    const struct html_point *x = a, *y = b;
    return (x->when > y->when) - (x->when < y->when);
}

static void s_date(double epoch, int with_time, char out[32])
{
    struct tm tm;
    time_t t = (time_t)epoch;
    if (!gmtime_r(&t, &tm) ||
        strftime(out, 32, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm) == 0)
        snprintf(out, 32, "?");
}

/* A run's mark: a circle when it passed, a cross when it failed, a square
 * on an error, so the verdict shows without colour. */
static void s_mark(struct buf *b, const struct html_point *p, double x, double y)
{
    const char *cls = html_class(p->verdict);
    const char *c = html_colour(cls);
    if (strcmp(cls, "pass") == 0)
        buf_printf(b, "<circle class=\"run pass\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\">", x,
                   y, c);
    else if (strcmp(cls, "fail") == 0)
        buf_printf(b,
                   "<path class=\"run fail\" d=\"M%.1f %.1fl10 10m0 -10l-10 10\" stroke=\"%s\" "
                   "stroke-width=\"3\" fill=\"none\">",
                   x - 5, y - 5, c);
    else
        buf_printf(b,
                   "<rect class=\"run %s\" x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\" "
                   "fill=\"%s\">",
                   cls, x - 4.5, y - 4.5, c);
    char when[40], rto[32];
    html_fmt_time(p->when, when);
    report_format_seconds(p->rto, rto);
    buf_puts(b, "<title>");
    html_text(b, p->run_id);
    buf_printf(b, " \xc2\xb7 %s \xc2\xb7 RTO %s \xc2\xb7 ", when, rto);
    html_text(b, p->verdict);
    buf_puts(b, "</title>");
    buf_puts(b, strcmp(cls, "pass") == 0   ? "</circle>"
                : strcmp(cls, "fail") == 0 ? "</path>"
                                           : "</rect>");
}

void html_svg_trend(struct buf *b, const char *drill, const struct html_point *pts, size_t n)
{
    if (n == 0) {
        buf_puts(b, "<p class=\"muted\">No runs recorded in the history for this drill.</p>\n");
        return;
    }
    struct html_point *v = xmalloc(n * sizeof *v);
    memcpy(v, pts, n * sizeof *v);
    qsort(v, n, sizeof *v, s_by_when);
    double t0 = v[0].when, t1 = v[n - 1].when, ymax = 0;
    if (!(t1 > t0)) {
        t0 -= 43200;
        t1 += 43200;
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i].rto > ymax && isfinite(v[i].rto))
            ymax = v[i].rto;
        if (v[i].objective > ymax && isfinite(v[i].objective))
            ymax = v[i].objective;
    }
    if (!(ymax > 0))
        ymax = 1;
    ymax *= 1.1;
    const double left = 70, right = 130, top = 24, ph = 170;
    const double pw = S_W - left - right, bottom = top + ph;
#define S_X(t) (left + ((t)-t0) / (t1 - t0) * pw)
#define S_Y(s) (bottom - (s) / ymax * ph)
    char label[96];
    snprintf(label, sizeof label, "RTO of drill %.40s over its runs", drill ? drill : "");
    s_svg_begin(b, bottom + 34, label);
    buf_printf(b,
               "<circle cx=\"%.0f\" cy=\"11\" r=\"4\" fill=\"" HTML_PASS "\"/>"
               "<text x=\"%.0f\" y=\"15\">passed</text>"
               "<path d=\"M%.0f 6l10 10m0 -10l-10 10\" stroke=\"" HTML_FAIL
               "\" stroke-width=\"3\"/><text x=\"%.0f\" y=\"15\">failed</text>"
               "<rect x=\"%.0f\" y=\"6\" width=\"9\" height=\"9\" fill=\"" HTML_ERROR "\"/>"
               "<text x=\"%.0f\" y=\"15\">error</text>"
               "<line x1=\"%.0f\" y1=\"11\" x2=\"%.0f\" y2=\"11\" stroke=\"" HTML_INK
               "\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>"
               "<text x=\"%.0f\" y=\"15\">RTO objective</text>\n",
               left + 4, left + 12, left + 60, left + 76, left + 120, left + 134, left + 180,
               left + 205, left + 210);
    /* the y axis: seconds of RTO */
    double step = s_step(ymax, 5);
    char t[32];
    for (int i = 0; i <= 20 && i * step <= ymax; i++) {
        double y = S_Y(i * step);
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d8dee4\"/>",
                   left, y, left + pw, y);
        s_tick(i * step, t);
        s_label(b, left - 6, y + 4, "end", NULL, t);
    }
    int with_time = t1 - t0 < 3 * 86400;
    for (int i = 0; i <= 4; i++) {
        double when = t0 + (t1 - t0) * i / 4;
        s_date(when, with_time, t);
        s_label(b, S_X(when), bottom + 16, i == 0 ? "start" : i == 4 ? "end" : "middle", NULL, t);
    }
    /* the objective, as it was at each run */
    int open = 0;
    double last_obj = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(v[i].objective > 0) || !isfinite(v[i].objective))
            continue;
        if (!open) /* from the left edge: the objective held before the first run */
            buf_printf(b, "<path class=\"objective\" d=\"M%.1f %.1fH%.1f", left,
                       S_Y(v[i].objective), S_X(v[i].when));
        else
            buf_printf(b, "H%.1fV%.1f", S_X(v[i].when), S_Y(v[i].objective));
        open = 1;
        last_obj = v[i].objective;
    }
    if (open) {
        char o[32];
        report_format_seconds(last_obj, o);
        buf_printf(b,
                   "H%.1f\" fill=\"none\" stroke=\"" HTML_INK
                   "\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>",
                   left + pw);
        buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">objective %s</text>\n", left + pw + 6,
                   S_Y(last_obj) + 4, o);
    }
    /* achieved RTO, joined in time order */
    open = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(v[i].rto >= 0) || !isfinite(v[i].rto))
            continue;
        buf_printf(b, "%s%.1f %.1f", open ? "L" : "<path class=\"rto\" d=\"M", S_X(v[i].when),
                   S_Y(v[i].rto));
        open = 1;
    }
    if (open)
        buf_puts(b, "\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.5\"/>\n");
    for (size_t i = 0; i < n; i++) {
        int has = v[i].rto >= 0 && isfinite(v[i].rto);
        s_mark(b, &v[i], S_X(v[i].when), has ? S_Y(v[i].rto) : bottom);
    }
    buf_printf(b, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"" HTML_INK "\"/>",
               left, bottom, left + pw, bottom);
    buf_puts(b, "\n</svg>\n");
#undef S_X
#undef S_Y
    free(v);
}
