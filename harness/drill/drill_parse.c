/*
 * From the JSON of a drill file to struct drill, one section at a time: the
 * keys each object may hold, the type and shape of each value. Here the
 * top level, the sides, the isolation and what every resource has (type,
 * source, the backup it restores, a database's restore and login); the
 * probes are drill_parse_probes.c's, the sections of efs, s3 and ec2
 * resources drill_parse_kinds.c's. Rules that tie keys together (engine
 * against type, copy against vaults) and the defaults that depend on other
 * keys are drill_check.c's.
 */
#include "drill/drill_impl.h"

#include "aws/endpoint.h"
#include "mem.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_types[] = {"rds", "aurora", "efs", "s3", "ec2", "check", NULL};
static const char *const s_engines[] = {"postgres", "mysql", "aurora-postgresql", "aurora-mysql",
                                        NULL};
static const char *const s_paths[] = {"backup", "snapshot", "tag", "pitr", NULL};
static const char *const s_selects[] = {"latest", "random", "dr-vault", NULL};
static const char *const s_tls[] = {"prefer", "require", "verify-full", "disable", NULL};
static const char *const s_teardowns[] = {"always", "on-success", "never", NULL};

static const struct drill_key s_top_keys[] = {
    {"drill", true, "\"drill\": {\"name\": \"orders-nightly\"}"},
    {"objectives", false, NULL},
    {"source", true, "\"source\": {\"account\": \"111111111111\", \"region\": \"us-east-1\"}"},
    {"target", true,
     "\"target\": {\"account\": \"222222222222\", \"region\": \"us-west-2\", \"isolation\": "
     "{...}}"},
    {"resources", true,
     "\"resources\": [{\"type\": \"aurora\", \"engine\": \"aurora-postgresql\", \"source\": ...}]"},
    {"teardown", false, NULL},
    {"reports", false, NULL},
    {"posture", false, NULL},
    {"schedule", false, NULL},
    {"notify", false, NULL},
    {"timeouts", false, NULL},
    {NULL, false, NULL},
};

static const struct drill_key s_drill_keys[] = {
    {"name", true, "\"name\": \"orders-nightly\""},
    {"description", false, NULL},
    {"owner", false, NULL},
    {"controls", false, NULL},
    {NULL, false, NULL},
};

static const struct drill_key s_objective_keys[] = {
    {"rto", false, NULL},
    {"rpo", false, NULL},
    {NULL, false, NULL},
};

/* The target's keys; the source takes all but the last three. */
static const struct drill_key s_target_keys[] = {
    {"account", true, "\"account\": \"123456789012\""},
    {"region", true, "\"region\": \"us-east-1\""},
    {"profile", false, NULL},
    {"role_arn", false, NULL},
    {"external_id", false, NULL},
    {"vault", false, NULL},
    {"backup_role_arn", false, NULL},
    {"staging_vault", false, NULL},
    {"kms_key", false, NULL},
    {"isolation", false, NULL}, /* required unless every resource is s3: s_needs() */
    {"allow_production", false, NULL},
    {NULL, false, NULL},
};
#define DRILL_TARGET_ONLY 7 /* index of the first target-only key above */

/* A resource's keys by type; s_any_resource_keys before the type is known. */
#define RESOURCE_KEYS_COMMON                                                                       \
    {"name", false, NULL},                                                                         \
    {                                                                                              \
        "type", true, "\"type\": \"rds\", \"aurora\", \"efs\", \"s3\", \"ec2\" or \"check\""        \
    }
