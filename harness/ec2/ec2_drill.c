/*
 * One EC2 resource's drill, start to end: select the AMI, check that it is
 * shared with the target, copy it, launch it isolated, wait for its status
 * checks, probe it, measure RTO and RPO, tear down; every step a JUnit
 * case, every figure a property and an evidence field (resource.c
 * measures and tears down). Also the kind's plan for `drh plan`.
 */
#include "ec2/ec2_run.h"

#include "aws/endpoint.h"
#include "mem.h"
#include "run/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *s_source_arn(const struct res_run *res)
{
    const char *src = res->r->source;
    if (strncmp(src, "arn:", 4) == 0)
        return xstrdup(src);
    const struct drill_side *s = &res->d->source;
    char *part = xasprintf("instance/%s", src);
    char *arn = aws_arn(s->region, "ec2", s->region, s->account, part);
    free(part);
    return arn ? arn : xstrdup(src);
}

static enum runner_verdict s_drill(struct res_run *res)
{
    struct ec2_run *run = (struct ec2_run *)res;
    enum step_end worst = STEP_OK;
    char *arn = s_source_arn(res);
    res_begin(res, arn);
    free(arn);
    const char *type = res->r->ec2.instance_type ? res->r->ec2.instance_type : "t3.micro";
    json_add_string(res->ev, "instance_type", type);
    report_add_property(res->suite, "instance_type", type);

    static const char *const after[] = {"shared", "copy", "launch", "available"};
    double t = progress_elapsed();
    if (res_step(res, "select", ec2_select, &worst) != STEP_OK) {
        res_skip_rest(res, after, 4, "no AMI selected");
        goto measure;
    }
    res->phase_s[PH_SELECT] = progress_elapsed() - t;
    report_add_property(res->suite, "image_id", run->source_image);
    json_add_string(res->ev, "image_id", run->source_image);
    report_add_property(res->suite, "recovery_point_arn", res->origin_arn);
    json_add_string(res->ev, "recovery_point_arn", res->origin_arn);
    if (strcmp(side_def(res->src)->account, side_def(res->tgt)->account) == 0) {
        res_case(res, "shared", REPORT_SKIPPED, 0, "source and target are one account");
    } else if (res_step(res, "shared", ec2_shared, &worst) != STEP_OK) {
        res_skip_rest(res, after + 1, 3, "the AMI is not shared with the target");
        goto measure;
    }
    if (res->r->copy) {
        if (res_step(res, "copy", ec2_copy, &worst) != STEP_OK) {
            res_skip_rest(res, after + 2, 2, "the copy failed");
            goto measure;
        }
        report_add_property(res->suite, "copy_image_id", run->image);
    } else {
        run->image = xstrdup(run->source_image);
        res_case(res, "copy", REPORT_SKIPPED, 0, "not asked for (copy: false)");
    }
    if (res_step(res, "launch", ec2_launch, &worst) != STEP_OK) {
        res_skip_rest(res, after + 3, 1, "the launch failed");
        goto measure;
    }
    report_add_property(res->suite, "instance_id", run->instance);
    res_output(res, "instance_id", run->instance);
    res_output(res, "private_ip", run->private_ip);
    res_output(res, "image_id", run->image ? run->image : run->source_image);
    if (res_step(res, "available", ec2_wait_available, &worst) != STEP_OK) {
        res_skip_rest(res, NULL, 0, "the instance never passed its status checks");
        goto measure;
    }
    ec2_probes(run, &worst);
measure:
    res_measure(res, &worst);
    res_teardown(res, &worst);
    return res_verdict(worst);
}

static struct res_run *s_new_run(void)
{
    struct ec2_run *run = xcalloc(1, sizeof(*run));
    return &run->res;
}

static void s_free_run(struct res_run *res)
{
    struct ec2_run *run = (struct ec2_run *)res;
    if (!run)
        return;
    res_clean_up(res);
    free(run->source_image);
    free(run->image);
    free(run->instance);
    free(run->private_ip);
    free(run);
}

static void s_plan(const struct drill *d, const struct drill_resource *r, int *step, FILE *out)
{
    int k = *step;
    fprintf(out, "  resource %s (ec2, %s):\n", r->name, r->source);
    if (r->path == DRILL_PATH_TAG)
        fprintf(out, "  %d. ec2 DescribeImages owner self, tag %s=%s (%s %s): %s available\n", k++,
                r->ec2.tag_key, r->ec2.tag_value, d->source.account, d->source.region,
                r->select == DRILL_SELECT_RANDOM ? "one at random within the window"
                                                 : "the newest");
    else
        fprintf(out, "  %d. backup ListRecoveryPointsByBackupVault %s (%s %s): %s COMPLETED\n", k++,
                d->source.vault, d->source.account, d->source.region,
                r->select == DRILL_SELECT_RANDOM ? "one at random within the window"
                                                 : "the newest");
    if (strcmp(d->source.account, d->target.account) != 0)
        fprintf(out,
                "  %d. ec2 DescribeImageAttribute launchPermission, "
                "DescribeSnapshotAttribute createVolumePermission: shared with %s\n",
                k++, d->target.account);
    if (r->copy)
        fprintf(out, "  %d. ec2 CopyImage into %s %s (KMS %s), CreateTags, wait until available\n",
                k++, d->target.account, d->target.region,
                d->target.kms_key ? d->target.kms_key : "the source's encryption");
    fprintf(out, "  %d. ec2 RunInstances %s in %s, security groups", k++,
            r->ec2.instance_type ? r->ec2.instance_type : "t3.micro",
            d->isolation.subnet ? d->isolation.subnet : "(no subnet)");
    for (size_t i = 0; i < d->isolation.n_security_groups; i++)
        fprintf(out, " %s", d->isolation.security_groups[i]);
    fprintf(out, ", no public IP, tags drh:run-id, drh:drill\n");
    fprintf(out, "  %d. ec2 DescribeInstanceStatus until running and both status checks ok\n", k++);
    for (size_t p = 0; p < r->n_probes; p++)
        fprintf(out, "  %d. probe %s (%s)%s\n", k++, r->probes[p].name,
                probe_kind_name(r->probes[p].kind),
                r->ec2.tunnel && r->probes[p].kind != PROBE_STATUS ? " through reach.tunnel" : "");
    *step = k;
}

const struct res_kind ec2_kind = {"ec2", s_new_run, s_drill, s_plan, s_free_run};
