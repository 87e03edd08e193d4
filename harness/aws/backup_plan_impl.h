/*
 * Inside the AWS Backup plan module: the helpers backup_plan.c (plans,
 * selections) and backup_plan_vault.c (vaults, recovery points by
 * resource) share, defined in backup_plan_call.c. Not for other modules.
 */
#ifndef DRH_AWS_BACKUP_PLAN_IMPL_H
#define DRH_AWS_BACKUP_PLAN_IMPL_H
#include "aws/client.h"
#include "json.h"

#include <stddef.h>

/* A copy of the string member key, or NULL. */
char *bp_dup(const struct json *o, const char *key);
/* A positive whole number member (days, counts); 0 when absent or not one. */
long bp_long(const struct json *o, const char *key);
/* a + label1 + b + label2 + c, each label one percent-encoded segment; NULL pieces are
 * left out. Caller frees. */
char *bp_path(const char *a, const char *label1, const char *b, const char *label2, const char *c);
/* One backup call; ResourceNotFoundException becomes DRH_E_NOTFOUND. out may be NULL. */
enum drh_status bp_call(struct aws_client *c, const char *op, const char *method, const char *path,
                        const char *query, const struct json *body, struct json **out,
                        struct drh_err *err);

/* Called with each element of a list; a non-OK status stops the listing. */
typedef enum drh_status (*bp_item_fn)(const struct json *item, const char *op, void *ctx,
                                      struct drh_err *err);
/* GET path, every page (nextToken), fn on each element of list_key. */
enum drh_status bp_pages(struct aws_client *c, const char *op, const char *path,
                         const char *list_key, bp_item_fn fn, void *ctx, struct drh_err *err);

/* A growing array of n elements of size bytes each; v is the caller's to free. */
struct bp_grow {
    void *v;
    size_t n, cap, size;
};
/* A new zeroed element at the end. */
void *bp_grow(struct bp_grow *g);

#endif
