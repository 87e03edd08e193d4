/*
 * The probes that ask plain questions in SQL: sql (the first cell of a
 * query against an expectation), tables (tables exist with at least so many
 * rows) and canary. The canary probe reads the newest value of a timestamp
 * column (a row the application or drh's canary writer adds every few
 * minutes): the last moment whose data the restore holds, so now minus it
 * is the data-level recovery point. The server turns it into UTC epoch
 * seconds: PostgreSQL counts a timestamp without time zone as UTC, MySQL
 * converts DATETIME in the session's time zone, which db_connect() set to
 * UTC. When the table has the chain columns of `drh canary`
 * (harness/canary/canary.h), the chain is verified too: a lost, reordered
 * or altered canary fails the probe.
 */
#include "probes/probe_impl.h"

#include "canary/canary.h"

#include "mem.h"

#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A value for a message: NULL marked, long text cut. */
static void s_show(const char *cell, char *out, size_t size)
{
    if (!cell) {
        snprintf(out, size, "NULL");
        return;
    }
    int n = snprintf(out, size, "'%s'", cell);
    if (n >= (int)size && size > 5)
        memcpy(out + size - 5, "...'", 5);
}

/* A number as strtod() reads it, with nothing but blanks around it. */
static bool s_number(const char *text, double *out)
{
    if (!text)
        return false;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno == ERANGE || isnan(v))
        return false;
    while (*end == ' ' || *end == '\t' || *end == '\n')
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

static void s_expectation(const struct drill_probe *p, char *out, size_t size)
{
    switch (p->op) {
    case PROBE_EQUALS:
        snprintf(out, size, "= '%s'", p->expect ? p->expect : "");
        break;
    case PROBE_GE:
        snprintf(out, size, ">= %s", p->expect ? p->expect : "");
        break;
    case PROBE_LE:
        snprintf(out, size, "<= %s", p->expect ? p->expect : "");
        break;
    case PROBE_REGEX:
        snprintf(out, size, "a match for /%s/", p->expect ? p->expect : "");
        break;
    case PROBE_NON_EMPTY:
        snprintf(out, size, "a non-empty value");
        break;
    }
}

/* Whether cell meets the expectation: 1 yes, 0 no, -1 the comparison
 * itself cannot be made (message in why). */
static int s_meets(const struct drill_probe *p, const char *cell, char *why, size_t size)
{
    double want, got;
    switch (p->op) {
    case PROBE_EQUALS:
        return cell && strcmp(cell, p->expect ? p->expect : "") == 0;
    case PROBE_NON_EMPTY:
        return cell && *cell;
    case PROBE_GE:
    case PROBE_LE:
        if (!s_number(p->expect, &want)) {
            snprintf(why, size, "the expected value '%s' is not a number",
                     p->expect ? p->expect : "");
            return -1;
        }
        if (!s_number(cell, &got)) {
            char shown[128];
            s_show(cell, shown, sizeof shown);
            snprintf(why, size, "expected a number %s %s, found %s, which is not a number",
                     p->op == PROBE_GE ? ">=" : "<=", p->expect, shown);
            return -1;
        }
        return p->op == PROBE_GE ? got >= want : got <= want;
    case PROBE_REGEX: {
        regex_t re;
        int rc = regcomp(&re, p->expect ? p->expect : "", REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char detail[160];
            regerror(rc, &re, detail, sizeof detail);
            snprintf(why, size, "the expected pattern /%s/ is not a valid regular expression: %s",
                     p->expect ? p->expect : "", detail);
            return -1;
        }
        int match = cell && regexec(&re, cell, 0, NULL, 0) == 0;
        regfree(&re);
        return match;
    }
    }
    snprintf(why, size, "unknown comparison %d", (int)p->op);
    return -1;
}

void probe_sql(struct probe_ctx *x)
{
    const struct drill_probe *p = x->p;
    char excerpt[200], expected[300], found[300], why[512];
    struct db_result res;
    struct drh_err err;
    drh_err_clear(&err);
    if (!p->query || !*p->query) {
        probe_set(x, PROBE_ERROR, "the sql probe has no query");
        return;
    }
    db_sql_excerpt(p->query, excerpt, sizeof excerpt);
    enum drh_status st = db_query(x->c, p->query, probe_remaining(x), &res, &err);
    if (st == DRH_E_NOTFOUND) {
        probe_set(x, PROBE_FAIL, "expected a result, but a table the query reads is missing: %s",
                  err.msg);
        return;
    }
    if (st != DRH_OK) {
        probe_set_error(x, &err);
        return;
    }
    s_expectation(p, expected, sizeof expected);
    if (res.rows == 0 || res.cols == 0) {
        probe_set(x, PROBE_FAIL, "expected %s, found no rows (%s)", expected, excerpt);
        goto done;
    }
    const char *cell = db_cell(&res, 0, 0);
    s_show(cell, found, sizeof found);
    if (p->op == PROBE_GE || p->op == PROBE_LE)
        snprintf(found, sizeof found, "%s", cell ? cell : "NULL");
    int ok = s_meets(p, cell, why, sizeof why);
    if (ok < 0)
        probe_set(x, PROBE_ERROR, "%s (%s)", why, excerpt);
    else if (ok)
        probe_set(x, PROBE_PASS, "found %s, expected %s (%s)", found, expected, excerpt);
    else
        probe_set(x, PROBE_FAIL, "expected %s, found %s (%s)", expected, found, excerpt);
done:
    db_result_clean_up(&res);
}

