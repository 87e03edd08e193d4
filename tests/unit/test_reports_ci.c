/*
 * What CI systems and auditors read in a run's reports beyond the basics of
 * test_reports.c: case names unique per classname, the drill file and the
 * RTO / RPO figures in the JUnit suite (properties and system-out), a
 * passing step's message as its system-out, when each step began in the
 * evidence, the run's redacted log for the bundle, and who ran it where.
 */
#include "support/testenv.h"
#include "support/testreg.h"

#include "json.h"
#include "log.h"
#include "mem.h"
#include "reports/report.h"
#include "run/progress.h"
#include "run/provenance.h"
#include "xml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One resource suite as the runner leaves it. */
static void s_build(struct report *r)
{
    report_init(r, "ci-run-1", 1763780000);
    struct report_suite *s = report_add_suite(r, "orders/db", 1763780000);
    report_suite_set_hostname(s, "runner-7");
    report_suite_set_file(s, "drills/orders & co.json");
    report_add_case(s, NULL, "restore", REPORT_PASS, 612.25, NULL);
    report_add_case(s, NULL, "probe sql", REPORT_PASS, 1.5, "found '0' < expected");
    report_add_case(s, NULL, "probe sql", REPORT_FAIL, 2, "found 3");
    report_add_case(s, NULL, "probe sql", REPORT_PASS, 0.5, NULL);
    report_add_case(s, "other/class", "probe sql", REPORT_PASS, 0, NULL);
    report_add_case(s, NULL, "rto", REPORT_PASS, 0, "achieved 10m12s within objective 1h");
    report_add_property(s, "rto_seconds", "612.3");
    report_add_property(s, "rto_objective_seconds", "3600");
    report_add_property(s, "rpo_seconds", "7200.5");
    report_add_property(s, "rpo_objective_seconds", "86400");
}

static void test_case_names_unique(void)
{
    struct report r;
    s_build(&r);
    const struct report_suite *s = r.suites[0];
    CU_ASSERT_STRING_EQUAL(s->cases[1]->name, "probe sql");
    CU_ASSERT_STRING_EQUAL(s->cases[2]->name, "probe sql (2)");
    CU_ASSERT_STRING_EQUAL(s->cases[3]->name, "probe sql (3)");
    /* another classname is another key for CI tools: left as it is */
    CU_ASSERT_STRING_EQUAL(s->cases[4]->name, "probe sql");
    CU_ASSERT_STRING_EQUAL(s->cases[4]->classname, "other/class");
    CU_ASSERT_STRING_EQUAL(s->cases[0]->classname, "orders/db");
    CU_ASSERT_STRING_EQUAL(report_property(s, "rto_seconds"), "612.3");
    CU_ASSERT_PTR_NULL(report_property(s, "nope"));
    report_clean_up(&r);
}

