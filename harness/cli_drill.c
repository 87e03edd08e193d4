/*
 * The drill commands: run, validate, plan, teardown, manifest. Each parses
 * its options, loads what it needs, and hands over to the runner, the
 * ledger's teardown or the probes' manifest.
 */
#include "cli_db.h"
#include "cli_due.h"
#include "cli_util.h"
#include "crypto.h"
#include "drill/drill.h"
#include "run/ledger.h"
#include "log.h"
#include "mem.h"
#include "probes/db.h"
#include "probes/manifest.h"
#include "probes/tree.h"
#include "run/progress.h"
#include "rds/rds_run.h"
#include "run/runner.h"

#include "run/runner_reports.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char s_run_usage[] =
    "usage: drh run FILE... [--junit PATH] [--evidence DIR] [--signing-key FILE]\n"
    "               [--html DIR] [--summary FILE] [--metrics FILE.prom]\n"
    "               [--concurrency N] [--run-id ID] [--state-dir DIR] [--store URL]\n"
    "               [--json]\n"
    "       drh run --due DIR|FILE... [--now TIME] [the same options]\n"
    "\n"
    "Runs each drill: selects a backup, copies it into the target account and\n"
    "region, restores it into the isolated test stack, probes the data, measures\n"
    "the RTO and RPO achieved, tears down what it created, and reports.\n"
    "\n"
    "  --junit PATH       JUnit XML report (default: the drill's reports.junit)\n"
    "  --evidence DIR     an evidence bundle per run, DIR/<run-id>/: evidence.json,\n"
    "                     junit.xml, drh.log, report.html, summary.md, the drill files,\n"
    "                     SHA256SUMS and its Ed25519 signature (default: the drill's\n"
    "                     reports.evidence; drh evidence verify DIR/<run-id> checks it)\n"
    "  --signing-key FILE the Ed25519 key (PEM) that signs the bundle (default: the\n"
    "                     drill's reports.signing_key_file, else $DRH_SIGNING_KEY\n"
    "                     holding the PEM text; none: the bundle is unsigned)\n"
    "  --html DIR         DIR/<run-id>.html (timeline, RTO/RPO against objectives,\n"
    "                     trends) and DIR/index.html over the history\n"
    "  --summary FILE     a Markdown summary (also appended to $GITHUB_STEP_SUMMARY\n"
    "                     when that is set)\n"
    "  --metrics FILE     Prometheus metrics for node_exporter's textfile collector\n"
    "                     (a *.prom file, replaced atomically)\n"
    "  --concurrency N    resources drilled at once (default 4)\n"
    "  --run-id ID        the run's id (default: UTC time + random); tags and ledger use it\n"
    "  --state-dir DIR    where run ledgers live (default: $DRH_STATE_DIR,\n"
    "                     $XDG_STATE_HOME/drh, ~/.local/state/drh)\n"
    "  --json             machine-readable events on stdout, one JSON object a line\n"
    "  --due              run only the drills due now (drh due explains why); folders\n"
    "                     are read for their *.json drill files\n"
    "  --now TIME         with --due: judge as if it were TIME (ISO 8601 UTC)\n"
    "  --store URL        the run history: postgres://USER@HOST/DB, shared by several\n"
    "                     runners (default: $DRH_STORE, else the state folder)\n"
    "\n"
    "Every run is recorded in the history (drh history). A drill another runner is\n"
    "running (a claim in the history store) is skipped with a warning, so two CI\n"
    "runners never drill the same thing at once. An RTO beyond 1.5 times the median\n"
    "of the drill's last ten passed runs is flagged as a warning in the reports.\n"
    "The drill's \"notify\" section sends the result to SNS or a webhook; a failing\n"
    "notifier is reported and never changes the exit code.\n"
    "\n"
    "Progress goes to stderr: a line per phase with the elapsed time, a heartbeat\n"
    "every 30 s while a job runs. Every wait ends by its step's timeout and the\n"
    "drill's (the drill file's \"timeouts\": drill defaults to the RTO, copy and\n"
    "restore 6h, available 2h, teardown 1h). SIGINT/SIGTERM stop waiting, tear\n"
    "down, report, and exit 130/143; a second signal stops at once and leaves the\n"
    "ledger (finish it with drh teardown --run ID).\n"
    "\n"
    "exit codes: 0 every check passed, 1 a drill failed (a job failed, a probe\n"
    "failed, RTO or RPO missed, a wait timed out), 2 bad usage or drill file,\n"
    "3 environment error, 130/143 stopped by SIGINT/SIGTERM (after teardown).\n"
    "\n"
    "example:\n"
    "  drh run drills/examples/aurora-postgresql-backup-copy.json --junit drill.xml\n";

