/*
 * AWS Backup plans and selections: see backup_plan.h (the vault and
 * recovery point calls are in backup_plan_vault.c). Requests and responses
 * follow botocore's backup/2018-11-15 model (rest-json): path labels are
 * percent-encoded as one segment each (an ARN's ':' and '/' included),
 * list tokens go in the query as nextToken, timestamps are epoch seconds.
 */
#include "aws/backup_plan.h"
#include "aws/backup_plan_impl.h"

#include "aws/call.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

static void s_strings_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void s_rule_clean_up(struct backup_rule *r)
{
    free(r->name);
    free(r->id);
    free(r->vault);
    free(r->schedule);
    for (size_t i = 0; i < r->n_copies; i++)
        free(r->copies[i].dest_vault_arn);
    free(r->copies);
    memset(r, 0, sizeof *r);
}

void backup_plan_clean_up(struct backup_plan *p)
{
    if (!p)
        return;
    free(p->id);
    free(p->arn);
    free(p->name);
    free(p->version);
    for (size_t i = 0; i < p->n_rules; i++)
        s_rule_clean_up(&p->rules[i]);
    free(p->rules);
    memset(p, 0, sizeof *p);
}

void backup_plans_free(struct backup_plan *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        backup_plan_clean_up(&v[i]);
    free(v);
}

void backup_selection_clean_up(struct backup_selection *s)
{
    if (!s)
        return;
    free(s->id);
    free(s->name);
    free(s->iam_role);
    s_strings_free(s->resources, s->n_resources);
    s_strings_free(s->not_resources, s->n_not_resources);
    memset(s, 0, sizeof *s);
}

void backup_selections_free(struct backup_selection *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        backup_selection_clean_up(&v[i]);
    free(v);
}

static enum drh_status s_plan_item(const struct json *e, const char *op, void *ctx,
                                   struct drh_err *err)
{
    const char *id = json_get_string(e, "BackupPlanId");
    if (!id)
        return drh_err_set(err, DRH_E_PARSE, "backup %s: a plan without BackupPlanId", op);
    struct backup_plan *p = bp_grow(ctx);
    p->id = xstrdup(id);
    p->arn = bp_dup(e, "BackupPlanArn");
    p->name = bp_dup(e, "BackupPlanName");
    p->version = bp_dup(e, "VersionId");
    return DRH_OK;
}

enum drh_status backup_list_plans(struct aws_client *c, struct backup_plan **out, size_t *n,
                                  struct drh_err *err)
{
    struct bp_grow g = {NULL, 0, 0, sizeof(struct backup_plan)};
    enum drh_status st =
        bp_pages(c, "ListBackupPlans", "/backup/plans/", "BackupPlansList", s_plan_item, &g, err);
    if (st != DRH_OK) {
        backup_plans_free(g.v, g.n);
        return st;
    }
    *out = g.v;
    *n = g.n;
    return DRH_OK;
}

static enum drh_status s_rule(const struct json *o, struct backup_rule *r, struct drh_err *err)
{
    const char *name = json_get_string(o, "RuleName");
    if (!name)
        return drh_err_set(err, DRH_E_PARSE, "backup GetBackupPlan: a rule without RuleName");
    r->name = xstrdup(name);
    r->id = bp_dup(o, "RuleId");
    r->vault = bp_dup(o, "TargetBackupVaultName");
    r->schedule = bp_dup(o, "ScheduleExpression");
    r->delete_after_days = bp_long(json_get(o, "Lifecycle"), "DeleteAfterDays");
    r->cold_after_days = bp_long(json_get(o, "Lifecycle"), "MoveToColdStorageAfterDays");
    if (!json_bool(json_get(o, "EnableContinuousBackup"), &r->continuous))
        r->continuous = false;
    const struct json *copies = json_get(o, "CopyActions");
    r->copies = xcalloc(json_array_size(copies) + 1, sizeof *r->copies);
    for (const struct json *ca = json_first(copies); ca; ca = json_next(ca)) {
        const char *dest = json_get_string(ca, "DestinationBackupVaultArn");
        if (!dest)
            return drh_err_set(err, DRH_E_PARSE,
                               "backup GetBackupPlan: rule '%s' has a copy action without "
                               "DestinationBackupVaultArn",
                               name);
        struct backup_copy_action *a = &r->copies[r->n_copies++];
        a->dest_vault_arn = xstrdup(dest);
        a->delete_after_days = bp_long(json_get(ca, "Lifecycle"), "DeleteAfterDays");
    }
    return DRH_OK;
}

