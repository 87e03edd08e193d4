/*
 * The probes of a restored file tree (probe_tree_run(), probe.h): manifest
 * (every file of a saved manifest present with its size and SHA-256;
 * missing, changed and extra files named), files (paths exist, at least
 * min_files regular files, the newest at most max_age old at T0) and canary
 * (a file whose first line, or else its modification time, gives the
 * data-level RPO; when it holds the chain `drh canary` writes, the chain is
 * verified and its newest canary dates it). docs/efs.md says how each
 * decides.
 */
#include "probes/probe_impl.h"
#include "probes/tree.h"

#include "aws/creds.h"
#include "canary/canary.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_DEFAULT_TIMEOUT 60
/* How many missing / changed / extra files a message names. */
#define S_MAX_LISTED 5

static void s_rfc3339(double epoch, char *out, size_t size)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%.0f", epoch);
}

struct tree_ctx {
    struct probe_ctx x;
    const char *root;
    double t0_wall;
};

static void s_manifest(struct tree_ctx *tc)
{
    struct probe_ctx *x = &tc->x;
    struct drh_err err;
    drh_err_clear(&err);
    struct tree want = {0}, have = {0};
    if (!x->p->manifest) {
        probe_set(x, PROBE_ERROR, "the manifest probe names no manifest file");
        return;
    }
    char *path = probe_manifest_path(x);
    if (tree_manifest_load(path, &want, &err) != DRH_OK) {
        probe_set_error(x, &err);
        goto done;
    }
    int left = probe_remaining(x);
    if (left <= 0 || tree_walk(tc->root, true, left, &have, &err) != DRH_OK) {
        if (left <= 0)
            probe_set_out_of_time(x, "manifest read");
        else
            probe_set_error(x, &err);
        goto done;
    }
    struct buf diff;
    buf_init(&diff);
    size_t missing = 0, changed = 0, extra = 0;
    tree_compare(&want, &have, S_MAX_LISTED, &missing, &changed, &extra, &diff);
    if (missing || changed)
        probe_set(x, PROBE_FAIL, "%zu of %zu manifest files not as recorded: %s", missing + changed,
                  want.n_files, buf_str(&diff));
    else
        probe_set(x, PROBE_PASS,
                  "all %zu manifest files present with their size and SHA-256 "
                  "(%lld bytes)%s%s",
                  want.n_files, want.bytes, extra ? "; not in the manifest: " : "",
                  extra ? buf_str(&diff) : "");
    buf_clean_up(&diff);
done:
    tree_clean_up(&want);
    tree_clean_up(&have);
    free(path);
}

static void s_files(struct tree_ctx *tc)
{
    struct probe_ctx *x = &tc->x;
    const struct drill_probe *p = x->p;
    struct drh_err err;
    drh_err_clear(&err);
    struct buf problems;
    buf_init(&problems);
    for (size_t i = 0; i < p->n_paths; i++) {
        struct stat st;
        enum drh_status s = tree_stat(tc->root, p->paths[i], &st, &err);
        if (s == DRH_E_NOTFOUND) {
            probe_sep(&problems);
            buf_printf(&problems, "%s is missing", p->paths[i]);
        } else if (s != DRH_OK) {
            probe_set_error(x, &err);
            buf_clean_up(&problems);
            return;
        } else if (S_ISLNK(st.st_mode)) {
            probe_sep(&problems);
            buf_printf(&problems, "%s is a symbolic link (not followed)", p->paths[i]);
        }
    }
    struct tree t = {0};
    int left = probe_remaining(x);
    if (left <= 0 || tree_walk(tc->root, false, left, &t, &err) != DRH_OK) {
        if (left <= 0)
            probe_set_out_of_time(x, "paths checked");
        else
            probe_set_error(x, &err);
        buf_clean_up(&problems);
        return;
    }
    long long min_files = p->min_files;
    if (min_files > 0 && (long long)t.n_files < min_files) {
        probe_sep(&problems);
        buf_printf(&problems, "%zu regular files, expected at least %lld", t.n_files, min_files);
    }
    char newest[40] = "none";
    if (t.n_files)
        s_rfc3339(t.newest_mtime, newest, sizeof newest);
    if (p->max_age > 0 && (!t.n_files || t.newest_mtime < tc->t0_wall - (double)p->max_age)) {
        probe_sep(&problems);
        buf_printf(&problems, "the newest file (%s) is older than %lds at T0", newest, p->max_age);
    }
    if (problems.len)
        probe_set(x, PROBE_FAIL, "%s (%zu files, %lld bytes, newest %s)", buf_str(&problems),
                  t.n_files, t.bytes, newest);
    else
        probe_set(x, PROBE_PASS, "%zu files, %zu folders, %lld bytes, newest %s; %zu paths present",
                  t.n_files, t.n_dirs, t.bytes, newest, p->n_paths);
    tree_clean_up(&t);
    buf_clean_up(&problems);
}

