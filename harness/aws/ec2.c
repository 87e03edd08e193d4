/*
 * Amazon EC2: see ec2.h. Requests and responses follow botocore's
 * ec2/2016-11-15 model (ec2 protocol: lists "Name.N", results under the
 * <ActionResponse> root, list items <item>, lower-camel element names).
 */
#include "aws/ec2.h"

#include "aws/call.h"
#include "aws/creds.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

/* A server that keeps answering with a NextToken must not loop drh forever. */
#define EC2_MAX_PAGES 1000

void ec2_tags_clean_up(struct ec2_tags *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->keys[i]);
        free(t->values[i]);
    }
    free(t->keys);
    free(t->values);
    memset(t, 0, sizeof *t);
}

const char *ec2_tags_get(const struct ec2_tags *t, const char *key)
{
    for (size_t i = 0; t && key && i < t->n; i++)
        if (strcmp(t->keys[i], key) == 0)
            return t->values[i];
    return NULL;
}

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

void ec2_instance_clean_up(struct ec2_instance *i)
{
    if (!i)
        return;
    free(i->id);
    free(i->state);
    free(i->image_id);
    free(i->private_ip);
    free(i->public_ip);
    free(i->subnet);
    free(i->vpc);
    ec2_tags_clean_up(&i->tags);
    memset(i, 0, sizeof *i);
}

void ec2_instance_status_clean_up(struct ec2_instance_status *s)
{
    if (!s)
        return;
    free(s->state);
    free(s->instance_status);
    free(s->system_status);
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

static void s_tags(const struct xml_node *n, struct ec2_tags *out)
{
    size_t cap = 0;
    for (const struct xml_node *it = xml_child(xml_child(n, "tagSet"), "item"); it;
         it = xml_next(it)) {
        char *k = xml_find_text_nonempty(it, "key");
        if (!k)
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 4;
            out->keys = xrealloc(out->keys, cap * sizeof *out->keys);
            out->values = xrealloc(out->values, cap * sizeof *out->values);
        }
        char *v = xml_find_text(it, "value");
        out->keys[out->n] = k;
        out->values[out->n++] = v ? v : xstrdup("");
    }
}

/* Next page's NextToken, refusing a token that repeats or pages without end. */
static enum drh_status s_next_page(const struct xml_node *result, const char *op, int page,
                                   char **token, struct drh_err *err)
{
    return aws_page_advance(token, aws_xml_next_token(result, "NextToken"), "ec2", op,
                            "NextToken", page, EC2_MAX_PAGES, err);
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
    s_tags(n, &im.tags);
    *out = im;
    return DRH_OK;
}

/* One call; a not-found error becomes DRH_E_NOTFOUND. doc_out NULL: the
 * result is not needed. */
static enum drh_status s_call(struct aws_client *c, const char *action, const struct aws_params *p,
                              struct xml_doc **doc_out, const struct xml_node **result_out,
                              struct drh_err *err)
{
    static const char *const not_found[] = {"InvalidAMIID.NotFound", "InvalidInstanceID.NotFound",
                                              "InvalidSnapshot.NotFound", NULL};
    return aws_query_call_nf(c, "ec2", action, p, not_found, doc_out, result_out, err);
}