enum drh_status backup_get_plan(struct aws_client *c, const char *plan_id, struct backup_plan *out,
                                struct drh_err *err)
{
    static const char op[] = "GetBackupPlan";
    enum drh_status st = aws_need(plan_id, "backup", op, "plan id", err);
    if (st != DRH_OK)
        return st;
    char *path = bp_path("/backup/plans/", plan_id, "/", NULL, NULL);
    struct json *doc = NULL;
    st = bp_call(c, op, "GET", path, NULL, NULL, &doc, err);
    free(path);
    if (st != DRH_OK)
        return st;
    struct backup_plan p = {0};
    const struct json *plan = json_get(doc, "BackupPlan");
    const struct json *rules = json_get(plan, "Rules");
    if (!json_is_object(plan) || (rules && !json_is_array(rules))) {
        json_free(doc);
        return drh_err_set(err, DRH_E_PARSE, "backup %s: no BackupPlan with Rules for plan '%s'",
                           op, plan_id);
    }
    p.id = xstrdup(json_get_string(doc, "BackupPlanId") ? json_get_string(doc, "BackupPlanId")
                                                        : plan_id);
    p.arn = bp_dup(doc, "BackupPlanArn");
    p.name = bp_dup(plan, "BackupPlanName");
    p.version = bp_dup(doc, "VersionId");
    p.rules = xcalloc(json_array_size(rules) + 1, sizeof *p.rules);
    for (const struct json *r = json_first(rules); r && st == DRH_OK; r = json_next(r))
        st = s_rule(r, &p.rules[p.n_rules++], err);
    json_free(doc);
    if (st != DRH_OK) {
        backup_plan_clean_up(&p);
        return drh_err_prefix(err, "plan '%s'", plan_id);
    }
    backup_plan_clean_up(out);
    *out = p;
    return DRH_OK;
}

/* A copy of a document root (builders take ownership of what they add). */
static struct json *s_copy(const struct json *j)
{
    char *text = json_print(j, 0);
    struct json *copy = NULL;
    struct drh_err err;
    if (json_parse(text, strlen(text), &copy, &err) != DRH_OK)
        copy = NULL;
    free(text);
    return copy;
}

/* The string member key of a create response, copied to *out. */
static enum drh_status s_created_id(const struct json *doc, const char *op, const char *key,
                                    char **out, struct drh_err *err)
{
    const char *id = json_get_string(doc, key);
    if (!id || !*id)
        return drh_err_set(err, DRH_E_PARSE, "backup %s: response has no %s", op, key);
    *out = xstrdup(id);
    return DRH_OK;
}

enum drh_status backup_create_plan(struct aws_client *c, const struct json *plan, char **plan_id,
                                   struct drh_err *err)
{
    static const char op[] = "CreateBackupPlan";
    if (!json_is_object(plan))
        return drh_err_set(err, DRH_E_INPUT, "backup %s: no plan given", op);
    struct json *body = json_new_object();
    json_add_child(body, "BackupPlan", s_copy(plan));
    struct json *doc = NULL;
    enum drh_status st = bp_call(c, op, "PUT", "/backup/plans/", NULL, body, &doc, err);
    if (st == DRH_OK)
        st = s_created_id(doc, op, "BackupPlanId", plan_id, err);
    json_free(doc);
    json_free(body);
    return st;
}

enum drh_status backup_delete_plan(struct aws_client *c, const char *plan_id, struct drh_err *err)
{
    static const char op[] = "DeleteBackupPlan";
    enum drh_status st = aws_need(plan_id, "backup", op, "plan id", err);
    if (st != DRH_OK)
        return st;
    char *path = bp_path("/backup/plans/", plan_id, NULL, NULL, NULL);
    st = bp_call(c, op, "DELETE", path, NULL, NULL, NULL, err);
    free(path);
    return st;
}

static enum drh_status s_selection_item(const struct json *e, const char *op, void *ctx,
                                        struct drh_err *err)
{
    const char *id = json_get_string(e, "SelectionId");
    if (!id)
        return drh_err_set(err, DRH_E_PARSE, "backup %s: a selection without SelectionId", op);
    struct backup_selection *s = bp_grow(ctx);
    s->id = xstrdup(id);
    s->name = bp_dup(e, "SelectionName");
    s->iam_role = bp_dup(e, "IamRoleArn");
    return DRH_OK;
}

