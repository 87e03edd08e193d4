/* The drh command line: see cli.h. Each command is a function here until
 * it grows a module of its own. */
#include "cli.h"
#include "cli_util.h"

#include "aws/creds.h"
#include "aws/http.h"
#include "aws/sts.h"
#include "err.h"
#include "log.h"
#include "version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char s_usage[] =
    "usage: drh [--debug | --quiet] COMMAND [ARGS]\n"
    "\n"
    "drh proves that AWS backups really restore: it copies them cross-account and\n"
    "cross-region, restores them into an isolated stack, probes the data, measures\n"
    "the RTO and RPO achieved, tears everything down and reports in JUnit XML.\n"
    "\n"
    "commands:\n"
    "  run FILE...      run drills: copy, restore, probe, measure, tear down, report\n"
    "  validate FILE... check drill files (file:line:col errors, exit 2)\n"
    "  plan FILE...     the steps and AWS calls a run would make, making none\n"
    "  teardown --run ID  finish a crashed run's teardown from its ledger\n"
    "  manifest         record a database's schema and table checksums, or a file tree's\n"
    "                   sizes and SHA-256s (--tree), for the probes to compare\n"
    "  whoami           which AWS identity drh's credentials resolve to\n"
    "  help [COMMAND]   this text, or a command's\n"
    "  version          drh's version (also --version)\n"
    "\n"
    "global options:\n"
    "  --debug          trace every AWS request and response on stderr, secrets redacted\n"
    "  --quiet          errors only\n"
    "\n"
    "exit codes: 0 all passed, 1 a drill failed, 2 bad usage or drill file,\n"
    "            3 environment or infrastructure error (credentials, network, AWS)\n"
    "\n"
    "credentials and endpoints are found as the AWS CLI finds them: see docs/aws.md.\n"
    "drill files: docs/drill-format.md; examples in drills/examples/.\n";

static const char s_whoami_usage[] =
    "usage: drh whoami [--profile NAME] [--region REGION] [--role-arn ARN\n"
    "                  [--external-id ID]] [--endpoint-url URL]\n"
    "\n"
    "Resolves credentials through the standard AWS chain (environment, the\n"
    "profile's keys, role, web identity or credential_process, container,\n"
    "instance metadata), optionally assumes a role with them, and asks STS\n"
    "GetCallerIdentity who that is. Use it to check a drill's credentials\n"
    "before a CI job depends on them.\n"
    "\n"
    "  --profile NAME     the profile of ~/.aws/config (default: AWS_PROFILE, default)\n"
    "  --region REGION    STS region (default: AWS_REGION, the profile's, us-east-1)\n"
    "  --role-arn ARN     assume this role first, as a cross-account drill does\n"
    "  --external-id ID   the role's external id\n"
    "  --endpoint-url URL send every AWS call there (e.g. the local emulator)\n"
    "\n"
    "example:\n"
    "  drh whoami --profile production --role-arn arn:aws:iam::222222222222:role/drill\n";

int cli_fail(const struct drh_err *err)
{
    fprintf(stderr, "drh: error: %s\n", err->msg);
    if (err->hint[0])
        fprintf(stderr, "HINT: %s\n", err->hint);
    return drh_status_exit_code(err->code);
}

int cli_usage_error(const char *command, const char *what, const char *arg)
{
    fprintf(stderr, "drh %s: %s '%s'\nHINT: drh help %s\n", command, what, arg, command);
    return 2;
}

int cli_option(int argc, char **argv, int *i, const char *name, const char **out, int *bad)
{
    if (strcmp(argv[*i], name) != 0)
        return 0;
    if (*i + 1 >= argc || argv[*i + 1][0] == '\0') {
        *bad = 1;
        return 1;
    }
    *out = argv[++*i];
    return 1;
}

