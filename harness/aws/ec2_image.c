/*
 * Amazon EC2 images and snapshots (ec2.h): the AMIs an EC2 drill selects,
 * checks for sharing, copies and deregisters, and their EBS snapshots.
 */
#include "aws/ec2.h"
#include "aws/ec2_impl.h"

#include "aws/call.h"
#include "aws/creds.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

void ec2_image_clean_up(struct ec2_image *i)
{
    if (!i)
        return;
    free(i->id);
    free(i->name);
    free(i->state);
    free(i->owner);
    for (size_t k = 0; k < i->n_snapshots; k++)
        free(i->snapshots[k]);
    free(i->snapshots);
    ec2_tags_clean_up(&i->tags);
    memset(i, 0, sizeof *i);
}

void ec2_images_free(struct ec2_image *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        ec2_image_clean_up(&v[i]);
    free(v);
}

void ec2_snapshot_clean_up(struct ec2_snapshot *s)
{
    if (!s)
        return;
    free(s->id);
    free(s->state);
    free(s->owner);
    ec2_tags_clean_up(&s->tags);
    memset(s, 0, sizeof *s);
}

void ec2_perms_clean_up(struct ec2_perms *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->users[i]);
    free(p->users);
    memset(p, 0, sizeof *p);
}

bool ec2_perms_allow(const struct ec2_perms *p, const char *account)
{
    if (p->public_)
        return true;
    for (size_t i = 0; account && i < p->n; i++)
        if (strcmp(p->users[i], account) == 0)
            return true;
    return false;
}

/*
 * Images.
 */

static enum drh_status s_image(const struct xml_node *n, struct ec2_image *out, struct drh_err *err)
{
    struct ec2_image im = {0};
    im.id = xml_find_text_nonempty(n, "imageId");
    if (!im.id)
        return drh_err_set(err, DRH_E_PARSE, "ec2 DescribeImages: an image without imageId");
    char *created = xml_find_text_nonempty(n, "creationDate");
    if (created) {
        im.created = aws_parse_time_frac(created);
        if (im.created < 0) {
            drh_err_set(err, DRH_E_PARSE,
                        "ec2 DescribeImages: image '%s': creationDate '%.40s' is not an ISO "
                        "8601 time",
                        im.id, created);
            free(created);
            ec2_image_clean_up(&im);
            return DRH_E_PARSE;
        }
        free(created);
    }
    im.name = xml_find_text_nonempty(n, "name");
    im.state = xml_find_text_nonempty(n, "imageState");
    im.owner = xml_find_text_nonempty(n, "imageOwnerId");
    size_t cap = 0;
    for (const struct xml_node *b = xml_child(xml_child(n, "blockDeviceMapping"), "item"); b;
         b = xml_next(b)) {
        char *snap = xml_find_text_nonempty(b, "ebs/snapshotId");
        if (xml_find_true(b, "ebs/encrypted"))
            im.encrypted = true;
        if (!snap)
            continue;
        if (im.n_snapshots == cap) {
            cap = cap ? cap * 2 : 2;
            im.snapshots = xrealloc(im.snapshots, cap * sizeof *im.snapshots);
        }
        im.snapshots[im.n_snapshots++] = snap;
    }
    ec2_parse_tags(n, &im.tags);
    *out = im;
    return DRH_OK;
}

struct s_images {
    struct ec2_image *v;
    size_t len, cap;
};

static enum drh_status s_image_item(const struct xml_node *it, void *ctx, struct drh_err *err)
{
    struct s_images *a = ctx;
    a->v = ec2_grow(a->v, a->len, &a->cap, sizeof *a->v);
    enum drh_status st = s_image(it, &a->v[a->len], err);
    if (st == DRH_OK)
        a->len++;
    return st;
}

enum drh_status ec2_describe_images(struct aws_client *c, const struct ec2_image_query *q,
                                    struct ec2_image **out, size_t *n, struct drh_err *err)
{
    struct ec2_query dq = {.op = "DescribeImages", .set = "imagesSet", .id_key = "ImageId"};
    if (q->image_id) {
        dq.ids = &q->image_id;
        dq.n_ids = 1;
    }
    if (q->owner) {
        dq.param = "Owner.1";
        dq.param_value = q->owner;
    }
    size_t f = 0;
    if (q->name)
        dq.filters[f++] = (struct ec2_filter){"name", &q->name, 1};
    char *tag = q->tag_key && q->tag_value ? xasprintf("tag:%s", q->tag_key) : NULL;
    if (tag)
        dq.filters[f++] = (struct ec2_filter){tag, &q->tag_value, 1};
    struct s_images a = {0};
    enum drh_status st = ec2_describe_each(c, &dq, s_image_item, &a, err);
    free(tag);
    if (st != DRH_OK) {
        ec2_images_free(a.v, a.len);
        return st;
    }
    *out = a.v;
    *n = a.len;
    return DRH_OK;
}