static void test_junit_file_and_figures(void)
{
    struct testenv *t = testenv_new();
    struct report r;
    struct drh_err err;
    s_build(&r);
    char *path = xasprintf("%s/j.xml", t->dir);
    CU_ASSERT_EQUAL_FATAL(junit_write(&r, path, &err), DRH_OK);
    char *text = test_read_file(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    struct xml_doc *doc = NULL;
    CU_ASSERT_EQUAL_FATAL(xml_parse(text, strlen(text), &doc, &err), DRH_OK);
    const struct xml_node *suite = xml_find(xml_root(doc), "testsuite");
    CU_ASSERT_PTR_NOT_NULL_FATAL(suite);
    char *v = xml_attr(suite, "file");
    CU_ASSERT_STRING_EQUAL(v, "drills/orders & co.json");
    free(v);
    v = xml_attr(suite, "hostname");
    CU_ASSERT_STRING_EQUAL(v, "runner-7");
    free(v);
    v = xml_find_text(suite, "system-out");
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_PTR_NOT_NULL(strstr(v, "RTO: 612.3 s (objective 3600 s) [rto_seconds=612.3]\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(v, "RPO: 7200.5 s (objective 86400 s) [rpo_seconds=7200.5]"));
    free(v);
    /* a passing step with a message shows it; one without has no children */
    const struct xml_node *c = xml_child(suite, "testcase");
    CU_ASSERT_PTR_NULL(xml_first_child(c));
    c = xml_next(c);
    v = xml_find_text(c, "system-out");
    CU_ASSERT_STRING_EQUAL(v, "found '0' < expected");
    free(v);
    c = xml_next(c);
    v = xml_attr(c, "name");
    CU_ASSERT_STRING_EQUAL(v, "probe sql (2)");
    free(v);
    CU_ASSERT_PTR_NOT_NULL(xml_child(c, "failure"));
    CU_ASSERT_PTR_NULL(xml_child(c, "system-out"));
    xml_free(doc);
    free(text);
    free(path);
    report_clean_up(&r);
    testenv_free(t);
}

static char s_xsd[1100];

static const char *s_xsd_path(void)
{
    const char *shared = getenv("DRH_SHARED");
    snprintf(s_xsd, sizeof s_xsd, "%s/junit/junit-10.xsd",
             shared && *shared ? shared : "../shared");
    return s_xsd;
}

static const char *s_skip_xsd(void)
{
    static char why[1200];
    if (access(s_xsd_path(), R_OK) == 0)
        return NULL;
    snprintf(why, sizeof why, "JUnit schema not found at '%s' (set DRH_SHARED)", s_xsd_path());
    return why;
}

/* The suite's file, system-out and the passing cases' system-out are what
 * the schema CI tools follow allows. */
static void test_xsd_accepts_ci_fields(void)
{
    struct testenv *t = testenv_new();
    struct report r;
    struct drh_err err;
    s_build(&r);
    char *path = xasprintf("%s/j.xml", t->dir);
    CU_ASSERT_EQUAL_FATAL(junit_write(&r, path, &err), DRH_OK);
    if (xml_validate_file(path, s_xsd_path(), &err) != DRH_OK)
        TEST_FAILF("%s", err.msg);
    free(path);
    report_clean_up(&r);
    testenv_free(t);
}

static void test_evidence_step_times(void)
{
    struct report r;
    struct drh_err err;
    double before = s_now();
    s_build(&r);
    double after = s_now();
    const struct report_case *c = r.suites[0]->cases[0];
    CU_ASSERT(c->ended >= before - 0.001 && c->ended <= after + 0.001);
    r.suites[0]->cases[0]->ended = 1763780612.75; /* began 612.25 s earlier */
    r.suites[0]->cases[1]->ended = 0;             /* unknown: no "started" */
    struct json *doc = NULL;
    CU_ASSERT_EQUAL_FATAL(evidence_document(&r, &doc, &err), DRH_OK);
    const struct json *s = json_array_at(json_get(doc, "suites"), 0);
    CU_ASSERT_STRING_EQUAL(json_get_string(s, "drill"), "orders");
    CU_ASSERT_STRING_EQUAL(json_get_string(s, "resource"), "db");
    CU_ASSERT_STRING_EQUAL(json_get_string(s, "file"), "drills/orders & co.json");
    const struct json *cases = json_get(s, "cases");
    CU_ASSERT_STRING_EQUAL(json_get_string(json_array_at(cases, 0), "started"),
                           "2025-11-22T02:53:20.500Z");
    CU_ASSERT_PTR_NULL(json_get(json_array_at(cases, 1), "started"));
    CU_ASSERT_STRING_EQUAL(json_get_string(json_array_at(cases, 2), "classname"), "orders/db");
    json_free(doc);
    report_clean_up(&r);
}

static void test_log_capture(void)
{
    progress_init(true, false);
    FILE *sink = fopen("/dev/null", "w");
    log_set_sink(sink);
    log_capture_start();
    log_error("restore of %s failed: password=hunter2", "orders");
    progress_phase("orders", "db", "restore", "waiting for job %s", "job-1");
    size_t len = 0;
    char *text = log_capture_stop(&len);
    CU_ASSERT_EQUAL(len, strlen(text));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "drh: error: restore of orders failed"));
    CU_ASSERT_PTR_NULL(strstr(text, "hunter2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "orders/db: restore: waiting for job job-1\n"));
    free(text);
    /* stopped: nothing more is kept */
    log_error("after the stop");
    text = log_capture_stop(&len);
    CU_ASSERT_EQUAL(len, 0);
    CU_ASSERT_STRING_EQUAL(text, "");
    free(text);
    log_set_sink(NULL);
    fclose(sink);
}

static void test_provenance(void)
{
    struct testenv *t = testenv_new();
    testenv_set(t, "GITLAB_CI", NULL);
    testenv_set(t, "JENKINS_URL", NULL);
    testenv_set(t, "GITHUB_ACTIONS", "true");
    testenv_set(t, "GITHUB_SERVER_URL", "https://github.com");
    testenv_set(t, "GITHUB_REPOSITORY", "acme/infra");
    testenv_set(t, "GITHUB_RUN_ID", "42");
    testenv_set(t, "GITHUB_JOB", "dr-nightly");
    testenv_set(t, "GITHUB_SHA", "0123abcd");
    struct json *o = provenance_runner(&t->env);
    CU_ASSERT_PTR_NOT_NULL(json_get_string(o, "host"));
    double pid = 0;
    CU_ASSERT(json_number(json_get(o, "pid"), &pid) && pid == (double)getpid());
    CU_ASSERT_PTR_NOT_NULL(strstr(json_get_string(o, "command"), "unit-tests"));
    const struct json *ci = json_get(o, "ci");
    CU_ASSERT_STRING_EQUAL(json_get_string(ci, "system"), "github-actions");
    CU_ASSERT_STRING_EQUAL(json_get_string(ci, "run_url"),
                           "https://github.com/acme/infra/actions/runs/42");
    CU_ASSERT_STRING_EQUAL(json_get_string(ci, "job"), "dr-nightly");
    CU_ASSERT_STRING_EQUAL(json_get_string(ci, "commit"), "0123abcd");
    json_free(o);
    testenv_set(t, "GITHUB_ACTIONS", NULL);
    testenv_set(t, "CI", NULL);
    o = provenance_runner(&t->env);
    CU_ASSERT_PTR_NULL(json_get(o, "ci"));
    json_free(o);
    testenv_free(t);
}

static const struct test_case cases[] = {
    {"case names unique per classname; properties looked up", test_case_names_unique},
    {"junit: drill file, figures in system-out, passing messages", test_junit_file_and_figures},
    {"evidence: when each step began, drill and resource of a suite", test_evidence_step_times},
    {"log capture: every line, redacted, until stopped", test_log_capture},
    {"provenance: who, where, and the CI job", test_provenance},
};

static const struct test_case xsd_cases[] = {
    {"junit-10.xsd accepts the CI fields", test_xsd_accepts_ci_fields},
};

TEST_SUITE("reports-ci-fields", cases)

/* Needs the shared schema: inactive, and said so, without it. */
__attribute__((constructor)) static void s_register_xsd_suite(void)
{
    testreg_add("reports-ci-junit-xsd", xsd_cases, sizeof xsd_cases / sizeof xsd_cases[0],
                s_skip_xsd, NULL, NULL);
}
