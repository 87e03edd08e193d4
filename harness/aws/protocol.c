/*
 * Error documents, request ids, pagination tokens and json 1.1 headers of the
 * AWS wire protocols: see protocol.h. botocore's parsers.py is the
 * reference for which field wins where a response carries several.
 */
#include "aws/protocol.h"

#include "buf.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much of a bad body an error message quotes. */
#define EXCERPT_MAX 120

const char *aws_protocol_name(enum aws_protocol proto)
{
    switch (proto) {
    case AWS_PROTO_QUERY:
        return "query";
    case AWS_PROTO_EC2:
        return "ec2";
    case AWS_PROTO_REST_JSON:
        return "rest-json";
    case AWS_PROTO_REST_XML:
        return "rest-xml";
    case AWS_PROTO_JSON:
        return "json";
    }
    return "unknown";
}

static int s_is_xml(enum aws_protocol proto)
{
    return proto == AWS_PROTO_QUERY || proto == AWS_PROTO_EC2 || proto == AWS_PROTO_REST_XML;
}

static const char *s_reason(long status)
{
    static const struct {
        long status;
        const char *reason;
    } table[] = {
        {301, "Moved Permanently"},   {302, "Found"},
        {304, "Not Modified"},        {307, "Temporary Redirect"},
        {400, "Bad Request"},         {401, "Unauthorized"},
        {403, "Forbidden"},           {404, "Not Found"},
        {405, "Method Not Allowed"},  {409, "Conflict"},
        {411, "Length Required"},     {412, "Precondition Failed"},
        {413, "Payload Too Large"},   {416, "Range Not Satisfiable"},
        {429, "Too Many Requests"},   {500, "Internal Server Error"},
        {501, "Not Implemented"},     {502, "Bad Gateway"},
        {503, "Service Unavailable"}, {504, "Gateway Timeout"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].status == status)
            return table[i].reason;
    return NULL;
}

static void s_put_status(struct buf *b, long status)
{
    const char *reason = s_reason(status);
    if (reason)
        buf_printf(b, "HTTP %ld %s", status, reason);
    else
        buf_printf(b, "HTTP %ld", status);
}

/* The code of an error whose body names none. */
static char *s_status_code(long status)
{
    /* S3 answers a HEAD request's 404 with no body; "NotFound" is what the
     * other AWS SDKs call it (botocore says "404"). */
    if (status == 404)
        return xstrdup("NotFound");
    return xasprintf("Http%ld", status);
}

static int s_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends the start of a bad body for a message: printable ASCII, runs of
 * white space as one space, any other byte as '?'. */
static void s_put_excerpt(struct buf *b, const char *body, size_t len)
{
    size_t i = 0, n = 0;
    while (i < len && s_space((unsigned char)body[i]))
        i++;
    buf_putc(b, '"');
    for (; i < len && n < EXCERPT_MAX; i++, n++) {
        unsigned char c = (unsigned char)body[i];
        if (s_space(c)) {
            while (i + 1 < len && s_space((unsigned char)body[i + 1]))
                i++;
            buf_putc(b, ' ');
        } else {
            buf_putc(b, c >= 0x20 && c < 0x7F ? (char)c : '?');
        }
    }
    buf_puts(b, i < len ? "...\"" : "\"");
}

/* A copy of s with control characters as spaces and no white space around:
 * codes are compared and messages end up on one log line. NULL when nothing
 * is left. */
static char *s_clean(const char *s, size_t len)
{
    if (!s)
        return NULL;
    while (len > 0 && s_space((unsigned char)*s))
        s++, len--;
    while (len > 0 && s_space((unsigned char)s[len - 1]))
        len--;
    if (len == 0)
        return NULL;
    char *out = xstrndup(s, len);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = ' ';
    return out;
}

/* A copy of s without white space around, else as it is (tokens are opaque);
 * NULL when nothing is left. */
static char *s_trimmed(const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    while (len > 0 && s_space((unsigned char)*s))
        s++, len--;
    while (len > 0 && s_space((unsigned char)s[len - 1]))
        len--;
    return len ? xstrndup(s, len) : NULL;
}

static char *s_clean_str(const char *s)
{
    return s ? s_clean(s, strlen(s)) : NULL;
}

/* Takes ownership of text (from xml_text()) and returns it cleaned. */
static char *s_clean_owned(char *text)
{
    char *out = s_clean_str(text);
    free(text);
    return out;
}

static int s_blank(const char *body, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!s_space((unsigned char)body[i]))
            return 0;
    return 1;
}

