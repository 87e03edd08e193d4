/*
 * drh's diagnostic log on stderr: levels, and --debug tracing of AWS traffic.
 * Everything passes through redact.h first where it may hold a secret.
 * The sink is injectable so tests can read what was logged.
 */
#ifndef DRH_LOG_H
#define DRH_LOG_H

#include <stdio.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Where lines go; NULL restores stderr. */
void log_set_sink(FILE *sink);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs text at debug level, redacted, prefixed on each line. */
void log_debug_text(const char *prefix, const char *text, size_t len);

/* The run's log for its evidence bundle (drh.log): from log_capture_start()
 * on, a redacted copy of every line logged here and of every progress line
 * is kept in memory, up to LOG_CAPTURE_MAX bytes (then one line says that
 * the rest was cut). Thread-safe. */
#define LOG_CAPTURE_MAX (16u * 1024 * 1024)
void log_capture_start(void);
/* Adds one line (no newline) to the capture when it is on. */
void log_capture_line(const char *line);
/* Stops capturing and returns what was kept (caller frees; "" when nothing);
 * *len (may be NULL) gets its length. */
char *log_capture_stop(size_t *len);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
