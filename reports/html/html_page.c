/*
 * The frame every HTML page shares: the document head with its one inline
 * stylesheet (compact, readable at 1280 px, print-friendly; no web font, no
 * url(), no @import), and the text and figure formatting the pages use.
 */
#include "reports/html/html_impl.h"

#include "mem.h"
#include "reports/report.h"
#include "xml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char s_css[] =
    ":root{--pass:" HTML_PASS ";--fail:" HTML_FAIL ";--error:" HTML_ERROR ";--skip:" HTML_SKIP
    ";--ink:" HTML_INK ";--line:#d0d7de;--soft:#f6f8fa;--muted:#59636e}\n"
    "*{box-sizing:border-box}\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
    "sans-serif;color:var(--ink);background:#fff;margin:0 auto;max-width:1240px;"
    "padding:16px 20px}\n"
    "h1{font-size:22px;margin:0 0 6px}\n"
    "h2{font-size:18px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}\n"
    "h3{font-size:15px;margin:18px 0 6px}\n"
    "a{color:#0969da}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0 14px;font-size:13px}\n"
    "th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}\n"
    "th{background:var(--soft);font-weight:600}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}\n"
    "td.nowrap{white-space:nowrap}\n"
    "tr.fail>td:first-child,tr.error>td:first-child{box-shadow:inset 4px 0 var(--fail)}\n"
    ".badge{display:inline-block;min-width:52px;text-align:center;padding:0 7px;"
    "border-radius:9px;color:#fff;font-weight:600;font-size:12px}\n"
    ".banner{color:#fff;padding:10px 16px;border-radius:6px;margin:0 0 10px}\n"
    ".banner h1{margin:0}\n"
    ".banner .sub{opacity:.92}\n"
    ".pass.badge,.pass.banner{background:var(--pass)}\n"
    ".fail.badge,.fail.banner{background:var(--fail)}\n"
    ".error.badge,.error.banner{background:var(--error)}\n"
    ".skip.badge,.skip.banner{background:var(--skip)}\n"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:1px 14px;margin:6px 0 10px}\n"
    "dl.meta dt{font-weight:600;color:var(--muted)}\n"
    "dl.meta dd{margin:0;overflow-wrap:anywhere}\n"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);padding:4px 6px;"
    "margin:3px 0;font-size:12px}\n"
    ".failures{border:2px solid var(--fail);border-radius:6px;padding:2px 14px 8px;"
    "margin:12px 0}\n"
    ".failures h2{border:0;margin-top:10px;color:var(--fail)}\n"
    ".allpass{border:2px solid var(--pass);border-radius:6px;padding:8px 14px;margin:12px 0;"
    "color:var(--pass);font-weight:600}\n"
    ".muted{color:var(--muted)}\n"
    ".missed{color:var(--fail);font-weight:700}\n"
    "svg{display:block;max-width:100%;height:auto;margin:4px 0 12px}\n"
    "svg text{font:11px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
    "fill:var(--ink)}\n"
    "footer{margin-top:28px;color:var(--muted);font-size:12px}\n"
    "@media print{body{max-width:none;padding:0;font-size:11px}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "section.drill{break-before:page}h2,h3{break-after:avoid}tr,svg,.failures"
    "{break-inside:avoid}a{color:inherit;text-decoration:none}}\n";

void html_page_begin(struct buf *b, const char *title)
{
    buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    html_text(b, title);
    buf_puts(b, "</title>\n<style>\n");
    buf_puts(b, s_css);
    buf_puts(b, "</style>\n</head>\n<body>\n");
}

void html_page_end(struct buf *b)
{
    buf_puts(b, "</body>\n</html>\n");
}

void html_text(struct buf *b, const char *s)
{
    xml_escape(b, s);
}

static void s_escape_n(struct buf *b, const char *s, size_t n)
{
    char *head = xstrndup(s, n);
    xml_escape(b, head);
    free(head);
}

/* s escaped, cut at max bytes (a UTF-8 boundary) with an ellipsis, which
 * says how much was cut when say_more. */
static void s_text_cut(struct buf *b, const char *s, size_t max, bool say_more)
{
    if (!s)
        return;
    size_t len = strlen(s), n = report_cut_len(s, len, max);
    if (n == len) {
        xml_escape(b, s);
        return;
    }
    s_escape_n(b, s, n);
    if (say_more)
        buf_printf(b,
                   " \xe2\x80\xa6"
                   "cut (%zu more bytes)",
                   len - n);
    else
        buf_puts(b, "\xe2\x80\xa6");
}

void html_text_cut(struct buf *b, const char *s, size_t max)
{
    s_text_cut(b, s, max, true);
}

void html_text_short(struct buf *b, const char *s, size_t max)
{
    s_text_cut(b, s, max, false);
}

const char *html_class(const char *status)
{
    if (!status)
        return "skip";
    if (strcmp(status, "pass") == 0 || strcmp(status, "PASSED") == 0)
        return "pass";
    if (strcmp(status, "fail") == 0 || strcmp(status, "FAILED") == 0)
        return "fail";
    if (strcmp(status, "error") == 0 || strcmp(status, "ERROR") == 0)
        return "error";
    return "skip";
}

const char *html_colour(const char *cls)
{
    if (strcmp(cls, "pass") == 0)
        return HTML_PASS;
    if (strcmp(cls, "fail") == 0)
        return HTML_FAIL;
    if (strcmp(cls, "error") == 0)
        return HTML_ERROR;
    return HTML_SKIP;
}

void html_fmt_time(double epoch, char out[40])
{
    struct tm tm;
    time_t t = (time_t)epoch;
    if (!isfinite(epoch) || epoch <= 0 || epoch > 253402300799.0 || !gmtime_r(&t, &tm) ||
        strftime(out, 40, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(out, 40, "\xe2\x80\x93");
}
