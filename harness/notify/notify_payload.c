/*
 * What a notification says (see notify.h): one summary written as plain
 * text for SNS and logs, as Slack mrkdwn for the webhook's "text", and cut
 * into Slack blocks. Everything from the run is bounded piece by piece (a
 * case message, a path) and the whole again, always at a UTF-8 boundary
 * and never inside a mrkdwn entity, so a run with thousands of failing
 * cases still gives a message every channel accepts.
 */
#include "notify/notify.h"

#include "buf.h"
#include "json.h"
#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ELLIPSIS "\xe2\x80\xa6"
#define FIELD_MAX 200   /* a name, an id, a path */
#define MESSAGE_MAX 500 /* a case's message, a warning */
#define CASES_BUDGET 28000
#define WARNINGS_BUDGET 4000
#define HEADER_MAX 150 /* Slack: header block text */

/* Cuts b to at most max bytes, suffix included, at a character boundary
 * and before any unfinished "&...;" entity. */
static void s_cut(struct buf *b, size_t max, const char *suffix)
{
    if (b->len <= max)
        return;
    size_t slen = strlen(suffix);
    size_t n = max > slen ? max - slen : 0;
    while (n > 0 && ((unsigned char)b->data[n] & 0xc0) == 0x80)
        n--;
    for (size_t i = n; i > 0 && n - i < 6; i--) {
        if (b->data[i - 1] == ';')
            break;
        if (b->data[i - 1] == '&') {
            n = i - 1;
            break;
        }
    }
    b->len = n;
    b->data[n] = '\0';
    buf_puts(b, suffix);
}

/* The length of the valid UTF-8 sequence at p (1 to 4), or 0 when p does
 * not start one (a stray continuation byte, an overlong form, a surrogate,
 * past U+10FFFF, cut short). */
