/*
 * Walking a restored file tree (tree.h) with openat()/fstatat() relative to
 * open folder descriptors: a symbolic link inside the tree is seen as a
 * link (AT_SYMLINK_NOFOLLOW, O_NOFOLLOW) and never followed, so a restore
 * cannot lead drh out of it; files are opened O_NONBLOCK and checked to be
 * the regular file that was stat'ed, so a FIFO cannot hang the probe. The
 * walk runs on the caller's thread; the files it finds are hashed on
 * worker threads meanwhile (tree_hash.h).
 */
#include "probes/tree.h"

#include "mem.h"
#include "mono.h"
#include "probes/tree_hash.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Deeper than this is refused (a loop of bind mounts, a hostile tree). */
#define TREE_MAX_DEPTH 256

struct walk {
    struct tree_pool *pool;
    size_t n_dirs, n_symlinks, n_other;
    double deadline; /* CLOCK_MONOTONIC seconds; 0: none */
    long timeout;
    const char *root;
};

/* A folder's entry, as listed. */
struct s_dirent {
    char *name;
    ino_t ino;
};

void tree_clean_up(struct tree *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_files; i++)
        free(t->files[i].path);
    free(t->files);
    memset(t, 0, sizeof *t);
}

int tree_file_by_path(const void *a, const void *b)
{
    return strcmp(((const struct tree_file *)a)->path, ((const struct tree_file *)b)->path);
}

const struct tree_file *tree_find(const struct tree *t, const char *path)
{
    struct tree_file key = {0};
    key.path = (char *)path;
    return t->n_files ? bsearch(&key, t->files, t->n_files, sizeof key, tree_file_by_path) : NULL;
}

/* rel/name, or name at the root. */
static char *s_join(const char *rel, const char *name)
{
    size_t a = strlen(rel), b = strlen(name);
    char *p = xmalloc(a + b + 2);
    if (a) {
        memcpy(p, rel, a);
        p[a++] = '/';
    }
    memcpy(p + a, name, b + 1);
    return p;
}

static int s_by_ino(const void *a, const void *b)
{
    ino_t x = ((const struct s_dirent *)a)->ino, y = ((const struct s_dirent *)b)->ino;
    return x < y ? -1 : x > y;
}

static enum drh_status s_io(struct walk *w, const char *rel, const char *what, struct drh_err *err)
{
    return drh_err_set(err, DRH_E_IO, "cannot %s '%s%s%s': %s", what, w->root, *rel ? "/" : "", rel,
                       strerror(errno));
}

/* The entries of dir but . and .., sorted by inode number: stat'ed and
 * read in that order, a local file system on a disk that seeks reads its
 * inode tables and (files written one after the other) their data in one
 * sweep, not in the order of the folder's hash. */
static enum drh_status s_list(struct walk *w, DIR *dir, const char *rel, struct s_dirent **out,
                              size_t *n, struct drh_err *err)
{
    struct s_dirent *v = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(dir);
        if (!e) {
            if (!errno)
                break;
            enum drh_status st = s_io(w, rel, "list", err);
            while (len)
                free(v[--len].name);
            free(v);
            return st;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (len == cap) {
            cap = cap ? cap * 2 : 32;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[len].name = xstrdup(e->d_name);
        v[len++].ino = e->d_ino;
    }
    if (len > 1)
        qsort(v, len, sizeof *v, s_by_ino);
    *out = v;
    *n = len;
    return DRH_OK;
}

static enum drh_status s_dir(struct walk *w, DIR *dir, const char *rel, int depth,
                             struct drh_err *err);

/* Walks the folder name of dfd (child its path from the root). */
static enum drh_status s_subdir(struct walk *w, int dfd, const char *name, const char *child,
                                int depth, struct drh_err *err)
{
    if (depth > TREE_MAX_DEPTH)
        return drh_err_set(err, DRH_E_IO, "'%s/%s' is nested more than %d folders deep", w->root,
                           child, TREE_MAX_DEPTH);
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        enum drh_status s = s_io(w, child, fd < 0 ? "open folder" : "list", err);
        if (fd >= 0)
            close(fd);
        return s;
    }
    return s_dir(w, d, child, depth, err);
}

/* Sorts out entry e of the folder td (dfd), child its path: a file is
 * queued, a folder kept in *sub for later, the rest counted. */
