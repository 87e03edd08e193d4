/*
 * Claims of the PostgreSQL history (history.h): each claim has a connection
 * of its own holding a transaction open with the drill's row of
 * drh_drill_locks locked FOR UPDATE. SKIP LOCKED makes a second runner see
 * "no row" at once instead of waiting. The server drops the lock when the
 * connection goes, so a runner that crashed (or whose host vanished: TCP
 * keepalives) never blocks a drill for good.
 *
 * Who holds a drill is published in drh_running, committed on another
 * connection, with the holder's backend pid and start: a loser names the
 * holder only when that backend is still alive, so a row left by a crashed
 * runner is never shown. Release deletes the row in the claim's own
 * transaction, then commits it.
 */
#include "history/history_impl.h"
#include "log.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLAIM_TIMEOUT 30
/* How long a loser waits for the winner to publish itself. */
#define HOLDER_WAIT_MS 3000
#define HOLDER_STEP_MS 50

struct pg_claim {
    struct history_claim base;
    struct db_conn *c;
    char *drill_lit;
};

static void s_release(struct history_claim *h)
{
    struct pg_claim *k = (struct pg_claim *)h;
    struct drh_err err;
    char *sql = xasprintf("DELETE FROM drh_running WHERE drill = %s AND backend_pid = "
                          "pg_backend_pid(); COMMIT",
                          k->drill_lit);
    if (db_query_each(k->c, sql, CLAIM_TIMEOUT, NULL, NULL, &err) != DRH_OK)
        log_debug("history: releasing a claim: %s", err.msg); /* closing ends it anyway */
    free(sql);
    db_close(k->c);
    free(k->drill_lit);
    free(k);
}

/* The first row's cells (up to n) into out[], copied. */
struct s_row {
    char *cells[4];
    size_t n;
    bool seen;
};

static int s_take_row(void *ctx, size_t ncols, const char *const *names, const char *const *cells)
{
    struct s_row *r = ctx;
    if (r->seen)
        return 0;
    r->seen = true;
    for (size_t i = 0; i < r->n && i < ncols; i++)
        r->cells[i] = cells[i] ? xstrdup(cells[i]) : NULL;
    return 0;
}

static void s_row_clean_up(struct s_row *r)
{
    for (size_t i = 0; i < 4; i++)
        free(r->cells[i]);
    memset(r, 0, sizeof *r);
}

static void s_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Who holds the drill, from drh_running, when its backend is alive. */
static void s_find_holder(struct db_conn *c, const char *drill_lit, char *holder, size_t size)
{
    if (!holder || !size)
        return;
    char *sql = xasprintf(
        "SELECT r.run_id, r.host, r.pid, to_char(r.since, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        "FROM drh_running r JOIN pg_stat_activity a ON a.pid = r.backend_pid "
        "WHERE r.drill = %s AND (a.backend_start IS NULL OR r.backend_start IS NULL "
        "OR a.backend_start = r.backend_start)",
        drill_lit);
    for (long waited = 0; waited <= HOLDER_WAIT_MS; waited += HOLDER_STEP_MS) {
        struct s_row r = {.n = 4};
        struct drh_err err;
        enum drh_status st = db_query_each(c, sql, CLAIM_TIMEOUT, s_take_row, &r, &err);
        if (st == DRH_OK && r.seen && r.cells[0]) {
            snprintf(holder, size, "run %s on host %s (pid %s) since %s", r.cells[0],
                     r.cells[1] ? r.cells[1] : "unknown", r.cells[2] ? r.cells[2] : "?",
                     r.cells[3] ? r.cells[3] : "?");
            s_row_clean_up(&r);
            break;
        }
        s_row_clean_up(&r);
        if (st != DRH_OK) {
            log_debug("history: cannot tell who holds a drill: %s", err.msg);
            break;
        }
        s_sleep_ms(HOLDER_STEP_MS);
    }
    free(sql);
}

