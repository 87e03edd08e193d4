/*
 * The schema half of a manifest: which tables are user tables, and the
 * canonical text of their tables, columns and indexes that the schema
 * fingerprint hashes. The text must come out the same for a database and a
 * copy restored from a dump (pg_dump, mysqldump), so it avoids everything a
 * dump renumbers or renames: no OIDs, column positions counted among live
 * columns (PostgreSQL keeps gaps where columns were dropped), names instead
 * of numbers, and a fixed search_path while PostgreSQL prints type names.
 * Lines are sorted in C, byte-wise, so server collations play no part.
 */
#include "probes/manifest.h"

#include "buf.h"
#include "crypto.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* User tables: no catalogs, no temporary schemas, no tables an extension
 * owns (those come back from CREATE EXTENSION, not from the data). */
static const char s_pg_user_tables[] =
    "c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' "
    "AND n.nspname !~ '^pg_' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
    "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid "
    "AND d.deptype = 'e')";

static const char s_pg_columns[] =
    "SELECT n.nspname || '.' || c.relname, "
    "pg_catalog.row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname, "
    "pg_catalog.format_type(a.atttypid, a.atttypmod), "
    "CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END "
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') "
    "AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'";

static const char s_pg_indexes[] =
    "SELECT n.nspname || '.' || c.relname, ic.relname, "
    "CASE WHEN i.indisunique THEN 'unique' ELSE 'non-unique' END, am.amname, "
    "(SELECT pg_catalog.string_agg(pg_catalog.pg_get_indexdef(i.indexrelid, k, true), ',' "
    "ORDER BY k) FROM pg_catalog.generate_series(1, i.indnatts::int) AS k), "
    "COALESCE(pg_catalog.pg_get_expr(i.indpred, i.indrelid, true), '') "
    "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
    "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
    "WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' "
    "AND n.nspname !~ '^pg_'";

static const char s_my_tables[] = "SELECT TABLE_NAME FROM information_schema.TABLES "
                                  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'";

static const char s_my_columns[] =
    "SELECT TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, "
    "CASE WHEN IS_NULLABLE = 'YES' THEN 'null' ELSE 'not null' END "
    "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()";

static const char s_my_indexes[] =
    "SELECT TABLE_NAME, INDEX_NAME, CASE WHEN NON_UNIQUE = 0 THEN 'unique' ELSE 'non-unique' END, "
    "LOWER(INDEX_TYPE), GROUP_CONCAT(CONCAT(IFNULL(COLUMN_NAME, '?'), "
    "IFNULL(CONCAT('(', SUB_PART, ')'), '')) ORDER BY SEQ_IN_INDEX SEPARATOR ','), '' "
    "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
    "GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE, INDEX_TYPE";

struct s_list {
    char **v;
    size_t n, cap;
};

static void s_push(struct s_list *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

static void s_list_free(struct s_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int s_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum drh_status s_need_database(struct db_conn *c, struct drh_err *err)
{
    if (db_flavor(c) == DB_MYSQL && !*db_database(c))
        return drh_err_set(err, DRH_E_CONFIG, "no database selected on %s", db_describe(c));
    return DRH_OK;
}

static int s_table_row(void *ctx, size_t ncols, const char *const *names, const char *const *cells)
{
    struct s_list *l = ctx;
    if (ncols == 2 && cells[0] && cells[1])
        s_push(l, xasprintf("%s.%s", cells[0], cells[1]));
    else if (ncols == 1 && cells[0])
        s_push(l, xstrdup(cells[0]));
    return 0;
}

enum drh_status manifest_list_tables(struct db_conn *c, int timeout, char ***names, size_t *n,
                                     struct drh_err *err)
{
    struct s_list l = {0};
    enum drh_status st = s_need_database(c, err);
    if (st != DRH_OK)
        return st;
    char *sql = db_flavor(c) == DB_POSTGRES
                    ? xasprintf("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN "
                                "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE %s",
                                s_pg_user_tables)
                    : xstrdup(s_my_tables);
    st = db_query_each(c, sql, timeout, s_table_row, &l, err);
    free(sql);
    if (st != DRH_OK) {
        s_list_free(&l);
        return st;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, s_cmp_str);
    *names = l.v;
    *n = l.n;
    return DRH_OK;
}

static char *s_resolve_sql(struct db_conn *c, const char *name, struct drh_err *err)
{
    if (db_flavor(c) == DB_POSTGRES) {
        char *ident = db_quote_ident(c, name);
        char *lit = db_quote_literal(c, ident);
        char *sql = xasprintf("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN "
                              "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = "
                              "pg_catalog.to_regclass(%s) AND c.relkind IN ('r', 'p')",
                              lit);
        free(ident);
        free(lit);
        return sql;
    }
    const char *table = name, *dot = strchr(name, '.');
    if (dot) {
        /* The manifest names MySQL tables within the login database. */
        if ((size_t)(dot - name) != strlen(db_database(c)) ||
            strncmp(name, db_database(c), (size_t)(dot - name)) != 0) {
            drh_err_set(err, DRH_E_NOTFOUND,
                        "table '%s' is not in the database the probes log in to (%s)", name,
                        db_describe(c));
            drh_err_hint(err, "set login.database to that database");
            return NULL;
        }
        table = dot + 1;
    }
    char *lit = db_quote_literal(c, table);
    char *sql = xasprintf("%s AND TABLE_NAME = %s", s_my_tables, lit);
    free(lit);
    return sql;
}

enum drh_status manifest_resolve_table(struct db_conn *c, const char *name, int timeout, char **out,
                                       struct drh_err *err)
{
    struct s_list l = {0};
    enum drh_status st = s_need_database(c, err);
    if (st != DRH_OK)
        return st;
    char *sql = s_resolve_sql(c, name, err);
    if (!sql)
        return err->code;
    st = db_query_each(c, sql, timeout, s_table_row, &l, err);
    free(sql);
    if (st != DRH_OK)
        goto done;
    if (l.n == 0) {
        st = drh_err_set(err, DRH_E_NOTFOUND, "table '%s' does not exist in %s", name,
                         db_describe(c));
        goto done;
    }
    /* information_schema compares names without regard to case: prefer the
     * table spelled exactly as asked. */
    size_t pick = 0;
    const char *plain =
        strchr(name, '.') && db_flavor(c) == DB_MYSQL ? strchr(name, '.') + 1 : name;
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.v[i], plain) == 0)
            pick = i;
    *out = l.v[pick];
    l.v[pick] = xstrdup("");
done:
    s_list_free(&l);
    return st;
}

