/*
 * A run record as JSON (history.h): the one shape of the local files, the
 * PostgreSQL record column and `drh history --json`. Reading is strict
 * about types, since a history file may have been edited or cut short, and
 * names the field that is wrong.
 */
#include "history/history_impl.h"

#include "aws/creds.h"
#include "buf.h"
#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY_FORMAT 1

static void s_add_figure(struct json *o, const char *key, double v)
{
    if (v >= 0 && isfinite(v))
        json_add_number(o, key, v);
    else
        json_add_null(o, key);
}

static void s_add_text(struct json *o, const char *key, const char *v)
{
    if (v)
        json_add_string(o, key, v);
    else
        json_add_null(o, key);
}

static void s_add_time(struct json *o, const char *key, double t, bool millis)
{
    char text[40];
    if (t <= 0 || !isfinite(t)) {
        json_add_null(o, key);
        return;
    }
    history_format_time(t, millis, text);
    json_add_string(o, key, text);
}

struct json *history_record_to_json(const struct history_record *r)
{
    struct json *o = json_new_object();
    json_add_number(o, "format", HISTORY_FORMAT);
    s_add_text(o, "run_id", r->run_id);
    s_add_text(o, "drill", r->drill);
    s_add_text(o, "file", r->file);
    s_add_text(o, "host", r->host);
    s_add_time(o, "scheduled_for", (double)r->scheduled_for, false);
    s_add_time(o, "started", r->started, true);
    s_add_time(o, "ended", r->ended, true);
    json_add_string(o, "verdict", r->verdict);
    s_add_figure(o, "rto", r->rto);
    s_add_figure(o, "rpo", r->rpo);
    s_add_figure(o, "rpo_data", r->rpo_data);
    s_add_figure(o, "rto_objective", r->rto_objective > 0 ? r->rto_objective : -1);
    s_add_figure(o, "rpo_objective", r->rpo_objective > 0 ? r->rpo_objective : -1);
    struct json *resources = json_add_child(o, "resources", json_new_array());
    for (size_t i = 0; i < r->n_resources; i++) {
        const struct history_resource *res = &r->resources[i];
        struct json *e = json_push(resources, json_new_object());
        s_add_text(e, "name", res->name);
        json_add_string(e, "verdict", res->verdict);
        s_add_figure(e, "rto", res->rto);
        s_add_figure(e, "rpo", res->rpo);
        s_add_figure(e, "rpo_data", res->rpo_data);
    }
    struct json *warnings = json_add_child(o, "warnings", json_new_array());
    for (const char *p = r->warnings; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len) {
            char *line = xstrndup(p, len);
            json_push_string(warnings, line);
            free(line);
        }
        p += len + (nl ? 1 : 0);
    }
    return o;
}

/* "2026-11-22T01:00:03Z", with an optional fraction of a second: the AWS
 * client's reader of service timestamps. */
static bool s_parse_time(const char *s, double *out)
{
    double t = aws_parse_time_frac(s);
    if (t < 0)
        return false;
    *out = t;
    return true;
}

static enum drh_status s_bad(struct drh_err *err, const char *field, const char *want,
                             const struct json *got)
{
    return drh_err_set(err, DRH_E_PARSE, "history record: '%s' should be %s, got %s", field, want,
                       json_type_name(got));
}

/* A string member into *out (copied): absent or null leaves NULL unless
 * required. */
static enum drh_status s_get_text(const struct json *o, const char *key, bool required, char **out,
                                  struct drh_err *err)
{
    const struct json *v = json_get(o, key);
    if ((!v || json_is_null(v)) && !required)
        return DRH_OK;
    if (!json_is_string(v) || (required && !*json_string(v)))
        return s_bad(err, key, "a non-empty string", v);
    *out = xstrdup(json_string(v));
    return DRH_OK;
}

static enum drh_status s_get_time(const struct json *o, const char *key, bool required, double *out,
                                  struct drh_err *err)
{
    const struct json *v = json_get(o, key);
    *out = 0;
    if ((!v || json_is_null(v)) && !required)
        return DRH_OK;
    if (!json_is_string(v) || !s_parse_time(json_string(v), out))
        return s_bad(err, key, "a UTC time like 2026-11-22T01:00:03Z", v);
    return DRH_OK;
}

static enum drh_status s_get_figure(const struct json *o, const char *key, double *out,
                                    struct drh_err *err)
{
    const struct json *v = json_get(o, key);
    *out = -1;
    if (!v || json_is_null(v))
        return DRH_OK;
    if (!json_number(v, out) || *out < 0)
        return s_bad(err, key, "a number of seconds >= 0 or null", v);
    return DRH_OK;
}

