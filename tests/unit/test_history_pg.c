/*
 * The PostgreSQL run history against a real PostgreSQL 15 server the
 * emulator starts: tables made on open (also by runners opening at once),
 * append / list / replace, values that would break naive SQL, rows that do
 * not parse, and claims: two stores, eight threads racing for one drill, a
 * claim that goes with its process. The password never shows.
 */
#include "support/dbfixture.h"
#include "support/testreg.h"

#include "history/history.h"
#include "log.h"
#include "mem.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T0 1795309203.0 /* 2026-11-22T01:00:03Z */
#define RACERS 8

static struct dbfixture_db s_db;
static char *s_url;
static struct db_conn *s_sql; /* to look at the tables directly */

static int s_init(void)
{
    if (dbfixture_start() != 0 || dbfixture_seed(DB_POSTGRES, "history-pg", NULL, &s_db) != 0)
        return 1;
    s_url = xasprintf("postgres://" DBFIXTURE_USER ":" DBFIXTURE_PASSWORD
                      "@127.0.0.1:%d/" DBFIXTURE_DATABASE "?connect_timeout=60",
                      s_db.port);
    struct db_target t = dbfixture_target(&s_db);
    struct drh_err err;
    if (db_connect(&t, &s_sql, &err) != DRH_OK) {
        fprintf(stderr, "history-pg: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static int s_cleanup(void)
{
    db_close(s_sql);
    s_sql = NULL;
    free(s_url);
    s_url = NULL;
    dbfixture_db_clean_up(&s_db);
    return 0;
}

static struct history_store *s_open(void)
{
    struct history_store *h = NULL;
    struct drh_err err;
    if (history_open(s_url, NULL, &h, &err) != DRH_OK)
        TEST_FAILF("open: %s", err.msg);
    return h;
}

/* The first cell of sql's first row, or "<none>"; caller frees. */
static char *s_value(const char *sql)
{
    struct db_result r;
    struct drh_err err;
    if (db_query(s_sql, sql, 30, &r, &err) != DRH_OK) {
        TEST_FAILF("%s: %s", sql, err.msg);
        return xstrdup("<error>");
    }
    const char *v = db_cell(&r, 0, 0);
    char *out = xstrdup(v ? v : "<none>");
    db_result_clean_up(&r);
    return out;
}

#define ASSERT_VALUE(sql, want)                                                                    \
    do {                                                                                           \
        char *got_ = s_value(sql);                                                                 \
        if (strcmp(got_, want) != 0)                                                               \
            TEST_FAILF("%s: got '%s', want '%s'", sql, got_, want);                                \
        free(got_);                                                                                \
    } while (0)

static void s_append(struct history_store *h, const char *run_id, const char *drill, double started,
                     const char *verdict, double rto, const char *host)
{
    struct history_record r = {0};
    r.run_id = xstrdup(run_id);
    r.drill = xstrdup(drill);
    r.host = host ? xstrdup(host) : NULL;
    r.started = started;
    r.ended = started + 900.5;
    snprintf(r.verdict, sizeof r.verdict, "%s", verdict);
    r.rto = rto;
    r.rpo = 30;
    r.rpo_data = -1;
    struct drh_err err;
    if (history_append(h, &r, &err) != DRH_OK)
        TEST_FAILF("append %s: %s", run_id, err.msg);
    history_record_clean_up(&r);
}

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

/* ---- opening ----------------------------------------------------------- */

static void test_open_creates_tables(void)
{
    struct history_store *h = s_open();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    char want[128];
    snprintf(want, sizeof want, "postgres://dbadmin@127.0.0.1:%d/app", s_db.port);
    CU_ASSERT_STRING_EQUAL(history_describe(h), want);
    CU_ASSERT_PTR_NULL(strstr(history_describe(h), DBFIXTURE_PASSWORD));
    ASSERT_VALUE("SELECT count(*) FROM pg_tables WHERE tablename IN "
                 "('drh_runs', 'drh_drill_locks', 'drh_running')",
                 "3");
    ASSERT_VALUE("SELECT indexdef FROM pg_indexes WHERE indexname = 'drh_runs_drill_started'",
                 "CREATE INDEX drh_runs_drill_started ON public.drh_runs USING btree "
                 "(drill, started DESC)");
    ASSERT_VALUE("SELECT data_type FROM information_schema.columns WHERE table_name = "
                 "'drh_runs' AND column_name = 'record'",
                 "jsonb");
    history_close(h);
    /* Again, with the tables there. */
    h = s_open();
    CU_ASSERT_PTR_NOT_NULL(h);
    history_close(h);
}

static void *s_open_thread(void *arg)
{
    pthread_barrier_t *go = arg;
    struct history_store *h = NULL;
    struct drh_err err;
    pthread_barrier_wait(go);
    enum drh_status st = history_open(s_url, NULL, &h, &err);
    if (st != DRH_OK)
        fprintf(stderr, "history-pg: concurrent open: %s\n", err.msg);
    history_close(h);
    return (void *)(size_t)(st == DRH_OK);
}

/* Runners starting at once on an empty database all get their tables. */
static void test_concurrent_open_creates_once(void)
{
    struct db_result r;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(db_query(s_sql,
                                   "DROP TABLE IF EXISTS drh_runs, drh_drill_locks, "
                                   "drh_running",
                                   30, &r, &err),
                          DRH_OK);
    db_result_clean_up(&r);
    pthread_t t[RACERS];
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, RACERS);
    for (size_t i = 0; i < RACERS; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, s_open_thread, &go), 0);
    size_t ok = 0;
    for (size_t i = 0; i < RACERS; i++) {
        void *res;
        pthread_join(t[i], &res);
        ok += (size_t)res;
    }
    pthread_barrier_destroy(&go);
    CU_ASSERT_EQUAL(ok, RACERS);
    ASSERT_VALUE("SELECT count(*) FROM pg_tables WHERE tablename IN "
                 "('drh_runs', 'drh_drill_locks', 'drh_running')",
                 "3");
}

static void test_password_never_shown(void)
{
    struct history_store *h = NULL;
    struct drh_err err;
    char *url =
        xasprintf("postgres://" DBFIXTURE_USER ":Wrong-pw-4242@127.0.0.1:%d/app", s_db.port);
    CU_ASSERT_EQUAL(history_open(url, NULL, &h, &err), DRH_E_CREDS);
    CU_ASSERT_PTR_NULL(h);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "postgres://dbadmin@127.0.0.1"));
    CU_ASSERT_PTR_NULL(strstr(err.msg, "Wrong-pw-4242"));
    CU_ASSERT_PTR_NULL(strstr(err.hint, "Wrong-pw-4242"));
    free(url);

    /* No password in the URL: $PGPASSWORD's. */
    url = xasprintf("postgresql://" DBFIXTURE_USER "@127.0.0.1:%d/app", s_db.port);
    setenv("PGPASSWORD", DBFIXTURE_PASSWORD, 1);
    CU_ASSERT_EQUAL(history_open(url, NULL, &h, &err), DRH_OK);
    unsetenv("PGPASSWORD");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_PTR_NULL(strstr(history_describe(h), DBFIXTURE_PASSWORD));
    history_close(h);
    free(url);
}

