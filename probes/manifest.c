/*
 * Manifests as objects and files: taken from a live database in one
 * snapshot, written as JSON through a temporary file (a crash never leaves
 * half a manifest for the next drill to trust), read back with every field
 * checked, since a manifest decides whether a restore passes.
 */
#include "probes/manifest.h"

#include "buf.h"
#include "json.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define S_FORMAT "drh-manifest-1"

static void s_free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void manifest_clean_up(struct manifest *m)
{
    if (!m)
        return;
    free(m->engine);
    free(m->database);
    free(m->created);
    s_free_strings(m->schema, m->n_schema);
    for (size_t i = 0; i < m->n_tables; i++)
        free(m->tables[i].name);
    free(m->tables);
    memset(m, 0, sizeof *m);
}

static int s_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int s_cmp_table(const void *a, const void *b)
{
    return strcmp(((const struct manifest_table *)a)->name,
                  ((const struct manifest_table *)b)->name);
}

static char *s_now_rfc3339(void)
{
    time_t now = time(NULL);
    struct tm tm;
    char text[32];
    gmtime_r(&now, &tm);
    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return xstrdup(text);
}

static enum drh_status s_current_database(struct db_conn *c, char **out, struct drh_err *err)
{
    if (db_flavor(c) == DB_MYSQL) {
        *out = xstrdup(db_database(c));
        return DRH_OK;
    }
    struct db_result r;
    enum drh_status st = db_query(c, "SELECT pg_catalog.current_database()", 0, &r, err);
    if (st != DRH_OK)
        return st;
    *out = xstrdup(db_cell(&r, 0, 0) ? db_cell(&r, 0, 0) : "");
    db_result_clean_up(&r);
    return DRH_OK;
}

/* The names the manifest covers: every user table, or the listed ones
 * resolved to catalog names, each once. */
static enum drh_status s_table_names(struct db_conn *c, const char *const *tables, size_t n_tables,
                                     char ***names, size_t *n, struct drh_err *err)
{
    if (!tables || !n_tables)
        return manifest_list_tables(c, 0, names, n, err);
    char **v = xcalloc(n_tables, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < n_tables; i++) {
        char *name;
        enum drh_status st = manifest_resolve_table(c, tables[i], 0, &name, err);
        if (st != DRH_OK) {
            s_free_strings(v, k);
            return st;
        }
        v[k++] = name;
    }
    qsort(v, k, sizeof *v, s_cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        if (u && strcmp(v[u - 1], v[i]) == 0)
            free(v[i]);
        else
            v[u++] = v[i];
    }
    *names = v;
    *n = u;
    return DRH_OK;
}

enum drh_status manifest_take(struct db_conn *c, const char *const *tables, size_t n_tables,
                              struct manifest *out, struct drh_err *err)
{
    struct manifest m = {0};
    char **names = NULL;
    size_t n = 0;
    bool in_snapshot = false;
    struct manifest_sum_job *jobs = NULL;
    enum drh_status st;
    m.engine = xstrdup(db_flavor_name(db_flavor(c)));
    m.all_tables = !tables || !n_tables;
    if ((st = s_current_database(c, &m.database, err)) != DRH_OK)
        goto fail;
    if ((st = db_snapshot_begin(c, err)) != DRH_OK)
        goto fail;
    in_snapshot = true;
    if ((st = s_table_names(c, tables, n_tables, &names, &n, err)) != DRH_OK)
        goto fail;
    if ((st = manifest_schema_lines(c, names, n, 0, &m.schema, &m.n_schema, err)) != DRH_OK)
        goto fail;
    manifest_fingerprint(m.schema, m.n_schema, m.schema_fingerprint);
    m.tables = xcalloc(n ? n : 1, sizeof *m.tables);
    jobs = xcalloc(n ? n : 1, sizeof *jobs);
    for (size_t i = 0; i < n; i++) {
        m.tables[i].name = names[i];
        names[i] = NULL;
        jobs[i].table = m.tables[i].name;
    }
    m.n_tables = n;
    /* MySQL workers could not share the snapshot of a live source: one. */
    if ((st = manifest_checksums(c, jobs, n, db_flavor(c) == DB_POSTGRES ? 4 : 1, 0, err)) !=
        DRH_OK)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].st != DRH_OK) {
            *err = jobs[i].err;
            st = jobs[i].st;
            goto fail;
        }
        m.tables[i].rows = jobs[i].rows;
        memcpy(m.tables[i].checksum, jobs[i].checksum, MANIFEST_HASH_SIZE);
    }
    db_snapshot_end(c);
    s_free_strings(names, n);
    free(jobs);
    m.created = s_now_rfc3339();
    *out = m;
    return DRH_OK;
