/*
 * Reaching a launched instance that the runner cannot route to: the
 * drill's tunnel command (reach.tunnel, e.g. SSM port forwarding) runs
 * with /bin/sh -c in its own process group, says where it listens on its
 * first stdout line ("HOST:PORT"), and is ended, with everything it
 * started, after the probe.
 */
#include "ec2/ec2_run.h"
#include "run/command.h"

#include "buf.h"
#include "mem.h"
#include "mono.h"

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

char *ec2_tunnel_command(const char *tmpl, const char *instance_id, const char *private_ip,
                         int port)
{
    char port_s[16];
    snprintf(port_s, sizeof port_s, "%d", port);
    const struct cmd_var vars[] = {
        {"instance_id", instance_id}, {"private_ip", private_ip}, {"port", port_s}};
    return cmd_expand(tmpl, vars, sizeof vars / sizeof vars[0]);
}

void ec2_tunnel_close(struct ec2_tunnel *t)
{
    if (!t || t->pid <= 0)
        return;
    kill(-t->pid, SIGTERM);
    int status;
    pid_t got = 0;
    for (int i = 0; i < 40 && (got = waitpid(t->pid, &status, WNOHANG)) == 0; i++) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* whatever of the group is left (the shell's children too) */
    kill(-t->pid, SIGKILL);
    if (got == 0)
        waitpid(t->pid, &status, 0);
    if (t->fd >= 0)
        close(t->fd);
    t->pid = 0;
    t->fd = -1;
}

/* Reads the first line within timeout: 0, or -1 with err set. */
static int s_first_line(struct ec2_tunnel *t, double timeout, char *line, size_t size,
                        struct drh_err *err)
{
    size_t n = 0;
    double until = mono_now() + timeout;
    for (;;) {
        double left = until - mono_now();
        if (left <= 0) {
            drh_err_set(err, DRH_E_CONFIG, "the tunnel printed no \"HOST:PORT\" line within %.0fs",
                        timeout);
            return -1;
        }
        struct pollfd pfd = {t->fd, POLLIN, 0};
        int r = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        char c;
        ssize_t got = read(t->fd, &c, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            drh_err_set(err, DRH_E_CONFIG,
                        "the tunnel command ended before printing "
                        "\"HOST:PORT\"");
            return -1;
        }
        if (c == '\n') {
            line[n] = '\0';
            if (n && line[n - 1] == '\r')
                line[n - 1] = '\0';
            return 0;
        }
        if (n + 1 < size)
            line[n++] = c;
    }
}

/* "HOST:PORT" or "[V6]:PORT" into t; false when it is not. */
static bool s_host_port(const char *line, struct ec2_tunnel *t)
{
    const char *colon = strrchr(line, ':');
    if (!colon || colon == line)
        return false;
    char *end = NULL;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || port < 1 || port > 65535)
        return false;
    const char *h = line;
    size_t len = (size_t)(colon - line);
    if (h[0] == '[' && len >= 2 && h[len - 1] == ']') {
        h++;
        len -= 2;
    }
    if (len == 0 || len >= sizeof t->host)
        return false;
    memcpy(t->host, h, len);
    t->host[len] = '\0';
    t->port = (int)port;
    return true;
}

enum drh_status ec2_tunnel_open(const char *tmpl, const char *instance_id, const char *private_ip,
                                int port, double timeout, struct ec2_tunnel *out,
                                struct drh_err *err)
{
    struct ec2_tunnel t = {0, -1, "", 0};
    int fds[2];
    if (pipe(fds) != 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0)
        return drh_err_set(err, DRH_E_IO, "cannot start the tunnel: pipe: %s", strerror(errno));
    char *cmd = ec2_tunnel_command(tmpl, instance_id, private_ip, port);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(fds[1], 1);
        signal(SIGPIPE, SIG_DFL);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    free(cmd);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return drh_err_set(err, DRH_E_IO, "cannot start the tunnel: fork: %s", strerror(errno));
    }
    setpgid(pid, pid); /* as the child does: whichever runs first */
    t.pid = pid;
    t.fd = fds[0];
    char line[512];
    if (s_first_line(&t, timeout, line, sizeof line, err) != 0) {
        drh_err_hint(err, "reach.tunnel must print where it listens (\"127.0.0.1:8080\") on its "
                          "first line and keep running; try the command by hand");
        ec2_tunnel_close(&t);
        return DRH_E_CONFIG;
    }
    if (!s_host_port(line, &t)) {
        drh_err_set(err, DRH_E_CONFIG, "the tunnel's first line '%.80s' is not HOST:PORT", line);
        drh_err_hint(err, "print only \"HOST:PORT\" first (e.g. \"127.0.0.1:8080\"); other "
                          "output may follow");
        ec2_tunnel_close(&t);
        return DRH_E_CONFIG;
    }
    *out = t;
    return DRH_OK;
}
