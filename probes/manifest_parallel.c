/*
 * manifest_checksums(): many tables hashed at once (manifest.h). The work
 * is cut into pieces: a table, or on PostgreSQL 14+ a block range of a
 * large one (a TID range scan reads just those blocks), biggest first, so
 * that no worker is left with one big table at the end. Each worker has its
 * own session; on PostgreSQL it imports the leader's snapshot, so every
 * piece is read as of the same moment. A piece's sum is added to its
 * table's (addition mod 2^256 does not care in which order), and the table
 * is done when its last piece is.
 */
#include "probes/manifest.h"

#include "log.h"
#include "mem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

long manifest_slice_blocks = 8192;

struct s_piece {
    size_t job;
    long first, end; /* blocks [first, end); -1: whole table / to the end */
    long long size;  /* bytes, for the order */
};

struct s_table {
    unsigned char sum[32];
    size_t pieces_left;
};

struct s_run {
    struct db_conn *leader;
    struct manifest_sum_job *v;
    struct s_table *tables;
    struct s_piece *pieces;
    size_t n_pieces, next;
    char snapshot[64]; /* PostgreSQL: the leader's exported snapshot */
    time_t deadline;   /* 0: none */
    pthread_mutex_t lock;
};

static int s_left(const struct s_run *r)
{
    if (!r->deadline)
        return 0;
    long left = (long)(r->deadline - time(NULL));
    return left > 0 ? (int)left : -1;
}

static void s_piece_done(struct s_run *r, const struct s_piece *p, enum drh_status st,
                         const unsigned char sum[32], long long rows, const struct drh_err *err)
{
    pthread_mutex_lock(&r->lock);
    struct manifest_sum_job *j = &r->v[p->job];
    struct s_table *t = &r->tables[p->job];
    if (st != DRH_OK && j->st == DRH_OK) {
        j->st = st;
        j->err = *err;
    } else if (st == DRH_OK) {
        manifest_sum_add(t->sum, sum);
        j->rows += rows;
    }
    if (--t->pieces_left == 0 && j->st == DRH_OK)
        manifest_sum_checksum(t->sum, j->checksum);
    pthread_mutex_unlock(&r->lock);
}

/* With the piece's own timeout: the same as the piece's statement, so the
 * session's statement_timeout is set once, not switched around each piece. */
static void s_exec(struct db_conn *c, const char *sql, int timeout)
{
    struct db_result res = {0};
    struct drh_err ignored;
    db_query(c, sql, timeout, &res, &ignored);
    db_result_clean_up(&res);
}

/* On PostgreSQL a failed statement (a table the role may not read) would
 * abort the snapshot's transaction and every piece after it: each piece is
 * read inside a savepoint, rolled back to when it fails. */
static enum drh_status s_piece_sum(struct db_conn *c, const char *table, const struct s_piece *p,
                                   int timeout, unsigned char sum[32], long long *rows,
                                   struct drh_err *err)
{
    bool pg = db_flavor(c) == DB_POSTGRES;
    if (pg)
        s_exec(c, "SAVEPOINT drh_piece", timeout);
    enum drh_status st = manifest_table_sum(c, table, p->first, p->end, timeout, sum, rows, err);
    if (pg)
        s_exec(c, st == DRH_OK ? "RELEASE SAVEPOINT drh_piece" : "ROLLBACK TO SAVEPOINT drh_piece",
               timeout);
    return st;
}

/* Takes pieces until none is left; a table that already failed is skipped. */
static void s_work(struct s_run *r, struct db_conn *c)
{
    for (;;) {
        pthread_mutex_lock(&r->lock);
        const struct s_piece *p = r->next < r->n_pieces ? &r->pieces[r->next++] : NULL;
        bool skip = p && r->v[p->job].st != DRH_OK;
        pthread_mutex_unlock(&r->lock);
        if (!p)
            return;
        struct drh_err err;
        drh_err_clear(&err);
        unsigned char sum[32] = {0};
        long long rows = 0;
        enum drh_status st = DRH_OK;
        int left = s_left(r);
        /* A skipped piece adds nothing: its table already failed. */
        if (!skip && left < 0)
            st = drh_err_set(&err, DRH_E_TIMEOUT, "out of time before table '%s' was read",
                             r->v[p->job].table);
        else if (!skip)
            st = s_piece_sum(c, r->v[p->job].table, p, left, sum, &rows, &err);
        s_piece_done(r, p, st, sum, rows, &err);
    }
}

static void *s_worker(void *arg)
{
    struct s_run *r = arg;
    struct db_conn *c = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (db_connect_again(r->leader, &c, &err) != DRH_OK) {
        log_warn("checksum: a worker could not connect (%s); the others go on", err.msg);
        return NULL;
    }
    if (db_snapshot_begin(c, &err) == DRH_OK) {
        bool ok = true;
        if (r->snapshot[0]) {
            char sql[128];
            snprintf(sql, sizeof sql, "SET TRANSACTION SNAPSHOT '%s'", r->snapshot);
            struct db_result res = {0};
            ok = db_query(c, sql, 0, &res, &err) == DRH_OK;
            db_result_clean_up(&res);
        }
        if (ok)
            s_work(r, c);
        else
            log_warn("checksum: a worker could not take the snapshot (%s)", err.msg);
        db_snapshot_end(c);
    }
    db_close(c);
    return NULL;
}

