/* Tests of the isolated stack (harness/run/isolation.c, isolation_verify.c,
 * isolation_teardown.c) against the local AWS emulator: the stack built in
 * the target account and Region, piece by piece as AWS sees it (tags, no
 * internet gateway, ingress exactly allow_from) and in the ledger; the
 * preflight of a named isolation; teardown by resource and, from the
 * ledger on disk, of a whole run (an instance first, then the stack, whose
 * security group AWS holds a while after the instance is gone); a piece
 * still in use reported left with a hint; a piece whose create call never
 * answered found by its Name. The sides use the real credential chain, so
 * the suite points the process environment at the emulator while it runs. */
#include "support/dbfixture.h"
#include "support/emuclient.h"
#include "support/testenv.h"
#include "support/testreg.h"

#include "aws/ec2_network.h"
#include "aws/rds.h"
#include "mem.h"
#include "run/isolation.h"
#include "run/progress.h"
#include "run/resource.h"
#include "run/teardown.h"

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

static const char *const s_vars[] = {
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",       "AWS_ENDPOINT_URL", "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",           "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};
#define N_VARS (sizeof s_vars / sizeof s_vars[0])
static char *s_saved[N_VARS];
static char s_state[256];

static int s_init(void)
{
    if (dbfixture_start() != 0)
        return 1;
    for (size_t i = 0; i < N_VARS; i++) {
        const char *v = getenv(s_vars[i]);
        s_saved[i] = v ? xstrdup(v) : NULL;
        unsetenv(s_vars[i]);
    }
    char *creds = xasprintf("%s/state/aws/credentials", dbfixture_dir());
    char *config = xasprintf("%s/state/aws/config", dbfixture_dir());
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds, 1);
    setenv("AWS_CONFIG_FILE", config, 1);
    setenv("AWS_ENDPOINT_URL", emu_endpoint(), 1);
    free(creds);
    free(config);
    snprintf(s_state, sizeof s_state, "%s/isolation-state", dbfixture_dir());
    progress_init(true, false);
    return emu_admin("POST", "/timing", "{\"instance\": 0.1}", NULL);
}

static int s_cleanup(void)
{
    for (size_t i = 0; i < N_VARS; i++) {
        if (s_saved[i])
            setenv(s_vars[i], s_saved[i], 1);
        else
            unsetenv(s_vars[i]);
        free(s_saved[i]);
        s_saved[i] = NULL;
    }
    progress_init(false, false);
    return 0;
}

/* A drill with isolation.create whose target is the fixture's "dr" account. */
struct fx {
    struct drill d;
    char run_id[64];
    char name[64]; /* the stack's pieces' name */
    struct ledger *l;
    struct side *src, *tgt;
    struct aws_client *c;
};

