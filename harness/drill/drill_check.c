/*
 * The rules that tie a drill's keys together (engine against type, copying
 * against vaults, the password's two sources) and the defaults that depend
 * on other keys (names, the AWS Backup role). They run on a drill whose
 * every value drill_parse.c found good, so a conflict is never reported on
 * top of a typo.
 */
#include "drill/drill_impl.h"

#include "aws/endpoint.h"
#include "mem.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *s_partition(const char *region)
{
    const struct aws_partition *p = aws_partition_of(region);
    return p ? p->name : "aws";
}

/* A role of the side's own account and partition: AssumeRole and AWS Backup
 * act in the account of the role. */
static void s_role(struct drill_ctx *c, const struct json *side_v, const char *side_name,
                   const struct drill_side *side, const char *key, const char *arn_text)
{
    struct drill_arn arn;
    const struct json *v = json_get(side_v, key);
    if (!arn_text || !v || !drill_is_role_arn(arn_text, &arn))
        return;
    if (strcmp(arn.partition, s_partition(side->region)) != 0) {
        drill_conflict(c, v, false, "%s.%s: partition '%s' does not fit region %s", side_name, key,
                       arn.partition, side->region);
        drill_hint(c, "roles for %s are arn:%s:iam::...", side->region, s_partition(side->region));
    } else if (strcmp(arn.account, side->account) != 0) {
        drill_conflict(c, v, false, "%s.%s: the role is in account %s, not %s's account %s",
                       side_name, key, arn.account, side_name, side->account);
        drill_hint(c, "drh acts in the account of the role it assumes: use a role of account %s",
                   side->account);
    }
}

static void s_side(struct drill_ctx *c, const struct json *root, const char *name,
                   struct drill_side *side)
{
    const struct json *o = json_get(root, name);
    const struct json *ext = json_get(o, "external_id");
    if (ext && !side->role_arn) {
        drill_conflict(c, ext, true, "%s.external_id: only used with role_arn", name);
        drill_hint(c, "add the \"role_arn\" to assume with this external id, or remove "
                      "\"external_id\"");
    }
    s_role(c, o, name, side, "role_arn", side->role_arn);
    s_role(c, o, name, side, "backup_role_arn", side->backup_role_arn);
    struct drill_arn arn;
    const struct json *kms = json_get(o, "kms_key");
    if (side->kms_key && drill_arn_split(side->kms_key, &arn) &&
        strcmp(arn.region, side->region) != 0) {
        drill_conflict(c, kms, false, "%s.kms_key: the key is in %s, but copies are made in %s",
                       name, arn.region, side->region);
        drill_hint(c, "a snapshot copy is encrypted with a key of its own region: use a key in %s",
                   side->region);
    }
    if (!side->backup_role_arn)
        side->backup_role_arn = aws_arn(side->region, "iam", "", side->account,
                                        "role/service-role/AWSBackupDefaultServiceRole");
}

static bool s_is_db(const struct drill_resource *r)
{
    return r->type == DRILL_RDS || r->type == DRILL_AURORA;
}

static void s_engine(struct drill_ctx *c, const struct json *rv, const char *path,
                     const struct drill_resource *r)
{
    if (!s_is_db(r))
        return;
    bool aurora_engine = r->engine == DRILL_AURORA_POSTGRESQL || r->engine == DRILL_AURORA_MYSQL;
    if (aurora_engine == (r->type == DRILL_AURORA))
        return;
    drill_conflict(c, json_get(rv, "engine"), false, "%s.engine: '%s' does not fit type '%s'", path,
                   drill_engine_name(r->engine), r->type == DRILL_AURORA ? "aurora" : "rds");
    if (r->type == DRILL_AURORA)
        drill_hint(c, "an aurora cluster runs aurora-postgresql or aurora-mysql");
    else
        drill_hint(c, "an rds instance runs postgres or mysql (use type \"aurora\" for Aurora)");
}

/* An s3 source and its replica: two buckets. */
static void s_s3_source(struct drill_ctx *c, const struct json *rv, const char *path,
                        const struct drill_resource *r)
{
    const char *bucket = strrchr(r->source, ':');
    bucket = bucket ? bucket + 1 : r->source;
    if (!r->s3.replica_bucket || strcmp(bucket, r->s3.replica_bucket) != 0)
        return;
    drill_conflict(c, json_get(json_get(rv, "replica"), "bucket"), false,
                   "%s.replica.bucket: '%s' is the source bucket itself", path, bucket);
    drill_hint(c, "name the target account's bucket the source replicates into");
}

