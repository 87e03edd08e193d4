/*
 * Prometheus text-format metrics from the evidence document (metrics.h).
 * Samples are gathered per family first, so each family's lines are
 * together under one # HELP and one # TYPE, as the format requires
 * (node_exporter refuses a file that repeats a family or a series).
 */
#include "metrics.h"

#include "aws/creds.h"
#include "buf.h"
#include "mem.h"
#include "report.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum s_family_id {
    F_RTO,
    F_RPO,
    F_RPO_DATA,
    F_RTO_OBJECTIVE,
    F_RPO_OBJECTIVE,
    F_SUCCESS,
    F_LEFTOVERS,
    F_LAST_RUN,
    F_COUNT
};

static const struct {
    const char *name;
    const char *help;
} s_families[F_COUNT] = {
    [F_RTO] = {"drh_rto_seconds", "Recovery time achieved by the last drh run, per drill and "
                                  "resource (resource=\"stack\": the whole stack)."},
    [F_RPO] = {"drh_rpo_seconds",
               "Age of the recovery point restored by the last drh run, at its T0."},
    [F_RPO_DATA] = {"drh_rpo_data_seconds",
                    "Age of the newest canary row found in the restored data, at T0."},
    [F_RTO_OBJECTIVE] = {"drh_rto_objective_seconds", "Recovery time objective of the drill."},
    [F_RPO_OBJECTIVE] = {"drh_rpo_objective_seconds", "Recovery point objective of the drill."},
    [F_SUCCESS] = {"drh_drill_success",
                   "1 when the drill's last drh run passed, 0 when it failed or erred."},
    [F_LEFTOVERS] = {"drh_teardown_leftovers",
                     "Resources the last drh run's teardown left behind (0: all deleted)."},
    [F_LAST_RUN] = {"drh_last_run_timestamp_seconds",
                    "Start of the drill's last drh run, in seconds since the Unix epoch."},
};

struct s_family {
    const char *name;
    struct buf lines;
    char **series; /* the label sets written, to keep each series once */
    size_t n, cap;
};

/* A label value as the text format wants it: \\, \" and \n escaped. */
static void s_label_value(struct buf *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\')
            buf_puts(b, "\\\\");
        else if (*v == '"')
            buf_puts(b, "\\\"");
        else if (*v == '\n')
            buf_puts(b, "\\n");
        else
            buf_putc(b, *v);
    }
}

/* The shortest text that reads back as v (Go's ParseFloat and strtod
 * agree on it): 43200, 2.915759350779542, 1795332755.5; an integer in
 * full rather than 4.32e+04. */
static void s_value(double v, char out[40])
{
    if (v == trunc(v) && fabs(v) < 1e15) {
        snprintf(out, 40, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 40, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

static void s_sample(struct s_family *f, const char *drill, const char *resource, double v)
{
    if (!isfinite(v) || !drill || !*drill || (resource && !*resource))
        return;
    struct buf labels;
    buf_init(&labels);
    buf_puts(&labels, "{drill=\"");
    s_label_value(&labels, drill);
    if (resource) {
        buf_puts(&labels, "\",resource=\"");
        s_label_value(&labels, resource);
    }
    buf_puts(&labels, "\"}");
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->series[i], buf_str(&labels)) == 0) {
            buf_clean_up(&labels);
            return;
        }
    }
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->series = xrealloc(f->series, f->cap * sizeof *f->series);
    }
    char num[40];
    s_value(v, num);
    buf_printf(&f->lines, "%s%s %s\n", f->name, buf_str(&labels), num);
    f->series[f->n++] = buf_detach(&labels);
}

/* The sample of obj's number member key, when there is one. */
static void s_member(struct s_family *f, const char *drill, const char *resource,
                     const struct json *obj, const char *key)
{
    double v;
    if (json_number(json_get(obj, key), &v))
        s_sample(f, drill, resource, v);
}

static void s_drill(struct s_family *fam, const struct json *d, double started)
{
    const char *drill = json_get_string(d, "name");
    const struct json *stack = json_get(d, "stack");
    s_member(&fam[F_RTO], drill, "stack", stack, "stack_rto_seconds");
    for (const struct json *r = json_first(json_get(d, "resources")); r; r = json_next(r)) {
        const char *res = json_get_string(r, "resource");
        if (!res)
            continue;
        s_member(&fam[F_RTO], drill, res, r, "rto_seconds");
        s_member(&fam[F_RPO], drill, res, r, "rpo_seconds");
        s_member(&fam[F_RPO_DATA], drill, res, r, "rpo_data_seconds");
        s_member(&fam[F_LEFTOVERS], drill, res, r, "teardown_left");
    }
    s_member(&fam[F_RTO_OBJECTIVE], drill, NULL, d, "rto_objective_seconds");
    s_member(&fam[F_RPO_OBJECTIVE], drill, NULL, d, "rpo_objective_seconds");
    /* Anything but PASSED, absent included, is not a success: an alert on
     * drh_drill_success == 0 must fire for a run that could not finish. */
    const char *verdict = json_get_string(d, "verdict");
    s_sample(&fam[F_SUCCESS], drill, NULL, verdict && strcmp(verdict, "PASSED") == 0 ? 1 : 0);
    if (started >= 0)
        s_sample(&fam[F_LAST_RUN], drill, NULL, started);
}

char *metrics_text(const struct json *doc)
{
    struct s_family fam[F_COUNT];
    memset(fam, 0, sizeof fam);
    for (size_t i = 0; i < F_COUNT; i++) {
        fam[i].name = s_families[i].name;
        buf_init(&fam[i].lines);
    }
    double started = aws_parse_time_frac(json_get_string(doc, "started"));
    for (const struct json *d = json_first(json_get(doc, "drills")); d; d = json_next(d))
        s_drill(fam, d, started);

    struct buf out;
    buf_init(&out);
    for (size_t i = 0; i < F_COUNT; i++) {
        if (fam[i].n) {
            buf_printf(&out, "# HELP %s %s\n# TYPE %s gauge\n", s_families[i].name,
                       s_families[i].help, s_families[i].name);
            buf_append(&out, fam[i].lines.data, fam[i].lines.len);
        }
        for (size_t j = 0; j < fam[i].n; j++)
            free(fam[i].series[j]);
        free(fam[i].series);
        buf_clean_up(&fam[i].lines);
    }
    if (!out.data)
        return xstrdup("");
    return buf_detach(&out);
}

enum drh_status metrics_write(const struct json *doc, const char *path, struct drh_err *err)
{
    size_t len = path ? strlen(path) : 0;
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : path;
    if (len < 5 || strcmp(path + len - 5, ".prom") != 0 || strcmp(base, ".prom") == 0) {
        drh_err_set(err, DRH_E_INPUT, "metrics file '%s' does not end in .prom", path ? path : "");
        return drh_err_hint(err, "node_exporter's textfile collector reads only NAME.prom files "
                                 "in its --collector.textfile.directory, e.g. "
                                 "/var/lib/prometheus/node-exporter/drh.prom");
    }
    char *text = metrics_text(doc);
    enum drh_status st = report_write_file(path, text, strlen(text), err);
    free(text);
    return st;
}
