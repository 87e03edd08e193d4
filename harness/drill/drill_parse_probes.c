/*
 * The probes of a resource, from JSON to struct drill_probe: the kinds each
 * resource type takes, the keys of each kind, and the values of the
 * database probes (sql and its expectation, tables, schema, checksum,
 * canary, integrity). The keys of the efs and ec2 probes are
 * drill_parse_kinds.c's; default names are drill_check.c's.
 */
#include "drill/drill_impl.h"

#include "mem.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

static const char *const s_kinds[] = {"sql",       "tables",   "schema", "checksum", "canary",
                                      "integrity", "manifest", "files",  "http",     "tcp",
                                      "status",    "command",  NULL};
/* The probe kinds each resource type takes (bits of enum probe_kind). */
#define KIND(k) (1u << (k))
static const unsigned s_type_kinds[] = {
    [DRILL_RDS] = KIND(PROBE_SQL) | KIND(PROBE_TABLES) | KIND(PROBE_SCHEMA) | KIND(PROBE_CHECKSUM) |
                  KIND(PROBE_CANARY) | KIND(PROBE_INTEGRITY),
    [DRILL_AURORA] = KIND(PROBE_SQL) | KIND(PROBE_TABLES) | KIND(PROBE_SCHEMA) |
                     KIND(PROBE_CHECKSUM) | KIND(PROBE_CANARY) | KIND(PROBE_INTEGRITY),
    [DRILL_EFS] = KIND(PROBE_MANIFEST) | KIND(PROBE_FILES) | KIND(PROBE_CANARY),
    [DRILL_S3] = 0,
    [DRILL_EC2] = KIND(PROBE_HTTP) | KIND(PROBE_TCP) | KIND(PROBE_STATUS),
    [DRILL_CHECK] = KIND(PROBE_COMMAND) | KIND(PROBE_HTTP),
};
/* The same, for hints. */
static const char *const s_type_kind_names[] = {
    [DRILL_RDS] = "sql, tables, schema, checksum, canary, integrity",
    [DRILL_AURORA] = "sql, tables, schema, checksum, canary, integrity",
    [DRILL_EFS] = "manifest, files, canary",
    [DRILL_S3] = "none (its checks are built in)",
    [DRILL_EC2] = "http, tcp, status",
    [DRILL_CHECK] = "command, http (with a url)",
};
static const char *const s_ops[] = {"equals", ">=", "<=", "regex", "non-empty", NULL};

/* Probe keys: the first three apply to every kind. */
#define PROBE_KEYS_COMMON                                                                          \
    {"kind", true, "\"kind\": \"tables\" (databases), \"files\" (efs) or \"http\" (ec2)"},         \
        {"name", false, NULL},                                                                     \
    {                                                                                              \
        "timeout", false, NULL                                                                     \
    }
