/*
 * The helper commands (cli_tools.h): drh recovery-points and drh
 * iam-policy, their help texts, and the AWS set-up of a one-account tool
 * (also what drh whoami needs). The listing and its formats are in
 * cli_tools_rp.c, the policies in harness/iam/.
 */
#include "cli_tools.h"

#include "aws/config.h"
#include "aws/creds.h"
#include "drill/drill.h"
#include "iam/iam_policy.h"
#include "mem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char s_rp_usage[] =
    "usage: drh recovery-points --vault NAME [--type RDS|Aurora|EFS|EC2|S3] [--json]\n"
    "                           [--profile NAME] [--region REGION]\n"
    "                           [--role-arn ARN [--external-id ID]] [--endpoint-url URL]\n"
    "\n"
    "Lists the recovery points of a backup vault, newest first: when each was\n"
    "created (UTC) and how long ago, its status, resource type and size, the\n"
    "resource it backs up and its ARN. A drill with select \"latest\" restores the\n"
    "newest COMPLETED one of its resource; select \"dr-vault\" the newest in the DR\n"
    "vault. Credentials are found as drh whoami finds them.\n"
    "\n"
    "  --vault NAME       the backup vault (required)\n"
    "  --type TYPE        only this resource type: RDS, Aurora, EFS, EC2 or S3\n"
    "  --json             a JSON array instead of the table, for scripts\n"
    "  --profile NAME     the profile of ~/.aws/config (default: AWS_PROFILE, default)\n"
    "  --region REGION    the vault's region (default: AWS_REGION, the profile's, us-east-1)\n"
    "  --role-arn ARN     assume this role first: a vault of another account\n"
    "  --external-id ID   the role's external id\n"
    "  --endpoint-url URL send every AWS call there (e.g. the local emulator)\n"
    "\n"
    "exit codes: 0 listed (also when there are none), 2 bad usage, 3 AWS error\n"
    "(no such vault, credentials, network).\n"
    "\n"
    "examples:\n"
    "  drh recovery-points --vault prod-vault --type Aurora --profile production\n"
    "  drh recovery-points --vault dr-vault --region us-west-2 --profile production \\\n"
    "      --role-arn arn:aws:iam::222222222222:role/DrhDrillRole --external-id drh-drill\n"
    "  drh recovery-points --vault prod-vault --type RDS --json |\n"
    "      jq -r '[.[] | select(.status == \"COMPLETED\")][0].recovery_point_arn'\n";

static const char s_iam_usage[] =
    "usage: drh iam-policy [--side source|target|vault|all] FILE\n"
    "\n"
    "Prints the least-privilege IAM policies the drill in FILE needs, made from\n"
    "what drh calls for its resources, paths, copies, isolation, probes, teardown\n"
    "and posture. Makes no AWS call.\n"
    "\n"
    "  source   identity policy of the source side's role (or profile)\n"
    "  target   identity policy of the target side's role\n"
    "  vault    access policy of each DR vault a copy into another account lands\n"
    "           in: backup:CopyIntoBackupVault for the source account (none when\n"
    "           no copy crosses accounts)\n"
    "  all      all of them (default), each after a \"# ...\" heading line\n"
    "\n"
    "With one side only its JSON is printed, ready for the AWS CLI. Deletes are\n"
    "allowed only on things tagged drh:run-id, iam:PassRole only for the side's\n"
    "backup_role_arn and only to AWS Backup. docs/iam/ holds the policies of every\n"
    "example drill; docs/helpers.md explains each statement.\n"
    "\n"
    "exit codes: 0 printed, 2 bad usage or drill file.\n"
    "\n"
    "examples:\n"
    "  drh iam-policy drills/examples/aurora-postgresql-backup-copy.json\n"
    "  drh iam-policy --side target drill.json > target-policy.json\n"
    "  aws iam put-role-policy --role-name DrhDrillRole --policy-name drh-drill \\\n"
    "      --policy-document file://target-policy.json --profile dr\n"
    "  drh iam-policy --side vault drill.json > vault-policy.json\n"
    "  aws backup put-backup-vault-access-policy --backup-vault-name dr-vault \\\n"
    "      --policy file://vault-policy.json --profile dr\n";

