/*
 * Tests of the run history without a server: the local store (order,
 * limits, drill filter, replacing a run, files that are cut short or left
 * over, claims between two processes), the record's JSON, the RTO median,
 * and the PostgreSQL URL (parsing, describing, never showing the password).
 */
#include "support/testreg.h"

#include "history/history.h"
#include "log.h"
#include "mem.h"

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T0 1795309203.0 /* 2026-11-22T01:00:03Z */

static char *s_dir;

static int s_init(void)
{
    char tmpl[] = "/tmp/drh-history-XXXXXX";
    if (!mkdtemp(tmpl))
        return 1;
    s_dir = xstrdup(tmpl);
    return 0;
}

static int s_cleanup(void)
{
    char *cmd = xasprintf("rm -rf '%s'", s_dir);
    int rc = system(cmd);
    free(cmd);
    free(s_dir);
    s_dir = NULL;
    return rc == 0 ? 0 : 1;
}

/* A fresh state directory of the suite's, per test. */
static char *s_state(const char *name)
{
    char *dir = xasprintf("%s/%s", s_dir, name);
    CU_ASSERT_EQUAL(mkdir(dir, 0755), 0);
    return dir;
}

static struct history_store *s_open_local(const char *state)
{
    struct history_store *h = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL(history_open(NULL, state, &h, &err), DRH_OK);
    return h;
}

static struct history_record s_rec(const char *run_id, const char *drill, double started,
                                   const char *verdict, double rto)
{
    struct history_record r = {0};
    r.run_id = xstrdup(run_id);
    r.drill = xstrdup(drill);
    r.started = started;
    r.ended = started + 600;
    snprintf(r.verdict, sizeof r.verdict, "%s", verdict);
    r.rto = rto;
    r.rpo = r.rpo_data = -1;
    return r;
}

static void s_append(struct history_store *h, const char *run_id, const char *drill, double started,
                     const char *verdict, double rto)
{
    struct history_record r = s_rec(run_id, drill, started, verdict, rto);
    struct drh_err err;
    if (history_append(h, &r, &err) != DRH_OK)
        TEST_FAILF("append %s: %s", run_id, err.msg);
    history_record_clean_up(&r);
}

/* The run ids history_list() gives, joined by ','. */
static char *s_ids(struct history_store *h, const char *drill, size_t limit)
{
    struct history_record *v = NULL;
    size_t n = 0;
    struct drh_err err;
    if (history_list(h, drill, limit, &v, &n, &err) != DRH_OK) {
        TEST_FAILF("list: %s", err.msg);
        return xstrdup("<error>");
    }
    char *out = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *next = xasprintf("%s%s%s", out, i ? "," : "", v[i].run_id);
        free(out);
        out = next;
    }
    history_records_free(v, n);
    return out;
}

#define ASSERT_IDS(h, drill, limit, want)                                                          \
    do {                                                                                           \
        char *got_ = s_ids(h, drill, limit);                                                       \
        if (strcmp(got_, want) != 0)                                                               \
            TEST_FAILF("list %s limit %zu: got '%s', want '%s'", drill ? drill : "(all)",          \
                       (size_t)(limit), got_, want);                                               \
        free(got_);                                                                                \
    } while (0)

