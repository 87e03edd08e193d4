/*
 * drh sweep (cli_sweep.c): finds what ended or expired runs left in the
 * accounts and Regions of the drill files, and deletes it through each
 * run's ledger (harness/run/sweep.h); --dry-run lists it.
 */
#ifndef DRH_CLI_SWEEP_H
#define DRH_CLI_SWEEP_H
#include "cli_util.h"

extern const struct cli_command cli_sweep_commands[];
extern const int cli_sweep_command_count;

#endif
