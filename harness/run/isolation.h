/*
 * The isolated test stack restored resources run in. With isolation.create
 * drh builds it in the target account and Region before any restore
 * (isolation.c) and the run's teardown removes it after every resource's
 * own teardown (isolation_teardown.c, the last ledger kinds); otherwise the
 * drill names it and a preflight checks it (isolation_verify.c).
 * docs/isolation.md says what is built, tagged and required.
 */
#ifndef DRH_RUN_ISOLATION_H
#define DRH_RUN_ISOLATION_H
#include "drill/drill.h"
#include "err.h"
#include "run/ledger.h"
#include "run/side.h"

/* The ledger's resource field for the stack's entries: teardown_run(l,
 * ISOLATION_RESOURCE, ...) removes the stack alone; with NULL it goes after
 * everything else (enum ledger_kind order). */
#define ISOLATION_RESOURCE "@isolation"

/* The stack as built; strings owned (isolation_stack_clean_up()). */
struct isolation_stack {
    char *vpc_id;
    char *subnet_ids[2];
    char *azs[2];
    char *security_group_id;
    char *db_subnet_group; /* name */
};

/* Builds the stack in the target side's account and Region: a VPC
 * (d->isolation.vpc_cidr) with no internet gateway, a private subnet in
 * each of the first two available zones (the VPC CIDR's first two /24s),
 * a security group in the VPC admitting only allow_from (every protocol
 * and port; no other ingress), a DB subnet group over both subnets. Every
 * piece is named "drh-<drill>-<suffix>-isolated" (suffix: run_id's last
 * field; subnets add "-<zone>"), carries the tags drh:run-id, drh:drill and
 * Name, and has a ledger intent (resource ISOLATION_RESOURCE) written
 * before its create call and "created" after. Then checks it: no internet
 * gateway attached to the VPC, the group's ingress exactly allow_from, the
 * subnets and the DB subnet group in the VPC. *message (caller frees): a
 * one-line summary ("vpc-..., subnets subnet-... (us-east-1a), subnet-...
 * (us-east-1b), sg-..., DB subnet group drh-..."). *out (zeroed or cleaned
 * up) is written only on success; on failure what was made is in the
 * ledger for teardown. */
enum drh_status isolation_create(struct ledger *l, struct side *tgt, const struct drill *d,
                                 const char *run_id, struct isolation_stack *out, char **message,
                                 struct drh_err *err);
/* A struct drill_isolation naming the stack's pieces, for the resource
 * pipelines: db_subnet_group, subnet (the first subnet) and one security
 * group (security_groups points at s->security_group_id); create false,
 * vpc_cidr and allow_from NULL. Borrowed pointers: valid while s is. */
void isolation_stack_named(struct isolation_stack *s, struct drill_isolation *out);
void isolation_stack_clean_up(struct isolation_stack *s);

/* Preflight of a named isolation: the DB subnet group, subnet and security
 * groups the drill names (those it names; none is fine) exist in the
 * target account and Region and sit in one VPC. *message (caller frees)
 * names the VPC and says whether an internet gateway is attached to it
 * (reported, not refused). A missing piece is DRH_E_NOTFOUND, pieces in
 * different VPCs DRH_E_AWS (both exit 3), each with a hint naming what. */
enum drh_status isolation_verify(struct side *tgt, const struct drill_isolation *iso,
                                 char **message, struct drh_err *err);

#endif
