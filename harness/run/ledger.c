/*
 * The run ledger (ledger.h): an append-only JSON-lines file, fsync'd after
 * every line, replayed into entries when teardown opens it. A mutex guards
 * it because a run's resources are worked on by several threads.
 */
#include "run/ledger.h"
#include "aws/creds.h"
#include "fs.h"
#include "mem.h"
#include "reports/report.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LEDGER_FILE "ledger.jsonl"
#define LEDGER_MAX_BYTES (16 * 1024 * 1024)

struct ledger {
    pthread_mutex_t lock;
    int fd;
    char *dir;
    char *run_id;
    char *drill;
    struct drill_side sides[2]; /* source, target */
    double expires;             /* epoch seconds; 0: not recorded */
    long teardown_timeout;      /* seconds */
    char *ended;                /* the last "ended" line's how; NULL: none */
    bool kept;                  /* ... and whether it kept what is left on purpose */
    struct ledger_entry *v;
    size_t n, cap;
};

static const char *const s_kind_names[LEDGER_KIND_COUNT] = {
    "ec2-instance",     "ec2-image",          "ec2-snapshot",         "efs-mount-target",
    "efs-file-system",  "efs-restore-dir",    "s3-object",            "s3-bucket",
    "rds-instance",     "rds-cluster",        "rds-snapshot",         "rds-cluster-snapshot",
    "recovery-point",   "rds-subnet-group",   "ec2-security-group",   "ec2-subnet",
    "ec2-vpc",
};

const char *ledger_kind_name(enum ledger_kind k)
{
    return (unsigned)k < LEDGER_KIND_COUNT ? s_kind_names[k] : "unknown";
}

static int s_kind_from_name(const char *name)
{
    for (int k = 0; k < LEDGER_KIND_COUNT; k++)
        if (name && strcmp(name, s_kind_names[k]) == 0)
            return k;
    return -1;
}

char *ledger_state_dir(void)
{
    const char *v = getenv("DRH_STATE_DIR");
    if (v && *v)
        return xstrdup(v);
    v = getenv("XDG_STATE_HOME");
    if (v && *v)
        return xasprintf("%s/drh", v);
    v = getenv("HOME");
    return xasprintf("%s/.local/state/drh", v && *v ? v : ".");
}

static void s_now(char out[64])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

static enum drh_status s_append(struct ledger *l, struct json *line, struct drh_err *err)
{
    char *text = json_print(line, 0);
    json_free(line);
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    size_t off = 0;
    enum drh_status st = DRH_OK;
    while (off < len) {
        ssize_t w = write(l->fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st = drh_err_set(err, DRH_E_IO, "cannot write ledger of run '%s' in '%s': %s",
                             l->run_id, l->dir, strerror(errno));
            break;
        }
        off += (size_t)w;
    }
    if (st == DRH_OK && fsync(l->fd) != 0)
        st = drh_err_set(err, DRH_E_IO, "cannot flush ledger of run '%s': %s", l->run_id,
                         strerror(errno));
    free(text);
    return st;
}

static struct json *s_side_json(const struct drill_side *s)
{
    struct json *o = json_new_object();
    json_add_string(o, "account", s->account);
    json_add_string(o, "region", s->region);
    if (s->profile)
        json_add_string(o, "profile", s->profile);
    if (s->role_arn)
        json_add_string(o, "role_arn", s->role_arn);
    if (s->external_id)
        json_add_string(o, "external_id", s->external_id);
    return o;
}

