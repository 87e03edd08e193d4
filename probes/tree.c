/*
 * Walking a restored file tree (tree.h) with openat()/fstatat() relative to
 * open folder descriptors: a symbolic link inside the tree is seen as a
 * link (AT_SYMLINK_NOFOLLOW, O_NOFOLLOW) and never followed, so a restore
 * cannot lead drh out of it; files are opened O_NONBLOCK and checked to be
 * the regular file that was stat'ed, so a FIFO cannot hang the probe.
 */
#include "probes/tree.h"

#include "mem.h"

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
    struct tree t;
    size_t cap;
    bool hash;
    double deadline; /* CLOCK_MONOTONIC seconds; 0: none */
    long timeout;
    const char *root;
    struct crypto_sha256 *sha;
    unsigned char block[65536];
};

static double s_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tree_clean_up(struct tree *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_files; i++)
        free(t->files[i].path);
    free(t->files);
    memset(t, 0, sizeof *t);
}

static int s_by_path(const void *a, const void *b)
{
    return strcmp(((const struct tree_file *)a)->path, ((const struct tree_file *)b)->path);
}

const struct tree_file *tree_find(const struct tree *t, const char *path)
{
    struct tree_file key = {0};
    key.path = (char *)path;
    return t->n_files ? bsearch(&key, t->files, t->n_files, sizeof key, s_by_path) : NULL;
}

static enum drh_status s_io(struct walk *w, const char *rel, const char *what, struct drh_err *err)
{
    return drh_err_set(err, DRH_E_IO, "cannot %s '%s%s%s': %s", what, w->root, *rel ? "/" : "", rel,
                       strerror(errno));
}

/* Hashes the regular file name of dir fd (rel for messages) into f. */
static enum drh_status s_hash(struct walk *w, int dfd, const char *name, const char *rel,
                              const struct stat *seen, struct tree_file *f, struct drh_err *err)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return s_io(w, rel, "open", err);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_ino != seen->st_ino ||
        st.st_dev != seen->st_dev) {
        close(fd);
        errno = errno ? errno : ESTALE;
        return s_io(w, rel, "read (it changed while it was read)", err);
    }
    long long size = 0;
    for (;;) {
        ssize_t r = read(fd, w->block, sizeof w->block);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            close(fd);
            return s_io(w, rel, "read", err);
        }
        if (r == 0)
            break;
        crypto_sha256_update(w->sha, w->block, (size_t)r);
        size += r;
        if (w->deadline > 0 && s_mono() > w->deadline) {
            close(fd);
            return drh_err_set(err, DRH_E_TIMEOUT, "walking '%s' took more than %lds (at '%s')",
                               w->root, w->timeout, rel);
        }
    }
    close(fd);
    unsigned char d[CRYPTO_SHA256_LEN];
    crypto_sha256_final(w->sha, d);
    crypto_hex(d, sizeof d, f->sha256);
    f->size = size; /* what was hashed, should the file have grown since the stat */
    return DRH_OK;
}

static enum drh_status s_file(struct walk *w, int dfd, const char *name, const char *rel,
                              const struct stat *st, struct drh_err *err)
{
    struct tree_file f = {0};
    f.size = (long long)st->st_size;
    f.mtime = (double)st->st_mtim.tv_sec + (double)st->st_mtim.tv_nsec / 1e9;
    if (w->hash) {
        enum drh_status s = s_hash(w, dfd, name, rel, st, &f, err);
        if (s != DRH_OK)
            return s;
    }
    if (w->t.n_files == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->t.files = xrealloc(w->t.files, w->cap * sizeof *w->t.files);
    }
    f.path = xstrdup(rel);
    w->t.files[w->t.n_files++] = f;
    w->t.bytes += f.size;
    if (f.mtime > w->t.newest_mtime)
        w->t.newest_mtime = f.mtime;
    return DRH_OK;
}

/* Walks the folder open as fd (taken over: closed here), rel its path. */
static enum drh_status s_dir(struct walk *w, int fd, const char *rel, int depth,
                             struct drh_err *err)
{
    if (depth > TREE_MAX_DEPTH) {
        close(fd);
        return drh_err_set(err, DRH_E_IO, "'%s/%s' is nested more than %d folders deep", w->root,
                           rel, TREE_MAX_DEPTH);
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        enum drh_status s = s_io(w, rel, "list", err);
        close(fd);
        return s;
    }
    enum drh_status st = DRH_OK;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno)
                st = s_io(w, rel, "list", err);
            break;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (w->deadline > 0 && s_mono() > w->deadline) {
            st = drh_err_set(err, DRH_E_TIMEOUT, "walking '%s' took more than %lds (at '%s')",
                             w->root, w->timeout, *rel ? rel : ".");
            break;
        }
        char *child = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
        struct stat sb;
        if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            st = s_io(w, child, "stat", err);
        } else if (S_ISDIR(sb.st_mode)) {
            int cfd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            w->t.n_dirs++;
            st =
                cfd < 0 ? s_io(w, child, "open folder", err) : s_dir(w, cfd, child, depth + 1, err);
        } else if (S_ISREG(sb.st_mode)) {
            st = s_file(w, dirfd(d), e->d_name, child, &sb, err);
        } else if (S_ISLNK(sb.st_mode)) {
            w->t.n_symlinks++;
        } else {
            w->t.n_other++;
        }
        free(child);
        if (st != DRH_OK)
            break;
    }
    closedir(d);
    return st;
}

enum drh_status tree_walk(const char *root, bool hash, long timeout, struct tree *out,
                          struct drh_err *err)
{
    struct walk *w = xcalloc(1, sizeof *w);
    w->hash = hash;
    w->root = root;
    w->timeout = timeout;
    w->deadline = timeout > 0 ? s_mono() + (double)timeout : 0;
    w->sha = crypto_sha256_new();
    /* the root may be a mount point that is a symbolic link: follow it only */
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    enum drh_status st = fd < 0 ? s_io(w, "", "open folder", err) : s_dir(w, fd, "", 0, err);
    if (st == DRH_OK) {
        if (w->t.n_files)
            qsort(w->t.files, w->t.n_files, sizeof *w->t.files, s_by_path);
        *out = w->t;
    } else {
        tree_clean_up(&w->t);
    }
    crypto_sha256_free(w->sha);
    free(w);
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
