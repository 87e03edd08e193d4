/*
 * Credential providers and the standard chain: see creds.h. The sources
 * that speak HTTP or run a program live in creds_sources.c; this file holds
 * the provider object, its refresh rule and the chain's choice of source.
 */
#include "aws/creds.h"

#include "aws/creds_impl.h"
#include "crypto.h"
#include "log.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PROFILE_DEPTH 8

void aws_credentials_init(struct aws_credentials *c)
{
    memset(c, 0, sizeof *c);
}

/* Secrets do not linger in freed memory. */
static void s_wipe_free(char *s)
{
    if (!s)
        return;
    crypto_wipe(s, strlen(s));
    free(s);
}

void aws_credentials_clean_up(struct aws_credentials *c)
{
    free(c->access_key_id);
    s_wipe_free(c->secret_access_key);
    s_wipe_free(c->session_token);
    free(c->account_id);
    aws_credentials_init(c);
}

void aws_credentials_copy(struct aws_credentials *dst, const struct aws_credentials *src)
{
    aws_credentials_clean_up(dst);
    dst->access_key_id = src->access_key_id ? xstrdup(src->access_key_id) : NULL;
    dst->secret_access_key = src->secret_access_key ? xstrdup(src->secret_access_key) : NULL;
    dst->session_token = src->session_token ? xstrdup(src->session_token) : NULL;
    dst->account_id = src->account_id ? xstrdup(src->account_id) : NULL;
    dst->expiration = src->expiration;
}

struct aws_creds_provider *creds_provider_new(const char *description, creds_fetch_fn fetch,
                                              void (*destroy)(void *impl), void *impl,
                                              const struct aws_env *env)
{
    struct aws_creds_provider *p = xcalloc(1, sizeof *p);
    p->description = xstrdup(description);
    p->fetch = fetch;
    p->destroy = destroy;
    p->impl = impl;
    if (env)
        p->env = *env;
    aws_credentials_init(&p->cached);
    return p;
}

void aws_creds_provider_free(struct aws_creds_provider *p)
{
    if (!p)
        return;
    if (p->destroy)
        p->destroy(p->impl);
    aws_creds_provider_free(p->delegate);
    aws_credentials_clean_up(&p->cached);
    free(p->description);
    free(p);
}

const char *aws_creds_describe(const struct aws_creds_provider *p)
{
    return p->delegate ? p->delegate->description : p->description;
}

static enum drh_status s_fetch_static(struct aws_creds_provider *p, struct aws_credentials *out,
                                      struct drh_err *err)
{
    aws_credentials_copy(out, p->impl);
    return DRH_OK;
}

static void s_destroy_static(void *impl)
{
    aws_credentials_clean_up(impl);
    free(impl);
}

struct aws_creds_provider *aws_creds_static_new(const struct aws_credentials *c,
                                                const char *description)
{
    struct aws_credentials *copy = xcalloc(1, sizeof *copy);
    aws_credentials_copy(copy, c);
    return creds_provider_new(description, s_fetch_static, s_destroy_static, copy, NULL);
}

static int s_needs_refresh(const struct aws_creds_provider *p, time_t now)
{
    if (!p->have)
        return 1;
    return p->cached.expiration && p->cached.expiration - now <= AWS_CREDS_REFRESH_WINDOW;
}

enum drh_status aws_creds_get(struct aws_creds_provider *p, const struct aws_credentials **out,
                              struct drh_err *err)
{
    if (p->resolve && !p->delegate) {
        enum drh_status st = p->resolve(p, err);
        if (st != DRH_OK)
            return st;
    }
    if (p->delegate)
        return aws_creds_get(p->delegate, out, err);

