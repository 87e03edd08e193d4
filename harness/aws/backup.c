/*
 * AWS Backup: see backup.h. Requests and responses follow botocore's
 * backup/2018-11-15 model (rest-json): path labels are percent-encoded as
 * one segment each (an ARN's ':' and '/' included), query members are
 * lowercase (nextToken, resourceArn), and timestamps are epoch seconds.
 */
#include "aws/backup.h"

#include "aws/call.h"
#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/uri.h"
#include "buf.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* A server that keeps answering with a token must not loop drh forever. */
#define BACKUP_MAX_PAGES 1000

void backup_recovery_point_clean_up(struct backup_recovery_point *rp)
{
    if (!rp)
        return;
    free(rp->arn);
    free(rp->vault_name);
    free(rp->resource_arn);
    free(rp->resource_type);
    free(rp->status);
    free(rp->encryption_key_arn);
    free(rp->source_vault_arn);
    memset(rp, 0, sizeof *rp);
}

void backup_recovery_points_free(struct backup_recovery_point *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        backup_recovery_point_clean_up(&v[i]);
    free(v);
}

void backup_job_clean_up(struct backup_job *j)
{
    if (!j)
        return;
    free(j->id);
    free(j->state);
    free(j->status_message);
    free(j->result_arn);
    free(j->percent_done);
    memset(j, 0, sizeof *j);
}

char *backup_vault_arn(const char *region, const char *account, const char *vault)
{
    if (!region || !account || !vault)
        return NULL;
    char *resource = xasprintf("backup-vault:%s", vault);
    char *arn = aws_arn(region, "backup", region, account, resource);
    free(resource);
    return arn;
}

/* "/backup-vaults/VAULT/recovery-points/ARN" + suffix, each label one
 * encoded segment as botocore writes non-greedy labels. Caller frees. */
static char *s_rp_path(const char *vault, const char *rp_arn, const char *suffix)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "/backup-vaults/");
    uri_encode(&b, vault, strlen(vault), 0);
    buf_puts(&b, "/recovery-points/");
    if (rp_arn)
        uri_encode(&b, rp_arn, strlen(rp_arn), 0);
    buf_puts(&b, suffix);
    return buf_detach(&b);
}

/* prefix + one encoded segment + suffix. Caller frees. */
static char *s_label_path(const char *prefix, const char *label, const char *suffix)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, prefix);
    uri_encode(&b, label, strlen(label), 0);
    buf_puts(&b, suffix);
    return buf_detach(&b);
}

static char *s_dup(const struct json *o, const char *key)
{
    const char *s = json_get_string(o, key);
    return s ? xstrdup(s) : NULL;
}

/* A timestamp member: epoch seconds as the model says, or (botocore's
 * parser accepts both) an ISO 8601 string. Absent or null: 0. */
enum drh_status backup_json_time(const struct json *o, const char *key, const char *op,
                                 double *out, struct drh_err *err)
{
    const struct json *v = json_get(o, key);
    *out = 0;
    if (!v || json_is_null(v) || (json_number(v, out) && *out >= 0))
        return DRH_OK;
    double t = json_is_string(v) ? aws_parse_time_frac(json_string(v)) : -1;
    if (t >= 0) {
        *out = t;
        return DRH_OK;
    }
    *out = 0;
    return drh_err_set(err, DRH_E_PARSE, "backup %s: %s is not a timestamp (%s)", op, key,
                       json_type_name(v));
}

