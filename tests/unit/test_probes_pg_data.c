/* Manifests, the schema, checksum and integrity probes on PostgreSQL 15:
 * a source database and a copy restored from its dump (pg_dump | psql, as
 * the emulator's restores do) must give the same fingerprint and checksums;
 * changes to the copy must be found and named. The cases run in order: the
 * later ones change the copy. */
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
static char *s_manifest_path; /* the source's manifest, every table */

/* Dropped columns leave gaps in attnum that a dump closes; a partial index,
 * an expression index, several schemas, NULLs next to empty strings, bytea
 * and jsonb all go through the row text. */
static const char s_seed[] =
    "CREATE TABLE customers (id int PRIMARY KEY, legacy int, name text NOT NULL,\n"
    "  email text UNIQUE, created_at timestamptz NOT NULL);\n"
    "ALTER TABLE customers DROP COLUMN legacy;\n"
    "INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com',\n"
    "  timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour' FROM generate_series(1, 50) "
    "g;\n"
    "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES "
    "customers,\n"
    "  amount numeric(10,2), note text, placed_at timestamp NOT NULL, ratio double precision);\n"
    "CREATE INDEX orders_customer_idx ON orders (customer_id);\n"
    "CREATE INDEX orders_recent_idx ON orders (placed_at DESC) WHERE amount > 0;\n"
    "CREATE INDEX orders_note_lower_idx ON orders (lower(note));\n"
    "INSERT INTO orders (customer_id, amount, note, placed_at, ratio)\n"
    "  SELECT 1 + g % 50, (g * 7 % 1000) / 10.0,\n"
    "    CASE WHEN g % 5 = 0 THEN NULL WHEN g % 7 = 0 THEN '' ELSE 'note ' || g END,\n"
    "    timestamp '2024-02-01 00:00:00' + g * interval '1 minute', g / 3.0\n"
    "  FROM generate_series(1, 1200) g;\n"
    "CREATE SCHEMA audit;\n"
    "CREATE TABLE audit.events (id int PRIMARY KEY, payload jsonb, data bytea, flag boolean);\n"
    "INSERT INTO audit.events VALUES (1, '{\"a\": 1, \"b\": [1, 2]}', '\\x00ff', true),\n"
    "  (2, NULL, NULL, NULL), (3, '\"x\"', '\\x', false);\n"
    "CREATE TABLE perm_a (k int, v text);\n"
    "INSERT INTO perm_a VALUES (1, 'x'), (2, NULL), (3, ''), (3, '');\n"
    "CREATE TABLE perm_b (k int, v text);\n"
    "INSERT INTO perm_b VALUES (3, ''), (2, NULL), (3, ''), (1, 'x');\n"
    "CREATE TABLE perm_dedup (k int, v text);\n"
    "INSERT INTO perm_dedup VALUES (1, 'x'), (2, NULL);\n"
    "CREATE TABLE perm_nulls (k int, v text);\n"
    "INSERT INTO perm_nulls VALUES (1, 'x'), (2, ''), (3, NULL), (3, NULL);\n"
    "CREATE TABLE empty_one (k int);\n";

