/*
 * One operation of a service in its own wire protocol, on top of
 * aws_client_send(): query and EC2 calls take parameters and give the
 * parsed <ActionResult>; rest-json and json calls take and give JSON. The
 * service modules (sts.c, and later backup.c, rds.c, ...) are built on
 * these two.
 */
#ifndef DRH_AWS_CALL_H
#define DRH_AWS_CALL_H

#include "aws/client.h"
#include "json.h"
#include "xml.h"

/* *doc_out (caller frees with xml_free()) holds *result_out. On an AWS
 * error, *code_out (if not NULL) gets a copy of the error code to act on
 * (caller frees). */
enum drh_status aws_query_call(struct aws_client *c, const char *service, const char *action,
                               const struct aws_params *params, struct xml_doc **doc_out,
                               const struct xml_node **result_out, char **code_out,
                               struct drh_err *err);

/* method and path apply to rest-json; the json protocol always POSTs to /.
 * body may be NULL; *out (caller frees with json_free()) is NULL for an
 * empty response. */
enum drh_status aws_json_call(struct aws_client *c, const char *service, const char *operation,
                              const char *method, const char *path, const char *query,
                              const struct json *body, struct json **out, char **code_out,
                              struct drh_err *err);

/* The same calls as a service module makes them: an AWS error whose code
 * is one of not_found (NULL-terminated) becomes DRH_E_NOTFOUND, keeping the
 * client's message (service, operation, AWS message, request id). The
 * outputs are as above; with doc_out (or out) NULL the response is dropped. */
enum drh_status aws_query_call_nf(struct aws_client *c, const char *service, const char *action,
                                  const struct aws_params *params, const char *const *not_found,
                                  struct xml_doc **doc_out, const struct xml_node **result_out,
                                  struct drh_err *err);
enum drh_status aws_json_call_nf(struct aws_client *c, const char *service, const char *operation,
                                 const char *method, const char *path, const char *query,
                                 const struct json *body, const char *const *not_found,
                                 struct json **out, struct drh_err *err);
/* DRH_OK when value is a non-empty string, else DRH_E_INPUT
 * "<service> <operation>: no <what> given". */
enum drh_status aws_need(const char *value, const char *service, const char *operation,
                         const char *what, struct drh_err *err);
#endif
