/* Tests of drh sweep's finding, judging and deleting (harness/run/sweep.h):
 * the verdict of a run from its ledger and its things' tags (pure); and,
 * against the local AWS emulator, what sweep_find lists in a drill's target
 * account (only what carries drh:run-id), how sweep_plan groups it with the
 * ledgers of the state folder, and what sweep_apply deletes through the
 * run's ledger and teardown: an expired run of another runner (ledger
 * started here), a crashed run of this runner (its ledger completed), a
 * thing retagged meanwhile (refused, kept) and a thing in another account
 * than the run's ledger names (kept, reported). The sides use the real
 * credential chain, so the suite points the process environment at the
 * emulator while it runs. */
#include "support/dbfixture.h"
#include "support/emuclient.h"
#include "support/testreg.h"

#include "aws/ec2_network.h"
#include "aws/s3.h"
#include "log.h"
#include "mem.h"
#include "run/progress.h"
#include "run/resource.h"
#include "run/sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DR "222222222222"
#define REGION "us-west-2"
#define PAST "2020-01-01T00:00:00Z"
#define PAST_T 1577836800.0

static const char *const s_vars[] = {
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",       "AWS_ENDPOINT_URL", "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",           "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"};
#define N_VARS (sizeof s_vars / sizeof s_vars[0])
static char *s_saved[N_VARS];
static char s_state[256];
static struct emu_client s_dr;
static unsigned s_seq;

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
    snprintf(s_state, sizeof s_state, "%s/sweep-state", dbfixture_dir());
    progress_init(true, false);
    s_seq = (unsigned)time(NULL) & 0xffff;
    return emu_client_open(&s_dr, "dr", REGION);
}

static int s_cleanup(void)
{
    emu_client_close(&s_dr);
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

/* A drill whose target is the fixture's "dr" account in us-west-2. */
static void s_drill(struct drill *d, const char *name, const char *account)
{
    memset(d, 0, sizeof *d);
    d->name = (char *)name;
    d->path = (char *)"sweep-unit.json";
    d->source = (struct drill_side){.account = (char *)"111111111111",
                                    .region = (char *)"us-east-1",
                                    .profile = (char *)"production"};
    d->target = (struct drill_side){
        .account = (char *)account, .region = (char *)REGION, .profile = (char *)"dr"};
    /* a ledger of it expires 61 s after it starts; teardown's waits have a minute */
    d->timeouts.drill = 1;
    d->timeouts.teardown = 60;
}

static void s_run_id(char out[64])
{
    snprintf(out, 64, "20991122-000000-%06x", (++s_seq * 2654435761u) & 0xffffff);
}

/* A VPC tagged with run_id (NULL: untagged) and expires (NULL: none). */
static char *s_vpc(const char *cidr, const char *run_id, const char *expires)
{
    struct aws_tag tags[3] = {
        {"drh:run-id", run_id}, {"drh:drill", "sweep-unit"}, {"drh:expires", expires}};
    char *id = NULL;
    struct drh_err err;
    if (ec2_create_vpc(s_dr.c, cidr, tags, !run_id ? 0 : expires ? 3 : 2, &id, &err) != DRH_OK)
        TEST_FAILF("CreateVpc %s: %s", cidr, err.msg);
    return id;
}

static bool s_alive(const char *id)
{
    struct json *alive = NULL;
    if (emu_admin("GET", "/truth/alive", NULL, &alive) != 0)
        return false;
    bool found = false;
    const struct json *arr = json_get(alive, "alive");
    for (const struct json *a = json_first(arr); a && !found; a = json_next(a)) {
        const char *v = json_get_string(a, "id");
        found = v && strcmp(v, id) == 0;
    }
    json_free(alive);
    return found;
}

static const struct sweep_thing *s_thing(const struct sweep_found *f, const char *id)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].id, id) == 0)
            return &f->v[i];
    return NULL;
}

static struct sweep_run *s_run(struct sweep_run *v, size_t n, const char *run_id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].run_id, run_id) == 0)
            return &v[i];
    return NULL;
}

static void s_delete_vpc(char *id)
{
    struct drh_err err;
    if (id && ec2_delete_vpc(s_dr.c, id, NULL, &err) != DRH_OK)
        TEST_FAILF("DeleteVpc %s: %s", id, err.msg);
    free(id);
}

