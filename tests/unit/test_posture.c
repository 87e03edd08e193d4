/* Tests of the posture and preflight checks (check/posture*.c,
 * check/preflight.c) and of drh posture (cli_posture.c) against the local
 * emulator: a world like seed 004's (a production vault and a DR vault in
 * another account and region, open to production's copies by
 * docs/iam/dr-vault-policy.json, a plan with daily / weekly / monthly rules
 * copied to the DR vault, run for real) passes; then each way the posture
 * can break fails the case that says so: a short retention, a missing copy
 * action, a backup older than the RPO, a DR vault policy that denies, a key
 * no longer shared, an AWS managed key, a missing vault or key.
 *
 * The sides are opened as drh opens them, through the process environment:
 * the suite points AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and
 * AWS_ENDPOINT_URL at the emulator and puts them back afterwards. */
#include "support/dbfixture.h"
#include "support/emuclient.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/backup_plan.h"
#include "aws/call.h"
#include "check/posture.h"
#include "check/preflight.h"
#include "cli_posture.h"
#include "log.h"
#include "mem.h"
#include "run/progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROD "111111111111"
#define DR "222222222222"
#define DR_VAULT_ARN "arn:aws:backup:us-west-2:222222222222:backup-vault:pst-dr"

static const char *const s_env_names[] = {
    "AWS_CONFIG_FILE",   "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",       "AWS_SESSION_TOKEN"};
#define N_ENV (sizeof s_env_names / sizeof s_env_names[0])
static char *s_env_saved[N_ENV];

static struct {
    char *fs1, *fs2;              /* file system ids: in the good plan; only a 30 h old backup */
    char *good, *short_, *nocopy; /* plan ids */
    char *unshare_key;            /* a customer managed key this suite unshares */
} s_w;

/* POST to the admin API; 0 on success, the reply in *out when not NULL. */
static int s_admin(const char *path, const char *body, struct json **out)
{
    int rc = emu_admin("POST", path, body, out);
    if (rc != 0)
        fprintf(stderr, "posture: admin %s failed\n", path);
    return rc;
}

static int s_vault(struct aws_client *c, const char *name, const char *key, const char *policy)
{
    struct json *body = json_new_object(), *out = NULL;
    if (key)
        json_add_string(body, "EncryptionKeyArn", key);
    char *path = xasprintf("/backup-vaults/%s", name);
    struct drh_err err;
    int rc = aws_json_call(c, "backup", "CreateBackupVault", "PUT", path, NULL, body, &out, NULL,
                           &err) == DRH_OK
                 ? 0
                 : -1;
    if (rc == 0 && policy && backup_put_vault_policy(c, name, policy, &err) != DRH_OK)
        rc = -1;
    if (rc)
        fprintf(stderr, "posture: vault %s: %s\n", name, err.msg);
    json_free(out);
    json_free(body);
    free(path);
    return rc;
}

static char *s_efs(void)
{
    struct json *r = NULL;
    if (s_admin("/seed/efs", "{\"profile\":\"production\",\"files\":{\"f.txt\":\"f\"}}", &r))
        return NULL;
    char *id = xstrdup(json_get_string(r, "file_system_id"));
    json_free(r);
    return id;
}

static char *s_efs_arn(const char *id)
{
    return xasprintf("arn:aws:elasticfilesystem:us-east-1:" PROD ":file-system/%s", id);
}

/* A plan in pst-prod: daily / weekly / monthly rules with the given retentions, each copied
 * to pst-dr unless skip_copy names it. */
static char *s_plan(struct aws_client *c, const char *name, long daily, const char *skip_copy)
{
    const char *rules[] = {"DailyBackups", "WeeklyBackups", "MonthlyBackups"};
    long days[] = {daily, 28, 2555};
    struct json *plan = json_new_object();
    json_add_string(plan, "BackupPlanName", name);
    struct json *list = json_add_child(plan, "Rules", json_new_array());
    for (size_t i = 0; i < 3; i++) {
        struct json *r = json_push(list, json_new_object());
        json_add_string(r, "RuleName", rules[i]);
        json_add_string(r, "TargetBackupVaultName", "pst-prod");
        json_add_number(json_add_child(r, "Lifecycle", json_new_object()), "DeleteAfterDays",
                        (double)days[i]);
        if (skip_copy && strcmp(skip_copy, rules[i]) == 0)
            continue;
        struct json *ca =
            json_push(json_add_child(r, "CopyActions", json_new_array()), json_new_object());
        json_add_string(ca, "DestinationBackupVaultArn", DR_VAULT_ARN);
    }
    char *id = NULL;
    struct drh_err err;
    if (backup_create_plan(c, plan, &id, &err) != DRH_OK)
        fprintf(stderr, "posture: plan %s: %s\n", name, err.msg);
    json_free(plan);
    return id;
}

