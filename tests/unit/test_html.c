/*
 * Tests of the HTML reports (reports/html/html.h): run pages from the sample
 * evidence documents (tests/data/reports/) and from generated ones (200
 * resources; hostile strings), the index page over a history, and a real
 * rendering of the sample pages in headless Chromium
 * (tests/tools/render_html.py), which must show the pass green and the
 * fail red of the stylesheet.
 *
 * DRH_SKIP_CHROMIUM=1 leaves the rendering out (for valgrind runs), saying
 * so; a missing /usr/bin/chromium otherwise fails the test.
 */
#include "support/testenv.h"
#include "support/testreg.h"

#include "buf.h"
#include "history/history.h"
#include "json.h"
#include "mem.h"
#include "reports/html/html.h"
#include "reports/html/html_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define S_PASS_DOC "tests/data/reports/evidence-pass.json"
#define S_FAIL_DOC "tests/data/reports/evidence-fail.json"

/* Markup and both quotes in every string a page shows. */
static const char s_hostile[] = "<script>alert(1)</script> \"q\" 'a' & \"><img src=x onerror=y>";

/* ---- helpers ------------------------------------------------------------- */

static struct json *s_load(const char *path)
{
    struct buf b;
    buf_init(&b);
    struct json *doc = NULL;
    struct drh_err err;
    if (!test_read_into(path, &b))
        TEST_FAILF("cannot read %s (tests run from the project root)", path);
    else if (json_parse(b.data, b.len, &doc, &err) != DRH_OK)
        TEST_FAILF("%s: %s", path, err.msg);
    buf_clean_up(&b);
    return doc;
}

static size_t s_count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = hay; hay && (p = strstr(p, needle)); p += len)
        n++;
    return n;
}

/* Whether text is valid UTF-8 (no overlong forms, no surrogates). */
static int s_utf8_ok(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        int n = *p < 0x80             ? 0
                : (*p & 0xE0) == 0xC0 ? 1
                : (*p & 0xF0) == 0xE0 ? 2
                : (*p & 0xF8) == 0xF0 ? 3
                                      : -1;
        if (n < 0 || (n == 1 && *p < 0xC2) || (*p == 0xE0 && (p[1] & 0xE0) == 0x80) ||
            (*p == 0xED && p[1] >= 0xA0) || (*p == 0xF0 && p[1] < 0x90) || *p > 0xF4)
            return 0;
        for (int i = 1; i <= n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += n + 1;
    }
    return 1;
}

/* The page may reach nothing outside itself: no script, no src, no url(),
 * no @import, and every href an anchor on the page (or, allow_pages, a
 * run page beside it). */
/* Whether page[pos] is inside a tag (between its '<' and '>'), where a
 * string would be markup rather than text. */
static int s_in_tag(const char *page, const char *at)
{
    for (const char *p = at; p > page; p--) {
        if (p[-1] == '>')
            return 0;
        if (p[-1] == '<')
            return 1;
    }
    return 0;
}

static void s_no_markup(const char *page, const char *what)
{
    for (const char *p = page; (p = strstr(p, what)); p++)
        if (s_in_tag(page, p))
            TEST_FAILF("'%s' in a tag: %.60s", what, p);
}

/* The page may reach nothing outside itself: no script, no src, no url(),
 * no @import, no "scheme://" in a tag, and every href an anchor on the
 * page (or, allow_pages, a run page beside it). */
static void s_self_contained(const char *page, int allow_pages)
{
    CU_ASSERT_PTR_NULL(strstr(page, "<script"));
    CU_ASSERT_PTR_NULL(strstr(page, "url("));
    CU_ASSERT_PTR_NULL(strstr(page, "@import"));
    CU_ASSERT_PTR_NULL(strstr(page, "<link"));
    s_no_markup(page, "src=");
    s_no_markup(page, "://");
    s_no_markup(page, "xlink:");
    for (const char *p = page; (p = strstr(p, "href=\"")); p += 6) {
        const char *v = p + 6, *end = strchr(v, '"');
        if (!end)
            break;
        int ok = *v == '#';
        if (!ok && allow_pages) {
            size_t len = (size_t)(end - v);
            ok = len > 5 && strncmp(end - 5, ".html", 5) == 0 &&
                 strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
                     len;
        }
        if (!ok)
            TEST_FAILF("href to outside the page: %.60s", v);
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "</html>\n"));
    CU_ASSERT_TRUE(s_utf8_ok(page));
}

