/*
 * drh sweep: parses its options, loads the drill files, lists what runs
 * left (sweep_find), judges each run (sweep_plan), and deletes the things
 * of the runs that ended or expired (sweep_apply), or with --dry-run only
 * says what it would do. Text on stdout, one block per run and a summary;
 * with --json one object per run and one for the summary.
 */
#include "cli_sweep.h"

#include "cli_due.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "run/ledger.h"
#include "run/progress.h"
#include "run/resource.h"
#include "run/sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char s_sweep_usage[] =
    "usage: drh sweep [FILE|DIR...] [--dry-run] [--run ID] [--older-than DURATION]\n"
    "                 [--state-dir DIR] [--json]\n"
    "\n"
    "Deletes what drh runs left behind: a run killed with kill -9, a CI runner\n"
    "lost mid-drill, a teardown that gave up. It looks in the accounts and Regions\n"
    "of the drill files (folders are read for their *.json) for everything tagged\n"
    "drh:run-id, and in the state folder for runs whose ledger still names things.\n"
    "A run's things go once the run has ended (its ledger here says so) or expired\n"
    "(past its drh:expires tag: the run's start + timeouts.drill +\n"
    "timeouts.teardown). A run still within its time is kept, whichever runner\n"
    "runs it. Each thing is deleted by the run's own teardown, from its ledger\n"
    "(started here for a run another runner made), and only when its drh:run-id\n"
    "tag names the run: untagged things and production are never touched.\n"
    "\n"
    "  --dry-run              list each run, why it would go or stay, and its things\n"
    "                         (kind, id, account, Region); delete and write nothing\n"
    "  --run ID               only this run\n"
    "  --older-than DURATION  also sweep runs of unknown age (tagged, but without\n"
    "                         drh:expires and without a ledger here) whose newest\n"
    "                         thing AWS dates is older than DURATION (\"7d\", \"36h\")\n"
    "  --state-dir DIR        where run ledgers live (default: as drh run)\n"
    "  --json                 one JSON object a run, then the summary, on stdout\n"
    "\n"
    "Run it on a schedule with the drill files drh run uses, e.g. hourly from\n"
    "cron or a scheduled CI job. Without files it finishes the runs of the state\n"
    "folder only. docs/sweep.md says what is looked for where.\n"
    "\n"
    "exit codes: 0 nothing failed, 2 bad usage or drill file, 3 a listing or a\n"
    "delete failed (the summary counts them; the messages say which).\n"
    "\n"
    "examples:\n"
    "  drh sweep drills/ --dry-run\n"
    "  drh sweep drills/orders.json --run 20261122-031500-a1b2c3\n";

struct totals {
    size_t runs, deleted, kept, unknown, failed;
};

static void s_time(double t, char out[32])
{
    if (t > 0)
        res_expires_tag(t, out);
    else
        snprintf(out, 32, "?");
}

/* "expired at T", "in progress until T", ... */
static void s_why(const struct sweep_run *r, char *out, size_t size)
{
    char at[32];
    s_time(r->at, at);
    switch (r->verdict) {
    case SWEEP_ENDED:
        snprintf(out, size, "ended (%s)", ledger_ended(r->l));
        break;
    case SWEEP_EXPIRED:
        snprintf(out, size, "expired at %s", at);
        break;
    case SWEEP_OLD:
        snprintf(out, size, "of unknown age, newest thing made %s", at);
        break;
    case SWEEP_IN_PROGRESS:
        snprintf(out, size, "kept: run %s is in progress until %s", r->run_id, at);
        break;
    default:
        snprintf(out, size,
                 "kept: unknown age (no drh:expires tag, no ledger here; "
                 "--older-than decides)");
    }
}

static size_t s_count(const struct sweep_run *r)
{
    return r->n_things + r->n_ledger;
}

