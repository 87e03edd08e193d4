/*
 * The run history: every `drh run` stores what it found (verdict, RTO, RPO,
 * per resource too), `drh history` lists recent runs, a run compares its RTO
 * with its drill's past, and runners that share a history never run the
 * same drill twice at once.
 *
 * Two stores behind one interface:
 *   - local (no URL): state_dir/history/<drill>/<started>-<run-id>.json, one
 *     file a run, each written atomically; a claim is a flock() on
 *     state_dir/history/<drill>/.lock.
 *   - PostgreSQL ("postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"), shared
 *     by several CI runners: tables drh_runs, drh_drill_locks, drh_running
 *     (created when missing); a claim is a row lock (FOR UPDATE SKIP LOCKED)
 *     held by a connection of its own, so it dies with the process.
 *
 * A store is used by one thread at a time, except the PostgreSQL store,
 * which serialises its calls itself. A claim lives on its own and may be
 * released after history_close().
 */
#ifndef DRH_HISTORY_H
#define DRH_HISTORY_H

#include "drill/drill.h"
#include "err.h"
#include "json.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Drill names are [A-Za-z0-9-]{1,HISTORY_DRILL_MAX}. */
#define HISTORY_DRILL_MAX 40
/* Default number of past runs the RTO regression check looks at, and by how
 * much an RTO may exceed their median before it is reported. */
#define HISTORY_RTO_LAST 10
#define HISTORY_RTO_FACTOR 1.5

/* One resource of a run. A figure < 0 means none. */
struct history_resource {
    char *name;
    char verdict[8]; /* "PASSED" | "FAILED" | "ERROR" | "SKIPPED" */
    double rto, rpo, rpo_data;
};

/* One finished run. Caller storage: history_record_clean_up() frees what the
 * pointers hold (strings and resources are heap-allocated). */
struct history_record {
    char *run_id; /* a file-name-safe id: see report_check_run_id() */
    char *drill;
    char *file;                /* the drill file; NULL: unknown */
    char *host;                /* where it ran; NULL: unknown */
    time_t scheduled_for;      /* the schedule's fire time it ran for; 0: a manual run */
    double started, ended;     /* epoch seconds (UTC); ended 0: unknown */
    char verdict[8];           /* "PASSED" | "FAILED" | "ERROR" */
    double rto, rpo, rpo_data; /* the drill's achieved figures in seconds; < 0: none */
    double rto_objective, rpo_objective; /* the drill's objectives then; <= 0: unknown */
    struct history_resource *resources;
    size_t n_resources;
    char *warnings; /* NULL or one line per warning, joined by '\n' (no final newline) */
};

struct history_store;
struct history_claim;

/* Opens a store. url NULL or "": the local store under state_dir/history/
 * (created on first write); "postgres://..." or "postgresql://...": that
 * database, connected now, tables created when missing; the password comes
 * from the URL or else $PGPASSWORD. Anything else: DRH_E_INPUT naming the
 * scheme. Caller frees with history_close(). */
enum drh_status history_open(const char *url, const char *state_dir, struct history_store **out,
                             struct drh_err *err);
/* NULL is a no-op. Claims taken through the store stay held. */
void history_close(struct history_store *h);
/* "local /var/lib/drh/history" or "postgres://drh@db.example:5432/drh"
 * (never the password). Valid until history_close(). */
const char *history_describe(const struct history_store *h);

/* Stores one finished run atomically (a reader never sees half a record).
 * A run id already stored is replaced, whatever its drill. DRH_E_INPUT for
 * a record that is not storable (bad drill name or run id, no verdict). */
enum drh_status history_append(struct history_store *h, const struct history_record *r,
                               struct drh_err *err);
/* The runs of drill (NULL: every drill), newest first by started, at most
 * limit (0: all). A record that cannot be read is skipped with a warning in
 * the log naming it; the listing goes on. *out (caller frees with
 * history_records_free()) and *n are written only on success; *out may be
 * NULL when *n is 0. */
enum drh_status history_list(struct history_store *h, const char *drill, size_t limit,
                             struct history_record **out, size_t *n, struct drh_err *err);
void history_records_free(struct history_record *v, size_t n);
/* Frees what r holds and zeroes it; NULL is a no-op. */
void history_record_clean_up(struct history_record *r);

/* Takes the right to run drill now. *claimed true and *out set: held until
 * history_release() or until the process dies (a crashed runner never
 * blocks a drill). *claimed false (still DRH_OK) when another runner or
 * another claim of this process holds it: holder (when not NULL) then says
 * who, e.g. "run 20261122-010000-ab12cd on host ci-7 (pid 4242) since
 * 2026-11-22T01:00:03Z", or "" when not known. */
enum drh_status history_claim(struct history_store *h, const char *drill, const char *run_id,
                              struct history_claim **out, bool *claimed, char *holder,
                              size_t holder_size, struct drh_err *err);
/* Gives the claim up and frees it; NULL is a no-op. */
void history_release(struct history_claim *c);

/* The RTO regression check's reference: the median rto of the newest `last`
 * records of v (newest first, as history_list() gives them; the current run
 * left out) whose verdict is PASSED and that have an rto. true and *median
 * when there are at least 3 such runs; *used (may be NULL) gets how many. */
bool history_rto_median(const struct history_record *v, size_t n, size_t last, double *median,
                        size_t *used);
/* This host's name ("unknown" when it has none), for records and claims. */
void history_hostname(char *out, size_t size);

/* The record as a JSON object (caller frees with json_free()), the shape of
 * the local files, of the PostgreSQL record column and of
 * `drh history --json`:
 *   {"format":1, "run_id", "drill", "file", "host", "scheduled_for",
 *    "started", "ended", "verdict", "rto", "rpo", "rpo_data", "rto_objective",
 *    "rpo_objective",
 *    "resources":[{"name", "verdict", "rto", "rpo", "rpo_data"}], "warnings":[line...]}
 * Times are ISO 8601 UTC ("2026-11-22T01:00:03.250Z"), figures seconds; an
 * absent value is null. */
struct json *history_record_to_json(const struct history_record *r);
/* Reads a record back; DRH_E_PARSE naming the field otherwise. *out is
 * written only on success. */
enum drh_status history_record_from_json(const struct json *j, struct history_record *out,
                                         struct drh_err *err);

/* Whether name is a drill name a store accepts ([A-Za-z0-9-]{1,40}). */
bool history_drill_name_ok(const char *name);

/*
 * The PostgreSQL URL, parsed: for history_open() and its tests.
 * postgres[ql]://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|
 * require|verify-full&sslrootcert=FILE&connect_timeout=N], percent-decoded;
 * HOST may be an IPv6 address in brackets; PORT defaults to 5432.
 */
struct history_pg_url {
    char *user;
    char *password; /* secret; NULL: none in the URL */
    char *host;
    int port;
    char *database;
    enum drill_tls tls;  /* default prefer */
    char *ca_bundle;     /* sslrootcert; NULL: none */
    int connect_timeout; /* seconds; 0: the driver's default */
};
/* DRH_E_INPUT naming what is wrong (never showing the password). *out is
 * written only on success: clean up with history_pg_url_clean_up(). The
 * password is not looked for in the environment here. */
enum drh_status history_pg_url_parse(const char *url, struct history_pg_url *out,
                                     struct drh_err *err);
void history_pg_url_clean_up(struct history_pg_url *u);
/* "postgres://USER@HOST:PORT/DATABASE"; caller frees. */
char *history_pg_url_describe(const struct history_pg_url *u);

#endif
