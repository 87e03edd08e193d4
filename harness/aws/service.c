/* The service table: see service.h. Values are botocore's model metadata. */
#include "aws/service.h"

#include <string.h>

static const struct aws_service s_services[] = {
    {"sts", "sts", "sts", "STS", "2011-06-15", AWS_PROTO_QUERY, NULL},
    {"backup", "backup", "backup", "BACKUP", "2018-11-15", AWS_PROTO_REST_JSON, NULL},
    {"rds", "rds", "rds", "RDS", "2014-10-31", AWS_PROTO_QUERY, NULL},
    {"ec2", "ec2", "ec2", "EC2", "2016-11-15", AWS_PROTO_EC2, NULL},
    {"efs", "elasticfilesystem", "elasticfilesystem", "EFS", "2015-02-01", AWS_PROTO_REST_JSON,
     NULL},
    {"s3", "s3", "s3", "S3", "2006-03-01", AWS_PROTO_REST_XML, NULL},
    {"sns", "sns", "sns", "SNS", "2010-03-31", AWS_PROTO_QUERY, NULL},
    {"kms", "kms", "kms", "KMS", "2014-11-01", AWS_PROTO_JSON, "TrentService"},
};

const struct aws_service *aws_service_find(const char *id)
{
    for (size_t i = 0; i < sizeof s_services / sizeof s_services[0]; i++)
        if (strcmp(s_services[i].id, id) == 0)
            return &s_services[i];
    return NULL;
}
