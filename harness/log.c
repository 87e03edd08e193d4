/* Diagnostic log: see log.h. */
#include "log.h"

#include "buf.h"
#include "mem.h"
#include "redact.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static enum log_level s_level = LOG_INFO;
static FILE *s_sink;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const s_names[] = {"error", "warning", "info", "debug"};

/* The capture (log.h): its own lock, since progress lines come through it
 * too; taken after s_lock when both are held. */
static pthread_mutex_t s_capture_lock = PTHREAD_MUTEX_INITIALIZER;
static struct buf s_capture;
static bool s_capturing, s_capture_full;

void log_capture_start(void)
{
    pthread_mutex_lock(&s_capture_lock);
    buf_clean_up(&s_capture);
    buf_init(&s_capture);
    s_capturing = true;
    s_capture_full = false;
    pthread_mutex_unlock(&s_capture_lock);
}

void log_capture_line(const char *line)
{
    pthread_mutex_lock(&s_capture_lock);
    if (s_capturing && !s_capture_full) {
        char *clean = redact_text(line, strlen(line));
        const char *text = clean ? clean : "";
        if (s_capture.len + strlen(text) + 1 > LOG_CAPTURE_MAX) {
            buf_printf(&s_capture, "[drh: log cut here: it passed %u bytes]\n", LOG_CAPTURE_MAX);
            s_capture_full = true;
        } else {
            buf_puts(&s_capture, text);
            buf_putc(&s_capture, '\n');
        }
        free(clean);
    }
    pthread_mutex_unlock(&s_capture_lock);
}

char *log_capture_stop(size_t *len)
{
    pthread_mutex_lock(&s_capture_lock);
    s_capturing = false;
    if (len)
        *len = s_capture.len;
    char *text = s_capture.len ? buf_detach(&s_capture) : strdup("");
    buf_clean_up(&s_capture);
    buf_init(&s_capture);
    pthread_mutex_unlock(&s_capture_lock);
    return text;
}

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
    struct buf line;
    buf_init(&line);
    buf_printf(&line, "drh: %s: ", s_names[level]);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&line, fmt, ap);
    va_end(ap);
    /* A secret that reached a message is never shown, here or in drh.log. */
    char *clean = redact_text(buf_str(&line), line.len);
    pthread_mutex_lock(&s_lock);
    fprintf(out, "%s\n", clean ? clean : buf_str(&line));
    fflush(out);
    pthread_mutex_unlock(&s_lock);
    log_capture_line(clean ? clean : buf_str(&line));
    free(clean);
    buf_clean_up(&line);
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
        char *line = xasprintf("drh: debug: %s%.*s", prefix, (int)n, p);
        log_capture_line(line);
        free(line);
        p += n;
        if (*p == '\n')
            p++;
    }
    fflush(out);
    pthread_mutex_unlock(&s_lock);
    free(clean);
}
