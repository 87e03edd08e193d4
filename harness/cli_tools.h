/*
 * Two helper commands (cli_tools.c): drh recovery-points, the recovery
 * points of a backup vault newest first (a table, or JSON for scripts), and
 * drh iam-policy, the least-privilege IAM policies a drill needs
 * (harness/iam/). Also the AWS set-up every command-line tool that talks to
 * one account shares with drh whoami: the credential chain of a profile,
 * AssumeRole into a role, one client in a region.
 */
#ifndef DRH_CLI_TOOLS_H
#define DRH_CLI_TOOLS_H
#include "aws/backup.h"
#include "aws/client.h"
#include "cli_util.h"
#include "json.h"

#include <stdio.h>

/* recovery-points and iam-policy, for cli.c's command lookup. */
extern const struct cli_command cli_tool_commands[];
extern const int cli_tool_command_count;

/* --profile, --region, --role-arn, --external-id, --endpoint-url. */
struct cli_aws_options {
    const char *profile;
    const char *region;
    const char *role_arn;
    const char *external_id; /* only with role_arn */
    const char *endpoint;
    const struct aws_env *env; /* NULL: the process environment and clock */
};

/* Caller storage: cli_aws_open() fills it, cli_aws_clean_up() frees it. */
struct cli_aws {
    struct aws_config *cfg;
    struct aws_creds_provider *chain;
    struct aws_creds_provider *role; /* NULL without role_arn */
    struct aws_client *client;
    const char *region; /* the client's region (borrowed) */
};

/* Takes one of the options above at argv[*i] (as cli_option() does);
 * returns 1 when argv[*i] was one (*bad set when its value is missing). */
int cli_aws_option(int argc, char **argv, int *i, struct cli_aws_options *o, int *bad);
/* The chain of o->profile, AssumeRole into o->role_arn when set, a client in
 * the region (given, AWS_REGION, the profile's, us-east-1). Makes no AWS
 * call. On failure *a is cleaned up. */
enum drh_status cli_aws_open(const struct cli_aws_options *o, struct cli_aws *a,
                             struct drh_err *err);
void cli_aws_clean_up(struct cli_aws *a);
/* The credentials the client signs with (the role's when assumed). */
struct aws_creds_provider *cli_aws_creds(const struct cli_aws *a);

/* The commands with their output and environment injected (tests): out gets
 * the result, errors go to stderr; the exit code is returned. */
int cli_recovery_points_run(int argc, char **argv, const struct aws_env *env, FILE *out);
int cli_iam_policy_run(int argc, char **argv, FILE *out);

/* The vault's recovery points of type (NULL: all; "RDS", "Aurora", ...),
 * every page, newest first. A vault that does not exist is DRH_E_NOTFOUND
 * with a hint naming the command that lists vaults. *out: caller frees with
 * backup_recovery_points_free(). */
enum drh_status cli_rp_list(struct aws_client *c, const char *vault, const char *type,
                            struct backup_recovery_point **out, size_t *n, struct drh_err *err);
/* The table (a header line, one line a point, columns aligned), with ages
 * counted to now (epoch seconds). Caller frees. */
char *cli_rp_table(const struct backup_recovery_point *v, size_t n, double now);
/* The JSON array of the points. Caller frees with json_free(). */
struct json *cli_rp_json(const struct backup_recovery_point *v, size_t n, double now);
/* 1288490189 -> "1.2 GiB", 512 -> "512 B"; 0 (unknown) -> "-". */
void cli_format_size(long long bytes, char *out, size_t size);
/* Seconds -> "45s", "12m5s", "3h12m", "2d4h": the two largest units. */
void cli_format_age(double seconds, char *out, size_t size);

#endif
