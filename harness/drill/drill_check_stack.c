/*
 * The rules that tie the stack's keys to the rest of a drill
 * (drill_impl.h): the target is not the source's production account unless
 * the drill allows it; a point-in-time restore runs in the source's own
 * account and region; "after" names earlier resources; a template's
 * {NAME.KEY} names an output of a resource it runs after.
 */
#include "drill/drill_impl.h"

#include "mem.h"

#include <stdio.h>
#include <string.h>

static void s_production(struct drill_ctx *c, const struct json *root, const struct drill *d)
{
    if (d->target.allow_production || strcmp(d->source.account, d->target.account) != 0)
        return;
    drill_conflict(c, drill_at(json_get(root, "target"), "account"), false,
                   "target.account: %s is the source's (production) account", d->target.account);
    drill_hint(c, "restore drills into a separate account; to restore beside production on "
                  "purpose (a point-in-time restore runs there), set \"allow_production\": true "
                  "in target");
}

static void s_pitr(struct drill_ctx *c, const struct json *rv, const char *path,
                   struct drill_resource *r, const struct drill *d)
{
    bool db = r->type == DRILL_RDS || r->type == DRILL_AURORA;
    const struct json *pv = json_get(rv, "pitr");
    if (!db)
        return;
    if (r->path != DRILL_PATH_PITR) {
        if (pv) {
            drill_conflict(c, pv, true, "%s.pitr: only used with path 'pitr'", path);
            drill_hint(c, "set \"path\": \"pitr\" to restore to a point in time, or remove "
                          "\"pitr\"");
        }
        return;
    }
    if (!r->pitr.at && !r->pitr.ago)
        r->pitr.latest = true;
    r->copy = false;
    static const char *const not_with[] = {"recovery_point", "copy"};
    for (size_t i = 0; i < 2; i++) {
        const struct json *m = json_get(rv, not_with[i]);
        if (!m)
            continue;
        drill_conflict(c, m, true, "%s.%s: not used with path 'pitr'", path, not_with[i]);
        drill_hint(c, "a point-in-time restore reads the source's continuous backup: remove "
                      "\"%s\"",
                      not_with[i]);
    }
    if (strcmp(d->source.account, d->target.account) != 0 ||
        strcmp(d->source.region, d->target.region) != 0) {
        drill_conflict(c, drill_at(rv, "path"), false,
                       "%s.path: 'pitr' restores in the source's account and region (%s %s), "
                       "not the target's %s %s",
                       path, d->source.account, d->source.region, d->target.account,
                       d->target.region);
        drill_hint(c, "RDS restores to a point in time only where the database runs: make the "
                      "target the source's account and region, with \"allow_production\": true");
    }
}

static long s_index(const struct drill *d, const char *name, size_t upto)
{
    for (size_t j = 0; j < upto; j++)
        if (strcmp(d->resources[j].name, name) == 0)
            return (long)j;
    return -1;
}

static void s_after(struct drill_ctx *c, const struct json *rv, const char *path, size_t i,
                    const struct drill *d)
{
    const struct drill_resource *r = &d->resources[i];
    const struct json *av = json_get(rv, "after");
    for (size_t k = 0; k < r->n_after; k++) {
        if (s_index(d, r->after[k], i) >= 0)
            continue;
        const struct json *at = json_array_at(av, k);
        long later = s_index(d, r->after[k], d->n_resources);
        if (later >= 0 && (size_t)later == i) {
            drill_conflict(c, at, false, "%s.after[%zu]: a resource cannot run after itself",
                           path, k);
            drill_hint(c, "name the resources whose outputs this one needs");
        } else if (later >= 0) {
            drill_conflict(c, at, false,
                           "%s.after[%zu]: '%s' comes later in the drill (resources[%ld])", path,
                           k, r->after[k], later);
            drill_hint(c, "list resources in the order they restore: move '%s' before '%s'",
                       r->after[k], r->name);
        } else {
            drill_conflict(c, at, false, "%s.after[%zu]: no resource is named '%s'", path, k,
                           r->after[k]);
            drill_hint(c, "name an earlier resource of this drill by its \"name\"");
        }
    }
    if (r->type == DRILL_CHECK && r->n_probes == 0) {
        drill_conflict(c, drill_at(rv, "probes"), false, "%s.probes: a check needs a probe", path);
        drill_hint(c, "add {\"kind\": \"command\", \"command\": \"...\"} or {\"kind\": \"http\", "
                      "\"url\": \"http://...\"}");
    }
}

