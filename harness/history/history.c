/*
 * The run history (history.h): picks the store a URL names, hands calls to
 * it, and holds what both stores share: record checks, ordering, freeing,
 * and the RTO regression reference.
 */
#include "history/history_impl.h"
#include "mem.h"
#include "reports/report.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static bool s_has_scheme(const char *url, const char *scheme)
{
    size_t n = strlen(scheme);
    return strncasecmp(url, scheme, n) == 0 && strncmp(url + n, "://", 3) == 0;
}

enum drh_status history_open(const char *url, const char *state_dir, struct history_store **out,
                             struct drh_err *err)
{
    if (!url || !*url) {
        if (!state_dir || !*state_dir)
            return drh_err_set(err, DRH_E_INTERNAL, "history: no state directory given");
        return history_local_open(state_dir, out, err);
    }
    if (s_has_scheme(url, "postgres") || s_has_scheme(url, "postgresql"))
        return history_pg_open(url, out, err);
    /* Only the scheme is shown: the rest may hold a password. */
    const char *colon = strstr(url, "://");
    size_t len = colon ? (size_t)(colon - url) : 0;
    if (len && len <= 32) {
        drh_err_set(err, DRH_E_INPUT, "history url: unsupported scheme '%.*s'", (int)len, url);
    } else {
        drh_err_set(err, DRH_E_INPUT, "history url: not a URL (no scheme://)");
    }
    drh_err_hint(err, "use postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (or postgresql://) "
                      "for a shared PostgreSQL history, or no URL for the local one under "
                      "the state directory");
    return err->code;
}

void history_close(struct history_store *h)
{
    if (h)
        h->ops->close(h);
}

const char *history_describe(const struct history_store *h)
{
    return h ? h->label : "";
}

bool history_drill_name_ok(const char *name)
{
    size_t n = 0;
    for (const char *p = name ? name : ""; *p; p++, n++)
        if (!isalnum((unsigned char)*p) && *p != '-')
            return false;
    return n >= 1 && n <= HISTORY_DRILL_MAX;
}

static bool s_verdict_ok(const char *v)
{
    return strcmp(v, "PASSED") == 0 || strcmp(v, "FAILED") == 0 || strcmp(v, "ERROR") == 0;
}

enum drh_status history_check_record(const struct history_record *r, struct drh_err *err)
{
    if (!history_drill_name_ok(r->drill)) {
        drh_err_set(err, DRH_E_INPUT, "history: drill name '%.60s' is not [A-Za-z0-9-]{1,40}",
                    r->drill ? r->drill : "");
        return drh_err_hint(err, "drill names are checked when the drill is loaded");
    }
    if (!r->run_id || report_check_run_id(r->run_id, err) != DRH_OK)
        return r->run_id
                   ? err->code
                   : drh_err_set(err, DRH_E_INPUT, "history: run of '%s' has no run id", r->drill);
    if (!s_verdict_ok(r->verdict))
        return drh_err_set(err, DRH_E_INPUT,
                           "history: run '%s' has verdict '%.8s', not "
                           "PASSED, FAILED or ERROR",
                           r->run_id, r->verdict);
    /* Up to 9999-12-31: the times are written as ISO 8601. */
    if (!isfinite(r->started) || r->started < 0 || r->started > 253402300799.0 ||
        !isfinite(r->ended) || r->ended < 0 || r->ended > 253402300799.0)
        return drh_err_set(err, DRH_E_INPUT, "history: run '%s' has no valid start time",
                           r->run_id);
    return DRH_OK;
}

enum drh_status history_append(struct history_store *h, const struct history_record *r,
                               struct drh_err *err)
{
    if (history_check_record(r, err) != DRH_OK)
        return err->code;
    return h->ops->append(h, r, err);
}

