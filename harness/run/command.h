/*
 * Commands a drill gives: the EFS mount and unmount templates, the EC2
 * tunnel. A template's placeholders ("{mount_point}") become shell-quoted
 * values, so a value can never add shell syntax.
 */
#ifndef DRH_RUN_COMMAND_H
#define DRH_RUN_COMMAND_H
#include "buf.h"
#include "err.h"

#include <stdbool.h>
#include <stddef.h>

/* How much of a command's output cmd_run_env() keeps for the caller. */
#define CMD_OUTPUT_MAX (64 * 1024)

struct cmd_var {
    const char *name;  /* "mount_point": the template writes {mount_point} */
    const char *value; /* NULL: "" */
};

/* Appends value as one /bin/sh word: 'text', each ' as '\''. */
void cmd_quote(struct buf *b, const char *value);
/* tmpl with every {name} of vars replaced by its quoted value; other text
 * as it is. Caller frees. */
char *cmd_expand(const char *tmpl, const struct cmd_var *vars, size_t n);
/* The same; quote false puts values in as they are (a URL's host). */
char *cmd_expand_as(const char *tmpl, const struct cmd_var *vars, size_t n, bool quote);
/* Runs cmd with /bin/sh -c in its own process group, stdin /dev/null; its
 * output's tail goes into the error. A command still running after timeout
 * seconds (0: 120) is killed with its group: DRH_E_TIMEOUT; a non-zero exit
 * is DRH_E_CONFIG. what names it in messages ("mount"). */
enum drh_status cmd_run(const char *cmd, long timeout, const char *what, struct drh_err *err);
/* The same with n_env "NAME=value" entries added to the command's
 * environment (never to drh's), and the first CMD_OUTPUT_MAX bytes of its
 * output (stdout and stderr) appended to out when out is not NULL. */
enum drh_status cmd_run_env(const char *cmd, const char *const *env, size_t n_env, long timeout,
                            const char *what, struct buf *out, struct drh_err *err);

#endif