static enum drh_status s_count(struct probe_ctx *x, const char *table, long long *rows,
                               struct drh_err *err)
{
    struct db_result res;
    char *quoted = db_quote_ident(x->c, table);
    char *sql = xasprintf("SELECT count(*) FROM %s", quoted);
    enum drh_status st = db_query(x->c, sql, probe_remaining(x), &res, err);
    free(sql);
    free(quoted);
    if (st != DRH_OK)
        return st;
    const char *cell = db_cell(&res, 0, 0);
    char *end = NULL;
    errno = 0;
    *rows = cell ? strtoll(cell, &end, 10) : -1;
    if (!cell || *end || errno)
        st = drh_err_set(err, DRH_E_PARSE, "count(*) of '%s' on %s gave '%s', not a number", table,
                         db_describe(x->c), cell ? cell : "NULL");
    db_result_clean_up(&res);
    return st;
}

void probe_tables(struct probe_ctx *x)
{
    const struct drill_probe *p = x->p;
    struct buf problems, seen;
    buf_init(&problems);
    buf_init(&seen);
    size_t bad = 0;
    if (!p->n_tables) {
        probe_set(x, PROBE_ERROR, "the tables probe lists no tables");
        return;
    }
    for (size_t i = 0; i < p->n_tables; i++) {
        const struct drill_table *t = &p->tables[i];
        struct drh_err err;
        long long rows = 0;
        drh_err_clear(&err);
        if (!probe_remaining(x)) {
            probe_set_out_of_time(x, buf_str(&seen));
            goto done;
        }
        enum drh_status st = s_count(x, t->name, &rows, &err);
        if (st == DRH_E_NOTFOUND) {
            probe_sep(&problems);
            buf_printf(&problems, "%s does not exist", t->name);
            bad++;
            continue;
        }
        if (st != DRH_OK) {
            probe_set_error(x, &err);
            goto done;
        }
        probe_sep(&seen);
        buf_printf(&seen, "%s %lld rows", t->name, rows);
        if (rows < t->min_rows) {
            probe_sep(&problems);
            buf_printf(&problems, "%s has %lld rows, expected >= %lld", t->name, rows, t->min_rows);
            bad++;
        }
    }
    if (bad)
        probe_set(x, PROBE_FAIL, "%zu of %zu tables not as expected: %s", bad, p->n_tables,
                  buf_str(&problems));
    else
        probe_set(x, PROBE_PASS, "%zu tables with enough rows: %s", p->n_tables, buf_str(&seen));
done:
    buf_clean_up(&problems);
    buf_clean_up(&seen);
}

static void s_rfc3339(double epoch, char *out, size_t size)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%.0f", epoch);
}

/* drh canary's chain, when the table has its columns: verified row by row
 * in seq order (streamed). true when it holds (or there is none; summary
 * then says so or stays empty); false when the probe's verdict is set. */
static bool s_chain(struct probe_ctx *x, const char *table, const char *column, char *summary,
                    size_t size)
{
    struct drh_err err;
    drh_err_clear(&err);
    bool chained = false;
    enum drh_status st = canary_db_chained(x->c, table, probe_remaining(x), &chained, &err);
    if (st == DRH_OK && !chained)
        return true;
    struct canary_verify v;
    canary_verify_init(&v, x->p->chain_drill, x->p->chain_resource);
    if (st == DRH_OK)
        st = canary_db_verify(x->c, table, column, probe_remaining(x), &v, &err);
    if (st != DRH_OK) {
        probe_set_error(x, &err);
        return false;
    }
    if (v.broken) {
        probe_set(x, PROBE_FAIL, "%s (table %s)", v.error, table);
        return false;
    }
    if (v.n)
        canary_verify_summary(&v, summary, size);
    return true;
}

void probe_canary(struct probe_ctx *x)
{
    const char *table = x->p->canary_table ? x->p->canary_table : "drh_canary";
    const char *column = x->p->canary_column ? x->p->canary_column : "written_at";
    struct db_result res = {0};
    struct drh_err err;
    drh_err_clear(&err);
    char *qt = db_quote_ident(x->c, table), *qc = db_quote_ident(x->c, column);
    char *sql =
        db_flavor(x->c) == DB_POSTGRES
            ? xasprintf("SELECT EXTRACT(EPOCH FROM max(%s))::float8, count(*) FROM %s", qc, qt)
            : xasprintf("SELECT UNIX_TIMESTAMP(MAX(%s)), COUNT(*) FROM %s", qc, qt);
    enum drh_status st = db_query(x->c, sql, probe_remaining(x), &res, &err);
    if (st == DRH_E_NOTFOUND) {
        probe_set(x, PROBE_FAIL, "canary table %s does not exist in the restored copy", table);
        goto done;
    }
    if (st != DRH_OK) {
        probe_set_error(x, &err);
        goto done;
    }
    const char *newest = db_cell(&res, 0, 0);
    if (!newest) {
        probe_set(x, PROBE_FAIL, "canary table %s has no row with a %s (%s rows)", table, column,
                  db_cell(&res, 0, 1) ? db_cell(&res, 0, 1) : "0");
        goto done;
    }
    char *end;
    errno = 0;
    double epoch = strtod(newest, &end);
    if (end == newest || *end || errno) {
        probe_set(x, PROBE_ERROR, "canary %s.%s gave '%s', not a time", table, column, newest);
        goto done;
    }
    char when[40], chain[320] = "";
    s_rfc3339(epoch, when, sizeof when);
    if (!s_chain(x, table, column, chain, sizeof chain))
        goto done;
    x->out->canary_time = epoch;
    probe_set(x, PROBE_PASS, "newest canary %s (%s.%s, %s rows)%s%s", when, table, column,
              db_cell(&res, 0, 1) ? db_cell(&res, 0, 1) : "?", chain[0] ? "; " : "", chain);
done:
    db_result_clean_up(&res);
    free(sql);
    free(qt);
    free(qc);
}
