/*
 * The backup plan side of the posture (posture_impl.h): finding the plan
 * (by name, or by the selections that name the drill's resources), then
 * judging its rules (retention) and their copy actions (destinations)
 * against what the drill expects, seed 004's daily / weekly / monthly
 * rules copied to the DR vault unless posture says otherwise.
 */
#include "check/policy.h"
#include "check/posture_impl.h"
#include "buf.h"
#include "mem.h"
#include "run/progress.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct drill_posture_rule s_default_rules[] = {
    {(char *)"daily", POSTURE_DAILY_DAYS},
    {(char *)"weekly", POSTURE_WEEKLY_DAYS},
    {(char *)"monthly", POSTURE_MONTHLY_DAYS},
};

static const struct drill_posture_rule *s_rules(const struct drill *d, size_t *n)
{
    if (d->posture.n_rules) {
        *n = d->posture.n_rules;
        return d->posture.rules;
    }
    *n = sizeof s_default_rules / sizeof s_default_rules[0];
    return s_default_rules;
}

/* The expected copy destinations: posture.copies, or the target's vault when the target is
 * another account or region. *one holds the default. */
static const struct drill_posture_copy *s_copies(const struct drill *d,
                                                 struct drill_posture_copy *one, size_t *n)
{
    if (d->posture.n_copies) {
        *n = d->posture.n_copies;
        return d->posture.copies;
    }
    *n = 0;
    if (d->target.vault && (strcmp(d->source.account, d->target.account) != 0 ||
                            strcmp(d->source.region, d->target.region) != 0)) {
        one->account = d->target.account;
        one->region = d->target.region;
        one->vault = d->target.vault;
        *n = 1;
    }
    return one;
}

/* needle occurs in hay, letters compared case-insensitively. */
static bool s_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return n == 0;
}

/* A selection names arn: one of its Resources matches and none of its NotResources. */
static bool s_selects(const struct backup_selection *sel, const char *arn)
{
    bool in = false;
    for (size_t i = 0; i < sel->n_resources && !in; i++)
        in = policy_wildcard(sel->resources[i], arn, false);
    for (size_t i = 0; i < sel->n_not_resources && in; i++)
        in = !policy_wildcard(sel->not_resources[i], arn, false);
    return in;
}

/* Adds the plan with its rules (GetBackupPlan) to s->plans. */
static enum drh_status s_take(struct posture_state *s, struct aws_client *c, const char *id,
                              struct drh_err *err)
{
    struct backup_plan p = {0};
    enum drh_status st = backup_get_plan(c, id, &p, err);
    if (st != DRH_OK)
        return st;
    s->plans = xrealloc(s->plans, (s->n_plans + 1) * sizeof *s->plans);
    s->plans[s->n_plans++] = p;
    return DRH_OK;
}

/* The plans whose selections name a protected resource; what they select goes into msg. */
static enum drh_status s_by_selection(struct posture_state *s, struct aws_client *c,
                                      const struct backup_plan *all, size_t n, struct buf *msg,
                                      bool *covered, struct drh_err *err)
{
    enum drh_status st = DRH_OK;
    for (size_t i = 0; i < n && st == DRH_OK; i++) {
        struct backup_selection *sels = NULL;
        size_t n_sels = 0;
        if ((st = backup_list_selections(c, all[i].id, &sels, &n_sels, err)) != DRH_OK)
            break;
        bool *mine = xcalloc(s->n_res + 1, sizeof *mine);
        bool any = false;
        for (size_t j = 0; j < n_sels && st == DRH_OK; j++) {
            struct backup_selection sel = {0};
            if ((st = backup_get_selection(c, all[i].id, sels[j].id, &sel, err)) != DRH_OK)
                break;
            for (size_t k = 0; k < s->n_res; k++)
                if (s_selects(&sel, s->res[k].arn))
                    covered[k] = mine[k] = any = true;
            backup_selection_clean_up(&sel);
        }
        struct buf names;
        buf_init(&names);
        for (size_t k = 0; k < s->n_res; k++)
            if (mine[k])
                buf_printf(&names, "%s%s", names.len ? ", " : "", s->res[k].name);
        free(mine);
        if (st == DRH_OK && any) {
            st = s_take(s, c, all[i].id, err);
            buf_printf(msg, "%splan '%s' (%s) selects %s", msg->len ? "; " : "",
                       all[i].name ? all[i].name : "", all[i].id, buf_str(&names));
        }
        buf_clean_up(&names);
        backup_selections_free(sels, n_sels);
    }
    return st;
}

