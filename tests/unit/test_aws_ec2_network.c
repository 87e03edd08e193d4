/* Tests of the EC2 networking and RDS subnet group and point-in-time
 * restore calls against the local AWS emulator (the one dbfixture starts):
 * availability zones; a VPC with two subnets, tags and internet gateways;
 * a security group's ingress; a DB subnet group; deletes refused while
 * something uses the thing (in_use) and accepted after; point-in-time
 * restores of an instance and a cluster into that network, at the latest
 * restorable time and at a given one, and one outside the window; the
 * not-found errors as DRH_E_NOTFOUND. */
#include "support/dbfixture.h"
#include "support/emuclient.h"
#include "support/testreg.h"

#include "aws/call.h"
#include "aws/ec2_network.h"
#include "aws/rds.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPECT_OK(call, err)                                                                       \
    do {                                                                                           \
        enum drh_status st_ = (call);                                                              \
        if (st_ != DRH_OK)                                                                         \
            TEST_FAILF("%s: %s", #call, (err).msg);                                                \
    } while (0)

static void s_sleep(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static int s_init(void)
{
    if (dbfixture_start() != 0)
        return 1;
    return emu_admin("POST", "/timing", "{\"restore\": 0.1}", NULL);
}

static const struct aws_tag s_tags[] = {
    {"drh:run-id", "net-unit-run"}, {"drh:drill", "net-unit"}, {"Name", "net-unit"}};

/* A VPC with one subnet in each of two zones. */
struct net {
    char *vpc;
    char *subnets[2];
};

static void s_net(struct aws_client *c, const char *cidr, const char *sub0, const char *sub1,
                  struct net *n)
{
    struct drh_err err;
    memset(n, 0, sizeof *n);
    CU_ASSERT_EQUAL_FATAL(ec2_create_vpc(c, cidr, s_tags, 3, &n->vpc, &err), DRH_OK);
    const char *cidrs[2] = {sub0, sub1};
    const char *zones[2] = {"us-east-1a", "us-east-1b"};
    for (int i = 0; i < 2; i++) {
        struct ec2_subnet_spec s = {n->vpc, cidrs[i], zones[i], s_tags, 3};
        EXPECT_OK(ec2_create_subnet(c, &s, &n->subnets[i], &err), err);
    }
}

static void s_net_free(struct aws_client *c, struct net *n)
{
    struct drh_err err;
    for (int i = 0; i < 2; i++) {
        if (n->subnets[i])
            EXPECT_OK(ec2_delete_subnet(c, n->subnets[i], NULL, &err), err);
        free(n->subnets[i]);
    }
    EXPECT_OK(ec2_delete_vpc(c, n->vpc, NULL, &err), err);
    free(n->vpc);
}

/* An EC2 call the drh client does not make (internet gateways). */
static char *s_raw(struct aws_client *c, const char *action, const char *k1, const char *v1,
                   const char *k2, const char *v2, const char *path)
{
    struct aws_params p;
    aws_params_init(&p);
    if (k1)
        aws_params_add(&p, k1, v1);
    if (k2)
        aws_params_add(&p, k2, v2);
    struct xml_doc *doc = NULL;
    const struct xml_node *res = NULL;
    struct drh_err err;
    char *out = NULL;
    if (aws_query_call(c, "ec2", action, &p, &doc, &res, NULL, &err) != DRH_OK)
        TEST_FAILF("%s: %s", action, err.msg);
    else if (path)
        out = xml_find_text_nonempty(res, path);
    xml_free(doc);
    aws_params_clean_up(&p);
    return out;
}

static void test_zones(void)
{
    struct emu_client e;
    CU_ASSERT_EQUAL_FATAL(emu_client_open(&e, "dr", "us-west-2"), 0);
    struct drh_err err;
    char **z = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(ec2_describe_zones(e.c, &z, &n, &err), DRH_OK);
    CU_ASSERT_FATAL(n >= 2);
    CU_ASSERT_STRING_EQUAL(z[0], "us-west-2a");
    CU_ASSERT_STRING_EQUAL(z[1], "us-west-2b");
    for (size_t i = 1; i < n; i++)
        CU_ASSERT(strcmp(z[i - 1], z[i]) < 0);
    ec2_strings_free(z, n);
    emu_client_close(&e);
}

static void test_vpc_subnets_gateways(void)
{
    struct emu_client e;
    CU_ASSERT_EQUAL_FATAL(emu_client_open(&e, "production", "us-east-1"), 0);
    struct drh_err err;
    struct net n;
    s_net(e.c, "10.41.0.0/16", "10.41.0.0/24", "10.41.1.0/24", &n);
    CU_ASSERT_EQUAL(strncmp(n.vpc, "vpc-", 4), 0);
    struct ec2_vpc v = {0};
    EXPECT_OK(ec2_describe_vpc(e.c, n.vpc, &v, &err), err);
    CU_ASSERT_STRING_EQUAL(v.id, n.vpc);
    CU_ASSERT_STRING_EQUAL(v.cidr, "10.41.0.0/16");
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&v.tags, "drh:run-id"), "net-unit-run");
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&v.tags, "Name"), "net-unit");
    ec2_vpc_clean_up(&v);

    const char *ids[2] = {n.subnets[0], n.subnets[1]};
    struct ec2_subnet *s = NULL;
    size_t ns = 0;
    EXPECT_OK(ec2_describe_subnets(e.c, ids, 2, &s, &ns, &err), err);
    CU_ASSERT_EQUAL_FATAL(ns, 2);
    for (size_t i = 0; i < 2; i++) {
        int k = strcmp(s[i].id, n.subnets[0]) == 0 ? 0 : 1;
        CU_ASSERT_STRING_EQUAL(s[i].id, n.subnets[k]);
        CU_ASSERT_STRING_EQUAL(s[i].vpc, n.vpc);
        CU_ASSERT_STRING_EQUAL(s[i].az, k ? "us-east-1b" : "us-east-1a");
        CU_ASSERT_STRING_EQUAL(s[i].cidr, k ? "10.41.1.0/24" : "10.41.0.0/24");
        CU_ASSERT_STRING_EQUAL(ec2_tags_get(&s[i].tags, "drh:drill"), "net-unit");
    }
    ec2_subnets_free(s, ns);

    char **gw = NULL;
    size_t ng = 0;
    EXPECT_OK(ec2_internet_gateways(e.c, n.vpc, &gw, &ng, &err), err);
    CU_ASSERT_EQUAL(ng, 0);
    ec2_strings_free(gw, ng);
    char *igw = s_raw(e.c, "CreateInternetGateway", NULL, NULL, NULL, NULL,
                      "internetGateway/internetGatewayId");
    CU_ASSERT_PTR_NOT_NULL_FATAL(igw);
    free(s_raw(e.c, "AttachInternetGateway", "InternetGatewayId", igw, "VpcId", n.vpc, NULL));
    EXPECT_OK(ec2_internet_gateways(e.c, n.vpc, &gw, &ng, &err), err);
    CU_ASSERT_EQUAL_FATAL(ng, 1);
    CU_ASSERT_STRING_EQUAL(gw[0], igw);
    ec2_strings_free(gw, ng);

    /* the VPC is in use while its subnets and gateway are */
    bool in_use = false;
    CU_ASSERT_EQUAL(ec2_delete_vpc(e.c, n.vpc, &in_use, &err), DRH_E_AWS);
    CU_ASSERT_TRUE(in_use);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "DependencyViolation"));
    free(s_raw(e.c, "DetachInternetGateway", "InternetGatewayId", igw, "VpcId", n.vpc, NULL));
    free(s_raw(e.c, "DeleteInternetGateway", "InternetGatewayId", igw, NULL, NULL, NULL));
    free(igw);
    char *vpc = xstrdup(n.vpc);
    char *sub = xstrdup(n.subnets[0]);
    s_net_free(e.c, &n);
    CU_ASSERT_EQUAL(ec2_describe_vpc(e.c, vpc, &v, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(ec2_delete_vpc(e.c, vpc, &in_use, &err), DRH_E_NOTFOUND);
    CU_ASSERT_FALSE(in_use);
    CU_ASSERT_EQUAL(ec2_delete_subnet(e.c, sub, NULL, &err), DRH_E_NOTFOUND);
    free(vpc);
    free(sub);
    emu_client_close(&e);
}

static void test_security_group(void)
{
    struct emu_client e;
    CU_ASSERT_EQUAL_FATAL(emu_client_open(&e, "production", "us-east-1"), 0);
    struct drh_err err;
    char *vpc = NULL;
    CU_ASSERT_EQUAL_FATAL(ec2_create_vpc(e.c, "10.42.0.0/16", s_tags, 3, &vpc, &err), DRH_OK);
    struct ec2_group_spec g = {"net-unit-sg", "net unit: only the runner", vpc, s_tags, 3};
    char *sg = NULL;
    CU_ASSERT_EQUAL_FATAL(ec2_create_security_group(e.c, &g, &sg, &err), DRH_OK);
    CU_ASSERT_EQUAL(strncmp(sg, "sg-", 3), 0);
    struct ec2_security_group *v = NULL;
    size_t n = 0;
    const char *ids[] = {sg};
    EXPECT_OK(ec2_describe_security_groups(e.c, ids, 1, &v, &n, &err), err);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(v[0].vpc, vpc);
    CU_ASSERT_STRING_EQUAL(v[0].name, "net-unit-sg");
    CU_ASSERT_EQUAL(v[0].n_ingress, 0);
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&v[0].tags, "drh:run-id"), "net-unit-run");
    ec2_security_groups_free(v, n);

    struct ec2_ingress_rule all = {"-1", 0, 0, "10.20.0.0/16", "drh runner"};
    struct ec2_ingress_rule pg = {"tcp", 5432, 5433, "10.30.0.0/16", NULL};
    EXPECT_OK(ec2_authorize_ingress(e.c, sg, &all, &err), err);
    EXPECT_OK(ec2_authorize_ingress(e.c, sg, &pg, &err), err);
    /* the same rule again is AWS's InvalidPermission.Duplicate */
    CU_ASSERT_EQUAL(ec2_authorize_ingress(e.c, sg, &all, &err), DRH_E_AWS);
    EXPECT_OK(ec2_describe_security_groups(e.c, ids, 1, &v, &n, &err), err);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL_FATAL(v[0].n_ingress, 2);
    for (size_t i = 0; i < 2; i++) {
        const struct ec2_ingress *in = &v[0].ingress[i];
        if (strcmp(in->protocol, "-1") == 0) {
            CU_ASSERT_STRING_EQUAL(in->source, "10.20.0.0/16");
            CU_ASSERT_EQUAL(in->from_port, -1);
        } else {
            CU_ASSERT_STRING_EQUAL(in->protocol, "tcp");
            CU_ASSERT_STRING_EQUAL(in->source, "10.30.0.0/16");
            CU_ASSERT_EQUAL(in->from_port, 5432);
            CU_ASSERT_EQUAL(in->to_port, 5433);
        }
    }
    ec2_security_groups_free(v, n);

    bool in_use = true;
    EXPECT_OK(ec2_delete_security_group(e.c, sg, &in_use, &err), err);
    CU_ASSERT_FALSE(in_use);
    CU_ASSERT_EQUAL(ec2_describe_security_groups(e.c, ids, 1, &v, &n, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "InvalidGroup.NotFound"));
    CU_ASSERT_EQUAL(ec2_delete_security_group(e.c, sg, &in_use, &err), DRH_E_NOTFOUND);
    EXPECT_OK(ec2_delete_vpc(e.c, vpc, NULL, &err), err);
    free(sg);
    free(vpc);
    emu_client_close(&e);
}