static void s_fx(struct fx *f, const char *drill, const char *cidr)
{
    memset(f, 0, sizeof *f);
    f->d.name = (char *)drill;
    f->d.path = (char *)"isolation-unit.json";
    f->d.source = (struct drill_side){.account = (char *)"111111111111",
                                      .region = (char *)"us-east-1",
                                      .profile = (char *)"production"};
    f->d.target = (struct drill_side){
        .account = (char *)"222222222222", .region = (char *)"us-west-2", .profile = (char *)"dr"};
    f->d.isolation.create = true;
    f->d.isolation.vpc_cidr = (char *)cidr;
    f->d.isolation.allow_from = (char *)"10.20.0.0/16";
    unsigned r = (unsigned)time(NULL) ^ (unsigned)rand();
    snprintf(f->run_id, sizeof f->run_id, "20991122-000000-%06x", r & 0xffffff);
    snprintf(f->name, sizeof f->name, "drh-%s-%06x-isolated", drill, r & 0xffffff);
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(ledger_create(s_state, f->run_id, &f->d, &f->l, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(side_open(&f->d.source, "source", &f->src, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(side_open(&f->d.target, "target", &f->tgt, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(side_client(f->tgt, NULL, &f->c, &err), DRH_OK);
}

static void s_fx_free(struct fx *f)
{
    ledger_close(f->l);
    side_free(f->src);
    side_free(f->tgt);
}

/* Nothing the emulator holds alive carries the run's id. */
static void s_nothing_alive(const char *run_id)
{
    struct json *alive = NULL;
    CU_ASSERT_EQUAL_FATAL(emu_admin("GET", "/truth/alive", NULL, &alive), 0);
    char *text = json_print(alive, 0);
    if (strstr(text, run_id))
        TEST_FAILF("still alive with run %s: %.600s", run_id, strstr(text, run_id));
    free(text);
    json_free(alive);
}

/* How many calls of operation failed with code. */
static size_t s_calls(const char *operation, const char *code)
{
    char *path = xasprintf("/truth/calls?operation=%s&error=%s", operation, code);
    struct json *r = NULL;
    size_t n = 0;
    if (emu_admin("GET", path, NULL, &r) == 0)
        n = json_array_size(json_get(r, "calls"));
    json_free(r);
    free(path);
    return n;
}

/* Every piece of s is gone as AWS sees it. */
static void s_stack_gone(struct aws_client *c, const struct isolation_stack *s)
{
    struct drh_err err;
    struct ec2_vpc v = {0};
    CU_ASSERT_EQUAL(ec2_describe_vpc(c, s->vpc_id, &v, &err), DRH_E_NOTFOUND);
    struct ec2_subnet *sv = NULL;
    size_t n = 0;
    for (int i = 0; i < 2; i++)
        CU_ASSERT_EQUAL(
            ec2_describe_subnets(c, (const char *const *)&s->subnet_ids[i], 1, &sv, &n, &err),
            DRH_E_NOTFOUND);
    struct ec2_security_group *g = NULL;
    CU_ASSERT_EQUAL(ec2_describe_security_groups(c, (const char *const *)&s->security_group_id, 1,
                                                 &g, &n, &err),
                    DRH_E_NOTFOUND);
    struct rds_subnet_group dg = {0};
    CU_ASSERT_EQUAL(rds_describe_subnet_group(c, s->db_subnet_group, &dg, &err), DRH_E_NOTFOUND);
}

/* The stack as AWS sees it. */
static void s_check_stack(struct fx *f, const struct isolation_stack *s)
{
    struct drh_err err;
    struct ec2_vpc v = {0};
    EXPECT_OK(ec2_describe_vpc(f->c, s->vpc_id, &v, &err), err);
    CU_ASSERT_STRING_EQUAL(v.cidr, "10.213.0.0/16");
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&v.tags, "drh:run-id"), f->run_id);
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&v.tags, "drh:drill"), f->d.name);
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&v.tags, "Name"), f->name);
    /* when drh sweep may take it: the ledger's expiry, to the second */
    char expires[32];
    res_expires_tag(ledger_expires(f->l), expires);
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&v.tags, "drh:expires"), expires);
    ec2_vpc_clean_up(&v);
    struct ec2_subnet *sv = NULL;
    size_t n = 0;
    EXPECT_OK(ec2_describe_subnets(f->c, (const char *const *)s->subnet_ids, 2, &sv, &n, &err),
              err);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    for (size_t i = 0; i < n; i++) {
        int k = strcmp(sv[i].id, s->subnet_ids[0]) == 0 ? 0 : 1;
        CU_ASSERT_STRING_EQUAL(sv[i].vpc, s->vpc_id);
        CU_ASSERT_STRING_EQUAL(sv[i].az, k ? "us-west-2b" : "us-west-2a");
        CU_ASSERT_STRING_EQUAL(sv[i].cidr, k ? "10.213.1.0/24" : "10.213.0.0/24");
        CU_ASSERT_STRING_EQUAL(ec2_tags_get(&sv[i].tags, "drh:run-id"), f->run_id);
        CU_ASSERT_PTR_NOT_NULL(strstr(ec2_tags_get(&sv[i].tags, "Name"), f->name));
    }
    ec2_subnets_free(sv, n);
    CU_ASSERT_STRING_EQUAL(s->azs[0], "us-west-2a");
    CU_ASSERT_STRING_EQUAL(s->azs[1], "us-west-2b");
    struct ec2_security_group *g = NULL;
    EXPECT_OK(ec2_describe_security_groups(f->c, (const char *const *)&s->security_group_id, 1, &g,
                                           &n, &err),
              err);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(g->vpc, s->vpc_id);
    CU_ASSERT_EQUAL_FATAL(g->n_ingress, 1);
    CU_ASSERT_STRING_EQUAL(g->ingress[0].protocol, "-1");
    CU_ASSERT_STRING_EQUAL(g->ingress[0].source, "10.20.0.0/16");
    CU_ASSERT_STRING_EQUAL(ec2_tags_get(&g->tags, "drh:run-id"), f->run_id);
    ec2_security_groups_free(g, n);
    char **igw = NULL;
    EXPECT_OK(ec2_internet_gateways(f->c, s->vpc_id, &igw, &n, &err), err);
    CU_ASSERT_EQUAL(n, 0);
    ec2_strings_free(igw, n);
    struct rds_subnet_group dg = {0};
    EXPECT_OK(rds_describe_subnet_group(f->c, s->db_subnet_group, &dg, &err), err);
    CU_ASSERT_STRING_EQUAL(dg.name, f->name);
    CU_ASSERT_STRING_EQUAL(dg.vpc, s->vpc_id);
    CU_ASSERT_EQUAL(dg.n_subnets, 2);
    char *tag = NULL;
    EXPECT_OK(rds_get_tag(f->c, dg.arn, "drh:run-id", &tag, &err), err);
    CU_ASSERT_STRING_EQUAL(tag ? tag : "(none)", f->run_id);
    free(tag);
    rds_subnet_group_clean_up(&dg);
}