static const struct drill_key s_probe_keys[][8] = {
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
                        {"jobs", false, NULL},
                        {NULL, false, NULL}},
    [PROBE_CANARY] = {PROBE_KEYS_COMMON,
                      {"table", false, NULL},
                      {"column", false, NULL},
                      {NULL, false, NULL}},
    [PROBE_INTEGRITY] = {PROBE_KEYS_COMMON, {"tables", false, NULL}, {NULL, false, NULL}},
    [PROBE_MANIFEST] = {PROBE_KEYS_COMMON,
                        {"manifest", true, "\"manifest\": \"manifests/files.json\""},
                        {NULL, false, NULL}},
    [PROBE_FILES] = {PROBE_KEYS_COMMON,
                     {"paths", false, NULL},
                     {"min_files", false, NULL},
                     {"max_age", false, NULL},
                     {NULL, false, NULL}},
    [PROBE_HTTP] = {PROBE_KEYS_COMMON,
                    {"port", false, NULL},
                    {"path", false, NULL},
                    {"status", false, NULL},
                    {"body", false, NULL},
                    {NULL, false, NULL}},
    [PROBE_TCP] = {PROBE_KEYS_COMMON, {"port", true, "\"port\": 443"}, {NULL, false, NULL}},
    [PROBE_STATUS] = {PROBE_KEYS_COMMON, {NULL, false, NULL}},
    [PROBE_COMMAND] = {PROBE_KEYS_COMMON,
                       {"command", true, "\"command\": \"curl -fsS http://{app.private_ip}/\""},
                       {"output", false, NULL},
                       {NULL, false, NULL}},
};
/* An efs canary reads a file, not a table. */
static const struct drill_key s_efs_canary_keys[] = {
    PROBE_KEYS_COMMON,
    {"file", false, NULL},
    {NULL, false, NULL},
};
/* Before the kind is known: every key some probe takes. */
static const struct drill_key s_any_probe_keys[] = {
    PROBE_KEYS_COMMON,          {"query", false, NULL},    {"expect", false, NULL},
    {"tables", false, NULL},    {"manifest", false, NULL}, {"table", false, NULL},
    {"column", false, NULL},    {"file", false, NULL},     {"paths", false, NULL},
    {"min_files", false, NULL}, {"max_age", false, NULL},  {"port", false, NULL},
    {"path", false, NULL},      {"status", false, NULL},   {"body", false, NULL},
    {"command", false, NULL},   {"output", false, NULL},   {"url", false, NULL},
    {"jobs", false, NULL},      {NULL, false, NULL},
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
static bool s_column_shape(const char *s)
{
    return drill_is_table_name(s) && !strchr(s, '.');
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
    if (!drill_object(c, probe, path, "expect", &e) || !e)
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

const char *drill_article(const char *word)
{
    return strchr("aeiou", word[0]) || strcmp(word, "http") == 0 || strcmp(word, "rds") == 0 ||
                   strcmp(word, "s3") == 0
               ? "an"
               : "a";
}

/* One probe of a resource of type type (typed false: the type is unknown). */
static void s_probe(struct drill_ctx *c, const struct json *v, const char *path,
                    struct drill_probe *p, enum drill_resource_type type, bool typed)
{
    char where[DRILL_WHERE_MAX];
    int kind = -1;
    if (!drill_want_object(c, v, path))
        return;
    drill_where(where, sizeof where, path, "kind");
    const struct json *kind_v = json_get(v, "kind");
    if (!drill_want_enum(c, kind_v, where, s_kinds, &kind) || kind < 0) {
        drill_check_keys(c, v, path, s_any_probe_keys);
        return;
    }
    p->kind = (enum probe_kind)kind;
    if (typed && !(s_type_kinds[type] & KIND(kind))) {
        const char *tn = drill_resource_type_name(type);
        drill_fail(c, kind_v, "%s: a '%s' probe does not apply to %s %s resource", where,
                   s_kinds[kind], drill_article(tn), tn);
        drill_hint(c, "%s probes: %s", tn, s_type_kind_names[type]);
        drill_check_keys(c, v, path, s_any_probe_keys);
        return;
    }
    if (typed && type == DRILL_CHECK) {
        drill_parse_check_probe(c, v, path, p);
        drill_where(where, sizeof where, path, "name");
        drill_want_name(c, json_get(v, "name"), where, 40, &p->name);
        drill_where(where, sizeof where, path, "timeout");
        drill_want_duration(c, json_get(v, "timeout"), where, &p->timeout);
        return;
    }
    bool efs = typed && type == DRILL_EFS;
    const struct drill_key *keys =
        p->kind == PROBE_CANARY && efs ? s_efs_canary_keys : s_probe_keys[kind];
    /* A key of another kind of probe gets its own message before the
     * generic one (the first error at a position is the one kept). */
    char what[64];
    snprintf(what, sizeof what, "%s %s%s probe", drill_article(s_kinds[kind]), efs ? "efs " : "",
             s_kinds[kind]);
    if (p->kind != PROBE_CANARY || !efs)
        snprintf(what, sizeof what, "%s %s probe", drill_article(s_kinds[kind]), s_kinds[kind]);
    else
        snprintf(what, sizeof what, "a canary probe of an efs resource");
    drill_foreign_keys(c, v, path, keys, s_any_probe_keys, what, what);
    drill_check_keys(c, v, path, keys);
    drill_where(where, sizeof where, path, "name");
    drill_want_name(c, json_get(v, "name"), where, 40, &p->name);
    drill_where(where, sizeof where, path, "timeout");
    drill_want_duration(c, json_get(v, "timeout"), where, &p->timeout);

    switch (p->kind) {
    case PROBE_SQL:
        drill_text(c, v, path, "query", NULL, NULL, NULL, &p->query);
        s_expect(c, v, path, p);
        break;
    case PROBE_SCHEMA:
    case PROBE_CHECKSUM:
        drill_text(c, v, path, "manifest", NULL, NULL, NULL, &p->manifest);
        if (p->kind == PROBE_CHECKSUM) {
            s_tables(c, json_get(v, "tables"), path, p);
            long long jobs = 4;
            drill_where(where, sizeof where, path, "jobs");
            if (json_get(v, "jobs"))
                drill_want_int(c, json_get(v, "jobs"), where, 1, 64, &jobs);
            p->jobs = (int)jobs;
        }
        break;
    case PROBE_CANARY:
        if (efs) {
            drill_parse_kind_probe(c, v, path, p, true);
            break;
        }
        drill_text(c, v, path, "table", drill_is_table_name, "a table name",
                   "a table is NAME or SCHEMA.NAME, each part letters, digits, _ and $",
                   &p->canary_table);
        drill_text(c, v, path, "column", s_column_shape, "a column name",
                   "a column name is letters, digits, _ and $, not starting with a digit",
                   &p->canary_column);
        break;
    case PROBE_TABLES:
    case PROBE_INTEGRITY:
        s_tables(c, json_get(v, "tables"), path, p);
        break;
    case PROBE_MANIFEST:
    case PROBE_FILES:
    case PROBE_HTTP:
    case PROBE_TCP:
    case PROBE_STATUS:
    case PROBE_COMMAND:
        drill_parse_kind_probe(c, v, path, p, false);
        break;
    }
}

void drill_parse_probes(struct drill_ctx *c, const struct json *rv, const char *path,
                        struct drill_resource *r, bool typed)
{
    char where[DRILL_WHERE_MAX];
    const struct json *probes = json_get(rv, "probes");
    drill_where(where, sizeof where, path, "probes");
    if (!probes || !drill_want_array(c, probes, where))
        return;
    size_t n = json_array_size(probes);
    r->probes = n ? xcalloc(n, sizeof *r->probes) : NULL;
    for (const struct json *p = json_first(probes); p; p = json_next(p)) {
        char sub[DRILL_WHERE_MAX];
        struct drill_probe *probe = &r->probes[r->n_probes];
        drill_where_index(sub, sizeof sub, where, r->n_probes++);
        probe->timeout = 60;
        s_probe(c, p, sub, probe, r->type, typed);
    }
}
