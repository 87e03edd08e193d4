/*
 * The report model (report.h): building it as a run goes, and what both
 * writers share: totals, times, the run-id rule and the atomic file write.
 * Text is redacted on the way in, so neither writer has to think about it.
 */
#include "report.h"

#include "buf.h"
#include "mem.h"
#include "redact.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A redacted copy of text; NULL stays NULL. */
static char *s_clean(const char *text)
{
    if (!text)
        return NULL;
    char *out = redact_text(text, strlen(text));
    return out ? out : xstrdup("");
}

static void s_case_free(struct report_case *c)
{
    free(c->name);
    free(c->classname);
    free(c->message);
    free(c->detail);
    free(c);
}

static void s_suite_free(struct report_suite *s)
{
    for (size_t i = 0; i < s->n_cases; i++)
        s_case_free(s->cases[i]);
    free(s->cases);
    for (size_t i = 0; i < s->n_props; i++) {
        free(s->props[i].name);
        free(s->props[i].value);
    }
    free(s->props);
    free(s->name);
    free(s->hostname);
    free(s->file);
    free(s);
}

void report_init(struct report *r, const char *run_id, time_t started)
{
    memset(r, 0, sizeof *r);
    r->run_id = xstrdup(run_id ? run_id : "");
    r->started = started;
}

void report_clean_up(struct report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_suites; i++)
        s_suite_free(r->suites[i]);
    free(r->suites);
    free(r->run_id);
    json_free(r->evidence);
    memset(r, 0, sizeof *r);
}

struct report_suite *report_add_suite(struct report *r, const char *name, time_t started)
{
    struct report_suite *s = xcalloc(1, sizeof *s);
    s->name = xstrdup(name ? name : "");
    s->hostname = xstrdup("");
    s->file = xstrdup("");
    s->started = started;
    r->suites = xrealloc(r->suites, (r->n_suites + 1) * sizeof *r->suites);
    r->suites[r->n_suites++] = s;
    return s;
}

/* Whether s has a case of c's classname and name. */
static bool s_name_taken(const struct report_suite *s, const struct report_case *c)
{
    for (size_t i = 0; i < s->n_cases; i++)
        if (strcmp(s->cases[i]->name, c->name) == 0 &&
            strcmp(s->cases[i]->classname, c->classname) == 0)
            return true;
    return false;
}

struct report_case *report_add_case(struct report_suite *s, const char *classname, const char *name,
                                    enum report_status status, double seconds, const char *message)
{
    struct report_case *c = xcalloc(1, sizeof *c);
    c->classname = xstrdup(classname ? classname : s->name);
    c->name = xstrdup(name ? name : "");
    for (unsigned k = 2; s_name_taken(s, c); k++) {
        free(c->name);
        c->name = xasprintf("%s (%u)", name ? name : "", k);
    }
    c->status = status;
    c->seconds = seconds;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    c->ended = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
    c->message = s_clean(message);
    s->cases = xrealloc(s->cases, (s->n_cases + 1) * sizeof *s->cases);
    s->cases[s->n_cases++] = c;
    return c;
}

void report_case_set_detail(struct report_case *c, const char *detail)
{
    free(c->detail);
    c->detail = s_clean(detail);
}

void report_suite_set_hostname(struct report_suite *s, const char *hostname)
{
    free(s->hostname);
    s->hostname = xstrdup(hostname ? hostname : "");
}

void report_suite_set_file(struct report_suite *s, const char *file)
{
    free(s->file);
    s->file = xstrdup(file ? file : "");
}

const char *report_property(const struct report_suite *s, const char *name)
{
    for (size_t i = 0; i < s->n_props; i++)
        if (strcmp(s->props[i].name, name) == 0)
            return s->props[i].value;
    return NULL;
}