/* Every {NAME.KEY} of tmpl: NAME in r->after, KEY an output of its type.
 * Only a check's probes take them (used false: any is refused). */
static void s_template(struct drill_ctx *c, const struct json *at, const char *where,
                       const char *tmpl, const struct drill_resource *r, const struct drill *d,
                       bool used)
{
    if (!tmpl)
        return;
    for (const char *p = strchr(tmpl, '{'); p; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}'), *dot = memchr(p, '.', end ? (size_t)(end - p) : 0);
        if (!end || !dot)
            continue;
        char name[64], key[64];
        size_t nl = (size_t)(dot - p - 1), kl = (size_t)(end - dot - 1);
        if (nl == 0 || nl >= sizeof name || kl == 0 || kl >= sizeof key)
            continue;
        memcpy(name, p + 1, nl);
        name[nl] = '\0';
        memcpy(key, dot + 1, kl);
        key[kl] = '\0';
        if (!used) {
            drill_conflict(c, at, false, "%s: {%s.%s}: only a check's probes use the outputs of "
                                         "other resources",
                           where, name, key);
            drill_hint(c, "add a resource of type \"check\" after '%s' whose command or url uses "
                          "{%s.%s}",
                       name, name, key);
            return;
        }
        bool listed = false;
        for (size_t k = 0; k < r->n_after && !listed; k++)
            listed = strcmp(r->after[k], name) == 0;
        long j = s_index(d, name, d->n_resources);
        if (!listed) {
            drill_conflict(c, at, false, "%s: {%s.%s} names '%s', which is not in \"after\"",
                           where, name, key, name);
            drill_hint(c, "a template uses the outputs of the resources this one runs after: add "
                          "\"after\": [\"%s\"]",
                          name);
            return;
        }
        if (j < 0)
            return; /* s_after reports it */
        enum drill_resource_type t = d->resources[j].type;
        const char *const *keys = drill_outputs(t);
        bool known = false;
        for (size_t k = 0; keys[k] && !known; k++)
            known = strcmp(keys[k], key) == 0;
        if (!known) {
            char list[256] = "";
            for (size_t k = 0; keys[k]; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "",
                         keys[k]);
            drill_conflict(c, at, false, "%s: {%s.%s}: %s %s resource has no output '%s'", where,
                           name, key, drill_article(drill_resource_type_name(t)),
                           drill_resource_type_name(t), key);
            drill_hint(c, "its outputs: %s", list[0] ? list : "none");
            return;
        }
    }
}

static void s_templates(struct drill_ctx *c, const struct json *rv, const char *path,
                        const struct drill_resource *r, const struct drill *d)
{
    char where[DRILL_WHERE_MAX];
    const struct json *pv = json_get(rv, "probes");
    for (size_t k = 0; k < r->n_probes; k++) {
        const struct json *p = json_array_at(pv, k);
        char probes[DRILL_WHERE_MAX];
        drill_where(probes, sizeof probes, path, "probes");
        drill_where_index(where, sizeof where, probes, k);
        s_template(c, drill_at(p, "command"), where, r->probes[k].command, r, d, true);
        s_template(c, drill_at(p, "url"), where, r->probes[k].url, r, d, true);
    }
    const struct json *mount = json_get(json_get(rv, "restore"), "mount");
    char restore[DRILL_WHERE_MAX];
    drill_where(restore, sizeof restore, path, "restore");
    drill_where(where, sizeof where, restore, "mount");
    s_template(c, drill_at(mount, "mount"), where, r->efs.mount_cmd, r, d, false);
    s_template(c, drill_at(mount, "unmount"), where, r->efs.unmount_cmd, r, d, false);
    drill_where(restore, sizeof restore, path, "reach");
    drill_where(where, sizeof where, restore, "tunnel");
    s_template(c, drill_at(json_get(rv, "reach"), "tunnel"), where, r->ec2.tunnel, r, d, false);
}

void drill_check_stack(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    s_production(c, root, d);
    const struct json *rs = json_get(root, "resources");
    for (size_t i = 0; i < d->n_resources; i++) {
        struct drill_resource *r = &d->resources[i];
        const struct json *rv = json_array_at(rs, i);
        char path[DRILL_WHERE_MAX];
        snprintf(path, sizeof path, "resources[%zu]", i);
        s_pitr(c, rv, path, r, d);
        s_after(c, rv, path, i, d);
        s_templates(c, rv, path, r, d);
    }
    drill_posture_defaults(d);
}