/* The table's size in bytes and, where it is split, its pieces. A table
 * that does not exist gets its job's DRH_E_NOTFOUND and no piece. */
static enum drh_status s_plan(struct s_run *r, size_t job, bool split, size_t *cap,
                              struct drh_err *err)
{
    struct db_conn *c = r->leader;
    struct manifest_sum_job *j = &r->v[job];
    char *quoted = db_quote_ident(c, j->table), *lit, *sql;
    if (db_flavor(c) == DB_POSTGRES) {
        /* to_regclass(): a missing table is NULL, not an error that would
         * abort the snapshot's transaction. */
        lit = db_quote_literal(c, quoted);
        sql = xasprintf("SELECT pg_catalog.pg_relation_size(pg_catalog.to_regclass(%s))", lit);
    } else {
        lit = db_quote_literal(c, j->table);
        sql = xasprintf("SELECT COALESCE(MAX(DATA_LENGTH), 0) FROM information_schema.TABLES "
                        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
                        lit);
    }
    struct db_result res = {0};
    enum drh_status st = db_query(c, sql, 0, &res, err);
    long long size = st == DRH_OK && db_cell(&res, 0, 0) ? atoll(db_cell(&res, 0, 0)) : 0;
    if (st == DRH_OK && db_flavor(c) == DB_POSTGRES && !db_cell(&res, 0, 0))
        st = drh_err_set(err, DRH_E_NOTFOUND, "table '%s' does not exist in %s", j->table,
                         db_describe(c));
    db_result_clean_up(&res);
    free(sql);
    free(lit);
    free(quoted);
    if (st == DRH_E_NOTFOUND) {
        j->st = st;
        j->err = *err;
        drh_err_clear(err);
        return DRH_OK;
    }
    if (st != DRH_OK)
        return st;
    long blocks = (long)(size / 8192);
    long n = split && blocks > manifest_slice_blocks
                 ? (blocks + manifest_slice_blocks - 1) / manifest_slice_blocks
                 : 1;
    for (long k = 0; k < n; k++) {
        if (r->n_pieces == *cap) {
            *cap = *cap ? 2 * *cap : 16;
            r->pieces = xrealloc(r->pieces, *cap * sizeof *r->pieces);
        }
        struct s_piece *p = &r->pieces[r->n_pieces++];
        p->job = job;
        p->first = n == 1 ? -1 : k * manifest_slice_blocks;
        p->end = n == 1 || k == n - 1 ? -1 : (k + 1) * manifest_slice_blocks;
        p->size = n == 1 ? size : manifest_slice_blocks * 8192LL;
    }
    r->tables[job].pieces_left = (size_t)n;
    return DRH_OK;
}

static int s_bigger_first(const void *a, const void *b)
{
    const struct s_piece *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->job < y->job   ? -1
           : x->job > y->job ? 1
                             : (x->first > y->first) - (x->first < y->first);
}

enum drh_status manifest_checksums(struct db_conn *c, struct manifest_sum_job *v, size_t n,
                                   int jobs, int timeout, struct drh_err *err)
{
    struct s_run r = {.leader = c, .v = v};
    r.tables = xcalloc(n ? n : 1, sizeof *r.tables);
    r.deadline = timeout > 0 ? time(NULL) + timeout : 0;
    pthread_mutex_init(&r.lock, NULL);
    for (size_t i = 0; i < n; i++) {
        v[i].rows = 0;
        v[i].st = DRH_OK;
        drh_err_clear(&v[i].err);
    }
    if (jobs < 1)
        jobs = 1;
    bool pg = db_flavor(c) == DB_POSTGRES;
    if (jobs > 1 && pg) {
        /* Workers see what the leader sees, or there are none. */
        struct db_result res = {0};
        struct drh_err ignored;
        if (db_query(c, "SELECT pg_catalog.pg_export_snapshot()", 0, &res, &ignored) == DRH_OK &&
            db_cell(&res, 0, 0) && strlen(db_cell(&res, 0, 0)) < sizeof r.snapshot)
            snprintf(r.snapshot, sizeof r.snapshot, "%s", db_cell(&res, 0, 0));
        else
            jobs = 1;
        db_result_clean_up(&res);
    }
    bool split = pg && jobs > 1 && db_server_version_num(c) >= 140000;
    size_t cap = 0;
    enum drh_status st = DRH_OK;
    for (size_t i = 0; i < n && st == DRH_OK; i++)
        st = s_plan(&r, i, split, &cap, err);
    if (st == DRH_OK) {
        qsort(r.pieces, r.n_pieces, sizeof *r.pieces, s_bigger_first);
        size_t n_workers = (size_t)jobs - 1 < r.n_pieces ? (size_t)jobs - 1 : r.n_pieces;
        pthread_t *threads = xcalloc(n_workers ? n_workers : 1, sizeof *threads);
        size_t started = 0;
        for (; started < n_workers; started++)
            if (pthread_create(&threads[started], NULL, s_worker, &r) != 0)
                break;
        s_work(&r, c); /* the leader works too */
        for (size_t i = 0; i < started; i++)
            pthread_join(threads[i], NULL);
        free(threads);
    }
    pthread_mutex_destroy(&r.lock);
    free(r.pieces);
    free(r.tables);
    return st;
}
