/*
 * The evidence file (report.h): one JSON document per run, kept as proof
 * that the drill ran and what it measured, and its SHA-256 beside it in
 * sha256sum's format, so `sha256sum -c` shows the file is what the run
 * wrote. The runner's part (r->evidence) is copied in with secret-named
 * members replaced by REDACTED and strings passed through redact_text().
 */
#include "report.h"

#include "buf.h"
#include "crypto.h"
#include "fs.h"
#include "mem.h"
#include "redact.h"
#include "version.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Members evidence.c writes itself: the runner may not set them. */
static const char *const s_reserved[] = {"run_id",  "drh_version", "started",
                                         "seconds", "totals",      "suites"};

/* Milliseconds are all a drill measures; more digits would be noise. */
static double s_ms(double seconds)
{
    return round(seconds * 1000.0) / 1000.0;
}

static void s_copy_value(struct json *parent, const char *key, const struct json *v);

static struct json *s_copy_container(const struct json *v)
{
    int object = json_is_object(v);
    struct json *out = object ? json_new_object() : json_new_array();
    for (const struct json *m = json_first(v); m; m = json_next(m))
        s_copy_value(out, object ? json_key(m) : NULL, m);
    return out;
}

/* Adds a redacted copy of v to parent: under key in an object, at the end
 * of an array when key is NULL. */
static void s_copy_value(struct json *parent, const char *key, const struct json *v)
{
    double number;
    bool flag;
    struct json *child = NULL;
    if (key && redact_is_secret_name(key, strlen(key))) {
        json_add_string(parent, key, REDACTED);
        return;
    }
    if (json_is_object(v) || json_is_array(v)) {
        child = s_copy_container(v);
    } else if (json_is_string(v)) {
        const char *s = json_string(v);
        char *clean = redact_text(s, strlen(s));
        if (key)
            json_add_string(parent, key, clean ? clean : "");
        else
            json_push_string(parent, clean ? clean : "");
        free(clean);
        return;
    } else if (json_number(v, &number)) {
        if (key)
            json_add_number(parent, key, number);
        else
            json_push_number(parent, number);
        return;
    } else if (key) {
        if (json_bool(v, &flag))
            json_add_bool(parent, key, flag);
        else
            json_add_null(parent, key);
        return;
    } else {
        /* json.h builds no lone true/false/null to push: parse one. */
        char *text = json_print(v, 0);
        if (json_parse(text, strlen(text), &child, NULL) != DRH_OK)
            child = NULL;
        free(text);
    }
    if (!child)
        return;
    if (key)
        json_add_child(parent, key, child);
    else
        json_push(parent, child);
}

static void s_add_text(struct json *obj, const char *key, const char *text)
{
    if (text)
        json_add_string(obj, key, text);
    else
        json_add_null(obj, key);
}

static struct json *s_suite(const struct report *r, const struct report_suite *s)
{
    char when[32];
    struct json *o = json_new_object();
    json_add_string(o, "name", s->name);
    /* "<drill>/<resource>": drill names hold no '/'. */
    const char *slash = strchr(s->name, '/');
    char *drill = slash ? xstrndup(s->name, (size_t)(slash - s->name)) : xstrdup(s->name);
    json_add_string(o, "drill", drill);
    json_add_string(o, "resource", slash ? slash + 1 : "");
    free(drill);
    json_add_string(o, "file", s->file ? s->file : "");
    json_add_string(o, "hostname", s->hostname ? s->hostname : "");
    report_format_utc(s->started ? s->started : r->started, 1, when);
    json_add_string(o, "started", when);
    json_add_number(o, "seconds", s_ms(report_suite_seconds(s)));
    struct json *cases = json_add_child(o, "cases", json_new_array());
    for (size_t i = 0; i < s->n_cases; i++) {
        const struct report_case *c = s->cases[i];
        struct json *jc = json_push(cases, json_new_object());
        json_add_string(jc, "name", c->name);
        json_add_string(jc, "classname", c->classname);
        json_add_string(jc, "status", report_status_name(c->status));
        json_add_number(jc, "seconds", s_ms(report_case_seconds(c)));
        if (c->ended > 0) {
            char began[64];
            report_format_utc_ms(c->ended - report_case_seconds(c), began);
            json_add_string(jc, "started", began);
        }
        s_add_text(jc, "message", c->message);
        s_add_text(jc, "detail", c->detail);
    }
    struct json *props = json_add_child(o, "properties", json_new_object());
    for (size_t i = 0; i < s->n_props; i++)
        json_add_string(props, s->props[i].name, s->props[i].value);
    return o;
}

