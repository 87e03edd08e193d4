/* drh's canary chain (harness/canary/): hash vectors computed apart from
 * drh (printf ... | sha256sum), verification of a good chain and of each
 * kind of break (a lost write, a rewritten or reordered pair, an altered
 * canary, a pruned start), the EFS file written for real in a temporary
 * folder (first line a time, atomic, keep, the chain continued across
 * calls) and read back by the files canary probe, the S3 key and body
 * formats, and `drh canary`'s per-drill writer on an efs resource. */
#include "support/testreg.h"

#include "canary/canary.h"
#include "cli_canary.h"
#include "mem.h"
#include "probes/probe.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZERO "0000000000000000000000000000000000000000000000000000000000000000"
/* printf 'drh-canary-v1|orders-drill/orders|1|1763805600123456|ZERO' | sha256sum */
#define H1 "9872df88d04a31df6080f232e2d67e34fbe3ceb58dbdac8bca91e0dd6d43dbb2"
/* printf 'drh-canary-v1|orders-drill/orders|2|1763805900000001|H1' | sha256sum */
#define H2 "498f05597eef3f7d1708358752320354e02c04109eefa87e5e4b5d7bed02ef9f"
#define T1 1763805600123456LL /* 2025-11-22T10:00:00.123456Z */

static void test_hash_vectors(void)
{
    char h[CANARY_HEX + 1];
    canary_hash("orders-drill", "orders", 1, T1, ZERO, h);
    CU_ASSERT_STRING_EQUAL(h, H1);
    canary_hash("orders-drill", "orders", 2, 1763805900000001LL, H1, h);
    CU_ASSERT_STRING_EQUAL(h, H2);
    /* another resource's chain hashes apart */
    canary_hash("orders-drill", "orders2", 1, T1, ZERO, h);
    CU_ASSERT_STRING_NOT_EQUAL(h, H1);

    struct canary a, b;
    canary_next("orders-drill", "orders", NULL, T1, &a);
    CU_ASSERT_EQUAL(a.seq, 1);
    CU_ASSERT_STRING_EQUAL(a.prev_hash, ZERO);
    CU_ASSERT_STRING_EQUAL(a.hash, H1);
    canary_next("orders-drill", "orders", &a, 1763805900000001LL, &b);
    CU_ASSERT_EQUAL(b.seq, 2);
    CU_ASSERT_STRING_EQUAL(b.prev_hash, H1);
    CU_ASSERT_STRING_EQUAL(b.hash, H2);
}

static void test_times_and_numbers(void)
{
    char t[CANARY_TIME_LEN];
    canary_format_time(T1, 'T', t);
    CU_ASSERT_STRING_EQUAL(t, "2025-11-22T10:00:00.123456Z");
    canary_format_time(T1 + 876544, ' ', t);
    CU_ASSERT_STRING_EQUAL(t, "2025-11-22 10:00:01.000000");
    canary_format_time(7, 'T', t);
    CU_ASSERT_STRING_EQUAL(t, "1970-01-01T00:00:00.000007Z");
    long long v = 0;
    CU_ASSERT_TRUE(canary_parse_ll("42", &v));
    CU_ASSERT_EQUAL(v, 42);
    CU_ASSERT_FALSE(canary_parse_ll("42x", &v));
    CU_ASSERT_FALSE(canary_parse_ll("", &v));
    CU_ASSERT_FALSE(canary_parse_ll(NULL, &v));
    CU_ASSERT_TRUE(canary_is_hex(H1));
    CU_ASSERT_FALSE(
        canary_is_hex("9872DF88d04a31df6080f232e2d67e34fbe3ceb58dbdac8bca91e0dd6d43dbb2"));
    CU_ASSERT_FALSE(canary_is_hex("abc"));
}

/* n canaries 1..n of orders-drill/orders, five minutes apart. */
static void s_chain(struct canary *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        canary_next("orders-drill", "orders", i ? &c[i - 1] : NULL, T1 + (long long)i * 300000000LL,
                    &c[i]);
}

/* Verifies c[from..n) with identity (or links only when drill is NULL). */
static bool s_verify(const struct canary *c, size_t from, size_t n, const char *drill,
                     struct canary_verify *v)
{
    canary_verify_init(v, drill, "orders");
    bool ok = true;
    for (size_t i = from; i < n; i++)
        ok = canary_verify_add(v, &c[i]) && ok;
    return ok;
}

