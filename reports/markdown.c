/*
 * The Markdown run summary (markdown.h), read from the evidence document:
 *
 *   ## ❌ FAILED: drh run <run id>
 *   - **Started:** ..., **Duration:**, **Host:**, **CI:**, **Drills:**, **Cases:**
 *   ### Failures   | Drill / resource | Case | Status | Message |
 *   ### Drills     | Drill | Resource | Verdict | RTO | RPO | Teardown leftovers |
 *   ### Controls   | Drill | Framework | Control | Title |
 *
 * Rows go through a budget: the first row that would take the summary past
 * MARKDOWN_MAX_BYTES (less room for the notes) stops every later one, and
 * each section says how many of its rows were left out.
 */
#include "markdown.h"

#include "mem.h"
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_NAME_MAX 200     /* bytes of a name or id shown in a cell */
#define S_MESSAGE_MAX 1000 /* bytes of a failure message shown in a cell */
/* Kept free for the notes saying what was cut: 3 sections of ~200 bytes. */
#define S_RESERVE 1024

struct s_section {
    const char *title; /* "### Failures\n\n" */
    const char *head;  /* the table head, written with the first row */
    const char *what;  /* "failures": for the note on rows left out */
    bool started;
    size_t omitted;
};

struct s_md {
    struct buf out;
    bool full; /* a row did not fit: every later row is left out too */
};

struct s_fig {
    bool has;
    double v;
};

void markdown_cell(struct buf *b, const char *text, size_t max)
{
    if (!text || !*text) {
        buf_puts(b, "—");
        return;
    }
    size_t len = strlen(text);
    size_t n = report_cut_len(text, len, max);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '<')
            buf_puts(b, "&lt;");
        else if (c == '>')
            buf_puts(b, "&gt;");
        else if (c == '&')
            buf_puts(b, "&amp;");
        else if (c == '\n')
            buf_puts(b, "<br>");
        else if (c == '\t')
            buf_putc(b, ' ');
        else if (strchr("|\\`*_~[]", c)) {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
        } else if (c >= 0x20 && c != 0x7f)
            buf_putc(b, (char)c);
    }
    if (n < len)
        buf_puts(b, "…");
}

static struct s_fig s_fig(const struct json *obj, const char *key)
{
    struct s_fig f = {false, 0};
    f.has = json_number(json_get(obj, key), &f.v) && isfinite(f.v);
    return f;
}

/* "2.9 s", or "13 h 53 m (50000s)" from a minute on. */
static void s_seconds(struct buf *b, struct s_fig f)
{
    char human[32];
    if (!f.has) {
        buf_puts(b, "—");
        return;
    }
    report_format_seconds(f.v, human);
    if (f.v < 60)
        buf_puts(b, human);
    else
        buf_printf(b, "%s (%.0fs)", human, f.v);
}

/* "achieved / objective", the achieved figure in bold past the objective. */
static void s_against(struct buf *b, struct s_fig got, struct s_fig objective)
{
    bool over = got.has && objective.has && got.v > objective.v;
    buf_puts(b, over ? "**" : "");
    s_seconds(b, got);
    buf_puts(b, over ? "** / " : " / ");
    s_seconds(b, objective);
}

static void s_verdict(struct buf *b, const char *v)
{
    if (!v)
        buf_puts(b, "—");
    else if (strcmp(v, "PASSED") == 0)
        buf_puts(b, "✅ PASSED");
    else if (strcmp(v, "FAILED") == 0)
        buf_puts(b, "❌ FAILED");
    else {
        buf_puts(b, "⚠️ ");
        markdown_cell(b, v, S_NAME_MAX);
    }
}

/* Appends row (a table line) under sec, or counts it as left out. */
static void s_row(struct s_md *md, struct s_section *sec, const struct buf *row)
{
    size_t need = row->len + (sec->started ? 0 : strlen(sec->title) + strlen(sec->head));
    if (md->full || md->out.len + need + S_RESERVE >= MARKDOWN_MAX_BYTES) {
        md->full = true;
        sec->omitted++;
        return;
    }
    if (!sec->started) {
        buf_puts(&md->out, sec->title);
        buf_puts(&md->out, sec->head);
        sec->started = true;
    }
    buf_append(&md->out, row->data, row->len);
}

