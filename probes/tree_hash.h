/*
 * The entries of a tree walk (tree.c) and the threads that hash them,
 * internal to probes/tree*.c. The walk lists folders and stats entries on
 * its own thread and adds each regular file here with the open folder it is
 * in; meanwhile worker threads take the files in turn, open each in its
 * folder (O_NOFOLLOW), check it is the file the walk stat'ed, and hash it
 * with SHA-256 through one reused buffer per thread, never reading a whole
 * file into memory. A folder stays open until the walk and every file
 * queued from it are done with it; the walk waits while TREE_POOL_QUEUE
 * queued files are not hashed yet, so it never runs far ahead and the open
 * folders stay bounded. The first error (a file that cannot be read, the
 * timeout) stops every thread and is the one reported.
 */
#ifndef DRH_PROBES_TREE_HASH_H
#define DRH_PROBES_TREE_HASH_H
#include "probes/tree.h"

#include <dirent.h>

/* Files queued and not hashed yet, at most (then the walk waits). */
#define TREE_POOL_QUEUE 128
/* Hashing threads at most, however many CPUs there are. */
#define TREE_POOL_MAX_THREADS 8

/* qsort() / bsearch() order of struct tree_file: by path, byte-wise. */
int tree_file_by_path(const void *a, const void *b);

struct tree_pool;
/* A folder being walked, shared by the files queued from it. */
struct tree_dir;

/* A pool for the walk of root: with hash, threads hashing threads (0: the
 * walk's thread hashes, in tree_pool_add() and tree_pool_finish()); without,
 * only the list of files. deadline: CLOCK_MONOTONIC seconds, 0 none;
 * timeout is what the message says. Freed by tree_pool_finish(). */
struct tree_pool *tree_pool_new(const char *root, bool hash, size_t threads, double deadline,
                                long timeout);
/* How many hashing threads to use here: 4 per online CPU, at most
 * TREE_POOL_MAX_THREADS. More threads than CPUs, because a thread waiting
 * for the disk (or the NFS server of an EFS mount) uses no CPU: reading
 * several files at once is what keeps a cold read busy (on 2 CPUs, 8
 * threads verified a cold tree of 100,000 files 10-15% sooner than 4, and
 * a warm one as fast). */
size_t tree_pool_default_threads(void);

/* tree_walk() with threads hashing threads (0: the walk's own thread
 * hashes, as when none can be started): for tests. */
enum drh_status tree_walk_threads(const char *root, bool hash, long timeout, size_t threads,
                                  struct tree *out, struct drh_err *err);

/* Takes over dir (closed when the walk and its queued files are done). */
struct tree_dir *tree_pool_dir(DIR *dir);
/* The walk is done with d. */
void tree_pool_dir_done(struct tree_pool *p, struct tree_dir *d);
/* The folder's descriptor, for the walk's fstatat() and openat(). */
int tree_pool_dir_fd(const struct tree_dir *d);

/* Adds the regular file name (in d; name points into rel, its path from
 * the root, which is copied) that st describes, and queues it for hashing.
 * May wait while the queue is full. Not DRH_OK (err set) once the pool has
 * failed: the walk stops. */
enum drh_status tree_pool_add(struct tree_pool *p, struct tree_dir *d, const char *name,
                              const char *rel, const struct stat *st, struct drh_err *err);

/* Ends the walk: walk_status DRH_OK when it went through (the walk's
 * thread then hashes with the others until every file is taken), else its
 * error (in err) stops the threads. Joins them and frees p. On success *out gets the
 * files, sorted, their bytes and newest mtime (the other counts left to the
 * caller); else err says why (the walk's error, or the first of the
 * threads'). */
enum drh_status tree_pool_finish(struct tree_pool *p, enum drh_status walk_status, struct tree *out,
                                 struct drh_err *err);

#endif
