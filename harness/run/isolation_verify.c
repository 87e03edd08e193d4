/*
 * Preflight of a named isolation (isolation.h): the DB subnet group,
 * subnet and security groups the drill names exist in the target account
 * and Region and sit in one VPC. An internet gateway on that VPC is
 * reported, not refused: the drill's owners decide how isolated "named"
 * is; drh's own stack (isolation.c) has none.
 */
#include "run/isolation.h"

#include "aws/ec2_network.h"
#include "aws/rds.h"
#include "buf.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

struct vpc_check {
    char *vpc;        /* the first piece's VPC */
    char *vpc_of;     /* which piece that was */
    struct buf names; /* what was checked, for the message */
};

/* Records that piece (e.g. "subnet subnet-1") is in vpc; DRH_E_AWS when an
 * earlier piece is in another VPC. */
static enum drh_status s_in_vpc(struct vpc_check *v, const char *piece, const char *vpc,
                                struct drh_err *err)
{
    if (v->names.len)
        buf_puts(&v->names, ", ");
    buf_puts(&v->names, piece);
    if (!vpc)
        vpc = "(none)";
    if (!v->vpc) {
        v->vpc = xstrdup(vpc);
        v->vpc_of = xstrdup(piece);
        return DRH_OK;
    }
    if (strcmp(v->vpc, vpc) == 0)
        return DRH_OK;
    drh_err_set(err, DRH_E_AWS, "isolation: %s is in %s but %s is in %s", piece, vpc, v->vpc_of,
                v->vpc);
    return drh_err_hint(err, "name a DB subnet group, subnet and security groups of one VPC "
                             "in the drill's isolation section");
}

/* A named piece is missing: DRH_E_NOTFOUND naming it. */
static enum drh_status s_missing(enum drh_status st, const char *what, const char *name,
                                 const char *region, struct drh_err *err)
{
    if (st != DRH_E_NOTFOUND)
        return st;
    drh_err_set(err, DRH_E_NOTFOUND, "isolation: %s '%s' does not exist in the target's %s", what,
                name, region);
    return drh_err_hint(err,
                        "create it, or correct isolation.%s in the drill file (or set "
                        "isolation.create so drh builds the stack)",
                        strcmp(what, "DB subnet group") == 0 ? "db_subnet_group"
                        : strcmp(what, "subnet") == 0        ? "subnet"
                                                             : "security_groups");
}

static enum drh_status s_pieces(struct aws_client *c, const char *region,
                                const struct drill_isolation *iso, struct vpc_check *v,
                                struct drh_err *err)
{
    enum drh_status st = DRH_OK;
    if (iso->db_subnet_group) {
        struct rds_subnet_group g = {0};
        st = rds_describe_subnet_group(c, iso->db_subnet_group, &g, err);
        st = s_missing(st, "DB subnet group", iso->db_subnet_group, region, err);
        char *piece = xasprintf("DB subnet group %s", iso->db_subnet_group);
        if (st == DRH_OK)
            st = s_in_vpc(v, piece, g.vpc, err);
        free(piece);
        rds_subnet_group_clean_up(&g);
    }
    if (st == DRH_OK && iso->subnet) {
        struct ec2_subnet *s = NULL;
        size_t n = 0;
        const char *id = iso->subnet;
        st = s_missing(ec2_describe_subnets(c, &id, 1, &s, &n, err), "subnet", id, region, err);
        if (st == DRH_OK && n == 0)
            st = s_missing(DRH_E_NOTFOUND, "subnet", id, region, err);
        char *piece = xasprintf("subnet %s", id);
        if (st == DRH_OK)
            st = s_in_vpc(v, piece, s[0].vpc, err);
        free(piece);
        ec2_subnets_free(s, n);
    }
    /* One group at a time, so a missing one is named. */
    for (size_t i = 0; st == DRH_OK && i < iso->n_security_groups; i++) {
        struct ec2_security_group *g = NULL;
        size_t n = 0;
        const char *id = iso->security_groups[i];
        st = s_missing(ec2_describe_security_groups(c, &id, 1, &g, &n, err), "security group", id,
                       region, err);
        if (st == DRH_OK && n == 0)
            st = s_missing(DRH_E_NOTFOUND, "security group", id, region, err);
        char *piece = xasprintf("security group %s", id);
        if (st == DRH_OK)
            st = s_in_vpc(v, piece, g[0].vpc, err);
        free(piece);
        ec2_security_groups_free(g, n);
    }
    return st;
}

enum drh_status isolation_verify(struct side *tgt, const struct drill_isolation *iso,
                                 char **message, struct drh_err *err)
{
    const char *region = side_def(tgt)->region;
    struct aws_client *c = NULL;
    enum drh_status st = side_client(tgt, NULL, &c, err);
    if (st != DRH_OK)
        return st;
    struct vpc_check v = {0};
    buf_init(&v.names);
    st = s_pieces(c, region, iso, &v, err);
    char **igws = NULL;
    size_t n = 0;
    if (st == DRH_OK && v.vpc && strcmp(v.vpc, "(none)") != 0)
        st = ec2_internet_gateways(c, v.vpc, &igws, &n, err);
    if (st == DRH_OK && !v.vpc)
        *message = xstrdup("no isolation named: restores go where AWS puts them by default");
    else if (st == DRH_OK)
        *message = xasprintf("%s in %s (%s%s)", buf_str(&v.names), v.vpc,
                             n ? "internet gateway attached: " : "no internet gateway attached",
                             n ? igws[0] : "");
    ec2_strings_free(igws, n);
    buf_clean_up(&v.names);
    free(v.vpc);
    free(v.vpc_of);
    return st;
}
