/*
 * A database's manifest: a fingerprint of its schema (tables, columns with
 * types, indexes) and an order-independent content hash and row count per
 * table, written by `drh manifest` from the source and compared by the
 * schema and checksum probes on the restored copy. The hashes are defined so
 * that the same rows give the same hash whatever their physical order.
 * docs/probes.md defines both exactly.
 *
 * File format (JSON): {"format": "drh-manifest-1", "engine": "postgres",
 * "database": "...", "created": "RFC 3339", "scope": "all" | "listed",
 * "schema_fingerprint": "sha256:...", "schema": ["table\tpublic.orders", ...],
 * "tables": {"public.orders": {"rows": N, "checksum": "sha256:..."}, ...}}
 * "schema" holds the lines the fingerprint is made of, so a probe can say
 * what differs; a manifest without it is still compared by fingerprint.
 */
#ifndef DRH_PROBES_MANIFEST_H
#define DRH_PROBES_MANIFEST_H
#include "err.h"
#include "probes/db.h"
#include <stdbool.h>

/* "sha256:" + 64 hex + NUL */
#define MANIFEST_HASH_SIZE 72

struct manifest_table {
    char *name; /* schema-qualified for PostgreSQL, plain for MySQL */
    long long rows;
    char checksum[MANIFEST_HASH_SIZE]; /* "sha256:" + 64 hex */
};

struct manifest {
    char *engine; /* "postgres" or "mysql" */
    char *database;
    char *created;   /* RFC 3339 UTC */
    bool all_tables; /* the schema covers every user table, not just the listed ones */
    char schema_fingerprint[MANIFEST_HASH_SIZE];
    char **schema; /* the fingerprint's sorted lines; NULL/0 when the file had none */
    size_t n_schema;
    struct manifest_table *tables; /* sorted by name */
    size_t n_tables;
};

/* Reads the live database's manifest (user tables only) inside one
 * read-only snapshot. tables/n_tables limit it to those tables (NULL/0:
 * every user table); a listed table that does not exist is DRH_E_NOTFOUND.
 * out is written only on success; caller frees with manifest_clean_up(). */
enum drh_status manifest_take(struct db_conn *c, const char *const *tables, size_t n_tables,
                              struct manifest *out, struct drh_err *err);
/* Writes the file (through a temporary file and a rename). */
enum drh_status manifest_save(const struct manifest *m, const char *path, struct drh_err *err);
/* Reads and checks a file: DRH_E_IO when unreadable, DRH_E_INPUT when it is
 * not a drh manifest. out is written only on success. */
enum drh_status manifest_load(const char *path, struct manifest *out, struct drh_err *err);
/* The entry for table: its exact name, else, for a name without a schema,
 * the one entry whose unqualified name it is. NULL when none (or ambiguous). */
const struct manifest_table *manifest_find(const struct manifest *m, const char *table);
/* NULL is a no-op; leaves *m zeroed. */
void manifest_clean_up(struct manifest *m);

/*
 * The parts the schema and checksum probes use on the restored copy.
 * timeout bounds each statement (seconds, 0: none).
 */

/* Every user table ("schema.table" / "table"), sorted. Caller frees each
 * name and the array. */
enum drh_status manifest_list_tables(struct db_conn *c, int timeout, char ***names, size_t *n,
                                     struct drh_err *err);
/* A table name as a user wrote it ("orders", "public.orders") to the name
 * the manifest uses; DRH_E_NOTFOUND when there is no such table. Names are
 * case-sensitive (as in the catalog); a dot separates the schema. */
enum drh_status manifest_resolve_table(struct db_conn *c, const char *name, int timeout, char **out,
                                       struct drh_err *err);
/* The canonical schema lines of the given tables (resolved names), sorted
 * byte-wise. Caller frees each line and the array. */
enum drh_status manifest_schema_lines(struct db_conn *c, char *const *tables, size_t n_tables,
                                      int timeout, char ***lines, size_t *n_lines,
                                      struct drh_err *err);
/* "sha256:" + hex of SHA-256 over the lines, each followed by "\n". */
void manifest_fingerprint(char *const *lines, size_t n, char out[MANIFEST_HASH_SIZE]);
/* What differs between two sorted line lists, for a message: "missing:
 * index ...; extra: column ...", at most a few of each. Writes at most size. */
void manifest_schema_diff(char *const *want, size_t n_want, char *const *have, size_t n_have,
                          char *out, size_t size);
/* Counts and hashes one table's rows (a resolved name), streaming. */
enum drh_status manifest_table_checksum(struct db_conn *c, const char *table, int timeout,
                                        long long *rows, char checksum[MANIFEST_HASH_SIZE],
                                        struct drh_err *err);
/* The running sum of the rows of table (a resolved name) in blocks [first,
 * end) (PostgreSQL; end -1: to the last block; first -1: the whole table,
 * which MySQL always reads), and their number. */
enum drh_status manifest_table_sum(struct db_conn *c, const char *table, long first, long end,
                                   int timeout, unsigned char sum[32], long long *rows,
                                   struct drh_err *err);
/* "sha256:" + hex of SHA-256 over a final sum: a table's checksum. */
void manifest_sum_checksum(const unsigned char sum[32], char checksum[MANIFEST_HASH_SIZE]);
/* One line of COPY ... TO STDOUT (text format, its newline optional) as
 * the row's ROW(...)::text: NULL empty, a value quoted as record_out()
 * quotes it. out must have room for MANIFEST_PG_RECORD_MAX(len) bytes;
 * returns the length written (no NUL). */
#define MANIFEST_PG_RECORD_MAX(len) (5 * (len) + 8)
size_t manifest_pg_record(const char *line, size_t len, char *out);

/* One table of manifest_checksums(): table in; rows and checksum out, or
 * st (DRH_E_NOTFOUND: no such table) with err. */
struct manifest_sum_job {
    const char *table;
    long long rows;
    char checksum[MANIFEST_HASH_SIZE];
    enum drh_status st;
    struct drh_err err;
};
/* Counts and hashes n tables, up to `jobs` at a time, each worker over its
 * own session (db_connect_again()). c must be inside db_snapshot_begin():
 * on PostgreSQL the workers import its snapshot, so they see exactly what c
 * sees, and tables of PostgreSQL 14+ larger than a slice are split into
 * block ranges that different workers hash. MySQL has no snapshot to share:
 * each worker takes its own (consistent on a copy nobody writes to, such as
 * a restore). A worker that cannot connect leaves its share to the others.
 * timeout (seconds, 0: none) bounds the whole run: tables not finished by
 * then have st DRH_E_TIMEOUT. Returns DRH_OK unless c itself failed. */
enum drh_status manifest_checksums(struct db_conn *c, struct manifest_sum_job *v, size_t n,
                                   int jobs, int timeout, struct drh_err *err);
/* The slice, in 8 KiB blocks (8192: 64 MiB); tests make it small. */
extern long manifest_slice_blocks;
/* Adds one row digest to a running sum mod 2^256 (both big-endian), the
 * order-independent combination behind manifest_table_checksum(). */
void manifest_sum_add(unsigned char sum[32], const unsigned char digest[32]);

#endif