static void s_expect_break(const struct canary *c, size_t n, const char *want)
{
    struct canary_verify v;
    CU_ASSERT_FALSE(s_verify(c, 0, n, "orders-drill", &v));
    CU_ASSERT_TRUE(v.broken);
    if (strcmp(v.error, want) != 0)
        TEST_FAILF("wanted '%s', got '%s'", want, v.error);
}

static void test_verify_good_and_pruned(void)
{
    struct canary c[10];
    s_chain(c, 10);
    struct canary_verify v;
    char s[200];
    CU_ASSERT_TRUE(s_verify(c, 0, 10, "orders-drill", &v));
    CU_ASSERT_EQUAL(v.n, 10);
    CU_ASSERT_EQUAL(v.first_seq, 1);
    CU_ASSERT_EQUAL(v.newest.seq, 10);
    CU_ASSERT_EQUAL(v.newest.written_us, T1 + 9 * 300000000LL);
    canary_verify_summary(&v, s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "chain of 10 verified (seq 1..10)");
    /* pruned past: the first canary present is the anchor */
    CU_ASSERT_TRUE(s_verify(c, 6, 10, "orders-drill", &v));
    canary_verify_summary(&v, s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "chain of 4 verified (seq 7..10)");
    /* another resource's identity: the first hash already differs */
    canary_verify_init(&v, "orders-drill", "billing");
    CU_ASSERT_FALSE(canary_verify_add(&v, &c[0]));
    CU_ASSERT_STRING_EQUAL(v.error, "canary chain broken at seq 1: seq 1's hash does not match its "
                                    "contents (altered)");
    /* nothing yet */
    canary_verify_init(&v, "orders-drill", "orders");
    canary_verify_summary(&v, s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "no chained canary");
}

static void test_verify_missing(void)
{
    struct canary c[6], gap[5];
    s_chain(c, 6);
    memcpy(gap, c, 2 * sizeof *c); /* 1, 2, 4, 5, 6 */
    memcpy(gap + 2, c + 3, 3 * sizeof *c);
    s_expect_break(gap, 5, "canary chain broken at seq 4: seq 3 is missing (lost write)");
    struct canary wide[3] = {c[0], c[1], c[4]}; /* 1, 2, 5 */
    s_expect_break(wide, 3, "canary chain broken at seq 5: seqs 3 to 4 are missing (lost writes)");
}

static void test_verify_swapped_and_altered(void)
{
    struct canary c[5];
    s_chain(c, 5);
    /* seq 3 and 4 rewritten with each other's times (hashes recomputed) */
    struct canary sw[5];
    memcpy(sw, c, sizeof c);
    sw[2].written_us = c[3].written_us;
    sw[3].written_us = c[2].written_us;
    canary_hash("orders-drill", "orders", 3, sw[2].written_us, sw[2].prev_hash, sw[2].hash);
    canary_hash("orders-drill", "orders", 4, sw[3].written_us, sw[3].prev_hash, sw[3].hash);
    s_expect_break(sw, 5,
                   "canary chain broken at seq 4: seq 4's prev_hash does not match seq 3's hash "
                   "(reordered or rewritten)");
    /* a pair listed in the wrong order */
    struct canary order[5] = {c[0], c[1], c[3], c[2], c[4]};
    s_expect_break(order, 5, "canary chain broken at seq 4: seq 3 is missing (lost write)");
    struct canary back[4] = {c[0], c[1], c[2], c[1]};
    s_expect_break(back, 4, "canary chain broken at seq 2: seq 2 comes after seq 3 (reordered)");
    /* altered time, hash left as it was */
    struct canary alt[5];
    memcpy(alt, c, sizeof c);
    alt[2].written_us += 1;
    s_expect_break(alt, 5,
                   "canary chain broken at seq 3: seq 3's hash does not match its contents "
                   "(altered)");
    /* without the identity only links and seqs are checked */
    struct canary_verify v;
    CU_ASSERT_TRUE(s_verify(alt, 0, 5, NULL, &v));
    char s[200];
    canary_verify_summary(&v, s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "links of 5 verified (seq 1..5)");
    /* seq 1 must start from 64 zeros */
    struct canary first = c[0];
    first.prev_hash[0] = '1';
    canary_hash("orders-drill", "orders", 1, first.written_us, first.prev_hash, first.hash);
    s_expect_break(&first, 1,
                   "canary chain broken at seq 1: seq 1's prev_hash is not 64 zeros "
                   "(rewritten)");
    /* a malformed hash */
    struct canary bad = c[0];
    bad.hash[10] = 'X';
    s_expect_break(&bad, 1,
                   "canary chain broken at seq 1: seq 1's hashes are not 64 hex digits "
                   "(altered)");
}

