/*
 * Between probes/db.c and its two drivers (db_pg.c, db_mysql.c): a driver
 * embeds struct db_conn first in its own connection and fills in the ops;
 * db.c does what is common (statement timeouts, buffered results, labels,
 * password scrubbing). Not for use outside probes/db*.c.
 */
#ifndef DRH_PROBES_DB_IMPL_H
#define DRH_PROBES_DB_IMPL_H
#include "probes/db.h"

struct db_ops {
    void (*close)(struct db_conn *c);
    /* Sets the server-side statement timeout; 0 removes it. */
    enum drh_status (*set_timeout)(struct db_conn *c, int seconds, struct drh_err *err);
    enum drh_status (*query_each)(struct db_conn *c, const char *sql, db_row_fn fn, void *ctx,
                                  struct drh_err *err);
    char *(*quote_literal)(const struct db_conn *c, const char *text);
    /* COPY ... TO STDOUT (PostgreSQL); NULL where the engine has none. */
    enum drh_status (*copy_each)(struct db_conn *c, const char *sql, db_line_fn fn, void *ctx,
                                 struct drh_err *err);
};

struct db_conn {
    const struct db_ops *ops;
    enum db_flavor flavor;
    char *label;    /* "postgres at 127.0.0.1:5432 database 'app'" */
    char *version;  /* the server's version string */
    bool tls;
    int timeout;      /* the statement timeout set on the server; -1: unknown */
    char sqlstate[8]; /* of the last failed statement; "" when none */
    /* How it was reached, for db_connect_again(): strings owned, the
     * password wiped on close. */
    struct db_target target;
};

/* The drivers' connect functions, called by db_connect() with a filled-in
 * target (connect_timeout set, database possibly NULL). */
enum drh_status db_pg_connect(const struct db_target *t, struct db_conn **out, struct drh_err *err);
enum drh_status db_mysql_connect(const struct db_target *t, struct db_conn **out,
                                 struct drh_err *err);

/* Fills the common part of a new connection. */
void db_conn_init(struct db_conn *c, const struct db_ops *ops, const struct db_target *t);
/* A library message made fit for one line of an error: newlines become
 * "; ", trailing space goes, and every occurrence of password (when not NULL
 * or empty) becomes REDACTED. Caller frees. */
char *db_clean_message(const char *msg, const char *password);
/* The hint for a failed connect, by the error's code (both drivers map
 * their errors to the same codes). */
void db_connect_hint(struct drh_err *err, enum drill_tls tls);

#endif
