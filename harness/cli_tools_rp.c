/*
 * What drh recovery-points shows (cli_tools.h): a vault's recovery points,
 * filtered by resource type and sorted newest first, as an aligned table
 * or as JSON, with human ages and sizes.
 */
#include "cli_tools.h"

#include "buf.h"
#include "drill/drill.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void cli_format_size(long long bytes, char *out, size_t size)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes <= 0) {
        snprintf(out, size, "-");
        return;
    }
    if (bytes < 1024) {
        snprintf(out, size, "%lld B", bytes);
        return;
    }
    double v = (double)bytes / 1024.0;
    size_t u = 0;
    while (v >= 1023.95 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        u++;
    }
    snprintf(out, size, "%.1f %s", v, units[u]);
}

void cli_format_age(double seconds, char *out, size_t size)
{
    long s = seconds > 0 ? (long)seconds : 0;
    /* the two largest units: 3h12m, not 3h12m5s */
    if (s >= 86400)
        s -= s % 3600;
    else if (s >= 3600)
        s -= s % 60;
    drill_format_duration(s, out, size);
}

/* RFC 3339 UTC to the second: "2024-05-01T03:12:00Z"; "-" for 0. */
static void s_utc(double t, char out[32])
{
    if (t <= 0) {
        snprintf(out, 32, "-");
        return;
    }
    time_t sec = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&sec, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "-");
}

static int s_newest_first(const void *a, const void *b)
{
    const struct backup_recovery_point *x = a, *y = b;
    if (x->created != y->created)
        return x->created < y->created ? 1 : -1;
    return strcmp(x->arn, y->arn);
}

enum drh_status cli_rp_list(struct aws_client *c, const char *vault, const char *type,
                            struct backup_recovery_point **out, size_t *n, struct drh_err *err)
{
    struct backup_recovery_point *v = NULL;
    size_t m = 0;
    enum drh_status st = backup_list_recovery_points_by_vault(c, vault, NULL, &v, &m, err);
    if (st == DRH_E_NOTFOUND) {
        char cause[DRH_ERR_MSG_MAX];
        snprintf(cause, sizeof cause, "%s", err->msg);
        const char *region = aws_client_region(c);
        drh_err_set(err, DRH_E_NOTFOUND, "backup vault '%s' not found in %s: %.700s", vault, region,
                    cause);
        drh_err_hint(err, "list vaults: aws backup list-backup-vaults --region %s", region);
    }
    if (st != DRH_OK)
        return st;
    /* the API's ByResourceType, applied here: backup.c filters by resource only */
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (!type || (v[i].resource_type && strcmp(v[i].resource_type, type) == 0))
            v[k++] = v[i];
        else
            backup_recovery_point_clean_up(&v[i]);
    }
    qsort(v, k, sizeof *v, s_newest_first);
    *out = v;
    *n = k;
    return DRH_OK;
}

enum { COL_CREATED, COL_AGE, COL_STATUS, COL_TYPE, COL_SIZE, COL_RESOURCE, COL_ARN, N_COLS };

static const char *const s_heads[N_COLS] = {"CREATED (UTC)", "AGE",      "STATUS",        "TYPE",
                                            "SIZE",          "RESOURCE", "RECOVERY POINT"};

/* The cells of one point; strings owned by cells[]. */
static void s_cells(const struct backup_recovery_point *rp, double now, char *cells[N_COLS])
{
    char text[64];
    s_utc(rp->created, text);
    cells[COL_CREATED] = xstrdup(text);
    cli_format_age(now - rp->created, text, sizeof text);
    cells[COL_AGE] = xstrdup(rp->created > 0 ? text : "-");
    cells[COL_STATUS] = xstrdup(rp->status ? rp->status : "-");
    cells[COL_TYPE] = xstrdup(rp->resource_type ? rp->resource_type : "-");
    cli_format_size(rp->size, text, sizeof text);
    cells[COL_SIZE] = xstrdup(text);
    cells[COL_RESOURCE] = xstrdup(rp->resource_arn ? rp->resource_arn : "-");
    cells[COL_ARN] = xstrdup(rp->arn);
}

static void s_row(struct buf *b, char *const cells[N_COLS], const size_t width[N_COLS])
{
    for (int c = 0; c < N_COLS; c++) {
        if (c == N_COLS - 1)
            buf_printf(b, "%s\n", cells[c]);
        else
            buf_printf(b, "%-*s  ", (int)width[c], cells[c]);
    }
}

char *cli_rp_table(const struct backup_recovery_point *v, size_t n, double now)
{
    char *(*cells)[N_COLS] = xcalloc(n ? n : 1, sizeof *cells);
    size_t width[N_COLS];
    for (int c = 0; c < N_COLS; c++)
        width[c] = strlen(s_heads[c]);
    for (size_t i = 0; i < n; i++) {
        s_cells(&v[i], now, cells[i]);
        for (int c = 0; c < N_COLS; c++)
            if (strlen(cells[i][c]) > width[c])
                width[c] = strlen(cells[i][c]);
    }
    struct buf b;
    buf_init(&b);
    s_row(&b, (char *const *)s_heads, width);
    for (size_t i = 0; i < n; i++) {
        s_row(&b, cells[i], width);
        for (int c = 0; c < N_COLS; c++)
            free(cells[i][c]);
    }
    free(cells);
    return buf_detach(&b);
}

static void s_add_or_null(struct json *o, const char *key, const char *value)
{
    if (value)
        json_add_string(o, key, value);
    else
        json_add_null(o, key);
}

struct json *cli_rp_json(const struct backup_recovery_point *v, size_t n, double now)
{
    struct json *a = json_new_array();
    for (size_t i = 0; i < n; i++) {
        const struct backup_recovery_point *rp = &v[i];
        struct json *o = json_push(a, json_new_object());
        char created[32], completed[32];
        s_utc(rp->created, created);
        s_utc(rp->completed, completed);
        json_add_string(o, "recovery_point_arn", rp->arn);
        s_add_or_null(o, "creation_date", rp->created > 0 ? created : NULL);
        if (rp->created > 0)
            json_add_number(o, "age_seconds",
                            now > rp->created ? (double)(long)(now - rp->created) : 0);
        else
            json_add_null(o, "age_seconds");
        s_add_or_null(o, "status", rp->status);
        s_add_or_null(o, "resource_type", rp->resource_type);
        if (rp->size > 0)
            json_add_number(o, "size_bytes", (double)rp->size);
        else
            json_add_null(o, "size_bytes");
        s_add_or_null(o, "resource_arn", rp->resource_arn);
        s_add_or_null(o, "completion_date", rp->completed > 0 ? completed : NULL);
        s_add_or_null(o, "vault", rp->vault_name);
        s_add_or_null(o, "source_vault_arn", rp->source_vault_arn);
        s_add_or_null(o, "encryption_key_arn", rp->encryption_key_arn);
    }
    return a;
}