/* Fields are joined by tabs; a tab, newline or backslash inside a name is
 * escaped so no two schemas give the same text. */
static void s_field(struct buf *b, const char *text)
{
    buf_putc(b, '\t');
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '\t')
            buf_puts(b, "\\t");
        else if (*p == '\n')
            buf_puts(b, "\\n");
        else if (*p == '\\')
            buf_puts(b, "\\\\");
        else
            buf_putc(b, *p);
    }
}

struct s_schema {
    char *const *tables; /* sorted */
    size_t n_tables;
    const char *kind; /* "column" or "index" */
    struct s_list lines;
};

static int s_schema_row(void *ctx, size_t ncols, const char *const *names, const char *const *cells)
{
    struct s_schema *s = ctx;
    if (ncols < 5 || !cells[0])
        return 0;
    const char *key = cells[0];
    if (!bsearch(&key, s->tables, s->n_tables, sizeof *s->tables, s_cmp_str))
        return 0;
    struct buf b;
    buf_init(&b);
    buf_puts(&b, s->kind);
    for (size_t i = 0; i < ncols; i++) {
        /* An index's predicate: only partial indexes have one. */
        if (i == 5 && (!cells[i] || !*cells[i]))
            break;
        s_field(&b, cells[i]);
    }
    s_push(&s->lines, buf_detach(&b));
    return 0;
}

/* format_type() and pg_get_indexdef() qualify a name with its schema only
 * when the schema is not on the search_path: with pg_catalog alone on it,
 * the text no longer depends on the role's or the database's settings. */
static enum drh_status s_pg_schema_queries(struct db_conn *c, struct s_schema *s, int timeout,
                                           struct drh_err *err)
{
    struct db_result saved;
    enum drh_status st =
        db_query(c, "SELECT pg_catalog.current_setting('search_path')", timeout, &saved, err);
    if (st != DRH_OK)
        return st;
    char *path = db_quote_literal(c, db_cell(&saved, 0, 0) ? db_cell(&saved, 0, 0) : "");
    db_result_clean_up(&saved);
    st = db_query_each(c, "SET search_path TO pg_catalog", timeout, NULL, NULL, err);
    if (st == DRH_OK) {
        s->kind = "column";
        st = db_query_each(c, s_pg_columns, timeout, s_schema_row, s, err);
    }
    if (st == DRH_OK) {
        s->kind = "index";
        st = db_query_each(c, s_pg_indexes, timeout, s_schema_row, s, err);
    }
    char *restore = xasprintf("SELECT pg_catalog.set_config('search_path', %s, false)", path);
    struct drh_err ignored;
    enum drh_status rst =
        db_query_each(c, restore, timeout, NULL, NULL, st == DRH_OK ? err : &ignored);
    free(restore);
    free(path);
    return st != DRH_OK ? st : rst;
}