void report_add_property(struct report_suite *s, const char *name, const char *value)
{
    if (!name)
        name = "";
    char *v =
        redact_is_secret_name(name, strlen(name)) ? xstrdup(REDACTED) : s_clean(value ? value : "");
    for (size_t i = 0; i < s->n_props; i++)
        if (strcmp(s->props[i].name, name) == 0) {
            free(s->props[i].value);
            s->props[i].value = v;
            return;
        }
    s->props = xrealloc(s->props, (s->n_props + 1) * sizeof *s->props);
    s->props[s->n_props].name = xstrdup(name);
    s->props[s->n_props].value = v;
    s->n_props++;
}

void report_add_propertyf(struct report_suite *s, const char *name, const char *fmt, ...)
{
    struct buf b;
    buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    report_add_property(s, name, buf_str(&b));
    buf_clean_up(&b);
}

size_t report_suite_count(const struct report_suite *s, enum report_status status)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_cases; i++)
        if (s->cases[i]->status == status)
            n++;
    return n;
}

size_t report_count(const struct report *r, enum report_status status)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_suites; i++)
        n += report_suite_count(r->suites[i], status);
    return n;
}

const char *report_status_name(enum report_status status)
{
    switch (status) {
    case REPORT_PASS:
        return "pass";
    case REPORT_FAIL:
        return "fail";
    case REPORT_ERROR:
        return "error";
    case REPORT_SKIPPED:
        return "skipped";
    }
    return "error";
}

enum drh_status report_check_run_id(const char *run_id, struct drh_err *err)
{
    size_t len = run_id ? strlen(run_id) : 0;
    int ok = len > 0 && len <= REPORT_RUN_ID_MAX && run_id[0] != '.';
    for (size_t i = 0; ok && i < len; i++) {
        char c = run_id[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '_' || c == '-';
    }
    if (ok)
        return DRH_OK;
    /* The id may hold anything: show it cut, with bytes outside ASCII as \xNN. */
    struct buf shown;
    buf_init(&shown);
    for (size_t i = 0; i < len && i < 120; i++) {
        unsigned char c = (unsigned char)run_id[i];
        if (c < 0x20 || c >= 0x7F)
            buf_printf(&shown, "\\x%02X", c);
        else
            buf_putc(&shown, (char)c);
    }
    drh_err_set(err, DRH_E_INPUT, "run id '%s' is not usable as a file name", buf_str(&shown));
    buf_clean_up(&shown);
    return drh_err_hint(err,
                        "a run id is 1 to %d letters, digits, '.', '_' and '-', not starting "
                        "with '.'",
                        REPORT_RUN_ID_MAX);
}

/* Negative, NaN and infinite durations come from clock trouble: show 0. */
static double s_seconds(double x)
{
    if (!(x > 0) || isinf(x))
        return 0;
    return x > 1e9 ? 1e9 : x;
}

double report_case_seconds(const struct report_case *c)
{
    return s_seconds(c->seconds);
}

double report_suite_seconds(const struct report_suite *s)
{
    if (s_seconds(s->seconds) > 0)
        return s_seconds(s->seconds);
    double sum = 0;
    for (size_t i = 0; i < s->n_cases; i++)
        sum += s_seconds(s->cases[i]->seconds);
    return s_seconds(sum);
}

double report_seconds(const struct report *r)
{
    if (s_seconds(r->seconds) > 0)
        return s_seconds(r->seconds);
    double sum = 0;
    for (size_t i = 0; i < r->n_suites; i++)
        sum += report_suite_seconds(r->suites[i]);
    return s_seconds(sum);
}

void report_format_utc(time_t t, int zone, char out[32])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        memset(&tm, 0, sizeof tm);
        tm.tm_year = 70;
        tm.tm_mday = 1;
    }
    if (strftime(out, 32, zone ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        snprintf(out, 32, "%s", zone ? "1970-01-01T00:00:00Z" : "1970-01-01T00:00:00");
}

void report_format_utc_ms(double t, char out[64])
{
    if (!isfinite(t) || t < 0)
        t = 0;
    time_t sec = (time_t)t;
    int ms = (int)((t - (double)sec) * 1000.0);
    char when[32];
    report_format_utc(sec, 0, when);
    snprintf(out, 64, "%s.%03dZ", when, ms < 0 ? 0 : ms > 999 ? 999 : ms);
}

void report_format_seconds(double s, char out[32])
{
    if (!isfinite(s) || s < 0) {
        snprintf(out, 32, "\xe2\x80\x93");
        return;
    }
    if (s < 1)
        snprintf(out, 32, "%.3f s", s);
    else if (s < 60)
        snprintf(out, 32, "%.1f s", s);
    else if (s < 1e9) {
        /* the two largest units, the second left out when 0 */
        static const struct {
            double size;
            const char *name;
        } units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
        size_t u = s >= 86400 ? 0 : s >= 3600 ? 1 : 2;
        long big = (long)(s / units[u].size);
        long small = (long)(fmod(s, units[u].size) / units[u + 1].size);
        if (small)
            snprintf(out, 32, "%ld %s %ld %s", big, units[u].name, small, units[u + 1].name);
        else
            snprintf(out, 32, "%ld %s", big, units[u].name);
    } else
        snprintf(out, 32, "%.3g s", s);
}

size_t report_cut_len(const char *text, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    for (int back = 0; back < 3 && n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80; back++)
        n--;
    return n;
}

/* The directory part of path: "." for "x", "/" for "/x". Caller frees. */
static char *s_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

static enum drh_status s_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return DRH_E_IO;
        data += n;
        len -= (size_t)n;
    }
    return DRH_OK;
}