static int s_world(void)
{
    struct emu_client prod, dr;
    if (emu_client_open(&prod, "production", "us-east-1") != 0)
        return -1;
    if (emu_client_open(&dr, "dr", "us-west-2") != 0) {
        emu_client_close(&prod);
        return -1;
    }
    char *policy = test_read_file("docs/iam/dr-vault-policy.json");
    struct json *key = NULL;
    int rc =
        !policy || s_vault(prod.c, "pst-prod", "alias/drh-dr-key", NULL) ||
        s_vault(prod.c, "pst-prod-managed", NULL, NULL) ||
        s_vault(dr.c, "pst-dr", "alias/drh-dr-key", policy) ||
        s_vault(dr.c, "pst-dr-deny", "alias/drh-dr-key", policy) ||
        s_admin("/backup/deny-vault-policy",
                "{\"profile\":\"dr\",\"region\":\"us-west-2\",\"vault\":\"pst-dr-deny\"}", NULL) ||
        s_admin("/kms/keys",
                "{\"profile\":\"production\",\"alias\":\"drh-pst-unshare\",\"shared_with\":"
                "[\"" DR "\"]}",
                &key);
    if (!rc) {
        s_w.unshare_key = xstrdup(json_get_string(key, "arn"));
        rc = s_vault(prod.c, "pst-prod-unshared", s_w.unshare_key, NULL);
    }
    s_w.fs1 = rc ? NULL : s_efs();
    s_w.fs2 = rc ? NULL : s_efs();
    if (!s_w.fs1 || !s_w.fs2)
        rc = -1;
    if (!rc) {
        s_w.good = s_plan(prod.c, "pst-plan-good", 7, NULL);
        s_w.short_ = s_plan(prod.c, "pst-plan-short", 5, NULL);
        s_w.nocopy = s_plan(prod.c, "pst-plan-nocopy", 7, "WeeklyBackups");
        rc = !s_w.good || !s_w.short_ || !s_w.nocopy;
    }
    if (!rc) {
        char *arn = s_efs_arn(s_w.fs1), *sid = NULL;
        const char *res[] = {arn};
        struct drh_err err;
        rc = backup_create_selection(prod.c, s_w.good, "pst-files",
                                     "arn:aws:iam::" PROD
                                     ":role/service-role/AWSBackupDefaultServiceRole",
                                     res, 1, &sid, &err) != DRH_OK;
        free(sid);
        free(arn);
    }
    if (!rc) {
        /* the plan's rules run now, and their copies into pst-dr */
        char *body = xasprintf("{\"plan_id\":\"%s\",\"wait\":true}", s_w.good);
        rc = s_admin("/backup/plans/run", body, NULL);
        free(body);
    }
    if (!rc) {
        char *arn = s_efs_arn(s_w.fs2);
        char *body = xasprintf("{\"profile\":\"production\",\"resource_arn\":\"%s\",\"vault\":"
                               "\"pst-prod\",\"seconds_ago\":108000}",
                               arn);
        rc = s_admin("/backup/now", body, NULL);
        free(body);
        free(arn);
    }
    json_free(key);
    free(policy);
    emu_client_close(&prod);
    emu_client_close(&dr);
    return rc ? -1 : 0;
}

static int s_init(void)
{
    if (dbfixture_start() != 0)
        return 1;
    const char *dir = dbfixture_dir();
    for (size_t i = 0; i < N_ENV; i++) {
        const char *v = getenv(s_env_names[i]);
        s_env_saved[i] = v ? xstrdup(v) : NULL;
        unsetenv(s_env_names[i]);
    }
    char *cfg = xasprintf("%s/state/aws/config", dir);
    char *creds = xasprintf("%s/state/aws/credentials", dir);
    setenv("AWS_CONFIG_FILE", cfg, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds, 1);
    setenv("AWS_ENDPOINT_URL", emu_endpoint(), 1);
    free(cfg);
    free(creds);
    progress_init(true, false);
    return s_world() == 0 ? 0 : 1;
}

static int s_cleanup(void)
{
    for (size_t i = 0; i < N_ENV; i++) {
        if (s_env_saved[i])
            setenv(s_env_names[i], s_env_saved[i], 1);
        else
            unsetenv(s_env_names[i]);
        free(s_env_saved[i]);
        s_env_saved[i] = NULL;
    }
    free(s_w.fs1);
    free(s_w.fs2);
    free(s_w.good);
    free(s_w.short_);
    free(s_w.nocopy);
    free(s_w.unshare_key);
    memset(&s_w, 0, sizeof s_w);
    return 0;
}

