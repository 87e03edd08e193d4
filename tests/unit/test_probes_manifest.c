/* The parts of the probes that need no server: the 256-bit sum behind
 * checksums, the fingerprint, the schema diff messages, manifest files
 * that are broken in every way a hand or a crash can break them, look-ups
 * by table name, and the scrubbing of library messages. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "crypto.h"
#include "mem.h"
#include "probes/db_impl.h"
#include "probes/manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_sum_wraps_and_carries(void)
{
    unsigned char sum[32], one[32] = {0}, ff[32];
    memset(ff, 0xff, sizeof ff);
    one[31] = 1;
    memcpy(sum, ff, sizeof sum);
    manifest_sum_add(sum, one); /* 2^256 - 1 + 1 = 0 (mod 2^256) */
    for (size_t i = 0; i < 32; i++)
        CU_ASSERT_EQUAL(sum[i], 0);
    memset(sum, 0, sizeof sum);
    sum[31] = 0xff;
    manifest_sum_add(sum, one);
    CU_ASSERT_EQUAL(sum[31], 0);
    CU_ASSERT_EQUAL(sum[30], 1);
    /* Addition commutes: the order rows arrive in does not matter. */
    unsigned char a[32], b[32], x[32], y[32];
    crypto_sha256("row 1", 5, a);
    crypto_sha256("row 2", 5, b);
    memset(x, 0, sizeof x);
    memset(y, 0, sizeof y);
    manifest_sum_add(x, a);
    manifest_sum_add(x, b);
    manifest_sum_add(y, b);
    manifest_sum_add(y, a);
    CU_ASSERT_EQUAL(memcmp(x, y, 32), 0);
    /* Twice the same digest is not zero, unlike an XOR. */
    memset(x, 0, sizeof x);
    manifest_sum_add(x, a);
    manifest_sum_add(x, a);
    unsigned char zero[32] = {0};
    CU_ASSERT_NOT_EQUAL(memcmp(x, zero, 32), 0);
}