static void test_subnet_group_and_find_tagged(void)
{
    struct emu_client e;
    CU_ASSERT_EQUAL_FATAL(emu_client_open(&e, "production", "us-east-1"), 0);
    struct drh_err err;
    struct net n;
    s_net(e.c, "10.43.0.0/16", "10.43.0.0/24", "10.43.1.0/24", &n);
    const char *subs[2] = {n.subnets[0], n.subnets[1]};
    EXPECT_OK(rds_create_subnet_group(e.c, "net-unit-group", "net unit", subs, 2, s_tags, 3, &err),
              err);
    struct rds_subnet_group g = {0};
    EXPECT_OK(rds_describe_subnet_group(e.c, "net-unit-group", &g, &err), err);
    CU_ASSERT_STRING_EQUAL(g.name, "net-unit-group");
    CU_ASSERT_STRING_EQUAL(g.vpc, n.vpc);
    CU_ASSERT_PTR_NOT_NULL(g.arn ? strstr(g.arn, ":subgrp:net-unit-group") : NULL);
    CU_ASSERT_EQUAL_FATAL(g.n_subnets, 2);
    for (size_t i = 0; i < 2; i++) {
        int k = strcmp(g.subnets[i], n.subnets[0]) == 0 ? 0 : 1;
        CU_ASSERT_STRING_EQUAL(g.subnets[i], n.subnets[k]);
        CU_ASSERT_STRING_EQUAL(g.azs[i], k ? "us-east-1b" : "us-east-1a");
    }
    char *tag = NULL;
    EXPECT_OK(rds_get_tag(e.c, g.arn, "drh:run-id", &tag, &err), err);
    CU_ASSERT_STRING_EQUAL(tag, "net-unit-run");
    free(tag);
    /* a second group of the same name is refused */
    CU_ASSERT_EQUAL(rds_create_subnet_group(e.c, "net-unit-group", "again", subs, 2, NULL, 0, &err),
                    DRH_E_AWS);

    /* the resources carrying a Name, by kind */
    struct aws_tag named[] = {{"Name", "net-unit-find-me"}};
    const char *one[] = {n.subnets[1]};
    EXPECT_OK(ec2_create_tags(e.c, one, 1, named, 1, &err), err);
    char **ids = NULL;
    size_t m = 0;
    EXPECT_OK(ec2_find_tagged(e.c, "subnet-", "Name", "net-unit-find-me", &ids, &m, &err), err);
    CU_ASSERT_EQUAL_FATAL(m, 1);
    CU_ASSERT_STRING_EQUAL(ids[0], n.subnets[1]);
    ec2_strings_free(ids, m);
    EXPECT_OK(ec2_find_tagged(e.c, "vpc-", "Name", "net-unit-find-me", &ids, &m, &err), err);
    CU_ASSERT_EQUAL(m, 0);
    ec2_strings_free(ids, m);

    bool in_use = true;
    EXPECT_OK(rds_delete_subnet_group(e.c, "net-unit-group", &in_use, &err), err);
    CU_ASSERT_FALSE(in_use);
    CU_ASSERT_EQUAL(rds_describe_subnet_group(e.c, "net-unit-group", &g, &err), DRH_E_NOTFOUND);
    CU_ASSERT_EQUAL(rds_delete_subnet_group(e.c, "net-unit-group", &in_use, &err), DRH_E_NOTFOUND);
    CU_ASSERT_FALSE(in_use);
    rds_subnet_group_clean_up(&g);
    s_net_free(e.c, &n);
    emu_client_close(&e);
}

