/*
 * The integrity probe: does the restored copy hold together physically?
 * PostgreSQL: amcheck's bt_index_check(index, heapallindexed => true) on
 * every valid B-tree index, which checks the index's order invariants and
 * that every heap row is in it. amcheck is installed on the copy when the
 * server offers it (the copy is disposable, creating an extension there is
 * harmless); where it cannot be used, every row of every table is read and
 * rendered instead (a page or TOAST value that cannot be read fails), and
 * the message says plainly that indexes were not verified. Tables without
 * a B-tree index get that full read too. MySQL: CHECK TABLE on each table.
 * Corruption (SQLSTATE class XX) fails the probe; anything else that stops
 * it is an error.
 */
#include "probes/manifest.h"
#include "probes/probe_impl.h"

#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct s_run {
    struct probe_ctx *x;
    char **tables; /* resolved, sorted */
    size_t n_tables;
    bool *covered; /* per table: an index check read its rows */
    struct buf problems;
    size_t bad;
};

static void s_free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static int s_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void s_problem(struct s_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void s_problem(struct s_run *r, const char *fmt, ...)
{
    va_list ap;
    probe_sep(&r->problems);
    va_start(ap, fmt);
    buf_vprintf(&r->problems, fmt, ap);
    va_end(ap);
    r->bad++;
}

/* The tables to check: the probe's (resolved; a missing one is a problem)
 * or every user table. */
static enum drh_status s_tables(struct s_run *r, struct drh_err *err)
{
    const struct drill_probe *p = r->x->p;
    if (!p->n_tables)
        return manifest_list_tables(r->x->c, probe_remaining(r->x), &r->tables, &r->n_tables, err);
    r->tables = xcalloc(p->n_tables, sizeof *r->tables);
    for (size_t i = 0; i < p->n_tables; i++) {
        char *name;
        enum drh_status st =
            manifest_resolve_table(r->x->c, p->tables[i].name, probe_remaining(r->x), &name, err);
        if (st == DRH_E_NOTFOUND) {
            s_problem(r, "%s does not exist", p->tables[i].name);
            continue;
        }
        if (st != DRH_OK)
            return st;
        r->tables[r->n_tables++] = name;
    }
    qsort(r->tables, r->n_tables, sizeof *r->tables, s_cmp_str);
    return DRH_OK;
}

static bool s_corrupt(const struct db_conn *c)
{
    return strncmp(db_last_sqlstate(c), "XX", 2) == 0;
}

/* The schema amcheck lives in, installing it if the server offers it;
 * NULL with the reason in why when it cannot be used. */
static char *s_amcheck_schema(struct s_run *r, char *why, size_t size, bool *installed)
{
    static const char find[] = "SELECT n.nspname FROM pg_catalog.pg_extension e JOIN "
                               "pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
                               "WHERE e.extname = 'amcheck'";
    struct db_result res;
    struct drh_err err;
    drh_err_clear(&err);
    *installed = false;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (db_query(r->x->c, find, probe_remaining(r->x), &res, &err) != DRH_OK)
            break;
        char *schema = db_cell(&res, 0, 0) ? xstrdup(db_cell(&res, 0, 0)) : NULL;
        db_result_clean_up(&res);
        if (schema || attempt)
            return schema;
        if (db_query(r->x->c,
                     "SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'amcheck'",
                     probe_remaining(r->x), &res, &err) != DRH_OK)
            break;
        size_t offered = res.rows;
        db_result_clean_up(&res);
        if (!offered) {
            snprintf(why, size, "the server does not offer the amcheck extension");
            return NULL;
        }
        if (db_query_each(r->x->c, "CREATE EXTENSION IF NOT EXISTS amcheck", probe_remaining(r->x),
                          NULL, NULL, &err) != DRH_OK)
            break;
        *installed = true;
    }
    snprintf(why, size, "amcheck cannot be used: %s", err.msg[0] ? err.msg : "not installed");
    return NULL;
}

