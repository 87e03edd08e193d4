/*
 * JUnit XML for CI (report.h): exactly what the Jenkins/Ant junit-10.xsd
 * allows, in the order tools expect:
 *
 *   testsuites(name, tests, failures, errors, time)
 *     testsuite(name, tests, failures, errors, skipped, time, timestamp?,
 *               hostname?, id, file?)
 *       properties > property(name, value)
 *       testcase(name, classname, time)
 *         failure | error (message, type; the detail as text) | skipped
 *         system-out (a passing step's message)
 *       system-out (the RTO and RPO figures, one per line)
 *
 * testsuites has no skipped attribute in that schema, so none is written.
 * Times are seconds with 3 decimals (the schema's SUREFIRE_TIME pattern
 * allows no more); timestamps are UTC without a zone, as Ant writes them
 * (its own schema refuses a zone). Text goes through xml_escape*(), which
 * also drops what XML 1.0 cannot carry.
 */
#include "report.h"

#include "buf.h"
#include "mem.h"
#include "xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A message is a line a CI page shows in a table: past this it is cut
 * there, and the whole text goes in the element's body instead. */
#define JUNIT_MESSAGE_MAX 4096
/* A detail past this is cut: a report that a browser or CI cannot open
 * helps nobody, and libxml2 refuses text nodes over 10 MB by default. */
#define JUNIT_DETAIL_MAX (1024 * 1024)

static void s_attr(struct buf *b, const char *name, const char *value)
{
    buf_printf(b, " %s=\"", name);
    xml_escape_attr(b, value);
    buf_putc(b, '"');
}

static void s_attr_time(struct buf *b, const char *name, double seconds)
{
    buf_printf(b, " %s=\"%.3f\"", name, seconds);
}

static void s_attr_count(struct buf *b, const char *name, size_t n)
{
    buf_printf(b, " %s=\"%zu\"", name, n);
}

/* Escaped text of at most JUNIT_DETAIL_MAX bytes, saying what was cut. */
static void s_body(struct buf *b, const char *text)
{
    size_t len = strlen(text);
    size_t keep = report_cut_len(text, len, JUNIT_DETAIL_MAX);
    if (keep == len) {
        xml_escape(b, text);
        return;
    }
    char *head = xstrndup(text, keep);
    xml_escape(b, head);
    free(head);
    buf_printf(b, "\n[cut: %zu more bytes]", len - keep);
}

static void s_outcome(struct buf *b, const struct report_case *c)
{
    const char *element = c->status == REPORT_FAIL    ? "failure"
                          : c->status == REPORT_ERROR ? "error"
                                                      : "skipped";
    const char *message = c->message;
    char *cut = NULL;
    int was_cut = 0;
    if (message) {
        size_t len = strlen(message);
        size_t keep = report_cut_len(message, len, JUNIT_MESSAGE_MAX);
        if (keep < len) {
            char *head = xstrndup(message, keep);
            cut = xasprintf("%s...", head);
            free(head);
            message = cut;
            was_cut = 1;
        }
    }
    buf_printf(b, "      <%s", element);
    if (message)
        s_attr(b, "message", message);
    if (c->status != REPORT_SKIPPED)
        s_attr(b, "type", element);
    const char *body = c->detail ? c->detail : was_cut ? c->message : NULL;
    if (body && *body) {
        buf_putc(b, '>');
        s_body(b, body);
        buf_printf(b, "</%s>\n", element);
    } else {
        buf_puts(b, "/>\n");
    }
    free(cut);
}

/* A passing step's message ("achieved 2s within objective 12h") is what CI
 * pages show as the case's output. */
static void s_case(struct buf *b, const struct report_case *c)
{
    buf_puts(b, "    <testcase");
    s_attr(b, "name", c->name);
    s_attr(b, "classname", c->classname);
    s_attr_time(b, "time", report_case_seconds(c));
    if (c->status == REPORT_PASS && !(c->message && *c->message)) {
        buf_puts(b, "/>\n");
        return;
    }
    buf_puts(b, ">\n");
    if (c->status == REPORT_PASS) {
        buf_puts(b, "      <system-out>");
        s_body(b, c->message);
        buf_puts(b, "</system-out>\n");
    } else {
        s_outcome(b, c);
    }
    buf_puts(b, "    </testcase>\n");
}

