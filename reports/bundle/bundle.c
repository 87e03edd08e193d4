/*
 * Sealing an evidence bundle: the listing of its files that both sealing
 * and verifying walk, and SHA256SUMS. The key and the signature are
 * bundle_key.c's. See bundle.h.
 */
#include "reports/bundle/bundle.h"

#include "buf.h"
#include "mem.h"
#include "reports/report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deeper than any bundle drh writes (drills/<file> is two levels). */
#define S_MAX_DEPTH 16

bool bundle_name_ok(const char *path)
{
    if (!path || !path[0])
        return false;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '\\')
            return false;
    return true;
}

const char *bundle_kind(mode_t mode)
{
    if (S_ISREG(mode))
        return NULL;
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISLNK(mode))
        return "a symlink";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    return "a special file";
}

/* Hashes the regular file at path; *kind is set instead when it turned out
 * not to be one (replaced since it was listed). */
static enum drh_status s_hash(const char *path, struct bundle_entry *e, struct drh_err *err)
{
    /* O_NONBLOCK: a FIFO put in the file's place must not hang the run. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 && errno == ELOOP) {
        e->kind = "a symlink";
        return DRH_OK;
    }
    if (fd < 0 || fstat(fd, &st) != 0) {
        drh_err_set(err, DRH_E_IO, "cannot read '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return DRH_E_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        e->kind = bundle_kind(st.st_mode);
        close(fd);
        return DRH_OK;
    }
    struct crypto_sha256 *h = crypto_sha256_new();
    unsigned char chunk[64 * 1024];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            drh_err_set(err, DRH_E_IO, "cannot read '%s': %s", path, strerror(errno));
            crypto_sha256_free(h);
            close(fd);
            return DRH_E_IO;
        }
        crypto_sha256_update(h, chunk, (size_t)n);
    }
    unsigned char md[CRYPTO_SHA256_LEN];
    crypto_sha256_final(h, md);
    crypto_sha256_free(h);
    close(fd);
    crypto_hex(md, sizeof md, e->sha256);
    return DRH_OK;
}

struct s_list {
    struct bundle_entry *v;
    size_t n, cap;
};

static bool s_reserved(const char *name)
{
    return strcmp(name, BUNDLE_MANIFEST) == 0 || strcmp(name, BUNDLE_SIGNATURE) == 0 ||
           strcmp(name, BUNDLE_SIGNER) == 0;
}

static enum drh_status s_walk(const char *root, const char *rel, int depth, struct s_list *l,
                              struct drh_err *err)
{
    char *path = rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
    enum drh_status st = DRH_OK;
    DIR *d = opendir(path);
    if (!d) {
        st = drh_err_set(err, DRH_E_IO, "cannot read folder '%s': %s", path, strerror(errno));
        free(path);
        return st;
    }
    struct dirent *de;
    while (st == DRH_OK && (errno = 0, de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || (!rel && s_reserved(name)))
            continue;
        char *child_rel = rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
        char *child = xasprintf("%s/%s", root, child_rel);
        struct stat sb;
        if (lstat(child, &sb) != 0) {
            st = drh_err_set(err, DRH_E_IO, "cannot read '%s': %s", child, strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            if (depth >= S_MAX_DEPTH)
                st = drh_err_set(err, DRH_E_INPUT, "folder '%s' is nested more than %d deep", child,
                                 S_MAX_DEPTH);
            else
                st = s_walk(root, child_rel, depth + 1, l, err);
        } else {
            if (l->n == l->cap) {
                l->cap = l->cap ? 2 * l->cap : 16;
                l->v = xrealloc(l->v, l->cap * sizeof *l->v);
            }
            struct bundle_entry *e = &l->v[l->n++];
            memset(e, 0, sizeof *e);
            e->path = child_rel;
            child_rel = NULL;
            e->kind = bundle_kind(sb.st_mode);
            if (!e->kind)
                st = s_hash(child, e, err);
        }
        free(child_rel);
        free(child);
    }
    if (st == DRH_OK && errno != 0)
        st = drh_err_set(err, DRH_E_IO, "cannot read folder '%s': %s", path, strerror(errno));
    closedir(d);
    free(path);
    return st;
}

static int s_by_path(const void *a, const void *b)
{
    return strcmp(((const struct bundle_entry *)a)->path, ((const struct bundle_entry *)b)->path);
}

enum drh_status bundle_scan(const char *dir, struct bundle_entry **out, size_t *n,
                            struct drh_err *err)
{
    struct s_list l = {0};
    enum drh_status st = s_walk(dir, NULL, 0, &l, err);
    if (st != DRH_OK) {
        bundle_entries_free(l.v, l.n);
        return st;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, s_by_path);
    *out = l.v;
    *n = l.n;
    return DRH_OK;
}

void bundle_entries_free(struct bundle_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].path);
    free(v);
}

enum drh_status bundle_read_fd(int fd, const char *path, size_t max, char **data, size_t *len,
                               struct drh_err *err)
{
    enum drh_status st = DRH_OK;
    struct buf b;
    buf_init(&b);
    char chunk[16 * 1024];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st = drh_err_set(err, DRH_E_IO, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
        if (b.len + (size_t)n > max) {
            st = drh_err_set(err, DRH_E_INPUT, "'%s' is longer than %zu bytes", path, max);
            break;
        }
        buf_append(&b, chunk, (size_t)n);
    }
    crypto_wipe(chunk, sizeof chunk);
    if (st == DRH_OK) {
        buf_append(&b, "", 0);
        *len = b.len;
        *data = buf_detach(&b);
    }
    /* The file may be a key: wipe what was read of it. */
    crypto_wipe(b.data, b.len);
    buf_clean_up(&b);
    return st;
}

