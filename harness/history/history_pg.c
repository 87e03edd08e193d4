/*
 * The PostgreSQL run history (history.h), shared by CI runners: one row a
 * run in drh_runs (the record as jsonb, the figures as columns for SQL
 * users), claims in drh_drill_locks / drh_running (history_pg_claim.c).
 * The tables are made when missing, under an advisory lock so runners that
 * start together do not trip over each other's CREATE TABLE. Every value
 * goes into SQL through db_quote_literal(). A mutex makes the store safe to
 * share between threads; a connection that dropped while the run was busy
 * elsewhere is made again once.
 */
#include "history/history_impl.h"
#include "log.h"
#include "mem.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_TIMEOUT 30
/* pg_advisory_xact_lock key of the schema set-up: "drhhist" in ASCII. */
#define PG_SCHEMA_LOCK "28273290424972148"

struct pg_store {
    struct history_store base;
    pthread_mutex_t lock;
    struct history_pg_url url;
    struct db_target target;
    struct db_conn *c;
};

static const char s_tables_sql[] =
    "SELECT to_regclass('drh_runs') IS NOT NULL AND to_regclass('drh_drill_locks') IS NOT NULL "
    "AND to_regclass('drh_running') IS NOT NULL";

static const char s_schema_sql[] =
    "SET LOCAL client_min_messages TO warning;\n" /* no "already exists" notices */
    "SELECT pg_advisory_xact_lock(" PG_SCHEMA_LOCK ");\n"
    "CREATE TABLE IF NOT EXISTS drh_runs (\n"
    "  run_id text PRIMARY KEY, drill text NOT NULL, file text, host text,\n"
    "  scheduled_for timestamptz, started timestamptz NOT NULL, ended timestamptz,\n"
    "  verdict text NOT NULL, rto double precision, rpo double precision,\n"
    "  rpo_data double precision, record jsonb NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS drh_runs_drill_started ON drh_runs (drill, started DESC);\n"
    "CREATE TABLE IF NOT EXISTS drh_drill_locks (drill text PRIMARY KEY);\n"
    "CREATE TABLE IF NOT EXISTS drh_running (\n"
    "  drill text PRIMARY KEY, run_id text NOT NULL, host text, pid bigint,\n"
    "  since timestamptz NOT NULL, backend_pid integer NOT NULL, backend_start timestamptz)";

/* Runs sql on the store's connection, making the connection again once
 * when it had dropped. Caller holds the lock. */
static enum drh_status s_run(struct pg_store *s, const char *sql, db_row_fn fn, void *ctx,
                             struct drh_err *err)
{
    enum drh_status st = DRH_E_NET;
    if (s->c)
        st = db_query_each(s->c, sql, PG_TIMEOUT, fn, ctx, err);
    if (st != DRH_E_NET)
        return st;
    db_close(s->c);
    s->c = NULL;
    if (db_connect(&s->target, &s->c, err) != DRH_OK)
        return err->code;
    return db_query_each(s->c, sql, PG_TIMEOUT, fn, ctx, err);
}

static int s_first_cell(void *ctx, size_t ncols, const char *const *names, const char *const *cells)
{
    char **out = ctx;
    if (!*out && ncols)
        *out = xstrdup(cells[0] ? cells[0] : "");
    return 0;
}

static enum drh_status s_ensure_schema(struct pg_store *s, struct drh_err *err)
{
    char *all = NULL;
    enum drh_status st = s_run(s, s_tables_sql, s_first_cell, &all, err);
    bool present = all && strcmp(all, "t") == 0;
    free(all);
    if (st != DRH_OK || present)
        return st;
    st = s_run(s, s_schema_sql, NULL, NULL, err);
    if (st != DRH_OK)
        drh_err_hint(err, "the history's user needs CREATE on the database's schema the first "
                          "time (tables drh_runs, drh_drill_locks, drh_running)");
    return st;
}

/* A literal, or NULL for a NULL string. Caller frees. */
static char *s_lit(struct pg_store *s, const char *v)
{
    return v ? db_quote_literal(s->c, v) : xstrdup("NULL");
}

static char *s_num(double v)
{
    return v >= 0 && isfinite(v) ? xasprintf("%.17g", v) : xstrdup("NULL");
}

static char *s_time(double t)
{
    return t > 0 && isfinite(t) ? xasprintf("to_timestamp(%.6f)", t) : xstrdup("NULL");
}

