/*
 * From the JSON of a drill file to struct drill, one section at a time: the
 * keys each object may hold, the type and shape of each value. Rules that
 * tie keys together (engine against type, copy against vaults) and the
 * defaults that depend on other keys are drill_check.c's.
 */
#include "drill/drill_impl.h"

#include "aws/endpoint.h"
#include "buf.h"
#include "mem.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_types[] = {"rds", "aurora", NULL};
static const char *const s_engines[] = {"postgres", "mysql", "aurora-postgresql", "aurora-mysql",
                                        NULL};
static const char *const s_paths[] = {"backup", "snapshot", NULL};
static const char *const s_selects[] = {"latest", "random", "dr-vault", NULL};
static const char *const s_tls[] = {"prefer", "require", "verify-full", "disable", NULL};
static const char *const s_kinds[] = {"sql",    "tables",    "schema", "checksum",
                                      "canary", "integrity", NULL};
static const char *const s_ops[] = {"equals", ">=", "<=", "regex", "non-empty", NULL};
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
    {NULL, false, NULL},
};

static const struct drill_key s_drill_keys[] = {
    {"name", true, "\"name\": \"orders-nightly\""},
    {"description", false, NULL},
    {"owner", false, NULL},
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
    {"isolation", true,
     "\"isolation\": {\"db_subnet_group\": \"NAME\", \"security_groups\": [\"sg-...\"]}"},
    {NULL, false, NULL},
};
#define DRILL_TARGET_ONLY 7 /* index of the first target-only key above */

static const struct drill_key s_isolation_keys[] = {
    {"db_subnet_group", true, "\"db_subnet_group\": \"NAME\""},
    {"security_groups", true, "\"security_groups\": [\"sg-0123456789abcdef0\"]"},
    {NULL, false, NULL},
};

