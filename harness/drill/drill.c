/*
 * Loading a drill file (see drill.h): read it (bounded), parse it with
 * positions, then drill_parse.c and drill_check.c fill and judge the struct.
 * Also the small helpers every user of a drill needs: durations and the
 * names of enum values.
 */
#include "drill/drill.h"

#include "buf.h"
#include "crypto.h"
#include "drill/drill_impl.h"
#include "json.h"
#include "mem.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A drill is a page of JSON: anything this big is the wrong file. */
#define DRILL_FILE_MAX (1024L * 1024)
/* Durations stop at ten years: beyond that it is a typo, and sums stay far
 * from overflow. */
#define DRILL_DURATION_MAX (3650L * 86400)

static enum drh_status s_read(const char *path, struct buf *text, struct drh_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        drh_err_set(err, DRH_E_INPUT, "cannot read drill file '%s': %s", path, strerror(errno));
        return drh_err_hint(err, "check the path and that the file is readable");
    }
    char chunk[8192];
    size_t n;
    enum drh_status st = DRH_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(text, chunk, n);
        if (text->len > (size_t)DRILL_FILE_MAX) {
            st = drh_err_set(err, DRH_E_INPUT, "drill file '%s' is larger than 1 MiB", path);
            drh_err_hint(err, "a drill file is a short JSON document: check that this is the "
                              "right file");
            break;
        }
    }
    if (st == DRH_OK && ferror(f)) {
        st =
            drh_err_set(err, DRH_E_INPUT, "cannot read drill file '%s': %s", path, strerror(errno));
        drh_err_hint(err, "check the path and that the file is readable");
    }
    fclose(f);
    return st;
}

/* The folder of path: "." for a bare name. */
static char *s_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    while (slash > path && slash[-1] == '/')
        slash--;
    return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

enum drh_status drill_load(const char *path, struct drill **out, struct drh_err *err)
{
    struct buf text;
    struct json *doc = NULL;
    struct json_positions *pos = NULL;
    struct json_syntax where = {0, 0, ""};
    struct drill *d = NULL;
    enum drh_status st;
    buf_init(&text);
    if (!path || !*path) {
        st = drh_err_set(err, DRH_E_INPUT, "no drill file given");
        drh_err_hint(err, "name a drill file, e.g. drills/examples/aurora-mysql-dr-vault.json");
        goto done;
    }
    if ((st = s_read(path, &text, err)) != DRH_OK)
        goto done;
    st = json_parse_located(buf_str(&text), text.len, &doc, &pos, &where, err);
    if (st != DRH_OK) {
        if (where.line > 0) {
            st = drh_err_set(err, DRH_E_INPUT, "%s:%d:%d: invalid JSON: %s", path, where.line,
                             where.col, where.reason);
            drh_err_hint(err, "a drill file is strict JSON: no comments, no trailing commas, "
                              "keys and strings in double quotes");
        }
        goto done;
    }
    d = xcalloc(1, sizeof *d);
    d->path = xstrdup(path);
    d->dir = s_dir(path);
    struct drill_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.file = path;
    ctx.pos = pos;
    drill_parse(&ctx, doc, d);
    drill_check(&ctx, doc, d);
    if ((st = drill_report(&ctx, err)) != DRH_OK)
        goto done;
    crypto_sha256_hex(buf_str(&text), text.len, d->sha256);
    d->text_len = text.len;
    d->text = buf_detach(&text);
    *out = d;
    d = NULL;
done:
    drill_free(d);
    json_free(doc);
    json_positions_free(pos);
    buf_clean_up(&text);
    return st;
}

void drill_side_clean_up(struct drill_side *s)
{
    free(s->account);
    free(s->region);
    free(s->profile);
    free(s->role_arn);
    free(s->external_id);
    free(s->vault);
    free(s->staging_vault);
    free(s->backup_role_arn);
    free(s->kms_key);
    memset(s, 0, sizeof(*s));
}

static void s_probe_free(struct drill_probe *p)
{
    free(p->name);
    free(p->query);
    free(p->expect);
    for (size_t i = 0; i < p->n_tables; i++)
        free(p->tables[i].name);
    free(p->tables);
    free(p->manifest);
    free(p->canary_table);
    free(p->canary_column);
    free(p->canary_file);
    free(p->chain_drill);
    free(p->chain_resource);
    free(p->url);
    free(p->command);
    free(p->output_regex);
    for (size_t i = 0; i < p->n_paths; i++)
        free(p->paths[i]);
    free(p->paths);
    free(p->http_path);
    free(p->body_regex);
}

static void s_posture_free(struct drill_posture *p)
{
    free(p->plan);
    for (size_t i = 0; i < p->n_rules; i++)
        free(p->rules[i].name);
    free(p->rules);
    for (size_t i = 0; i < p->n_copies; i++) {
        free(p->copies[i].account);
        free(p->copies[i].region);
        free(p->copies[i].vault);
    }
    free(p->copies);
    for (size_t i = 0; i < p->n_resources; i++)
        free(p->resources[i]);
    free(p->resources);
}