/* Writes a drill file (one efs resource) and returns its path (caller frees). */
static char *s_drill_file3(const char *name, const char *src_vault, const char *tgt_vault,
                           const char *fs, const char *extra_target, const char *extra_resource,
                           const char *posture)
{
    char *path = xasprintf("%s/%s.json", dbfixture_dir(), name);
    char *text = xasprintf(
        "{\"drill\":{\"name\":\"%s\"},\"objectives\":{\"rpo\":\"24h\"},\n"
        "\"source\":{\"account\":\"" PROD "\",\"region\":\"us-east-1\",\"profile\":\"production\","
        "\"vault\":\"%s\"},\n"
        "\"target\":{\"account\":\"" DR "\",\"region\":\"us-west-2\",\"profile\":\"dr\","
        "\"vault\":\"%s\"%s,\"isolation\":{\"subnet\":\"subnet-0123456789abcdef0\","
        "\"security_groups\":[\"sg-0123456789abcdef0\"]}},\n"
        "\"resources\":[{\"name\":\"files\",\"type\":\"efs\",\"source\":\"%s\",\"restore\":"
        "{\"mount\":{\"point\":\"/tmp/drh-pst\",\"mount\":\"true\",\"unmount\":\"true\"}},"
        "\"probes\":[{\"kind\":\"files\"}]%s}]%s%s}\n",
        name, src_vault, tgt_vault, extra_target ? extra_target : "", fs,
        extra_resource ? extra_resource : "", posture ? ",\n\"posture\":" : "",
        posture ? posture : "");
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0)
        TEST_FAILF("cannot write %s", path);
    if (f)
        fclose(f);
    free(text);
    return path;
}

static char *s_drill_file(const char *name, const char *src_vault, const char *tgt_vault,
                          const char *fs, const char *extra_target, const char *posture)
{
    return s_drill_file3(name, src_vault, tgt_vault, fs, extra_target, NULL, posture);
}

/* A run of the checks over one drill file. */
struct checked {
    struct drill *d;
    struct report rep;
    struct report_suite *suite;
    struct json *ev;
    enum runner_verdict verdict;
};

static bool s_check(struct checked *k, const char *path, bool preflight)
{
    memset(k, 0, sizeof *k);
    report_init(&k->rep, "posture-test", 0);
    k->ev = json_new_object();
    struct drh_err err;
    drh_err_clear(&err);
    if (drill_load(path, &k->d, &err) != DRH_OK) {
        TEST_FAILF("%s: %s", path, err.msg);
        return false;
    }
    k->suite = report_add_suite(&k->rep, preflight ? "x/stack" : "x/posture", 0);
    struct side *src = NULL, *tgt = NULL;
    if (side_open(&k->d->source, "source", &src, &err) != DRH_OK ||
        side_open(&k->d->target, "target", &tgt, &err) != DRH_OK ||
        side_verify_account(src, &err) != DRH_OK || side_verify_account(tgt, &err) != DRH_OK) {
        TEST_FAILF("sides: %s", err.msg);
        side_free(src);
        side_free(tgt);
        return false;
    }
    struct check_ctx c;
    check_ctx_init(&c, k->d, preflight ? "stack" : "posture", k->suite, k->ev);
    c.src = src;
    c.tgt = tgt;
    k->verdict = preflight ? preflight_run(&c) : posture_run(&c);
    side_free(src);
    side_free(tgt);
    return true;
}

static void s_checked_clean_up(struct checked *k)
{
    report_clean_up(&k->rep);
    json_free(k->ev);
    drill_free(k->d);
}

static const struct report_case *s_case(const struct checked *k, const char *name)
{
    for (size_t i = 0; k->suite && i < k->suite->n_cases; i++)
        if (strcmp(k->suite->cases[i]->name, name) == 0)
            return k->suite->cases[i];
    return NULL;
}

/* The case exists with that status and its message holds each of the parts (NULL-ended). */
static void s_expect(const struct checked *k, const char *name, enum report_status status, ...)
{
    const struct report_case *c = s_case(k, name);
    if (!c) {
        TEST_FAILF("no case '%s'", name);
        for (size_t i = 0; k->suite && i < k->suite->n_cases; i++)
            fprintf(stderr, "  case '%s' %s: %s\n", k->suite->cases[i]->name,
                    report_status_name(k->suite->cases[i]->status),
                    k->suite->cases[i]->message ? k->suite->cases[i]->message : "");
        return;
    }
    if (c->status != status)
        TEST_FAILF("case '%s' is %s, want %s: %s", name, report_status_name(c->status),
                   report_status_name(status), c->message ? c->message : "");
    va_list ap;
    va_start(ap, status);
    for (const char *part = va_arg(ap, const char *); part; part = va_arg(ap, const char *))
        if (!c->message || !strstr(c->message, part))
            TEST_FAILF("case '%s': message '%s' lacks '%s'", name, c->message ? c->message : "",
                       part);
    va_end(ap);
}