/* The ledger holds the stack's five pieces, created, under ISOLATION_RESOURCE. */
static void s_check_ledger(struct ledger *l, const struct isolation_stack *s)
{
    const char *want[5] = {s->vpc_id, s->subnet_ids[0], s->subnet_ids[1], s->security_group_id,
                           s->db_subnet_group};
    const enum ledger_kind kinds[5] = {LEDGER_EC2_VPC, LEDGER_EC2_SUBNET, LEDGER_EC2_SUBNET,
                                       LEDGER_EC2_SECURITY_GROUP, LEDGER_RDS_SUBNET_GROUP};
    CU_ASSERT_EQUAL_FATAL(ledger_count(l), 5);
    for (size_t i = 0; i < 5; i++) {
        const struct ledger_entry *e = ledger_at(l, i);
        CU_ASSERT_EQUAL(e->kind, kinds[i]);
        CU_ASSERT_STRING_EQUAL(e->id, want[i]);
        CU_ASSERT_TRUE(e->created);
        CU_ASSERT_FALSE(e->gone);
        CU_ASSERT_STRING_EQUAL(e->resource, ISOLATION_RESOURCE);
        CU_ASSERT_STRING_EQUAL(e->side, "target");
        CU_ASSERT_STRING_EQUAL(e->region, "us-west-2");
    }
    CU_ASSERT_PTR_NOT_NULL(ledger_at(l, 4)->arn);
}