int cli_aws_option(int argc, char **argv, int *i, struct cli_aws_options *o, int *bad)
{
    return cli_option(argc, argv, i, "--profile", &o->profile, bad) ||
           cli_option(argc, argv, i, "--region", &o->region, bad) ||
           cli_option(argc, argv, i, "--role-arn", &o->role_arn, bad) ||
           cli_option(argc, argv, i, "--external-id", &o->external_id, bad) ||
           cli_option(argc, argv, i, "--endpoint-url", &o->endpoint, bad);
}

enum drh_status cli_aws_open(const struct cli_aws_options *o, struct cli_aws *a,
                             struct drh_err *err)
{
    memset(a, 0, sizeof *a);
    enum drh_status st = aws_config_load(o->env, &a->cfg, err);
    if (st != DRH_OK)
        return st;
    struct aws_creds_options co = {0};
    co.env = o->env;
    co.cfg = a->cfg;
    co.profile = o->profile;
    co.explicit_profile = o->profile != NULL;
    co.region = o->region;
    co.endpoint_override = o->endpoint;
    if ((st = aws_creds_chain_new(&co, &a->chain, err)) != DRH_OK)
        goto fail;
    if (o->role_arn) {
        struct aws_assume_role r = {o->role_arn, o->external_id, NULL, 0};
        if ((st = aws_creds_assume_role_new(a->chain, &r, &co, &a->role, err)) != DRH_OK)
            goto fail;
    }
    struct aws_client_options co2 = {0};
    co2.region = aws_config_region(o->env, a->cfg, o->profile, o->region);
    co2.env = o->env;
    co2.creds = cli_aws_creds(a);
    co2.cfg = a->cfg;
    co2.profile = aws_config_profile_name(o->env, o->profile);
    co2.endpoint_override = o->endpoint;
    if ((st = aws_client_new(&co2, &a->client, err)) != DRH_OK)
        goto fail;
    a->region = aws_client_region(a->client);
    return DRH_OK;
fail:
    cli_aws_clean_up(a);
    return st;
}

void cli_aws_clean_up(struct cli_aws *a)
{
    if (!a)
        return;
    aws_client_free(a->client);
    aws_creds_provider_free(a->role);
    aws_creds_provider_free(a->chain);
    aws_config_free(a->cfg);
    memset(a, 0, sizeof *a);
}

struct aws_creds_provider *cli_aws_creds(const struct cli_aws *a)
{
    return a->role ? a->role : a->chain;
}

/* The API's spelling of a resource type given in any case; NULL if unknown. */
static const char *s_type(const char *given)
{
    static const char *const types[] = {"RDS", "Aurora", "EFS", "EC2", "S3"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(given, types[i]) == 0)
            return types[i];
    return NULL;
}

