/*
 * The PostgreSQL driver of probes/db.h: the only module that includes
 * libpq-fe.h. Connections are made from keyword/value arrays, never from a
 * conninfo string, so no value needs quoting and none is parsed as another
 * keyword. Rows are read in single-row mode so a large table streams.
 */
#include "probes/db_impl.h"

#include "mem.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct db_pg {
    struct db_conn base; /* first: a struct db_conn * is a struct db_pg * */
    PGconn *pg;
};

/* The session settings every text rendering (checksums, canary times)
 * depends on: fixed here so that a role's or database's defaults on the
 * restored copy cannot change a result. */
static const char s_session_sql[] = "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, MDY'; "
                                    "SET IntervalStyle TO 'postgres'; SET bytea_output TO 'hex'; "
                                    "SET extra_float_digits TO 1";

static struct db_pg *s_pg(const struct db_conn *c)
{
    return (struct db_pg *)c;
}

static const char *s_sslmode(enum drill_tls tls)
{
    switch (tls) {
    case DRILL_TLS_DISABLE:
        return "disable";
    case DRILL_TLS_REQUIRE:
        return "require";
    case DRILL_TLS_VERIFY_FULL:
        return "verify-full";
    case DRILL_TLS_PREFER:
        break;
    }
    return "prefer";
}

/* verify-full without a CA file means the system's store: libpq 16 knows
 * "system"; older ones look in ~/.postgresql unless given a file. */
static const char *s_system_roots(void)
{
    static const char *const candidates[] = {
        "/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu, Alpine */
        "/etc/pki/tls/certs/ca-bundle.crt",   /* Fedora, RHEL, Amazon Linux */
        "/etc/ssl/cert.pem",                  /* macOS, BSDs */
    };
    if (PQlibVersion() >= 160000)
        return "system";
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return NULL;
}

static enum drh_status s_connect_code(const char *msg, enum drill_tls tls)
{
    if (strstr(msg, "authentication failed") || strstr(msg, "no password supplied") ||
        strstr(msg, "password is required"))
        return DRH_E_CREDS;
    if (strstr(msg, "does not exist") && strstr(msg, "database"))
        return DRH_E_NOTFOUND;
    if (tls != DRILL_TLS_DISABLE && (strstr(msg, "SSL") || strstr(msg, "certificate")))
        return DRH_E_TLS;
    return DRH_E_NET;
}

static void s_close(struct db_conn *c)
{
    struct db_pg *p = s_pg(c);
    PQfinish(p->pg);
    free(p);
}

static enum drh_status s_exec_simple(struct db_pg *p, const char *sql, struct drh_err *err)
{
    PGresult *r = PQexec(p->pg, sql);
    ExecStatusType st = PQresultStatus(r);
    enum drh_status code = DRH_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        char *msg = db_clean_message(PQerrorMessage(p->pg), NULL);
        code = drh_err_set(err, PQstatus(p->pg) == CONNECTION_BAD ? DRH_E_NET : DRH_E_INPUT,
                           "statement failed on %s: %s", p->base.label, msg);
        free(msg);
    }
    PQclear(r);
    return code;
}

static enum drh_status s_set_timeout(struct db_conn *c, int seconds, struct drh_err *err)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SET statement_timeout TO %lld", (long long)seconds * 1000);
    return s_exec_simple(s_pg(c), sql, err);
}

static enum drh_status s_query_code(PGconn *pg, const PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (PQstatus(pg) == CONNECTION_BAD || (state && strncmp(state, "08", 2) == 0))
        return DRH_E_NET;
    if (!state)
        return DRH_E_INPUT;
    if (strcmp(state, "42P01") == 0 || strcmp(state, "3F000") == 0)
        return DRH_E_NOTFOUND; /* undefined_table, invalid_schema_name */
    if (strcmp(state, "57014") == 0)
        return DRH_E_TIMEOUT; /* query_canceled: the statement timeout */
    return DRH_E_INPUT;
}

static void s_query_error(struct db_pg *p, const PGresult *r, const char *sql, struct drh_err *err)
{
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char *msg = db_clean_message(primary ? primary : PQerrorMessage(p->pg), NULL);
    char excerpt[200];
    db_sql_excerpt(sql, excerpt, sizeof excerpt);
    enum drh_status code = r ? s_query_code(p->pg, r) : DRH_E_NET;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(p->base.sqlstate, sizeof p->base.sqlstate, "%s", state ? state : "");
    if (code == DRH_E_NET)
        drh_err_set(err, code, "lost the connection to %s: %s (%s)", p->base.label, msg, excerpt);
    else
        drh_err_set(err, code, "query failed on %s: %s (%s)", p->base.label, msg, excerpt);
    free(msg);
}

static enum drh_status s_query_each(struct db_conn *c, const char *sql, db_row_fn fn, void *ctx,
                                    struct drh_err *err)
{
    struct db_pg *p = s_pg(c);
    if (!PQsendQuery(p->pg, sql)) {
        s_query_error(p, NULL, sql, err);
        if (PQstatus(p->pg) != CONNECTION_BAD)
            err->code = DRH_E_INPUT;
        return err->code;
    }
    /* Refused only when a query is already running, which cannot happen
     * here; without it the result would simply arrive in one piece. */
    PQsetSingleRowMode(p->pg);
    bool failed = false, stopped = false;
    const char **names = NULL, **cells = NULL;
    size_t ncols = 0;
    PGresult *r;
    while ((r = PQgetResult(p->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE && !failed && !stopped && fn) {
            size_t n = (size_t)PQnfields(r);
            if (!names || n != ncols) {
                free(names);
                free(cells);
                ncols = n;
                names = xcalloc(n ? n : 1, sizeof *names);
                cells = xcalloc(n ? n : 1, sizeof *cells);
            }
            for (size_t i = 0; i < n; i++) {
                names[i] = PQfname(r, (int)i);
                cells[i] = PQgetisnull(r, 0, (int)i) ? NULL : PQgetvalue(r, 0, (int)i);
            }
            stopped = fn(ctx, n, names, cells) != 0;
        } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK &&
                   st != PGRES_EMPTY_QUERY && !failed) {
            s_query_error(p, r, sql, err);
            failed = true;
        }
        PQclear(r);
    }
    free(names);
    free(cells);
    if (!failed && PQstatus(p->pg) == CONNECTION_BAD) {
        s_query_error(p, NULL, sql, err);
        failed = true;
    }
    return failed ? err->code : DRH_OK;
}