static void s_resource_free(struct drill_resource *r)
{
    free(r->name);
    free(r->source);
    free(r->instance_class);
    free(r->login.database);
    free(r->login.user);
    free(r->login.password_env);
    free(r->login.password_file);
    free(r->login.ca_bundle);
    free(r->efs.file_system);
    free(r->efs.mount_point);
    free(r->efs.mount_cmd);
    free(r->efs.unmount_cmd);
    free(r->s3.replica_bucket);
    free(r->s3.replication_role);
    free(r->s3.prefix);
    free(r->s3.restore_prefix);
    free(r->ec2.tag_key);
    free(r->ec2.tag_value);
    free(r->ec2.instance_type);
    free(r->ec2.tunnel);
    for (size_t i = 0; i < r->n_after; i++)
        free(r->after[i]);
    free(r->after);
    for (size_t i = 0; i < r->n_probes; i++)
        s_probe_free(&r->probes[i]);
    free(r->probes);
    free(r->canary.endpoint);
    free(r->canary.user);
    free(r->canary.password_env);
    free(r->canary.password_file);
    free(r->canary.database);
    free(r->canary.mount);
    free(r->canary.prefix);
}

void drill_free(struct drill *d)
{
    if (!d)
        return;
    free(d->path);
    free(d->dir);
    free(d->name);
    free(d->description);
    free(d->owner);
    drill_side_clean_up(&d->source);
    drill_side_clean_up(&d->target);
    free(d->isolation.db_subnet_group);
    free(d->isolation.subnet);
    free(d->isolation.vpc_cidr);
    free(d->isolation.allow_from);
    s_posture_free(&d->posture);
    free(d->schedule.expression);
    free(d->schedule.timezone);
    free(d->notify.sns_topic_arn);
    free(d->notify.webhook_url);
    free(d->notify.webhook_url_env);
    for (size_t i = 0; i < d->isolation.n_security_groups; i++)
        free(d->isolation.security_groups[i]);
    free(d->isolation.security_groups);
    for (size_t i = 0; i < d->n_resources; i++)
        s_resource_free(&d->resources[i]);
    free(d->resources);
    for (size_t i = 0; i < d->n_controls; i++) {
        free(d->controls[i].framework);
        free(d->controls[i].control);
        free(d->controls[i].title);
    }
    free(d->controls);
    free(d->junit);
    free(d->evidence);
    free(d->html);
    free(d->metrics);
    free(d->summary);
    free(d->signing_key_file);
    free(d->text);
    free(d);
}

char *drill_resolve(const struct drill *d, const char *path)
{
    if (!path)
        return NULL;
    if (path[0] == '/' || !d || !d->dir || strcmp(d->dir, ".") == 0)
        return xstrdup(path);
    return xasprintf("%s/%s", d->dir, path);
}

enum drh_status drill_password(const struct drill *d, const char *resource, const char *key,
                               const char *env, const char *file, char *out, size_t size,
                               struct drh_err *err)
{
    if (env) {
        const char *v = getenv(env);
        if (!v || !*v) {
            drh_err_set(err, DRH_E_CONFIG,
                        "environment variable %s (%s.password_env of %s) is not set", env, key,
                        resource);
            return drh_err_hint(err, "export %s with the database password before drh runs",
                                env);
        }
        snprintf(out, size, "%s", v);
        return DRH_OK;
    }
    if (!file) {
        drh_err_set(err, DRH_E_CONFIG, "no password for %s of %s", key, resource);
        return drh_err_hint(err, "set %s.password_env or %s.password_file in the drill: drh "
                                 "never keeps passwords in it",
                            key, key);
    }
    char *path = drill_resolve(d, file);
    FILE *f = fopen(path, "re");
    if (!f) {
        drh_err_set(err, DRH_E_CONFIG, "cannot read %s.password_file '%s' of %s: %s", key, path,
                    resource, strerror(errno));
        free(path);
        return drh_err_hint(err, "the file holds the password on its first line");
    }
    free(path);
    if (!fgets(out, (int)size, f))
        out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    return DRH_OK;
}

static const struct {
    char unit;
    long seconds;
} s_units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};

bool drill_parse_duration(const char *text, long *seconds)
{
    size_t next = 0; /* units must come largest first, each once */
    long total = 0;
    if (!text || !*text)
        return false;
    for (const char *p = text; *p;) {
        long long n = 0;
        if (!isdigit((unsigned char)*p))
            return false;
        for (; isdigit((unsigned char)*p); p++) {
            n = n * 10 + (*p - '0');
            if (n > DRILL_DURATION_MAX)
                return false;
        }
        size_t u = next;
        while (u < sizeof s_units / sizeof s_units[0] && s_units[u].unit != *p)
            u++;
        if (u == sizeof s_units / sizeof s_units[0])
            return false;
        if (n > DRILL_DURATION_MAX / s_units[u].seconds)
            return false;
        total += (long)n * s_units[u].seconds;
        if (total > DRILL_DURATION_MAX)
            return false;
        next = u + 1;
        p++;
    }
    if (total <= 0)
        return false;
    *seconds = total;
    return true;
}

