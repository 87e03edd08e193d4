/*
 * The MySQL / MariaDB driver of probes/db.h: the only module that includes
 * mysql.h (the MariaDB connector, which speaks to both servers, RDS MySQL,
 * RDS MariaDB and Aurora MySQL). Rows stream with mysql_use_result().
 *
 * TLS: the connector 3.3 behind this build treats MYSQL_OPT_SSL_ENFORCE as
 * "try TLS, fall back to plain text" unless the certificate is verified, so
 * "prefer" is exactly that option, and "require" is checked here after the
 * handshake: a session without a cipher is closed and refused.
 */
#include "probes/db_impl.h"

#include "mem.h"

#include <mysql.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Error numbers from mysqld_error.h / errmsg.h, kept here by value because
 * MySQL and MariaDB number some of them differently. */
#define S_ER_ACCESS_DENIED 1045
#define S_ER_BAD_DB 1049
#define S_ER_NO_SUCH_TABLE 1146
#define S_ER_QUERY_INTERRUPTED 1317
#define S_ER_MARIADB_STATEMENT_TIMEOUT 1969
#define S_ER_MYSQL_QUERY_TIMEOUT 3024
#define S_CR_SERVER_GONE 2006
#define S_CR_SERVER_LOST 2013
#define S_CR_SSL_CONNECTION 2026
#define S_CR_SERVER_LOST_EXTENDED 2055

struct db_mysql {
    struct db_conn base; /* first: a struct db_conn * is a struct db_mysql * */
    MYSQL *m;
    bool mariadb; /* max_statement_time (seconds) rather than max_execution_time (ms) */
};

static pthread_once_t s_once = PTHREAD_ONCE_INIT;

/* mysql_init() initialises the library on first use, which is not safe
 * when two threads probe at once; do it once, here. */
static void s_library_init(void)
{
    mysql_library_init(0, NULL, NULL);
}

static struct db_mysql *s_my(const struct db_conn *c)
{
    return (struct db_mysql *)c;
}

static enum drh_status s_connect_code(unsigned int no)
{
    switch (no) {
    case S_ER_ACCESS_DENIED:
        return DRH_E_CREDS;
    case S_CR_SSL_CONNECTION:
        return DRH_E_TLS;
    case S_ER_BAD_DB:
        return DRH_E_NOTFOUND;
    default:
        return DRH_E_NET;
    }
}

static void s_close(struct db_conn *c)
{
    struct db_mysql *p = s_my(c);
    if (p->m)
        mysql_close(p->m);
    free(p);
}

static enum drh_status s_query_code(unsigned int no)
{
    switch (no) {
    case S_ER_NO_SUCH_TABLE:
    case S_ER_BAD_DB:
        return DRH_E_NOTFOUND;
    case S_ER_QUERY_INTERRUPTED:
    case S_ER_MARIADB_STATEMENT_TIMEOUT:
    case S_ER_MYSQL_QUERY_TIMEOUT:
        return DRH_E_TIMEOUT;
    case S_CR_SERVER_GONE:
    case S_CR_SERVER_LOST:
    case S_CR_SERVER_LOST_EXTENDED:
        return DRH_E_NET;
    default:
        return DRH_E_INPUT;
    }
}

static enum drh_status s_query_error(struct db_mysql *p, const char *sql, struct drh_err *err)
{
    char *msg = db_clean_message(mysql_error(p->m), NULL);
    char excerpt[200];
    db_sql_excerpt(sql, excerpt, sizeof excerpt);
    enum drh_status code = s_query_code(mysql_errno(p->m));
    snprintf(p->base.sqlstate, sizeof p->base.sqlstate, "%s", mysql_sqlstate(p->m));
    if (code == DRH_E_NET)
        drh_err_set(err, code, "lost the connection to %s: %s (%s)", p->base.label, msg, excerpt);
    else
        drh_err_set(err, code, "query failed on %s: %s (%s)", p->base.label, msg, excerpt);
    free(msg);
    return code;
}

static enum drh_status s_query_each(struct db_conn *c, const char *sql, db_row_fn fn, void *ctx,
                                    struct drh_err *err)
{
    struct db_mysql *p = s_my(c);
    enum drh_status st = DRH_OK;
    const char **names = NULL;
    if (mysql_real_query(p->m, sql, strlen(sql)) != 0)
        return s_query_error(p, sql, err);
    do {
        MYSQL_RES *res = mysql_use_result(p->m);
        if (!res) {
            if (mysql_field_count(p->m) != 0 && st == DRH_OK)
                st = s_query_error(p, sql, err);
            continue;
        }
        size_t n = mysql_num_fields(res);
        MYSQL_FIELD *fields = mysql_fetch_fields(res);
        free(names);
        names = xcalloc(n ? n : 1, sizeof *names);
        for (size_t i = 0; i < n; i++)
            names[i] = fields[i].name;
        bool stopped = st != DRH_OK || !fn;
        MYSQL_ROW row;
        /* mysql_use_result() leaves the rows on the wire: every one must be
         * read, even after fn asked to stop, before the next statement. */
        while ((row = mysql_fetch_row(res)) != NULL)
            if (!stopped)
                stopped = fn(ctx, n, names, (const char *const *)row) != 0;
        if (mysql_errno(p->m) != 0 && st == DRH_OK)
            st = s_query_error(p, sql, err);
        mysql_free_result(res);
    } while (st != DRH_E_NET && mysql_more_results(p->m) && mysql_next_result(p->m) == 0);
    free(names);
    return st;
}