enum drh_status backup_list_selections(struct aws_client *c, const char *plan_id,
                                       struct backup_selection **out, size_t *n,
                                       struct drh_err *err)
{
    static const char op[] = "ListBackupSelections";
    enum drh_status st = aws_need(plan_id, "backup", op, "plan id", err);
    if (st != DRH_OK)
        return st;
    char *path = bp_path("/backup/plans/", plan_id, "/selections/", NULL, NULL);
    struct bp_grow g = {NULL, 0, 0, sizeof(struct backup_selection)};
    st = bp_pages(c, op, path, "BackupSelectionsList", s_selection_item, &g, err);
    free(path);
    if (st != DRH_OK) {
        backup_selections_free(g.v, g.n);
        return st;
    }
    *out = g.v;
    *n = g.n;
    return DRH_OK;
}

/* The strings of a list member (Resources, NotResources). */
static char **s_strings(const struct json *list, size_t *n)
{
    char **v = xcalloc(json_array_size(list) + 1, sizeof *v);
    *n = 0;
    for (const struct json *e = json_first(list); e; e = json_next(e))
        if (json_is_string(e))
            v[(*n)++] = xstrdup(json_string(e));
    return v;
}

enum drh_status backup_get_selection(struct aws_client *c, const char *plan_id,
                                     const char *selection_id, struct backup_selection *out,
                                     struct drh_err *err)
{
    static const char op[] = "GetBackupSelection";
    enum drh_status st = aws_need(plan_id, "backup", op, "plan id", err);
    if (st == DRH_OK)
        st = aws_need(selection_id, "backup", op, "selection id", err);
    if (st != DRH_OK)
        return st;
    char *path = bp_path("/backup/plans/", plan_id, "/selections/", selection_id, NULL);
    struct json *doc = NULL;
    st = bp_call(c, op, "GET", path, NULL, NULL, &doc, err);
    free(path);
    if (st != DRH_OK)
        return st;
    const struct json *sel = json_get(doc, "BackupSelection");
    if (!json_is_object(sel)) {
        json_free(doc);
        return drh_err_set(err, DRH_E_PARSE, "backup %s: no BackupSelection for '%s'", op,
                           selection_id);
    }
    struct backup_selection s = {0};
    s.id = xstrdup(selection_id);
    s.name = bp_dup(sel, "SelectionName");
    s.iam_role = bp_dup(sel, "IamRoleArn");
    s.resources = s_strings(json_get(sel, "Resources"), &s.n_resources);
    s.not_resources = s_strings(json_get(sel, "NotResources"), &s.n_not_resources);
    const struct json *cond = json_get(sel, "Conditions");
    s.by_tags = json_array_size(json_get(sel, "ListOfTags")) > 0;
    for (const struct json *m = json_first(cond); m && !s.by_tags; m = json_next(m))
        s.by_tags = json_array_size(m) > 0;
    json_free(doc);
    backup_selection_clean_up(out);
    *out = s;
    return DRH_OK;
}

enum drh_status backup_create_selection(struct aws_client *c, const char *plan_id, const char *name,
                                        const char *iam_role, const char *const *resources,
                                        size_t n, char **selection_id, struct drh_err *err)
{
    static const char op[] = "CreateBackupSelection";
    enum drh_status st = aws_need(plan_id, "backup", op, "plan id", err);
    if (st == DRH_OK)
        st = aws_need(name, "backup", op, "selection name", err);
    if (st == DRH_OK)
        st = aws_need(iam_role, "backup", op, "IAM role ARN", err);
    if (st != DRH_OK)
        return st;
    struct json *sel = json_new_object();
    json_add_string(sel, "SelectionName", name);
    json_add_string(sel, "IamRoleArn", iam_role);
    struct json *list = json_add_child(sel, "Resources", json_new_array());
    for (size_t i = 0; i < n; i++)
        json_push_string(list, resources[i]);
    struct json *body = json_new_object();
    json_add_child(body, "BackupSelection", sel);
    char *path = bp_path("/backup/plans/", plan_id, "/selections/", NULL, NULL);
    struct json *doc = NULL;
    st = bp_call(c, op, "PUT", path, NULL, body, &doc, err);
    if (st == DRH_OK)
        st = s_created_id(doc, op, "SelectionId", selection_id, err);
    json_free(doc);
    free(path);
    json_free(body);
    return st;
}

enum drh_status backup_delete_selection(struct aws_client *c, const char *plan_id,
                                        const char *selection_id, struct drh_err *err)
{
    static const char op[] = "DeleteBackupSelection";
    enum drh_status st = aws_need(plan_id, "backup", op, "plan id", err);
    if (st == DRH_OK)
        st = aws_need(selection_id, "backup", op, "selection id", err);
    if (st != DRH_OK)
        return st;
    char *path = bp_path("/backup/plans/", plan_id, "/selections/", selection_id, NULL);
    st = bp_call(c, op, "DELETE", path, NULL, NULL, NULL, err);
    free(path);
    return st;
}
