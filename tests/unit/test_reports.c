/*
 * Tests of the reports: the report model, the JUnit writer (read back with
 * xml.h: counts, attributes, escaping, cutting), the evidence file and its
 * checksum, and xml_validate_file() with a schema of our own.
 *
 * A second suite, "reports-junit-xsd", validates what junit_write() writes
 * against the shared junit-10.xsd (${DRH_SHARED:-../shared}/junit/); it is
 * inactive, with the reason, when that file is absent. It also checks that
 * hand-written invalid JUnit fails, so a validator that accepts everything
 * cannot pass.
 */
#include "support/testenv.h"
#include "support/testreg.h"

#include "buf.h"
#include "crypto.h"
#include "json.h"
#include "mem.h"
#include "redact.h"
#include "reports/report.h"
#include "version.h"
#include "xml.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_RUN_ID "orders-db.20251122T025320Z_1"
#define S_STARTED ((time_t)1763780000)        /* 2025-11-22T02:53:20Z */
#define S_SUITE2_STARTED ((time_t)1763780100) /* 2025-11-22T02:55:00Z */

/* Everything a message can hold that XML cannot carry as it is: markup,
 * both quotes, a control character (dropped), DEL (allowed), bytes that
 * are not UTF-8 (each becomes U+FFFD), U+FFFE (dropped), real UTF-8, a
 * CDATA end, tab, carriage return and newline. */
/* The evidence document written into a new bundle DIR/<run-id>/evidence.json;
 * *path (may be NULL) gets that file's path. */
static enum drh_status s_evidence_write(const struct report *r, const char *dir, char **path,
                                        struct drh_err *err)
{
    struct json *doc = NULL;
    char *bundle = NULL;
    enum drh_status st = evidence_document(r, &doc, err);
    if (st == DRH_OK)
        st = evidence_bundle_create(dir, r->run_id, &bundle, err);
    char *file = bundle ? xasprintf("%s/evidence.json", bundle) : NULL;
    if (st == DRH_OK)
        st = evidence_write_json(doc, file, err);
    if (st == DRH_OK && path)
        *path = file;
    else
        free(file);
    free(bundle);
    json_free(doc);
    return st;
}

static const char s_nasty[] = "rows 0 < 10 & \"quoted\" 'single' \x01"
                              "ctl \x7f"
                              "del \xff\xfe bad \xef\xbf\xbe"
                              "nonchar \xc3\xa9 \xf0\x9f\x98\x80 ]]> end\r\nline 2\tcol";
/* What comes back from the XML: the same, minus what XML 1.0 cannot hold. */
static const char s_nasty_xml[] = "rows 0 < 10 & \"quoted\" 'single' "
                                  "ctl \x7f"
                                  "del \xef\xbf\xbd\xef\xbf\xbd bad "
                                  "nonchar \xc3\xa9 \xf0\x9f\x98\x80 ]]> end\r\nline 2\tcol";
/* What comes back from the JSON: invalid UTF-8 replaced, the rest kept. */
static const char s_nasty_json[] = "rows 0 < 10 & \"quoted\" 'single' \x01"
                                   "ctl \x7f"
                                   "del \xef\xbf\xbd\xef\xbf\xbd bad \xef\xbf\xbe"
                                   "nonchar \xc3\xa9 \xf0\x9f\x98\x80 ]]> end\r\nline 2\tcol";
static const char s_detail[] = "psql: SELECT count(*) FROM orders;\n  count\n -------\n      0\n"
                               "<stack> & \"more\"\r\n";

/* ---- helpers ------------------------------------------------------------- */

/* A report with every kind of case: 3 suites (one empty), 6 cases: 2 pass,
 * 1 failure, 1 error, 2 skipped; properties, a secret among them. */
static void s_build(struct report *r)
{
    report_init(r, S_RUN_ID, S_STARTED);
    r->seconds = 700.5;

    struct report_suite *s = report_add_suite(r, "orders-db/aurora-pg", S_STARTED);
    report_suite_set_hostname(s, "runner-7");
    report_add_case(s, NULL, "restore", REPORT_PASS, 612.3456, NULL);
    struct report_case *c =
        report_add_case(s, NULL, "probe sql row-count", REPORT_FAIL, 1.5, s_nasty);
    report_case_set_detail(c, s_detail);
    report_add_case(s, NULL, "rto", REPORT_PASS, 0.0004, NULL);
    report_add_case(s, "orders-db.teardown", "teardown", REPORT_ERROR, 2.25,
                    "delete-db-instance: AccessDenied & <no retry>");
    report_add_propertyf(s, "rto.seconds", "%.3f", 612.3456);
    report_add_property(s, "arn", "arn:aws:rds:eu-west-1:123456789012:cluster:orders-drill");
    report_add_property(s, "password", "hunter2");
    report_add_property(s, "note", s_nasty);

    s = report_add_suite(r, "orders-db/s3-bucket", 0);
    r->suites[1]->started = S_SUITE2_STARTED;
    report_add_case(s, NULL, "probe objects", REPORT_SKIPPED, 0, "no probe configured");
    report_add_case(s, NULL, "restore", REPORT_SKIPPED, -3.0, NULL);

    report_add_suite(r, "empty", 0);
}

static char *s_path(struct testenv *t, const char *name)
{
    return xasprintf("%s/%s", t->dir, name);
}

/* Asserts that node's attribute name is want (NULL: absent). */
static void s_expect_attr(const struct xml_node *node, const char *name, const char *want)
{
    char *got = xml_attr(node, name);
    if (!want) {
        if (got)
            TEST_FAILF("<%s %s>: expected no attribute, got '%s'", xml_name(node), name, got);
    } else if (!got) {
        TEST_FAILF("<%s %s>: missing, expected '%s'", xml_name(node), name, want);
    } else if (strcmp(got, want) != 0) {
        TEST_FAILF("<%s %s>: got '%s', expected '%s'", xml_name(node), name, got, want);
    }
    free(got);
}