static int s_init(void)
{
    struct drh_err err;
    struct db_target t;
    if (dbfixture_start() != 0 || dbfixture_seed(DB_POSTGRES, "pg-src", s_seed, &s_src) != 0 ||
        dbfixture_copy(&s_src, "pg-copy", &s_copy) != 0)
        return 1;
    t = dbfixture_target(&s_src);
    if (db_connect(&t, &s_src_c, &err) != DRH_OK)
        goto fail;
    t = dbfixture_target(&s_copy);
    if (db_connect(&t, &s_copy_c, &err) != DRH_OK)
        goto fail;
    s_manifest_path = xasprintf("%s/pg-manifest.json", dbfixture_dir());
    return 0;
fail:
    fprintf(stderr, "probes-pg-data: %s\n", err.msg);
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

static void test_manifest_take_save_load(void)
{
    struct manifest m, back;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(manifest_take(s_src_c, NULL, 0, &m, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(m.engine, "postgres");
    CU_ASSERT_STRING_EQUAL(m.database, "app");
    CU_ASSERT_TRUE(m.all_tables);
    CU_ASSERT_EQUAL(m.n_tables, 8);
    CU_ASSERT_EQUAL(strncmp(m.schema_fingerprint, "sha256:", 7), 0);
    const struct manifest_table *orders = manifest_find(&m, "orders");
    CU_ASSERT_PTR_NOT_NULL_FATAL(orders);
    CU_ASSERT_STRING_EQUAL(orders->name, "public.orders");
    CU_ASSERT_EQUAL(orders->rows, 1200);
    CU_ASSERT_EQUAL(manifest_find(&m, "audit.events")->rows, 3);
    CU_ASSERT_EQUAL(manifest_find(&m, "empty_one")->rows, 0);
    /* Columns count among live ones: "legacy" was dropped before "name". */
    bool found = false;
    for (size_t i = 0; i < m.n_schema; i++)
        found |= strcmp(m.schema[i], "column\tpublic.customers\t2\tname\ttext\tnot null") == 0;
    CU_ASSERT_TRUE(found);

    CU_ASSERT_EQUAL_FATAL(manifest_save(&m, s_manifest_path, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(manifest_load(s_manifest_path, &back, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(back.engine, m.engine);
    CU_ASSERT_STRING_EQUAL(back.database, m.database);
    CU_ASSERT_STRING_EQUAL(back.created, m.created);
    CU_ASSERT_STRING_EQUAL(back.schema_fingerprint, m.schema_fingerprint);
    CU_ASSERT_EQUAL(back.all_tables, m.all_tables);
    CU_ASSERT_EQUAL_FATAL(back.n_schema, m.n_schema);
    for (size_t i = 0; i < m.n_schema; i++)
        CU_ASSERT_STRING_EQUAL(back.schema[i], m.schema[i]);
    CU_ASSERT_EQUAL_FATAL(back.n_tables, m.n_tables);
    for (size_t i = 0; i < m.n_tables; i++) {
        CU_ASSERT_STRING_EQUAL(back.tables[i].name, m.tables[i].name);
        CU_ASSERT_EQUAL(back.tables[i].rows, m.tables[i].rows);
        CU_ASSERT_STRING_EQUAL(back.tables[i].checksum, m.tables[i].checksum);
    }
    manifest_clean_up(&back);
    manifest_clean_up(&m);
}

static void test_copy_has_same_manifest(void)
{
    struct manifest a, b;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(manifest_take(s_src_c, NULL, 0, &a, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(manifest_take(s_copy_c, NULL, 0, &b, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(a.schema_fingerprint, b.schema_fingerprint);
    CU_ASSERT_EQUAL_FATAL(a.n_tables, b.n_tables);
    for (size_t i = 0; i < a.n_tables; i++) {
        CU_ASSERT_STRING_EQUAL(a.tables[i].name, b.tables[i].name);
        CU_ASSERT_EQUAL(a.tables[i].rows, b.tables[i].rows);
        if (strcmp(a.tables[i].checksum, b.tables[i].checksum) != 0)
            TEST_FAILF("%s: %s on the source, %s on the copy", a.tables[i].name,
                       a.tables[i].checksum, b.tables[i].checksum);
    }
    manifest_clean_up(&a);
    manifest_clean_up(&b);
}

static void test_probes_pass_on_copy(void)
{
    struct probe_result out;
    struct drill_probe p = s_probe(PROBE_SCHEMA);
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS, "schema matches the manifest: 8 tables");
    p = s_probe(PROBE_CHECKSUM);
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS, "8 tables match the manifest (1267 rows)");

    /* A relative manifest path is under base_dir. */
    p.manifest = (char *)"pg-manifest.json";
    probe_run(s_copy_c, &p, dbfixture_dir(), &out);
    s_expect(&out, PROBE_PASS, NULL);
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
    char n[MANIFEST_HASH_SIZE], e[MANIFEST_HASH_SIZE];
    long long ra, rb, rd, rn, re;
    struct drh_err err;
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "public.perm_a", 10, &ra, a, &err), DRH_OK);
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "public.perm_b", 10, &rb, b, &err), DRH_OK);
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "public.perm_dedup", 10, &rd, d, &err),
                    DRH_OK);
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "public.perm_nulls", 10, &rn, n, &err),
                    DRH_OK);
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "public.empty_one", 10, &re, e, &err), DRH_OK);
    CU_ASSERT_EQUAL(ra, 4);
    CU_ASSERT_EQUAL(rb, 4);
    CU_ASSERT_STRING_EQUAL(a, b); /* same rows, other order */
    CU_ASSERT_STRING_NOT_EQUAL(a, d);
    const char *const dedup_rows[] = {"(1,x)", "(2,)"};
    char documented[MANIFEST_HASH_SIZE];
    s_documented_checksum(dedup_rows, 2, documented);
    CU_ASSERT_STRING_EQUAL(d, documented); /* the duplicate pair does not cancel out */
    CU_ASSERT_STRING_NOT_EQUAL(a, n);      /* NULL and '' differ */
    CU_ASSERT_EQUAL(re, 0);
    /* SHA-256 of 32 zero bytes: the sum over no rows. */
    CU_ASSERT_STRING_EQUAL(
        e, "sha256:66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
    /* Rewriting a table reorders it physically: same hash. */
    CU_ASSERT_EQUAL_FATAL(
        dbfixture_sql(&s_copy, NULL, "CLUSTER orders USING orders_customer_idx", false, NULL), 0);
    CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, "public.orders", 10, &ra, a, &err), DRH_OK);
    CU_ASSERT_EQUAL(manifest_table_checksum(s_copy_c, "public.orders", 10, &rb, b, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(a, b);
}

/* Workers, snapshots and block slices give each table the checksum one
 * session reading it whole gives; a missing table is its own NOTFOUND. */
static void test_checksums_in_parallel(void)
{
    CU_ASSERT_EQUAL_FATAL(
        dbfixture_sql(&s_src, NULL,
                      "CREATE TABLE sliced AS SELECT g AS id, repeat('x', g % 90) "
                      "AS pad FROM generate_series(1, 6000) g",
                      false, NULL),
        0);
    const char *names[] = {"public.sliced", "public.orders", "public.no_such", "public.perm_a"};
    struct manifest_sum_job one[4] = {0}, many[4] = {0};
    struct drh_err err;
    long saved = manifest_slice_blocks;
    manifest_slice_blocks = 3; /* sliced is some 40 blocks: a dozen slices */
    for (int k = 0; k < 4; k++)
        one[k].table = many[k].table = names[k];
    CU_ASSERT_EQUAL(db_snapshot_begin(s_src_c, &err), DRH_OK);
    CU_ASSERT_EQUAL(manifest_checksums(s_src_c, one, 4, 1, 30, &err), DRH_OK);
    CU_ASSERT_EQUAL(manifest_checksums(s_src_c, many, 4, 3, 30, &err), DRH_OK);
    db_snapshot_end(s_src_c);
    manifest_slice_blocks = saved;
    for (int k = 0; k < 4; k++) {
        CU_ASSERT_EQUAL(one[k].st, k == 2 ? DRH_E_NOTFOUND : DRH_OK);
        CU_ASSERT_EQUAL(many[k].st, one[k].st);
        if (k == 2)
            continue;
        char whole[MANIFEST_HASH_SIZE];
        long long rows = 0;
        CU_ASSERT_EQUAL(manifest_table_checksum(s_src_c, names[k], 10, &rows, whole, &err), DRH_OK);
        CU_ASSERT_EQUAL(one[k].rows, rows);
        CU_ASSERT_EQUAL(many[k].rows, rows);
        CU_ASSERT_STRING_EQUAL(one[k].checksum, whole);
        CU_ASSERT_STRING_EQUAL(many[k].checksum, whole);
    }
    CU_ASSERT_EQUAL(many[0].rows, 6000);
    CU_ASSERT_PTR_NOT_NULL(strstr(many[2].err.msg, "no_such"));
    dbfixture_sql(&s_src, NULL, "DROP TABLE sliced", false, NULL);
}

static void test_checksum_listed_tables(void)
{
    struct drill_table listed[] = {{(char *)"orders", 1}, {(char *)"audit.events", 1}};
    struct drill_probe p = s_probe(PROBE_CHECKSUM);
    struct probe_result out;
    p.tables = listed;
    p.n_tables = 2;
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS,
             "2 tables match the manifest (1203 rows): public.orders 1200 rows; "
             "audit.events 3 rows");
    struct drill_table unknown[] = {{(char *)"invoices", 1}};
    p.tables = unknown;
    p.n_tables = 1;
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_ERROR, "table 'invoices' is not in manifest");
}

