/*
 * Tests of the CI outputs read from the evidence document: the Markdown
 * summary (suite "reports-markdown") and the Prometheus metrics (suite
 * "reports-metrics"). Both run on the two sample documents in
 * tests/data/reports (one drill passed; two drills, the second failed
 * with a teardown leftover), with exact expected lines, and on generated
 * documents: hostile strings, absent figures, thousands of drills.
 *
 * The metrics also go through the real node_exporter (Debian's
 * prometheus-node-exporter) with tests/tools/node_exporter_check.py: what
 * it serves must be what drh wrote, and a broken file must make the check
 * fail. Without node_exporter that test fails, saying how to install it.
 */
#include "support/testenv.h"
#include "support/testreg.h"

#include "buf.h"
#include "json.h"
#include "mem.h"
#include "reports/markdown.h"
#include "reports/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define S_FIXTURES "tests/data/reports/"
#define S_PYTHON "/usr/bin/python3"
#define S_CHECK "tests/tools/node_exporter_check.py"
#define S_EXPORTER "/usr/bin/prometheus-node-exporter"

/* ---- helpers ------------------------------------------------------------- */

static struct json *s_fixture(const char *name)
{
    char *path = xasprintf(S_FIXTURES "%s", name);
    char *text = test_read_file(path);
    struct json *doc = NULL;
    struct drh_err err;
    if (!text || json_parse(text, strlen(text), &doc, &err) != DRH_OK)
        TEST_FAILF("cannot read the sample %s", path);
    free(text);
    free(path);
    return doc;
}

/* Whether text has line as one whole line. */
static bool s_has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

#define S_LINE(text, line)                                                                         \
    do {                                                                                           \
        if (!s_has_line(text, line))                                                               \
            TEST_FAILF("no line \"%s\" in:\n%s", line, text);                                      \
    } while (0)

/* CU_ASSERT_STRING_EQUAL() that fails, instead of crashing, on NULL. */
#define S_STREQ(got, want)                                                                         \
    do {                                                                                           \
        const char *got_ = (got), *want_ = (want);                                                 \
        if (!got_ || strcmp(got_, want_) != 0)                                                     \
            TEST_FAILF("%s is \"%s\", want \"%s\"", #got, got_ ? got_ : "(null)", want_);          \
    } while (0)

static bool s_starts(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static size_t s_count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* A generated document: drills get added with s_gen_drill(). */
static struct json *s_gen_doc(void)
{
    struct json *doc = json_new_object();
    json_add_string(doc, "run_id", "gen-1");
    json_add_string(doc, "started", "2026-11-22T07:32:35.250Z");
    json_add_number(doc, "seconds", 123);
    json_add_child(doc, "drills", json_new_array());
    json_add_child(doc, "suites", json_new_array());
    return doc;
}

static struct json *s_gen_drill(struct json *doc, const char *name, const char *verdict)
{
    struct json *d = json_push((struct json *)json_get(doc, "drills"), json_new_object());
    if (name)
        json_add_string(d, "name", name);
    if (verdict)
        json_add_string(d, "verdict", verdict);
    json_add_child(d, "resources", json_new_array());
    return d;
}

static struct json *s_gen_resource(struct json *drill, const char *name, double rto)
{
    struct json *r = json_push((struct json *)json_get(drill, "resources"), json_new_object());
    if (name)
        json_add_string(r, "resource", name);
    if (!isnan(rto))
        json_add_number(r, "rto_seconds", rto);
    return r;
}

/* A failing case in a suite of its own. */
static void s_gen_failure(struct json *doc, const char *suite, const char *name, const char *msg)
{
    struct json *s = json_push((struct json *)json_get(doc, "suites"), json_new_object());
    json_add_string(s, "name", suite);
    struct json *c = json_push(json_add_child(s, "cases", json_new_array()), json_new_object());
    json_add_string(c, "name", name);
    json_add_string(c, "status", "fail");
    json_add_string(c, "message", msg);
}

/* Pipes that separate cells: those not escaped by a backslash. */
static size_t s_cell_pipes(const char *line, size_t len)
{
    size_t n = 0, backslashes = 0;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '|' && backslashes % 2 == 0)
            n++;
        backslashes = line[i] == '\\' ? backslashes + 1 : 0;
    }
    return n;
}

/* ---- Markdown -------------------------------------------------------------- */