enum drh_status report_write_file(const char *path, const void *data, size_t len,
                                  struct drh_err *err)
{
    enum drh_status status = DRH_OK;
    char *dir = s_dir_of(path);
    char *tmp = NULL;
    int fd = -1;
    struct stat st;

    int stat_rc = stat(dir, &st);
    int stat_errno = errno;
    if (stat_rc != 0 || !S_ISDIR(st.st_mode)) {
        if (stat_rc == 0)
            status =
                drh_err_set(err, DRH_E_IO, "cannot write '%s': '%s' is not a directory", path, dir);
        else if (stat_errno == ENOENT)
            status = drh_err_set(err, DRH_E_IO, "cannot write '%s': directory '%s' does not exist",
                                 path, dir);
        else
            status = drh_err_set(err, DRH_E_IO, "cannot write '%s': directory '%s': %s", path, dir,
                                 strerror(stat_errno));
        drh_err_hint(err, "create the directory first, or choose another path");
        goto fail;
    }
    /* In the same directory, so rename() replaces path in one step and a
     * reader sees the old file or the new one, never half of one. */
    tmp = xasprintf("%s.tmp-XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        status = drh_err_set(err, DRH_E_IO, "cannot write '%s': cannot create a file in '%s': %s",
                             path, dir, strerror(errno));
        drh_err_hint(err, "check that drh may write to '%s'", dir);
        free(tmp);
        tmp = NULL;
        goto fail;
    }
    if (s_write_all(fd, data, len) != DRH_OK || fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
        status = drh_err_set(err, DRH_E_IO, "cannot write '%s': %s", path, strerror(errno));
        goto fail;
    }
    int rc = close(fd);
    fd = -1;
    if (rc != 0) {
        status = drh_err_set(err, DRH_E_IO, "cannot write '%s': %s", path, strerror(errno));
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        status = drh_err_set(err, DRH_E_IO, "cannot write '%s': rename: %s", path, strerror(errno));
        goto fail;
    }
    free(tmp);
    tmp = NULL;
    /* The rename is durable once the directory is; some file systems refuse
     * to fsync a directory, and the file itself is already safe, so a
     * failure here is not the caller's problem. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }

fail:
    if (fd >= 0)
        close(fd);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    free(dir);
    return status;
}