enum drh_status history_list(struct history_store *h, const char *drill, size_t limit,
                             struct history_record **out, size_t *n, struct drh_err *err)
{
    if (drill && !history_drill_name_ok(drill)) {
        drh_err_set(err, DRH_E_INPUT, "history: drill name '%.60s' is not [A-Za-z0-9-]{1,40}",
                    drill);
        return drh_err_hint(err, "give the name of a drill, as in its drill file");
    }
    return h->ops->list(h, drill, limit, out, n, err);
}

enum drh_status history_claim(struct history_store *h, const char *drill, const char *run_id,
                              struct history_claim **out, bool *claimed, char *holder,
                              size_t holder_size, struct drh_err *err)
{
    *out = NULL;
    *claimed = false;
    if (holder && holder_size)
        holder[0] = '\0';
    if (!history_drill_name_ok(drill))
        return drh_err_set(err, DRH_E_INPUT,
                           "history: cannot claim drill '%.60s': not a "
                           "drill name ([A-Za-z0-9-]{1,40})",
                           drill ? drill : "");
    if (!run_id || report_check_run_id(run_id, err) != DRH_OK)
        return run_id ? err->code
                      : drh_err_set(err, DRH_E_INPUT, "history: claim without a run id");
    return h->ops->claim(h, drill, run_id, out, claimed, holder, holder_size, err);
}

void history_release(struct history_claim *c)
{
    if (c)
        c->release(c);
}

void history_record_clean_up(struct history_record *r)
{
    if (!r)
        return;
    free(r->run_id);
    free(r->drill);
    free(r->file);
    free(r->host);
    for (size_t i = 0; i < r->n_resources; i++)
        free(r->resources[i].name);
    free(r->resources);
    free(r->warnings);
    memset(r, 0, sizeof *r);
}

void history_records_free(struct history_record *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        history_record_clean_up(&v[i]);
    free(v);
}

static int s_newest_first(const void *a, const void *b)
{
    const struct history_record *x = a, *y = b;
    if (x->started != y->started)
        return x->started < y->started ? 1 : -1;
    return strcmp(y->run_id, x->run_id);
}

void history_sort_and_limit(struct history_record *v, size_t *n, size_t limit)
{
    if (*n > 1)
        qsort(v, *n, sizeof *v, s_newest_first);
    while (limit && *n > limit)
        history_record_clean_up(&v[--*n]);
}

static int s_by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

bool history_rto_median(const struct history_record *v, size_t n, size_t last, double *median,
                        size_t *used)
{
    size_t k = 0, cap = n < last ? n : last;
    double *picked = xmalloc((cap ? cap : 1) * sizeof *picked);
    for (size_t i = 0; i < n && k < cap; i++)
        if (strcmp(v[i].verdict, "PASSED") == 0 && v[i].rto >= 0 && isfinite(v[i].rto))
            picked[k++] = v[i].rto;
    bool enough = k >= 3;
    if (used)
        *used = k;
    if (enough) {
        qsort(picked, k, sizeof picked[0], s_by_value);
        *median = k % 2 ? picked[k / 2] : (picked[k / 2 - 1] + picked[k / 2]) / 2;
    }
    free(picked);
    return enough;
}

void history_hostname(char *out, size_t size)
{
    if (gethostname(out, size) != 0 || !out[0])
        snprintf(out, size, "unknown");
    out[size - 1] = '\0';
}

void history_format_time(double t, bool millis, char out[40])
{
    if (!isfinite(t) || t < 0 || t > 253402300799.0) /* past 9999-12-31 */
        t = 0;
    double whole = floor(t);
    long rounded = lround((t - whole) * 1000);
    if (rounded >= 1000)
        whole += 1;
    unsigned ms = (unsigned)rounded % 1000u;
    time_t secs = (time_t)whole;
    struct tm tm;
    if (!gmtime_r(&secs, &tm)) {
        snprintf(out, 40, "1970-01-01T00:00:00Z");
        return;
    }
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    if (millis)
        snprintf(out, 40, "%s.%03uZ", base, ms);
    else
        snprintf(out, 40, "%sZ", base);
}
