/*
 * Amazon EC2 security groups (ec2_network.h): the isolated stack's group,
 * its one ingress rule, and what a group admits (every CIDR, prefix list
 * and group of every permission), for the isolation checks. On the wire
 * CreateSecurityGroup's Description is GroupDescription (botocore's
 * ec2/2016-11-15 model).
 */
#include "aws/ec2_impl.h"
#include "aws/ec2_network.h"

#include "aws/call.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_group_clean_up(struct ec2_security_group *g)
{
    free(g->id);
    free(g->name);
    free(g->vpc);
    for (size_t i = 0; i < g->n_ingress; i++) {
        free(g->ingress[i].protocol);
        free(g->ingress[i].source);
    }
    free(g->ingress);
    ec2_tags_clean_up(&g->tags);
}

void ec2_security_groups_free(struct ec2_security_group *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        s_group_clean_up(&v[i]);
    free(v);
}

enum drh_status ec2_create_security_group(struct aws_client *c, const struct ec2_group_spec *g,
                                          char **group_id, struct drh_err *err)
{
    static const char op[] = "CreateSecurityGroup";
    enum drh_status st = aws_need(g->name, "ec2", op, "group name", err);
    if (st == DRH_OK)
        st = aws_need(g->description, "ec2", op, "description", err);
    if (st == DRH_OK)
        st = aws_need(g->vpc, "ec2", op, "VPC id", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "GroupDescription", g->description);
    aws_params_add(&p, "GroupName", g->name);
    aws_params_add(&p, "VpcId", g->vpc);
    ec2_tag_spec(&p, "security-group", g->tags, g->n_tags);
    st = ec2_call_text(c, op, &p, "groupId", group_id, err);
    aws_params_clean_up(&p);
    return st;
}

enum drh_status ec2_authorize_ingress(struct aws_client *c, const char *group_id,
                                      const struct ec2_ingress_rule *r, struct drh_err *err)
{
    static const char op[] = "AuthorizeSecurityGroupIngress";
    enum drh_status st = aws_need(group_id, "ec2", op, "group id", err);
    if (st == DRH_OK)
        st = aws_need(r->protocol, "ec2", op, "protocol", err);
    if (st == DRH_OK)
        st = aws_need(r->cidr, "ec2", op, "CIDR", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "GroupId", group_id);
    aws_params_add(&p, "IpPermissions.1.IpProtocol", r->protocol);
    if (strcmp(r->protocol, "-1") != 0) {
        char port[16];
        snprintf(port, sizeof port, "%d", r->from_port);
        aws_params_add(&p, "IpPermissions.1.FromPort", port);
        snprintf(port, sizeof port, "%d", r->to_port);
        aws_params_add(&p, "IpPermissions.1.ToPort", port);
    }
    aws_params_add(&p, "IpPermissions.1.IpRanges.1.CidrIp", r->cidr);
    if (r->description)
        aws_params_add(&p, "IpPermissions.1.IpRanges.1.Description", r->description);
    st = ec2_call(c, op, &p, NULL, NULL, err);
    aws_params_clean_up(&p);
    return st;
}

/* A port of a permission: -1 when absent. */
static enum drh_status s_port(const struct xml_node *perm, const char *name, int *out,
                              struct drh_err *err)
{
    char *t = xml_find_text_nonempty(perm, name);
    *out = -1;
    if (!t)
        return DRH_OK;
    char *end = NULL;
    errno = 0;
    long v = strtol(t, &end, 10);
    enum drh_status st = DRH_OK;
    if (errno || end == t || *end || v < -1 || v > 65535)
        st = drh_err_set(err, DRH_E_PARSE, "ec2 DescribeSecurityGroups: %s '%.20s' is not a port",
                         name, t);
    else
        *out = (int)v;
    free(t);
    return st;
}

/* The sources of one permission: every CIDR, prefix list and group. */
static enum drh_status s_permission(const struct xml_node *perm, struct ec2_security_group *g,
                                    size_t *cap, struct drh_err *err)
{
    struct ec2_ingress base = {0};
    enum drh_status st = s_port(perm, "fromPort", &base.from_port, err);
    if (st == DRH_OK)
        st = s_port(perm, "toPort", &base.to_port, err);
    if (st != DRH_OK)
        return st;
    static const struct {
        const char *list, *field;
    } sources[] = {{"ipRanges", "cidrIp"},
                   {"ipv6Ranges", "cidrIpv6"},
                   {"prefixListIds", "prefixListId"},
                   {"groups", "groupId"}};
    for (size_t k = 0; k < sizeof sources / sizeof sources[0]; k++)
        for (const struct xml_node *it = xml_child(xml_child(perm, sources[k].list), "item"); it;
             it = xml_next(it)) {
            char *src = xml_find_text_nonempty(it, sources[k].field);
            if (!src)
                continue;
            g->ingress = ec2_grow(g->ingress, g->n_ingress, cap, sizeof *g->ingress);
            struct ec2_ingress *in = &g->ingress[g->n_ingress++];
            *in = base;
            in->protocol = xml_find_text_nonempty(perm, "ipProtocol");
            if (!in->protocol)
                in->protocol = xstrdup("-1");
            in->source = src;
        }
    return DRH_OK;
}

struct s_groups {
    struct ec2_security_group *v;
    size_t len, cap;
};

static enum drh_status s_group(const struct xml_node *it, void *ctx, struct drh_err *err)
{
    struct s_groups *a = ctx;
    struct ec2_security_group g = {0};
    g.id = xml_find_text_nonempty(it, "groupId");
    if (!g.id)
        return drh_err_set(err, DRH_E_PARSE, "ec2 DescribeSecurityGroups: a group without groupId");
    g.name = xml_find_text_nonempty(it, "groupName");
    g.vpc = xml_find_text_nonempty(it, "vpcId");
    ec2_parse_tags(it, &g.tags);
    size_t cap = 0;
    enum drh_status st = DRH_OK;
    for (const struct xml_node *perm = xml_child(xml_child(it, "ipPermissions"), "item");
         perm && st == DRH_OK; perm = xml_next(perm))
        st = s_permission(perm, &g, &cap, err);
    if (st != DRH_OK) {
        drh_err_prefix(err, "group %s", g.id);
        s_group_clean_up(&g);
        return st;
    }
    a->v = ec2_grow(a->v, a->len, &a->cap, sizeof *a->v);
    a->v[a->len++] = g;
    return DRH_OK;
}

enum drh_status ec2_describe_security_groups(struct aws_client *c, const char *const *ids,
                                             size_t n_ids, struct ec2_security_group **out,
                                             size_t *n, struct drh_err *err)
{
    enum drh_status st =
        aws_need(n_ids ? ids[0] : NULL, "ec2", "DescribeSecurityGroups", "group id", err);
    if (st != DRH_OK)
        return st;
    struct ec2_query q = {
        "DescribeSecurityGroups", "securityGroupInfo", "GroupId", ids, n_ids, NULL, NULL, {{0}}};
    struct s_groups a = {0};
    if ((st = ec2_describe_each(c, &q, s_group, &a, err)) != DRH_OK) {
        ec2_security_groups_free(a.v, a.len);
        return st;
    }
    *out = a.v;
    *n = a.len;
    return DRH_OK;
}

enum drh_status ec2_delete_security_group(struct aws_client *c, const char *group_id, bool *in_use,
                                          struct drh_err *err)
{
    return ec2_delete_id(c, "DeleteSecurityGroup", "GroupId", group_id, "InvalidGroup.NotFound",
                         in_use, err);
}
