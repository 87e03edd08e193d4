/*
 * Canaries in a database table (canary.h), PostgreSQL or MySQL / MariaDB
 * through probes/db.h. The writer makes the table, or adds the chain
 * columns to an older one (the demo's drh_canary(id serial, written_at)),
 * and appends the next canary in one transaction under a writer lock (a
 * table lock in PostgreSQL, a named lock and FOR UPDATE in MySQL), so two
 * writers never fork the chain; a unique violation or deadlock is retried.
 * The reader streams the chained rows in seq order through the verifier.
 */
#include "canary/canary.h"

#include "mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Seconds each statement may take. */
#define S_TIMEOUT 30
/* Attempts of the write transaction (another writer may win the first). */
#define S_ATTEMPTS 3

static enum drh_status s_exec(struct db_conn *c, const char *sql, struct drh_err *err)
{
    struct db_result r;
    enum drh_status st = db_query(c, sql, S_TIMEOUT, &r, err);
    db_result_clean_up(&r);
    return st;
}

/* Whether the last statement lost a race with another writer. */
static bool s_retryable(const struct db_conn *c)
{
    const char *s = db_last_sqlstate(c);
    return !strcmp(s, "23505") || !strcmp(s, "23000") || !strcmp(s, "40001") || !strcmp(s, "40P01");
}

/* *has: whether qt has column col; DRH_E_NOTFOUND when qt does not exist. */
static enum drh_status s_has_column(struct db_conn *c, const char *qt, const char *col, int timeout,
                                    bool *has, struct drh_err *err)
{
    char *qc = db_quote_ident(c, col);
    char *sql = xasprintf("SELECT %s FROM %s WHERE 1 = 0", qc, qt);
    struct db_result r;
    enum drh_status st = db_query(c, sql, timeout, &r, err);
    db_result_clean_up(&r);
    free(sql);
    free(qc);
    const char *state = db_last_sqlstate(c);
    *has = st == DRH_OK;
    if (st == DRH_E_INPUT && (!strcmp(state, "42703") || !strcmp(state, "42S22"))) {
        drh_err_clear(err);
        st = DRH_OK;
    }
    return st;
}

static const char *const s_chain_cols[] = {"seq", "written_us", "prev_hash", "hash"};

enum drh_status canary_db_chained(struct db_conn *c, const char *table, int timeout, bool *chained,
                                  struct drh_err *err)
{
    char *qt = db_quote_ident(c, table);
    enum drh_status st = DRH_OK;
    *chained = true;
    for (size_t i = 0; i < 4 && st == DRH_OK && *chained; i++)
        st = s_has_column(c, qt, s_chain_cols[i], timeout, chained, err);
    free(qt);
    return st;
}