static size_t s_count_files(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* ---- opening ----------------------------------------------------------- */

static void test_open_local_and_schemes(void)
{
    char *state = s_state("open");
    struct history_store *h = s_open_local(state);
    char *want = xasprintf("local %s/history", state);
    CU_ASSERT_STRING_EQUAL(history_describe(h), want);
    ASSERT_IDS(h, "orders-db", 0, ""); /* nothing stored yet: empty, not an error */
    ASSERT_IDS(h, NULL, 0, "");
    history_close(h);
    free(want);

    struct drh_err err;
    h = NULL;
    CU_ASSERT_EQUAL(history_open("mysql://drh:s3cret-pw@db/drh", state, &h, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NULL(h);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'mysql'"));
    CU_ASSERT_PTR_NULL(strstr(err.msg, "s3cret-pw"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "postgres://"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "postgresql://"));
    CU_ASSERT_EQUAL(history_open("just-text", state, &h, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NULL(h);
    history_close(NULL);
    free(state);
}

/* ---- append and list --------------------------------------------------- */

static void test_append_list_order_limit_filter(void)
{
    char *state = s_state("order");
    struct history_store *h = s_open_local(state);
    s_append(h, "r2", "orders-db", T0 + 200, "PASSED", 60);
    s_append(h, "r1", "orders-db", T0 + 100, "FAILED", 70);
    s_append(h, "r4", "orders-db", T0 + 86400 * 40, "PASSED", 80); /* another month */
    s_append(h, "r3", "orders-db", T0 + 300, "ERROR", -1);
    s_append(h, "b1", "files-efs", T0 + 250, "PASSED", 10);
    s_append(h, "b2", "files-efs", T0 + 50, "PASSED", 11);
    ASSERT_IDS(h, "orders-db", 0, "r4,r3,r2,r1");
    ASSERT_IDS(h, "orders-db", 2, "r4,r3");
    ASSERT_IDS(h, "orders-db", 10, "r4,r3,r2,r1");
    ASSERT_IDS(h, "files-efs", 0, "b1,b2");
    ASSERT_IDS(h, NULL, 0, "r4,r3,b1,r2,r1,b2");
    ASSERT_IDS(h, NULL, 3, "r4,r3,b1");
    ASSERT_IDS(h, "nothing-here", 0, "");

    struct history_record *v = NULL;
    size_t n = 99;
    struct drh_err err;
    CU_ASSERT_EQUAL(history_list(h, "../etc", 0, &v, &n, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(n, 99); /* untouched on failure */
    CU_ASSERT_EQUAL(history_list(h, "orders-db", 1, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(v[0].verdict, "PASSED");
    CU_ASSERT_DOUBLE_EQUAL(v[0].rto, 80, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(v[0].started, T0 + 86400 * 40, 1e-3);
    history_records_free(v, n);

    char *folder = xasprintf("%s/history/orders-db", state);
    CU_ASSERT_EQUAL(s_count_files(folder), 4);
    free(folder);
    history_close(h);
    free(state);
}

/* Names hold whole seconds: a limit must still pick the newest by fraction. */
static void test_limit_within_one_second(void)
{
    char *state = s_state("second");
    struct history_store *h = s_open_local(state);
    s_append(h, "a", "d", T0 + 0.1, "PASSED", 1);
    s_append(h, "z", "d", T0 + 0.2, "PASSED", 1);
    s_append(h, "m", "d", T0 + 0.9, "PASSED", 1);
    s_append(h, "old", "d", T0 - 5, "PASSED", 1);
    ASSERT_IDS(h, "d", 1, "m");
    ASSERT_IDS(h, "d", 2, "m,z");
    ASSERT_IDS(h, "d", 0, "m,z,a,old");
    history_close(h);
    free(state);
}

static void test_replace_by_run_id(void)
{
    char *state = s_state("replace");
    struct history_store *h = s_open_local(state);
    s_append(h, "run-1", "orders-db", T0, "ERROR", -1);
    s_append(h, "run-2", "orders-db", T0 + 10, "PASSED", 5);
    /* Same run id, another start time and verdict: one record, the new one. */
    s_append(h, "run-1", "orders-db", T0 + 20, "PASSED", 42);
    ASSERT_IDS(h, "orders-db", 0, "run-1,run-2");
    struct history_record *v = NULL;
    size_t n = 0;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(history_list(h, "orders-db", 1, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(v[0].verdict, "PASSED");
    CU_ASSERT_DOUBLE_EQUAL(v[0].rto, 42, 1e-9);
    history_records_free(v, n);
    char *folder = xasprintf("%s/history/orders-db", state);
    CU_ASSERT_EQUAL(s_count_files(folder), 2);
    /* Even into another drill: run ids are unique in the whole history. */
    s_append(h, "run-2", "files-efs", T0 + 30, "FAILED", 6);
    ASSERT_IDS(h, "orders-db", 0, "run-1");
    ASSERT_IDS(h, "files-efs", 0, "run-2");
    CU_ASSERT_EQUAL(s_count_files(folder), 1);
    free(folder);
    history_close(h);
    free(state);
}

static void test_append_refuses_bad_records(void)
{
    char *state = s_state("refuse");
    struct history_store *h = s_open_local(state);
    struct drh_err err;
    struct history_record r = s_rec("ok-1", "../../etc", T0, "PASSED", 1);
    CU_ASSERT_EQUAL(history_append(h, &r, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "drill name"));
    history_record_clean_up(&r);
    r = s_rec("bad/id", "orders-db", T0, "PASSED", 1);
    CU_ASSERT_EQUAL(history_append(h, &r, &err), DRH_E_INPUT);
    history_record_clean_up(&r);
    r = s_rec("ok-2", "orders-db", T0, "MAYBE", 1);
    CU_ASSERT_EQUAL(history_append(h, &r, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "MAYBE"));
    history_record_clean_up(&r);
    r = s_rec("ok-3", "orders-db", NAN, "PASSED", 1);
    CU_ASSERT_EQUAL(history_append(h, &r, &err), DRH_E_INPUT);
    history_record_clean_up(&r);
    ASSERT_IDS(h, NULL, 0, "");
    history_close(h);
    free(state);
}

/* state_dir/history is a file: listing and appending fail, naming it. */
static void test_history_folder_unusable(void)
{
    char *state = s_state("unusable");
    char *file = xasprintf("%s/history", state);
    FILE *f = fopen(file, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fclose(f);
    struct history_store *h = s_open_local(state);
    struct history_record *v = NULL;
    size_t n = 0;
    struct drh_err err;
    CU_ASSERT_EQUAL(history_list(h, NULL, 0, &v, &n, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, file));
    struct history_record r = s_rec("r-1", "orders-db", T0, "PASSED", 1);
    CU_ASSERT_EQUAL(history_append(h, &r, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, file));
    history_record_clean_up(&r);
    struct history_claim *c = NULL;
    bool claimed = true;
    CU_ASSERT_EQUAL(history_claim(h, "orders-db", "r-1", &c, &claimed, NULL, 0, &err), DRH_E_IO);
    CU_ASSERT_FALSE(claimed);
    history_close(h);
    free(file);
    free(state);
}

/* ---- files that are not whole records ---------------------------------- */

static void s_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static void test_bad_and_leftover_files(void)
{
    char *state = s_state("bad");
    struct history_store *h = s_open_local(state);
    s_append(h, "good-1", "orders-db", T0, "PASSED", 1);
    s_append(h, "good-2", "orders-db", T0 + 60, "PASSED", 2);
    char *folder = xasprintf("%s/history/orders-db", state);
    char *good = xasprintf("%s/20261122T010003Z-good-1.json", folder);
    FILE *f = fopen(good, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    char text[4096];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len / 2] = '\0';

    /* Cut short, garbage, valid JSON but no record, a temporary leftover of
     * report_write_file(), an editor's backup, and a file of another drill. */
    char *cut = xasprintf("%s/20261122T090503Z-cut.json", folder);
    char *garbage = xasprintf("%s/20261122T090603Z-garbage.json", folder);
    char *empty = xasprintf("%s/20261122T090703Z-empty.json", folder);
    char *tmp = xasprintf("%s/20261122T090803Z-tmp.json.tmp-Ab12Cd", folder);
    char *dot = xasprintf("%s/.20261122T090903Z-dot.json", folder);
    s_write(cut, text);
    s_write(garbage, "\x01\x02 not json at all");
    s_write(empty, "{\"format\":1}");
    s_write(tmp, "{\"run_id\":\"tmp\"");
    s_write(dot, "{}");

    FILE *sink = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sink);
    log_set_sink(sink);
    ASSERT_IDS(h, "orders-db", 0, "good-2,good-1");
    ASSERT_IDS(h, NULL, 0, "good-2,good-1");
    ASSERT_IDS(h, "orders-db", 1, "good-2");
    log_set_sink(NULL);
    char logged[8192];
    rewind(sink);
    size_t got = fread(logged, 1, sizeof logged - 1, sink);
    logged[got] = '\0';
    fclose(sink);
    CU_ASSERT_PTR_NOT_NULL(strstr(logged, cut));
    CU_ASSERT_PTR_NOT_NULL(strstr(logged, garbage));
    CU_ASSERT_PTR_NOT_NULL(strstr(logged, empty));
    CU_ASSERT_PTR_NOT_NULL(strstr(logged, "'run_id'")); /* why the empty one was skipped */
    CU_ASSERT_PTR_NULL(strstr(logged, "tmp-Ab12Cd"));
    CU_ASSERT_PTR_NULL(strstr(logged, "dot.json"));

    /* A record copied into the wrong drill's folder is not shown there. */
    char *other = xasprintf("%s/history/files-efs", state);
    CU_ASSERT_EQUAL(mkdir(other, 0755), 0);
    char *moved = xasprintf("%s/20261122T010003Z-good-1.json", other);
    CU_ASSERT_EQUAL(link(good, moved), 0);
    log_set_sink(sink = tmpfile());
    ASSERT_IDS(h, "files-efs", 0, "");
    log_set_sink(NULL);
    fclose(sink);

    free(other);
    free(moved);
    free(cut);
    free(garbage);
    free(empty);
    free(tmp);
    free(dot);
    free(good);
    free(folder);
    history_close(h);
    free(state);
}

/* ---- JSON -------------------------------------------------------------- */

static void test_record_json_round_trip(void)
{
    struct history_resource res[2] = {{xstrdup("orders"), "PASSED", 300.5, 12, 14.25},
                                      {xstrdup("files"), "FAILED", -1, -1, -1}};
    struct history_record r = {
        .run_id = xstrdup("20261122-010000-ab12cd"),
        .drill = xstrdup("orders-db"),
        .file = xstrdup("drills/orders \"db\".json"),
        .host = xstrdup("ci-7"),
        .scheduled_for = 1795309200,
        .started = T0 + 0.25,
        .ended = T0 + 1234.5,
        .verdict = "FAILED",
        .rto = 1234.25,
        .rpo = 61,
        .rpo_data = -1,
        .resources = res,
        .n_resources = 2,
        .warnings = xstrdup("rto 1234s is 2.1x the median 580s of the last 10 runs\nsecond"),
    };
    struct json *j = history_record_to_json(&r);
    char *text = json_print(j, 0);
    json_free(j);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"started\":\"2026-11-22T01:00:03.250Z\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"scheduled_for\":\"2026-11-22T01:00:00Z\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"rpo_data\":null"));

    struct json *back = NULL;
    struct history_record b;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(json_parse(text, strlen(text), &back, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(history_record_from_json(back, &b, &err), DRH_OK);
    json_free(back);
    free(text);
    CU_ASSERT_STRING_EQUAL(b.run_id, r.run_id);
    CU_ASSERT_STRING_EQUAL(b.drill, r.drill);
    CU_ASSERT_STRING_EQUAL(b.file, r.file);
    CU_ASSERT_STRING_EQUAL(b.host, r.host);
    CU_ASSERT_EQUAL(b.scheduled_for, r.scheduled_for);
    CU_ASSERT_DOUBLE_EQUAL(b.started, r.started, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(b.ended, r.ended, 1e-6);
    CU_ASSERT_STRING_EQUAL(b.verdict, "FAILED");
    CU_ASSERT_DOUBLE_EQUAL(b.rto, 1234.25, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(b.rpo, 61, 1e-9);
    CU_ASSERT(b.rpo_data < 0);
    CU_ASSERT_EQUAL_FATAL(b.n_resources, 2);
    CU_ASSERT_STRING_EQUAL(b.resources[0].name, "orders");
    CU_ASSERT_STRING_EQUAL(b.resources[0].verdict, "PASSED");
    CU_ASSERT_DOUBLE_EQUAL(b.resources[0].rpo_data, 14.25, 1e-9);
    CU_ASSERT_STRING_EQUAL(b.resources[1].verdict, "FAILED");
    CU_ASSERT(b.resources[1].rto < 0 && b.resources[1].rpo < 0);
    CU_ASSERT_STRING_EQUAL(b.warnings, r.warnings);
    history_record_clean_up(&b);
    CU_ASSERT_PTR_NULL(b.run_id);

    /* A manual run without figures: nulls come back as "none". */
    r.resources = NULL;
    r.n_resources = 0;
    free(r.file);
    free(r.warnings);
    r.file = r.warnings = NULL;
    r.scheduled_for = 0;
    r.rto = r.rpo = -1;
    j = history_record_to_json(&r);
    CU_ASSERT_EQUAL(history_record_from_json(j, &b, &err), DRH_OK);
    json_free(j);
    CU_ASSERT_PTR_NULL(b.file);
    CU_ASSERT_PTR_NULL(b.warnings);
    CU_ASSERT_EQUAL(b.scheduled_for, 0);
    CU_ASSERT(b.rto < 0 && b.rpo < 0);
    CU_ASSERT_EQUAL(b.n_resources, 0);
    history_record_clean_up(&b);
    free(res[0].name);
    free(res[1].name);
    history_record_clean_up(&r);
}

static void test_record_json_refused(void)
{
    static const struct {
        const char *json, *field;
    } cases[] = {
        {"[]", "object"},
        {"{\"drill\":\"d\",\"started\":\"2026-11-22T09:00:03Z\",\"verdict\":\"PASSED\"}", "run_id"},
        {"{\"run_id\":\"r\",\"drill\":\"d\",\"started\":1795309203,\"verdict\":\"PASSED\"}",
         "started"},
        {"{\"run_id\":\"r\",\"drill\":\"d\",\"started\":\"2026-13-22T09:00:03Z\","
         "\"verdict\":\"PASSED\"}",
         "started"},
        {"{\"run_id\":\"r\",\"drill\":\"d\",\"started\":\"2026-11-22T09:00:03Z\"}", "verdict"},
        {"{\"run_id\":\"r\",\"drill\":\"d\",\"started\":\"2026-11-22T09:00:03Z\","
         "\"verdict\":\"PASSED\",\"rto\":\"12\"}",
         "rto"},
        {"{\"run_id\":\"r\",\"drill\":\"d\",\"started\":\"2026-11-22T09:00:03Z\","
         "\"verdict\":\"PASSED\",\"resources\":[{\"name\":\"x\"}]}",
         "verdict"},
        {"{\"run_id\":\"r\",\"drill\":\"d\",\"started\":\"2026-11-22T09:00:03Z\","
         "\"verdict\":\"PASSED\",\"warnings\":[1]}",
         "warnings"},
        {"{\"format\":2,\"run_id\":\"r\",\"drill\":\"d\",\"started\":\"2026-11-22T09:00:03Z\","
         "\"verdict\":\"PASSED\"}",
         "format"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct json *j = NULL;
        struct history_record r;
        struct drh_err err;
        CU_ASSERT_EQUAL_FATAL(json_parse(cases[i].json, strlen(cases[i].json), &j, &err), DRH_OK);
        enum drh_status st = history_record_from_json(j, &r, &err);
        if (st != DRH_E_PARSE || !strstr(err.msg, cases[i].field))
            TEST_FAILF("case %zu: status %d, message '%s', want '%s'", i, (int)st, err.msg,
                       cases[i].field);
        json_free(j);
    }
}

/* ---- RTO median -------------------------------------------------------- */

static void test_rto_median(void)
{
    struct history_record v[12];
    static const char *const verdicts[12] = {"PASSED", "FAILED", "PASSED", "ERROR",
                                             "PASSED", "PASSED", "PASSED", "PASSED",
                                             "PASSED", "PASSED", "PASSED", "PASSED"};
    static const double rtos[12] = {100, 9000, 300, 9000, 200, -1, 400, 50, 60, 70, 80, 90};
    for (size_t i = 0; i < 12; i++) {
        memset(&v[i], 0, sizeof v[i]);
        snprintf(v[i].verdict, sizeof v[i].verdict, "%s", verdicts[i]);
        v[i].rto = rtos[i];
    }
    double m = -1;
    /* Newest 3 usable (100, 300, 200): the FAILED and ERROR 9000s are ignored. */
    CU_ASSERT_TRUE(history_rto_median(v, 5, 10, &m, NULL));
    CU_ASSERT_DOUBLE_EQUAL(m, 200, 1e-9);
    /* 4 usable (100, 300, 200, 400; the one without rto skipped): the mean of the middle two. */
    CU_ASSERT_TRUE(history_rto_median(v, 7, 10, &m, NULL));
    CU_ASSERT_DOUBLE_EQUAL(m, 250, 1e-9);
    /* Fewer than 3 usable runs: no reference. */
    m = -7;
    CU_ASSERT_FALSE(history_rto_median(v, 4, 10, &m, NULL));
    CU_ASSERT_DOUBLE_EQUAL(m, -7, 1e-9);
    CU_ASSERT_FALSE(history_rto_median(v, 0, 10, &m, NULL));
    CU_ASSERT_FALSE(history_rto_median(v, 12, 2, &m, NULL));
    /* Only the newest `last` usable ones: 100 300 200 400 50 60 70 80 90 (9 of 10 max). */
    CU_ASSERT_TRUE(history_rto_median(v, 12, 10, &m, NULL));
    CU_ASSERT_DOUBLE_EQUAL(m, 90, 1e-9);
    /* last 3: 100, 300, 200. */
    CU_ASSERT_TRUE(history_rto_median(v, 12, 3, &m, NULL));
    CU_ASSERT_DOUBLE_EQUAL(m, 200, 1e-9);
}

/* ---- claims ------------------------------------------------------------ */

static void test_claim_between_processes(void)
{
    char *state = s_state("claim");
    struct history_store *h = s_open_local(state);
    int to_parent[2], to_child[2];
    CU_ASSERT_EQUAL_FATAL(pipe(to_parent), 0);
    CU_ASSERT_EQUAL_FATAL(pipe(to_child), 0);
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        /* Static: still reachable when the child leaves without a release. */
        static struct history_claim *c;
        bool claimed = false;
        struct drh_err err;
        char ok =
            history_claim(h, "orders-db", "child-run-1", &c, &claimed, NULL, 0, &err) == DRH_OK &&
                    claimed
                ? 'y'
                : 'n';
        char go;
        if (write(to_parent[1], &ok, 1) != 1 || read(to_child[0], &go, 1) != 1)
            _exit(2);
        history_close(h); /* the claim outlives its store */
        _exit(0);         /* without a release: the lock goes with the process */
    }
    char ok = 0, holder[256];
    CU_ASSERT_EQUAL(read(to_parent[0], &ok, 1), 1);
    CU_ASSERT_EQUAL(ok, 'y');

    struct history_claim *c = NULL;
    bool claimed = true;
    struct drh_err err;
    CU_ASSERT_EQUAL(
        history_claim(h, "orders-db", "parent-run", &c, &claimed, holder, sizeof holder, &err),
        DRH_OK);
    CU_ASSERT_FALSE(claimed);
    CU_ASSERT_PTR_NULL(c);
    char pid_text[32];
    snprintf(pid_text, sizeof pid_text, "(pid %ld)", (long)pid);
    CU_ASSERT_PTR_NOT_NULL(strstr(holder, "run child-run-1 on host "));
    CU_ASSERT_PTR_NOT_NULL(strstr(holder, pid_text));
    CU_ASSERT_PTR_NOT_NULL(strstr(holder, " since 20"));
    /* Another drill is free meanwhile. */
    CU_ASSERT_EQUAL(
        history_claim(h, "files-efs", "parent-run", &c, &claimed, holder, sizeof holder, &err),
        DRH_OK);
    CU_ASSERT_TRUE(claimed);
    history_release(c);

    CU_ASSERT_EQUAL(write(to_child[1], "g", 1), 1);
    int status = 0;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL(
        history_claim(h, "orders-db", "parent-run", &c, &claimed, holder, sizeof holder, &err),
        DRH_OK);
    CU_ASSERT_TRUE(claimed);
    CU_ASSERT_PTR_NOT_NULL(c);

    /* A second claim in the same process is refused too, naming the first. */
    struct history_claim *c2 = NULL;
    CU_ASSERT_EQUAL(
        history_claim(h, "orders-db", "second-run", &c2, &claimed, holder, sizeof holder, &err),
        DRH_OK);
    CU_ASSERT_FALSE(claimed);
    CU_ASSERT_PTR_NOT_NULL(strstr(holder, "run parent-run on host "));
    history_release(c);
    CU_ASSERT_EQUAL(
        history_claim(h, "orders-db", "second-run", &c2, &claimed, holder, sizeof holder, &err),
        DRH_OK);
    CU_ASSERT_TRUE(claimed);
    history_release(c2);
    history_release(NULL);

    CU_ASSERT_EQUAL(history_claim(h, "../x", "r", &c, &claimed, holder, sizeof holder, &err),
                    DRH_E_INPUT);
    close(to_parent[0]);
    close(to_parent[1]);
    close(to_child[0]);
    close(to_child[1]);
    history_close(h);
    free(state);
}

/* ---- the PostgreSQL URL (no server) ------------------------------------ */

static void test_pg_url_parse(void)
{
    struct history_pg_url u;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(history_pg_url_parse("postgresql://drh%40ci:p%3Aw%2Fd@db.example:6543/"
                                               "hist%20db?sslmode=verify-full&sslrootcert="
                                               "/etc/rds.pem&connect_timeout=7",
                                               &u, &err),
                          DRH_OK);
    CU_ASSERT_STRING_EQUAL(u.user, "drh@ci");
    CU_ASSERT_STRING_EQUAL(u.password, "p:w/d");
    CU_ASSERT_STRING_EQUAL(u.host, "db.example");
    CU_ASSERT_EQUAL(u.port, 6543);
    CU_ASSERT_STRING_EQUAL(u.database, "hist db");
    CU_ASSERT_EQUAL(u.tls, DRILL_TLS_VERIFY_FULL);
    CU_ASSERT_STRING_EQUAL(u.ca_bundle, "/etc/rds.pem");
    CU_ASSERT_EQUAL(u.connect_timeout, 7);
    char *d = history_pg_url_describe(&u);
    CU_ASSERT_STRING_EQUAL(d, "postgres://drh@ci@db.example:6543/hist db");
    free(d);
    history_pg_url_clean_up(&u);

    CU_ASSERT_EQUAL_FATAL(history_pg_url_parse("POSTGRES://drh@[::1]/drh", &u, &err), DRH_OK);
    CU_ASSERT_PTR_NULL(u.password);
    CU_ASSERT_STRING_EQUAL(u.host, "::1");
    CU_ASSERT_EQUAL(u.port, 5432);
    CU_ASSERT_EQUAL(u.tls, DRILL_TLS_PREFER);
    d = history_pg_url_describe(&u);
    CU_ASSERT_STRING_EQUAL(d, "postgres://drh@[::1]:5432/drh");
    free(d);
    history_pg_url_clean_up(&u);

    CU_ASSERT_EQUAL_FATAL(history_pg_url_parse("postgres://a:@h:1/d?sslmode=disable", &u, &err),
                          DRH_OK);
    CU_ASSERT_STRING_EQUAL(u.password, "");
    CU_ASSERT_EQUAL(u.tls, DRILL_TLS_DISABLE);
    history_pg_url_clean_up(&u);
    CU_ASSERT_EQUAL_FATAL(history_pg_url_parse("postgres://a:b@c@h/d?sslmode=require", &u, &err),
                          DRH_OK);
    CU_ASSERT_STRING_EQUAL(u.password, "b@c"); /* the last '@' ends the password */
    CU_ASSERT_EQUAL(u.tls, DRILL_TLS_REQUIRE);
    history_pg_url_clean_up(&u);

    static const struct {
        const char *url, *says;
    } bad[] = {
        {"postgres://h/d", "USER@"},
        {"postgres://:Secret-1@h/d", "no user"},
        {"postgres://u:Secret-1@/d", "no host"},
        {"postgres://u:Secret-1@h:0/d", "port"},
        {"postgres://u:Secret-1@h:99999/d", "port"},
        {"postgres://u:Secret-1@h:54x/d", "port"},
        {"postgres://u:Secret-1@h", "/DATABASE"},
        {"postgres://u:Secret-1@h/", "no database"},
        {"postgres://u:Secret-1@h/d?sslmode=verify-ca", "verify-ca"},
        {"postgres://u:Secret-1@h/d?password=x", "unknown parameter 'password'"},
        {"postgres://u:Secret-1@h/d?connect_timeout=soon", "connect_timeout"},
        {"postgres://u:Secret-1@h/d?sslmode", "without '='"},
        {"postgres://u:Secret%zz@h/d", "percent-escape in the password"},
        {"postgres://u:Secret-1@h/d%00x", "percent-escape in the database"},
        {"postgres://u:Secret-1@[::1/d", "']'"},
        {"postgres://u:Secret-1@h/d#frag", "fragment"},
        {"mysql://u:Secret-1@h/d", "postgres://"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        enum drh_status st = history_pg_url_parse(bad[i].url, &u, &err);
        if (st != DRH_E_INPUT || !strstr(err.msg, bad[i].says) || strstr(err.msg, "Secret") ||
            strstr(err.hint, "Secret"))
            TEST_FAILF("%s: status %d, message '%s'", bad[i].url, (int)st, err.msg);
    }
}

/* Without a server: the failure names the target, never the password. */
static void test_pg_open_unreachable(void)
{
    struct history_store *h = NULL;
    struct drh_err err;
    unsetenv("PGPASSWORD");
    enum drh_status st = history_open("postgres://drh:Hidden-pw-9@127.0.0.1:1/drh?"
                                      "connect_timeout=2",
                                      NULL, &h, &err);
    CU_ASSERT_EQUAL(st, DRH_E_NET);
    CU_ASSERT_PTR_NULL(h);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "postgres://drh@127.0.0.1:1/drh"));
    CU_ASSERT_PTR_NULL(strstr(err.msg, "Hidden-pw-9"));
    CU_ASSERT_PTR_NULL(strstr(err.hint, "Hidden-pw-9"));
}

static const struct test_case cases[] = {
    {"open local, refuse other schemes", test_open_local_and_schemes},
    {"append, list: order, limit, drill", test_append_list_order_limit_filter},
    {"limit within one second", test_limit_within_one_second},
    {"append replaces a run id", test_replace_by_run_id},
    {"append refuses bad records", test_append_refuses_bad_records},
    {"history folder unusable", test_history_folder_unusable},
    {"bad and leftover files skipped", test_bad_and_leftover_files},
    {"record JSON round trip", test_record_json_round_trip},
    {"record JSON refused", test_record_json_refused},
    {"rto median", test_rto_median},
    {"claim between processes", test_claim_between_processes},
    {"pg url parse", test_pg_url_parse},
    {"pg open unreachable", test_pg_open_unreachable},
};

TEST_SUITE_FULL("history", cases, NULL, s_init, s_cleanup)