static const struct drill_key s_resource_keys[][14] = {
    [DRILL_RDS] = {RESOURCE_KEYS_COMMON,
                   {"engine", true, "\"engine\": \"postgres\" or \"mysql\""},
                   {"source", true,
                    "\"source\": \"arn:aws:rds:REGION:ACCOUNT:db:NAME\" (or the identifier alone)"},
                   {"path", false, NULL},
                   {"recovery_point", false, NULL},
                   {"copy", false, NULL},
                   {"restore", false, NULL},
                   {"login", false, NULL},
                   {"probes", false, NULL},
                   {"pitr", false, NULL},
                   {"after", false, NULL},
                   {"canary", false, NULL},
                   {NULL, false, NULL}},
    [DRILL_AURORA] = {RESOURCE_KEYS_COMMON,
                      {"engine", true, "\"engine\": \"aurora-postgresql\" or \"aurora-mysql\""},
                      {"source", true,
                       "\"source\": \"arn:aws:rds:REGION:ACCOUNT:cluster:NAME\" (or the identifier "
                       "alone)"},
                      {"path", false, NULL},
                      {"recovery_point", false, NULL},
                      {"copy", false, NULL},
                      {"restore", false, NULL},
                      {"login", false, NULL},
                      {"probes", false, NULL},
                      {"pitr", false, NULL},
                      {"after", false, NULL},
                      {"canary", false, NULL},
                   {NULL, false, NULL}},
    [DRILL_EFS] = {RESOURCE_KEYS_COMMON,
                   {"source", true,
                    "\"source\": \"fs-0123456789abcdef0\" (or the file system's ARN)"},
                   {"path", false, NULL},
                   {"recovery_point", false, NULL},
                   {"copy", false, NULL},
                   {"restore", true,
                    "\"restore\": {\"mount\": {\"point\": \"/mnt/drh\", \"mount\": \"...\", "
                    "\"unmount\": \"...\"}}: how drh reads the restored tree (with the emulator a "
                    "fixture script plays the mount)"},
                   {"probes", false, NULL},
                   {"after", false, NULL},
                   {"canary", false, NULL},
                   {NULL, false, NULL}},
    [DRILL_S3] = {RESOURCE_KEYS_COMMON,
                  {"source", true, "\"source\": \"BUCKET\" (or arn:aws:s3:::BUCKET)"},
                  {"replica", true,
                   "\"replica\": {\"bucket\": \"BUCKET\"}: the target account's bucket the source "
                   "replicates into"},
                  {"posture", false, NULL},
                  {"live", false, NULL},
                  {"compare", false, NULL},
                  {"restore", false, NULL},
                  {"after", false, NULL},
                  {"canary", false, NULL},
                   {NULL, false, NULL}},
    [DRILL_EC2] = {RESOURCE_KEYS_COMMON,
                   {"source", true, "\"source\": \"i-0123456789abcdef0\" (or the instance's ARN)"},
                   {"path", false, NULL},
                   {"recovery_point", false, NULL},
                   {"copy", false, NULL},
                   {"restore", false, NULL},
                   {"image", false, NULL},
                   {"reach", false, NULL},
                   {"probes", false, NULL},
                   {"after", false, NULL},
                   {NULL, false, NULL}},
    [DRILL_CHECK] = {RESOURCE_KEYS_COMMON,
                     {"probes", true,
                      "\"probes\": [{\"kind\": \"command\", \"command\": \"...\"}] (what the "
                      "check runs)"},
                     {"after", false, NULL},
                   {NULL, false, NULL}},
};
static const struct drill_key s_any_resource_keys[] = {
    RESOURCE_KEYS_COMMON,
    {"engine", false, NULL},
    {"source", true, "\"source\": the production resource's ARN or id"},
    {"path", false, NULL},
    {"recovery_point", false, NULL},
    {"copy", false, NULL},
    {"restore", false, NULL},
    {"login", false, NULL},
    {"probes", false, NULL},
    {"image", false, NULL},
    {"reach", false, NULL},
    {"replica", false, NULL},
    {"posture", false, NULL},
    {"live", false, NULL},
    {"compare", false, NULL},
    {"pitr", false, NULL},
    {"after", false, NULL},
    {"canary", false, NULL},
    {NULL, false, NULL},
};