/* Checks every valid B-tree index of the tables with amcheck, counting
 * them in *checked. When amcheck turns out not to be callable (permission,
 * no such function) before any index was checked, why says so and the
 * tables are read in full instead. */
static enum drh_status s_check_indexes(struct s_run *r, const char *schema, size_t *checked,
                                       char *why, size_t size, struct drh_err *err)
{
    static const char list[] =
        "SELECT n.nspname || '.' || c.relname, ic.oid::text, ic.relname "
        "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
        "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
        "WHERE am.amname = 'btree' AND ic.relkind = 'i' AND i.indisvalid AND i.indisready";
    struct db_result res;
    enum drh_status st = db_query(r->x->c, list, probe_remaining(r->x), &res, err);
    if (st != DRH_OK)
        return st;
    char *fn = db_quote_ident(r->x->c, schema);
    for (size_t i = 0; i < res.rows; i++) {
        const char *table = db_cell(&res, i, 0), *oid = db_cell(&res, i, 1);
        const char *name = db_cell(&res, i, 2);
        char **hit =
            table ? bsearch(&table, r->tables, r->n_tables, sizeof *r->tables, s_cmp_str) : NULL;
        if (!hit || !oid || !name)
            continue;
        int left = probe_remaining(r->x);
        if (!left) {
            st = drh_err_set(err, DRH_E_TIMEOUT, "checked %zu indexes, then ran out of time",
                             *checked);
            break;
        }
        char *sql = xasprintf("SELECT %s.bt_index_check(%s::pg_catalog.oid::pg_catalog.regclass, "
                              "true)",
                              fn, oid);
        st = db_query_each(r->x->c, sql, left, NULL, NULL, err);
        free(sql);
        if (st == DRH_OK) {
            r->covered[hit - r->tables] = true;
            (*checked)++;
            continue;
        }
        if (s_corrupt(r->x->c)) {
            s_problem(r, "index %s on %s: %s", name, table, err->msg);
            st = DRH_OK;
            continue;
        }
        const char *state = db_last_sqlstate(r->x->c);
        if (*checked == 0 && (strcmp(state, "42501") == 0 || strcmp(state, "42883") == 0)) {
            snprintf(why, size, "amcheck cannot be used: %s", err->msg);
            st = DRH_OK;
        }
        break;
    }
    free(fn);
    db_result_clean_up(&res);
    return st;
}

/* Reads and renders every row and value of a table (TOAST included). */
static enum drh_status s_full_read(struct s_run *r, const char *table, long long *rows,
                                   struct drh_err *err)
{
    struct db_result res;
    char *q = db_quote_ident(r->x->c, table);
    char *sql = xasprintf("SELECT count(*), sum(pg_catalog.length(ROW(drh_r.*)::text)) "
                          "FROM ONLY %s AS drh_r",
                          q);
    enum drh_status st = db_query(r->x->c, sql, probe_remaining(r->x), &res, err);
    free(sql);
    free(q);
    if (st != DRH_OK)
        return st;
    *rows += db_cell(&res, 0, 0) ? strtoll(db_cell(&res, 0, 0), NULL, 10) : 0;
    db_result_clean_up(&res);
    return DRH_OK;
}

