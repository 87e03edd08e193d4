/* Shared config and credentials files: see config.h. */
#include "aws/config.h"

#include "buf.h"
#include "mem.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One key of one section; sections are few and small, so a flat list. */
struct entry {
    char *section; /* "profile dr", "default", "services x", or credentials' "dr" */
    char *key;
    char *value;
};

struct file {
    char *path;
    struct entry *v;
    size_t n, cap;
};

struct aws_config {
    struct file config;
    struct file creds;
};

#define LINE_MAX_LEN 8192

static void s_add(struct file *f, const char *section, const char *key, const char *value)
{
    /* A later duplicate key wins, as in configparser. */
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].section, section) == 0 && strcmp(f->v[i].key, key) == 0) {
            free(f->v[i].value);
            f->v[i].value = xstrdup(value);
            return;
        }
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->v = xrealloc(f->v, f->cap * sizeof f->v[0]);
    }
    f->v[f->n].section = xstrdup(section);
    f->v[f->n].key = xstrdup(key);
    f->v[f->n].value = xstrdup(value);
    f->n++;
}

static void s_file_clean_up(struct file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].section);
        free(f->v[i].key);
        free(f->v[i].value);
    }
    free(f->v);
    free(f->path);
    memset(f, 0, sizeof *f);
}

static char *s_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Collapses inner runs of blanks in a section name: "[profile   dr]". */
static void s_squeeze(char *s)
{
    char *out = s;
    int blank = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t') {
            blank = 1;
            continue;
        }
        if (blank && out != s)
            *out++ = ' ';
        blank = 0;
        *out++ = *s;
    }
    *out = '\0';
}

static enum drh_status s_parse(struct file *f, const char *path, struct drh_err *err)
{
    f->path = xstrdup(path);
    FILE *in = fopen(path, "r");
    if (!in) {
        if (errno == ENOENT)
            return DRH_OK;
        return drh_err_set(err, DRH_E_CONFIG, "cannot read '%s': %s", path, strerror(errno));
    }
    char line[LINE_MAX_LEN];
    char section[512] = "";
    char parent[256] = ""; /* key whose indented sub-keys follow */
    int have_section = 0;
    unsigned lineno = 0;
    enum drh_status status = DRH_OK;

    while (fgets(line, sizeof line, in)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            status = drh_err_set(err, DRH_E_CONFIG, "%s:%u: line longer than %d bytes", path,
                                 lineno, LINE_MAX_LEN - 2);
            goto done;
        }
        int indented = line[0] == ' ' || line[0] == '\t';
        char *s = s_trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *close = strrchr(s, ']');
            if (!close || close[1] != '\0' || close == s + 1) {
                status = drh_err_set(err, DRH_E_CONFIG, "%s:%u: malformed section header '%s'",
                                     path, lineno, s);
                drh_err_hint(err, "a section header looks like [default] or [profile NAME]");
                goto done;
            }
            *close = '\0';
            char *name = s_trim(s + 1);
            s_squeeze(name);
            snprintf(section, sizeof section, "%s", name);
            have_section = 1;
            parent[0] = '\0';
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            status = drh_err_set(err, DRH_E_CONFIG, "%s:%u: expected 'key = value', got '%.60s'",
                                 path, lineno, s);
            drh_err_hint(err, "each line is a [section], a 'key = value' or a # comment");
            goto done;
        }
        if (!have_section) {
            status = drh_err_set(err, DRH_E_CONFIG, "%s:%u: key outside any [section]", path,
                                 lineno);
            drh_err_hint(err, "put keys under [default] or [profile NAME]");
            goto done;
        }
        *eq = '\0';
        char *key = s_trim(s);
        char *value = s_trim(eq + 1);
        if (!*key) {
            status = drh_err_set(err, DRH_E_CONFIG, "%s:%u: empty key", path, lineno);
            drh_err_hint(err, "write the setting's name before '='");
            goto done;
        }
        if (indented && parent[0]) {
            char *full = xasprintf("%s.%s", parent, key);
            s_add(f, section, full, value);
            free(full);
            continue;
        }
        snprintf(parent, sizeof parent, "%s", *value ? "" : key);
        s_add(f, section, key, value);
    }
    if (ferror(in))
        status = drh_err_set(err, DRH_E_CONFIG, "cannot read '%s': %s", path, strerror(errno));