/* Writes doc's page to DIR/name; returns the text (caller frees). */
static char *s_page(struct testenv *t, const struct json *doc, const struct history_record *hist,
                    size_t n_hist, const char *name)
{
    char *path = xasprintf("%s/%s", t->dir, name);
    struct drh_err err;
    enum drh_status st = html_write_run(doc, hist, n_hist, path, &err);
    if (st != DRH_OK)
        TEST_FAILF("html_write_run: %s", err.msg);
    char *text = st == DRH_OK ? test_read_file(path) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    struct stat sb;
    CU_ASSERT_EQUAL(stat(path, &sb), 0);
    CU_ASSERT_EQUAL(sb.st_mode & 0777, 0644);
    free(path);
    return text;
}

/* How many of doc's cases have a recorded start and take time: each is a
 * bar of the timeline; the others are markers. */
static void s_timed_cases(const struct json *doc, size_t *timed, size_t *untimed)
{
    *timed = *untimed = 0;
    for (const struct json *s = json_first(json_get(doc, "suites")); s; s = json_next(s))
        for (const struct json *c = json_first(json_get(s, "cases")); c; c = json_next(c)) {
            double secs = 0;
            json_number(json_get(c, "seconds"), &secs);
            if (json_get_string(c, "started") && secs > 0)
                (*timed)++;
            else
                (*untimed)++;
        }
}

static void s_record(struct history_record *r, const char *run_id, const char *drill,
                     double started, const char *verdict, double rto, double objective)
{
    memset(r, 0, sizeof *r);
    r->run_id = xstrdup(run_id);
    r->drill = xstrdup(drill);
    r->started = started;
    r->ended = started + 60;
    snprintf(r->verdict, sizeof r->verdict, "%s", verdict);
    r->rto = rto;
    r->rpo = 3600;
    r->rpo_data = -1;
    r->rto_objective = objective;
    r->rpo_objective = 86400;
}

/* ---- the sample documents ------------------------------------------------ */