static void test_create_verify_teardown(void)
{
    struct fx f;
    s_fx(&f, "iso-unit", "10.213.0.0/16");
    struct drh_err err;
    struct isolation_stack s = {0};
    char *msg = NULL;
    CU_ASSERT_EQUAL_FATAL(isolation_create(f.l, f.tgt, &f.d, f.run_id, &s, &msg, &err), DRH_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, s.vpc_id));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, s.subnet_ids[1]));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "(us-west-2b)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "DB subnet group drh-iso-unit-"));
    free(msg);
    s_check_stack(&f, &s);
    s_check_ledger(f.l, &s);

    struct drill_isolation named;
    isolation_stack_named(&s, &named);
    CU_ASSERT_FALSE(named.create);
    CU_ASSERT_PTR_EQUAL(named.db_subnet_group, s.db_subnet_group);
    CU_ASSERT_PTR_EQUAL(named.subnet, s.subnet_ids[0]);
    CU_ASSERT_EQUAL_FATAL(named.n_security_groups, 1);
    CU_ASSERT_PTR_EQUAL(named.security_groups[0], s.security_group_id);

    /* the preflight of a named isolation: all there */
    EXPECT_OK(isolation_verify(f.tgt, &named, &msg, &err), err);
    CU_ASSERT_PTR_NOT_NULL(msg ? strstr(msg, s.vpc_id) : NULL);
    CU_ASSERT_PTR_NOT_NULL(msg ? strstr(msg, "no internet gateway") : NULL);
    free(msg);
    /* a missing security group is named, with what to fix */
    char *groups[2] = {s.security_group_id, (char *)"sg-0123456789abcdef0"};
    named.security_groups = groups;
    named.n_security_groups = 2;
    msg = NULL;
    CU_ASSERT_EQUAL(isolation_verify(f.tgt, &named, &msg, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NULL(msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "sg-0123456789abcdef0"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "security_groups"));
    CU_ASSERT_EQUAL(drh_status_exit_code(err.code), 3);
    /* pieces of two VPCs */
    struct drill_isolation other = {0};
    char *vpc2 = NULL;
    EXPECT_OK(ec2_create_vpc(f.c, "10.90.0.0/16", NULL, 0, &vpc2, &err), err);
    struct ec2_group_spec g2 = {"iso-unit-elsewhere", "elsewhere", vpc2, NULL, 0};
    char *sg2 = NULL;
    EXPECT_OK(ec2_create_security_group(f.c, &g2, &sg2, &err), err);
    other.db_subnet_group = s.db_subnet_group;
    other.security_groups = &sg2;
    other.n_security_groups = 1;
    CU_ASSERT_EQUAL(isolation_verify(f.tgt, &other, &msg, &err), DRH_E_AWS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, vpc2));
    EXPECT_OK(ec2_delete_security_group(f.c, sg2, NULL, &err), err);
    EXPECT_OK(ec2_delete_vpc(f.c, vpc2, NULL, &err), err);
    free(sg2);
    free(vpc2);

    /* the stack's own teardown: by resource, the VPC last */
    enum step_end e = teardown_run(f.l, ISOLATION_RESOURCE, f.src, f.tgt, &msg, &err);
    CU_ASSERT_EQUAL(e, STEP_OK);
    CU_ASSERT_STRING_EQUAL(msg, "5 deleted, 0 left");
    free(msg);
    CU_ASSERT_EQUAL(ledger_pending(f.l), 0);
    s_stack_gone(f.c, &s);
    s_nothing_alive(f.run_id);
    isolation_stack_clean_up(&s);
    s_fx_free(&f);
}

/* Seeds an AMI in the target and launches an instance into the stack,
 * ledger first, as the EC2 pipeline does. */
static char *s_launch(struct fx *f, const struct isolation_stack *s)
{
    struct json *r = NULL;
    if (emu_admin("POST", "/seed/ami", "{\"profile\": \"dr\", \"name\": \"iso-unit-app\"}", &r))
        return NULL;
    char *ami = xstrdup(json_get_string(r, "image_id"));
    json_free(r);
    struct aws_tag tags[2] = {{"drh:run-id", f->run_id}, {"drh:drill", f->d.name}};
    const char *sgs[1] = {s->security_group_id};
    struct ec2_launch l = {ami, "t3.micro", s->subnet_ids[0], sgs, 1, tags, 2, f->run_id};
    struct drh_err err;
    char *id = NULL;
    EXPECT_OK(ledger_intent(f->l, LEDGER_EC2_INSTANCE, "target", "us-west-2", f->run_id, NULL, NULL,
                            "app", &err),
              err);
    EXPECT_OK(ec2_run_instance(f->c, &l, &id, &err), err);
    if (id) {
        EXPECT_OK(ledger_resolved(f->l, LEDGER_EC2_INSTANCE, f->run_id, id, &err), err);
        EXPECT_OK(ledger_created(f->l, LEDGER_EC2_INSTANCE, id, NULL, NULL, &err), err);
    }
    free(ami);
    return id;
}

