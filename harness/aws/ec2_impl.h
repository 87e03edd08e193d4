/*
 * Inside the EC2 module (ec2.c, ec2_image.c, ec2_instance.c,
 * ec2_network.c, ec2_security_group.c): the call wrapper, tag lists,
 * paging, describe and delete calls they share. Not for use outside
 * harness/aws/ec2*.c.
 */
#ifndef DRH_AWS_EC2_IMPL_H
#define DRH_AWS_EC2_IMPL_H
#include "aws/ec2.h"
#include "xml.h"

#include <stdbool.h>

/* A server that keeps answering with a NextToken must not loop drh forever. */
#define EC2_MAX_PAGES 1000

/* One call; a not-found error (ec2.h lists them) becomes DRH_E_NOTFOUND.
 * doc_out NULL: the result is not needed. */
enum drh_status ec2_call(struct aws_client *c, const char *action, const struct aws_params *p,
                         struct xml_doc **doc_out, const struct xml_node **result_out,
                         struct drh_err *err);
/* An action on one id (parameter key) whose output is not needed. */
enum drh_status ec2_call_simple(struct aws_client *c, const char *op, const char *key,
                                const char *id, struct drh_err *err);
/* Runs op and returns the text of the result's element path (caller frees);
 * DRH_E_PARSE when the response lacks it. */
enum drh_status ec2_call_text(struct aws_client *c, const char *op, const struct aws_params *p,
                              const char *path, char **out, struct drh_err *err);
/* Appends the <tagSet> of n to out. */
void ec2_parse_tags(const struct xml_node *n, struct ec2_tags *out);
/* Next page's NextToken, refusing a token that repeats or pages without end. */
enum drh_status ec2_next_page(const struct xml_node *result, const char *op, int page, char **token,
                              struct drh_err *err);

/* Called for each <item> of a describe call's result set. */
typedef enum drh_status (*ec2_item_fn)(const struct xml_node *item, void *ctx, struct drh_err *err);

/* A filter of a describe call: Filter.N.Name and its values. */
struct ec2_filter {
    const char *name; /* NULL: no filter (and none after it) */
    const char *const *values;
    size_t n;
};

struct ec2_query {
    const char *op;
    const char *set;    /* the result's list element: "subnetSet" */
    const char *id_key; /* "SubnetId": ids go as SubnetId.1, ... */
    const char *const *ids;
    size_t n_ids;
    const char *param; /* one more parameter ("Owner.1"), or NULL */
    const char *param_value;
    struct ec2_filter filters[2];
};

/* A describe call of q, following NextToken to the end; fn sees every
 * <item> of the result's q->set. */
enum drh_status ec2_describe_each(struct aws_client *c, const struct ec2_query *q, ec2_item_fn fn,
                                  void *ctx, struct drh_err *err);
/* Deletes one thing by id (parameter key): the code not_found becomes
 * DRH_E_NOTFOUND; DependencyViolation sets *in_use (may be NULL). */
enum drh_status ec2_delete_id(struct aws_client *c, const char *op, const char *key, const char *id,
                              const char *not_found, bool *in_use, struct drh_err *err);
/* TagSpecification.1 of one resource type; n == 0 adds nothing. */
void ec2_tag_spec(struct aws_params *p, const char *type, const struct aws_tag *tags, size_t n);
/* Makes room for one more element (of size bytes) in a growing array v of
 * len elements and capacity *cap; returns the array. */
void *ec2_grow(void *v, size_t len, size_t *cap, size_t size);

#endif
