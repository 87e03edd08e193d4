/*
 * A drill's IAM policies (iam_policy.h): which feature tables a drill uses,
 * bound to the side, Region, vault or bucket they act on, folded into
 * statements. The choice of tables follows the pipelines: rds_drill.c,
 * efs_drill.c, ec2_drill.c, s3_drill.c, backup_path.c and teardown.c.
 */
#include "iam/iam_policy.h"
#include "iam/iam_impl.h"

#include "aws/backup.h"
#include "aws/endpoint.h"
#include "aws/s3.h"
#include "mem.h"
#include "s3/s3_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct iam_build {
    const struct drill *d;
    struct iam_rules side[2]; /* source, target */
    /* vaults a copy into another account lands in: "region\naccount\nvault" */
    char **vaults;
    size_t n_vaults;
};

enum { SRC, TGT };

/* Binds feature name to side s (its account, partition and backup role) in
 * region, with vault and bucket for the grants scoped to them. */
static void s_use(struct iam_build *b, int s, const char *name, const char *region,
                  const char *vault, const char *bucket)
{
    const struct iam_feature *f = iam_feature(name);
    if (!f) { /* a name of this file that iam_tables.c lacks: a bug every suite would hit */
        fprintf(stderr, "drh: internal error: no IAM feature table '%s'\n", name);
        abort();
    }
    const struct drill_side *ds = s == SRC ? &b->d->source : &b->d->target;
    const struct aws_partition *p = aws_partition_of(region);
    for (size_t i = 0; p && i < f->n_grants; i++)
        iam_rules_add(&b->side[s], &f->grants[i], ds, p, region, vault, bucket);
}

static void s_vault(struct iam_build *b, const char *region, const char *account, const char *vault)
{
    char *key = xasprintf("%s\n%s\n%s", region, account, vault);
    for (size_t i = 0; i < b->n_vaults; i++)
        if (strcmp(b->vaults[i], key) == 0) {
            free(key);
            return;
        }
    b->vaults = xrealloc(b->vaults, (b->n_vaults + 1) * sizeof *b->vaults);
    b->vaults[b->n_vaults++] = key;
}

/* AWS Backup recovery points (backup_path.c): select, copy jobs (two hops
 * through the staging vault for RDS and Aurora changing account and Region),
 * restore job (not for EC2, which launches the AMI). */
static void s_backup_path(struct iam_build *b, const struct drill_resource *r, bool rds,
                          bool restore_job)
{
    const struct drill_side *src = &b->d->source, *tgt = &b->d->target;
    bool dr = r->select == DRILL_SELECT_DR_VAULT;
    s_use(b, dr ? TGT : SRC, "select-vault", dr ? tgt->region : src->region,
          dr ? tgt->vault : src->vault, NULL);
    bool other_account = strcmp(src->account, tgt->account) != 0;
    bool other_region = strcmp(src->region, tgt->region) != 0;
    if (r->copy && r->type != DRILL_EC2) {
        s_use(b, SRC, "copy-job", src->region, NULL, NULL);
        if (rds && other_account && other_region && tgt->staging_vault) {
            s_use(b, TGT, "copy-job", src->region, NULL, NULL);
            s_use(b, TGT, "copy-made", src->region, NULL, NULL);
            s_vault(b, src->region, tgt->account, tgt->staging_vault);
        } else if (other_account && tgt->vault) {
            s_vault(b, tgt->region, tgt->account, tgt->vault);
        }
        s_use(b, TGT, "copy-made", tgt->region, NULL, NULL);
    }
    if (restore_job)
        s_use(b, TGT, "restore-job", tgt->region, NULL, NULL);
}

