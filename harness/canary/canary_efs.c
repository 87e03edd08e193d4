/*
 * The EFS canary file (canary.h): its first line stays the newest canary's
 * ISO 8601 UTC time, so the first-line readers of older drh versions still
 * date it, and the chain follows, newest first, one line a canary. The
 * writer replaces the file atomically (temporary file in the same folder,
 * fsync, rename, fsync of the folder), so a restore of any moment holds a
 * whole file: never a torn one.
 */
#include "canary/canary.h"

#include "buf.h"
#include "mem.h"
#include "reports/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A canary file larger than this is not one drh wrote. */
#define S_MAX_FILE (64L * 1024 * 1024)

bool canary_efs_line(const struct canary *c, char *out, size_t size)
{
    int n = snprintf(out, size, "%s seq=%lld us=%lld prev=%s hash=%s", CANARY_MAGIC, c->seq,
                     c->written_us, c->prev_hash, c->hash);
    return n > 0 && (size_t)n < size;
}

/* "key=" then the value up to a blank; the value copied into out. */
static bool s_field(const char **p, const char *end, const char *key, char *out, size_t size)
{
    size_t k = strlen(key);
    if ((size_t)(end - *p) < k || memcmp(*p, key, k) != 0)
        return false;
    *p += k;
    size_t n = 0;
    while (*p < end && **p != ' ') {
        if (n + 1 >= size)
            return false;
        out[n++] = *(*p)++;
    }
    out[n] = '\0';
    if (*p < end)
        (*p)++;
    return n > 0;
}

bool canary_efs_parse_line(const char *line, size_t len, struct canary *out)
{
    const char *p = line, *end = line + len;
    while (end > p && (end[-1] == '\r' || end[-1] == ' '))
        end--;
    char seq[24], us[24];
    struct canary c = {0};
    size_t m = strlen(CANARY_MAGIC);
    if (len <= m || memcmp(p, CANARY_MAGIC, m) != 0 || p[m] != ' ')
        return false;
    p += m + 1;
    if (!s_field(&p, end, "seq=", seq, sizeof seq) || !s_field(&p, end, "us=", us, sizeof us) ||
        !s_field(&p, end, "prev=", c.prev_hash, sizeof c.prev_hash) ||
        !s_field(&p, end, "hash=", c.hash, sizeof c.hash) || p != end ||
        !canary_parse_ll(seq, &c.seq) || !canary_parse_ll(us, &c.written_us))
        return false;
    *out = c;
    return true;
}

void canary_efs_verify_text(const char *text, size_t len, struct canary_verify *v, size_t *lines)
{
    struct canary *all = NULL;
    size_t n = 0, cap = 0;
    const char *p = memchr(text, '\n', len), *end = text + len;
    p = p ? p + 1 : end; /* the first line is the time */
    while (p < end && !v->broken) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        struct canary c;
        if (canary_efs_parse_line(p, l, &c)) {
            if (n && c.seq >= all[n - 1].seq)
                canary_verify_break(v, c.seq, "seq %lld is listed after seq %lld (reordered)",
                                    c.seq, all[n - 1].seq);
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                all = xrealloc(all, cap * sizeof *all);
            }
            all[n++] = c;
        } else if (l >= strlen(CANARY_MAGIC) &&
                   memcmp(p, CANARY_MAGIC, strlen(CANARY_MAGIC)) == 0) {
            canary_verify_break(v, n ? all[n - 1].seq - 1 : 0,
                                "a chain line is malformed (altered): '%.60s'", p);
        }
        p += l + (nl ? 1 : 0);
    }
    *lines = n;
    for (size_t i = n; i > 0 && !v->broken; i--)
        canary_verify_add(v, &all[i - 1]);
    free(all);
}

/* The whole file into b; DRH_E_NOTFOUND when it does not exist. */
static enum drh_status s_read(const char *path, struct buf *b, struct drh_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return drh_err_set(err, errno == ENOENT ? DRH_E_NOTFOUND : DRH_E_IO,
                           "cannot read canary file '%s': %s", path, strerror(errno));
    char chunk[8192];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof chunk)) > 0 && b->len < (size_t)S_MAX_FILE)
        buf_append(b, chunk, (size_t)r);
    int e = errno;
    close(fd);
    if (r < 0)
        return drh_err_set(err, DRH_E_IO, "cannot read canary file '%s': %s", path, strerror(e));
    if (b->len >= (size_t)S_MAX_FILE)
        return drh_err_set(err, DRH_E_IO, "canary file '%s' is larger than %ld bytes: not drh's",
                           path, S_MAX_FILE);
    return DRH_OK;
}

enum drh_status canary_efs_write(const char *dir, const char *file, const char *drill,
                                 const char *resource, long keep, long long now_us,
                                 struct canary *out, struct drh_err *err)
{
    struct stat st;
    int bad = stat(dir, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (bad) {
        drh_err_set(err, DRH_E_IO, "canary mount '%s' of %s is not usable: %s", dir, resource,
                    strerror(bad));
        drh_err_hint(err, "mount production's file system at canary.mount on this host "
                          "(or fix the path in the drill)");
        return DRH_E_IO;
    }
    char *path = xasprintf("%s/%s", dir, file);
    struct buf old, text;
    buf_init(&old);
    buf_init(&text);
    enum drh_status s = s_read(path, &old, err);
    if (s != DRH_OK && s != DRH_E_NOTFOUND)
        goto done;
    drh_err_clear(err);
    /* the chain lines kept: the newest keep - 1 of the old file */
    struct canary prev, c;
    bool have = false;
    size_t kept = 0;
    const char *p = old.len ? memchr(old.data, '\n', old.len) : NULL;
    const char *end = old.data ? old.data + old.len : NULL;
    struct buf lines;
    buf_init(&lines);
    for (p = p ? p + 1 : end; p && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (canary_efs_parse_line(p, l, &c)) {
            if (!have) {
                prev = c;
                have = true;
            }
            if (keep <= 0 || (long)kept < keep - 1) {
                buf_append(&lines, p, l);
                buf_putc(&lines, '\n');
                kept++;
            }
        }
        p += l + (nl ? 1 : 0);
    }
    canary_next(drill, resource, have ? &prev : NULL, now_us, out);
    char when[CANARY_TIME_LEN], line[256];
    canary_format_time(out->written_us, 'T', when);
    canary_efs_line(out, line, sizeof line);
    buf_printf(&text, "%s\n%s\n", when, line);
    buf_append(&text, lines.data ? lines.data : "", lines.len);
    buf_clean_up(&lines);
    s = report_write_file(path, text.data, text.len, err);
done:
    buf_clean_up(&old);
    buf_clean_up(&text);
    free(path);
    return s;
}
