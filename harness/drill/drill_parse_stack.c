/*
 * From the JSON of a drill file to struct drill for what ties a drill's
 * resources into a stack: target.isolation (named, or built by drh with
 * "create"), a resource's "after" (the order, and whose outputs it may
 * use), a point-in-time restore's moment, the resources of type "check"
 * and their probes (command, http with a url), and the posture section.
 * Rules between these and the rest are drill_check_stack.c's.
 */
#include "drill/drill_impl.h"

#include "mem.h"

#include <stdio.h>
#include <string.h>

static const struct drill_key s_isolation_keys[] = {
    {"db_subnet_group", false, NULL},
    {"subnet", false, NULL},
    {"security_groups", false, NULL},
    {"create", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_create_keys[] = {
    {"allow_from", true,
     "\"allow_from\": \"10.20.0.0/16\" (the address range drh's runner reaches restored "
     "resources from)"},
    {"vpc_cidr", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_pitr_keys[] = {
    {"at", false, NULL},
    {"latest", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_posture_keys[] = {
    {"plan", false, NULL},      {"rules", false, NULL},      {"copies", false, NULL},
    {"resources", false, NULL}, {"copies_age", false, NULL}, {NULL, false, NULL},
};
static const struct drill_key s_rule_keys[] = {
    {"name", true, "\"name\": \"daily\" (a part of the plan's rule name)"},
    {"retention", true, "\"retention\": \"7d\""},
    {NULL, false, NULL},
};
static const struct drill_key s_copy_keys[] = {
    {"account", true, "\"account\": \"222222222222\""},
    {"region", true, "\"region\": \"us-west-2\""},
    {"vault", false, NULL},
    {NULL, false, NULL},
};

static bool s_allow_from_shape(const char *s)
{
    return drill_is_cidr(s, 0, 32);
}

static bool s_vpc_cidr_shape(const char *s)
{
    /* AWS: a VPC is /16 to /28; drh cuts two /24 subnets from it. */
    return drill_is_cidr(s, 16, 23);
}

static void s_create(struct drill_ctx *c, const struct json *v, struct drill_isolation *iso)
{
    const char *where = "target.isolation.create";
    if (!drill_want_object(c, v, where))
        return;
    iso->create = true;
    drill_check_keys(c, v, where, s_create_keys);
    drill_text(c, v, where, "allow_from", s_allow_from_shape, "an IPv4 CIDR",
               "write the runner's address range as a CIDR without host bits: \"10.20.0.0/16\"",
               &iso->allow_from);
    drill_text(c, v, where, "vpc_cidr", s_vpc_cidr_shape, "an IPv4 CIDR from /16 to /23",
               "drh cuts two /24 subnets from the VPC's range: \"10.213.0.0/16\"",
               &iso->vpc_cidr);
    if (!iso->vpc_cidr)
        iso->vpc_cidr = xstrdup("10.213.0.0/16");
}

void drill_parse_isolation(struct drill_ctx *c, const struct json *v, struct drill_isolation *iso)
{
    if (!json_is_object(v)) {
        char shown[DRILL_SHOW_MAX];
        if (json_is_string(v))
            drill_fail(c, v, "target.isolation: '%s' is not an object",
                       drill_show(json_string(v), shown, sizeof shown));
        else
            drill_fail(c, v, "target.isolation: expected object, got %s", json_type_name(v));
        drill_hint(c, "name the restore's network: {\"db_subnet_group\": \"NAME\", \"subnet\": "
                      "\"subnet-...\", \"security_groups\": [\"sg-...\"]}, or let drh build one: "
                      "{\"create\": {\"allow_from\": \"10.20.0.0/16\"}}");
        return;
    }
    drill_check_keys(c, v, "target.isolation", s_isolation_keys);
    const struct json *create = json_get(v, "create");
    if (create) {
        s_create(c, create, iso);
        for (const struct drill_key *k = s_isolation_keys; k->name; k++) {
            const struct json *m = json_get(v, k->name);
            if (!m || m == create)
                continue;
            drill_conflict(c, m, true, "target.isolation.%s: not used with \"create\"", k->name);
            drill_hint(c, "drh builds the subnet group, subnets and security group itself: "
                          "remove \"%s\", or remove \"create\" to use your own",
                          k->name);
        }
        return;
    }
    drill_text(c, v, "target.isolation", "db_subnet_group", drill_is_subnet_group,
               "a DB subnet group name",
               "a DB subnet group name is 1 to 255 letters, digits, periods, underscores, spaces "
               "and hyphens",
               &iso->db_subnet_group);
    drill_text(c, v, "target.isolation", "subnet", drill_is_subnet, "a subnet id",
               "subnet ids look like subnet-0123456789abcdef0", &iso->subnet);
    const struct json *sgs = json_get(v, "security_groups");
    if (!sgs || !drill_want_array(c, sgs, "target.isolation.security_groups"))
        return;
    size_t n = json_array_size(sgs);
    if (n == 0) {
        drill_fail(c, sgs,
                   "target.isolation.security_groups: at least one security group is needed");
        drill_hint(c, "name the security group that isolates restored resources: "
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

/* A list of strings each of a shape; NULL shape: any non-empty text. */
static void s_strings(struct drill_ctx *c, const struct json *v, const char *where,
                      bool (*shape)(const char *), const char *what, const char *hint,
                      char ***out, size_t *n_out)
{
    if (!v || !drill_want_array(c, v, where))
        return;
    size_t n = json_array_size(v), i = 0;
    *out = n ? xcalloc(n, sizeof **out) : NULL;
    for (const struct json *e = json_first(v); e; e = json_next(e), i++) {
        char sub[DRILL_WHERE_MAX], shown[DRILL_SHOW_MAX];
        const char *s;
        drill_where_index(sub, sizeof sub, where, i);
        if (!drill_want_string(c, e, sub, &s))
            continue;
        if (!s[0] || (shape && !shape(s))) {
            drill_fail(c, e, "%s: '%s' is not %s", sub, drill_show(s, shown, sizeof shown), what);
            drill_hint(c, "%s", hint);
            continue;
        }
        (*out)[(*n_out)++] = xstrdup(s);
    }
}

static bool s_resource_name(const char *s)
{
    return drill_is_name(s, 30);
}

void drill_parse_after(struct drill_ctx *c, const struct json *rv, const char *path,
                       struct drill_resource *r)
{
    char where[DRILL_WHERE_MAX];
    drill_where(where, sizeof where, path, "after");
    s_strings(c, json_get(rv, "after"), where, s_resource_name, "a resource name",
              "name an earlier resource of this drill: [\"db\"]", &r->after, &r->n_after);
}

void drill_parse_pitr(struct drill_ctx *c, const struct json *rv, const char *path,
                      struct drill_resource *r)
{
    const struct json *o;
    char where[DRILL_WHERE_MAX], sub[DRILL_WHERE_MAX];
    if (!drill_object(c, rv, path, "pitr", &o) || !o)
        return;
    drill_where(where, sizeof where, path, "pitr");
    drill_check_keys(c, o, where, s_pitr_keys);
    drill_want_moment(c, o, where, "at", &r->pitr.at, &r->pitr.ago);
    drill_where(sub, sizeof sub, where, "latest");
    drill_want_bool(c, json_get(o, "latest"), sub, &r->pitr.latest);
    if (json_get(o, "at") && r->pitr.latest) {
        drill_conflict(c, json_get(o, "latest"), true, "%s: give \"at\" or \"latest\", not both",
                       where);
        drill_hint(c, "\"at\" is a moment (\"2026-11-20T03:59:00Z\") or how long before the "
                      "drill starts (\"15m\"); \"latest\" the newest restorable time");
    }
}

/* The kinds of a check resource's probes: command, and http with a url. */
static const struct drill_key s_command_keys[] = {
    {"kind", true, NULL},
    {"name", false, NULL},
    {"timeout", false, NULL},
    {"command", true, "\"command\": \"curl -fsS http://{app.private_ip}/health\""},
    {"output", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_url_keys[] = {
    {"kind", true, NULL},
    {"name", false, NULL},
    {"timeout", false, NULL},
    {"url", true, "\"url\": \"http://{web.private_ip}:8080/health\""},
    {"status", false, NULL},
    {"body", false, NULL},
    {NULL, false, NULL},
};

void drill_parse_check_probe(struct drill_ctx *c, const struct json *v, const char *path,
                             struct drill_probe *p)
{
    char where[DRILL_WHERE_MAX];
    drill_check_keys(c, v, path, p->kind == PROBE_COMMAND ? s_command_keys : s_url_keys);
    if (p->kind == PROBE_COMMAND) {
        drill_text(c, v, path, "command", NULL, NULL, NULL, &p->command);
        drill_regex(c, v, path, "output", "\"ok\"", &p->output_regex);
        return;
    }
    drill_text(c, v, path, "url", drill_is_url_template, "an http:// URL",
               "write an http:// URL (drh's probe speaks plain HTTP); earlier resources' outputs "
               "fill {NAME.KEY}: "
               "\"http://{web.private_ip}:8080/health\"",
               &p->url);
    long long n = 200;
    drill_where(where, sizeof where, path, "status");
    if (drill_want_int(c, json_get(v, "status"), where, 100, 599, &n))
        p->http_status = (int)n;
    drill_regex(c, v, path, "body", "\"\\\"status\\\": *\\\"ok\\\"\"", &p->body_regex);
}

static bool s_days(struct drill_ctx *c, const struct json *v, const char *where, long *days)
{
    long secs = 0;
    if (!drill_want_duration(c, v, where, &secs) || !v)
        return false;
    if (secs % 86400 != 0) {
        drill_fail(c, v, "%s: a retention is a whole number of days", where);
        return drill_hint(c, "AWS Backup keeps recovery points for days: \"7d\", \"28d\", "
                             "\"2555d\"");
    }
    *days = secs / 86400;
    return true;
}

static void s_rules(struct drill_ctx *c, const struct json *v, struct drill_posture *p)
{
    const char *where = "posture.rules";
    if (!drill_want_array(c, v, where))
        return;
    size_t n = json_array_size(v), i = 0;
    p->rules = n ? xcalloc(n, sizeof *p->rules) : NULL;
    for (const struct json *e = json_first(v); e; e = json_next(e), i++) {
        char sub[DRILL_WHERE_MAX], key[DRILL_WHERE_MAX];
        drill_where_index(sub, sizeof sub, where, i);
        if (!drill_want_object(c, e, sub))
            continue;
        drill_check_keys(c, e, sub, s_rule_keys);
        struct drill_posture_rule *r = &p->rules[p->n_rules++];
        drill_text(c, e, sub, "name", NULL, NULL, NULL, &r->name);
        drill_where(key, sizeof key, sub, "retention");
        s_days(c, json_get(e, "retention"), key, &r->retention_days);
    }
}

static void s_copies(struct drill_ctx *c, const struct json *v, struct drill_posture *p)
{
    const char *where = "posture.copies";
    if (!drill_want_array(c, v, where))
        return;
    size_t n = json_array_size(v), i = 0;
    p->copies = n ? xcalloc(n, sizeof *p->copies) : NULL;
    for (const struct json *e = json_first(v); e; e = json_next(e), i++) {
        char sub[DRILL_WHERE_MAX];
        drill_where_index(sub, sizeof sub, where, i);
        if (!drill_want_object(c, e, sub))
            continue;
        drill_check_keys(c, e, sub, s_copy_keys);
        struct drill_posture_copy *cp = &p->copies[p->n_copies++];
        drill_text(c, e, sub, "account", drill_is_account, "an AWS account id",
                   "an account id is 12 digits: \"222222222222\"", &cp->account);
        drill_text(c, e, sub, "region", drill_is_region, "an AWS region name",
                   "regions look like us-east-1, eu-west-2", &cp->region);
        drill_text(c, e, sub, "vault", drill_is_vault_name, "a backup vault name",
                   "a backup vault name is 2 to 50 letters, digits, hyphens and underscores",
                   &cp->vault);
    }
}

static bool s_arn(const char *s)
{
    struct drill_arn arn;
    return drill_arn_split(s, &arn);
}

void drill_parse_posture(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const struct json *o;
    struct drill_posture *p = &d->posture;
    p->check_copies = true;
    if (!drill_object(c, root, "", "posture", &o) || !o)
        return;
    p->present = true;
    drill_check_keys(c, o, "posture", s_posture_keys);
    drill_text(c, o, "posture", "plan", NULL, NULL, NULL, &p->plan);
    if (json_get(o, "rules"))
        s_rules(c, json_get(o, "rules"), p);
    if (json_get(o, "copies"))
        s_copies(c, json_get(o, "copies"), p);
    s_strings(c, json_get(o, "resources"), "posture.resources", s_arn, "an ARN",
              "name a protected resource by its ARN: "
              "\"arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/fs-...\"",
              &p->resources, &p->n_resources);
    drill_want_bool(c, json_get(o, "copies_age"), "posture.copies_age", &p->check_copies);
}

/* The defaults that depend on the rest of the drill (drill_check). */
void drill_posture_defaults(struct drill *d)
{
    struct drill_posture *p = &d->posture;
    if (!p->rules) {
        static const struct {
            const char *name;
            long days;
        } seed[] = {{"daily", 7}, {"weekly", 28}, {"monthly", 2555}};
        p->rules = xcalloc(3, sizeof *p->rules);
        for (size_t i = 0; i < 3; i++) {
            p->rules[i].name = xstrdup(seed[i].name);
            p->rules[i].retention_days = seed[i].days;
        }
        p->n_rules = 3;
    }
    if (!p->copies && d->target.vault &&
        (strcmp(d->source.account, d->target.account) != 0 ||
         strcmp(d->source.region, d->target.region) != 0)) {
        p->copies = xcalloc(1, sizeof *p->copies);
        p->copies[0].account = xstrdup(d->target.account);
        p->copies[0].region = xstrdup(d->target.region);
        p->copies[0].vault = xstrdup(d->target.vault);
        p->n_copies = 1;
    }
    if (!d->target.vault)
        p->check_copies = false;
}
