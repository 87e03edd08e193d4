/*
 * The files manifest of a tree (tree.h): writing it from a hashed walk, one
 * entry a line, each printed on its own (a manifest of 100,000 files as one
 * JSON document in memory would take ten times its size), and comparing it
 * with a restored tree: missing, changed and extra files. Reading it back
 * is tree_manifest_load.c.
 */
#include "probes/tree.h"

#include "json.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void s_rfc3339(double epoch, char *out, size_t size)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%.0f", epoch);
}

/* The manifest's members but its entries, as one compact JSON object
 * without its closing brace. */
static char *s_head(const struct tree *t, const char *root)
{
    char created[40];
    s_rfc3339((double)time(NULL), created, sizeof created);
    struct json *doc = json_new_object();
    json_add_string(doc, "format", TREE_MANIFEST_FORMAT);
    json_add_string(doc, "created", created);
    json_add_string(doc, "root", root);
    json_add_number(doc, "files", (double)t->n_files);
    json_add_number(doc, "bytes", (double)t->bytes);
    json_add_number(doc, "newest_mtime", t->newest_mtime);
    char *text = json_print(doc, 0);
    json_free(doc);
    text[strlen(text) - 1] = '\0';
    return text;
}

/* Writes the manifest one entry a line, each printed on its own, so that
 * writing the manifest of a large tree never holds the whole document. */
static bool s_write(FILE *f, const struct tree *t, const char *root)
{
    char *head = s_head(t, root);
    bool ok = fprintf(f, "%s,\n\"entries\": [", head) > 0;
    free(head);
    for (size_t i = 0; ok && i < t->n_files; i++) {
        const struct tree_file *tf = &t->files[i];
        struct json *e = json_new_object();
        json_add_string(e, "path", tf->path);
        json_add_number(e, "size", (double)tf->size);
        json_add_string(e, "sha256", tf->sha256);
        json_add_number(e, "mtime", tf->mtime);
        char *text = json_print(e, 0);
        json_free(e);
        ok = fprintf(f, "%s\n%s", i ? "," : "", text) > 0;
        free(text);
    }
    return ok && fputs("\n]}\n", f) != EOF;
}

enum drh_status tree_manifest_save(const struct tree *t, const char *root, const char *path,
                                   struct drh_err *err)
{
    enum drh_status st = DRH_OK;
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "we");
    if (!f) {
        st = drh_err_set(err, DRH_E_IO, "cannot write manifest '%s': %s", tmp, strerror(errno));
        goto done;
    }
    bool ok = s_write(f, t, root);
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        st = drh_err_set(err, DRH_E_IO, "cannot write manifest '%s': %s", path, strerror(errno));
        unlink(tmp);
    }
done:
    free(tmp);
    return st;
}

static void s_list(struct buf *b, size_t *listed, size_t max_list, const char *path,
                   const char *note)
{
    if ((*listed)++ >= max_list)
        return;
    buf_puts(b, *listed > 1 ? ", " : "");
    buf_puts(b, path);
    if (note)
        buf_puts(b, note);
}

static void s_part(struct buf *msg, const char *what, size_t n, size_t max_list,
                   const struct buf *items)
{
    if (n == 0)
        return;
    if (msg->len)
        buf_puts(msg, "; ");
    buf_printf(msg, "%s %zu: %s%s", what, n, buf_str(items), n > max_list ? ", ..." : "");
}

void tree_compare(const struct tree *want, const struct tree *have, size_t max_list,
                  size_t *missing, size_t *changed, size_t *extra, struct buf *msg)
{
    struct buf m, c, x;
    buf_init(&m);
    buf_init(&c);
    buf_init(&x);
    size_t nm = 0, nc = 0, nx = 0;
    size_t i = 0, j = 0;
    while (i < want->n_files || j < have->n_files) {
        int cmp = i == want->n_files   ? 1
                  : j == have->n_files ? -1
                                       : strcmp(want->files[i].path, have->files[j].path);
        if (cmp < 0) {
            s_list(&m, &nm, max_list, want->files[i++].path, NULL);
        } else if (cmp > 0) {
            s_list(&x, &nx, max_list, have->files[j++].path, NULL);
        } else {
            const struct tree_file *a = &want->files[i++], *b = &have->files[j++];
            if (a->size != b->size) {
                char note[80];
                snprintf(note, sizeof note, " (size %lld -> %lld)", a->size, b->size);
                s_list(&c, &nc, max_list, a->path, note);
            } else if (strcmp(a->sha256, b->sha256) != 0) {
                s_list(&c, &nc, max_list, a->path, " (sha256 differs)");
            }
        }
    }
    s_part(msg, "missing", nm, max_list, &m);
    s_part(msg, "changed", nc, max_list, &c);
    s_part(msg, "extra", nx, max_list, &x);
    *missing = nm;
    *changed = nc;
    *extra = nx;
    buf_clean_up(&m);
    buf_clean_up(&c);
    buf_clean_up(&x);
}