static void test_md_pass(void)
{
    struct json *doc = s_fixture("evidence-pass.json");
    char *md = markdown_summary(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(md);
    CU_ASSERT(s_starts(md, "## ✅ PASSED: drh run 20261122-073235-90b4aa\n\n"));
    S_LINE(md, "- **Started:** 2026-11-22T07:32:35Z");
    S_LINE(md, "- **Duration:** 5.8 s");
    S_LINE(md, "- **Host:** runner-7");
    S_LINE(md, "- **drh:** 0.1.0-dev");
    S_LINE(md, "- **CI:** github-actions, job dr-nightly, commit 0123abcd, "
               "[run](https://github.com/acme/infra/actions/runs/123)");
    S_LINE(md, "- **Drills:** 1: 1 passed, 0 failed, 0 errors");
    S_LINE(md, "- **Cases:** 21: 21 passed, 0 failed, 0 errors, 0 skipped");
    S_LINE(md, "| Drill | Resource | Verdict | RTO achieved / objective | RPO achieved / objective "
               "| Teardown leftovers |");
    S_LINE(md, "| demo-orders | orders | ✅ PASSED | 2.9 s / 12 h (43200s) | 3 h (10801s) / 1 d "
               "(86400s); data 5 m 1 s (301s) | 0 |");
    S_LINE(md, "| demo-orders | ISO 27001:2022 | A.8.13 | Information backup |");
    S_LINE(md, "| demo-orders | SOC 2 | A1.2 | — |");
    CU_ASSERT_PTR_NULL(strstr(md, "Failures"));
    CU_ASSERT_PTR_NULL(strstr(md, "not shown"));
    /* The stack passed and has no RTO of its own: no row for it. */
    CU_ASSERT_PTR_NULL(strstr(md, "| demo-orders | stack |"));
    size_t len = strlen(md);
    CU_ASSERT(len > 2 && md[len - 1] == '\n' && md[len - 2] != '\n');
    free(md);
    json_free(doc);
}

static void test_md_fail(void)
{
    struct json *doc = s_fixture("evidence-fail.json");
    char *md = markdown_summary(doc);
    CU_ASSERT(s_starts(md, "## ❌ FAILED: drh run 20261122-080000-abcdef\n\n"));
    S_LINE(md, "- **Drills:** 2: 1 passed, 1 failed, 0 errors");
    S_LINE(md, "- **Cases:** 37: 36 passed, 1 failed, 0 errors, 0 skipped");
    S_LINE(md, "| Drill / resource | Case | Status | Message |");
    S_LINE(md, "| billing/ledger-db | rto | ❌ fail | achieved 13h53m (50000s) beyond objective "
               "12h |");
    S_LINE(md, "| billing | ledger-db | ❌ FAILED | **13 h 53 m (50000s)** / 12 h (43200s) | 3 h "
               "(10801s) / 1 d (86400s); data 5 m 1 s (301s) | ⚠️ 1 (2 deleted, 1 left) |");
    S_LINE(md, "| demo-orders | orders | ✅ PASSED | 2.9 s / 12 h (43200s) | 3 h (10801s) / 1 d "
               "(86400s); data 5 m 1 s (301s) | 0 |");
    const char *failures = strstr(md, "### Failures"), *drills = strstr(md, "### Drills");
    const char *controls = strstr(md, "### Controls");
    CU_ASSERT(failures && drills && controls && failures < drills && drills < controls);
    CU_ASSERT_EQUAL(s_count(md, "| ❌ fail |") + s_count(md, "| ⚠️ error |"), 1);
    CU_ASSERT_EQUAL(s_count(md, "| SOC 2 | A1.2 |"), 2);
    free(md);
    json_free(doc);
}

/* Everything that could break a table, open HTML or start a heading. */
static const char s_hostile[] = "a|b`c<img src=x onerror=alert(1)>\n# h *b* _i_ ~s~ [l](u) \\| "
                                "&amp;\r\x01\x7f\tend";

static void test_md_escape(void)
{
    struct buf b;
    buf_init(&b);
    markdown_cell(&b, s_hostile, 1000);
    S_STREQ(buf_str(&b), "a\\|b\\`c&lt;img src=x onerror=alert(1)&gt;<br># h \\*b\\* \\_i\\_ "
                         "\\~s\\~ \\[l\\](u) \\\\\\| &amp;amp; end");
    buf_reset(&b);
    /* Cut on a character boundary: 'é' is 2 bytes and would straddle 4. */
    markdown_cell(&b, "abcé", 4);
    S_STREQ(buf_str(&b), "abc…");
    buf_reset(&b);
    markdown_cell(&b, NULL, 10);
    S_STREQ(buf_str(&b), "—");
    buf_clean_up(&b);

    struct json *doc = s_gen_doc();
    json_add_string(doc, "run_id", s_hostile);
    struct json *ci =
        json_add_child(json_add_child(doc, "runner", json_new_object()), "ci", json_new_object());
    json_add_string(ci, "run_url", "javascript:alert(1)//https://x");
    struct json *d = s_gen_drill(doc, s_hostile, "FAILED");
    s_gen_resource(d, s_hostile, 1);
    struct json *ctl =
        json_push(json_add_child(d, "controls", json_new_array()), json_new_object());
    json_add_string(ctl, "framework", s_hostile);
    json_add_string(ctl, "control", "c|1");
    char *huge = xmalloc(5001);
    memset(huge, 'x', 5000);
    huge[5000] = '\0';
    s_gen_failure(doc, s_hostile, s_hostile, huge);
    char *md = markdown_summary(doc);
    CU_ASSERT_PTR_NULL(strstr(md, "<img"));
    CU_ASSERT_PTR_NULL(strstr(md, "](javascript"));
    CU_ASSERT_PTR_NULL(strstr(md, "\n# h"));
    CU_ASSERT_PTR_NULL(strchr(md, '\r'));
    CU_ASSERT_PTR_NULL(strchr(md, '\x01'));
    /* A message is cut at 1000 bytes. */
    char *cut = xasprintf("| %.1000s… |", huge);
    CU_ASSERT_PTR_NOT_NULL(strstr(md, cut));
    free(cut);
    /* Every table line has exactly its columns' pipes. */
    size_t rows = 0;
    for (const char *p = md; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && *p == '|') {
            size_t pipes = s_cell_pipes(p, len);
            if (pipes != 5 && pipes != 7)
                TEST_FAILF("%zu cell pipes in \"%.*s\"", pipes, (int)len, p);
            rows++;
        }
        p += len + (nl ? 1 : 0);
    }
    CU_ASSERT_EQUAL(rows, 9); /* 3 tables: head, rule, 1 row each */
    free(md);
    free(huge);
    json_free(doc);
}

