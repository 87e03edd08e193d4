/*
 * Fuzz target: JSON, as drill files, AWS responses (rest-json, json 1.1),
 * credential documents, canary objects and history records bring it. The
 * bytes are one document:
 *   - json_parse() and json_parse_located() must agree (the located parse
 *     is the stricter: what it accepts the plain one accepts, into the same
 *     tree), and every value and key of a located parse has a position, in
 *     text order;
 *   - the getters over the whole tree; print / parse round trips;
 *   - the readers: aws_error_parse() for rest-json and json with and
 *     without headers, aws_json_next_token(), backup_json_time(),
 *     creds_from_json() (no secret in its messages), canary_s3_parse(),
 *     history_record_from_json() (whose output must read back the same);
 *   - a document built from the bytes as a C string prints as JSON that
 *     parses back to the same string.
 */
#include "fuzz_targets.h"

#include "aws/backup.h"
#include "aws/creds.h"
#include "aws/creds_impl.h"
#include "aws/protocol.h"
#include "canary/canary.h"
#include "history/history.h"
#include "json.h"
#include "mem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define S_NAME "json"
/* Members and elements checked by index or key per container: the checks
 * are quadratic, the fuzzer's inputs need not be. */
#define S_LOOKUPS_MAX 64

static bool s_one_line(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return false;
    return true;
}

static bool s_valid_utf8(const unsigned char *s)
{
    unsigned long cp;
    for (size_t n; *s; s += n)
        if ((n = fuzz_utf8(s, &cp)) == 0)
            return false;
    return true;
}

static void s_walk(const struct json *v, int depth)
{
    FUZZ_CHECK(S_NAME, depth <= JSON_MAX_DEPTH + 1);
    const char *type = json_type_name(v);
    FUZZ_CHECK(S_NAME, strcmp(type, "missing") != 0);
    double d;
    long long ll;
    bool b;
    FUZZ_CHECK(S_NAME, json_is_number(v) == json_number(v, &d));
    if (json_integer(v, &ll))
        FUZZ_CHECK(S_NAME, json_is_number(v) && (double)ll == d);
    FUZZ_CHECK(S_NAME, json_is_bool(v) == json_bool(v, &b));
    FUZZ_CHECK(S_NAME, json_is_string(v) == (json_string(v) != NULL));
    if (!json_is_object(v) && !json_is_array(v)) {
        FUZZ_CHECK(S_NAME, json_first(v) == NULL && json_array_size(v) == 0);
        return;
    }
    size_t i = 0;
    for (const struct json *m = json_first(v); m; m = json_next(m), i++) {
        if (i < S_LOOKUPS_MAX && json_is_object(v)) {
            const char *key = json_key(m);
            FUZZ_CHECK(S_NAME, key != NULL);
            FUZZ_CHECK(S_NAME, json_get(v, key) == m); /* no repeated key gets through */
        } else if (i < S_LOOKUPS_MAX) {
            FUZZ_CHECK(S_NAME, json_key(m) == NULL && json_array_at(v, i) == m);
        }
        s_walk(m, depth + 1);
    }
    if (json_is_array(v))
        FUZZ_CHECK(S_NAME, json_array_size(v) == i && json_array_at(v, i) == NULL);
}

/* Positions grow in text order along a pre-order walk, keys before values. */
static void s_positions(const struct json_positions *pos, const struct json *v, long *last)
{
    int line, col;
    FUZZ_CHECK(S_NAME, json_position(pos, v, &line, &col) && line >= 1 && col >= 1);
    long here = (long)line << 24 | col;
    FUZZ_CHECK(S_NAME, here > *last);
    *last = here;
    for (const struct json *m = json_first(v); m; m = json_next(m)) {
        int kl, kc;
        bool has_key = json_key_position(pos, m, &kl, &kc);
        FUZZ_CHECK(S_NAME, has_key == json_is_object(v));
        if (has_key) {
            long key = (long)kl << 24 | kc;
            FUZZ_CHECK(S_NAME, kl >= 1 && kc >= 1 && key > *last);
            *last = key;
        }
        s_positions(pos, m, last);
    }
}

