/* Tests of iam-policy's tables (harness/iam/iam_tables.c) against AWS's
 * own models and drh's sources: every operation a table names exists in
 * botocore's model of its service, every action has an IAM prefix drh
 * uses, and every operation the service modules (harness/aws/) can send is
 * in some table, so a new AWS call cannot be added without its permission.
 * Inactive where botocore's models are not installed. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "iam/iam_policy.h"
#include "json.h"
#include "mem.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOTOCORE "/usr/lib/python3/dist-packages/botocore/data"

/* signing name in an op -> botocore's folder, and the files of harness/aws/
 * (by name prefix) that send its operations */
static const struct {
    const char *service, *folder, *files;
} s_services[] = {
    {"sts", "sts", "sts."}, {"backup", "backup", "backup"},      {"rds", "rds", "rds"},
    {"ec2", "ec2", "ec2"},  {"elasticfilesystem", "efs", "efs"}, {"s3", "s3", "s3."},
    {"kms", "kms", "kms"},
};
#define N_SERVICES (sizeof s_services / sizeof s_services[0])

/* Operations the modules can send that no drill sends. */
static const char *const s_not_drill_calls[] = {
    /* credentials: the role's trust policy and the caller's own permission
     * decide these, not the policy of the role being assumed */
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    /* backup_plan.h: "for tests and fixtures; drh's checks only read" */
    "backup:CreateBackupPlan",
    "backup:DeleteBackupPlan",
    "backup:CreateBackupSelection",
    "backup:DeleteBackupSelection",
    "backup:PutBackupVaultAccessPolicy",
};

static struct json *s_models[N_SERVICES];

static const char *s_skip(void)
{
    DIR *d = opendir(BOTOCORE "/backup");
    if (!d)
        return "botocore's service models are not installed (python3-botocore)";
    closedir(d);
    return NULL;
}

/* The operations object of the newest model version of service i. */
static const struct json *s_ops(size_t i)
{
    if (s_models[i])
        return json_get(s_models[i], "operations");
    char *dir = xasprintf(BOTOCORE "/%s", s_services[i].folder);
    DIR *d = opendir(dir);
    char newest[256] = ""; /* model versions are dates: the greatest name is the newest */
    for (struct dirent *e; d && (e = readdir(d));)
        if (e->d_name[0] != '.' && strcmp(e->d_name, newest) > 0)
            snprintf(newest, sizeof newest, "%.*s", (int)sizeof newest - 1, e->d_name);
    if (d)
        closedir(d);
    char *path = xasprintf("%s/%s/service-2.json", dir, newest);
    char *text = test_read_file(path);
    struct drh_err err;
    if (!text || json_parse(text, strlen(text), &s_models[i], &err) != DRH_OK)
        TEST_FAILF("cannot read %s", path);
    free(text);
    free(path);
    free(dir);
    return json_get(s_models[i], "operations");
}

static int s_cleanup(void)
{
    for (size_t i = 0; i < N_SERVICES; i++) {
        json_free(s_models[i]);
        s_models[i] = NULL;
    }
    return 0;
}

static bool s_in_tables(const char *op)
{
    size_t nf = 0;
    const struct iam_feature *f = iam_features(&nf);
    for (size_t i = 0; i < nf; i++)
        for (size_t k = 0; k < f[i].n_grants; k++)
            if (strcmp(f[i].grants[k].op, op) == 0)
                return true;
    return false;
}

static void test_ops_and_actions_exist(void)
{
    static const char *const prefixes[] = {
        "sts:", "backup:", "rds:", "ec2:", "elasticfilesystem:", "s3:", "kms:", "iam:"};
    size_t nf = 0;
    const struct iam_feature *f = iam_features(&nf);
    CU_ASSERT(nf > 30);
    for (size_t i = 0; i < nf; i++) {
        CU_ASSERT_PTR_EQUAL(iam_feature(f[i].name), &f[i]);
        CU_ASSERT(f[i].n_grants > 0);
        for (size_t k = 0; k < f[i].n_grants; k++) {
            const struct iam_grant *g = &f[i].grants[k];
            const char *colon = strchr(g->op, ':');
            size_t s = 0;
            while (colon && s < N_SERVICES &&
                   (strlen(s_services[s].service) != (size_t)(colon - g->op) ||
                    strncmp(s_services[s].service, g->op, (size_t)(colon - g->op)) != 0))
                s++;
            if (!colon || s == N_SERVICES) {
                TEST_FAILF("%s: op '%s' is not service:Operation of a service drh calls", f[i].name,
                           g->op);
                continue;
            }
            if (!json_get(s_ops(s), colon + 1))
                TEST_FAILF("%s: %s is no operation of botocore's %s model", f[i].name, g->op,
                           s_services[s].folder);
            bool known = false;
            for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++)
                known = known || (strncmp(g->action, prefixes[p], strlen(prefixes[p])) == 0 &&
                                  g->action[strlen(prefixes[p])] >= 'A' &&
                                  g->action[strlen(prefixes[p])] <= 'Z');
            if (!known)
                TEST_FAILF("%s: action '%s' has no IAM prefix drh uses", f[i].name, g->action);
        }
    }
}

/* The string literals of a C file that are operations of ops. */
static void s_scan(const char *path, const struct json *ops, const char *service, size_t *found)
{
    char *text = test_read_file(path);
    if (!text) {
        TEST_FAILF("cannot read %s", path);
        return;
    }
    for (char *p = strchr(text, '"'); p; p = strchr(p, '"')) {
        char *end = strchr(p + 1, '"');
        if (!end)
            break;
        *end = '\0';
        if (p[1] >= 'A' && p[1] <= 'Z' && json_get(ops, p + 1)) {
            char *op = xasprintf("%s:%s", service, p + 1);
            bool excluded = false;
            for (size_t i = 0; i < sizeof s_not_drill_calls / sizeof s_not_drill_calls[0]; i++)
                excluded = excluded || strcmp(op, s_not_drill_calls[i]) == 0;
            if (!excluded && !s_in_tables(op))
                TEST_FAILF("%s sends %s, which no table of harness/iam/iam_tables.c grants", path,
                           op);
            (*found)++;
            free(op);
        }
        p = end + 1;
    }
    free(text);
}

static void test_every_call_has_a_grant(void)
{
    size_t found = 0;
    for (size_t s = 0; s < N_SERVICES; s++) {
        DIR *d = opendir("harness/aws");
        CU_ASSERT_PTR_NOT_NULL_FATAL(d);
        const struct json *ops = s_ops(s);
        for (struct dirent *e; (e = readdir(d));) {
            size_t len = strlen(e->d_name);
            if (strncmp(e->d_name, s_services[s].files, strlen(s_services[s].files)) != 0 ||
                len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
                continue;
            char *path = xasprintf("harness/aws/%s", e->d_name);
            s_scan(path, ops, s_services[s].service, &found);
            free(path);
        }
        closedir(d);
    }
    /* the scan sees the calls: dozens of them */
    CU_ASSERT(found > 60);
}

static const struct test_case cases[] = {
    {"every op exists in botocore's models, every action has a known prefix",
     test_ops_and_actions_exist},
    {"every operation harness/aws/ sends has a grant", test_every_call_has_a_grant},
};
TEST_SUITE_FULL("iam-tables", cases, s_skip, NULL, s_cleanup)
