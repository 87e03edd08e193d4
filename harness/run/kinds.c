/*
 * The kinds of resource a drill restores, by drill resource type.
 */
#include "run/resource.h"

const struct res_kind *res_kind_of(enum drill_resource_type t)
{
    switch (t) {
    case DRILL_RDS:
    case DRILL_AURORA:
        return &rds_kind;
    case DRILL_EFS:
        return &efs_kind;
    case DRILL_S3:
        return &s3_kind;
    case DRILL_EC2:
        return &ec2_kind;
    case DRILL_CHECK:
        return &check_kind;
    }
    return &rds_kind;
}