static char *s_dupz(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void s_side_read(struct drill_side *dst, const struct json *o)
{
    dst->account = s_dupz(json_get_string(o, "account"));
    dst->region = s_dupz(json_get_string(o, "region"));
    dst->profile = s_dupz(json_get_string(o, "profile"));
    dst->role_arn = s_dupz(json_get_string(o, "role_arn"));
    dst->external_id = s_dupz(json_get_string(o, "external_id"));
}

static struct ledger *s_new(const char *dir, const char *run_id)
{
    struct ledger *l = xcalloc(1, sizeof(*l));
    pthread_mutex_init(&l->lock, NULL);
    l->fd = -1;
    l->teardown_timeout = DRILL_DEFAULT_TEARDOWN_TIMEOUT;
    l->dir = xstrdup(dir);
    l->run_id = xstrdup(run_id);
    return l;
}

enum drh_status ledger_create(const char *state_dir, const char *run_id, const struct drill *d,
                              struct ledger **out, struct drh_err *err)
{
    /* The run id names a folder, as it names the evidence file. */
    if (report_check_run_id(run_id, err) != DRH_OK)
        return err->code;
    char *dir = xasprintf("%s/runs/%s", state_dir, run_id);
    /* 0700: the ledger says what a run made in which account */
    enum drh_status st = fs_mkdirs(dir, 0700, "state folder", err);
    if (st != DRH_OK)
        drh_err_hint(err, "set DRH_STATE_DIR or --state-dir to a writable folder");
    if (st != DRH_OK) {
        free(dir);
        return st;
    }
    char *path = xasprintf("%s/" LEDGER_FILE, dir);
    struct ledger *l = s_new(dir, run_id);
    free(dir);
    l->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (l->fd < 0) {
        st = drh_err_set(err, DRH_E_IO, "cannot create ledger '%s': %s", path, strerror(errno));
        if (errno == EEXIST)
            drh_err_hint(err, "run id '%s' was used before: give another --run-id", run_id);
        free(path);
        ledger_close(l);
        return st;
    }
    free(path);
    l->drill = xstrdup(d->name);
    struct json *line = json_new_object();
    char now[64];
    s_now(now);
    json_add_string(line, "op", "run");
    json_add_string(line, "run_id", run_id);
    json_add_string(line, "drill", d->name);
    json_add_string(line, "file", d->path);
    json_add_string(line, "started", now);
    /* After this, drh sweep may delete what the run left (the tag drh:expires too). */
    long drill_to = d->timeouts.drill > 0 ? d->timeouts.drill
                    : d->rto > 0           ? d->rto
                                           : DRILL_DEFAULT_RTO;
    l->teardown_timeout =
        d->timeouts.teardown > 0 ? d->timeouts.teardown : DRILL_DEFAULT_TEARDOWN_TIMEOUT;
    l->expires = (double)time(NULL) + (double)drill_to + (double)l->teardown_timeout;
    char exp[64];
    report_format_utc_ms(l->expires, exp);
    json_add_string(line, "expires", exp);
    json_add_number(line, "teardown_timeout", (double)l->teardown_timeout);
    struct json *src = s_side_json(&d->source), *tgt = s_side_json(&d->target);
    json_add_child(line, "source", src);
    json_add_child(line, "target", tgt);
    /* Keep the sides for this process too, as teardown reads them. */
    struct json *copy = s_side_json(&d->source);
    s_side_read(&l->sides[0], copy);
    json_free(copy);
    copy = s_side_json(&d->target);
    s_side_read(&l->sides[1], copy);
    json_free(copy);
    if ((st = s_append(l, line, err)) != DRH_OK) {
        ledger_close(l);
        return st;
    }
    *out = l;
    return DRH_OK;
}

static struct ledger_entry *s_find(struct ledger *l, enum ledger_kind kind, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].kind == kind && strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    return NULL;
}

static struct ledger_entry *s_add(struct ledger *l, enum ledger_kind kind, const char *id)
{
    struct ledger_entry *e = s_find(l, kind, id);
    if (e)
        return e;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    e = &l->v[l->n++];
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->id = xstrdup(id);
    return e;
}

static void s_set(char **field, const char *value)
{
    if (!value)
        return;
    free(*field);
    *field = xstrdup(value);
}

/* Applies one line to the entries; the same code serves writing and replay. */
static void s_apply(struct ledger *l, const struct json *line)
{
    const char *op = json_get_string(line, "op");
    int kind = s_kind_from_name(json_get_string(line, "kind"));
    const char *id = json_get_string(line, "id");
    if (!op || kind < 0 || !id)
        return;
    if (strcmp(op, "resolved") == 0) {
        struct ledger_entry *e = s_find(l, (enum ledger_kind)kind, id);
        const char *new_id = json_get_string(line, "new_id");
        if (e && new_id)
            s_set(&e->id, new_id);
        return;
    }
    struct ledger_entry *e = s_add(l, (enum ledger_kind)kind, id);
    s_set(&e->side, json_get_string(line, "side"));
    s_set(&e->region, json_get_string(line, "region"));
    s_set(&e->arn, json_get_string(line, "arn"));
    s_set(&e->vault, json_get_string(line, "vault"));
    s_set(&e->job, json_get_string(line, "job"));
    s_set(&e->resource, json_get_string(line, "resource"));
    s_set(&e->detail, json_get_string(line, "detail"));
    if (strcmp(op, "created") == 0)
        e->created = true;
    else if (strcmp(op, "gone") == 0)
        e->gone = true;
}

