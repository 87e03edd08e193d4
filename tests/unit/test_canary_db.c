/* Canaries in real databases (harness/canary/canary_db.c, the canary probe
 * of probes/probe_sql.c), each case on PostgreSQL and on MariaDB servers
 * the emulator starts: five canaries written and verified, an older
 * drh_canary(id, written_at) table given the chain columns, a deleted
 * middle row and altered rows named by seq, pruning to keep, two writers
 * at once that never fork the chain, and `drh canary`'s per-drill writer
 * against a server given by canary.endpoint. */
#include "support/dbfixture.h"
#include "support/testreg.h"

#include "canary/canary.h"
#include "mem.h"
#include "probes/probe.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T1 1763805600123456LL
#define STEP 300000000LL

static struct dbfixture_db s_db[2];
static struct db_conn *s_c[2];
static const char *const s_flavor[2] = {"postgres", "mysql"};

static const char s_pg_seed[] =
    "CREATE TABLE old_canary (id serial PRIMARY KEY, written_at timestamptz NOT NULL);\n"
    "INSERT INTO old_canary (written_at) VALUES (now() - interval '20 minutes'),\n"
    "  (now() - interval '5 minutes');\n";
static const char s_my_seed[] =
    "CREATE TABLE old_canary (id INT AUTO_INCREMENT PRIMARY KEY, written_at DATETIME NOT NULL);\n"
    "INSERT INTO old_canary (written_at) VALUES (UTC_TIMESTAMP() - INTERVAL 20 MINUTE),\n"
    "  (UTC_TIMESTAMP() - INTERVAL 5 MINUTE);\n";

static int s_init(void)
{
    if (dbfixture_start() != 0 || dbfixture_seed(DB_POSTGRES, "canary-pg", s_pg_seed, &s_db[0]) ||
        dbfixture_seed(DB_MYSQL, "canary-my", s_my_seed, &s_db[1]))
        return 1;
    for (int i = 0; i < 2; i++) {
        struct db_target t = dbfixture_target(&s_db[i]);
        struct drh_err err;
        if (db_connect(&t, &s_c[i], &err) != DRH_OK) {
            fprintf(stderr, "canary-db: %s\n", err.msg);
            return 1;
        }
    }
    return 0;
}

static int s_cleanup(void)
{
    for (int i = 0; i < 2; i++) {
        db_close(s_c[i]);
        s_c[i] = NULL;
        dbfixture_db_clean_up(&s_db[i]);
    }
    return 0;
}

/* n canaries into table at T1, T1 + STEP, ...; false (test failed) on error. */
static bool s_write(int f, const char *table, int n, long keep, struct canary *last)
{
    for (int i = 0; i < n; i++) {
        struct drh_err err;
        drh_err_clear(&err);
        struct canary c;
        if (canary_db_write(s_c[f], table, "written_at", "orders-drill", "orders", keep,
                            T1 + i * STEP, &c, &err) != DRH_OK) {
            TEST_FAILF("%s: writing canary %d into %s: %s", s_flavor[f], i + 1, table, err.msg);
            return false;
        }
        if (last)
            *last = c;
    }
    return true;
}

static void s_probe(int f, const char *table, struct probe_result *out)
{
    struct drill_probe p = {0};
    p.name = (char *)"canary";
    p.kind = PROBE_CANARY;
    p.timeout = 60;
    p.canary_table = (char *)table;
    p.canary_column = (char *)"written_at";
    p.chain_drill = (char *)"orders-drill";
    p.chain_resource = (char *)"orders";
    probe_run(s_c[f], &p, NULL, out);
}

static void s_expect(int f, const struct probe_result *out, enum probe_verdict v, const char *has)
{
    if (out->verdict != v || !strstr(out->message, has))
        TEST_FAILF("%s: wanted %s with '%s', got %s: %s", s_flavor[f], probe_verdict_name(v), has,
                   probe_verdict_name(out->verdict), out->message);
}

static long long s_scalar(int f, const char *sql)
{
    struct db_result r;
    struct drh_err err;
    if (db_query(s_c[f], sql, 30, &r, &err) != DRH_OK) {
        TEST_FAILF("%s: %s: %s", s_flavor[f], sql, err.msg);
        return -1;
    }
    long long v = -1;
    canary_parse_ll(db_cell(&r, 0, 0), &v);
    db_result_clean_up(&r);
    return v;
}

static void s_exec(int f, const char *sql)
{
    struct db_result r;
    struct drh_err err;
    if (db_query(s_c[f], sql, 30, &r, &err) != DRH_OK)
        TEST_FAILF("%s: %s: %s", s_flavor[f], sql, err.msg);
    db_result_clean_up(&r);
}