/* Reads path and parses it with xml.h; NULL (and a failure) if it cannot. */
static struct xml_doc *s_read_xml(const char *path)
{
    char *text = test_read_file(path);
    if (!text) {
        TEST_FAILF("%s: cannot read it", path);
        return NULL;
    }
    struct xml_doc *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (xml_parse(text, strlen(text), &doc, &err) != DRH_OK)
        TEST_FAILF("%s: %s", path, err.msg);
    free(text);
    return doc;
}

static struct json *s_read_json(const char *path)
{
    char *text = test_read_file(path);
    if (!text) {
        TEST_FAILF("%s: cannot read it", path);
        return NULL;
    }
    struct json *j = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (json_parse(text, strlen(text), &j, &err) != DRH_OK)
        TEST_FAILF("%s: %s", path, err.msg);
    free(text);
    return j;
}

/* The names in dir, sorted, joined with ' '. Caller frees. */
static char *s_listing(const char *dir)
{
    char *names[64];
    size_t n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return xstrdup("<none>");
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            names[n++] = xstrdup(e->d_name);
    closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *x = names[j];
            names[j] = names[j - 1];
            names[j - 1] = x;
        }
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
    buf_puts(&b, "");
    return buf_detach(&b);
}

static int s_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- the model ----------------------------------------------------------- */