static enum drh_status s_recovery_point(const struct json *o, const char *op,
                                        struct backup_recovery_point *out, struct drh_err *err)
{
    struct backup_recovery_point rp = {0};
    const char *arn = json_get_string(o, "RecoveryPointArn");
    if (!arn)
        return drh_err_set(err, DRH_E_PARSE, "backup %s: recovery point without RecoveryPointArn",
                           op);
    enum drh_status st = backup_json_time(o, "CreationDate", op, &rp.created, err);
    if (st == DRH_OK)
        st = backup_json_time(o, "CompletionDate", op, &rp.completed, err);
    if (st != DRH_OK)
        return drh_err_prefix(err, "recovery point '%s'", arn);
    rp.arn = xstrdup(arn);
    rp.vault_name = s_dup(o, "BackupVaultName");
    rp.resource_arn = s_dup(o, "ResourceArn");
    rp.resource_type = s_dup(o, "ResourceType");
    rp.status = s_dup(o, "Status");
    rp.encryption_key_arn = s_dup(o, "EncryptionKeyArn");
    rp.source_vault_arn = s_dup(o, "SourceBackupVaultArn");
    if (!json_integer(json_get(o, "BackupSizeInBytes"), &rp.size))
        rp.size = 0;
    *out = rp;
    return DRH_OK;
}

/* A copy of a string map (RestoreMetadata, Tags): an object whose values
 * are all strings. NULL src gives an empty object. */
static enum drh_status s_string_map(const struct json *src, enum drh_status bad, const char *what,
                                    struct json **out, struct drh_err *err)
{
    if (src && !json_is_null(src) && !json_is_object(src))
        return drh_err_set(err, bad, "%s is not an object (%s)", what, json_type_name(src));
    struct json *m = json_new_object();
    for (const struct json *e = json_first(src); e; e = json_next(e)) {
        if (!json_is_string(e)) {
            json_free(m);
            return drh_err_set(err, bad, "%s: '%s' is not a string (%s)", what, json_key(e),
                               json_type_name(e));
        }
        if (!json_get(m, json_key(e)))
            json_add_string(m, json_key(e), json_string(e));
    }
    *out = m;
    return DRH_OK;
}

/* The query of one page: resourceArn (may be NULL), then nextToken (NULL
 * on the first page). Caller frees. */
static char *s_page_query(const char *resource_arn, const char *token)
{
    struct uri_params q;
    uri_params_init(&q);
    if (resource_arn)
        uri_params_add(&q, "resourceArn", resource_arn);
    if (token)
        uri_params_add(&q, "nextToken", token);
    char *s = uri_params_join(&q);
    uri_params_clean_up(&q);
    return s;
}

/* Next page's token, refusing a token that repeats or pages without end. */
static enum drh_status s_next_page(const struct json *doc, const char *op, int page, char **token,
                                   struct drh_err *err)
{
    return aws_page_advance(token, aws_json_next_token(doc, "NextToken"), "backup", op,
                            "NextToken", page, BACKUP_MAX_PAGES, err);
}

/* One call; ResourceNotFoundException becomes DRH_E_NOTFOUND. */
static enum drh_status s_call(struct aws_client *c, const char *op, const char *method,
                              const char *path, const char *query, const struct json *body,
                              struct json **out, struct drh_err *err)
{
    static const char *const not_found[] = {"ResourceNotFoundException", NULL};
    return aws_json_call_nf(c, "backup", op, method, path, query, body, not_found, out, err);
}