static void test_five_canaries(void)
{
    for (int f = 0; f < 2; f++) {
        struct canary last;
        if (!s_write(f, "drh_canary", 5, 1000, &last))
            continue;
        CU_ASSERT_EQUAL(last.seq, 5);
        CU_ASSERT_EQUAL(s_scalar(f, "SELECT count(*) FROM drh_canary"), 5);
        struct probe_result out;
        s_probe(f, "drh_canary", &out);
        s_expect(f, &out, PROBE_PASS, "chain of 5 verified (seq 1..5)");
        s_expect(f, &out, PROBE_PASS, "newest canary 2025-11-22T10:20:00Z");
        CU_ASSERT_DOUBLE_EQUAL(out.canary_time, (double)last.written_us / 1e6, 1e-5);
        /* written_at holds the microseconds too */
        CU_ASSERT_EQUAL(s_scalar(f, f == 0 ? "SELECT (EXTRACT(MICROSECONDS FROM written_at) % "
                                             "1000000)::bigint FROM drh_canary WHERE seq = 1"
                                           : "SELECT MICROSECOND(written_at) FROM drh_canary "
                                             "WHERE seq = 1"),
                        123456);
    }
}

static void test_old_layout(void)
{
    for (int f = 0; f < 2; f++) {
        struct probe_result out;
        s_probe(f, "old_canary", &out); /* before: the plain newest time */
        s_expect(f, &out, PROBE_PASS, "(old_canary.written_at, 2 rows)");
        CU_ASSERT_PTR_NULL(strstr(out.message, "chain"));
        if (!s_write(f, "old_canary", 3, 1000, NULL))
            continue;
        CU_ASSERT_EQUAL(s_scalar(f, "SELECT count(*) FROM old_canary"), 5);
        CU_ASSERT_EQUAL(s_scalar(f, "SELECT count(*) FROM old_canary WHERE hash IS NULL"), 2);
        s_probe(f, "old_canary", &out);
        s_expect(f, &out, PROBE_PASS, "chain of 3 verified (seq 1..3)");
        /* the older rows are newer than the chain's (written "now"): the
         * newest written_at dates the data */
        CU_ASSERT_TRUE(out.canary_time > (double)T1 / 1e6 + 3600);
    }
}

static void test_lost_and_altered(void)
{
    for (int f = 0; f < 2; f++) {
        struct probe_result out;
        if (!s_write(f, "gap_canary", 5, 1000, NULL))
            continue;
        s_exec(f, "DELETE FROM gap_canary WHERE seq = 3");
        s_probe(f, "gap_canary", &out);
        s_expect(f, &out, PROBE_FAIL,
                 "canary chain broken at seq 4: seq 3 is missing (lost write) (table gap_canary)");
        CU_ASSERT_EQUAL(out.canary_time, -1);

        if (!s_write(f, "alt_canary", 4, 1000, NULL))
            continue;
        s_exec(f, "UPDATE alt_canary SET written_us = written_us + 1 WHERE seq = 2");
        s_probe(f, "alt_canary", &out);
        s_expect(f, &out, PROBE_FAIL,
                 "canary chain broken at seq 2: seq 2's hash does not match its contents "
                 "(altered)");
        s_exec(f, "UPDATE alt_canary SET written_us = written_us - 1 WHERE seq = 2");
        s_exec(f, f == 0 ? "UPDATE alt_canary SET written_at = written_at + interval '1 hour' "
                           "WHERE seq = 3"
                         : "UPDATE alt_canary SET written_at = written_at + INTERVAL 1 HOUR "
                           "WHERE seq = 3");
        s_probe(f, "alt_canary", &out);
        s_expect(f, &out, PROBE_FAIL,
                 "canary chain broken at seq 3: seq 3's written_at does not match its written_us "
                 "(altered)");
        s_exec(f, f == 0 ? "UPDATE alt_canary SET written_at = written_at - interval '1 hour' "
                           "WHERE seq = 3"
                         : "UPDATE alt_canary SET written_at = written_at - INTERVAL 1 HOUR "
                           "WHERE seq = 3");
        s_probe(f, "alt_canary", &out);
        s_expect(f, &out, PROBE_PASS, "chain of 4 verified");
        s_exec(f, f == 0 ? "UPDATE alt_canary SET written_at = written_at + interval '1 hour', "
                           "written_us = written_us + 3600000000 WHERE seq = 4"
                         : "UPDATE alt_canary SET written_at = written_at + INTERVAL 1 HOUR, "
                           "written_us = written_us + 3600000000 WHERE seq = 4");
        s_probe(f, "alt_canary", &out);
        s_expect(f, &out, PROBE_FAIL,
                 "canary chain broken at seq 4: seq 4's hash does not match its contents "
                 "(altered)");
    }
}

static void test_prune(void)
{
    for (int f = 0; f < 2; f++) {
        if (!s_write(f, "kept_canary", 6, 3, NULL))
            continue;
        CU_ASSERT_EQUAL(s_scalar(f, "SELECT count(*) FROM kept_canary"), 3);
        CU_ASSERT_EQUAL(s_scalar(f, "SELECT min(seq) FROM kept_canary"), 4);
        struct probe_result out;
        s_probe(f, "kept_canary", &out);
        s_expect(f, &out, PROBE_PASS, "chain of 3 verified (seq 4..6)");
    }
}

struct s_writer {
    int f;
    int n;
    int ok;
    char error[DRH_ERR_MSG_MAX];
};

