/*
 * The files manifest of a tree (tree.h): writing it from a hashed walk,
 * reading it back with every entry checked (a manifest is user input), and
 * comparing it with a restored tree: missing, changed and extra files.
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

#define S_FORMAT "drh-files-manifest-1"
/* A manifest is read whole; this bounds what a hostile file can make drh allocate. */
#define S_MAX_BYTES (512L * 1024 * 1024)

static void s_rfc3339(double epoch, char *out, size_t size)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%.0f", epoch);
}

enum drh_status tree_manifest_save(const struct tree *t, const char *root, const char *path,
                                   struct drh_err *err)
{
    char created[40];
    s_rfc3339((double)time(NULL), created, sizeof created);
    struct json *doc = json_new_object();
    json_add_string(doc, "format", S_FORMAT);
    json_add_string(doc, "created", created);
    json_add_string(doc, "root", root);
    json_add_number(doc, "files", (double)t->n_files);
    json_add_number(doc, "bytes", (double)t->bytes);
    json_add_number(doc, "newest_mtime", t->newest_mtime);
    struct json *list = json_new_array();
    for (size_t i = 0; i < t->n_files; i++) {
        const struct tree_file *f = &t->files[i];
        struct json *e = json_new_object();
        json_add_string(e, "path", f->path);
        json_add_number(e, "size", (double)f->size);
        json_add_string(e, "sha256", f->sha256);
        json_add_number(e, "mtime", f->mtime);
        json_push(list, e);
    }
    json_add_child(doc, "entries", list);
    char *text = json_print(doc, 1);
    json_free(doc);

    enum drh_status st = DRH_OK;
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "we");
    if (!f) {
        st = drh_err_set(err, DRH_E_IO, "cannot write manifest '%s': %s", tmp, strerror(errno));
        goto done;
    }
    size_t len = strlen(text);
    bool ok = fwrite(text, 1, len, f) == len && fputc('\n', f) != EOF;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        st = drh_err_set(err, DRH_E_IO, "cannot write manifest '%s': %s", path, strerror(errno));
        unlink(tmp);
    }
done:
    free(tmp);
    free(text);
    return st;
}

static bool s_hex64(const char *s)
{
    if (!s || strlen(s) != CRYPTO_SHA256_HEX_LEN)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static bool s_relative(const char *p)
{
    if (!p || !*p || p[0] == '/')
        return false;
    for (const char *s = p; *s;) {
        size_t len = strcspn(s, "/");
        if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
            return false;
        s += len;
        if (*s == '/')
            s++;
    }
    return p[strlen(p) - 1] != '/';
}

static char *s_read(const char *path, size_t *len, struct drh_err *err)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        drh_err_set(err, DRH_E_IO, "cannot read manifest '%s': %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 131072;
            text = xrealloc(text, cap);
        }
        size_t r = fread(text + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0 || n > (size_t)S_MAX_BYTES)
            break;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || n > (size_t)S_MAX_BYTES) {
        drh_err_set(err, bad ? DRH_E_IO : DRH_E_INPUT, "cannot read manifest '%s': %s", path,
                    bad ? "read error" : "larger than 512 MiB");
        free(text);
        return NULL;
    }
    text[n] = '\0';
    *len = n;
    return text;
}

enum drh_status tree_manifest_load(const char *path, struct tree *out, struct drh_err *err)
{
    size_t len = 0;
    char *text = s_read(path, &len, err);
    if (!text)
        return err->code;
    struct json *doc = NULL;
    struct tree t = {0};
    enum drh_status st = json_parse(text, len, &doc, err);
    free(text);
    if (st != DRH_OK) {
        drh_err_prefix(err, "manifest '%s'", path);
        err->code = DRH_E_INPUT;
        return DRH_E_INPUT;
    }
    const char *format = json_get_string(doc, "format");
    const struct json *list = json_get(doc, "entries");
    if (!format || strcmp(format, S_FORMAT) != 0 || !json_is_array(list)) {
        st = drh_err_set(err, DRH_E_INPUT, "'%s' is not a drh files manifest (format %s%s%s)", path,
                         format ? "'" : "", format ? format : "missing", format ? "'" : "");
        drh_err_hint(err, "make one with: drh manifest --tree DIR --out FILE");
        goto done;
    }
    t.files = xcalloc(json_array_size(list) + 1, sizeof *t.files);
    size_t i = 0;
    for (const struct json *e = json_first(list); e; e = json_next(e), i++) {
        const char *p = json_get_string(e, "path"), *sha = json_get_string(e, "sha256");
        long long size = -1;
        double mtime = 0;
        if (!s_relative(p) || !json_integer(json_get(e, "size"), &size) || size < 0 ||
            !s_hex64(sha) || (json_get(e, "mtime") && !json_number(json_get(e, "mtime"), &mtime))) {
            st = drh_err_set(err, DRH_E_INPUT,
                             "manifest '%s': entry %zu needs a relative path, a size >= 0, a "
                             "sha256 of 64 lowercase hex digits and a numeric mtime",
                             path, i + 1);
            goto done;
        }
        if (i > 0 && strcmp(t.files[i - 1].path, p) >= 0) {
            st = drh_err_set(err, DRH_E_INPUT,
                             "manifest '%s': entry %zu ('%s') is out of order or repeated", path,
                             i + 1, p);
            goto done;
        }
        struct tree_file *f = &t.files[t.n_files++];
        f->path = xstrdup(p);
        f->size = size;
        f->mtime = mtime;
        memcpy(f->sha256, sha, sizeof f->sha256);
        t.bytes += size;
        if (mtime > t.newest_mtime)
            t.newest_mtime = mtime;
    }
    *out = t;
    memset(&t, 0, sizeof t);
done:
    tree_clean_up(&t);
    json_free(doc);
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