static void s_database(struct iam_build *b, const struct drill_resource *r)
{
    const struct drill_side *src = &b->d->source, *tgt = &b->d->target;
    bool cluster = r->type == DRILL_AURORA;
    const char *kind = cluster ? "aurora" : "rds";
    char name[64];
    if (r->path == DRILL_PATH_BACKUP) {
        s_backup_path(b, r, true, true);
    } else if (r->path == DRILL_PATH_SNAPSHOT) {
        snprintf(name, sizeof name, "%s-snapshot-select", kind);
        s_use(b, TGT, name, src->region, NULL, NULL);
        snprintf(name, sizeof name, "%s-snapshot-copy", kind);
        if (r->copy) {
            s_use(b, TGT, name, src->region, NULL, NULL);
            if (strcmp(src->region, tgt->region) != 0)
                s_use(b, TGT, name, tgt->region, NULL, NULL);
        }
        snprintf(name, sizeof name, "%s-snapshot-restore", kind);
        s_use(b, TGT, name, tgt->region, NULL, NULL);
    } else if (r->path == DRILL_PATH_PITR) {
        snprintf(name, sizeof name, "%s-pitr-source", kind);
        s_use(b, SRC, name, src->region, NULL, NULL);
        snprintf(name, sizeof name, "%s-pitr-restore", kind);
        s_use(b, TGT, name, tgt->region, NULL, NULL);
    }
    snprintf(name, sizeof name, "%s-restored", kind);
    s_use(b, TGT, name, tgt->region, NULL, NULL);
    if (!r->login.password_env && !r->login.password_file) {
        snprintf(name, sizeof name, "%s-password", kind);
        s_use(b, TGT, name, tgt->region, NULL, NULL);
    }
}

static void s_efs(struct iam_build *b, const struct drill_resource *r)
{
    const char *region = b->d->target.region;
    s_backup_path(b, r, false, true);
    if (r->efs.existing) {
        s_use(b, TGT, "efs-existing", region, NULL, NULL);
        return;
    }
    s_use(b, TGT, "efs-restored", region, NULL, NULL);
    if (b->d->isolation.subnet || b->d->isolation.create)
        s_use(b, TGT, "efs-mount-target", region, NULL, NULL);
}

static void s_ec2(struct iam_build *b, const struct drill_resource *r)
{
    const struct drill_side *src = &b->d->source, *tgt = &b->d->target;
    bool dr = r->path == DRILL_PATH_BACKUP && r->select == DRILL_SELECT_DR_VAULT;
    if (r->path == DRILL_PATH_TAG)
        s_use(b, SRC, "ec2-select-tag", src->region, NULL, NULL);
    else
        s_backup_path(b, r, false, false);
    if (strcmp(src->account, tgt->account) != 0)
        s_use(b, SRC, "ec2-shared", dr ? tgt->region : src->region, NULL, NULL);
    if (r->copy)
        s_use(b, TGT, "ec2-copy", tgt->region, NULL, NULL);
    s_use(b, TGT, "ec2-launch", tgt->region, NULL, NULL);
    s_use(b, TGT, "ec2-kms", tgt->region, NULL, NULL);
}

static void s_s3(struct iam_build *b, const struct drill_resource *r)
{
    const char *sr = b->d->source.region, *tr = b->d->target.region;
    char *bucket = s3_bucket_name(r->source);
    char *replica = s3_bucket_name(r->s3.replica_bucket);
    s_use(b, SRC, "s3-posture-source", sr, NULL, bucket);
    s_use(b, TGT, "s3-posture-replica", tr, NULL, replica);
    if (r->s3.lifecycle_source)
        s_use(b, SRC, "s3-lifecycle", sr, NULL, bucket);
    if (r->s3.lifecycle_replica)
        s_use(b, TGT, "s3-lifecycle", tr, NULL, replica);
    if (r->s3.canary) {
        s_use(b, SRC, "s3-canary-source", sr, NULL, bucket);
        s_use(b, TGT, "s3-canary-replica", tr, NULL, replica);
    }
    if (r->s3.compare) {
        s_use(b, SRC, "s3-compare-source", sr, NULL, bucket);
        s_use(b, TGT, "s3-compare-replica", tr, NULL, replica);
    }
    if (r->s3.restore) {
        s_use(b, SRC, "s3-restore-source", sr, NULL, bucket);
        s_use(b, TGT, "s3-restore-target", tr, NULL, NULL);
    }
    free(bucket);
    free(replica);
}

/* Where restored things run (runner_stack.c): built by drh whenever the
 * drill says create, else the named pieces checked when a resource needs
 * a network. */
