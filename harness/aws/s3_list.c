/*
 * S3 buckets carrying a tag key (tagged.h): ListBuckets (every bucket of
 * the account, whatever its Region), then GetBucketTagging of each whose
 * name starts with the caller's prefix. GetBucketTagging must be signed
 * for the bucket's own Region: S3 refuses another one
 * (AuthorizationHeaderMalformed, or a 301 PermanentRedirect), which here
 * means "not in this Region" and leaves the bucket out. botocore
 * s3/2006-03-01, path-style.
 */
#include "aws/tagged.h"

#include "aws/creds.h"
#include "aws/uri.h"
#include "mem.h"
#include "xml.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* GET path?query; DRH_OK with *doc on 2xx. *code (caller frees) gets the
 * error code of an AWS error answer, and *status its HTTP status. */
static enum drh_status s_get(struct aws_client *c, const char *op, const char *path,
                             const char *query, struct xml_doc **doc, char **code, long *status,
                             struct drh_err *err)
{
    struct aws_request r = {
        .service = "s3", .operation = op, .method = "GET", .path = path, .query = query};
    struct aws_response resp;
    aws_response_init(&resp);
    enum drh_status st = aws_client_send(c, &r, &resp, err);
    *status = resp.status;
    if (st == DRH_E_AWS && resp.error.code)
        *code = xstrdup(resp.error.code);
    if (st == DRH_OK) {
        st = xml_parse(buf_str(&resp.body), resp.body.len, doc, err);
        if (st != DRH_OK)
            drh_err_prefix(err, "s3 %s", op);
    }
    aws_response_clean_up(&resp);
    return st;
}

/* Whether an error answer says the bucket lives in another Region. */
static bool s_elsewhere(const char *code, long status)
{
    return status == 301 ||
           (code && (strcmp(code, "AuthorizationHeaderMalformed") == 0 ||
                     strcmp(code, "PermanentRedirect") == 0 || strcmp(code, "301") == 0 ||
                     strcmp(code, "IllegalLocationConstraintException") == 0));
}

/* GetBucketTagging of t->id into t's tags; *keep false when the bucket is
 * elsewhere, gone or untagged. */
static enum drh_status s_tags(struct aws_client *c, struct aws_tagged *t, bool *keep,
                              struct drh_err *err)
{
    static const char op[] = "GetBucketTagging";
    struct buf path;
    buf_init(&path);
    buf_putc(&path, '/');
    uri_encode(&path, t->id, strlen(t->id), 0);
    struct xml_doc *doc = NULL;
    char *code = NULL;
    long status = 0;
    enum drh_status st = s_get(c, op, buf_str(&path), "tagging", &doc, &code, &status, err);
    buf_clean_up(&path);
    *keep = st == DRH_OK;
    if (st == DRH_E_AWS &&
        (s_elsewhere(code, status) ||
         (code && (strcmp(code, "NoSuchTagSet") == 0 || strcmp(code, "NoSuchBucket") == 0)))) {
        drh_err_clear(err);
        st = DRH_OK;
    }
    free(code);
    aws_tagged_read_tags(t, xml_child(xml_root(doc), "TagSet"));
    xml_free(doc);
    return st;
}

enum drh_status s3_list_tagged(struct aws_client *c, const char *tag_key, const char *name_prefix,
                               struct aws_tagged_list *out, struct drh_err *err)
{
    struct xml_doc *doc = NULL;
    char *code = NULL;
    long status = 0;
    enum drh_status st = s_get(c, "ListBuckets", "/", NULL, &doc, &code, &status, err);
    free(code);
    if (st != DRH_OK)
        return st;
    struct aws_tagged_list all = {0}, keep = {0};
    const struct xml_node *list = xml_child(xml_root(doc), "Buckets");
    for (const struct xml_node *b = xml_child(list, "Bucket"); b && st == DRH_OK; b = xml_next(b)) {
        char *name = xml_find_text_nonempty(b, "Name");
        if (!name || (name_prefix && strncmp(name, name_prefix, strlen(name_prefix)) != 0)) {
            free(name);
            continue;
        }
        struct aws_tagged *t = aws_tagged_add(&all);
        t->id = name;
        char *created = xml_find_text_nonempty(b, "CreationDate");
        double when = created ? aws_parse_time_frac(created) : 0;
        t->created = when > 0 ? when : 0;
        free(created);
        bool found = false;
        st = s_tags(c, t, &found, err);
        if (st == DRH_OK && found && aws_tagged_tag(t, tag_key)) {
            *aws_tagged_add(&keep) = *t;
            memset(t, 0, sizeof *t);
        }
    }
    aws_tagged_list_clean_up(&all);
    xml_free(doc);
    if (st == DRH_OK)
        aws_tagged_list_move(out, &keep);
    aws_tagged_list_clean_up(&keep);
    return st;
}