static const struct drill_key s_recovery_point_keys[] = {
    {"select", false, NULL},
    {"within_days", false, NULL},
    {NULL, false, NULL},
};

static const struct drill_key s_restore_keys[] = {
    {"instance_class", false, NULL},
    {NULL, false, NULL},
};
const struct drill_key drill_any_restore_keys[] = {
    {"instance_class", false, NULL},
    {"into", false, NULL},
    {"file_system", false, NULL},
    {"mount", false, NULL},
    {"instance_type", false, NULL},
    {"prefix", false, NULL},
    {"at", false, NULL},
    {NULL, false, NULL},
};

static const struct drill_key s_login_keys[] = {
    {"database", false, NULL},     {"user", false, NULL},
    {"password_env", false, NULL}, {"password_file", false, NULL},
    {"tls", false, NULL},          {"ca_bundle", false, NULL},
    {NULL, false, NULL},
};

bool drill_text(struct drill_ctx *c, const struct json *obj, const char *path, const char *key,
                bool (*shape)(const char *), const char *what, const char *hint, char **out)
{
    char where[DRILL_WHERE_MAX], shown[DRILL_SHOW_MAX];
    const struct json *v = json_get(obj, key);
    const char *s;
    drill_where(where, sizeof where, path, key);
    if (!drill_want_string(c, v, where, &s))
        return false;
    if (!s)
        return true;
    if (shape && !shape(s)) {
        drill_fail(c, v, "%s: '%s' is not %s", where, drill_show(s, shown, sizeof shown), what);
        return drill_hint(c, "%s", hint);
    }
    *out = xstrdup(s);
    return true;
}

bool drill_is_region(const char *s)
{
    return aws_partition_of(s) != NULL;
}

static bool s_role_shape(const char *s)
{
    struct drill_arn arn;
    return drill_is_role_arn(s, &arn);
}

bool drill_object(struct drill_ctx *c, const struct json *obj, const char *path, const char *key,
                  const struct json **out)
{
    char where[DRILL_WHERE_MAX];
    const struct json *v = json_get(obj, key);
    drill_where(where, sizeof where, path, key);
    *out = NULL;
    if (!drill_want_object(c, v, where))
        return false;
    *out = v;
    return true;
}

static void s_drill_section(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const struct json *o;
    if (!drill_object(c, root, "", "drill", &o) || !o)
        return;
    drill_check_keys(c, o, "drill", s_drill_keys);
    drill_want_name(c, json_get(o, "name"), "drill.name", 40, &d->name);
    drill_text(c, o, "drill", "description", NULL, NULL, NULL, &d->description);
    drill_text(c, o, "drill", "owner", NULL, NULL, NULL, &d->owner);
    drill_parse_controls(c, o, d);
}

static void s_objectives(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const struct json *o;
    if (!drill_object(c, root, "", "objectives", &o) || !o)
        return;
    drill_check_keys(c, o, "objectives", s_objective_keys);
    drill_want_duration(c, json_get(o, "rto"), "objectives.rto", &d->rto);
    drill_want_duration(c, json_get(o, "rpo"), "objectives.rpo", &d->rpo);
}

static void s_side(struct drill_ctx *c, const struct json *root, const char *name,
                   struct drill_side *side, struct drill_isolation *iso)
{
    const struct json *o;
    bool target = iso != NULL;
    if (!drill_object(c, root, "", name, &o) || !o)
        return;
    if (!target) {
        /* Say where a target-only key belongs before calling it unknown. */
        for (const struct drill_key *k = s_target_keys + DRILL_TARGET_ONLY; k->name; k++) {
            const struct json *m = json_get(o, k->name);
            if (!m)
                continue;
            drill_fail_key(c, m, "key '%s' applies to target only, not source", k->name);
            drill_hint(c, "move \"%s\" into \"target\"", k->name);
        }
        struct drill_key keys[DRILL_TARGET_ONLY + 1];
        memcpy(keys, s_target_keys, DRILL_TARGET_ONLY * sizeof keys[0]);
        keys[DRILL_TARGET_ONLY] = (struct drill_key){NULL, false, NULL};
        drill_check_keys(c, o, name, keys);
    } else {
        drill_check_keys(c, o, name, s_target_keys);
    }