/* print, parse, print: the same text both times, compact and pretty. */
static void s_round_trip(const struct json *doc)
{
    for (int pretty = 0; pretty < 2; pretty++) {
        char *p1 = json_print(doc, pretty);
        struct json *again = NULL;
        struct drh_err err = {0};
        FUZZ_CHECK(S_NAME, json_parse(p1, strlen(p1), &again, &err) == DRH_OK);
        char *p2 = json_print(again, pretty);
        FUZZ_CHECK(S_NAME, strcmp(p1, p2) == 0);
        free(p2);
        free(p1);
        json_free(again);
    }
}

static void s_history(const struct json *doc)
{
    struct history_record r = {0};
    struct drh_err err = {0};
    if (history_record_from_json(doc, &r, &err) != DRH_OK) {
        FUZZ_CHECK(S_NAME, err.code == DRH_E_PARSE && s_one_line(err.msg));
        return;
    }
    FUZZ_CHECK(S_NAME, r.run_id && r.drill && r.verdict[0]);
    /* What was read and written once is a fixed point. */
    struct json *j1 = history_record_to_json(&r);
    struct history_record r2 = {0};
    if (history_record_from_json(j1, &r2, &err) == DRH_OK) {
        struct json *j2 = history_record_to_json(&r2);
        char *p1 = json_print(j1, 0), *p2 = json_print(j2, 0);
        FUZZ_CHECK(S_NAME, strcmp(p1, p2) == 0);
        free(p1);
        free(p2);
        json_free(j2);
        history_record_clean_up(&r2);
    }
    json_free(j1);
    history_record_clean_up(&r);
}

static void s_readers(const struct json *doc)
{
    free(aws_json_next_token(doc, "NextToken"));
    free(aws_json_next_token(doc, "NextContinuationToken"));
    static const char *const times[] = {"CreationDate", "CompletionDate", "Expiration"};
    const struct json *obj = json_is_object(json_first(doc)) ? json_first(doc) : doc;
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        double t = -1;
        struct drh_err err = {0};
        if (backup_json_time(obj, times[i], "Describe", &t, &err) == DRH_OK)
            FUZZ_CHECK(S_NAME, t >= 0);
        else
            FUZZ_CHECK(S_NAME, t == 0 && err.code == DRH_E_PARSE && s_one_line(err.msg));
    }
    s_history(doc);
    s_history(obj);
}

static void s_errors(const char *body, size_t len, const struct headers *hdrs)
{
    for (int p = AWS_PROTO_REST_JSON; p <= AWS_PROTO_JSON; p++) {
        if (p == AWS_PROTO_REST_XML)
            continue;
        struct aws_error_info e;
        aws_error_parse((enum aws_protocol)p, 400, hdrs, body, len, &e);
        FUZZ_CHECK(S_NAME, e.code && *e.code && e.message && e.status == 400);
        FUZZ_CHECK(S_NAME, s_one_line(e.code) && s_one_line(e.message));
        FUZZ_CHECK(S_NAME, s_one_line(e.request_id));
        aws_error_info_clean_up(&e);
    }
}

static void s_creds(const char *body, size_t len, const struct json *doc)
{
    const char *secret = json_get_string(doc, "SecretAccessKey");
    for (int k = 0; k < 2; k++) {
        struct aws_credentials c;
        aws_credentials_init(&c);
        struct drh_err err = {0};
        if (creds_from_json("fuzz", body, len, k ? "SessionToken" : "Token", &c, &err) == DRH_OK) {
            FUZZ_CHECK(S_NAME, c.access_key_id && c.secret_access_key && c.expiration >= 0);
        } else {
            FUZZ_CHECK(S_NAME, err.code == DRH_E_CREDS && s_one_line(err.msg));
            FUZZ_CHECK(S_NAME, !secret || strlen(secret) < 4 || !strstr(err.msg, secret));
            FUZZ_CHECK(S_NAME, !c.access_key_id && !c.secret_access_key);
        }
        aws_credentials_clean_up(&c);
    }
}

