/*
 * AWS KMS: see kms.h. Requests and responses follow botocore's
 * kms/2014-11-01 model (json 1.1: every call POSTs to / with X-Amz-Target
 * TrentService.<Operation>); ListGrants pages with Marker / NextMarker.
 */
#include "aws/kms.h"

#include "aws/call.h"
#include "aws/protocol.h"
#include "json.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* A server that keeps answering with a marker must not loop drh forever. */
#define KMS_MAX_PAGES 1000

void kms_key_clean_up(struct kms_key *k)
{
    if (!k)
        return;
    free(k->arn);
    free(k->id);
    free(k->account);
    free(k->manager);
    free(k->state);
    memset(k, 0, sizeof *k);
}

void kms_grants_free(struct kms_grant *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].id);
        free(v[i].grantee);
        for (size_t j = 0; j < v[i].n_operations; j++)
            free(v[i].operations[j]);
        free(v[i].operations);
    }
    free(v);
}

/* One call with the key id as KeyId (and the members of extra, when not
 * NULL). NotFoundException becomes DRH_E_NOTFOUND; AccessDeniedException
 * sets *denied. */
static enum drh_status s_call(struct aws_client *c, const char *op, const char *key_id,
                              struct json *body, struct json **out, bool *denied,
                              struct drh_err *err)
{
    if (denied)
        *denied = false;
    enum drh_status st = aws_need(key_id, "kms", op, "key id", err);
    if (st != DRH_OK) {
        json_free(body);
        return st;
    }
    json_add_string(body, "KeyId", key_id);
    char *code = NULL;
    st = aws_json_call(c, "kms", op, "POST", "/", NULL, body, out, &code, err);
    if (st == DRH_E_AWS && code && strcmp(code, "NotFoundException") == 0)
        st = err->code = DRH_E_NOTFOUND;
    else if (st == DRH_E_AWS && code && strcmp(code, "AccessDeniedException") == 0 && denied)
        *denied = true;
    free(code);
    json_free(body);
    return st;
}

static char *s_dup(const struct json *o, const char *key)
{
    const char *s = json_get_string(o, key);
    return s ? xstrdup(s) : NULL;
}

enum drh_status kms_describe_key(struct aws_client *c, const char *key_id, struct kms_key *out,
                                 bool *denied, struct drh_err *err)
{
    struct json *doc = NULL;
    enum drh_status st = s_call(c, "DescribeKey", key_id, json_new_object(), &doc, denied, err);
    if (st != DRH_OK)
        return st;
    const struct json *m = json_get(doc, "KeyMetadata");
    const char *arn = json_get_string(m, "Arn"), *id = json_get_string(m, "KeyId");
    if (!arn || !id) {
        json_free(doc);
        return drh_err_set(err, DRH_E_PARSE,
                           "kms DescribeKey: no KeyMetadata with Arn and KeyId "
                           "for key '%s'",
                           key_id);
    }
    struct kms_key k = {0};
    k.arn = xstrdup(arn);
    k.id = xstrdup(id);
    k.account = s_dup(m, "AWSAccountId");
    k.manager = s_dup(m, "KeyManager");
    k.state = s_dup(m, "KeyState");
    if (!json_bool(json_get(m, "Enabled"), &k.enabled))
        k.enabled = k.state && strcmp(k.state, "Enabled") == 0;
    kms_key_clean_up(out);
    *out = k;
    json_free(doc);
    return DRH_OK;
}

enum drh_status kms_get_key_policy(struct aws_client *c, const char *key_id, char **policy,
                                   bool *denied, struct drh_err *err)
{
    struct json *body = json_new_object();
    json_add_string(body, "PolicyName", "default");
    struct json *doc = NULL;
    enum drh_status st = s_call(c, "GetKeyPolicy", key_id, body, &doc, denied, err);
    if (st != DRH_OK)
        return st;
    const char *text = json_get_string(doc, "Policy");
    if (!text)
        st = drh_err_set(err, DRH_E_PARSE, "kms GetKeyPolicy: no Policy for key '%s'", key_id);
    else
        *policy = xstrdup(text);
    json_free(doc);
    return st;
}

/* Appends the grants of one page to *v. */
static enum drh_status s_grants(const struct json *doc, struct kms_grant **v, size_t *len,
                                size_t *cap, struct drh_err *err)
{
    const struct json *list = json_get(doc, "Grants");
    if (list && !json_is_null(list) && !json_is_array(list))
        return drh_err_set(err, DRH_E_PARSE, "kms ListGrants: Grants is not an array (%s)",
                           json_type_name(list));
    for (const struct json *g = json_first(list); g; g = json_next(g)) {
        if (*len == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *v = xrealloc(*v, *cap * sizeof **v);
        }
        struct kms_grant *out = &(*v)[(*len)++];
        memset(out, 0, sizeof *out);
        out->id = s_dup(g, "GrantId");
        out->grantee = s_dup(g, "GranteePrincipal");
        const struct json *ops = json_get(g, "Operations");
        out->operations = xcalloc(json_array_size(ops) + 1, sizeof *out->operations);
        for (const struct json *o = json_first(ops); o; o = json_next(o))
            if (json_is_string(o))
                out->operations[out->n_operations++] = xstrdup(json_string(o));
    }
    return DRH_OK;
}

enum drh_status kms_list_grants(struct aws_client *c, const char *key_id, struct kms_grant **out,
                                size_t *n, bool *denied, struct drh_err *err)
{
    struct kms_grant *v = NULL;
    size_t len = 0, cap = 0;
    char *marker = NULL;
    struct json *doc = NULL;
    enum drh_status st = DRH_OK;
    for (int page = 0;; page++) {
        struct json *body = json_new_object();
        if (marker)
            json_add_string(body, "Marker", marker);
        if ((st = s_call(c, "ListGrants", key_id, body, &doc, denied, err)) != DRH_OK)
            goto done;
        if ((st = s_grants(doc, &v, &len, &cap, err)) != DRH_OK)
            goto done;
        st = aws_page_advance(&marker, aws_json_next_token(doc, "NextMarker"), "kms", "ListGrants",
                              "NextMarker", page, KMS_MAX_PAGES, err);
        if (st != DRH_OK)
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
    kms_grants_free(v, len);
    return st;
}