static void s_find(struct posture_state *s, struct posture_finding *f)
{
    const struct drill *d = s->c->d;
    const struct drill_side *src = &d->source;
    struct drh_err err;
    drh_err_clear(&err);
    struct aws_client *c = NULL;
    struct backup_plan *all = NULL;
    size_t n = 0;
    bool *covered = xcalloc(s->n_res + 1, sizeof *covered);
    struct buf msg;
    buf_init(&msg);
    enum drh_status st = side_client(s->c->src, NULL, &c, &err);
    if (st == DRH_OK)
        st = backup_list_plans(c, &all, &n, &err);
    if (st == DRH_OK && d->posture.plan) {
        size_t i = 0;
        while (i < n && !(all[i].name && strcmp(all[i].name, d->posture.plan) == 0))
            i++;
        if (i == n) {
            for (size_t j = 0; j < n; j++)
                buf_printf(&msg, "%s'%s'", msg.len ? ", " : "", all[j].name ? all[j].name : "");
            posture_set(f, REPORT_FAIL, "no backup plan named '%s' in %s (%s); plans there: %s",
                        d->posture.plan, src->account, src->region,
                        msg.len ? buf_str(&msg) : "none");
            posture_hint(f, "check posture.plan (plan names are case-sensitive) and the source "
                            "account and region");
            goto done;
        }
        if ((st = s_take(s, c, all[i].id, &err)) == DRH_OK)
            buf_printf(&msg, "plan '%s' (%s)", all[i].name, all[i].id);
    } else if (st == DRH_OK) {
        st = s_by_selection(s, c, all, n, &msg, covered, &err);
        if (st == DRH_OK && s->n_plans == 0) {
            struct buf names;
            buf_init(&names);
            for (size_t k = 0; k < s->n_res; k++)
                buf_printf(&names, "%s%s (%s)", k ? ", " : "", s->res[k].name, s->res[k].arn);
            posture_set(f, REPORT_FAIL, "no backup plan of %s (%s) selects %s", src->account,
                        src->region,
                        s->n_res ? buf_str(&names)
                                 : "the drill's resources (it "
                                   "names none backed up by AWS "
                                   "Backup)");
            posture_hint(f, "name it in posture.plan (selections by tag are not matched)");
            buf_clean_up(&names);
            goto done;
        }
        for (size_t k = 0; k < s->n_res && st == DRH_OK; k++)
            if (!covered[k])
                buf_printf(&msg, "; %s is in no plan's Resources (selected by tag?)",
                           s->res[k].name);
    }
    if (st != DRH_OK) {
        posture_error(f, &err);
        goto done;
    }
    buf_printf(&msg, "; rules:");
    for (size_t i = 0; i < s->n_plans; i++)
        for (size_t j = 0; j < s->plans[i].n_rules; j++)
            buf_printf(&msg, "%s %s", i + j ? "," : "", s->plans[i].rules[j].name);
    posture_set(f, REPORT_PASS, "%s", buf_str(&msg));
    s->plan_found = true;
done:
    buf_clean_up(&msg);
    free(covered);
    backup_plans_free(all, n);
}

/* Days a rule keeps recovery points, LONG_MAX for ever. */
static long s_days(const struct backup_rule *r)
{
    return r->delete_after_days > 0 ? r->delete_after_days : LONG_MAX;
}

static void s_retention(const struct backup_rule *r, char *out, size_t size)
{
    if (s_days(r) == LONG_MAX)
        snprintf(out, size, "until deleted (no DeleteAfterDays)");
    else
        snprintf(out, size, "%ld days", r->delete_after_days);
}

/* The plan holding rule r, for messages. */
static const char *s_plan_of(const struct posture_state *s, const struct backup_rule *r)
{
    for (size_t i = 0; i < s->n_plans; i++)
        if (r >= s->plans[i].rules && r < s->plans[i].rules + s->plans[i].n_rules)
            return s->plans[i].name ? s->plans[i].name : s->plans[i].id;
    return "?";
}

static void s_rule(struct posture_state *s, const struct drill_posture_rule *want,
                   struct posture_finding *f)
{
    const struct backup_rule *best = NULL;
    struct buf names;
    buf_init(&names);
    for (size_t i = 0; i < s->n_plans; i++)
        for (size_t j = 0; j < s->plans[i].n_rules; j++) {
            const struct backup_rule *r = &s->plans[i].rules[j];
            buf_printf(&names, "%s%s", names.len ? ", " : "", r->name);
            if (s_contains(r->name, want->name) && (!best || s_days(r) > s_days(best)))
                best = r;
        }
    char kept[64];
    if (!best) {
        posture_set(f, REPORT_FAIL, "no rule is named like '%s' (rules: %s)", want->name,
                    names.len ? buf_str(&names) : "none");
        posture_hint(f,
                     "add a %s rule keeping recovery points at least %ld days, or state the "
                     "rules you expect in posture.rules",
                     want->name, want->retention_days);
    } else if (s_days(best) < want->retention_days) {
        s_retention(best, kept, sizeof kept);
        posture_set(f, REPORT_FAIL,
                    "rule '%s' of plan '%s' keeps recovery points %s, less than %ld days "
                    "(schedule %s)",
                    best->name, s_plan_of(s, best), kept, want->retention_days,
                    best->schedule ? best->schedule : "none");
        posture_hint(f, "set the rule's Lifecycle.DeleteAfterDays to at least %ld",
                     want->retention_days);
    } else {
        s_retention(best, kept, sizeof kept);
        posture_set(f, REPORT_PASS,
                    "rule '%s' of plan '%s' keeps recovery points %s (at least %ld), schedule "
                    "%s, into vault '%s'",
                    best->name, s_plan_of(s, best), kept, want->retention_days,
                    best->schedule ? best->schedule : "none", best->vault ? best->vault : "?");
    }
    buf_clean_up(&names);
}

