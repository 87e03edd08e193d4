/*
 * Real databases for the probe suites: one local AWS emulator per test
 * process (fixtures/emulator), which runs real PostgreSQL 15 and MariaDB
 * servers on 127.0.0.1. The first suite that needs it starts it (state in a
 * fresh temporary directory); it is stopped with SIGTERM, waited for and its
 * directory removed when the process exits, and dies with the test process
 * if that is killed. Databases are made through its admin API.
 *
 * A suite uses dbfixture_unavailable as its skip check, so where Debian's
 * python3 with botocore or the server binaries are missing the suite is
 * inactive with that reason, never passed.
 */
#ifndef DRH_TEST_DBFIXTURE_H
#define DRH_TEST_DBFIXTURE_H

#include "buf.h"
#include "probes/db.h"

#include <stdbool.h>

/* Every seeded database has this master user and password. */
#define DBFIXTURE_USER "dbadmin"
#define DBFIXTURE_PASSWORD "Fixture-pw-7f3a9c"
#define DBFIXTURE_DATABASE "app"

struct dbfixture_db {
    enum db_flavor flavor;
    char *identifier;
    char *arn;
    int port;
    char *database;
};

/* NULL when the emulator can run here, else why not. */
const char *dbfixture_unavailable(void);
/* Starts the emulator unless it runs already: 0 on success (for a suite's
 * init). */
int dbfixture_start(void);
/* A fresh database server (an RDS instance of the emulator) named
 * identifier with database DBFIXTURE_DATABASE, after running sql in it
 * (NULL: none) as the master user (PostgreSQL) or root (MariaDB). 0 on
 * success; the failure is printed. Clean up with dbfixture_db_clean_up(). */
int dbfixture_seed(enum db_flavor flavor, const char *identifier, const char *sql,
                   struct dbfixture_db *out);
/* A new server holding a dump of src loaded the way a restore loads it
 * (pg_dump --no-owner --no-privileges | psql; mariadb-dump | mariadb). */
int dbfixture_copy(const struct dbfixture_db *src, const char *identifier,
                   struct dbfixture_db *out);
/* Runs sql on db (database: NULL for the seeded one); as_admin runs it as
 * the server's superuser instead of the master user (PostgreSQL). The rows
 * come back as JSON in rows when not NULL. 0 on success. */
int dbfixture_sql(const struct dbfixture_db *db, const char *database, const char *sql,
                  bool as_admin, struct buf *rows);
/* Where to connect: 127.0.0.1, its port, the master user and password,
 * TLS "prefer". */
struct db_target dbfixture_target(const struct dbfixture_db *db);
/* db_connect() to it; fails the running test and returns NULL on error. */
struct db_conn *dbfixture_connect(const struct dbfixture_db *db);
/* The pid of db's server process, or -1. */
long dbfixture_server_pid(const struct dbfixture_db *db);
/* Runs cmd with bash -o pipefail, output appended to the fixture's
 * commands.log; its exit status. */
int dbfixture_shell(const char *cmd);
/* A directory of this fixture's, for files the tests make (mode 0711). */
const char *dbfixture_dir(void);
void dbfixture_db_clean_up(struct dbfixture_db *db);

#endif