static size_t s_utf8_len(const unsigned char *p)
{
    size_t n = p[0] < 0x80                    ? 1
               : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
               : p[0] >= 0xe0 && p[0] <= 0xef ? 3
               : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4
                                              : 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
        (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
        return 0;
    return n;
}

/* Appends text (NULL: nothing) on one line: control characters become
 * spaces, bytes that are not UTF-8 U+FFFD, and for mrkdwn &, <, > become
 * entities; cut to max bytes. */
static void s_put(struct buf *b, const char *text, bool mrkdwn, size_t max)
{
    struct buf t;
    buf_init(&t);
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (*p) {
        size_t n = s_utf8_len(p);
        if (n == 0) {
            buf_puts(&t, "\xef\xbf\xbd");
            p++;
            continue;
        }
        if (n > 1)
            buf_append(&t, p, n);
        else if (*p < 0x20 || *p == 0x7f)
            buf_putc(&t, ' ');
        else if (mrkdwn && *p == '&')
            buf_puts(&t, "&amp;");
        else if (mrkdwn && *p == '<')
            buf_puts(&t, "&lt;");
        else if (mrkdwn && *p == '>')
            buf_puts(&t, "&gt;");
        else
            buf_putc(&t, (char)*p);
        p += n;
    }
    s_cut(&t, max, ELLIPSIS);
    buf_append(b, t.data ? t.data : "", t.len);
    buf_clean_up(&t);
}

static void s_duration(double seconds, char *out, size_t size)
{
    if (seconds < 0)
        snprintf(out, size, "?");
    else if (seconds < 60 && seconds != floor(seconds))
        snprintf(out, size, "%.1fs", seconds);
    else
        drill_format_duration((long)(seconds + 0.5), out, size);
}

static const char *s_verdict(const struct notify_summary *s)
{
    return s->verdict && *s->verdict ? s->verdict : "UNKNOWN";
}

static void s_title(struct buf *b, const struct notify_summary *s, bool md)
{
    const char *v = s_verdict(s);
    if (md)
        buf_printf(b, "%s *drh drill ",
                   strcmp(v, "PASSED") == 0   ? ":white_check_mark:"
                   : strcmp(v, "FAILED") == 0 ? ":x:"
                                              : ":warning:");
    else
        buf_puts(b, "drh drill ");
    s_put(b, s->drill ? s->drill : "(unnamed)", md, FIELD_MAX);
    buf_puts(b, " ");
    s_put(b, v, md, FIELD_MAX);
    buf_puts(b, md ? "*\n" : "\n");
}

static void s_objective(struct buf *b, const char *what, double value, double objective, bool md)
{
    if (value < 0 && objective < 0)
        return;
    char v[32], o[32];
    s_duration(value, v, sizeof v);
    s_duration(objective, o, sizeof o);
    buf_printf(b, md ? "*%s* " : "%s: ", what);
    if (value < 0)
        buf_printf(b, "not measured (objective %s)\n", o);
    else if (objective < 0)
        buf_printf(b, "%s (no objective)\n", v);
    else
        buf_printf(b, "%s (objective %s) %s\n", v, o, value <= objective ? "met" : "MISSED");
}

static void s_facts(struct buf *b, const struct notify_summary *s, bool md)
{
    buf_puts(b, md ? "*Run* " : "Run ");
    s_put(b, s->run_id ? s->run_id : "?", md, FIELD_MAX);
    if (s->host) {
        buf_puts(b, " on ");
        s_put(b, s->host, md, FIELD_MAX);
    }
    if (s->seconds >= 0) {
        char d[32];
        s_duration(s->seconds, d, sizeof d);
        buf_printf(b, ", took %s", d);
    }
    buf_puts(b, "\n");
    if (s->file) {
        buf_puts(b, md ? "*Drill file* " : "Drill file: ");
        s_put(b, s->file, md, FIELD_MAX);
        buf_puts(b, "\n");
    }
    s_objective(b, "RTO", s->rto, s->rto_objective, md);
    s_objective(b, "RPO", s->rpo, s->rpo_objective, md);
}

/* One line per case: "- resource / name: STATUS: message". */
static void s_case(struct buf *b, const struct notify_case *c, bool md)
{
    buf_puts(b, md ? "\xe2\x80\xa2 " : "- ");
    if (c->resource && *c->resource) {
        s_put(b, c->resource, md, FIELD_MAX);
        buf_puts(b, " / ");
    }
    s_put(b, c->name ? c->name : "?", md, FIELD_MAX);
    buf_puts(b, md ? ": *" : ": ");
    s_put(b, c->status && *c->status ? c->status : "FAILED", md, FIELD_MAX);
    if (md)
        buf_puts(b, "*");
    if (c->message && *c->message) {
        buf_puts(b, ": ");
        s_put(b, c->message, md, MESSAGE_MAX);
    }
    buf_puts(b, "\n");
}

/* The cases (or, with cases NULL, the warnings) under a heading, as many
 * as fit in budget bytes, then how many were left out. */
static void s_list(struct buf *b, const struct notify_summary *s, bool cases, bool md,
                   size_t budget)
{
    size_t n = cases ? s->n_cases : s->n_warnings;
    if (n == 0)
        return;
    size_t start = b->len;
    if (cases)
        buf_printf(b, md ? "*Cases that did not pass (%zu)*\n" : "Cases that did not pass (%zu):\n",
                   n);
    else
        buf_puts(b, md ? "*Warnings*\n" : "Warnings:\n");
    struct buf line;
    buf_init(&line);
    size_t i = 0;
    for (; i < n; i++) {
        buf_reset(&line);
        if (cases) {
            s_case(&line, &s->cases[i], md);
        } else {
            buf_puts(&line, md ? "\xe2\x80\xa2 " : "- ");
            s_put(&line, s->warnings[i], md, MESSAGE_MAX);
            buf_puts(&line, "\n");
        }
        /* Room for the line and, unless it is the last, the "more" line. */
        if (b->len - start + line.len + (i + 1 < n ? 64 : 0) > budget)
            break;
        buf_append(b, line.data, line.len);
    }
    if (i < n)
        buf_printf(b, "%s%s and %zu more%s\n", md ? "\xe2\x80\xa2 " : "- ", ELLIPSIS, n - i,
                   cases && s->junit ? " (see the JUnit report)" : "");
    buf_clean_up(&line);
}

static void s_reports(struct buf *b, const struct notify_summary *s, bool md)
{
    if (s->junit) {
        buf_puts(b, md ? "*JUnit* " : "JUnit report: ");
        s_put(b, s->junit, md, FIELD_MAX * 2);
        buf_puts(b, "\n");
    }
    if (s->evidence) {
        buf_puts(b, md ? "*Evidence* " : "Evidence: ");
        s_put(b, s->evidence, md, FIELD_MAX * 2);
        buf_puts(b, "\n");
    }
}

static char *s_text(const struct notify_summary *s, bool md)
{
    struct buf b;
    buf_init(&b);
    s_title(&b, s, md);
    s_facts(&b, s, md);
    s_list(&b, s, true, md, CASES_BUDGET);
    s_list(&b, s, false, md, WARNINGS_BUDGET);
    s_reports(&b, s, md);
    if (b.len && b.data[b.len - 1] == '\n')
        b.data[--b.len] = '\0';
    s_cut(&b, NOTIFY_TEXT_MAX, ELLIPSIS);
    return buf_detach(&b);
}

char *notify_text(const struct notify_summary *s)
{
    return s_text(s, false);
}

/* A block of type with a text object of kind ("mrkdwn", "plain_text"). */
static void s_block(struct json *blocks, const char *type, const char *kind, struct buf *text,
                    size_t max)
{
    if (text->len && text->data[text->len - 1] == '\n')
        text->data[--text->len] = '\0';
    if (text->len == 0)
        return;
    s_cut(text, max, ELLIPSIS);
    struct json *block = json_new_object();
    json_add_string(block, "type", type);
    struct json *t = json_new_object();
    json_add_string(t, "type", kind);
    json_add_string(t, "text", buf_str(text));
    if (strcmp(type, "context") == 0) {
        struct json *elements = json_new_array();
        json_push(elements, t);
        json_add_child(block, "elements", elements);
    } else {
        json_add_child(block, "text", t);
    }
    json_push(blocks, block);
    buf_reset(text);
}

char *notify_slack_json(const struct notify_summary *s)
{
    struct json *msg = json_new_object();
    char *text = s_text(s, true);
    json_add_string(msg, "text", text);
    free(text);
    struct json *blocks = json_new_array();
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "drh: ");
    s_put(&b, s->drill ? s->drill : "(unnamed)", false, FIELD_MAX);
    buf_printf(&b, " %s", s_verdict(s));
    s_block(blocks, "header", "plain_text", &b, HEADER_MAX);
    s_facts(&b, s, true);
    s_block(blocks, "section", "mrkdwn", &b, NOTIFY_BLOCK_MAX);
    s_list(&b, s, true, true, NOTIFY_BLOCK_MAX);
    s_block(blocks, "section", "mrkdwn", &b, NOTIFY_BLOCK_MAX);
    s_list(&b, s, false, true, NOTIFY_BLOCK_MAX);
    s_block(blocks, "section", "mrkdwn", &b, NOTIFY_BLOCK_MAX);
    s_reports(&b, s, true);
    s_block(blocks, "context", "mrkdwn", &b, NOTIFY_BLOCK_MAX);
    buf_clean_up(&b);
    json_add_child(msg, "blocks", blocks);
    char *out = json_print(msg, 0);
    json_free(msg);
    return out;
}

void notify_subject(const struct notify_summary *s, char *out, size_t size)
{
    if (!out || size == 0)
        return;
    char full[256];
    snprintf(full, sizeof full, "drh: %s %s", s->drill && *s->drill ? s->drill : "drill",
             s_verdict(s));
    size_t max = size - 1 < NOTIFY_SUBJECT_MAX ? size - 1 : NOTIFY_SUBJECT_MAX;
    size_t n = 0;
    for (const char *p = full; *p && n < max; p++) {
        unsigned char c = (unsigned char)*p;
        out[n++] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
    }
    out[n] = '\0';
}