static void s_expect_all(const struct checked *k, enum report_status status)
{
    for (size_t i = 0; i < k->suite->n_cases; i++)
        if (k->suite->cases[i]->status != status)
            TEST_FAILF("case '%s' is %s: %s", k->suite->cases[i]->name,
                       report_status_name(k->suite->cases[i]->status),
                       k->suite->cases[i]->message ? k->suite->cases[i]->message : "");
}

static void test_all_pass(void)
{
    char *path = s_drill_file("pst-good", "pst-prod", "pst-dr", s_w.fs1, NULL,
                              "{\"plan\":\"pst-plan-good\"}");
    struct checked k;
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_PASSED);
        s_expect_all(&k, REPORT_PASS);
        CU_ASSERT_EQUAL(k.suite->n_cases, 9);
        s_expect(&k, "posture plan", REPORT_PASS, "plan 'pst-plan-good'", "DailyBackups", NULL);
        s_expect(&k, "posture rule daily", REPORT_PASS, "'DailyBackups'", "7 days", NULL);
        s_expect(&k, "posture rule weekly", REPORT_PASS, "28 days", NULL);
        s_expect(&k, "posture rule monthly", REPORT_PASS, "2555 days", NULL);
        s_expect(&k, "posture copy to " DR "/us-west-2/pst-dr", REPORT_PASS, DR_VAULT_ARN, NULL);
        s_expect(&k, "posture dr vault policy", REPORT_PASS,
                 "allows backup:CopyIntoBackupVault from " PROD,
                 "statement 'AllowCopiesFromTheSourceAccount'", NULL);
        s_expect(&k, "posture kms key", REPORT_PASS, "customer managed and usable by " DR, NULL);
        s_expect(&k, "posture backup files", REPORT_PASS, "within the RPO 1d", NULL);
        s_expect(&k, "posture dr copy files", REPORT_PASS, "in vault 'pst-dr'", NULL);
        /* the evidence holds every case */
        const struct json *ev = json_get(k.ev, "posture");
        CU_ASSERT_EQUAL(json_array_size(ev), 9);
        const struct json *last = json_array_at(ev, 8);
        CU_ASSERT_STRING_EQUAL(json_get_string(last, "case"), "posture dr copy files");
        CU_ASSERT_STRING_EQUAL(json_get_string(last, "status"), "pass");
        CU_ASSERT_PTR_NOT_NULL(json_get_string(last, "recovery_point_arn"));
    }
    s_checked_clean_up(&k);
    free(path);
}

static void test_plan_found_by_selection(void)
{
    char *path = s_drill_file("pst-select", "pst-prod", "pst-dr", s_w.fs1, NULL, "{}");
    struct checked k;
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_PASSED);
        s_expect(&k, "posture plan", REPORT_PASS, "plan 'pst-plan-good'", "selects files", NULL);
        CU_ASSERT_PTR_NULL(strstr(s_case(&k, "posture plan")->message, "pst-plan-short"));
    }
    s_checked_clean_up(&k);
    free(path);
    /* fs2 is in no plan's selection */
    path =
        s_drill_file("pst-noplan", "pst-prod", "pst-dr", s_w.fs2, NULL, "{\"copies_age\":false}");
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "posture plan", REPORT_FAIL,
                 "no backup plan of " PROD " (us-east-1) selects "
                 "files",
                 "hint: name it in posture.plan", NULL);
        s_expect(&k, "posture rule daily", REPORT_SKIPPED, "no backup plan found", NULL);
    }
    s_checked_clean_up(&k);
    free(path);
    /* a plan named that does not exist */
    path = s_drill_file("pst-misnamed", "pst-prod", "pst-dr", s_w.fs1, NULL,
                        "{\"plan\":\"pst-plan-GOOD\"}");
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "posture plan", REPORT_FAIL, "no backup plan named 'pst-plan-GOOD'",
                 "'pst-plan-good'", NULL);
    }
    s_checked_clean_up(&k);
    free(path);
}