static enum drh_status s_append(struct history_store *h, const struct history_record *r,
                                struct drh_err *err)
{
    struct pg_store *s = (struct pg_store *)h;
    struct json *j = history_record_to_json(r);
    char *text = json_print(j, 0);
    json_free(j);
    pthread_mutex_lock(&s->lock);
    enum drh_status st = s->c ? DRH_OK : s_run(s, "SELECT 1", NULL, NULL, err);
    if (st == DRH_OK) {
        char *v[12] = {s_lit(s, r->run_id),
                       s_lit(s, r->drill),
                       s_lit(s, r->file),
                       s_lit(s, r->host),
                       s_time((double)r->scheduled_for),
                       s_time(r->started),
                       s_time(r->ended),
                       s_lit(s, r->verdict),
                       s_num(r->rto),
                       s_num(r->rpo),
                       s_num(r->rpo_data),
                       s_lit(s, text)};
        char *sql = xasprintf(
            "INSERT INTO drh_runs (run_id, drill, file, host, scheduled_for, started, ended, "
            "verdict, rto, rpo, rpo_data, record) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, "
            "%s, %s, %s::jsonb) ON CONFLICT (run_id) DO UPDATE SET drill = EXCLUDED.drill, "
            "file = EXCLUDED.file, host = EXCLUDED.host, scheduled_for = EXCLUDED.scheduled_for, "
            "started = EXCLUDED.started, ended = EXCLUDED.ended, verdict = EXCLUDED.verdict, "
            "rto = EXCLUDED.rto, rpo = EXCLUDED.rpo, rpo_data = EXCLUDED.rpo_data, "
            "record = EXCLUDED.record",
            v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
        for (size_t i = 0; i < 12; i++)
            free(v[i]);
        st = s_run(s, sql, NULL, NULL, err);
        free(sql);
    }
    pthread_mutex_unlock(&s->lock);
    free(text);
    if (st != DRH_OK)
        drh_err_prefix(err, "cannot store run '%s' in the history %s", r->run_id, h->label);
    return st;
}

struct s_rows {
    struct history_record *v;
    size_t n, cap;
};

static int s_row(void *ctx, size_t ncols, const char *const *names, const char *const *cells)
{
    struct s_rows *k = ctx;
    struct json *j = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    const char *text = ncols == 2 && cells[1] ? cells[1] : "";
    if (k->n == k->cap)
        k->v = xrealloc(k->v, (k->cap = k->cap ? 2 * k->cap : 16) * sizeof *k->v);
    if (json_parse(text, strlen(text), &j, &err) == DRH_OK &&
        history_record_from_json(j, &k->v[k->n], &err) == DRH_OK)
        k->n++;
    else
        log_warn("history: skipping run '%s' of drh_runs: %s", cells[0] ? cells[0] : "", err.msg);
    json_free(j);
    return 0;
}

static enum drh_status s_list(struct history_store *h, const char *drill, size_t limit,
                              struct history_record **out, size_t *n, struct drh_err *err)
{
    struct pg_store *s = (struct pg_store *)h;
    struct s_rows k = {0};
    pthread_mutex_lock(&s->lock);
    enum drh_status st = s->c ? DRH_OK : s_run(s, "SELECT 1", NULL, NULL, err);
    if (st == DRH_OK) {
        char *where = drill ? db_quote_literal(s->c, drill) : NULL;
        char lim[32] = "ALL";
        if (limit)
            snprintf(lim, sizeof lim, "%zu", limit);
        char *sql = xasprintf("SELECT run_id, record::text FROM drh_runs%s%s ORDER BY started "
                              "DESC, run_id DESC LIMIT %s",
                              where ? " WHERE drill = " : "", where ? where : "", lim);
        st = s_run(s, sql, s_row, &k, err);
        free(sql);
        free(where);
    }
    pthread_mutex_unlock(&s->lock);
    if (st != DRH_OK) {
        history_records_free(k.v, k.n);
        return drh_err_prefix(err, "cannot read the history %s", h->label);
    }
    /* The records' own times decide, as in the local store. */
    history_sort_and_limit(k.v, &k.n, limit);
    *out = k.v;
    *n = k.n;
    return DRH_OK;
}

static enum drh_status s_publish(void *ctx, const char *sql, struct drh_err *err)
{
    struct pg_store *s = ctx;
    pthread_mutex_lock(&s->lock);
    enum drh_status st = s_run(s, sql, NULL, NULL, err);
    pthread_mutex_unlock(&s->lock);
    return st;
}

static enum drh_status s_claim(struct history_store *h, const char *drill, const char *run_id,
                               struct history_claim **out, bool *claimed, char *holder,
                               size_t holder_size, struct drh_err *err)
{
    struct pg_store *s = (struct pg_store *)h;
    struct history_pg_claim_ctx k = {&s->target, h->label, s_publish, s};
    return history_pg_claim(&k, drill, run_id, out, claimed, holder, holder_size, err);
}

static void s_close(struct history_store *h)
{
    struct pg_store *s = (struct pg_store *)h;
    db_close(s->c);
    pthread_mutex_destroy(&s->lock);
    history_pg_url_clean_up(&s->url);
    free(s->base.label);
    free(s);
}

static const struct history_ops s_ops = {s_close, s_append, s_list, s_claim};

enum drh_status history_pg_open(const char *url, struct history_store **out, struct drh_err *err)
{
    struct pg_store *s = xcalloc(1, sizeof *s);
    s->base.ops = &s_ops;
    pthread_mutex_init(&s->lock, NULL);
    if (history_pg_url_parse(url, &s->url, err) != DRH_OK) {
        pthread_mutex_destroy(&s->lock);
        free(s);
        return err->code;
    }
    const char *env = getenv("PGPASSWORD");
    if (!s->url.password && env && *env)
        s->url.password = xstrdup(env);
    s->base.label = history_pg_url_describe(&s->url);
    s->target = (struct db_target){.flavor = DB_POSTGRES,
                                   .host = s->url.host,
                                   .port = s->url.port,
                                   .database = s->url.database,
                                   .user = s->url.user,
                                   .password = s->url.password,
                                   .tls = s->url.tls,
                                   .ca_bundle = s->url.ca_bundle,
                                   .connect_timeout = s->url.connect_timeout};
    if (db_connect(&s->target, &s->c, err) != DRH_OK || s_ensure_schema(s, err) != DRH_OK) {
        drh_err_prefix(err, "history %s", s->base.label);
        s_close(&s->base);
        return err->code;
    }
    *out = &s->base;
    return DRH_OK;
}