static const char s_validate_usage[] =
    "usage: drh validate FILE...\n"
    "\n"
    "Checks drill files against the whole format (docs/drill-format.md): unknown\n"
    "keys, wrong types and bad values are reported as FILE:LINE:COL with a hint.\n"
    "Exit code 0 when every file is valid, 2 otherwise. Makes no AWS call.\n";

static const char s_plan_usage[] =
    "usage: drh plan FILE...\n"
    "\n"
    "Prints the steps and AWS calls that drh run would make for each drill and\n"
    "resource, making none: review a drill before it touches an account.\n";

static const char s_teardown_usage[] =
    "usage: drh teardown --run ID [--state-dir DIR]\n"
    "\n"
    "Finishes the teardown of a run that did not end cleanly (kill -9, a lost CI\n"
    "runner, teardown: never) from its ledger: deletes what the run created, in\n"
    "order, each only if it carries the run's drh:run-id tag, and confirms each is\n"
    "gone. Exit code 0 when nothing of the run is left, 3 otherwise.\n";

static const char s_manifest_usage[] =
    "usage: drh manifest --engine postgres|mysql --host HOST [--port PORT]\n"
    "                    --user USER (--password-env VAR | --password-file FILE)\n"
    "                    [--database DB] [--tls prefer|require|verify-full|disable]\n"
    "                    [--ca-bundle FILE] [--tables T1,T2] --out FILE\n"
    "       drh manifest --tree DIR --out FILE\n"
    "\n"
    "Records a database's schema fingerprint and per-table row counts and\n"
    "content checksums (docs/probes.md) into FILE, for the schema and checksum\n"
    "probes to compare a restored copy against. Run it on production (or a\n"
    "replica) at the time of a backup.\n"
    "\n"
    "With --tree, records every regular file under DIR (an EFS file system's\n"
    "mount, or the folder it serves) with its size, SHA-256 and modification\n"
    "time (docs/efs.md), for an EFS drill's manifest probe. Symbolic links are\n"
    "never followed.\n"
    "\n"
    "examples:\n"
    "  PGPW=... drh manifest --engine postgres --host db.internal --user audit \\\n"
    "      --password-env PGPW --database orders --out drills/manifests/orders.json\n"
    "  drh manifest --tree /mnt/efs/shared --out drills/manifests/shared-files.json\n";

static int s_validate(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("validate", "a drill file is needed", "");
    struct drill **v = NULL;
    size_t n = 0;
    int rc = cli_load_drills(argv + 1, (size_t)argc - 1, false, &v, &n);
    for (size_t i = 0; i < n; i++)
        printf("%s: ok (drill %s, %zu resource%s)\n", v[i]->path, v[i]->name, v[i]->n_resources,
               v[i]->n_resources == 1 ? "" : "s");
    cli_drills_free(v, n);
    return rc;
}

static int s_plan(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("plan", "a drill file is needed", "");
    struct drill **v = NULL;
    size_t n = 0;
    int rc = cli_load_drills(argv + 1, (size_t)argc - 1, false, &v, &n);
    if (!rc) {
        struct runner_options o = {0};
        o.plan_only = true;
        rc = runner_run(v, n, &o);
    }
    cli_drills_free(v, n);
    return rc;
}

static bool s_prom_name(const char *path)
{
    size_t n = strlen(path);
    return n > 5 && strcmp(path + n - 5, ".prom") == 0;
}

/* A bad signing key is exit 2 before anything runs, not a finding after an
 * hour of drilling. */
static int s_signing_key(const struct drill *d, struct runner_options *o, const char *file,
                         char **key, size_t *len)
{
    struct drh_err err;
    drh_err_clear(&err);
    if (runner_reports_key(d, o->evidence, file, false, key, len, &err) != DRH_OK) {
        cli_fail(&err);
        return 2;
    }
    o->key_pem = *key;
    o->key_len = *len;
    return 0;
}

