/*
 * What the AWS Backup plan and vault calls share (backup_plan_impl.h): one
 * call with ResourceNotFoundException as DRH_E_NOTFOUND, paths of encoded
 * labels, NextToken paging, growing result arrays, members as C values.
 */
#include "aws/backup_plan_impl.h"

#include "aws/call.h"
#include "aws/uri.h"
#include "buf.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* A server that keeps answering with a token must not loop drh forever. */
#define BACKUP_PLAN_MAX_PAGES 1000

char *bp_dup(const struct json *o, const char *key)
{
    const char *s = json_get_string(o, key);
    return s ? xstrdup(s) : NULL;
}

/* A whole number member (days, counts); 0 when absent. */
long bp_long(const struct json *o, const char *key)
{
    long long v = 0;
    return json_integer(json_get(o, key), &v) && v > 0 ? (long)v : 0;
}

/* The pieces joined, each label one encoded segment. Caller frees. */
char *bp_path(const char *a, const char *label1, const char *b, const char *label2, const char *c)
{
    struct buf p;
    buf_init(&p);
    buf_puts(&p, a);
    if (label1)
        uri_encode(&p, label1, strlen(label1), 0);
    if (b)
        buf_puts(&p, b);
    if (label2)
        uri_encode(&p, label2, strlen(label2), 0);
    if (c)
        buf_puts(&p, c);
    return buf_detach(&p);
}

enum drh_status bp_call(struct aws_client *c, const char *op, const char *method, const char *path,
                        const char *query, const struct json *body, struct json **out,
                        struct drh_err *err)
{
    static const char *const not_found[] = {"ResourceNotFoundException", NULL};
    return aws_json_call_nf(c, "backup", op, method, path, query, body, not_found, out, err);
}

enum drh_status bp_pages(struct aws_client *c, const char *op, const char *path,
                         const char *list_key, bp_item_fn fn, void *ctx, struct drh_err *err)
{
    char *token = NULL;
    struct json *doc = NULL;
    enum drh_status st = DRH_OK;
    for (int page = 0;; page++) {
        char *query = NULL;
        if (token) {
            struct uri_params q;
            uri_params_init(&q);
            uri_params_add(&q, "nextToken", token);
            query = uri_params_join(&q);
            uri_params_clean_up(&q);
        }
        st = bp_call(c, op, "GET", path, query, NULL, &doc, err);
        free(query);
        if (st != DRH_OK)
            break;
        const struct json *list = json_get(doc, list_key);
        if (list && !json_is_null(list) && !json_is_array(list)) {
            st = drh_err_set(err, DRH_E_PARSE, "backup %s: %s is not an array (%s)", op, list_key,
                             json_type_name(list));
            break;
        }
        for (const struct json *e = json_first(list); e && st == DRH_OK; e = json_next(e))
            st = fn(e, op, ctx, err);
        if (st != DRH_OK)
            break;
        st = aws_page_advance(&token, aws_json_next_token(doc, "NextToken"), "backup", op,
                              "NextToken", page, BACKUP_PLAN_MAX_PAGES, err);
        json_free(doc);
        doc = NULL;
        if (st != DRH_OK || !token)
            break;
    }
    json_free(doc);
    free(token);
    return st;
}

void *bp_grow(struct bp_grow *g)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 8;
        g->v = xrealloc(g->v, g->cap * g->size);
    }
    void *e = (char *)g->v + g->n++ * g->size;
    memset(e, 0, g->size);
    return e;
}