static void s_canary(const char *body, size_t len)
{
    struct canary c;
    memset(&c, 0, sizeof c);
    char *drill = NULL, *resource = NULL;
    struct drh_err err = {0};
    if (canary_s3_parse(body, len, "drh-canary/chain/00000000000000000001.json", &c, &drill,
                        &resource, &err) == DRH_OK) {
        FUZZ_CHECK(S_NAME, drill && resource);
        FUZZ_CHECK(S_NAME, strlen(c.hash) <= CANARY_HEX && strlen(c.prev_hash) <= CANARY_HEX);
    } else {
        FUZZ_CHECK(S_NAME, err.code == DRH_E_PARSE && !drill && !resource);
    }
    free(drill);
    free(resource);
}

/* Parses what json_print() wrote of v; the parsed document or a failure. */
static struct json *s_reparse(const struct json *v)
{
    char *printed = json_print(v, 0);
    struct json *back = NULL;
    struct drh_err err = {0};
    FUZZ_CHECK(S_NAME, json_parse(printed, strlen(printed), &back, &err) == DRH_OK);
    free(printed);
    return back;
}

/* A string made of the bytes survives building, printing and parsing, as
 * a key and value of an object and as an element of an array. */
static void s_build(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    bool exact = s_valid_utf8((const unsigned char *)text);
    struct json *o = json_new_object(), *a = json_new_array();
    json_add_string(o, text, text);
    json_push_string(a, text);
    struct json *ob = s_reparse(o), *ab = s_reparse(a);
    const char *got = json_get_string(ob, text);
    FUZZ_CHECK(S_NAME, !exact || (got && strcmp(got, text) == 0));
    got = json_string(json_array_at(ab, 0));
    FUZZ_CHECK(S_NAME, got && (!exact || strcmp(got, text) == 0));
    json_free(ob);
    json_free(ab);
    json_free(o);
    json_free(a);
    free(text);
}

int fuzz_json(const uint8_t *data, size_t size)
{
    const char *text = size ? (const char *)data : "";
    struct json *doc = NULL;
    struct drh_err err = {0};
    enum drh_status st = json_parse(text, size, &doc, &err);
    if (st != DRH_OK)
        FUZZ_CHECK(S_NAME, err.code == DRH_E_PARSE && s_one_line(err.msg) &&
                               strncmp(err.msg, "invalid JSON", 12) == 0);

    struct json *located = NULL;
    struct json_positions *pos = NULL;
    struct json_syntax where = {0, 0, ""};
    struct drh_err err2 = {0};
    if (json_parse_located(text, size, &located, &pos, &where, &err2) == DRH_OK) {
        FUZZ_CHECK(S_NAME, st == DRH_OK);
        char *a = json_print(doc, 0), *b = json_print(located, 0);
        FUZZ_CHECK(S_NAME, strcmp(a, b) == 0);
        free(a);
        free(b);
        long last = 0;
        s_positions(pos, located, &last);
        json_free(located);
        json_positions_free(pos);
    } else {
        FUZZ_CHECK(S_NAME, err2.code == DRH_E_PARSE && s_one_line(err2.msg));
        FUZZ_CHECK(S_NAME, where.line >= 1 && where.col >= 1 && s_one_line(where.reason));
    }

    if (doc) {
        s_walk(doc, 0);
        s_round_trip(doc);
        s_readers(doc);
    }
    s_creds(text, size, doc);
    s_canary(text, size);
    s_errors(text, size, NULL);
    struct headers hdrs;
    headers_init(&hdrs);
    char *first = fuzz_line(data, size, 0);
    headers_add(&hdrs, "x-amzn-ErrorType", first);
    headers_add(&hdrs, "x-amzn-query-error", first);
    headers_add(&hdrs, "x-amzn-RequestId", first);
    free(first);
    s_errors(text, size, &hdrs);
    headers_clean_up(&hdrs);
    json_free(doc);
    s_build(data, size);
    return 0;
}
