/*
 * Regions, partitions and endpoints. A region belongs to a partition (aws,
 * aws-cn, aws-us-gov) that gives the DNS suffix and the ARN prefix. The URL
 * of a service is, in order of precedence: the drill's own override, then
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's services
 * section and its endpoint_url (the last four unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), else the partition default.
 */
#ifndef DRH_AWS_ENDPOINT_H
#define DRH_AWS_ENDPOINT_H

#include "aws/config.h"
#include "aws/env.h"
#include "aws/service.h"
#include "err.h"

struct aws_partition {
    const char *name;       /* "aws", "aws-cn", "aws-us-gov" */
    const char *dns_suffix; /* "amazonaws.com", "amazonaws.com.cn" */
};

/* The partition of a region, or NULL when the name is not a region name. */
const struct aws_partition *aws_partition_of(const char *region);

/* Checks a region name; err says what is wrong and lists the forms. */
enum drh_status aws_region_check(const char *region, struct drh_err *err);

struct aws_endpoint_source {
    const char *override;         /* the drill's endpoint for this service, or NULL */
    const struct aws_env *env;    /* NULL: the process environment */
    const struct aws_config *cfg; /* NULL: no config file */
    const char *profile;          /* profile whose endpoint settings apply */
};

/* The base URL (scheme://host[:port][/path], no trailing slash) of service
 * in region; caller frees *url_out. */
enum drh_status aws_endpoint_resolve(const struct aws_service *svc, const char *region,
                                     const struct aws_endpoint_source *src, char **url_out,
                                     struct drh_err *err);

/* arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, with the partition of
 * home_region (so an IAM role in a cn- region gets arn:aws-cn:); region and
 * account may be "" (S3 buckets, IAM). Caller frees; NULL when home_region
 * is not a region name. */
char *aws_arn(const char *home_region, const char *service, const char *region,
              const char *account, const char *resource);
/* The partition of an ARN ("aws" for arn:aws:...); NULL when not an ARN. */
char *aws_arn_partition(const char *arn);

#endif