static void test_judge(void)
{
    double at = -1;
    struct sweep_facts f = {"passed", 0, 0, 0};
    CU_ASSERT_EQUAL(sweep_judge(&f, 1000, 0, &at), SWEEP_ENDED);
    CU_ASSERT_EQUAL(at, 0);
    f = (struct sweep_facts){NULL, 900, 0, 0};
    CU_ASSERT_EQUAL(sweep_judge(&f, 1000, 0, &at), SWEEP_EXPIRED);
    CU_ASSERT_EQUAL(at, 900);
    CU_ASSERT_EQUAL(sweep_judge(&f, 900, 0, &at), SWEEP_IN_PROGRESS); /* not past it yet */
    /* the later of tag and ledger counts */
    f = (struct sweep_facts){NULL, 900, 1100, 0};
    CU_ASSERT_EQUAL(sweep_judge(&f, 1000, 0, &at), SWEEP_IN_PROGRESS);
    CU_ASSERT_EQUAL(at, 1100);
    f = (struct sweep_facts){NULL, 0, 900, 0};
    CU_ASSERT_EQUAL(sweep_judge(&f, 1000, 0, &at), SWEEP_EXPIRED);
    /* unknown age: --older-than decides, by the newest creation time */
    f = (struct sweep_facts){NULL, 0, 0, 500};
    CU_ASSERT_EQUAL(sweep_judge(&f, 1000, 0, &at), SWEEP_UNKNOWN);
    CU_ASSERT_EQUAL(sweep_judge(&f, 1000, 400, &at), SWEEP_OLD);
    CU_ASSERT_EQUAL(at, 500);
    CU_ASSERT_EQUAL(sweep_judge(&f, 1000, 500, &at), SWEEP_UNKNOWN);
    f = (struct sweep_facts){NULL, 0, 0, 0};
    CU_ASSERT_EQUAL(sweep_judge(&f, 1000, 1, &at), SWEEP_UNKNOWN);
    /* an expiry wins over --older-than */
    f = (struct sweep_facts){NULL, 2000, 0, 10};
    CU_ASSERT_EQUAL(sweep_judge(&f, 1000, 1, &at), SWEEP_IN_PROGRESS);
    CU_ASSERT_TRUE(sweep_verdict_deletes(SWEEP_ENDED));
    CU_ASSERT_TRUE(sweep_verdict_deletes(SWEEP_EXPIRED));
    CU_ASSERT_TRUE(sweep_verdict_deletes(SWEEP_OLD));
    CU_ASSERT_FALSE(sweep_verdict_deletes(SWEEP_IN_PROGRESS));
    CU_ASSERT_FALSE(sweep_verdict_deletes(SWEEP_UNKNOWN));
    CU_ASSERT_STRING_EQUAL(sweep_verdict_name(SWEEP_IN_PROGRESS), "in progress");
    CU_ASSERT_STRING_EQUAL(sweep_verdict_name((enum sweep_verdict)99), "?");
}

/* Another runner's expired run (no ledger here): found, judged, swept
 * through a ledger started here; a run in progress and untagged things stay. */