fail:
    if (in_snapshot)
        db_snapshot_end(c);
    s_free_strings(names, n);
    free(jobs);
    manifest_clean_up(&m);
    return st;
}

enum drh_status manifest_save(const struct manifest *m, const char *path, struct drh_err *err)
{
    enum drh_status st = DRH_OK;
    struct json *root = json_new_object();
    json_add_string(root, "format", S_FORMAT);
    json_add_string(root, "engine", m->engine ? m->engine : "");
    json_add_string(root, "database", m->database ? m->database : "");
    json_add_string(root, "created", m->created ? m->created : "");
    json_add_string(root, "scope", m->all_tables ? "all" : "listed");
    json_add_string(root, "schema_fingerprint", m->schema_fingerprint);
    struct json *schema = json_new_array();
    for (size_t i = 0; i < m->n_schema; i++)
        json_push_string(schema, m->schema[i]);
    json_add_child(root, "schema", schema);
    struct json *tables = json_new_object();
    for (size_t i = 0; i < m->n_tables; i++) {
        struct json *t = json_new_object();
        json_add_number(t, "rows", (double)m->tables[i].rows);
        json_add_string(t, "checksum", m->tables[i].checksum);
        json_add_child(tables, m->tables[i].name, t);
    }
    json_add_child(root, "tables", tables);
    char *text = json_print(root, 1);
    json_free(root);

    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        st = drh_err_set(err, DRH_E_IO, "cannot write manifest '%s': %s", tmp, strerror(errno));
        goto done;
    }
    size_t len = strlen(text);
    bool ok = fwrite(text, 1, len, f) == len && fputc('\n', f) != EOF;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        st = drh_err_set(err, DRH_E_IO, "cannot write manifest '%s': %s", path, strerror(errno));
        unlink(tmp);
    }
done:
    free(tmp);
    free(text);
    return st;
}

static bool s_valid_hash(const char *h)
{
    if (!h || strncmp(h, "sha256:", 7) != 0 || strlen(h) != 7 + 64)
        return false;
    for (const char *p = h + 7; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static enum drh_status s_bad(struct drh_err *err, const char *path, const char *what)
{
    drh_err_set(err, DRH_E_INPUT, "manifest '%s': %s", path, what);
    return drh_err_hint(err, "write it again with drh manifest against the source database");
}

static enum drh_status s_read_text(const char *path, struct buf *b, struct drh_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        drh_err_set(err, DRH_E_IO, "cannot read manifest '%s': %s", path, strerror(errno));
        return drh_err_hint(err, "write it with drh manifest against the source database");
    }
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(b, chunk, got);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed)
        return drh_err_set(err, DRH_E_IO, "cannot read manifest '%s': read error", path);
    return DRH_OK;
}

static enum drh_status s_load_tables(const struct json *tables, const char *path,
                                     struct manifest *m, struct drh_err *err)
{
    if (!json_is_object(tables))
        return s_bad(err, path, "\"tables\" must be an object");
    size_t n = 0;
    for (const struct json *t = json_first(tables); t; t = json_next(t))
        n++;
    m->tables = xcalloc(n ? n : 1, sizeof *m->tables);
    for (const struct json *t = json_first(tables); t; t = json_next(t)) {
        long long rows;
        const char *sum = json_get_string(t, "checksum");
        if (!json_integer(json_get(t, "rows"), &rows) || rows < 0 || !s_valid_hash(sum)) {
            char what[512];
            snprintf(what, sizeof what,
                     "table \"%s\" needs \"rows\" (a count) and \"checksum\" (sha256:<64 hex>)",
                     json_key(t));
            return s_bad(err, path, what);
        }
        struct manifest_table *mt = &m->tables[m->n_tables++];
        mt->name = xstrdup(json_key(t));
        mt->rows = rows;
        snprintf(mt->checksum, sizeof mt->checksum, "%s", sum);
    }
    if (m->n_tables)
        qsort(m->tables, m->n_tables, sizeof *m->tables, s_cmp_table);
    return DRH_OK;
}

