/*
 * EFS file systems carrying a tag key (tagged.h): DescribeFileSystems of
 * the whole account and Region, following NextMarker, kept by the Tags
 * each file system carries in the listing (botocore efs/2015-02-01).
 */
#include "aws/tagged.h"

#include "aws/call.h"
#include "aws/creds.h"
#include "aws/uri.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define EFS_LIST_MAX_PAGES 1000

static enum drh_status s_file_system(const struct json *o, const char *tag_key,
                                     struct aws_tagged_list *keep, struct drh_err *err)
{
    const char *id = json_get_string(o, "FileSystemId");
    const char *state = json_get_string(o, "LifeCycleState");
    if (!id || !state)
        return drh_err_set(err, DRH_E_PARSE,
                           "efs DescribeFileSystems: a file system without "
                           "FileSystemId or LifeCycleState");
    if (strcmp(state, "deleting") == 0 || strcmp(state, "deleted") == 0)
        return DRH_OK;
    bool tagged = false;
    const struct json *tags = json_get(o, "Tags");
    for (const struct json *t = json_first(tags); t && !tagged; t = json_next(t)) {
        const char *k = json_get_string(t, "Key");
        tagged = k && strcmp(k, tag_key) == 0;
    }
    if (!tagged)
        return DRH_OK;
    struct aws_tagged *f = aws_tagged_add(keep);
    f->id = xstrdup(id);
    f->state = xstrdup(state);
    const char *arn = json_get_string(o, "FileSystemArn");
    f->arn = arn ? xstrdup(arn) : NULL;
    double when = 0;
    const struct json *ct = json_get(o, "CreationTime");
    if (!json_number(ct, &when) && json_is_string(ct))
        when = aws_parse_time_frac(json_string(ct));
    f->created = when > 0 ? when : 0;
    for (const struct json *t = json_first(tags); t; t = json_next(t)) {
        const char *k = json_get_string(t, "Key");
        if (k)
            aws_tagged_set_tag(f, k, json_get_string(t, "Value"));
    }
    return DRH_OK;
}

enum drh_status efs_list_tagged(struct aws_client *c, const char *tag_key,
                                struct aws_tagged_list *out, struct drh_err *err)
{
    static const char op[] = "DescribeFileSystems";
    static const char *const not_found[] = {"FileSystemNotFound", NULL};
    enum drh_status st = aws_need(tag_key, "efs", op, "tag key", err);
    if (st != DRH_OK)
        return st;
    struct aws_tagged_list keep = {0};
    char *marker = NULL;
    for (int page = 0; st == DRH_OK; page++) {
        char *query = NULL;
        if (marker) {
            struct uri_params q;
            uri_params_init(&q);
            uri_params_add(&q, "Marker", marker);
            query = uri_params_join(&q);
            uri_params_clean_up(&q);
        }
        struct json *doc = NULL;
        st = aws_json_call_nf(c, "efs", op, "GET", "/2015-02-01/file-systems", query, NULL,
                              not_found, &doc, err);
        free(query);
        const struct json *list = json_get(doc, "FileSystems");
        if (st == DRH_OK && !json_is_array(list))
            st = drh_err_set(err, DRH_E_PARSE, "efs %s: FileSystems is not an array (%s)", op,
                             json_type_name(list));
        for (const struct json *e = json_first(list); e && st == DRH_OK; e = json_next(e))
            st = s_file_system(e, tag_key, &keep, err);
        if (st == DRH_OK)
            st = aws_page_advance(&marker, aws_json_next_token(doc, "NextMarker"), "efs", op,
                                  "NextMarker", page, EFS_LIST_MAX_PAGES, err);
        json_free(doc);
        if (!marker)
            break;
    }
    free(marker);
    if (st == DRH_OK)
        aws_tagged_list_move(out, &keep);
    aws_tagged_list_clean_up(&keep);
    return st;
}
