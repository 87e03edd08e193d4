/*
 * The checks posture and preflight share (posture.h): whether the DR
 * vault's access policy lets the source account copy into it, whether the
 * source vault's KMS key is shared with the target account, how a finding
 * becomes a case, and the production resources as AWS Backup names them.
 */
#include "check/posture.h"

#include "aws/backup_plan.h"
#include "aws/endpoint.h"
#include "aws/kms.h"
#include "check/policy.h"
#include "mem.h"
#include "run/progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void posture_set(struct posture_finding *f, enum report_status status, const char *fmt, ...)
{
    f->status = status;
    f->hint[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
}

void posture_hint(struct posture_finding *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->hint, sizeof f->hint, fmt, ap);
    va_end(ap);
}

void posture_error(struct posture_finding *f, const struct drh_err *err)
{
    posture_set(f, REPORT_ERROR, "%s", err->msg);
    posture_hint(f, "%s", err->hint);
}

struct json *posture_case(struct check_ctx *c, struct json *list, const char *name, double t0,
                          const struct posture_finding *f)
{
    double seconds = progress_elapsed() - t0;
    bool hinted = f->status != REPORT_PASS && f->status != REPORT_SKIPPED && f->hint[0];
    if (hinted)
        check_case(c, name, f->status, seconds, "%s (hint: %s)", f->message, f->hint);
    else
        check_case(c, name, f->status, seconds, "%s", f->message);
    if (!list)
        return NULL;
    struct json *o = json_new_object();
    json_add_string(o, "case", name);
    json_add_string(o, "status", report_status_name(f->status));
    json_add_string(o, "message", f->message);
    if (hinted)
        json_add_string(o, "hint", f->hint);
    return json_push(list, o);
}

#define S_VAULT_POLICY_HINT                                                                        \
    "put a vault access policy like docs/iam/dr-vault-policy.json, with %s as the source "         \
    "account: aws backup put-backup-vault-access-policy --backup-vault-name %s --policy "          \
    "file://dr-vault-policy.json (in account %s, %s)"

void posture_vault_policy(struct side *dest, const char *region, const char *vault,
                          const char *from_account, const char *from_role,
                          struct posture_finding *f)
{
    const struct drill_side *ds = side_def(dest);
    struct drh_err err;
    drh_err_clear(&err);
    struct aws_client *c = NULL;
    struct backup_vault v = {0};
    char *text = NULL;
    enum drh_status st = side_client(dest, region, &c, &err);
    if (st == DRH_OK)
        st = backup_describe_vault(c, vault, &v, &err);
    if (st == DRH_E_NOTFOUND) {
        posture_set(f, REPORT_FAIL, "vault '%s' does not exist in %s (%s)", vault, ds->account,
                    region);
        posture_hint(f, "create it, or name the right vault in the drill");
        goto done;
    }
    if (st == DRH_OK)
        st = backup_get_vault_policy(c, vault, &text, &err);
    if (st == DRH_E_NOTFOUND) {
        posture_set(f, REPORT_FAIL,
                    "vault '%s' in %s does not allow backup:CopyIntoBackupVault from %s: it has no "
                    "access policy",
                    vault, ds->account, from_account);
        posture_hint(f, S_VAULT_POLICY_HINT, from_account, vault, ds->account, region);
        goto done;
    }
    if (st != DRH_OK) {
        posture_error(f, &err);
        goto done;
    }
    struct policy_request req = {from_account, from_role, "backup:CopyIntoBackupVault", v.arn};
    struct policy_verdict pv;
    if (policy_evaluate(text, &req, &pv, &err) != DRH_OK) {
        drh_err_prefix(&err, "access policy of vault '%s' in %s", vault, ds->account);
        posture_error(f, &err);
    } else if (policy_allows(pv.result)) {
        posture_set(f, REPORT_PASS,
                    "vault '%s' in %s (%s) allows backup:CopyIntoBackupVault from %s: %s", vault,
                    ds->account, region, from_account, pv.reason);
    } else {
        posture_set(f, REPORT_FAIL, "vault '%s' in %s %s backup:CopyIntoBackupVault from %s: %s",
                    vault, ds->account,
                    pv.result == POLICY_CONDITIONAL ? "is not proven to allow" : "does not allow",
                    from_account, pv.reason);
        posture_hint(f, S_VAULT_POLICY_HINT, from_account, vault, ds->account, region);
    }
done:
    free(text);
    backup_vault_clean_up(&v);
}

/* The grant that lets account decrypt with the key, or NULL. */
static const struct kms_grant *s_grant_for(const struct kms_grant *g, size_t n, const char *account)
{
    for (size_t i = 0; i < n; i++) {
        char acct[16] = "";
        const char *who = g[i].grantee ? g[i].grantee : "";
        if (strcmp(who, account) != 0 &&
            !(policy_arn_field(who, 4, acct, sizeof acct) && strcmp(acct, account) == 0))
            continue;
        for (size_t j = 0; j < g[i].n_operations; j++)
            if (strcmp(g[i].operations[j], "Decrypt") == 0)
                return &g[i];
    }
    return NULL;
}

/* Why account may (or may not) use the key, read from the source side: the key policy's
 * verdict for kms:Decrypt and any grant. Never fails: what cannot be read is said. */
