/* Error reporting: see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int exit_code;
} s_table[] = {
#define DRH_ERR_ROW(name, exit_code, desc) {#name, exit_code},
    DRH_ERR_TABLE(DRH_ERR_ROW)
#undef DRH_ERR_ROW
};

void drh_err_clear(struct drh_err *err)
{
    if (!err)
        return;
    err->code = DRH_OK;
    err->msg[0] = '\0';
    err->hint[0] = '\0';
}

enum drh_status drh_err_set(struct drh_err *err, enum drh_status code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    err->hint[0] = '\0';
    return code;
}

enum drh_status drh_err_hint(struct drh_err *err, const char *fmt, ...)
{
    if (!err)
        return DRH_E_INTERNAL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->hint, sizeof err->hint, fmt, ap);
    va_end(ap);
    return err->code;
}

enum drh_status drh_err_prefix(struct drh_err *err, const char *fmt, ...)
{
    if (!err)
        return DRH_E_INTERNAL;
    char prefix[DRH_ERR_MSG_MAX];
    char old[DRH_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    /* Truncation is wanted here: a message is one bounded line. */
    size_t n = strlen(prefix);
    if (n > sizeof err->msg - 3)
        n = sizeof err->msg - 3;
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    size_t room = sizeof err->msg - n - 3;
    size_t m = strnlen(old, room);
    memcpy(err->msg + n + 2, old, m);
    err->msg[n + 2 + m] = '\0';
    return err->code;
}

int drh_status_exit_code(enum drh_status code)
{
    if ((size_t)code >= sizeof s_table / sizeof s_table[0])
        return 3;
    return s_table[code].exit_code;
}

const char *drh_status_name(enum drh_status code)
{
    if ((size_t)code >= sizeof s_table / sizeof s_table[0])
        return "DRH_E_UNKNOWN";
    return s_table[code].name;
}
