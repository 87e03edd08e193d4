/*
 * Commands a drill gives (command.h): templates whose placeholders become
 * shell-quoted values, run with /bin/sh -c in a process group of their own,
 * with a timeout and the tail of their output for the message.
 */
#include "run/command.h"
#include "mem.h"
#include "mono.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How much of a failing command's output its message quotes. */
#define S_TAIL 400

void cmd_quote(struct buf *b, const char *v)
{
    buf_putc(b, '\'');
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == '\'')
            buf_puts(b, "'\\''");
        else
            buf_putc(b, *p);
    }
    buf_putc(b, '\'');
}

char *cmd_expand(const char *tmpl, const struct cmd_var *vars, size_t n)
{
    return cmd_expand_as(tmpl, vars, n, true);
}

char *cmd_expand_as(const char *tmpl, const struct cmd_var *vars, size_t n, bool quote)
{
    struct buf b;
    buf_init(&b);
    for (const char *p = tmpl; *p;) {
        size_t k = 0, len = 0;
        for (; k < n; k++) {
            len = strlen(vars[k].name);
            if (p[0] == '{' && strncmp(p + 1, vars[k].name, len) == 0 && p[len + 1] == '}')
                break;
        }
        if (k < n) {
            if (quote)
                cmd_quote(&b, vars[k].value);
            else
                buf_puts(&b, vars[k].value ? vars[k].value : "");
            p += len + 2;
        } else {
            buf_putc(&b, *p++);
        }
    }
    return buf_detach(&b);
}

/* Keeps the last S_TAIL bytes of what the command wrote. */
static void s_keep(char *tail, size_t *len, const char *data, size_t n)
{
    if (n >= S_TAIL) {
        memcpy(tail, data + n - S_TAIL, S_TAIL);
        *len = S_TAIL;
        return;
    }
    if (*len + n > S_TAIL) {
        size_t drop = *len + n - S_TAIL;
        memmove(tail, tail + drop, *len - drop);
        *len -= drop;
    }
    memcpy(tail + *len, data, n);
    *len += n;
}

enum drh_status cmd_run(const char *cmd, long timeout, const char *what, struct drh_err *err)
{
    return cmd_run_env(cmd, NULL, 0, timeout, what, NULL, err);
}

/* Runs cmd with /bin/sh -c in its own process group, stdin /dev/null,
 * stdout and stderr into a pipe whose tail is kept (and its head, up to
 * CMD_OUTPUT_MAX, in *out when asked). */
enum drh_status cmd_run_env(const char *cmd, const char *const *env, size_t n_env, long timeout,
                            const char *what, struct buf *out, struct drh_err *err)
{
    int fds[2];
    if (pipe(fds) != 0)
        return drh_err_set(err, DRH_E_IO, "cannot run the %s command: %s", what, strerror(errno));
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    /* The child's environment is built here: after fork() only
     * async-signal-safe calls are made. The extras come first, so they win. */
    size_t n_base = 0;
    while (environ[n_base])
        n_base++;
    char **envp = xcalloc(n_env + n_base + 1, sizeof *envp);
    for (size_t i = 0; i < n_env; i++)
        envp[i] = (char *)env[i];
    memcpy(envp + n_env, environ, n_base * sizeof *envp);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(envp);
        close(fds[0]);
        close(fds[1]);
        return drh_err_set(err, DRH_E_IO, "cannot run the %s command: %s", what, strerror(errno));
    }
    if (pid == 0) {
        setpgid(0, 0);
        int in = open("/dev/null", O_RDONLY);
        if (in >= 0)
            dup2(in, 0);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[1]);
        execle("/bin/sh", "sh", "-c", cmd, (char *)NULL, envp);
        _exit(127);
    }
    setpgid(pid, pid);
    free(envp);
    close(fds[1]);
    char tail[S_TAIL + 1];
    size_t tail_len = 0;
    double until = mono_now() + (double)(timeout > 0 ? timeout : 120);
    int status = 0;
    bool exited = false, timed_out = false, open_pipe = true;
    while (!exited) {
        struct pollfd p = {fds[0], POLLIN, 0};
        if (open_pipe && poll(&p, 1, 100) > 0) {
            char chunk[1024];
            ssize_t r = read(fds[0], chunk, sizeof chunk);
            if (r > 0)
                s_keep(tail, &tail_len, chunk, (size_t)r);
            if (r > 0 && out && out->len < CMD_OUTPUT_MAX)
                buf_append(out, chunk,
                           (size_t)r < CMD_OUTPUT_MAX - out->len ? (size_t)r
                                                                 : CMD_OUTPUT_MAX - out->len);
            else if (r == 0)
                open_pipe = false;
        } else if (!open_pipe) {
            struct timespec ts = {0, 100 * 1000000L};
            nanosleep(&ts, NULL);
        }
        exited = waitpid(pid, &status, WNOHANG) == pid;
        if (!exited && mono_now() > until) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            exited = timed_out = true;
        }
    }
    close(fds[0]);
    tail[tail_len] = '\0';
    for (size_t i = 0; i < tail_len; i++)
        if (tail[i] == '\n' || tail[i] == '\r' || tail[i] == '\t')
            tail[i] = ' ';
    if (timed_out)
        return drh_err_set(err, DRH_E_TIMEOUT, "the %s command did not finish within %lds%s%s",
                           what, timeout, tail_len ? "; it wrote: " : "", tail);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return DRH_OK;
    if (WIFEXITED(status))
        drh_err_set(err, DRH_E_CONFIG, "the %s command exited with status %d%s%s", what,
                    WEXITSTATUS(status), tail_len ? ": " : "", tail);
    else
        drh_err_set(err, DRH_E_CONFIG, "the %s command was killed by signal %d%s%s", what,
                    WTERMSIG(status), tail_len ? ": " : "", tail);
    return drh_err_hint(err, "try the command by hand on this runner");
}