/* Each thing of the run: found ones, then the ledger's others. */
static void s_things(const struct sweep_run *r, const struct sweep_found *f, struct json *arr)
{
    for (size_t i = 0; i < r->n_things; i++) {
        const struct sweep_thing *t = &f->v[r->things[i]];
        if (arr) {
            struct json *o = json_new_object();
            json_add_string(o, "kind", ledger_kind_name(t->kind));
            json_add_string(o, "id", t->id);
            json_add_string(o, "account", t->account);
            json_add_string(o, "region", t->region);
            json_add_string(o, "from", "listing");
            json_push(arr, o);
        } else {
            printf("  %-20s %s  %s %s\n", ledger_kind_name(t->kind), t->id, t->account, t->region);
        }
    }
    for (size_t i = 0; r->l && i < ledger_count(r->l); i++) {
        const struct ledger_entry *e = ledger_at(r->l, i);
        bool found = e->gone;
        for (size_t k = 0; k < r->n_things && !found; k++)
            found = f->v[r->things[k]].kind == e->kind && strcmp(f->v[r->things[k]].id, e->id) == 0;
        if (found)
            continue;
        const char *account =
            ledger_side(r->l, !e->side || strcmp(e->side, "source") != 0)->account;
        if (arr) {
            struct json *o = json_new_object();
            json_add_string(o, "kind", ledger_kind_name(e->kind));
            json_add_string(o, "id", e->id);
            json_add_string(o, "account", account ? account : "");
            json_add_string(o, "region", e->region ? e->region : "");
            json_add_string(o, "from", "ledger");
            json_push(arr, o);
        } else {
            printf("  %-20s %s  %s %s (from the ledger)\n", ledger_kind_name(e->kind), e->id,
                   account ? account : "?", e->region ? e->region : "?");
        }
    }
}

static void s_report(const struct sweep_run *r, const struct sweep_found *f, bool dry_run,
                     bool json)
{
    char why[256];
    s_why(r, why, sizeof why);
    bool go = sweep_verdict_deletes(r->verdict);
    if (json) {
        struct json *o = json_new_object();
        json_add_string(o, "run_id", r->run_id);
        json_add_string(o, "drill", r->drill);
        json_add_string(o, "verdict", sweep_verdict_name(r->verdict));
        char at[32];
        s_time(r->at, at);
        if (r->at > 0)
            json_add_string(o, "at", at);
        if (r->verdict == SWEEP_ENDED)
            json_add_string(o, "ended", ledger_ended(r->l));
        json_add_string(o, "action", !go ? "keep" : dry_run ? "would delete" : "delete");
        struct json *arr = json_new_array();
        s_things(r, f, arr);
        json_add_child(o, "things", arr);
        if (go && !dry_run) {
            json_add_number(o, "deleted", r->deleted);
            json_add_number(o, "left", (double)r->left);
            json_add_string(o, "message", r->message ? r->message : "");
        }
        char *text = json_print(o, 0);
        printf("%s\n", text);
        free(text);
        json_free(o);
        return;
    }
    if (go && !dry_run) {
        printf("sweep of run %s (drill %s, %s): %s\n", r->run_id, r->drill, why,
               r->message ? r->message : "");
        return;
    }
    printf("run %s (drill %s): %s%s: %zu thing(s)\n", r->run_id, r->drill, why,
           go ? ": would delete" : "", s_count(r));
    if (dry_run)
        s_things(r, f, NULL);
}

static int s_parse(int argc, char **argv, char **files, size_t *nf, struct sweep_options *o,
                   bool *dry_run, bool *json)
{
    const char *older = NULL;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_option(argc, argv, &i, "--run", &o->run_id, &bad) ||
            cli_option(argc, argv, &i, "--state-dir", &o->state_dir, &bad) ||
            cli_option(argc, argv, &i, "--older-than", &older, &bad)) {
            if (bad)
                return cli_usage_error("sweep", "a value is missing after", argv[i]);
            continue;
        }
        if (strcmp(argv[i], "--dry-run") == 0)
            *dry_run = true;
        else if (strcmp(argv[i], "--json") == 0)
            *json = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error("sweep", "unknown option", argv[i]);
        else
            files[(*nf)++] = argv[i];
    }
    if (older && !drill_parse_duration(older, &o->older_than))
        return cli_usage_error("sweep", "--older-than takes a duration (\"7d\", \"36h\"), not",
                               older);
    return 0;
}

