/*
 * A restored file tree (an EFS restore, read through its mount point) and
 * its manifest: walking the tree without ever following a symbolic link
 * inside it (only the root itself may be one: a mount point), hashing each
 * regular file with SHA-256, and the manifest file `drh manifest --tree`
 * writes from a source tree and the manifest probe compares a restore
 * against. docs/efs.md defines the manifest format:
 *
 *   {"format": "drh-files-manifest-1", "created": "RFC 3339", "root": "/src",
 *    "files": N, "bytes": N, "newest_mtime": epoch, "entries": [
 *      {"path": "dir/a.txt", "size": 5, "sha256": "64 hex", "mtime": epoch}, ...]}
 *
 * Paths are relative, '/'-separated, sorted byte-wise. Only regular files
 * are entries; symbolic links, devices, FIFOs and sockets are counted, not
 * read.
 */
#ifndef DRH_PROBES_TREE_H
#define DRH_PROBES_TREE_H
#include "buf.h"
#include "crypto.h"
#include "err.h"
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* The "format" of a files manifest. */
#define TREE_MANIFEST_FORMAT "drh-files-manifest-1"

struct tree_file {
    char *path; /* relative to the root */
    long long size;
    double mtime;                           /* epoch seconds */
    char sha256[CRYPTO_SHA256_HEX_LEN + 1]; /* "" when not hashed */
};

struct tree {
    struct tree_file *files; /* sorted by path */
    size_t n_files;
    size_t n_dirs;     /* below the root */
    size_t n_symlinks; /* seen, not followed */
    size_t n_other;    /* devices, FIFOs, sockets */
    long long bytes;
    double newest_mtime; /* of the regular files; 0 when there are none */
};

/* Walks the tree under root (which must be a folder; it may be a symbolic
 * link to one), recording every regular file, with its SHA-256 when hash.
 * timeout (seconds, 0: none) bounds the walk: DRH_E_TIMEOUT past it.
 * DRH_E_IO names the path that could not be read. out is written only on
 * success; caller frees with tree_clean_up(). */
enum drh_status tree_walk(const char *root, bool hash, long timeout, struct tree *out,
                          struct drh_err *err);
/* NULL is a no-op; leaves *t zeroed. */
void tree_clean_up(struct tree *t);
/* The entry for path, or NULL. */
const struct tree_file *tree_find(const struct tree *t, const char *path);

/* lstat() of rel under root, refusing (DRH_E_INPUT) a rel that is absolute
 * or has a ".." component, and opening each folder on the way with
 * O_NOFOLLOW, so a symbolic link inside the tree is never followed (the
 * last component is not followed either: *st then describes the link).
 * DRH_E_NOTFOUND when it does not exist. */
enum drh_status tree_stat(const char *root, const char *rel, struct stat *st, struct drh_err *err);
/* The first size - 1 bytes of the regular file rel under root (as
 * tree_stat() reaches it), NUL-terminated, and its stat. DRH_E_INPUT when
 * it is not a regular file. */
enum drh_status tree_read_head(const char *root, const char *rel, char *out, size_t size,
                               struct stat *st, struct drh_err *err);

/* Writes t (hashed) as a manifest file of the tree at root, through a
 * temporary file and a rename. */
enum drh_status tree_manifest_save(const struct tree *t, const char *root, const char *path,
                                   struct drh_err *err);
/* Reads a manifest into out (n_files, bytes, newest_mtime and the entries;
 * the other counts 0): DRH_E_IO when unreadable, DRH_E_INPUT when it is not
 * a drh files manifest (naming the entry at fault). out is written only on
 * success. */
enum drh_status tree_manifest_load(const char *path, struct tree *out, struct drh_err *err);

/* What differs between a manifest (want) and a hashed tree (have), both
 * sorted: files missing from have, changed (size or SHA-256), and extra
 * (in have only). Appends to msg "missing N: a, b; changed N: c (size 5 ->
 * 7); extra N: d", listing at most max_list of each; parts with N == 0 are
 * left out. */
void tree_compare(const struct tree *want, const struct tree *have, size_t max_list,
                  size_t *missing, size_t *changed, size_t *extra, struct buf *msg);

#endif