static void s_section_end(struct s_md *md, struct s_section *sec)
{
    if (sec->omitted) {
        if (!sec->started)
            buf_puts(&md->out, sec->title);
        buf_printf(&md->out,
                   "%s_%zu %s not shown: this summary is kept under %d KiB; evidence.json "
                   "has them all._\n",
                   sec->started ? "\n" : "", sec->omitted, sec->what, MARKDOWN_MAX_BYTES / 1024);
    }
    if (sec->started || sec->omitted)
        buf_putc(&md->out, '\n');
}

static bool s_is_safe_url(const char *u)
{
    if (!u || (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0) || strlen(u) > 500)
        return false;
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("<>()[]\"'`\\|", *p))
            return false;
    return true;
}

static void s_ci_line(struct buf *b, const struct json *ci)
{
    if (!json_is_object(ci))
        return;
    const char *system = json_get_string(ci, "system"), *job = json_get_string(ci, "job");
    const char *commit = json_get_string(ci, "commit"), *url = json_get_string(ci, "run_url");
    buf_puts(b, "- **CI:** ");
    markdown_cell(b, system, S_NAME_MAX);
    if (job) {
        buf_puts(b, ", job ");
        markdown_cell(b, job, S_NAME_MAX);
    }
    if (commit) {
        buf_puts(b, ", commit ");
        markdown_cell(b, commit, S_NAME_MAX);
    }
    if (s_is_safe_url(url))
        buf_printf(b, ", [run](%s)", url);
    else if (url) {
        buf_puts(b, ", run ");
        markdown_cell(b, url, S_NAME_MAX);
    }
    buf_putc(b, '\n');
}

static void s_header(struct s_md *md, const struct json *doc)
{
    struct buf *b = &md->out;
    const struct json *drills = json_get(doc, "drills");
    size_t n = 0, passed = 0, failed = 0, other = 0;
    for (const struct json *d = json_first(drills); d; d = json_next(d), n++) {
        const char *v = json_get_string(d, "verdict");
        if (v && strcmp(v, "PASSED") == 0)
            passed++;
        else if (v && strcmp(v, "FAILED") == 0)
            failed++;
        else
            other++;
    }
    /* The runner's order: an error (drh could not tell) outranks a failure. */
    const char *overall = n == 0   ? "⚠️ NO DRILLS"
                          : other  ? "⚠️ ERROR"
                          : failed ? "❌ FAILED"
                                   : "✅ PASSED";
    buf_printf(b, "## %s: drh run ", overall);
    markdown_cell(b, json_get_string(doc, "run_id"), S_NAME_MAX);
    buf_puts(b, "\n\n- **Started:** ");
    markdown_cell(b, json_get_string(doc, "started"), S_NAME_MAX);
    buf_puts(b, "\n- **Duration:** ");
    s_seconds(b, s_fig(doc, "seconds"));
    const struct json *runner = json_get(doc, "runner");
    const char *host = json_get_string(runner, "host");
    if (!host)
        host = json_get_string(json_array_at(json_get(doc, "suites"), 0), "hostname");
    buf_puts(b, "\n- **Host:** ");
    markdown_cell(b, host, S_NAME_MAX);
    buf_puts(b, "\n- **drh:** ");
    markdown_cell(b, json_get_string(doc, "drh_version"), S_NAME_MAX);
    buf_putc(b, '\n');
    s_ci_line(b, json_get(runner, "ci"));
    buf_printf(b, "- **Drills:** %zu: %zu passed, %zu failed, %zu errors\n", n, passed, failed,
               other);
    const struct json *t = json_get(doc, "totals");
    struct s_fig c = s_fig(t, "cases"), p = s_fig(t, "pass"), f = s_fig(t, "fail");
    struct s_fig e = s_fig(t, "error"), s = s_fig(t, "skipped");
    if (c.has)
        buf_printf(b, "- **Cases:** %.0f: %.0f passed, %.0f failed, %.0f errors, %.0f skipped\n",
                   c.v, p.v, f.v, e.v, s.v);
    buf_putc(b, '\n');
}

