/* The MySQL driver (MariaDB connector) and every probe kind against a real
 * MariaDB server the emulator starts, with a copy restored from
 * mariadb-dump: connection errors without the password, TLS refusals, the
 * sql and tables probes, exact canary times in UTC whatever the session's
 * zone, manifests equal on source and copy, changes found and named, and
 * CHECK TABLE. The cases run in order: the later ones change the copy. */
#include "support/dbfixture.h"
#include "support/testreg.h"

#include "crypto.h"
#include "mem.h"
#include "probes/manifest.h"
#include "probes/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct dbfixture_db s_src, s_copy;
static struct db_conn *s_src_c, *s_copy_c;
static char *s_manifest_path;

/* The seed runs as root in a session of its own: its time zone is set so
 * the TIMESTAMP below means what it says. */
static const char s_seed[] =
    "SET time_zone = '+00:00';\n"
    "CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, legacy INT,\n"
    "  name VARCHAR(100) NOT NULL, email VARCHAR(200), created_at DATETIME NOT NULL,\n"
    "  UNIQUE KEY customers_email (email));\n"
    "ALTER TABLE customers DROP COLUMN legacy;\n"
    "INSERT INTO customers (name, email, created_at) SELECT CONCAT('customer ', seq),\n"
    "  CONCAT('c', seq, '@example.com'), '2024-01-01' + INTERVAL seq HOUR FROM seq_1_to_50;\n"
    "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL,\n"
    "  amount DECIMAL(10,2), note TEXT, placed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
    "  ratio DOUBLE, KEY orders_customer_idx (customer_id), KEY orders_note_idx (note(20)),\n"
    "  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id));\n"
    "INSERT INTO orders (customer_id, amount, note, placed_at, ratio)\n"
    "  SELECT 1 + seq % 50, (seq * 7 % 1000) / 10.0,\n"
    "    CASE WHEN seq % 5 = 0 THEN NULL WHEN seq % 7 = 0 THEN '' ELSE CONCAT('note ', seq) END,\n"
    "    '2024-02-01' + INTERVAL seq MINUTE, seq / 3.0 FROM seq_1_to_1200;\n"
    "CREATE TABLE events (id INT PRIMARY KEY, payload JSON, data BLOB, flag BOOLEAN,\n"
    "  word VARCHAR(10) CHARACTER SET latin1);\n"
    "INSERT INTO events VALUES (1, '{\"a\": 1}', X'00FF27', TRUE, _latin1 X'636166E9'),\n"
    "  (2, NULL, NULL, NULL, NULL), (3, '\"x\"', X'', FALSE, 'NULL');\n"
    "CREATE TABLE perm_a (k INT, v VARCHAR(10));\n"
    "INSERT INTO perm_a VALUES (1, 'x'), (2, NULL), (3, ''), (3, '');\n"
    "CREATE TABLE perm_b (k INT, v VARCHAR(10));\n"
    "INSERT INTO perm_b VALUES (3, ''), (2, NULL), (3, ''), (1, 'x');\n"
    "CREATE TABLE perm_dedup (k INT, v VARCHAR(10));\n"
    "INSERT INTO perm_dedup VALUES (1, 'x'), (2, NULL);\n"
    "CREATE TABLE perm_nulls (k INT, v VARCHAR(10));\n"
    "INSERT INTO perm_nulls VALUES (1, 'x'), (2, ''), (3, NULL), (3, NULL);\n"
    "CREATE TABLE drh_canary (id INT AUTO_INCREMENT PRIMARY KEY, written_at DATETIME(3) NOT "
    "NULL);\n"
    "INSERT INTO drh_canary (written_at) VALUES ('2024-05-01 12:00:00'),\n"
    "  ('2024-05-01 12:30:15.250');\n"
    "CREATE TABLE canary_ts (written_at TIMESTAMP NULL);\n"
    "INSERT INTO canary_ts VALUES ('2024-06-30 23:59:59');\n"
    "CREATE TABLE canary_empty (written_at DATETIME);\n"
    "CREATE VIEW order_totals AS SELECT customer_id, SUM(amount) AS total FROM orders\n"
    "  GROUP BY customer_id;\n";