static void test_md_absent(void)
{
    struct json *doc = s_gen_doc();
    struct json *d = s_gen_drill(doc, "d1", NULL);
    s_gen_resource(d, "r1", NAN);
    struct json *d2 = s_gen_drill(doc, "d2", "FAILED");
    json_add_string(json_add_child(d2, "stack", json_new_object()), "verdict", "FAILED");
    char *md = markdown_summary(doc);
    /* A drill without a verdict is not known to have passed. */
    CU_ASSERT(s_starts(md, "## ⚠️ ERROR: drh run gen-1\n\n"));
    S_LINE(md, "- **Duration:** 2 m 3 s (123s)");
    S_LINE(md, "- **Host:** —");
    S_LINE(md, "- **Drills:** 2: 0 passed, 1 failed, 1 errors");
    S_LINE(md, "| d1 | r1 | — | — / — | — / — | — |");
    /* A drill with no resources shows its stack. */
    S_LINE(md, "| d2 | stack | ❌ FAILED | — / — | — / — | — |");
    CU_ASSERT_PTR_NULL(strstr(md, "Cases"));
    CU_ASSERT_PTR_NULL(strstr(md, "Controls"));
    free(md);
    json_free(doc);

    doc = s_gen_doc();
    md = markdown_summary(doc);
    CU_ASSERT(s_starts(md, "## ⚠️ NO DRILLS: drh run gen-1\n\n"));
    free(md);
    json_free(doc);
    md = markdown_summary(NULL);
    S_STREQ(md, "## ⚠️ NO RESULTS: drh wrote no evidence for this run\n");
    free(md);
}

/* The number in "_N WHAT not shown" after heading, or 0. */
static size_t s_not_shown(const char *md, const char *heading, const char *what)
{
    const char *sec = strstr(md, heading), *next = sec ? strstr(sec + 1, "\n### ") : NULL;
    char *pattern = xasprintf(" %s not shown", what);
    const char *note = sec ? strstr(sec, pattern) : NULL;
    size_t n = 0;
    if (note && (!next || note < next)) {
        while (note > sec && note[-1] != '_')
            note--;
        n = strtoul(note, NULL, 10);
    }
    free(pattern);
    return n;
}

static void test_md_cap(void)
{
    enum { N = 3000 };
    struct json *doc = s_gen_doc();
    char msg[300];
    memset(msg, 'm', sizeof msg - 1);
    msg[sizeof msg - 1] = '\0';
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "drill-%04d", i);
        struct json *d = s_gen_drill(doc, name, "FAILED");
        s_gen_resource(d, "db", 60.0 * i);
        s_gen_failure(doc, name, "rto", msg);
    }
    char *md = markdown_summary(doc);
    size_t len = strlen(md);
    CU_ASSERT(len < MARKDOWN_MAX_BYTES);
    CU_ASSERT(len > MARKDOWN_MAX_BYTES - 2048); /* cut only when full */
    CU_ASSERT_EQUAL(md[len - 1], '\n');
    size_t failures_shown = s_count(md, "| rto | ❌ fail |");
    size_t drills_shown = s_count(md, " | db | ");
    size_t failures_cut = s_not_shown(md, "### Failures", "failures");
    size_t drills_cut = s_not_shown(md, "### Drills", "rows");
    CU_ASSERT(failures_shown > 100);
    CU_ASSERT_EQUAL(failures_shown + failures_cut, N);
    CU_ASSERT_EQUAL(drills_shown + drills_cut, N);
    /* Failures come first: the drills table is what gets cut. */
    CU_ASSERT_EQUAL(drills_shown, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(md, "evidence.json has them all"));
    free(md);
    json_free(doc);
}

