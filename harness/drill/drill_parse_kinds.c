/*
 * From the JSON of a drill file to struct drill for the resource types
 * beyond the databases: an EFS restore and its mount commands, an S3
 * replica and the checks run on it, an EC2 image, instance type and
 * tunnel; and the keys of the probes of EFS (manifest, files, canary) and
 * EC2 (http, tcp, status). drill_parse.c calls these once the type is
 * known; rules between sections are drill_check.c's.
 */
#include "drill/drill_impl.h"

#include "aws/creds.h"
#include "buf.h"
#include "mem.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

static const char *const s_intos[] = {"new", "existing", NULL};
static const char *const s_lifecycles[] = {"none", "source", "replica", "both", NULL};

static const struct drill_key s_efs_restore_keys[] = {
    {"into", false, NULL},
    {"file_system", false, NULL},
    {"mount", true,
     "\"mount\": {\"point\": \"/mnt/drh\", \"mount\": \"...\", \"unmount\": \"...\"}: how drh "
     "reads the restored tree (with the emulator a fixture script plays the mount)"},
    {NULL, false, NULL},
};
/* into "existing": the file system to restore into is required. */
static const struct drill_key s_efs_restore_keys_existing[] = {
    {"into", false, NULL},
    {"file_system", true,
     "\"file_system\": \"fs-0123456789abcdef0\" (the target's file system to restore into)"},
    {"mount", true,
     "\"mount\": {\"point\": \"/mnt/drh\", \"mount\": \"...\", \"unmount\": \"...\"}: how drh "
     "reads the restored tree (with the emulator a fixture script plays the mount)"},
    {NULL, false, NULL},
};
static const struct drill_key s_mount_keys[] = {
    {"point", true, "\"point\": \"/mnt/drh/efs\" (the folder drh reads the restored tree from)"},
    {"mount", true, "\"mount\": \"mount -t efs {file_system_id} {mount_point}\""},
    {"unmount", true, "\"unmount\": \"umount {mount_point}\""},
    {"timeout", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_ec2_restore_keys[] = {
    {"instance_type", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_s3_restore_keys[] = {
    {"prefix", false, NULL},
    {"at", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_replica_keys[] = {
    {"bucket", true, "\"bucket\": \"orders-replica\" (the target account's bucket)"},
    {"role_arn", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_posture_keys[] = {
    {"lifecycle", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_live_keys[] = {
    {"canary", false, NULL},
    {"max_lag", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_compare_keys[] = {
    {"enabled", false, NULL},
    {"prefix", false, NULL},
    {NULL, false, NULL},
};
static const struct drill_key s_image_keys[] = {
    {"tag", true, "\"tag\": {\"key\": \"drh-dr\", \"value\": \"web\"}"},
    {NULL, false, NULL},
};
static const struct drill_key s_tag_keys[] = {
    {"key", true, "\"key\": \"drh-dr\""},
    {"value", true, "\"value\": \"web\""},
    {NULL, false, NULL},
};
static const struct drill_key s_reach_keys[] = {
    {"tunnel", true, "\"tunnel\": \"fixtures/demo/ec2-tunnel {instance_id} {port}\""},
    {NULL, false, NULL},
};

static const char *const s_mount_placeholders[] = {"file_system_id", "mount_point", "region",
                                                   "mount_target_ip", NULL};
static const char *const s_tunnel_placeholders[] = {"instance_id", "private_ip", "port", NULL};

static bool s_absolute(const char *s)
{
    return s[0] == '/' && s[1] != '\0';
}

/* Relative to the restored tree and inside it: not absolute, no "..". */
static bool s_relative(const char *s)
{
    if (s[0] == '/')
        return false;
    for (const char *p = s; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        p += *p == '/';
    }
    return true;
}

static bool s_role_shape(const char *s)
{
    struct drill_arn arn;
    return drill_is_role_arn(s, &arn);
}

/* AWS tags: keys 1 to 128 characters, not in the aws: space; values up to
 * 256. */
static bool s_tag_key(const char *s)
{
    return strlen(s) <= 128 && strncmp(s, "aws:", 4) != 0;
}

static bool s_tag_value(const char *s)
{
    return strlen(s) <= 256;
}

/* "/health": a URL path with no space or control character. */
static bool s_url_path(const char *s)
{
    if (s[0] != '/')
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f || *s == '#')
            return false;
    return true;
}

/* A command template: a string whose {word} placeholders (not ${VAR}) are
 * among names. */
static void s_template(struct drill_ctx *c, const struct json *obj, const char *path,
                       const char *key, const char *const *names, char **out)
{
    char where[DRILL_WHERE_MAX], word[64];
    const struct json *v = json_get(obj, key);
    const char *s;
    drill_where(where, sizeof where, path, key);
    if (!drill_want_string(c, v, where, &s) || !s)
        return;
    for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
        size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_");
        if ((p > s && p[-1] == '$') || n == 0 || n >= sizeof word || p[1 + n] != '}')
            continue;
        memcpy(word, p + 1, n);
        word[n] = '\0';
        bool known = false;
        for (size_t i = 0; names[i] && !known; i++)
            known = strcmp(names[i], word) == 0;
        if (known)
            continue;
        drill_fail(c, v, "%s: unknown placeholder '{%s}'", where, word);
        const char *close = drill_closest(word, names);
        if (close) {
            drill_hint(c, "did you mean '{%s}'?", close);
            return;
        }
        struct buf list;
        buf_init(&list);
        for (size_t i = 0; names[i]; i++)
            buf_printf(&list, "%s{%s}", i ? ", " : "", names[i]);
        drill_hint(c, "the placeholders are %s", buf_str(&list));
        buf_clean_up(&list);
        return;
    }
    *out = xstrdup(s);
}

/* A key prefix: any string, "" for every key. */
static void s_prefix(struct drill_ctx *c, const struct json *obj, const char *path, const char *key,
                     char **out)
{
    char where[DRILL_WHERE_MAX];
    const struct json *v = json_get(obj, key);
    if (!v)
        return;
    drill_where(where, sizeof where, path, key);
    if (!json_is_string(v)) {
        drill_fail(c, v, "%s: expected string, got %s", where, json_type_name(v));
        drill_hint(c, "write the key prefix in quotes, such as \"orders/\", or \"\" for every key");
        return;
    }
    *out = xstrdup(json_string(v));
}

void drill_parse_efs(struct drill_ctx *c, const struct json *rv, const char *path,
                     struct drill_resource *r)
{
    char where[DRILL_WHERE_MAX], sub[DRILL_WHERE_MAX];
    const struct json *o, *m;
    int into = 0;
    drill_where(where, sizeof where, path, "restore");
    if (!drill_object(c, rv, path, "restore", &o) || !o)
        return;
    drill_foreign_keys(c, o, where, s_efs_restore_keys, drill_any_restore_keys, "an efs resource",
                       "an efs resource's restore");
    drill_where(sub, sizeof sub, where, "into");
    if (drill_want_enum(c, json_get(o, "into"), sub, s_intos, &into))
        r->efs.existing = into == 1;
    drill_check_keys(c, o, where,
                     r->efs.existing ? s_efs_restore_keys_existing : s_efs_restore_keys);
    const struct json *fs = json_get(o, "file_system");
    drill_text(c, o, where, "file_system", drill_is_efs_id, "an EFS file system id",
               "file system ids look like fs-0123456789abcdef0", &r->efs.file_system);
    if (fs && !r->efs.existing) {
        drill_conflict(c, fs, true, "%s.file_system: only used with into 'existing'", where);
        drill_hint(c, "set \"into\": \"existing\" to restore into this file system, or remove "
                      "\"file_system\" to restore into a new one");
    }
    drill_where(sub, sizeof sub, where, "mount");
    if (!drill_object(c, o, where, "mount", &m) || !m)
        return;
    drill_check_keys(c, m, sub, s_mount_keys);
    drill_text(c, m, sub, "point", s_absolute, "an absolute folder",
               "the folder drh reads the restored tree from, such as \"/mnt/drh/efs\"",
               &r->efs.mount_point);
    s_template(c, m, sub, "mount", s_mount_placeholders, &r->efs.mount_cmd);
    s_template(c, m, sub, "unmount", s_mount_placeholders, &r->efs.unmount_cmd);
    drill_where(where, sizeof where, sub, "timeout");
    drill_want_duration(c, json_get(m, "timeout"), where, &r->efs.mount_timeout);
}

static void s_s3_restore(struct drill_ctx *c, const struct json *o, const char *where,
                         struct drill_s3 *s3)
{
    s3->restore = true;
    drill_foreign_keys(c, o, where, s_s3_restore_keys, drill_any_restore_keys, "an s3 resource",
                       "an s3 resource's restore");
    drill_check_keys(c, o, where, s_s3_restore_keys);
    s_prefix(c, o, where, "prefix", &s3->restore_prefix);
    drill_want_moment(c, o, where, "at", &s3->restore_at, &s3->restore_ago);
}

bool drill_want_moment(struct drill_ctx *c, const struct json *obj, const char *path,
                       const char *key, double *at, long *ago)
{
    char where[DRILL_WHERE_MAX], shown[DRILL_SHOW_MAX];
    const struct json *v = json_get(obj, key);
    const char *s;
    drill_where(where, sizeof where, path, key);
    if (!drill_want_string(c, v, where, &s) || !s)
        return false;
    if (drill_parse_duration(s, ago))
        return true;
    time_t t = aws_parse_time(s);
    if (t > 0) {
        *at = (double)t;
        return true;
    }
    drill_fail(c, v, "%s: '%s' is neither a time nor a duration", where,
               drill_show(s, shown, sizeof shown));
    return drill_hint(c, "write an ISO 8601 UTC time, \"2026-11-21T10:00:00Z\", or how long "
                         "before the drill starts, \"2h\"");
}

void drill_parse_s3(struct drill_ctx *c, const struct json *rv, const char *path,
                    struct drill_resource *r)
{
    char where[DRILL_WHERE_MAX], sub[DRILL_WHERE_MAX];
    const struct json *o;
    struct drill_s3 *s3 = &r->s3;
    drill_where(where, sizeof where, path, "replica");
    if (drill_object(c, rv, path, "replica", &o) && o) {
        drill_check_keys(c, o, where, s_replica_keys);
        drill_text(c, o, where, "bucket", drill_is_bucket, "an S3 bucket name",
                   "a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens, "
                   "starting and ending with a letter or digit",
                   &s3->replica_bucket);
        drill_text(c, o, where, "role_arn", s_role_shape, "an IAM role ARN",
                   "the role the replication rule uses, such as "
                   "arn:aws:iam::111111111111:role/s3-replication",
                   &s3->replication_role);
    }
    drill_where(where, sizeof where, path, "posture");
    if (drill_object(c, rv, path, "posture", &o) && o) {
        int lc = 0;
        drill_check_keys(c, o, where, s_posture_keys);
        drill_where(sub, sizeof sub, where, "lifecycle");
        if (drill_want_enum(c, json_get(o, "lifecycle"), sub, s_lifecycles, &lc)) {
            s3->lifecycle_source = lc == 1 || lc == 3;
            s3->lifecycle_replica = lc == 2 || lc == 3;
        }
    }
    drill_where(where, sizeof where, path, "live");
    if (drill_object(c, rv, path, "live", &o) && o) {
        drill_check_keys(c, o, where, s_live_keys);
        drill_where(sub, sizeof sub, where, "canary");
        drill_want_bool(c, json_get(o, "canary"), sub, &s3->canary);
        drill_where(sub, sizeof sub, where, "max_lag");
        drill_want_duration(c, json_get(o, "max_lag"), sub, &s3->max_lag);
    }
    drill_where(where, sizeof where, path, "compare");
    if (drill_object(c, rv, path, "compare", &o) && o) {
        drill_check_keys(c, o, where, s_compare_keys);
        drill_where(sub, sizeof sub, where, "enabled");
        drill_want_bool(c, json_get(o, "enabled"), sub, &s3->compare);
        s_prefix(c, o, where, "prefix", &s3->prefix);
    }
    drill_where(where, sizeof where, path, "restore");
    if (drill_object(c, rv, path, "restore", &o) && o)
        s_s3_restore(c, o, where, s3);
    if (!s3->prefix)
        s3->prefix = xstrdup("");
    if (!s3->restore_prefix)
        s3->restore_prefix = xstrdup("");
}

void drill_parse_ec2(struct drill_ctx *c, const struct json *rv, const char *path,
                     struct drill_resource *r)
{
    char where[DRILL_WHERE_MAX], sub[DRILL_WHERE_MAX];
    const struct json *o, *tag;
    drill_where(where, sizeof where, path, "restore");
    if (drill_object(c, rv, path, "restore", &o) && o) {
        drill_foreign_keys(c, o, where, s_ec2_restore_keys, drill_any_restore_keys,
                           "an ec2 resource", "an ec2 resource's restore");
        drill_check_keys(c, o, where, s_ec2_restore_keys);
        drill_text(c, o, where, "instance_type", drill_is_instance_type, "an EC2 instance type",
                   "instance types look like t3.micro, m6i.large or c7g.xlarge",
                   &r->ec2.instance_type);
    }
    const struct json *image = json_get(rv, "image");
    drill_where(where, sizeof where, path, "image");
    if (drill_object(c, rv, path, "image", &o) && o) {
        drill_check_keys(c, o, where, s_image_keys);
        drill_where(sub, sizeof sub, where, "tag");
        if (drill_object(c, o, where, "tag", &tag) && tag) {
            drill_check_keys(c, tag, sub, s_tag_keys);
            drill_text(c, tag, sub, "key", s_tag_key, "a tag key",
                       "a tag key is 1 to 128 characters, not starting with aws:", &r->ec2.tag_key);
            drill_text(c, tag, sub, "value", s_tag_value, "a tag value",
                       "a tag value is at most 256 characters", &r->ec2.tag_value);
        }
    }
    if (r->path == DRILL_PATH_TAG && !image) {
        drill_missing(c, rv, "missing required key 'image' in %s", path);
        drill_hint(c, "add \"image\": {\"tag\": {\"key\": \"drh-dr\", \"value\": \"web\"}}: path "
                      "\"tag\" launches the newest AMI with this tag (see docs/drill-format.md)");
    } else if (r->path != DRILL_PATH_TAG && image) {
        drill_conflict(c, image, true, "%s.image: only used with path 'tag'", path);
        drill_hint(c, "set \"path\": \"tag\" to launch the newest AMI with this tag, or remove "
                      "\"image\" to restore a recovery point");
    }
    drill_where(where, sizeof where, path, "reach");
    if (drill_object(c, rv, path, "reach", &o) && o) {
        drill_check_keys(c, o, where, s_reach_keys);
        s_template(c, o, where, "tunnel", s_tunnel_placeholders, &r->ec2.tunnel);
    }
    if (!r->ec2.instance_type)
        r->ec2.instance_type = xstrdup("t3.micro");
}

static void s_paths(struct drill_ctx *c, const struct json *v, const char *path,
                    struct drill_probe *p)
{
    char where[DRILL_WHERE_MAX], shown[DRILL_SHOW_MAX];
    drill_where(where, sizeof where, path, "paths");
    if (!v || !drill_want_array(c, v, where))
        return;
    size_t n = json_array_size(v);
    if (n == 0) {
        drill_fail(c, v, "%s: the list is empty", where);
        drill_hint(c, "leave \"paths\" out to check only the file count and age");
        return;
    }
    p->paths = xcalloc(n, sizeof *p->paths);
    size_t i = 0;
    for (const struct json *e = json_first(v); e; e = json_next(e), i++) {
        char at[DRILL_WHERE_MAX];
        const char *s;
        drill_where_index(at, sizeof at, where, i);
        if (!drill_want_string(c, e, at, &s))
            continue;
        if (!s_relative(s)) {
            drill_fail(c, e, "%s: '%s' is not a path inside the restored tree", at,
                       drill_show(s, shown, sizeof shown));
            drill_hint(c, "write a path relative to the file system's root, without \"..\": "
                          "\"data/orders.csv\"");
            continue;
        }
        p->paths[p->n_paths++] = xstrdup(s);
    }
}

void drill_parse_kind_probe(struct drill_ctx *c, const struct json *v, const char *path,
                            struct drill_probe *p, bool efs)
{
    char where[DRILL_WHERE_MAX];
    long long n;
    switch (p->kind) {
    case PROBE_CANARY:
        if (!efs)
            break;
        drill_text(c, v, path, "file", s_relative, "a path inside the restored tree",
                   "write a path relative to the file system's root, without \"..\": "
                   "\".drh-canary\"",
                   &p->canary_file);
        if (!p->canary_file)
            p->canary_file = xstrdup(".drh-canary");
        break;
    case PROBE_MANIFEST:
        drill_text(c, v, path, "manifest", NULL, NULL, NULL, &p->manifest);
        break;
    case PROBE_FILES:
        s_paths(c, json_get(v, "paths"), path, p);
        p->min_files = 1;
        drill_where(where, sizeof where, path, "min_files");
        drill_want_int(c, json_get(v, "min_files"), where, 0, 1000000000000LL, &p->min_files);
        drill_where(where, sizeof where, path, "max_age");
        drill_want_duration(c, json_get(v, "max_age"), where, &p->max_age);
        break;
    case PROBE_HTTP:
    case PROBE_TCP:
        n = p->kind == PROBE_HTTP ? 80 : 0;
        drill_where(where, sizeof where, path, "port");
        if (drill_want_int(c, json_get(v, "port"), where, 1, 65535, &n))
            p->port = (int)n;
        if (p->kind == PROBE_TCP)
            break;
        drill_text(c, v, path, "path", s_url_path, "a URL path",
                   "a URL path starts with / and has no spaces: \"/health\"", &p->http_path);
        if (!p->http_path)
            p->http_path = xstrdup("/");
        n = 200;
        drill_where(where, sizeof where, path, "status");
        if (drill_want_int(c, json_get(v, "status"), where, 100, 599, &n))
            p->http_status = (int)n;
        drill_regex(c, v, path, "body", "\"\\\"status\\\": *\\\"ok\\\"\"", &p->body_regex);
        break;
    default:
        break;
    }
}

bool drill_regex(struct drill_ctx *c, const struct json *obj, const char *path, const char *key,
                 const char *example, char **out)
{
    char where[DRILL_WHERE_MAX];
    const struct json *v = json_get(obj, key);
    const char *text;
    drill_where(where, sizeof where, path, key);
    if (!drill_want_string(c, v, where, &text) || !text)
        return false;
    regex_t re;
    int rc = regcomp(&re, text, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char why[128];
        regerror(rc, &re, why, sizeof why);
        drill_fail(c, v, "%s: invalid regular expression: %s", where, why);
        return drill_hint(c, "write a POSIX extended regular expression, such as %s", example);
    }
    regfree(&re);
    *out = xstrdup(text);
    return true;
}