    const struct json *account = json_get(o, "account");
    if (!drill_text(c, o, name, "account", drill_is_account, "an AWS account id",
                    "an account id is 12 digits: \"123456789012\"", &side->account) &&
        json_is_number(account))
        drill_hint(c, "write the account id in quotes: as a number it loses leading zeros");
    drill_text(c, o, name, "region", drill_is_region, "an AWS region name",
               "regions look like us-east-1, eu-west-2, cn-northwest-1 or us-gov-west-1",
               &side->region);
    drill_text(c, o, name, "profile", NULL, NULL, NULL, &side->profile);
    drill_text(c, o, name, "role_arn", s_role_shape, "an IAM role ARN",
               "an IAM role ARN looks like arn:aws:iam::222222222222:role/DrhDrillRole",
               &side->role_arn);
    /* The external id is not echoed: some treat it as a shared secret. */
    char where[DRILL_WHERE_MAX];
    const char *s;
    const struct json *ext = json_get(o, "external_id");
    drill_where(where, sizeof where, name, "external_id");
    if (drill_want_string(c, ext, where, &s) && s) {
        if (drill_is_external_id(s)) {
            side->external_id = xstrdup(s);
        } else {
            drill_fail(c, ext, "%s: not a valid external id", where);
            drill_hint(c, "an external id is 2 to 1224 letters, digits and _+=,.@:/-");
        }
    }
    drill_text(c, o, name, "vault", drill_is_vault_name, "a backup vault name",
               "a backup vault name is 2 to 50 letters, digits, hyphens and underscores",
               &side->vault);
    drill_text(c, o, name, "backup_role_arn", s_role_shape, "an IAM role ARN",
               "an IAM role ARN looks like "
               "arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole",
               &side->backup_role_arn);
    if (!target)
        return;
    drill_text(c, o, name, "staging_vault", drill_is_vault_name, "a backup vault name",
               "a backup vault name is 2 to 50 letters, digits, hyphens and underscores",
               &side->staging_vault);
    drill_text(c, o, name, "kms_key", drill_is_kms_key, "a KMS key",
               "a KMS key is alias/NAME, a key id, or a key or alias ARN "
               "(arn:aws:kms:REGION:ACCOUNT:key/ID)",
               &side->kms_key);
    drill_want_bool(c, json_get(o, "allow_production"), "target.allow_production",
                    &side->allow_production);
    const struct json *isolation = json_get(o, "isolation");
    if (isolation)
        drill_parse_isolation(c, isolation, iso);
}

/* resources[i].source: an RDS ARN (cluster for aurora, db for rds) or an
 * identifier; which kind fits the type is drill_check.c's. */
static bool s_db_source_shape(const char *s)
{
    struct drill_arn arn;
    if (strncmp(s, "arn:", 4) != 0)
        return drill_is_db_identifier(s);
    if (!drill_arn_split(s, &arn) || strcmp(arn.service, "rds") != 0 || !arn.region[0] ||
        !drill_is_account(arn.account))
        return false;
    const char *id = NULL;
    if (strncmp(arn.resource, "cluster:", 8) == 0)
        id = arn.resource + 8;
    else if (strncmp(arn.resource, "db:", 3) == 0)
        id = arn.resource + 3;
    return id && drill_is_db_identifier(id);
}