static void test_short_retention(void)
{
    char *path = s_drill_file("pst-short", "pst-prod", "pst-dr", s_w.fs1, NULL,
                              "{\"plan\":\"pst-plan-short\"}");
    struct checked k;
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "posture rule daily", REPORT_FAIL,
                 "rule 'DailyBackups' of plan 'pst-plan-short' keeps recovery points 5 days, less "
                 "than 7 days",
                 "DeleteAfterDays to at least 7", NULL);
        s_expect(&k, "posture rule weekly", REPORT_PASS, NULL);
        s_expect(&k, "posture rule monthly", REPORT_PASS, NULL);
    }
    s_checked_clean_up(&k);
    free(path);
    /* the drill's own rules: 5 days is enough for it, a "yearly" rule is missing */
    path = s_drill_file("pst-own-rules", "pst-prod", "pst-dr", s_w.fs1, NULL,
                        "{\"plan\":\"pst-plan-short\",\"rules\":[{\"name\":\"DAILY\",\"retention\":"
                        "\"5d\"},{\"name\":\"yearly\",\"retention\":\"365d\"}]}");
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "posture rule DAILY", REPORT_PASS, "5 days", NULL);
        s_expect(&k, "posture rule yearly", REPORT_FAIL, "no rule is named like 'yearly'",
                 "DailyBackups, WeeklyBackups, MonthlyBackups", NULL);
        CU_ASSERT_PTR_NULL(s_case(&k, "posture rule weekly"));
        s_expect(&k, "posture copy to " DR "/us-west-2/pst-dr", REPORT_FAIL,
                 "'yearly' (no such rule)", NULL);
    }
    s_checked_clean_up(&k);
    free(path);
}

static void test_missing_copy_action(void)
{
    char *path = s_drill_file("pst-nocopy", "pst-prod", "pst-dr", s_w.fs1, NULL,
                              "{\"plan\":\"pst-plan-nocopy\"}");
    struct checked k;
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "posture copy to " DR "/us-west-2/pst-dr", REPORT_FAIL,
                 "rules without a copy action to " DR_VAULT_ARN ": WeeklyBackups", NULL);
        const struct report_case *c = s_case(&k, "posture copy to " DR "/us-west-2/pst-dr");
        CU_ASSERT_PTR_NULL(c && c->message ? strstr(c->message, "Daily") : "x");
        s_expect(&k, "posture rule weekly", REPORT_PASS, NULL);
    }
    s_checked_clean_up(&k);
    free(path);
    /* a copy destination the drill states: any vault of dr in us-west-2 will do */
    path = s_drill_file("pst-copies", "pst-prod", "pst-dr", s_w.fs1, NULL,
                        "{\"plan\":\"pst-plan-good\",\"copies\":[{\"account\":\"" DR "\","
                        "\"region\":\"us-west-2\"},{\"account\":\"" DR "\",\"region\":"
                        "\"us-east-1\",\"vault\":\"pst-dr\"}]}");
    if (s_check(&k, path, false)) {
        s_expect(&k, "posture copy to " DR "/us-west-2", REPORT_PASS, NULL);
        s_expect(&k, "posture copy to " DR "/us-east-1/pst-dr", REPORT_FAIL,
                 "DailyBackups, WeeklyBackups, MonthlyBackups", NULL);
    }
    s_checked_clean_up(&k);
    free(path);
}

static void test_old_recovery_point(void)
{
    char *path = s_drill_file("pst-old", "pst-prod", "pst-dr", s_w.fs2, NULL,
                              "{\"plan\":\"pst-plan-good\"}");
    struct checked k;
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "posture backup files", REPORT_FAIL, "is 1d6h", "older than the RPO 1d",
                 "arn:aws:backup:us-east-1:" PROD ":recovery-point:", "list-backup-jobs", NULL);
        /* never copied */
        s_expect(&k, "posture dr copy files", REPORT_FAIL, "no COMPLETED copy of files", NULL);
        const struct json *ev = json_get(k.ev, "posture");
        bool aged = false;
        for (const struct json *e = json_first(ev); e; e = json_next(e)) {
            double age = 0;
            if (strcmp(json_get_string(e, "case"), "posture backup files") == 0 &&
                json_number(json_get(e, "age_seconds"), &age))
                aged = age > 107000 && age < 110000;
        }
        CU_ASSERT_TRUE(aged);
    }
    s_checked_clean_up(&k);
    free(path);
    /* with the RPO at 2 days the same backup passes; posture.resources adds fs1 */
    char *fs1 = s_efs_arn(s_w.fs1);
    char *posture = xasprintf("{\"plan\":\"pst-plan-good\",\"copies_age\":false,\"resources\":"
                              "[\"%s\"]}",
                              fs1);
    path = s_drill_file("pst-old-ok", "pst-prod", "pst-dr", s_w.fs2, NULL, posture);
    char *text = test_read_file(path);
    char *p = text ? strstr(text, "\"24h\"") : NULL;
    if (p)
        memcpy(p, "\"2d\" ", 5);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text ? text : "", f);
        fclose(f);
    }
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_PASSED);
        s_expect(&k, "posture backup files", REPORT_PASS, "within the RPO 2d", NULL);
        char *other = xasprintf("posture backup %s", s_w.fs1);
        s_expect(&k, other, REPORT_PASS, "within the RPO 2d", NULL);
        free(other);
        CU_ASSERT_PTR_NULL(s_case(&k, "posture dr copy files"));
    }
    s_checked_clean_up(&k);
    free(text);
    free(posture);
    free(fs1);
    free(path);
}

