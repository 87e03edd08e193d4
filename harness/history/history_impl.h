/*
 * Inside the run history: the store and claim "classes" the two backends
 * (history_local.c, history_pg.c) implement, and helpers they share.
 */
#ifndef DRH_HISTORY_IMPL_H
#define DRH_HISTORY_IMPL_H

#include "history/history.h"
#include "probes/db.h"

struct history_ops {
    void (*close)(struct history_store *h);
    enum drh_status (*append)(struct history_store *h, const struct history_record *r,
                              struct drh_err *err);
    enum drh_status (*list)(struct history_store *h, const char *drill, size_t limit,
                            struct history_record **out, size_t *n, struct drh_err *err);
    enum drh_status (*claim)(struct history_store *h, const char *drill, const char *run_id,
                             struct history_claim **out, bool *claimed, char *holder,
                             size_t holder_size, struct drh_err *err);
};

struct history_store {
    const struct history_ops *ops;
    char *label; /* history_describe() */
};

struct history_claim {
    void (*release)(struct history_claim *c);
};

enum drh_status history_local_open(const char *state_dir, struct history_store **out,
                                   struct drh_err *err);
enum drh_status history_pg_open(const char *url, struct history_store **out, struct drh_err *err);

/* history_pg_claim.c: the claim of a PostgreSQL store. */
struct history_pg_claim_ctx {
    const struct db_target *target; /* to open the claim's own connection */
    const char *label;              /* the store's description, for messages */
    /* publishes who holds drill on a connection other than the claim's (the
     * claim's transaction is still open); returns a status */
    enum drh_status (*publish)(void *ctx, const char *sql, struct drh_err *err);
    void *publish_ctx;
};
enum drh_status history_pg_claim(const struct history_pg_claim_ctx *k, const char *drill,
                                 const char *run_id, struct history_claim **out, bool *claimed,
                                 char *holder, size_t holder_size, struct drh_err *err);

/* Sorts newest first (started, then run id), and drops records past limit
 * (0: none dropped), freeing them. */
void history_sort_and_limit(struct history_record *v, size_t *n, size_t limit);
/* This host's name ("unknown" when it has none). */
/* Epoch seconds as "2026-11-22T01:00:03Z" (seconds), or with milliseconds. */
void history_format_time(double t, bool millis, char out[40]);
/* Checks what append needs: drill name, run id, verdict, a finite started. */
enum drh_status history_check_record(const struct history_record *r, struct drh_err *err);

#endif