static void s_login(struct drill_ctx *c, const struct json *r, const char *path,
                    struct drill_db_login *l)
{
    const struct json *o;
    char where[DRILL_WHERE_MAX];
    int tls = DRILL_TLS_PREFER;
    drill_where(where, sizeof where, path, "login");
    if (!drill_object(c, r, path, "login", &o) || !o)
        return;
    drill_check_keys(c, o, where, s_login_keys);
    drill_text(c, o, where, "database", NULL, NULL, NULL, &l->database);
    drill_text(c, o, where, "user", NULL, NULL, NULL, &l->user);
    drill_text(c, o, where, "password_env", drill_is_env_name, "an environment variable name",
               "an environment variable name is letters, digits and _, not starting with a digit: "
               "\"ORDERS_DB_PASSWORD\"",
               &l->password_env);
    drill_text(c, o, where, "password_file", NULL, NULL, NULL, &l->password_file);
    char sub[DRILL_WHERE_MAX];
    drill_where(sub, sizeof sub, where, "tls");
    if (drill_want_enum(c, json_get(o, "tls"), sub, s_tls, &tls))
        l->tls = (enum drill_tls)tls;
    drill_text(c, o, where, "ca_bundle", NULL, NULL, NULL, &l->ca_bundle);
}

/* Keys of one type written on a resource of another, with a word on why
 * where one helps; before drill_foreign_keys(), whose message is generic. */
static void s_foreign_resource_keys(struct drill_ctx *c, const struct json *v, const char *path,
                                    enum drill_resource_type type)
{
    static const struct {
        const char *key;
        const char *hint;
    } why[] = {
        {"engine", "only rds and aurora resources have an engine: remove \"engine\""},
        {"login", "only rds and aurora resources are logged in to: remove \"login\""},
        {"canary", "drh canary writes canaries for rds, aurora, efs and s3 resources: remove "
                   "\"canary\""},
        {"probes", "an s3 resource's checks are built in (posture, replication lag, compare, "
                   "restore): remove \"probes\""},
        {"path", "an s3 resource is checked through its replica, not restored from a backup: "
                 "remove \"path\""},
        {"recovery_point", "an s3 resource is checked through its replica, not restored from a "
                           "backup: remove \"recovery_point\""},
        {"copy", "an s3 resource's objects reach the target by replication: remove \"copy\""},
    };
    const char *tn = drill_resource_type_name(type);
    char what[32];
    snprintf(what, sizeof what, "%s %s resource", drill_article(tn), tn);
    for (size_t i = 0; i < sizeof why / sizeof why[0]; i++) {
        const struct json *m = json_get(v, why[i].key);
        bool mine = false;
        for (const struct drill_key *k = s_resource_keys[type]; k->name && !mine; k++)
            mine = strcmp(k->name, why[i].key) == 0;
        if (!m || mine)
            continue;
        drill_fail_key(c, m, "%s: key '%s' does not apply to %s", path, why[i].key, what);
        drill_hint(c, "%s", why[i].hint);
    }
    drill_foreign_keys(c, v, path, s_resource_keys[type], s_any_resource_keys, what, what);
}

/* resources[i].source by type: the shape, what it is called, an example. */
static void s_source(struct drill_ctx *c, const struct json *v, const char *path,
                     struct drill_resource *r, bool typed)
{
    static const struct {
        bool (*shape)(const char *);
        const char *what, *hint;
    } shapes[] = {
        [DRILL_RDS] = {s_db_source_shape, "an RDS ARN or DB identifier",
                       "name the production database: arn:aws:rds:REGION:ACCOUNT:cluster:NAME "
                       "(aurora), arn:aws:rds:REGION:ACCOUNT:db:NAME (rds), or the identifier "
                       "alone"},
        [DRILL_AURORA] = {s_db_source_shape, "an RDS ARN or DB identifier",
                          "name the production database: arn:aws:rds:REGION:ACCOUNT:cluster:NAME "
                          "(aurora), arn:aws:rds:REGION:ACCOUNT:db:NAME (rds), or the identifier "
                          "alone"},
        [DRILL_EFS] = {drill_is_efs_source, "an EFS file system id or ARN",
                       "name the production file system: fs-0123456789abcdef0 or "
                       "arn:aws:elasticfilesystem:REGION:ACCOUNT:file-system/fs-..."},
        [DRILL_S3] = {drill_is_s3_source, "an S3 bucket name or ARN",
                      "a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens, "
                      "starting and ending with a letter or digit; or arn:aws:s3:::BUCKET"},
        [DRILL_EC2] = {drill_is_ec2_source, "an EC2 instance id or ARN",
                       "name the production instance: i-0123456789abcdef0 or "
                       "arn:aws:ec2:REGION:ACCOUNT:instance/i-..."},
    };
    if (!typed) {
        drill_text(c, v, path, "source", NULL, NULL, NULL, &r->source);
        return;
    }
    drill_text(c, v, path, "source", shapes[r->type].shape, shapes[r->type].what,
               shapes[r->type].hint, &r->source);
}

