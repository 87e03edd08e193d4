/*
 * drh evidence (cli_evidence.c): `verify DIR` checks an evidence bundle's
 * SHA256SUMS and signature (reports/bundle/bundle.h) and names every file that
 * does not match; `keygen --out FILE` makes an Ed25519 signing key.
 */
#ifndef DRH_CLI_EVIDENCE_H
#define DRH_CLI_EVIDENCE_H
#include "cli_util.h"

#include <stdio.h>

/* evidence, for cli.c's command lookup. */
extern const struct cli_command cli_evidence_commands[];
extern const int cli_evidence_command_count;

/* drh evidence with its output injected (tests): results go to out,
 * warnings and errors to stderr; returns the exit code. argv[0] is
 * "evidence". */
int cli_evidence_run(int argc, char **argv, FILE *out);

#endif