static enum drh_status s_get_verdict(const struct json *o, const char *key, char out[8],
                                     struct drh_err *err)
{
    const char *v = json_get_string(o, key);
    size_t n = v ? strlen(v) : 0;
    if (!n || n >= 8 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != n)
        return s_bad(err, key, "a verdict (PASSED, FAILED, ERROR)", json_get(o, key));
    memcpy(out, v, n + 1);
    return DRH_OK;
}

static enum drh_status s_get_resources(const struct json *o, struct history_record *r,
                                       struct drh_err *err)
{
    const struct json *arr = json_get(o, "resources");
    if (!arr || json_is_null(arr))
        return DRH_OK;
    if (!json_is_array(arr))
        return s_bad(err, "resources", "an array", arr);
    r->resources = xcalloc(json_array_size(arr) + 1, sizeof *r->resources);
    for (const struct json *e = json_first(arr); e; e = json_next(e)) {
        struct history_resource *res = &r->resources[r->n_resources++];
        if (!json_is_object(e))
            return s_bad(err, "resources[]", "an object", e);
        if (s_get_text(e, "name", true, &res->name, err) != DRH_OK ||
            s_get_verdict(e, "verdict", res->verdict, err) != DRH_OK ||
            s_get_figure(e, "rto", &res->rto, err) != DRH_OK ||
            s_get_figure(e, "rpo", &res->rpo, err) != DRH_OK ||
            s_get_figure(e, "rpo_data", &res->rpo_data, err) != DRH_OK)
            return drh_err_prefix(err, "resource %zu", r->n_resources);
    }
    return DRH_OK;
}

static enum drh_status s_get_warnings(const struct json *o, struct history_record *r,
                                      struct drh_err *err)
{
    const struct json *arr = json_get(o, "warnings");
    if (!arr || json_is_null(arr))
        return DRH_OK;
    if (!json_is_array(arr))
        return s_bad(err, "warnings", "an array of strings", arr);
    struct buf b;
    buf_init(&b);
    for (const struct json *e = json_first(arr); e; e = json_next(e)) {
        if (!json_is_string(e)) {
            buf_clean_up(&b);
            return s_bad(err, "warnings[]", "a string", e);
        }
        if (b.len)
            buf_putc(&b, '\n');
        buf_puts(&b, json_string(e));
    }
    r->warnings = b.len ? buf_detach(&b) : NULL;
    buf_clean_up(&b);
    return DRH_OK;
}

enum drh_status history_record_from_json(const struct json *j, struct history_record *out,
                                         struct drh_err *err)
{
    struct history_record r = {0};
    double scheduled = 0, format = 0;
    const struct json *fmt = json_get(j, "format");
    if (!json_is_object(j))
        return drh_err_set(err, DRH_E_PARSE, "history record: expected an object, got %s",
                           json_type_name(j));
    if (fmt && (!json_number(fmt, &format) || format != HISTORY_FORMAT))
        return drh_err_set(err, DRH_E_PARSE, "history record: unknown format (want %d)",
                           HISTORY_FORMAT);
    if (s_get_text(j, "run_id", true, &r.run_id, err) != DRH_OK ||
        s_get_text(j, "drill", true, &r.drill, err) != DRH_OK ||
        s_get_text(j, "file", false, &r.file, err) != DRH_OK ||
        s_get_text(j, "host", false, &r.host, err) != DRH_OK ||
        s_get_time(j, "scheduled_for", false, &scheduled, err) != DRH_OK ||
        s_get_time(j, "started", true, &r.started, err) != DRH_OK ||
        s_get_time(j, "ended", false, &r.ended, err) != DRH_OK ||
        s_get_verdict(j, "verdict", r.verdict, err) != DRH_OK ||
        s_get_figure(j, "rto", &r.rto, err) != DRH_OK ||
        s_get_figure(j, "rpo", &r.rpo, err) != DRH_OK ||
        s_get_figure(j, "rpo_data", &r.rpo_data, err) != DRH_OK ||
        s_get_figure(j, "rto_objective", &r.rto_objective, err) != DRH_OK ||
        s_get_figure(j, "rpo_objective", &r.rpo_objective, err) != DRH_OK ||
        s_get_resources(j, &r, err) != DRH_OK || s_get_warnings(j, &r, err) != DRH_OK) {
        history_record_clean_up(&r);
        return err->code;
    }
    r.scheduled_for = (time_t)scheduled;
    *out = r;
    return DRH_OK;
}