static void test_denied_vault_policy(void)
{
    char *path = s_drill_file("pst-deny", "pst-prod", "pst-dr-deny", s_w.fs1, NULL,
                              "{\"plan\":\"pst-plan-good\",\"copies_age\":false,\"copies\":[{"
                              "\"account\":\"" DR "\",\"region\":\"us-west-2\",\"vault\":"
                              "\"pst-dr\"}]}");
    struct checked k;
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "posture dr vault policy", REPORT_FAIL,
                 "vault 'pst-dr-deny' in " DR
                 " does not allow backup:CopyIntoBackupVault from " PROD
                 ": statement 'emulator-fault-deny' denies",
                 "(hint: put a vault access policy like docs/iam/dr-vault-policy.json", NULL);
        s_expect(&k, "posture copy to " DR "/us-west-2/pst-dr", REPORT_PASS, NULL);
        s_expect(&k, "posture kms key", REPORT_PASS, NULL);
    }
    s_checked_clean_up(&k);
    free(path);
}

static void test_key_cases(void)
{
    /* an AWS managed key cannot be shared */
    char *path = s_drill_file("pst-managed", "pst-prod-managed", "pst-dr", s_w.fs1, NULL,
                              "{\"plan\":\"pst-plan-good\",\"copies_age\":false}");
    struct checked k;
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "posture kms key", REPORT_FAIL, "encrypted with the AWS managed key",
                 "cannot be shared with " DR, NULL);
    }
    s_checked_clean_up(&k);
    free(path);
    /* a shared key passes, and fails once unshared */
    path = s_drill_file("pst-unshared", "pst-prod-unshared", "pst-dr", s_w.fs1, NULL,
                        "{\"plan\":\"pst-plan-good\",\"copies_age\":false}");
    if (s_check(&k, path, false))
        s_expect(&k, "posture kms key", REPORT_PASS, "statement 'share-" DR "' allows kms:Decrypt",
                 NULL);
    s_checked_clean_up(&k);
    char *body = xasprintf("{\"key\":\"%s\"}", s_w.unshare_key);
    CU_ASSERT_EQUAL_FATAL(s_admin("/kms/unshare", body, NULL), 0);
    free(body);
    if (s_check(&k, path, false)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "posture kms key", REPORT_FAIL, "is not shared with " DR,
                 "no statement allows kms:Decrypt to " DR, "aws kms create-grant", NULL);
    }
    s_checked_clean_up(&k);
    free(path);
    /* and preflight stops a drill on it */
    path = s_drill_file("pst-pf-unshared", "pst-prod-unshared", "pst-dr", s_w.fs1, NULL, NULL);
    if (s_check(&k, path, true)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "preflight kms key", REPORT_FAIL, "is not shared with " DR, NULL);
        s_expect(&k, "preflight source vault", REPORT_PASS, NULL);
    }
    s_checked_clean_up(&k);
    free(path);
}

static void test_preflight_pass(void)
{
    char *path = s_drill_file("pst-pf", "pst-prod", "pst-dr", s_w.fs1,
                              ",\"kms_key\":\"alias/drh-dr-key\"", NULL);
    struct checked k;
    if (s_check(&k, path, true)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_PASSED);
        s_expect_all(&k, REPORT_PASS);
        CU_ASSERT_EQUAL(k.suite->n_cases, 5);
        s_expect(&k, "preflight source vault", REPORT_PASS, "vault 'pst-prod' in " PROD, NULL);
        s_expect(&k, "preflight dr vault", REPORT_PASS, "vault 'pst-dr' in " DR " (us-west-2)",
                 NULL);
        s_expect(&k, "preflight dr vault policy", REPORT_PASS, NULL);
        s_expect(&k, "preflight kms key", REPORT_PASS, NULL);
        s_expect(&k, "preflight target key", REPORT_PASS, "arn:aws:kms:us-west-2:" DR ":key/",
                 NULL);
        CU_ASSERT_EQUAL(json_array_size(json_get(k.ev, "preflight")), 5);
        CU_ASSERT_PTR_NULL(s_case(&k, "preflight staging vault"));
    }
    s_checked_clean_up(&k);
    free(path);
    /* restoring the copy already in the DR vault needs only that vault */
    path = s_drill_file3("pst-pf-drvault", "pst-nope", "pst-dr", s_w.fs1, NULL,
                         ",\"recovery_point\":{\"select\":\"dr-vault\"}", NULL);
    if (s_check(&k, path, true)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_PASSED);
        CU_ASSERT_EQUAL(k.suite->n_cases, 1);
        s_expect(&k, "preflight dr vault", REPORT_PASS, "recovery point(s)", NULL);
    }
    s_checked_clean_up(&k);
    free(path);
}

