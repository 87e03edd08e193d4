/*
 * The local run history (history.h): one JSON file a run at
 * state_dir/history/<drill>/<started YYYYMMDDTHHMMSSZ>-<run-id>.json,
 * written with report_write_file() (temporary file, fsync, rename), so a
 * reader sees a whole record or none. Names sort by start time, so a
 * listing with a limit reads only the newest files. A claim is an flock()
 * on <drill>/.lock, which the kernel drops when the process dies; the
 * holder writes who it is into that file once it has the lock.
 */
#include "history/history_impl.h"
#include "fs.h"
#include "log.h"
#include "mem.h"
#include "reports/report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAMP_LEN 16 /* "20261122T010003Z" */
#define MAX_FILE_BYTES (4 * 1024 * 1024)

struct local_store {
    struct history_store base;
    char *dir; /* state_dir/history */
};

struct local_claim {
    struct history_claim base;
    int fd;
};

/* A file name of a record: STAMP-RUNID.json; *run_id (not NUL-terminated)
 * and its length when so. Temporary files (".json.tmp-XXXXXX") and dot
 * files are not. */
static bool s_record_name(const char *name, const char **run_id, size_t *len)
{
    size_t n = strlen(name);
    if (n <= STAMP_LEN + 1 + 5 || strcmp(name + n - 5, ".json") != 0 || name[STAMP_LEN] != '-')
        return false;
    for (int i = 0; i < STAMP_LEN; i++) {
        bool digit = name[i] >= '0' && name[i] <= '9';
        if (i == 8 ? name[i] != 'T' : i == 15 ? name[i] != 'Z' : !digit)
            return false;
    }
    *run_id = name + STAMP_LEN + 1;
    *len = n - STAMP_LEN - 1 - 5;
    return true;
}

/* Every record file under dir/<drill> (drill NULL: every drill folder), as
 * full paths, unsorted. A folder that does not exist holds none; one that
 * cannot be read is an error. */
static enum drh_status s_collect(const char *dir, const char *drill, char ***paths, size_t *n,
                                 struct drh_err *err)
{
    size_t cap = 0;
    DIR *top = drill ? NULL : opendir(dir);
    struct dirent *sub = NULL;
    if (!drill && !top && errno != ENOENT)
        goto unreadable;
    do {
        const char *name = drill;
        if (top) {
            if (!(sub = readdir(top)))
                break;
            name = sub->d_name;
            if (!history_drill_name_ok(name))
                continue;
        }
        char *folder = xasprintf("%s/%s", dir, name);
        DIR *d = opendir(folder);
        if (!d && errno != ENOENT && errno != ENOTDIR) {
            drh_err_set(err, DRH_E_IO, "cannot read the history folder '%s': %s", folder,
                        strerror(errno));
            free(folder);
            if (top)
                closedir(top);
            return drh_err_hint(err, "check that drh may read the state directory "
                                     "(DRH_STATE_DIR)");
        }
        for (struct dirent *e; d && (e = readdir(d));) {
            const char *run_id;
            size_t len;
            if (!s_record_name(e->d_name, &run_id, &len))
                continue;
            if (*n == cap)
                *paths = xrealloc(*paths, (cap = cap ? 2 * cap : 32) * sizeof **paths);
            (*paths)[(*n)++] = xasprintf("%s/%s", folder, e->d_name);
        }
        if (d)
            closedir(d);
        free(folder);
    } while (top);
    if (top)
        closedir(top);
    return DRH_OK;
unreadable:
    drh_err_set(err, DRH_E_IO, "cannot read the history folder '%s': %s", dir, strerror(errno));
    return drh_err_hint(err, "check that drh may read the state directory (DRH_STATE_DIR)");
}

static const char *s_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int s_name_newest_first(const void *a, const void *b)
{
    return strcmp(s_base(*(char *const *)b), s_base(*(char *const *)a));
}

