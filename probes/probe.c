/*
 * probe_run(): times a probe, gives it its deadline and dispatches it to
 * the file that implements its kind; the helpers every kind shares for
 * verdicts and messages.
 */
#include "probes/probe_impl.h"

#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define S_DEFAULT_TIMEOUT 60

const char *probe_verdict_name(enum probe_verdict v)
{
    switch (v) {
    case PROBE_PASS:
        return "pass";
    case PROBE_FAIL:
        return "fail";
    case PROBE_ERROR:
        break;
    }
    return "error";
}

static double s_elapsed(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int probe_remaining(const struct probe_ctx *x)
{
    double left = (double)x->timeout - s_elapsed(&x->start);
    if (left <= 0)
        return 0;
    int whole = (int)left;
    return whole < 1 ? 1 : whole + (left > whole ? 1 : 0);
}

static void s_vset(struct probe_ctx *x, enum probe_verdict v, const char *fmt, va_list ap)
{
    struct probe_result *out = x->out;
    out->verdict = v;
    int n = vsnprintf(out->message, sizeof out->message, fmt, ap);
    if (n >= (int)sizeof out->message)
        memcpy(out->message + sizeof out->message - 4, "...", 4);
}

void probe_set(struct probe_ctx *x, enum probe_verdict v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_vset(x, v, fmt, ap);
    va_end(ap);
}

void probe_set_error(struct probe_ctx *x, const struct drh_err *err)
{
    const char *msg = err->msg[0] ? err->msg : drh_status_name(err->code);
    if (err->code == DRH_E_TIMEOUT)
        probe_set(x, PROBE_ERROR, "timed out (the probe's timeout is %lds): %s", x->timeout, msg);
    else if (err->hint[0])
        probe_set(x, PROBE_ERROR, "%s; hint: %s", msg, err->hint);
    else
        probe_set(x, PROBE_ERROR, "%s", msg);
}

void probe_set_out_of_time(struct probe_ctx *x, const char *done_so_far)
{
    if (done_so_far && *done_so_far)
        probe_set(x, PROBE_ERROR, "did not finish within %lds; so far: %s", x->timeout,
                  done_so_far);
    else
        probe_set(x, PROBE_ERROR, "did not finish within %lds", x->timeout);
}

char *probe_manifest_path(const struct probe_ctx *x)
{
    const char *m = x->p->manifest;
    if (m[0] == '/' || !x->base_dir || !x->base_dir[0])
        return xstrdup(m);
    return xasprintf("%s/%s", x->base_dir, m);
}

void probe_sep(struct buf *b)
{
    if (b->len)
        buf_puts(b, "; ");
}

void probe_run(struct db_conn *c, const struct drill_probe *p, const char *base_dir,
               struct probe_result *out)
{
    struct probe_ctx x = {c,   p,      base_dir,
                          out, {0, 0}, p->timeout > 0 ? p->timeout : S_DEFAULT_TIMEOUT};
    memset(out, 0, sizeof *out);
    out->canary_time = -1;
    clock_gettime(CLOCK_MONOTONIC, &x.start);
    switch (p->kind) {
    case PROBE_SQL:
        probe_sql(&x);
        break;
    case PROBE_TABLES:
        probe_tables(&x);
        break;
    case PROBE_SCHEMA:
        probe_schema(&x);
        break;
    case PROBE_CHECKSUM:
        probe_checksum(&x);
        break;
    case PROBE_CANARY:
        probe_canary(&x);
        break;
    case PROBE_INTEGRITY:
        probe_integrity(&x);
        break;
    default:
        probe_set(&x, PROBE_ERROR, "unknown probe kind %d", (int)p->kind);
        break;
    }
    out->seconds = s_elapsed(&x.start);
}