void drill_format_duration(long seconds, char *out, size_t size)
{
    size_t n = 0;
    unsigned long rest;
    if (!out || size == 0)
        return;
    out[0] = '\0';
    if (seconds == 0) {
        snprintf(out, size, "0s");
        return;
    }
    if (seconds < 0) {
        n += (size_t)snprintf(out, size, "-");
        rest = 0UL - (unsigned long)seconds;
    } else {
        rest = (unsigned long)seconds;
    }
    for (size_t u = 0; u < sizeof s_units / sizeof s_units[0] && n < size; u++) {
        unsigned long k = rest / (unsigned long)s_units[u].seconds;
        rest %= (unsigned long)s_units[u].seconds;
        if (k)
            n += (size_t)snprintf(out + n, size - n, "%lu%c", k, s_units[u].unit);
    }
}

const char *drill_engine_name(enum drill_engine e)
{
    switch (e) {
    case DRILL_POSTGRES:
        return "postgres";
    case DRILL_MYSQL:
        return "mysql";
    case DRILL_AURORA_POSTGRESQL:
        return "aurora-postgresql";
    case DRILL_AURORA_MYSQL:
        return "aurora-mysql";
    }
    return "unknown";
}

bool drill_engine_is_postgres(enum drill_engine e)
{
    return e == DRILL_POSTGRES || e == DRILL_AURORA_POSTGRESQL;
}

const char *probe_kind_name(enum probe_kind k)
{
    switch (k) {
    case PROBE_SQL:
        return "sql";
    case PROBE_TABLES:
        return "tables";
    case PROBE_SCHEMA:
        return "schema";
    case PROBE_CHECKSUM:
        return "checksum";
    case PROBE_CANARY:
        return "canary";
    case PROBE_INTEGRITY:
        return "integrity";
    case PROBE_MANIFEST:
        return "manifest";
    case PROBE_FILES:
        return "files";
    case PROBE_HTTP:
        return "http";
    case PROBE_TCP:
        return "tcp";
    case PROBE_STATUS:
        return "status";
    case PROBE_COMMAND:
        return "command";
    }
    return "unknown";
}

const char *probe_op_name(enum probe_op op)
{
    switch (op) {
    case PROBE_EQUALS:
        return "equals";
    case PROBE_GE:
        return ">=";
    case PROBE_LE:
        return "<=";
    case PROBE_REGEX:
        return "regex";
    case PROBE_NON_EMPTY:
        return "non-empty";
    }
    return "unknown";
}

const char *drill_teardown_name(enum drill_teardown t)
{
    switch (t) {
    case DRILL_TEARDOWN_ALWAYS:
        return "always";
    case DRILL_TEARDOWN_ON_SUCCESS:
        return "on-success";
    case DRILL_TEARDOWN_NEVER:
        return "never";
    }
    return "unknown";
}

const char *drill_resource_type_name(enum drill_resource_type t)
{
    static const char *const names[] = {"rds", "aurora", "efs", "s3", "ec2", "check"};
    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

const char *const *drill_outputs(enum drill_resource_type t)
{
    static const char *const db[] = {"endpoint", "port", "identifier", "arn",
                                      "database", "user", NULL};
    static const char *const efs[] = {"file_system_id", "mount_target_ip", "restore_dir", NULL};
    static const char *const s3[] = {"replica_bucket", "restore_bucket", NULL};
    static const char *const ec2[] = {"instance_id", "private_ip", "image_id", NULL};
    static const char *const none[] = {NULL};
    switch (t) {
    case DRILL_RDS:
    case DRILL_AURORA:
        return db;
    case DRILL_EFS:
        return efs;
    case DRILL_S3:
        return s3;
    case DRILL_EC2:
        return ec2;
    case DRILL_CHECK:
        break;
    }
    return none;
}

bool drill_resource_needs_network(const struct drill_resource *r)
{
    return r->type == DRILL_RDS || r->type == DRILL_AURORA || r->type == DRILL_EC2 ||
           (r->type == DRILL_EFS && !r->efs.existing);
}

bool drill_needs_network(const struct drill *d)
{
    for (size_t i = 0; i < d->n_resources; i++)
        if (drill_resource_needs_network(&d->resources[i]))
            return true;
    return false;
}

const char *drill_path_name(enum drill_path p)
{
    static const char *const names[] = {"backup", "snapshot", "tag", "pitr"};
    return (unsigned)p < sizeof(names) / sizeof(names[0]) ? names[p] : "unknown";
}

const char *drill_select_name(enum drill_select s)
{
    switch (s) {
    case DRILL_SELECT_LATEST:
        return "latest";
    case DRILL_SELECT_RANDOM:
        return "random";
    case DRILL_SELECT_DR_VAULT:
        return "dr-vault";
    }
    return "unknown";
}

const char *drill_tls_name(enum drill_tls t)
{
    switch (t) {
    case DRILL_TLS_PREFER:
        return "prefer";
    case DRILL_TLS_REQUIRE:
        return "require";
    case DRILL_TLS_VERIFY_FULL:
        return "verify-full";
    case DRILL_TLS_DISABLE:
        return "disable";
    }
    return "unknown";
}
