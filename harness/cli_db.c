/*
 * The database options of drh manifest and drh verify (cli_db.h). The
 * password comes from an environment variable or a file, never from the
 * command line, where any user of the machine could read it.
 */
#include "cli_db.h"

#include "cli_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_db_option(int argc, char **argv, int *i, struct cli_db_options *o, int *bad)
{
    return cli_option(argc, argv, i, "--engine", &o->engine, bad) ||
           cli_option(argc, argv, i, "--host", &o->host, bad) ||
           cli_option(argc, argv, i, "--port", &o->port, bad) ||
           cli_option(argc, argv, i, "--user", &o->user, bad) ||
           cli_option(argc, argv, i, "--password-env", &o->pw_env, bad) ||
           cli_option(argc, argv, i, "--password-file", &o->pw_file, bad) ||
           cli_option(argc, argv, i, "--database", &o->database, bad) ||
           cli_option(argc, argv, i, "--tls", &o->tls, bad) ||
           cli_option(argc, argv, i, "--ca-bundle", &o->ca, bad);
}

static int s_password(const char *command, const struct cli_db_options *o, char *password,
                      size_t size)
{
    if (o->pw_env) {
        const char *v = getenv(o->pw_env);
        if (!v)
            return cli_usage_error(command, "environment variable not set:", o->pw_env);
        snprintf(password, size, "%s", v);
        return 0;
    }
    FILE *f = fopen(o->pw_file, "re");
    if (!f || !fgets(password, (int)size, f)) {
        if (f)
            fclose(f);
        return cli_usage_error(command, "cannot read the password file", o->pw_file);
    }
    fclose(f);
    password[strcspn(password, "\r\n")] = '\0';
    return 0;
}

int cli_db_target(const char *command, const struct cli_db_options *o, struct db_target *t,
                  char *password, size_t size)
{
    memset(t, 0, sizeof(*t));
    if (!o->engine || !o->host || !o->user || (!o->pw_env == !o->pw_file))
        return cli_usage_error(command,
                               "needs --engine, --host, --user and one of --password-env / "
                               "--password-file; missing or doubled near",
                               !o->engine ? "--engine"
                               : !o->host ? "--host"
                               : !o->user ? "--user"
                                          : "--password-*");
    const char *e = o->engine;
    if (strcmp(e, "postgres") == 0 || strcmp(e, "aurora-postgresql") == 0)
        t->flavor = DB_POSTGRES;
    else if (strcmp(e, "mysql") == 0 || strcmp(e, "aurora-mysql") == 0 || strcmp(e, "mariadb") == 0)
        t->flavor = DB_MYSQL;
    else
        return cli_usage_error(command, "--engine is postgres or mysql, not", e);
    long p = t->flavor == DB_POSTGRES ? 5432 : 3306;
    if (o->port && !cli_long(o->port, 1, 65535, &p))
        return cli_usage_error(command, "--port takes 1 to 65535, not", o->port);
    t->tls = DRILL_TLS_PREFER;
    if (o->tls) {
        static const char *const modes[] = {"prefer", "require", "verify-full", "disable"};
        int m = -1;
        for (int k = 0; k < 4; k++)
            if (strcmp(o->tls, modes[k]) == 0)
                m = k;
        if (m < 0)
            return cli_usage_error(command, "--tls is prefer, require, verify-full or disable, not",
                                   o->tls);
        t->tls = (enum drill_tls)m;
    }
    int rc = s_password(command, o, password, size);
    if (rc)
        return rc;
    t->host = o->host;
    t->port = (int)p;
    t->user = o->user;
    t->password = password;
    t->database = o->database;
    t->ca_bundle = o->ca;
    return 0;
}

size_t cli_db_tables(char *list, const char *names[CLI_DB_TABLES_MAX])
{
    size_t n = 0;
    for (char *save = NULL, *tok = list ? strtok_r(list, ",", &save) : NULL;
         tok && n < CLI_DB_TABLES_MAX; tok = strtok_r(NULL, ",", &save))
        names[n++] = tok;
    return n;
}
