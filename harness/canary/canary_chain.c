/*
 * The canary chain (canary.h): each canary's hash over its identity, seq,
 * time and the previous hash, the times canaries carry, and the streamed
 * verification that names the first break: a missing seq (a lost write), a
 * prev_hash that is not the previous hash (reordered or rewritten), a hash
 * that does not recompute (altered).
 */
#include "canary/canary.h"

#include "mem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char s_zero[CANARY_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

void canary_hash(const char *drill, const char *resource, long long seq, long long written_us,
                 const char *prev_hash, char out[CANARY_HEX + 1])
{
    char *text = xasprintf("%s|%s/%s|%lld|%lld|%s", CANARY_MAGIC, drill, resource, seq, written_us,
                           prev_hash);
    crypto_sha256_hex(text, strlen(text), out);
    free(text);
}

void canary_next(const char *drill, const char *resource, const struct canary *prev,
                 long long now_us, struct canary *out)
{
    memset(out, 0, sizeof *out);
    out->seq = prev ? prev->seq + 1 : 1;
    out->written_us = now_us;
    snprintf(out->prev_hash, sizeof out->prev_hash, "%s", prev ? prev->hash : s_zero);
    canary_hash(drill, resource, out->seq, out->written_us, out->prev_hash, out->hash);
}

long long canary_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

void canary_format_time(long long us, char sep, char out[CANARY_TIME_LEN])
{
    long long s = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        s--;
    }
    time_t t = (time_t)s;
    struct tm tm;
    char day[16], tod[16];
    if (!gmtime_r(&t, &tm) || !strftime(day, sizeof day, "%Y-%m-%d", &tm) ||
        !strftime(tod, sizeof tod, "%H:%M:%S", &tm)) {
        snprintf(out, CANARY_TIME_LEN, "%lld", us);
        return;
    }
    snprintf(out, CANARY_TIME_LEN, "%.10s%c%.8s.%06d%s", day, sep, tod, (int)frac,
             sep == 'T' ? "Z" : "");
}

bool canary_is_hex(const char *text)
{
    if (!text || strlen(text) != CANARY_HEX)
        return false;
    for (const char *p = text; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

bool canary_parse_ll(const char *text, long long *out)
{
    if (!text || !*text)
        return false;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end || end == text)
        return false;
    *out = v;
    return true;
}

void canary_verify_init(struct canary_verify *v, const char *drill, const char *resource)
{
    memset(v, 0, sizeof *v);
    v->drill = drill;
    v->resource = resource;
}

bool canary_verify_break(struct canary_verify *v, long long seq, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (!v->broken)
        snprintf(v->error, sizeof v->error, "canary chain broken at seq %lld: %s", seq, why);
    v->broken = true;
    return false;
}

bool canary_verify_add(struct canary_verify *v, const struct canary *c)
{
    if (v->broken)
        return false;
    if (!canary_is_hex(c->hash) || !canary_is_hex(c->prev_hash))
        return canary_verify_break(v, c->seq, "seq %lld's hashes are not 64 hex digits (altered)",
                                   c->seq);
    if (v->drill) {
        char want[CANARY_HEX + 1];
        canary_hash(v->drill, v->resource, c->seq, c->written_us, c->prev_hash, want);
        if (strcmp(want, c->hash) != 0)
            return canary_verify_break(v, c->seq,
                                       "seq %lld's hash does not match its contents "
                                       "(altered)",
                                       c->seq);
    }
    if (v->n == 0) {
        if (c->seq < 1)
            return canary_verify_break(v, c->seq, "seq %lld is not a canary number (altered)",
                                       c->seq);
        if (c->seq == 1 && strcmp(c->prev_hash, s_zero) != 0)
            return canary_verify_break(v, 1, "seq 1's prev_hash is not 64 zeros (rewritten)");
        v->first_seq = c->seq;
    } else {
        long long p = v->newest.seq;
        if (c->seq <= p)
            return canary_verify_break(v, c->seq, "seq %lld comes after seq %lld (reordered)",
                                       c->seq, p);
        if (c->seq == p + 2)
            return canary_verify_break(v, c->seq, "seq %lld is missing (lost write)", p + 1);
        if (c->seq > p + 2)
            return canary_verify_break(v, c->seq, "seqs %lld to %lld are missing (lost writes)",
                                       p + 1, c->seq - 1);
        if (strcmp(c->prev_hash, v->newest.hash) != 0)
            return canary_verify_break(v, c->seq,
                                       "seq %lld's prev_hash does not match seq %lld's hash "
                                       "(reordered or rewritten)",
                                       c->seq, p);
    }
    v->newest = *c;
    v->n++;
    return true;
}

void canary_verify_summary(const struct canary_verify *v, char *out, size_t size)
{
    if (v->broken)
        snprintf(out, size, "%s", v->error);
    else if (v->n == 0)
        snprintf(out, size, "no chained canary");
    else
        snprintf(out, size, "%s of %zu verified (seq %lld..%lld)", v->drill ? "chain" : "links",
                 v->n, v->first_seq, v->newest.seq);
}