static struct json *s_document(const struct report *r)
{
    char when[32];
    struct json *doc = json_new_object();
    json_add_string(doc, "run_id", r->run_id);
    json_add_string(doc, "drh_version", DRH_VERSION);
    report_format_utc(r->started, 1, when);
    json_add_string(doc, "started", when);
    json_add_number(doc, "seconds", s_ms(report_seconds(r)));
    for (const struct json *m = json_first(r->evidence); m; m = json_next(m))
        s_copy_value(doc, json_key(m), m);
    struct json *totals = json_add_child(doc, "totals", json_new_object());
    size_t cases = 0;
    for (size_t i = 0; i < r->n_suites; i++)
        cases += r->suites[i]->n_cases;
    json_add_number(totals, "cases", (double)cases);
    json_add_number(totals, "pass", (double)report_count(r, REPORT_PASS));
    json_add_number(totals, "fail", (double)report_count(r, REPORT_FAIL));
    json_add_number(totals, "error", (double)report_count(r, REPORT_ERROR));
    json_add_number(totals, "skipped", (double)report_count(r, REPORT_SKIPPED));
    struct json *suites = json_add_child(doc, "suites", json_new_array());
    for (size_t i = 0; i < r->n_suites; i++)
        json_push(suites, s_suite(r, r->suites[i]));
    return doc;
}

/* mkdir -p: the evidence directory is typically per drill and new. */
static enum drh_status s_mkdirs(const char *dir, struct drh_err *err)
{
    enum drh_status status = fs_mkdirs(dir, 0755, "evidence directory", err);
    if (status != DRH_OK) {
        drh_err_hint(err, "choose a directory drh can create and write to");
        return status;
    }
    struct stat st;
    if (stat(dir, &st) != 0) {
        status = drh_err_set(err, DRH_E_IO, "cannot create evidence directory '%s': %s", dir,
                             strerror(errno));
        drh_err_hint(err, "choose a directory drh can create and write to");
    } else if (!S_ISDIR(st.st_mode)) {
        status =
            drh_err_set(err, DRH_E_IO,
                        "cannot create evidence directory '%s': a file of that name exists", dir);
        drh_err_hint(err, "choose a directory drh can create and write to");
    }
    return status;
}

static enum drh_status s_check(const struct report *r, struct drh_err *err)
{
    if (r->evidence && !json_is_object(r->evidence))
        return drh_err_set(err, DRH_E_INTERNAL,
                           "evidence: the runner's document is %s %s, not an object",
                           json_is_array(r->evidence) ? "an" : "a", json_type_name(r->evidence));
    for (size_t i = 0; i < sizeof s_reserved / sizeof s_reserved[0]; i++)
        if (json_get(r->evidence, s_reserved[i]))
            return drh_err_set(err, DRH_E_INTERNAL,
                               "evidence: member '%s' is written by drh and cannot come from "
                               "the runner",
                               s_reserved[i]);
    return DRH_OK;
}

enum drh_status evidence_document(const struct report *r, struct json **out, struct drh_err *err)
{
    enum drh_status status = s_check(r, err);
    if (status == DRH_OK)
        *out = s_document(r);
    return status;
}

enum drh_status evidence_bundle_create(const char *dir, const char *run_id, char **bundle_out,
                                       struct drh_err *err)
{
    enum drh_status status = report_check_run_id(run_id, err);
    if (status != DRH_OK)
        return drh_err_prefix(err, "evidence");
    if (!dir || !*dir)
        return drh_err_set(err, DRH_E_INPUT, "evidence: no directory given");
    /* "out/" and "out" name one directory; keep "/" as it is. */
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    char *d = xstrndup(dir, len);
    status = s_mkdirs(d, err);
    char *bundle = xasprintf("%s%s%s", d, strcmp(d, "/") == 0 ? "" : "/", run_id);
    free(d);
    if (status == DRH_OK && mkdir(bundle, 0755) != 0) {
        if (errno == EEXIST) {
            status = drh_err_set(err, DRH_E_IO, "evidence bundle '%s' already exists", bundle);
            drh_err_hint(err, "evidence is never overwritten: a run id names one run; give "
                              "another --run-id or move the old bundle away");
        } else {
            status = drh_err_set(err, DRH_E_IO, "cannot create evidence bundle '%s': %s", bundle,
                                 strerror(errno));
            drh_err_hint(err, "choose a directory drh can create and write to");
        }
    }
    if (status == DRH_OK)
        *bundle_out = bundle;
    else
        free(bundle);
    return status;
}

enum drh_status evidence_write_json(const struct json *doc, const char *path,
                                    struct drh_err *err)
{
    char *text = json_print(doc, 1);
    struct buf b;
    buf_init(&b);
    buf_puts(&b, text);
    buf_putc(&b, '\n');
    free(text);
    enum drh_status status = report_write_file(path, b.data, b.len, err);
    buf_clean_up(&b);
    if (status != DRH_OK)
        drh_err_prefix(err, "evidence");
    return status;
}
