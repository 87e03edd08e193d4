/*
 * Amazon EC2 networking (ec2 protocol, botocore ec2/2016-11-15): what the
 * isolated test stack is made of (harness/run/isolation.c builds, checks
 * and deletes it): availability zones, VPCs, subnets, security groups and
 * their ingress, and the internet gateways attached to a VPC.
 *
 * Errors as in ec2.h: DRH_E_NOTFOUND for InvalidVpcID.NotFound,
 * InvalidSubnetID.NotFound, InvalidGroup.NotFound (the message keeps
 * service, operation, AWS message and request id), DRH_E_AWS for other AWS
 * errors, DRH_E_PARSE for a response that is not what the model says,
 * DRH_E_INPUT for a missing required argument (nothing sent). A delete that
 * AWS refuses because something still uses the thing (DependencyViolation:
 * an instance or a database's network interface, a subnet in the VPC) is
 * DRH_E_AWS with *in_use set. Outputs are written only on success.
 */
#ifndef DRH_AWS_EC2_NETWORK_H
#define DRH_AWS_EC2_NETWORK_H
#include "aws/ec2.h"

struct ec2_vpc {
    char *id; /* "vpc-..." */
    char *cidr;
    char *state; /* "pending", "available" */
    struct ec2_tags tags;
};

struct ec2_subnet {
    char *id; /* "subnet-..." */
    char *vpc;
    char *az; /* "us-east-1a" */
    char *cidr;
    char *state;
    struct ec2_tags tags;
};

/* One source of one ingress permission of a security group. */
struct ec2_ingress {
    char *protocol; /* "-1" (every protocol), "tcp", "udp", "icmp" or a number */
    int from_port;  /* -1 when the permission gives none (every port) */
    int to_port;
    char *source; /* an IPv4 or IPv6 CIDR, a prefix list id or a security group id */
};

struct ec2_security_group {
    char *id; /* "sg-..." */
    char *name;
    char *vpc;
    struct ec2_ingress *ingress;
    size_t n_ingress;
    struct ec2_tags tags;
};

void ec2_strings_free(char **v, size_t n);
void ec2_vpc_clean_up(struct ec2_vpc *v);
void ec2_subnets_free(struct ec2_subnet *v, size_t n);
void ec2_security_groups_free(struct ec2_security_group *v, size_t n);

/* DescribeAvailabilityZones: the names of c's Region's availability zones
 * whose state is "available" (no Local or Wavelength Zones), sorted by
 * name. *zones: caller frees with ec2_strings_free(). */
enum drh_status ec2_describe_zones(struct aws_client *c, char ***zones, size_t *n,
                                   struct drh_err *err);

/* CreateVpc of an IPv4 CIDR with tags. *vpc_id: caller frees. */
enum drh_status ec2_create_vpc(struct aws_client *c, const char *cidr, const struct aws_tag *tags,
                               size_t n_tags, char **vpc_id, struct drh_err *err);
/* DescribeVpcs of one id. out must be zeroed or previously filled. */
enum drh_status ec2_describe_vpc(struct aws_client *c, const char *vpc_id, struct ec2_vpc *out,
                                 struct drh_err *err);
/* in_use may be NULL. */
enum drh_status ec2_delete_vpc(struct aws_client *c, const char *vpc_id, bool *in_use,
                               struct drh_err *err);

struct ec2_subnet_spec {
    const char *vpc;
    const char *cidr;
    const char *az; /* NULL: AWS chooses */
    const struct aws_tag *tags;
    size_t n_tags;
};
/* CreateSubnet. *subnet_id: caller frees. */
enum drh_status ec2_create_subnet(struct aws_client *c, const struct ec2_subnet_spec *s,
                                  char **subnet_id, struct drh_err *err);
/* DescribeSubnets of ids (n_ids > 0), in the order AWS gives them; an
 * unknown id is DRH_E_NOTFOUND. *out: caller frees with ec2_subnets_free(). */
enum drh_status ec2_describe_subnets(struct aws_client *c, const char *const *ids, size_t n_ids,
                                     struct ec2_subnet **out, size_t *n, struct drh_err *err);
enum drh_status ec2_delete_subnet(struct aws_client *c, const char *subnet_id, bool *in_use,
                                  struct drh_err *err);

struct ec2_group_spec {
    const char *name;
    const char *description;
    const char *vpc;
    const struct aws_tag *tags;
    size_t n_tags;
};
/* CreateSecurityGroup in a VPC. AWS gives a new group one egress rule
 * (everything) and no ingress. *group_id: caller frees. */
enum drh_status ec2_create_security_group(struct aws_client *c, const struct ec2_group_spec *g,
                                          char **group_id, struct drh_err *err);
/* One ingress rule from an IPv4 CIDR: protocol "-1" for every protocol and
 * port (the ports are then not sent), else "tcp" / "udp" with a port range. */
struct ec2_ingress_rule {
    const char *protocol;
    int from_port;
    int to_port;
    const char *cidr;
    const char *description; /* NULL: none */
};
enum drh_status ec2_authorize_ingress(struct aws_client *c, const char *group_id,
                                      const struct ec2_ingress_rule *r, struct drh_err *err);
/* DescribeSecurityGroups of ids (n_ids > 0); an unknown id is
 * DRH_E_NOTFOUND. *out: caller frees with ec2_security_groups_free(). */
enum drh_status ec2_describe_security_groups(struct aws_client *c, const char *const *ids,
                                             size_t n_ids, struct ec2_security_group **out,
                                             size_t *n, struct drh_err *err);
enum drh_status ec2_delete_security_group(struct aws_client *c, const char *group_id, bool *in_use,
                                          struct drh_err *err);

/* DescribeInternetGateways with attachment.vpc-id = vpc_id: the gateways
 * attached to the VPC (none for an isolated one). *ids: caller frees with
 * ec2_strings_free(). */
enum drh_status ec2_internet_gateways(struct aws_client *c, const char *vpc_id, char ***ids,
                                      size_t *n, struct drh_err *err);

/* DescribeTags with key = value: the ids of the resources carrying that tag
 * whose id starts with prefix ("vpc-", "subnet-", "sg-"), to find a thing
 * whose create call never returned its id. *ids: caller frees with
 * ec2_strings_free(). */
enum drh_status ec2_find_tagged(struct aws_client *c, const char *prefix, const char *key,
                                const char *value, char ***ids, size_t *n, struct drh_err *err);

#endif