enum drh_status ec2_describe_image(struct aws_client *c, const char *image_id,
                                   struct ec2_image *out, struct drh_err *err)
{
    enum drh_status st = aws_need(image_id, "ec2", "DescribeImages", "image id", err);
    if (st != DRH_OK)
        return st;
    struct ec2_image_query q = {.image_id = image_id};
    struct ec2_image *v = NULL;
    size_t n = 0;
    if ((st = ec2_describe_images(c, &q, &v, &n, err)) != DRH_OK)
        return st;
    size_t i = 0;
    while (i < n && strcmp(v[i].id, image_id) != 0)
        i++;
    if (i == n) {
        st = drh_err_set(err, DRH_E_NOTFOUND,
                         "ec2 DescribeImages: image '%s' is not in the "
                         "response",
                         image_id);
    } else {
        ec2_image_clean_up(out);
        *out = v[i];
        memset(&v[i], 0, sizeof v[i]);
    }
    ec2_images_free(v, n);
    return st;
}

static void s_perms(const struct xml_node *list, struct ec2_perms *out)
{
    size_t cap = 0;
    for (const struct xml_node *it = xml_child(list, "item"); it; it = xml_next(it)) {
        char *g = xml_find_text_nonempty(it, "group");
        if (g && strcmp(g, "all") == 0)
            out->public_ = true;
        free(g);
        char *u = xml_find_text_nonempty(it, "userId");
        if (!u)
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 4;
            out->users = xrealloc(out->users, cap * sizeof *out->users);
        }
        out->users[out->n++] = u;
    }
}

static enum drh_status s_attribute(struct aws_client *c, const char *op, const char *id_key,
                                   const char *id, const char *attr, const char *list,
                                   struct ec2_perms *out, struct drh_err *err)
{
    enum drh_status st = aws_need(id, "ec2", op, id_key, err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "Attribute", attr);
    aws_params_add(&p, id_key, id);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = ec2_call(c, op, &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    struct ec2_perms perms = {0};
    s_perms(xml_child(result, list), &perms);
    xml_free(doc);
    ec2_perms_clean_up(out);
    *out = perms;
    return DRH_OK;
}

enum drh_status ec2_image_launch_permissions(struct aws_client *c, const char *image_id,
                                             struct ec2_perms *out, struct drh_err *err)
{
    return s_attribute(c, "DescribeImageAttribute", "ImageId", image_id, "launchPermission",
                       "launchPermission", out, err);
}

enum drh_status ec2_snapshot_volume_permissions(struct aws_client *c, const char *snapshot_id,
                                                struct ec2_perms *out, struct drh_err *err)
{
    return s_attribute(c, "DescribeSnapshotAttribute", "SnapshotId", snapshot_id,
                       "createVolumePermission", "createVolumePermission", out, err);
}

enum drh_status ec2_copy_image(struct aws_client *c, const struct ec2_copy *cp, char **image_id,
                               struct drh_err *err)
{
    enum drh_status st = aws_need(cp->source_image_id, "ec2", "CopyImage", "source image", err);
    if (st == DRH_OK)
        st = aws_need(cp->source_region, "ec2", "CopyImage", "source region", err);
    if (st == DRH_OK)
        st = aws_need(cp->name, "ec2", "CopyImage", "name", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    if (cp->client_token)
        aws_params_add(&p, "ClientToken", cp->client_token);
    if (cp->description)
        aws_params_add(&p, "Description", cp->description);
    if (cp->encrypted || cp->kms_key)
        aws_params_add(&p, "Encrypted", "true");
    if (cp->kms_key)
        aws_params_add(&p, "KmsKeyId", cp->kms_key);
    aws_params_add(&p, "Name", cp->name);
    aws_params_add(&p, "SourceImageId", cp->source_image_id);
    aws_params_add(&p, "SourceRegion", cp->source_region);
    st = ec2_call_text(c, "CopyImage", &p, "imageId", image_id, err);
    aws_params_clean_up(&p);
    return st;
}

enum drh_status ec2_deregister_image(struct aws_client *c, const char *image_id,
                                     struct drh_err *err)
{
    return ec2_call_simple(c, "DeregisterImage", "ImageId", image_id, err);
}

/*
 * Snapshots.
 */

enum drh_status ec2_describe_snapshot(struct aws_client *c, const char *snapshot_id,
                                      struct ec2_snapshot *out, struct drh_err *err)
{
    enum drh_status st = aws_need(snapshot_id, "ec2", "DescribeSnapshots", "snapshot id", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "SnapshotId.1", snapshot_id);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = ec2_call(c, "DescribeSnapshots", &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    const struct xml_node *it = xml_child(xml_child(result, "snapshotSet"), "item");
    struct ec2_snapshot s = {0};
    s.id = it ? xml_find_text_nonempty(it, "snapshotId") : NULL;
    if (!s.id) {
        st =
            drh_err_set(err, DRH_E_NOTFOUND,
                        "ec2 DescribeSnapshots: snapshot '%s' is not in the response", snapshot_id);
    } else {
        s.state = xml_find_text_nonempty(it, "status");
        s.owner = xml_find_text_nonempty(it, "ownerId");
        ec2_parse_tags(it, &s.tags);
        ec2_snapshot_clean_up(out);
        *out = s;
    }
    xml_free(doc);
    return st;
}

enum drh_status ec2_delete_snapshot(struct aws_client *c, const char *snapshot_id,
                                    struct drh_err *err)
{
    return ec2_call_simple(c, "DeleteSnapshot", "SnapshotId", snapshot_id, err);
}