static char *s_header_request_id(const struct headers *hdrs)
{
    if (!hdrs)
        return NULL;
    char *id = s_clean_str(headers_get(hdrs, "x-amzn-RequestId"));
    return id ? id : s_clean_str(headers_get(hdrs, "x-amz-request-id"));
}

static char *s_xml_request_id(const struct xml_node *root)
{
    static const char *const paths[] = {"RequestId", "RequestID", "requestId",
                                        "ResponseMetadata/RequestId"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char *id = s_clean_owned(xml_find_text(root, paths[i]));
        if (id)
            return id;
    }
    return NULL;
}

char *aws_response_request_id(enum aws_protocol proto, const struct headers *hdrs, const char *body,
                              size_t len)
{
    char *id = s_header_request_id(hdrs);
    if (id || !s_is_xml(proto) || !body || s_blank(body, len))
        return id;
    struct xml_doc *doc = NULL;
    if (xml_parse(body, len, &doc, NULL) != DRH_OK)
        return NULL;
    id = s_xml_request_id(xml_root(doc));
    xml_free(doc);
    return id;
}

const struct xml_node *aws_xml_error_element(const struct xml_node *root)
{
    if (!root)
        return NULL;
    if (strcmp(xml_name(root), "Error") == 0)
        return root;                                     /* S3 */
    const struct xml_node *e = xml_child(root, "Error"); /* query */
    return e ? e : xml_find(root, "Errors/Error");       /* ec2 */
}

/* What an error parse found; problem says what was wrong with the body. */
struct found {
    char *code;
    char *message;
    char *request_id;
    struct buf problem;
};

static void s_malformed(struct found *f, const char *why, const char *body, size_t len)
{
    buf_printf(&f->problem, "malformed error body (%s): ", why);
    s_put_excerpt(&f->problem, body, len);
}

static void s_xml_error(enum aws_protocol proto, const char *body, size_t len, struct found *f)
{
    struct xml_doc *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (xml_parse(body, len, &doc, &err) != DRH_OK) {
        s_malformed(f, err.msg, body, len);
        return;
    }
    const struct xml_node *root = xml_root(doc);
    const struct xml_node *e = aws_xml_error_element(root);
    if (!f->request_id)
        f->request_id = s_xml_request_id(root);
    if (!e) {
        buf_printf(&f->problem,
                   "response body is not an error document (root element <%s>): ", xml_name(root));
        s_put_excerpt(&f->problem, body, len);
    } else {
        f->code = s_clean_owned(xml_find_text(e, "Code"));
        f->message = s_clean_owned(xml_find_text(e, "Message"));
        if (!f->code)
            buf_printf(&f->problem, "error document has no <Code> (%s)", aws_protocol_name(proto));
    }
    xml_free(doc);
}

/* A code as the JSON protocols give it: "ns#Name" is cut to "Name". */
static char *s_json_code(const char *s, size_t len)
{
    if (!s)
        return NULL;
    for (size_t i = len; i > 0; i--) {
        if (s[i - 1] == '#') {
            s += i;
            len -= i;
            break;
        }
    }
    return s_clean(s, len);
}

/* x-amzn-ErrorType: "Name" or "Name:http://internal.amazon.com/...". */
static char *s_error_type_header(const struct headers *hdrs)
{
    const char *h = hdrs ? headers_get(hdrs, "x-amzn-ErrorType") : NULL;
    return h ? s_json_code(h, strcspn(h, ":")) : NULL;
}

/* x-amzn-query-error: "Code;Sender", used only when it has both parts. */
static char *s_query_error_header(const struct headers *hdrs)
{
    const char *h = hdrs ? headers_get(hdrs, "x-amzn-query-error") : NULL;
    if (!h)
        return NULL;
    const char *semi = strchr(h, ';');
    if (!semi || semi == h || strchr(semi + 1, ';'))
        return NULL;
    return s_json_code(h, (size_t)(semi - h));
}

static char *s_json_member_code(const struct json *doc, const char *key)
{
    const char *s = json_get_string(doc, key);
    return s ? s_json_code(s, strlen(s)) : NULL;
}

