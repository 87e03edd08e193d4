/*
 * Amazon EFS: see efs.h. Requests and responses follow botocore's
 * efs/2015-02-01 model (rest-json): every path starts with the API version,
 * path labels are percent-encoded as one segment each (an ARN's ':' and '/'
 * included), list filters are query members, and timestamps are epoch
 * seconds.
 */
#include "aws/efs.h"

#include "aws/call.h"
#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/uri.h"
#include "buf.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* A server that keeps answering with a marker must not loop drh forever. */
#define EFS_MAX_PAGES 1000

void efs_file_system_clean_up(struct efs_file_system *fs)
{
    if (!fs)
        return;
    free(fs->id);
    free(fs->arn);
    free(fs->state);
    free(fs->creation_token);
    free(fs->kms_key_id);
    memset(fs, 0, sizeof *fs);
}

void efs_mount_target_clean_up(struct efs_mount_target *mt)
{
    if (!mt)
        return;
    free(mt->id);
    free(mt->fs_id);
    free(mt->subnet_id);
    free(mt->state);
    free(mt->ip);
    memset(mt, 0, sizeof *mt);
}

void efs_mount_targets_free(struct efs_mount_target *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        efs_mount_target_clean_up(&v[i]);
    free(v);
}

char *efs_file_system_arn(const char *region, const char *account, const char *fs_id)
{
    if (!region || !account || !fs_id)
        return NULL;
    char *resource = xasprintf("file-system/%s", fs_id);
    char *arn = aws_arn(region, "elasticfilesystem", region, account, resource);
    free(resource);
    return arn;
}

/* "/2015-02-01/" + prefix + one encoded segment. Caller frees. */
static char *s_path(const char *prefix, const char *label)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "/2015-02-01/");
    buf_puts(&b, prefix);
    if (label)
        uri_encode(&b, label, strlen(label), 0);
    return buf_detach(&b);
}

/* A query of up to two members (NULL values left out). Caller frees. */
static char *s_query(const char *k1, const char *v1, const char *k2, const char *v2)
{
    struct uri_params q;
    uri_params_init(&q);
    if (v1)
        uri_params_add(&q, k1, v1);
    if (v2)
        uri_params_add(&q, k2, v2);
    char *s = uri_params_join(&q);
    uri_params_clean_up(&q);
    return s;
}

static char *s_dup(const struct json *o, const char *key)
{
    const char *s = json_get_string(o, key);
    return s ? xstrdup(s) : NULL;
}

/* Next page's marker, refusing one that repeats or pages without end. */
static enum drh_status s_next_page(const struct json *doc, const char *name, const char *op,
                                   int page, char **marker, struct drh_err *err)
{
    return aws_page_advance(marker, aws_json_next_token(doc, name), "efs", op, name, page,
                            EFS_MAX_PAGES, err);
}

static enum drh_status s_file_system(const struct json *o, const char *op,
                                     struct efs_file_system *out, struct drh_err *err)
{
    const char *id = json_get_string(o, "FileSystemId");
    const char *state = json_get_string(o, "LifeCycleState");
    if (!id || !state)
        return drh_err_set(err, DRH_E_PARSE,
                           "efs %s: file system without FileSystemId or LifeCycleState", op);
    struct efs_file_system fs = {0};
    const struct json *t = json_get(o, "CreationTime");
    if (t && !json_is_null(t) && !json_number(t, &fs.created)) {
        time_t parsed = json_is_string(t) ? aws_parse_time(json_string(t)) : -1;
        if (parsed < 0)
            return drh_err_set(err, DRH_E_PARSE, "efs %s: CreationTime of %s is not a timestamp",
                               op, id);
        fs.created = (double)parsed;
    }
    fs.id = xstrdup(id);
    fs.state = xstrdup(state);
    fs.arn = s_dup(o, "FileSystemArn");
    fs.creation_token = s_dup(o, "CreationToken");
    fs.kms_key_id = s_dup(o, "KmsKeyId");
    json_bool(json_get(o, "Encrypted"), &fs.encrypted);
    if (!json_integer(json_get(o, "NumberOfMountTargets"), &fs.n_mount_targets))
        fs.n_mount_targets = 0;
    efs_file_system_clean_up(out);
    *out = fs;
    return DRH_OK;
}

