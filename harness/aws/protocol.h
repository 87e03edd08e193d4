/*
 * The wire protocols of botocore's service models, on the response side
 * (error documents, request ids, pagination tokens, query results) and for
 * the request pieces that are not plain JSON or XML (query/ec2 parameters
 * and form bodies, json 1.1 headers). botocore's parsers.py and serialize.py
 * are the reference: where this differs, the comment says so and why.
 *
 * Everything here reads untrusted bytes and never crashes on them: a body
 * that is empty, truncated or not what the protocol promises gives an error
 * (or, for aws_error_parse, a fallback) saying what and where.
 *
 * protocol.c: errors, request ids, tokens, json headers; query.c: the
 * query and ec2 parameters, bodies and results.
 */
#ifndef DRH_AWS_PROTOCOL_H
#define DRH_AWS_PROTOCOL_H

#include "aws/headers.h"
#include "err.h"
#include "json.h"
#include "xml.h"

#include <stddef.h>

/* The "protocol" of a service model's metadata: query (STS, RDS, SNS), ec2,
 * rest-json (Backup, EFS), rest-xml (S3), json (KMS). */
enum aws_protocol {
    AWS_PROTO_QUERY,
    AWS_PROTO_EC2,
    AWS_PROTO_REST_JSON,
    AWS_PROTO_REST_XML,
    AWS_PROTO_JSON
};

/* "query", "ec2", "rest-json", "rest-xml", "json". */
const char *aws_protocol_name(enum aws_protocol proto);

/*
 * Errors.
 */

/* code and message are never NULL after aws_error_parse() (message may be
 * ""); request_id is NULL when the response carries none. */
struct aws_error_info {
    char *code;
    char *message;
    char *request_id;
    long status;
};

/* Parses the error response of a failed call (status >= 300) in the given
 * protocol, as botocore does:
 *   query / ec2 / rest-xml: <ErrorResponse><Error><Code/><Message/></Error>
 *     <RequestId/></ErrorResponse> (query), <Response><Errors><Error>...
 *     </Errors><RequestID/></Response> (ec2), <Error><Code/><Message/>
 *     <RequestId/></Error> (S3); any of the three is recognized in any of
 *     these protocols, the first <Error> wins.
 *   rest-json: code from the x-amzn-ErrorType header (cut at ':'), else the
 *     body's "code", "Code", else x-amzn-query-error, else "__type".
 *   json: code from x-amzn-query-error, else "__type", else (beyond botocore,
 *     as the Smithy spec allows) x-amzn-ErrorType.
 *   In both JSON protocols any "namespace#" prefix is cut and the message is
 *   "message", else "Message".
 * Never fails: where the body is empty, malformed or not an error document,
 * code falls back to a name for the HTTP status ("NotFound" for 404, as the
 * other AWS SDKs name S3's bodiless HEAD 404; otherwise "Http503"-style;
 * botocore says "404" / "503") and message says what was wrong with the
 * body, quoting its start (or, when the document has a message but no
 * code, is that message). All three strings are trimmed and have control
 * characters turned to spaces, so they fit on one log line. The request id
 * is as aws_response_request_id() finds it. out needs no initialization;
 * free it with aws_error_info_clean_up(). */
void aws_error_parse(enum aws_protocol proto, long status, const struct headers *hdrs,
                     const char *body, size_t len, struct aws_error_info *out);
/* Frees the strings and zeroes e; safe on a zeroed or cleaned-up e. */
void aws_error_info_clean_up(struct aws_error_info *e);

/* The <Error> element of an XML error document in any of the three forms
 * above (root <Error>, <ErrorResponse><Error>, <Response><Errors><Error>),
 * or NULL. */
const struct xml_node *aws_xml_error_element(const struct xml_node *root);

/* Request id of any response: the x-amzn-RequestId or x-amz-request-id
 * header, else (query, ec2, rest-xml) the RequestId / RequestID / requestId
 * child of the body's root or its ResponseMetadata/RequestId. hdrs may be
 * NULL. Caller frees; NULL if none. */
char *aws_response_request_id(enum aws_protocol proto, const struct headers *hdrs, const char *body,
                              size_t len);

/*
 * Query and EC2 requests (query.c).
 */

struct aws_param {
    char *key;
    char *value;
};

/* Query and EC2 request parameters: an ordered key/value list, in the order
 * they were added (botocore's order: the order of the input). Caller
 * storage: aws_params_init() / aws_params_clean_up(). */
struct aws_params {
    struct aws_param *v;
    size_t n;
    size_t cap;
};

/* A key/value pair of a tag list. */
struct aws_tag {
    const char *key;
    const char *value;
};