static void s_summary(const struct totals *t, bool dry_run, bool json)
{
    if (json) {
        printf("{\"summary\":{\"runs\":%zu,\"%s\":%zu,\"kept\":%zu,\"unknown_age\":%zu,"
               "\"failed\":%zu,\"dry_run\":%s}}\n",
               t->runs, dry_run ? "to_delete" : "deleted", t->deleted, t->kept, t->unknown,
               t->failed, dry_run ? "true" : "false");
        return;
    }
    printf("sweep%s: %zu run(s), %zu thing(s) %s, %zu kept (in progress)",
           dry_run ? " (dry run)" : "", t->runs, t->deleted, dry_run ? "to delete" : "deleted",
           t->kept);
    if (t->unknown)
        printf(", %zu kept (unknown age)", t->unknown);
    printf(", %zu failed\n", t->failed);
}

static int s_sweep(int argc, char **argv)
{
    struct sweep_options o = {0};
    bool dry_run = false, json = false;
    char **files = xcalloc((size_t)argc + 1, sizeof *files);
    size_t nf = 0, n = 0, n_runs = 0;
    struct drill **drills = NULL;
    struct sweep_found found = {0};
    struct sweep_run *runs = NULL;
    char *state = NULL;
    int rc = s_parse(argc, argv, files, &nf, &o, &dry_run, &json);
    if (!rc && nf)
        rc = cli_load_drills(files, nf, true, &drills, &n);
    if (rc)
        goto done;
    progress_init(log_get_level() == LOG_ERROR, false);
    state = o.state_dir ? xstrdup(o.state_dir) : ledger_state_dir();
    o.state_dir = state;
    o.now = res_wall_now();
    for (size_t i = 0; i < n; i++)
        sweep_find(drills[i], i, &found);
    struct drh_err err;
    drh_err_clear(&err);
    if (sweep_plan(&found, drills, n, &o, &runs, &n_runs, &err) != DRH_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    struct totals t = {0, 0, 0, 0, (size_t)found.failed};
    for (size_t i = 0; i < n_runs; i++) {
        struct sweep_run *r = &runs[i];
        if (r->verdict == SWEEP_IN_PROGRESS)
            t.kept += s_count(r);
        else if (r->verdict == SWEEP_UNKNOWN)
            t.unknown += s_count(r);
        else if (dry_run) {
            t.runs++;
            t.deleted += s_count(r);
        } else {
            t.runs++;
            progress_phase(r->drill, NULL, "sweep", "run %s: %zu thing(s)", r->run_id, s_count(r));
            drh_err_clear(&err);
            if (sweep_apply(r, &found, drills, state, &err) != DRH_OK) {
                t.failed += r->left ? r->left : 1;
                log_error("sweep: run %s: %s%s%s", r->run_id, err.msg,
                          err.hint[0] ? "; HINT: " : "", err.hint);
            }
            t.deleted += (size_t)r->deleted;
        }
        s_report(r, &found, dry_run, json);
    }
    if (o.run_id && n_runs == 0 && !json)
        printf("sweep: nothing of run %s found\n", o.run_id);
    s_summary(&t, dry_run, json);
    rc = t.failed ? 3 : 0;
done:
    sweep_runs_free(runs, n_runs);
    sweep_found_clean_up(&found);
    cli_drills_free(drills, n);
    free(state);
    free(files);
    return rc;
}

const struct cli_command cli_sweep_commands[] = {
    {"sweep", s_sweep, s_sweep_usage, NULL},
};
const int cli_sweep_command_count = sizeof(cli_sweep_commands) / sizeof(cli_sweep_commands[0]);