    time_t now = aws_env_now(&p->env);
    if (!s_needs_refresh(p, now)) {
        *out = &p->cached;
        return DRH_OK;
    }
    struct aws_credentials fresh;
    aws_credentials_init(&fresh);
    enum drh_status st = p->fetch(p, &fresh, err);
    if (st == DRH_OK && (!fresh.access_key_id || !fresh.secret_access_key)) {
        st = drh_err_set(err, DRH_E_CREDS, "%s gave no access key or no secret key",
                         p->description);
    }
    if (st == DRH_OK && fresh.expiration && fresh.expiration <= now) {
        st = drh_err_set(err, DRH_E_CREDS, "%s gave credentials that have already expired",
                         p->description);
        drh_err_hint(err, "check the clock of this machine and the source's expiration time");
    }
    if (st != DRH_OK) {
        aws_credentials_clean_up(&fresh);
        /* Credentials still valid outlive a failed early refresh. */
        if (p->have && p->cached.expiration > now) {
            log_warn("refreshing credentials from %s failed, still using the current ones: %s",
                     p->description, err ? err->msg : "");
            *out = &p->cached;
            return DRH_OK;
        }
        if (p->have)
            drh_err_prefix(err, "credentials from %s expired and could not be refreshed",
                           p->description);
        return st;
    }
    aws_credentials_clean_up(&p->cached);
    p->cached = fresh;
    p->have = 1;
    *out = &p->cached;
    return DRH_OK;
}

/* ---- the chain ---------------------------------------------------------- */

struct chain {
    struct aws_creds_options opt;
    struct aws_config *owned_cfg;
    char *profile;
};

static void s_destroy_chain(void *impl)
{
    struct chain *ch = impl;
    aws_config_free(ch->owned_cfg);
    free(ch->profile);
    free(ch);
}

static enum drh_status s_static_keys(const char *what, const char *akid, const char *secret,
                                     const char *token, struct aws_creds_provider **out,
                                     struct drh_err *err)
{
    if (!akid && !secret)
        return DRH_E_NOTFOUND;
    if (!akid || !secret) {
        drh_err_set(err, DRH_E_CREDS, "%s has %s but not %s", what,
                    akid ? "an access key id" : "a secret access key",
                    akid ? "a secret access key" : "an access key id");
        return drh_err_hint(err, "give both the access key id and the secret access key");
    }
    struct aws_credentials c = {(char *)akid, (char *)secret, (char *)token, 0, NULL};
    *out = aws_creds_static_new(&c, what);
    return DRH_OK;
}

static enum drh_status s_env_keys(const struct aws_env *env, struct aws_creds_provider **out,
                                  struct drh_err *err)
{
    return s_static_keys("the environment (AWS_ACCESS_KEY_ID)", aws_env_get(env, "AWS_ACCESS_KEY_ID"),
                         aws_env_get(env, "AWS_SECRET_ACCESS_KEY"),
                         aws_env_get(env, "AWS_SESSION_TOKEN"), out, err);
}

static enum drh_status s_profile_source(struct chain *ch, const char *profile, int depth,
                                        struct aws_creds_provider **out, struct drh_err *err);

/* The named profile's static keys. */
static enum drh_status s_profile_keys(struct chain *ch, const char *profile,
                                      struct aws_creds_provider **out, struct drh_err *err)
{
    const struct aws_config *cfg = ch->opt.cfg;
    char what[300];
    snprintf(what, sizeof what, "profile '%.200s' (shared credentials/config file)", profile);
    return s_static_keys(what, aws_config_get(cfg, profile, "aws_access_key_id"),
                         aws_config_get(cfg, profile, "aws_secret_access_key"),
                         aws_config_get(cfg, profile, "aws_session_token"), out, err);
}

static int s_duration(const struct aws_config *cfg, const char *profile)
{
    const char *v = aws_config_get(cfg, profile, "duration_seconds");
    if (!v)
        return 0;
    char *end;
    long n = strtol(v, &end, 10);
    return (*end || n < 900 || n > 43200) ? -1 : (int)n;
}

/* role_arn: assumed from source_profile or credential_source. */
static enum drh_status s_profile_role(struct chain *ch, const char *profile, int depth,
                                      struct aws_creds_provider **out, struct drh_err *err)
{
    const struct aws_config *cfg = ch->opt.cfg;
    const char *role_arn = aws_config_get(cfg, profile, "role_arn");
    if (!role_arn)
        return DRH_E_NOTFOUND;
    const char *source_profile = aws_config_get(cfg, profile, "source_profile");
    const char *credential_source = aws_config_get(cfg, profile, "credential_source");
    const char *token_file = aws_config_get(cfg, profile, "web_identity_token_file");
    const char *session = aws_config_get(cfg, profile, "role_session_name");
    const char *where = aws_config_path(cfg);