void aws_params_init(struct aws_params *p);
void aws_params_clean_up(struct aws_params *p);
/* Appends copies of key and value (raw, encoded by aws_query_body()). */
void aws_params_add(struct aws_params *p, const char *key, const char *value);
/* The same with a formatted key: aws_params_addf(p, "ebs", "Filter.%d.Value.1", 2). */
void aws_params_addf(struct aws_params *p, const char *value, const char *key_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The value of the first parameter named key, or NULL. */
const char *aws_params_get(const struct aws_params *p, const char *key);

/* The key of element index (from 1) of the list serialized as name, as
 * botocore's serializers write it: query "<name>.<member>.<index>", where
 * member is the list member's locationName from the model and NULL means
 * the default "member" (SNS "Tags.member.1", RDS "Filters.Filter.1"); ec2
 * "<name>.<index>" (member ignored: "Filter.1", "TagSpecification.1").
 * Compose for nested lists: aws_list_key(EC2, "TagSpecification.1.Tag",
 * NULL, 2) is "TagSpecification.1.Tag.2". Caller frees. */
char *aws_list_key(enum aws_protocol proto, const char *name, const char *member, size_t index);
/* A list of strings under name (keys as aws_list_key()). An empty list is
 * written "name=" in query, as botocore does, and not at all in ec2. */
void aws_params_add_list(struct aws_params *p, enum aws_protocol proto, const char *name,
                         const char *member, const char *const *values, size_t n);
/* A list of Key/Value tag structures: query "Tags.member.1.Key" (RDS: name
 * "Tags", member "Tag"), ec2 "TagSpecification.1.Tag.1.Key". A tag whose
 * value is NULL gets no ".Value". */
void aws_params_add_tags(struct aws_params *p, enum aws_protocol proto, const char *name,
                         const char *member, const struct aws_tag *tags, size_t n);
/* A query map (non-flattened): "<name>.entry.<i>.key" / ".value", as SNS
 * CreateTopic's Attributes. */
void aws_params_add_map(struct aws_params *p, const char *name, const struct aws_tag *entries,
                        size_t n);
/* Filter number index (from 1) of a describe call: ec2 "Filter.<i>.Name",
 * "Filter.<i>.Value.<j>"; query (RDS) "Filters.Filter.<i>.Name",
 * "Filters.Filter.<i>.Values.Value.<j>". */
void aws_params_add_filter(struct aws_params *p, enum aws_protocol proto, size_t index,
                           const char *name, const char *const *values, size_t n);

/* Form-encoded body: "Action=...&Version=...&k=v..." with AWS percent-encoding
 * (uri.h). params may be NULL. Caller frees. */
char *aws_query_body(const char *action, const char *api_version, const struct aws_params *params);

/* Parses a successful query response: the document (caller frees with
 * xml_free()) and its <ActionResult> element; for EC2, the <ActionResponse>
 * root itself. The root must be <ActionResponse>: an error document gets
 * DRH_E_AWS naming its code and message, anything else DRH_E_PARSE.
 * result_out may be NULL for operations without output, whose response has
 * no Result element. Outputs are written only on success. */
enum drh_status aws_query_parse(enum aws_protocol proto, const char *action, const char *body,
                                size_t len, struct xml_doc **doc_out,
                                const struct xml_node **result_out, struct drh_err *err);

/*
 * JSON protocol and pagination (protocol.c).
 */

/* json 1.1 (KMS) request headers: X-Amz-Target "<targetPrefix>.<Operation>"
 * and Content-Type application/x-amz-json-1.1, replacing any already set. */
void aws_json_headers(struct headers *h, const char *target_prefix, const char *operation);

/* The next-page token of a response, or NULL when this is the last page
 * (caller frees). token_name is the output token of the service's paginator
 * (NextToken, Marker, NextMarker, NextContinuationToken, ...). An absent,
 * null or empty token ends the pagination, and so does IsTruncated = false
 * (S3). For XML the token is a child of result; when the model's member name
 * differs from the wire name only by its first letter, as EC2's NextToken is
 * <nextToken>, either is accepted. */
char *aws_xml_next_token(const struct xml_node *result, const char *token_name);
char *aws_json_next_token(const struct json *body, const char *token_name);
/* Moves a paginator on: *token becomes next (taken over; NULL ends the
 * pages). A next equal to *token (a service repeating itself) or a page
 * beyond max_pages is DRH_E_PARSE "<service> <op>: ...", next freed. page
 * counts from 0. */
enum drh_status aws_page_advance(char **token, char *next, const char *service, const char *op,
                                 const char *token_name, int page, int max_pages,
                                 struct drh_err *err);

#endif
