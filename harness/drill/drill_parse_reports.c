/*
 * What a drill leaves behind for people (drill_impl.h): the reports section
 * (where the JUnit file, the evidence bundles, the HTML pages, the
 * Markdown summary and the Prometheus metrics go, and the key that signs
 * the evidence) and drill.controls, the audit controls a drill evidences.
 */
#include "drill/drill_impl.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct drill_key s_reports_keys[] = {
    {"junit", false, NULL},   {"evidence", false, NULL},         {"html", false, NULL},
    {"metrics", false, NULL}, {"summary", false, NULL},          {"signing_key_file", false, NULL},
    {NULL, false, NULL},
};

static const struct drill_key s_control_keys[] = {
    {"framework", true, "\"framework\": \"ISO 27001:2022\""},
    {"control", true, "\"control\": \"A.8.13\""},
    {"title", false, NULL},
    {NULL, false, NULL},
};

/* node_exporter's textfile collector reads only *.prom files. */
static bool s_prom(const char *s)
{
    size_t n = strlen(s);
    return n > 5 && strcmp(s + n - 5, ".prom") == 0;
}

void drill_parse_reports(struct drill_ctx *c, const struct json *root, struct drill *d)
{
    const struct json *o;
    if (!drill_object(c, root, "", "reports", &o) || !o)
        return;
    drill_check_keys(c, o, "reports", s_reports_keys);
    drill_text(c, o, "reports", "junit", NULL, NULL, NULL, &d->junit);
    drill_text(c, o, "reports", "evidence", NULL, NULL, NULL, &d->evidence);
    drill_text(c, o, "reports", "html", NULL, NULL, NULL, &d->html);
    drill_text(c, o, "reports", "metrics", s_prom, "a file name ending in .prom",
               "node_exporter's textfile collector reads only *.prom files: \"metrics\": "
               "\"/var/lib/node_exporter/textfile/drh-orders.prom\"",
               &d->metrics);
    drill_text(c, o, "reports", "summary", NULL, NULL, NULL, &d->summary);
    drill_text(c, o, "reports", "signing_key_file", NULL, NULL, NULL, &d->signing_key_file);
}

void drill_parse_controls(struct drill_ctx *c, const struct json *o, struct drill *d)
{
    const struct json *list = json_get(o, "controls");
    if (!list || !drill_want_array(c, list, "drill.controls"))
        return;
    size_t n = json_array_size(list);
    d->controls = n ? xcalloc(n, sizeof *d->controls) : NULL;
    size_t i = 0;
    for (const struct json *v = json_first(list); v; v = json_next(v), i++) {
        char where[48];
        snprintf(where, sizeof where, "drill.controls[%zu]", i);
        if (!drill_want_object(c, v, where))
            continue;
        drill_check_keys(c, v, where, s_control_keys);
        struct drill_control *k = &d->controls[d->n_controls];
        drill_text(c, v, where, "framework", NULL, NULL, NULL, &k->framework);
        drill_text(c, v, where, "control", NULL, NULL, NULL, &k->control);
        drill_text(c, v, where, "title", NULL, NULL, NULL, &k->title);
        if (!k->framework || !k->control) {
            free(k->framework);
            free(k->control);
            free(k->title);
            memset(k, 0, sizeof *k);
            continue;
        }
        for (size_t j = 0; j < d->n_controls; j++)
            if (strcmp(d->controls[j].framework, k->framework) == 0 &&
                strcmp(d->controls[j].control, k->control) == 0) {
                drill_conflict(c, json_get(v, "control"), true,
                               "%s: %s %s is listed twice (also drill.controls[%zu])", where,
                               k->framework, k->control, j);
                drill_hint(c, "list each control once");
                break;
            }
        d->n_controls++;
    }
}
