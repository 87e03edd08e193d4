/*
 * Amazon EC2 networking (ec2_network.h): availability zones, VPCs,
 * subnets, internet gateways, resources by tag; security groups are in
 * ec2_security_group.c. Requests and responses follow botocore's
 * ec2/2016-11-15 model (list parameters "SubnetId.1", results under
 * <subnetSet>, <vpcSet>, ... of <item>s).
 */
#include "aws/ec2_network.h"
#include "aws/ec2_impl.h"

#include "aws/call.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

void ec2_strings_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void ec2_vpc_clean_up(struct ec2_vpc *v)
{
    if (!v)
        return;
    free(v->id);
    free(v->cidr);
    free(v->state);
    ec2_tags_clean_up(&v->tags);
    memset(v, 0, sizeof *v);
}

static void s_subnet_clean_up(struct ec2_subnet *s)
{
    free(s->id);
    free(s->vpc);
    free(s->az);
    free(s->cidr);
    free(s->state);
    ec2_tags_clean_up(&s->tags);
}

void ec2_subnets_free(struct ec2_subnet *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        s_subnet_clean_up(&v[i]);
    free(v);
}

static void s_push_string(char ***v, size_t *len, size_t *cap, char *s)
{
    *v = ec2_grow(*v, *len, cap, sizeof **v);
    (*v)[(*len)++] = s;
}

/*
 * Availability zones.
 */

struct s_zones {
    char **v;
    size_t len, cap;
};

static enum drh_status s_zone(const struct xml_node *it, void *ctx, struct drh_err *err)
{
    struct s_zones *z = ctx;
    char *name = xml_find_text_nonempty(it, "zoneName");
    char *state = xml_find_text_nonempty(it, "zoneState");
    char *type = xml_find_text_nonempty(it, "zoneType");
    /* Local and Wavelength Zones cannot hold an RDS subnet group's subnets. */
    if (name && state && strcmp(state, "available") == 0 &&
        (!type || strcmp(type, "availability-zone") == 0)) {
        s_push_string(&z->v, &z->len, &z->cap, name);
        name = NULL;
    }
    free(name);
    free(state);
    free(type);
    return DRH_OK;
}

static int s_cmp_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum drh_status ec2_describe_zones(struct aws_client *c, char ***zones, size_t *n,
                                   struct drh_err *err)
{
    struct ec2_query q = {.op = "DescribeAvailabilityZones", .set = "availabilityZoneInfo"};
    struct s_zones z = {0};
    enum drh_status st = ec2_describe_each(c, &q, s_zone, &z, err);
    if (st != DRH_OK) {
        ec2_strings_free(z.v, z.len);
        return st;
    }
    if (z.len)
        qsort(z.v, z.len, sizeof *z.v, s_cmp_string);
    *zones = z.v;
    *n = z.len;
    return DRH_OK;
}

/*
 * VPCs.
 */

