/*
 * EC2 things carrying a tag key (tagged.h): one Describe* call per kind
 * with the filter tag-key, following NextToken (ec2_describe_each). The
 * element names are botocore's ec2/2016-11-15 output shapes: each kind's
 * list element, id, state and creation time; an instance sits inside its
 * reservation.
 */
#include "aws/ec2_impl.h"
#include "aws/tagged.h"

#include "aws/call.h"
#include "aws/creds.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

struct s_kind_names {
    const char *op, *set, *id, *state, *created;
    const char *param, *param_value; /* Owner.1 = self for images and snapshots */
};

static const struct s_kind_names s_names[] = {
    [EC2_LIST_INSTANCES] = {"DescribeInstances", "reservationSet", "instanceId",
                            "instanceState/name", "launchTime", NULL, NULL},
    [EC2_LIST_IMAGES] = {"DescribeImages", "imagesSet", "imageId", "imageState", "creationDate",
                         "Owner.1", "self"},
    [EC2_LIST_SNAPSHOTS] = {"DescribeSnapshots", "snapshotSet", "snapshotId", "status", "startTime",
                            "Owner.1", "self"},
    [EC2_LIST_VPCS] = {"DescribeVpcs", "vpcSet", "vpcId", "state", NULL, NULL, NULL},
    [EC2_LIST_SUBNETS] = {"DescribeSubnets", "subnetSet", "subnetId", "state", NULL, NULL, NULL},
    [EC2_LIST_SECURITY_GROUPS] = {"DescribeSecurityGroups", "securityGroupInfo", "groupId", NULL,
                                  NULL, NULL, NULL},
};

struct s_ctx {
    const struct s_kind_names *k;
    struct aws_tagged_list found;
};

static enum drh_status s_thing(const struct xml_node *item, struct s_ctx *x, struct drh_err *err)
{
    char *id = xml_find_text_nonempty(item, x->k->id);
    if (!id)
        return drh_err_set(err, DRH_E_PARSE, "ec2 %s: an item without %s", x->k->op, x->k->id);
    struct aws_tagged *t = aws_tagged_add(&x->found);
    t->id = id;
    t->state = x->k->state ? xml_find_text_nonempty(item, x->k->state) : NULL;
    char *created = x->k->created ? xml_find_text_nonempty(item, x->k->created) : NULL;
    double when = created ? aws_parse_time_frac(created) : 0;
    t->created = when > 0 ? when : 0;
    free(created);
    struct ec2_tags tags = {0};
    ec2_parse_tags(item, &tags);
    for (size_t i = 0; i < tags.n; i++)
        aws_tagged_set_tag(t, tags.keys[i], tags.values[i]);
    ec2_tags_clean_up(&tags);
    return DRH_OK;
}

static enum drh_status s_item(const struct xml_node *item, void *ctx, struct drh_err *err)
{
    struct s_ctx *x = ctx;
    if (x->k != &s_names[EC2_LIST_INSTANCES])
        return s_thing(item, x, err);
    enum drh_status st = DRH_OK;
    for (const struct xml_node *in = xml_child(xml_child(item, "instancesSet"), "item");
         in && st == DRH_OK; in = xml_next(in))
        st = s_thing(in, x, err);
    return st;
}

enum drh_status ec2_list_tagged(struct aws_client *c, enum ec2_list_kind kind, const char *tag_key,
                                struct aws_tagged_list *out, struct drh_err *err)
{
    if ((unsigned)kind > EC2_LIST_SECURITY_GROUPS)
        return drh_err_set(err, DRH_E_INTERNAL, "ec2 list: unknown kind %d", (int)kind);
    const struct s_kind_names *k = &s_names[kind];
    enum drh_status st = aws_need(tag_key, "ec2", k->op, "tag key", err);
    if (st != DRH_OK)
        return st;
    /* every state but terminated: a terminated instance keeps its tags a while */
    static const char *const live[] = {"pending", "running", "shutting-down", "stopping",
                                       "stopped"};
    struct ec2_query q = {
        .op = k->op, .set = k->set, .param = k->param, .param_value = k->param_value};
    q.filters[0] = (struct ec2_filter){"tag-key", &tag_key, 1};
    if (kind == EC2_LIST_INSTANCES)
        q.filters[1] = (struct ec2_filter){"instance-state-name", live, sizeof live / sizeof *live};
    struct s_ctx x = {k, {0}};
    st = ec2_describe_each(c, &q, s_item, &x, err);
    if (st == DRH_OK) {
        /* a service may ignore the filter: keep only what carries the key */
        struct aws_tagged_list keep = {0};
        for (size_t i = 0; i < x.found.n; i++) {
            if (aws_tagged_tag(&x.found.v[i], tag_key)) {
                *aws_tagged_add(&keep) = x.found.v[i];
                memset(&x.found.v[i], 0, sizeof x.found.v[i]);
            }
        }
        aws_tagged_list_move(out, &keep);
    }
    aws_tagged_list_clean_up(&x.found);
    return st;
}
