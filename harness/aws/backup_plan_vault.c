/*
 * AWS Backup vaults as posture and preflight read them, and the recovery
 * points of one resource: see backup_plan.h.
 */
#include "aws/backup_plan.h"
#include "aws/backup_plan_impl.h"

#include "aws/call.h"
#include "aws/creds.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

void backup_vault_clean_up(struct backup_vault *v)
{
    if (!v)
        return;
    free(v->name);
    free(v->arn);
    free(v->key_arn);
    memset(v, 0, sizeof *v);
}

/* A timestamp member: epoch seconds as the model says, or an ISO 8601
 * string (botocore's parser takes both). Absent or null: 0. */
enum drh_status backup_describe_vault(struct aws_client *c, const char *vault,
                                      struct backup_vault *out, struct drh_err *err)
{
    static const char op[] = "DescribeBackupVault";
    enum drh_status st = aws_need(vault, "backup", op, "vault name", err);
    if (st != DRH_OK)
        return st;
    char *path = bp_path("/backup-vaults/", vault, NULL, NULL, NULL);
    struct json *doc = NULL;
    st = bp_call(c, op, "GET", path, NULL, NULL, &doc, err);
    free(path);
    struct backup_vault v = {0};
    if (st == DRH_OK && !json_get_string(doc, "BackupVaultArn"))
        st =
            drh_err_set(err, DRH_E_PARSE, "backup %s: no BackupVaultArn for vault '%s'", op, vault);
    if (st == DRH_OK)
        st = backup_json_time(doc, "CreationDate", op, &v.created, err);
    if (st == DRH_OK) {
        v.name = xstrdup(json_get_string(doc, "BackupVaultName")
                             ? json_get_string(doc, "BackupVaultName")
                             : vault);
        v.arn = bp_dup(doc, "BackupVaultArn");
        v.key_arn = bp_dup(doc, "EncryptionKeyArn");
        if (!json_integer(json_get(doc, "NumberOfRecoveryPoints"), &v.n_recovery_points))
            v.n_recovery_points = 0;
        if (!json_bool(json_get(doc, "Locked"), &v.locked))
            v.locked = false;
        backup_vault_clean_up(out);
        *out = v;
    }
    json_free(doc);
    return st;
}

enum drh_status backup_get_vault_policy(struct aws_client *c, const char *vault, char **policy,
                                        struct drh_err *err)
{
    static const char op[] = "GetBackupVaultAccessPolicy";
    enum drh_status st = aws_need(vault, "backup", op, "vault name", err);
    if (st != DRH_OK)
        return st;
    char *path = bp_path("/backup-vaults/", vault, "/access-policy", NULL, NULL);
    struct json *doc = NULL;
    st = bp_call(c, op, "GET", path, NULL, NULL, &doc, err);
    free(path);
    if (st == DRH_OK) {
        const char *text = json_get_string(doc, "Policy");
        if (!text)
            st = drh_err_set(err, DRH_E_PARSE, "backup %s: no Policy for vault '%s'", op, vault);
        else
            *policy = xstrdup(text);
    }
    json_free(doc);
    return st;
}

enum drh_status backup_put_vault_policy(struct aws_client *c, const char *vault, const char *policy,
                                        struct drh_err *err)
{
    static const char op[] = "PutBackupVaultAccessPolicy";
    enum drh_status st = aws_need(vault, "backup", op, "vault name", err);
    if (st == DRH_OK)
        st = aws_need(policy, "backup", op, "policy", err);
    if (st != DRH_OK)
        return st;
    struct json *body = json_new_object();
    json_add_string(body, "Policy", policy);
    char *path = bp_path("/backup-vaults/", vault, "/access-policy", NULL, NULL);
    st = bp_call(c, op, "PUT", path, NULL, body, NULL, err);
    free(path);
    json_free(body);
    return st;
}

struct rp_ctx {
    struct bp_grow g;
    const char *resource_arn;
};

static enum drh_status s_rp_item(const struct json *e, const char *op, void *ctx,
                                 struct drh_err *err)
{
    struct rp_ctx *r = ctx;
    const char *arn = json_get_string(e, "RecoveryPointArn");
    if (!arn)
        return drh_err_set(err, DRH_E_PARSE, "backup %s: recovery point without RecoveryPointArn",
                           op);
    double created = 0;
    if (backup_json_time(e, "CreationDate", op, &created, err) != DRH_OK)
        return drh_err_prefix(err, "recovery point '%s'", arn);
    struct backup_recovery_point *rp = bp_grow(&r->g);
    rp->arn = xstrdup(arn);
    rp->created = created;
    rp->resource_arn = xstrdup(r->resource_arn);
    rp->vault_name = bp_dup(e, "BackupVaultName");
    rp->status = bp_dup(e, "Status");
    rp->encryption_key_arn = bp_dup(e, "EncryptionKeyArn");
    if (!json_integer(json_get(e, "BackupSizeBytes"), &rp->size))
        rp->size = 0;
    return DRH_OK;
}

enum drh_status backup_list_recovery_points_by_resource(struct aws_client *c,
                                                        const char *resource_arn,
                                                        struct backup_recovery_point **out,
                                                        size_t *n, struct drh_err *err)
{
    static const char op[] = "ListRecoveryPointsByResource";
    enum drh_status st = aws_need(resource_arn, "backup", op, "resource ARN", err);
    if (st != DRH_OK)
        return st;
    char *path = bp_path("/resources/", resource_arn, "/recovery-points/", NULL, NULL);
    struct rp_ctx r = {{NULL, 0, 0, sizeof(struct backup_recovery_point)}, resource_arn};
    st = bp_pages(c, op, path, "RecoveryPoints", s_rp_item, &r, err);
    free(path);
    if (st != DRH_OK) {
        backup_recovery_points_free(r.g.v, r.g.n);
        return st;
    }
    *out = r.g.v;
    *n = r.g.n;
    return DRH_OK;
}