/* The canary's time: its first line as ISO 8601 UTC or epoch seconds, else
 * its modification time; *from says which. */
static double s_canary_time(const char *head, const struct stat *st, const char **from)
{
    char line[128];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(head, "\r\n"), head);
    char *s = line;
    while (*s == ' ' || *s == '\t')
        s++;
    for (char *e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t');)
        *--e = '\0';
    if (*s) {
        char *end = NULL;
        errno = 0;
        double v = strtod(s, &end);
        if (end && *end == '\0' && !errno && v > 0 && s[0] >= '0' && s[0] <= '9' &&
            !strchr(s, '-')) {
            *from = "its first line";
            return v;
        }
        time_t t = aws_parse_time(s);
        if (t >= 0) {
            *from = "its first line";
            return (double)t;
        }
    }
    *from = "its modification time";
    return (double)st->st_mtim.tv_sec + (double)st->st_mtim.tv_nsec / 1e9;
}

/* A canary file larger than this is not read as a chain. */
#define S_MAX_CANARY_FILE (64L * 1024 * 1024)

/* drh canary's chain lines after the first line of text, when the file has
 * them: verified (newest first in the file) and the newest's time in *t. 1:
 * a chain holds, 0: none there, -1: the verdict is set. */
static int s_canary_chain(struct tree_ctx *tc, const char *rel, const char *text, double first,
                          double *t, char *summary, size_t size)
{
    struct probe_ctx *x = &tc->x;
    struct canary_verify v;
    size_t lines = 0;
    canary_verify_init(&v, x->p->chain_drill, x->p->chain_resource);
    canary_efs_verify_text(text, strlen(text), &v, &lines);
    if (!lines && !v.broken)
        return 0;
    double newest = v.n ? (double)v.newest.written_us / 1e6 : 0;
    if (!v.broken && (first < newest - 1.0 || first > newest + 1.0))
        canary_verify_break(&v, v.newest.seq,
                            "the first line's time does not match seq %lld's (altered)",
                            v.newest.seq);
    if (v.broken) {
        probe_set(x, PROBE_FAIL, "%s (canary file %s)", v.error, rel);
        return -1;
    }
    *t = newest;
    canary_verify_summary(&v, summary, size);
    return 1;
}

static void s_canary(struct tree_ctx *tc)
{
    struct probe_ctx *x = &tc->x;
    const char *rel = x->p->canary_file ? x->p->canary_file : ".drh-canary";
    struct drh_err err;
    drh_err_clear(&err);
    struct stat st;
    char *text = NULL;
    enum drh_status s = tree_stat(tc->root, rel, &st, &err);
    if (s == DRH_OK) {
        /* the whole file, read once: its first line and drh canary's chain */
        size_t len = st.st_size < S_MAX_CANARY_FILE ? (size_t)st.st_size : S_MAX_CANARY_FILE;
        text = xmalloc(len + 1);
        s = tree_read_head(tc->root, rel, text, len + 1, &st, &err);
    }
    if (s == DRH_E_NOTFOUND) {
        probe_set(x, PROBE_FAIL, "canary file %s does not exist in the restored tree", rel);
        goto done;
    }
    if (s != DRH_OK) {
        probe_set_error(x, &err);
        goto done;
    }
    const char *from = NULL;
    double t = s_canary_time(text, &st, &from);
    char chain[320] = "";
    int c = s_canary_chain(tc, rel, text, t, &t, chain, sizeof chain);
    if (c < 0)
        goto done;
    if (c > 0)
        from = "its newest chain line";
    char when[40];
    s_rfc3339(t, when, sizeof when);
    x->out->canary_time = t;
    probe_set(x, PROBE_PASS, "canary %s written %s (from %s)%s%s", rel, when, from,
              chain[0] ? "; " : "", chain);
done:
    free(text);
}

void probe_tree_run(const char *root, const struct drill_probe *p, const char *base_dir,
                    double t0_wall, struct probe_result *out)
{
    memset(out, 0, sizeof *out);
    out->canary_time = -1;
    struct tree_ctx tc = {
        {NULL, p, base_dir, out, {0, 0}, p->timeout > 0 ? p->timeout : S_DEFAULT_TIMEOUT},
        root,
        t0_wall};
    clock_gettime(CLOCK_MONOTONIC, &tc.x.start);
    switch (p->kind) {
    case PROBE_MANIFEST:
        s_manifest(&tc);
        break;
    case PROBE_FILES:
        s_files(&tc);
        break;
    case PROBE_CANARY:
        s_canary(&tc);
        break;
    default:
        probe_set(&tc.x, PROBE_ERROR, "a %s probe cannot check a file tree",
                  probe_kind_name(p->kind));
        break;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    out->seconds =
        (double)(now.tv_sec - tc.x.start.tv_sec) + (double)(now.tv_nsec - tc.x.start.tv_nsec) / 1e9;
}