static void test_not_found(void)
{
    struct emu_client e;
    CU_ASSERT_EQUAL_FATAL(emu_client_open(&e, "production", "us-east-1"), 0);
    struct drh_err err;
    struct ec2_vpc v = {0};
    CU_ASSERT_EQUAL(ec2_describe_vpc(e.c, "vpc-0123456789abcdef0", &v, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "InvalidVpcID.NotFound"));
    const char *sub = "subnet-0123456789abcdef0";
    struct ec2_subnet *s = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL(ec2_describe_subnets(e.c, &sub, 1, &s, &n, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "InvalidSubnetID.NotFound"));
    const char *sg = "sg-0123456789abcdef0";
    struct ec2_security_group *g = NULL;
    CU_ASSERT_EQUAL(ec2_describe_security_groups(e.c, &sg, 1, &g, &n, &err), DRH_E_NOTFOUND);
    char *id = NULL;
    struct ec2_subnet_spec spec = {"vpc-0123456789abcdef0", "10.0.0.0/24", NULL, NULL, 0};
    CU_ASSERT_EQUAL(ec2_create_subnet(e.c, &spec, &id, &err), DRH_E_NOTFOUND);
    struct rds_subnet_group dg = {0};
    CU_ASSERT_EQUAL(rds_describe_subnet_group(e.c, "net-unit-absent", &dg, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "DBSubnetGroupNotFoundFault"));
    struct rds_pitr r = {.source_id = "net-unit-absent-db", .target_id = "net-unit-never"};
    struct rds_db db = {0};
    CU_ASSERT_EQUAL(rds_restore_to_point_in_time(e.c, false, &r, &db, &err), DRH_E_NOTFOUND);
    /* nothing sent without the required arguments */
    CU_ASSERT_EQUAL(ec2_describe_vpc(e.c, "", &v, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(ec2_describe_subnets(e.c, NULL, 0, &s, &n, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(ec2_create_vpc(e.c, NULL, NULL, 0, &id, &err), DRH_E_INPUT);
    r.target_id = NULL;
    CU_ASSERT_EQUAL(rds_restore_to_point_in_time(e.c, true, &r, &db, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NULL(db.id);
    emu_client_close(&e);
}

/* Waits until describe says the database is gone (or status is reached). */
static void s_wait_db(struct aws_client *c, bool cluster, const char *id, const char *status)
{
    struct drh_err err;
    struct rds_db db = {0};
    enum drh_status st = DRH_OK;
    for (int i = 0; i < 600; i++) {
        st = rds_describe_db(c, cluster, id, &db, &err);
        if (st != DRH_OK || (status && db.status && strcmp(db.status, status) == 0))
            break;
        s_sleep(0.1);
    }
    if (status) {
        CU_ASSERT_STRING_EQUAL(db.status ? db.status : "(gone)", status);
    } else {
        CU_ASSERT_EQUAL(st, DRH_E_NOTFOUND);
    }
    rds_db_clean_up(&db);
}

static void test_instance_pitr_into_stack(void)
{
    struct dbfixture_db src;
    CU_ASSERT_EQUAL_FATAL(dbfixture_seed(DB_POSTGRES, "net-unit-pitr-src",
                                         "CREATE TABLE t (v int); INSERT INTO t VALUES (1);", &src),
                          0);
    struct emu_client e;
    CU_ASSERT_EQUAL_FATAL(emu_client_open(&e, "production", "us-east-1"), 0);
    struct drh_err err;
    struct rds_db db = {0};
    EXPECT_OK(rds_describe_db(e.c, false, "net-unit-pitr-src", &db, &err), err);
    double now = (double)time(NULL);
    /* an instance gives its latest restorable time only */
    CU_ASSERT(db.latest_restorable > now - 600 && db.latest_restorable < now + 60);
    CU_ASSERT_EQUAL(db.earliest_restorable, 0);
    double latest = db.latest_restorable;
    rds_db_clean_up(&db);

    struct net n;
    s_net(e.c, "10.44.0.0/16", "10.44.0.0/24", "10.44.1.0/24", &n);
    const char *subs[2] = {n.subnets[0], n.subnets[1]};
    EXPECT_OK(rds_create_subnet_group(e.c, "net-unit-pitr", "pitr", subs, 2, s_tags, 3, &err), err);
    struct ec2_group_spec g = {"net-unit-pitr", "pitr", n.vpc, s_tags, 3};
    char *sg = NULL;
    EXPECT_OK(ec2_create_security_group(e.c, &g, &sg, &err), err);
    const char *sgs[] = {sg};
    struct rds_pitr r = {"net-unit-pitr-src",
                         "net-unit-pitr-copy",
                         0,
                         "db.t3.micro",
                         NULL,
                         "net-unit-pitr",
                         sgs,
                         1,
                         s_tags,
                         2};
    EXPECT_OK(rds_restore_to_point_in_time(e.c, false, &r, &db, &err), err);
    CU_ASSERT_STRING_EQUAL(db.id, "net-unit-pitr-copy");
    CU_ASSERT_PTR_NOT_NULL(db.arn);
    CU_ASSERT_STRING_EQUAL(db.engine, "postgres");
    rds_db_clean_up(&db);
    /* a time before the window is refused; a time in it is restored */
    r.target_id = "net-unit-pitr-early";
    r.restore_time = latest - 86400 * 3;
    CU_ASSERT_EQUAL(rds_restore_to_point_in_time(e.c, false, &r, &db, &err), DRH_E_AWS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "InvalidRestoreFault"));
    r.target_id = "net-unit-pitr-at";
    r.restore_time = latest + 0.25;
    EXPECT_OK(rds_restore_to_point_in_time(e.c, false, &r, &db, &err), err);
    CU_ASSERT_STRING_EQUAL(db.id, "net-unit-pitr-at");
    rds_db_clean_up(&db);
    char *tag = NULL;
    s_wait_db(e.c, false, "net-unit-pitr-copy", "available");
    s_wait_db(e.c, false, "net-unit-pitr-at", "available");
    EXPECT_OK(rds_describe_db(e.c, false, "net-unit-pitr-copy", &db, &err), err);
    EXPECT_OK(rds_get_tag(e.c, db.arn, "drh:run-id", &tag, &err), err);
    CU_ASSERT_STRING_EQUAL(tag ? tag : "(none)", "net-unit-run");
    free(tag);
    rds_db_clean_up(&db);

    /* in use while the restored databases sit in the group and the security group */
    bool in_use = false;
    CU_ASSERT_EQUAL(ec2_delete_security_group(e.c, sg, &in_use, &err), DRH_E_AWS);
    CU_ASSERT_TRUE(in_use);
    in_use = false;
    CU_ASSERT_EQUAL(rds_delete_subnet_group(e.c, "net-unit-pitr", &in_use, &err), DRH_E_AWS);
    CU_ASSERT_TRUE(in_use);
    EXPECT_OK(rds_delete_db(e.c, false, "net-unit-pitr-copy", &err), err);
    EXPECT_OK(rds_delete_db(e.c, false, "net-unit-pitr-at", &err), err);
    s_wait_db(e.c, false, "net-unit-pitr-copy", NULL);
    s_wait_db(e.c, false, "net-unit-pitr-at", NULL);
    EXPECT_OK(rds_delete_subnet_group(e.c, "net-unit-pitr", &in_use, &err), err);
    EXPECT_OK(ec2_delete_security_group(e.c, sg, &in_use, &err), err);
    s_net_free(e.c, &n);
    free(sg);
    emu_client_close(&e);
    dbfixture_db_clean_up(&src);
}

static void test_cluster_pitr(void)
{
    struct json *reply = NULL;
    CU_ASSERT_EQUAL_FATAL(
        emu_admin("POST", "/seed/rds",
                  "{\"profile\": \"production\", \"engine\": \"aurora-postgresql\", "
                  "\"identifier\": \"net-unit-aurora\", \"master_password\": \"Net-unit-pw-1\"}",
                  &reply),
        0);
    json_free(reply);
    struct emu_client e;
    CU_ASSERT_EQUAL_FATAL(emu_client_open(&e, "production", "us-east-1"), 0);
    struct drh_err err;
    struct rds_db db = {0};
    EXPECT_OK(rds_describe_db(e.c, true, "net-unit-aurora", &db, &err), err);
    CU_ASSERT(db.earliest_restorable > 0);
    CU_ASSERT(db.latest_restorable >= db.earliest_restorable);
    struct rds_pitr r = {.source_id = "net-unit-aurora",
                         .target_id = "net-unit-aurora-pitr",
                         .restore_time = db.latest_restorable,
                         .tags = s_tags,
                         .n_tags = 2};
    rds_db_clean_up(&db);
    EXPECT_OK(rds_restore_to_point_in_time(e.c, true, &r, &db, &err), err);
    CU_ASSERT_STRING_EQUAL(db.id, "net-unit-aurora-pitr");
    CU_ASSERT_STRING_EQUAL(db.engine, "aurora-postgresql");
    CU_ASSERT_PTR_NULL(db.cluster_id);
    rds_db_clean_up(&db);
    s_wait_db(e.c, true, "net-unit-aurora-pitr", "available");
    EXPECT_OK(rds_delete_db(e.c, true, "net-unit-aurora-pitr", &err), err);
    s_wait_db(e.c, true, "net-unit-aurora-pitr", NULL);
    emu_client_close(&e);
}

static const struct test_case cases[] = {
    {"availability zones", test_zones},
    {"vpc, subnets, internet gateways", test_vpc_subnets_gateways},
    {"security group ingress", test_security_group},
    {"db subnet group, resources by tag", test_subnet_group_and_find_tagged},
    {"not found", test_not_found},
    {"instance point-in-time restore into a stack", test_instance_pitr_into_stack},
    {"cluster point-in-time restore", test_cluster_pitr},
};

TEST_SUITE_FULL("aws-ec2-network", cases, dbfixture_unavailable, s_init, NULL)