enum drh_status ec2_create_vpc(struct aws_client *c, const char *cidr, const struct aws_tag *tags,
                               size_t n_tags, char **vpc_id, struct drh_err *err)
{
    enum drh_status st = aws_need(cidr, "ec2", "CreateVpc", "CIDR block", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    aws_params_add(&p, "CidrBlock", cidr);
    ec2_tag_spec(&p, "vpc", tags, n_tags);
    st = ec2_call_text(c, "CreateVpc", &p, "vpc/vpcId", vpc_id, err);
    aws_params_clean_up(&p);
    return st;
}

static enum drh_status s_vpc(const struct xml_node *it, void *ctx, struct drh_err *err)
{
    struct ec2_vpc *v = ctx;
    if (v->id) /* one id asked: the first answer */
        return DRH_OK;
    v->id = xml_find_text_nonempty(it, "vpcId");
    if (!v->id)
        return drh_err_set(err, DRH_E_PARSE, "ec2 DescribeVpcs: a VPC without vpcId");
    v->cidr = xml_find_text_nonempty(it, "cidrBlock");
    v->state = xml_find_text_nonempty(it, "state");
    ec2_parse_tags(it, &v->tags);
    return DRH_OK;
}

enum drh_status ec2_describe_vpc(struct aws_client *c, const char *vpc_id, struct ec2_vpc *out,
                                 struct drh_err *err)
{
    enum drh_status st = aws_need(vpc_id, "ec2", "DescribeVpcs", "VPC id", err);
    if (st != DRH_OK)
        return st;
    struct ec2_query q = {"DescribeVpcs", "vpcSet", "VpcId", &vpc_id, 1, NULL, NULL, {{0}}};
    struct ec2_vpc v = {0};
    st = ec2_describe_each(c, &q, s_vpc, &v, err);
    if (st == DRH_OK && (!v.id || strcmp(v.id, vpc_id) != 0))
        st = drh_err_set(err, DRH_E_NOTFOUND, "ec2 DescribeVpcs: VPC '%s' is not in the response",
                         vpc_id);
    if (st != DRH_OK) {
        ec2_vpc_clean_up(&v);
        return st;
    }
    ec2_vpc_clean_up(out);
    *out = v;
    return DRH_OK;
}

enum drh_status ec2_delete_vpc(struct aws_client *c, const char *vpc_id, bool *in_use,
                               struct drh_err *err)
{
    return ec2_delete_id(c, "DeleteVpc", "VpcId", vpc_id, "InvalidVpcID.NotFound", in_use, err);
}

/*
 * Subnets.
 */

enum drh_status ec2_create_subnet(struct aws_client *c, const struct ec2_subnet_spec *s,
                                  char **subnet_id, struct drh_err *err)
{
    enum drh_status st = aws_need(s->vpc, "ec2", "CreateSubnet", "VPC id", err);
    if (st == DRH_OK)
        st = aws_need(s->cidr, "ec2", "CreateSubnet", "CIDR block", err);
    if (st != DRH_OK)
        return st;
    struct aws_params p;
    aws_params_init(&p);
    ec2_tag_spec(&p, "subnet", s->tags, s->n_tags);
    if (s->az)
        aws_params_add(&p, "AvailabilityZone", s->az);
    aws_params_add(&p, "CidrBlock", s->cidr);
    aws_params_add(&p, "VpcId", s->vpc);
    st = ec2_call_text(c, "CreateSubnet", &p, "subnet/subnetId", subnet_id, err);
    aws_params_clean_up(&p);
    return st;
}

struct s_subnets {
    struct ec2_subnet *v;
    size_t len, cap;
};

static enum drh_status s_subnet(const struct xml_node *it, void *ctx, struct drh_err *err)
{
    struct s_subnets *a = ctx;
    struct ec2_subnet s = {0};
    s.id = xml_find_text_nonempty(it, "subnetId");
    if (!s.id)
        return drh_err_set(err, DRH_E_PARSE, "ec2 DescribeSubnets: a subnet without subnetId");
    s.vpc = xml_find_text_nonempty(it, "vpcId");
    s.az = xml_find_text_nonempty(it, "availabilityZone");
    s.cidr = xml_find_text_nonempty(it, "cidrBlock");
    s.state = xml_find_text_nonempty(it, "state");
    ec2_parse_tags(it, &s.tags);
    a->v = ec2_grow(a->v, a->len, &a->cap, sizeof *a->v);
    a->v[a->len++] = s;
    return DRH_OK;
}

enum drh_status ec2_describe_subnets(struct aws_client *c, const char *const *ids, size_t n_ids,
                                     struct ec2_subnet **out, size_t *n, struct drh_err *err)
{
    enum drh_status st =
        aws_need(n_ids ? ids[0] : NULL, "ec2", "DescribeSubnets", "subnet id", err);
    if (st != DRH_OK)
        return st;
    struct ec2_query q = {
        "DescribeSubnets", "subnetSet", "SubnetId", ids, n_ids, NULL, NULL, {{0}}};
    struct s_subnets a = {0};
    if ((st = ec2_describe_each(c, &q, s_subnet, &a, err)) != DRH_OK) {
        ec2_subnets_free(a.v, a.len);
        return st;
    }
    *out = a.v;
    *n = a.len;
    return DRH_OK;
}

enum drh_status ec2_delete_subnet(struct aws_client *c, const char *subnet_id, bool *in_use,
                                  struct drh_err *err)
{
    return ec2_delete_id(c, "DeleteSubnet", "SubnetId", subnet_id, "InvalidSubnetID.NotFound",
                         in_use, err);
}

/*
 * Internet gateways and tags.
 */

struct s_ids {
    char **v;
    size_t len, cap;
    const char *field;  /* the id's element */
    const char *prefix; /* keep only ids with it; NULL: all */
};

static enum drh_status s_id(const struct xml_node *it, void *ctx, struct drh_err *err)
{
    struct s_ids *a = ctx;
    char *id = xml_find_text_nonempty(it, a->field);
    if (id && (!a->prefix || strncmp(id, a->prefix, strlen(a->prefix)) == 0))
        s_push_string(&a->v, &a->len, &a->cap, id);
    else
        free(id);
    return DRH_OK;
}

static enum drh_status s_ids(struct aws_client *c, const struct ec2_query *q, struct s_ids *a,
                             char ***ids, size_t *n, struct drh_err *err)
{
    enum drh_status st = ec2_describe_each(c, q, s_id, a, err);
    if (st != DRH_OK) {
        ec2_strings_free(a->v, a->len);
        return st;
    }
    *ids = a->v;
    *n = a->len;
    return DRH_OK;
}

enum drh_status ec2_internet_gateways(struct aws_client *c, const char *vpc_id, char ***ids,
                                      size_t *n, struct drh_err *err)
{
    enum drh_status st = aws_need(vpc_id, "ec2", "DescribeInternetGateways", "VPC id", err);
    if (st != DRH_OK)
        return st;
    struct ec2_query q = {.op = "DescribeInternetGateways",
                          .set = "internetGatewaySet",
                          .filters = {{"attachment.vpc-id", &vpc_id, 1}}};
    struct s_ids a = {.field = "internetGatewayId"};
    return s_ids(c, &q, &a, ids, n, err);
}

enum drh_status ec2_find_tagged(struct aws_client *c, const char *prefix, const char *key,
                                const char *value, char ***ids, size_t *n, struct drh_err *err)
{
    enum drh_status st = aws_need(key, "ec2", "DescribeTags", "tag key", err);
    if (st == DRH_OK)
        st = aws_need(value, "ec2", "DescribeTags", "tag value", err);
    if (st != DRH_OK)
        return st;
    /* key and value filter the tags themselves: one item per resource */
    struct ec2_query q = {
        .op = "DescribeTags", .set = "tagSet", .filters = {{"key", &key, 1}, {"value", &value, 1}}};
    struct s_ids a = {.field = "resourceId", .prefix = prefix};
    return s_ids(c, &q, &a, ids, n, err);
}