static void s_isolation(struct iam_build *b)
{
    const struct drill *d = b->d;
    const char *region = d->target.region;
    if (d->isolation.create) {
        s_use(b, TGT, "isolation-create", region, NULL, NULL);
        return;
    }
    if (!drill_needs_network(d))
        return;
    const struct drill_isolation *iso = &d->isolation;
    if (iso->db_subnet_group)
        s_use(b, TGT, "isolation-named-db", region, NULL, NULL);
    if (iso->subnet)
        s_use(b, TGT, "isolation-named-subnet", region, NULL, NULL);
    if (iso->n_security_groups)
        s_use(b, TGT, "isolation-named-groups", region, NULL, NULL);
    if (iso->db_subnet_group || iso->subnet || iso->n_security_groups)
        s_use(b, TGT, "isolation-named-vpc", region, NULL, NULL);
}

/* A resource restored from an AWS Backup recovery point (posture_backed_up()). */
static bool s_backed_up(const struct drill_resource *r)
{
    return r->path == DRILL_PATH_BACKUP && (r->type == DRILL_RDS || r->type == DRILL_AURORA ||
                                            r->type == DRILL_EFS || r->type == DRILL_EC2);
}

/* The vault a copy from another account lands in must let it in, and the
 * source vault's key must be usable by the target: checked from the target
 * (the vault's policy, DescribeKey) and the source (its vault and key). */
static void s_access_checks(struct iam_build *b, const char *region, const char *vault,
                            const char *source_vault)
{
    s_use(b, TGT, "vault-policy", region, vault, NULL);
    s_use(b, SRC, "vault-key", b->d->source.region, source_vault, NULL);
    s_use(b, TGT, "key-usable", region, NULL, NULL);
}

/* Preflight (check/preflight.c): the vaults the drill uses exist; for copies
 * into another account, the receiving vault's policy and the source key. */
static void s_preflight(struct iam_build *b)
{
    const struct drill *d = b->d;
    const struct drill_side *src = &d->source, *tgt = &d->target;
    bool from = false, into = false, one_hop = false, two_hops = false;
    for (size_t i = 0; i < d->n_resources; i++) {
        const struct drill_resource *r = &d->resources[i];
        if (!s_backed_up(r))
            continue;
        bool dr = r->select == DRILL_SELECT_DR_VAULT;
        bool copies = r->type != DRILL_EC2 && r->copy && !dr;
        bool two = (r->type == DRILL_RDS || r->type == DRILL_AURORA) &&
                   strcmp(src->account, tgt->account) != 0 &&
                   strcmp(src->region, tgt->region) != 0 && tgt->staging_vault;
        from = from || !dr;
        into = into || copies || dr;
        two_hops = two_hops || (copies && two);
        one_hop = one_hop || (copies && !two);
    }
    bool cross = strcmp(src->account, tgt->account) != 0;
    if (from && src->vault)
        s_use(b, SRC, "vault-exists", src->region, src->vault, NULL);
    if (into && tgt->vault)
        s_use(b, TGT, "vault-exists", tgt->region, tgt->vault, NULL);
    if (tgt->staging_vault)
        s_use(b, TGT, "vault-exists", src->region, tgt->staging_vault, NULL);
    if (cross && one_hop && tgt->vault)
        s_access_checks(b, tgt->region, tgt->vault, src->vault);
    if (cross && two_hops)
        s_access_checks(b, src->region, tgt->staging_vault, src->vault);
    if (tgt->kms_key)
        s_use(b, TGT, "key-usable", tgt->region, NULL, NULL);
}

/* Posture (check/posture.c), when the drill has a posture section. */
static void s_posture(struct iam_build *b)
{
    const struct drill_side *src = &b->d->source, *tgt = &b->d->target;
    if (!b->d->posture.present)
        return;
    s_use(b, SRC, "posture-plans", src->region, NULL, NULL);
    /* without source.vault the key's vault is the plan's first rule's: any vault */
    if (tgt->vault && strcmp(src->account, tgt->account) != 0)
        s_access_checks(b, tgt->region, tgt->vault, src->vault ? src->vault : "*");
    if (b->d->posture.check_copies && tgt->vault)
        s_use(b, TGT, "select-vault", tgt->region, tgt->vault, NULL);
}

static char *s_side_heading(const char *what, const struct drill_side *s)
{
    if (s->role_arn)
        return xasprintf("%s role (%s): %s", what, s->account, s->role_arn);
    if (s->profile)
        return xasprintf("%s role (%s): the credentials of profile %s", what, s->account,
                         s->profile);
    return xasprintf("%s role (%s): the default credentials", what, s->account);
}