static void s_json_error(enum aws_protocol proto, const struct headers *hdrs, const char *body,
                         size_t len, struct found *f)
{
    struct json *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (!s_blank(body, len)) {
        if (json_parse(body, len, &doc, &err) != DRH_OK) {
            s_malformed(f, err.msg, body, len);
        } else if (!json_is_object(doc)) {
            buf_printf(&f->problem,
                       "response body is not an error document (a JSON %s): ", json_type_name(doc));
            s_put_excerpt(&f->problem, body, len);
        }
    }
    if (!json_is_object(doc)) {
        json_free(doc);
        doc = NULL;
    }

    /* botocore: BaseJSONParser takes x-amzn-query-error, else __type;
     * RestJSONParser then prefers x-amzn-ErrorType, else code, else Code. */
    char *code = NULL;
    if (proto == AWS_PROTO_REST_JSON) {
        code = s_error_type_header(hdrs);
        if (!code)
            code = s_json_member_code(doc, "code");
        if (!code)
            code = s_json_member_code(doc, "Code");
    }
    if (!code)
        code = s_query_error_header(hdrs);
    if (!code)
        code = s_json_member_code(doc, "__type");
    if (!code && proto == AWS_PROTO_JSON)
        code = s_error_type_header(hdrs);
    f->code = code;

    f->message = s_clean_str(json_get_string(doc, "message"));
    if (!f->message)
        f->message = s_clean_str(json_get_string(doc, "Message"));
    if (doc && !f->code)
        buf_printf(&f->problem, "error document has no error code (%s)", aws_protocol_name(proto));
    json_free(doc);
}

void aws_error_parse(enum aws_protocol proto, long status, const struct headers *hdrs,
                     const char *body, size_t len, struct aws_error_info *out)
{
    struct found f = {0};
    buf_init(&f.problem);
    if (!body)
        len = 0;
    f.request_id = s_header_request_id(hdrs);

    if (len == 0 || s_blank(body, len)) {
        buf_puts(&f.problem, "empty response body (");
        s_put_status(&f.problem, status);
        buf_putc(&f.problem, ')');
    }
    if (s_is_xml(proto)) {
        if (f.problem.len == 0)
            s_xml_error(proto, body, len, &f);
    } else {
        s_json_error(proto, hdrs, body, len, &f);
    }

    out->status = status;
    out->code = f.code ? f.code : s_status_code(status);
    if (f.message)
        out->message = f.message;
    else
        out->message = xstrdup(buf_str(&f.problem));
    out->request_id = f.request_id;
    buf_clean_up(&f.problem);
}

void aws_error_info_clean_up(struct aws_error_info *e)
{
    if (!e)
        return;
    free(e->code);
    free(e->message);
    free(e->request_id);
    memset(e, 0, sizeof *e);
}

void aws_json_headers(struct headers *h, const char *target_prefix, const char *operation)
{
    char *target = xasprintf("%s.%s", target_prefix, operation);
    headers_set(h, "X-Amz-Target", target);
    headers_set(h, "Content-Type", "application/x-amz-json-1.1");
    free(target);
}

char *aws_xml_next_token(const struct xml_node *result, const char *token_name)
{
    if (!result || !token_name || !*token_name)
        return NULL;
    char *truncated = s_clean_owned(xml_find_text(result, "IsTruncated"));
    int last = truncated && strcmp(truncated, "false") == 0;
    free(truncated);
    if (last)
        return NULL;

    const struct xml_node *n = xml_child(result, token_name);
    if (!n) {
        /* EC2: model member NextToken, wire name nextToken. */
        char *alt = xstrdup(token_name);
        char c = alt[0];
        if (c >= 'a' && c <= 'z')
            alt[0] = (char)(c - 'a' + 'A');
        else if (c >= 'A' && c <= 'Z')
            alt[0] = (char)(c - 'A' + 'a');
        n = xml_child(result, alt);
        free(alt);
    }
    char *text = xml_text(n);
    char *token = s_trimmed(text);
    free(text);
    return token;
}

char *aws_json_next_token(const struct json *body, const char *token_name)
{
    bool truncated;
    if (json_bool(json_get(body, "IsTruncated"), &truncated) && !truncated)
        return NULL;
    return s_trimmed(json_get_string(body, token_name));
}

enum drh_status aws_page_advance(char **token, char *next, const char *service, const char *op,
                                 const char *token_name, int page, int max_pages,
                                 struct drh_err *err)
{
    if (next && *token && strcmp(next, *token) == 0) {
        free(next);
        return drh_err_set(err, DRH_E_PARSE, "%s %s: the service repeated %s", service, op,
                           token_name);
    }
    if (next && page + 1 >= max_pages) {
        free(next);
        return drh_err_set(err, DRH_E_PARSE, "%s %s: more than %d pages", service, op,
                           max_pages);
    }
    free(*token);
    *token = next;
    return DRH_OK;
}
