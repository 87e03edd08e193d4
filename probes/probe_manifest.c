/*
 * The probes that compare the restored copy with the source's manifest:
 * schema (the fingerprint of tables, columns and indexes) and checksum
 * (each table's row count and order-independent content hash). Both say
 * which table differs and how, not just that something does.
 */
#include "probes/manifest.h"
#include "probes/probe_impl.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

static void s_free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* Loads the probe's manifest and checks it is for this engine; on failure
 * the probe's verdict is set (ERROR) and false returned. */
static bool s_load(struct probe_ctx *x, struct manifest *m)
{
    struct drh_err err;
    drh_err_clear(&err);
    if (!x->p->manifest || !*x->p->manifest) {
        probe_set(x, PROBE_ERROR, "the %s probe names no manifest",
                  x->p->kind == PROBE_SCHEMA ? "schema" : "checksum");
        return false;
    }
    char *path = probe_manifest_path(x);
    enum drh_status st = manifest_load(path, m, &err);
    free(path);
    if (st != DRH_OK) {
        probe_set_error(x, &err);
        return false;
    }
    const char *engine = db_flavor_name(db_flavor(x->c));
    if (strcmp(m->engine, engine) != 0) {
        probe_set(x, PROBE_ERROR, "manifest %s is of a %s database, the restored copy is %s",
                  x->p->manifest, m->engine, engine);
        manifest_clean_up(m);
        return false;
    }
    return true;
}

/* The live tables the manifest's fingerprint covers: all user tables, or
 * those of the manifest's list that exist (a missing one then shows as a
 * missing "table" line). */
static enum drh_status s_scope(struct probe_ctx *x, const struct manifest *m, char ***names,
                               size_t *n, struct drh_err *err)
{
    enum drh_status st = manifest_list_tables(x->c, probe_remaining(x), names, n, err);
    if (st != DRH_OK || m->all_tables)
        return st;
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        bool listed = false;
        for (size_t j = 0; j < m->n_tables && !listed; j++)
            listed = strcmp(m->tables[j].name, (*names)[i]) == 0;
        if (listed)
            (*names)[kept++] = (*names)[i];
        else
            free((*names)[i]);
    }
    *n = kept;
    return DRH_OK;
}

static size_t s_count_kind(char *const *lines, size_t n, const char *kind)
{
    size_t k = 0, len = strlen(kind);
    for (size_t i = 0; i < n; i++)
        if (strncmp(lines[i], kind, len) == 0 && lines[i][len] == '\t')
            k++;
    return k;
}

void probe_schema(struct probe_ctx *x)
{
    struct manifest m;
    struct drh_err err;
    char **names = NULL, **lines = NULL;
    size_t n_names = 0, n_lines = 0;
    char fingerprint[MANIFEST_HASH_SIZE], diff[900];
    drh_err_clear(&err);
    if (!s_load(x, &m))
        return;
    enum drh_status st = s_scope(x, &m, &names, &n_names, &err);
    if (st == DRH_OK)
        st =
            manifest_schema_lines(x->c, names, n_names, probe_remaining(x), &lines, &n_lines, &err);
    if (st != DRH_OK) {
        probe_set_error(x, &err);
        goto done;
    }
    manifest_fingerprint(lines, n_lines, fingerprint);
    if (strcmp(fingerprint, m.schema_fingerprint) == 0) {
        probe_set(x, PROBE_PASS,
                  "schema matches the manifest: %zu tables, %zu columns, %zu indexes (%.19s...)",
                  s_count_kind(lines, n_lines, "table"), s_count_kind(lines, n_lines, "column"),
                  s_count_kind(lines, n_lines, "index"), fingerprint);
        goto done;
    }
    if (!m.n_schema) {
        probe_set(x, PROBE_FAIL,
                  "schema differs from the manifest: fingerprint %s, expected %s (the manifest "
                  "keeps no schema lines to say what changed)",
                  fingerprint, m.schema_fingerprint);
        goto done;
    }
    manifest_schema_diff(m.schema, m.n_schema, lines, n_lines, diff, sizeof diff);
    probe_set(x, PROBE_FAIL, "schema differs from the manifest: %s",
              diff[0] ? diff : "same lines, different fingerprint (the manifest was edited)");
done:
    s_free_strings(names, n_names);
    s_free_strings(lines, n_lines);
    manifest_clean_up(&m);
}