static enum drh_status s_write(struct ledger *l, const char *op, enum ledger_kind kind,
                               const char *id, struct json *line, struct drh_err *err)
{
    char now[64];
    s_now(now);
    json_add_string(line, "op", op);
    json_add_string(line, "kind", ledger_kind_name(kind));
    json_add_string(line, "id", id);
    json_add_string(line, "at", now);
    pthread_mutex_lock(&l->lock);
    s_apply(l, line);
    enum drh_status st = s_append(l, line, err);
    pthread_mutex_unlock(&l->lock);
    return st;
}

static void s_addz(struct json *o, const char *key, const char *value)
{
    if (value)
        json_add_string(o, key, value);
}

enum drh_status ledger_intent(struct ledger *l, enum ledger_kind kind, const char *side,
                              const char *region, const char *id, const char *vault,
                              const char *job, const char *resource, struct drh_err *err)
{
    struct json *line = json_new_object();
    s_addz(line, "side", side);
    s_addz(line, "region", region);
    s_addz(line, "vault", vault);
    s_addz(line, "job", job);
    s_addz(line, "resource", resource);
    return s_write(l, "intent", kind, id, line, err);
}

enum drh_status ledger_created(struct ledger *l, enum ledger_kind kind, const char *id,
                               const char *arn, const char *job, struct drh_err *err)
{
    struct json *line = json_new_object();
    s_addz(line, "arn", arn);
    s_addz(line, "job", job);
    return s_write(l, "created", kind, id, line, err);
}

enum drh_status ledger_detail(struct ledger *l, enum ledger_kind kind, const char *id,
                              const char *detail, struct drh_err *err)
{
    struct json *line = json_new_object();
    json_add_string(line, "detail", detail);
    return s_write(l, "detail", kind, id, line, err);
}

enum drh_status ledger_resolved(struct ledger *l, enum ledger_kind kind, const char *old_id,
                                const char *new_id, struct drh_err *err)
{
    struct json *line = json_new_object();
    json_add_string(line, "new_id", new_id);
    return s_write(l, "resolved", kind, old_id, line, err);
}

enum drh_status ledger_gone(struct ledger *l, enum ledger_kind kind, const char *id,
                            struct drh_err *err)
{
    return s_write(l, "gone", kind, id, json_new_object(), err);
}