static void s_postgres(struct s_run *r)
{
    struct probe_ctx *x = r->x;
    struct drh_err err;
    char why[DRH_ERR_MSG_MAX + 64] = "";
    size_t checked = 0, read_full = 0;
    long long rows = 0;
    bool installed;
    drh_err_clear(&err);
    char *schema = s_amcheck_schema(r, why, sizeof why, &installed);
    enum drh_status st = DRH_OK;
    if (schema)
        st = s_check_indexes(r, schema, &checked, why, sizeof why, &err);
    for (size_t i = 0; st == DRH_OK && i < r->n_tables; i++) {
        if (r->covered[i] && !why[0])
            continue;
        if (!probe_remaining(x)) {
            st = drh_err_set(&err, DRH_E_TIMEOUT, "ran out of time reading tables in full");
            break;
        }
        st = s_full_read(r, r->tables[i], &rows, &err);
        if (st != DRH_OK && s_corrupt(x->c)) {
            s_problem(r, "%s: %s", r->tables[i], err.msg);
            st = DRH_OK;
        } else if (st == DRH_E_NOTFOUND) {
            s_problem(r, "%s does not exist", r->tables[i]);
            st = DRH_OK;
        }
        read_full++;
    }
    if (st != DRH_OK)
        probe_set_error(x, &err);
    else if (r->bad)
        probe_set(x, PROBE_FAIL, "integrity problems: %s", buf_str(&r->problems));
    else if (why[0])
        probe_set(x, PROBE_PASS,
                  "%s; read every row of %zu tables in full instead (%lld rows, no errors); "
                  "indexes were not verified",
                  why, read_full, rows);
    else
        probe_set(x, PROBE_PASS,
                  "amcheck%s verified %zu B-tree indexes of %zu tables (order, and every row "
                  "present); %zu tables without one read in full (%lld rows)",
                  installed ? " (installed on the copy)" : "", checked, r->n_tables - read_full,
                  read_full, rows);
    free(schema);
}

static void s_mysql(struct s_run *r)
{
    struct probe_ctx *x = r->x;
    struct buf notes;
    buf_init(&notes);
    for (size_t i = 0; i < r->n_tables; i++) {
        struct db_result res;
        struct drh_err err;
        drh_err_clear(&err);
        if (!probe_remaining(x)) {
            probe_set_out_of_time(x, NULL);
            goto done;
        }
        char *q = db_quote_ident(x->c, r->tables[i]);
        char *sql = xasprintf("CHECK TABLE %s", q);
        enum drh_status st = db_query(x->c, sql, probe_remaining(x), &res, &err);
        free(sql);
        free(q);
        if (st != DRH_OK) {
            probe_set_error(x, &err);
            goto done;
        }
        /* Columns: Table, Op, Msg_type, Msg_text. */
        for (size_t row = 0; row < res.rows; row++) {
            const char *type = db_cell(&res, row, 2), *text = db_cell(&res, row, 3);
            type = type ? type : "";
            text = text ? text : "";
            if (strcasecmp(type, "error") == 0 ||
                (strcasecmp(type, "status") == 0 && strcasecmp(text, "OK") != 0)) {
                s_problem(r, "%s: %s: %s", r->tables[i], type, text);
            } else if (strcasecmp(type, "warning") == 0) {
                probe_sep(&notes);
                buf_printf(&notes, "%s: %s", r->tables[i], text);
            }
        }
        db_result_clean_up(&res);
    }
    if (r->bad)
        probe_set(x, PROBE_FAIL, "CHECK TABLE found problems: %s", buf_str(&r->problems));
    else
        probe_set(x, PROBE_PASS, "CHECK TABLE: %zu tables OK%s%s", r->n_tables,
                  notes.len ? "; warnings: " : "", buf_str(&notes));
done:
    buf_clean_up(&notes);
}

void probe_integrity(struct probe_ctx *x)
{
    struct s_run r = {.x = x};
    struct drh_err err;
    drh_err_clear(&err);
    buf_init(&r.problems);
    enum drh_status st = s_tables(&r, &err);
    if (st != DRH_OK) {
        probe_set_error(x, &err);
        goto done;
    }
    r.covered = xcalloc(r.n_tables + 1, sizeof *r.covered);
    if (db_flavor(x->c) == DB_POSTGRES)
        s_postgres(&r);
    else
        s_mysql(&r);
done:
    free(r.covered);
    s_free_strings(r.tables, r.n_tables);
    buf_clean_up(&r.problems);
}
