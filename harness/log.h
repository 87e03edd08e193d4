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

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
