/*
 * Which AMI an EC2 drill launches: the newest (or a random one within N
 * days) AWS Backup recovery point of the instance in the source vault,
 * whose ARN is the AMI's, or the newest available AMI of the source
 * account carrying the drill's tag. Then, seen from the source account,
 * whether the sharing Lambda did its work: a launch permission for the
 * target account on the image and a createVolumePermission on each of its
 * EBS snapshots.
 */
#include "ec2/ec2_run.h"

#include "aws/ec2.h"
#include "aws/endpoint.h"
#include "buf.h"
#include "mem.h"
#include "run/progress.h"

#include <stdlib.h>
#include <string.h>

static enum step_end s_select_tag(struct ec2_run *run, struct drh_err *err)
{
    const struct drill_side *src = side_def(run->res.src);
    const struct drill_ec2 *e = &run->res.r->ec2;
    struct aws_client *c = NULL;
    if (side_client(run->res.src, NULL, &c, err) != DRH_OK)
        return STEP_ERROR;
    struct ec2_image_query q = {.owner = "self", .tag_key = e->tag_key, .tag_value = e->tag_value};
    struct ec2_image *v = NULL;
    size_t n = 0;
    if (ec2_describe_images(c, &q, &v, &n, err) != DRH_OK)
        return STEP_ERROR;
    double *created = xcalloc(n ? n : 1, sizeof(*created));
    size_t *idx = xcalloc(n ? n : 1, sizeof(*idx));
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].state || strcmp(v[i].state, "available") != 0)
            continue;
        idx[m] = i;
        created[m++] = v[i].created;
    }
    size_t k = m ? res_pick(&run->res, created, m) : m;
    enum step_end end = STEP_OK;
    if (k >= m) {
        drh_err_set(err, DRH_E_NOTFOUND, "no available AMI of account %s in %s tagged %s=%s%s",
                    src->account, src->region, e->tag_key, e->tag_value,
                    m ? " within the random window" : "");
        drh_err_hint(err, "check that the backups of %s create AMIs with that tag",
                     run->res.r->source);
        end = STEP_FAILED;
    } else {
        const struct ec2_image *im = &v[idx[k]];
        char *res = xasprintf("image/%s", im->id);
        run->res.origin_arn = aws_arn(src->region, "ec2", src->region, "", res);
        free(res);
        run->res.rp_arn = xstrdup(run->res.origin_arn);
        run->res.rp_region = xstrdup(src->region);
        run->res.rp_created = im->created;
        run->source_image = xstrdup(im->id);
    }
    free(idx);
    free(created);
    ec2_images_free(v, n);
    return end;
}

enum step_end ec2_select(struct res_run *res, struct drh_err *err)
{
    struct ec2_run *run = (struct ec2_run *)res;
    if (res->r->path == DRILL_PATH_TAG)
        return s_select_tag(run, err);
    enum step_end e = res_select_recovery_point(res, err);
    if (e != STEP_OK)
        return e;
    const char *slash = strstr(res->rp_arn, ":image/");
    if (!slash) {
        drh_err_set(err, DRH_E_PARSE, "recovery point %s is not an AMI", res->rp_arn);
        drh_err_hint(err, "an EC2 drill's source must be an instance backed up by AWS Backup");
        return STEP_ERROR;
    }
    run->source_image = xstrdup(slash + 7);
    return STEP_OK;
}

/* The account ids of p, for a message: "none", or "111, 333 and everyone". */
static void s_list(struct buf *b, const struct ec2_perms *p)
{
    if (!p->n && !p->public_) {
        buf_puts(b, "none");
        return;
    }
    for (size_t i = 0; i < p->n; i++)
        buf_printf(b, "%s%s", i ? ", " : "", p->users[i]);
    if (p->public_)
        buf_printf(b, "%severyone", p->n ? ", " : "");
}

enum step_end ec2_shared(struct res_run *res, struct drh_err *err)
{
    struct ec2_run *run = (struct ec2_run *)res;
    const char *target = side_def(res->tgt)->account;
    struct aws_client *c = NULL;
    if (side_client(res->src, res->rp_region, &c, err) != DRH_OK)
        return STEP_ERROR;
    struct ec2_image im = {0};
    struct ec2_perms perms = {0};
    struct buf missing;
    buf_init(&missing);
    enum step_end end = STEP_ERROR;
    if (ec2_describe_image(c, run->source_image, &im, err) != DRH_OK ||
        ec2_image_launch_permissions(c, run->source_image, &perms, err) != DRH_OK)
        goto done;
    if (!ec2_perms_allow(&perms, target)) {
        buf_printf(&missing,
                   "image %s has no launch permission for account %s (it has: ", run->source_image,
                   target);
        s_list(&missing, &perms);
        buf_puts(&missing, ")");
    }
    for (size_t i = 0; i < im.n_snapshots; i++) {
        if (ec2_snapshot_volume_permissions(c, im.snapshots[i], &perms, err) != DRH_OK)
            goto done;
        if (ec2_perms_allow(&perms, target))
            continue;
        buf_printf(&missing,
                   "%ssnapshot %s of image %s has no createVolumePermission for "
                   "account %s (it has: ",
                   missing.len ? "; " : "", im.snapshots[i], run->source_image, target);
        s_list(&missing, &perms);
        buf_puts(&missing, ")");
    }
    if (missing.len) {
        drh_err_set(err, DRH_E_AWS, "not shared with the target: %s", buf_str(&missing));
        drh_err_hint(err,
                     "the sharing Lambda (ShareBackupEC2AMI) must call "
                     "ModifyImageAttribute (launchPermission) and ModifySnapshotAttribute "
                     "(createVolumePermission) for account %s; check its logs for this "
                     "backup",
                     target);
        end = STEP_FAILED;
        goto done;
    }
    progress_phase(res->d->name, res->r->name, "shared",
                   "%s and its %zu snapshot(s) shared with %s", run->source_image, im.n_snapshots,
                   target);
    end = STEP_OK;
done:
    buf_clean_up(&missing);
    ec2_perms_clean_up(&perms);
    ec2_image_clean_up(&im);
    return end;
}