/* A copy action's destination is in the account and region (and is the vault when given). */
static bool s_copies_to(const struct backup_copy_action *a, const struct drill_posture_copy *want)
{
    char region[32], account[16], resource[128];
    if (!policy_arn_field(a->dest_vault_arn, 3, region, sizeof region) ||
        !policy_arn_field(a->dest_vault_arn, 4, account, sizeof account) ||
        !policy_arn_field(a->dest_vault_arn, 5, resource, sizeof resource))
        return false;
    if (strcmp(region, want->region) != 0 || strcmp(account, want->account) != 0)
        return false;
    return !want->vault ||
           (strncmp(resource, "backup-vault:", 13) == 0 && strcmp(resource + 13, want->vault) == 0);
}

static void s_copy(struct posture_state *s, const struct drill_posture_copy *want,
                   struct posture_finding *f)
{
    size_t n_rules = 0;
    const struct drill_posture_rule *rules = s_rules(s->c->d, &n_rules);
    struct buf lack, have;
    buf_init(&lack);
    buf_init(&have);
    for (size_t w = 0; w < n_rules; w++) {
        bool matched = false, copies = false;
        struct buf names;
        buf_init(&names);
        for (size_t i = 0; i < s->n_plans; i++)
            for (size_t j = 0; j < s->plans[i].n_rules; j++) {
                const struct backup_rule *r = &s->plans[i].rules[j];
                if (!s_contains(r->name, rules[w].name))
                    continue;
                matched = true;
                bool one = false;
                for (size_t k = 0; k < r->n_copies && !one; k++)
                    one = s_copies_to(&r->copies[k], want);
                buf_printf(one ? &have : &names, "%s%s", (one ? have.len : names.len) ? ", " : "",
                           r->name);
                copies |= one;
            }
        if (!matched)
            buf_printf(&lack, "%s'%s' (no such rule)", lack.len ? ", " : "", rules[w].name);
        else if (!copies)
            buf_printf(&lack, "%s%s", lack.len ? ", " : "", buf_str(&names));
        buf_clean_up(&names);
    }
    char *dest = want->vault ? backup_vault_arn(want->region, want->account, want->vault)
                             : xasprintf("a vault of %s in %s", want->account, want->region);
    if (lack.len) {
        posture_set(f, REPORT_FAIL, "rules without a copy action to %s: %s", dest, buf_str(&lack));
        posture_hint(f, "add a copy action with DestinationBackupVaultArn %s to those rules", dest);
    } else {
        posture_set(f, REPORT_PASS, "rules %s copy to %s", buf_str(&have), dest);
    }
    free(dest);
    buf_clean_up(&lack);
    buf_clean_up(&have);
}

void posture_plan_checks(struct posture_state *s)
{
    const struct drill *d = s->c->d;
    struct posture_finding f;
    double t = progress_elapsed();
    s_find(s, &f);
    posture_emit(s, "posture plan", t, &f);
    size_t n_rules = 0, n_copies = 0;
    const struct drill_posture_rule *rules = s_rules(d, &n_rules);
    struct drill_posture_copy one = {0};
    const struct drill_posture_copy *copies = s_copies(d, &one, &n_copies);
    char name[200];
    for (size_t i = 0; i < n_rules; i++) {
        snprintf(name, sizeof name, "posture rule %s", rules[i].name);
        t = progress_elapsed();
        if (s->plan_found)
            s_rule(s, &rules[i], &f);
        else
            posture_set(&f, REPORT_SKIPPED, "not run: no backup plan found");
        posture_emit(s, name, t, &f);
    }
    for (size_t i = 0; i < n_copies; i++) {
        snprintf(name, sizeof name, "posture copy to %s/%s%s%s", copies[i].account,
                 copies[i].region, copies[i].vault ? "/" : "",
                 copies[i].vault ? copies[i].vault : "");
        t = progress_elapsed();
        if (s->plan_found)
            s_copy(s, &copies[i], &f);
        else
            posture_set(&f, REPORT_SKIPPED, "not run: no backup plan found");
        posture_emit(s, name, t, &f);
    }
}
