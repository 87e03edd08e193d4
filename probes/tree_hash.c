/*
 * The entries of a tree walk and the threads hashing them (tree_hash.h).
 *
 * Entries live in segments that never move (segment k holds S_SEG0 << k
 * entries), so a thread hashes into its entry without a lock. The walk
 * writes entries alone and publishes them under the mutex in batches; a
 * thread takes the next published entry under the mutex and, when done,
 * releases its folder and counts it there too. Publishing stops while
 * TREE_POOL_QUEUE published entries are unfinished, and resumes once half
 * of them are, so the walk and the threads do not wake each other for
 * every file.
 */
#define _GNU_SOURCE /* O_NOATIME */
#include "probes/tree_hash.h"

#include "mem.h"
#include "mono.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One read: large enough that a big file costs few system calls, small
 * enough to stay in the CPU's cache between read() and the hash. */
#define S_BLOCK (256 * 1024)
/* A file at least this large is read with POSIX_FADV_SEQUENTIAL (a larger
 * read-ahead); smaller ones are not worth the system call. */
#define S_SEQUENTIAL (1024 * 1024)
/* Entries the walk writes before it publishes them. */
#define S_BATCH 16
#define S_SEG0 1024
#define S_SEGS 40 /* S_SEG0 << 40 entries: more than any file system holds */

/* Closed once the walk is done with it and every file queued from it is
 * hashed. */
struct tree_dir {
    DIR *dir;
    int fd;
    size_t queued;   /* files queued from it: the walk's, final once walked */
    size_t released; /* of those, hashed (or given up); under the lock */
    bool walked;     /* under the lock */
};

/* An entry and what hashing it needs. */
struct s_item {
    struct tree_file f;
    struct tree_dir *dir; /* its folder (a reference) until it is hashed */
    size_t name;          /* offset of the last component in f.path */
    dev_t dev;
    ino_t ino;
    bool noatime;
    bool big;
};

/* What one thread hashes with. */
struct s_hasher {
    struct crypto_sha256 *sha;
    unsigned char *block;
};

struct tree_pool {
    pthread_mutex_t lock;
    pthread_cond_t more; /* published grew, the walk ended, or a thread failed */
    pthread_cond_t room; /* the walk may publish again */
    struct s_item *seg[S_SEGS];
    size_t n;         /* entries written (the walk's own) */
    size_t published; /* entries the threads may take; the counts below under lock */
    size_t next;      /* the next entry to take */
    size_t done;      /* entries hashed */
    bool walk_done, walk_waits, failed;
    struct drh_err err; /* the first failure */
    bool hash;
    const char *root;
    double deadline;
    long timeout;
    uid_t euid;
    pthread_t threads[TREE_POOL_MAX_THREADS];
    size_t n_threads;
    struct s_hasher own; /* the walk's thread's, made when it hashes */
};

size_t tree_pool_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    n = n < 1 ? 4 : 4 * n;
    return n > TREE_POOL_MAX_THREADS ? TREE_POOL_MAX_THREADS : (size_t)n;
}

/* The segment of entry i: segment k starts at S_SEG0 * (2^k - 1). */
static size_t s_seg(size_t i)
{
    size_t q = i / S_SEG0 + 1, k = 0;
    while (q >> (k + 1))
        k++;
    return k;
}

static struct s_item *s_at(struct tree_pool *p, size_t i)
{
    size_t k = s_seg(i);
    return &p->seg[k][i - S_SEG0 * (((size_t)1 << k) - 1)];
}

static enum drh_status s_io(const struct tree_pool *p, const char *rel, const char *what, int e,
                            struct drh_err *err)
{
    return drh_err_set(err, DRH_E_IO, "cannot %s '%s/%s': %s", what, p->root, rel, strerror(e));
}

static enum drh_status s_timeout(const struct tree_pool *p, const char *rel, struct drh_err *err)
{
    return drh_err_set(err, DRH_E_TIMEOUT, "walking '%s' took more than %lds (at '%s')", p->root,
                       p->timeout, rel);
}

/* Hashes the file of it into it->f: its SHA-256 and the bytes read (the
 * stat's size but for a file that changed since). A failure leaves h's
 * digest half done: the pool stops at its first failure, so h is not used
 * again. */