static void test_foreign_expired_run(void)
{
    char a[64], b[64];
    s_run_id(a);
    s_run_id(b);
    struct drh_err err;
    char *vpc_a = s_vpc("10.241.0.0/16", a, PAST);
    char *vpc_b = s_vpc("10.242.0.0/16", b, "2099-01-01T00:00:00Z");
    char *vpc_u = s_vpc("10.243.0.0/16", NULL, NULL);
    struct aws_tag tags[2] = {{"drh:run-id", a}, {"drh:expires", PAST}};
    struct ec2_group_spec g = {"sweep-unit-sg", "sweep unit", vpc_a, tags, 2};
    char *sg_a = NULL;
    CU_ASSERT_EQUAL_FATAL(ec2_create_security_group(s_dr.c, &g, &sg_a, &err), DRH_OK);
    char *bucket = xasprintf("drh-sweep-unit-%s", a + 16);
    CU_ASSERT_EQUAL_FATAL(s3_create_bucket(s_dr.c, bucket, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(s3_put_bucket_tagging(s_dr.c, bucket, tags, 2, &err), DRH_OK);

    struct drill d;
    s_drill(&d, "sweep-unit", DR);
    struct sweep_found f = {0};
    sweep_find(&d, 0, &f);
    CU_ASSERT_EQUAL(f.failed, 0);
    const struct sweep_thing *t = s_thing(&f, vpc_a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->kind, LEDGER_EC2_VPC);
    CU_ASSERT_STRING_EQUAL(t->run_id, a);
    CU_ASSERT_STRING_EQUAL(t->drill, "sweep-unit");
    CU_ASSERT_STRING_EQUAL(t->side, "target");
    CU_ASSERT_STRING_EQUAL(t->account, DR);
    CU_ASSERT_STRING_EQUAL(t->region, REGION);
    CU_ASSERT_EQUAL(t->expires, PAST_T);
    CU_ASSERT_PTR_NOT_NULL(s_thing(&f, sg_a));
    t = s_thing(&f, bucket);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->kind, LEDGER_S3_BUCKET);
    CU_ASSERT_TRUE(t->created > PAST_T);
    CU_ASSERT_PTR_NULL(t->drill);
    CU_ASSERT_PTR_NOT_NULL(s_thing(&f, vpc_b));
    CU_ASSERT_PTR_NULL(s_thing(&f, vpc_u));
    /* a second drill of the same account lists nothing twice */
    size_t n_found = f.n;
    sweep_find(&d, 1, &f);
    CU_ASSERT_EQUAL(f.n, n_found);

    struct drill *drills[] = {&d};
    struct sweep_options o = {s_state, NULL, 0, res_wall_now()};
    struct sweep_run *runs = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 1, &o, &runs, &n, &err), DRH_OK);
    struct sweep_run *ra = s_run(runs, n, a), *rb = s_run(runs, n, b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ra);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rb);
    CU_ASSERT_EQUAL(ra->verdict, SWEEP_EXPIRED);
    CU_ASSERT_EQUAL(ra->at, PAST_T);
    CU_ASSERT_EQUAL(ra->n_things, 3);
    CU_ASSERT_PTR_NULL(ra->l);
    CU_ASSERT_STRING_EQUAL(ra->drill, "sweep-unit");
    CU_ASSERT_EQUAL(rb->verdict, SWEEP_IN_PROGRESS);
    CU_ASSERT_EQUAL(sweep_apply(ra, &f, drills, s_state, &err), DRH_OK);
    CU_ASSERT_EQUAL(ra->deleted, 3);
    CU_ASSERT_EQUAL(ra->left, 0);
    CU_ASSERT_FALSE(ra->failed);
    CU_ASSERT_PTR_NOT_NULL(strstr(ra->message, "3 deleted, 0 left"));
    CU_ASSERT_FALSE(s_alive(vpc_a));
    CU_ASSERT_FALSE(s_alive(sg_a));
    CU_ASSERT_FALSE(s_alive(bucket));
    CU_ASSERT_TRUE(s_alive(vpc_b));
    CU_ASSERT_TRUE(s_alive(vpc_u));
    sweep_runs_free(runs, n);
    /* the ledger sweep started records it all, ended "sweep" */
    struct ledger *l = NULL;
    CU_ASSERT_EQUAL_FATAL(ledger_open(s_state, a, &l, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(ledger_ended(l), "sweep");
    CU_ASSERT_STRING_EQUAL(ledger_drill_name(l), "sweep-unit");
    CU_ASSERT_EQUAL(ledger_count(l), 3);
    CU_ASSERT_EQUAL(ledger_pending(l), 0);
    ledger_close(l);
    sweep_found_clean_up(&f);
    s_delete_vpc(vpc_b);
    s_delete_vpc(vpc_u);
    free(vpc_a);
    free(sg_a);
    free(bucket);
}

/* A crashed run of this runner: its ledger here completed with what was
 * found, its other entries torn down too; other ledgers left out. */
static void test_local_ledger(void)
{
    char c[64], dd[64], e[64];
    s_run_id(c);
    s_run_id(dd);
    s_run_id(e);
    struct drh_err err;
    struct drill d, other;
    s_drill(&d, "sweep-unit", DR);
    s_drill(&other, "not-in-files", DR);
    struct ledger *lc = NULL, *ld = NULL, *le = NULL;
    CU_ASSERT_EQUAL_FATAL(ledger_create(s_state, c, &d, &lc, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(ledger_create(s_state, dd, &other, &ld, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(ledger_create(s_state, e, &d, &le, &err), DRH_OK);
    /* c: a VPC the ledger never heard of (no expires tag: the ledger's expiry
     * counts), and an entry of something already gone */
    char *vpc_c = s_vpc("10.244.0.0/16", c, NULL);
    CU_ASSERT_EQUAL(ledger_intent(lc, LEDGER_EC2_VPC, "target", REGION, "vpc-0000dead", NULL, NULL,
                                  "@isolation", &err),
                    DRH_OK);
    CU_ASSERT_EQUAL(ledger_intent(ld, LEDGER_EC2_VPC, "target", REGION, "vpc-0000beef", NULL, NULL,
                                  "@isolation", &err),
                    DRH_OK);
    CU_ASSERT_EQUAL(ledger_end(le, "passed", false, &err), DRH_OK); /* closed: nothing pending */
    ledger_close(lc);
    ledger_close(ld);
    ledger_close(le);

    struct sweep_found f = {0};
    sweep_find(&d, 0, &f);
    struct drill *drills[] = {&d};
    struct sweep_options o = {s_state, NULL, 0, res_wall_now() + 120}; /* once expired */
    struct sweep_run *runs = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 1, &o, &runs, &n, &err), DRH_OK);
    struct sweep_run *rc = s_run(runs, n, c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rc);
    CU_ASSERT_PTR_NULL(s_run(runs, n, dd)); /* a drill not given */
    CU_ASSERT_PTR_NULL(s_run(runs, n, e));  /* nothing left */
    CU_ASSERT_PTR_NOT_NULL(rc->l);
    CU_ASSERT_EQUAL(rc->verdict, SWEEP_EXPIRED);
    CU_ASSERT_EQUAL(rc->n_things, 1);
    CU_ASSERT_EQUAL(rc->n_ledger, 1);
    CU_ASSERT_EQUAL(sweep_apply(rc, &f, drills, s_state, &err), DRH_OK);
    CU_ASSERT_EQUAL(rc->deleted, 1);
    CU_ASSERT_EQUAL(rc->left, 0);
    CU_ASSERT_FALSE(s_alive(vpc_c));
    CU_ASSERT_STRING_EQUAL(ledger_ended(rc->l), "sweep");
    CU_ASSERT_EQUAL(ledger_count(rc->l), 2);
    CU_ASSERT_EQUAL(ledger_pending(rc->l), 0);
    sweep_runs_free(runs, n);
    /* asked for by id, a run of another drill is listed too */
    o.run_id = dd;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 1, &o, &runs, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(runs[0].run_id, dd);
    CU_ASSERT_STRING_EQUAL(runs[0].drill, "not-in-files");
    CU_ASSERT_EQUAL(runs[0].n_ledger, 1);
    sweep_runs_free(runs, n);
    /* without drill files: every ledger here with something left */
    o.run_id = NULL;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 0, &o, &runs, &n, &err), DRH_OK);
    CU_ASSERT_PTR_NOT_NULL(s_run(runs, n, dd));
    sweep_runs_free(runs, n);
    sweep_found_clean_up(&f);
    free(vpc_c);
}

/* A run whose teardown policy kept its things (teardown "never", or
 * "on-success" after a failure) has ended, yet they stay until it expires. */
static void test_kept_on_purpose(void)
{
    char k[64];
    s_run_id(k);
    struct drh_err err;
    struct drill d;
    s_drill(&d, "sweep-unit", DR);
    struct ledger *lk = NULL;
    CU_ASSERT_EQUAL_FATAL(ledger_create(s_state, k, &d, &lk, &err), DRH_OK);
    char *vpc = s_vpc("10.245.0.0/16", k, NULL);
    CU_ASSERT_EQUAL(ledger_intent(lk, LEDGER_EC2_VPC, "target", REGION, vpc, NULL, NULL,
                                  "@isolation", &err),
                    DRH_OK);
    CU_ASSERT_EQUAL(ledger_created(lk, LEDGER_EC2_VPC, vpc, NULL, NULL, &err), DRH_OK);
    CU_ASSERT_EQUAL(ledger_end(lk, "failed", true, &err), DRH_OK);
    double expires = ledger_expires(lk);
    ledger_close(lk);
    lk = NULL;
    CU_ASSERT_EQUAL_FATAL(ledger_open(s_state, k, &lk, &err), DRH_OK);
    CU_ASSERT_TRUE(ledger_kept(lk));
    CU_ASSERT_STRING_EQUAL(ledger_ended(lk) ? ledger_ended(lk) : "(none)", "failed");
    ledger_close(lk);

    struct sweep_found f = {0};
    sweep_find(&d, 0, &f);
    struct drill *drills[] = {&d};
    struct sweep_options o = {s_state, k, 0, res_wall_now()};
    struct sweep_run *runs = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 1, &o, &runs, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(runs[0].verdict, SWEEP_IN_PROGRESS); /* kept: not "ended" */
    sweep_runs_free(runs, n);
    o.now = expires + 1;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 1, &o, &runs, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(runs[0].verdict, SWEEP_EXPIRED);
    CU_ASSERT_EQUAL(sweep_apply(&runs[0], &f, drills, s_state, &err), DRH_OK);
    CU_ASSERT_FALSE(s_alive(vpc));
    sweep_runs_free(runs, n);
    sweep_found_clean_up(&f);
    free(vpc);
}

/* A thing retagged between listing and deleting is refused (and kept); a
 * thing in another account than the run's ledger names is kept, reported. */
static void test_refused_and_other_account(void)
{
    char g[64], h[64];
    s_run_id(g);
    s_run_id(h);
    struct drh_err err;
    char *vpc_g = s_vpc("10.245.0.0/16", g, PAST);
    char *vpc_h = s_vpc("10.246.0.0/16", h, PAST);
    struct drill d, outsider;
    s_drill(&d, "sweep-unit", DR);
    s_drill(&outsider, "sweep-unit", "333333333333");
    outsider.target.profile = (char *)"outsider";
    struct ledger *lh = NULL;
    CU_ASSERT_EQUAL_FATAL(ledger_create(s_state, h, &outsider, &lh, &err), DRH_OK);
    ledger_close(lh);

    struct sweep_found f = {0};
    sweep_find(&d, 0, &f);
    struct aws_tag someone[1] = {{"drh:run-id", "someone-else"}};
    const char *ids[1] = {vpc_g};
    CU_ASSERT_EQUAL(ec2_create_tags(s_dr.c, ids, 1, someone, 1, &err), DRH_OK);
    struct drill *drills[] = {&d};
    struct sweep_options o = {s_state, NULL, 0, res_wall_now() + 120};
    struct sweep_run *runs = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 1, &o, &runs, &n, &err), DRH_OK);
    struct sweep_run *rg = s_run(runs, n, g), *rh = s_run(runs, n, h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rh);
    CU_ASSERT_NOT_EQUAL(sweep_apply(rg, &f, drills, s_state, &err), DRH_OK);
    CU_ASSERT_TRUE(rg->failed);
    CU_ASSERT_EQUAL(rg->deleted, 0);
    CU_ASSERT_EQUAL(rg->left, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(rg->message, "refused to delete"));
    CU_ASSERT_TRUE(s_alive(vpc_g));
    CU_ASSERT_EQUAL(rh->verdict, SWEEP_EXPIRED);
    CU_ASSERT_EQUAL(sweep_apply(rh, &f, drills, s_state, &err), DRH_E_CONFIG);
    CU_ASSERT_TRUE(rh->failed);
    CU_ASSERT_EQUAL(rh->left, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "found in account 222222222222, the run's target "
                                           "account is 333333333333"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "drill file"));
    CU_ASSERT_TRUE(s_alive(vpc_h));
    CU_ASSERT_EQUAL(ledger_count(rh->l), 0);
    sweep_runs_free(runs, n);
    sweep_found_clean_up(&f);
    s_delete_vpc(vpc_g);
    s_delete_vpc(vpc_h);
}