/* Reads and parses one record file; a failure is logged and skipped. */
static bool s_read_record(const char *path, struct history_record *out)
{
    struct drh_err err;
    drh_err_clear(&err);
    FILE *f = fopen(path, "rb");
    char *text = xmalloc(MAX_FILE_BYTES + 1);
    size_t len = f ? fread(text, 1, MAX_FILE_BYTES + 1, f) : 0;
    bool ok = false;
    if (!f)
        drh_err_set(&err, DRH_E_IO, "%s", strerror(errno));
    else if (ferror(f) || len > MAX_FILE_BYTES)
        drh_err_set(&err, DRH_E_IO, "unreadable or larger than %d bytes", MAX_FILE_BYTES);
    if (f)
        fclose(f);
    struct json *j = NULL;
    if (!err.code && json_parse(text, len, &j, &err) == DRH_OK &&
        history_record_from_json(j, out, &err) == DRH_OK)
        ok = true;
    json_free(j);
    free(text);
    if (!ok)
        log_warn("history: skipping '%s': %s", path, err.msg);
    return ok;
}

static int s_by_run_id(const void *a, const void *b)
{
    const struct history_record *x = a, *y = b;
    int c = strcmp(x->run_id, y->run_id);
    return c ? c : (x->started < y->started) - (x->started > y->started);
}

/* Two files of one run id (a replace seen half-way, or a copied file): the
 * one that started last stays. */
static void s_drop_duplicates(struct history_record *v, size_t *n)
{
    if (*n < 2)
        return;
    qsort(v, *n, sizeof *v, s_by_run_id);
    size_t k = 1;
    for (size_t i = 1; i < *n; i++) {
        if (strcmp(v[i].run_id, v[k - 1].run_id) == 0)
            history_record_clean_up(&v[i]);
        else
            v[k++] = v[i];
    }
    *n = k;
}

static enum drh_status s_list(struct history_store *h, const char *drill, size_t limit,
                              struct history_record **out, size_t *n, struct drh_err *err)
{
    struct local_store *s = (struct local_store *)h;
    char **paths = NULL;
    size_t n_paths = 0, kept = 0;
    if (s_collect(s->dir, drill, &paths, &n_paths, err) != DRH_OK) {
        for (size_t i = 0; i < n_paths; i++)
            free(paths[i]);
        free(paths);
        return err->code;
    }
    if (n_paths > 1)
        qsort(paths, n_paths, sizeof *paths, s_name_newest_first);
    struct history_record *v = xcalloc(n_paths ? n_paths : 1, sizeof *v);
    const char *last_stamp = NULL;
    for (size_t i = 0; i < n_paths; i++) {
        const char *name = s_base(paths[i]);
        /* Names sort by the second a run started: past the limit, only runs
         * of the same second can still be newer by a fraction. */
        if (limit && kept >= limit && strncmp(name, last_stamp, STAMP_LEN) != 0)
            break;
        if (!s_read_record(paths[i], &v[kept]))
            continue;
        size_t folder_len = (size_t)(name - 1 - paths[i]);
        const char *folder = paths[i] + folder_len;
        while (folder > paths[i] && folder[-1] != '/')
            folder--;
        if (strlen(v[kept].drill) != (size_t)(name - 1 - folder) ||
            strncmp(v[kept].drill, folder, strlen(v[kept].drill)) != 0) {
            log_warn("history: skipping '%s': it is a record of drill '%s'", paths[i],
                     v[kept].drill);
            history_record_clean_up(&v[kept]);
            continue;
        }
        last_stamp = name;
        kept++;
    }
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    s_drop_duplicates(v, &kept);
    history_sort_and_limit(v, &kept, limit);
    *out = v;
    *n = kept;
    return DRH_OK;
}

/* Removes files of run_id other than keep, in every drill folder. */
static void s_remove_others(const char *dir, const char *run_id, const char *keep)
{
    char **paths = NULL;
    size_t n = 0;
    struct drh_err ignored; /* what cannot be read cannot be listed either */
    s_collect(dir, NULL, &paths, &n, &ignored);
    size_t want = strlen(run_id);
    for (size_t i = 0; i < n; i++) {
        const char *id;
        size_t len;
        if (s_record_name(s_base(paths[i]), &id, &len) && len == want &&
            memcmp(id, run_id, len) == 0 && strcmp(paths[i], keep) != 0 && unlink(paths[i]) != 0)
            log_warn("history: cannot remove the replaced record '%s': %s", paths[i],
                     strerror(errno));
        free(paths[i]);
    }
    free(paths);
}