static enum drh_status s_hash(const struct tree_pool *p, struct s_hasher *h, struct s_item *it,
                              struct drh_err *err)
{
    const char *rel = it->f.path;
    if (p->deadline > 0 && mono_now() > p->deadline)
        return s_timeout(p, rel, err);
    int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
    int fd = openat(it->dir->fd, rel + it->name, flags | (it->noatime ? O_NOATIME : 0));
    if (fd < 0 && errno == EPERM && it->noatime) /* not the owner after all */
        fd = openat(it->dir->fd, rel + it->name, flags);
    if (fd < 0)
        return s_io(p, rel, "open", errno, err);
    struct stat st;
    int e = fstat(fd, &st) != 0 ? errno : 0;
    if (e || !S_ISREG(st.st_mode) || st.st_ino != it->ino || st.st_dev != it->dev) {
        close(fd);
        return s_io(p, rel, "read (it changed while it was read)", e ? e : ESTALE, err);
    }
    if (it->big)
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    long long n = 0;
    for (;;) {
        ssize_t r = read(fd, h->block, S_BLOCK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            e = errno;
            close(fd);
            return s_io(p, rel, "read", e, err);
        }
        crypto_sha256_update(h->sha, h->block, (size_t)r);
        n += r;
        /* a short read that reaches the size fstat() gave is the end: no
         * read() for the 0 that would follow */
        if (r == 0 || (r < S_BLOCK && n == (long long)st.st_size))
            break;
        if (p->deadline > 0 && mono_now() > p->deadline) {
            close(fd);
            return s_timeout(p, rel, err);
        }
    }
    close(fd);
    unsigned char d[CRYPTO_SHA256_LEN];
    crypto_sha256_final(h->sha, d);
    crypto_hex(d, sizeof d, it->f.sha256);
    it->f.size = n;
    return DRH_OK;
}

static void s_fail_locked(struct tree_pool *p, const struct drh_err *e)
{
    if (!p->failed) {
        p->failed = true;
        p->err = *e;
    }
    pthread_cond_broadcast(&p->more);
    pthread_cond_broadcast(&p->room);
}

/* One file of d is hashed (file), or the walk is done with it. */
static void s_dir_release_locked(struct tree_dir *d, bool file)
{
    if (file)
        d->released++;
    else
        d->walked = true;
    if (d->walked && d->released == d->queued) {
        closedir(d->dir);
        free(d);
    }
}

/* Takes the next published entry and hashes it with the lock released.
 * Called and returns with p->lock held, p->next < p->published. */
static void s_run_one_locked(struct tree_pool *p, struct s_hasher *h)
{
    struct s_item *it = s_at(p, p->next++);
    pthread_mutex_unlock(&p->lock);
    struct drh_err e;
    enum drh_status st = s_hash(p, h, it, &e);
    pthread_mutex_lock(&p->lock);
    s_dir_release_locked(it->dir, true);
    it->dir = NULL;
    p->done++;
    if (p->walk_waits && p->published - p->done <= TREE_POOL_QUEUE / 2) {
        p->walk_waits = false;
        pthread_cond_signal(&p->room);
    }
    if (st != DRH_OK)
        s_fail_locked(p, &e);
}

static void s_hasher_init(struct s_hasher *h)
{
    h->sha = crypto_sha256_new();
    h->block = xmalloc(S_BLOCK);
}

static void s_hasher_clean_up(struct s_hasher *h)
{
    crypto_sha256_free(h->sha);
    free(h->block);
    memset(h, 0, sizeof *h);
}

/* The walk's thread's hasher, made the first time it hashes. */
static struct s_hasher *s_own(struct tree_pool *p)
{
    if (!p->own.sha)
        s_hasher_init(&p->own);
    return &p->own;
}

static void *s_worker(void *arg)
{
    struct tree_pool *p = arg;
    struct s_hasher h;
    s_hasher_init(&h);
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->failed && p->next == p->published && !p->walk_done)
            pthread_cond_wait(&p->more, &p->lock);
        if (p->failed || p->next == p->published)
            break;
        s_run_one_locked(p, &h);
    }
    pthread_mutex_unlock(&p->lock);
    s_hasher_clean_up(&h);
    return NULL;
}

/* Hands the entries written so far to the threads; waits (or, without
 * threads, hashes) while too many are unfinished. Called with the lock. */
static void s_publish_locked(struct tree_pool *p)
{
    if (!p->hash || p->published == p->n)
        return;
    p->published = p->n;
    pthread_cond_broadcast(&p->more);
    while (!p->failed && p->published - p->done >= TREE_POOL_QUEUE) {
        if (p->n_threads == 0) {
            s_run_one_locked(p, s_own(p));
            continue;
        }
        p->walk_waits = true;
        pthread_cond_wait(&p->room, &p->lock);
    }
}