/* Tagged without drh:expires and without a ledger here: kept, unless
 * --older-than and AWS dates it (a bucket does, a VPC does not). */
static void test_unknown_age(void)
{
    char u[64], v[64];
    s_run_id(u);
    s_run_id(v);
    struct drh_err err;
    char *vpc_v = s_vpc("10.247.0.0/16", v, NULL);
    char *bucket = xasprintf("drh-sweep-unit-%s", u + 16);
    struct aws_tag tags[1] = {{"drh:run-id", u}};
    CU_ASSERT_EQUAL_FATAL(s3_create_bucket(s_dr.c, bucket, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(s3_put_bucket_tagging(s_dr.c, bucket, tags, 1, &err), DRH_OK);
    struct drill d;
    s_drill(&d, "sweep-unit", DR);
    struct sweep_found f = {0};
    sweep_find(&d, 0, &f);
    struct drill *drills[] = {&d};
    struct sweep_options o = {s_state, NULL, 0, res_wall_now() + 60};
    struct sweep_run *runs = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 1, &o, &runs, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL(s_run(runs, n, u)->verdict, SWEEP_UNKNOWN);
    CU_ASSERT_EQUAL(s_run(runs, n, v)->verdict, SWEEP_UNKNOWN);
    sweep_runs_free(runs, n);
    o.older_than = 30;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 1, &o, &runs, &n, &err), DRH_OK);
    struct sweep_run *ru = s_run(runs, n, u);
    CU_ASSERT_EQUAL(ru->verdict, SWEEP_OLD);
    CU_ASSERT_TRUE(ru->at > PAST_T);
    CU_ASSERT_STRING_EQUAL(ru->drill, "sweep-unit"); /* untagged: the drill file's */
    CU_ASSERT_EQUAL(s_run(runs, n, v)->verdict, SWEEP_UNKNOWN);
    CU_ASSERT_EQUAL(sweep_apply(ru, &f, drills, s_state, &err), DRH_OK);
    CU_ASSERT_FALSE(s_alive(bucket));
    sweep_runs_free(runs, n);
    /* only the run asked for */
    o.run_id = v;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 1, &o, &runs, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL(n, 1);
    sweep_runs_free(runs, n);
    sweep_found_clean_up(&f);
    s_delete_vpc(vpc_v);
    free(bucket);
}

