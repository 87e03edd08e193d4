/*
 * Amazon EC2 (ec2 protocol): the AMIs an EC2 drill selects, checks for
 * sharing, copies and deregisters; their EBS snapshots (ec2_image.c); the
 * instance it launches, waits for, probes and terminates (ec2_instance.c);
 * tags (ec2.c). Networking is in ec2_network.h. Describe calls follow
 * NextToken to the end. Times are UTC epoch seconds (fractions kept).
 *
 * Every call returns DRH_E_NOTFOUND for the not-found errors
 * (InvalidAMIID.NotFound, InvalidInstanceID.NotFound,
 * InvalidSnapshot.NotFound, InvalidVpcID.NotFound, InvalidSubnetID.NotFound,
 * InvalidGroup.NotFound, InvalidInternetGatewayID.NotFound; the message
 * keeps service, operation, AWS message and request id), DRH_E_AWS for other AWS errors,
 * DRH_E_PARSE for a response that is not what the model says, DRH_E_INPUT for a missing required
 * argument (nothing sent). Outputs are written only on success; a struct output is cleaned up and
 * replaced, so it must be zeroed or previously filled.
 */
#ifndef DRH_AWS_EC2_H
#define DRH_AWS_EC2_H
#include "aws/client.h"
#include "aws/protocol.h"
#include <stdbool.h>
#include <stddef.h>

/* Tags as EC2 returns them (tagSet): owned copies. */
struct ec2_tags {
    char **keys;
    char **values; /* "" for an empty value */
    size_t n;
};

struct ec2_image {
    char *id; /* "ami-..." */
    char *name;
    char *state;      /* "pending", "available", "failed", "deregistered", ... */
    char *owner;      /* OwnerId: the account */
    double created;   /* CreationDate; 0 when absent */
    bool encrypted;   /* any EBS mapping is encrypted */
    char **snapshots; /* the EBS snapshots of its block device mappings */
    size_t n_snapshots;
    struct ec2_tags tags;
};

struct ec2_snapshot {
    char *id;
    char *state; /* "pending", "completed", "error", ... */
    char *owner;
    struct ec2_tags tags;
};

struct ec2_instance {
    char *id;    /* "i-..." */
    char *state; /* "pending", "running", "shutting-down", "terminated", ... */
    char *image_id;
    char *private_ip; /* NULL until assigned */
    char *public_ip;  /* NULL when none */
    char *subnet;     /* NULL outside a VPC */
    char *vpc;
    struct ec2_tags tags;
};

/* DescribeInstanceStatus of one instance, IncludeAllInstances. */
struct ec2_instance_status {
    char *state;           /* instance state name */
    char *instance_status; /* "ok", "initializing", "impaired", "insufficient-data", ... */
    char *system_status;
};

void ec2_tags_clean_up(struct ec2_tags *t);
/* The value of key, or NULL when absent. */
const char *ec2_tags_get(const struct ec2_tags *t, const char *key);
void ec2_image_clean_up(struct ec2_image *i);
void ec2_images_free(struct ec2_image *v, size_t n);
void ec2_snapshot_clean_up(struct ec2_snapshot *s);
void ec2_instance_clean_up(struct ec2_instance *i);
void ec2_instance_status_clean_up(struct ec2_instance_status *s);

/* Which images DescribeImages lists; NULL fields do not filter. */
struct ec2_image_query {
    const char *owner;    /* Owner.1: "self" or an account */
    const char *image_id; /* ImageId.1 */
    const char *name;     /* filter name */
    const char *tag_key;  /* filter tag:KEY = tag_value (both or neither) */
    const char *tag_value;
};
/* *out: caller frees with ec2_images_free(); an unknown image_id is
 * DRH_E_NOTFOUND. */
enum drh_status ec2_describe_images(struct aws_client *c, const struct ec2_image_query *q,
                                    struct ec2_image **out, size_t *n, struct drh_err *err);