/* An ARN source must name a cluster (aurora) or an instance (rds) of the
 * source account and region: that is where the backups are looked for. The
 * same holds for the ARN of a file system or an instance. */
static void s_source(struct drill_ctx *c, const struct json *rv, const char *path,
                     const struct drill_resource *r, const struct drill *d)
{
    struct drill_arn arn;
    const struct json *v = json_get(rv, "source");
    if (r->type == DRILL_S3) {
        s_s3_source(c, rv, path, r);
        return;
    }
    if (!drill_arn_split(r->source, &arn))
        return;
    if (!s_is_db(r)) {
        if (strcmp(arn.account, d->source.account) == 0 &&
            strcmp(arn.region, d->source.region) == 0 &&
            strcmp(arn.partition, s_partition(d->source.region)) == 0)
            return;
        drill_conflict(c, v, false, "%s.source: the %s is in %s %s, not the source's %s %s", path,
                       r->type == DRILL_EFS ? "file system" : "instance", arn.account, arn.region,
                       d->source.account, d->source.region);
        drill_hint(c,
                   "source.account and source.region say where the production %s and its "
                   "backups are",
                   r->type == DRILL_EFS ? "file system" : "instance");
        return;
    }
    bool cluster = strncmp(arn.resource, "cluster:", 8) == 0;
    if (cluster != (r->type == DRILL_AURORA)) {
        drill_conflict(c, v, false, "%s.source: a %s ARN for a resource of type '%s'", path,
                       cluster ? "cluster" : "DB instance",
                       r->type == DRILL_AURORA ? "aurora" : "rds");
        drill_hint(c, r->type == DRILL_AURORA ? "an aurora resource names its cluster: "
                                                "arn:aws:rds:REGION:ACCOUNT:cluster:NAME"
                                              : "an rds resource names its instance: "
                                                "arn:aws:rds:REGION:ACCOUNT:db:NAME");
    } else if (strcmp(arn.account, d->source.account) != 0 ||
               strcmp(arn.region, d->source.region) != 0 ||
               strcmp(arn.partition, s_partition(d->source.region)) != 0) {
        drill_conflict(c, v, false, "%s.source: the database is in %s %s, not the source's %s %s",
                       path, arn.account, arn.region, d->source.account, d->source.region);
        drill_hint(c, "source.account and source.region say where the production database and "
                      "its backups are");
    }
}

/* Where to point at a rule about the whole resource: the key when written,
 * else the resource. */
const struct json *drill_at(const struct json *rv, const char *key)
{
    const struct json *v = json_get(rv, key);
    return v ? v : rv;
}

/* EC2: the AMI is copied with CopyImage, so no target vault; the recovery
 * points of path backup are still found in source.vault. */
static void s_ec2_copying(struct drill_ctx *c, const struct json *rv, const char *path,
                          const struct drill_resource *r, const struct drill *d)
{
    if (r->path == DRILL_PATH_BACKUP && !d->source.vault) {
        drill_conflict(c, drill_at(rv, "path"), false, "%s: path 'backup' needs source.vault", path);
        drill_hint(c, "name the vault that holds the recovery points: \"vault\": \"prod-vault\" "
                      "in \"source\" (or use \"path\": \"tag\" to find the AMI by its tag)");
    }
    if (!r->copy && strcmp(d->source.region, d->target.region) != 0) {
        drill_conflict(c, json_get(rv, "copy"), false,
                       "%s.copy: false, but an AMI in %s cannot be launched in %s", path,
                       d->source.region, d->target.region);
        drill_hint(c, "set \"copy\": true to copy the AMI to %s with CopyImage", d->target.region);
    }
}

