/* Credential sources that call STS: a role assumed from other credentials,
 * and web identity (OIDC tokens of CI systems). See creds.h. */
#include "aws/creds_impl.h"

#include "aws/sts.h"
#include "crypto.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct role {
    struct aws_creds_provider *source;
    int owns_source;
    char *role_arn;
    char *external_id;
    char *session_name;
    int duration;
    struct aws_creds_options opt;
    char *region;
};

static void s_role_destroy(void *impl)
{
    struct role *r = impl;
    if (r->owns_source)
        aws_creds_provider_free(r->source);
    free(r->role_arn);
    free(r->external_id);
    free(r->session_name);
    free(r->region);
    free(r);
}

static char *s_session_name(const struct aws_env *env, const char *given)
{
    return given ? xstrdup(given) : xasprintf("drh-%lld", (long long)aws_env_now(env));
}

static enum drh_status s_sts_client(const struct aws_creds_options *opt, const char *region,
                                    struct aws_creds_provider *creds, struct aws_client **out,
                                    struct drh_err *err)
{
    struct aws_client_options co = {0};
    co.region = region;
    co.env = opt->env;
    co.creds = creds;
    co.anonymous = creds == NULL;
    co.cfg = opt->cfg;
    co.profile = opt->profile;
    co.endpoint_override = opt->endpoint_override;
    co.http = opt->http;
    co.retry = opt->retry;
    return aws_client_new(&co, out, err);
}

static enum drh_status s_role_fetch(struct aws_creds_provider *p, struct aws_credentials *out,
                                    struct drh_err *err)
{
    struct role *r = p->impl;
    struct aws_client *c = NULL;
    enum drh_status st = s_sts_client(&r->opt, r->region, r->source, &c, err);
    if (st != DRH_OK)
        return st;
    struct aws_assume_role role = {r->role_arn, r->external_id, r->session_name, r->duration};
    st = sts_assume_role(c, &role, out, err);
    aws_client_free(c);
    if (st != DRH_OK)
        drh_err_prefix(err, "assuming %s with credentials from %s", r->role_arn,
                       aws_creds_describe(r->source));
    return st;
}

static enum drh_status s_role_new(struct aws_creds_provider *source, int owns,
                                  const struct aws_assume_role *role,
                                  const struct aws_creds_options *opt, const char *description,
                                  struct aws_creds_provider **out, struct drh_err *err)
{
    if (!role->role_arn || strncmp(role->role_arn, "arn:", 4) != 0) {
        if (owns)
            aws_creds_provider_free(source);
        drh_err_set(err, DRH_E_CONFIG, "'%.200s' is not a role ARN",
                    role->role_arn ? role->role_arn : "");
        return drh_err_hint(err, "a role ARN looks like arn:aws:iam::222222222222:role/drill");
    }
    struct role *r = xcalloc(1, sizeof *r);
    r->source = source;
    r->owns_source = owns;
    r->role_arn = xstrdup(role->role_arn);
    r->external_id = role->external_id ? xstrdup(role->external_id) : NULL;
    r->session_name = s_session_name(opt->env, role->session_name);
    r->duration = role->duration_seconds;
    r->opt = *opt;
    r->region = xstrdup(creds_sts_region(opt, opt->profile));
    *out = creds_provider_new(description, s_role_fetch, s_role_destroy, r, opt->env);
    return DRH_OK;
}

enum drh_status creds_assume_role_owning(struct aws_creds_provider *source,
                                         const struct aws_assume_role *role,
                                         const struct aws_creds_options *opt,
                                         const char *description,
                                         struct aws_creds_provider **out, struct drh_err *err)
{
    return s_role_new(source, 1, role, opt, description, out, err);
}

enum drh_status creds_assume_role_borrowing(struct aws_creds_provider *source,
                                            const struct aws_assume_role *role,
                                            const struct aws_creds_options *opt,
                                            const char *description,
                                            struct aws_creds_provider **out, struct drh_err *err)
{
    return s_role_new(source, 0, role, opt, description, out, err);
}

/* ---- web identity ------------------------------------------------------- */

struct web_identity {
    char *role_arn;
    char *token_file;
    char *session_name;
    int duration;
    struct aws_creds_options opt;
    char *region;
};

static void s_wi_destroy(void *impl)
{
    struct web_identity *w = impl;
    free(w->role_arn);
    free(w->token_file);
    free(w->session_name);
    free(w->region);
    free(w);
}

#define TOKEN_MAX (64 * 1024)

/* The token is read at every fetch: CI runners rotate the file. */
static enum drh_status s_read_token(const char *path, char **out, struct drh_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        drh_err_set(err, DRH_E_CREDS, "cannot read web identity token file '%s': %s", path,
                    strerror(errno));
        return drh_err_hint(err, "check AWS_WEB_IDENTITY_TOKEN_FILE or web_identity_token_file");
    }
    char *buf = xmalloc(TOKEN_MAX + 1);
    size_t n = fread(buf, 1, TOKEN_MAX + 1, f);
    fclose(f);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        n--;
    if (n == 0 || n > TOKEN_MAX) {
        free(buf);
        drh_err_set(err, DRH_E_CREDS, "web identity token file '%s' is %s", path,
                    n ? "larger than 64 KiB" : "empty");
        return drh_err_hint(err, "the file should hold the OIDC token your CI system issued");
    }
    buf[n] = '\0';
    *out = buf;
    return DRH_OK;
}

static enum drh_status s_wi_fetch(struct aws_creds_provider *p, struct aws_credentials *out,
                                  struct drh_err *err)
{
    struct web_identity *w = p->impl;
    char *token = NULL;
    enum drh_status st = s_read_token(w->token_file, &token, err);
    if (st != DRH_OK)
        return st;
    struct aws_client *c = NULL;
    st = s_sts_client(&w->opt, w->region, NULL, &c, err);
    if (st == DRH_OK)
        st = sts_assume_role_with_web_identity(c, w->role_arn, w->session_name, token,
                                               w->duration, out, err);
    aws_client_free(c);
    crypto_wipe(token, strlen(token));
    free(token);
    if (st != DRH_OK)
        drh_err_prefix(err, "web identity for %s", w->role_arn);
    return st;
}

enum drh_status creds_web_identity_new(const struct aws_creds_options *opt, const char *role_arn,
                                       const char *token_file, const char *session_name,
                                       int duration, struct aws_creds_provider **out,
                                       struct drh_err *err)
{
    struct web_identity *w = xcalloc(1, sizeof *w);
    w->role_arn = xstrdup(role_arn);
    w->token_file = xstrdup(token_file);
    w->session_name = s_session_name(opt->env, session_name);
    w->duration = duration;
    w->opt = *opt;
    w->region = xstrdup(creds_sts_region(opt, opt->profile));
    char what[400];
    snprintf(what, sizeof what, "web identity (role %.300s)", role_arn);
    *out = creds_provider_new(what, s_wi_fetch, s_wi_destroy, w, opt->env);
    return DRH_OK;
}