static char *s_tmpdir(void)
{
    char tmpl[] = "/tmp/drh-canary-XXXXXX";
    char *d = mkdtemp(tmpl) ? xstrdup(tmpl) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    return d;
}

static void s_rmdir(char *d)
{
    char *cmd = xasprintf("rm -rf '%s'", d);
    CU_ASSERT_EQUAL(system(cmd), 0);
    free(cmd);
    free(d);
}

static char *s_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = xcalloc(1, 1 << 20);
    size_t n = fread(text, 1, (1 << 20) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static size_t s_entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static void test_efs_writer(void)
{
    char *dir = s_tmpdir();
    struct drh_err err;
    struct canary c[5];
    for (int i = 0; i < 5; i++) {
        drh_err_clear(&err);
        CU_ASSERT_EQUAL_FATAL(canary_efs_write(dir, ".drh-canary", "orders-drill", "files", 3,
                                               T1 + i * 300000000LL, &c[i], &err),
                              DRH_OK);
        CU_ASSERT_EQUAL(c[i].seq, i + 1);
        if (i)
            CU_ASSERT_STRING_EQUAL(c[i].prev_hash, c[i - 1].hash);
    }
    CU_ASSERT_EQUAL(s_entries(dir), 1); /* no temporary file left */
    char *path = xasprintf("%s/.drh-canary", dir);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);
    char *text = s_slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char l5[200], l4[200], l3[200];
    canary_efs_line(&c[4], l5, sizeof l5);
    canary_efs_line(&c[3], l4, sizeof l4);
    canary_efs_line(&c[2], l3, sizeof l3);
    char *want = xasprintf("2025-11-22T10:20:00.123456Z\n%s\n%s\n%s\n", l5, l4, l3);
    CU_ASSERT_STRING_EQUAL(text, want);
    CU_ASSERT_PTR_NOT_NULL(strstr(l5, "drh-canary-v1 seq=5 us=1763806800123456 prev="));
    struct canary_verify v;
    size_t lines = 0;
    canary_verify_init(&v, "orders-drill", "files");
    canary_efs_verify_text(text, strlen(text), &v, &lines);
    CU_ASSERT_EQUAL(lines, 3);
    CU_ASSERT_FALSE(v.broken);
    CU_ASSERT_EQUAL(v.first_seq, 3);
    CU_ASSERT_EQUAL(v.newest.seq, 5);
    free(want);
    free(text);

    /* an older file (one time line) is continued from seq 1 */
    FILE *f = fopen(path, "w");
    fputs("2024-01-01T00:00:00Z\n", f);
    fclose(f);
    struct canary n1;
    CU_ASSERT_EQUAL(canary_efs_write(dir, ".drh-canary", "orders-drill", "files", 3, T1, &n1, &err),
                    DRH_OK);
    CU_ASSERT_EQUAL(n1.seq, 1);
    CU_ASSERT_STRING_EQUAL(n1.prev_hash, ZERO);

    /* a mount that is not there is named */
    char *gone = xasprintf("%s/not-mounted", dir);
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(canary_efs_write(gone, ".drh-canary", "d", "files", 3, T1, &n1, &err),
                    DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, gone));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "canary.mount"));
    free(gone);
    free(path);
    s_rmdir(dir);
}

/* Whose chain the probes of s_probe_file() verify. */
static const char *s_chain_resource = "files";

static void s_probe_file(const char *dir, const char *text, struct probe_result *out)
{
    char *path = xasprintf("%s/.drh-canary", dir);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    free(path);
    struct drill_probe p = {0};
    p.name = (char *)"canary";
    p.kind = PROBE_CANARY;
    p.timeout = 30;
    p.chain_drill = (char *)"orders-drill";
    p.chain_resource = (char *)s_chain_resource;
    probe_tree_run(dir, &p, NULL, 0, out);
}

