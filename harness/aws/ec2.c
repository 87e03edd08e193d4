/*
 * Amazon EC2: see ec2.h. Requests and responses follow botocore's
 * ec2/2016-11-15 model (ec2 protocol: lists "Name.N", results under the
 * <ActionResponse> root, list items <item>, lower-camel element names).
 * This file holds what the EC2 files share (ec2_impl.h: the call, tag
 * lists, paging) and the tag operations; images and snapshots are in
 * ec2_image.c, instances in ec2_instance.c, networking in ec2_network.c.
 */
#include "aws/ec2.h"
#include "aws/ec2_impl.h"

#include "aws/call.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

void ec2_tags_clean_up(struct ec2_tags *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->keys[i]);
        free(t->values[i]);
    }
    free(t->keys);
    free(t->values);
    memset(t, 0, sizeof *t);
}

const char *ec2_tags_get(const struct ec2_tags *t, const char *key)
{
    for (size_t i = 0; t && key && i < t->n; i++)
        if (strcmp(t->keys[i], key) == 0)
            return t->values[i];
    return NULL;
}

void ec2_parse_tags(const struct xml_node *n, struct ec2_tags *out)
{
    /* Appends: out may hold tags already, with no room beyond them. */
    size_t cap = out->n;
    for (const struct xml_node *it = xml_child(xml_child(n, "tagSet"), "item"); it;
         it = xml_next(it)) {
        char *k = xml_find_text_nonempty(it, "key");
        if (!k)
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 4;
            out->keys = xrealloc(out->keys, cap * sizeof *out->keys);
            out->values = xrealloc(out->values, cap * sizeof *out->values);
        }
        char *v = xml_find_text(it, "value");
        out->keys[out->n] = k;
        out->values[out->n++] = v ? v : xstrdup("");
    }
}

enum drh_status ec2_next_page(const struct xml_node *result, const char *op, int page, char **token,
                              struct drh_err *err)
{
    return aws_page_advance(token, aws_xml_next_token(result, "NextToken"), "ec2", op, "NextToken",
                            page, EC2_MAX_PAGES, err);
}

enum drh_status ec2_call(struct aws_client *c, const char *action, const struct aws_params *p,
                         struct xml_doc **doc_out, const struct xml_node **result_out,
                         struct drh_err *err)
{
    static const char *const not_found[] = {"InvalidAMIID.NotFound",
                                            "InvalidInstanceID.NotFound",
                                            "InvalidSnapshot.NotFound",
                                            "InvalidVpcID.NotFound",
                                            "InvalidSubnetID.NotFound",
                                            "InvalidGroup.NotFound",
                                            "InvalidInternetGatewayID.NotFound",
                                            NULL};
    return aws_query_call_nf(c, "ec2", action, p, not_found, doc_out, result_out, err);
}