enum drh_status backup_list_recovery_points_by_vault(struct aws_client *c, const char *vault,
                                                     const char *resource_arn,
                                                     struct backup_recovery_point **out, size_t *n,
                                                     struct drh_err *err)
{
    static const char op[] = "ListRecoveryPointsByBackupVault";
    enum drh_status st = aws_need(vault, "backup", op, "vault name", err);
    if (st != DRH_OK)
        return st;
    char *path = s_rp_path(vault, NULL, "");
    struct backup_recovery_point *v = NULL;
    size_t len = 0, cap = 0;
    char *token = NULL;
    struct json *doc = NULL;
    for (int page = 0;; page++) {
        char *query = s_page_query(resource_arn, token);
        st = s_call(c, op, "GET", path, query, NULL, &doc, err);
        free(query);
        if (st != DRH_OK)
            goto done;
        const struct json *list = json_get(doc, "RecoveryPoints");
        if (list && !json_is_null(list) && !json_is_array(list)) {
            st = drh_err_set(err, DRH_E_PARSE, "backup %s: RecoveryPoints is not an array (%s)", op,
                             json_type_name(list));
            goto done;
        }
        for (const struct json *e = json_first(list); e; e = json_next(e)) {
            if (len == cap) {
                cap = cap ? cap * 2 : 16;
                v = xrealloc(v, cap * sizeof *v);
            }
            st = s_recovery_point(e, op, &v[len], err);
            if (st != DRH_OK)
                goto done;
            len++;
        }
        st = s_next_page(doc, op, page, &token, err);
        if (st != DRH_OK)
            goto done;
        json_free(doc);
        doc = NULL;
        if (!token)
            break;
    }
    *out = v;
    *n = len;
    v = NULL;
    len = 0;
done:
    json_free(doc);
    free(token);
    backup_recovery_points_free(v, len);
    free(path);
    return st;
}

enum drh_status backup_describe_recovery_point(struct aws_client *c, const char *vault,
                                               const char *rp_arn,
                                               struct backup_recovery_point *out,
                                               struct drh_err *err)
{
    static const char op[] = "DescribeRecoveryPoint";
    enum drh_status st = aws_need(vault, "backup", op, "vault name", err);
    if (st == DRH_OK)
        st = aws_need(rp_arn, "backup", op, "recovery point ARN", err);
    if (st != DRH_OK)
        return st;
    char *path = s_rp_path(vault, rp_arn, "");
    struct json *doc = NULL;
    st = s_call(c, op, "GET", path, NULL, NULL, &doc, err);
    struct backup_recovery_point rp = {0};
    if (st == DRH_OK)
        st = s_recovery_point(doc, op, &rp, err);
    if (st == DRH_OK) {
        backup_recovery_point_clean_up(out);
        *out = rp;
    }
    json_free(doc);
    free(path);
    return st;
}

enum drh_status backup_delete_recovery_point(struct aws_client *c, const char *vault,
                                             const char *rp_arn, struct drh_err *err)
{
    static const char op[] = "DeleteRecoveryPoint";
    enum drh_status st = aws_need(vault, "backup", op, "vault name", err);
    if (st == DRH_OK)
        st = aws_need(rp_arn, "backup", op, "recovery point ARN", err);
    if (st != DRH_OK)
        return st;
    char *path = s_rp_path(vault, rp_arn, "");
    st = s_call(c, op, "DELETE", path, NULL, NULL, NULL, err);
    free(path);
    return st;
}

/* The string member key of a start-job response, copied to *out. */
static enum drh_status s_job_id(const struct json *doc, const char *op, const char *key, char **out,
                                struct drh_err *err)
{
    const char *id = json_get_string(doc, key);
    if (!id || !*id)
        return drh_err_set(err, DRH_E_PARSE, "backup %s: response has no %s", op, key);
    *out = xstrdup(id);
    return DRH_OK;
}

enum drh_status backup_start_copy_job(struct aws_client *c, const char *vault, const char *rp_arn,
                                      const char *dest_vault_arn, const char *iam_role_arn,
                                      const char *token, char **job_id, struct drh_err *err)
{
    static const char op[] = "StartCopyJob";
    enum drh_status st = aws_need(vault, "backup", op, "source vault name", err);
    if (st == DRH_OK)
        st = aws_need(rp_arn, "backup", op, "recovery point ARN", err);
    if (st == DRH_OK)
        st = aws_need(dest_vault_arn, "backup", op, "destination vault ARN", err);
    if (st == DRH_OK)
        st = aws_need(iam_role_arn, "backup", op, "IAM role ARN", err);
    if (st != DRH_OK)
        return st;
    struct json *body = json_new_object();
    json_add_string(body, "RecoveryPointArn", rp_arn);
    json_add_string(body, "SourceBackupVaultName", vault);
    json_add_string(body, "DestinationBackupVaultArn", dest_vault_arn);
    json_add_string(body, "IamRoleArn", iam_role_arn);
    if (token)
        json_add_string(body, "IdempotencyToken", token);
    struct json *doc = NULL;
    st = s_call(c, op, "PUT", "/copy-jobs", NULL, body, &doc, err);
    if (st == DRH_OK)
        st = s_job_id(doc, op, "CopyJobId", job_id, err);
    json_free(doc);
    json_free(body);
    return st;
}

