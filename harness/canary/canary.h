/*
 * drh's chained canaries: what `drh canary` writes into production every
 * few minutes (a row of a canary table, an S3 object, a line of an EFS
 * file) and what the canary probes read back after a restore. The newest
 * canary a restore holds dates its data (the data-level RPO); the chain
 * shows writes that were lost, reordered or altered on the way.
 *
 * Each canary: seq (1, 2, ...), written_us (the writer's clock, UTC epoch
 * microseconds), prev_hash (the previous canary's hash; 64 zeros for seq
 * 1) and hash = hex(SHA-256("drh-canary-v1|" DRILL "/" RESOURCE "|" SEQ "|"
 * WRITTEN_US "|" PREV_HASH)). docs/canary.md has the formats.
 *
 * canary_chain.c: hashes, times, verification; canary_db.c, canary_s3.c,
 * canary_efs.c: one writer and reader per store; canary_write.c: one drill's
 * writes (`drh canary`).
 */
#ifndef DRH_CANARY_H
#define DRH_CANARY_H
#include "aws/client.h"
#include "crypto.h"
#include "drill/drill.h"
#include "err.h"
#include "probes/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CANARY_MAGIC "drh-canary-v1"
#define CANARY_HEX CRYPTO_SHA256_HEX_LEN
/* "2026-11-22T10:00:00.123456Z" and its NUL */
#define CANARY_TIME_LEN 40

struct canary {
    long long seq;
    long long written_us;
    char prev_hash[CANARY_HEX + 1];
    char hash[CANARY_HEX + 1];
};

/*
 * The chain (canary_chain.c).
 */
/* hash of (drill/resource, seq, written_us, prev_hash) into out. */
void canary_hash(const char *drill, const char *resource, long long seq, long long written_us,
                 const char *prev_hash, char out[CANARY_HEX + 1]);
/* The canary after prev (NULL: the first, seq 1 with 64 zeros), written at
 * now_us. */
void canary_next(const char *drill, const char *resource, const struct canary *prev,
                 long long now_us, struct canary *out);
/* Epoch microseconds now (CLOCK_REALTIME). */
long long canary_now_us(void);
/* "2026-11-22T10:00:00.123456Z" (sep 'T') or "2026-11-22 10:00:00.123456"
 * (sep ' ': an SQL literal in a UTC session, no zone). */
void canary_format_time(long long us, char sep, char out[CANARY_TIME_LEN]);
/* Whether text is exactly 64 lowercase hex digits. */
bool canary_is_hex(const char *text);
/* A decimal long long with nothing around it; false on anything else. */
bool canary_parse_ll(const char *text, long long *out);

/* Verification, streamed: canaries are added oldest first (ordered by
 * seq); the first canary seen is the anchor (older ones may have been
 * pruned, its prev_hash is taken as it is). Each hash must recompute
 * (unless drill is NULL: then links and seqs only), each prev_hash equal
 * the previous canary's hash, seqs be consecutive. The first break stops
 * the verification with a message in error. */
struct canary_verify {
    const char *drill; /* borrowed; NULL: hashes not recomputed */
    const char *resource;
    size_t n; /* canaries accepted */
    long long first_seq;
    struct canary newest; /* valid when n > 0 */
    bool broken;
    char error[300]; /* "canary chain broken at seq 17: ..." */
};
void canary_verify_init(struct canary_verify *v, const char *drill, const char *resource);
/* Adds the next canary; false once the chain is broken (then and after). */
bool canary_verify_add(struct canary_verify *v, const struct canary *c);
/* Marks the chain broken at seq with a reason of the caller's ("seq 17's
 * written_at does not match its written_us (altered)"); false. */
