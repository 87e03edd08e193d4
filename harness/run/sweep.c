/*
 * drh sweep's judgement and action (sweep.h): the things found grouped by
 * their drh:run-id, each run judged from its ledger here and its things'
 * drh:expires, and a sweepable run's things deleted by teardown_run()
 * through its ledger, which sweep first completes with what the listings
 * found (or, for a run another runner made, creates). So nothing is
 * deleted that does not carry the run's id, as in every teardown.
 */
#include "run/sweep.h"

#include "log.h"
#include "mem.h"
#include "reports/report.h"
#include "run/resource.h"
#include "run/side.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *sweep_verdict_name(enum sweep_verdict v)
{
    static const char *const names[] = {"ended", "expired", "older", "in progress", "unknown age"};
    return (unsigned)v <= SWEEP_UNKNOWN ? names[v] : "?";
}

bool sweep_verdict_deletes(enum sweep_verdict v)
{
    return v == SWEEP_ENDED || v == SWEEP_EXPIRED || v == SWEEP_OLD;
}

enum sweep_verdict sweep_judge(const struct sweep_facts *f, double now, long older_than, double *at)
{
    *at = 0;
    if (f->ended)
        return SWEEP_ENDED;
    /* both should agree; the later one is the safer */
    double expires = f->tag_expires > f->ledger_expires ? f->tag_expires : f->ledger_expires;
    if (expires > 0) {
        *at = expires;
        return now > expires ? SWEEP_EXPIRED : SWEEP_IN_PROGRESS;
    }
    if (older_than > 0 && f->newest_created > 0) {
        *at = f->newest_created;
        if (now - f->newest_created > (double)older_than)
            return SWEEP_OLD;
    }
    return SWEEP_UNKNOWN;
}

static struct sweep_run *s_run(struct sweep_run **runs, size_t *n, size_t *cap, const char *id)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*runs)[i].run_id, id) == 0)
            return &(*runs)[i];
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *runs = xrealloc(*runs, *cap * sizeof **runs);
    }
    struct sweep_run *r = &(*runs)[(*n)++];
    memset(r, 0, sizeof *r);
    r->run_id = xstrdup(id);
    return r;
}

/* Its ledger here, when there is one that opens. */
static struct ledger *s_ledger(const char *state_dir, const char *run_id)
{
    struct drh_err err;
    drh_err_clear(&err);
    struct ledger *l = NULL;
    if (report_check_run_id(run_id, &err) != DRH_OK)
        return NULL;
    enum drh_status st = ledger_open(state_dir, run_id, &l, &err);
    if (st != DRH_OK && st != DRH_E_NOTFOUND)
        log_warn("sweep: run %s: %s", run_id, err.msg);
    return st == DRH_OK ? l : NULL;
}

static bool s_named(const struct ledger *l, const struct sweep_thing *t, bool *gone)
{
    for (size_t i = 0; l && i < ledger_count(l); i++) {
        const struct ledger_entry *e = ledger_at(l, i);
        if (e->kind == t->kind && strcmp(e->id, t->id) == 0) {
            *gone = e->gone;
            return true;
        }
    }
    return false;
}

/* The runs whose ledger here still names things, of the drills given (or
 * the one run asked for). */
