/*
 * drh due and drh history, and what drh run shares with them: the drill
 * files of folders, the history store of the options, and picking the
 * drills a run may start (those due, with --due; and, always, only those no
 * other runner holds: a claim per drill in the history store, kept until the
 * run ends).
 */
#include "cli_due.h"
#include "cli_util.h"

#include "aws/creds.h"
#include "log.h"
#include "mem.h"
#include "reports/report.h"
#include "run/ledger.h"
#include "run/runner.h"
#include "sched/due.h"
#include "sched/schedule.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char s_due_usage[] =
    "usage: drh due DIR|FILE... [--now TIME] [--store URL] [--state-dir DIR] [--json]\n"
    "\n"
    "Lists the drills whose schedule makes them due now, and why: a scheduled\n"
    "time has passed, its start window is still open, and no run for it is in\n"
    "the history. Folders are read for their *.json drill files. Makes no AWS\n"
    "call. drh run --due DIR... runs exactly the drills listed as due.\n"
    "\n"
    "A drill's \"schedule\" (docs/scheduling.md):\n"
    "  \"schedule\": {\"expression\": \"cron(0 2 ? * SUN *)\", \"timezone\": \"Europe/Berlin\",\n"
    "               \"start_window\": \"8h\"}\n"
    "expressions: cron(...) and rate(...) as EventBridge and AWS Backup write them,\n"
    "or a 5-field cron line (\"0 2 * * 0\"). Times in the zone; a time skipped by a\n"
    "daylight-saving change does not fire, a repeated one fires once.\n"
    "\n"
    "  --now TIME       judge as if it were TIME (ISO 8601 UTC): what a job would do\n"
    "  --store URL      the run history: postgres://USER@HOST/DB shared by runners\n"
    "                   (default: $DRH_STORE, else the local state folder)\n"
    "  --state-dir DIR  the local state folder (default: $DRH_STATE_DIR,\n"
    "                   $XDG_STATE_HOME/drh, ~/.local/state/drh)\n"
    "  --json           one JSON object per drill on stdout\n"
    "\n"
    "exit codes: 0 listed (whether or not anything is due), 2 bad usage or drill\n"
    "file, 3 the history could not be read.\n"
    "\n"
    "example (the CI job, every hour):\n"
    "  drh due drills/ && drh run --due drills/ --junit reports/drills.xml\n";

static const char s_history_usage[] =
    "usage: drh history [DRILL] [--limit N] [--store URL] [--state-dir DIR] [--json]\n"
    "\n"
    "Prints the recent runs, newest first: when, the drill, its verdict, the RTO\n"
    "and RPO achieved (backup and data level), the run id, the host, and the\n"
    "scheduled time it ran for. DRILL: only that drill's runs.\n"
    "\n"
    "  --limit N        at most N runs (default 20; 0: all)\n"
    "  --store URL      as for drh due (default: $DRH_STORE, else the local state)\n"
    "  --state-dir DIR  the local state folder\n"
    "  --json           one JSON object per run on stdout\n"
    "\n"
    "Each run compares its RTO with the median of its drill's last ten passed\n"
    "runs: beyond 1.5 times it, the run's reports carry an rto_regression warning.\n";

/* Appends path (a file, or a folder's *.json sorted by name) to v. */
static int s_expand(const char *path, char ***v, size_t *n, size_t *cap)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "drh: cannot read '%s': %s\n", path, strerror(errno));
        return 2;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (*n == *cap)
            *v = xrealloc(*v, (*cap = *cap * 2 + 8) * sizeof **v);
        (*v)[(*n)++] = xstrdup(path);
        return 0;
    }
    struct dirent **names = NULL;
    int k = scandir(path, &names, NULL, alphasort);
    if (k < 0) {
        fprintf(stderr, "drh: cannot read folder '%s': %s\n", path, strerror(errno));
        return 2;
    }
    for (int i = 0; i < k; i++) {
        const char *e = names[i]->d_name;
        size_t len = strlen(e);
        if (e[0] != '.' && len > 5 && strcmp(e + len - 5, ".json") == 0) {
            char *full = xasprintf("%s/%s", path, e);
            if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
                if (*n == *cap)
                    *v = xrealloc(*v, (*cap = *cap * 2 + 8) * sizeof **v);
                (*v)[(*n)++] = full;
            } else {
                free(full);
            }
        }
        free(names[i]);
    }
    free(names);
    return 0;
}

