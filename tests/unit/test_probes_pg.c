/* The PostgreSQL driver and the probes that read plain SQL (sql, tables,
 * canary) against a real PostgreSQL 15 server the emulator starts:
 * connection errors that name the target but never the password, every
 * comparison of the sql probe both ways, statement timeouts, streaming. */
#include "support/dbfixture.h"
#include "support/testreg.h"

#include "mem.h"
#include "probes/probe.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct dbfixture_db s_db;
static struct db_conn *s_c;

static const char s_seed[] =
    "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);\n"
    "INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 50) g;\n"
    "CREATE SCHEMA audit;\n"
    "CREATE TABLE audit.events (id int PRIMARY KEY, kind text);\n"
    "INSERT INTO audit.events VALUES (1, 'login'), (2, NULL), (3, '');\n"
    "CREATE TABLE \"We\"\"ird\" (v text);\n"
    "INSERT INTO \"We\"\"ird\" VALUES ('it''s');\n"
    "CREATE TABLE drh_canary (id serial PRIMARY KEY, written_at timestamptz NOT NULL);\n"
    "INSERT INTO drh_canary (written_at) VALUES ('2024-05-01 12:00:00+00'),\n"
    "  ('2024-05-01 14:30:15+02');\n"
    "CREATE TABLE canary_naive (written_at timestamp);\n"
    "INSERT INTO canary_naive VALUES ('2024-06-30 23:59:59'), (NULL);\n"
    "CREATE TABLE canary_empty (written_at timestamptz);\n";

