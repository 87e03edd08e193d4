/*
 * Teardown of the isolated stack's ledger kinds (teardown.h): the DB
 * subnet group, the security group, the subnets, the VPC, in that order
 * and after everything that ran in them. Each is deleted only when its
 * drh:run-id tag names the run. AWS releases the network interfaces of a
 * just-deleted database or instance minutes later, and until then refuses
 * to delete what they sit in (DependencyViolation,
 * InvalidDBSubnetGroupStateFault): such a delete is retried with backoff
 * for td_busy_wait seconds, with a progress line every 30 s.
 */
#include "aws/ec2_network.h"
#include "aws/rds.h"
#include "mem.h"
#include "run/progress.h"
#include "run/teardown.h"
#include "run/wait.h"

#include <stdlib.h>
#include <string.h>

double td_busy_wait = 600.0;

typedef enum drh_status (*s_delete_fn)(struct aws_client *c, const char *id, bool *in_use,
                                       struct drh_err *err);

struct piece {
    struct aws_client *c;
    enum ledger_kind kind;
    const char *id;
    bool in_use; /* the last delete was refused as in use */
};

static enum drh_status s_look(void *ctx, struct buf *status, struct drh_err *err)
{
    struct piece *p = ctx;
    enum drh_status st;
    size_t n = 0;
    if (p->kind == LEDGER_RDS_SUBNET_GROUP) {
        struct rds_subnet_group g = {0};
        st = rds_describe_subnet_group(p->c, p->id, &g, err);
        buf_puts(status, g.status ? g.status : "present");
        rds_subnet_group_clean_up(&g);
    } else if (p->kind == LEDGER_EC2_VPC) {
        struct ec2_vpc v = {0};
        st = ec2_describe_vpc(p->c, p->id, &v, err);
        buf_puts(status, v.state ? v.state : "present");
        ec2_vpc_clean_up(&v);
    } else if (p->kind == LEDGER_EC2_SUBNET) {
        struct ec2_subnet *s = NULL;
        st = ec2_describe_subnets(p->c, &p->id, 1, &s, &n, err);
        buf_puts(status, n && s[0].state ? s[0].state : "present");
        ec2_subnets_free(s, n);
    } else {
        struct ec2_security_group *g = NULL;
        st = ec2_describe_security_groups(p->c, &p->id, 1, &g, &n, err);
        buf_puts(status, "present");
        ec2_security_groups_free(g, n);
    }
    if (st == DRH_OK && p->kind != LEDGER_RDS_SUBNET_GROUP && p->kind != LEDGER_EC2_VPC && !n)
        st = drh_err_set(err, DRH_E_NOTFOUND, "%s %s is gone", ledger_kind_name(p->kind), p->id);
    return st;
}

/* One delete attempt as a wait poll: done once accepted (or already gone). */
static enum drh_status s_try_delete(void *ctx, bool *done, struct buf *status, struct drh_err *err)
{
    struct piece *p = ctx;
    s_delete_fn del = p->kind == LEDGER_RDS_SUBNET_GROUP ? rds_delete_subnet_group
                      : p->kind == LEDGER_EC2_VPC        ? ec2_delete_vpc
                      : p->kind == LEDGER_EC2_SUBNET     ? ec2_delete_subnet
                                                         : ec2_delete_security_group;
    enum drh_status st = del(p->c, p->id, &p->in_use, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        st = DRH_OK;
    }
    if (st != DRH_OK && p->in_use) {
        buf_puts(status, "in use");
        drh_err_clear(err);
        return DRH_OK;
    }
    *done = st == DRH_OK;
    return st;
}