/* A path that names the wrong kind of backup for the type. */
static void s_path_applies(struct drill_ctx *c, const struct json *pv, const char *where,
                           const struct drill_resource *r)
{
    bool db = r->type == DRILL_RDS || r->type == DRILL_AURORA;
    if ((r->path != DRILL_PATH_SNAPSHOT || db) &&
        (r->path != DRILL_PATH_TAG || r->type == DRILL_EC2) && (r->path != DRILL_PATH_PITR || db))
        return;
    const char *tn = drill_resource_type_name(r->type);
    drill_fail(c, pv, "%s: '%s' does not apply to %s %s resource", where, drill_path_name(r->path),
               drill_article(tn), tn);
    if (r->type == DRILL_EC2)
        drill_hint(c, "an ec2 resource restores from an AWS Backup recovery point (\"backup\") or "
                      "the newest AMI with a tag (\"tag\")");
    else if (r->type == DRILL_EFS)
        drill_hint(c, "an efs resource restores from an AWS Backup recovery point: \"backup\" "
                      "(the default)");
    else
        drill_hint(c, "a database restores from \"backup\", \"snapshot\" or \"pitr\"; \"tag\" "
                      "finds an AMI (ec2)");
}

/* path, recovery_point, copy: how the backup is found and brought over. */
static void s_backup(struct drill_ctx *c, const struct json *v, const char *path,
                     struct drill_resource *r, bool typed)
{
    char where[DRILL_WHERE_MAX], sub[DRILL_WHERE_MAX];
    int e = DRILL_PATH_BACKUP;
    drill_where(where, sizeof where, path, "path");
    const struct json *pv = json_get(v, "path");
    if (drill_want_enum(c, pv, where, s_paths, &e)) {
        r->path = (enum drill_path)e;
        if (typed)
            s_path_applies(c, pv, where, r);
    }
    const struct json *o;
    if (drill_object(c, v, path, "recovery_point", &o) && o) {
        long long days = r->within_days;
        drill_where(where, sizeof where, path, "recovery_point");
        drill_check_keys(c, o, where, s_recovery_point_keys);
        drill_where(sub, sizeof sub, where, "select");
        e = DRILL_SELECT_LATEST;
        const struct json *sel = json_get(o, "select");
        if (drill_want_enum(c, sel, sub, s_selects, &e)) {
            r->select = (enum drill_select)e;
            if (typed && r->type == DRILL_EC2 && r->select == DRILL_SELECT_DR_VAULT) {
                drill_fail(c, sel, "%s: 'dr-vault' does not apply to an ec2 resource", sub);
                drill_hint(c, "an ec2 drill copies the AMI with CopyImage, not into a DR vault: "
                              "select \"latest\" or \"random\"");
            }
        }
        drill_where(sub, sizeof sub, where, "within_days");
        if (drill_want_int(c, json_get(o, "within_days"), sub, 1, 3650, &days))
            r->within_days = (int)days;
    }
    drill_where(where, sizeof where, path, "copy");
    drill_want_bool(c, json_get(v, "copy"), where, &r->copy);
}