static void test_teardown_run_after_restart(void)
{
    struct json *timing = NULL;
    CU_ASSERT_EQUAL_FATAL(emu_admin("GET", "/timing", NULL, &timing), 0);
    bool knob = json_get(timing, "eni_release") != NULL;
    json_free(timing);
    if (knob)
        CU_ASSERT_EQUAL_FATAL(emu_admin("POST", "/timing", "{\"eni_release\": 3}", NULL), 0);
    size_t refused_before = s_calls("DeleteSecurityGroup", "DependencyViolation") +
                            s_calls("DeleteSubnet", "DependencyViolation");
    struct fx f;
    s_fx(&f, "iso-unit-run", "10.213.0.0/16");
    struct drh_err err;
    struct isolation_stack s = {0};
    char *msg = NULL;
    CU_ASSERT_EQUAL_FATAL(isolation_create(f.l, f.tgt, &f.d, f.run_id, &s, &msg, &err), DRH_OK);
    free(msg);
    char *instance = s_launch(&f, &s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(instance);
    /* the runner is gone: drh teardown --run ID reads the ledger from disk */
    double expires = ledger_expires(f.l);
    CU_ASSERT(expires > (double)time(NULL) + DRILL_DEFAULT_RTO); /* + teardown's 1h */
    CU_ASSERT(expires < (double)time(NULL) + DRILL_DEFAULT_RTO + 3600 + 60);
    ledger_close(f.l);
    struct ledger *l = NULL;
    CU_ASSERT_EQUAL_FATAL(ledger_open(s_state, f.run_id, &l, &err), DRH_OK);
    CU_ASSERT_PTR_NULL(ledger_ended(l)); /* it crashed: no ended line */
    CU_ASSERT_DOUBLE_EQUAL(ledger_expires(l), expires, 0.01);
    CU_ASSERT_EQUAL(ledger_teardown_timeout(l), DRILL_DEFAULT_TEARDOWN_TIMEOUT);
    struct side *src = NULL, *tgt = NULL;
    CU_ASSERT_EQUAL_FATAL(side_open(ledger_side(l, false), "source", &src, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(side_open(ledger_side(l, true), "target", &tgt, &err), DRH_OK);
    enum step_end e = teardown_run(l, NULL, src, tgt, &msg, &err);
    CU_ASSERT_EQUAL(e, STEP_OK);
    if (e != STEP_OK)
        TEST_FAILF("teardown: %s (%s)", msg, err.msg);
    CU_ASSERT_STRING_EQUAL(msg, "6 deleted, 0 left");
    free(msg);
    /* the instance went first, then the stack, the VPC last */
    struct ec2_instance in = {0};
    EXPECT_OK(ec2_describe_instance(f.c, instance, &in, &err), err);
    CU_ASSERT_STRING_EQUAL(in.state ? in.state : "?", "terminated");
    ec2_instance_clean_up(&in);
    s_stack_gone(f.c, &s);
    s_nothing_alive(f.run_id);
    if (knob) { /* AWS held the group (or subnet) a while: teardown retried */
        size_t refused = s_calls("DeleteSecurityGroup", "DependencyViolation") +
                         s_calls("DeleteSubnet", "DependencyViolation");
        CU_ASSERT(refused > refused_before);
        CU_ASSERT_EQUAL(emu_admin("POST", "/timing", "{\"eni_release\": 0}", NULL), 0);
    }
    /* drh teardown --run ends the ledger; a later open reads it so */
    EXPECT_OK(ledger_end(l, "teardown", false, &err), err);
    ledger_close(l);
    l = NULL;
    CU_ASSERT_EQUAL_FATAL(ledger_open(s_state, f.run_id, &l, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(ledger_ended(l) ? ledger_ended(l) : "(none)", "teardown");
    CU_ASSERT_EQUAL(ledger_pending(l), 0);
    free(instance);
    side_free(src);
    side_free(tgt);
    f.l = l;
    isolation_stack_clean_up(&s);
    s_fx_free(&f);
}

static void test_left_in_use_and_unresolved(void)
{
    struct fx f;
    s_fx(&f, "iso-unit-left", "10.213.0.0/16");
    struct drh_err err;
    struct isolation_stack s = {0};
    char *msg = NULL;
    CU_ASSERT_EQUAL_FATAL(isolation_create(f.l, f.tgt, &f.d, f.run_id, &s, &msg, &err), DRH_OK);
    free(msg);
    /* a subnet made outside drh keeps the VPC in use */
    struct ec2_subnet_spec extra = {s.vpc_id, "10.213.9.0/24", NULL, NULL, 0};
    char *sub = NULL;
    EXPECT_OK(ec2_create_subnet(f.c, &extra, &sub, &err), err);
    /* a VPC whose CreateVpc answer was lost: the ledger has only its Name */
    char *lost_name = xasprintf("%s-lost", f.name);
    struct aws_tag tags[3] = {
        {"drh:run-id", f.run_id}, {"drh:drill", f.d.name}, {"Name", lost_name}};
    EXPECT_OK(ledger_intent(f.l, LEDGER_EC2_VPC, "target", "us-west-2", lost_name, NULL, NULL,
                            ISOLATION_RESOURCE, &err),
              err);
    char *lost = NULL;
    EXPECT_OK(ec2_create_vpc(f.c, "10.214.0.0/16", tags, 3, &lost, &err), err);

    double saved = td_busy_wait;
    td_busy_wait = 2.0;
    enum step_end e = teardown_run(f.l, ISOLATION_RESOURCE, f.src, f.tgt, &msg, &err);
    td_busy_wait = saved;
    CU_ASSERT_EQUAL(e, STEP_ERROR);
    CU_ASSERT_EQUAL(err.code, DRH_E_AWS);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "5 deleted, 1 left"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, s.vpc_id));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "still in use"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "(hint: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "Name=vpc-id"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "drh teardown --run"));
    free(msg);
    struct ec2_vpc v = {0};
    CU_ASSERT_EQUAL(ec2_describe_vpc(f.c, lost, &v, &err), DRH_E_NOTFOUND);
    EXPECT_OK(ec2_describe_vpc(f.c, s.vpc_id, &v, &err), err);
    ec2_vpc_clean_up(&v);

    /* once the other subnet is gone, the next teardown finishes */
    EXPECT_OK(ec2_delete_subnet(f.c, sub, NULL, &err), err);
    e = teardown_run(f.l, ISOLATION_RESOURCE, f.src, f.tgt, &msg, &err);
    CU_ASSERT_EQUAL(e, STEP_OK);
    CU_ASSERT_STRING_EQUAL(msg, "1 deleted, 0 left");
    free(msg);
    s_stack_gone(f.c, &s);
    s_nothing_alive(f.run_id);
    free(sub);
    free(lost);
    free(lost_name);
    isolation_stack_clean_up(&s);
    s_fx_free(&f);
}

static void test_refuses_what_is_not_the_runs(void)
{
    struct fx f;
    s_fx(&f, "iso-unit-tag", "10.213.0.0/16");
    struct drh_err err;
    struct isolation_stack s = {0};
    char *msg = NULL;
    CU_ASSERT_EQUAL_FATAL(isolation_create(f.l, f.tgt, &f.d, f.run_id, &s, &msg, &err), DRH_OK);
    free(msg);
    struct aws_tag other[1] = {{"drh:run-id", "someone-else"}};
    const char *ids[1] = {s.security_group_id};
    EXPECT_OK(ec2_create_tags(f.c, ids, 1, other, 1, &err), err);
    double saved = td_busy_wait;
    td_busy_wait = 2.0; /* the VPC keeps the group: in use */
    enum step_end e = teardown_run(f.l, ISOLATION_RESOURCE, f.src, f.tgt, &msg, &err);
    CU_ASSERT_EQUAL(e, STEP_FAILED);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "refused to delete"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, s.security_group_id));
    free(msg);
    /* the group is kept, so its VPC stays too */
    struct ec2_security_group *g = NULL;
    size_t n = 0;
    EXPECT_OK(ec2_describe_security_groups(f.c, ids, 1, &g, &n, &err), err);
    ec2_security_groups_free(g, n);
    /* put right, the run's teardown finishes */
    struct aws_tag mine[1] = {{"drh:run-id", f.run_id}};
    EXPECT_OK(ec2_create_tags(f.c, ids, 1, mine, 1, &err), err);
    e = teardown_run(f.l, ISOLATION_RESOURCE, f.src, f.tgt, &msg, &err);
    td_busy_wait = saved;
    CU_ASSERT_EQUAL(e, STEP_OK);
    free(msg);
    s_stack_gone(f.c, &s);
    isolation_stack_clean_up(&s);
    s_fx_free(&f);
}

static const struct test_case cases[] = {
    {"create, verify, teardown by resource", test_create_verify_teardown},
    {"teardown --run after a restart, group held after the instance",
     test_teardown_run_after_restart},
    {"a piece in use is left with a hint; a lost answer found by Name",
     test_left_in_use_and_unresolved},
    {"refuses a piece tagged for another run", test_refuses_what_is_not_the_runs},
};

TEST_SUITE_FULL("isolation", cases, dbfixture_unavailable, s_init, s_cleanup)