int cli_load_drills(char *const *args, size_t n_args, bool dirs, struct drill ***out, size_t *n)
{
    char **files = NULL;
    size_t nf = 0, cap = 0;
    int rc = 0;
    for (size_t i = 0; i < n_args; i++) {
        if (!dirs) {
            if (nf == cap)
                files = xrealloc(files, (cap = cap * 2 + 8) * sizeof *files);
            files[nf++] = xstrdup(args[i]);
        } else if (!rc) {
            rc = s_expand(args[i], &files, &nf, &cap);
        }
    }
    struct drill **v = xcalloc(nf + 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < nf; i++) {
        struct drh_err err;
        drh_err_clear(&err);
        if (drill_load(files[i], &v[k], &err) != DRH_OK) {
            fprintf(stderr, "%s\n", err.msg);
            if (err.hint[0])
                fprintf(stderr, "HINT: %s\n", err.hint);
            rc = rc ? rc : drh_status_exit_code(err.code);
        } else {
            k++;
        }
        free(files[i]);
    }
    free(files);
    for (size_t i = 0; i < k && !rc; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(v[i]->name, v[j]->name) == 0) {
                fprintf(stderr, "drh: drills %s and %s have the same name '%s'\n", v[j]->path,
                        v[i]->path, v[i]->name);
                fprintf(stderr, "HINT: a drill's history and claims go by its name: give "
                                "each drill.name its own\n");
                rc = 2;
                break;
            }
    *out = v;
    *n = k;
    return rc;
}

void cli_drills_free(struct drill **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        drill_free(v[i]);
    free(v);
}

int cli_history_open(const char *url, const char *state_dir, struct history_store **out)
{
    struct drh_err err;
    drh_err_clear(&err);
    const char *u = url ? url : getenv("DRH_STORE");
    char *state = state_dir ? xstrdup(state_dir) : ledger_state_dir();
    enum drh_status st = history_open(u && *u ? u : NULL, state, out, &err);
    free(state);
    return st == DRH_OK ? 0 : cli_fail(&err);
}

bool cli_parse_now(const char *text, time_t *now)
{
    if (!text) {
        *now = time(NULL);
        return true;
    }
    time_t t = aws_parse_time(text);
    if (t <= 0)
        return false;
    *now = t;
    return true;
}

/* The newest run of d, as due_decide wants it. */
static enum drh_status s_last(struct history_store *h, const struct drill *d, struct due_input *in,
                              struct drh_err *err)
{
    struct history_record *recs = NULL;
    size_t n = 0;
    enum drh_status st = history_list(h, d->name, 1, &recs, &n, err);
    if (st != DRH_OK)
        return st;
    in->has_last = n > 0;
    if (n) {
        in->last_started = (time_t)recs[0].started;
        in->last_scheduled = recs[0].scheduled_for;
    }
    history_records_free(recs, n);
    return DRH_OK;
}

enum drh_status cli_due_judge(struct history_store *h, const struct drill *d, time_t now,
                              struct due_result *out, struct drh_err *err)
{
    memset(out, 0, sizeof *out);
    if (!d->schedule.present) {
        snprintf(out->reason, sizeof out->reason, "not due: no schedule");
        return DRH_OK;
    }
    struct schedule *s = NULL;
    size_t at = 0;
    enum drh_status st = schedule_parse(d->schedule.expression, d->schedule.timezone,
                                        d->schedule.start, &s, &at, err);
    if (st != DRH_OK)
        return st;
    struct due_input in = {.s = s, .start_window = d->schedule.start_window, .now = now};
    st = s_last(h, d, &in, err);
    if (st == DRH_OK)
        due_decide(&in, out);
    schedule_free(s);
    return st;
}

