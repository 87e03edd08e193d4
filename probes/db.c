/*
 * The engine-independent half of probes/db.h: dispatch to the driver,
 * statement timeouts set only when they change, results buffered from the
 * streaming interface, identifier quoting, and the scrubbing that keeps a
 * password out of every message a library hands back.
 */
#include "probes/db_impl.h"

#include "buf.h"
#include "crypto.h"
#include "log.h"
#include "mem.h"
#include "redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *db_flavor_name(enum db_flavor f)
{
    return f == DB_POSTGRES ? "postgres" : "mysql";
}

void db_conn_init(struct db_conn *c, const struct db_ops *ops, const struct db_target *t)
{
    c->ops = ops;
    c->flavor = t->flavor;
    c->timeout = -1;
    c->target = *t;
    c->target.host = xstrdup(t->host);
    c->target.database = t->database ? xstrdup(t->database) : NULL;
    c->target.user = xstrdup(t->user);
    c->target.password = t->password ? xstrdup(t->password) : NULL;
    c->target.ca_bundle = t->ca_bundle ? xstrdup(t->ca_bundle) : NULL;
    if (t->database)
        c->label = xasprintf("%s at %s:%d database '%s'", db_flavor_name(t->flavor), t->host,
                             t->port, t->database);
    else
        c->label = xasprintf("%s at %s:%d", db_flavor_name(t->flavor), t->host, t->port);
}

enum drh_status db_connect(const struct db_target *t, struct db_conn **out, struct drh_err *err)
{
    if (!t->host || !*t->host || t->port <= 0 || t->port > 65535 || !t->user || !*t->user) {
        drh_err_set(err, DRH_E_CONFIG,
                    "cannot connect to %s: host, port (1-65535) and user are required",
                    db_flavor_name(t->flavor));
        return drh_err_hint(err, "the restored copy's endpoint gives host and port; "
                                 "login.user or the master user gives the user");
    }
    struct db_target filled = *t;
    if (filled.connect_timeout <= 0)
        filled.connect_timeout = 10;
    if (filled.flavor == DB_POSTGRES && !filled.database)
        filled.database = "postgres";
    if (filled.flavor == DB_POSTGRES)
        return db_pg_connect(&filled, out, err);
    return db_mysql_connect(&filled, out, err);
}

void db_close(struct db_conn *c)
{
    if (!c)
        return;
    char *label = c->label, *version = c->version;
    struct db_target t = c->target;
    c->ops->close(c); /* frees c itself */
    free((char *)t.host);
    free((char *)t.database);
    free((char *)t.user);
    if (t.password) {
        crypto_wipe((char *)t.password, strlen(t.password));
        free((char *)t.password);
    }
    free((char *)t.ca_bundle);
    free(label);
    free(version);
}

enum db_flavor db_flavor(const struct db_conn *c)
{
    return c->flavor;
}

bool db_tls_in_use(const struct db_conn *c)
{
    return c->tls;
}

const char *db_server_version(const struct db_conn *c)
{
    return c->version ? c->version : "";
}

const char *db_database(const struct db_conn *c)
{
    return c->target.database ? c->target.database : "";
}

const char *db_describe(const struct db_conn *c)
{
    return c->label;
}

const char *db_last_sqlstate(const struct db_conn *c)
{
    return c->sqlstate;
}

/* A server that refuses a statement timeout (an old MySQL, a proxy) still
 * gets probed: the timeout is a safety net, not a requirement. Only a lost
 * connection stops the query. */
static enum drh_status s_apply_timeout(struct db_conn *c, int timeout, struct drh_err *err)
{
    if (timeout < 0)
        timeout = 0;
    if (c->timeout == timeout)
        return DRH_OK;
    struct drh_err refused;
    drh_err_clear(&refused);
    enum drh_status st = c->ops->set_timeout(c, timeout, &refused);
    if (st == DRH_E_NET) {
        *err = refused;
        return st;
    }
    if (st != DRH_OK) {
        log_debug("no statement timeout on %s: %s", c->label, refused.msg);
        c->timeout = -1;
        return DRH_OK;
    }
    c->timeout = timeout;
    return DRH_OK;
}

enum drh_status db_query_each(struct db_conn *c, const char *sql, int timeout, db_row_fn fn,
                              void *ctx, struct drh_err *err)
{
    c->sqlstate[0] = '\0';
    enum drh_status st = s_apply_timeout(c, timeout, err);
    if (st != DRH_OK)
        return st;
    return c->ops->query_each(c, sql, fn, ctx, err);
}

enum drh_status db_copy_each(struct db_conn *c, const char *sql, int timeout, db_line_fn fn,
                             void *ctx, struct drh_err *err)
{
    c->sqlstate[0] = '\0';
    if (!c->ops->copy_each)
        return drh_err_set(err, DRH_E_INPUT, "%s has no COPY", c->label);
    enum drh_status st = s_apply_timeout(c, timeout, err);
    if (st != DRH_OK)
        return st;
    return c->ops->copy_each(c, sql, fn, ctx, err);
}

enum drh_status db_connect_again(const struct db_conn *c, struct db_conn **out, struct drh_err *err)
{
    return db_connect(&c->target, out, err);
}

int db_server_version_num(const struct db_conn *c)
{
    /* "15.4 (Debian ...)", "10.11.6-MariaDB-0+deb12u1": major.minor[.patch] */
    int v[3] = {0, 0, 0};
    if (!c->version || sscanf(c->version, "%d.%d.%d", &v[0], &v[1], &v[2]) < 2)
        return 0;
    if (c->flavor == DB_POSTGRES && v[0] >= 10)
        return v[0] * 10000 + v[1];
    return v[0] * 10000 + v[1] * 100 + v[2];
}