static void test_efs_probe(void)
{
    char *dir = s_tmpdir();
    struct drh_err err;
    struct canary c[4];
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL_FATAL(canary_efs_write(dir, ".drh-canary", "orders-drill", "files", 100,
                                               T1 + i * 300000000LL, &c[i], &err),
                              DRH_OK);
    char *path = xasprintf("%s/.drh-canary", dir);
    char *good = s_slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(good);
    struct drill_probe p = {0};
    p.name = (char *)"canary";
    p.kind = PROBE_CANARY;
    p.timeout = 30;
    p.chain_drill = (char *)"orders-drill";
    p.chain_resource = (char *)"files";
    struct probe_result out;
    probe_tree_run(dir, &p, NULL, 0, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_PASS);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "chain of 4 verified (seq 1..4)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "written 2025-11-22T10:15:00Z"));
    CU_ASSERT_DOUBLE_EQUAL(out.canary_time, (double)c[3].written_us / 1e6, 1e-6);

    /* two lines swapped: reordered */
    char l[4][200];
    for (int i = 0; i < 4; i++)
        canary_efs_line(&c[i], l[i], sizeof l[i]);
    char *text = xasprintf("2025-11-22T10:15:00.123456Z\n%s\n%s\n%s\n%s\n", l[3], l[1], l[2], l[0]);
    s_probe_file(dir, text, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(
        out.message, "canary chain broken at seq 3: seq 3 is listed after seq 2 (reordered)"));
    free(text);
    /* a middle line gone: lost */
    text = xasprintf("2025-11-22T10:15:00.123456Z\n%s\n%s\n%s\n", l[3], l[1], l[0]);
    s_probe_file(dir, text, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(out.message, "canary chain broken at seq 4: seq 3 is missing (lost write)"));
    free(text);
    /* the first line edited to look newer: altered */
    text = xasprintf("2025-11-23T10:15:00Z\n%s\n%s\n%s\n%s\n", l[3], l[2], l[1], l[0]);
    s_probe_file(dir, text, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "first line's time does not match seq 4's"));
    free(text);
    /* a line of another resource's chain: altered */
    s_chain_resource = "other";
    s_probe_file(dir, good, &out);
    s_chain_resource = "files";
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "seq 1's hash does not match its contents"));
    /* an older file of one time line: read as before */
    s_probe_file(dir, "2024-05-01T12:30:15Z\n", &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_PASS);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "from its first line"));
    CU_ASSERT_DOUBLE_EQUAL(out.canary_time, 1714566615.0, 1e-6);
    free(good);
    free(path);
    s_rmdir(dir);
}