static void s_add_doc(struct iam_doc **docs, size_t *n, enum iam_doc_kind kind, char *heading,
                      char *name, struct json *policy)
{
    *docs = xrealloc(*docs, (*n + 1) * sizeof **docs);
    struct iam_doc *doc = &(*docs)[(*n)++];
    doc->kind = kind;
    doc->heading = heading;
    doc->name = name;
    doc->policy = policy;
}

/* The access policy of one DR vault: copies from the source account. */
static struct json *s_vault_policy(const char *region, const char *account, const char *vault,
                                   const struct drill_side *src)
{
    struct json *st = json_new_object();
    json_add_string(st, "Sid", "DrhCopyFromSourceAccount");
    json_add_string(st, "Effect", "Allow");
    char *root = aws_arn(src->region, "iam", "", src->account, "root");
    json_add_string(json_add_child(st, "Principal", json_new_object()), "AWS", root);
    free(root);
    json_add_string(st, "Action", "backup:CopyIntoBackupVault");
    char *arn = backup_vault_arn(region, account, vault);
    json_add_string(st, "Resource", arn ? arn : "*");
    free(arn);
    struct json *doc = json_new_object();
    json_add_string(doc, "Version", "2012-10-17");
    json_push(json_add_child(doc, "Statement", json_new_array()), st);
    return doc;
}

enum drh_status iam_policy_build(const struct drill *d, unsigned mask, struct iam_doc **docs,
                                 size_t *n, struct drh_err *err)
{
    if (!aws_partition_of(d->source.region) || !aws_partition_of(d->target.region))
        return drh_err_set(err, DRH_E_INPUT, "drill '%s': '%s' or '%s' is not a region name",
                           d->name, d->source.region, d->target.region);
    struct iam_build b;
    memset(&b, 0, sizeof b);
    b.d = d;
    s_use(&b, SRC, "identity", d->source.region, NULL, NULL);
    s_use(&b, TGT, "identity", d->target.region, NULL, NULL);
    for (size_t i = 0; i < d->n_resources; i++) {
        const struct drill_resource *r = &d->resources[i];
        if (r->type == DRILL_RDS || r->type == DRILL_AURORA)
            s_database(&b, r);
        else if (r->type == DRILL_EFS)
            s_efs(&b, r);
        else if (r->type == DRILL_EC2)
            s_ec2(&b, r);
        else if (r->type == DRILL_S3)
            s_s3(&b, r);
        /* check: no AWS call of its own */
    }
    s_isolation(&b);
    s_preflight(&b);
    s_posture(&b);

    struct iam_doc *v = NULL;
    size_t k = 0;
    if (mask & (1u << IAM_DOC_SOURCE))
        s_add_doc(&v, &k, IAM_DOC_SOURCE, s_side_heading("source", &d->source), xstrdup("source"),
                  iam_rules_policy(&b.side[SRC]));
    if (mask & (1u << IAM_DOC_TARGET))
        s_add_doc(&v, &k, IAM_DOC_TARGET, s_side_heading("target", &d->target), xstrdup("target"),
                  iam_rules_policy(&b.side[TGT]));
    for (size_t i = 0; (mask & (1u << IAM_DOC_VAULT)) && i < b.n_vaults; i++) {
        char *region = b.vaults[i];
        char *account = strchr(region, '\n');
        *account++ = '\0';
        char *vault = strchr(account, '\n');
        *vault++ = '\0';
        char *heading =
            xasprintf("DR vault access policy (%s, %s): vault %s", account, region, vault);
        char *name = i ? xasprintf("vault-%zu", i + 1) : xstrdup("vault");
        s_add_doc(&v, &k, IAM_DOC_VAULT, heading, name,
                  s_vault_policy(region, account, vault, &d->source));
    }
    for (size_t i = 0; i < b.n_vaults; i++)
        free(b.vaults[i]);
    free(b.vaults);
    iam_rules_clean_up(&b.side[SRC]);
    iam_rules_clean_up(&b.side[TGT]);
    *docs = v;
    *n = k;
    return DRH_OK;
}

void iam_docs_free(struct iam_doc *docs, size_t n)
{
    for (size_t i = 0; docs && i < n; i++) {
        free(docs[i].heading);
        free(docs[i].name);
        json_free(docs[i].policy);
    }
    free(docs);
}
