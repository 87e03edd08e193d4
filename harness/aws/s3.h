/*
 * Amazon S3 (rest-xml, path-style "/bucket/key"): what an S3 replication
 * drill reads (versioning, replication, bucket policy, lifecycle, object
 * versions, object heads), writes (a canary object, a restore bucket and
 * its objects) and deletes. Object keys are percent-encoded as SigV4 for S3
 * signs them (uri.h, '/' kept). Times are UTC epoch seconds, milliseconds
 * kept.
 *
 * Every call returns DRH_E_NOTFOUND for NoSuchBucket, NoSuchKey,
 * NoSuchVersion, a bodiless 404 (HEAD) and, for the bucket configuration
 * getters, the "no such configuration" codes (the message keeps operation,
 * AWS message and request id); DRH_E_AWS for other AWS errors; DRH_E_PARSE
 * for a response that is not what the model says. Outputs are written only
 * on success.
 *
 * The _many calls run their objects in parallel (aws_client_send_many) and
 * give each object its own status and error.
 */
#ifndef DRH_AWS_S3_H
#define DRH_AWS_S3_H
#include "aws/client.h"
#include "aws/protocol.h"
#include "buf.h"

#include <stdbool.h>
#include <stddef.h>

/* One rule of a replication configuration. */
struct s3_rule {
    char *id;            /* NULL when none */
    bool enabled;        /* Status Enabled */
    char *prefix;        /* Prefix or Filter/Prefix or Filter/And/Prefix; "" for all */
    char *dest_bucket;   /* Destination/Bucket, an ARN */
    char *dest_account;  /* Destination/Account; NULL when not set */
    bool delete_markers; /* DeleteMarkerReplication Enabled */
};

struct s3_replication {
    char *role;
    struct s3_rule *rules;
    size_t n_rules;
};

/* One entry of ListObjectVersions: an object version or a delete marker. */
struct s3_version {
    char *key;
    char *version_id;
    char *etag; /* NULL for a delete marker */
    long long size;
    double modified; /* LastModified */
    bool latest;     /* IsLatest */
    bool delete_marker;
};

/* What HeadObject says of one object version. */
struct s3_head {
    char *version_id; /* x-amz-version-id; NULL when unversioned */
    char *etag;
    long long size;
    double modified;          /* Last-Modified */
    char *replication_status; /* x-amz-replication-status; NULL when none */
    char *checksum_sha256;    /* x-amz-checksum-sha256 (base64); NULL when none */
    char *run_id;             /* x-amz-meta-drh-run-id; NULL when none */
};

/* An object of a batch: what to act on, and its outcome. */
struct s3_item {
    const char *key;        /* borrowed */
    const char *version_id; /* borrowed; NULL: the current version */
    const void *body;       /* put: borrowed */
    size_t body_len;
    enum drh_status status;
    struct drh_err err;
    struct s3_head head; /* head, get and put (version_id, etag) */
    struct buf data;     /* get: the body */
};

void s3_replication_clean_up(struct s3_replication *r);
void s3_versions_free(struct s3_version *v, size_t n);
void s3_head_clean_up(struct s3_head *h);
/* Frees each item's head and data (not the array). */
void s3_items_clean_up(struct s3_item *items, size_t n);

/* "Enabled", "Suspended" or "" (never enabled): caller frees *status. */
enum drh_status s3_get_versioning(struct aws_client *c, const char *bucket, char **status,
                                  struct drh_err *err);
/* NOTFOUND: no replication configuration. */
enum drh_status s3_get_replication(struct aws_client *c, const char *bucket,
                                   struct s3_replication *out, struct drh_err *err);
/* The policy document as JSON text (caller frees); NOTFOUND: no policy. */
enum drh_status s3_get_policy(struct aws_client *c, const char *bucket, char **policy,
                              struct drh_err *err);
/* Counts the lifecycle rules and the Enabled ones; NOTFOUND: none. */
enum drh_status s3_get_lifecycle(struct aws_client *c, const char *bucket, size_t *n_rules,
                                 size_t *n_enabled, struct drh_err *err);
/* Every version and delete marker under prefix (NULL: all), following
 * KeyMarker/VersionIdMarker to the end; in the order S3 lists them (by
 * key, newest first within a key). *out: caller frees with
 * s3_versions_free(). */
enum drh_status s3_list_versions(struct aws_client *c, const char *bucket, const char *prefix,
                                 struct s3_version **out, size_t *n, struct drh_err *err);

/* HeadObject (with x-amz-checksum-mode ENABLED); version_id may be NULL. */
enum drh_status s3_head_object(struct aws_client *c, const char *bucket, const char *key,
                               const char *version_id, struct s3_head *out, struct drh_err *err);
/* PutObject of len bytes; run_id (may be NULL) goes into x-amz-meta-drh-run-id.
 * out (may be NULL) gets version_id and etag. */
enum drh_status s3_put_object(struct aws_client *c, const char *bucket, const char *key,
                              const void *body, size_t len, const char *run_id, struct s3_head *out,
                              struct drh_err *err);
/* GetObject into body (appended); version_id may be NULL. */
enum drh_status s3_get_object(struct aws_client *c, const char *bucket, const char *key,
                              const char *version_id, struct buf *body, struct drh_err *err);
/* DeleteObject; with version_id that version (or delete marker) for good. */
enum drh_status s3_delete_object(struct aws_client *c, const char *bucket, const char *key,
                                 const char *version_id, struct drh_err *err);

/* Batches: HeadObject, GetObject (head and data), PutObject (head gets
 * version_id and etag) or DeleteObject of each item. The call fails only
 * when nothing could be sent; each item has its own status. */
enum drh_status s3_head_many(struct aws_client *c, const char *bucket, struct s3_item *items,
                             size_t n, int parallel, struct drh_err *err);
enum drh_status s3_get_many(struct aws_client *c, const char *bucket, struct s3_item *items,
                            size_t n, int parallel, struct drh_err *err);
enum drh_status s3_put_many(struct aws_client *c, const char *bucket, struct s3_item *items,
                            size_t n, int parallel, struct drh_err *err);
enum drh_status s3_delete_many(struct aws_client *c, const char *bucket, struct s3_item *items,
                               size_t n, int parallel, struct drh_err *err);

/* CreateBucket in c's region (LocationConstraint unless us-east-1). */
enum drh_status s3_create_bucket(struct aws_client *c, const char *bucket, struct drh_err *err);
enum drh_status s3_delete_bucket(struct aws_client *c, const char *bucket, struct drh_err *err);
/* DRH_OK when it exists and c may list it; NOTFOUND when it does not exist. */
enum drh_status s3_head_bucket(struct aws_client *c, const char *bucket, struct drh_err *err);
enum drh_status s3_put_bucket_tagging(struct aws_client *c, const char *bucket,
                                      const struct aws_tag *tags, size_t n, struct drh_err *err);
/* The value of one tag (caller frees), NULL when the bucket has no such tag
 * or no tags at all (DRH_OK). */
enum drh_status s3_get_bucket_tag(struct aws_client *c, const char *bucket, const char *key,
                                  char **value, struct drh_err *err);

/* "arn:aws:s3:::NAME" or "NAME" -> NAME (caller frees). */
char *s3_bucket_name(const char *bucket_or_arn);

#endif
