/*
 * A drill side as AWS clients (side.h). The chain and the role provider are
 * shared by the side's clients, so one AssumeRole serves every region.
 */
#include "run/side.h"
#include "aws/config.h"
#include "aws/creds.h"
#include "aws/endpoint.h"
#include "aws/sts.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define SIDE_MAX_REGIONS 4

struct side {
    const struct drill_side *def;
    const char *name;
    struct aws_config *cfg;
    struct aws_creds_provider *chain;
    struct aws_creds_provider *role;
    struct {
        char *region;
        struct aws_client *client;
    } clients[SIDE_MAX_REGIONS];
};

enum drh_status side_open(const struct drill_side *ds, const char *name, struct side **out,
                          struct drh_err *err)
{
    struct side *s = xcalloc(1, sizeof(*s));
    s->def = ds;
    s->name = name;
    enum drh_status st = aws_config_load(NULL, &s->cfg, err);
    if (st != DRH_OK)
        goto fail;
    struct aws_creds_options co = {0};
    co.cfg = s->cfg;
    co.profile = ds->profile;
    co.explicit_profile = ds->profile != NULL;
    co.region = ds->region;
    if ((st = aws_creds_chain_new(&co, &s->chain, err)) != DRH_OK)
        goto fail;
    if (ds->role_arn) {
        struct aws_assume_role r = {ds->role_arn, ds->external_id, NULL, 0};
        if ((st = aws_creds_assume_role_new(s->chain, &r, &co, &s->role, err)) != DRH_OK)
            goto fail;
    }
    *out = s;
    return DRH_OK;
fail:
    drh_err_prefix(err, "%s side", name);
    side_free(s);
    return st;
}

void side_free(struct side *s)
{
    if (!s)
        return;
    for (int i = 0; i < SIDE_MAX_REGIONS; i++) {
        aws_client_free(s->clients[i].client);
        free(s->clients[i].region);
    }
    aws_creds_provider_free(s->role);
    aws_creds_provider_free(s->chain);
    aws_config_free(s->cfg);
    free(s);
}

enum drh_status side_client(struct side *s, const char *region, struct aws_client **out,
                            struct drh_err *err)
{
    if (!region)
        region = s->def->region;
    int free_slot = -1;
    for (int i = 0; i < SIDE_MAX_REGIONS; i++) {
        if (s->clients[i].client && strcmp(s->clients[i].region, region) == 0) {
            *out = s->clients[i].client;
            return DRH_OK;
        }
        if (!s->clients[i].client && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0)
        return drh_err_set(err, DRH_E_INTERNAL, "%s side: too many regions", s->name);
    struct aws_client_options o = {0};
    o.region = region;
    o.creds = s->role ? s->role : s->chain;
    o.cfg = s->cfg;
    o.profile = aws_config_profile_name(NULL, s->def->profile);
    struct aws_client *c = NULL;
    enum drh_status st = aws_client_new(&o, &c, err);
    if (st != DRH_OK)
        return drh_err_prefix(err, "%s side", s->name);
    s->clients[free_slot].client = c;
    s->clients[free_slot].region = xstrdup(region);
    *out = c;
    return DRH_OK;
}

enum drh_status side_verify_account(struct side *s, struct drh_err *err)
{
    struct aws_client *c = NULL;
    enum drh_status st = side_client(s, NULL, &c, err);
    if (st != DRH_OK)
        return st;
    struct sts_identity id = {0};
    if ((st = sts_get_caller_identity(c, &id, err)) != DRH_OK) {
        drh_err_prefix(err, "%s side (account %s)", s->name, s->def->account);
        return st;
    }
    if (strcmp(id.account, s->def->account) != 0) {
        st = drh_err_set(err, DRH_E_CONFIG,
                         "%s side: credentials (%s) belong to account %s, not %s", s->name,
                         aws_creds_describe(s->role ? s->role : s->chain), id.account,
                         s->def->account);
        drh_err_hint(err, "check the %s side's profile and role_arn in the drill file", s->name);
    }
    sts_identity_clean_up(&id);
    return st;
}

const struct drill_side *side_def(const struct side *s)
{
    return s->def;
}

const char *side_name(const struct side *s)
{
    return s->name;
}

const char *side_partition(const struct side *s)
{
    const struct aws_partition *p = aws_partition_of(s->def->region);
    return p ? p->name : "aws";
}