static int s_init(void)
{
    struct drh_err err;
    struct db_target t;
    if (dbfixture_start() != 0 || dbfixture_seed(DB_MYSQL, "my-src", s_seed, &s_src) != 0 ||
        dbfixture_copy(&s_src, "my-copy", &s_copy) != 0)
        return 1;
    t = dbfixture_target(&s_src);
    if (db_connect(&t, &s_src_c, &err) != DRH_OK)
        goto fail;
    t = dbfixture_target(&s_copy);
    if (db_connect(&t, &s_copy_c, &err) != DRH_OK)
        goto fail;
    s_manifest_path = xasprintf("%s/my-manifest.json", dbfixture_dir());
    return 0;
fail:
    fprintf(stderr, "probes-mysql: %s\n", err.msg);
    return 1;
}

static int s_cleanup(void)
{
    db_close(s_src_c);
    db_close(s_copy_c);
    s_src_c = s_copy_c = NULL;
    dbfixture_db_clean_up(&s_src);
    dbfixture_db_clean_up(&s_copy);
    free(s_manifest_path);
    s_manifest_path = NULL;
    return 0;
}

static struct drill_probe s_probe(enum probe_kind kind)
{
    struct drill_probe p = {0};
    p.name = (char *)"test";
    p.kind = kind;
    p.timeout = 60;
    p.manifest = s_manifest_path;
    return p;
}

static void s_expect(const struct probe_result *out, enum probe_verdict v, const char *contains)
{
    if (out->verdict != v || (contains && !strstr(out->message, contains)))
        TEST_FAILF("wanted %s with '%s', got %s: %s", probe_verdict_name(v),
                   contains ? contains : "", probe_verdict_name(out->verdict), out->message);
}

static void s_connect_fails(struct db_target *t, enum drh_status want, const char *contains)
{
    struct db_conn *c = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    enum drh_status st = db_connect(t, &c, &err);
    CU_ASSERT_PTR_NULL(c);
    if (st != want || !strstr(err.msg, contains))
        TEST_FAILF("wanted %s with '%s', got %s: %s", drh_status_name(want), contains,
                   drh_status_name(st), err.msg);
    if (strstr(err.msg, t->password) || strstr(err.hint, t->password))
        TEST_FAILF("the password is in the error: %s", err.msg);
    CU_ASSERT(err.hint[0] != '\0');
}

static void test_connect(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(s_src_c);
    CU_ASSERT_EQUAL(db_flavor(s_src_c), DB_MYSQL);
    CU_ASSERT_FALSE(db_tls_in_use(s_src_c)); /* prefer falls back: no TLS on this server */
    CU_ASSERT_PTR_NOT_NULL(strstr(db_server_version(s_src_c), "MariaDB"));
    CU_ASSERT_STRING_EQUAL(db_database(s_src_c), "app");

    struct db_target t = dbfixture_target(&s_src);
    char prefix[120];
    snprintf(prefix, sizeof prefix,
             "cannot connect to mysql at 127.0.0.1:%d database 'app' as 'dbadmin': ", s_src.port);
    t.password = "Wrong-secret-pw-42";
    s_connect_fails(&t, DRH_E_CREDS, prefix);
    s_connect_fails(&t, DRH_E_CREDS, "Access denied");

    t = dbfixture_target(&s_src);
    t.tls = DRILL_TLS_REQUIRE;
    s_connect_fails(&t, DRH_E_TLS, "does not support TLS");
    t.tls = DRILL_TLS_VERIFY_FULL;
    s_connect_fails(&t, DRH_E_TLS, "SSL");

    t = dbfixture_target(&s_src);
    t.database = "no_such_db";
    s_connect_fails(&t, DRH_E_NOTFOUND, "no_such_db");

    t = dbfixture_target(&s_src);
    t.tls = DRILL_TLS_DISABLE;
    struct db_conn *c = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL(db_connect(&t, &c, &err), DRH_OK);
    db_close(c);
}

