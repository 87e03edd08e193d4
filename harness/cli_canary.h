/*
 * `drh canary`: writes each drill's chained canaries into production (a
 * row, an S3 object, an EFS file line: harness/canary/canary.h), meant to
 * run from cron every few minutes. cli.c looks its commands up in this
 * table.
 */
#ifndef DRH_CLI_CANARY_H
#define DRH_CLI_CANARY_H
#include "cli_util.h"

extern const struct cli_command cli_canary_commands[];
extern const int cli_canary_command_count;

#endif