static void s_resource(struct drill_ctx *c, const struct json *v, const char *path,
                       struct drill_resource *r)
{
    char where[DRILL_WHERE_MAX];
    int e = -1;
    if (!drill_want_object(c, v, path))
        return;
    drill_where(where, sizeof where, path, "type");
    const struct json *type = json_get(v, "type");
    bool typed = drill_want_enum(c, type, where, s_types, &e) && e >= 0;
    if (typed) {
        r->type = (enum drill_resource_type)e;
        s_foreign_resource_keys(c, v, path, r->type);
    } else {
        for (size_t k = 0; json_is_string(type) && s_engines[k]; k++)
            if (strcmp(json_string(type), s_engines[k]) == 0)
                drill_hint(c, "'%s' is an engine: write \"engine\": \"%s\" and \"type\": \"%s\"",
                           s_engines[k], s_engines[k],
                           strncmp(s_engines[k], "aurora", 6) == 0 ? "aurora" : "rds");
    }
    drill_check_keys(c, v, path, typed ? s_resource_keys[r->type] : s_any_resource_keys);
    drill_where(where, sizeof where, path, "name");
    drill_want_name(c, json_get(v, "name"), where, 30, &r->name);
    bool db = !typed || r->type == DRILL_RDS || r->type == DRILL_AURORA;
    drill_where(where, sizeof where, path, "engine");
    if (db && drill_want_enum(c, json_get(v, "engine"), where, s_engines, &e))
        r->engine = (enum drill_engine)e;
    drill_parse_after(c, v, path, r);
    if (typed && r->type == DRILL_CHECK) {
        r->source = xstrdup("");
        drill_parse_probes(c, v, path, r, typed);
        return;
    }
    s_source(c, v, path, r, typed);
    drill_parse_canary(c, v, path, r, typed);
    if (typed && r->type == DRILL_S3) {
        drill_parse_s3(c, v, path, r);
        return;
    }
    s_backup(c, v, path, r, typed);

    const struct json *o;
    if (typed && r->type == DRILL_EFS) {
        drill_parse_efs(c, v, path, r);
    } else if (typed && r->type == DRILL_EC2) {
        drill_parse_ec2(c, v, path, r);
    } else if (drill_object(c, v, path, "restore", &o) && o) {
        drill_where(where, sizeof where, path, "restore");
        if (typed)
            drill_foreign_keys(c, o, where, s_restore_keys, drill_any_restore_keys,
                               "an rds or aurora resource", "an rds or aurora resource's restore");
        drill_check_keys(c, o, where, s_restore_keys);
        drill_text(c, o, where, "instance_class", drill_is_instance_class, "a DB instance class",
                   "instance classes look like db.t3.medium, db.r6g.large or db.serverless",
                   &r->instance_class);
    }
    if (db) {
        s_login(c, v, path, &r->login);
        drill_parse_pitr(c, v, path, r);
    }
    drill_parse_probes(c, v, path, r, typed);
}

static void s_resources(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const struct json *v = json_get(root, "resources");
    if (!v || !drill_want_array(c, v, "resources"))
        return;
    size_t n = json_array_size(v);
    if (n == 0) {
        drill_fail(c, v, "resources: at least one resource is needed");
        drill_hint(c, "add the database to restore: {\"type\": \"aurora\", \"engine\": "
                      "\"aurora-postgresql\", \"source\": \"arn:aws:rds:...:cluster:NAME\"}");
        return;
    }
    d->resources = xcalloc(n, sizeof *d->resources);
    for (const struct json *r = json_first(v); r; r = json_next(r)) {
        char path[DRILL_WHERE_MAX];
        struct drill_resource *res = &d->resources[d->n_resources];
        drill_where_index(path, sizeof path, "resources", d->n_resources++);
        res->path = DRILL_PATH_BACKUP;
        res->select = DRILL_SELECT_LATEST;
        res->within_days = 7;
        res->login.tls = DRILL_TLS_PREFER;
        res->efs.mount_timeout = 120;
        res->s3.canary = true;
        res->s3.max_lag = 15 * 60;
        res->s3.compare = true;
        s_resource(c, r, path, res);
    }
}

