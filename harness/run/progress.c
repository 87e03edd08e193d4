/*
 * Progress lines and JSON events (progress.h). One mutex keeps lines from
 * several resource threads whole.
 */
#include "run/progress.h"
#include "buf.h"
#include "json.h"
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static bool s_quiet, s_json;
static struct timespec s_t0;

void progress_init(bool quiet, bool json)
{
    s_quiet = quiet;
    s_json = json;
    clock_gettime(CLOCK_MONOTONIC, &s_t0);
}

double progress_elapsed(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - s_t0.tv_sec) + (double)(t.tv_nsec - s_t0.tv_nsec) / 1e9;
}

/* key names the third field in the JSON event: "phase" or "name". */
static void s_line(const char *event, const char *drill, const char *resource, const char *key,
                   const char *phase, const char *status, const char *message)
{
    double t = progress_elapsed();
    struct buf line;
    buf_init(&line);
    buf_printf(&line, "[%7.1fs] %s%s%s: %s%s%s%s%s", t, drill, resource ? "/" : "",
               resource ? resource : "", phase, status ? " " : "", status ? status : "",
               message && *message ? ": " : "", message ? message : "");
    /* The evidence bundle's log has every line, --quiet or not. */
    log_capture_line(buf_str(&line));
    pthread_mutex_lock(&s_lock);
    if (!s_quiet)
        fprintf(stderr, "%s\n", buf_str(&line));
    if (s_json) {
        struct json *o = json_new_object();
        json_add_string(o, "event", event);
        json_add_number(o, "t", (double)(long long)(t * 1000) / 1000.0);
        json_add_string(o, "drill", drill);
        if (resource)
            json_add_string(o, "resource", resource);
        json_add_string(o, key, phase);
        if (status)
            json_add_string(o, "status", status);
        if (message)
            json_add_string(o, "message", message);
        char *text = json_print(o, 0);
        fprintf(stdout, "%s\n", text);
        fflush(stdout);
        free(text);
        json_free(o);
    }
    pthread_mutex_unlock(&s_lock);
    buf_clean_up(&line);
}

static void s_vline(const char *event, const char *drill, const char *resource,
                    const char *phase, const char *fmt, va_list ap)
{
    struct buf b;
    buf_init(&b);
    buf_vprintf(&b, fmt, ap);
    s_line(event, drill, resource, "phase", phase, NULL, buf_str(&b));
    buf_clean_up(&b);
}

void progress_phase(const char *drill, const char *resource, const char *phase, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_vline("phase", drill, resource, phase, fmt, ap);
    va_end(ap);
}

void progress_wait(const char *drill, const char *resource, const char *phase, const char *fmt,
                   ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_vline("wait", drill, resource, phase, fmt, ap);
    va_end(ap);
}

void progress_result(const char *drill, const char *resource, const char *name,
                     const char *status, const char *message)
{
    s_line("result", drill, resource, "name", name, status, message);
}

const char *progress_status_word(int report_status)
{
    static const char *const words[] = {"passed", "failed", "error", "skipped"};
    return report_status >= 0 && report_status < 4 ? words[report_status] : "unknown";
}