static enum drh_status s_local(struct drill *const *drills, size_t n_drills,
                               const struct sweep_options *o, struct sweep_run **runs, size_t *n,
                               size_t *cap, struct drh_err *err)
{
    char *dir = xasprintf("%s/runs", o->state_dir);
    DIR *dh = opendir(dir);
    if (!dh) {
        enum drh_status st =
            errno == ENOENT ? DRH_OK
                            : drh_err_set(err, DRH_E_IO, "cannot read the state folder '%s': %s",
                                          dir, strerror(errno));
        free(dir);
        return st;
    }
    struct dirent *de;
    while ((de = readdir(dh))) {
        const char *id = de->d_name;
        if (id[0] == '.' || (o->run_id && strcmp(id, o->run_id) != 0))
            continue;
        bool known = false;
        for (size_t i = 0; i < *n && !known; i++)
            known = strcmp((*runs)[i].run_id, id) == 0;
        struct ledger *l = known ? NULL : s_ledger(o->state_dir, id);
        if (!l)
            continue;
        size_t index = n_drills;
        for (size_t i = 0; i < n_drills && index == n_drills; i++)
            if (strcmp(drills[i]->name, ledger_drill_name(l)) == 0)
                index = i;
        if (ledger_pending(l) == 0 || (n_drills && index == n_drills && !o->run_id)) {
            ledger_close(l);
            continue;
        }
        struct sweep_run *r = s_run(runs, n, cap, id);
        r->l = l;
        r->drill = xstrdup(ledger_drill_name(l));
        r->drill_index = index < n_drills ? index : 0;
    }
    closedir(dh);
    free(dir);
    return DRH_OK;
}

static int s_by_id(const void *a, const void *b)
{
    return strcmp(((const struct sweep_run *)a)->run_id, ((const struct sweep_run *)b)->run_id);
}

/* Counts the ledger's entries not gone that no listing found, and judges. */
static void s_judge(struct sweep_run *r, const struct sweep_found *f, const struct sweep_options *o)
{
    struct sweep_facts facts = {0};
    for (size_t i = 0; i < r->n_things; i++) {
        const struct sweep_thing *t = &f->v[r->things[i]];
        if (t->expires > facts.tag_expires)
            facts.tag_expires = t->expires;
        if (t->created > facts.newest_created)
            facts.newest_created = t->created;
    }
    for (size_t i = 0; r->l && i < ledger_count(r->l); i++) {
        const struct ledger_entry *e = ledger_at(r->l, i);
        bool found = false;
        for (size_t k = 0; k < r->n_things && !found; k++) {
            const struct sweep_thing *t = &f->v[r->things[k]];
            found = t->kind == e->kind && strcmp(t->id, e->id) == 0;
        }
        r->n_ledger += !e->gone && !found;
    }
    if (r->l) {
        /* what the teardown policy kept on purpose waits for the expiry */
        facts.ended = ledger_kept(r->l) ? NULL : ledger_ended(r->l);
        facts.ledger_expires = ledger_expires(r->l);
    }
    r->verdict = sweep_judge(&facts, o->now, o->older_than, &r->at);
}

enum drh_status sweep_plan(const struct sweep_found *f, struct drill *const *drills,
                           size_t n_drills, const struct sweep_options *o, struct sweep_run **runs,
                           size_t *n, struct drh_err *err)
{
    struct sweep_run *v = NULL;
    size_t len = 0, cap = 0;
    for (size_t i = 0; i < f->n; i++) {
        const struct sweep_thing *t = &f->v[i];
        if (o->run_id && strcmp(t->run_id, o->run_id) != 0)
            continue;
        struct sweep_run *r = s_run(&v, &len, &cap, t->run_id);
        if (r->n_things == 0) {
            r->drill_index = t->drill_index;
            r->l = s_ledger(o->state_dir, t->run_id);
        }
        if (!r->drill && (t->drill || r->l))
            r->drill = xstrdup(t->drill ? t->drill : ledger_drill_name(r->l));
        r->things = xrealloc(r->things, (r->n_things + 1) * sizeof *r->things);
        r->things[r->n_things++] = i;
    }
    enum drh_status st = s_local(drills, n_drills, o, &v, &len, &cap, err);
    for (size_t i = 0; i < len; i++) {
        if (!v[i].drill)
            v[i].drill = xstrdup(n_drills ? drills[v[i].drill_index]->name : "?");
        s_judge(&v[i], f, o);
    }
    if (len > 1)
        qsort(v, len, sizeof *v, s_by_id);
    if (st != DRH_OK) {
        sweep_runs_free(v, len);
        return st;
    }
    *runs = v;
    *n = len;
    return DRH_OK;
}