    if (aws_config_get(cfg, profile, "mfa_serial")) {
        drh_err_set(err, DRH_E_CONFIG, "profile '%s' in %s needs an MFA code (mfa_serial)",
                    profile, where);
        return drh_err_hint(err, "drh runs unattended: use a drill role without an MFA condition");
    }
    int duration = s_duration(cfg, profile);
    if (duration < 0) {
        drh_err_set(err, DRH_E_CONFIG, "profile '%s' in %s: duration_seconds must be 900 to 43200",
                    profile, where);
        return drh_err_hint(err, "remove duration_seconds to take STS's default of 3600");
    }
    if (token_file)
        return creds_web_identity_new(&ch->opt, role_arn, token_file, session, duration, out,
                                      err);
    if (source_profile && credential_source) {
        drh_err_set(err, DRH_E_CONFIG,
                    "profile '%s' in %s has both source_profile and credential_source", profile,
                    where);
        return drh_err_hint(err, "keep one of them");
    }
    struct aws_creds_provider *source = NULL;
    enum drh_status st;
    if (source_profile) {
        if (strcmp(source_profile, profile) == 0)
            st = s_profile_keys(ch, profile, &source, err); /* a profile may source itself */
        else
            st = s_profile_source(ch, source_profile, depth + 1, &source, err);
        if (st == DRH_E_NOTFOUND) {
            drh_err_set(err, DRH_E_CONFIG,
                        "profile '%s' (source_profile of '%s') has no credentials", source_profile,
                        profile);
            return drh_err_hint(err, "add keys, a role or credential_process to [profile %s]",
                                source_profile);
        }
    } else if (credential_source) {
        if (strcmp(credential_source, "Environment") == 0)
            st = s_env_keys(ch->opt.env, &source, err);
        else if (strcmp(credential_source, "EcsContainer") == 0)
            st = creds_container_new(&ch->opt, &source, err);
        else if (strcmp(credential_source, "Ec2InstanceMetadata") == 0)
            st = creds_imds_new(&ch->opt, &source, err);
        else {
            drh_err_set(err, DRH_E_CONFIG, "profile '%s' in %s: unknown credential_source '%s'",
                        profile, where, credential_source);
            return drh_err_hint(err, "use Environment, EcsContainer or Ec2InstanceMetadata");
        }
        if (st == DRH_E_NOTFOUND) {
            drh_err_set(err, DRH_E_CREDS, "profile '%s': credential_source %s has no credentials",
                        profile, credential_source);
            return drh_err_hint(err, "set the variables or endpoint that %s reads",
                                credential_source);
        }
    } else {
        drh_err_set(err, DRH_E_CONFIG,
                    "profile '%s' in %s has role_arn but no source_profile or credential_source",
                    profile, where);
        return drh_err_hint(err, "add source_profile = NAME of a profile with credentials");
    }
    if (st != DRH_OK)
        return st;
    struct aws_assume_role role = {role_arn, aws_config_get(cfg, profile, "external_id"), session,
                                   duration};
    char what[400];
    snprintf(what, sizeof what, "profile '%.100s' (role %.200s)", profile, role_arn);
    st = creds_assume_role_owning(source, &role, &ch->opt, what, out, err);
    return st;
}

/* A profile as the source of another's role: role, keys or process. */
static enum drh_status s_profile_source(struct chain *ch, const char *profile, int depth,
                                        struct aws_creds_provider **out, struct drh_err *err)
{
    if (depth > MAX_PROFILE_DEPTH) {
        drh_err_set(err, DRH_E_CONFIG, "source_profile chain through '%s' is circular or deeper than %d",
                    profile, MAX_PROFILE_DEPTH);
        return drh_err_hint(err, "make the chain of source_profile settings end at a profile with keys");
    }
    if (!aws_config_has_profile(ch->opt.cfg, profile)) {
        drh_err_set(err, DRH_E_CONFIG, "profile '%s' not found in %s or the credentials file",
                    profile, aws_config_path(ch->opt.cfg));
        return drh_err_hint(err, "add a [profile %s] section or fix the name", profile);
    }
    enum drh_status st = s_profile_role(ch, profile, depth, out, err);
    if (st != DRH_E_NOTFOUND)
        return st;
    st = s_profile_keys(ch, profile, out, err);
    if (st != DRH_E_NOTFOUND)
        return st;
    const char *process = aws_config_get(ch->opt.cfg, profile, "credential_process");
    if (process)
        return creds_process_new(&ch->opt, profile, process, out, err);
    return DRH_E_NOTFOUND;
}

