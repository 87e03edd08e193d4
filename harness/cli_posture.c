/*
 * `drh posture [--junit PATH] [--evidence DIR] FILE...` (cli_posture.h):
 * loads each drill, opens and verifies both of its sides, runs the posture
 * checks into a report suite "<drill>/posture", prints a summary and
 * writes JUnit XML (and evidence) when asked. Nothing is created or
 * changed in any account.
 */
#include "cli_posture.h"

#include "check/posture.h"
#include "log.h"
#include "mem.h"
#include "reports/report.h"
#include "run/progress.h"
#include "run/runner.h"
#include "run/runner_reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char s_posture_usage[] =
    "usage: drh posture [--junit PATH] [--evidence DIR] FILE...\n"
    "\n"
    "Checks, read-only, that the AWS Backup setup each drill depends on is in\n"
    "place and working, without restoring anything:\n"
    "\n"
    "  posture plan              the backup plan (posture.plan, or the plans whose\n"
    "                            selections name the drill's resources)\n"
    "  posture rule NAME         a rule named like NAME keeps recovery points long enough\n"
    "                            (default: daily 7 days, weekly 28, monthly 2555)\n"
    "  posture copy to A/R/V     every expected rule copies into the DR vault\n"
    "  posture dr vault policy   the DR vault lets the source account copy into it\n"
    "  posture kms key           the source vault's KMS key is shared with the target\n"
    "  posture backup RESOURCE   the newest completed recovery point is within the RPO\n"
    "  posture dr copy RESOURCE  so is the newest copy in the DR vault\n"
    "\n"
    "The drill's optional \"posture\" section states the plan, rules, copies and\n"
    "extra resources (docs/posture.md); without it the defaults of seed 004 apply.\n"
    "\n"
    "  --junit PATH       JUnit XML report: a suite <drill>/posture, a case a check\n"
    "  --evidence DIR     evidence JSON + .sha256 of what was found\n"
    "\n"
    "Each case's verdict goes to stderr as it is known, a summary to stdout.\n"
    "\n"
    "exit codes: 0 every check passed, 1 a check failed (the posture would let a\n"
    "drill or a real recovery down), 2 bad usage or drill file, 3 environment\n"
    "error (credentials, network, AWS).\n"
    "\n"
    "example (nightly in CI):\n"
    "  drh posture drills/orders.json drills/files.json --junit reports/posture.xml\n";

struct one {
    struct drill *d;
    struct report_suite *suite;
    enum runner_verdict verdict;
};

/* Both sides opened and verified, then the checks. */
static enum runner_verdict s_check(struct one *o, struct json *ev)
{
    struct check_ctx c;
    check_ctx_init(&c, o->d, "posture", o->suite, ev);
    struct drh_err err;
    drh_err_clear(&err);
    struct side *src = NULL, *tgt = NULL;
    enum drh_status st = side_open(&o->d->source, "source", &src, &err);
    if (st == DRH_OK)
        st = side_open(&o->d->target, "target", &tgt, &err);
    if (st == DRH_OK)
        st = side_verify_account(src, &err);
    if (st == DRH_OK)
        st = side_verify_account(tgt, &err);
    enum runner_verdict v;
    if (st != DRH_OK) {
        check_case(&c, "credentials", REPORT_ERROR, 0, "%s%s%s%s", err.msg,
                   err.hint[0] ? " (hint: " : "", err.hint, err.hint[0] ? ")" : "");
        v = RUNNER_ERROR;
    } else {
        c.src = src;
        c.tgt = tgt;
        v = posture_run(&c);
    }
    side_free(src);
    side_free(tgt);
    return v;
}

static const char *s_verdict_name(enum runner_verdict v)
{
    return v == RUNNER_PASSED ? "PASSED" : v == RUNNER_FAILED ? "FAILED" : "ERROR";
}

static void s_summary(const struct one *v, size_t n)
{
    printf("\n%-32s %-7s %7s %7s %7s %7s\n", "drill", "verdict", "passed", "failed", "error",
           "skipped");
    for (size_t i = 0; i < n; i++)
        printf("%-32s %-7s %7zu %7zu %7zu %7zu\n", v[i].d->name, s_verdict_name(v[i].verdict),
               report_suite_count(v[i].suite, REPORT_PASS),
               report_suite_count(v[i].suite, REPORT_FAIL),
               report_suite_count(v[i].suite, REPORT_ERROR),
               report_suite_count(v[i].suite, REPORT_SKIPPED));
}