/* Puts an object into bucket with the client of profile (in its home Region). */
static void s_put(const char *profile, const char *region, const char *bucket, const char *key,
                  const char *run_id)
{
    struct emu_client e;
    CU_ASSERT_EQUAL_FATAL(emu_client_open(&e, profile, region), 0);
    struct drh_err err;
    if (s3_put_object(e.c, bucket, key, "x", 1, run_id, NULL, &err) != DRH_OK)
        TEST_FAILF("PutObject %s/%s: %s", bucket, key, err.msg);
    emu_client_close(&e);
}

/* How many versions of key bucket holds. */
static size_t s_versions(const char *profile, const char *region, const char *bucket,
                         const char *key)
{
    struct emu_client e;
    if (emu_client_open(&e, profile, region) != 0)
        return 99;
    struct s3_version *v = NULL;
    size_t n = 0, k = 0;
    struct drh_err err;
    if (s3_list_versions(e.c, bucket, key, &v, &n, &err) != DRH_OK)
        TEST_FAILF("ListObjectVersions %s: %s", bucket, err.msg);
    for (size_t i = 0; i < n; i++)
        k += strcmp(v[i].key, key) == 0;
    s3_versions_free(v, n);
    emu_client_close(&e);
    return k;
}

/* A canary object a killed S3 drill left in production's bucket (and its
 * copy in the replica): found by key and drh-run-id metadata, dated by
 * LastModified; the chain drh canary writes and objects of other runs or
 * without the metadata are not the run's. */