static void test_md_write(void)
{
    struct testenv *t = testenv_new();
    struct json *pass = s_fixture("evidence-pass.json"), *fail = s_fixture("evidence-fail.json");
    char *a = markdown_summary(pass), *b = markdown_summary(fail);
    struct drh_err err;
    struct stat st;

    char *path = xasprintf("%s/summary.md", t->dir);
    CU_ASSERT_EQUAL(markdown_write(pass, path, false, &err), DRH_OK);
    CU_ASSERT_EQUAL(markdown_write(fail, path, false, &err), DRH_OK);
    char *got = test_read_file(path);
    S_STREQ(got, b);
    CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    free(got);

    /* Appending: what another step wrote stays, both summaries follow. */
    char *step = xasprintf("%s/step_summary", t->dir);
    mode_t old = umask(077);
    CU_ASSERT_EQUAL(markdown_write(pass, step, true, &err), DRH_OK);
    umask(old);
    CU_ASSERT(stat(step, &st) == 0 && (st.st_mode & 0777) == 0644);
    CU_ASSERT_EQUAL(markdown_write(fail, step, true, &err), DRH_OK);
    char *want = xasprintf("%s\n%s", a, b);
    got = test_read_file(step);
    S_STREQ(got, want);
    CU_ASSERT_EQUAL(s_count(got, "## ✅ PASSED"), 1);
    CU_ASSERT_EQUAL(s_count(got, "## ❌ FAILED"), 1);
    free(got);
    free(want);
    FILE *f = fopen(step, "w");
    fputs("earlier step", f);
    fclose(f);
    CU_ASSERT_EQUAL(markdown_write(pass, step, true, &err), DRH_OK);
    want = xasprintf("earlier step\n%s", a);
    got = test_read_file(step);
    S_STREQ(got, want);
    free(got);
    free(want);

    char *bad = xasprintf("%s/missing/summary.md", t->dir);
    for (int append = 0; append < 2; append++) {
        CU_ASSERT_EQUAL(markdown_write(pass, bad, append, &err), DRH_E_IO);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, bad));
        CU_ASSERT(err.hint[0] != '\0');
    }
    free(bad);
    free(step);
    free(path);
    free(a);
    free(b);
    json_free(pass);
    json_free(fail);
    testenv_free(t);
}

static const struct test_case md_cases[] = {
    {"passing sample: exact lines", test_md_pass},
    {"failing sample: failures first, exact lines", test_md_fail},
    {"hostile strings are escaped and cut", test_md_escape},
    {"absent figures and empty documents", test_md_absent},
    {"size cap: under 64 KiB, says what was cut", test_md_cap},
    {"write: replace, append twice, errors", test_md_write},
};

TEST_SUITE("reports-markdown", md_cases)

/* ---- Prometheus metrics ---------------------------------------------------- */

static const char s_pass_prom[] =
    "# HELP drh_rto_seconds Recovery time achieved by the last drh run, per drill and resource "
    "(resource=\"stack\": the whole stack).\n"
    "# TYPE drh_rto_seconds gauge\n"
    "drh_rto_seconds{drill=\"demo-orders\",resource=\"orders\"} 2.915759350779542\n"
    "# HELP drh_rpo_seconds Age of the recovery point restored by the last drh run, at its T0.\n"
    "# TYPE drh_rpo_seconds gauge\n"
    "drh_rpo_seconds{drill=\"demo-orders\",resource=\"orders\"} 10800.9406914711\n"
    "# HELP drh_rpo_data_seconds Age of the newest canary row found in the restored data, at "
    "T0.\n"
    "# TYPE drh_rpo_data_seconds gauge\n"
    "drh_rpo_data_seconds{drill=\"demo-orders\",resource=\"orders\"} 301.0517454147339\n"
    "# HELP drh_rto_objective_seconds Recovery time objective of the drill.\n"
    "# TYPE drh_rto_objective_seconds gauge\n"
    "drh_rto_objective_seconds{drill=\"demo-orders\"} 43200\n"
    "# HELP drh_rpo_objective_seconds Recovery point objective of the drill.\n"
    "# TYPE drh_rpo_objective_seconds gauge\n"
    "drh_rpo_objective_seconds{drill=\"demo-orders\"} 86400\n"
    "# HELP drh_drill_success 1 when the drill's last drh run passed, 0 when it failed or "
    "erred.\n"
    "# TYPE drh_drill_success gauge\n"
    "drh_drill_success{drill=\"demo-orders\"} 1\n"
    "# HELP drh_teardown_leftovers Resources the last drh run's teardown left behind (0: all "
    "deleted).\n"
    "# TYPE drh_teardown_leftovers gauge\n"
    "drh_teardown_leftovers{drill=\"demo-orders\",resource=\"orders\"} 0\n"
    "# HELP drh_last_run_timestamp_seconds Start of the drill's last drh run, in seconds since "
    "the Unix epoch.\n"
    "# TYPE drh_last_run_timestamp_seconds gauge\n"
    "drh_last_run_timestamp_seconds{drill=\"demo-orders\"} 1795332755\n";