/* The table with the time column and every chain column. */
static enum drh_status s_ensure(struct db_conn *c, const char *table, const char *column,
                                struct drh_err *err)
{
    bool pg = db_flavor(c) == DB_POSTGRES;
    char *qt = db_quote_ident(c, table), *qc = db_quote_ident(c, column);
    const char *ts = pg ? "TIMESTAMPTZ" : "DATETIME(6)";
    char *sql = NULL;
    bool has = false;
    enum drh_status st = s_has_column(c, qt, column, 0, &has, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        sql = xasprintf("CREATE TABLE IF NOT EXISTS %s (seq BIGINT PRIMARY KEY, %s %s NOT NULL, "
                        "written_us BIGINT, prev_hash CHAR(64), hash CHAR(64))",
                        qt, qc, ts);
        st = s_exec(c, sql, err);
        goto done;
    }
    if (st == DRH_OK && !has) {
        sql = xasprintf("ALTER TABLE %s ADD COLUMN %s %s", qt, qc, ts);
        st = s_exec(c, sql, err);
    }
    const char *types[] = {"BIGINT", "BIGINT", "CHAR(64)", "CHAR(64)"};
    for (size_t i = 0; i < 4 && st == DRH_OK; i++) {
        st = s_has_column(c, qt, s_chain_cols[i], 0, &has, err);
        if (st != DRH_OK || has)
            continue;
        free(sql);
        sql = xasprintf("ALTER TABLE %s ADD COLUMN %s %s", qt, s_chain_cols[i], types[i]);
        st = s_exec(c, sql, err);
        if (st != DRH_OK || i != 0)
            continue;
        /* seq added to an older table: unique, as the primary key is in ours */
        const char *last = strrchr(table, '.');
        char *name = xasprintf("%s_drh_seq", last ? last + 1 : table);
        for (char *p = name; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
                *p = '_';
        free(sql);
        sql = xasprintf("CREATE UNIQUE INDEX %s ON %s (seq)", name, qt);
        free(name);
        st = s_exec(c, sql, err);
    }
done:
    if (st != DRH_OK)
        drh_err_prefix(err, "canary table %s on %s", table, db_describe(c));
    free(sql);
    free(qt);
    free(qc);
    return st;
}

/* Parses a chained row (seq, written_us, prev_hash, hash); false when a
 * cell is missing or malformed. */
static bool s_row(const char *const *cells, struct canary *out)
{
    struct canary k = {0};
    if (!canary_parse_ll(cells[0], &k.seq) || !canary_parse_ll(cells[1], &k.written_us) ||
        !cells[2] || !cells[3] || strlen(cells[2]) > CANARY_HEX || strlen(cells[3]) > CANARY_HEX)
        return false;
    memcpy(k.prev_hash, cells[2], strlen(cells[2]) + 1);
    memcpy(k.hash, cells[3], strlen(cells[3]) + 1);
    *out = k;
    return true;
}

/* One attempt: lock, read the newest, insert the next, prune, commit. */
static enum drh_status s_append(struct db_conn *c, const char *table, const char *column,
                                const char *drill, const char *resource, long keep,
                                long long now_us, struct canary *out, bool *retry,
                                struct drh_err *err)
{
    *retry = false;
    bool pg = db_flavor(c) == DB_POSTGRES;
    char *qt = db_quote_ident(c, table), *qc = db_quote_ident(c, column);
    char *lit = db_quote_literal(c, table), *sql = NULL;
    struct db_result r = {0};
    bool locked = false;
    enum drh_status st;
    if (!pg) {
        sql = xasprintf("SELECT GET_LOCK(LEFT(CONCAT('drh-canary:', IFNULL(DATABASE(), ''), "
                        "'.', %s), 64), %d)",
                        lit, S_TIMEOUT);
        st = db_query(c, sql, S_TIMEOUT + 5, &r, err);
        if (st != DRH_OK)
            goto done;
        locked = db_cell(&r, 0, 0) && !strcmp(db_cell(&r, 0, 0), "1");
        db_result_clean_up(&r);
        if (!locked) {
            st = drh_err_set(err, DRH_E_TIMEOUT,
                             "another canary writer held the lock of %s "
                             "for %ds",
                             table, S_TIMEOUT);
            goto done;
        }
    }
    st = s_exec(c, pg ? "BEGIN" : "START TRANSACTION", err);
    if (st == DRH_OK && pg) {
        free(sql);
        sql = xasprintf("LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", qt);
        st = s_exec(c, sql, err);
    }
    if (st != DRH_OK)
        goto rollback;
    free(sql);
    sql = xasprintf("SELECT seq, written_us, prev_hash, hash FROM %s WHERE hash IS NOT NULL "
                    "ORDER BY seq DESC LIMIT 1%s",
                    qt, pg ? "" : " FOR UPDATE");
    st = db_query(c, sql, S_TIMEOUT, &r, err);
    if (st != DRH_OK)
        goto rollback;
    struct canary prev;
    bool have = r.rows > 0;
    if (have && (r.cols < 4 || !s_row((const char *const *)r.cells, &prev))) {
        st = drh_err_set(err, DRH_E_PARSE, "the newest canary row of %s on %s is malformed", table,
                         db_describe(c));
        goto rollback;
    }
    canary_next(drill, resource, have ? &prev : NULL, now_us, out);
    char when[CANARY_TIME_LEN];
    canary_format_time(out->written_us, ' ', when);
    free(sql);
    sql = xasprintf("INSERT INTO %s (seq, %s, written_us, prev_hash, hash) VALUES (%lld, '%s', "
                    "%lld, '%s', '%s')",
                    qt, qc, out->seq, when, out->written_us, out->prev_hash, out->hash);
    st = s_exec(c, sql, err);
    if (st == DRH_OK && keep > 0 && out->seq > keep) {
        free(sql);
        sql = xasprintf("DELETE FROM %s WHERE seq <= %lld", qt, out->seq - keep);
        st = s_exec(c, sql, err);
    }
    if (st == DRH_OK)
        st = s_exec(c, "COMMIT", err);
    if (st == DRH_OK)
        goto done;
rollback:;
    struct drh_err ignored;
    drh_err_clear(&ignored);
    *retry = s_retryable(c);
    s_exec(c, "ROLLBACK", &ignored);
done:
    if (locked) {
        struct drh_err ignored2;
        free(sql);
        sql = xasprintf("SELECT RELEASE_LOCK(LEFT(CONCAT('drh-canary:', IFNULL(DATABASE(), ''), "
                        "'.', %s), 64))",
                        lit);
        s_exec(c, sql, &ignored2);
    }
    db_result_clean_up(&r);
    free(sql);
    free(lit);
    free(qt);
    free(qc);
    return st;
}

enum drh_status canary_db_write(struct db_conn *c, const char *table, const char *column,
                                const char *drill, const char *resource, long keep,
                                long long now_us, struct canary *out, struct drh_err *err)
{
    enum drh_status st = DRH_OK;
    for (int attempt = 1; attempt <= S_ATTEMPTS; attempt++) {
        drh_err_clear(err);
        st = s_ensure(c, table, column, err);
        bool retry = st != DRH_OK && s_retryable(c);
        if (st == DRH_OK) {
            st = s_append(c, table, column, drill, resource, keep, now_us, out, &retry, err);
        }
        if (st == DRH_OK || !retry)
            break;
    }
    if (st != DRH_OK && !strstr(err->msg, "canary"))
        drh_err_prefix(err, "writing a canary into %s on %s", table, db_describe(c));
    return st;
}

struct s_read {
    struct canary_verify *v;
    const char *column;
};

static int s_verify_row(void *ctx, size_t ncols, const char *const *names, const char *const *cells)
{
    struct s_read *k = ctx;
    struct canary c;
    long long seq = 0;
    canary_parse_ll(cells[0], &seq);
    if (ncols < 5 || !s_row(cells, &c)) {
        canary_verify_break(k->v, seq, "seq %lld's row is malformed (altered)", seq);
        return 1;
    }
    char *end = NULL;
    double t = cells[4] ? strtod(cells[4], &end) : NAN;
    if (!cells[4] || end == cells[4] || *end || fabs(t - (double)c.written_us / 1e6) > 1.0) {
        canary_verify_break(k->v, c.seq, "seq %lld's %s does not match its written_us (altered)",
                            c.seq, k->column);
        return 1;
    }
    return canary_verify_add(k->v, &c) ? 0 : 1;
}

enum drh_status canary_db_verify(struct db_conn *c, const char *table, const char *column,
                                 int timeout, struct canary_verify *v, struct drh_err *err)
{
    char *qt = db_quote_ident(c, table), *qc = db_quote_ident(c, column);
    char *sql = db_flavor(c) == DB_POSTGRES
                    ? xasprintf("SELECT seq, written_us, prev_hash, hash, "
                                "EXTRACT(EPOCH FROM %s)::float8 FROM %s WHERE hash IS NOT NULL "
                                "ORDER BY seq",
                                qc, qt)
                    : xasprintf("SELECT seq, written_us, prev_hash, hash, UNIX_TIMESTAMP(%s) "
                                "FROM %s WHERE hash IS NOT NULL ORDER BY seq",
                                qc, qt);
    struct s_read k = {v, column};
    enum drh_status st = db_query_each(c, sql, timeout, s_verify_row, &k, err);
    free(sql);
    free(qt);
    free(qc);
    return st;
}