/* The manifest entries the probe checks: its own list, or all. NULL (and
 * the verdict set) when a listed table is not in the manifest. */
static const struct manifest_table **s_selected(struct probe_ctx *x, const struct manifest *m,
                                                size_t *n)
{
    const struct drill_probe *p = x->p;
    const struct manifest_table **v;
    if (!p->n_tables) {
        v = xcalloc(m->n_tables + 1, sizeof *v);
        for (size_t i = 0; i < m->n_tables; i++)
            v[i] = &m->tables[i];
        *n = m->n_tables;
        return v;
    }
    v = xcalloc(p->n_tables, sizeof *v);
    for (size_t i = 0; i < p->n_tables; i++) {
        v[i] = manifest_find(m, p->tables[i].name);
        if (!v[i]) {
            probe_set(x, PROBE_ERROR, "table '%s' is not in manifest %s", p->tables[i].name,
                      p->manifest);
            free(v);
            return NULL;
        }
    }
    *n = p->n_tables;
    return v;
}

void probe_checksum(struct probe_ctx *x)
{
    struct manifest m;
    struct buf problems, done_list;
    size_t n = 0, bad = 0;
    long long total = 0;
    if (!s_load(x, &m))
        return;
    buf_init(&problems);
    buf_init(&done_list);
    struct manifest_sum_job *jobs = NULL;
    const struct manifest_table **sel = s_selected(x, &m, &n);
    if (!sel)
        goto done;
    int left = probe_remaining(x);
    if (!left) {
        probe_set_out_of_time(x, "");
        goto done;
    }
    struct drh_err err;
    drh_err_clear(&err);
    if (db_snapshot_begin(x->c, &err) != DRH_OK) {
        probe_set_error(x, &err);
        goto done;
    }
    jobs = xcalloc(n ? n : 1, sizeof *jobs);
    for (size_t i = 0; i < n; i++)
        jobs[i].table = sel[i]->name;
    enum drh_status st =
        manifest_checksums(x->c, jobs, n, x->p->jobs > 0 ? x->p->jobs : 4, left, &err);
    db_snapshot_end(x->c);
    if (st != DRH_OK) {
        probe_set_error(x, &err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const struct manifest_table *t = sel[i];
        const struct manifest_sum_job *j = &jobs[i];
        if (j->st == DRH_E_NOTFOUND) {
            probe_sep(&problems);
            buf_printf(&problems, "%s: missing (expected %lld rows)", t->name, t->rows);
            bad++;
            continue;
        }
        if (j->st == DRH_E_TIMEOUT) {
            probe_set_out_of_time(x, buf_str(&done_list));
            goto done;
        }
        if (j->st != DRH_OK) {
            probe_set_error(x, &j->err);
            goto done;
        }
        probe_sep(&done_list);
        buf_printf(&done_list, "%s %lld rows", t->name, j->rows);
        total += j->rows;
        if (j->rows != t->rows) {
            probe_sep(&problems);
            buf_printf(&problems, "%s: rows expected %lld, found %lld", t->name, t->rows, j->rows);
            bad++;
        } else if (strcmp(j->checksum, t->checksum) != 0) {
            probe_sep(&problems);
            buf_printf(&problems, "%s: checksum differs (same %lld rows, other content)", t->name,
                       j->rows);
            bad++;
        }
    }
    if (bad)
        probe_set(x, PROBE_FAIL, "%zu of %zu tables differ from the manifest: %s", bad, n,
                  buf_str(&problems));
    else
        probe_set(x, PROBE_PASS, "%zu tables match the manifest (%lld rows): %s", n, total,
                  buf_str(&done_list));
done:
    free(jobs);
    free(sel);
    buf_clean_up(&problems);
    buf_clean_up(&done_list);
    manifest_clean_up(&m);
}