static void s_failures(struct s_md *md, const struct json *doc)
{
    struct s_section sec = {"### Failures\n\n",
                            "| Drill / resource | Case | Status | Message |\n|---|---|---|---|\n",
                            "failures", false, 0};
    struct buf row;
    buf_init(&row);
    for (const struct json *s = json_first(json_get(doc, "suites")); s; s = json_next(s)) {
        for (const struct json *c = json_first(json_get(s, "cases")); c; c = json_next(c)) {
            const char *status = json_get_string(c, "status");
            if (!status || (strcmp(status, "fail") != 0 && strcmp(status, "error") != 0))
                continue;
            const char *msg = json_get_string(c, "message");
            if (!msg)
                msg = json_get_string(c, "detail");
            buf_reset(&row);
            buf_puts(&row, "| ");
            markdown_cell(&row, json_get_string(s, "name"), S_NAME_MAX);
            buf_puts(&row, " | ");
            markdown_cell(&row, json_get_string(c, "name"), S_NAME_MAX);
            buf_puts(&row, strcmp(status, "fail") == 0 ? " | ❌ fail | " : " | ⚠️ error | ");
            markdown_cell(&row, msg, S_MESSAGE_MAX);
            buf_puts(&row, " |\n");
            s_row(md, &sec, &row);
        }
    }
    buf_clean_up(&row);
    s_section_end(md, &sec);
}

/* One row of the drills table: res is a resource, or the drill's stack. */
static void s_drill_row(struct buf *row, const struct json *drill, const char *name,
                        const struct json *res, struct s_fig rto)
{
    buf_reset(row);
    buf_puts(row, "| ");
    markdown_cell(row, json_get_string(drill, "name"), S_NAME_MAX);
    buf_puts(row, " | ");
    markdown_cell(row, name, S_NAME_MAX);
    buf_puts(row, " | ");
    s_verdict(row, json_get_string(res, "verdict"));
    buf_puts(row, " | ");
    s_against(row, rto, s_fig(drill, "rto_objective_seconds"));
    buf_puts(row, " | ");
    s_against(row, s_fig(res, "rpo_seconds"), s_fig(drill, "rpo_objective_seconds"));
    struct s_fig data = s_fig(res, "rpo_data_seconds");
    if (data.has) {
        buf_puts(row, "; data ");
        s_seconds(row, data);
    }
    buf_puts(row, " | ");
    struct s_fig left = s_fig(res, "teardown_left");
    const char *teardown = json_get_string(res, "teardown");
    if (left.has && left.v > 0) {
        buf_printf(row, "⚠️ %.0f (", left.v);
        markdown_cell(row, teardown, S_NAME_MAX);
        buf_putc(row, ')');
    } else if (left.has)
        buf_printf(row, "%.0f", left.v);
    else
        markdown_cell(row, teardown, S_NAME_MAX);
    buf_puts(row, " |\n");
}

static void s_drills(struct s_md *md, const struct json *doc)
{
    struct s_section sec = {
        "### Drills\n\n",
        "| Drill | Resource | Verdict | RTO achieved / objective | RPO achieved / objective "
        "| Teardown leftovers |\n|---|---|---|---|---|---|\n",
        "rows", false, 0};
    struct buf row;
    buf_init(&row);
    for (const struct json *d = json_first(json_get(doc, "drills")); d; d = json_next(d)) {
        const struct json *stack = json_get(d, "stack"), *res = json_get(d, "resources");
        const char *sv = json_get_string(stack, "verdict");
        struct s_fig stack_rto = s_fig(stack, "stack_rto_seconds");
        /* The stack has a row of its own when it says something the
         * resources' rows do not: a stack RTO, a failed preflight. */
        if (stack_rto.has || json_array_size(res) == 0 || (sv && strcmp(sv, "PASSED") != 0)) {
            s_drill_row(&row, d, "stack", stack, stack_rto);
            s_row(md, &sec, &row);
        }
        for (const struct json *r = json_first(res); r; r = json_next(r)) {
            s_drill_row(&row, d, json_get_string(r, "resource"), r, s_fig(r, "rto_seconds"));
            s_row(md, &sec, &row);
        }
    }
    buf_clean_up(&row);
    s_section_end(md, &sec);
}