static void test_checksum_finds_changes(void)
{
    CU_ASSERT_EQUAL_FATAL(dbfixture_sql(&s_copy, NULL,
                                        "UPDATE orders SET amount = amount + 0.01 WHERE id = 17;\n"
                                        "DELETE FROM audit.events WHERE id = 3;\n"
                                        "UPDATE perm_a SET v = 'y' WHERE k = 1",
                                        false, NULL),
                          0);
    struct drill_probe p = s_probe(PROBE_CHECKSUM);
    struct probe_result out;
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "3 of 8 tables differ from the manifest");
    s_expect(&out, PROBE_FAIL, "audit.events: rows expected 3, found 2");
    s_expect(&out, PROBE_FAIL, "public.orders: checksum differs (same 1200 rows");
    s_expect(&out, PROBE_FAIL, "public.perm_a: checksum differs");
}

static void test_schema_finds_changes(void)
{
    CU_ASSERT_EQUAL_FATAL(dbfixture_sql(&s_copy, NULL,
                                        "DROP INDEX orders_customer_idx;\n"
                                        "ALTER TABLE customers ADD COLUMN phone varchar(20);\n"
                                        "ALTER TABLE customers ALTER COLUMN email SET NOT NULL",
                                        false, NULL),
                          0);
    struct drill_probe p = s_probe(PROBE_SCHEMA);
    struct probe_result out;
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "schema differs from the manifest: missing: ");
    s_expect(&out, PROBE_FAIL,
             "index public.orders orders_customer_idx non-unique btree "
             "customer_id");
    s_expect(&out, PROBE_FAIL, "column public.customers 3 email text null");
    s_expect(&out, PROBE_FAIL, "extra: ");
    s_expect(&out, PROBE_FAIL, "column public.customers 5 phone character varying(20) null");

    /* A table dropped on the copy shows as missing, its data as missing. */
    CU_ASSERT_EQUAL_FATAL(dbfixture_sql(&s_copy, NULL, "DROP TABLE empty_one", false, NULL), 0);
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "table public.empty_one");
    p = s_probe(PROBE_CHECKSUM);
    probe_run(s_copy_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "public.empty_one: missing (expected 0 rows)");
}