static enum drh_status s_visit(struct walk *w, struct tree_dir *td, int dfd, struct s_dirent *e,
                               const char *child, size_t name_at, bool *sub, struct drh_err *err)
{
    struct stat sb;
    *sub = false;
    if (fstatat(dfd, e->name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
        return s_io(w, child, "stat", err);
    if (S_ISDIR(sb.st_mode))
        *sub = true;
    else if (S_ISREG(sb.st_mode))
        return tree_pool_add(w->pool, td, child + name_at, child, &sb, err);
    else if (S_ISLNK(sb.st_mode))
        w->n_symlinks++;
    else
        w->n_other++;
    return DRH_OK;
}

/* Walks the folder dir (closed here), rel its path: its files first (the
 * hashing threads start on them), then its folders. */
static enum drh_status s_dir(struct walk *w, DIR *dir, const char *rel, int depth,
                             struct drh_err *err)
{
    struct tree_dir *td = tree_pool_dir(dir);
    int dfd = tree_pool_dir_fd(td);
    size_t name_at = *rel ? strlen(rel) + 1 : 0;
    struct s_dirent *v = NULL;
    size_t n = 0, n_sub = 0, i = 0;
    enum drh_status st = s_list(w, dir, rel, &v, &n, err);
    for (; st == DRH_OK && i < n; i++) {
        if (w->deadline > 0 && mono_now() > w->deadline) {
            st = drh_err_set(err, DRH_E_TIMEOUT, "walking '%s' took more than %lds (at '%s')",
                             w->root, w->timeout, *rel ? rel : ".");
            break;
        }
        char *child = s_join(rel, v[i].name);
        bool sub = false;
        st = s_visit(w, td, dfd, &v[i], child, name_at, &sub, err);
        free(child);
        if (sub)
            v[n_sub++] = v[i]; /* walked below, once the files are queued */
        else
            free(v[i].name);
    }
    for (; i < n; i++) /* left by an error */
        free(v[i].name);
    for (size_t k = 0; k < n_sub; k++) {
        if (st == DRH_OK) {
            char *child = s_join(rel, v[k].name);
            w->n_dirs++;
            st = s_subdir(w, dfd, v[k].name, child, depth + 1, err);
            free(child);
        }
        free(v[k].name);
    }
    free(v);
    tree_pool_dir_done(w->pool, td);
    return st;
}

enum drh_status tree_walk(const char *root, bool hash, long timeout, struct tree *out,
                          struct drh_err *err)
{
    return tree_walk_threads(root, hash, timeout, tree_pool_default_threads(), out, err);
}

enum drh_status tree_walk_threads(const char *root, bool hash, long timeout, size_t threads,
                                  struct tree *out, struct drh_err *err)
{
    struct walk w = {0};
    w.root = root;
    w.timeout = timeout;
    w.deadline = timeout > 0 ? mono_now() + (double)timeout : 0;
    w.pool = tree_pool_new(root, hash, threads, w.deadline, timeout);
    /* the root may be a mount point that is a symbolic link: follow it only */
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    enum drh_status st;
    if (!d) {
        st = s_io(&w, "", fd < 0 ? "open folder" : "list", err);
        if (fd >= 0)
            close(fd);
    } else {
        st = s_dir(&w, d, "", 0, err);
    }
    struct tree t = {0};
    st = tree_pool_finish(w.pool, st, &t, err);
    if (st == DRH_OK) {
        t.n_dirs = w.n_dirs;
        t.n_symlinks = w.n_symlinks;
        t.n_other = w.n_other;
        *out = t;
    }
    return st;
}

/* Opens the folder holding rel's last component, each step O_NOFOLLOW;
 * *last points into rel at that component. */
static enum drh_status s_open_parent(const char *root, const char *rel, int *out, const char **last,
                                     struct drh_err *err)
{
    if (!rel || !*rel || rel[0] == '/')
        return drh_err_set(err, DRH_E_INPUT, "'%s' is not a path relative to the restored tree",
                           rel ? rel : "");
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return drh_err_set(err, DRH_E_IO, "cannot open folder '%s': %s", root, strerror(errno));
    const char *p = rel;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            close(fd);
            return drh_err_set(err, DRH_E_INPUT, "'%s' leaves the restored tree (..)", rel);
        }
        if (!slash || slash[1] == '\0') {
            *last = p;
            *out = fd;
            return DRH_OK;
        }
        char *part = xstrndup(p, len);
        int next = len == 0 || strcmp(part, ".") == 0
                       ? dup(fd)
                       : openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        struct stat lst;
        bool link =
            next < 0 && fstatat(fd, part, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode);
        free(part);
        close(fd);
        if (next < 0) {
            enum drh_status s =
                e == ENOENT || e == ENOTDIR || e == ELOOP ? DRH_E_NOTFOUND : DRH_E_IO;
            return drh_err_set(err, s, "cannot reach '%s' in '%s': %s", rel, root,
                               link ? "a symbolic link on the way (not followed)" : strerror(e));
        }
        fd = next;
        p = slash + 1;
    }
}

enum drh_status tree_stat(const char *root, const char *rel, struct stat *st, struct drh_err *err)
{
    int dfd = -1;
    const char *last = NULL;
    enum drh_status s = s_open_parent(root, rel, &dfd, &last, err);
    if (s != DRH_OK)
        return s;
    char *name = xstrndup(last, strcspn(last, "/"));
    if (fstatat(dfd, *name ? name : ".", st, AT_SYMLINK_NOFOLLOW) != 0)
        s = drh_err_set(err, errno == ENOENT ? DRH_E_NOTFOUND : DRH_E_IO,
                        "cannot stat '%s' in '%s': %s", rel, root, strerror(errno));
    free(name);
    close(dfd);
    return s;
}

enum drh_status tree_read_head(const char *root, const char *rel, char *out, size_t size,
                               struct stat *st, struct drh_err *err)
{
    int dfd = -1;
    const char *last = NULL;
    enum drh_status s = s_open_parent(root, rel, &dfd, &last, err);
    if (s != DRH_OK)
        return s;
    int fd = openat(dfd, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int e = errno;
    close(dfd);
    if (fd < 0)
        return drh_err_set(err,
                           e == ENOENT  ? DRH_E_NOTFOUND
                           : e == ELOOP ? DRH_E_INPUT
                                        : DRH_E_IO,
                           "cannot open '%s' in '%s': %s", rel, root,
                           e == ELOOP ? "it is a symbolic link (not followed)" : strerror(e));
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return drh_err_set(err, DRH_E_INPUT, "'%s' in '%s' is not a regular file", rel, root);
    }
    size_t got = 0;
    while (got + 1 < size) {
        ssize_t r = read(fd, out + got, size - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    out[got] = '\0';
    close(fd);
    return DRH_OK;
}