static void test_query_and_quoting(void)
{
    struct db_result r;
    struct drh_err err;
    char *ident = db_quote_ident(s_src_c, "we`ird");
    char *lit = db_quote_literal(s_src_c, "it's \\ here");
    CU_ASSERT_STRING_EQUAL(ident, "`we``ird`");
    char *sql = xasprintf("SELECT %s, NULL AS nothing, @@session.time_zone", lit);
    CU_ASSERT_EQUAL_FATAL(db_query(s_src_c, sql, 10, &r, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(db_cell(&r, 0, 0), "it's \\ here");
    CU_ASSERT_PTR_NULL(db_cell(&r, 0, 1));
    CU_ASSERT_STRING_EQUAL(db_cell(&r, 0, 2), "+00:00");
    CU_ASSERT_STRING_EQUAL(r.names[1], "nothing");
    db_result_clean_up(&r);
    free(sql);
    free(lit);
    free(ident);
    CU_ASSERT_EQUAL(db_query(s_src_c, "SELECT * FROM no_such_table", 10, &r, &err), DRH_E_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(db_last_sqlstate(s_src_c), "42S02");
    CU_ASSERT_EQUAL(db_query(s_src_c, "SELEC 1", 10, &r, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "(SELEC 1)"));
}

static void test_sql_and_tables_probes(void)
{
    struct drill_probe p = s_probe(PROBE_SQL);
    struct probe_result out;
    p.query = (char *)"SELECT COUNT(*) FROM orders";
    p.op = PROBE_GE;
    p.expect = (char *)"1000";
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS, "found 1200, expected >= 1000 (SELECT COUNT(*) FROM orders)");
    p.expect = (char *)"5000";
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "expected >= 5000, found 1200 (SELECT COUNT(*) FROM orders)");
    p.query = (char *)"SELECT word FROM events WHERE id = 1";
    p.op = PROBE_REGEX;
    p.expect = (char *)"^caf";
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS, "found 'café'");
    p.query = (char *)"SELECT note FROM orders WHERE id = 5";
    p.op = PROBE_NON_EMPTY;
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "expected a non-empty value, found NULL");

    /* max_statement_time: MariaDB interrupts the statement. */
    p.query = (char *)"SELECT SLEEP(5)";
    p.timeout = 1;
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_ERROR, "timed out");
    CU_ASSERT(out.seconds < 4);

    struct drill_table ok[] = {{(char *)"orders", 1200}, {(char *)"app.customers", 1}};
    struct drill_probe t = s_probe(PROBE_TABLES);
    t.tables = ok;
    t.n_tables = 2;
    probe_run(s_src_c, &t, NULL, &out);
    s_expect(&out, PROBE_PASS, "orders 1200 rows; app.customers 50 rows");
    struct drill_table bad[] = {{(char *)"orders", 1201}, {(char *)"invoices", 1}};
    t.tables = bad;
    probe_run(s_src_c, &t, NULL, &out);
    s_expect(&out, PROBE_FAIL, "orders has 1200 rows, expected >= 1201; invoices does not exist");
}

static void test_canary_probe(void)
{
    struct drill_probe p = s_probe(PROBE_CANARY);
    struct probe_result out;
    probe_run(s_src_c, &p, NULL, &out); /* DATETIME(3) */
    s_expect(&out, PROBE_PASS,
             "newest canary 2024-05-01T12:30:15Z (drh_canary.written_at, 2 rows)");
    CU_ASSERT_DOUBLE_EQUAL(out.canary_time, 1714566615.25, 1e-6);
    /* A TIMESTAMP is stored in UTC: the same instant whatever the zone the
     * server or a session would otherwise show it in. */
    p.canary_table = (char *)"canary_ts";
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS, NULL);
    CU_ASSERT_DOUBLE_EQUAL(out.canary_time, 1719791999.0, 1e-6);
    p.canary_table = (char *)"canary_empty";
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "canary table canary_empty has no row with a written_at (0 rows)");
    p.canary_table = (char *)"canary_gone";
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "canary table canary_gone does not exist");
}

