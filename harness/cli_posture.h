/*
 * `drh posture`: the posture checks of drill files (harness/check/posture.h)
 * on their own, read-only, for a nightly CI job. cli.c looks its commands
 * up in this table.
 */
#ifndef DRH_CLI_POSTURE_H
#define DRH_CLI_POSTURE_H
#include "cli_util.h"

extern const struct cli_command cli_posture_commands[];
extern const int cli_posture_command_count;

#endif
