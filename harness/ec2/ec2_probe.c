/*
 * The probes of a launched instance, each a JUnit case: http and tcp
 * (probes/net.h) at the instance's private IP and the probe's port, or
 * through the drill's tunnel opened for that probe alone; status (both
 * status checks ok, looked at until the probe's timeout).
 */
#include "ec2/ec2_run.h"

#include "aws/ec2.h"
#include "probes/net.h"
#include "run/progress.h"
#include "run/wait.h"

#include <stdio.h>
#include <string.h>

#define S_TUNNEL_TIMEOUT 30.0

static void s_status_probe(struct ec2_run *run, const struct drill_probe *p,
                           struct probe_result *out)
{
    double t = progress_elapsed();
    double until = t + (p->timeout > 0 ? p->timeout : 60);
    struct aws_client *c = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    out->verdict = PROBE_ERROR;
    if (side_client(run->res.tgt, NULL, &c, &err) != DRH_OK) {
        snprintf(out->message, sizeof out->message, "%s", err.msg);
        return;
    }
    for (;;) {
        struct ec2_instance_status s = {0};
        if (ec2_describe_instance_status(c, run->instance, &s, &err) != DRH_OK) {
            out->verdict = PROBE_ERROR;
            snprintf(out->message, sizeof out->message, "%s", err.msg);
            break;
        }
        bool ok = strcmp(s.system_status, "ok") == 0 && strcmp(s.instance_status, "ok") == 0;
        out->verdict = ok ? PROBE_PASS : PROBE_FAIL;
        snprintf(out->message, sizeof out->message, "%s: %s, system status %s, instance status %s",
                 run->instance, s.state, s.system_status, s.instance_status);
        ec2_instance_status_clean_up(&s);
        if (ok || progress_elapsed() >= until || !wait_sleep(2.0, 0))
            break;
    }
    out->seconds = progress_elapsed() - t;
}

/* http or tcp, at the private IP or through a tunnel. */
static void s_net_probe(struct ec2_run *run, const struct drill_probe *p, struct probe_result *out)
{
    const char *host = run->private_ip;
    int port = p->port > 0 ? p->port : 80;
    struct ec2_tunnel tun = {0, -1, "", 0};
    double t = progress_elapsed();
    if (run->res.r->ec2.tunnel) {
        struct drh_err err;
        drh_err_clear(&err);
        if (ec2_tunnel_open(run->res.r->ec2.tunnel, run->instance, run->private_ip, port,
                            S_TUNNEL_TIMEOUT, &tun, &err) != DRH_OK) {
            out->verdict = PROBE_ERROR;
            snprintf(out->message, sizeof out->message,
                     "cannot open the tunnel: %.600s (hint: %.300s)", err.msg, err.hint);
            out->seconds = progress_elapsed() - t;
            return;
        }
        host = tun.host;
        port = tun.port;
    }
    if (!host) {
        out->verdict = PROBE_ERROR;
        snprintf(out->message, sizeof out->message, "instance %s has no private IP address",
                 run->instance);
    } else if (p->kind == PROBE_HTTP) {
        probe_http_run(host, port, p, out);
    } else {
        probe_tcp_run(host, port, p, out);
    }
    ec2_tunnel_close(&tun);
    out->seconds = progress_elapsed() - t;
}

void ec2_probes(struct ec2_run *run, enum step_end *worst)
{
    double t = progress_elapsed();
    bool all = true;
    for (size_t i = 0; i < run->res.r->n_probes; i++) {
        const struct drill_probe *p = &run->res.r->probes[i];
        struct probe_result res;
        memset(&res, 0, sizeof(res));
        res.canary_time = -1;
        progress_phase(run->res.d->name, run->res.r->name, "probe", "%s (%s)", p->name,
                       probe_kind_name(p->kind));
        if (p->kind == PROBE_STATUS)
            s_status_probe(run, p, &res);
        else if (p->kind == PROBE_HTTP || p->kind == PROBE_TCP)
            s_net_probe(run, p, &res);
        else {
            res.verdict = PROBE_ERROR; /* the loader refuses these: never a silent pass */
            snprintf(res.message, sizeof res.message, "a %s probe cannot run on an instance",
                     probe_kind_name(p->kind));
        }
        all &= res_probe_case(&run->res, p, &res, worst);
    }
    res_probes_done(&run->res, all, t);
}