static void test_model_counts_and_defaults(void)
{
    struct report r;
    s_build(&r);
    CU_ASSERT_EQUAL(r.n_suites, 3);
    CU_ASSERT_EQUAL(report_count(&r, REPORT_PASS), 2);
    CU_ASSERT_EQUAL(report_count(&r, REPORT_FAIL), 1);
    CU_ASSERT_EQUAL(report_count(&r, REPORT_ERROR), 1);
    CU_ASSERT_EQUAL(report_count(&r, REPORT_SKIPPED), 2);
    CU_ASSERT_EQUAL(report_suite_count(r.suites[1], REPORT_SKIPPED), 2);
    CU_ASSERT_EQUAL(report_suite_count(r.suites[2], REPORT_PASS), 0);

    /* classname defaults to the suite's name; an explicit one stays. */
    CU_ASSERT_STRING_EQUAL(r.suites[0]->cases[0]->classname, "orders-db/aurora-pg");
    CU_ASSERT_STRING_EQUAL(r.suites[0]->cases[3]->classname, "orders-db.teardown");
    CU_ASSERT_PTR_NULL(r.suites[0]->cases[0]->message);
    CU_ASSERT_STRING_EQUAL(r.suites[0]->cases[1]->detail, s_detail);
    CU_ASSERT_STRING_EQUAL(r.suites[0]->hostname, "runner-7");
    CU_ASSERT_STRING_EQUAL(r.suites[1]->hostname, "");

    /* Times: 0 means the sum; nonsense (negative, NaN) counts as 0. */
    CU_ASSERT_DOUBLE_EQUAL(report_suite_seconds(r.suites[0]), 616.096, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(report_suite_seconds(r.suites[1]), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(report_seconds(&r), 700.5, 0);
    r.seconds = 0;
    CU_ASSERT_DOUBLE_EQUAL(report_seconds(&r), 616.096, 1e-9);
    r.suites[0]->cases[0]->seconds = NAN;
    CU_ASSERT_DOUBLE_EQUAL(report_suite_seconds(r.suites[0]), 3.7504, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(report_case_seconds(r.suites[0]->cases[0]), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(report_case_seconds(r.suites[1]->cases[1]), 0, 0); /* -3 s */
    r.suites[0]->cases[0]->seconds = 5e9;
    CU_ASSERT_DOUBLE_EQUAL(report_case_seconds(r.suites[0]->cases[0]), 1e9, 0);

    CU_ASSERT_STRING_EQUAL(report_status_name(REPORT_PASS), "pass");
    CU_ASSERT_STRING_EQUAL(report_status_name(REPORT_FAIL), "fail");
    CU_ASSERT_STRING_EQUAL(report_status_name(REPORT_ERROR), "error");
    CU_ASSERT_STRING_EQUAL(report_status_name(REPORT_SKIPPED), "skipped");

    report_clean_up(&r);
    report_clean_up(&r); /* twice is harmless */
}

static void test_model_properties_and_redaction(void)
{
    struct report r;
    report_init(&r, NULL, 0);
    CU_ASSERT_STRING_EQUAL(r.run_id, "");
    struct report_suite *s = report_add_suite(&r, NULL, 0);
    CU_ASSERT_STRING_EQUAL(s->name, "");
    report_add_property(s, "a", "1");
    report_add_property(s, "b", "2");
    report_add_propertyf(s, "a", "%d-%s", 3, "x"); /* replaced in place */
    report_add_property(s, "SecretAccessKey", "wJalrXUtnFEMI/K7MDENG");
    report_add_property(s, "c", NULL);
    CU_ASSERT_EQUAL_FATAL(s->n_props, 4);
    CU_ASSERT_STRING_EQUAL(s->props[0].name, "a");
    CU_ASSERT_STRING_EQUAL(s->props[0].value, "3-x");
    CU_ASSERT_STRING_EQUAL(s->props[1].value, "2");
    CU_ASSERT_STRING_EQUAL(s->props[2].value, REDACTED);
    CU_ASSERT_STRING_EQUAL(s->props[3].value, "");

    /* Secrets in free text are redacted on the way in. */
    struct report_case *c = report_add_case(s, "k", "login", REPORT_FAIL, 1,
                                            "connect failed: Password=hunter2 rejected");
    report_case_set_detail(c, "{\"SessionToken\": \"FQoGZXIvYXdzE\"}");
    CU_ASSERT_PTR_NULL(strstr(c->message, "hunter2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c->message, REDACTED));
    CU_ASSERT_PTR_NULL(strstr(c->detail, "FQoGZXIvYXdzE"));
    report_case_set_detail(c, NULL);
    CU_ASSERT_PTR_NULL(c->detail);
    report_clean_up(&r);
}

static void test_model_pointers_stay_valid(void)
{
    struct report r;
    report_init(&r, "x", 0);
    struct report_suite *first = report_add_suite(&r, "first", 0);
    struct report_case *c0 = report_add_case(first, NULL, "c0", REPORT_PASS, 0, NULL);
    for (int i = 0; i < 500; i++) {
        char name[32];
        snprintf(name, sizeof name, "s%d", i);
        struct report_suite *s = report_add_suite(&r, name, 0);
        report_add_case(s, NULL, "a", REPORT_PASS, 0, NULL);
        report_add_case(first, NULL, name, REPORT_PASS, 0, NULL);
    }
    /* Writing through pointers taken before 1000 additions (ASan checks). */
    first->seconds = 1;
    report_case_set_detail(c0, "still here");
    CU_ASSERT_PTR_EQUAL(r.suites[0], first);
    CU_ASSERT_PTR_EQUAL(first->cases[0], c0);
    CU_ASSERT_EQUAL(first->n_cases, 501);
    CU_ASSERT_EQUAL(r.n_suites, 501);
    CU_ASSERT_EQUAL(report_count(&r, REPORT_PASS), 1001);
    report_clean_up(&r);
}

static void test_run_id_rule(void)
{
    static const char *const good[] = {"a", "A.b_c-1", "a..b", "20251122T025320Z-orders"};
    static const char *const bad[] = {"",    ".hidden", "..",          "../etc", "a/b",
                                      "a b", "x\n",     "caf\xc3\xa9", "a\\b",   "a:b"};
    struct drh_err err;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (report_check_run_id(good[i], &err) != DRH_OK)
            TEST_FAILF("'%s' refused: %s", good[i], err.msg);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        drh_err_clear(&err);
        if (report_check_run_id(bad[i], &err) != DRH_E_INPUT)
            TEST_FAILF("'%s' accepted", bad[i]);
        else if (!strstr(err.msg, "run id") || !*err.hint || strchr(err.msg, '\n'))
            TEST_FAILF("'%s': unhelpful message '%s'", bad[i], err.msg);
    }
    char id[REPORT_RUN_ID_MAX + 2];
    memset(id, 'a', sizeof id);
    id[REPORT_RUN_ID_MAX] = '\0';
    CU_ASSERT_EQUAL(report_check_run_id(id, &err), DRH_OK);
    id[REPORT_RUN_ID_MAX] = 'a';
    id[REPORT_RUN_ID_MAX + 1] = '\0';
    CU_ASSERT_EQUAL(report_check_run_id(id, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(report_check_run_id(NULL, &err), DRH_E_INPUT);
}

/* ---- XML escaping -------------------------------------------------------- */

static void test_xml_escape(void)
{
    static const struct {
        const char *in, *text, *attr;
    } cases[] = {
        {"", "", ""},
        {"plain", "plain", "plain"},
        {"a<b>c&d", "a&lt;b&gt;c&amp;d", "a&lt;b&gt;c&amp;d"},
        {"\"q\" 'a'", "\"q\" 'a'", "&quot;q&quot; &apos;a&apos;"},
        {"t\tn\nr\r", "t\tn\nr&#13;", "t&#9;n&#10;r&#13;"},
        {"]]>", "]]&gt;", "]]&gt;"},
        {"\x01\x02\x08\x0b\x0c\x1f|\x7f", "|\x7f", "|\x7f"},
        {"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
         "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
        /* invalid: a lone continuation, a truncated sequence, an overlong
         * '/', a surrogate, past U+10FFFF: one U+FFFD per bad byte */
        {"\x80", "\xef\xbf\xbd", "\xef\xbf\xbd"},
        {"a\xc3", "a\xef\xbf\xbd", "a\xef\xbf\xbd"},
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        /* U+FFFE and U+FFFF are UTF-8 but not XML characters */
        {"x\xef\xbf\xbey\xef\xbf\xbfz", "xyz", "xyz"},
    };
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf_reset(&b);
        xml_escape(&b, cases[i].in);
        if (strcmp(buf_str(&b), cases[i].text) != 0)
            TEST_FAILF("case %zu: text '%s', expected '%s'", i, buf_str(&b), cases[i].text);
        buf_reset(&b);
        xml_escape_attr(&b, cases[i].in);
        if (strcmp(buf_str(&b), cases[i].attr) != 0)
            TEST_FAILF("case %zu: attr '%s', expected '%s'", i, buf_str(&b), cases[i].attr);
    }
    buf_reset(&b);
    xml_escape(&b, NULL);
    CU_ASSERT_EQUAL(b.len, 0);
    buf_clean_up(&b);
}

/* ---- JUnit --------------------------------------------------------------- */

static void test_junit_reads_back(void)
{
    struct testenv *t = testenv_new();
    char *path = s_path(t, "junit.xml");
    struct report r;
    struct drh_err err;
    s_build(&r);
    CU_ASSERT_EQUAL_FATAL(junit_write(&r, path, &err), DRH_OK);

    struct xml_doc *doc = s_read_xml(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const struct xml_node *root = xml_root(doc);
    CU_ASSERT_STRING_EQUAL(xml_name(root), "testsuites");
    s_expect_attr(root, "name", S_RUN_ID);
    s_expect_attr(root, "tests", "6");
    s_expect_attr(root, "failures", "1");
    s_expect_attr(root, "errors", "1");
    s_expect_attr(root, "time", "700.500");
    s_expect_attr(root, "skipped", NULL); /* not in junit-10.xsd */

    const struct xml_node *s1 = xml_child(root, "testsuite");
    const struct xml_node *s2 = xml_next(s1);
    const struct xml_node *s3 = xml_next(s2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s3);
    CU_ASSERT_PTR_NULL(xml_next(s3));

    s_expect_attr(s1, "name", "orders-db/aurora-pg");
    s_expect_attr(s1, "tests", "4");
    s_expect_attr(s1, "failures", "1");
    s_expect_attr(s1, "errors", "1");
    s_expect_attr(s1, "skipped", "0");
    s_expect_attr(s1, "time", "616.096");
    s_expect_attr(s1, "timestamp", "2025-11-22T02:53:20");
    s_expect_attr(s1, "hostname", "runner-7");
    s_expect_attr(s1, "id", "0");
    /* properties come first, in order, escaped both ways */
    CU_ASSERT_STRING_EQUAL(xml_name(xml_first_child(s1)), "properties");
    const struct xml_node *p = xml_find(s1, "properties/property");
    s_expect_attr(p, "name", "rto.seconds");
    s_expect_attr(p, "value", "612.346");
    p = xml_next(p);
    s_expect_attr(p, "name", "arn");
    p = xml_next(p);
    s_expect_attr(p, "name", "password");
    s_expect_attr(p, "value", REDACTED);
    p = xml_next(p);
    s_expect_attr(p, "name", "note");
    s_expect_attr(p, "value", s_nasty_xml);
    CU_ASSERT_PTR_NULL(xml_next(p));

    const struct xml_node *c = xml_child(s1, "testcase");
    s_expect_attr(c, "name", "restore");
    s_expect_attr(c, "classname", "orders-db/aurora-pg");
    s_expect_attr(c, "time", "612.346");
    CU_ASSERT_PTR_NULL(xml_first_child(c)); /* a pass has no children */
    c = xml_next(c);
    s_expect_attr(c, "name", "probe sql row-count");
    s_expect_attr(c, "time", "1.500");
    const struct xml_node *f = xml_child(c, "failure");
    s_expect_attr(f, "message", s_nasty_xml);
    s_expect_attr(f, "type", "failure");
    char *text = xml_text(f);
    CU_ASSERT_STRING_EQUAL(text, s_detail);
    free(text);
    c = xml_next(c);
    s_expect_attr(c, "name", "rto");
    s_expect_attr(c, "time", "0.000");
    c = xml_next(c);
    s_expect_attr(c, "classname", "orders-db.teardown");
    f = xml_child(c, "error");
    s_expect_attr(f, "message", "delete-db-instance: AccessDenied & <no retry>");
    s_expect_attr(f, "type", "error");
    CU_ASSERT_PTR_NULL(xml_child(c, "failure"));

    s_expect_attr(s2, "tests", "2");
    s_expect_attr(s2, "skipped", "2");
    s_expect_attr(s2, "failures", "0");
    s_expect_attr(s2, "timestamp", "2025-11-22T02:55:00");
    s_expect_attr(s2, "hostname", NULL);
    s_expect_attr(s2, "id", "1");
    CU_ASSERT_PTR_NULL(xml_child(s2, "properties"));
    c = xml_child(s2, "testcase");
    s_expect_attr(xml_child(c, "skipped"), "message", "no probe configured");
    c = xml_next(c);
    s_expect_attr(c, "time", "0.000"); /* -3 s shows as 0 */
    CU_ASSERT_PTR_NOT_NULL(xml_child(c, "skipped"));
    s_expect_attr(xml_child(c, "skipped"), "message", NULL);

    s_expect_attr(s3, "tests", "0");
    s_expect_attr(s3, "time", "0.000");
    CU_ASSERT_PTR_NULL(xml_first_child(s3));

    xml_free(doc);
    /* Only the report is left: the temporary file was renamed. */
    char *names = s_listing(t->dir);
    CU_ASSERT_STRING_EQUAL(names, "junit.xml");
    free(names);
    report_clean_up(&r);
    free(path);
    testenv_free(t);
}

static void test_junit_cuts_long_text(void)
{
    struct testenv *t = testenv_new();
    char *path = s_path(t, "long.xml");
    struct report r;
    struct drh_err err;
    report_init(&r, "long", S_STARTED);
    struct report_suite *s = report_add_suite(&r, "s", 0);

    /* 4095 'a', then 'é' across the 4096-byte limit, then more. */
    struct buf msg;
    buf_init(&msg);
    for (int i = 0; i < 4095; i++)
        buf_putc(&msg, 'a');
    buf_puts(&msg, "\xc3\xa9");
    for (int i = 0; i < 6000; i++)
        buf_putc(&msg, i % 80 == 79 ? '\n' : '<');
    report_add_case(s, NULL, "long message", REPORT_FAIL, 1, buf_str(&msg));

    size_t big = 2 * 1024 * 1024 + 17;
    char *detail = xmalloc(big + 1);
    memset(detail, '&', big);
    detail[big] = '\0';
    struct report_case *c = report_add_case(s, NULL, "long detail", REPORT_ERROR, 1, "short");
    report_case_set_detail(c, detail);

    CU_ASSERT_EQUAL_FATAL(junit_write(&r, path, &err), DRH_OK);
    struct xml_doc *doc = s_read_xml(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const struct xml_node *tc = xml_find(xml_root(doc), "testsuite/testcase");
    const struct xml_node *f = xml_child(tc, "failure");
    char *attr = xml_attr(f, "message");
    CU_ASSERT_EQUAL(strlen(attr), 4095 + 3);
    CU_ASSERT_EQUAL(strspn(attr, "a"), 4095);
    CU_ASSERT_STRING_EQUAL(attr + 4095, "...");
    free(attr);
    char *body = xml_text(f); /* the whole message, since there is no detail */
    CU_ASSERT_STRING_EQUAL(body, buf_str(&msg));
    free(body);

    body = xml_text(xml_child(xml_next(tc), "error"));
    char want_tail[64];
    snprintf(want_tail, sizeof want_tail, "\n[cut: %zu more bytes]", big - 1024 * 1024);
    CU_ASSERT_EQUAL(strlen(body), 1024 * 1024 + strlen(want_tail));
    CU_ASSERT_EQUAL(strspn(body, "&"), 1024 * 1024);
    CU_ASSERT_STRING_EQUAL(body + 1024 * 1024, want_tail);
    free(body);

    xml_free(doc);
    free(detail);
    buf_clean_up(&msg);
    report_clean_up(&r);
    free(path);
    testenv_free(t);
}

static void test_junit_replaces_and_refuses_missing_dir(void)
{
    struct testenv *t = testenv_new();
    struct report r;
    struct drh_err err;
    report_init(&r, "x", 0);
    report_add_case(report_add_suite(&r, "s", 0), NULL, "c", REPORT_PASS, 0, NULL);

    /* An existing file is replaced whole. */
    char *path = testenv_write(t, "out.xml", "old content that is longer than nothing", 0644);
    CU_ASSERT_EQUAL(junit_write(&r, path, &err), DRH_OK);
    char *text = test_read_file(path);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<testsuites"));
    CU_ASSERT_PTR_NULL(strstr(text, "old content"));
    CU_ASSERT_PTR_NULL(strstr(text, "timestamp")); /* no start time known */
    free(text);
    struct stat st;
    CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
    free(path);

    /* The directory must exist. */
    path = xasprintf("%s/no-such-dir/out.xml", t->dir);
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(junit_write(&r, path, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, path));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "does not exist"));
    CU_ASSERT_NOT_EQUAL(err.hint[0], '\0');
    free(path);

    /* A file where the directory should be. */
    char *blocker = testenv_write(t, "blocker", "x", 0644);
    path = xasprintf("%s/out.xml", blocker);
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(junit_write(&r, path, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, path));
    free(path);
    free(blocker);

    char *names = s_listing(t->dir);
    CU_ASSERT_STRING_EQUAL(names, "blocker out.xml");
    free(names);
    report_clean_up(&r);
    testenv_free(t);
}

/* ---- evidence ------------------------------------------------------------ */

static void test_evidence_fields(void)
{
    struct testenv *t = testenv_new();
    char *dir = xasprintf("%s/evidence/orders-db/", t->dir); /* missing, trailing slash */
    struct report r;
    struct drh_err err;
    s_build(&r);
    const char *runner = "{\"drill\": \"orders-db\", \"rto_target\": 900,"
                         " \"source\": {\"account\": \"123456789012\","
                         " \"SecretAccessKey\": \"wJalrXUtnFEMI\"},"
                         " \"list\": [1, \"two\", true, null, {\"Password\": \"x\"}, [false]]}";
    CU_ASSERT_EQUAL_FATAL(json_parse(runner, strlen(runner), &r.evidence, &err), DRH_OK);

    char *path = NULL;
    CU_ASSERT_EQUAL_FATAL(s_evidence_write(&r, dir, &path, &err), DRH_OK);
    char *want_path = xasprintf("%s/evidence/orders-db/%s/evidence.json", t->dir, S_RUN_ID);
    CU_ASSERT_STRING_EQUAL(path, want_path);
    char *sub = xasprintf("%s/evidence/orders-db", t->dir);
    CU_ASSERT(s_is_dir(sub));
    free(sub);

    struct json *j = s_read_json(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_STRING_EQUAL(json_get_string(j, "run_id"), S_RUN_ID);
    CU_ASSERT_STRING_EQUAL(json_get_string(j, "drh_version"), DRH_VERSION);
    CU_ASSERT_STRING_EQUAL(json_get_string(j, "started"), "2025-11-22T02:53:20Z");
    double d = 0;
    CU_ASSERT(json_number(json_get(j, "seconds"), &d) && d == 700.5);
    /* the runner's members, copied with secrets redacted */
    CU_ASSERT_STRING_EQUAL(json_get_string(j, "drill"), "orders-db");
    CU_ASSERT(json_number(json_get(j, "rto_target"), &d) && d == 900);
    CU_ASSERT_STRING_EQUAL(json_get_string(json_get(j, "source"), "account"), "123456789012");
    CU_ASSERT_STRING_EQUAL(json_get_string(json_get(j, "source"), "SecretAccessKey"), REDACTED);
    const struct json *list = json_get(j, "list");
    CU_ASSERT_EQUAL(json_array_size(list), 6);
    bool flag = false;
    CU_ASSERT(json_bool(json_array_at(list, 2), &flag) && flag);
    CU_ASSERT(json_is_null(json_array_at(list, 3)));
    CU_ASSERT_STRING_EQUAL(json_get_string(json_array_at(list, 4), "Password"), REDACTED);
    CU_ASSERT(json_bool(json_array_at(json_array_at(list, 5), 0), &flag) && !flag);

    const struct json *totals = json_get(j, "totals");
    long long n = -1;
    CU_ASSERT(json_integer(json_get(totals, "cases"), &n) && n == 6);
    CU_ASSERT(json_integer(json_get(totals, "pass"), &n) && n == 2);
    CU_ASSERT(json_integer(json_get(totals, "fail"), &n) && n == 1);
    CU_ASSERT(json_integer(json_get(totals, "error"), &n) && n == 1);
    CU_ASSERT(json_integer(json_get(totals, "skipped"), &n) && n == 2);

    const struct json *suites = json_get(j, "suites");
    CU_ASSERT_EQUAL_FATAL(json_array_size(suites), 3);
    const struct json *s1 = json_array_at(suites, 0);
    CU_ASSERT_STRING_EQUAL(json_get_string(s1, "name"), "orders-db/aurora-pg");
    CU_ASSERT_STRING_EQUAL(json_get_string(s1, "hostname"), "runner-7");
    CU_ASSERT_STRING_EQUAL(json_get_string(s1, "started"), "2025-11-22T02:53:20Z");
    CU_ASSERT(json_number(json_get(s1, "seconds"), &d) && d == 616.096);
    const struct json *cases = json_get(s1, "cases");
    CU_ASSERT_EQUAL_FATAL(json_array_size(cases), 4);
    const struct json *c0 = json_array_at(cases, 0);
    CU_ASSERT_STRING_EQUAL(json_get_string(c0, "name"), "restore");
    CU_ASSERT_STRING_EQUAL(json_get_string(c0, "status"), "pass");
    CU_ASSERT(json_number(json_get(c0, "seconds"), &d) && d == 612.346);
    CU_ASSERT(json_is_null(json_get(c0, "message")));
    CU_ASSERT(json_is_null(json_get(c0, "detail")));
    const struct json *c1 = json_array_at(cases, 1);
    CU_ASSERT_STRING_EQUAL(json_get_string(c1, "status"), "fail");
    CU_ASSERT_STRING_EQUAL(json_get_string(c1, "message"), s_nasty_json);
    CU_ASSERT_STRING_EQUAL(json_get_string(c1, "detail"), s_detail);
    CU_ASSERT_STRING_EQUAL(json_get_string(json_array_at(cases, 3), "status"), "error");
    const struct json *props = json_get(s1, "properties");
    CU_ASSERT(json_is_object(props));
    CU_ASSERT_STRING_EQUAL(json_get_string(props, "rto.seconds"), "612.346");
    CU_ASSERT_STRING_EQUAL(json_get_string(props, "password"), REDACTED);
    CU_ASSERT_STRING_EQUAL(json_get_string(props, "note"), s_nasty_json);
    const struct json *s2 = json_array_at(suites, 1);
    CU_ASSERT_STRING_EQUAL(json_get_string(s2, "started"), "2025-11-22T02:55:00Z");
    CU_ASSERT_STRING_EQUAL(json_get_string(json_array_at(json_get(s2, "cases"), 0), "status"),
                           "skipped");
    const struct json *s3 = json_array_at(suites, 2);
    CU_ASSERT(json_is_array(json_get(s3, "cases")) && json_array_size(json_get(s3, "cases")) == 0);
    CU_ASSERT(json_is_object(json_get(s3, "properties")));
    CU_ASSERT_PTR_NULL(json_first(json_get(s3, "properties")));
    json_free(j);

    free(want_path);
    free(path);
    free(dir);
    report_clean_up(&r);
    testenv_free(t);
}

/* A bundle is made once: a second run of the same id is refused, and the
 * first one's evidence is left as it was. */
static void test_evidence_bundle_once(void)
{
    struct testenv *t = testenv_new();
    struct report r;
    struct drh_err err;
    s_build(&r);
    char *path = NULL;
    CU_ASSERT_EQUAL_FATAL(s_evidence_write(&r, t->dir, &path, &err), DRH_OK);
    struct buf first;
    buf_init(&first);
    CU_ASSERT_FATAL(test_read_into(path, &first));
    CU_ASSERT(first.len > 0 && first.data[first.len - 1] == '\n');
    struct stat st;
    CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);

    r.seconds = 1.25;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(s_evidence_write(&r, t->dir, NULL, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "already exists"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "never overwritten"));
    struct buf again;
    buf_init(&again);
    CU_ASSERT_FATAL(test_read_into(path, &again));
    CU_ASSERT(again.len == first.len && memcmp(again.data, first.data, first.len) == 0);
    char *names = s_listing(t->dir);
    CU_ASSERT_STRING_EQUAL(names, S_RUN_ID);
    free(names);
    buf_clean_up(&again);
    buf_clean_up(&first);
    free(path);
    report_clean_up(&r);
    testenv_free(t);
}

static void test_evidence_minimal_and_mode(void)
{
    struct testenv *t = testenv_new();
    struct report r;
    struct drh_err err;
    report_init(&r, "bare", 0);
    char *dir = xasprintf("%s/a/b/c", t->dir);
    CU_ASSERT_EQUAL_FATAL(s_evidence_write(&r, dir, NULL, &err), DRH_OK);
    mode_t mask = umask(022);
    umask(mask);
    struct stat st;
    CU_ASSERT(stat(dir, &st) == 0 && (st.st_mode & 0777) == (0755 & ~mask));
    char *path = xasprintf("%s/bare/evidence.json", dir);
    struct json *j = s_read_json(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    const char *keys[] = {"run_id", "drh_version", "started", "seconds", "totals", "suites"};
    size_t n = 0;
    for (const struct json *m = json_first(j); m; m = json_next(m), n++)
        if (n < 6 && strcmp(json_key(m), keys[n]) != 0)
            TEST_FAILF("member %zu is '%s', expected '%s'", n, json_key(m), keys[n]);
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT_STRING_EQUAL(json_get_string(j, "started"), "1970-01-01T00:00:00Z");
    CU_ASSERT_EQUAL(json_array_size(json_get(j, "suites")), 0);
    json_free(j);
    free(path);
    free(dir);
    report_clean_up(&r);
    testenv_free(t);
}

static void test_evidence_refuses(void)
{
    struct testenv *t = testenv_new();
    struct drh_err err;
    struct report r;
    char *dir = xasprintf("%s/ev", t->dir);

    static const char *const bad_ids[] = {"", ".x", "../escape", "a/b", "a b", "x\ty"};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        report_init(&r, bad_ids[i], S_STARTED);
        drh_err_clear(&err);
        static char untouched[] = "untouched";
        char *path = untouched;
        if (s_evidence_write(&r, dir, &path, &err) != DRH_E_INPUT)
            TEST_FAILF("run id '%s' accepted", bad_ids[i]);
        CU_ASSERT_PTR_EQUAL(path, untouched); /* written only on success */
        report_clean_up(&r);
    }
    CU_ASSERT(!s_is_dir(dir)); /* refused before anything was created */

    /* a directory that cannot be made: a file is in the way */
    char *blocker = testenv_write(t, "blocker", "x", 0644);
    char *under = xasprintf("%s/sub", blocker);
    report_init(&r, "ok", S_STARTED);
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(s_evidence_write(&r, under, NULL, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, under));
    CU_ASSERT_NOT_EQUAL(err.hint[0], '\0');
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(s_evidence_write(&r, blocker, NULL, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, blocker));
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(s_evidence_write(&r, "", NULL, &err), DRH_E_INPUT);

    /* the runner may not overwrite drh's own members, nor hand a non-object */
    const char *clash = "{\"suites\": []}";
    CU_ASSERT_EQUAL_FATAL(json_parse(clash, strlen(clash), &r.evidence, &err), DRH_OK);
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(s_evidence_write(&r, dir, NULL, &err), DRH_E_INTERNAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'suites'"));
    json_free(r.evidence);
    r.evidence = json_new_array();
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(s_evidence_write(&r, dir, NULL, &err), DRH_E_INTERNAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "array"));
    report_clean_up(&r);

    free(under);
    free(blocker);
    free(dir);
    testenv_free(t);
}

/* ---- xml_validate_file with a schema of our own -------------------------- */

static const char s_small_xsd[] =
    "<?xml version=\"1.0\"?>\n"
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"
    "  <xs:element name=\"a\">\n"
    "    <xs:complexType>\n"
    "      <xs:sequence><xs:element name=\"b\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>"
    "</xs:sequence>\n"
    "      <xs:attribute name=\"n\" type=\"xs:int\" use=\"required\"/>\n"
    "    </xs:complexType>\n"
    "  </xs:element>\n"
    "</xs:schema>\n";

static void test_validate_small_schema(void)
{
    struct testenv *t = testenv_new();
    struct drh_err err;
    char *xsd = testenv_write(t, "small.xsd", s_small_xsd, 0644);
    char *good = testenv_write(t, "good.xml", "<a n=\"3\"><b/><b/></a>\n", 0644);
    char *bad_type = testenv_write(t, "bad1.xml", "<a n=\"3\">\n<b/>\n<b/>\n<c/></a>\n", 0644);
    char *bad_attr =
        testenv_write(t, "bad2.xml", "<?xml version=\"1.0\"?>\n\n<a n=\"x\"/>\n", 0644);
    char *broken = testenv_write(t, "bad3.xml", "<a n=\"3\">\n<b>\n</a>\n", 0644);
    char *doctype =
        testenv_write(t, "bad4.xml", "<!DOCTYPE a [<!ENTITY e \"x\">]>\n<a n=\"1\"/>", 0644);
    char *empty = testenv_write(t, "empty.xml", "", 0644);

    CU_ASSERT_EQUAL(xml_validate_file(good, xsd, &err), DRH_OK);

    drh_err_clear(&err);
    CU_ASSERT_EQUAL(xml_validate_file(bad_type, xsd, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "line 4:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, bad_type));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'c'"));

    drh_err_clear(&err);
    CU_ASSERT_EQUAL(xml_validate_file(bad_attr, xsd, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "line 3:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'n'"));
    CU_ASSERT_PTR_NULL(strchr(err.msg, '\n'));
    size_t len = strlen(err.msg);
    CU_ASSERT(len > 0 && err.msg[len - 1] != '.');

    drh_err_clear(&err);
    CU_ASSERT_EQUAL(xml_validate_file(broken, xsd, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "line 3"));
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(xml_validate_file(doctype, xsd, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "DOCTYPE"));
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(xml_validate_file(empty, xsd, &err), DRH_E_INPUT);

    /* unreadable files, and a schema that is not one */
    char *missing = s_path(t, "missing.xml");
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(xml_validate_file(missing, xsd, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, missing));
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(xml_validate_file(good, missing, &err), DRH_E_IO);
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(xml_validate_file(good, t->dir, &err), DRH_E_IO); /* a directory */
    char *not_xsd = testenv_write(
        t, "bad.xsd",
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n  <xs:element/>\n</xs:schema>",
        0644);
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(xml_validate_file(good, not_xsd, &err), DRH_E_CONFIG);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "line 2"));
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(xml_validate_file(good, good, &err), DRH_E_CONFIG);
    CU_ASSERT_PTR_NULL(strstr(err.msg, "line 0")); /* no line known: none shown */
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "schema"));

    free(not_xsd);
    free(missing);
    free(empty);
    free(doctype);
    free(broken);
    free(bad_attr);
    free(bad_type);
    free(good);
    free(xsd);
    testenv_free(t);
}

/* ---- against the shared junit-10.xsd -------------------------------------- */

static char s_xsd[1024];

static const char *s_xsd_path(void)
{
    const char *shared = getenv("DRH_SHARED");
    snprintf(s_xsd, sizeof s_xsd, "%s/junit/junit-10.xsd",
             shared && *shared ? shared : "../shared");
    return s_xsd;
}

static const char *s_skip_xsd(void)
{
    static char why[1100];
    if (access(s_xsd_path(), R_OK) == 0)
        return NULL;
    snprintf(why, sizeof why, "JUnit schema not found at '%s' (set DRH_SHARED)", s_xsd_path());
    return why;
}

static void test_xsd_accepts_our_junit(void)
{
    struct testenv *t = testenv_new();
    struct drh_err err;
    struct report r;

    /* the rich report */
    char *path = s_path(t, "rich.xml");
    s_build(&r);
    CU_ASSERT_EQUAL_FATAL(junit_write(&r, path, &err), DRH_OK);
    if (xml_validate_file(path, s_xsd_path(), &err) != DRH_OK)
        TEST_FAILF("%s", err.msg);
    report_clean_up(&r);
    free(path);

    /* an empty run, and long times */
    path = s_path(t, "empty.xml");
    report_init(&r, "", 0);
    CU_ASSERT_EQUAL_FATAL(junit_write(&r, path, &err), DRH_OK);
    if (xml_validate_file(path, s_xsd_path(), &err) != DRH_OK)
        TEST_FAILF("%s", err.msg);
    struct report_suite *s = report_add_suite(&r, "slow", S_STARTED);
    report_add_case(s, NULL, "restore", REPORT_PASS, 86400.123456, NULL);
    report_add_case(s, NULL, "odd", REPORT_SKIPPED, INFINITY, NULL);
    report_add_property(s, "", "");
    CU_ASSERT_EQUAL_FATAL(junit_write(&r, path, &err), DRH_OK);
    if (xml_validate_file(path, s_xsd_path(), &err) != DRH_OK)
        TEST_FAILF("%s", err.msg);
    report_clean_up(&r);
    free(path);
    testenv_free(t);
}

/* Hand-written JUnit that breaks one rule each, and the line that breaks it. */
static void test_xsd_refuses_invalid_junit(void)
{
    static const struct {
        const char *what, *xml, *line;
    } cases[] = {
        {"testcase without name",
         "<?xml version=\"1.0\"?>\n<testsuites>\n"
         "  <testsuite name=\"s\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
         "    <testcase classname=\"c\" time=\"1.000\"/>\n  </testsuite>\n</testsuites>\n",
         "line 4:"},
        {"testsuite without tests",
         "<testsuites>\n<testsuite name=\"s\" failures=\"0\" errors=\"0\"/>\n</testsuites>\n",
         "line 2:"},
        {"time with 4 decimals",
         "<testsuites>\n<testsuite name=\"s\" tests=\"0\" failures=\"0\" errors=\"0\" "
         "time=\"1.2345\"/>\n</testsuites>\n",
         "line 2:"},
        {"skipped on testsuites", "<testsuites skipped=\"0\">\n</testsuites>\n", "line 1:"},
        {"property without value",
         "<testsuites>\n<testsuite name=\"s\" tests=\"0\" failures=\"0\" errors=\"0\">\n"
         "<properties>\n<property name=\"p\"/>\n</properties>\n</testsuite>\n</testsuites>\n",
         "line 4:"},
        {"testcase directly under testsuites",
         "<testsuites>\n\n\n<testcase name=\"c\"/>\n</testsuites>\n", "line 4:"},
        {"unknown element",
         "<testsuites>\n<testsuite name=\"s\" tests=\"0\" failures=\"0\" "
         "errors=\"0\">\n<result/>\n</testsuite>\n</testsuites>\n",
         "line 3:"},
    };
    struct testenv *t = testenv_new();
    struct drh_err err;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = testenv_write(t, "bad.xml", cases[i].xml, 0644);
        drh_err_clear(&err);
        enum drh_status st = xml_validate_file(path, s_xsd_path(), &err);
        if (st != DRH_E_INPUT)
            TEST_FAILF("%s: accepted (%s)", cases[i].what, drh_status_name(st));
        else if (!strstr(err.msg, cases[i].line))
            TEST_FAILF("%s: '%s' does not name %s", cases[i].what, err.msg, cases[i].line);
        free(path);
    }
    testenv_free(t);
}

static const struct test_case cases[] = {
    {"model: counts, classnames, times", test_model_counts_and_defaults},
    {"model: properties replace, secrets redacted", test_model_properties_and_redaction},
    {"model: suite and case pointers stay valid", test_model_pointers_stay_valid},
    {"run id: safe file names only", test_run_id_rule},
    {"xml_escape: references, dropped and replaced characters", test_xml_escape},
    {"junit: read back, counts, attributes, escaping", test_junit_reads_back},
    {"junit: long messages and details are cut", test_junit_cuts_long_text},
    {"junit: replaces atomically, refuses a missing directory",
     test_junit_replaces_and_refuses_missing_dir},
    {"evidence: every field, read back", test_evidence_fields},
    {"evidence: a bundle is made once, never overwritten", test_evidence_bundle_once},
    {"evidence: bare report, mkdir -p with 0755", test_evidence_minimal_and_mode},
    {"evidence: bad run id, unwritable dir, reserved members", test_evidence_refuses},
    {"xml_validate_file: a small schema, errors with lines", test_validate_small_schema},
};

static const struct test_case xsd_cases[] = {
    {"junit-10.xsd accepts what junit_write writes", test_xsd_accepts_our_junit},
    {"junit-10.xsd refuses hand-written invalid JUnit", test_xsd_refuses_invalid_junit},
};

TEST_SUITE("reports", cases)

/* A second suite in this file (TEST_SUITE defines one constructor per file):
 * it needs the shared schema, and is inactive without it. */
__attribute__((constructor)) static void s_register_xsd_suite(void)
{
    testreg_add("reports-junit-xsd", xsd_cases, sizeof xsd_cases / sizeof xsd_cases[0], s_skip_xsd,
                NULL, NULL);
}
