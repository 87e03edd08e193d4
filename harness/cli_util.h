/*
 * What every drh command shares: the command table entry, option parsing
 * and how an error becomes a message and an exit code.
 */
#ifndef DRH_CLI_UTIL_H
#define DRH_CLI_UTIL_H
#include "err.h"

#include <stdbool.h>

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *summary; /* one line for `drh help` */
};

/* Prints "drh: error: MSG" and "HINT: ..." on stderr; returns the exit code. */
int cli_fail(const struct drh_err *err);
/* Prints "drh COMMAND: WHAT 'ARG'" and a hint; returns 2. */
int cli_usage_error(const char *command, const char *what, const char *arg);
/* Takes "--name VALUE"; returns 1 when argv[*i] was that option (then *bad
 * is set when the value is missing). */
int cli_option(int argc, char **argv, int *i, const char *name, const char **out, int *bad);
/* A whole decimal number in [lo, hi] into *out; false (*out untouched) for
 * anything else. */
bool cli_long(const char *text, long lo, long hi, long *out);

/* The drill commands (cli_drill.c): run, validate, plan, teardown, manifest. */
extern const struct cli_command cli_drill_commands[];
extern const int cli_drill_command_count;

#endif
