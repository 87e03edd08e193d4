/*
 * Teardown of the EC2 ledger kinds (teardown.h): launched instances
 * (terminated, then confirmed terminated), AMI copies (deregistered) and
 * their snapshots (deleted). Each only when its drh:run-id tag names the
 * run. An entry whose create call never returned an id (a crash between
 * the intent and the answer) is looked up: instances by the run's tag,
 * images by the copy's name.
 */
#include "aws/ec2.h"
#include "mem.h"
#include "run/teardown.h"

#include <stdlib.h>
#include <string.h>

struct ec2_look {
    struct aws_client *c;
    enum ledger_kind kind;
    const char *id;
};

static enum drh_status s_look(void *ctx, struct buf *status, struct drh_err *err)
{
    struct ec2_look *p = ctx;
    enum drh_status st;
    if (p->kind == LEDGER_EC2_INSTANCE) {
        struct ec2_instance in = {0};
        st = ec2_describe_instance(p->c, p->id, &in, err);
        buf_puts(status, in.state ? in.state : "?");
        if (st == DRH_OK && in.state && strcmp(in.state, "terminated") == 0)
            st = DRH_E_NOTFOUND;
        ec2_instance_clean_up(&in);
    } else if (p->kind == LEDGER_EC2_IMAGE) {
        struct ec2_image im = {0};
        st = ec2_describe_image(p->c, p->id, &im, err);
        buf_puts(status, im.state ? im.state : "?");
        if (st == DRH_OK && im.state && strcmp(im.state, "deregistered") == 0)
            st = DRH_E_NOTFOUND;
        ec2_image_clean_up(&im);
    } else {
        struct ec2_snapshot s = {0};
        st = ec2_describe_snapshot(p->c, p->id, &s, err);
        buf_puts(status, s.state ? s.state : "?");
        ec2_snapshot_clean_up(&s);
    }
    return st;
}

/* Deletes one thing by id once its tag says it is this run's. */
static enum drh_status s_delete(struct td *t, const struct ledger_entry *e, struct aws_client *c,
                                const char *id, struct drh_err *err)
{
    char *tag = NULL;
    enum drh_status st = ec2_get_tag(c, id, LEDGER_TAG_RUN, &tag, err);
    struct ec2_look look = {c, e->kind, id};
    struct buf status;
    buf_init(&status);
    if (st == DRH_OK)
        st = s_look(&look, &status, err);
    buf_clean_up(&status);
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        free(tag);
        return DRH_E_NOTFOUND;
    }
    if (st != DRH_OK || !td_owned(t, id, tag, NULL)) {
        free(tag);
        return st;
    }
    free(tag);
    td_progress(t, e, NULL);
    if (e->kind == LEDGER_EC2_INSTANCE)
        st = ec2_terminate_instance(c, id, err);
    else if (e->kind == LEDGER_EC2_IMAGE)
        st = ec2_deregister_image(c, id, err);
    else
        st = ec2_delete_snapshot(c, id, err);
    if (st == DRH_E_NOTFOUND) {
        drh_err_clear(err);
        st = DRH_OK;
    }
    if (st == DRH_OK)
        st = td_wait_gone(t, e, s_look, &look, err);
    return st;
}

/* The ids an unresolved entry may stand for. */
static enum drh_status s_unresolved(struct td *t, const struct ledger_entry *e,
                                    struct aws_client *c, char ***ids, size_t *n,
                                    struct drh_err *err)
{
    if (e->kind == LEDGER_EC2_INSTANCE)
        return ec2_find_instances(c, LEDGER_TAG_RUN, ledger_run_id(t->l), ids, n, err);
    struct ec2_image_query q = {.owner = "self", .name = e->id};
    struct ec2_image *v = NULL;
    size_t m = 0;
    enum drh_status st = ec2_describe_images(c, &q, &v, &m, err);
    if (st != DRH_OK)
        return st;
    *ids = xcalloc(m ? m : 1, sizeof **ids);
    for (size_t i = 0; i < m; i++)
        (*ids)[i] = xstrdup(v[i].id);
    *n = m;
    ec2_images_free(v, m);
    return DRH_OK;
}

enum drh_status ec2_teardown_entry(struct td *t, const struct ledger_entry *e, struct aws_client *c,
                                   struct drh_err *err)
{
    static const char *const prefix[] = {"i-", "ami-", "snap-"};
    int k = e->kind == LEDGER_EC2_INSTANCE ? 0 : e->kind == LEDGER_EC2_IMAGE ? 1 : 2;
    int refused = t->refused;
    bool deleted = false;
    enum drh_status st = DRH_E_NOTFOUND;
    if (strncmp(e->id, prefix[k], strlen(prefix[k])) == 0) {
        st = s_delete(t, e, c, e->id, err);
        deleted = st == DRH_OK;
    } else if (k < 2) {
        char **ids = NULL;
        size_t n = 0;
        st = s_unresolved(t, e, c, &ids, &n, err);
        for (size_t i = 0; i < n; i++) {
            if (st == DRH_OK || st == DRH_E_NOTFOUND) {
                st = s_delete(t, e, c, ids[i], err);
                deleted = deleted || st == DRH_OK;
            }
            free(ids[i]);
        }
        free(ids);
        if (st == DRH_OK && n == 0)
            st = DRH_E_NOTFOUND;
    }
    if (st != DRH_OK && st != DRH_E_NOTFOUND)
        return st;
    drh_err_clear(err);
    if (t->refused != refused) /* td_owned noted it: not gone, not an error */
        return DRH_OK;
    return deleted ? td_gone(t, e, err) : ledger_gone(t->l, e->kind, e->id, err);
}