static void test_prom_pass(void)
{
    struct json *doc = s_fixture("evidence-pass.json");
    char *text = metrics_text(doc);
    S_STREQ(text, s_pass_prom);
    free(text);
    json_free(doc);
}

static void test_prom_fail(void)
{
    struct json *doc = s_fixture("evidence-fail.json");
    char *text = metrics_text(doc);
    S_LINE(text, "drh_drill_success{drill=\"demo-orders\"} 1");
    S_LINE(text, "drh_drill_success{drill=\"billing\"} 0");
    S_LINE(text, "drh_rto_seconds{drill=\"billing\",resource=\"ledger-db\"} 50000");
    S_LINE(text, "drh_teardown_leftovers{drill=\"billing\",resource=\"ledger-db\"} 1");
    S_LINE(text, "drh_teardown_leftovers{drill=\"demo-orders\",resource=\"orders\"} 0");
    S_LINE(text, "drh_last_run_timestamp_seconds{drill=\"billing\"} 1795332755");
    CU_ASSERT_EQUAL(s_count(text, "\ndrh_"), 16);
    CU_ASSERT_EQUAL(s_count(text, "# HELP "), 8);
    CU_ASSERT_EQUAL(s_count(text, "# TYPE "), 8);
    free(text);
    json_free(doc);
}

static void test_prom_escape(void)
{
    struct json *doc = s_gen_doc();
    struct json *d = s_gen_drill(doc, "a\"b\\c\nd", "PASSED");
    s_gen_resource(d, "r{1}=\"x\"", 1.5);
    char *text = metrics_text(doc);
    S_LINE(text, "drh_drill_success{drill=\"a\\\"b\\\\c\\nd\"} 1");
    S_LINE(text, "drh_rto_seconds{drill=\"a\\\"b\\\\c\\nd\",resource=\"r{1}=\\\"x\\\"\"} 1.5");
    /* Each sample stays on one line: 3 samples, 3 families of 2 comments. */
    CU_ASSERT_EQUAL(s_count(text, "\n"), 3 + 3 * 2);
    free(text);
    json_free(doc);
}

static void test_prom_absent(void)
{
    struct json *doc = s_gen_doc();
    s_gen_drill(doc, "bare", NULL);
    s_gen_resource(s_gen_drill(doc, NULL, "PASSED"), "orphan", 5); /* no drill name */
    struct json *d = s_gen_drill(doc, "stacked", "FAILED");
    json_add_number(json_add_child(d, "stack", json_new_object()), "stack_rto_seconds", 42.5);
    s_gen_resource(d, NULL, 7);   /* no resource name */
    s_gen_resource(d, "db", NAN); /* no figure at all */
    char *text = metrics_text(doc);
    static const char want[] =
        "# HELP drh_rto_seconds Recovery time achieved by the last drh run, per drill and "
        "resource (resource=\"stack\": the whole stack).\n"
        "# TYPE drh_rto_seconds gauge\n"
        "drh_rto_seconds{drill=\"stacked\",resource=\"stack\"} 42.5\n"
        "# HELP drh_drill_success 1 when the drill's last drh run passed, 0 when it failed or "
        "erred.\n"
        "# TYPE drh_drill_success gauge\n"
        "drh_drill_success{drill=\"bare\"} 0\n"
        "drh_drill_success{drill=\"stacked\"} 0\n"
        "# HELP drh_last_run_timestamp_seconds Start of the drill's last drh run, in seconds "
        "since the Unix epoch.\n"
        "# TYPE drh_last_run_timestamp_seconds gauge\n"
        "drh_last_run_timestamp_seconds{drill=\"bare\"} 1795332755.25\n"
        "drh_last_run_timestamp_seconds{drill=\"stacked\"} 1795332755.25\n";
    S_STREQ(text, want);
    free(text);
    json_free(doc);

    /* A start that does not parse gives no timestamp (never NaN); an
     * objective that is not a number gives no sample. */
    doc = json_new_object();
    json_add_string(doc, "started", "yesterday");
    json_add_child(doc, "drills", json_new_array());
    d = s_gen_drill(doc, "x", "PASSED");
    json_add_string(d, "rto_objective_seconds", "12h");
    text = metrics_text(doc);
    S_STREQ(text, "# HELP drh_drill_success 1 when the drill's last drh run "
                  "passed, 0 when it failed or erred.\n"
                  "# TYPE drh_drill_success gauge\n"
                  "drh_drill_success{drill=\"x\"} 1\n");
    free(text);
    json_free(doc);
    text = metrics_text(NULL);
    S_STREQ(text, "");
    free(text);
}