static void s_key_reason(struct aws_client *c, const char *key_arn, const char *account, char *out,
                         size_t size)
{
    struct drh_err err;
    drh_err_clear(&err);
    char *text = NULL;
    struct kms_grant *g = NULL;
    size_t n = 0;
    struct policy_verdict pv;
    struct policy_request req = {account, NULL, "kms:Decrypt", NULL};
    if (kms_get_key_policy(c, key_arn, &text, NULL, &err) != DRH_OK ||
        policy_evaluate(text, &req, &pv, &err) != DRH_OK)
        snprintf(pv.reason, sizeof pv.reason, "key policy not read: %.400s", err.msg);
    const struct kms_grant *grant = NULL;
    if (kms_list_grants(c, key_arn, &g, &n, NULL, &err) == DRH_OK)
        grant = s_grant_for(g, n, account);
    snprintf(out, size, "key policy: %s%s%s", pv.reason, grant ? "; grant " : "",
             grant && grant->id ? grant->id : "");
    if (grant)
        snprintf(out + strlen(out), size - strlen(out), " lets %s decrypt", account);
    kms_grants_free(g, n);
    free(text);
}

void posture_vault_key(struct side *src, const char *vault, struct side *tgt,
                       struct posture_finding *f)
{
    const struct drill_side *sd = side_def(src), *td = side_def(tgt);
    struct drh_err err;
    drh_err_clear(&err);
    struct aws_client *sc = NULL, *kc = NULL, *tc = NULL;
    struct backup_vault v = {0};
    struct kms_key k = {0}, seen = {0};
    char region[32] = "", reason[700] = "";
    bool denied = false;
    enum drh_status st = side_client(src, NULL, &sc, &err);
    if (st == DRH_OK)
        st = backup_describe_vault(sc, vault, &v, &err);
    if (st == DRH_E_NOTFOUND) {
        posture_set(f, REPORT_FAIL, "source vault '%s' does not exist in %s (%s)", vault,
                    sd->account, sd->region);
        posture_hint(f, "check source.vault");
        goto done;
    }
    if (st != DRH_OK)
        goto error;
    if (!v.key_arn || !policy_arn_field(v.key_arn, 3, region, sizeof region)) {
        posture_set(f, REPORT_ERROR, "vault '%s' in %s: no usable EncryptionKeyArn (%s)", vault,
                    sd->account, v.key_arn ? v.key_arn : "none");
        goto done;
    }
    if ((st = side_client(src, region, &kc, &err)) != DRH_OK ||
        (st = kms_describe_key(kc, v.key_arn, &k, NULL, &err)) != DRH_OK)
        goto error;
    if (k.manager && strcmp(k.manager, "AWS") == 0) {
        posture_set(f, REPORT_FAIL,
                    "vault '%s' in %s is encrypted with the AWS managed key %s, which cannot be "
                    "shared with %s",
                    vault, sd->account, k.arn, td->account);
        posture_hint(f,
                     "copy into a new vault encrypted with a customer managed key whose key "
                     "policy allows account %s kms:Decrypt, kms:DescribeKey and "
                     "kms:CreateGrant",
                     td->account);
        goto done;
    }
    s_key_reason(kc, k.arn, td->account, reason, sizeof reason);
    if ((st = side_client(tgt, region, &tc, &err)) != DRH_OK)
        goto error;
    st = kms_describe_key(tc, k.arn, &seen, &denied, &err);
    if (st == DRH_OK && seen.enabled) {
        posture_set(f, REPORT_PASS,
                    "key %s of vault '%s' is customer managed and usable by %s (DescribeKey "
                    "from %s succeeds; %s)",
                    k.arn, vault, td->account, td->account, reason);
    } else if (st == DRH_OK) {
        posture_set(f, REPORT_FAIL, "key %s of vault '%s' is %s, so %s cannot use it", k.arn, vault,
                    seen.state ? seen.state : "disabled", td->account);
        posture_hint(f, "enable the key, or copy into a vault whose key is enabled");
    } else if (denied || st == DRH_E_NOTFOUND) {
        posture_set(f, REPORT_FAIL,
                    "key %s of vault '%s' is not shared with %s (DescribeKey from "
                    "%s is %s; %s)",
                    k.arn, vault, td->account, td->account, denied ? "denied" : "not found",
                    reason);
        posture_hint(f,
                     "allow account %s kms:Decrypt, kms:DescribeKey and kms:CreateGrant in "
                     "the key policy, or: aws kms create-grant --key-id %s "
                     "--grantee-principal arn:aws:iam::%s:root --operations Decrypt "
                     "DescribeKey CreateGrant",
                     td->account, k.arn, td->account);
    } else {
        goto error;
    }
    goto done;
error:
    posture_error(f, &err);
done:
    kms_key_clean_up(&seen);
    kms_key_clean_up(&k);
    backup_vault_clean_up(&v);
}

bool posture_backed_up(const struct drill_resource *r)
{
    return r->path == DRILL_PATH_BACKUP && (r->type == DRILL_RDS || r->type == DRILL_AURORA ||
                                            r->type == DRILL_EFS || r->type == DRILL_EC2);
}

char *posture_resource_arn(const struct drill *d, const struct drill_resource *r)
{
    const char *kind;
    switch (r->type) {
    case DRILL_RDS:
        kind = "db:";
        break;
    case DRILL_AURORA:
        kind = "cluster:";
        break;
    case DRILL_EFS:
        kind = "file-system/";
        break;
    case DRILL_EC2:
        kind = "instance/";
        break;
    default:
        return NULL;
    }
    if (strncmp(r->source, "arn:", 4) == 0)
        return xstrdup(r->source);
    static const char *const services[] = {[DRILL_RDS] = "rds",
                                           [DRILL_AURORA] = "rds",
                                           [DRILL_EFS] = "elasticfilesystem",
                                           [DRILL_EC2] = "ec2"};
    char *resource = xasprintf("%s%s", kind, r->source);
    char *arn =
        aws_arn(d->source.region, services[r->type], d->source.region, d->source.account, resource);
    free(resource);
    return arn;
}
