/* Diagnostic log: see log.h. */
#include "log.h"

#include "redact.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static enum log_level s_level = LOG_INFO;
static FILE *s_sink;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const s_names[] = {"error", "warning", "info", "debug"};

void log_set_level(enum log_level level)
{
    s_level = level;
}

enum log_level log_get_level(void)
{
    return s_level;
}

void log_set_sink(FILE *sink)
{
    s_sink = sink;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (level > s_level)
        return;
    FILE *out = s_sink ? s_sink : stderr;
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&s_lock);
    fprintf(out, "drh: %s: ", s_names[level]);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    fflush(out);
    pthread_mutex_unlock(&s_lock);
    va_end(ap);
}

void log_debug_text(const char *prefix, const char *text, size_t len)
{
    if (s_level < LOG_DEBUG || !len)
        return;
    char *clean = redact_text(text, len);
    FILE *out = s_sink ? s_sink : stderr;
    pthread_mutex_lock(&s_lock);
    const char *p = clean;
    while (*p) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "drh: debug: %s%.*s\n", prefix, (int)n, p);
        p += n;
        if (*p == '\n')
            p++;
    }
    fflush(out);
    pthread_mutex_unlock(&s_lock);
    free(clean);
}
