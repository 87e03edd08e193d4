/*
 * The query and ec2 protocols on the request side (parameters named as
 * botocore's QuerySerializer and EC2Serializer name them, form bodies) and
 * their successful responses: see protocol.h.
 */
#include "aws/protocol.h"

#include "aws/uri.h"
#include "buf.h"
#include "mem.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void aws_params_init(struct aws_params *p)
{
    p->v = NULL;
    p->n = 0;
    p->cap = 0;
}

void aws_params_clean_up(struct aws_params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].key);
        free(p->v[i].value);
    }
    free(p->v);
    aws_params_init(p);
}

/* Appends a pair whose key is already on the heap. */
static void s_add_owned(struct aws_params *p, char *key, const char *value)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->v = xrealloc(p->v, p->cap * sizeof p->v[0]);
    }
    p->v[p->n].key = key;
    p->v[p->n].value = xstrdup(value ? value : "");
    p->n++;
}

void aws_params_add(struct aws_params *p, const char *key, const char *value)
{
    s_add_owned(p, xstrdup(key), value);
}

void aws_params_addf(struct aws_params *p, const char *value, const char *key_fmt, ...)
{
    struct buf key;
    buf_init(&key);
    va_list ap;
    va_start(ap, key_fmt);
    buf_vprintf(&key, key_fmt, ap);
    va_end(ap);
    char *k = buf_detach(&key);
    s_add_owned(p, k ? k : xstrdup(""), value);
}

const char *aws_params_get(const struct aws_params *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i].key, key) == 0)
            return p->v[i].value;
    return NULL;
}

char *aws_list_key(enum aws_protocol proto, const char *name, const char *member, size_t index)
{
    if (proto == AWS_PROTO_EC2)
        return xasprintf("%s.%zu", name, index);
    return xasprintf("%s.%s.%zu", name, member ? member : "member", index);
}

void aws_params_add_list(struct aws_params *p, enum aws_protocol proto, const char *name,
                         const char *member, const char *const *values, size_t n)
{
    /* botocore's query serializer sends an empty list as "name=", so that
     * "clear this list" can be said; EC2Serializer writes nothing. */
    if (n == 0 && proto != AWS_PROTO_EC2)
        aws_params_add(p, name, "");
    for (size_t i = 0; i < n; i++)
        s_add_owned(p, aws_list_key(proto, name, member, i + 1), values[i]);
}

void aws_params_add_tags(struct aws_params *p, enum aws_protocol proto, const char *name,
                         const char *member, const struct aws_tag *tags, size_t n)
{
    if (n == 0 && proto != AWS_PROTO_EC2)
        aws_params_add(p, name, "");
    for (size_t i = 0; i < n; i++) {
        char *prefix = aws_list_key(proto, name, member, i + 1);
        aws_params_addf(p, tags[i].key, "%s.Key", prefix);
        if (tags[i].value)
            aws_params_addf(p, tags[i].value, "%s.Value", prefix);
        free(prefix);
    }
}

void aws_params_add_map(struct aws_params *p, const char *name, const struct aws_tag *entries,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        aws_params_addf(p, entries[i].key, "%s.entry.%zu.key", name, i + 1);
        aws_params_addf(p, entries[i].value, "%s.entry.%zu.value", name, i + 1);
    }
}

void aws_params_add_filter(struct aws_params *p, enum aws_protocol proto, size_t index,
                           const char *name, const char *const *values, size_t n)
{
    /* EC2: Filters has locationName "Filter", Values "Value" (member "item"
     * is ignored by EC2Serializer). RDS: list "Filters" with member
     * locationName "Filter", Values with member locationName "Value". */
    int ec2 = proto == AWS_PROTO_EC2;
    char *prefix = ec2 ? aws_list_key(proto, "Filter", NULL, index)
                       : aws_list_key(proto, "Filters", "Filter", index);
    char *values_name = xasprintf("%s.%s", prefix, ec2 ? "Value" : "Values");
    aws_params_addf(p, name, "%s.Name", prefix);
    aws_params_add_list(p, proto, values_name, "Value", values, n);
    free(values_name);
    free(prefix);
}

static void s_put_pair(struct buf *b, const char *key, const char *value)
{
    if (b->len)
        buf_putc(b, '&');
    uri_encode(b, key, strlen(key), 0);
    buf_putc(b, '=');
    uri_encode(b, value, strlen(value), 0);
}

char *aws_query_body(const char *action, const char *api_version, const struct aws_params *params)
{
    struct buf b;
    buf_init(&b);
    s_put_pair(&b, "Action", action);
    s_put_pair(&b, "Version", api_version);
    for (size_t i = 0; params && i < params->n; i++)
        s_put_pair(&b, params->v[i].key, params->v[i].value);
    return buf_detach(&b);
}

/* The error of an error document that came where a result was expected. */
static enum drh_status s_error_document(const char *action, const struct xml_node *e,
                                        struct drh_err *err)
{
    char *code = xml_find_text(e, "Code");
    char *message = xml_find_text(e, "Message");
    drh_err_set(err, DRH_E_AWS, "%s response is an error document: %.200s: %.400s", action,
                code && *code ? code : "(no code)", message ? message : "");
    free(code);
    free(message);
    /* The message is one line whatever the document held. */
    for (char *p = err ? err->msg : NULL; p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = ' ';
    return DRH_E_AWS;
}

enum drh_status aws_query_parse(enum aws_protocol proto, const char *action, const char *body,
                                size_t len, struct xml_doc **doc_out,
                                const struct xml_node **result_out, struct drh_err *err)
{
    enum drh_status st = DRH_OK;
    struct xml_doc *doc = NULL;
    char *want = NULL;
    if (xml_parse(body, len, &doc, err) != DRH_OK)
        return drh_err_prefix(err, "%s response", action);

    const struct xml_node *root = xml_root(doc);
    const struct xml_node *result = root;
    want = xasprintf("%sResponse", action);
    if (strcmp(xml_name(root), want) != 0) {
        const struct xml_node *e = aws_xml_error_element(root);
        if (e)
            st = s_error_document(action, e, err);
        else
            st = drh_err_set(err, DRH_E_PARSE,
                             "%s response: unexpected root element <%.200s> (expected <%s>)",
                             action, xml_name(root), want);
        goto fail;
    }
    if (proto != AWS_PROTO_EC2) {
        free(want);
        want = xasprintf("%sResult", action);
        result = xml_child(root, want);
        if (!result && result_out) {
            st = drh_err_set(err, DRH_E_PARSE, "%s response has no <%s> element", action, want);
            goto fail;
        }
    }
    free(want);
    *doc_out = doc;
    if (result_out)
        *result_out = result;
    return DRH_OK;

fail:
    free(want);
    xml_free(doc);
    return st;
}