enum drh_status ledger_open(const char *state_dir, const char *run_id, struct ledger **out,
                            struct drh_err *err)
{
    /* The run id names a folder, as it names the evidence file. */
    if (report_check_run_id(run_id, err) != DRH_OK)
        return err->code;
    char *dir = xasprintf("%s/runs/%s", state_dir, run_id);
    char *path = xasprintf("%s/" LEDGER_FILE, dir);
    struct ledger *l = s_new(dir, run_id);
    free(dir);
    enum drh_status st = DRH_OK;
    FILE *f = NULL;
    l->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (l->fd < 0 || !(f = fopen(path, "re"))) {
        st = drh_err_set(err, errno == ENOENT ? DRH_E_NOTFOUND : DRH_E_IO,
                         "cannot open ledger of run '%s' ('%s'): %s", run_id, path,
                         strerror(errno));
        drh_err_hint(err, "runs are kept under %s/runs (DRH_STATE_DIR)", state_dir);
        goto done;
    }
    char *text = NULL;
    size_t cap = 0, total = 0;
    ssize_t got;
    int lineno = 0;
    while ((got = getline(&text, &cap, f)) > 0) {
        lineno++;
        total += (size_t)got;
        if (total > LEDGER_MAX_BYTES) {
            st = drh_err_set(err, DRH_E_INPUT, "ledger '%s' is over %d bytes", path,
                             LEDGER_MAX_BYTES);
            break;
        }
        struct json *line = NULL;
        struct drh_err perr;
        if (got == 1 || json_parse(text, (size_t)got, &line, &perr) != DRH_OK) {
            /* A crash can cut the last line short; anything earlier is damage. */
            if (got > 1 && !feof(f) && fgetc(f) != EOF) {
                st = drh_err_set(err, DRH_E_INPUT, "%s:%d: damaged ledger line: %s", path,
                                 lineno, perr.msg);
                break;
            }
            continue;
        }
        const char *op = json_get_string(line, "op");
        if (op && strcmp(op, "run") == 0) {
            s_set(&l->drill, json_get_string(line, "drill"));
            const char *exp = json_get_string(line, "expires");
            l->expires = exp ? aws_parse_time_frac(exp) : 0;
            double tt = 0;
            json_number(json_get(line, "teardown_timeout"), &tt);
            l->teardown_timeout = tt > 0 ? (long)tt : DRILL_DEFAULT_TEARDOWN_TIMEOUT;
            drill_side_clean_up(&l->sides[0]);
            drill_side_clean_up(&l->sides[1]);
            s_side_read(&l->sides[0], json_get(line, "source"));
            s_side_read(&l->sides[1], json_get(line, "target"));
        } else if (op && strcmp(op, "ended") == 0) {
            s_set(&l->ended, json_get_string(line, "how"));
            l->kept = false;
            json_bool(json_get(line, "kept"), &l->kept);
        } else {
            s_apply(l, line);
        }
        json_free(line);
    }
    free(text);
    if (st == DRH_OK && !l->drill)
        st = drh_err_set(err, DRH_E_INPUT, "ledger '%s' has no run line", path);
done:
    if (f)
        fclose(f);
    free(path);
    if (st != DRH_OK) {
        ledger_close(l);
        return st;
    }
    *out = l;
    return DRH_OK;
}

void ledger_close(struct ledger *l)
{
    if (!l)
        return;
    if (l->fd >= 0)
        close(l->fd);
    for (size_t i = 0; i < l->n; i++) {
        struct ledger_entry *e = &l->v[i];
        free(e->side);
        free(e->region);
        free(e->id);
        free(e->arn);
        free(e->vault);
        free(e->job);
        free(e->resource);
        free(e->detail);
    }
    free(l->v);
    drill_side_clean_up(&l->sides[0]);
    drill_side_clean_up(&l->sides[1]);
    free(l->ended);
    free(l->dir);
    free(l->run_id);
    free(l->drill);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

const char *ledger_run_id(const struct ledger *l)
{
    return l->run_id;
}

const char *ledger_drill_name(const struct ledger *l)
{
    return l->drill;
}

const char *ledger_dir(const struct ledger *l)
{
    return l->dir;
}

const struct drill_side *ledger_side(const struct ledger *l, bool target)
{
    return &l->sides[target ? 1 : 0];
}

size_t ledger_count(const struct ledger *l)
{
    return l->n;
}

const struct ledger_entry *ledger_at(const struct ledger *l, size_t i)
{
    return i < l->n ? &l->v[i] : NULL;
}

size_t ledger_pending(const struct ledger *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += !l->v[i].gone;
    return n;
}

enum drh_status ledger_end(struct ledger *l, const char *how, bool kept, struct drh_err *err)
{
    char now[64];
    s_now(now);
    struct json *line = json_new_object();
    json_add_string(line, "op", "ended");
    json_add_string(line, "how", how);
    json_add_number(line, "left", (double)ledger_pending(l));
    if (kept)
        json_add_bool(line, "kept", true);
    json_add_string(line, "at", now);
    pthread_mutex_lock(&l->lock);
    s_set(&l->ended, how);
    l->kept = kept;
    enum drh_status st = s_append(l, line, err);
    pthread_mutex_unlock(&l->lock);
    return st;
}

const char *ledger_ended(const struct ledger *l)
{
    return l->ended;
}

bool ledger_kept(const struct ledger *l)
{
    return l->kept;
}

double ledger_expires(const struct ledger *l)
{
    return l->expires;
}

long ledger_teardown_timeout(const struct ledger *l)
{
    return l->teardown_timeout;
}