bool canary_verify_break(struct canary_verify *v, long long seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "chain of N verified (seq A..B)", or "links of ... verified" without
 * hashes. */
void canary_verify_summary(const struct canary_verify *v, char *out, size_t size);


/*
 * Databases (canary_db.c): a table with seq BIGINT PRIMARY KEY, the time
 * column (timestamptz / DATETIME(6), UTC), written_us BIGINT, prev_hash and
 * hash CHAR(64). Rows without a hash are not part of the chain.
 */
/* Creates the table when missing, adds the chain columns an older layout
 * lacks (nullable, with a unique index on seq), then, in one transaction
 * that holds the table's writer lock, reads the newest chained row, inserts
 * the next (at now_us) and deletes rows with seq <= newest - keep (keep
 * <= 0: none). A unique violation or deadlock (another writer) is retried.
 * *out: the canary written. */
enum drh_status canary_db_write(struct db_conn *c, const char *table, const char *column,
                                const char *drill, const char *resource, long keep,
                                long long now_us, struct canary *out, struct drh_err *err);
/* Whether table has every chain column (seq, written_us, prev_hash, hash).
 * DRH_E_NOTFOUND when the table does not exist. */
enum drh_status canary_db_chained(struct db_conn *c, const char *table, int timeout, bool *chained,
                                  struct drh_err *err);
/* Streams the chained rows ordered by seq into v (db_query_each(): memory
 * stays bounded); each row's time column must agree with its written_us
 * (within a second: a DATETIME without fractions). A broken chain is
 * DRH_OK with v->broken. */
enum drh_status canary_db_verify(struct db_conn *c, const char *table, const char *column,
                                 int timeout, struct canary_verify *v, struct drh_err *err);

/*
 * S3 (canary_s3.c): objects PREFIX + 20-digit seq + ".json", body
 * {"drill", "resource", "seq", "written_at", "written_us", "prev_hash",
 * "hash"}.
 */
#define CANARY_S3_PREFIX "drh-canary/chain/"
/* prefix + zero-padded seq + ".json"; caller frees. */
char *canary_s3_key(const char *prefix, long long seq);
/* Whether key is prefix + 20 digits + ".json"; *seq gets the number. */
bool canary_s3_key_seq(const char *prefix, const char *key, long long *seq);
/* The object's body (JSON, one line and a newline); caller frees. */
char *canary_s3_body(const char *drill, const char *resource, const struct canary *c);
/* Parses a body: DRH_E_PARSE when it is not a canary (naming key). The
 * drill and resource it names go into drill/resource when not NULL (caller
 * frees). */
enum drh_status canary_s3_parse(const char *body, size_t len, const char *key, struct canary *out,
                                char **drill, char **resource, struct drh_err *err);
/* Writes the next canary into bucket: lists the current objects under
 * prefix, reads the newest, puts the next, deletes those beyond keep. */
enum drh_status canary_s3_write(struct aws_client *c, const char *bucket, const char *prefix,
                                const char *drill, const char *resource, long keep,
                                long long now_us, struct canary *out, struct drh_err *err);

/*
 * EFS (canary_efs.c): a file whose first line is the newest canary's time
 * (ISO 8601 UTC, as older readers expect), then one line per canary, newest
 * first: "drh-canary-v1 seq=N us=WRITTEN_US prev=HEX hash=HEX".
 */
/* The line of c, without a newline, into out; false when it does not fit. */
bool canary_efs_line(const struct canary *c, char *out, size_t size);
/* Parses one line (no newline); false when it is not a chain line. */
bool canary_efs_parse_line(const char *line, size_t len, struct canary *out);
/* Verifies the chain lines of a canary file's text into v; *lines gets how
 * many there were (0: an older file of one time). The file must list them
 * newest first: a line out of order breaks the chain (reordered). */
void canary_efs_verify_text(const char *text, size_t len, struct canary_verify *v, size_t *lines);
/* Writes the next canary into dir/file (dir must exist: DRH_E_IO naming it
 * otherwise): a temporary file in dir, fsync, rename over the old one,
 * fsync of dir; mode 0644; at most keep canary lines. */
enum drh_status canary_efs_write(const char *dir, const char *file, const char *drill,
                                 const char *resource, long keep, long long now_us,
                                 struct canary *out, struct drh_err *err);

/*
 * One drill's writes (canary_write.c).
 */
/* Whether `drh canary` writes a canary for r: rds / aurora with a canary
 * probe or a canary section; efs and s3 with a canary section. */
bool canary_wanted(const struct drill_resource *r);
/* Writes one canary per wanted resource of d at now_us, each as a line on
 * out ("orders: canary seq 42 written 2026-...Z (table drh_canary at
 * 127.0.0.1:5432)"), failures on stderr. Returns 0 when all were written,
 * 2 when the drill cannot be written from (no such resource, no password),
 * 3 when a write failed. AWS calls (the source's endpoint, S3) go through
 * the drill's source side. */
int canary_write_drill(const struct drill *d, long long now_us, FILE *out);

#endif