/* target.isolation: which keys the resources need (a tier 1 error at the
 * isolation object, or at target when it has none). */
static void s_needs(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const char *db = NULL, *net = NULL;
    char why_db[DRILL_WHERE_MAX] = "", why_net[DRILL_WHERE_MAX] = "";
    for (size_t i = 0; i < d->n_resources; i++) {
        const struct drill_resource *r = &d->resources[i];
        if (!db && (r->type == DRILL_RDS || r->type == DRILL_AURORA)) {
            db = drill_resource_type_name(r->type);
            snprintf(why_db, sizeof why_db, "resources[%zu] (%s)", i, db);
        }
        /* a subnet: an instance, a new file system's mount target */
        if (!net && (r->type == DRILL_EC2 || r->type == DRILL_EFS) &&
            drill_resource_needs_network(r)) {
            net = drill_resource_type_name(r->type);
            snprintf(why_net, sizeof why_net, "resources[%zu] (%s)", i, net);
        }
    }
    const struct json *target = json_get(root, "target");
    const struct json *iso = json_get(target, "isolation");
    if (!json_is_object(target) || d->isolation.create || (iso && !json_is_object(iso)))
        return;
    if (!iso) {
        if (!db && !net)
            return;
        drill_missing(c, target, "missing required key 'isolation' in target");
        drill_hint(c, "add \"isolation\": {\"db_subnet_group\": \"NAME\", \"security_groups\": "
                      "[\"sg-...\"]} (\"subnet\" for ec2 and efs): the network restored resources "
                      "run in (see docs/drill-format.md)");
        return;
    }
    if (db && !json_get(iso, "db_subnet_group")) {
        drill_missing(c, iso, "missing required key 'db_subnet_group' in target.isolation");
        drill_hint(c,
                   "add \"db_subnet_group\": \"NAME\": %s restores into it (see "
                   "docs/drill-format.md)",
                   why_db);
    }
    if (net && !json_get(iso, "subnet")) {
        drill_missing(c, iso, "missing required key 'subnet' in target.isolation");
        drill_hint(c,
                   "add \"subnet\": \"subnet-0123456789abcdef0\": %s runs there (see "
                   "docs/drill-format.md)",
                   why_net);
    }
    if ((db || net) && !json_get(iso, "security_groups")) {
        drill_missing(c, iso, "missing required key 'security_groups' in target.isolation");
        drill_hint(c,
                   "add \"security_groups\": [\"sg-0123456789abcdef0\"]: they isolate %s (see "
                   "docs/drill-format.md)",
                   db ? why_db : why_net);
    }
}

void drill_parse(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    int teardown = DRILL_TEARDOWN_ALWAYS;
    if (!json_is_object(root)) {
        drill_fail(c, root, "a drill file holds a JSON object, not %s", json_type_name(root));
        drill_hint(c, "start from an example in drills/examples/");
        return;
    }
    d->rto = DRILL_DEFAULT_RTO;
    d->rpo = DRILL_DEFAULT_RPO;
    drill_check_keys(c, root, NULL, s_top_keys);
    s_drill_section(c, root, d);
    s_objectives(c, root, d);
    s_side(c, root, "source", &d->source, NULL);
    s_side(c, root, "target", &d->target, &d->isolation);
    s_resources(c, root, d);
    s_needs(c, root, d);
    if (drill_want_enum(c, json_get(root, "teardown"), "teardown", s_teardowns, &teardown))
        d->teardown = (enum drill_teardown)teardown;
    drill_parse_reports(c, root, d);
    drill_parse_posture(c, root, d);
    drill_parse_ops(c, root, d);
}