/* COPY ... TO STDOUT: each data line (one row, with its newline) goes to fn
 * as libpq hands it over, without a PGresult a row. */
static enum drh_status s_copy_each(struct db_conn *c, const char *sql, db_line_fn fn, void *ctx,
                                   struct drh_err *err)
{
    struct db_pg *p = s_pg(c);
    PGresult *r = PQexec(p->pg, sql);
    if (PQresultStatus(r) != PGRES_COPY_OUT) {
        s_query_error(p, r, sql, err);
        PQclear(r);
        return err->code;
    }
    PQclear(r);
    bool stopped = false;
    char *line = NULL;
    int len;
    while ((len = PQgetCopyData(p->pg, &line, 0)) > 0) {
        if (!stopped)
            stopped = fn(ctx, line, (size_t)len) != 0;
        PQfreemem(line);
    }
    bool failed = false;
    while ((r = PQgetResult(p->pg)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !failed) {
            s_query_error(p, r, sql, err);
            failed = true;
        }
        PQclear(r);
    }
    if (!failed && (len == -2 || PQstatus(p->pg) == CONNECTION_BAD)) {
        s_query_error(p, NULL, sql, err);
        failed = true;
    }
    return failed ? err->code : DRH_OK;
}

static char *s_quote_literal(const struct db_conn *c, const char *text)
{
    char *q = PQescapeLiteral(s_pg(c)->pg, text, strlen(text));
    if (q) {
        char *copy = xstrdup(q);
        PQfreemem(q);
        return copy;
    }
    /* Only on text invalid in the client encoding: quote it plainly, it
     * will then fail as a value rather than as SQL. */
    size_t n = strlen(text);
    char *out = xmalloc(2 * n + 3), *o = out;
    *o++ = '\'';
    for (const char *s = text; *s; s++) {
        if (*s == '\'')
            *o++ = '\'';
        *o++ = *s;
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

static const struct db_ops s_ops = {s_close, s_set_timeout, s_query_each, s_quote_literal,
                                    s_copy_each};

enum drh_status db_pg_connect(const struct db_target *t, struct db_conn **out, struct drh_err *err)
{
    char port[16], timeout[16];
    snprintf(port, sizeof port, "%d", t->port);
    snprintf(timeout, sizeof timeout, "%d", t->connect_timeout);
    const char *keys[24], *values[24];
    int n = 0;
#define S_PARAM(k, v) (keys[n] = (k), values[n] = (v), n++)
    S_PARAM("host", t->host);
    S_PARAM("port", port);
    S_PARAM("dbname", t->database);
    S_PARAM("user", t->user);
    if (t->password)
        S_PARAM("password", t->password);
    S_PARAM("sslmode", s_sslmode(t->tls));
    if (t->tls == DRILL_TLS_VERIFY_FULL) {
        const char *roots = t->ca_bundle ? t->ca_bundle : s_system_roots();
        if (roots)
            S_PARAM("sslrootcert", roots);
    }
    S_PARAM("connect_timeout", timeout);
    S_PARAM("client_encoding", "UTF8");
    S_PARAM("application_name", "drh");
    /* A Kerberos ticket in the environment would otherwise be tried first. */
    S_PARAM("gssencmode", "disable");
    /* A restored instance that vanishes mid-query is noticed in about a
     * minute instead of the kernel's two hours. */
    S_PARAM("keepalives", "1");
    S_PARAM("keepalives_idle", "30");
    S_PARAM("keepalives_interval", "10");
    S_PARAM("keepalives_count", "3");
    keys[n] = NULL;
    values[n] = NULL;
#undef S_PARAM

    struct db_pg *p = xcalloc(1, sizeof *p);
    db_conn_init(&p->base, &s_ops, t);
    p->pg = PQconnectdbParams(keys, values, 0);
    if (!p->pg || PQstatus(p->pg) != CONNECTION_OK) {
        char *msg = db_clean_message(p->pg ? PQerrorMessage(p->pg) : "out of memory", t->password);
        drh_err_set(err, s_connect_code(msg, t->tls), "cannot connect to %s as '%s': %s",
                    p->base.label, t->user, msg);
        db_connect_hint(err, t->tls);
        free(msg);
        goto fail;
    }
    p->base.tls = PQsslInUse(p->pg) != 0;
    if ((t->tls == DRILL_TLS_REQUIRE || t->tls == DRILL_TLS_VERIFY_FULL) && !p->base.tls) {
        drh_err_set(err, DRH_E_TLS, "cannot connect to %s as '%s': the session is not encrypted",
                    p->base.label, t->user);
        db_connect_hint(err, t->tls);
        goto fail;
    }
    const char *version = PQparameterStatus(p->pg, "server_version");
    p->base.version = xstrdup(version ? version : "");
    if (s_exec_simple(p, s_session_sql, err) != DRH_OK)
        goto fail;
    *out = &p->base;
    return DRH_OK;
fail:
    db_close(&p->base);
    return err->code;
}