/* Fills a job from the members common to CopyJob and DescribeRestoreJob. */
static enum drh_status s_job(const struct json *o, const char *op, const char *id_key,
                             const char *state_key, const char *result_key, struct backup_job *out,
                             struct drh_err *err)
{
    struct backup_job j = {0};
    const char *id = json_get_string(o, id_key);
    const char *state = json_get_string(o, state_key);
    if (!id || !state)
        return drh_err_set(err, DRH_E_PARSE, "backup %s: response lacks %s or %s", op, id_key,
                           state_key);
    enum drh_status st = backup_json_time(o, "CreationDate", op, &j.created, err);
    if (st == DRH_OK)
        st = backup_json_time(o, "CompletionDate", op, &j.completed, err);
    if (st != DRH_OK)
        return drh_err_prefix(err, "job '%s'", id);
    j.id = xstrdup(id);
    j.state = xstrdup(state);
    j.status_message = s_dup(o, "StatusMessage");
    j.result_arn = s_dup(o, result_key);
    j.percent_done = s_dup(o, "PercentDone");
    backup_job_clean_up(out);
    *out = j;
    return DRH_OK;
}

enum drh_status backup_describe_copy_job(struct aws_client *c, const char *job_id,
                                         struct backup_job *out, struct drh_err *err)
{
    static const char op[] = "DescribeCopyJob";
    enum drh_status st = aws_need(job_id, "backup", op, "copy job id", err);
    if (st != DRH_OK)
        return st;
    char *path = s_label_path("/copy-jobs/", job_id, "");
    struct json *doc = NULL;
    st = s_call(c, op, "GET", path, NULL, NULL, &doc, err);
    if (st == DRH_OK)
        st = s_job(json_get(doc, "CopyJob"), op, "CopyJobId", "State",
                   "DestinationRecoveryPointArn", out, err);
    json_free(doc);
    free(path);
    return st;
}

enum drh_status backup_get_restore_metadata(struct aws_client *c, const char *vault,
                                            const char *rp_arn, struct json **metadata,
                                            struct drh_err *err)
{
    static const char op[] = "GetRecoveryPointRestoreMetadata";
    enum drh_status st = aws_need(vault, "backup", op, "vault name", err);
    if (st == DRH_OK)
        st = aws_need(rp_arn, "backup", op, "recovery point ARN", err);
    if (st != DRH_OK)
        return st;
    char *path = s_rp_path(vault, rp_arn, "/restore-metadata");
    struct json *doc = NULL;
    st = s_call(c, op, "GET", path, NULL, NULL, &doc, err);
    if (st == DRH_OK) {
        st = s_string_map(json_get(doc, "RestoreMetadata"), DRH_E_PARSE, "RestoreMetadata",
                          metadata, err);
        if (st != DRH_OK)
            drh_err_prefix(err, "backup %s", op);
    }
    json_free(doc);
    free(path);
    return st;
}