static enum drh_status s_append(struct history_store *h, const struct history_record *r,
                                struct drh_err *err)
{
    struct local_store *s = (struct local_store *)h;
    char stamp[40], *folder = xasprintf("%s/%s", s->dir, r->drill), *path = NULL, *text = NULL;
    enum drh_status st = fs_mkdirs(folder, 0755, "history folder", err);
    if (st != DRH_OK) {
        drh_err_hint(err, "check that drh may write to the state directory (DRH_STATE_DIR)");
        goto done;
    }
    time_t secs = (time_t)r->started;
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    path = xasprintf("%s/%s-%s.json", folder, stamp, r->run_id);
    struct json *j = history_record_to_json(r);
    text = json_print(j, 1);
    json_free(j);
    /* Written before the old file of the run id goes, so there is never
     * a moment without the run. */
    st = report_write_file(path, text, strlen(text), err);
    if (st == DRH_OK)
        s_remove_others(s->dir, r->run_id, path);
done:
    free(text);
    free(path);
    free(folder);
    return st;
}

static void s_release(struct history_claim *c)
{
    struct local_claim *k = (struct local_claim *)c;
    /* Emptied first, so nobody reads a holder that has gone. */
    if (ftruncate(k->fd, 0) != 0)
        log_debug("history: cannot empty the lock file: %s", strerror(errno));
    close(k->fd);
    free(k);
}

static void s_read_holder(int fd, char *holder, size_t size)
{
    if (!holder || !size)
        return;
    /* The holder writes its line just after taking the lock: wait a little
     * for it rather than say "unknown". */
    for (int tries = 0; tries < 20; tries++) {
        ssize_t got = pread(fd, holder, size - 1, 0);
        holder[got > 0 ? got : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        if (holder[0])
            return;
        usleep(10 * 1000);
    }
}

static enum drh_status s_claim(struct history_store *h, const char *drill, const char *run_id,
                               struct history_claim **out, bool *claimed, char *holder,
                               size_t holder_size, struct drh_err *err)
{
    struct local_store *s = (struct local_store *)h;
    char *folder = xasprintf("%s/%s", s->dir, drill), *path = xasprintf("%s/.lock", folder);
    enum drh_status st = fs_mkdirs(folder, 0755, "history folder", err);
    int fd = st == DRH_OK ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
    if (st == DRH_OK && fd < 0)
        st = drh_err_set(err, DRH_E_IO, "cannot open the drill lock '%s': %s", path,
                         strerror(errno));
    if (st == DRH_OK && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            s_read_holder(fd, holder, holder_size);
        } else {
            st = drh_err_set(err, DRH_E_IO, "cannot lock '%s': %s", path, strerror(errno));
        }
        close(fd);
        fd = -1;
    }
    if (st != DRH_OK) {
        drh_err_hint(err, "check that drh may write to the state directory (DRH_STATE_DIR)");
        if (fd >= 0)
            close(fd);
    } else if (fd >= 0) {
        char host[256], since[40], *line;
        history_hostname(host, sizeof host);
        history_format_time((double)time(NULL), false, since);
        line = xasprintf("run %s on host %s (pid %ld) since %s\n", run_id, host, (long)getpid(),
                         since);
        if (ftruncate(fd, 0) != 0 || pwrite(fd, line, strlen(line), 0) < 0)
            log_warn("history: cannot write the holder into '%s': %s", path, strerror(errno));
        free(line);
        struct local_claim *k = xcalloc(1, sizeof *k);
        k->base.release = s_release;
        k->fd = fd;
        *out = &k->base;
        *claimed = true;
    }
    free(path);
    free(folder);
    return st;
}

static void s_close(struct history_store *h)
{
    struct local_store *s = (struct local_store *)h;
    free(s->dir);
    free(s->base.label);
    free(s);
}

static const struct history_ops s_ops = {s_close, s_append, s_list, s_claim};

enum drh_status history_local_open(const char *state_dir, struct history_store **out,
                                   struct drh_err *err)
{
    struct local_store *s = xcalloc(1, sizeof *s);
    s->base.ops = &s_ops;
    s->dir = xasprintf("%s/history", state_dir);
    s->base.label = xasprintf("local %s", s->dir);
    *out = &s->base;
    (void)err;
    return DRH_OK;
}
