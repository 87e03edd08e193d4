/* The drh command line: see cli.h. Each command is a function here until
 * it grows a module of its own. */
#include "cli.h"
#include "cli_util.h"
#include "cli_canary.h"
#include "cli_due.h"
#include "cli_evidence.h"
#include "cli_posture.h"
#include "cli_sweep.h"
#include "cli_verify.h"
#include "cli_tools.h"

#include "aws/creds.h"
#include "aws/http.h"
#include "aws/sts.h"
#include "err.h"
#include "log.h"
#include "version.h"

#include <errno.h>
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
    "  due DIR...       the drills whose schedule makes them due now, and why\n"
    "                   (drh run --due DIR... runs them)\n"
    "  history [DRILL]  recent runs: verdicts, RTO and RPO achieved\n"
    "  canary FILE...   write the drills' canaries into production (from cron)\n"
    "  validate FILE... check drill files (file:line:col errors, exit 2)\n"
    "  plan FILE...     the steps and AWS calls a run would make, making none\n"
    "  teardown --run ID  finish a crashed run's teardown from its ledger\n"
    "  sweep [FILE...]  delete what ended or expired runs left (tagged drh:run-id)\n"
    "  posture FILE...  check the backup plan, its copies and the newest backups (read-only)\n"
    "  recovery-points --vault NAME  list a vault's recovery points: age, size, status\n"
    "  iam-policy FILE  the least-privilege IAM policies a drill needs\n"
    "  evidence verify DIR  check an evidence bundle's checksums and signature\n"
    "  verify --manifest FILE  check a restored database or tree against a manifest\n"
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

bool cli_long(const char *text, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || errno || end == text || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int s_whoami(int argc, char **argv)
{
    struct cli_aws_options o = {0};
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_aws_option(argc, argv, &i, &o, &bad)) {
            if (bad)
                return cli_usage_error("whoami", "a value is missing after", argv[i]);
            continue;
        }
        return cli_usage_error("whoami", "unknown argument", argv[i]);
    }
    if (o.external_id && !o.role_arn)
        return cli_usage_error("whoami", "--role-arn is required by", "--external-id");
    struct drh_err err;
    drh_err_clear(&err);
    struct cli_aws a;
    struct sts_identity id = {0};
    if (cli_aws_open(&o, &a, &err) != DRH_OK)
        return cli_fail(&err);
    enum drh_status st = sts_get_caller_identity(a.client, &id, &err);
    if (st == DRH_OK) {
        printf("account:     %s\n", id.account);
        printf("arn:         %s\n", id.arn ? id.arn : "");
        printf("credentials: %s\n", aws_creds_describe(cli_aws_creds(&a)));
    }
    sts_identity_clean_up(&id);
    cli_aws_clean_up(&a);
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
    const struct {
        const struct cli_command *v;
        int n;
    } tables[] = {{cli_drill_commands, cli_drill_command_count},
                  {cli_posture_commands, cli_posture_command_count},
                  {cli_tool_commands, cli_tool_command_count},
                  {cli_due_commands, cli_due_command_count},
                  {cli_canary_commands, cli_canary_command_count},
                  {cli_evidence_commands, cli_evidence_command_count},
                  {cli_sweep_commands, cli_sweep_command_count},
                  {cli_verify_commands, cli_verify_command_count}};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (int i = 0; i < tables[t].n; i++)
            if (strcmp(tables[t].v[i].name, name) == 0)
                return &tables[t].v[i];
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
            fprintf(stderr, "drh: unknown option '%s'\nHINT: drh help lists the options\n",
                    argv[i]);
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