static int s_posture(int argc, char **argv)
{
    const char *junit = NULL, *evidence = NULL;
    const char **files = xcalloc((size_t)argc, sizeof *files);
    struct one *v = xcalloc((size_t)argc, sizeof *v);
    size_t n = 0, nf = 0;
    int rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        int bad = 0;
        if (cli_option(argc, argv, &i, "--junit", &junit, &bad) ||
            cli_option(argc, argv, &i, "--evidence", &evidence, &bad)) {
            if (bad)
                rc = cli_usage_error("posture", "a value is missing after", argv[i]);
        } else if (argv[i][0] == '-' && argv[i][1]) {
            rc = cli_usage_error("posture", "unknown option", argv[i]);
        } else {
            files[nf++] = argv[i];
        }
    }
    if (!rc && nf == 0)
        rc = cli_usage_error("posture", "a drill file is needed", "");
    bool usage = rc != 0;
    for (size_t i = 0; i < nf && !usage; i++) { /* every bad file is reported */
        struct drh_err err;
        drh_err_clear(&err);
        if (drill_load(files[i], &v[n].d, &err) != DRH_OK) {
            fprintf(stderr, "%s\n", err.msg);
            if (err.hint[0])
                fprintf(stderr, "HINT: %s\n", err.hint);
            if (!rc)
                rc = drh_status_exit_code(err.code);
        } else {
            n++;
        }
    }
    free(files);
    if (rc) {
        for (size_t i = 0; i < n; i++)
            drill_free(v[i].d);
        free(v);
        return rc;
    }
    char *key = NULL;
    size_t key_len = 0;
    struct drh_err kerr;
    drh_err_clear(&kerr);
    if (runner_reports_key(v[0].d, evidence, NULL, true, &key, &key_len, &kerr) != DRH_OK) {
        cli_fail(&kerr);
        for (size_t i = 0; i < n; i++)
            drill_free(v[i].d);
        free(v);
        return 2;
    }
    progress_init(log_get_level() == LOG_ERROR, false);
    log_capture_start();
    char *run_id = runner_new_run_id();
    struct report rep;
    report_init(&rep, run_id, time(NULL));
    struct json *ev = json_new_object();
    struct json *drills = json_add_child(ev, "drills", json_new_array());
    bool failed = false, errored = false;
    for (size_t i = 0; i < n; i++) {
        char name[200];
        snprintf(name, sizeof name, "%s/posture", v[i].d->name);
        v[i].suite = report_add_suite(&rep, name, time(NULL));
        struct json *jd = json_push(drills, json_new_object());
        json_add_string(jd, "name", v[i].d->name);
        json_add_string(jd, "file", v[i].d->path);
        json_add_string(jd, "file_sha256", v[i].d->sha256);
        v[i].verdict = s_check(&v[i], jd);
        json_add_string(jd, "verdict", s_verdict_name(v[i].verdict));
        failed |= v[i].verdict == RUNNER_FAILED;
        errored |= v[i].verdict == RUNNER_ERROR;
    }
    rep.evidence = ev;
    /* A proven failure outranks an incomplete check: it is what CI must act on. */
    rc = failed ? 1 : errored ? 3 : 0;
    s_summary(v, n);
    struct drill **ds = xcalloc(n, sizeof *ds);
    for (size_t i = 0; i < n; i++)
        ds[i] = v[i].d;
    struct runner_reports_in ri = {.rep = &rep, .drills = ds, .n_drills = n, .junit = junit,
                                   .evidence = evidence, .key_pem = key, .key_len = key_len,
                                   .options_only = true};
    int wrc = runner_reports_write(&ri, stdout);
    free(ds);
    runner_reports_key_free(key, key_len);
    if (!rc)
        rc = wrc;
    printf("result:   %s\n", rc == 0 ? "PASSED" : rc == 1 ? "FAILED" : "ERROR");
    report_clean_up(&rep);
    free(run_id);
    for (size_t i = 0; i < n; i++)
        drill_free(v[i].d);
    free(v);
    return rc;
}

const struct cli_command cli_posture_commands[] = {
    {"posture", s_posture, s_posture_usage,
     "check the backup plan, copies, vault policy, key and recovery point ages"},
};
const int cli_posture_command_count =
    sizeof(cli_posture_commands) / sizeof(cli_posture_commands[0]);