/* The figures a suite's system-out repeats from its properties, so that a
 * CI page that shows no properties (GitLab, most GitHub actions) still
 * shows them. */
static const struct {
    const char *prop, *label, *objective;
} s_figures[] = {
    {"stack_rto_seconds", "stack RTO", "rto_objective_seconds"},
    {"rto_seconds", "RTO", "rto_objective_seconds"},
    {"rto_wall_seconds", "RTO wall clock", NULL},
    {"rpo_seconds", "RPO", "rpo_objective_seconds"},
    {"rpo_data_seconds", "RPO data (newest canary)", "rpo_objective_seconds"},
};

static void s_suite_out(struct buf *b, const struct report_suite *s)
{
    struct buf text;
    buf_init(&text);
    for (size_t i = 0; i < sizeof s_figures / sizeof s_figures[0]; i++) {
        const char *v = report_property(s, s_figures[i].prop);
        if (!v)
            continue;
        const char *o = s_figures[i].objective ? report_property(s, s_figures[i].objective) : NULL;
        buf_printf(&text, "%s: %s s", s_figures[i].label, v);
        if (o)
            buf_printf(&text, " (objective %s s)", o);
        buf_printf(&text, " [%s=%s]\n", s_figures[i].prop, v);
    }
    if (text.len) {
        buf_puts(b, "    <system-out>");
        s_body(b, buf_str(&text));
        buf_puts(b, "</system-out>\n");
    }
    buf_clean_up(&text);
}

static void s_suite(struct buf *b, const struct report *r, const struct report_suite *s,
                    size_t index)
{
    time_t started = s->started ? s->started : r->started;
    buf_puts(b, "  <testsuite");
    s_attr(b, "name", s->name);
    s_attr_count(b, "tests", s->n_cases);
    s_attr_count(b, "failures", report_suite_count(s, REPORT_FAIL));
    s_attr_count(b, "errors", report_suite_count(s, REPORT_ERROR));
    s_attr_count(b, "skipped", report_suite_count(s, REPORT_SKIPPED));
    s_attr_time(b, "time", report_suite_seconds(s));
    if (started) {
        char when[32];
        report_format_utc(started, 0, when);
        s_attr(b, "timestamp", when);
    }
    if (s->hostname && *s->hostname)
        s_attr(b, "hostname", s->hostname);
    s_attr_count(b, "id", index);
    if (s->file && *s->file)
        s_attr(b, "file", s->file);
    buf_puts(b, ">\n");
    if (s->n_props > 0) {
        buf_puts(b, "    <properties>\n");
        for (size_t i = 0; i < s->n_props; i++) {
            buf_puts(b, "      <property");
            s_attr(b, "name", s->props[i].name);
            s_attr(b, "value", s->props[i].value);
            buf_puts(b, "/>\n");
        }
        buf_puts(b, "    </properties>\n");
    }
    for (size_t i = 0; i < s->n_cases; i++)
        s_case(b, s->cases[i]);
    s_suite_out(b, s);
    buf_puts(b, "  </testsuite>\n");
}

enum drh_status junit_write(const struct report *r, const char *path, struct drh_err *err)
{
    struct buf b;
    buf_init(&b);
    size_t tests = 0;
    for (size_t i = 0; i < r->n_suites; i++)
        tests += r->suites[i]->n_cases;
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
    s_attr(&b, "name", r->run_id);
    s_attr_count(&b, "tests", tests);
    s_attr_count(&b, "failures", report_count(r, REPORT_FAIL));
    s_attr_count(&b, "errors", report_count(r, REPORT_ERROR));
    s_attr_time(&b, "time", report_seconds(r));
    buf_puts(&b, ">\n");
    for (size_t i = 0; i < r->n_suites; i++)
        s_suite(&b, r, r->suites[i], i);
    buf_puts(&b, "</testsuites>\n");
    enum drh_status status = report_write_file(path, b.data, b.len, err);
    if (status != DRH_OK)
        drh_err_prefix(err, "junit report");
    buf_clean_up(&b);
    return status;
}