/* Deletes one piece, retrying while AWS says it is in use. */
static enum drh_status s_delete_busy(struct td *t, const struct ledger_entry *e, struct piece *p,
                                     struct drh_err *err)
{
    char *what = xasprintf("%s %s", ledger_kind_name(e->kind), p->id);
    double deadline = progress_elapsed() + td_busy_wait;
    if (deadline > t->deadline)
        deadline = t->deadline;
    struct wait_options w = {
        ledger_drill_name(t->l), e->resource, "teardown", what, deadline, 15.0, 30.0, 1, t->limit};
    enum drh_status st = wait_until(&w, s_try_delete, p, err);
    if (st == DRH_E_TIMEOUT && p->in_use && progress_elapsed() >= deadline) {
        drh_err_set(err, DRH_E_AWS, "%s is still in use after %.0fs: AWS refuses to delete it",
                    what, td_busy_wait);
        if (e->kind == LEDGER_RDS_SUBNET_GROUP)
            drh_err_hint(err, "a database still in the group (or still being deleted) holds "
                              "it: aws rds describe-db-instances shows which");
        else if (e->kind == LEDGER_EC2_VPC)
            drh_err_hint(err,
                         "something made outside drh is still in it (a subnet, security "
                         "group, gateway or network interface): aws ec2 "
                         "describe-network-interfaces --filters Name=vpc-id,Values=%s "
                         "shows the interfaces",
                         p->id);
        else
            drh_err_hint(err,
                         "a network interface still sits in it (a database or instance "
                         "being deleted, or something made outside drh): aws ec2 "
                         "describe-network-interfaces --filters Name=%s,Values=%s shows "
                         "which",
                         e->kind == LEDGER_EC2_SUBNET ? "subnet-id" : "group-id", p->id);
    }
    free(what);
    return st;
}

/* Deletes one piece by id when it exists and is this run's. *deleted: it
 * was deleted now (DRH_E_NOTFOUND: it was not there). */
static enum drh_status s_delete(struct td *t, const struct ledger_entry *e, struct aws_client *c,
                                const char *id, bool *deleted, struct drh_err *err)
{
    struct piece p = {c, e->kind, id, false};
    char *arn = NULL, *tag = NULL;
    enum drh_status st;
    if (e->kind == LEDGER_RDS_SUBNET_GROUP) {
        struct rds_subnet_group g = {0};
        st = rds_describe_subnet_group(c, id, &g, err);
        arn = g.arn ? xstrdup(g.arn) : e->arn ? xstrdup(e->arn) : NULL;
        rds_subnet_group_clean_up(&g);
        if (st == DRH_OK && arn)
            st = rds_get_tag(c, arn, LEDGER_TAG_RUN, &tag, err);
    } else {
        struct buf status;
        buf_init(&status);
        st = s_look(&p, &status, err);
        buf_clean_up(&status);
        if (st == DRH_OK)
            st = ec2_get_tag(c, id, LEDGER_TAG_RUN, &tag, err);
    }
    if (st == DRH_OK && td_owned(t, arn ? arn : id, tag, NULL)) {
        td_progress(t, e, id);
        st = s_delete_busy(t, e, &p, err);
        if (st == DRH_OK)
            st = td_wait_gone(t, e, s_look, &p, err);
        *deleted = st == DRH_OK;
    }
    free(arn);
    free(tag);
    return st;
}

enum drh_status isolation_teardown_entry(struct td *t, const struct ledger_entry *e,
                                         struct aws_client *c, struct drh_err *err)
{
    const char *prefix = e->kind == LEDGER_EC2_VPC              ? "vpc-"
                         : e->kind == LEDGER_EC2_SUBNET         ? "subnet-"
                         : e->kind == LEDGER_EC2_SECURITY_GROUP ? "sg-"
                                                                : NULL;
    int refused = t->refused;
    bool deleted = false;
    enum drh_status st;
    if (!prefix || strncmp(e->id, prefix, strlen(prefix)) == 0) {
        st = s_delete(t, e, c, e->id, &deleted, err);
    } else {
        /* The create call never answered: what it made carries the entry's id as Name. */
        char **ids = NULL;
        size_t n = 0;
        st = ec2_find_tagged(c, prefix, "Name", e->id, &ids, &n, err);
        for (size_t i = 0; i < n && (st == DRH_OK || st == DRH_E_NOTFOUND); i++) {
            bool one = false;
            st = s_delete(t, e, c, ids[i], &one, err);
            deleted = deleted || one;
        }
        ec2_strings_free(ids, n);
    }
    if (st != DRH_OK && st != DRH_E_NOTFOUND)
        return st;
    drh_err_clear(err);
    if (t->refused != refused) /* td_owned noted it: not gone, not an error */
        return DRH_OK;
    return deleted ? td_gone(t, e, err) : ledger_gone(t->l, e->kind, e->id, err);
}