static void test_canary_objects(void)
{
    char k[64], other[64];
    s_run_id(k);
    s_run_id(other);
    char *src = xasprintf("sweep-unit-src-%s", k + 16);
    char *rep = xasprintf("sweep-unit-rep-%s", k + 16);
    char *key = xasprintf("drh-canary/%s", k);
    char *okey = xasprintf("drh-canary/%s", other);
    char *body = xasprintf("{\"profile\": \"production\", \"bucket\": \"%s\", \"objects\": "
                           "{\"drh-canary/chain/000001\": \"c\", \"data/a.txt\": \"a\"}}",
                           src);
    CU_ASSERT_EQUAL_FATAL(emu_admin("POST", "/seed/s3", body, NULL), 0);
    free(body);
    body = xasprintf("{\"profile\": \"dr\", \"bucket\": \"%s\", \"objects\": {}}", rep);
    CU_ASSERT_EQUAL_FATAL(emu_admin("POST", "/seed/s3", body, NULL), 0);
    free(body);
    s_put("production", "us-east-1", src, key, k);
    s_put("production", "us-east-1", src, okey, NULL); /* no metadata: not swept */
    s_put("dr", REGION, rep, key, k);                  /* as replication copies it */
    struct drill d;
    s_drill(&d, "sweep-unit", DR);
    struct drill_resource r = {0};
    r.name = (char *)"files";
    r.type = DRILL_S3;
    r.source = src;
    r.s3.replica_bucket = rep;
    r.s3.canary = true;
    d.resources = &r;
    d.n_resources = 1;
    struct sweep_found f = {0};
    sweep_find(&d, 0, &f);
    CU_ASSERT_EQUAL(f.failed, 0);
    char *id = xasprintf("%s/%s", src, key);
    const struct sweep_thing *t = s_thing(&f, id);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->kind, LEDGER_S3_OBJECT);
    CU_ASSERT_STRING_EQUAL(t->side, "source");
    CU_ASSERT_STRING_EQUAL(t->account, "111111111111");
    CU_ASSERT_STRING_EQUAL(t->run_id, k);
    CU_ASSERT_TRUE(t->created > PAST_T);
    CU_ASSERT_PTR_NOT_NULL(strstr(t->detail, rep));
    size_t objects = 0;
    for (size_t i = 0; i < f.n; i++)
        objects += f.v[i].kind == LEDGER_S3_OBJECT && strstr(f.v[i].id, src) == f.v[i].id;
    CU_ASSERT_EQUAL(objects, 1);
    struct drill *drills[] = {&d};
    struct sweep_options o = {s_state, k, 30, res_wall_now() + 60};
    struct sweep_run *runs = NULL;
    size_t n = 0;
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(sweep_plan(&f, drills, 1, &o, &runs, &n, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(runs[0].verdict, SWEEP_OLD);
    CU_ASSERT_EQUAL(sweep_apply(&runs[0], &f, drills, s_state, &err), DRH_OK);
    CU_ASSERT_EQUAL(runs[0].deleted, 1);
    CU_ASSERT_EQUAL(s_versions("production", "us-east-1", src, key), 0);
    CU_ASSERT_EQUAL(s_versions("dr", REGION, rep, key), 0);
    CU_ASSERT_EQUAL(s_versions("production", "us-east-1", src, okey), 1);
    CU_ASSERT_EQUAL(s_versions("production", "us-east-1", src, "drh-canary/chain/000001"), 1);
    sweep_runs_free(runs, n);
    sweep_found_clean_up(&f);
    free(id);
    free(key);
    free(okey);
    free(src);
    free(rep);
}

/* A side whose credentials answer another account lists nothing. */
static void test_wrong_account(void)
{
    struct drill d;
    s_drill(&d, "sweep-unit", "333333333333"); /* the dr profile is 222222222222 */
    struct sweep_found f = {0};
    FILE *logged = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(logged);
    log_set_sink(logged);
    sweep_find(&d, 0, &f);
    log_set_sink(NULL);
    CU_ASSERT_EQUAL(f.failed, 1);
    CU_ASSERT_EQUAL(f.n, 0);
    char line[1024] = "";
    rewind(logged);
    CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, logged));
    CU_ASSERT_PTR_NOT_NULL(strstr(line, "sweep: drill sweep-unit: cannot use the target account "
                                        "333333333333"));
    CU_ASSERT_PTR_NOT_NULL(strstr(line, "belong to account 222222222222"));
    fclose(logged);
    sweep_found_clean_up(&f);
    sweep_found_clean_up(&f);
    sweep_found_clean_up(NULL);
}

static const struct test_case cases[] = {
    {"verdicts", test_judge},
    {"another runner's expired run swept, a run in progress kept", test_foreign_expired_run},
    {"a crashed run's ledger completed and torn down", test_local_ledger},
    {"kept by the teardown policy: swept once expired", test_kept_on_purpose},
    {"refused when retagged; kept when in another account", test_refused_and_other_account},
    {"unknown age: kept unless --older-than", test_unknown_age},
    {"canary objects in production's bucket and its replica", test_canary_objects},
    {"a side of another account lists nothing", test_wrong_account},
};

TEST_SUITE_FULL("sweep", cases, dbfixture_unavailable, s_init, s_cleanup)
