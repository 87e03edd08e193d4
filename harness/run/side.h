/*
 * One side of a drill (source or target) as AWS clients: the credential
 * chain of the side's profile, AssumeRole into its role_arn when set, and
 * one client per region (a copy across regions talks to two). Also checks
 * that the credentials really belong to the side's account, so a drill
 * never acts in an account it did not name.
 */
#ifndef DRH_SIDE_H
#define DRH_SIDE_H
#include "aws/client.h"
#include "drill/drill.h"
#include "err.h"

struct side;

/* Builds the side; makes no AWS call yet. name is "source" or "target".
 * Caller frees with side_free(). */
enum drh_status side_open(const struct drill_side *ds, const char *name, struct side **out,
                          struct drh_err *err);
void side_free(struct side *s);
/* The client for region (NULL: the side's region), made on first use. */
enum drh_status side_client(struct side *s, const char *region, struct aws_client **out,
                            struct drh_err *err);
/* STS GetCallerIdentity: the account must be the side's. */
enum drh_status side_verify_account(struct side *s, struct drh_err *err);
const struct drill_side *side_def(const struct side *s);
const char *side_name(const struct side *s);
/* "aws", "aws-cn", "aws-us-gov" for the side's region. */
const char *side_partition(const struct side *s);

#endif