static enum drh_status s_resolve(struct aws_creds_provider *p, struct drh_err *err)
{
    struct chain *ch = p->impl;
    const struct aws_env *env = ch->opt.env;
    const struct aws_config *cfg = ch->opt.cfg;
    const char *profile = ch->profile;
    int named = ch->opt.profile || aws_env_get(env, "AWS_PROFILE");
    int has_profile = aws_config_has_profile(cfg, profile);
    struct aws_creds_provider *found = NULL;
    enum drh_status st;

    if (!ch->opt.explicit_profile) {
        st = s_env_keys(env, &found, err);
        if (st != DRH_E_NOTFOUND)
            goto out;
    }
    if (named && !has_profile) {
        drh_err_set(err, DRH_E_CONFIG, "profile '%s' not found in %s or the credentials file",
                    profile, aws_config_path(cfg));
        drh_err_hint(err, "set AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, or fix the profile name");
        st = DRH_E_CONFIG;
        goto out;
    }
    if (has_profile) {
        st = s_profile_role(ch, profile, 0, &found, err);
        if (st != DRH_E_NOTFOUND)
            goto out;
    }
    const char *token_file = aws_env_get(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
    const char *role_arn = aws_env_get(env, "AWS_ROLE_ARN");
    if (token_file && role_arn) {
        st = creds_web_identity_new(&ch->opt, role_arn, token_file,
                                    aws_env_get(env, "AWS_ROLE_SESSION_NAME"), 0, &found, err);
        goto out;
    }
    if (has_profile) {
        st = s_profile_source(ch, profile, 0, &found, err);
        if (st != DRH_E_NOTFOUND)
            goto out;
    }
    st = creds_container_new(&ch->opt, &found, err);
    if (st != DRH_E_NOTFOUND)
        goto out;
    st = creds_imds_new(&ch->opt, &found, err);
    if (st != DRH_E_NOTFOUND)
        goto out;
    drh_err_set(err, DRH_E_CREDS,
                "no AWS credentials found: not in the environment, profile '%s' (%s), web identity, "
                "container or instance metadata",
                profile, has_profile ? "has no credentials" : "absent");
    drh_err_hint(err, "set AWS_PROFILE to a profile of %s, or AWS_ACCESS_KEY_ID and "
                      "AWS_SECRET_ACCESS_KEY, or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN",
                 aws_config_path(cfg)[0] ? aws_config_path(cfg) : "~/.aws/config");
    return DRH_E_CREDS;
out:
    if (st != DRH_OK)
        return st;
    p->delegate = found;
    log_debug("credentials: using %s", found->description);
    return DRH_OK;
}

enum drh_status aws_creds_chain_new(const struct aws_creds_options *opt,
                                    struct aws_creds_provider **out, struct drh_err *err)
{
    struct chain *ch = xcalloc(1, sizeof *ch);
    ch->opt = *opt;
    if (!ch->opt.cfg) {
        enum drh_status st = aws_config_load(opt->env, &ch->owned_cfg, err);
        if (st != DRH_OK) {
            free(ch);
            return st;
        }
        ch->opt.cfg = ch->owned_cfg;
    }
    ch->profile = xstrdup(aws_config_profile_name(opt->env, opt->profile));
    ch->opt.profile = opt->profile; /* remembers whether it was named */
    struct aws_creds_provider *p =
        creds_provider_new("the default credential chain", NULL, s_destroy_chain, ch, opt->env);
    p->resolve = s_resolve;
    *out = p;
    return DRH_OK;
}

enum drh_status aws_creds_assume_role_new(struct aws_creds_provider *source,
                                          const struct aws_assume_role *role,
                                          const struct aws_creds_options *opt,
                                          struct aws_creds_provider **out, struct drh_err *err)
{
    char what[400];
    snprintf(what, sizeof what, "role %.300s", role->role_arn);
    return creds_assume_role_borrowing(source, role, opt, what, out, err);
}

/* The region for STS calls made by credential sources. */
const char *creds_sts_region(const struct aws_creds_options *opt, const char *profile)
{
    return aws_config_region(opt->env, opt->cfg, profile, opt->region);
}