static void test_listed_manifest(void)
{
    const char *const tables[] = {"orders", "audit.events", "orders"};
    struct manifest m;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(manifest_take(s_src_c, tables, 3, &m, &err), DRH_OK);
    CU_ASSERT_FALSE(m.all_tables);
    CU_ASSERT_EQUAL(m.n_tables, 2);
    char *path = xasprintf("%s/pg-listed.json", dbfixture_dir());
    CU_ASSERT_EQUAL_FATAL(manifest_save(&m, path, &err), DRH_OK);
    /* The source has more tables than the manifest lists: not a difference. */
    struct drill_probe p = s_probe(PROBE_SCHEMA);
    struct probe_result out;
    p.manifest = path;
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS, "2 tables");

    const char *const missing[] = {"orders", "invoices"};
    manifest_clean_up(&m);
    CU_ASSERT_EQUAL(manifest_take(s_src_c, missing, 2, &m, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "table 'invoices' does not exist"));
    free(path);
}

static void test_manifest_problems_are_errors(void)
{
    struct drill_probe p = s_probe(PROBE_SCHEMA);
    struct probe_result out;
    p.manifest = (char *)"no/such/manifest.json";
    probe_run(s_src_c, &p, "/nonexistent", &out);
    s_expect(&out, PROBE_ERROR, "cannot read manifest '/nonexistent/no/such/manifest.json'");

    char *path = xasprintf("%s/mysql.json", dbfixture_dir());
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f,
            "{\"format\": \"drh-manifest-1\", \"engine\": \"mysql\", \"schema_fingerprint\": "
            "\"sha256:%064d\", \"tables\": {}}",
            0);
    fclose(f);
    p.manifest = path;
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_ERROR, "is of a mysql database, the restored copy is postgres");
    free(path);
}

/* ---- integrity ---------------------------------------------------------- */

static void test_integrity_without_amcheck(void)
{
    struct drill_probe p = s_probe(PROBE_INTEGRITY);
    struct probe_result out;
    /* The master user may not create amcheck (not a trusted extension). */
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_PASS, "amcheck cannot be used");
    s_expect(&out, PROBE_PASS, "permission denied");
    s_expect(&out, PROBE_PASS, "read every row of 8 tables in full instead (1267 rows");
    s_expect(&out, PROBE_PASS, "indexes were not verified");

    struct drill_table missing[] = {{(char *)"orders", 1}, {(char *)"nope", 1}};
    p.tables = missing;
    p.n_tables = 2;
    probe_run(s_src_c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "nope does not exist");
}