static enum drh_status s_exec(struct db_mysql *p, const char *sql, struct drh_err *err)
{
    return s_query_each(&p->base, sql, NULL, NULL, err);
}

static enum drh_status s_set_timeout(struct db_conn *c, int seconds, struct drh_err *err)
{
    struct db_mysql *p = s_my(c);
    char sql[80];
    if (p->mariadb)
        snprintf(sql, sizeof sql, "SET SESSION max_statement_time = %d", seconds);
    else /* MySQL 5.7+ and Aurora MySQL: milliseconds, and SELECT only */
        snprintf(sql, sizeof sql, "SET SESSION max_execution_time = %lld",
                 (long long)seconds * 1000);
    return s_exec(p, sql, err);
}

static char *s_quote_literal(const struct db_conn *c, const char *text)
{
    size_t n = strlen(text);
    char *out = xmalloc(2 * n + 3);
    out[0] = '\'';
    /* The connector decides between backslash escapes and quote doubling
     * from the session's sql_mode (NO_BACKSLASH_ESCAPES). */
    unsigned long len = mysql_real_escape_string(s_my(c)->m, out + 1, text, (unsigned long)n);
    if (len == (unsigned long)-1)
        len = 0;
    out[1 + len] = '\'';
    out[2 + len] = '\0';
    return out;
}

static const struct db_ops s_ops = {s_close, s_set_timeout, s_query_each, s_quote_literal, NULL};

static void s_tls_options(MYSQL *m, const struct db_target *t)
{
    my_bool on = 1, off = 0;
    if (t->tls == DRILL_TLS_DISABLE) {
        mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &off);
        return;
    }
    mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &on);
    if (t->tls != DRILL_TLS_VERIFY_FULL) {
        mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off);
        return;
    }
    /* Verification checks the chain against the CA and the certificate's
     * names against host. Without a bundle, OpenSSL's default store. */
    mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
    if (t->ca_bundle)
        mysql_optionsv(m, MYSQL_OPT_SSL_CA, t->ca_bundle);
}

enum drh_status db_mysql_connect(const struct db_target *t, struct db_conn **out,
                                 struct drh_err *err)
{
    pthread_once(&s_once, s_library_init);
    struct db_mysql *p = xcalloc(1, sizeof *p);
    db_conn_init(&p->base, &s_ops, t);
    p->m = mysql_init(NULL);
    if (!p->m) {
        drh_err_set(err, DRH_E_INTERNAL, "cannot connect to %s: the connector could not start",
                    p->base.label);
        goto fail;
    }
    unsigned int timeout = (unsigned int)t->connect_timeout;
    my_bool off = 0;
    mysql_optionsv(p->m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_optionsv(p->m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    /* A server must never be able to read files from the probing host. */
    mysql_optionsv(p->m, MYSQL_OPT_LOCAL_INFILE, &off);
    s_tls_options(p->m, t);
    if (!mysql_real_connect(p->m, t->host, t->user, t->password ? t->password : "", t->database,
                            (unsigned int)t->port, NULL, 0)) {
        char *msg = db_clean_message(mysql_error(p->m), t->password);
        drh_err_set(err, s_connect_code(mysql_errno(p->m)), "cannot connect to %s as '%s': %s",
                    p->base.label, t->user, msg);
        db_connect_hint(err, t->tls);
        free(msg);
        goto fail;
    }
    p->base.tls = mysql_get_ssl_cipher(p->m) != NULL;
    if ((t->tls == DRILL_TLS_REQUIRE || t->tls == DRILL_TLS_VERIFY_FULL) && !p->base.tls) {
        drh_err_set(err, DRH_E_TLS,
                    "cannot connect to %s as '%s': the server does not support TLS and login.tls "
                    "is %s",
                    p->base.label, t->user,
                    t->tls == DRILL_TLS_REQUIRE ? "require" : "verify-full");
        db_connect_hint(err, t->tls);
        goto fail;
    }
    const char *version = mysql_get_server_info(p->m);
    p->base.version = xstrdup(version ? version : "");
    p->mariadb = strstr(p->base.version, "MariaDB") != NULL;
    /* UNIX_TIMESTAMP() of a DATETIME and the text of a TIMESTAMP depend on
     * the session's time zone: UTC makes both mean UTC. */
    if (s_exec(p, "SET time_zone = '+00:00'", err) != DRH_OK ||
        s_exec(p, "SET SESSION group_concat_max_len = 1048576", err) != DRH_OK)
        goto fail;
    *out = &p->base;
    return DRH_OK;
fail:
    db_close(&p->base);
    return err->code;
}
