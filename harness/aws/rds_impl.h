/*
 * Inside the RDS module (rds.c, rds_restore.c, rds_subnet_group.c): the
 * call wrapper and the parser of a DB cluster / instance they share. Not for use outside
 * harness/aws/rds*.c.
 */
#ifndef DRH_AWS_RDS_IMPL_H
#define DRH_AWS_RDS_IMPL_H
#include "aws/rds.h"
#include "xml.h"

/* One call; the not-found faults of rds.h become DRH_E_NOTFOUND. doc_out
 * NULL: the result is not needed. */
enum drh_status rds_call(struct aws_client *c, const char *action, const struct aws_params *p,
                         struct xml_doc **doc_out, const struct xml_node **result_out,
                         struct drh_err *err);
/* A <DBCluster> (cluster) or <DBInstance> element into *out (cleaned up
 * and replaced on success). */
enum drh_status rds_parse_db(bool cluster, const struct xml_node *n, struct rds_db *out,
                             struct drh_err *err);

#endif
