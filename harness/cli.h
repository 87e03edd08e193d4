/* The drh command line: parses argv, dispatches to a command, returns the
 * process exit code (0 passed, 1 a drill failed, 2 bad usage or input,
 * 3 environment or infrastructure error). */
#ifndef DRH_CLI_H
#define DRH_CLI_H
int cli_main(int argc, char **argv);
#endif