int cli_due_pick(struct drill **v, size_t n, const struct due_pick_options *o, struct due_pick *out)
{
    memset(out, 0, sizeof *out);
    out->drills = xcalloc(n + 1, sizeof *out->drills);
    out->scheduled_for = xcalloc(n + 1, sizeof *out->scheduled_for);
    out->claims = xcalloc(n + 1, sizeof *out->claims);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct drill *d = v[i];
        v[i] = NULL;
        struct drh_err err;
        drh_err_clear(&err);
        struct due_result due;
        if (o->due_only) {
            if (cli_due_judge(o->history, d, o->now, &due, &err) != DRH_OK) {
                rc = rc ? rc : cli_fail(&err);
                drill_free(d);
                continue;
            }
            log_info("%s: %s", d->name, due.reason);
            if (!due.due) {
                drill_free(d);
                continue;
            }
        }
        struct history_claim *claim = NULL;
        bool claimed = false;
        char holder[256] = "";
        if (history_claim(o->history, d->name, o->run_id, &claim, &claimed, holder, sizeof holder,
                          &err) != DRH_OK) {
            rc = rc ? rc : cli_fail(&err);
            drill_free(d);
            continue;
        }
        if (!claimed) {
            log_warn("%s: skipped: another runner is running it (%s)", d->name,
                     holder[0] ? holder : "holder unknown");
            out->n_skipped++;
            drill_free(d);
            continue;
        }
        /* A runner that held the drill until a moment ago may have run it. */
        if (o->due_only) {
            if (cli_due_judge(o->history, d, o->now, &due, &err) != DRH_OK || !due.due) {
                if (err.msg[0])
                    rc = rc ? rc : cli_fail(&err);
                else
                    log_info("%s: skipped: ran meanwhile on another runner (%s)", d->name,
                             due.reason);
                history_release(claim);
                drill_free(d);
                continue;
            }
        }
        out->drills[out->n] = d;
        out->scheduled_for[out->n] = o->due_only ? due.scheduled_for : 0;
        out->claims[out->n++] = claim;
    }
    return rc;
}

void cli_due_pick_clean_up(struct due_pick *p)
{
    for (size_t i = 0; i < p->n; i++) {
        history_release(p->claims[i]);
        drill_free(p->drills[i]);
    }
    free(p->claims);
    free(p->drills);
    free(p->scheduled_for);
    memset(p, 0, sizeof *p);
}

/* Options shared by due and history. */
struct common {
    const char *store, *state_dir, *now, *limit;
    bool json;
    char **args;
    size_t n_args;
};

static int s_common(const char *cmd, int argc, char **argv, struct common *c)
{
    c->args = xcalloc((size_t)argc + 1, sizeof *c->args);
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (cli_option(argc, argv, &i, "--store", &c->store, &bad) ||
            cli_option(argc, argv, &i, "--state-dir", &c->state_dir, &bad) ||
            (strcmp(cmd, "due") == 0 && cli_option(argc, argv, &i, "--now", &c->now, &bad)) ||
            (strcmp(cmd, "history") == 0 &&
             cli_option(argc, argv, &i, "--limit", &c->limit, &bad))) {
            if (bad)
                return cli_usage_error(cmd, "a value is missing after", argv[i]);
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) {
            c->json = true;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage_error(cmd, "unknown option", argv[i]);
        c->args[c->n_args++] = argv[i];
    }
    return 0;
}

/* t in UTC, "-" for none. */
static void s_utc(time_t t, char out[32])
{
    if (t)
        report_format_utc(t, 1, out);
    else
        snprintf(out, 32, "-");
}