static int s_init(void)
{
    if (dbfixture_start() != 0 || dbfixture_seed(DB_POSTGRES, "pg-probes", s_seed, &s_db) != 0)
        return 1;
    struct db_target t = dbfixture_target(&s_db);
    struct drh_err err;
    if (db_connect(&t, &s_c, &err) != DRH_OK) {
        fprintf(stderr, "probes-pg: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static int s_cleanup(void)
{
    db_close(s_c);
    s_c = NULL;
    dbfixture_db_clean_up(&s_db);
    return 0;
}

static struct drill_probe s_probe(enum probe_kind kind)
{
    struct drill_probe p = {0};
    p.name = (char *)"test";
    p.kind = kind;
    p.timeout = 30;
    return p;
}

/* ---- connections ------------------------------------------------------- */

static void test_connect(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(s_c);
    CU_ASSERT_EQUAL(db_flavor(s_c), DB_POSTGRES);
    CU_ASSERT_FALSE(db_tls_in_use(s_c)); /* prefer, and the server has no TLS */
    CU_ASSERT_EQUAL(strncmp(db_server_version(s_c), "15", 2), 0);
    CU_ASSERT_STRING_EQUAL(db_database(s_c), "app");
    char want[80];
    snprintf(want, sizeof want, "postgres at 127.0.0.1:%d database 'app'", s_db.port);
    CU_ASSERT_STRING_EQUAL(db_describe(s_c), want);
}

static void s_connect_fails(struct db_target *t, enum drh_status want, const char *contains)
{
    struct db_conn *c = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    enum drh_status st = db_connect(t, &c, &err);
    CU_ASSERT_PTR_NULL(c);
    if (st != want)
        TEST_FAILF("status %s, wanted %s: %s", drh_status_name(st), drh_status_name(want), err.msg);
    if (!strstr(err.msg, contains))
        TEST_FAILF("message lacks '%s': %s", contains, err.msg);
    if (t->password && (strstr(err.msg, t->password) || strstr(err.hint, t->password)))
        TEST_FAILF("the password is in the error: %s", err.msg);
    CU_ASSERT_PTR_NULL(strstr(err.msg, DBFIXTURE_PASSWORD));
    CU_ASSERT(err.hint[0] != '\0');
    db_close(c);
}

static void test_connect_errors(void)
{
    struct db_target t = dbfixture_target(&s_db);
    char prefix[120];
    snprintf(prefix, sizeof prefix,
             "cannot connect to postgres at 127.0.0.1:%d database 'app' as "
             "'dbadmin': ",
             s_db.port);

    t.password = "Wrong-secret-pw-42";
    s_connect_fails(&t, DRH_E_CREDS, prefix);
    s_connect_fails(&t, DRH_E_CREDS, "password authentication failed");

    t = dbfixture_target(&s_db);
    t.tls = DRILL_TLS_REQUIRE;
    s_connect_fails(&t, DRH_E_TLS, "SSL");

    t = dbfixture_target(&s_db);
    t.database = "no_such_db";
    s_connect_fails(&t, DRH_E_NOTFOUND, "no_such_db");

    t = dbfixture_target(&s_db);
    t.port = 1; /* nothing listens there */
    t.connect_timeout = 3;
    s_connect_fails(&t, DRH_E_NET, "127.0.0.1:1");

    t = dbfixture_target(&s_db);
    t.user = "";
    s_connect_fails(&t, DRH_E_CONFIG, "user");
}

static void test_query_and_quoting(void)
{
    struct db_result r;
    struct drh_err err;
    char *ident = db_quote_ident(s_c, "We\"ird");
    char *lit = db_quote_literal(s_c, "it's");
    CU_ASSERT_STRING_EQUAL(ident, "\"We\"\"ird\"");
    char *sql = xasprintf("SELECT v, v = %s, NULL::text AS nothing FROM %s", lit, ident);
    CU_ASSERT_EQUAL_FATAL(db_query(s_c, sql, 10, &r, &err), DRH_OK);
    CU_ASSERT_EQUAL(r.rows, 1);
    CU_ASSERT_EQUAL(r.cols, 3);
    CU_ASSERT_STRING_EQUAL(db_cell(&r, 0, 0), "it's");
    CU_ASSERT_STRING_EQUAL(db_cell(&r, 0, 1), "t");
    CU_ASSERT_PTR_NULL(db_cell(&r, 0, 2));
    CU_ASSERT_PTR_NULL(db_cell(&r, 1, 0));
    CU_ASSERT_STRING_EQUAL(r.names[2], "nothing");
    db_result_clean_up(&r);
    free(sql);
    free(lit);
    free(ident);

    char *dotted = db_quote_ident(s_c, "audit.events");
    CU_ASSERT_STRING_EQUAL(dotted, "\"audit\".\"events\"");
    free(dotted);

    CU_ASSERT_EQUAL(db_query(s_c, "SELECT * FROM no_such_table", 10, &r, &err), DRH_E_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(db_last_sqlstate(s_c), "42P01");
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no_such_table"));
    CU_ASSERT_EQUAL(db_query(s_c, "SELEC 1", 10, &r, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "syntax error"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "(SELEC 1)"));
    /* The session survives errors. */
    CU_ASSERT_EQUAL(db_query(s_c, "SELECT 1", 10, &r, &err), DRH_OK);
    db_result_clean_up(&r);
}

struct s_counter {
    long long rows, sum;
    long long stop_after; /* 0: never */
};

static int s_count_row(void *ctx, size_t ncols, const char *const *names, const char *const *cells)
{
    struct s_counter *k = ctx;
    k->rows++;
    k->sum += strtoll(cells[0], NULL, 10);
    return k->stop_after && k->rows >= k->stop_after;
}

static void test_streaming(void)
{
    struct drh_err err;
    struct s_counter k = {0, 0, 0};
    CU_ASSERT_EQUAL(
        db_query_each(s_c, "SELECT g FROM generate_series(1, 200000) g", 30, s_count_row, &k, &err),
        DRH_OK);
    CU_ASSERT_EQUAL(k.rows, 200000);
    CU_ASSERT_EQUAL(k.sum, 200000LL * 200001 / 2);
    /* Stopping early drops the rest and leaves the session usable. */
    struct s_counter early = {0, 0, 10};
    CU_ASSERT_EQUAL(db_query_each(s_c, "SELECT g FROM generate_series(1, 50000) g", 30, s_count_row,
                                  &early, &err),
                    DRH_OK);
    CU_ASSERT_EQUAL(early.rows, 10);
    struct db_result r;
    CU_ASSERT_EQUAL(db_query(s_c, "SELECT 42", 10, &r, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(db_cell(&r, 0, 0), "42");
    db_result_clean_up(&r);
}

static void test_statement_timeout(void)
{
    struct drill_probe p = s_probe(PROBE_SQL);
    struct probe_result out;
    p.query = (char *)"SELECT pg_sleep(5)";
    p.op = PROBE_NON_EMPTY;
    p.timeout = 1;
    probe_run(s_c, &p, NULL, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_ERROR);
    if (!strstr(out.message, "timed out"))
        TEST_FAILF("message: %s", out.message);
    CU_ASSERT(out.seconds < 4);
    /* The timeout is per probe: the next one has its own. */
    p.query = (char *)"SELECT 1 FROM pg_sleep(1.2)";
    p.timeout = 10;
    probe_run(s_c, &p, NULL, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_PASS);
}

/* ---- the sql probe ----------------------------------------------------- */

struct s_sql_case {
    const char *query;
    enum probe_op op;
    const char *expect;
    enum probe_verdict verdict;
    const char *message;
};

static const struct s_sql_case s_sql_cases[] = {
    {"SELECT count(*) FROM customers", PROBE_EQUALS, "50", PROBE_PASS,
     "found '50', expected = '50' (SELECT count(*) FROM customers)"},
    {"SELECT count(*) FROM customers", PROBE_EQUALS, "51", PROBE_FAIL,
     "expected = '51', found '50' (SELECT count(*) FROM customers)"},
    {"SELECT count(*) FROM customers", PROBE_GE, "1000", PROBE_FAIL,
     "expected >= 1000, found 50 (SELECT count(*) FROM customers)"},
    {"SELECT count(*) FROM customers", PROBE_GE, "50", PROBE_PASS, "found 50, expected >= 50"},
    {"SELECT count(*) FROM customers", PROBE_LE, "49.5", PROBE_FAIL, "expected <= 49.5, found 50"},
    {"SELECT 2.5", PROBE_LE, "1e1", PROBE_PASS, "found 2.5, expected <= 1e1"},
    {"SELECT 'abc'", PROBE_GE, "1", PROBE_ERROR, "found 'abc', which is not a number"},
    {"SELECT 1", PROBE_GE, "many", PROBE_ERROR, "the expected value 'many' is not a number"},
    {"SELECT name FROM customers WHERE id = 7", PROBE_REGEX, "^customer [0-9]+$", PROBE_PASS,
     "found 'customer 7'"},
    {"SELECT name FROM customers WHERE id = 7", PROBE_REGEX, "^client", PROBE_FAIL,
     "expected a match for /^client/, found 'customer 7'"},
    {"SELECT 1", PROBE_REGEX, "(", PROBE_ERROR, "not a valid regular expression"},
    {"SELECT kind FROM audit.events WHERE id = 1", PROBE_NON_EMPTY, NULL, PROBE_PASS,
     "found 'login'"},
    {"SELECT kind FROM audit.events WHERE id = 2", PROBE_NON_EMPTY, NULL, PROBE_FAIL,
     "expected a non-empty value, found NULL"},
    {"SELECT kind FROM audit.events WHERE id = 3", PROBE_NON_EMPTY, NULL, PROBE_FAIL,
     "expected a non-empty value, found ''"},
    {"SELECT kind FROM audit.events WHERE id = 99", PROBE_EQUALS, "x", PROBE_FAIL,
     "expected = 'x', found no rows"},
    {"SELECT count(*) FROM orders_gone", PROBE_EQUALS, "0", PROBE_FAIL,
     "a table the query reads is missing"},
    {"SELECT count(* FROM customers", PROBE_EQUALS, "0", PROBE_ERROR, "syntax error"},
};

static void test_sql_probe(void)
{
    for (size_t i = 0; i < sizeof s_sql_cases / sizeof s_sql_cases[0]; i++) {
        const struct s_sql_case *k = &s_sql_cases[i];
        struct drill_probe p = s_probe(PROBE_SQL);
        struct probe_result out;
        p.query = (char *)k->query;
        p.op = k->op;
        p.expect = (char *)k->expect;
        probe_run(s_c, &p, NULL, &out);
        if (out.verdict != k->verdict || !strstr(out.message, k->message))
            TEST_FAILF("case %zu (%s): %s: %s", i, k->query, probe_verdict_name(out.verdict),
                       out.message);
        CU_ASSERT(out.seconds >= 0 && out.seconds < 30);
        CU_ASSERT_EQUAL(out.canary_time, -1);
    }
}

/* ---- the tables probe -------------------------------------------------- */

static void test_tables_probe(void)
{
    struct drill_table ok[] = {
        {(char *)"customers", 50}, {(char *)"audit.events", 1}, {(char *)"We\"ird", 1}};
    struct drill_probe p = s_probe(PROBE_TABLES);
    struct probe_result out;
    p.tables = ok;
    p.n_tables = 3;
    probe_run(s_c, &p, NULL, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_PASS);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "customers 50 rows"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "audit.events 3 rows"));

    struct drill_table bad[] = {
        {(char *)"customers", 1000}, {(char *)"public.orders", 1}, {(char *)"audit.events", 3}};
    p.tables = bad;
    probe_run(s_c, &p, NULL, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    if (!strstr(out.message, "2 of 3 tables") ||
        !strstr(out.message, "customers has 50 rows, expected >= 1000") ||
        !strstr(out.message, "public.orders does not exist"))
        TEST_FAILF("message: %s", out.message);
}

/* ---- the canary probe -------------------------------------------------- */

static void test_canary_probe(void)
{
    struct drill_probe p = s_probe(PROBE_CANARY);
    struct probe_result out;
    probe_run(s_c, &p, NULL, &out); /* drh_canary.written_at, timestamptz */
    CU_ASSERT_EQUAL(out.verdict, PROBE_PASS);
    CU_ASSERT_DOUBLE_EQUAL(out.canary_time, 1714566615.0, 1e-6); /* 12:30:15Z */
    if (!strstr(out.message, "2024-05-01T12:30:15Z"))
        TEST_FAILF("message: %s", out.message);

    p.canary_table = (char *)"canary_naive"; /* timestamp without time zone: read as UTC */
    probe_run(s_c, &p, NULL, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_PASS);
    CU_ASSERT_DOUBLE_EQUAL(out.canary_time, 1719791999.0, 1e-6);

    p.canary_table = (char *)"canary_empty";
    probe_run(s_c, &p, NULL, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_EQUAL(out.canary_time, -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "has no row"));

    p.canary_table = (char *)"canary_gone";
    probe_run(s_c, &p, NULL, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "canary table canary_gone does not exist"));

    p.canary_table = (char *)"drh_canary";
    p.canary_column = (char *)"id"; /* not a time */
    probe_run(s_c, &p, NULL, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_ERROR);
}

static const struct test_case cases[] = {
    {"connect: version, database, no TLS on a plain server", test_connect},
    {"connect errors name the target, never the password", test_connect_errors},
    {"queries, NULLs, identifier and literal quoting, error codes", test_query_and_quoting},
    {"rows stream in single-row mode; stopping early keeps the session", test_streaming},
    {"the probe's timeout becomes the statement timeout", test_statement_timeout},
    {"sql probe: every comparison passes and fails with expected vs found", test_sql_probe},
    {"tables probe: row minimums and missing tables", test_tables_probe},
    {"canary probe: exact UTC times, empty and missing tables", test_canary_probe},
};

TEST_SUITE_FULL("probes-pg", cases, dbfixture_unavailable, s_init, s_cleanup)