static void test_fail_sample(void)
{
    struct testenv *t = testenv_new();
    struct json *doc = s_load(S_FAIL_DOC);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    /* billing's past: two passes and a failure before this run */
    struct history_record hist[3];
    s_record(&hist[0], "20261121-073235-aaaaaa", "billing", 1795246355, "FAILED", 47000, 43200);
    s_record(&hist[1], "20261120-073235-bbbbbb", "billing", 1795159955, "PASSED", 40000, 43200);
    s_record(&hist[2], "20261119-073235-cccccc", "billing", 1795073555, "PASSED", 30000, 43200);
    char *page = s_page(t, doc, hist, 3, "fail.html");
    s_self_contained(page, 0);

    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<header class=\"banner fail\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "20261122-080000-abcdef \xe2\x80\x94 FAILED"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "user ci (uid 1001) on runner-7, pid 4242"));
    /* failures first: the failed case and the teardown leftover, with
     * their drill and resource, before anything that passed */
    const char *fail = strstr(page, "<section class=\"failures\" id=\"failures\">");
    const char *first_pass = strstr(page, "badge pass");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fail);
    CU_ASSERT_PTR_NOT_NULL_FATAL(first_pass);
    CU_ASSERT_TRUE(fail < first_pass);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<h2>Failures (2)</h2>"));
    const char *rto = strstr(page, "achieved 13h53m (50000s) beyond objective 12h");
    const char *left = strstr(page, "1 resource(s) left behind by teardown");
    CU_ASSERT_TRUE(rto && rto > fail && rto < first_pass);
    CU_ASSERT_TRUE(left && left > fail && left < first_pass);
    CU_ASSERT_PTR_NOT_NULL(strstr(fail, "<td>billing</td><td><a href=\"#s-2\">ledger-db</a>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<h3 id=\"s-2\">ledger-db"));
    /* controls, a title absent */
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<td>ISO 27001:2022</td><td>A.8.13</td><td>Information "
                                        "backup</td>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<td>SOC 2</td><td>A1.2</td><td></td>"));
    /* RTO against the objective: billing's is missed, in words too */
    CU_ASSERT_EQUAL(s_count(page, "<g class=\"missed\">"), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "MISSED: 13 h 53 m &gt; objective 12 h (+16%)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "met: 2.9 s \xe2\x89\xa4 objective 12 h"));
    /* the timeline: a bar per timed case, a marker for each other */
    size_t timed, untimed;
    s_timed_cases(doc, &timed, &untimed);
    CU_ASSERT_EQUAL(timed, 31);
    CU_ASSERT_EQUAL(s_count(page, "<rect class=\"bar "), timed);
    CU_ASSERT_EQUAL(s_count(page, "<path class=\"mark "), untimed);
    CU_ASSERT_EQUAL(s_count(page, "<rect class=\"bar fail"), 0);
    CU_ASSERT_EQUAL(s_count(page, "<path class=\"mark fail\""), 1); /* rto: 0 s */
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<title>ledger-db \xc2\xb7 restore: pass, 1.3 s from "
                                        "+1.1 s</title>"));
    /* the trends: demo-orders has only this run, billing three more,
     * one failed before and this one */
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<h3>RTO trend (1 run)</h3>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<h3>RTO trend (4 runs)</h3>"));
    CU_ASSERT_EQUAL(s_count(page, "class=\"run fail\""), 2);
    CU_ASSERT_EQUAL(s_count(page, "class=\"run pass\""), 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "20261121-073235-aaaaaa \xc2\xb7 2026-11-21 07:32:35 UTC "
                                        "\xc2\xb7 RTO 13 h 3 m \xc2\xb7 FAILED"));

    for (size_t i = 0; i < 3; i++)
        history_record_clean_up(&hist[i]);
    free(page);
    json_free(doc);
    testenv_free(t);
}

static void test_pass_sample(void)
{
    struct testenv *t = testenv_new();
    struct json *doc = s_load(S_PASS_DOC);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    char *page = s_page(t, doc, NULL, 0, "pass.html");
    s_self_contained(page, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<header class=\"banner pass\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<div class=\"allpass\" id=\"failures\">"));
    CU_ASSERT_PTR_NULL(strstr(page, "class=\"failures\""));
    CU_ASSERT_PTR_NULL(strstr(page, "MISSED:"));
    CU_ASSERT_PTR_NULL(strstr(page, "badge fail"));
    size_t timed, untimed;
    s_timed_cases(doc, &timed, &untimed);
    CU_ASSERT_EQUAL(timed + untimed, 21);
    CU_ASSERT_EQUAL(s_count(page, "<rect class=\"bar "), timed);
    CU_ASSERT_EQUAL(s_count(page, "<path class=\"mark "), untimed);
    /* RPO: the backup's age and the newest data's, against 1 day */
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "orders (newest data)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "met: 3 h \xe2\x89\xa4 objective 1 d"));
    /* with no history, the trend shows this run alone */
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<h3>RTO trend (1 run)</h3>"));
    CU_ASSERT_EQUAL(s_count(page, "class=\"run pass\""), 1);
    free(page);
    json_free(doc);
    testenv_free(t);
}

/* ---- generated documents ------------------------------------------------- */

/* A run of one drill with n resources, 16 cases each: every fifth case
 * without a start, every seventh of 0 s; resource 3 failed with a long
 * detail. Strings carry s_hostile when hostile. */
