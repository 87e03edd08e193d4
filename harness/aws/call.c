/* Protocol-level calls: see call.h. */
#include "aws/call.h"

#include "aws/service.h"
#include "crypto.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

static void s_copy_code(const struct aws_response *r, char **code_out)
{
    if (code_out && r->error.code)
        *code_out = xstrdup(r->error.code);
}

enum drh_status aws_query_call(struct aws_client *c, const char *service, const char *action,
                               const struct aws_params *params, struct xml_doc **doc_out,
                               const struct xml_node **result_out, char **code_out,
                               struct drh_err *err)
{
    const struct aws_service *svc = aws_service_find(service);
    if (!svc)
        return drh_err_set(err, DRH_E_INTERNAL, "unknown AWS service '%s'", service);
    char *body = aws_query_body(action, svc->api_version, params);
    struct headers h;
    headers_init(&h);
    headers_add(&h, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    struct aws_request req = {service, action, "POST", "/", NULL, &h, body, strlen(body)};
    struct aws_response resp;
    aws_response_init(&resp);
    enum drh_status st = aws_client_send(c, &req, &resp, err);
    if (st == DRH_OK) {
        st = aws_query_parse(svc->protocol, action, buf_str(&resp.body), resp.body.len, doc_out,
                             result_out, err);
        if (st != DRH_OK)
            drh_err_prefix(err, "%s %s", service, action);
    } else {
        s_copy_code(&resp, code_out);
    }
    aws_response_clean_up(&resp);
    headers_clean_up(&h);
    crypto_wipe(body, strlen(body)); /* may carry MasterUserPassword */
    free(body);
    return st;
}

enum drh_status aws_json_call(struct aws_client *c, const char *service, const char *operation,
                              const char *method, const char *path, const char *query,
                              const struct json *body, struct json **out, char **code_out,
                              struct drh_err *err)
{
    const struct aws_service *svc = aws_service_find(service);
    if (!svc)
        return drh_err_set(err, DRH_E_INTERNAL, "unknown AWS service '%s'", service);
    struct headers h;
    headers_init(&h);
    char *text = NULL;
    if (svc->protocol == AWS_PROTO_JSON) {
        aws_json_headers(&h, svc->target_prefix, operation);
        method = "POST";
        path = "/";
        query = NULL;
        text = body ? json_print(body, 0) : xstrdup("{}");
    } else {
        if (body)
            text = json_print(body, 0);
        if (text)
            headers_add(&h, "Content-Type", "application/json");
    }
    struct aws_request req = {service, operation, method, path, query, &h, text,
                              text ? strlen(text) : 0};
    struct aws_response resp;
    aws_response_init(&resp);
    enum drh_status st = aws_client_send(c, &req, &resp, err);
    *out = NULL;
    if (st == DRH_OK && resp.body.len) {
        st = json_parse(buf_str(&resp.body), resp.body.len, out, err);
        if (st != DRH_OK)
            drh_err_prefix(err, "%s %s: malformed response", service, operation);
    } else if (st != DRH_OK) {
        s_copy_code(&resp, code_out);
    }
    aws_response_clean_up(&resp);
    headers_clean_up(&h);
    free(text);
    return st;
}

static bool s_listed(const char *code, const char *const *codes)
{
    for (size_t i = 0; code && codes && codes[i]; i++)
        if (strcmp(code, codes[i]) == 0)
            return true;
    return false;
}

static enum drh_status s_not_found(enum drh_status st, char *code, const char *const *not_found,
                                   struct drh_err *err)
{
    if (st == DRH_E_AWS && s_listed(code, not_found)) {
        st = DRH_E_NOTFOUND;
        if (err)
            err->code = st;
    }
    free(code);
    return st;
}

enum drh_status aws_query_call_nf(struct aws_client *c, const char *service, const char *action,
                                  const struct aws_params *params, const char *const *not_found,
                                  struct xml_doc **doc_out, const struct xml_node **result_out,
                                  struct drh_err *err)
{
    char *code = NULL;
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    enum drh_status st = aws_query_call(c, service, action, params, &doc,
                                        doc_out ? &result : NULL, &code, err);
    st = s_not_found(st, code, not_found, err);
    if (st == DRH_OK && doc_out) {
        *doc_out = doc;
        *result_out = result;
    } else {
        xml_free(doc);
    }
    return st;
}

enum drh_status aws_json_call_nf(struct aws_client *c, const char *service, const char *operation,
                                 const char *method, const char *path, const char *query,
                                 const struct json *body, const char *const *not_found,
                                 struct json **out, struct drh_err *err)
{
    char *code = NULL;
    struct json *doc = NULL;
    enum drh_status st =
        aws_json_call(c, service, operation, method, path, query, body, &doc, &code, err);
    st = s_not_found(st, code, not_found, err);
    if (out)
        *out = doc;
    else
        json_free(doc);
    return st;
}

enum drh_status aws_need(const char *value, const char *service, const char *operation,
                         const char *what, struct drh_err *err)
{
    if (value && *value)
        return DRH_OK;
    return drh_err_set(err, DRH_E_INPUT, "%s %s: no %s given", service, operation, what);
}
