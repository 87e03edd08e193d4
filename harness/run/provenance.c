/*
 * Who ran a drill and where (provenance.h), for the evidence: the user,
 * the host, the process and its command line, and the CI job when a CI
 * system's variables say there is one (GitHub Actions, GitLab CI, Jenkins,
 * or any CI that sets CI=true). Every value is redacted on its way into the
 * evidence like the rest of the document.
 */
#include "run/provenance.h"

#include "aws/env.h"
#include "buf.h"
#include "history/history.h"
#include "mem.h"
#include "version.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The process's own command line, arguments joined by spaces ("" when
 * /proc is not there). */
static char *s_command(void)
{
    FILE *f = fopen("/proc/self/cmdline", "rb");
    struct buf b;
    buf_init(&b);
    if (f) {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < 64 * 1024)
            buf_append(&b, chunk, n);
        fclose(f);
    }
    while (b.len > 0 && b.data[b.len - 1] == '\0')
        b.len--;
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\0')
            b.data[i] = ' ';
    char *out = xstrdup(b.len ? buf_str(&b) : "");
    buf_clean_up(&b);
    return out;
}

static void s_env(const struct aws_env *env, struct json *o, const char *key, const char *var)
{
    const char *v = aws_env_get(env, var);
    if (v && *v)
        json_add_string(o, key, v);
}

/* The CI job, or NULL outside CI. */
static struct json *s_ci(const struct aws_env *env)
{
    struct json *ci = json_new_object();
    const char *v;
    if ((v = aws_env_get(env, "GITHUB_ACTIONS")) && strcmp(v, "true") == 0) {
        json_add_string(ci, "system", "github-actions");
        const char *server = aws_env_get(env, "GITHUB_SERVER_URL"), *repo = aws_env_get(env, "GITHUB_REPOSITORY"),
                   *run = aws_env_get(env, "GITHUB_RUN_ID");
        if (server && repo && run) {
            char *url = xasprintf("%s/%s/actions/runs/%s", server, repo, run);
            json_add_string(ci, "run_url", url);
            free(url);
        }
        s_env(env, ci, "job", "GITHUB_JOB");
        s_env(env, ci, "workflow", "GITHUB_WORKFLOW");
        s_env(env, ci, "commit", "GITHUB_SHA");
        s_env(env, ci, "ref", "GITHUB_REF");
        s_env(env, ci, "actor", "GITHUB_ACTOR");
    } else if ((v = aws_env_get(env, "GITLAB_CI")) && strcmp(v, "true") == 0) {
        json_add_string(ci, "system", "gitlab-ci");
        s_env(env, ci, "run_url", "CI_JOB_URL");
        s_env(env, ci, "job", "CI_JOB_NAME");
        s_env(env, ci, "pipeline", "CI_PIPELINE_URL");
        s_env(env, ci, "commit", "CI_COMMIT_SHA");
        s_env(env, ci, "ref", "CI_COMMIT_REF_NAME");
        s_env(env, ci, "actor", "GITLAB_USER_LOGIN");
    } else if (aws_env_get(env, "JENKINS_URL")) {
        json_add_string(ci, "system", "jenkins");
        s_env(env, ci, "run_url", "BUILD_URL");
        s_env(env, ci, "job", "JOB_NAME");
        s_env(env, ci, "build", "BUILD_NUMBER");
        s_env(env, ci, "commit", "GIT_COMMIT");
    } else if ((v = aws_env_get(env, "CI")) && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)) {
        json_add_string(ci, "system", "ci");
    } else {
        json_free(ci);
        return NULL;
    }
    return ci;
}

struct json *provenance_runner(const struct aws_env *env)
{
    struct json *o = json_new_object();
    uid_t uid = geteuid();
    struct passwd pw, *found = NULL;
    char buf[1024];
    if (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found)
        json_add_string(o, "user", found->pw_name);
    else if (aws_env_get(env, "USER"))
        json_add_string(o, "user", aws_env_get(env, "USER"));
    json_add_number(o, "uid", (double)uid);
    char host[256];
    history_hostname(host, sizeof host);
    json_add_string(o, "host", host);
    json_add_number(o, "pid", (double)getpid());
    char *cmd = s_command();
    json_add_string(o, "command", cmd);
    free(cmd);
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd))
        json_add_string(o, "cwd", cwd);
    json_add_string(o, "drh_version", DRH_VERSION);
    struct json *ci = s_ci(env);
    if (ci)
        json_add_child(o, "ci", ci);
    return o;
}