enum drh_status db_snapshot_begin(struct db_conn *c, struct drh_err *err)
{
    const char *sql = c->flavor == DB_POSTGRES
                          ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                          : "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";
    return c->ops->query_each(c, sql, NULL, NULL, err);
}

void db_snapshot_end(struct db_conn *c)
{
    struct drh_err ignored;
    c->ops->query_each(c, "ROLLBACK", NULL, NULL, &ignored);
    /* A timeout set inside the transaction is undone with it. */
    c->timeout = -1;
}

struct s_collect {
    struct db_result *res;
    size_t cap; /* rows the cells array has room for */
};

static int s_collect_row(void *ctx, size_t ncols, const char *const *names,
                         const char *const *cells)
{
    struct s_collect *k = ctx;
    struct db_result *r = k->res;
    /* A second result set (a procedure's) of another shape is not kept. */
    if (r->names && ncols != r->cols)
        return 0;
    if (!r->names) {
        r->cols = ncols;
        r->names = xcalloc(ncols ? ncols : 1, sizeof *r->names);
        for (size_t i = 0; i < ncols; i++)
            r->names[i] = xstrdup(names[i] ? names[i] : "");
    }
    if (r->rows == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 16;
        r->cells = xrealloc(r->cells, k->cap * (ncols ? ncols : 1) * sizeof *r->cells);
    }
    for (size_t i = 0; i < ncols; i++)
        r->cells[r->rows * ncols + i] = cells[i] ? xstrdup(cells[i]) : NULL;
    r->rows++;
    return 0;
}

enum drh_status db_query(struct db_conn *c, const char *sql, int timeout, struct db_result *res,
                         struct drh_err *err)
{
    memset(res, 0, sizeof *res);
    struct s_collect k = {res, 0};
    enum drh_status st = db_query_each(c, sql, timeout, s_collect_row, &k, err);
    if (st != DRH_OK)
        db_result_clean_up(res);
    return st;
}

void db_result_clean_up(struct db_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->rows * res->cols; i++)
        free(res->cells[i]);
    for (size_t i = 0; res->names && i < res->cols; i++)
        free(res->names[i]);
    free(res->cells);
    free(res->names);
    memset(res, 0, sizeof *res);
}

const char *db_cell(const struct db_result *res, size_t row, size_t col)
{
    if (!res || row >= res->rows || col >= res->cols)
        return NULL;
    return res->cells[row * res->cols + col];
}

char *db_quote_ident(const struct db_conn *c, const char *name)
{
    char q = c->flavor == DB_POSTGRES ? '"' : '`';
    struct buf b;
    buf_init(&b);
    buf_putc(&b, q);
    for (const char *p = name; *p; p++) {
        if (*p == '.') {
            buf_putc(&b, q);
            buf_putc(&b, '.');
            buf_putc(&b, q);
        } else {
            if (*p == q)
                buf_putc(&b, q); /* both engines escape the quote by doubling it */
            buf_putc(&b, *p);
        }
    }
    buf_putc(&b, q);
    return buf_detach(&b);
}

char *db_quote_literal(const struct db_conn *c, const char *text)
{
    return c->ops->quote_literal(c, text);
}

char *db_clean_message(const char *msg, const char *password)
{
    struct buf b;
    buf_init(&b);
    size_t plen = password ? strlen(password) : 0;
    for (const char *p = msg ? msg : ""; *p;) {
        if (plen && strncmp(p, password, plen) == 0) {
            buf_puts(&b, REDACTED);
            p += plen;
        } else if (*p == '\n' || *p == '\r') {
            while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
                p++;
            if (*p)
                buf_puts(&b, "; ");
        } else {
            buf_putc(&b, *p++);
        }
    }
    while (b.len && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t'))
        b.data[--b.len] = '\0';
    return buf_detach(&b);
}

void db_sql_excerpt(const char *sql, char *out, size_t size)
{
    size_t n = 0;
    bool space = false;
    if (!size)
        return;
    for (const char *p = sql ? sql : ""; *p && n + 1 < size; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = n > 0;
            continue;
        }
        if (space && n + 1 < size) {
            out[n++] = ' ';
            space = false;
        }
        if (n + 1 < size)
            out[n++] = *p;
        if (n >= 160 && p[1]) {
            if (size - n > 4) {
                memcpy(out + n, "...", 3);
                n += 3;
            }
            break;
        }
    }
    out[n] = '\0';
}

void db_connect_hint(struct drh_err *err, enum drill_tls tls)
{
    switch (err->code) {
    case DRH_E_CREDS:
        drh_err_hint(err, "check the user and the password the drill's login names "
                          "(password_env or password_file)");
        break;
    case DRH_E_TLS:
        if (tls == DRILL_TLS_VERIFY_FULL)
            drh_err_hint(err, "verify-full needs the server's CA in login.ca_bundle (for RDS: "
                              "the region's bundle from truststore.pki.rds.amazonaws.com) and "
                              "a certificate for the host name used");
        else
            drh_err_hint(err, "the server does not offer TLS; use login.tls \"prefer\" to "
                              "allow an unencrypted session");
        break;
    case DRH_E_NOTFOUND:
        drh_err_hint(err, "login.database names a database the restored copy does not have");
        break;
    default:
        drh_err_hint(err, "check that the instance is available and that its security group "
                          "lets this host in");
        break;
    }
}
