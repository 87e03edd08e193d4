/*
 * drh verify: a restored copy checked against a manifest with the probes a
 * drill runs (cli_verify.c), outside any drill: a database with the schema
 * and checksum probes, a file tree with the manifest probe.
 */
#ifndef DRH_CLI_VERIFY_H
#define DRH_CLI_VERIFY_H
#include "cli_util.h"

extern const struct cli_command cli_verify_commands[];
extern const int cli_verify_command_count;

#endif