enum drh_status ec2_describe_images(struct aws_client *c, const struct ec2_image_query *q,
                                    struct ec2_image **out, size_t *n, struct drh_err *err)
{
    struct ec2_image *v = NULL;
    size_t len = 0, cap = 0;
    char *token = NULL;
    enum drh_status st = DRH_OK;
    for (int page = 0;; page++) {
        struct aws_params p;
        aws_params_init(&p);
        if (q->image_id)
            aws_params_add(&p, "ImageId.1", q->image_id);
        if (q->owner)
            aws_params_add(&p, "Owner.1", q->owner);
        size_t f = 1;
        if (q->name)
            aws_params_add_filter(&p, AWS_PROTO_EC2, f++, "name", &q->name, 1);
        if (q->tag_key && q->tag_value) {
            char *name = xasprintf("tag:%s", q->tag_key);
            aws_params_add_filter(&p, AWS_PROTO_EC2, f++, name, &q->tag_value, 1);
            free(name);
        }
        if (token)
            aws_params_add(&p, "NextToken", token);
        struct xml_doc *doc = NULL;
        const struct xml_node *result = NULL;
        st = s_call(c, "DescribeImages", &p, &doc, &result, err);
        aws_params_clean_up(&p);
        if (st != DRH_OK)
            goto done;
        for (const struct xml_node *it = xml_child(xml_child(result, "imagesSet"), "item");
             it && st == DRH_OK; it = xml_next(it)) {
            if (len == cap) {
                cap = cap ? cap * 2 : 8;
                v = xrealloc(v, cap * sizeof *v);
            }
            st = s_image(it, &v[len], err);
            if (st == DRH_OK)
                len++;
        }
        if (st == DRH_OK)
            st = s_next_page(result, "DescribeImages", page, &token, err);
        xml_free(doc);
        if (st != DRH_OK)
            goto done;
        if (!token)
            break;
    }
    *out = v;
    *n = len;
    v = NULL;
    len = 0;
done:
    free(token);
    ec2_images_free(v, len);
    return st;
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
    st = s_call(c, op, &p, &doc, &result, err);
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

/* An action on one id whose output is not needed. */
static enum drh_status s_simple(struct aws_client *c, const char *op, const char *key,
                                const char *id, struct drh_err *err)
{
    enum drh_status st = aws_need(id, "ec2", op, key, err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, key, id);
    st = s_call(c, op, &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

/* Runs op and returns the text of the result's element path (caller frees). */
static enum drh_status s_call_text(struct aws_client *c, const char *op, const struct aws_params *p,
                                   const char *path, char **out, struct drh_err *err)
{
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    enum drh_status st = s_call(c, op, p, &doc, &result, err);
    if (st != DRH_OK)
        return st;
    char *v = xml_find_text_nonempty(result, path);
    xml_free(doc);
    if (!v)
        return drh_err_set(err, DRH_E_PARSE, "ec2 %s: the response has no %s", op, path);
    *out = v;
    return DRH_OK;
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
    st = s_call_text(c, "CopyImage", &p, "imageId", image_id, err);
    aws_params_clean_up(&p);
    return st;
}

enum drh_status ec2_deregister_image(struct aws_client *c, const char *image_id,
                                     struct drh_err *err)
{
    return s_simple(c, "DeregisterImage", "ImageId", image_id, err);
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
    st = s_call(c, "DescribeSnapshots", &p, &doc, &result, err);
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
        s_tags(it, &s.tags);
        ec2_snapshot_clean_up(out);
        *out = s;
    }
    xml_free(doc);
    return st;
}

enum drh_status ec2_delete_snapshot(struct aws_client *c, const char *snapshot_id,
                                    struct drh_err *err)
{
    return s_simple(c, "DeleteSnapshot", "SnapshotId", snapshot_id, err);
}

/*
 * Instances.
 */

enum drh_status ec2_run_instance(struct aws_client *c, const struct ec2_launch *l,
                                 char **instance_id, struct drh_err *err)
{
    enum drh_status st = aws_need(l->image_id, "ec2", "RunInstances", "image id", err);
    if (st == DRH_OK)
        st = aws_need(l->instance_type, "ec2", "RunInstances", "instance type", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "ImageId", l->image_id);
    aws_params_add(&p, "InstanceType", l->instance_type);
    aws_params_add(&p, "MaxCount", "1");
    aws_params_add(&p, "MinCount", "1");
    if (l->client_token)
        aws_params_add(&p, "ClientToken", l->client_token);
    /* The isolation goes on the network interface, the only place that can
     * also refuse a public IP whatever the subnet's default. */
    aws_params_add(&p, "NetworkInterface.1.AssociatePublicIpAddress", "false");
    aws_params_add(&p, "NetworkInterface.1.DeleteOnTermination", "true");
    aws_params_add(&p, "NetworkInterface.1.DeviceIndex", "0");
    aws_params_add_list(&p, AWS_PROTO_EC2, "NetworkInterface.1.SecurityGroupId", NULL,
                        l->security_groups, l->n_security_groups);
    if (l->subnet)
        aws_params_add(&p, "NetworkInterface.1.SubnetId", l->subnet);
    if (l->n_tags) {
        aws_params_add(&p, "TagSpecification.1.ResourceType", "instance");
        aws_params_add_tags(&p, AWS_PROTO_EC2, "TagSpecification.1.Tag", NULL, l->tags, l->n_tags);
        aws_params_add(&p, "TagSpecification.2.ResourceType", "volume");
        aws_params_add_tags(&p, AWS_PROTO_EC2, "TagSpecification.2.Tag", NULL, l->tags, l->n_tags);
    }
    st = s_call_text(c, "RunInstances", &p, "instancesSet/item/instanceId", instance_id, err);
    aws_params_clean_up(&p);
    return st;
}

enum drh_status ec2_describe_instance(struct aws_client *c, const char *instance_id,
                                      struct ec2_instance *out, struct drh_err *err)
{
    enum drh_status st = aws_need(instance_id, "ec2", "DescribeInstances", "instance id", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "InstanceId.1", instance_id);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = s_call(c, "DescribeInstances", &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    const struct xml_node *it = xml_find(result, "reservationSet/item/instancesSet/item");
    struct ec2_instance i = {0};
    i.id = it ? xml_find_text_nonempty(it, "instanceId") : NULL;
    if (!i.id) {
        st =
            drh_err_set(err, DRH_E_NOTFOUND,
                        "ec2 DescribeInstances: instance '%s' is not in the response", instance_id);
    } else {
        i.state = xml_find_text_nonempty(it, "instanceState/name");
        i.image_id = xml_find_text_nonempty(it, "imageId");
        i.private_ip = xml_find_text_nonempty(it, "privateIpAddress");
        i.public_ip = xml_find_text_nonempty(it, "ipAddress");
        i.subnet = xml_find_text_nonempty(it, "subnetId");
        i.vpc = xml_find_text_nonempty(it, "vpcId");
        s_tags(it, &i.tags);
        ec2_instance_clean_up(out);
        *out = i;
    }
    xml_free(doc);
    return st;
}

enum drh_status ec2_describe_instance_status(struct aws_client *c, const char *instance_id,
                                             struct ec2_instance_status *out, struct drh_err *err)
{
    enum drh_status st = aws_need(instance_id, "ec2", "DescribeInstanceStatus", "instance id", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "IncludeAllInstances", "true");
    aws_params_add(&p, "InstanceId.1", instance_id);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = s_call(c, "DescribeInstanceStatus", &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    const struct xml_node *it = xml_child(xml_child(result, "instanceStatusSet"), "item");
    struct ec2_instance_status s = {0};
    /* Right after launch AWS may list no status yet. */
    s.state = it ? xml_find_text_nonempty(it, "instanceState/name") : NULL;
    s.instance_status = it ? xml_find_text_nonempty(it, "instanceStatus/status") : NULL;
    s.system_status = it ? xml_find_text_nonempty(it, "systemStatus/status") : NULL;
    if (!s.state)
        s.state = xstrdup("pending");
    if (!s.instance_status)
        s.instance_status = xstrdup("initializing");
    if (!s.system_status)
        s.system_status = xstrdup("initializing");
    xml_free(doc);
    ec2_instance_status_clean_up(out);
    *out = s;
    return DRH_OK;
}

enum drh_status ec2_find_instances(struct aws_client *c, const char *tag_key, const char *tag_value,
                                   char ***ids, size_t *n, struct drh_err *err)
{
    enum drh_status st = aws_need(tag_key, "ec2", "DescribeInstances", "tag key", err);
    if (st == DRH_OK)
        st = aws_need(tag_value, "ec2", "DescribeInstances", "tag value", err);
    if (st != DRH_OK)
        return st;
    char **v = NULL;
    size_t len = 0, cap = 0;
    char *token = NULL;
    char *filter = xasprintf("tag:%s", tag_key);
    static const char *const live[] = {"pending", "running", "shutting-down", "stopping",
                                       "stopped"};
    for (int page = 0;; page++) {
        struct aws_params p;
        aws_params_init(&p);
        aws_params_add_filter(&p, AWS_PROTO_EC2, 1, filter, &tag_value, 1);
        aws_params_add_filter(&p, AWS_PROTO_EC2, 2, "instance-state-name", live, 5);
        if (token)
            aws_params_add(&p, "NextToken", token);
        struct xml_doc *doc = NULL;
        const struct xml_node *result = NULL;
        st = s_call(c, "DescribeInstances", &p, &doc, &result, err);
        aws_params_clean_up(&p);
        if (st != DRH_OK)
            break;
        for (const struct xml_node *r = xml_child(xml_child(result, "reservationSet"), "item"); r;
             r = xml_next(r))
            for (const struct xml_node *it = xml_child(xml_child(r, "instancesSet"), "item"); it;
                 it = xml_next(it)) {
                char *id = xml_find_text_nonempty(it, "instanceId");
                if (!id)
                    continue;
                if (len == cap) {
                    cap = cap ? cap * 2 : 4;
                    v = xrealloc(v, cap * sizeof *v);
                }
                v[len++] = id;
            }
        st = s_next_page(result, "DescribeInstances", page, &token, err);
        xml_free(doc);
        if (st != DRH_OK || !token)
            break;
    }
    free(filter);
    free(token);
    if (st != DRH_OK) {
        for (size_t i = 0; i < len; i++)
            free(v[i]);
        free(v);
        return st;
    }
    *ids = v;
    *n = len;
    return DRH_OK;
}

enum drh_status ec2_terminate_instance(struct aws_client *c, const char *instance_id,
                                       struct drh_err *err)
{
    return s_simple(c, "TerminateInstances", "InstanceId.1", instance_id, err);
}

/*
 * Tags.
 */

enum drh_status ec2_create_tags(struct aws_client *c, const char *const *ids, size_t n_ids,
                                const struct aws_tag *tags, size_t n_tags, struct drh_err *err)
{
    if (n_ids == 0 || n_tags == 0)
        return DRH_OK;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add_list(&p, AWS_PROTO_EC2, "ResourceId", NULL, ids, n_ids);
    aws_params_add_tags(&p, AWS_PROTO_EC2, "Tag", NULL, tags, n_tags);
    enum drh_status st = s_call(c, "CreateTags", &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

enum drh_status ec2_get_tag(struct aws_client *c, const char *resource_id, const char *key,
                            char **value, struct drh_err *err)
{
    enum drh_status st = aws_need(resource_id, "ec2", "DescribeTags", "resource id", err);
    if (st == DRH_OK)
        st = aws_need(key, "ec2", "DescribeTags", "tag key", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add_filter(&p, AWS_PROTO_EC2, 1, "resource-id", &resource_id, 1);
    aws_params_add_filter(&p, AWS_PROTO_EC2, 2, "key", &key, 1);
    struct xml_doc *doc = NULL;
    const struct xml_node *result = NULL;
    st = s_call(c, "DescribeTags", &p, &doc, &result, err);
    aws_params_clean_up(&p);
    if (st != DRH_OK)
        return st;
    char *found = NULL;
    for (const struct xml_node *it = xml_child(xml_child(result, "tagSet"), "item"); it && !found;
         it = xml_next(it)) {
        char *k = xml_find_text(it, "key");
        char *r = xml_find_text(it, "resourceId");
        if (k && r && strcmp(k, key) == 0 && strcmp(r, resource_id) == 0) {
            found = xml_find_text(it, "value");
            if (!found)
                found = xstrdup("");
        }
        free(k);
        free(r);
    }
    xml_free(doc);
    *value = found;
    return DRH_OK;
}
