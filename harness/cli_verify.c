/*
 * drh verify --manifest FILE (--tree DIR | --engine ...): the probes of a
 * drill run on a copy someone restored by hand, or one a drill kept. Each
 * probe prints one line "NAME: VERDICT: message"; the exit code is the
 * worst of them: 0 all pass, 1 a difference, 3 could not check.
 */
#include "cli_verify.h"

#include "cli_db.h"
#include "crypto.h"
#include "mem.h"
#include "probes/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char s_usage[] =
    "usage: drh verify --manifest FILE --tree DIR [--timeout SECONDS]\n"
    "       drh verify --manifest FILE --engine postgres|mysql --host HOST [--port PORT]\n"
    "                  --user USER (--password-env VAR | --password-file FILE)\n"
    "                  [--database DB] [--tls MODE] [--ca-bundle FILE] [--tables T1,T2]\n"
    "                  [--jobs N] [--timeout SECONDS]\n"
    "\n"
    "Checks a restored copy against the manifest drh manifest wrote of its source,\n"
    "with the probes a drill would run (docs/probes.md, docs/efs.md):\n"
    "  a database: the schema probe (tables, columns, indexes) and the checksum\n"
    "              probe (every table's row count and content hash, --jobs tables\n"
    "              at a time over their own connections; default 4);\n"
    "  a tree:     the manifest probe (every file's size and SHA-256; nothing\n"
    "              missing, nothing extra).\n"
    "For a restore made by hand, or one a drill kept (drh run --keep). Each probe\n"
    "prints one line: NAME: pass|fail|error: what was found.\n"
    "\n"
    "  --timeout SECONDS  bounds each probe (default 3600)\n"
    "\n"
    "exit codes: 0 the copy matches, 1 it differs, 2 bad usage,\n"
    "            3 could not check (connection, unreadable manifest, timeout)\n"
    "\n"
    "examples:\n"
    "  drh verify --manifest drills/manifests/shared-files.json --tree /mnt/restored\n"
    "  PGPW=... drh verify --manifest drills/manifests/orders.json --engine postgres \\\n"
    "      --host restored.abc.eu-west-1.rds.amazonaws.com --user audit --password-env PGPW \\\n"
    "      --database orders\n";

static int s_print(const struct drill_probe *p, const struct probe_result *r)
{
    printf("%s: %s: %s (%.1fs)\n", p->name, probe_verdict_name(r->verdict), r->message, r->seconds);
    fflush(stdout);
    return r->verdict == PROBE_PASS ? 0 : r->verdict == PROBE_FAIL ? 1 : 3;
}

static int s_worst(int a, int b)
{
    return a > b ? a : b;
}

static int s_database(const struct cli_db_options *o, struct drill_probe *probes, size_t n)
{
    struct db_target t;
    char password[256] = "";
    int rc = cli_db_target("verify", o, &t, password, sizeof(password));
    if (rc)
        return rc;
    struct drh_err err;
    drh_err_clear(&err);
    struct db_conn *c = NULL;
    if (db_connect(&t, &c, &err) != DRH_OK) {
        crypto_wipe(password, sizeof(password));
        return cli_fail(&err);
    }
    for (size_t i = 0; i < n; i++) {
        struct probe_result r;
        probe_run(c, &probes[i], NULL, &r);
        rc = s_worst(rc, s_print(&probes[i], &r));
    }
    db_close(c);
    crypto_wipe(password, sizeof(password));
    return rc;
}

static int s_verify(int argc, char **argv)
{
    struct cli_db_options o = {0};
    const char *manifest = NULL, *tree = NULL, *tables = NULL, *jobs = NULL, *timeout = NULL;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_db_option(argc, argv, &i, &o, &bad) ||
            cli_option(argc, argv, &i, "--manifest", &manifest, &bad) ||
            cli_option(argc, argv, &i, "--tree", &tree, &bad) ||
            cli_option(argc, argv, &i, "--tables", &tables, &bad) ||
            cli_option(argc, argv, &i, "--jobs", &jobs, &bad) ||
            cli_option(argc, argv, &i, "--timeout", &timeout, &bad)) {
            if (bad)
                return cli_usage_error("verify", "a value is missing after", argv[i]);
            continue;
        }
        return cli_usage_error("verify", "unknown argument", argv[i]);
    }
    if (!manifest)
        return cli_usage_error("verify", "needs", "--manifest FILE");
    if (!tree == !o.engine)
        return cli_usage_error("verify", "needs one of --tree DIR and --engine ENGINE, near",
                               tree ? "--tree" : "--manifest");
    long secs = 3600, n_jobs = 0;
    if (timeout && !cli_long(timeout, 1, 7 * 86400, &secs))
        return cli_usage_error("verify", "--timeout takes 1 to 604800 seconds, not", timeout);
    if (jobs && !cli_long(jobs, 1, 64, &n_jobs))
        return cli_usage_error("verify", "--jobs takes 1 to 64, not", jobs);
    if (tree) {
        if (tables || jobs || o.host || o.user || o.port || o.database)
            return cli_usage_error("verify", "with --tree, database options do not apply:",
                                   tables ? "--tables"
                                   : jobs ? "--jobs"
                                          : "--host/--user/...");
        char name[] = "manifest";
        struct drill_probe p = {.name = name, .kind = PROBE_MANIFEST, .timeout = secs};
        p.manifest = (char *)manifest;
        struct probe_result r;
        probe_tree_run(tree, &p, NULL, 0, &r);
        return s_print(&p, &r);
    }

    char *list = tables ? xstrdup(tables) : NULL;
    const char *split[CLI_DB_TABLES_MAX];
    struct drill_table names[CLI_DB_TABLES_MAX];
    size_t n_names = cli_db_tables(list, split);
    for (size_t i = 0; i < n_names; i++)
        names[i] = (struct drill_table){(char *)split[i], 0};
    char schema[] = "schema", checksum[] = "checksum";
    struct drill_probe probes[2] = {
        {.name = schema, .kind = PROBE_SCHEMA, .timeout = secs},
        {.name = checksum, .kind = PROBE_CHECKSUM, .timeout = secs},
    };
    for (int k = 0; k < 2; k++)
        probes[k].manifest = (char *)manifest;
    probes[1].tables = n_names ? names : NULL;
    probes[1].n_tables = n_names;
    probes[1].jobs = (int)n_jobs;
    int rc = s_database(&o, probes, 2);
    free(list);
    return rc;
}

const struct cli_command cli_verify_commands[] = {
    {"verify", s_verify, s_usage, NULL},
};
const int cli_verify_command_count = sizeof(cli_verify_commands) / sizeof(cli_verify_commands[0]);
