/*
 * The PostgreSQL history URL (history.h): postgres[ql]://USER[:PASSWORD]@
 * HOST[:PORT]/DATABASE[?sslmode=...&sslrootcert=...&connect_timeout=N].
 * Messages name the part that is wrong and never repeat the URL, which may
 * hold the password.
 */
#include "history/history_impl.h"
#include "aws/uri.h"
#include "buf.h"
#include "mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define URL_FORM "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]"

/* Percent-decodes len bytes of s (uri_decode), refusing what it would keep
 * as it is: NULL on a '%' without two hex digits, or an escaped NUL. */
static char *s_decode(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == '%' && (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) ||
                            !isxdigit((unsigned char)s[i + 2]) ||
                            (s[i + 1] == '0' && s[i + 2] == '0')))
            return NULL;
    struct buf b;
    buf_init(&b);
    uri_decode(&b, s, len);
    return buf_detach(&b);
}

static enum drh_status s_fail(struct drh_err *err, const char *what)
{
    drh_err_set(err, DRH_E_INPUT, "history url: %s", what);
    return drh_err_hint(err, "write it as " URL_FORM " (percent-encode '@', ':', '/' in the "
                             "user and password)");
}

/* A decoded part into *out; part names it for the message. */
static enum drh_status s_part(const char *s, size_t len, const char *part, bool required,
                              char **out, struct drh_err *err)
{
    char msg[96];
    if (!len && required) {
        snprintf(msg, sizeof msg, "no %s", part);
        return s_fail(err, msg);
    }
    if (!(*out = s_decode(s, len))) {
        snprintf(msg, sizeof msg, "bad percent-escape in the %s", part);
        return s_fail(err, msg);
    }
    return DRH_OK;
}

static bool s_number(const char *s, size_t len, int max, int *out)
{
    long v = 0;
    if (!len || len > 6)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1 || v > max)
        return false;
    *out = (int)v;
    return true;
}

static enum drh_status s_option(struct history_pg_url *u, const char *key, size_t klen,
                                const char *val, size_t vlen, struct drh_err *err)
{
    char msg[160];
    char *v = NULL;
    if (s_part(val, vlen, "query", false, &v, err) != DRH_OK)
        return err->code;
    enum drh_status st = DRH_OK;
    if (klen == 7 && strncmp(key, "sslmode", 7) == 0) {
        static const struct {
            const char *name;
            enum drill_tls tls;
        } modes[] = {{"disable", DRILL_TLS_DISABLE},
                     {"prefer", DRILL_TLS_PREFER},
                     {"require", DRILL_TLS_REQUIRE},
                     {"verify-full", DRILL_TLS_VERIFY_FULL}};
        size_t i = 0;
        while (i < sizeof modes / sizeof modes[0] && strcmp(modes[i].name, v) != 0)
            i++;
        if (i < sizeof modes / sizeof modes[0]) {
            u->tls = modes[i].tls;
        } else {
            st = drh_err_set(err, DRH_E_INPUT, "history url: sslmode '%.40s' is not supported", v);
            drh_err_hint(err, "use sslmode=disable, prefer, require or verify-full");
        }
    } else if (klen == 11 && strncmp(key, "sslrootcert", 11) == 0 && *v) {
        free(u->ca_bundle);
        u->ca_bundle = v;
        v = NULL;
    } else if (klen == 15 && strncmp(key, "connect_timeout", 15) == 0) {
        if (!s_number(v, strlen(v), 3600, &u->connect_timeout))
            st = s_fail(err, "connect_timeout should be a number of seconds (1 to 3600)");
    } else {
        snprintf(msg, sizeof msg, "unknown parameter '%.*s'", (int)(klen < 40 ? klen : 40), key);
        st = drh_err_set(err, DRH_E_INPUT, "history url: %s", msg);
        drh_err_hint(err, "the parameters known are sslmode, sslrootcert and connect_timeout");
    }
    free(v);
    return st;
}

