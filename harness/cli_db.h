/*
 * How a command is told to reach a database: --engine, --host, --port,
 * --user, --password-env / --password-file, --database, --tls, --ca-bundle.
 * drh manifest and drh verify take the same options (cli_db.c).
 */
#ifndef DRH_CLI_DB_H
#define DRH_CLI_DB_H
#include "probes/db.h"

#include <stddef.h>

struct cli_db_options {
    const char *engine, *host, *port, *user, *pw_env, *pw_file, *database, *tls, *ca;
};

/* Takes one of the options above at argv[*i] (as cli_option() does);
 * returns 1 when argv[*i] was one (*bad set when its value is missing). */
int cli_db_option(int argc, char **argv, int *i, struct cli_db_options *o, int *bad);
/* Fills *t from o, the password read into password (size bytes; the caller
 * wipes it with crypto_wipe() after use). Returns 0, or 2 after printing a
 * usage error for command naming what is missing or wrong. */
int cli_db_target(const char *command, const struct cli_db_options *o, struct db_target *t,
                  char *password, size_t size);
/* --tables T1,T2: list split in place at its commas into names; returns
 * how many (at most CLI_DB_TABLES_MAX). */
#define CLI_DB_TABLES_MAX 256
size_t cli_db_tables(char *list, const char *names[CLI_DB_TABLES_MAX]);

#endif