static void test_fingerprint(void)
{
    char *lines[] = {(char *)"column\tt\t1\tid\tinteger\tnot null", (char *)"table\tt"};
    char fp[MANIFEST_HASH_SIZE], hex[CRYPTO_SHA256_HEX_LEN + 1];
    const char text[] = "column\tt\t1\tid\tinteger\tnot null\ntable\tt\n";
    manifest_fingerprint(lines, 2, fp);
    crypto_sha256_hex(text, strlen(text), hex);
    CU_ASSERT_EQUAL(strncmp(fp, "sha256:", 7), 0);
    CU_ASSERT_STRING_EQUAL(fp + 7, hex);
    manifest_fingerprint(NULL, 0, fp);
    CU_ASSERT_STRING_EQUAL(
        fp, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_schema_diff(void)
{
    char *want[] = {(char *)"column\tgone\t1\tid\tint\tnull",
                    (char *)"column\tt\t1\tid\tint\tnull",
                    (char *)"index\tgone\tgone_pkey\tunique\tbtree\tid",
                    (char *)"index\tt\tt_idx\tnon-unique\tbtree\tid",
                    (char *)"table\tgone",
                    (char *)"table\tt"};
    char *have[] = {(char *)"column\tt\t1\tid\tint\tnot null", (char *)"table\tt"};
    char out[512];
    manifest_schema_diff(want, 6, have, 2, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "missing: table gone, column t 1 id int null, index t t_idx "
                                "non-unique btree id; extra: column t 1 id int not null");
    manifest_schema_diff(have, 2, have, 2, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "");
    char *many[] = {(char *)"table\ta", (char *)"table\tb", (char *)"table\tc", (char *)"table\td",
                    (char *)"table\te"};
    manifest_schema_diff(many, 5, NULL, 0, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "missing: table a, table b, table c (and 2 more)");
    manifest_schema_diff(NULL, 0, many, 1, out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "extra: table a");
}

static const char s_good[] =
    "{\"format\": \"drh-manifest-1\", \"engine\": \"postgres\", \"database\": \"app\", "
    "\"created\": \"2025-11-22T02:53:20Z\", \"schema_fingerprint\": \"sha256:"
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\", \"tables\": {"
    "\"public.orders\": {\"rows\": 1200, \"checksum\": \"sha256:"
    "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925\"}, "
    "\"audit.orders\": {\"rows\": 0, \"checksum\": \"sha256:"
    "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925\"}, "
    "\"public.items\": {\"rows\": 3, \"checksum\": \"sha256:"
    "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925\"}}}";

static void test_load_and_find(void)
{
    struct testenv *t = testenv_new();
    char *path = testenv_write(t, "m.json", s_good, 0644);
    struct manifest m;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(manifest_load(path, &m, &err), DRH_OK);
    CU_ASSERT_TRUE(m.all_tables); /* no "scope": every table */
    CU_ASSERT_EQUAL(m.n_schema, 0);
    CU_ASSERT_EQUAL(m.n_tables, 3);
    CU_ASSERT_STRING_EQUAL(m.tables[0].name, "audit.orders"); /* sorted */
    CU_ASSERT_EQUAL(manifest_find(&m, "public.orders")->rows, 1200);
    CU_ASSERT_EQUAL(manifest_find(&m, "items")->rows, 3);
    CU_ASSERT_PTR_NULL(manifest_find(&m, "orders")); /* in two schemas */
    CU_ASSERT_PTR_NULL(manifest_find(&m, "other.items"));
    CU_ASSERT_PTR_NULL(manifest_find(&m, "nothing"));

    /* A round trip keeps everything, and the scope. */
    char *copy = xasprintf("%s/copy.json", t->dir);
    struct manifest back;
    m.all_tables = false;
    CU_ASSERT_EQUAL_FATAL(manifest_save(&m, copy, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(manifest_load(copy, &back, &err), DRH_OK);
    CU_ASSERT_FALSE(back.all_tables);
    CU_ASSERT_STRING_EQUAL(back.created, "2025-11-22T02:53:20Z");
    CU_ASSERT_STRING_EQUAL(back.tables[2].checksum, m.tables[2].checksum);
    manifest_clean_up(&back);
    manifest_clean_up(&back); /* cleaned up twice: harmless */
    manifest_clean_up(NULL);

    CU_ASSERT_EQUAL(manifest_save(&m, "/nonexistent/dir/m.json", &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot write manifest"));
    manifest_clean_up(&m);
    free(copy);
    free(path);
    testenv_free(t);
}

struct s_bad_case {
    const char *text;
    const char *message;
};

static const struct s_bad_case s_bad[] = {
    {"{\"format\": ", "invalid JSON"},
    {"[]", "not a drh manifest"},
    {"{\"format\": \"drh-manifest-2\"}", "not a drh manifest"},
    {"{\"format\": \"drh-manifest-1\", \"engine\": \"oracle\"}", "\"engine\" must be"},
    {"{\"format\": \"drh-manifest-1\", \"engine\": \"mysql\", \"schema_fingerprint\": \"md5:00\"}",
     "\"schema_fingerprint\" must be"},
    {"{\"format\": \"drh-manifest-1\", \"engine\": \"mysql\", \"scope\": \"some\"}",
     "\"scope\" must be"},
    {"{\"format\": \"drh-manifest-1\", \"engine\": \"mysql\", \"schema_fingerprint\": \"sha256:"
     "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\"}",
     "\"schema_fingerprint\" must be"},
    {"{\"format\": \"drh-manifest-1\", \"engine\": \"mysql\", \"schema_fingerprint\": \"sha256:"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}",
     "\"tables\" must be an object"},
    {"{\"format\": \"drh-manifest-1\", \"engine\": \"mysql\", \"schema_fingerprint\": \"sha256:"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\", \"schema\": [1], "
     "\"tables\": {}}",
     "\"schema\" must be an array of strings"},
    {"{\"format\": \"drh-manifest-1\", \"engine\": \"mysql\", \"schema_fingerprint\": \"sha256:"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\", \"tables\": "
     "{\"t\": {\"rows\": -1, \"checksum\": \"sha256:"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}}}",
     "table \"t\" needs \"rows\""},
    {"{\"format\": \"drh-manifest-1\", \"engine\": \"mysql\", \"schema_fingerprint\": \"sha256:"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\", \"tables\": "
     "{\"t\": {\"rows\": 1.5, \"checksum\": \"sha256:"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}}}",
     "table \"t\" needs \"rows\""},
    {"{\"format\": \"drh-manifest-1\", \"engine\": \"mysql\", \"schema_fingerprint\": \"sha256:"
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\", \"tables\": "
     "{\"t\": {\"rows\": 1}}}",
     "and \"checksum\" (sha256:<64 hex>)"},
};