static void *s_writer_main(void *arg)
{
    struct s_writer *w = arg;
    struct db_target t = dbfixture_target(&s_db[w->f]);
    struct db_conn *c = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (db_connect(&t, &c, &err) != DRH_OK) {
        snprintf(w->error, sizeof w->error, "%s", err.msg);
        return NULL;
    }
    for (int i = 0; i < w->n; i++) {
        struct canary k;
        if (canary_db_write(c, "race_canary", "written_at", "orders-drill", "orders", 1000,
                            canary_now_us(), &k, &err) != DRH_OK) {
            snprintf(w->error, sizeof w->error, "%s", err.msg);
            break;
        }
        w->ok++;
    }
    db_close(c);
    return NULL;
}

static void test_two_writers(void)
{
    for (int f = 0; f < 2; f++) {
        /* the table exists first: the race is over the chain, not the DDL */
        if (!s_write(f, "race_canary", 1, 1000, NULL))
            continue;
        struct s_writer w[2] = {{f, 15, 0, ""}, {f, 15, 0, ""}};
        pthread_t th[2];
        for (int i = 0; i < 2; i++)
            CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, s_writer_main, &w[i]), 0);
        for (int i = 0; i < 2; i++)
            pthread_join(th[i], NULL);
        for (int i = 0; i < 2; i++)
            if (w[i].ok != 15)
                TEST_FAILF("%s: writer %d wrote %d of 15: %s", s_flavor[f], i, w[i].ok, w[i].error);
        CU_ASSERT_EQUAL(s_scalar(f, "SELECT count(*) FROM race_canary"), 31);
        CU_ASSERT_EQUAL(s_scalar(f, "SELECT count(DISTINCT seq) FROM race_canary"), 31);
        CU_ASSERT_EQUAL(s_scalar(f, "SELECT max(seq) FROM race_canary"), 31);
        struct probe_result out;
        s_probe(f, "race_canary", &out);
        s_expect(f, &out, PROBE_PASS, "chain of 31 verified (seq 1..31)");
    }
}

static void test_write_drill(void)
{
    for (int f = 0; f < 2; f++) {
        char endpoint[64];
        snprintf(endpoint, sizeof endpoint, "127.0.0.1:%d", s_db[f].port);
        struct drill_probe p = {0};
        p.name = (char *)"canary";
        p.kind = PROBE_CANARY;
        p.canary_table = (char *)"cli_canary";
        struct drill_resource r = {0};
        r.name = (char *)"orders";
        r.type = DRILL_RDS;
        r.engine = f == 0 ? DRILL_POSTGRES : DRILL_MYSQL;
        r.probes = &p;
        r.n_probes = 1;
        r.canary.present = true;
        r.canary.endpoint = endpoint;
        r.canary.user = (char *)DBFIXTURE_USER;
        r.canary.database = s_db[f].database;
        r.canary.password_env = (char *)"DRH_TEST_CANARY_PW";
        struct drill d = {0};
        d.name = (char *)"orders-drill";
        d.resources = &r;
        d.n_resources = 1;

        unsetenv("DRH_TEST_CANARY_PW");
        FILE *o = tmpfile();
        CU_ASSERT_EQUAL(canary_write_drill(&d, T1, o), 2); /* no password */
        setenv("DRH_TEST_CANARY_PW", DBFIXTURE_PASSWORD, 1);
        CU_ASSERT_EQUAL(canary_write_drill(&d, T1, o), 0);
        CU_ASSERT_EQUAL(canary_write_drill(&d, T1 + STEP, o), 0);
        r.canary.user = (char *)"nobody";
        CU_ASSERT_EQUAL(canary_write_drill(&d, T1, o), 3); /* refused login */
        unsetenv("DRH_TEST_CANARY_PW");
        rewind(o);
        char text[1024] = "";
        size_t n = fread(text, 1, sizeof text - 1, o);
        text[n] = '\0';
        fclose(o);
        char want[512];
        snprintf(want, sizeof want,
                 "orders: canary seq 1 written 2025-11-22T10:00:00.123456Z (table cli_canary at "
                 "%s)\norders: canary seq 2 written 2025-11-22T10:05:00.123456Z (table "
                 "cli_canary at %s)\n",
                 endpoint, endpoint);
        CU_ASSERT_STRING_EQUAL(text, want);
        CU_ASSERT_PTR_NULL(strstr(text, DBFIXTURE_PASSWORD));
        struct probe_result out;
        s_probe(f, "cli_canary", &out);
        s_expect(f, &out, PROBE_PASS, "chain of 2 verified (seq 1..2)");
    }
}

static const struct test_case cases[] = {
    {"five canaries", test_five_canaries},
    {"old layout gets chain columns", test_old_layout},
    {"lost and altered rows", test_lost_and_altered},
    {"prune to keep", test_prune},
    {"two writers", test_two_writers},
    {"write drill", test_write_drill},
};

TEST_SUITE_FULL("canary-db", cases, dbfixture_unavailable, s_init, s_cleanup)
