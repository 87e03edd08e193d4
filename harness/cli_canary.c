/*
 * `drh canary [--once] FILE...` (cli_canary.h): loads every drill first
 * (a bad one stops before anything is written: exit 2), then writes one
 * canary per resource that has one and exits: cron runs it again.
 */
#include "cli_canary.h"

#include "canary/canary.h"
#include "drill/drill.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char s_canary_usage[] =
    "usage: drh canary [--once] FILE...\n"
    "\n"
    "Writes the next canary of each drill's resources into production, so that a\n"
    "later restore can be dated by the newest canary it holds (the data-level RPO)\n"
    "and its chain shows writes that were lost, reordered or altered:\n"
    "\n"
    "  rds, aurora  a row of the canary probe's table (default drh_canary: made when\n"
    "               missing, chain columns added to an older one) at canary.endpoint\n"
    "               or the source's endpoint (DescribeDBClusters / DescribeDBInstances)\n"
    "  s3           an object <canary.prefix><seq>.json in the source bucket\n"
    "               (default prefix drh-canary/chain/)\n"
    "  efs          a line of <canary.mount>/.drh-canary (its first line stays the\n"
    "               newest canary's time)\n"
    "\n"
    "Each canary carries its seq, the writer's UTC time and a SHA-256 chained to the\n"
    "previous one; canary.keep (default 1000) are kept. The database user and\n"
    "password come from the drill's canary section, else its login (password_env or\n"
    "password_file only). AWS calls use the drill's source side.\n"
    "\n"
    "  --once   write one canary per resource and exit (the only mode)\n"
    "\n"
    "One line per canary written on stdout:\n"
    "  orders: canary seq 42 written 2026-11-22T10:00:00.123456Z (table drh_canary at HOST:5432)\n"
    "\n"
    "exit codes: 0 every canary written, 2 bad usage or drill file (or nothing to\n"
    "write, no password), 3 a write failed (network, database, AWS, file system).\n"
    "\n"
    "example crontab line (every five minutes):\n"
    "  */5 * * * * drh canary /etc/drh/orders.json\n"
    "\n"
    "docs/canary.md describes the formats and how the probes verify them.\n";

static int s_canary(int argc, char **argv)
{
    const char **files = xcalloc((size_t)argc, sizeof *files);
    size_t nf = 0;
    int rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        if (strcmp(argv[i], "--once") == 0)
            continue;
        if (argv[i][0] == '-' && argv[i][1])
            rc = cli_usage_error("canary", "unknown option", argv[i]);
        else
            files[nf++] = argv[i];
    }
    if (!rc && nf == 0)
        rc = cli_usage_error("canary", "a drill file is needed", "");
    struct drill **d = xcalloc(nf ? nf : 1, sizeof *d);
    size_t n = 0;
    for (size_t i = 0; i < nf && !rc; i++) {
        struct drh_err err;
        drh_err_clear(&err);
        if (drill_load(files[i], &d[n], &err) != DRH_OK)
            rc = cli_fail(&err);
        else
            n++;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        size_t wanted = 0;
        for (size_t j = 0; j < d[i]->n_resources; j++)
            wanted += canary_wanted(&d[i]->resources[j]);
        if (!wanted) {
            fprintf(stderr,
                    "drh canary: drill '%s' (%s) has no resource with a canary\n"
                    "HINT: an rds / aurora resource needs a canary probe or a \"canary\" "
                    "section, an efs or s3 resource a \"canary\" section (docs/canary.md)\n",
                    d[i]->name, d[i]->path);
            rc = 2;
        }
    }
    /* one time for every canary of this invocation */
    long long now = canary_now_us();
    int worst = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        int r = canary_write_drill(d[i], now, stdout);
        worst = r > worst ? r : worst;
    }
    if (!rc)
        rc = worst;
    free(files);
    for (size_t i = 0; i < n; i++)
        drill_free(d[i]);
    free(d);
    return rc;
}

const struct cli_command cli_canary_commands[] = {
    {"canary", s_canary, s_canary_usage,
     "write the drills' chained canaries into production (from cron)"},
};
const int cli_canary_command_count = sizeof(cli_canary_commands) / sizeof(cli_canary_commands[0]);