static void test_efs_lines(void)
{
    struct canary c, back;
    canary_next("d", "r", NULL, T1, &c);
    char line[200];
    CU_ASSERT_TRUE(canary_efs_line(&c, line, sizeof line));
    CU_ASSERT_TRUE(canary_efs_parse_line(line, strlen(line), &back));
    CU_ASSERT_EQUAL(back.seq, 1);
    CU_ASSERT_EQUAL(back.written_us, T1);
    CU_ASSERT_STRING_EQUAL(back.hash, c.hash);
    CU_ASSERT_FALSE(canary_efs_line(&c, line, 40));
    const char *bad[] = {"drh-canary-v1 seq=1 us=5 prev=" ZERO,
                         "drh-canary-v2 seq=1 us=5 prev=" ZERO " hash=" H1,
                         "drh-canary-v1 seq=x us=5 prev=" ZERO " hash=" H1,
                         "drh-canary-v1 seq=1 us=5 prev=" ZERO " hash=" H1 " more",
                         "drh-canary-v1 seq=1 us=5 prev=" ZERO ZERO " hash=" H1,
                         "2024-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (canary_efs_parse_line(bad[i], strlen(bad[i]), &back))
            TEST_FAILF("'%s' parsed as a chain line", bad[i]);
}

static void test_s3_formats(void)
{
    char *key = canary_s3_key(CANARY_S3_PREFIX, 42);
    CU_ASSERT_STRING_EQUAL(key, "drh-canary/chain/00000000000000000042.json");
    long long seq = 0;
    CU_ASSERT_TRUE(canary_s3_key_seq(CANARY_S3_PREFIX, key, &seq));
    CU_ASSERT_EQUAL(seq, 42);
    free(key);
    const char *not_chain[] = {
        "drh-canary/20261122T100000Z-abcd",           "drh-canary/chain/42.json",
        "drh-canary/chain/0000000000000000004x.json", "drh-canary/chain/00000000000000000042.jso",
        "drh-canary/chain/00000000000000000000.json", "other/00000000000000000042.json"};
    for (size_t i = 0; i < sizeof not_chain / sizeof *not_chain; i++)
        if (canary_s3_key_seq(CANARY_S3_PREFIX, not_chain[i], &seq))
            TEST_FAILF("'%s' taken for a chain key", not_chain[i]);

    struct canary c;
    canary_next("orders-drill", "orders", NULL, T1, &c);
    char *body = canary_s3_body("orders-drill", "orders", &c);
    CU_ASSERT_STRING_EQUAL(body, "{\"drill\":\"orders-drill\",\"resource\":\"orders\",\"seq\":1,"
                                 "\"written_at\":\"2025-11-22T10:00:00.123456Z\","
                                 "\"written_us\":1763805600123456,\"prev_hash\":\"" ZERO "\","
                                 "\"hash\":\"" H1 "\"}\n");
    struct canary back;
    char *drill = NULL, *resource = NULL;
    struct drh_err err;
    CU_ASSERT_EQUAL(canary_s3_parse(body, strlen(body), "k", &back, &drill, &resource, &err),
                    DRH_OK);
    CU_ASSERT_EQUAL(back.seq, 1);
    CU_ASSERT_EQUAL(back.written_us, T1);
    CU_ASSERT_STRING_EQUAL(back.hash, H1);
    CU_ASSERT_STRING_EQUAL(drill, "orders-drill");
    CU_ASSERT_STRING_EQUAL(resource, "orders");
    free(drill);
    free(resource);
    free(body);
    const char *junk = "{\"drh_canary\":\"run\",\"written_at\":\"2025-11-22T10:00:00Z\"}";
    CU_ASSERT_EQUAL(
        canary_s3_parse(junk, strlen(junk), "drh-canary/chain/x", &back, NULL, NULL, &err),
        DRH_E_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "drh-canary/chain/x"));
    CU_ASSERT_EQUAL(canary_s3_parse("{", 1, "k", &back, NULL, NULL, &err), DRH_E_PARSE);
}

/* canary_write_drill's stdout as text; rc in *rc. */
static char *s_write_drill(const struct drill *d, long long now, int *rc)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    *rc = canary_write_drill(d, now, f);
    rewind(f);
    char *text = xcalloc(1, 4096);
    size_t n = fread(text, 1, 4095, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void test_write_drill_efs(void)
{
    char *dir = s_tmpdir();
    struct drill_resource r[2];
    memset(r, 0, sizeof r);
    r[0].name = (char *)"files";
    r[0].type = DRILL_EFS;
    r[0].canary.present = true;
    r[0].canary.mount = dir;
    r[0].canary.keep = 10;
    r[1].name = (char *)"web";
    r[1].type = DRILL_EC2;
    struct drill d = {0};
    d.name = (char *)"orders-drill";
    d.resources = r;
    d.n_resources = 2;
    int rc = -1;
    char *out = s_write_drill(&d, T1, &rc);
    CU_ASSERT_EQUAL(rc, 0);
    char *want = xasprintf("files: canary seq 1 written 2025-11-22T10:00:00.123456Z (file "
                           "%s/.drh-canary)\n",
                           dir);
    CU_ASSERT_STRING_EQUAL(out, want);
    free(want);
    free(out);
    out = s_write_drill(&d, T1 + 300000000LL, &rc);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "files: canary seq 2 written 2025-11-22T10:05:00.123456Z"));
    free(out);
    /* the mount gone: a write failed, exit 3 */
    char *gone = xasprintf("%s/gone", dir);
    r[0].canary.mount = gone;
    out = s_write_drill(&d, T1, &rc);
    CU_ASSERT_EQUAL(rc, 3);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    /* no mount at all: the drill is incomplete, exit 2 */
    r[0].canary.mount = NULL;
    out = s_write_drill(&d, T1, &rc);
    CU_ASSERT_EQUAL(rc, 2);
    free(out);
    /* nothing has a canary: exit 2 */
    r[0].canary.present = false;
    CU_ASSERT_FALSE(canary_wanted(&r[0]));
    out = s_write_drill(&d, T1, &rc);
    CU_ASSERT_EQUAL(rc, 2);
    free(out);
    /* rds: a canary probe alone is enough */
    struct drill_probe p = {0};
    p.kind = PROBE_CANARY;
    struct drill_resource db = {0};
    db.type = DRILL_RDS;
    CU_ASSERT_FALSE(canary_wanted(&db));
    db.probes = &p;
    db.n_probes = 1;
    CU_ASSERT_TRUE(canary_wanted(&db));
    free(gone);
    s_rmdir(dir);
}