static void s_publish(const struct history_pg_claim_ctx *k, struct db_conn *c,
                      const char *drill_lit, const char *run_id, const char *backend_pid,
                      const char *backend_start)
{
    char host[256];
    history_hostname(host, sizeof host);
    char *run = db_quote_literal(c, run_id), *h = db_quote_literal(c, host);
    char *pid = db_quote_literal(c, backend_pid ? backend_pid : "0");
    char *start = backend_start ? db_quote_literal(c, backend_start) : xstrdup("NULL");
    char *sql = xasprintf(
        "INSERT INTO drh_running (drill, run_id, host, pid, since, backend_pid, backend_start) "
        "VALUES (%s, %s, %s, %ld, now(), %s::integer, %s::timestamptz) ON CONFLICT (drill) DO "
        "UPDATE SET run_id = EXCLUDED.run_id, host = EXCLUDED.host, pid = EXCLUDED.pid, "
        "since = EXCLUDED.since, backend_pid = EXCLUDED.backend_pid, "
        "backend_start = EXCLUDED.backend_start",
        drill_lit, run, h, (long)getpid(), pid, start);
    struct drh_err err;
    if (k->publish(k->publish_ctx, sql, &err) != DRH_OK)
        log_warn("history: claimed drill %s for run '%s' but cannot say so in drh_running: %s",
                 drill_lit, run_id, err.msg);
    free(sql);
    free(run);
    free(h);
    free(pid);
    free(start);
}

enum drh_status history_pg_claim(const struct history_pg_claim_ctx *k, const char *drill,
                                 const char *run_id, struct history_claim **out, bool *claimed,
                                 char *holder, size_t holder_size, struct drh_err *err)
{
    struct db_conn *c = NULL;
    char *drill_lit = NULL, *sql = NULL;
    struct s_row me = {.n = 2}, got = {.n = 1};
    if (db_connect(k->target, &c, err) != DRH_OK)
        goto fail;
    drill_lit = db_quote_literal(c, drill);
    /* A server's idle-in-transaction limit would end the claim silently. */
    sql = xasprintf("SET idle_in_transaction_session_timeout = 0; "
                    "INSERT INTO drh_drill_locks (drill) VALUES (%s) ON CONFLICT DO NOTHING",
                    drill_lit);
    if (db_query_each(c, sql, CLAIM_TIMEOUT, NULL, NULL, err) != DRH_OK ||
        db_query_each(c,
                      "SELECT pid, backend_start FROM pg_stat_activity WHERE pid = "
                      "pg_backend_pid()",
                      CLAIM_TIMEOUT, s_take_row, &me, err) != DRH_OK)
        goto fail;
    free(sql);
    sql = xasprintf("BEGIN; SELECT drill FROM drh_drill_locks WHERE drill = %s "
                    "FOR UPDATE SKIP LOCKED",
                    drill_lit);
    if (db_query_each(c, sql, CLAIM_TIMEOUT, s_take_row, &got, err) != DRH_OK) {
        struct drh_err ignored;
        db_query_each(c, "ROLLBACK", CLAIM_TIMEOUT, NULL, NULL, &ignored);
        goto fail;
    }
    if (got.seen) {
        s_publish(k, c, drill_lit, run_id, me.cells[0], me.cells[1]);
        struct pg_claim *pc = xcalloc(1, sizeof *pc);
        pc->base.release = s_release;
        pc->c = c;
        pc->drill_lit = drill_lit;
        *out = &pc->base;
        *claimed = true;
    } else {
        struct drh_err ignored;
        db_query_each(c, "ROLLBACK", CLAIM_TIMEOUT, NULL, NULL, &ignored);
        s_find_holder(c, drill_lit, holder, holder_size);
        db_close(c);
        free(drill_lit);
    }
    free(sql);
    s_row_clean_up(&me);
    s_row_clean_up(&got);
    return DRH_OK;
fail:
    drh_err_prefix(err, "cannot claim drill '%s' in the history %s", drill, k->label);
    db_close(c);
    free(drill_lit);
    free(sql);
    s_row_clean_up(&me);
    s_row_clean_up(&got);
    return err->code;
}