static void test_load_refuses_broken_files(void)
{
    struct testenv *t = testenv_new();
    struct manifest m;
    struct drh_err err;
    char *missing = xasprintf("%s/none.json", t->dir);
    CU_ASSERT_EQUAL(manifest_load(missing, &m, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot read manifest"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "drh manifest"));
    free(missing);
    for (size_t i = 0; i < sizeof s_bad / sizeof s_bad[0]; i++) {
        char *path = testenv_write(t, "bad.json", s_bad[i].text, 0644);
        drh_err_clear(&err);
        enum drh_status st = manifest_load(path, &m, &err);
        if (st != DRH_E_INPUT || !strstr(err.msg, s_bad[i].message) ||
            !strstr(err.msg, "manifest '"))
            TEST_FAILF("case %zu: %s: %s", i, drh_status_name(st), err.msg);
        free(path);
    }
    testenv_free(t);
}

static void test_messages_are_scrubbed(void)
{
    char *m = db_clean_message("FATAL:  password authentication failed for \"u\"\n"
                               "DETAIL: tried Sekr3t-pw and Sekr3t-pw\n\n",
                               "Sekr3t-pw");
    CU_ASSERT_STRING_EQUAL(m, "FATAL:  password authentication failed for \"u\"; DETAIL: tried "
                              "<redacted> and <redacted>");
    free(m);
    m = db_clean_message("plain", NULL);
    CU_ASSERT_STRING_EQUAL(m, "plain");
    free(m);
    m = db_clean_message(NULL, "");
    CU_ASSERT_STRING_EQUAL(m, "");
    free(m);

    char out[200];
    db_sql_excerpt("  SELECT *\n\tFROM   t  ", out, sizeof out);
    CU_ASSERT_STRING_EQUAL(out, "SELECT * FROM t");
    char *long_sql = xcalloc(1, 400);
    memset(long_sql, 'x', 399);
    db_sql_excerpt(long_sql, out, sizeof out);
    CU_ASSERT_EQUAL(strlen(out), 163);
    CU_ASSERT_STRING_EQUAL(out + 160, "...");
    db_sql_excerpt(long_sql, out, 10);
    CU_ASSERT_EQUAL(strlen(out), 9);
    free(long_sql);
}

static void test_connect_needs_a_target(void)
{
    struct db_target t = {0};
    struct db_conn *c = NULL;
    struct drh_err err;
    t.flavor = DB_MYSQL;
    t.host = "127.0.0.1";
    t.port = 3306;
    CU_ASSERT_EQUAL(db_connect(&t, &c, &err), DRH_E_CONFIG); /* no user */
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot connect to mysql"));
    t.user = "u";
    t.port = 70000;
    CU_ASSERT_EQUAL(db_connect(&t, &c, &err), DRH_E_CONFIG);
    CU_ASSERT_STRING_EQUAL(db_flavor_name(DB_POSTGRES), "postgres");
    db_close(NULL);
}

static void s_expect_record(const char *copy_line, const char *want)
{
    size_t len = strlen(copy_line);
    char *out = xmalloc(MANIFEST_PG_RECORD_MAX(len));
    size_t n = manifest_pg_record(copy_line, len, out);
    CU_ASSERT_EQUAL(n, strlen(want));
    CU_ASSERT_NSTRING_EQUAL(out, want, strlen(want));
    if (n != strlen(want) || strncmp(out, want, n) != 0)
        fprintf(stderr, "\n  COPY %s -> %.*s, want %s\n", copy_line, (int)n, out, want);
    free(out);
}

/* What ROW(r.*)::text gives (record_out) for the row COPY printed. */
static void test_pg_record_from_copy(void)
{
    s_expect_record("1\tx\n", "(1,x)");
    s_expect_record("2\t\\N\n", "(2,)");  /* NULL: nothing */
    s_expect_record("3\t\n", "(3,\"\")"); /* '' is quoted */
    s_expect_record("\\N\t\\N", "(,)");   /* no newline, all NULL */
    s_expect_record("a b\t(p)\tc,d", "(\"a b\",\"(p)\",\"c,d\")");
    s_expect_record("q\"t", "(\"q\"\"t\")");                   /* '"' doubled */
    s_expect_record("back\\\\slash", "(\"back\\\\slash\")");   /* COPY \\\\ is one '\\', doubled */
    s_expect_record("tab\\there\\nnl", "(\"tab\there\nnl\")"); /* escapes decoded, quoted */
    s_expect_record("bs\\bx", "(bs\bx)");                      /* a backspace alone: not quoted */
    s_expect_record("\\\\N", "(\"\\\\N\")");                   /* the text \\N, not NULL */
    s_expect_record("{\"a b\",NULL}\t2024-01-01 00:00:00+00",
                    "(\"{\"\"a b\"\",NULL}\",\"2024-01-01 00:00:00+00\")");
}

static const struct test_case cases[] = {
    {"COPY text lines become ROW(...)::text: NULL, '', quotes, escapes", test_pg_record_from_copy},
    {"row digests add mod 2^256: wrap, carry, any order, no cancelling",
     test_sum_wraps_and_carries},
    {"the fingerprint is SHA-256 of the lines, each ending in a newline", test_fingerprint},
    {"schema diff: tables first, a missing table hides its columns, at most 3", test_schema_diff},
    {"manifest files load, sort, find tables by name, round-trip", test_load_and_find},
    {"broken manifest files are refused with the file and the field named",
     test_load_refuses_broken_files},
    {"library messages: one line, password scrubbed; statements cut", test_messages_are_scrubbed},
    {"connect refuses a target without host, port or user", test_connect_needs_a_target},
};

TEST_SUITE("probes-manifest", cases)