static const char s_efs_drill[] =
    "{\"drill\": {\"name\": \"files-drill\"},\n"
    " \"source\": {\"account\": \"111111111111\", \"region\": \"us-east-1\", \"vault\": "
    "\"prod-vault\"},\n"
    " \"target\": {\"account\": \"222222222222\", \"region\": \"us-east-1\", \"vault\": "
    "\"dr-vault\",\n"
    "   \"isolation\": {\"subnet\": \"subnet-0d0e1a2b3c4d5e6f7\", \"security_groups\": "
    "[\"sg-0drh0isolated0001\"]}},\n"
    " \"resources\": [{\"name\": \"files\", \"type\": \"efs\",\n"
    "   \"source\": \"fs-0123456789abcdef0\",\n"
    "   \"restore\": {\"mount\": {\"point\": \"/tmp/x\", \"mount\": \"true\", \"unmount\": "
    "\"true\"}},\n"
    "   \"probes\": [{\"kind\": \"canary\", \"file\": \"canary.txt\"}],\n"
    "   \"canary\": {\"mount\": \"%s\", \"keep\": 2}}]}\n";

static int s_cli(int argc, const char **argv)
{
    return cli_canary_commands[0].run(argc, (char **)argv);
}

static void test_cli(void)
{
    CU_ASSERT_EQUAL(cli_canary_command_count, 1);
    CU_ASSERT_STRING_EQUAL(cli_canary_commands[0].name, "canary");
    CU_ASSERT_PTR_NOT_NULL(strstr(cli_canary_commands[0].usage, "*/5 * * * * drh canary"));
    const char *none[] = {"canary", "--once"};
    CU_ASSERT_EQUAL(s_cli(2, none), 2);
    const char *bad[] = {"canary", "--every", "5m", "x.json"};
    CU_ASSERT_EQUAL(s_cli(4, bad), 2);
    const char *missing[] = {"canary", "/nonexistent/drill.json"};
    CU_ASSERT_EQUAL(s_cli(2, missing), 2);

    char *dir = s_tmpdir();
    char *path = xasprintf("%s/files.json", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, s_efs_drill, dir);
    fclose(f);
    const char *run[] = {"canary", "--once", path};
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(s_cli(3, run), 0);
    char *canary = xasprintf("%s/canary.txt", dir);
    char *text = s_slurp(canary);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    struct canary_verify v;
    size_t lines = 0;
    canary_verify_init(&v, "files-drill", "files");
    canary_efs_verify_text(text, strlen(text), &v, &lines);
    CU_ASSERT_EQUAL(lines, 2); /* keep 2 */
    CU_ASSERT_FALSE(v.broken);
    CU_ASSERT_EQUAL(v.newest.seq, 3);
    free(text);
    free(canary);
    free(path);
    s_rmdir(dir);
}

static const struct test_case cases[] = {
    {"hash vectors", test_hash_vectors},
    {"times and numbers", test_times_and_numbers},
    {"verify good chain and pruned start", test_verify_good_and_pruned},
    {"verify missing seqs", test_verify_missing},
    {"verify swapped and altered", test_verify_swapped_and_altered},
    {"efs writer", test_efs_writer},
    {"efs probe", test_efs_probe},
    {"efs lines", test_efs_lines},
    {"s3 key and body", test_s3_formats},
    {"write drill efs", test_write_drill_efs},
    {"drh canary", test_cli},
};

TEST_SUITE("canary", cases)