static int s_run(int argc, char **argv)
{
    struct runner_options o = {0};
    const char *conc = NULL, *store = NULL, *now_text = NULL, *key_file = NULL;
    bool json = false, due = false;
    char *key = NULL;
    size_t key_len = 0;
    char **files = xcalloc((size_t)argc + 1, sizeof(*files));
    size_t nf = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_option(argc, argv, &i, "--junit", &o.junit, &bad) ||
            cli_option(argc, argv, &i, "--evidence", &o.evidence, &bad) ||
            cli_option(argc, argv, &i, "--html", &o.html, &bad) ||
            cli_option(argc, argv, &i, "--metrics", &o.metrics, &bad) ||
            cli_option(argc, argv, &i, "--summary", &o.summary, &bad) ||
            cli_option(argc, argv, &i, "--signing-key", &key_file, &bad) ||
            cli_option(argc, argv, &i, "--concurrency", &conc, &bad) ||
            cli_option(argc, argv, &i, "--run-id", &o.run_id, &bad) ||
            cli_option(argc, argv, &i, "--state-dir", &o.state_dir, &bad) ||
            cli_option(argc, argv, &i, "--store", &store, &bad) ||
            cli_option(argc, argv, &i, "--now", &now_text, &bad)) {
            if (bad) {
                rc = cli_usage_error("run", "a value is missing after", argv[i]);
                goto done;
            }
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        if (strcmp(argv[i], "--due") == 0) {
            due = true;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            rc = cli_usage_error("run", "unknown option", argv[i]);
            goto done;
        }
        files[nf++] = argv[i];
    }
    if (nf < 1) {
        rc = cli_usage_error(
            "run", due ? "a drill folder or file is needed" : "a drill file is needed", "");
        goto done;
    }
    if (now_text && !due) {
        rc = cli_usage_error("run", "--now applies only with", "--due");
        goto done;
    }
    struct due_pick_options po = {.due_only = due};
    if (!cli_parse_now(now_text, &po.now)) {
        rc = cli_usage_error("run", "--now takes an ISO 8601 UTC time, not", now_text);
        goto done;
    }
    long c = 0;
    if (conc && !cli_long(conc, 1, 64, &c)) {
        rc = cli_usage_error("run", "--concurrency takes 1 to 64, not", conc);
        goto done;
    }
    if (conc)
        o.concurrency = (int)c;
    struct drill **v = NULL;
    size_t n = 0;
    rc = cli_load_drills(files, nf, due, &v, &n);
    if (!rc && o.metrics && !s_prom_name(o.metrics))
        rc = cli_usage_error("run",
                             "--metrics takes a file name ending in .prom (node_exporter "
                             "reads only those), not",
                             o.metrics);
    if (!rc && n)
        rc = s_signing_key(v[0], &o, key_file, &key, &key_len);
    char *run_id = o.run_id ? xstrdup(o.run_id) : runner_new_run_id();
    struct due_pick pick = {0};
    if (!rc)
        rc = cli_history_open(store, o.state_dir, &po.history);
    if (!rc) {
        progress_init(log_get_level() == LOG_ERROR, json);
        po.run_id = run_id;
        rc = cli_due_pick(v, n, &po, &pick);
        n = 0;
    }
    if (!rc && pick.n) {
        o.run_id = run_id;
        o.history = po.history;
        o.scheduled_for = pick.scheduled_for;
        rc = runner_run(pick.drills, pick.n, &o);
    } else if (!rc) {
        printf("nothing to run: %s\nresult:   NONE\n",
               pick.n_skipped ? "every drill is being run by another runner"
                              : "no drill is due (drh due explains why)");
    }
    cli_due_pick_clean_up(&pick);
    history_close(po.history);
    cli_drills_free(v, n);
    runner_reports_key_free(key, key_len);
    free(run_id);
done:
    free(files);
    return rc;
}