static struct json *s_generate(size_t n, int hostile)
{
    const char *h = hostile ? s_hostile : "";
    struct json *doc = json_new_object();
    char *id = xasprintf("gen-%zu", n);
    json_add_string(doc, "run_id", id);
    free(id);
    json_add_string(doc, "drh_version", h);
    json_add_string(doc, "started", "2026-11-22T07:00:00Z");
    json_add_number(doc, "seconds", 900);
    struct json *runner = json_add_child(doc, "runner", json_new_object());
    json_add_string(runner, "user", h);
    json_add_string(runner, "command", h);
    struct json *drills = json_add_child(doc, "drills", json_new_array());
    struct json *d = json_push(drills, json_new_object());
    char *name = xasprintf("big%s", h);
    json_add_string(d, "name", name);
    json_add_string(d, "verdict", "FAILED");
    json_add_string(d, "owner", h);
    json_add_number(d, "rto_objective_seconds", 600);
    json_add_number(d, "rpo_objective_seconds", 3600);
    struct json *ctl =
        json_push(json_add_child(d, "controls", json_new_array()), json_new_object());
    json_add_string(ctl, "framework", h);
    json_add_string(ctl, "control", h);
    json_add_string(ctl, "title", h);
    json_add_number(json_add_child(d, "stack", json_new_object()), "stack_rto_seconds", 700);
    struct json *res = json_add_child(d, "resources", json_new_array());
    struct json *suites = json_add_child(doc, "suites", json_new_array());
    char detail[70000];
    memset(detail, 'x', sizeof detail - 1);
    detail[sizeof detail - 1] = '\0';
    memcpy(detail, "<pre>&\"", 7);
    for (size_t i = 0; i < n; i++) {
        char *rname = xasprintf("db-%03zu%s", i, h);
        struct json *r = json_push(res, json_new_object());
        json_add_string(r, "resource", rname);
        json_add_string(r, "type", h);
        json_add_string(r, "verdict", i == 3 ? "FAILED" : "PASSED");
        json_add_number(r, "rto_seconds", 100 + (double)i * 3);
        json_add_number(r, "rpo_seconds", 1800);
        struct json *s = json_push(suites, json_new_object());
        json_add_string(s, "name", rname);
        json_add_string(s, "drill", name);
        json_add_string(s, "resource", rname);
        json_add_string(s, "started", "2026-11-22T07:00:00Z");
        struct json *props = json_add_child(s, "properties", json_new_object());
        json_add_string(props, hostile ? "<b>\"k\"</b>" : "arn", h);
        struct json *cases = json_add_child(s, "cases", json_new_array());
        for (size_t k = 0; k < 16; k++) {
            struct json *c = json_push(cases, json_new_object());
            char *cname = xasprintf("step-%zu%s", k, h);
            json_add_string(c, "name", cname);
            free(cname);
            int failed = i == 3 && k == 5;
            json_add_string(c, "status", failed ? "fail" : "pass");
            json_add_number(c, "seconds", k % 7 == 0 ? 0 : 1.5);
            if (k % 5 != 0) {
                char when[40];
                snprintf(when, sizeof when, "2026-11-22T07:%02zu:%02zu.250Z", (i / 20) % 60,
                         (k * 3) % 60);
                json_add_string(c, "started", when);
            }
            json_add_string(c, "message", failed ? s_hostile : h);
            if (failed)
                json_add_string(c, "detail", detail);
        }
        free(rname);
    }
    free(name);
    return doc;
}