/* ---- append and list --------------------------------------------------- */

static void test_append_list_replace(void)
{
    struct history_store *h = s_open();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    s_append(h, "pg-r2", "pg-orders", T0 + 200, "PASSED", 60, "ci-1");
    s_append(h, "pg-r1", "pg-orders", T0 + 100, "FAILED", 70, "ci-2");
    s_append(h, "pg-r3", "pg-orders", T0 + 300.25, "PASSED", 80, NULL);
    s_append(h, "pg-b1", "pg-files", T0 + 250, "PASSED", 10, "ci-1");
    ASSERT_IDS(h, "pg-orders", 0, "pg-r3,pg-r2,pg-r1");
    ASSERT_IDS(h, "pg-orders", 2, "pg-r3,pg-r2");
    ASSERT_IDS(h, "pg-files", 0, "pg-b1");
    ASSERT_IDS(h, "pg-nothing", 0, "");
    char *all = s_ids(h, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(all, "pg-r3,pg-b1,pg-r2,pg-r1"));
    free(all);

    /* The columns hold the figures for SQL readers. */
    ASSERT_VALUE("SELECT verdict || ' ' || rto || ' ' || rpo || ' ' || coalesce(rpo_data::text, "
                 "'null') || ' ' || to_char(started, 'YYYY-MM-DD HH24:MI:SS.MS') || ' ' || "
                 "(ended - started) FROM drh_runs WHERE run_id = 'pg-r3'",
                 "PASSED 80 30 null 2026-11-22 01:05:03.250 00:15:00.5");
    ASSERT_VALUE("SELECT record->>'drill' FROM drh_runs WHERE run_id = 'pg-r3'", "pg-orders");

    /* Same run id again, even into another drill: replaced. */
    s_append(h, "pg-r1", "pg-files", T0 + 400, "ERROR", -1, "ci-9");
    ASSERT_IDS(h, "pg-orders", 0, "pg-r3,pg-r2");
    ASSERT_IDS(h, "pg-files", 0, "pg-r1,pg-b1");
    ASSERT_VALUE("SELECT count(*) || ' ' || max(host) || ' ' || coalesce(max(rto)::text, 'null') "
                 "FROM drh_runs WHERE run_id = 'pg-r1'",
                 "1 ci-9 null");
    struct history_record *v = NULL;
    size_t n = 0;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(history_list(h, "pg-files", 1, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(v[0].verdict, "ERROR");
    CU_ASSERT_STRING_EQUAL(v[0].host, "ci-9");
    CU_ASSERT(v[0].rto < 0);
    CU_ASSERT_DOUBLE_EQUAL(v[0].rpo, 30, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(v[0].started, T0 + 400, 1e-3);
    history_records_free(v, n);
    history_close(h);
}

/* Text that would end a naive SQL string stays text. */
static void test_values_are_quoted(void)
{
    struct history_store *h = s_open();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    const char *evil = "ci'); DROP TABLE drh_runs; -- \\ \"x\" $$ \xc3\xa9";
    s_append(h, "pg-quote-1", "pg-quote", T0, "PASSED", 1, evil);
    struct history_record *v = NULL;
    size_t n = 0;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(history_list(h, "pg-quote", 0, &v, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(v[0].host, evil);
    history_records_free(v, n);
    ASSERT_VALUE("SELECT count(*) FROM pg_tables WHERE tablename = 'drh_runs'", "1");
    history_close(h);
}

static void test_bad_row_skipped(void)
{
    struct history_store *h = s_open();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    s_append(h, "pg-ok-1", "pg-bad", T0, "PASSED", 1, NULL);
    struct db_result r;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(db_query(s_sql,
                                   "INSERT INTO drh_runs (run_id, drill, started, "
                                   "verdict, record) VALUES ('pg-bogus', 'pg-bad', "
                                   "now(), 'PASSED', '{\"bogus\": true}')",
                                   30, &r, &err),
                          DRH_OK);
    db_result_clean_up(&r);
    FILE *sink = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(sink);
    log_set_sink(sink);
    ASSERT_IDS(h, "pg-bad", 0, "pg-ok-1");
    log_set_sink(NULL);
    char logged[2048];
    rewind(sink);
    size_t got = fread(logged, 1, sizeof logged - 1, sink);
    logged[got] = '\0';
    fclose(sink);
    CU_ASSERT_PTR_NOT_NULL(strstr(logged, "'pg-bogus'"));
    history_close(h);
}

/* ---- claims ------------------------------------------------------------ */

static void test_two_claims(void)
{
    struct history_store *a = s_open(), *b = s_open();
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    struct history_claim *ca = NULL, *cb = NULL;
    bool claimed = false;
    char holder[256];
    struct drh_err err;
    CU_ASSERT_EQUAL(
        history_claim(a, "pg-claim", "run-a", &ca, &claimed, holder, sizeof holder, &err), DRH_OK);
    CU_ASSERT_TRUE(claimed);
    CU_ASSERT_PTR_NOT_NULL(ca);
    ASSERT_VALUE("SELECT run_id FROM drh_running WHERE drill = 'pg-claim'", "run-a");
    CU_ASSERT_EQUAL(
        history_claim(b, "pg-claim", "run-b", &cb, &claimed, holder, sizeof holder, &err), DRH_OK);
    CU_ASSERT_FALSE(claimed);
    CU_ASSERT_PTR_NULL(cb);
    char pid_text[32];
    snprintf(pid_text, sizeof pid_text, "(pid %ld)", (long)getpid());
    CU_ASSERT_PTR_NOT_NULL(strstr(holder, "run run-a on host "));
    CU_ASSERT_PTR_NOT_NULL(strstr(holder, pid_text));
    CU_ASSERT_PTR_NOT_NULL(strstr(holder, " since 20"));
    /* Another drill is free. */
    CU_ASSERT_EQUAL(
        history_claim(b, "pg-other", "run-b", &cb, &claimed, holder, sizeof holder, &err), DRH_OK);
    CU_ASSERT_TRUE(claimed);
    history_release(cb);

    history_release(ca);
    ASSERT_VALUE("SELECT count(*) FROM drh_running WHERE drill = 'pg-claim'", "0");
    CU_ASSERT_EQUAL(
        history_claim(b, "pg-claim", "run-b", &cb, &claimed, holder, sizeof holder, &err), DRH_OK);
    CU_ASSERT_TRUE(claimed);
    /* A claim outlives its store's close. */
    history_close(b);
    CU_ASSERT_EQUAL(
        history_claim(a, "pg-claim", "run-c", &ca, &claimed, holder, sizeof holder, &err), DRH_OK);
    CU_ASSERT_FALSE(claimed);
    CU_ASSERT_PTR_NOT_NULL(strstr(holder, "run run-b "));
    history_release(cb);
    history_close(a);
}

struct racer {
    struct history_store *h;
    pthread_barrier_t *go;
    char run_id[32];
    struct history_claim *claim;
    bool claimed;
    enum drh_status st;
    char holder[256];
};

static void *s_race(void *arg)
{
    struct racer *r = arg;
    struct drh_err err;
    pthread_barrier_wait(r->go);
    r->st = history_claim(r->h, "pg-race", r->run_id, &r->claim, &r->claimed, r->holder,
                          sizeof r->holder, &err);
    return NULL;
}

static void test_claim_race(void)
{
    struct racer r[RACERS];
    pthread_t t[RACERS];
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, RACERS);
    for (size_t i = 0; i < RACERS; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].h = s_open();
        CU_ASSERT_PTR_NOT_NULL_FATAL(r[i].h);
        r[i].go = &go;
        snprintf(r[i].run_id, sizeof r[i].run_id, "race-%zu", i);
    }
    for (size_t i = 0; i < RACERS; i++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, s_race, &r[i]), 0);
    for (size_t i = 0; i < RACERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
    size_t winners = 0, winner = 0;
    for (size_t i = 0; i < RACERS; i++) {
        CU_ASSERT_EQUAL(r[i].st, DRH_OK);
        if (r[i].claimed) {
            winners++;
            winner = i;
        }
    }
    CU_ASSERT_EQUAL_FATAL(winners, 1);
    char want[64];
    snprintf(want, sizeof want, "run %s on host ", r[winner].run_id);
    for (size_t i = 0; i < RACERS; i++)
        if (i != winner && !strstr(r[i].holder, want))
            TEST_FAILF("loser %s says '%s', want '%s...'", r[i].run_id, r[i].holder, want);
    for (size_t i = 0; i < RACERS; i++) {
        history_release(r[i].claim);
        history_close(r[i].h);
    }
}

/* A runner that dies holding a claim: its connection goes, so does the lock. */
static void test_claim_dies_with_process(void)
{
    int ready[2];
    CU_ASSERT_EQUAL_FATAL(pipe(ready), 0);
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        /* Never returns into CUnit nor runs exit handlers (they would stop
         * the emulator). */
        struct history_store *h = NULL;
        struct history_claim *c = NULL;
        bool claimed = false;
        struct drh_err err;
        char ok = history_open(s_url, NULL, &h, &err) == DRH_OK &&
                          history_claim(h, "pg-crash", "doomed-run", &c, &claimed, NULL, 0, &err) ==
                              DRH_OK &&
                          claimed
                      ? 'y'
                      : 'n';
        if (write(ready[1], &ok, 1) != 1)
            _exit(2);
        pause();
        _exit(0);
    }
    char ok = 0;
    CU_ASSERT_EQUAL(read(ready[0], &ok, 1), 1);
    CU_ASSERT_EQUAL(ok, 'y');
    struct history_store *h = s_open();
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    struct history_claim *c = NULL;
    bool claimed = true;
    char holder[256];
    struct drh_err err;
    CU_ASSERT_EQUAL(
        history_claim(h, "pg-crash", "survivor", &c, &claimed, holder, sizeof holder, &err),
        DRH_OK);
    CU_ASSERT_FALSE(claimed);
    CU_ASSERT_PTR_NOT_NULL(strstr(holder, "run doomed-run on host "));

    kill(pid, SIGKILL);
    int status;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    /* The server notices the closed socket at once; allow it a moment. */
    for (int tries = 0; tries < 100 && !claimed; tries++) {
        CU_ASSERT_EQUAL_FATAL(
            history_claim(h, "pg-crash", "survivor", &c, &claimed, holder, sizeof holder, &err),
            DRH_OK);
        if (!claimed)
            usleep(100 * 1000);
    }
    CU_ASSERT_TRUE(claimed);
    ASSERT_VALUE("SELECT run_id FROM drh_running WHERE drill = 'pg-crash'", "survivor");
    history_release(c);
    history_close(h);
    close(ready[0]);
    close(ready[1]);
}

static const struct test_case cases[] = {
    {"open creates tables", test_open_creates_tables},
    {"concurrent open creates once", test_concurrent_open_creates_once},
    {"password never shown", test_password_never_shown},
    {"append, list, replace", test_append_list_replace},
    {"values are quoted", test_values_are_quoted},
    {"bad row skipped", test_bad_row_skipped},
    {"two claims", test_two_claims},
    {"eight threads race for a claim", test_claim_race},
    {"claim dies with its process", test_claim_dies_with_process},
};

TEST_SUITE_FULL("history-pg", cases, dbfixture_unavailable, s_init, s_cleanup)