static void s_controls(struct s_md *md, const struct json *doc)
{
    struct s_section sec = {"### Controls\n\n",
                            "| Drill | Framework | Control | Title |\n|---|---|---|---|\n",
                            "controls", false, 0};
    struct buf row;
    buf_init(&row);
    for (const struct json *d = json_first(json_get(doc, "drills")); d; d = json_next(d)) {
        for (const struct json *c = json_first(json_get(d, "controls")); c; c = json_next(c)) {
            buf_reset(&row);
            buf_puts(&row, "| ");
            markdown_cell(&row, json_get_string(d, "name"), S_NAME_MAX);
            buf_puts(&row, " | ");
            markdown_cell(&row, json_get_string(c, "framework"), S_NAME_MAX);
            buf_puts(&row, " | ");
            markdown_cell(&row, json_get_string(c, "control"), S_NAME_MAX);
            buf_puts(&row, " | ");
            markdown_cell(&row, json_get_string(c, "title"), S_NAME_MAX);
            buf_puts(&row, " |\n");
            s_row(md, &sec, &row);
        }
    }
    buf_clean_up(&row);
    s_section_end(md, &sec);
}

char *markdown_summary(const struct json *doc)
{
    struct s_md md = {.full = false};
    buf_init(&md.out);
    if (!json_is_object(doc)) {
        buf_puts(&md.out, "## ⚠️ NO RESULTS: drh wrote no evidence for this run\n");
        return buf_detach(&md.out);
    }
    s_header(&md, doc);
    s_failures(&md, doc);
    s_drills(&md, doc);
    s_controls(&md, doc);
    /* Each section ends with a blank line; the summary with one newline. */
    while (md.out.len >= 2 && md.out.data[md.out.len - 1] == '\n' &&
           md.out.data[md.out.len - 2] == '\n')
        md.out.data[--md.out.len] = '\0';
    return buf_detach(&md.out);
}

static enum drh_status s_append(const char *path, const char *text, struct drh_err *err)
{
    bool created = true;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) {
        created = false;
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    }
    if (fd < 0) {
        drh_err_set(err, DRH_E_IO, "cannot append the summary to '%s': %s", path, strerror(errno));
        return drh_err_hint(err, "check that its directory exists and drh may write there");
    }
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && (!created || fchmod(fd, 0644) == 0);
    struct buf all;
    buf_init(&all);
    /* A blank line ends whatever another step wrote, so both render. */
    buf_puts(&all, ok && st.st_size > 0 ? "\n" : "");
    buf_puts(&all, text);
    for (size_t done = 0; ok && done < all.len;) {
        ssize_t w = write(fd, all.data + done, all.len - done);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        done += ok ? (size_t)w : 0;
    }
    int saved = errno;
    buf_clean_up(&all);
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (!ok)
        return drh_err_set(err, DRH_E_IO, "cannot append the summary to '%s': %s", path,
                           strerror(saved));
    return DRH_OK;
}

enum drh_status markdown_write(const struct json *doc, const char *path, bool append,
                               struct drh_err *err)
{
    if (!path || !*path)
        return drh_err_set(err, DRH_E_INTERNAL, "markdown_write: no path");
    char *text = markdown_summary(doc);
    enum drh_status st =
        append ? s_append(path, text, err) : report_write_file(path, text, strlen(text), err);
    free(text);
    return st;
}