static int s_due(int argc, char **argv)
{
    struct common c = {0};
    int rc = s_common("due", argc, argv, &c);
    time_t now = 0;
    if (!rc && !c.n_args)
        rc = cli_usage_error("due", "a drill folder or file is needed", "");
    if (!rc && !cli_parse_now(c.now, &now))
        rc = cli_usage_error("due", "--now takes an ISO 8601 UTC time, not", c.now);
    struct drill **v = NULL;
    size_t n = 0;
    struct history_store *h = NULL;
    if (!rc)
        rc = cli_load_drills(c.args, c.n_args, true, &v, &n);
    if (!rc)
        rc = cli_history_open(c.store, c.state_dir, &h);
    size_t due_n = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        struct due_result r;
        struct drh_err err;
        drh_err_clear(&err);
        if (cli_due_judge(h, v[i], now, &r, &err) != DRH_OK) {
            rc = cli_fail(&err);
            break;
        }
        due_n += r.due;
        char sched[32], next[32];
        s_utc(r.scheduled_for, sched);
        s_utc(r.next, next);
        if (c.json) {
            struct json *j = json_new_object();
            json_add_string(j, "drill", v[i]->name);
            json_add_string(j, "file", v[i]->path);
            json_add_bool(j, "due", r.due);
            json_add_string(j, "schedule", v[i]->schedule.present ? v[i]->schedule.expression : "");
            json_add_string(j, "timezone", v[i]->schedule.present ? v[i]->schedule.timezone : "");
            json_add_string(j, "scheduled_for", r.scheduled_for ? sched : "");
            json_add_string(j, "next", r.next ? next : "");
            json_add_string(j, "reason", r.reason);
            char *text = json_print(j, 0);
            printf("%s\n", text);
            free(text);
            json_free(j);
        } else {
            printf("%-28s %-4s %s\n", v[i]->name, r.due ? "due" : "-", r.reason);
        }
    }
    if (!rc && !c.json) {
        char when[32];
        s_utc(now, when);
        printf("%zu of %zu drill%s due at %s\n", due_n, n, n == 1 ? "" : "s", when);
    }
    history_close(h);
    cli_drills_free(v, n);
    free(c.args);
    return rc;
}

static void s_seconds(double v, char *out, size_t size)
{
    if (v < 0)
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%.0f", v);
}

static int s_history(int argc, char **argv)
{
    struct common c = {0};
    int rc = s_common("history", argc, argv, &c);
    long limit = 20;
    if (!rc && c.n_args > 1)
        rc = cli_usage_error("history", "one drill name at most, not", c.args[1]);
    if (!rc && c.limit && !cli_long(c.limit, 0, 100000, &limit))
        rc = cli_usage_error("history", "--limit takes 0 to 100000, not", c.limit);
    struct history_store *h = NULL;
    if (!rc)
        rc = cli_history_open(c.store, c.state_dir, &h);
    struct history_record *recs = NULL;
    size_t n = 0;
    if (!rc) {
        struct drh_err err;
        drh_err_clear(&err);
        if (history_list(h, c.n_args ? c.args[0] : NULL, (size_t)limit, &recs, &n, &err) != DRH_OK)
            rc = cli_fail(&err);
    }
    if (!rc && !c.json)
        printf("%-20s %-24s %-7s %8s %8s %8s %-30s %s\n", "started", "drill", "verdict", "rto (s)",
               "rpo (s)", "data (s)", "run id", "host / scheduled for");
    for (size_t i = 0; i < n; i++) {
        const struct history_record *r = &recs[i];
        if (c.json) {
            struct json *j = history_record_to_json(r);
            char *text = json_print(j, 0);
            printf("%s\n", text);
            free(text);
            json_free(j);
            continue;
        }
        char started[32], sched[32], rto[24], rpo[24], data[24];
        s_utc((time_t)r->started, started);
        s_utc(r->scheduled_for, sched);
        s_seconds(r->rto, rto, sizeof rto);
        s_seconds(r->rpo, rpo, sizeof rpo);
        s_seconds(r->rpo_data, data, sizeof data);
        printf("%-20s %-24s %-7s %8s %8s %8s %-30s %s%s%s\n", started, r->drill, r->verdict, rto,
               rpo, data, r->run_id, r->host ? r->host : "", r->scheduled_for ? " / " : "",
               r->scheduled_for ? sched : "");
        if (r->warnings && *r->warnings)
            printf("%20s warning: %s\n", "", r->warnings);
    }
    if (!rc && !c.json)
        printf("%zu run%s (%s)\n", n, n == 1 ? "" : "s", history_describe(h));
    history_records_free(recs, n);
    history_close(h);
    free(c.args);
    return rc;
}

const struct cli_command cli_due_commands[] = {
    {"due", s_due, s_due_usage, NULL},
    {"history", s_history, s_history_usage, NULL},
};
const int cli_due_command_count = sizeof cli_due_commands / sizeof cli_due_commands[0];
