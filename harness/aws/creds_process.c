/* credential_process: a program that prints credentials as JSON (Version 1),
 * as the AWS CLI runs it. See creds.h. */
#include "aws/creds_impl.h"

#include "buf.h"
#include "crypto.h"
#include "json.h"
#include "mem.h"
#include "redact.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_MAX (64 * 1024)
#define STDERR_MAX 2048
#define TIMEOUT_MS 60000

struct process {
    char *profile;
    char *command;
};

static void s_destroy(void *impl)
{
    struct process *pr = impl;
    free(pr->profile);
    free(pr->command);
    free(pr);
}

static long s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Runs command through /bin/sh, collects stdout and stderr within bounds,
 * and kills it past the timeout. */
static enum drh_status s_run(const char *command, struct buf *out, struct buf *errout,
                             int *exit_status, struct drh_err *err)
{
    int po[2], pe[2];
    if (pipe(po) != 0)
        return drh_err_set(err, DRH_E_IO, "credential_process: pipe: %s", strerror(errno));
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        return drh_err_set(err, DRH_E_IO, "credential_process: pipe: %s", strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        return drh_err_set(err, DRH_E_IO, "credential_process: fork: %s", strerror(errno));
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    long deadline = s_now_ms() + TIMEOUT_MS;
    enum drh_status st = DRH_OK;
    char chunk[4096];
    while (open_fds > 0) {
        long left = deadline - s_now_ms();
        if (left <= 0) {
            st = drh_err_set(err, DRH_E_TIMEOUT, "credential_process did not finish within %d s",
                             TIMEOUT_MS / 1000);
            kill(pid, SIGKILL);
            break;
        }
        int r = poll(fds, 2, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            st = drh_err_set(err, DRH_E_IO, "credential_process: poll: %s", strerror(errno));
            kill(pid, SIGKILL);
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
                continue;
            }
            struct buf *dst = i == 0 ? out : errout;
            size_t cap = i == 0 ? OUTPUT_MAX : STDERR_MAX;
            if (dst->len + (size_t)n <= cap)
                buf_append(dst, chunk, (size_t)n);
            else if (i == 0) {
                st = drh_err_set(err, DRH_E_CREDS, "credential_process printed more than %d bytes",
                                 OUTPUT_MAX);
                kill(pid, SIGKILL);
            }
        }
        if (st != DRH_OK)
            break;
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    *exit_status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
    return st;
}

static enum drh_status s_fetch(struct aws_creds_provider *p, struct aws_credentials *out,
                               struct drh_err *err)
{
    struct process *pr = p->impl;
    struct buf o, e;
    buf_init(&o);
    buf_init(&e);
    int status = 0;
    enum drh_status st = s_run(pr->command, &o, &e, &status, err);
    if (st != DRH_OK)
        goto done;
    if (status != 0) {
        /* Its stderr explains the failure; redacted, first line only. */
        char *clean = redact_text(buf_str(&e), e.len);
        clean[strcspn(clean, "\n")] = '\0';
        st = drh_err_set(err, DRH_E_CREDS, "credential_process of profile '%s' exited with %d%s%.300s",
                         pr->profile, status, clean[0] ? ": " : "", clean);
        drh_err_hint(err, "run the command by hand to see why it fails");
        free(clean);
        goto done;
    }
    struct json *doc = NULL;
    if (json_parse(buf_str(&o), o.len, &doc, err) != DRH_OK) {
        drh_err_prefix(err, "credential_process of profile '%s' printed bad JSON", pr->profile);
        if (err)
            err->code = DRH_E_CREDS; /* what failed is the credential source */
        st = DRH_E_CREDS;
        goto done;
    }
    double version = 0;
    const struct json *v = json_get(doc, "Version");
    int ok_version = v && json_number(v, &version) && version == 1.0;
    json_free(doc);
    if (!ok_version) {
        st = drh_err_set(err, DRH_E_CREDS,
                         "credential_process of profile '%s' printed no \"Version\": 1", pr->profile);
        drh_err_hint(err, "the output must be a JSON object with Version 1, AccessKeyId, SecretAccessKey");
        goto done;
    }
    char what[300];
    snprintf(what, sizeof what, "credential_process of profile '%.200s'", pr->profile);
    st = creds_from_json(what, buf_str(&o), o.len, "SessionToken", out, err);
done:
    crypto_wipe(o.data, o.len);
    buf_clean_up(&o);
    buf_clean_up(&e);
    return st;
}

enum drh_status creds_process_new(const struct aws_creds_options *opt, const char *profile,
                                  const char *command, struct aws_creds_provider **out,
                                  struct drh_err *err)
{
    struct process *pr = xcalloc(1, sizeof *pr);
    pr->profile = xstrdup(profile);
    pr->command = xstrdup(command);
    char what[300];
    snprintf(what, sizeof what, "credential_process of profile '%.200s'", profile);
    *out = creds_provider_new(what, s_fetch, s_destroy, pr, opt->env);
    return DRH_OK;
}