static int s_teardown(int argc, char **argv)
{
    const char *run_id = NULL, *state_opt = NULL;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_option(argc, argv, &i, "--run", &run_id, &bad) ||
            cli_option(argc, argv, &i, "--state-dir", &state_opt, &bad)) {
            if (bad)
                return cli_usage_error("teardown", "a value is missing after", argv[i]);
            continue;
        }
        return cli_usage_error("teardown", "unknown argument", argv[i]);
    }
    if (!run_id)
        return cli_usage_error("teardown", "--run ID is required", "");
    progress_init(log_get_level() == LOG_ERROR, false);
    char *state = state_opt ? xstrdup(state_opt) : ledger_state_dir();
    struct drh_err err;
    drh_err_clear(&err);
    struct ledger *l = NULL;
    struct side *src = NULL, *tgt = NULL;
    char *msg = NULL;
    int rc;
    if (ledger_open(state, run_id, &l, &err) != DRH_OK ||
        side_open(ledger_side(l, false), "source", &src, &err) != DRH_OK ||
        side_open(ledger_side(l, true), "target", &tgt, &err) != DRH_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    progress_phase(ledger_drill_name(l), NULL, "teardown",
                   "run %s: %zu thing(s) in the ledger, "
                   "%zu not yet gone",
                   run_id, ledger_count(l), ledger_pending(l));
    enum step_end e = teardown_run(l, NULL, src, tgt, &msg, &err);
    printf("teardown of run %s: %s\n", run_id, msg);
    struct drh_err end_err;
    drh_err_clear(&end_err);
    if (ledger_end(l, "teardown", false, &end_err) != DRH_OK)
        log_warn("%s", end_err.msg);
    rc = e == STEP_OK ? 0 : cli_fail(&err) == 2 ? 2 : 3;
done:
    free(msg);
    side_free(src);
    side_free(tgt);
    ledger_close(l);
    free(state);
    return rc;
}

/* drh manifest --tree DIR --out FILE: the files manifest of a tree. */
static int s_manifest_tree(int argc, char **argv)
{
    const char *tree = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_option(argc, argv, &i, "--tree", &tree, &bad) ||
            cli_option(argc, argv, &i, "--out", &out, &bad)) {
            if (bad)
                return cli_usage_error("manifest", "a value is missing after", argv[i]);
            continue;
        }
        return cli_usage_error("manifest", "with --tree only --out goes too, not", argv[i]);
    }
    if (!tree || !out)
        return cli_usage_error("manifest", "--tree needs", "--out FILE");
    struct drh_err err;
    drh_err_clear(&err);
    struct tree t;
    memset(&t, 0, sizeof(t));
    int rc = 0;
    if (tree_walk(tree, true, 0, &t, &err) != DRH_OK ||
        tree_manifest_save(&t, tree, out, &err) != DRH_OK)
        rc = cli_fail(&err);
    else
        printf("manifest: %s (%zu files, %lld bytes; %zu symbolic links not followed)\n", out,
               t.n_files, t.bytes, t.n_symlinks);
    tree_clean_up(&t);
    return rc;
}

static int s_manifest(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--tree") == 0)
            return s_manifest_tree(argc, argv);

    struct cli_db_options o = {0};
    const char *tables = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_db_option(argc, argv, &i, &o, &bad) ||
            cli_option(argc, argv, &i, "--tables", &tables, &bad) ||
            cli_option(argc, argv, &i, "--out", &out, &bad)) {
            if (bad)
                return cli_usage_error("manifest", "a value is missing after", argv[i]);
            continue;
        }
        return cli_usage_error("manifest", "unknown argument", argv[i]);
    }
    if (!out)
        return cli_usage_error("manifest", "needs", "--out FILE");
    struct db_target t;
    char password[256] = "";
    int bad_usage = cli_db_target("manifest", &o, &t, password, sizeof(password));
    if (bad_usage)
        return bad_usage;
    char *list = tables ? xstrdup(tables) : NULL;
    const char *names[CLI_DB_TABLES_MAX];
    size_t n_names = cli_db_tables(list, names);
    struct drh_err err;
    drh_err_clear(&err);
    struct db_conn *c = NULL;
    struct manifest m;
    memset(&m, 0, sizeof(m));
    int rc = 0;
    if (db_connect(&t, &c, &err) != DRH_OK ||
        manifest_take(c, names, n_names, &m, &err) != DRH_OK ||
        manifest_save(&m, out, &err) != DRH_OK)
        rc = cli_fail(&err);
    else
        printf("manifest: %s (%zu tables, schema %s)\n", out, m.n_tables, m.schema_fingerprint);
    crypto_wipe(password, sizeof(password));
    manifest_clean_up(&m);
    db_close(c);
    free(list);
    return rc;
}

const struct cli_command cli_drill_commands[] = {
    {"run", s_run, s_run_usage, NULL},
    {"validate", s_validate, s_validate_usage, NULL},
    {"plan", s_plan, s_plan_usage, NULL},
    {"teardown", s_teardown, s_teardown_usage, NULL},
    {"manifest", s_manifest, s_manifest_usage, NULL},
};
const int cli_drill_command_count = sizeof(cli_drill_commands) / sizeof(cli_drill_commands[0]);