static int s_whoami(int argc, char **argv)
{
    const char *profile = NULL, *region = NULL, *role_arn = NULL, *external_id = NULL,
               *endpoint = NULL;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_option(argc, argv, &i, "--profile", &profile, &bad) ||
            cli_option(argc, argv, &i, "--region", &region, &bad) ||
            cli_option(argc, argv, &i, "--role-arn", &role_arn, &bad) ||
            cli_option(argc, argv, &i, "--external-id", &external_id, &bad) ||
            cli_option(argc, argv, &i, "--endpoint-url", &endpoint, &bad)) {
            if (bad)
                return cli_usage_error("whoami", "a value is missing after", argv[i]);
            continue;
        }
        return cli_usage_error("whoami", "unknown argument", argv[i]);
    }
    if (external_id && !role_arn)
        return cli_usage_error("whoami", "--role-arn is required by", "--external-id");

    struct drh_err err;
    drh_err_clear(&err);
    struct aws_creds_options co = {0};
    co.profile = profile;
    co.explicit_profile = profile != NULL;
    co.region = region;
    co.endpoint_override = endpoint;
    struct aws_creds_provider *chain = NULL, *role = NULL;
    struct aws_client *client = NULL;
    struct aws_config *cfg = NULL;
    struct sts_identity id = {0};
    enum drh_status st = aws_config_load(NULL, &cfg, &err);
    if (st != DRH_OK)
        goto done;
    co.cfg = cfg;
    if ((st = aws_creds_chain_new(&co, &chain, &err)) != DRH_OK)
        goto done;
    struct aws_creds_provider *use = chain;
    if (role_arn) {
        struct aws_assume_role r = {role_arn, external_id, NULL, 0};
        if ((st = aws_creds_assume_role_new(chain, &r, &co, &role, &err)) != DRH_OK)
            goto done;
        use = role;
    }
    struct aws_client_options o = {0};
    o.region = aws_config_region(NULL, cfg, profile, region);
    o.creds = use;
    o.cfg = cfg;
    o.profile = aws_config_profile_name(NULL, profile);
    o.endpoint_override = endpoint;
    if ((st = aws_client_new(&o, &client, &err)) != DRH_OK)
        goto done;
    if ((st = sts_get_caller_identity(client, &id, &err)) != DRH_OK)
        goto done;
    printf("account:     %s\n", id.account);
    printf("arn:         %s\n", id.arn ? id.arn : "");
    printf("credentials: %s\n", aws_creds_describe(use));
done:
    sts_identity_clean_up(&id);
    aws_client_free(client);
    aws_creds_provider_free(role);
    aws_creds_provider_free(chain);
    aws_config_free(cfg);
    return st == DRH_OK ? 0 : cli_fail(&err);
}

static int s_version(int argc, char **argv)
{
    printf("drh %s\n", DRH_VERSION);
    return 0;
}

static const struct cli_command s_commands[] = {
    {"whoami", s_whoami, s_whoami_usage, NULL},
    {"version", s_version, "usage: drh version\n\nPrints drh's version.\n", NULL},
};

static const struct cli_command *s_find(const char *name)
{
    for (size_t i = 0; i < sizeof s_commands / sizeof s_commands[0]; i++)
        if (strcmp(s_commands[i].name, name) == 0)
            return &s_commands[i];
    for (int i = 0; i < cli_drill_command_count; i++)
        if (strcmp(cli_drill_commands[i].name, name) == 0)
            return &cli_drill_commands[i];
    return NULL;
}

static int s_help(int argc, char **argv)
{
    if (argc < 2) {
        fputs(s_usage, stdout);
        return 0;
    }
    const struct cli_command *c = s_find(argv[1]);
    if (!c) {
        fprintf(stderr, "drh help: no command '%s'\nHINT: drh help lists the commands\n", argv[1]);
        return 2;
    }
    fputs(c->usage, stdout);
    return 0;
}

int cli_main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--debug") == 0)
            log_set_level(LOG_DEBUG);
        else if (strcmp(argv[i], "--quiet") == 0)
            log_set_level(LOG_ERROR);
        else if (strcmp(argv[i], "--version") == 0)
            return s_version(0, NULL);
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return s_help(1, argv);
        else {
            fprintf(stderr, "drh: unknown option '%s'\nHINT: drh help lists the options\n", argv[i]);
            return 2;
        }
    }
    if (i >= argc) {
        fputs(s_usage, stderr);
        return 2;
    }
    if (strcmp(argv[i], "help") == 0)
        return s_help(argc - i, argv + i);
    const struct cli_command *c = s_find(argv[i]);
    if (!c) {
        fprintf(stderr, "drh: unknown command '%s'\nHINT: drh help lists the commands\n", argv[i]);
        return 2;
    }
    for (int j = i + 1; j < argc; j++)
        if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0) {
            fputs(c->usage, stdout);
            return 0;
        }
    http_global_init();
    return c->run(argc - i, argv + i);
}