enum drh_status backup_start_restore_job(struct aws_client *c, const char *rp_arn,
                                         const char *iam_role_arn, const struct json *metadata,
                                         const char *resource_type, const char *token,
                                         char **job_id, struct drh_err *err)
{
    static const char op[] = "StartRestoreJob";
    enum drh_status st = aws_need(rp_arn, "backup", op, "recovery point ARN", err);
    if (st != DRH_OK)
        return st;
    if (!metadata)
        return drh_err_set(err, DRH_E_INPUT, "backup %s: no restore metadata given", op);
    struct json *meta = NULL;
    st = s_string_map(metadata, DRH_E_INPUT, "restore metadata", &meta, err);
    if (st != DRH_OK)
        return drh_err_prefix(err, "backup %s", op);
    struct json *body = json_new_object();
    json_add_string(body, "RecoveryPointArn", rp_arn);
    json_add_child(body, "Metadata", meta);
    if (iam_role_arn)
        json_add_string(body, "IamRoleArn", iam_role_arn);
    if (token)
        json_add_string(body, "IdempotencyToken", token);
    if (resource_type)
        json_add_string(body, "ResourceType", resource_type);
    struct json *doc = NULL;
    st = s_call(c, op, "PUT", "/restore-jobs", NULL, body, &doc, err);
    if (st == DRH_OK)
        st = s_job_id(doc, op, "RestoreJobId", job_id, err);
    json_free(doc);
    json_free(body);
    return st;
}

enum drh_status backup_describe_restore_job(struct aws_client *c, const char *job_id,
                                            struct backup_job *out, struct drh_err *err)
{
    static const char op[] = "DescribeRestoreJob";
    enum drh_status st = aws_need(job_id, "backup", op, "restore job id", err);
    if (st != DRH_OK)
        return st;
    char *path = s_label_path("/restore-jobs/", job_id, "");
    struct json *doc = NULL;
    st = s_call(c, op, "GET", path, NULL, NULL, &doc, err);
    if (st == DRH_OK)
        st = s_job(doc, op, "RestoreJobId", "Status", "CreatedResourceArn", out, err);
    json_free(doc);
    free(path);
    return st;
}

enum drh_status backup_tag_resource(struct aws_client *c, const char *arn,
                                    const struct aws_tag *tags, size_t n, struct drh_err *err)
{
    static const char op[] = "TagResource";
    enum drh_status st = aws_need(arn, "backup", op, "resource ARN", err);
    if (st != DRH_OK)
        return st;
    if (n == 0)
        return DRH_OK; /* Tags is required and AWS refuses an empty map */
    struct json *map = json_new_object();
    for (size_t i = 0; i < n; i++)
        json_add_string(map, tags[i].key, tags[i].value ? tags[i].value : "");
    struct json *body = json_new_object();
    json_add_child(body, "Tags", map);
    char *path = s_label_path("/tags/", arn, "");
    st = s_call(c, op, "POST", path, NULL, body, NULL, err);
    free(path);
    json_free(body);
    return st;
}

enum drh_status backup_list_tags(struct aws_client *c, const char *arn, struct json **tags,
                                 struct drh_err *err)
{
    static const char op[] = "ListTags";
    enum drh_status st = aws_need(arn, "backup", op, "resource ARN", err);
    if (st != DRH_OK)
        return st;
    char *path = s_label_path("/tags/", arn, "/");
    struct json *all = json_new_object();
    struct json *doc = NULL;
    struct json *page_tags = NULL;
    char *token = NULL;
    for (int page = 0;; page++) {
        char *query = s_page_query(NULL, token);
        st = s_call(c, op, "GET", path, query, NULL, &doc, err);
        free(query);
        if (st != DRH_OK)
            goto done;
        st = s_string_map(json_get(doc, "Tags"), DRH_E_PARSE, "Tags", &page_tags, err);
        if (st != DRH_OK) {
            drh_err_prefix(err, "backup %s", op);
            goto done;
        }
        for (const struct json *e = json_first(page_tags); e; e = json_next(e))
            if (!json_get(all, json_key(e)))
                json_add_string(all, json_key(e), json_string(e));
        json_free(page_tags);
        page_tags = NULL;
        st = s_next_page(doc, op, page, &token, err);
        if (st != DRH_OK)
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