static void s_copying(struct drill_ctx *c, const struct json *rv, const char *path,
                      struct drill_resource *r, const struct drill *d)
{
    if (r->type == DRILL_S3)
        return;
    const struct json *rp = json_get(rv, "recovery_point");
    const struct json *copy = json_get(rv, "copy");
    const struct json *select = json_get(rp, "select");
    const struct json *within = json_get(rp, "within_days");
    if (within && r->select != DRILL_SELECT_RANDOM) {
        drill_conflict(c, within, true,
                       "%s.recovery_point.within_days: only used with select "
                       "'random'",
                       path);
        drill_hint(c, "remove \"within_days\", or set \"select\": \"random\"");
    }
    if (r->path == DRILL_PATH_PITR || r->type == DRILL_CHECK)
        return; /* no backup to copy (pitr: drill_check_stack.c's rules) */
    /* By default a backup is copied to the target unless it is already there. */
    bool elsewhere = strcmp(d->source.account, d->target.account) != 0 ||
                     strcmp(d->source.region, d->target.region) != 0;
    if (!copy)
        r->copy = r->select != DRILL_SELECT_DR_VAULT && elsewhere;
    if (r->type == DRILL_EC2) {
        s_ec2_copying(c, rv, path, r, d);
        return;
    }
    if (r->select == DRILL_SELECT_DR_VAULT) {
        if (r->copy) {
            drill_conflict(c, copy, false,
                           "%s.copy: select 'dr-vault' restores a copy already "
                           "in the target vault, so nothing is copied",
                           path);
            drill_hint(c, "remove \"copy\", or select \"latest\" or \"random\" to copy a recovery "
                          "point first");
        }
        if (r->path == DRILL_PATH_SNAPSHOT) {
            drill_conflict(c, select, false,
                           "%s.recovery_point.select: 'dr-vault' needs path "
                           "'backup'",
                           path);
            drill_hint(c, "shared snapshots are not kept in a vault: select \"latest\" or "
                          "\"random\"");
        } else if (!d->target.vault) {
            drill_conflict(c, select, false,
                           "%s.recovery_point.select: 'dr-vault' needs "
                           "target.vault",
                           path);
            drill_hint(c, "name the DR vault the copies are in: \"vault\": \"dr-vault\" in "
                          "\"target\"");
        }
    }
    bool other_account = strcmp(d->source.account, d->target.account) != 0;
    bool other_region = strcmp(d->source.region, d->target.region) != 0;
    if (r->path == DRILL_PATH_SNAPSHOT) {
        if (!r->copy && other_region) {
            drill_conflict(c, copy, false,
                           "%s.copy: false, but a snapshot shared in %s cannot be "
                           "restored in %s",
                           path, d->source.region, d->target.region);
            drill_hint(c,
                       "RDS restores a shared snapshot only in its own Region: set \"copy\": "
                       "true to copy it to %s first",
                       d->target.region);
        }
        return;
    }
    if (!r->copy && r->select != DRILL_SELECT_DR_VAULT && (other_account || other_region)) {
        drill_conflict(c, copy, false,
                       "%s.copy: false, but the recovery points are in account "
                       "%s in %s and the restore is in account %s in %s",
                       path, d->source.account, d->source.region, d->target.account,
                       d->target.region);
        drill_hint(c, "AWS Backup restores a recovery point only in its own account and Region: "
                      "set \"copy\": true, or select \"dr-vault\" to restore a copy already in "
                      "the target vault");
    }
    if (!d->source.vault && r->select != DRILL_SELECT_DR_VAULT) {
        drill_conflict(c, drill_at(rv, "path"), false, "%s: path 'backup' needs source.vault", path);
        drill_hint(c, "name the vault that holds the recovery points: \"vault\": \"prod-vault\" "
                      "in \"source\" (or use \"path\": \"snapshot\")");
        return;
    }
    if (!r->copy || !d->source.vault)
        return;
    if (!d->target.vault) {
        drill_conflict(c, drill_at(rv, "copy"), false,
                       "%s: copying a recovery point needs "
                       "target.vault",
                       path);
        drill_hint(c, "name the DR vault to copy into: \"vault\": \"dr-vault\" in \"target\"");
    } else if (s_is_db(r) && other_account && other_region && !d->target.staging_vault) {
        drill_conflict(c, drill_at(rv, "copy"), false,
                       "%s: copying from account %s in %s to account "
                       "%s in %s needs target.staging_vault",
                       path, d->source.account, d->source.region, d->target.account,
                       d->target.region);
        drill_hint(c,
                   "AWS copies RDS and Aurora backups across account and region in two hops: "
                   "name a vault of account %s in %s as \"staging_vault\" in \"target\"",
                   d->target.account, d->source.region);
    }
}

/* Where a key of an object starts, for ordering two keys. */
static long s_key_order(const struct drill_ctx *c, const struct json *member)
{
    int line = 0, col = 0;
    json_key_position(c->pos, member, &line, &col);
    return (long)line * 100000 + col;
}