int cli_recovery_points_run(int argc, char **argv, const struct aws_env *env, FILE *out)
{
    struct cli_aws_options o = {0};
    o.env = env;
    const char *vault = NULL, *type_arg = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_aws_option(argc, argv, &i, &o, &bad) ||
            cli_option(argc, argv, &i, "--vault", &vault, &bad) ||
            cli_option(argc, argv, &i, "--type", &type_arg, &bad)) {
            if (bad)
                return cli_usage_error("recovery-points", "a value is missing after", argv[i]);
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        return cli_usage_error("recovery-points", "unknown argument", argv[i]);
    }
    if (!vault)
        return cli_usage_error("recovery-points", "a vault is required:", "--vault NAME");
    if (o.external_id && !o.role_arn)
        return cli_usage_error("recovery-points", "--role-arn is required by", "--external-id");
    const char *type = type_arg ? s_type(type_arg) : NULL;
    if (type_arg && !type)
        return cli_usage_error("recovery-points", "--type is RDS, Aurora, EFS, EC2 or S3, not",
                               type_arg);

    struct drh_err err;
    drh_err_clear(&err);
    struct cli_aws a;
    struct backup_recovery_point *v = NULL;
    size_t n = 0;
    if (cli_aws_open(&o, &a, &err) != DRH_OK)
        return cli_fail(&err);
    int rc = 0;
    if (cli_rp_list(a.client, vault, type, &v, &n, &err) != DRH_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    double now = (double)aws_env_now(env);
    if (json) {
        struct json *doc = cli_rp_json(v, n, now);
        char *text = json_print(doc, 1);
        fprintf(out, "%s\n", text);
        free(text);
        json_free(doc);
    } else if (n == 0) {
        fprintf(out, "no %s%srecovery points in vault '%s' (%s)\n", type ? type : "",
                type ? " " : "", vault, a.region);
    } else {
        char *table = cli_rp_table(v, n, now);
        fputs(table, out);
        free(table);
    }
done:
    backup_recovery_points_free(v, n);
    cli_aws_clean_up(&a);
    return rc;
}

static int s_recovery_points(int argc, char **argv)
{
    return cli_recovery_points_run(argc, argv, NULL, stdout);
}

int cli_iam_policy_run(int argc, char **argv, FILE *out)
{
    const char *side = "all", *file = NULL;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_option(argc, argv, &i, "--side", &side, &bad)) {
            if (bad)
                return cli_usage_error("iam-policy", "a value is missing after", argv[i]);
            continue;
        }
        if ((argv[i][0] == '-' && argv[i][1]) || file)
            return cli_usage_error(
                "iam-policy", file ? "one drill file only, not also" : "unknown option", argv[i]);
        file = argv[i];
    }
    if (!file)
        return cli_usage_error("iam-policy", "a drill file is needed", "");
    static const char *const sides[] = {"source", "target", "vault", "all"};
    unsigned mask = 0;
    for (unsigned k = 0; k < 4; k++)
        if (strcmp(side, sides[k]) == 0)
            mask = k == 3 ? 7u : 1u << k;
    if (!mask)
        return cli_usage_error("iam-policy", "--side is source, target, vault or all, not", side);

    struct drh_err err;
    drh_err_clear(&err);
    struct drill *d = NULL;
    struct iam_doc *docs = NULL;
    size_t n = 0;
    if (drill_load(file, &d, &err) != DRH_OK ||
        iam_policy_build(d, mask, &docs, &n, &err) != DRH_OK) {
        drill_free(d);
        return cli_fail(&err);
    }
    /* headings when there is more than one document (always with all) */
    bool headings = mask == 7u || n > 1;
    for (size_t i = 0; i < n; i++) {
        char *text = iam_policy_text(docs[i].policy);
        if (headings)
            fprintf(out, "%s# %s\n", i ? "\n" : "", docs[i].heading);
        fputs(text, out);
        free(text);
    }
    if (mask == 7u && n && docs[n - 1].kind != IAM_DOC_VAULT)
        fputs("\n# no DR vault access policy: no copy crosses accounts\n", out);
    if (mask == (1u << IAM_DOC_VAULT) && !n)
        fprintf(stderr,
                "drh iam-policy: %s: no copy crosses accounts, so no DR vault access "
                "policy is needed\n",
                file);
    iam_docs_free(docs, n);
    drill_free(d);
    return 0;
}

static int s_iam_policy(int argc, char **argv)
{
    return cli_iam_policy_run(argc, argv, stdout);
}

const struct cli_command cli_tool_commands[] = {
    {"recovery-points", s_recovery_points, s_rp_usage, NULL},
    {"iam-policy", s_iam_policy, s_iam_usage, NULL},
};
const int cli_tool_command_count = sizeof(cli_tool_commands) / sizeof(cli_tool_commands[0]);