/* A drill that restores a shared snapshot in its own account needs no vault, policy or key:
 * no case, no AWS call (the sides are not even there). */
static void test_preflight_needs_nothing(void)
{
    struct drill_resource r;
    memset(&r, 0, sizeof r);
    r.name = (char *)"db";
    r.type = DRILL_RDS;
    r.source = (char *)"orders";
    r.path = DRILL_PATH_SNAPSHOT;
    struct drill d;
    memset(&d, 0, sizeof d);
    d.name = (char *)"c-built";
    d.source.account = d.target.account = (char *)PROD;
    d.source.region = d.target.region = (char *)"us-east-1";
    d.source.vault = (char *)"pst-prod";
    d.target.vault = (char *)"pst-dr";
    d.resources = &r;
    d.n_resources = 1;
    struct report rep;
    report_init(&rep, "c-built", 0);
    struct json *ev = json_new_object();
    struct check_ctx c;
    check_ctx_init(&c, &d, "stack", report_add_suite(&rep, "c-built/stack", 0), ev);
    CU_ASSERT_EQUAL(preflight_run(&c), RUNNER_PASSED);
    CU_ASSERT_EQUAL(c.suite->n_cases, 0);
    CU_ASSERT_TRUE(json_is_array(json_get(ev, "preflight")));
    CU_ASSERT_EQUAL(json_array_size(json_get(ev, "preflight")), 0);
    /* its ARN as AWS Backup names it, all the same */
    char *arn = posture_resource_arn(&d, &r);
    CU_ASSERT_STRING_EQUAL(arn, "arn:aws:rds:us-east-1:" PROD ":db:orders");
    free(arn);
    r.type = DRILL_AURORA;
    arn = posture_resource_arn(&d, &r);
    CU_ASSERT_STRING_EQUAL(arn, "arn:aws:rds:us-east-1:" PROD ":cluster:orders");
    free(arn);
    CU_ASSERT_FALSE(posture_backed_up(&r));
    r.path = DRILL_PATH_BACKUP;
    CU_ASSERT_TRUE(posture_backed_up(&r));
    r.type = DRILL_S3;
    CU_ASSERT_PTR_NULL(posture_resource_arn(&d, &r));
    json_free(ev);
    report_clean_up(&rep);
}

static void test_preflight_failures(void)
{
    /* no source vault: said, and the key check (which needs it) not made */
    char *path = s_drill_file("pst-pf-nosrc", "pst-nope", "pst-dr", s_w.fs1, NULL, NULL);
    struct checked k;
    if (s_check(&k, path, true)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_ERROR);
        s_expect(&k, "preflight source vault", REPORT_ERROR,
                 "source vault 'pst-nope' does not exist in " PROD " (us-east-1)",
                 "(hint: check source.vault", NULL);
        s_expect(&k, "preflight dr vault policy", REPORT_PASS, NULL);
        CU_ASSERT_PTR_NULL(s_case(&k, "preflight kms key"));
    }
    s_checked_clean_up(&k);
    free(path);
    /* a DR vault policy that denies */
    path = s_drill_file("pst-pf-deny", "pst-prod", "pst-dr-deny", s_w.fs1, NULL, NULL);
    if (s_check(&k, path, true)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_FAILED);
        s_expect(&k, "preflight dr vault policy", REPORT_FAIL,
                 "vault 'pst-dr-deny' in " DR
                 " does not allow backup:CopyIntoBackupVault from " PROD,
                 "(hint: put a vault access policy like docs/iam/dr-vault-policy.json", NULL);
        s_expect(&k, "preflight kms key", REPORT_PASS, NULL);
    }
    s_checked_clean_up(&k);
    free(path);
    /* a missing DR vault, staging vault and target key */
    path = s_drill_file("pst-pf-missing", "pst-prod", "pst-dr-nope", s_w.fs1,
                        ",\"staging_vault\":\"pst-staging-nope\",\"kms_key\":\"alias/pst-nope\"",
                        NULL);
    if (s_check(&k, path, true)) {
        CU_ASSERT_EQUAL(k.verdict, RUNNER_ERROR);
        s_expect(&k, "preflight dr vault", REPORT_ERROR, "dr vault 'pst-dr-nope' does not exist",
                 "docs/iam/dr-vault-policy.json", NULL);
        s_expect(&k, "preflight staging vault", REPORT_ERROR,
                 "staging vault 'pst-staging-nope' does not exist in " DR " (us-east-1)", NULL);
        s_expect(&k, "preflight target key", REPORT_ERROR,
                 "target.kms_key 'alias/pst-nope' does not exist in " DR " (us-west-2)", NULL);
        CU_ASSERT_PTR_NULL(s_case(&k, "preflight dr vault policy"));
    }
    s_checked_clean_up(&k);
    free(path);
}