/* One image by id (visible to the caller: its own or shared with it). */
enum drh_status ec2_describe_image(struct aws_client *c, const char *image_id,
                                   struct ec2_image *out, struct drh_err *err);

/* Who may use a thing: the account ids of its permission list and whether
 * the group "all" (public) is in it. Caller frees with ec2_perms_clean_up(). */
struct ec2_perms {
    char **users;
    size_t n;
    bool public_;
};
void ec2_perms_clean_up(struct ec2_perms *p);
/* Whether account (or everyone) is in p. */
bool ec2_perms_allow(const struct ec2_perms *p, const char *account);
/* DescribeImageAttribute launchPermission (only the owner may ask). */
enum drh_status ec2_image_launch_permissions(struct aws_client *c, const char *image_id,
                                             struct ec2_perms *out, struct drh_err *err);
/* DescribeSnapshotAttribute createVolumePermission. */
enum drh_status ec2_snapshot_volume_permissions(struct aws_client *c, const char *snapshot_id,
                                                struct ec2_perms *out, struct drh_err *err);

/* CopyImage, called in the destination (c's) Region. kms_key (may be
 * NULL) with encrypted; client_token makes a retried call idempotent.
 * *image_id: the copy's id (caller frees). */
struct ec2_copy {
    const char *source_image_id;
    const char *source_region;
    const char *name;
    const char *description; /* may be NULL */
    const char *client_token;
    bool encrypted;
    const char *kms_key; /* NULL: the account's default EBS key */
};
enum drh_status ec2_copy_image(struct aws_client *c, const struct ec2_copy *cp, char **image_id,
                               struct drh_err *err);
enum drh_status ec2_deregister_image(struct aws_client *c, const char *image_id,
                                     struct drh_err *err);

enum drh_status ec2_describe_snapshot(struct aws_client *c, const char *snapshot_id,
                                      struct ec2_snapshot *out, struct drh_err *err);
enum drh_status ec2_delete_snapshot(struct aws_client *c, const char *snapshot_id,
                                    struct drh_err *err);

/* RunInstances of one instance: subnet and security groups on its network
 * interface (device 0) with no public IP; tags on the instance and its
 * volumes. */
struct ec2_launch {
    const char *image_id;
    const char *instance_type;
    const char *subnet;                 /* NULL: the default subnet */
    const char *const *security_groups; /* n_security_groups entries */
    size_t n_security_groups;
    const struct aws_tag *tags;
    size_t n_tags;
    const char *client_token; /* may be NULL */
};
enum drh_status ec2_run_instance(struct aws_client *c, const struct ec2_launch *l,
                                 char **instance_id, struct drh_err *err);
enum drh_status ec2_describe_instance(struct aws_client *c, const char *instance_id,
                                      struct ec2_instance *out, struct drh_err *err);
/* DRH_E_NOTFOUND when the instance is unknown; an instance that AWS lists
 * no status for yet gets state "pending" and statuses "initializing". */
enum drh_status ec2_describe_instance_status(struct aws_client *c, const char *instance_id,
                                             struct ec2_instance_status *out, struct drh_err *err);
/* The instances (not terminated) carrying tag key = value: a launch whose
 * id was never recorded is found by its run's tag. *ids: caller frees each
 * and the array. */
enum drh_status ec2_find_instances(struct aws_client *c, const char *tag_key, const char *tag_value,
                                   char ***ids, size_t *n, struct drh_err *err);
enum drh_status ec2_terminate_instance(struct aws_client *c, const char *instance_id,
                                       struct drh_err *err);

/* CreateTags on every resource of ids; n_tags == 0 or n_ids == 0 sends nothing. */
enum drh_status ec2_create_tags(struct aws_client *c, const char *const *ids, size_t n_ids,
                                const struct aws_tag *tags, size_t n_tags, struct drh_err *err);
/* DescribeTags of one resource: the value of key, or NULL when absent
 * (*value caller frees). */
enum drh_status ec2_get_tag(struct aws_client *c, const char *resource_id, const char *key,
                            char **value, struct drh_err *err);

#endif
