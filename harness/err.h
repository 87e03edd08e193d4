/*
 * Errors: every fallible function returns a status from the table below and
 * fills a caller-provided struct drh_err with a one-line message (lowercase,
 * no final period, naming the object and the cause) and an optional hint.
 * The table also gives each status its process exit code, so the CLI maps
 * any error to what CI can act on: 2 bad usage or input, 3 environment.
 */
#ifndef DRH_ERR_H
#define DRH_ERR_H

/* X(name, exit code, description) */
#define DRH_ERR_TABLE(X)                                                                           \
    X(DRH_OK, 0, "ok")                                                                             \
    X(DRH_E_USAGE, 2, "bad usage")                                                                 \
    X(DRH_E_INPUT, 2, "bad input")                                                                 \
    X(DRH_E_CONFIG, 2, "bad configuration")                                                        \
    X(DRH_E_IO, 3, "file or system error")                                                         \
    X(DRH_E_NET, 3, "network error")                                                               \
    X(DRH_E_TIMEOUT, 3, "timed out")                                                               \
    X(DRH_E_TLS, 3, "tls error")                                                                   \
    X(DRH_E_CREDS, 3, "no usable credentials")                                                     \
    X(DRH_E_PARSE, 3, "malformed response")                                                        \
    X(DRH_E_AWS, 3, "aws error")                                                                   \
    X(DRH_E_UNAVAILABLE, 3, "aws throttling or unavailable after retries")                         \
    X(DRH_E_INTERRUPTED, 3, "interrupted by a signal")                                             \
    X(DRH_E_NOTFOUND, 3, "not found")                                                              \
    X(DRH_E_INTERNAL, 3, "internal error")

enum drh_status {
#define DRH_ERR_ENUM(name, exit_code, desc) name,
    DRH_ERR_TABLE(DRH_ERR_ENUM)
#undef DRH_ERR_ENUM
};

#define DRH_ERR_MSG_MAX 1024
#define DRH_ERR_HINT_MAX 512

struct drh_err {
    enum drh_status code;
    char msg[DRH_ERR_MSG_MAX];
    char hint[DRH_ERR_HINT_MAX]; /* "" when there is none */
};

void drh_err_clear(struct drh_err *err);
/* Sets code and message, clears the hint; returns code. err may be NULL. */
enum drh_status drh_err_set(struct drh_err *err, enum drh_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets the hint of an error already set; returns err->code. */
enum drh_status drh_err_hint(struct drh_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Puts "context: " in front of the message, keeping code and hint. */
enum drh_status drh_err_prefix(struct drh_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int drh_status_exit_code(enum drh_status code);
const char *drh_status_name(enum drh_status code);

#endif