enum drh_status ec2_call_simple(struct aws_client *c, const char *op, const char *key,
                                const char *id, struct drh_err *err)
{
    enum drh_status st = aws_need(id, "ec2", op, key, err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, key, id);
    st = ec2_call(c, op, &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

enum drh_status ec2_call_text(struct aws_client *c, const char *op, const struct aws_params *p,
                              const char *path, char **out, struct drh_err *err)
{
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    enum drh_status st = ec2_call(c, op, p, &doc, &result, err);
    if (st != DRH_OK)
        return st;
    char *v = xml_find_text_nonempty(result, path);
    xml_free(doc);
    if (!v)
        return drh_err_set(err, DRH_E_PARSE, "ec2 %s: the response has no %s", op, path);
    *out = v;
    return DRH_OK;
}

void *ec2_grow(void *v, size_t len, size_t *cap, size_t size)
{
    if (len < *cap)
        return v;
    *cap = *cap ? *cap * 2 : 4;
    return xrealloc(v, *cap * size);
}

enum drh_status ec2_describe_each(struct aws_client *c, const struct ec2_query *q, ec2_item_fn fn,
                                  void *ctx, struct drh_err *err)
{
    char *token = NULL;
    enum drh_status st = DRH_OK;
    for (int page = 0; st == DRH_OK; page++) {
        struct aws_params p;
        aws_params_init(&p);
        if (q->n_ids)
            aws_params_add_list(&p, AWS_PROTO_EC2, q->id_key, NULL, q->ids, q->n_ids);
        if (q->param)
            aws_params_add(&p, q->param, q->param_value);
        for (size_t f = 0; f < 2 && q->filters[f].name; f++)
            aws_params_add_filter(&p, AWS_PROTO_EC2, f + 1, q->filters[f].name,
                                  q->filters[f].values, q->filters[f].n);
        if (token)
            aws_params_add(&p, "NextToken", token);
        struct xml_doc *doc = NULL;
        const struct xml_node *result = NULL;
        st = ec2_call(c, q->op, &p, &doc, &result, err);
        aws_params_clean_up(&p);
        if (st != DRH_OK)
            break;
        for (const struct xml_node *it = xml_child(xml_child(result, q->set), "item");
             it && st == DRH_OK; it = xml_next(it))
            st = fn(it, ctx, err);
        if (st == DRH_OK)
            st = ec2_next_page(result, q->op, page, &token, err);
        xml_free(doc);
        if (!token)
            break;
    }
    free(token);
    return st;
}

enum drh_status ec2_delete_id(struct aws_client *c, const char *op, const char *key, const char *id,
                              const char *not_found, bool *in_use, struct drh_err *err)
{
    if (in_use)
        *in_use = false;
    enum drh_status st = aws_need(id, "ec2", op, key, err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, key, id);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    char *code = NULL;
    st = aws_query_call(c, "ec2", op, &p, &doc, &result, &code, err);
    aws_params_clean_up(&p);
    xml_free(doc);
    if (st == DRH_E_AWS && code && strcmp(code, not_found) == 0)
        st = err->code = DRH_E_NOTFOUND;
    else if (st == DRH_E_AWS && code && strcmp(code, "DependencyViolation") == 0 && in_use)
        *in_use = true;
    free(code);
    return st;
}

void ec2_tag_spec(struct aws_params *p, const char *type, const struct aws_tag *tags, size_t n)
{
    if (!n)
        return;
    aws_params_add(p, "TagSpecification.1.ResourceType", type);
    aws_params_add_tags(p, AWS_PROTO_EC2, "TagSpecification.1.Tag", NULL, tags, n);
}

/*
 * Tags.
 */

enum drh_status ec2_create_tags(struct aws_client *c, const char *const *ids, size_t n_ids,
                                const struct aws_tag *tags, size_t n_tags, struct drh_err *err)
{
    if (n_ids == 0 || n_tags == 0)
        return DRH_OK;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add_list(&p, AWS_PROTO_EC2, "ResourceId", NULL, ids, n_ids);
    aws_params_add_tags(&p, AWS_PROTO_EC2, "Tag", NULL, tags, n_tags);
    enum drh_status st = ec2_call(c, "CreateTags", &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

enum drh_status ec2_get_tag(struct aws_client *c, const char *resource_id, const char *key,
                            char **value, struct drh_err *err)
{
    enum drh_status st = aws_need(resource_id, "ec2", "DescribeTags", "resource id", err);
    if (st == DRH_OK)
        st = aws_need(key, "ec2", "DescribeTags", "tag key", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add_filter(&p, AWS_PROTO_EC2, 1, "resource-id", &resource_id, 1);
    aws_params_add_filter(&p, AWS_PROTO_EC2, 2, "key", &key, 1);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = ec2_call(c, "DescribeTags", &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    char *found = NULL;
    for (const struct xml_node *it = xml_child(xml_child(result, "tagSet"), "item"); it && !found;
         it = xml_next(it)) {
        char *k = xml_find_text(it, "key");
        char *r = xml_find_text(it, "resourceId");
        if (k && r && strcmp(k, key) == 0 && strcmp(r, resource_id) == 0) {
            found = xml_find_text(it, "value");
            if (!found)
                found = xstrdup("");
        }
        free(k);
        free(r);
    }
    xml_free(doc);
    *value = found;
    return DRH_OK;
}
