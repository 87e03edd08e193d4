/*
 * A connection to a database, PostgreSQL (libpq, probes/db_pg.c) or MySQL /
 * MariaDB (the MariaDB connector, probes/db_mysql.c), behind one interface,
 * so probes are written once. Results are text, as both libraries give them.
 * The password is never logged nor put into an error message.
 *
 * Every session is normalised at connect time so that text renderings do not
 * depend on server or role defaults: PostgreSQL TimeZone UTC, DateStyle ISO,
 * IntervalStyle postgres, bytea_output hex, client_encoding UTF8; MySQL
 * time_zone '+00:00' and utf8mb4.
 *
 * Errors of db_query() / db_query_each() carry a code the probes act on:
 * DRH_E_NOTFOUND the table (relation) does not exist, DRH_E_TIMEOUT the
 * statement timeout fired, DRH_E_NET the connection is gone, DRH_E_INPUT the
 * server refused the statement (syntax, permission, type).
 */
#ifndef DRH_PROBES_DB_H
#define DRH_PROBES_DB_H
#include "drill/drill.h"
#include "err.h"
#include <stdbool.h>
#include <stddef.h>

enum db_flavor { DB_POSTGRES, DB_MYSQL };

struct db_target {
    enum db_flavor flavor;
    const char *host;
    int port;
    const char *database; /* NULL: postgres -> "postgres", mysql -> none */
    const char *user;
    const char *password;  /* secret: never logged */
    enum drill_tls tls;    /* prefer: TLS when the server offers it */
    const char *ca_bundle; /* verify-full: the CA file; NULL: the system's */
    int connect_timeout;   /* seconds; 0: 10 */
};

struct db_conn;
/* A query's result: rows x cols of text; NULL for SQL NULL. */
struct db_result {
    size_t rows, cols;
    char **names; /* cols column names */
    char **cells; /* rows * cols, row-major */
};

/* Connects. The error names host:port, database and user, and the library's
 * message (passwords scrubbed): DRH_E_CREDS when the server refused the
 * login, DRH_E_TLS when TLS could not be set up as asked, DRH_E_NOTFOUND for
 * an unknown database, else DRH_E_NET. Caller frees with db_close(). */
enum drh_status db_connect(const struct db_target *t, struct db_conn **out, struct drh_err *err);
/* NULL is a no-op. */
void db_close(struct db_conn *c);
enum db_flavor db_flavor(const struct db_conn *c);
/* "postgres" or "mysql". */
const char *db_flavor_name(enum db_flavor f);
/* Whether the session is encrypted, and the server's version string. */
bool db_tls_in_use(const struct db_conn *c);
const char *db_server_version(const struct db_conn *c);
/* The database the session is in ("" when none), and "postgres at
 * HOST:PORT database 'D'", for messages. */
const char *db_database(const struct db_conn *c);
const char *db_describe(const struct db_conn *c);

/* The SQLSTATE of the last failed statement ("42P01", "XX002"; MySQL's
 * too), "" when the server gave none. Probes tell corruption (class XX)
 * and refused permissions (42501) apart with it. */
const char *db_last_sqlstate(const struct db_conn *c);

/* Runs one statement; fills *res (caller cleans up with db_result_clean_up()).
 * timeout seconds bounds the statement on the server (0: none). */
enum drh_status db_query(struct db_conn *c, const char *sql, int timeout, struct db_result *res,
                         struct drh_err *err);
void db_result_clean_up(struct db_result *res);
/* The cell's text, NULL for SQL NULL or out of range. */
const char *db_cell(const struct db_result *res, size_t row, size_t col);

/* Called once per row: names and cells hold ncols entries (a cell is NULL
 * for SQL NULL). Returns 0 to go on; anything else stops calling (the rest of
 * the result is read and dropped) and the query ends with DRH_OK. */
typedef int (*db_row_fn)(void *ctx, size_t ncols, const char *const *names,
                         const char *const *cells);
/* Runs one statement and streams its rows through fn without keeping them:
 * PostgreSQL single-row mode, MySQL mysql_use_result(), so a table of any
 * size is read in constant memory. */
enum drh_status db_query_each(struct db_conn *c, const char *sql, int timeout, db_row_fn fn,
                              void *ctx, struct drh_err *err);

/* Called once per data line of a COPY (the line's bytes, its newline
 * included); returns 0 to go on, anything else to drop the rest. */
typedef int (*db_line_fn)(void *ctx, const char *line, size_t len);
/* Runs COPY ... TO STDOUT (text format) and streams its lines through fn,
 * keeping none. PostgreSQL only: DRH_E_INPUT on MySQL. */
enum drh_status db_copy_each(struct db_conn *c, const char *sql, int timeout, db_line_fn fn,
                             void *ctx, struct drh_err *err);
/* A second session to the same server, database and user as c (the
 * parallel checksum probe's workers). */
enum drh_status db_connect_again(const struct db_conn *c, struct db_conn **out,
                                 struct drh_err *err);
/* PostgreSQL's server_version_num (150004), MySQL's version as 100611;
 * 0 when unknown. */
int db_server_version_num(const struct db_conn *c);
/* A statement for messages: whitespace collapsed, cut at about 160
 * characters. Writes at most size bytes. */
void db_sql_excerpt(const char *sql, char *out, size_t size);

/* A read-only transaction that sees one snapshot of the whole database, so
 * a manifest of a live source is consistent across its tables: PostgreSQL
 * REPEATABLE READ, InnoDB WITH CONSISTENT SNAPSHOT. db_snapshot_end() ends
 * it (rolls back: nothing was written) and may be called after a failure. */
enum drh_status db_snapshot_begin(struct db_conn *c, struct drh_err *err);
void db_snapshot_end(struct db_conn *c);

/* Quotes an identifier ("schema"."table" / `schema`.`table`) into a new
 * string; caller frees. A dotted name quotes each part. */
char *db_quote_ident(const struct db_conn *c, const char *name);
/* Quotes a string literal ('it''s' / 'it\'s') with the connection's rules
 * into a new string; caller frees. */
char *db_quote_literal(const struct db_conn *c, const char *text);

#endif
