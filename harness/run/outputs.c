/*
 * Outputs and inputs of the resources of a stack (resource.h): a resource
 * that ran gives its outputs (a restored database's endpoint, a new file
 * system's id); one that runs after it uses them as {NAME.KEY} in its
 * templates and as DRH_<NAME>_<KEY> in its commands' environment.
 */
#include "run/resource.h"
#include "buf.h"
#include "mem.h"
#include "run/command.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void s_set(struct res_run *run, const char *key, const char *value, bool secret)
{
    for (size_t i = 0; i < run->n_outputs; i++) {
        if (strcmp(run->outputs[i].key, key) != 0)
            continue;
        free(run->outputs[i].value);
        run->outputs[i].value = xstrdup(value ? value : "");
        run->outputs[i].secret = secret;
        return;
    }
    run->outputs = xrealloc(run->outputs, (run->n_outputs + 1) * sizeof *run->outputs);
    run->outputs[run->n_outputs++] =
        (struct res_output){xstrdup(key), xstrdup(value ? value : ""), secret};
}

void res_output(struct res_run *run, const char *key, const char *value)
{
    s_set(run, key, value, false);
}

void res_output_secret(struct res_run *run, const char *key, const char *value)
{
    s_set(run, key, value, true);
}

char *res_expand(const struct res_run *run, const char *tmpl, bool quote)
{
    if (!tmpl)
        return NULL;
    size_t n = 0;
    for (size_t a = 0; a < run->n_after; a++)
        n += run->after[a]->n_outputs;
    struct cmd_var *vars = xcalloc(n + 1, sizeof *vars);
    char **names = xcalloc(n + 1, sizeof *names);
    size_t k = 0;
    for (size_t a = 0; a < run->n_after; a++) {
        const struct res_run *dep = run->after[a];
        for (size_t i = 0; i < dep->n_outputs; i++) {
            if (dep->outputs[i].secret)
                continue;
            names[k] = xasprintf("%s.%s", dep->r->name, dep->outputs[i].key);
            vars[k].name = names[k];
            vars[k].value = dep->outputs[i].value;
            k++;
        }
    }
    char *out = cmd_expand_as(tmpl, vars, k, quote);
    for (size_t i = 0; i < k; i++)
        free(names[i]);
    free(names);
    free(vars);
    return out;
}

/* DRH_<NAME>_<KEY>: upper case, '-' and '.' as '_'. */
static char *s_env_entry(const char *name, const char *key, const char *value)
{
    char *e = xasprintf("DRH_%s_%s=%s", name, key, value);
    for (char *p = e + 4; *p && *p != '='; p++)
        *p = (*p == '-' || *p == '.') ? '_' : (char)toupper((unsigned char)*p);
    return e;
}

char **res_env(const struct res_run *run, size_t *n)
{
    size_t total = 0;
    for (size_t a = 0; a < run->n_after; a++)
        total += run->after[a]->n_outputs;
    char **env = xcalloc(total + 1, sizeof *env);
    *n = 0;
    for (size_t a = 0; a < run->n_after; a++) {
        const struct res_run *dep = run->after[a];
        for (size_t i = 0; i < dep->n_outputs; i++)
            env[(*n)++] = s_env_entry(dep->r->name, dep->outputs[i].key, dep->outputs[i].value);
    }
    return env;
}

void res_env_free(char **env, size_t n)
{
    if (!env)
        return;
    for (size_t i = 0; i < n; i++) {
        /* a password may be among them */
        explicit_bzero(env[i], strlen(env[i]));
        free(env[i]);
    }
    free(env);
}

void res_outputs_free(struct res_run *run)
{
    for (size_t i = 0; i < run->n_outputs; i++) {
        free(run->outputs[i].key);
        if (run->outputs[i].secret)
            explicit_bzero(run->outputs[i].value, strlen(run->outputs[i].value));
        free(run->outputs[i].value);
    }
    free(run->outputs);
    run->outputs = NULL;
    run->n_outputs = 0;
    free(run->after);
    run->after = NULL;
    run->n_after = 0;
}