static void test_manifest_source_and_copy(void)
{
    struct manifest a, b, back;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(manifest_take(s_src_c, NULL, 0, &a, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(manifest_take(s_copy_c, NULL, 0, &b, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(a.engine, "mysql");
    CU_ASSERT_EQUAL(a.n_tables, 10); /* the view is not a table */
    CU_ASSERT_PTR_NULL(manifest_find(&a, "order_totals"));
    CU_ASSERT_EQUAL(manifest_find(&a, "orders")->rows, 1200);
    CU_ASSERT_STRING_EQUAL(a.schema_fingerprint, b.schema_fingerprint);
    CU_ASSERT_EQUAL_FATAL(a.n_tables, b.n_tables);
    for (size_t i = 0; i < a.n_tables; i++) {
        CU_ASSERT_EQUAL(a.tables[i].rows, b.tables[i].rows);
        if (strcmp(a.tables[i].checksum, b.tables[i].checksum) != 0)
            TEST_FAILF("%s: %s on the source, %s on the copy", a.tables[i].name,
                       a.tables[i].checksum, b.tables[i].checksum);
    }
    CU_ASSERT_EQUAL_FATAL(manifest_save(&a, s_manifest_path, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(manifest_load(s_manifest_path, &back, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(back.schema_fingerprint, a.schema_fingerprint);
    CU_ASSERT_EQUAL(back.n_tables, a.n_tables);
    CU_ASSERT_EQUAL(back.n_schema, a.n_schema);
    manifest_clean_up(&back);
    manifest_clean_up(&a);
    manifest_clean_up(&b);
}

/* The checksum as docs/probes.md defines it, from the row texts. */
static void s_documented_checksum(const char *const *rows, size_t n, char out[MANIFEST_HASH_SIZE])
{
    unsigned char sum[32] = {0}, d[32];
    for (size_t i = 0; i < n; i++) {
        crypto_sha256(rows[i], strlen(rows[i]), d);
        manifest_sum_add(sum, d);
    }
    crypto_sha256(sum, sizeof sum, d);
    memcpy(out, "sha256:", 7);
    crypto_hex(d, sizeof d, out + 7);
}

static void test_checksum_is_order_independent(void)
{
    char a[MANIFEST_HASH_SIZE], b[MANIFEST_HASH_SIZE], d[MANIFEST_HASH_SIZE];
    char n[MANIFEST_HASH_SIZE];
    long long ra, rb, rd, rn;
    struct drh_err err;
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "perm_a", 10, &ra, a, &err), DRH_OK);
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "perm_b", 10, &rb, b, &err), DRH_OK);
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "perm_dedup", 10, &rd, d, &err), DRH_OK);
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "perm_nulls", 10, &rn, n, &err), DRH_OK);
    CU_ASSERT_EQUAL(ra, 4);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, d);
    const char *const dedup_rows[] = {"'1','x'", "'2',NULL"};
    char documented[MANIFEST_HASH_SIZE];
    s_documented_checksum(dedup_rows, 2, documented);
    CU_ASSERT_STRING_EQUAL(d, documented);
    CU_ASSERT_STRING_NOT_EQUAL(a, n);
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "invoices", 10, &ra, a, &err), DRH_E_NOTFOUND);
}

static void test_probes_on_copy(void)
{
    struct drill_probe p = s_probe(PROBE_SCHEMA);
    struct probe_result out;
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS, "schema matches the manifest: 10 tables");
    p = s_probe(PROBE_CHECKSUM);
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS, "10 tables match the manifest (1270 rows)");

    CU_ASSERT_EQUAL_FATAL(dbfixture_sql(&s_copy, NULL,
                                        "UPDATE events SET word = 'cafe' WHERE id = 1;\n"
                                        "DELETE FROM perm_b WHERE k = 2;\n"
                                        "ALTER TABLE orders DROP INDEX orders_note_idx;\n"
                                        "ALTER TABLE perm_a MODIFY v VARCHAR(12)",
                                        false, NULL),
                          0);
    p = s_probe(PROBE_CHECKSUM);
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL,
             "2 of 10 tables differ from the manifest: events: checksum "
             "differs (same 3 rows, other content); perm_b: rows expected 4, "
             "found 3");
    p = s_probe(PROBE_SCHEMA);
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL,
             "missing: column perm_a 2 v varchar(10) null, index orders "
             "orders_note_idx non-unique btree note(20); extra: column perm_a "
             "2 v varchar(12) null");
}

static void test_integrity(void)
{
    struct drill_probe p = s_probe(PROBE_INTEGRITY);
    struct probe_result out;
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS, "CHECK TABLE: 10 tables OK");
    struct drill_table listed[] = {{(char *)"orders", 1}, {(char *)"invoices", 1}};
    p.tables = listed;
    p.n_tables = 2;
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "invoices does not exist");
}

static const struct test_case cases[] = {
    {"connect; errors name the target, never the password; TLS refusals", test_connect},
    {"queries, NULLs, quoting, UTC session, error codes", test_query_and_quoting},
    {"sql and tables probes pass and fail; max_statement_time", test_sql_and_tables_probes},
    {"canary probe: DATETIME(3) and TIMESTAMP to exact UTC seconds", test_canary_probe},
    {"manifest: source and mariadb-dump copy agree; save and load", test_manifest_source_and_copy},
    {"checksum: order-independent, duplicates count, NULL is not ''",
     test_checksum_is_order_independent},
    {"schema and checksum probes: pass on the copy, then name each change", test_probes_on_copy},
    {"integrity: CHECK TABLE passes; a missing table fails", test_integrity},
};

TEST_SUITE_FULL("probes-mysql", cases, dbfixture_unavailable, s_init, s_cleanup)