enum drh_status bundle_read(const char *dir, const char *name, size_t max, char **data, size_t *len,
                            struct drh_err *err)
{
    char *path = xasprintf("%s/%s", dir, name);
    enum drh_status st;
    struct stat sb;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            st = drh_err_set(err, DRH_E_NOTFOUND, "'%s' does not exist", path);
        else if (errno == ELOOP)
            st = drh_err_set(err, DRH_E_INPUT, "'%s' is a symlink, not a regular file", path);
        else
            st = drh_err_set(err, DRH_E_IO, "cannot read '%s': %s", path, strerror(errno));
    } else if (fstat(fd, &sb) != 0) {
        st = drh_err_set(err, DRH_E_IO, "cannot read '%s': %s", path, strerror(errno));
    } else if (!S_ISREG(sb.st_mode)) {
        st = drh_err_set(err, DRH_E_INPUT, "'%s' is %s, not a regular file", path,
                         bundle_kind(sb.st_mode));
    } else {
        st = bundle_read_fd(fd, path, max, data, len, err);
    }
    if (fd >= 0)
        close(fd);
    free(path);
    return st;
}

/* Removes DIR/name; a missing file is fine. */
static enum drh_status s_remove(const char *dir, const char *name, struct drh_err *err)
{
    char *path = xasprintf("%s/%s", dir, name);
    enum drh_status st = DRH_OK;
    if (unlink(path) != 0 && errno != ENOENT)
        st = drh_err_set(err, DRH_E_IO, "cannot remove the stale '%s': %s", path, strerror(errno));
    free(path);
    return st;
}

enum drh_status bundle_manifest_write(const char *dir, struct drh_err *err)
{
    struct stat sb;
    int rc = stat(dir, &sb);
    if (rc != 0 || !S_ISDIR(sb.st_mode)) {
        drh_err_set(err, DRH_E_IO, "cannot seal evidence bundle '%s': %s", dir,
                    rc != 0 ? strerror(errno) : "not a folder");
        return drh_err_hint(err, "write the bundle's files first");
    }
    struct bundle_entry *v = NULL;
    size_t n = 0;
    enum drh_status st = bundle_scan(dir, &v, &n, err);
    if (st != DRH_OK) {
        drh_err_prefix(err, "cannot seal evidence bundle '%s'", dir);
        return st;
    }
    struct buf text;
    buf_init(&text);
    for (size_t i = 0; i < n && st == DRH_OK; i++) {
        if (!bundle_name_ok(v[i].path)) {
            char *shown = bundle_printable(v[i].path);
            st = drh_err_set(err, DRH_E_INPUT,
                             "cannot seal evidence bundle '%s': the file name '%s' holds a "
                             "control character or a backslash",
                             dir, shown);
            drh_err_hint(err, "rename it: sha256sum would escape the name, and drh lists "
                              "names as they are");
            free(shown);
        } else if (v[i].kind) {
            st = drh_err_set(err, DRH_E_INPUT, "cannot seal evidence bundle '%s': '%s' is %s", dir,
                             v[i].path, v[i].kind);
            drh_err_hint(err, "a bundle holds regular files only: copy the content in instead");
        } else {
            buf_printf(&text, "%s  %s\n", v[i].sha256, v[i].path);
        }
    }
    if (st == DRH_OK)
        st = s_remove(dir, BUNDLE_SIGNATURE, err);
    if (st == DRH_OK)
        st = s_remove(dir, BUNDLE_SIGNER, err);
    if (st == DRH_OK) {
        char *path = xasprintf("%s/%s", dir, BUNDLE_MANIFEST);
        st = report_write_file(path, buf_str(&text), text.len, err);
        free(path);
    }
    buf_clean_up(&text);
    bundle_entries_free(v, n);
    return st;
}

char *bundle_printable(const char *path)
{
    char *out = xstrdup(path);
    for (unsigned char *p = (unsigned char *)out; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            *p = '?';
    return out;
}