/* Writes the found things the ledger does not name yet; notes what it cannot add. */
static enum drh_status s_record(struct sweep_run *r, const struct sweep_found *f, struct buf *notes,
                                struct drh_err *err)
{
    enum drh_status st = DRH_OK;
    for (size_t i = 0; i < r->n_things && st == DRH_OK; i++) {
        const struct sweep_thing *t = &f->v[r->things[i]];
        const struct drill_side *sd = ledger_side(r->l, strcmp(t->side, "target") == 0);
        bool gone = false;
        if (sd->account && strcmp(sd->account, t->account) != 0) {
            buf_printf(notes, "%s%s %s kept: found in account %s, the run's %s account is %s",
                       notes->len ? "; " : "", ledger_kind_name(t->kind), t->id, t->account,
                       t->side, sd->account);
            r->left++;
            continue;
        }
        if (s_named(r->l, t, &gone)) {
            if (gone) {
                buf_printf(notes, "%s%s %s kept: its ledger says it is gone",
                           notes->len ? "; " : "", ledger_kind_name(t->kind), t->id);
                r->left++;
            }
            continue;
        }
        st = ledger_intent(r->l, t->kind, t->side, t->region, t->id, t->vault, NULL, NULL, err);
        if (st == DRH_OK)
            st = ledger_created(r->l, t->kind, t->id, t->arn, NULL, err);
        if (st == DRH_OK && t->detail)
            st = ledger_detail(r->l, t->kind, t->id, t->detail, err);
    }
    return st;
}

enum drh_status sweep_apply(struct sweep_run *r, const struct sweep_found *f,
                            struct drill *const *drills, const char *state_dir, struct drh_err *err)
{
    struct buf notes;
    buf_init(&notes);
    struct side *src = NULL, *tgt = NULL;
    enum drh_status st = DRH_OK;
    r->left = 0;
    if (!r->l) {
        /* another runner's run: its ledger starts here, with the drill file's sides */
        struct drill d = *drills[r->drill_index];
        d.name = r->drill;
        st = ledger_create(state_dir, r->run_id, &d, &r->l, err);
    }
    if (st == DRH_OK)
        st = s_record(r, f, &notes, err);
    if (st == DRH_OK)
        st = side_open(ledger_side(r->l, false), "source", &src, err);
    if (st == DRH_OK)
        st = side_open(ledger_side(r->l, true), "target", &tgt, err);
    if (st == DRH_OK) {
        size_t kept = r->left;
        char *msg = NULL;
        enum step_end e = teardown_run(r->l, NULL, src, tgt, &msg, err);
        /* the summary starts with teardown's count: "3 deleted, 0 left..." */
        r->deleted = (int)strtol(msg, NULL, 10);
        r->left = teardown_left(r->l, NULL) + kept;
        buf_printf(&notes, "%s%s", notes.len ? "; " : "", msg);
        free(msg);
        st = e == STEP_OK ? DRH_OK : err->code != DRH_OK ? err->code : DRH_E_AWS;
        if (st == DRH_OK && kept) {
            st = drh_err_set(err, DRH_E_CONFIG, "run %s: %zu thing(s) not swept: %s", r->run_id,
                             kept, buf_str(&notes));
            drh_err_hint(err, "sweep with the drill file that run used, or delete them by "
                              "hand once you know whose they are");
        }
        struct drh_err end_err;
        drh_err_clear(&end_err);
        if (ledger_end(r->l, "sweep", false, &end_err) != DRH_OK)
            log_warn("%s", end_err.msg);
    }
    r->failed = st != DRH_OK;
    if (st != DRH_OK && !notes.len)
        buf_puts(&notes, err->msg);
    free(r->message);
    r->message = buf_detach(&notes);
    side_free(src);
    side_free(tgt);
    return st;
}

void sweep_runs_free(struct sweep_run *runs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ledger_close(runs[i].l);
        free(runs[i].run_id);
        free(runs[i].drill);
        free(runs[i].things);
        free(runs[i].message);
    }
    free(runs);
}