static int s_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_prom_many(void)
{
    enum { N = 200 };
    struct json *doc = s_gen_doc();
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "drill-%d", i);
        struct json *d = s_gen_drill(doc, name, i % 3 ? "PASSED" : "FAILED");
        json_add_number(d, "rto_objective_seconds", 3600);
        json_add_number(json_add_child(d, "stack", json_new_object()), "stack_rto_seconds", i);
        for (int r = 0; r < 3; r++) {
            char res[8];
            snprintf(res, sizeof res, "r%d", r);
            struct json *rj = s_gen_resource(d, res, i * 10 + r);
            json_add_number(rj, "teardown_left", r);
        }
    }
    /* Repeats: the first drill-7 and the first r0 of drill-0 win. */
    s_gen_resource(s_gen_drill(doc, "drill-7", "FAILED"), "r0", 999);
    s_gen_resource((struct json *)json_array_at(json_get(doc, "drills"), 0), "r0", 777);
    char *text = metrics_text(doc);

    S_LINE(text, "drh_rto_seconds{drill=\"drill-7\",resource=\"r0\"} 70");
    S_LINE(text, "drh_rto_seconds{drill=\"drill-0\",resource=\"r0\"} 0");
    S_LINE(text, "drh_drill_success{drill=\"drill-7\"} 1");
    CU_ASSERT_PTR_NULL(strstr(text, " 999\n"));
    CU_ASSERT_PTR_NULL(strstr(text, " 777\n"));
    CU_ASSERT_EQUAL(s_count(text, "\ndrh_rto_seconds{"), N * 4);

    /* Every series once; each family's HELP and TYPE once, its samples
     * right after them, never again later. */
    char **series = xcalloc(strlen(text) / 8 + 1, sizeof *series);
    size_t n = 0, families = 0;
    char family[64] = "";
    char *copy = xstrdup(text), *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char name[64];
        if (strncmp(line, "# HELP ", 7) == 0) {
            CU_ASSERT_EQUAL(sscanf(line + 7, "%63s", name), 1);
            char *help = xasprintf("# HELP %s ", name);
            CU_ASSERT_EQUAL(s_count(text, help), 1);
            free(help);
        } else if (strncmp(line, "# TYPE ", 7) == 0) {
            CU_ASSERT_EQUAL(sscanf(line + 7, "%63s", family), 1);
            char *type = xasprintf("# TYPE %s gauge\n", family);
            CU_ASSERT_EQUAL(s_count(text, type), 1);
            free(type);
            families++;
        } else {
            size_t len = strcspn(line, "{");
            if (strlen(family) != len || strncmp(line, family, len) != 0)
                TEST_FAILF("sample \"%s\" outside its family (now %s)", line, family);
            *strrchr(line, ' ') = '\0';
            series[n++] = line;
        }
    }
    CU_ASSERT_EQUAL(families, 5); /* no RPO figures: those 3 families are left out */
    qsort(series, n, sizeof *series, s_strcmp_p);
    for (size_t i = 1; i < n; i++)
        if (strcmp(series[i - 1], series[i]) == 0)
            TEST_FAILF("series %s written twice", series[i]);
    CU_ASSERT_EQUAL(n, N * 4 + N * 3 + N + N + N);
    free(series);
    free(copy);
    free(text);
    json_free(doc);
}

