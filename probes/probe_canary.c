/*
 * The canary probe: the newest value of a timestamp column (a row the
 * application or drh's canary writer adds every few minutes) is the last
 * moment whose data the restore holds, so now minus it is the data-level
 * recovery point. The server turns it into UTC epoch seconds: PostgreSQL
 * counts a timestamp without time zone as UTC, MySQL converts DATETIME in
 * the session's time zone, which db_connect() set to UTC.
 */
#include "probes/probe_impl.h"

#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void s_rfc3339(double epoch, char *out, size_t size)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%.0f", epoch);
}

void probe_canary(struct probe_ctx *x)
{
    const char *table = x->p->canary_table ? x->p->canary_table : "drh_canary";
    const char *column = x->p->canary_column ? x->p->canary_column : "written_at";
    struct db_result res = {0};
    struct drh_err err;
    drh_err_clear(&err);
    char *qt = db_quote_ident(x->c, table), *qc = db_quote_ident(x->c, column);
    char *sql = db_flavor(x->c) == DB_POSTGRES
                    ? xasprintf("SELECT EXTRACT(EPOCH FROM max(%s))::float8, count(*) FROM %s",
                                qc, qt)
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
    char when[40];
    s_rfc3339(epoch, when, sizeof when);
    x->out->canary_time = epoch;
    probe_set(x, PROBE_PASS, "newest canary %s (%s.%s, %s rows)", when, table, column,
              db_cell(&res, 0, 1) ? db_cell(&res, 0, 1) : "?");
done:
    db_result_clean_up(&res);
    free(sql);
    free(qt);
    free(qc);
}
