/*
 * Building the isolated test stack (isolation.h): VPC, two private
 * subnets in two zones, a security group admitting only allow_from, a DB
 * subnet group; each piece in the ledger before its create call, then the
 * stack checked as built. The ledger intent of an EC2 piece is its Name
 * (its id is not known before the answer), resolved to the id after.
 */
#include "run/isolation.h"

#include "aws/ec2_network.h"
#include "aws/rds.h"
#include "buf.h"
#include "mem.h"
#include "run/progress.h"
#include "run/resource.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


struct iso {
    struct ledger *l;
    struct aws_client *c;
    const struct drill *d;
    const char *region;
    char *name; /* drh-<drill>-<suffix>-isolated */
    struct aws_tag tags[4];
    char expires[32];
};

void isolation_stack_clean_up(struct isolation_stack *s)
{
    if (!s)
        return;
    free(s->vpc_id);
    for (int i = 0; i < 2; i++) {
        free(s->subnet_ids[i]);
        free(s->azs[i]);
    }
    free(s->security_group_id);
    free(s->db_subnet_group);
    memset(s, 0, sizeof *s);
}

void isolation_stack_named(struct isolation_stack *s, struct drill_isolation *out)
{
    memset(out, 0, sizeof *out);
    out->db_subnet_group = s->db_subnet_group;
    out->subnet = s->subnet_ids[0];
    out->security_groups = &s->security_group_id;
    out->n_security_groups = s->security_group_id ? 1 : 0;
}

