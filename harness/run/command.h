/*
 * Commands a drill gives: the EFS mount and unmount templates, the EC2
 * tunnel. A template's placeholders ("{mount_point}") become shell-quoted
 * values, so a value can never add shell syntax.
 */
#ifndef DRH_RUN_COMMAND_H
#define DRH_RUN_COMMAND_H
#include "buf.h"
#include "err.h"

#include <stddef.h>

struct cmd_var {
    const char *name;  /* "mount_point": the template writes {mount_point} */
    const char *value; /* NULL: "" */
};

/* Appends value as one /bin/sh word: 'text', each ' as '\''. */
void cmd_quote(struct buf *b, const char *value);
/* tmpl with every {name} of vars replaced by its quoted value; other text
 * as it is. Caller frees. */
char *cmd_expand(const char *tmpl, const struct cmd_var *vars, size_t n);
/* Runs cmd with /bin/sh -c in its own process group, stdin /dev/null; its
 * output's tail goes into the error. A command still running after timeout
 * seconds (0: 120) is killed with its group: DRH_E_TIMEOUT; a non-zero exit
 * is DRH_E_CONFIG. what names it in messages ("mount"). */
enum drh_status cmd_run(const char *cmd, long timeout, const char *what, struct drh_err *err);

#endif
