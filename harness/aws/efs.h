/*
 * Amazon EFS (rest-json, 2015-02-01): file systems, mount targets and tags,
 * what an EFS drill needs to look after a restored file system and remove
 * it. Lists follow their markers to the end.
 *
 * Every call returns DRH_E_NOTFOUND for FileSystemNotFound and
 * MountTargetNotFound (the message keeps service, operation, AWS message and
 * request id), DRH_E_AWS for other AWS errors, DRH_E_PARSE for a response
 * that is not what the model says, DRH_E_INPUT for a missing required
 * argument (nothing sent). Outputs are written only on success; a struct
 * output is cleaned up and replaced, so it must be zeroed or previously
 * filled.
 */
#ifndef DRH_AWS_EFS_H
#define DRH_AWS_EFS_H
#include "aws/client.h"
#include "aws/protocol.h"
#include "json.h"
#include <stdbool.h>
#include <stddef.h>

struct efs_file_system {
    char *id;    /* "fs-..." */
    char *arn;   /* FileSystemArn; NULL when absent */
    char *state; /* LifeCycleState: creating available updating deleting deleted error */
    char *creation_token;
    char *kms_key_id; /* NULL when not encrypted */
    bool encrypted;
    long long n_mount_targets;
    double created; /* CreationTime, epoch seconds */
};

struct efs_mount_target {
    char *id; /* "fsmt-..." */
    char *fs_id;
    char *subnet_id;
    char *state; /* LifeCycleState */
    char *ip;    /* IpAddress; NULL when absent */
};

void efs_file_system_clean_up(struct efs_file_system *fs);
void efs_mount_target_clean_up(struct efs_mount_target *mt);
void efs_mount_targets_free(struct efs_mount_target *v, size_t n);

/* DescribeFileSystems of one file system (an id or its ARN). */
enum drh_status efs_describe_file_system(struct aws_client *c, const char *fs_id,
                                         struct efs_file_system *out, struct drh_err *err);
/* DeleteFileSystem; AWS refuses it (FileSystemInUse, DRH_E_AWS) while mount
 * targets exist. */
enum drh_status efs_delete_file_system(struct aws_client *c, const char *fs_id,
                                       struct drh_err *err);

/* CreateMountTarget in subnet with the given security groups (n may be 0:
 * the VPC's default group). */
enum drh_status efs_create_mount_target(struct aws_client *c, const char *fs_id, const char *subnet,
                                        const char *const *security_groups, size_t n,
                                        struct efs_mount_target *out, struct drh_err *err);
/* DescribeMountTargets of a file system (fs_id) or one mount target (mt_id);
 * exactly one of the two. *out: caller frees with efs_mount_targets_free(). */
enum drh_status efs_describe_mount_targets(struct aws_client *c, const char *fs_id,
                                           const char *mt_id, struct efs_mount_target **out,
                                           size_t *n, struct drh_err *err);
enum drh_status efs_delete_mount_target(struct aws_client *c, const char *mt_id,
                                        struct drh_err *err);

/* TagResource of a file system (id or ARN); n == 0 sends nothing. A NULL
 * value is sent as "". */
enum drh_status efs_tag_resource(struct aws_client *c, const char *resource_id,
                                 const struct aws_tag *tags, size_t n, struct drh_err *err);
/* ListTagsForResource, every page: *tags an object of strings; caller frees
 * with json_free(). */
enum drh_status efs_list_tags(struct aws_client *c, const char *resource_id, struct json **tags,
                              struct drh_err *err);

/* "arn:<partition>:elasticfilesystem:<region>:<account>:file-system/<id>";
 * caller frees; NULL when region is not a region name. */
char *efs_file_system_arn(const char *region, const char *account, const char *fs_id);

#endif
