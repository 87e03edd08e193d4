/*
 * Launching the AMI into the isolated test stack: one instance in the
 * drill's isolation subnet with its security groups and no public IP,
 * tagged with the run (ledger intent by client token first, then the
 * instance id); then the wait until it runs and both status checks
 * (system, instance) are ok.
 */
#include "ec2/ec2_run.h"

#include "aws/ec2.h"
#include "mem.h"
#include "run/progress.h"
#include "run/wait.h"

#include <stdlib.h>
#include <string.h>

enum step_end ec2_launch(struct res_run *res, struct drh_err *err)
{
    struct ec2_run *run = (struct ec2_run *)res;
    const struct drill_side *tgt = side_def(res->tgt);
    if (!res->r->copy && strcmp(res->rp_region, tgt->region) != 0) {
        drh_err_set(err, DRH_E_CONFIG, "AMI %s is in %s, not where the drill launches (%s)",
                    run->image, res->rp_region, tgt->region);
        drh_err_hint(err, "set \"copy\": true so drh copies it into the target first");
        return STEP_ERROR;
    }
    struct aws_client *c = NULL;
    if (side_client(res->tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    char *token = res_identifier(res, "launch");
    struct aws_tag tags[RES_TAG_COUNT];
    res_tags(res, tags);
    const struct drill_isolation *iso = res->iso;
    struct ec2_launch l = {run->image,
                           res->r->ec2.instance_type ? res->r->ec2.instance_type : "t3.micro",
                           iso->subnet,
                           (const char *const *)iso->security_groups,
                           iso->n_security_groups,
                           tags,
                           RES_TAG_COUNT,
                           token};
    enum step_end end = STEP_ERROR;
    double t = progress_elapsed();
    if (ledger_intent(res->ledger, LEDGER_EC2_INSTANCE, "target", tgt->region, token, NULL, NULL,
                      res->r->name, err) != DRH_OK)
        goto done;
    progress_phase(res->d->name, res->r->name, "launch", "%s (%s) in %s, no public IP", run->image,
                   l.instance_type, iso->subnet ? iso->subnet : "the default subnet");
    enum drh_status st = ec2_run_instance(c, &l, &run->instance, err);
    if (st != DRH_OK) {
        /* AWS refusing to launch the image is the drill's failure */
        end = st == DRH_E_AWS || st == DRH_E_NOTFOUND ? STEP_FAILED : STEP_ERROR;
        goto done;
    }
    if (ledger_resolved(res->ledger, LEDGER_EC2_INSTANCE, token, run->instance, err) != DRH_OK ||
        ledger_created(res->ledger, LEDGER_EC2_INSTANCE, run->instance, NULL, NULL, err) != DRH_OK)
        goto done;
    json_add_string(res->ev, "instance_id", run->instance);
    end = STEP_OK;
done:
    res->phase_s[PH_RESTORE] = progress_elapsed() - t;
    free(token);
    return end;
}

struct avail_poll {
    struct aws_client *c;
    const char *id;
};

static enum drh_status s_poll_available(void *ctx, bool *done, struct buf *status,
                                        struct drh_err *err)
{
    struct avail_poll *p = ctx;
    struct ec2_instance_status s = {0};
    enum drh_status st = ec2_describe_instance_status(p->c, p->id, &s, err);
    if (st != DRH_OK)
        return st;
    buf_printf(status, "%s, system %s, instance %s", s.state, s.system_status, s.instance_status);
    if (strcmp(s.state, "pending") != 0 && strcmp(s.state, "running") != 0)
        st = drh_err_set(err, DRH_E_AWS, "instance %s is %s", p->id, s.state);
    else if (strcmp(s.system_status, "impaired") == 0 || strcmp(s.instance_status, "impaired") == 0)
        st = drh_err_set(err, DRH_E_AWS, "instance %s failed its status checks (%s)", p->id,
                         buf_str(status));
    *done = strcmp(s.state, "running") == 0 && strcmp(s.system_status, "ok") == 0 &&
            strcmp(s.instance_status, "ok") == 0;
    ec2_instance_status_clean_up(&s);
    return st;
}

enum step_end ec2_wait_available(struct res_run *res, struct drh_err *err)
{
    struct ec2_run *run = (struct ec2_run *)res;
    struct aws_client *c = NULL;
    if (side_client(res->tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    double t = progress_elapsed();
    struct avail_poll p = {c, run->instance};
    char *what = xasprintf("instance %s", run->instance);
    struct wait_options w = {res->d->name, res->r->name, "available", what, res->step_deadline, 0, 0, 0,
                             res->step_limit};
    enum drh_status st = wait_until(&w, s_poll_available, &p, err);
    free(what);
    res->phase_s[PH_AVAILABLE] = progress_elapsed() - t;
    if (st != DRH_OK) {
        if (st == DRH_E_AWS)
            drh_err_hint(err, "the instance's console output (GetConsoleOutput) shows why it "
                              "does not boot");
        return st == DRH_E_TIMEOUT || st == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
    }
    struct ec2_instance in = {0};
    if (ec2_describe_instance(c, run->instance, &in, err) != DRH_OK)
        return STEP_ERROR;
    /* Isolation is part of what the drill proves: no way in from outside. */
    const char *want = res->iso->subnet;
    if (in.public_ip || (want && (!in.subnet || strcmp(in.subnet, want) != 0))) {
        drh_err_set(err, DRH_E_AWS, "instance %s is not isolated: %s%s%s%s", run->instance,
                    in.public_ip ? "it has the public IP " : "",
                    in.public_ip ? in.public_ip : "", in.public_ip ? "" : "it runs in subnet ",
                    in.public_ip ? "" : (in.subnet ? in.subnet : "(none)"));
        drh_err_hint(err, "drh launches with AssociatePublicIpAddress=false in isolation.subnet "
                          "(%s); check that nothing in the account changes that",
                     want ? want : "none");
        ec2_instance_clean_up(&in);
        return STEP_FAILED;
    }
    free(run->private_ip);
    run->private_ip = in.private_ip ? xstrdup(in.private_ip) : NULL;
    if (in.subnet)
        json_add_string(res->ev, "subnet", in.subnet);
    if (run->private_ip)
        json_add_string(res->ev, "private_ip", run->private_ip);
    progress_phase(res->d->name, res->r->name, "available", "%s running, status checks ok (%s)",
                   run->instance, run->private_ip ? run->private_ip : "no private IP");
    ec2_instance_clean_up(&in);
    return STEP_OK;
}