static void s_login(struct drill_ctx *c, const struct json *rv, const char *path,
                    const struct drill_resource *r)
{
    if (!s_is_db(r))
        return;
    const struct json *lv = json_get(rv, "login");
    const struct json *env = json_get(lv, "password_env");
    const struct json *file = json_get(lv, "password_file");
    if (env && file) {
        const struct json *later = s_key_order(c, env) > s_key_order(c, file) ? env : file;
        drill_conflict(c, later, true,
                       "%s.login: password_env and password_file exclude each "
                       "other",
                       path);
        drill_hint(c, "keep one: the password comes from an environment variable or a file");
    }
    const struct json *ca = json_get(lv, "ca_bundle");
    if (ca && r->login.tls != DRILL_TLS_VERIFY_FULL) {
        drill_conflict(c, ca, true, "%s.login.ca_bundle: only used with tls 'verify-full'", path);
        drill_hint(c, "set \"tls\": \"verify-full\", or remove \"ca_bundle\"");
    }
}

/* The default resource name: the source's last ARN field (after the
 * resource type's "/" for a file system or an instance), cut to the 30
 * characters of a name; a bucket's dots become hyphens. */
static char *s_name_from_source(const char *source)
{
    const char *id = strrchr(source, ':');
    id = id ? id + 1 : source;
    if (strrchr(id, '/'))
        id = strrchr(id, '/') + 1;
    char out[31];
    size_t n = 0;
    for (; *id && n < sizeof out - 1; id++)
        out[n++] = isalnum((unsigned char)*id) ? *id : '-';
    while (n > 0 && out[n - 1] == '-')
        n--;
    out[n] = '\0';
    return xstrdup(n ? out : "resource");
}

static void s_probe_names(struct drill_ctx *c, const struct json *rv, const char *path,
                          struct drill_resource *r)
{
    size_t count[PROBE_COMMAND + 1] = {0}, seen[PROBE_COMMAND + 1] = {0};
    const struct json *pv = json_get(rv, "probes");
    for (size_t i = 0; i < r->n_probes; i++)
        count[r->probes[i].kind]++;
    for (size_t i = 0; i < r->n_probes; i++) {
        struct drill_probe *p = &r->probes[i];
        seen[p->kind]++;
        if (!p->name && count[p->kind] == 1)
            p->name = xstrdup(probe_kind_name(p->kind));
        else if (!p->name)
            p->name = xasprintf("%s-%zu", probe_kind_name(p->kind), seen[p->kind]);
        if (p->kind == PROBE_CANARY && s_is_db(r) && !p->canary_table)
            p->canary_table = xstrdup("drh_canary");
        if (p->kind == PROBE_CANARY && s_is_db(r) && !p->canary_column)
            p->canary_column = xstrdup("written_at");
    }
    for (size_t i = 1; i < r->n_probes; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(r->probes[i].name, r->probes[j].name) != 0)
                continue;
            const struct json *at = drill_at(json_array_at(pv, i), "name");
            drill_conflict(c, at, false,
                           "%s.probes[%zu]: probe name '%s' is taken by "
                           "probes[%zu]",
                           path, i, r->probes[i].name, j);
            drill_hint(c, "give each probe of a resource its own \"name\" (unnamed probes are "
                          "called by their kind, numbered when a kind repeats)");
            break;
        }
    }
}

void drill_check(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    if (drill_failed_below(c, DRILL_TIER_CONFLICT))
        return;
    if (!d->description)
        d->description = xstrdup("");
    if (!d->owner)
        d->owner = xstrdup("");
    s_side(c, root, "source", &d->source);
    s_side(c, root, "target", &d->target);
    const struct json *rs = json_get(root, "resources");
    for (size_t i = 0; i < d->n_resources; i++) {
        struct drill_resource *r = &d->resources[i];
        const struct json *rv = json_array_at(rs, i);
        char path[DRILL_WHERE_MAX];
        snprintf(path, sizeof path, "resources[%zu]", i);
        s_engine(c, rv, path, r);
        s_source(c, rv, path, r, d);
        s_copying(c, rv, path, r, d);
        s_login(c, rv, path, r);
        s_probe_names(c, rv, path, r);
        if (!r->name)
            r->name = s_name_from_source(r->source);
        for (size_t p = 0; p < r->n_probes && d->name && r->name; p++)
            if (r->probes[p].kind == PROBE_CANARY && !r->probes[p].chain_drill) {
                r->probes[p].chain_drill = xstrdup(d->name);
                r->probes[p].chain_resource = xstrdup(r->name);
            }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(d->resources[j].name, r->name) != 0)
                continue;
            drill_conflict(c, drill_at(rv, "name"), false,
                           "%s: resource name '%s' is taken by "
                           "resources[%zu]",
                           path, r->name, j);
            drill_hint(c, "give each resource its own \"name\" (the default is the last part of "
                          "its source)");
            break;
        }
    }
    drill_check_stack(c, root, d);
    drill_check_ops(c, root, d);
}