static void test_prom_path(void)
{
    struct testenv *t = testenv_new();
    struct json *doc = s_fixture("evidence-pass.json");
    struct drh_err err;
    static const char *const bad[] = {"drh.txt", "drh.prom.bak", ".prom", "sub/.prom", "drh.PROM"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *path = xasprintf("%s/%s", t->dir, bad[i]);
        drh_err_clear(&err);
        if (metrics_write(doc, path, &err) != DRH_E_INPUT)
            TEST_FAILF("%s: accepted", bad[i]);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "does not end in .prom"));
        CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "NAME.prom"));
        CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
        free(path);
    }
    CU_ASSERT_EQUAL(metrics_write(doc, NULL, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(metrics_write(doc, "", &err), DRH_E_INPUT);

    char *path = xasprintf("%s/drh.prom", t->dir);
    CU_ASSERT_EQUAL(metrics_write(doc, path, &err), DRH_OK);
    char *got = test_read_file(path);
    S_STREQ(got, s_pass_prom);
    struct stat st;
    CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    free(got);
    free(path);
    path = xasprintf("%s/no-such-dir/drh.prom", t->dir);
    CU_ASSERT_EQUAL(metrics_write(doc, path, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, path));
    free(path);
    json_free(doc);
    testenv_free(t);
}

/* The collector reads every *.prom in its directory at each scrape: the
 * temporary file must never be one, and the real name must appear only
 * by rename, whole. Watched with inotify while metrics_write() runs. */
static void test_prom_temp_name(void)
{
    struct testenv *t = testenv_new();
    struct json *doc = s_fixture("evidence-fail.json");
    struct drh_err err;
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(inotify_add_watch(fd, t->dir, IN_CREATE | IN_MOVED_TO) >= 0);
    char *path = xasprintf("%s/drh.prom", t->dir);
    CU_ASSERT_EQUAL(metrics_write(doc, path, &err), DRH_OK);
    CU_ASSERT_EQUAL(metrics_write(doc, path, &err), DRH_OK);

    char events[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t len = read(fd, events, sizeof events);
    size_t created = 0, renamed = 0;
    for (ssize_t off = 0; off < len;) {
        const struct inotify_event *ev = (const struct inotify_event *)(events + off);
        const char *name = ev->len ? ev->name : "";
        size_t n = strlen(name);
        if (ev->mask & IN_CREATE) {
            created++;
            if (n >= 5 && strcmp(name + n - 5, ".prom") == 0)
                TEST_FAILF("file created as %s: the collector would read it half-written", name);
        }
        if (ev->mask & IN_MOVED_TO) {
            renamed++;
            S_STREQ(name, "drh.prom");
        }
        off += (ssize_t)(sizeof *ev + ev->len);
    }
    CU_ASSERT_EQUAL(created, 2);
    CU_ASSERT_EQUAL(renamed, 2);
    close(fd);
    free(path);
    json_free(doc);
    testenv_free(t);
}

/* ---- through the real node_exporter ------------------------------------------ */

/* Runs node_exporter_check.py on dir; its JSON (NULL if none) and exit
 * status. Its stderr (node_exporter's log) goes to dir.log. */
static struct json *s_node_exporter(const char *dir, int *status)
{
    char *cmd = xasprintf(S_PYTHON " " S_CHECK " '%s' 2>'%s.log'", dir, dir);
    FILE *p = popen(cmd, "r");
    struct buf out;
    buf_init(&out);
    char chunk[4096];
    size_t n;
    while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_append(&out, chunk, n);
    int rc = p ? pclose(p) : -1;
    *status = rc >= 0 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    struct json *doc = NULL;
    struct drh_err err;
    if (json_parse(buf_str(&out), out.len, &doc, &err) != DRH_OK) {
        char *log = xasprintf("%s.log", dir);
        char *text = test_read_file(log);
        TEST_FAILF("%s: exit %d, no JSON (%s); its log:\n%s", cmd, *status, err.msg,
                   text ? text : "(none)");
        free(text);
        free(log);
    }
    buf_clean_up(&out);
    free(cmd);
    return doc;
}

/* A label value escaped as the text format wants, independently of
 * metrics.c, to find node_exporter's sample in what drh wrote. */
static void s_escape_label(struct buf *b, const char *v)
{
    for (; v && *v; v++) {
        if (*v == '\\' || *v == '"')
            buf_putc(b, '\\');
        if (*v == '\n')
            buf_puts(b, "\\n");
        else
            buf_putc(b, *v);
    }
}

/* Every sample node_exporter served is a line of text with the same
 * value, and there are as many as text has. */
static void s_same_samples(const struct json *got, const char *text)
{
    size_t want = s_count(text, "\ndrh_") + (strncmp(text, "drh_", 4) == 0);
    const struct json *samples = json_get(got, "samples");
    CU_ASSERT_EQUAL(json_array_size(samples), want);
    struct buf key;
    buf_init(&key);
    for (const struct json *s = json_first(samples); s; s = json_next(s)) {
        const struct json *labels = json_get(s, "labels");
        buf_reset(&key);
        buf_printf(&key, "\n%s{drill=\"", json_get_string(s, "name"));
        s_escape_label(&key, json_get_string(labels, "drill"));
        if (json_get(labels, "resource")) {
            buf_puts(&key, "\",resource=\"");
            s_escape_label(&key, json_get_string(labels, "resource"));
        }
        buf_puts(&key, "\"} ");
        const char *line = strstr(text, buf_str(&key));
        double v = NAN, mine = NAN;
        json_number(json_get(s, "value"), &v);
        if (line)
            mine = strtod(line + key.len, NULL);
        if (!line || v != mine)
            TEST_FAILF("node_exporter serves %s%.17g; drh wrote %.17g", buf_str(&key) + 1, v, mine);
    }
    buf_clean_up(&key);
}

static void s_write_prom(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

static void test_prom_node_exporter(void)
{
    if (access(S_EXPORTER, X_OK) != 0 || access(S_PYTHON, X_OK) != 0) {
        TEST_FAILF("%s or %s is missing: install them with 'mk/deps.sh test' (Debian packages "
                   "prometheus-node-exporter, python3)",
                   S_EXPORTER, S_PYTHON);
        return;
    }
    struct testenv *t = testenv_new();
    struct drh_err err;
    int status = -1;

    /* The failing sample, written by metrics_write(). */
    char *dir = xasprintf("%s/fixture", t->dir);
    CU_ASSERT_FATAL(mkdir(dir, 0755) == 0);
    struct json *doc = s_fixture("evidence-fail.json");
    char *path = xasprintf("%s/drh.prom", dir);
    CU_ASSERT_EQUAL(metrics_write(doc, path, &err), DRH_OK);
    char *text = metrics_text(doc);
    struct json *got = s_node_exporter(dir, &status);
    CU_ASSERT_EQUAL(status, 0);
    double scrape_error = -1, v = -1;
    CU_ASSERT(json_number(json_get(got, "scrape_error"), &scrape_error) && scrape_error == 0);
    CU_ASSERT_EQUAL(json_array_size(json_get(got, "files")), 1);
    S_STREQ(json_string(json_array_at(json_get(got, "files"), 0)), path);
    s_same_samples(got, text);
    size_t checked = 0;
    for (const struct json *s = json_first(json_get(got, "samples")); s; s = json_next(s)) {
        const char *name = json_get_string(s, "name");
        const char *drill = json_get_string(json_get(s, "labels"), "drill");
        json_number(json_get(s, "value"), &v);
        if (strcmp(drill, "billing") != 0)
            continue;
        if (strcmp(name, "drh_drill_success") == 0)
            CU_ASSERT_EQUAL(v, 0);
        if (strcmp(name, "drh_rto_seconds") == 0)
            CU_ASSERT_EQUAL(v, 50000);
        if (strcmp(name, "drh_teardown_leftovers") == 0)
            CU_ASSERT_EQUAL(v, 1);
        if (strcmp(name, "drh_last_run_timestamp_seconds") == 0)
            CU_ASSERT_EQUAL(v, 1795332755);
        checked++;
    }
    CU_ASSERT_EQUAL(checked, 8);
    json_free(got);
    free(text);
    free(path);
    free(dir);
    json_free(doc);

    /* Hostile label values come back as they were. */
    dir = xasprintf("%s/hostile", t->dir);
    CU_ASSERT_FATAL(mkdir(dir, 0755) == 0);
    static const char drill[] = "q\"uote\\back\nnew line é {x=\"1\"}";
    doc = s_gen_doc();
    s_gen_resource(s_gen_drill(doc, drill, "PASSED"), "r|1 \\n", 0.001);
    text = metrics_text(doc);
    s_write_prom(dir, "hostile.prom", text);
    got = s_node_exporter(dir, &status);
    CU_ASSERT_EQUAL(status, 0);
    s_same_samples(got, text);
    const struct json *first = json_array_at(json_get(got, "samples"), 0);
    S_STREQ(json_get_string(json_get(first, "labels"), "drill"), drill);
    json_free(got);
    json_free(doc);

    /* The check can fail: the same series in two files is no scrape error
     * (node_exporter serves the first and logs the rest)... */
    s_write_prom(dir, "again.prom", text);
    got = s_node_exporter(dir, &status);
    CU_ASSERT_EQUAL(status, 1);
    CU_ASSERT(json_number(json_get(got, "scrape_error"), &scrape_error) && scrape_error == 0);
    CU_ASSERT(json_array_size(json_get(got, "log_errors")) > 0);
    json_free(got);
    /* ...the same family twice in one file is. */
    char *twice = xasprintf("%s%s", text, text);
    s_write_prom(dir, "again.prom", twice);
    got = s_node_exporter(dir, &status);
    CU_ASSERT_EQUAL(status, 1);
    CU_ASSERT(json_number(json_get(got, "scrape_error"), &scrape_error) && scrape_error == 1);
    json_free(got);
    free(twice);
    free(text);
    free(dir);
    testenv_free(t);
}

static const struct test_case prom_cases[] = {
    {"passing sample: exact text", test_prom_pass},
    {"failing sample: exact lines", test_prom_fail},
    {"label values escaped", test_prom_escape},
    {"absent figures: no sample, never NaN", test_prom_absent},
    {"many drills: each series and HELP/TYPE once", test_prom_many},
    {"only *.prom paths; written atomically, 0644", test_prom_path},
    {"the temporary file never ends in .prom", test_prom_temp_name},
    {"node_exporter's textfile collector reads it back", test_prom_node_exporter},
};

__attribute__((constructor)) static void s_register_metrics_suite(void)
{
    testreg_add("reports-metrics", prom_cases, sizeof prom_cases / sizeof prom_cases[0], NULL, NULL,
                NULL);
}