/* "drh-<drill>-<suffix>-isolated", lower case (fits EC2 and RDS names). */
static char *s_name(const char *drill, const char *run_id)
{
    const char *dash = strrchr(run_id, '-');
    const char *suffix = dash ? dash + 1 : run_id;
    char *name = xasprintf("drh-%s-%.6s-isolated", drill, suffix);
    for (char *p = name; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return name;
}

/* The first two /24s of an IPv4 CIDR from /16 to /23. */
static enum drh_status s_subnet_cidrs(const char *vpc_cidr, char out[2][24], struct drh_err *err)
{
    unsigned a, b, c, d, bits;
    char end;
    if (sscanf(vpc_cidr, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &bits, &end) != 5 || a > 255 ||
        b > 255 || c > 255 || d > 255 || bits < 16 || bits > 23) {
        drh_err_set(err, DRH_E_CONFIG,
                    "isolation.vpc_cidr '%s' is not an IPv4 CIDR from /16 to /23", vpc_cidr);
        return drh_err_hint(err, "two /24 subnets are cut from it, e.g. \"10.213.0.0/16\"");
    }
    unsigned long net =
        ((unsigned long)a << 24 | (unsigned long)b << 16 | (unsigned long)c << 8 | d) &
        (0xffffffffUL << (32 - bits));
    for (unsigned long i = 0; i < 2; i++) {
        unsigned long s = net + (i << 8);
        snprintf(out[i], 24, "%lu.%lu.%lu.0/24", s >> 24, (s >> 16) & 255, (s >> 8) & 255);
    }
    return DRH_OK;
}

/* After the create call of an EC2 piece: its intent (under name) resolved
 * to the id, and "created". */
static enum drh_status s_made(struct iso *s, enum ledger_kind kind, const char *name,
                              const char *id, struct drh_err *err)
{
    enum drh_status st = ledger_resolved(s->l, kind, name, id, err);
    if (st == DRH_OK)
        st = ledger_created(s->l, kind, id, NULL, NULL, err);
    return st;
}

static enum drh_status s_intent(struct iso *s, enum ledger_kind kind, const char *name,
                                struct drh_err *err)
{
    return ledger_intent(s->l, kind, "target", s->region, name, NULL, NULL, ISOLATION_RESOURCE,
                         err);
}

static enum drh_status s_vpc(struct iso *s, struct isolation_stack *k, struct drh_err *err)
{
    enum drh_status st = s_intent(s, LEDGER_EC2_VPC, s->name, err);
    if (st == DRH_OK)
        st = ec2_create_vpc(s->c, s->d->isolation.vpc_cidr, s->tags, 4, &k->vpc_id, err);
    if (st == DRH_OK)
        st = s_made(s, LEDGER_EC2_VPC, s->name, k->vpc_id, err);
    return st;
}

static enum drh_status s_subnets(struct iso *s, struct isolation_stack *k, struct drh_err *err)
{
    char cidrs[2][24];
    enum drh_status st = s_subnet_cidrs(s->d->isolation.vpc_cidr, cidrs, err);
    char **zones = NULL;
    size_t n = 0;
    if (st == DRH_OK && (st = ec2_describe_zones(s->c, &zones, &n, err)) == DRH_OK && n < 2) {
        st = drh_err_set(err, DRH_E_AWS,
                         "region %s has %zu available zone(s); the isolated "
                         "stack needs two (a DB subnet group spans two)",
                         s->region, n);
        drh_err_hint(err, "choose a target region with two available zones");
    }
    for (int i = 0; i < 2 && st == DRH_OK; i++) {
        char *name = xasprintf("%s-%s", s->name, zones[i]);
        struct aws_tag tags[4] = {s->tags[0], s->tags[1], s->tags[2], {"Name", name}};
        struct ec2_subnet_spec spec = {k->vpc_id, cidrs[i], zones[i], tags, 4};
        st = s_intent(s, LEDGER_EC2_SUBNET, name, err);
        if (st == DRH_OK)
            st = ec2_create_subnet(s->c, &spec, &k->subnet_ids[i], err);
        if (st == DRH_OK)
            st = s_made(s, LEDGER_EC2_SUBNET, name, k->subnet_ids[i], err);
        if (st == DRH_OK)
            k->azs[i] = xstrdup(zones[i]);
        free(name);
    }
    ec2_strings_free(zones, n);
    return st;
}

static enum drh_status s_group(struct iso *s, struct isolation_stack *k, struct drh_err *err)
{
    char *desc = xasprintf("drh drill %s: restored resources, reached only from %s", s->d->name,
                           s->d->isolation.allow_from);
    struct ec2_group_spec g = {s->name, desc, k->vpc_id, s->tags, 4};
    enum drh_status st = s_intent(s, LEDGER_EC2_SECURITY_GROUP, s->name, err);
    if (st == DRH_OK)
        st = ec2_create_security_group(s->c, &g, &k->security_group_id, err);
    if (st == DRH_OK)
        st = s_made(s, LEDGER_EC2_SECURITY_GROUP, s->name, k->security_group_id, err);
    struct ec2_ingress_rule r = {"-1", 0, 0, s->d->isolation.allow_from, "drh runner"};
    if (st == DRH_OK)
        st = ec2_authorize_ingress(s->c, k->security_group_id, &r, err);
    free(desc);
    return st;
}

static enum drh_status s_db_subnet_group(struct iso *s, struct isolation_stack *k,
                                         struct drh_err *err)
{
    char *desc = xasprintf("drh drill %s: isolated restores", s->d->name);
    const char *subnets[2] = {k->subnet_ids[0], k->subnet_ids[1]};
    enum drh_status st = s_intent(s, LEDGER_RDS_SUBNET_GROUP, s->name, err);
    if (st == DRH_OK)
        st = rds_create_subnet_group(s->c, s->name, desc, subnets, 2, s->tags, 4, err);
    struct rds_subnet_group g = {0};
    if (st == DRH_OK)
        st = rds_describe_subnet_group(s->c, s->name, &g, err);
    if (st == DRH_OK)
        st = ledger_created(s->l, LEDGER_RDS_SUBNET_GROUP, s->name, g.arn, NULL, err);
    if (st == DRH_OK)
        k->db_subnet_group = xstrdup(s->name);
    rds_subnet_group_clean_up(&g);
    free(desc);
    return st;
}

/* The stack as AWS sees it: no way in but allow_from. */
static enum drh_status s_check(struct iso *s, const struct isolation_stack *k, struct drh_err *err)
{
    char **igws = NULL;
    size_t n = 0;
    enum drh_status st = ec2_internet_gateways(s->c, k->vpc_id, &igws, &n, err);
    if (st == DRH_OK && n) {
        st = drh_err_set(err, DRH_E_AWS, "VPC %s has internet gateway %s attached", k->vpc_id,
                         igws[0]);
        drh_err_hint(err, "something outside drh attached it; the stack is not isolated");
    }
    ec2_strings_free(igws, n);
    struct ec2_security_group *g = NULL;
    const char *gid = k->security_group_id;
    if (st == DRH_OK && (st = ec2_describe_security_groups(s->c, &gid, 1, &g, &n, err)) == DRH_OK) {
        const struct ec2_ingress *in = n == 1 && g->n_ingress == 1 ? g->ingress : NULL;
        if (!in || strcmp(in->protocol, "-1") != 0 ||
            strcmp(in->source, s->d->isolation.allow_from) != 0) {
            st = drh_err_set(err, DRH_E_AWS,
                             "security group %s admits %zu source(s), not exactly %s (all ports)",
                             gid, n == 1 ? g->n_ingress : 0, s->d->isolation.allow_from);
            drh_err_hint(err, "a rule was added outside drh; the stack is not isolated");
        }
        ec2_security_groups_free(g, n);
    }
    struct ec2_subnet *sv = NULL;
    const char *ids[2] = {k->subnet_ids[0], k->subnet_ids[1]};
    if (st == DRH_OK && (st = ec2_describe_subnets(s->c, ids, 2, &sv, &n, err)) == DRH_OK) {
        for (size_t i = 0; i < n && st == DRH_OK; i++)
            if (!sv[i].vpc || strcmp(sv[i].vpc, k->vpc_id) != 0)
                st = drh_err_set(err, DRH_E_AWS, "subnet %s is in %s, not in VPC %s", sv[i].id,
                                 sv[i].vpc ? sv[i].vpc : "no VPC", k->vpc_id);
        ec2_subnets_free(sv, n);
    }
    struct rds_subnet_group dg = {0};
    if (st == DRH_OK &&
        (st = rds_describe_subnet_group(s->c, k->db_subnet_group, &dg, err)) == DRH_OK &&
        (!dg.vpc || strcmp(dg.vpc, k->vpc_id) != 0 || dg.n_subnets != 2))
        st = drh_err_set(err, DRH_E_AWS,
                         "DB subnet group %s has %zu subnet(s) in %s, not the "
                         "two of VPC %s",
                         k->db_subnet_group, dg.n_subnets, dg.vpc ? dg.vpc : "no VPC", k->vpc_id);
    rds_subnet_group_clean_up(&dg);
    return st;
}

enum drh_status isolation_create(struct ledger *l, struct side *tgt, const struct drill *d,
                                 const char *run_id, struct isolation_stack *out, char **message,
                                 struct drh_err *err)
{
    const struct drill_isolation *iso = &d->isolation;
    if (!iso->vpc_cidr || !iso->allow_from) {
        drh_err_set(err, DRH_E_CONFIG, "isolation.create needs vpc_cidr and allow_from");
        return drh_err_hint(err, "set isolation.allow_from to the runner's address range");
    }
    struct iso s = {l, NULL, d, side_def(tgt)->region, s_name(d->name, run_id), {{0}}, {0}};
    s.tags[0] = (struct aws_tag){LEDGER_TAG_RUN, run_id};
    s.tags[1] = (struct aws_tag){LEDGER_TAG_DRILL, d->name};
    res_expires_tag(ledger_expires(l), s.expires);
    s.tags[2] = (struct aws_tag){LEDGER_TAG_EXPIRES, s.expires};
    s.tags[3] = (struct aws_tag){"Name", s.name};
    struct isolation_stack k = {0};
    enum drh_status st = side_client(tgt, NULL, &s.c, err);
    if (st == DRH_OK) {
        progress_phase(d->name, NULL, "isolation", "building %s in %s: VPC %s, reached from %s",
                       s.name, s.region, iso->vpc_cidr, iso->allow_from);
        st = s_vpc(&s, &k, err);
    }
    if (st == DRH_OK)
        st = s_subnets(&s, &k, err);
    if (st == DRH_OK)
        st = s_group(&s, &k, err);
    if (st == DRH_OK)
        st = s_db_subnet_group(&s, &k, err);
    if (st == DRH_OK)
        st = s_check(&s, &k, err);
    if (st != DRH_OK) {
        drh_err_prefix(err, "isolated stack %s", s.name);
        if (!err->hint[0])
            drh_err_hint(err,
                         "what was made is in the run's ledger; drh teardown --run %s "
                         "removes it",
                         run_id);
        isolation_stack_clean_up(&k);
        free(s.name);
        return st;
    }
    *message =
        xasprintf("%s, subnets %s (%s), %s (%s), %s, DB subnet group %s", k.vpc_id, k.subnet_ids[0],
                  k.azs[0], k.subnet_ids[1], k.azs[1], k.security_group_id, k.db_subnet_group);
    progress_phase(d->name, NULL, "isolation", "%s", *message);
    isolation_stack_clean_up(out);
    *out = k;
    free(s.name);
    return DRH_OK;
}