static enum drh_status s_query(struct history_pg_url *u, const char *q, struct drh_err *err)
{
    while (*q) {
        size_t len = strcspn(q, "&");
        const char *eq = memchr(q, '=', len);
        if (len && !eq)
            return s_fail(err, "a parameter without '=' in the query");
        if (len &&
            s_option(u, q, (size_t)(eq - q), eq + 1, len - (size_t)(eq - q) - 1, err) != DRH_OK)
            return err->code;
        q += len + (q[len] == '&');
    }
    return DRH_OK;
}

enum drh_status history_pg_url_parse(const char *url, struct history_pg_url *out,
                                     struct drh_err *err)
{
    struct history_pg_url u = {0};
    u.port = 5432;
    u.tls = DRILL_TLS_PREFER;
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p || !((p - url == 8 && strncasecmp(url, "postgres", 8) == 0) ||
                (p - url == 10 && strncasecmp(url, "postgresql", 10) == 0)))
        return s_fail(err, "not a postgres:// or postgresql:// URL");
    p += 3;
    size_t auth_len = strcspn(p, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (p[i] == '@')
            at = p + i; /* the last '@': an unencoded one may sit in the password */
    enum drh_status st = DRH_OK;
    if (!at) {
        st = s_fail(err, "no USER@ before the host");
        goto fail;
    }
    const char *colon = memchr(p, ':', (size_t)(at - p));
    size_t user_len = colon ? (size_t)(colon - p) : (size_t)(at - p);
    if (s_part(p, user_len, "user", true, &u.user, err) != DRH_OK ||
        (colon && s_part(colon + 1, (size_t)(at - colon - 1), "password", false, &u.password,
                         err) != DRH_OK))
        goto fail_st;
    const char *host = at + 1, *end = p + auth_len, *port = NULL;
    size_t host_len;
    if (*host == '[') {
        const char *close = memchr(host, ']', (size_t)(end - host));
        if (!close) {
            st = s_fail(err, "an IPv6 host without its closing ']'");
            goto fail;
        }
        host_len = (size_t)(close - host - 1);
        host++;
        if (close + 1 < end && close[1] != ':') {
            st = s_fail(err, "text after the IPv6 host's ']'");
            goto fail;
        }
        port = close + 1 < end ? close + 2 : NULL;
    } else {
        const char *c = memchr(host, ':', (size_t)(end - host));
        host_len = c ? (size_t)(c - host) : (size_t)(end - host);
        port = c ? c + 1 : NULL;
    }
    if (s_part(host, host_len, "host", true, &u.host, err) != DRH_OK)
        goto fail_st;
    if (port && !s_number(port, (size_t)(end - port), 65535, &u.port)) {
        st = s_fail(err, "the port should be a number from 1 to 65535");
        goto fail;
    }
    if (*end != '/') {
        st = s_fail(err, "no /DATABASE after the host");
        goto fail;
    }
    const char *db = end + 1;
    size_t db_len = strcspn(db, "?#");
    if (s_part(db, db_len, "database", true, &u.database, err) != DRH_OK)
        goto fail_st;
    if (db[db_len] == '#') {
        st = s_fail(err, "a fragment ('#') is not allowed");
        goto fail;
    }
    if (db[db_len] == '?') {
        char *q = xstrndup(db + db_len + 1, strcspn(db + db_len + 1, "#"));
        bool fragment = db[db_len + 1 + strlen(q)] == '#';
        st = fragment ? s_fail(err, "a fragment ('#') is not allowed") : s_query(&u, q, err);
        free(q);
        if (st != DRH_OK)
            goto fail;
    }
    *out = u;
    return DRH_OK;
fail_st:
    st = err->code;
fail:
    history_pg_url_clean_up(&u);
    return st;
}

void history_pg_url_clean_up(struct history_pg_url *u)
{
    if (!u)
        return;
    free(u->user);
    if (u->password)
        explicit_bzero(u->password, strlen(u->password));
    free(u->password);
    free(u->host);
    free(u->database);
    free(u->ca_bundle);
    memset(u, 0, sizeof *u);
}

char *history_pg_url_describe(const struct history_pg_url *u)
{
    bool v6 = strchr(u->host, ':') != NULL;
    return xasprintf("postgres://%s@%s%s%s:%d/%s", u->user, v6 ? "[" : "", u->host, v6 ? "]" : "",
                     u->port, u->database);
}
