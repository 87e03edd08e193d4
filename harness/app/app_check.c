/*
 * A resource of type "check": the application check of a stack. It
 * restores nothing; once the resources it runs after have passed, its
 * probes test the restored stack through their outputs: a command (a
 * template over {NAME.KEY}, with DRH_<NAME>_<KEY> in its environment) that
 * must exit 0 and whose output may have to match, and an HTTP GET of a URL
 * template. Its RTO is the stack's: from T0 until the application answers.
 */
#include "buf.h"
#include "mem.h"
#include "probes/net.h"
#include "run/command.h"
#include "run/progress.h"
#include "run/resource.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A command probe: pass when it exits 0 (and its output matches). */
static void s_command(struct res_run *run, const struct drill_probe *p, struct probe_result *pr)
{
    char *cmd = res_expand(run, p->command, true);
    size_t n_env = 0;
    char **env = res_env(run, &n_env);
    struct buf out;
    buf_init(&out);
    struct drh_err err;
    drh_err_clear(&err);
    double t = progress_elapsed();
    enum drh_status st =
        cmd_run_env(cmd, (const char *const *)env, n_env, p->timeout, "check", &out, &err);
    pr->seconds = progress_elapsed() - t;
    buf_append(&out, "", 1); /* NUL-terminated for regexec */
    if (st != DRH_OK) {
        pr->verdict = PROBE_FAIL;
        snprintf(pr->message, sizeof pr->message, "%s", err.msg);
    } else if (p->output_regex) {
        regex_t re;
        bool compiled = regcomp(&re, p->output_regex, REG_EXTENDED | REG_NOSUB) == 0;
        bool match = compiled && regexec(&re, out.data, 0, NULL, 0) == 0;
        if (compiled)
            regfree(&re);
        pr->verdict = match ? PROBE_PASS : PROBE_FAIL;
        snprintf(pr->message, sizeof pr->message, "exit 0; output %s /%s/: %.200s",
                 match ? "matches" : "does not match", p->output_regex, out.data);
    } else {
        pr->verdict = PROBE_PASS;
        snprintf(pr->message, sizeof pr->message, "exit 0");
    }
    buf_clean_up(&out);
    res_env_free(env, n_env);
    free(cmd);
}

/* http://HOST[:PORT][/PATH] into its parts; false when it is not one. */
static bool s_split_url(const char *url, char *host, size_t host_size, int *port, char **path)
{
    const char *h = url + strlen("http://");
    const char *end = h + strcspn(h, "/");
    const char *colon = memchr(h, ':', (size_t)(end - h));
    const char *host_end = colon ? colon : end;
    if (host_end == h || (size_t)(host_end - h) >= host_size)
        return false;
    memcpy(host, h, (size_t)(host_end - h));
    host[host_end - h] = '\0';
    *port = 80;
    if (colon) {
        char *stop;
        long v = strtol(colon + 1, &stop, 10);
        if (stop != end || v < 1 || v > 65535)
            return false;
        *port = (int)v;
    }
    *path = xstrdup(*end ? end : "/");
    return true;
}

static void s_http(struct res_run *run, const struct drill_probe *p, struct probe_result *pr)
{
    char *url = res_expand(run, p->url, false);
    char host[256];
    int port = 80;
    char *path = NULL;
    if (!s_split_url(url, host, sizeof host, &port, &path)) {
        pr->verdict = PROBE_ERROR;
        snprintf(pr->message, sizeof pr->message, "'%s' is not an http://HOST[:PORT]/PATH URL",
                 url);
    } else {
        struct drill_probe q = *p;
        q.http_path = path;
        probe_http_run(host, port, &q, pr);
    }
    free(path);
    free(url);
}

static enum runner_verdict s_drill(struct res_run *run)
{
    enum step_end worst = STEP_OK;
    res_begin(run, "");
    double t = progress_elapsed();
    bool all = true;
    for (size_t i = 0; i < run->r->n_probes; i++) {
        const struct drill_probe *p = &run->r->probes[i];
        struct probe_result pr;
        memset(&pr, 0, sizeof pr);
        pr.canary_time = -1;
        progress_phase(run->d->name, run->r->name, p->name, "started");
        if (p->kind == PROBE_COMMAND)
            s_command(run, p, &pr);
        else
            s_http(run, p, &pr);
        all &= res_probe_case(run, p, &pr, &worst);
    }
    res_probes_done(run, all, t);
    /* The check's RTO is the stack's: T0 until the application answered. */
    if (all)
        run->phase_s[PH_PROBE] = run->probes_passed_mono - run->t0_mono;
    res_measure(run, &worst);
    res_teardown(run, &worst);
    return res_verdict(worst);
}

static struct res_run *s_new_run(void)
{
    return xcalloc(1, sizeof(struct res_run));
}

static void s_free_run(struct res_run *run)
{
    if (!run)
        return;
    res_clean_up(run);
    free(run);
}

static void s_plan(const struct drill *d, const struct drill_resource *r, int *step, FILE *out)
{
    (void)d;
    int k = *step;
    fprintf(out, "  resource %s (check", r->name);
    for (size_t i = 0; i < r->n_after; i++)
        fprintf(out, "%s%s", i ? ", " : ", after ", r->after[i]);
    fprintf(out, "):\n");
    for (size_t i = 0; i < r->n_probes; i++) {
        const struct drill_probe *p = &r->probes[i];
        if (p->kind == PROBE_COMMAND)
            fprintf(out, "  %d. probe %s: run %s\n", k++, p->name, p->command);
        else
            fprintf(out, "  %d. probe %s: GET %s (status %d)\n", k++, p->name, p->url,
                    p->http_status);
    }
    *step = k;
}

const struct res_kind check_kind = {"check", s_new_run, s_drill, s_plan, s_free_run};