static enum drh_status s_mount_target(const struct json *o, const char *op,
                                      struct efs_mount_target *out, struct drh_err *err)
{
    const char *id = json_get_string(o, "MountTargetId");
    const char *state = json_get_string(o, "LifeCycleState");
    if (!id || !state)
        return drh_err_set(err, DRH_E_PARSE,
                           "efs %s: mount target without MountTargetId or LifeCycleState", op);
    struct efs_mount_target mt = {0};
    mt.id = xstrdup(id);
    mt.state = xstrdup(state);
    mt.fs_id = s_dup(o, "FileSystemId");
    mt.subnet_id = s_dup(o, "SubnetId");
    mt.ip = s_dup(o, "IpAddress");
    efs_mount_target_clean_up(out);
    *out = mt;
    return DRH_OK;
}

/* One call; the not-found errors become DRH_E_NOTFOUND. */
static enum drh_status s_call(struct aws_client *c, const char *op, const char *method,
                              const char *path, const char *query, const struct json *body,
                              struct json **out, struct drh_err *err)
{
    static const char *const not_found[] = {"FileSystemNotFound", "MountTargetNotFound", NULL};
    return aws_json_call_nf(c, "efs", op, method, path, query, body, not_found, out, err);
}

enum drh_status efs_describe_file_system(struct aws_client *c, const char *fs_id,
                                         struct efs_file_system *out, struct drh_err *err)
{
    static const char op[] = "DescribeFileSystems";
    enum drh_status st = aws_need(fs_id, "efs", op, "file system id", err);
    if (st != DRH_OK)
        return st;
    char *path = s_path("file-systems", NULL);
    char *query = s_query("FileSystemId", fs_id, NULL, NULL);
    struct json *doc = NULL;
    st = s_call(c, op, "GET", path, query, NULL, &doc, err);
    if (st == DRH_OK) {
        const struct json *list = json_get(doc, "FileSystems");
        const struct json *first = json_array_at(list, 0);
        if (!json_is_array(list))
            st = drh_err_set(err, DRH_E_PARSE, "efs %s: FileSystems is not an array (%s)", op,
                             json_type_name(list));
        else if (!first)
            st = drh_err_set(err, DRH_E_NOTFOUND, "efs %s: file system '%s' does not exist", op,
                             fs_id);
        else
            st = s_file_system(first, op, out, err);
    }
    json_free(doc);
    free(query);
    free(path);
    return st;
}

enum drh_status efs_delete_file_system(struct aws_client *c, const char *fs_id, struct drh_err *err)
{
    static const char op[] = "DeleteFileSystem";
    enum drh_status st = aws_need(fs_id, "efs", op, "file system id", err);
    if (st != DRH_OK)
        return st;
    char *path = s_path("file-systems/", fs_id);
    st = s_call(c, op, "DELETE", path, NULL, NULL, NULL, err);
    free(path);
    return st;
}

enum drh_status efs_create_mount_target(struct aws_client *c, const char *fs_id, const char *subnet,
                                        const char *const *security_groups, size_t n,
                                        struct efs_mount_target *out, struct drh_err *err)
{
    static const char op[] = "CreateMountTarget";
    enum drh_status st = aws_need(fs_id, "efs", op, "file system id", err);
    if (st == DRH_OK)
        st = aws_need(subnet, "efs", op, "subnet id", err);
    if (st != DRH_OK)
        return st;
    struct json *body = json_new_object();
    json_add_string(body, "FileSystemId", fs_id);
    json_add_string(body, "SubnetId", subnet);
    if (n) {
        struct json *sgs = json_new_array();
        for (size_t i = 0; i < n; i++)
            json_push_string(sgs, security_groups[i]);
        json_add_child(body, "SecurityGroups", sgs);
    }
    char *path = s_path("mount-targets", NULL);
    struct json *doc = NULL;
    st = s_call(c, op, "POST", path, NULL, body, &doc, err);
    if (st == DRH_OK)
        st = s_mount_target(doc, op, out, err);
    json_free(doc);
    json_free(body);
    free(path);
    return st;
}