static void test_hostile_strings(void)
{
    struct testenv *t = testenv_new();
    struct json *doc = s_generate(5, 1);
    struct history_record hist[1];
    /* history strings are C strings: invalid UTF-8 can get there */
    char bad_id[] = "r1\xff\xfe<x>";
    s_record(&hist[0], bad_id, "big<script>alert(1)</script> \"q\" 'a' & \"><img src=x onerror=y>",
             1795000000, "FAILED", -1, 600);
    char *page = s_page(t, doc, hist, 1, "hostile.html");
    s_self_contained(page, 0);
    CU_ASSERT_PTR_NULL(strstr(page, "<img"));
    CU_ASSERT_PTR_NULL(strstr(page, "<b>"));
    CU_ASSERT_PTR_NULL(strstr(page, "<pre><pre>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "&lt;pre&gt;&amp;"));
    /* in attributes, quotes cannot close the value */
    CU_ASSERT_PTR_NULL(strstr(page, "\" onerror"));
    CU_ASSERT_PTR_NULL(strstr(page, "'a'\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "r1\xef\xbf\xbd\xef\xbf\xbd&lt;x&gt;"));
    /* the 70 kB detail is cut, once in the failures, once in its table */
    CU_ASSERT_EQUAL(s_count(page, "\xe2\x80\xa6"
                                  "cut ("),
                    2);
    CU_ASSERT_TRUE(strlen(page) < 200000);
    /* the failure comes first; the failed case's tooltip is escaped too */
    CU_ASSERT_TRUE(strstr(page, "id=\"failures\"") < strstr(page, "badge pass"));
    CU_ASSERT_EQUAL(s_count(page, "class=\"run fail\""), 2);
    history_record_clean_up(&hist[0]);
    free(page);
    json_free(doc);
    testenv_free(t);
}

static void test_many_resources(void)
{
    struct testenv *t = testenv_new();
    struct json *doc = s_generate(200, 0), *half = s_generate(100, 0);
    char *page = s_page(t, doc, NULL, 0, "big.html");
    char *small = s_page(t, half, NULL, 0, "half.html");
    s_self_contained(page, 0);
    size_t timed, untimed;
    s_timed_cases(doc, &timed, &untimed);
    CU_ASSERT_EQUAL(timed + untimed, 200 * 16);
    CU_ASSERT_EQUAL(s_count(page, "<rect class=\"bar "), timed);
    CU_ASSERT_EQUAL(s_count(page, "<path class=\"mark "), untimed);
    /* a row a resource, plus the stack, in the RTO chart; all missed but
     * the first 167 (100 + 3i s against 600 s), and the stack's 700 s */
    CU_ASSERT_EQUAL(s_count(page, "<g class=\"missed\">"), 200 - 167 + 1);
    CU_ASSERT_EQUAL(s_count(page, "<h2>Failures (1)</h2>"), 1);
    /* linear: twice the resources, about twice the page */
    double ratio = (double)strlen(page) / (double)strlen(small);
    if (ratio < 1.8 || ratio > 2.2)
        TEST_FAILF("200 resources give %zu bytes, 100 give %zu", strlen(page), strlen(small));
    CU_ASSERT_TRUE(strlen(page) < 4 * 1024 * 1024);
    free(page);
    free(small);
    json_free(doc);
    json_free(half);
    testenv_free(t);
}

/* ---- the index ------------------------------------------------------------ */

static void test_index(void)
{
    struct testenv *t = testenv_new();
    struct history_record hist[6];
    /* newest first, as history_list() gives them */
    s_record(&hist[0], "run-6", "orders", 1795600000, "PASSED", 300, 600);
    s_record(&hist[1], "run-5", "billing", 1795500000, "FAILED", 900, 600);
    s_record(&hist[2], "run-4", "orders", 1795400000, "PASSED", 200, 600);
    s_record(&hist[3], "run-3", "orders", 1795300000, "ERROR", -1, 600);
    s_record(&hist[4], "run-2", "billing", 1795200000, "PASSED", 500, 600);
    s_record(&hist[5], "../x\xff<i>", "orders", 1795100000, "PASSED", 100, -1);
    char *dir = xasprintf("%s/html", t->dir);
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(html_write_index(hist, 6, dir, &err), DRH_OK); /* creates dir */
    char *p5 = xasprintf("%s/run-5.html", dir), *p4 = xasprintf("%s/run-4.html", dir);
    FILE *f = fopen(p5, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    f = fopen(p4, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(html_write_index(hist, 6, dir, &err), DRH_OK);
    char *path = xasprintf("%s/index.html", dir), *page = test_read_file(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    s_self_contained(page, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<header class=\"banner fail\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "6 runs \xc2\xb7 2 with a failure"));
    /* failures first (newest first), then the others, newest first */
    const char *order[] = {"run-5", "run-3", "run-6", "run-4", "run-2", "../x"};
    const char *at = page;
    for (size_t i = 0; i < 6; i++) {
        char *cell = xasprintf("<tr class=\"%s\"><td class=\"nowrap\">%s%s",
                               i == 0   ? "fail"
                               : i == 1 ? "error"
                                        : "pass",
                               i == 0 || i == 3 ? "<a href=\"" : "", order[i]);
        const char *hit = strstr(page, cell);
        if (!hit || hit < at)
            TEST_FAILF("row %zu (%s) missing or out of order", i, order[i]);
        at = hit ? hit : at;
        free(cell);
    }
    CU_ASSERT_TRUE(strstr(page, "Passed runs") > strstr(page, "run-3"));
    /* links only where the page exists, never for an unsafe run id */
    CU_ASSERT_EQUAL(s_count(page, "<a href=\""), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<a href=\"run-5.html\">run-5</a>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "../x\xef\xbf\xbd&lt;i&gt;"));
    /* RTO against the objective, missed in words */
    CU_ASSERT_PTR_NOT_NULL(
        strstr(page, "15 m <span class=\"missed\">MISSED</span> <span class=\"muted\">/ 10 m"));
    /* one trend a drill, by name */
    const char *b = strstr(page, "aria-label=\"RTO of drill billing");
    const char *o = strstr(page, "aria-label=\"RTO of drill orders");
    CU_ASSERT_TRUE(b && o && b < o);
    CU_ASSERT_EQUAL(s_count(page, "aria-label=\"RTO of drill"), 2);
    CU_ASSERT_EQUAL(s_count(page, "class=\"run pass\""), 4);
    CU_ASSERT_EQUAL(s_count(page, "class=\"run fail\""), 1);
    CU_ASSERT_EQUAL(s_count(page, "class=\"run error\""), 1);
    free(page);

    /* an empty history still gives a page */
    CU_ASSERT_EQUAL(html_write_index(NULL, 0, dir, &err), DRH_OK);
    page = test_read_file(path);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "No run recorded yet."));
    free(page);
    for (size_t i = 0; i < 6; i++)
        history_record_clean_up(&hist[i]);
    free(path);
    free(p4);
    free(p5);
    free(dir);
    testenv_free(t);
}

static void test_errors(void)
{
    struct testenv *t = testenv_new();
    struct drh_err err;
    struct json *arr = json_new_array(), *doc = s_load(S_PASS_DOC);
    char *path = xasprintf("%s/x.html", t->dir);
    CU_ASSERT_EQUAL(html_write_run(arr, NULL, 0, path, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not an object with a run_id"));
    CU_ASSERT_EQUAL(access(path, F_OK), -1);
    char *missing = xasprintf("%s/no/such/dir/x.html", t->dir);
    CU_ASSERT_EQUAL(html_write_run(doc, NULL, 0, missing, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, missing));
    /* the index folder is a file */
    char *file = testenv_write(t, "plain", "x", 0644);
    CU_ASSERT_EQUAL(html_write_index(NULL, 0, file, &err), DRH_E_IO);
    free(file);
    free(missing);
    free(path);
    json_free(arr);
    json_free(doc);
    testenv_free(t);
}

static void test_format(void)
{
    static const struct {
        double s;
        const char *want;
    } cases[] = {{0, "0.000 s"},       {0.044, "0.044 s"},    {2.9157, "2.9 s"},
                 {59.96, "60.0 s"},    {250, "4 m 10 s"},     {3600, "1 h"},
                 {50000, "13 h 53 m"}, {86400, "1 d"},        {183600, "2 d 3 h"},
                 {-1, "\xe2\x80\x93"}, {NAN, "\xe2\x80\x93"}, {INFINITY, "\xe2\x80\x93"},
                 {3661, "1 h 1 m"},    {1e300, "1e+300 s"}};
    char out[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        report_format_seconds(cases[i].s, out);
        if (strcmp(out, cases[i].want) != 0)
            TEST_FAILF("%g s: got '%s', expected '%s'", cases[i].s, out, cases[i].want);
    }
    char t[40];
    html_fmt_time(1795246355.5, t);
    CU_ASSERT_STRING_EQUAL(t, "2026-11-21 07:32:35 UTC");
    /* cutting never splits a character */
    struct buf b;
    buf_init(&b);
    html_text_cut(&b, "ab\xc3\xa9\xc3\xa9<", 3);
    CU_ASSERT_STRING_EQUAL(buf_str(&b), "ab \xe2\x80\xa6"
                                        "cut (5 more bytes)");
    buf_reset(&b);
    html_text_cut(&b, "a<b", 3);
    CU_ASSERT_STRING_EQUAL(buf_str(&b), "a&lt;b");
    buf_clean_up(&b);
    CU_ASSERT_STRING_EQUAL(html_class("FAILED"), "fail");
    CU_ASSERT_STRING_EQUAL(html_class("error"), "error");
    CU_ASSERT_STRING_EQUAL(html_class(NULL), "skip");
}

/* ---- rendering in Chromium ------------------------------------------------ */

/* Runs render_html.py; its exit status, its output in out. */
static int s_render(const char *page, const char *png, const char *colours, struct buf *out)
{
    char *cmd = xasprintf("/usr/bin/python3 tests/tools/render_html.py '%s' '%s' %s 2>&1", page,
                          png, colours);
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (!p)
        return -1;
    char line[512];
    while (fgets(line, sizeof line, p))
        buf_puts(out, line);
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_render_chromium(void)
{
    if (getenv("DRH_SKIP_CHROMIUM") && *getenv("DRH_SKIP_CHROMIUM")) {
        printf("\n    (rendering in Chromium left out: DRH_SKIP_CHROMIUM is set) ");
        return;
    }
    if (access("/usr/bin/chromium", X_OK) != 0) {
        CU_FAIL("/usr/bin/chromium is missing: install it with `apt-get install chromium` "
                "(mk/deps.sh test does)");
        return;
    }
    struct testenv *t = testenv_new();
    struct json *pass = s_load(S_PASS_DOC), *fail = s_load(S_FAIL_DOC);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pass);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fail);
    char *text = s_page(t, pass, NULL, 0, "pass.html");
    free(text);
    text = s_page(t, fail, NULL, 0, "fail.html");
    free(text);
    char *pass_html = xasprintf("%s/pass.html", t->dir),
         *fail_html = xasprintf("%s/fail.html", t->dir);
    char *png = xasprintf("%s/shot.png", t->dir);
    struct buf out;
    buf_init(&out);
    /* the pass banner is green; the fail page shows red and green */
    int st = s_render(pass_html, png, "--expect-color 1a7f37", &out);
    if (st != 0)
        TEST_FAILF("pass page: render_html.py exited %d: %s", st, buf_str(&out));
    buf_reset(&out);
    st = s_render(fail_html, png, "--expect-color cf222e --expect-color 1a7f37", &out);
    if (st != 0)
        TEST_FAILF("fail page: render_html.py exited %d: %s", st, buf_str(&out));
    /* and the check can fail: no cyan on the page */
    buf_reset(&out);
    st = s_render(pass_html, png, "--expect-color 00ffff", &out);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&out), "colour #00ffff in 0 pixels"));
    buf_clean_up(&out);
    free(png);
    free(pass_html);
    free(fail_html);
    json_free(pass);
    json_free(fail);
    testenv_free(t);
}

static const struct test_case cases[] = {
    {"fail sample: failures first, missed RTO, timeline, trend", test_fail_sample},
    {"pass sample", test_pass_sample},
    {"hostile strings are escaped, long details cut", test_hostile_strings},
    {"200 resources: linear size", test_many_resources},
    {"index: failures first, links, a trend per drill", test_index},
    {"errors", test_errors},
    {"figures and text formatting", test_format},
    {"rendered by headless Chromium", test_render_chromium},
};

TEST_SUITE("reports-html", cases)
