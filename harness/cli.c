/* The drh command line: see cli.h. */
#include "cli.h"

#include "version.h"

#include <stdio.h>
#include <string.h>

static const char s_usage[] =
    "usage: drh [--debug] COMMAND [ARGS]\n"
    "\n"
    "drh proves that AWS backups really restore: it copies them cross-account and\n"
    "cross-region, restores them into an isolated stack, probes the data, measures\n"
    "the RTO and RPO achieved, tears everything down and reports in JUnit XML.\n"
    "\n"
    "commands:\n"
    "  help [COMMAND]   this text, or a command's\n"
    "  --version        print drh's version\n"
    "\n"
    "exit codes: 0 all passed, 1 a drill failed, 2 bad usage or drill file,\n"
    "            3 environment or infrastructure error\n";

int cli_main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(s_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("drh %s\n", DRH_VERSION);
        return 0;
    }
    fprintf(stderr, "drh: unknown command '%s'\nHINT: drh help lists the commands\n", argv[1]);
    return 2;
}
