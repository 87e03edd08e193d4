/*
 * The content half of a manifest: an order-independent hash of a table.
 * The server renders each row as text and hashes it (SHA-256), so only 64
 * hex digits per row cross the network; drh adds the row digests as 256-bit
 * numbers (mod 2^256) while they stream by, so memory stays constant and the
 * physical order of rows, which a dump and reload changes, does not matter.
 * A sum rather than an XOR: two equal rows add up instead of cancelling.
 * The checksum is SHA-256 of that sum. docs/probes.md has the definition.
 */
#include "probes/manifest.h"

#include "buf.h"
#include "crypto.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

void manifest_sum_add(unsigned char sum[32], const unsigned char digest[32])
{
    unsigned carry = 0;
    for (int i = 31; i >= 0; i--) {
        unsigned v = (unsigned)sum[i] + (unsigned)digest[i] + carry;
        sum[i] = (unsigned char)(v & 0xff);
        carry = v >> 8;
    }
}

static int s_hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

struct s_sum {
    unsigned char sum[32];
    long long rows;
    bool bad; /* a row digest that was NULL or not 64 hex digits */
};

static int s_sum_row(void *ctx, size_t ncols, const char *const *names, const char *const *cells)
{
    struct s_sum *s = ctx;
    unsigned char digest[32];
    const char *hex = ncols ? cells[0] : NULL;
    if (!hex || strlen(hex) != 64) {
        s->bad = true;
        return 1;
    }
    for (size_t i = 0; i < 32; i++) {
        int hi = s_hex_value(hex[2 * i]), lo = s_hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            s->bad = true;
            return 1;
        }
        digest[i] = (unsigned char)(hi << 4 | lo);
    }
    manifest_sum_add(s->sum, digest);
    s->rows++;
    return 0;
}

static int s_column_row(void *ctx, size_t ncols, const char *const *names, const char *const *cells)
{
    struct buf *b = ctx;
    if (!ncols || !cells[0])
        return 0;
    char q[2] = "`";
    if (b->len)
        buf_puts(b, ", ");
    /* QUOTE() renders NULL as the bare word NULL and any value as a quoted,
     * escaped string, so NULL, '' and 'NULL' all differ; BINARY keeps the
     * column's own bytes and avoids collation clashes between columns. */
    buf_puts(b, "CAST(QUOTE(");
    buf_puts(b, q);
    for (const char *p = cells[0]; *p; p++) {
        if (*p == '`')
            buf_putc(b, '`');
        buf_putc(b, *p);
    }
    buf_puts(b, q);
    buf_puts(b, ") AS BINARY)");
    return 0;
}

/* MySQL has no whole-row text, so the row is spelled out column by column
 * in their ordinal order. */
static char *s_mysql_sql(struct db_conn *c, const char *table, const char *quoted, int timeout,
                         struct drh_err *err)
{
    struct buf cols;
    buf_init(&cols);
    char *lit = db_quote_literal(c, table);
    char *sql = xasprintf("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA "
                          "= DATABASE() AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION",
                          lit);
    enum drh_status st = db_query_each(c, sql, timeout, s_column_row, &cols, err);
    free(sql);
    free(lit);
    sql = NULL;
    if (st != DRH_OK)
        goto done;
    if (!cols.len) {
        drh_err_set(err, DRH_E_NOTFOUND, "table '%s' does not exist in %s", table, db_describe(c));
        goto done;
    }
    sql = xasprintf("SELECT SHA2(CONCAT_WS(',', %s), 256) FROM %s", buf_str(&cols), quoted);
done:
    buf_clean_up(&cols);
    return sql;
}

enum drh_status manifest_table_checksum(struct db_conn *c, const char *table, int timeout,
                                        long long *rows, char checksum[MANIFEST_HASH_SIZE],
                                        struct drh_err *err)
{
    struct s_sum s = {0};
    char *quoted = db_quote_ident(c, table), *sql;
    enum drh_status st = DRH_OK;
    if (db_flavor(c) == DB_POSTGRES) {
        /* ONLY: an inheritance child or partition is a table of its own and
         * is hashed as such, not a second time inside its parent. */
        sql = xasprintf("SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to("
                        "ROW(drh_r.*)::text, 'UTF8')), 'hex') FROM ONLY %s AS drh_r",
                        quoted);
    } else {
        sql = s_mysql_sql(c, table, quoted, timeout, err);
        if (!sql) {
            st = err->code;
            goto done;
        }
    }
    st = db_query_each(c, sql, timeout, s_sum_row, &s, err);
    if (st == DRH_OK && s.bad) {
        st = drh_err_set(err, DRH_E_INPUT,
                         "cannot hash a row of table '%s' on %s: the server returned no digest",
                         table, db_describe(c));
        if (db_flavor(c) == DB_MYSQL)
            drh_err_hint(err, "a row longer than max_allowed_packet cannot be hashed by SHA2(); "
                              "raise max_allowed_packet on the restored instance");
    }
    if (st != DRH_OK)
        goto done;
    unsigned char digest[CRYPTO_SHA256_LEN];
    crypto_sha256(s.sum, sizeof s.sum, digest);
    memcpy(checksum, "sha256:", 7);
    crypto_hex(digest, sizeof digest, checksum + 7);
    *rows = s.rows;
done:
    free(sql);
    free(quoted);
    return st;
}
