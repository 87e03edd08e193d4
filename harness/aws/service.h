/*
 * The AWS services drh calls, as botocore's service models describe them
 * (metadata of data/<service>/<version>/service-2.json): how each is named
 * in endpoints, signatures and environment variables, and which wire
 * protocol it speaks.
 */
#ifndef DRH_AWS_SERVICE_H
#define DRH_AWS_SERVICE_H

#include "aws/protocol.h"

struct aws_service {
    const char *id;              /* drh's name: "sts", "backup", "efs", ... */
    const char *endpoint_prefix; /* host label: "elasticfilesystem" */
    const char *signing_name;    /* SigV4 service: "elasticfilesystem" */
    const char *env_id;          /* AWS_ENDPOINT_URL_<env_id>, services-section key (lowercased) */
    const char *api_version;
    enum aws_protocol protocol;
    const char *target_prefix; /* json protocol's X-Amz-Target prefix, else NULL */
};

/* NULL for a service drh does not know. */
const struct aws_service *aws_service_find(const char *id);

#endif