struct tree_pool *tree_pool_new(const char *root, bool hash, size_t threads, double deadline,
                                long timeout)
{
    struct tree_pool *p = xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->more, NULL);
    pthread_cond_init(&p->room, NULL);
    p->hash = hash;
    p->root = root;
    p->deadline = deadline;
    p->timeout = timeout;
    p->euid = geteuid();
    if (!hash)
        return p;
    if (threads > TREE_POOL_MAX_THREADS)
        threads = TREE_POOL_MAX_THREADS;
    /* fewer threads than asked for (none: the walk's thread hashes) is slower, not wrong */
    while (p->n_threads < threads &&
           pthread_create(&p->threads[p->n_threads], NULL, s_worker, p) == 0)
        p->n_threads++;
    return p;
}

struct tree_dir *tree_pool_dir(DIR *dir)
{
    struct tree_dir *d = xmalloc(sizeof *d);
    d->dir = dir;
    d->fd = dirfd(dir);
    d->queued = d->released = 0;
    d->walked = false;
    return d;
}

void tree_pool_dir_done(struct tree_pool *p, struct tree_dir *d)
{
    pthread_mutex_lock(&p->lock);
    s_publish_locked(p);
    s_dir_release_locked(d, false);
    pthread_mutex_unlock(&p->lock);
}

int tree_pool_dir_fd(const struct tree_dir *d)
{
    return d->fd;
}

enum drh_status tree_pool_add(struct tree_pool *p, struct tree_dir *d, const char *name,
                              const char *rel, const struct stat *st, struct drh_err *err)
{
    if (p->n % S_BATCH == 0) {
        pthread_mutex_lock(&p->lock);
        s_publish_locked(p);
        bool failed = p->failed;
        if (failed)
            *err = p->err;
        pthread_mutex_unlock(&p->lock);
        if (failed)
            return err->code;
    }
    size_t k = s_seg(p->n);
    if (!p->seg[k]) /* written before the entries in it are published */
        p->seg[k] = xmalloc(((size_t)S_SEG0 << k) * sizeof *p->seg[k]);
    struct s_item *it = s_at(p, p->n);
    memset(it, 0, sizeof *it);
    it->f.path = xstrdup(rel);
    it->f.size = (long long)st->st_size;
    it->f.mtime = (double)st->st_mtim.tv_sec + (double)st->st_mtim.tv_nsec / 1e9;
    if (p->hash) {
        it->dir = d;
        it->name = (size_t)(name - rel);
        it->dev = st->st_dev;
        it->ino = st->st_ino;
        it->noatime = p->euid == 0 || st->st_uid == p->euid;
        it->big = st->st_size >= S_SEQUENTIAL;
        d->queued++;
    }
    p->n++;
    return DRH_OK;
}

/* The entries as one array, the segments freed as they are copied. */
static void s_gather(struct tree_pool *p, struct tree *t)
{
    t->files = p->n ? xmalloc(p->n * sizeof *t->files) : NULL;
    for (size_t i = 0; i < p->n; i++) {
        struct tree_file *f = &t->files[t->n_files++];
        *f = s_at(p, i)->f;
        t->bytes += f->size;
        if (f->mtime > t->newest_mtime)
            t->newest_mtime = f->mtime;
        if (i + 1 == p->n || s_seg(i + 1) != s_seg(i)) {
            free(p->seg[s_seg(i)]);
            p->seg[s_seg(i)] = NULL;
        }
    }
    if (t->n_files)
        qsort(t->files, t->n_files, sizeof *t->files, tree_file_by_path);
}

enum drh_status tree_pool_finish(struct tree_pool *p, enum drh_status walk_status, struct tree *out,
                                 struct drh_err *err)
{
    pthread_mutex_lock(&p->lock);
    if (walk_status != DRH_OK)
        s_fail_locked(p, err);
    else
        s_publish_locked(p);
    p->walk_done = true;
    pthread_cond_broadcast(&p->more);
    /* the walk's thread hashes too, until every entry is taken */
    while (!p->failed && p->next < p->published)
        s_run_one_locked(p, s_own(p));
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    enum drh_status st = walk_status != DRH_OK ? walk_status : p->failed ? p->err.code : DRH_OK;
    if (walk_status == DRH_OK && p->failed)
        *err = p->err;
    if (st == DRH_OK) {
        s_gather(p, out);
    } else {
        /* entries never hashed still hold their folders */
        for (size_t i = 0; i < p->n; i++) {
            struct s_item *it = s_at(p, i);
            if (it->dir)
                s_dir_release_locked(it->dir, true);
            free(it->f.path);
        }
        for (size_t k = 0; k < S_SEGS; k++)
            free(p->seg[k]);
    }
    if (p->own.sha)
        s_hasher_clean_up(&p->own);
    pthread_cond_destroy(&p->room);
    pthread_cond_destroy(&p->more);
    pthread_mutex_destroy(&p->lock);
    free(p);
    return st;
}
