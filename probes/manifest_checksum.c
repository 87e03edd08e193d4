/*
 * The content half of a manifest: an order-independent hash of a table.
 * The server renders each row as text and hashes it (SHA-256), so only 64
 * hex digits per row cross the network; drh adds the row digests as 256-bit
 * numbers (mod 2^256) while they stream by, so memory stays constant and the
 * physical order of rows, which a dump and reload changes, does not matter.
 * A sum rather than an XOR: two equal rows add up instead of cancelling.
 * The checksum is SHA-256 of that sum. docs/probes.md has the definition.
 *
 * PostgreSQL's row text is ROW(r.*)::text. Hashing it on the server costs
 * a function call a row (sha256() over a bytea, then hex): several times
 * what sending the row costs. So drh reads the table with COPY (text),
 * turns each line back into the row's ROW(...)::text (record_out's quoting,
 * manifest_pg_record()) and hashes it here: the same checksum, at the
 * speed of COPY. MySQL's rows are still hashed by the server.
 */
#include "probes/manifest.h"

#include "buf.h"
#include "crypto.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* record_out() quotes a value that is empty or holds one of these (or
 * white space), doubling '"' and '\\' inside the quotes: 1 special, 2 also
 * doubled (and '\\' starts a COPY escape). */
static const unsigned char s_special[256] = {
    ['"'] = 2,  ['\\'] = 2, ['('] = 1,  [')'] = 1,  [','] = 1,  [' '] = 1,
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
};

/* The byte at *q, a COPY escape ("\\t") decoded; *q moves past it. */
static char s_copy_byte(const char **q, const char *stop)
{
    char ch = *(*q)++;
    if (ch != '\\' || *q >= stop)
        return ch;
    switch (ch = *(*q)++) {
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    case 'v':
        return '\v';
    default:
        return ch;
    }
}

size_t manifest_pg_record(const char *line, size_t len, char *out)
{
    if (len && line[len - 1] == '\n')
        len--;
    char *o = out;
    *o++ = '(';
    const char *p = line, *end = line + len;
    for (bool first = true;; first = false) {
        const char *stop = memchr(p, '\t', (size_t)(end - p));
        if (!stop)
            stop = end;
        if (!first)
            *o++ = ',';
        size_t n = (size_t)(stop - p);
        if (!(n == 2 && p[0] == '\\' && p[1] == 'N')) { /* \N: NULL, nothing */
            unsigned char worst = n == 0;
            for (size_t i = 0; i < n; i++)
                worst |= s_special[(unsigned char)p[i]];
            if (!worst) {
                memcpy(o, p, n);
                o += n;
            } else if (!(worst & 2)) {
                *o++ = '"';
                memcpy(o, p, n);
                o += n;
                *o++ = '"';
            } else {
                /* Escaped: whether to quote depends on the bytes they stand
                 * for (a backspace alone is not quoted). */
                bool quote = n == 0;
                for (const char *q = p; q < stop && !quote;)
                    quote = s_special[(unsigned char)s_copy_byte(&q, stop)] != 0;
                if (quote)
                    *o++ = '"';
                for (const char *q = p; q < stop;) {
                    char ch = s_copy_byte(&q, stop);
                    if (quote && s_special[(unsigned char)ch] == 2)
                        *o++ = ch;
                    *o++ = ch;
                }
                if (quote)
                    *o++ = '"';
            }
        }
        if (stop == end)
            break;
        p = stop + 1;
    }
    *o++ = ')';
    return (size_t)(o - out);
}

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
    /* PostgreSQL: the row rebuilt from COPY, and its hash */
    char *record;
    size_t cap;
    struct crypto_sha256 *sha;
};

static int s_sum_line(void *ctx, const char *line, size_t len)
{
    struct s_sum *s = ctx;
    unsigned char digest[CRYPTO_SHA256_LEN];
    if (s->cap < MANIFEST_PG_RECORD_MAX(len)) {
        s->cap = MANIFEST_PG_RECORD_MAX(len) * 2;
        free(s->record);
        s->record = xmalloc(s->cap);
    }
    size_t n = manifest_pg_record(line, len, s->record);
    crypto_sha256_update(s->sha, s->record, n);
    crypto_sha256_final(s->sha, digest);
    manifest_sum_add(s->sum, digest);
    s->rows++;
    return 0;
}

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

enum drh_status manifest_table_sum(struct db_conn *c, const char *table, long first, long end,
                                   int timeout, unsigned char sum[32], long long *rows,
                                   struct drh_err *err)
{
    struct s_sum s = {0};
    char *quoted = db_quote_ident(c, table), *sql;
    enum drh_status st = DRH_OK;
    if (db_flavor(c) == DB_POSTGRES) {
        /* ONLY: an inheritance child or partition is a table of its own and
         * is hashed as such, not a second time inside its parent. A query,
         * not COPY of the table, so that generated columns are in the row as
         * in ROW(r.*). A block range is a TID range scan (PostgreSQL 14+). */
        char range[96] = "";
        if (first >= 0 && end >= 0)
            snprintf(range, sizeof range, " WHERE ctid >= '(%ld,0)' AND ctid < '(%ld,0)'", first,
                     end);
        else if (first >= 0)
            snprintf(range, sizeof range, " WHERE ctid >= '(%ld,0)'", first);
        sql = xasprintf("COPY (SELECT * FROM ONLY %s%s) TO STDOUT", quoted, range);
        s.sha = crypto_sha256_new();
        st = db_copy_each(c, sql, timeout, s_sum_line, &s, err);
        crypto_sha256_free(s.sha);
        free(s.record);
    } else {
        sql = s_mysql_sql(c, table, quoted, timeout, err);
        if (!sql) {
            st = err->code;
            goto done;
        }
        st = db_query_each(c, sql, timeout, s_sum_row, &s, err);
    }
    if (st == DRH_OK && s.bad) {
        st = drh_err_set(err, DRH_E_INPUT,
                         "cannot hash a row of table '%s' on %s: the server returned no digest",
                         table, db_describe(c));
        if (db_flavor(c) == DB_MYSQL)
            drh_err_hint(err, "a row longer than max_allowed_packet cannot be hashed by SHA2(); "
                              "raise max_allowed_packet on the restored instance");
    }
    if (st == DRH_OK) {
        memcpy(sum, s.sum, sizeof s.sum);
        *rows = s.rows;
    }
done:
    free(sql);
    free(quoted);
    return st;
}

void manifest_sum_checksum(const unsigned char sum[32], char checksum[MANIFEST_HASH_SIZE])
{
    unsigned char digest[CRYPTO_SHA256_LEN];
    crypto_sha256(sum, 32, digest);
    memcpy(checksum, "sha256:", 7);
    crypto_hex(digest, sizeof digest, checksum + 7);
}

enum drh_status manifest_table_checksum(struct db_conn *c, const char *table, int timeout,
                                        long long *rows, char checksum[MANIFEST_HASH_SIZE],
                                        struct drh_err *err)
{
    unsigned char sum[32];
    enum drh_status st = manifest_table_sum(c, table, -1, -1, timeout, sum, rows, err);
    if (st == DRH_OK)
        manifest_sum_checksum(sum, checksum);
    return st;
}