static enum drh_status s_load_doc(const struct json *doc, const char *path, struct manifest *m,
                                  struct drh_err *err)
{
    const char *format = json_get_string(doc, "format");
    const char *engine = json_get_string(doc, "engine");
    const char *scope = json_get_string(doc, "scope");
    const char *fingerprint = json_get_string(doc, "schema_fingerprint");
    if (!format || strcmp(format, S_FORMAT) != 0)
        return s_bad(err, path, "not a drh manifest (\"format\" is not \"" S_FORMAT "\")");
    if (!engine || (strcmp(engine, "postgres") != 0 && strcmp(engine, "mysql") != 0))
        return s_bad(err, path, "\"engine\" must be \"postgres\" or \"mysql\"");
    if (scope && strcmp(scope, "all") != 0 && strcmp(scope, "listed") != 0)
        return s_bad(err, path, "\"scope\" must be \"all\" or \"listed\"");
    if (!s_valid_hash(fingerprint))
        return s_bad(err, path, "\"schema_fingerprint\" must be sha256:<64 hex>");
    m->engine = xstrdup(engine);
    m->database = xstrdup(json_get_string(doc, "database") ? json_get_string(doc, "database") : "");
    m->created = xstrdup(json_get_string(doc, "created") ? json_get_string(doc, "created") : "");
    m->all_tables = !scope || strcmp(scope, "all") == 0;
    snprintf(m->schema_fingerprint, sizeof m->schema_fingerprint, "%s", fingerprint);
    const struct json *schema = json_get(doc, "schema");
    if (schema) {
        if (!json_is_array(schema))
            return s_bad(err, path, "\"schema\" must be an array of strings");
        m->schema = xcalloc(json_array_size(schema) + 1, sizeof *m->schema);
        for (const struct json *l = json_first(schema); l; l = json_next(l)) {
            if (!json_string(l))
                return s_bad(err, path, "\"schema\" must be an array of strings");
            m->schema[m->n_schema++] = xstrdup(json_string(l));
        }
        if (m->n_schema)
            qsort(m->schema, m->n_schema, sizeof *m->schema, s_cmp_str);
    }
    return s_load_tables(json_get(doc, "tables"), path, m, err);
}

enum drh_status manifest_load(const char *path, struct manifest *out, struct drh_err *err)
{
    struct manifest m = {0};
    struct json *doc = NULL;
    struct buf text;
    buf_init(&text);
    enum drh_status st = s_read_text(path, &text, err);
    if (st != DRH_OK)
        goto done;
    if ((st = json_parse(buf_str(&text), text.len, &doc, err)) != DRH_OK) {
        drh_err_prefix(err, "manifest '%s'", path);
        st = err->code = DRH_E_INPUT;
        goto done;
    }
    if ((st = s_load_doc(doc, path, &m, err)) != DRH_OK)
        goto done;
    *out = m;
    memset(&m, 0, sizeof m);
done:
    manifest_clean_up(&m);
    json_free(doc);
    buf_clean_up(&text);
    return st;
}

const struct manifest_table *manifest_find(const struct manifest *m, const char *table)
{
    const struct manifest_table *found = NULL;
    for (size_t i = 0; i < m->n_tables; i++)
        if (strcmp(m->tables[i].name, table) == 0)
            return &m->tables[i];
    if (strchr(table, '.'))
        return NULL;
    for (size_t i = 0; i < m->n_tables; i++) {
        const char *dot = strchr(m->tables[i].name, '.');
        if (dot && strcmp(dot + 1, table) == 0) {
            if (found)
                return NULL; /* in two schemas: the caller must say which */
            found = &m->tables[i];
        }
    }
    return found;
}