enum drh_status efs_describe_mount_targets(struct aws_client *c, const char *fs_id,
                                           const char *mt_id, struct efs_mount_target **out,
                                           size_t *n, struct drh_err *err)
{
    static const char op[] = "DescribeMountTargets";
    if (!fs_id == !mt_id)
        return drh_err_set(err, DRH_E_INPUT, "efs %s: give a file system id or a mount target id",
                           op);
    char *path = s_path("mount-targets", NULL);
    struct efs_mount_target *v = NULL;
    size_t len = 0, cap = 0;
    char *marker = NULL;
    struct json *doc = NULL;
    enum drh_status st = DRH_OK;
    for (int page = 0;; page++) {
        char *query = s_query(fs_id ? "FileSystemId" : "MountTargetId", fs_id ? fs_id : mt_id,
                              "Marker", marker);
        st = s_call(c, op, "GET", path, query, NULL, &doc, err);
        free(query);
        if (st != DRH_OK)
            goto done;
        const struct json *list = json_get(doc, "MountTargets");
        if (!json_is_array(list)) {
            st = drh_err_set(err, DRH_E_PARSE, "efs %s: MountTargets is not an array (%s)", op,
                             json_type_name(list));
            goto done;
        }
        for (const struct json *e = json_first(list); e; e = json_next(e)) {
            if (len == cap) {
                cap = cap ? cap * 2 : 4;
                v = xrealloc(v, cap * sizeof *v);
            }
            memset(&v[len], 0, sizeof v[len]);
            if ((st = s_mount_target(e, op, &v[len], err)) != DRH_OK)
                goto done;
            len++;
        }
        if ((st = s_next_page(doc, "NextMarker", op, page, &marker, err)) != DRH_OK)
            goto done;
        json_free(doc);
        doc = NULL;
        if (!marker)
            break;
    }
    *out = v;
    *n = len;
    v = NULL;
    len = 0;
done:
    json_free(doc);
    free(marker);
    efs_mount_targets_free(v, len);
    free(path);
    return st;
}

enum drh_status efs_delete_mount_target(struct aws_client *c, const char *mt_id,
                                        struct drh_err *err)
{
    static const char op[] = "DeleteMountTarget";
    enum drh_status st = aws_need(mt_id, "efs", op, "mount target id", err);
    if (st != DRH_OK)
        return st;
    char *path = s_path("mount-targets/", mt_id);
    st = s_call(c, op, "DELETE", path, NULL, NULL, NULL, err);
    free(path);
    return st;
}

enum drh_status efs_tag_resource(struct aws_client *c, const char *resource_id,
                                 const struct aws_tag *tags, size_t n, struct drh_err *err)
{
    static const char op[] = "TagResource";
    enum drh_status st = aws_need(resource_id, "efs", op, "resource id", err);
    if (st != DRH_OK || n == 0)
        return st; /* Tags is required: an empty list is not sent */
    struct json *list = json_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json *t = json_new_object();
        json_add_string(t, "Key", tags[i].key);
        json_add_string(t, "Value", tags[i].value ? tags[i].value : "");
        json_push(list, t);
    }
    struct json *body = json_new_object();
    json_add_child(body, "Tags", list);
    char *path = s_path("resource-tags/", resource_id);
    st = s_call(c, op, "POST", path, NULL, body, NULL, err);
    free(path);
    json_free(body);
    return st;
}

enum drh_status efs_list_tags(struct aws_client *c, const char *resource_id, struct json **tags,
                              struct drh_err *err)
{
    static const char op[] = "ListTagsForResource";
    enum drh_status st = aws_need(resource_id, "efs", op, "resource id", err);
    if (st != DRH_OK)
        return st;
    char *path = s_path("resource-tags/", resource_id);
    struct json *all = json_new_object();
    struct json *doc = NULL;
    char *token = NULL;
    for (int page = 0;; page++) {
        char *query = s_query("NextToken", token, NULL, NULL);
        st = s_call(c, op, "GET", path, query, NULL, &doc, err);
        free(query);
        if (st != DRH_OK)
            goto done;
        const struct json *list = json_get(doc, "Tags");
        if (list && !json_is_null(list) && !json_is_array(list)) {
            st = drh_err_set(err, DRH_E_PARSE, "efs %s: Tags is not an array (%s)", op,
                             json_type_name(list));
            goto done;
        }
        for (const struct json *t = json_first(list); t; t = json_next(t)) {
            const char *k = json_get_string(t, "Key"), *v = json_get_string(t, "Value");
            if (!k || !v) {
                st = drh_err_set(err, DRH_E_PARSE, "efs %s: a tag without Key or Value", op);
                goto done;
            }
            if (!json_get(all, k))
                json_add_string(all, k, v);
        }
        if ((st = s_next_page(doc, "NextToken", op, page, &token, err)) != DRH_OK)
            goto done;
        json_free(doc);
        doc = NULL;
        if (!token)
            break;
    }
    *tags = all;
    all = NULL;
done:
    json_free(all);
    json_free(doc);
    free(token);
    free(path);
    return st;
}
