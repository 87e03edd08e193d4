/*
 * Copying the selected AMI into the target account and Region (CopyImage,
 * called by the target from the source's Region, re-encrypted with the
 * target's key when the drill names one): the ledger intent first (by the
 * copy's name, which is also its client token), then the AMI id, the tags
 * on the copy and its snapshots, the snapshots as ledger entries of their
 * own, and the wait until the copy is available.
 */
#include "ec2/ec2_run.h"

#include "aws/ec2.h"
#include "mem.h"
#include "run/progress.h"
#include "run/wait.h"

#include <stdlib.h>
#include <string.h>

struct copy_poll {
    struct aws_client *c;
    const char *id;
};

static enum drh_status s_poll_copy(void *ctx, bool *done, struct buf *status, struct drh_err *err)
{
    struct copy_poll *p = ctx;
    struct ec2_image im = {0};
    enum drh_status st = ec2_describe_image(p->c, p->id, &im, err);
    if (st != DRH_OK)
        return st;
    const char *s = im.state ? im.state : "?";
    buf_puts(status, s);
    if (strcmp(s, "failed") == 0 || strcmp(s, "invalid") == 0 || strcmp(s, "error") == 0)
        st = drh_err_set(err, DRH_E_AWS, "AMI copy %s is %s", p->id, s);
    *done = strcmp(s, "available") == 0;
    ec2_image_clean_up(&im);
    return st;
}

/* Records and tags the copy's snapshots (whatever the wait's outcome, so
 * teardown finds them). */
static enum drh_status s_snapshots(struct ec2_run *run, struct aws_client *c, const char *region,
                                   struct drh_err *err)
{
    struct ec2_image im = {0};
    enum drh_status st = ec2_describe_image(c, run->image, &im, err);
    if (st != DRH_OK)
        return st;
    for (size_t i = 0; i < im.n_snapshots && st == DRH_OK; i++) {
        st = ledger_intent(run->res.ledger, LEDGER_EC2_SNAPSHOT, "target", region, im.snapshots[i],
                           NULL, NULL, run->res.r->name, err);
        if (st == DRH_OK)
            st = ledger_created(run->res.ledger, LEDGER_EC2_SNAPSHOT, im.snapshots[i], NULL, NULL,
                                err);
    }
    struct aws_tag tags[RES_TAG_COUNT];
    res_tags(&run->res, tags);
    if (st == DRH_OK)
        st = ec2_create_tags(c, (const char *const *)im.snapshots, im.n_snapshots, tags, RES_TAG_COUNT, err);
    if (st == DRH_OK && im.n_snapshots)
        json_add_number(run->res.ev, "copy_snapshots", (double)im.n_snapshots);
    ec2_image_clean_up(&im);
    return st;
}

enum step_end ec2_copy(struct res_run *res, struct drh_err *err)
{
    struct ec2_run *run = (struct ec2_run *)res;
    const struct drill_side *tgt = side_def(res->tgt);
    double t = progress_elapsed();
    struct aws_client *c = NULL;
    if (side_client(res->tgt, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    char *name = res_identifier(res, NULL);
    char *desc =
        xasprintf("drh drill %s run %s: copy of %s", res->d->name, res->run_id, run->source_image);
    struct aws_tag tags[RES_TAG_COUNT];
    res_tags(res, tags);
    enum step_end end = STEP_ERROR;
    if (ledger_intent(res->ledger, LEDGER_EC2_IMAGE, "target", tgt->region, name, NULL, NULL,
                      res->r->name, err) != DRH_OK)
        goto done;
    progress_phase(res->d->name, res->r->name, "copy", "%s (%s) -> %s (%s, %s)", run->source_image,
                   res->rp_region, name, tgt->account, tgt->region);
    struct ec2_copy cp = {run->source_image,    res->rp_region, name, desc, name,
                          tgt->kms_key != NULL, tgt->kms_key};
    enum drh_status st = ec2_copy_image(c, &cp, &run->image, err);
    if (st != DRH_OK) {
        /* AWS refusing the copy (no access to the storage or the key) is the drill's failure */
        end = st == DRH_E_AWS || st == DRH_E_NOTFOUND ? STEP_FAILED : STEP_ERROR;
        goto done;
    }
    const char *ids[] = {run->image};
    if (ledger_resolved(res->ledger, LEDGER_EC2_IMAGE, name, run->image, err) != DRH_OK ||
        ledger_created(res->ledger, LEDGER_EC2_IMAGE, run->image, NULL, NULL, err) != DRH_OK ||
        ec2_create_tags(c, ids, 1, tags, RES_TAG_COUNT, err) != DRH_OK)
        goto done;
    json_add_string(res->ev, "copy_image_id", run->image);
    struct copy_poll p = {c, run->image};
    char *what = xasprintf("AMI copy %s", run->image);
    struct wait_options w = {res->d->name, res->r->name, "copy", what, res->step_deadline, 0, 0, 0,
                             res->step_limit};
    st = wait_until(&w, s_poll_copy, &p, err);
    free(what);
    struct drh_err serr;
    drh_err_clear(&serr);
    if (s_snapshots(run, c, tgt->region, &serr) != DRH_OK && st == DRH_OK) {
        *err = serr;
        goto done;
    }
    if (st != DRH_OK) {
        end = st == DRH_E_TIMEOUT || st == DRH_E_AWS ? STEP_FAILED : STEP_ERROR;
        goto done;
    }
    free(res->rp_region);
    res->rp_region = xstrdup(tgt->region);
    end = STEP_OK;
done:
    res->phase_s[PH_COPY] = progress_elapsed() - t;
    free(desc);
    free(name);
    return end;
}