static void test_integrity_with_amcheck(void)
{
    /* Installed by an administrator, as on RDS (rds_superuser), and granted. */
    CU_ASSERT_EQUAL_FATAL(dbfixture_sql(&s_src, NULL,
                                        "CREATE EXTENSION amcheck;\n"
                                        "GRANT EXECUTE ON FUNCTION bt_index_check(regclass, "
                                        "boolean) TO dbadmin",
                                        true, NULL),
                          0);
    struct drill_probe p = s_probe(PROBE_INTEGRITY);
    struct probe_result out;
    probe_run(s_src_c, &p, NULL, &out);
    /* 3 primary keys, the unique email, 3 more on orders; the perm_* tables
     * and empty_one have none. */
    s_expect(&out, PROBE_PASS, "amcheck verified 7 B-tree indexes of 3 tables");
    s_expect(&out, PROBE_PASS, "5 tables without one read in full");
}

/* A B-tree whose comparison function changes after the index was built:
 * amcheck sees the order invariant broken, as with real corruption (and
 * with glibc collation changes after an OS upgrade). */
static void test_integrity_finds_corrupt_index(void)
{
    CU_ASSERT_EQUAL_FATAL(
        dbfixture_sql(&s_src, NULL, "CREATE DATABASE damaged OWNER dbadmin", true, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        dbfixture_sql(&s_src, "damaged",
                      "CREATE EXTENSION amcheck;\n"
                      "GRANT EXECUTE ON FUNCTION bt_index_check(regclass, boolean) TO dbadmin;\n"
                      "CREATE FUNCTION drh_cmp(int, int) RETURNS int LANGUAGE sql IMMUTABLE AS\n"
                      "  'SELECT CASE WHEN $1 < $2 THEN -1 WHEN $1 > $2 THEN 1 ELSE 0 END';\n"
                      "CREATE OPERATOR CLASS drh_int_ops FOR TYPE int USING btree AS\n"
                      "  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=,\n"
                      "  OPERATOR 5 >, FUNCTION 1 drh_cmp(int, int);\n"
                      "CREATE TABLE damaged_t (v int);\n"
                      "INSERT INTO damaged_t SELECT generate_series(1, 2000);\n"
                      "CREATE INDEX damaged_t_idx ON damaged_t (v drh_int_ops);\n"
                      "ALTER TABLE damaged_t OWNER TO dbadmin;\n"
                      "CREATE OR REPLACE FUNCTION drh_cmp(int, int) RETURNS int LANGUAGE sql\n"
                      "  IMMUTABLE AS 'SELECT CASE WHEN $1 < $2 THEN 1 WHEN $1 > $2 THEN -1 "
                      "ELSE 0 END'",
                      true, NULL),
        0);
    struct db_target t = dbfixture_target(&s_src);
    struct db_conn *c = NULL;
    struct drh_err err;
    t.database = "damaged";
    CU_ASSERT_EQUAL_FATAL(db_connect(&t, &c, &err), DRH_OK);
    struct drill_probe p = s_probe(PROBE_INTEGRITY);
    struct probe_result out;
    probe_run(c, &p, NULL, &out);
    s_expect(&out, PROBE_FAIL, "integrity problems: index damaged_t_idx on public.damaged_t: ");
    db_close(c);
}

static const struct test_case cases[] = {
    {"manifest: take every table, save, load back field for field", test_manifest_take_save_load},
    {"a copy restored from a dump has the source's fingerprint and checksums",
     test_copy_has_same_manifest},
    {"schema and checksum probes pass on the restored copy", test_probes_pass_on_copy},
    {"checksum: order-independent, duplicates count, NULL is not ''",
     test_checksum_is_order_independent},
    {"checksums in parallel: slices and workers give the whole table's checksum",
     test_checksums_in_parallel},
    {"checksum probe: listed tables, unqualified names, unknown table",
     test_checksum_listed_tables},
    {"checksum probe names changed tables: rows or content", test_checksum_finds_changes},
    {"schema probe names the missing and extra index, column, table", test_schema_finds_changes},
    {"a manifest of listed tables is compared on those only", test_listed_manifest},
    {"a missing or foreign manifest is an error, not a failure", test_manifest_problems_are_errors},
    {"integrity without amcheck: full read, said plainly", test_integrity_without_amcheck},
    {"integrity with amcheck: every B-tree index checked", test_integrity_with_amcheck},
    {"integrity: a corrupt index fails the probe, named", test_integrity_finds_corrupt_index},
};

TEST_SUITE_FULL("probes-pg-data", cases, dbfixture_unavailable, s_init, s_cleanup)