done:
    fclose(in);
    return status;
}

static char *s_default_path(const struct aws_env *env, const char *var, const char *leaf)
{
    const char *v = aws_env_get(env, var);
    if (v) {
        if (v[0] == '~' && v[1] == '/' && aws_env_get(env, "HOME"))
            return xasprintf("%s%s", aws_env_get(env, "HOME"), v + 1);
        return xstrdup(v);
    }
    const char *home = aws_env_get(env, "HOME");
    return home ? xasprintf("%s/.aws/%s", home, leaf) : NULL;
}

enum drh_status aws_config_load_files(const char *config_path, const char *credentials_path,
                                      struct aws_config **out, struct drh_err *err)
{
    struct aws_config *cfg = xcalloc(1, sizeof *cfg);
    enum drh_status st = DRH_OK;
    if (config_path && (st = s_parse(&cfg->config, config_path, err)) != DRH_OK)
        goto fail;
    if (credentials_path && (st = s_parse(&cfg->creds, credentials_path, err)) != DRH_OK)
        goto fail;
    *out = cfg;
    return DRH_OK;
fail:
    aws_config_free(cfg);
    return st;
}

enum drh_status aws_config_load(const struct aws_env *env, struct aws_config **out,
                                struct drh_err *err)
{
    char *config = s_default_path(env, "AWS_CONFIG_FILE", "config");
    char *creds = s_default_path(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
    enum drh_status st = aws_config_load_files(config, creds, out, err);
    free(config);
    free(creds);
    return st;
}

void aws_config_free(struct aws_config *cfg)
{
    if (!cfg)
        return;
    s_file_clean_up(&cfg->config);
    s_file_clean_up(&cfg->creds);
    free(cfg);
}

static const char *s_lookup(const struct file *f, const char *section, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].section, section) == 0 && strcmp(f->v[i].key, key) == 0)
            return f->v[i].value;
    return NULL;
}

static int s_has_section(const struct file *f, const char *section)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].section, section) == 0)
            return 1;
    return 0;
}

static void s_config_section(const char *profile, char *out, size_t size)
{
    if (strcmp(profile, "default") == 0)
        snprintf(out, size, "default");
    else
        snprintf(out, size, "profile %s", profile);
}

const char *aws_config_get(const struct aws_config *cfg, const char *profile, const char *key)
{
    const char *v = s_lookup(&cfg->creds, profile, key);
    if (v)
        return *v ? v : NULL;
    char section[512];
    s_config_section(profile, section, sizeof section);
    v = s_lookup(&cfg->config, section, key);
    /* The CLI also accepts [default] written as [profile default]. */
    if (!v && strcmp(profile, "default") == 0)
        v = s_lookup(&cfg->config, "profile default", key);
    return v && *v ? v : NULL;
}

int aws_config_has_profile(const struct aws_config *cfg, const char *profile)
{
    char section[512];
    s_config_section(profile, section, sizeof section);
    return s_has_section(&cfg->creds, profile) || s_has_section(&cfg->config, section) ||
           (strcmp(profile, "default") == 0 && s_has_section(&cfg->config, "profile default"));
}

const char *aws_config_services_get(const struct aws_config *cfg, const char *section,
                                    const char *service, const char *key)
{
    char name[512], full[512];
    snprintf(name, sizeof name, "services %s", section);
    snprintf(full, sizeof full, "%s.%s", service, key);
    const char *v = s_lookup(&cfg->config, name, full);
    return v && *v ? v : NULL;
}

const char *aws_config_path(const struct aws_config *cfg)
{
    return cfg->config.path ? cfg->config.path : "";
}

const char *aws_config_profile_name(const struct aws_env *env, const char *name)
{
    if (name && *name)
        return name;
    const char *v = aws_env_get(env, "AWS_PROFILE");
    return v ? v : "default";
}

const char *aws_config_region(const struct aws_env *env, const struct aws_config *cfg,
                              const char *profile, const char *given)
{
    if (given)
        return given;
    const char *r = aws_env_get(env, "AWS_REGION");
    if (!r)
        r = aws_env_get(env, "AWS_DEFAULT_REGION");
    if (!r && cfg)
        r = aws_config_get(cfg, aws_config_profile_name(env, profile), "region");
    return r ? r : "us-east-1";
}
