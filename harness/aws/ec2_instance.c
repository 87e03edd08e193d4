/*
 * Amazon EC2 instances (ec2.h): the instance an EC2 drill launches, waits
 * for, probes and terminates.
 */
#include "aws/ec2.h"
#include "aws/ec2_impl.h"

#include "aws/call.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

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
    st = ec2_call_text(c, "RunInstances", &p, "instancesSet/item/instanceId", instance_id, err);
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
    st = ec2_call(c, "DescribeInstances", &p, &doc, &result, err);
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
        ec2_parse_tags(it, &i.tags);
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
    st = ec2_call(c, "DescribeInstanceStatus", &p, &doc, &result, err);
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

struct s_ids {
    char **v;
    size_t len, cap;
};

/* The instances of one reservation. */
static enum drh_status s_reservation(const struct xml_node *r, void *ctx, struct drh_err *err)
{
    struct s_ids *a = ctx;
    for (const struct xml_node *it = xml_child(xml_child(r, "instancesSet"), "item"); it;
         it = xml_next(it)) {
        char *id = xml_find_text_nonempty(it, "instanceId");
        if (!id)
            continue;
        a->v = ec2_grow(a->v, a->len, &a->cap, sizeof *a->v);
        a->v[a->len++] = id;
    }
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
    static const char *const live[] = {"pending", "running", "shutting-down", "stopping",
                                       "stopped"};
    char *filter = xasprintf("tag:%s", tag_key);
    struct ec2_query q = {.op = "DescribeInstances",
                          .set = "reservationSet",
                          .filters = {{filter, &tag_value, 1}, {"instance-state-name", live, 5}}};
    struct s_ids a = {0};
    st = ec2_describe_each(c, &q, s_reservation, &a, err);
    free(filter);
    if (st != DRH_OK) {
        for (size_t i = 0; i < a.len; i++)
            free(a.v[i]);
        free(a.v);
        return st;
    }
    *ids = a.v;
    *n = a.len;
    return DRH_OK;
}

enum drh_status ec2_terminate_instance(struct aws_client *c, const char *instance_id,
                                       struct drh_err *err)
{
    return ec2_call_simple(c, "TerminateInstances", "InstanceId.1", instance_id, err);
}