enum drh_status manifest_schema_lines(struct db_conn *c, char *const *tables, size_t n_tables,
                                      int timeout, char ***lines, size_t *n_lines,
                                      struct drh_err *err)
{
    struct s_schema s = {0};
    enum drh_status st = s_need_database(c, err);
    if (st != DRH_OK)
        return st;
    char **sorted = xcalloc(n_tables ? n_tables : 1, sizeof *sorted);
    for (size_t i = 0; i < n_tables; i++) {
        sorted[i] = tables[i];
        struct buf b;
        buf_init(&b);
        buf_puts(&b, "table");
        s_field(&b, tables[i]);
        s_push(&s.lines, buf_detach(&b));
    }
    if (n_tables)
        qsort(sorted, n_tables, sizeof *sorted, s_cmp_str);
    s.tables = sorted;
    s.n_tables = n_tables;
    if (db_flavor(c) == DB_POSTGRES) {
        st = s_pg_schema_queries(c, &s, timeout, err);
    } else {
        s.kind = "column";
        st = db_query_each(c, s_my_columns, timeout, s_schema_row, &s, err);
        if (st == DRH_OK) {
            s.kind = "index";
            st = db_query_each(c, s_my_indexes, timeout, s_schema_row, &s, err);
        }
    }
    free(sorted);
    if (st != DRH_OK) {
        s_list_free(&s.lines);
        return st;
    }
    if (s.lines.n)
        qsort(s.lines.v, s.lines.n, sizeof *s.lines.v, s_cmp_str);
    *lines = s.lines.v;
    *n_lines = s.lines.n;
    return DRH_OK;
}

void manifest_fingerprint(char *const *lines, size_t n, char out[MANIFEST_HASH_SIZE])
{
    unsigned char digest[CRYPTO_SHA256_LEN];
    struct crypto_sha256 *h = crypto_sha256_new();
    for (size_t i = 0; i < n; i++) {
        crypto_sha256_update(h, lines[i], strlen(lines[i]));
        crypto_sha256_update(h, "\n", 1);
    }
    crypto_sha256_final(h, digest);
    crypto_sha256_free(h);
    memcpy(out, "sha256:", 7);
    crypto_hex(digest, sizeof digest, out + 7);
}

/* A line as a person reads it: fields apart by spaces. */
static void s_put_line(struct buf *b, const char *line)
{
    for (const char *p = line; *p; p++)
        buf_putc(b, *p == '\t' ? ' ' : *p);
}

static void s_put_group(struct buf *b, const char *label, char *const *v, size_t n)
{
    enum { SHOWN = 3 };
    if (!n)
        return;
    if (b->len)
        buf_puts(b, "; ");
    buf_printf(b, "%s: ", label);
    for (size_t i = 0; i < n && i < SHOWN; i++) {
        if (i)
            buf_puts(b, ", ");
        s_put_line(b, v[i]);
    }
    if (n > SHOWN)
        buf_printf(b, " (and %zu more)", n - SHOWN);
}

/* The table a line is about: its second field (escaped as in the line). */
static size_t s_table_field(const char *line, const char **start)
{
    const char *tab = strchr(line, '\t');
    if (!tab) {
        *start = line;
        return 0;
    }
    *start = tab + 1;
    return strcspn(tab + 1, "\t");
}

static int s_kind_rank(const char *line)
{
    if (strncmp(line, "table\t", 6) == 0)
        return 0;
    return strncmp(line, "column\t", 7) == 0 ? 1 : 2;
}

/* Copies into out the lines worth showing, tables first: the columns and
 * indexes of a table that is itself missing (or extra) add nothing to the
 * message. Returns how many. */
static size_t s_worth_showing(char *const *v, size_t n, char **out)
{
    size_t kept = 0;
    for (int rank = 0; rank < 3; rank++)
        for (size_t i = 0; i < n; i++) {
            if (s_kind_rank(v[i]) != rank)
                continue;
            const char *t;
            size_t len = s_table_field(v[i], &t);
            bool covered = false;
            for (size_t j = 0; rank > 0 && j < n && !covered; j++) {
                const char *u;
                size_t ulen = s_table_field(v[j], &u);
                covered = s_kind_rank(v[j]) == 0 && ulen == len && strncmp(t, u, len) == 0;
            }
            if (!covered)
                out[kept++] = v[i];
        }
    return kept;
}

void manifest_schema_diff(char *const *want, size_t n_want, char *const *have, size_t n_have,
                          char *out, size_t size)
{
    char **missing = xcalloc(n_want + 1, sizeof *missing);
    char **extra = xcalloc(n_have + 1, sizeof *extra);
    char **shown = xcalloc(n_want + n_have + 1, sizeof *shown);
    size_t nm = 0, ne = 0, i = 0, j = 0;
    while (i < n_want || j < n_have) {
        int d = i == n_want ? 1 : j == n_have ? -1 : strcmp(want[i], have[j]);
        if (d == 0) {
            i++;
            j++;
        } else if (d < 0) {
            missing[nm++] = want[i++];
        } else {
            extra[ne++] = have[j++];
        }
    }
    struct buf b;
    buf_init(&b);
    s_put_group(&b, "missing", shown, s_worth_showing(missing, nm, shown));
    s_put_group(&b, "extra", shown, s_worth_showing(extra, ne, shown));
    snprintf(out, size, "%s", buf_str(&b));
    buf_clean_up(&b);
    free(shown);
    free(missing);
    free(extra);
}