/* Runs drh posture ARGS... in this process: its exit code. */
static int s_cli(int argc, const char **argv)
{
    fflush(stdout);
    return cli_posture_commands[0].run(argc, (char **)argv);
}

static void test_cli(void)
{
    CU_ASSERT_EQUAL(cli_posture_command_count, 1);
    CU_ASSERT_STRING_EQUAL(cli_posture_commands[0].name, "posture");
    CU_ASSERT_PTR_NOT_NULL(strstr(cli_posture_commands[0].usage, "example"));
    char *good = s_drill_file("pst-cli-good", "pst-prod", "pst-dr", s_w.fs1, NULL,
                              "{\"plan\":\"pst-plan-good\"}");
    char *bad = s_drill_file("pst-cli-short", "pst-prod", "pst-dr", s_w.fs1, NULL,
                             "{\"plan\":\"pst-plan-short\"}");
    char *junit = xasprintf("%s/pst-cli.xml", dbfixture_dir());
    unlink(junit);
    enum log_level level = log_get_level();
    log_set_level(LOG_ERROR); /* no progress lines */
    const char *ok[] = {"posture", "--junit", junit, good};
    CU_ASSERT_EQUAL(s_cli(4, ok), 0);
    char *xml = test_read_file(junit);
    CU_ASSERT_PTR_NOT_NULL(xml ? strstr(xml, "name=\"pst-cli-good/posture\"") : NULL);
    CU_ASSERT_PTR_NOT_NULL(xml ? strstr(xml, "name=\"posture dr vault policy\"") : NULL);
    free(xml);
    /* a failed check: exit 1, both drills' suites in the report */
    const char *fail[] = {"posture", good, bad, "--junit", junit};
    CU_ASSERT_EQUAL(s_cli(5, fail), 1);
    xml = test_read_file(junit);
    CU_ASSERT_PTR_NOT_NULL(xml ? strstr(xml, "name=\"pst-cli-short/posture\"") : NULL);
    CU_ASSERT_PTR_NOT_NULL(xml ? strstr(xml, "5 days") : NULL);
    free(xml);
    /* a bad drill file: exit 2 before any AWS call */
    char *broken = xasprintf("%s/pst-broken.json", dbfixture_dir());
    FILE *f = fopen(broken, "w");
    if (f) {
        fputs("{\"drill\": {\"name\": \"x\"},}\n", f);
        fclose(f);
    }
    const char *b[] = {"posture", good, broken};
    CU_ASSERT_EQUAL(s_cli(3, b), 2);
    const char *none[] = {"posture"};
    CU_ASSERT_EQUAL(s_cli(1, none), 2);
    const char *unknown[] = {"posture", "--jnuit", "x.xml", good};
    CU_ASSERT_EQUAL(s_cli(4, unknown), 2);
    const char *missing[] = {"posture", good, "--junit"};
    CU_ASSERT_EQUAL(s_cli(3, missing), 2);
    log_set_level(level);
    free(broken);
    free(junit);
    free(good);
    free(bad);
}

static const struct test_case cases[] = {
    {"seed 004's posture passes", test_all_pass},
    {"plan by selection, none, misnamed", test_plan_found_by_selection},
    {"short retention", test_short_retention},
    {"missing copy action", test_missing_copy_action},
    {"recovery point older than the RPO", test_old_recovery_point},
    {"dr vault policy denies", test_denied_vault_policy},
    {"kms key managed, shared, unshared", test_key_cases},
    {"preflight passes", test_preflight_pass},
    {"preflight failures", test_preflight_failures},
    {"preflight of a drill that needs nothing", test_preflight_needs_nothing},
    {"drh posture", test_cli},
};

TEST_SUITE_FULL("posture", cases, dbfixture_unavailable, s_init, s_cleanup)