static const struct drill_key s_resource_keys[] = {
    {"name", false, NULL},
    {"type", true, "\"type\": \"rds\" or \"aurora\""},
    {"engine", true,
     "\"engine\": \"postgres\", \"mysql\", \"aurora-postgresql\" or \"aurora-mysql\""},
    {"source", true,
     "\"source\": \"arn:aws:rds:REGION:ACCOUNT:cluster:NAME\" (or :db:NAME for rds)"},
    {"path", false, NULL},
    {"recovery_point", false, NULL},
    {"copy", false, NULL},
    {"restore", false, NULL},
    {"login", false, NULL},
    {"probes", false, NULL},
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

static const struct drill_key s_login_keys[] = {
    {"database", false, NULL},     {"user", false, NULL},
    {"password_env", false, NULL}, {"password_file", false, NULL},
    {"tls", false, NULL},          {"ca_bundle", false, NULL},
    {NULL, false, NULL},
};

static const struct drill_key s_reports_keys[] = {
    {"junit", false, NULL},
    {"evidence", false, NULL},
    {NULL, false, NULL},
};

/* Probe keys: the first three apply to every kind. */
#define PROBE_KEYS_COMMON                                                                          \
    {"kind", true, "\"kind\": \"sql\" (or tables, schema, checksum, canary, integrity)"},          \
        {"name", false, NULL},                                                                     \
    {                                                                                              \
        "timeout", false, NULL                                                                     \
    }
static const struct drill_key s_probe_keys[][6] = {
    [PROBE_SQL] = {PROBE_KEYS_COMMON,
                   {"query", true, "\"query\": \"select count(*) from orders\""},
                   {"expect", true, "\"expect\": {\"op\": \"equals\", \"value\": \"0\"}"},
                   {NULL, false, NULL}},
    [PROBE_TABLES] = {PROBE_KEYS_COMMON,
                      {"tables", true, "\"tables\": [{\"name\": \"orders\", \"min_rows\": 1}]"},
                      {NULL, false, NULL}},
    [PROBE_SCHEMA] = {PROBE_KEYS_COMMON,
                      {"manifest", true, "\"manifest\": \"manifests/orders.json\""},
                      {NULL, false, NULL}},
    [PROBE_CHECKSUM] = {PROBE_KEYS_COMMON,
                        {"manifest", true, "\"manifest\": \"manifests/orders.json\""},
                        {"tables", false, NULL},
                        {NULL, false, NULL}},
    [PROBE_CANARY] = {PROBE_KEYS_COMMON,
                      {"table", false, NULL},
                      {"column", false, NULL},
                      {NULL, false, NULL}},
    [PROBE_INTEGRITY] = {PROBE_KEYS_COMMON, {"tables", false, NULL}, {NULL, false, NULL}},
};
/* Before the kind is known: every key some probe takes. */
static const struct drill_key s_any_probe_keys[] = {
    PROBE_KEYS_COMMON,       {"query", false, NULL},    {"expect", false, NULL},
    {"tables", false, NULL}, {"manifest", false, NULL}, {"table", false, NULL},
    {"column", false, NULL}, {NULL, false, NULL},
};

static const struct drill_key s_expect_keys[] = {
    {"op", true, "\"op\": \"equals\" (or >=, <=, regex, non-empty)"},
    {"value", true, "\"value\": \"0\""},
    {NULL, false, NULL},
};
static const struct drill_key s_expect_keys_non_empty[] = {
    {"op", true, NULL},
    {"value", false, NULL},
    {NULL, false, NULL},
};

static const struct drill_key s_table_keys[] = {
    {"name", true, "\"name\": \"orders\""},
    {"min_rows", false, NULL},
    {NULL, false, NULL},
};

/* The member key of obj as a string, shape-checked; *out is a copy. shape
 * NULL: any non-empty string. what: "an AWS account id". */
static bool s_text(struct drill_ctx *c, const struct json *obj, const char *path, const char *key,
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

static bool s_region_shape(const char *s)
{
    return aws_partition_of(s) != NULL;
}

static bool s_role_shape(const char *s)
{
    struct drill_arn arn;
    return drill_is_role_arn(s, &arn);
}

static bool s_column_shape(const char *s)
{
    return drill_is_table_name(s) && !strchr(s, '.');
}

/* A member that must be an object (absent: true, *out NULL). */
static bool s_object(struct drill_ctx *c, const struct json *obj, const char *path, const char *key,
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
    if (!s_object(c, root, "", "drill", &o) || !o)
        return;
    drill_check_keys(c, o, "drill", s_drill_keys);
    drill_want_name(c, json_get(o, "name"), "drill.name", 40, &d->name);
    s_text(c, o, "drill", "description", NULL, NULL, NULL, &d->description);
    s_text(c, o, "drill", "owner", NULL, NULL, NULL, &d->owner);
}

static void s_objectives(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const struct json *o;
    if (!s_object(c, root, "", "objectives", &o) || !o)
        return;
    drill_check_keys(c, o, "objectives", s_objective_keys);
    drill_want_duration(c, json_get(o, "rto"), "objectives.rto", &d->rto);
    drill_want_duration(c, json_get(o, "rpo"), "objectives.rpo", &d->rpo);
}

static void s_isolation(struct drill_ctx *c, const struct json *v, struct drill_isolation *iso)
{
    if (json_is_string(v) && strcmp(json_string(v), "create") == 0) {
        iso->create = true;
        return;
    }
    if (!json_is_object(v)) {
        char shown[DRILL_SHOW_MAX];
        if (json_is_string(v))
            drill_fail(c, v, "target.isolation: '%s' is not \"create\" or an object",
                       drill_show(json_string(v), shown, sizeof shown));
        else
            drill_fail(c, v, "target.isolation: expected object or \"create\", got %s",
                       json_type_name(v));
        drill_hint(c, "name the restore's network: {\"db_subnet_group\": \"NAME\", "
                      "\"security_groups\": [\"sg-...\"]}, or \"create\"");
        return;
    }
    drill_check_keys(c, v, "target.isolation", s_isolation_keys);
    s_text(c, v, "target.isolation", "db_subnet_group", drill_is_subnet_group,
           "a DB subnet group name",
           "a DB subnet group name is 1 to 255 letters, digits, periods, underscores, spaces "
           "and hyphens",
           &iso->db_subnet_group);
    const struct json *sgs = json_get(v, "security_groups");
    if (!sgs || !drill_want_array(c, sgs, "target.isolation.security_groups"))
        return;
    size_t n = json_array_size(sgs);
    if (n == 0) {
        drill_fail(c, sgs,
                   "target.isolation.security_groups: at least one security group is needed");
        drill_hint(c, "name the security group that isolates restored databases: "
                      "[\"sg-0123456789abcdef0\"]");
        return;
    }
    iso->security_groups = xcalloc(n, sizeof *iso->security_groups);
    size_t i = 0;
    for (const struct json *e = json_first(sgs); e; e = json_next(e), i++) {
        char where[DRILL_WHERE_MAX], shown[DRILL_SHOW_MAX];
        const char *s;
        drill_where_index(where, sizeof where, "target.isolation.security_groups", i);
        if (!drill_want_string(c, e, where, &s))
            continue;
        if (!drill_is_security_group(s)) {
            drill_fail(c, e, "%s: '%s' is not a security group id", where,
                       drill_show(s, shown, sizeof shown));
            drill_hint(c, "security group ids look like sg-0123456789abcdef0");
            continue;
        }
        iso->security_groups[iso->n_security_groups++] = xstrdup(s);
    }
}

static void s_side(struct drill_ctx *c, const struct json *root, const char *name,
                   struct drill_side *side, struct drill_isolation *iso)
{
    const struct json *o;
    bool target = iso != NULL;
    if (!s_object(c, root, "", name, &o) || !o)
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
    if (!s_text(c, o, name, "account", drill_is_account, "an AWS account id",
                "an account id is 12 digits: \"123456789012\"", &side->account) &&
        json_is_number(account))
        drill_hint(c, "write the account id in quotes: as a number it loses leading zeros");
    s_text(c, o, name, "region", s_region_shape, "an AWS region name",
           "regions look like us-east-1, eu-west-2, cn-northwest-1 or us-gov-west-1",
           &side->region);
    s_text(c, o, name, "profile", NULL, NULL, NULL, &side->profile);
    s_text(c, o, name, "role_arn", s_role_shape, "an IAM role ARN",
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
    s_text(c, o, name, "vault", drill_is_vault_name, "a backup vault name",
           "a backup vault name is 2 to 50 letters, digits, hyphens and underscores", &side->vault);
    s_text(c, o, name, "backup_role_arn", s_role_shape, "an IAM role ARN",
           "an IAM role ARN looks like "
           "arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole",
           &side->backup_role_arn);
    if (!target)
        return;
    s_text(c, o, name, "staging_vault", drill_is_vault_name, "a backup vault name",
           "a backup vault name is 2 to 50 letters, digits, hyphens and underscores",
           &side->staging_vault);
    s_text(c, o, name, "kms_key", drill_is_kms_key, "a KMS key",
           "a KMS key is alias/NAME, a key id, or a key or alias ARN "
           "(arn:aws:kms:REGION:ACCOUNT:key/ID)",
           &side->kms_key);
    const struct json *isolation = json_get(o, "isolation");
    if (isolation)
        s_isolation(c, isolation, iso);
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

/* A list of table names (checksum, integrity) or of tables with a row
 * minimum (tables: strings or {"name", "min_rows"}). */
static void s_tables(struct drill_ctx *c, const struct json *v, const char *path,
                     struct drill_probe *p)
{
    char where[DRILL_WHERE_MAX], shown[DRILL_SHOW_MAX];
    drill_where(where, sizeof where, path, "tables");
    if (!v || !drill_want_array(c, v, where))
        return;
    size_t n = json_array_size(v);
    if (n == 0) {
        drill_fail(c, v, "%s: the list is empty", where);
        if (p->kind == PROBE_TABLES)
            drill_hint(c, "name at least one table: [{\"name\": \"orders\", \"min_rows\": 1}]");
        else
            drill_hint(c, "leave \"tables\" out to check every table");
        return;
    }
    p->tables = xcalloc(n, sizeof *p->tables);
    size_t i = 0;
    for (const struct json *e = json_first(v); e; e = json_next(e), i++) {
        char at[DRILL_WHERE_MAX];
        const char *name = NULL;
        const struct json *name_v = e;
        long long min_rows = 1;
        bool ok = true;
        drill_where_index(at, sizeof at, where, i);
        if (json_is_object(e) && p->kind == PROBE_TABLES) {
            char sub[DRILL_WHERE_MAX];
            drill_check_keys(c, e, at, s_table_keys);
            drill_where(sub, sizeof sub, at, "min_rows");
            ok = drill_want_int(c, json_get(e, "min_rows"), sub, 0, 1000000000000LL, &min_rows);
            name_v = json_get(e, "name");
            drill_where(sub, sizeof sub, at, "name");
            if (!drill_want_string(c, name_v, sub, &name) || !name)
                continue;
            snprintf(at, sizeof at, "%s", sub);
        } else if (!json_is_string(e)) {
            drill_fail(c, e, "%s: expected %s, got %s", at,
                       p->kind == PROBE_TABLES ? "string or object" : "string (a table name)",
                       json_type_name(e));
            drill_hint(c,
                       p->kind == PROBE_TABLES
                           ? "list tables as \"orders\" or {\"name\": \"orders\", \"min_rows\": 1}"
                           : "list table names: [\"orders\", \"public.customers\"]");
            continue;
        } else if (!drill_want_string(c, e, at, &name)) {
            continue;
        }
        if (!drill_is_table_name(name)) {
            drill_fail(c, name_v, "%s: '%s' is not a table name", at,
                       drill_show(name, shown, sizeof shown));
            drill_hint(c, "a table is NAME or SCHEMA.NAME, each part letters, digits, _ and $ "
                          "(not starting with a digit), at most 63 characters");
            continue;
        }
        if (!ok)
            continue;
        p->tables[p->n_tables].name = xstrdup(name);
        p->tables[p->n_tables++].min_rows = min_rows;
    }
}

static void s_expect(struct drill_ctx *c, const struct json *probe, const char *path,
                     struct drill_probe *p)
{
    char where[DRILL_WHERE_MAX], sub[DRILL_WHERE_MAX], shown[DRILL_SHOW_MAX];
    const struct json *e;
    int op = -1;
    drill_where(where, sizeof where, path, "expect");
    if (!s_object(c, probe, path, "expect", &e) || !e)
        return;
    drill_where(sub, sizeof sub, where, "op");
    const struct json *op_v = json_get(e, "op");
    if (!drill_want_enum(c, op_v, sub, s_ops, &op) || op < 0) {
        /* Operators from other languages are no typos of these names. */
        static const char *const spelt[][2] = {{"=", "equals"}, {"==", "equals"}, {"eq", "equals"},
                                               {">", ">="},     {"<", "<="},      {"~", "regex"}};
        for (size_t k = 0; json_is_string(op_v) && k < sizeof spelt / sizeof spelt[0]; k++)
            if (strcmp(json_string(op_v), spelt[k][0]) == 0)
                drill_hint(c, "did you mean '%s'?", spelt[k][1]);
        drill_check_keys(c, e, where, s_expect_keys_non_empty);
        return;
    }
    p->op = (enum probe_op)op;
    const struct json *value = json_get(e, "value");
    drill_where(sub, sizeof sub, where, "value");
    if (p->op == PROBE_NON_EMPTY) {
        drill_check_keys(c, e, where, s_expect_keys_non_empty);
        if (value) {
            drill_fail_key(c, value, "%s: op 'non-empty' takes no value", sub);
            drill_hint(c, "remove \"value\", or use op \"equals\" to compare");
        }
        return;
    }
    drill_check_keys(c, e, where, s_expect_keys);
    if (!value)
        return;
    if (!json_is_string(value)) {
        drill_fail(c, value, "%s: expected string, got %s", sub, json_type_name(value));
        drill_hint(c, "write the expected value as text, in quotes: \"1000\"");
        return;
    }
    /* An empty text is a value too: equals "" expects an empty string. */
    const char *s = json_string(value);
    if (p->op == PROBE_GE || p->op == PROBE_LE) {
        if (!drill_is_decimal(s)) {
            drill_fail(c, value, "%s: '%s' is not a number (op '%s' compares numbers)", sub,
                       drill_show(s, shown, sizeof shown), s_ops[op]);
            drill_hint(c, "write a number in quotes, such as \"1000\" or \"0.5\"; "
                          "use op \"equals\" to compare text");
            return;
        }
    } else if (p->op == PROBE_REGEX) {
        regex_t re;
        int rc = regcomp(&re, s, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char why[128];
            regerror(rc, &re, why, sizeof why);
            drill_fail(c, value, "%s: invalid regular expression: %s", sub, why);
            drill_hint(c, "write a POSIX extended regular expression, such as \"^[0-9]+$\"");
            return;
        }
        regfree(&re);
    }
    p->expect = xstrdup(s);
}

static void s_probe(struct drill_ctx *c, const struct json *v, const char *path,
                    struct drill_probe *p)
{
    char where[DRILL_WHERE_MAX];
    int kind = -1;
    if (!drill_want_object(c, v, path))
        return;
    drill_where(where, sizeof where, path, "kind");
    if (!drill_want_enum(c, json_get(v, "kind"), where, s_kinds, &kind) || kind < 0) {
        drill_check_keys(c, v, path, s_any_probe_keys);
        return;
    }
    p->kind = (enum probe_kind)kind;
    /* A key of another kind of probe gets its own message before the
     * generic one (the first error at a position is the one kept). */
    for (const struct json *m = json_first(v); m; m = json_next(m)) {
        const char *key = json_key(m);
        bool mine = false, other = false;
        for (const struct drill_key *k = s_probe_keys[kind]; k->name && !mine; k++)
            mine = strcmp(k->name, key) == 0;
        for (const struct drill_key *k = s_any_probe_keys; k->name && !other; k++)
            other = strcmp(k->name, key) == 0;
        if (mine || !other)
            continue;
        drill_fail_key(c, m, "%s: key '%s' does not apply to a %s probe", path, key, s_kinds[kind]);
        struct buf list;
        buf_init(&list);
        for (const struct drill_key *k = s_probe_keys[kind]; k->name; k++)
            buf_printf(&list, "%s%s", k == s_probe_keys[kind] ? "" : ", ", k->name);
        drill_hint(c, "a %s probe takes: %s", s_kinds[kind], buf_str(&list));
        buf_clean_up(&list);
    }
    drill_check_keys(c, v, path, s_probe_keys[kind]);
    drill_where(where, sizeof where, path, "name");
    drill_want_name(c, json_get(v, "name"), where, 40, &p->name);
    drill_where(where, sizeof where, path, "timeout");
    drill_want_duration(c, json_get(v, "timeout"), where, &p->timeout);

    switch (p->kind) {
    case PROBE_SQL:
        s_text(c, v, path, "query", NULL, NULL, NULL, &p->query);
        s_expect(c, v, path, p);
        break;
    case PROBE_SCHEMA:
    case PROBE_CHECKSUM:
        s_text(c, v, path, "manifest", NULL, NULL, NULL, &p->manifest);
        if (p->kind == PROBE_CHECKSUM)
            s_tables(c, json_get(v, "tables"), path, p);
        break;
    case PROBE_CANARY:
        s_text(c, v, path, "table", drill_is_table_name, "a table name",
               "a table is NAME or SCHEMA.NAME, each part letters, digits, _ and $",
               &p->canary_table);
        s_text(c, v, path, "column", s_column_shape, "a column name",
               "a column name is letters, digits, _ and $, not starting with a digit",
               &p->canary_column);
        break;
    case PROBE_TABLES:
    case PROBE_INTEGRITY:
        s_tables(c, json_get(v, "tables"), path, p);
        break;
    }
}

static void s_login(struct drill_ctx *c, const struct json *r, const char *path,
                    struct drill_db_login *l)
{
    const struct json *o;
    char where[DRILL_WHERE_MAX];
    int tls = DRILL_TLS_PREFER;
    drill_where(where, sizeof where, path, "login");
    if (!s_object(c, r, path, "login", &o) || !o)
        return;
    drill_check_keys(c, o, where, s_login_keys);
    s_text(c, o, where, "database", NULL, NULL, NULL, &l->database);
    s_text(c, o, where, "user", NULL, NULL, NULL, &l->user);
    s_text(c, o, where, "password_env", drill_is_env_name, "an environment variable name",
           "an environment variable name is letters, digits and _, not starting with a digit: "
           "\"ORDERS_DB_PASSWORD\"",
           &l->password_env);
    s_text(c, o, where, "password_file", NULL, NULL, NULL, &l->password_file);
    char sub[DRILL_WHERE_MAX];
    drill_where(sub, sizeof sub, where, "tls");
    if (drill_want_enum(c, json_get(o, "tls"), sub, s_tls, &tls))
        l->tls = (enum drill_tls)tls;
    s_text(c, o, where, "ca_bundle", NULL, NULL, NULL, &l->ca_bundle);
}

static void s_resource(struct drill_ctx *c, const struct json *v, const char *path,
                       struct drill_resource *r)
{
    char where[DRILL_WHERE_MAX];
    int e = 0;
    if (!drill_want_object(c, v, path))
        return;
    drill_check_keys(c, v, path, s_resource_keys);
    drill_where(where, sizeof where, path, "name");
    drill_want_name(c, json_get(v, "name"), where, 30, &r->name);
    drill_where(where, sizeof where, path, "type");
    const struct json *type = json_get(v, "type");
    if (drill_want_enum(c, type, where, s_types, &e)) {
        r->type = (enum drill_resource_type)e;
    } else {
        for (size_t k = 0; json_is_string(type) && s_engines[k]; k++)
            if (strcmp(json_string(type), s_engines[k]) == 0)
                drill_hint(c, "'%s' is an engine: write \"engine\": \"%s\" and \"type\": \"%s\"",
                           s_engines[k], s_engines[k],
                           strncmp(s_engines[k], "aurora", 6) == 0 ? "aurora" : "rds");
    }
    drill_where(where, sizeof where, path, "engine");
    if (drill_want_enum(c, json_get(v, "engine"), where, s_engines, &e))
        r->engine = (enum drill_engine)e;
    s_text(c, v, path, "source", s_db_source_shape, "an RDS ARN or DB identifier",
           "name the production database: arn:aws:rds:REGION:ACCOUNT:cluster:NAME (aurora), "
           "arn:aws:rds:REGION:ACCOUNT:db:NAME (rds), or the identifier alone",
           &r->source);
    drill_where(where, sizeof where, path, "path");
    e = DRILL_PATH_BACKUP;
    if (drill_want_enum(c, json_get(v, "path"), where, s_paths, &e))
        r->path = (enum drill_path)e;

    const struct json *o;
    char sub[DRILL_WHERE_MAX];
    drill_where(where, sizeof where, path, "recovery_point");
    if (s_object(c, v, path, "recovery_point", &o) && o) {
        long long days = r->within_days;
        drill_check_keys(c, o, where, s_recovery_point_keys);
        drill_where(sub, sizeof sub, where, "select");
        e = DRILL_SELECT_LATEST;
        if (drill_want_enum(c, json_get(o, "select"), sub, s_selects, &e))
            r->select = (enum drill_select)e;
        drill_where(sub, sizeof sub, where, "within_days");
        if (drill_want_int(c, json_get(o, "within_days"), sub, 1, 3650, &days))
            r->within_days = (int)days;
    }
    drill_where(where, sizeof where, path, "copy");
    drill_want_bool(c, json_get(v, "copy"), where, &r->copy);
    drill_where(where, sizeof where, path, "restore");
    if (s_object(c, v, path, "restore", &o) && o) {
        drill_check_keys(c, o, where, s_restore_keys);
        s_text(c, o, where, "instance_class", drill_is_instance_class, "a DB instance class",
               "instance classes look like db.t3.medium, db.r6g.large or db.serverless",
               &r->instance_class);
    }
    s_login(c, v, path, &r->login);

    const struct json *probes = json_get(v, "probes");
    drill_where(where, sizeof where, path, "probes");
    if (!probes || !drill_want_array(c, probes, where))
        return;
    size_t n = json_array_size(probes);
    r->probes = n ? xcalloc(n, sizeof *r->probes) : NULL;
    for (const struct json *p = json_first(probes); p; p = json_next(p)) {
        struct drill_probe *probe = &r->probes[r->n_probes];
        drill_where(where, sizeof where, path, "probes");
        drill_where_index(sub, sizeof sub, where, r->n_probes++);
        probe->timeout = 60;
        s_probe(c, p, sub, probe);
    }
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
        s_resource(c, r, path, res);
    }
}

static void s_reports(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const struct json *o;
    if (!s_object(c, root, "", "reports", &o) || !o)
        return;
    drill_check_keys(c, o, "reports", s_reports_keys);
    s_text(c, o, "reports", "junit", NULL, NULL, NULL, &d->junit);
    s_text(c, o, "reports", "evidence", NULL, NULL, NULL, &d->evidence);
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
    if (drill_want_enum(c, json_get(root, "teardown"), "teardown", s_teardowns, &teardown))
        d->teardown = (enum drill_teardown)teardown;
    s_reports(c, root, d);
}
