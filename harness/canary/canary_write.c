/*
 * One drill's canaries (`drh canary`, canary.h): for each resource that
 * has a canary, the next one written into production: a row of the canary
 * table (rds, aurora: the endpoint from canary.endpoint or the source's
 * DescribeDB*, the login from canary.* else the resource's login), an
 * object of the source bucket (s3) or the canary file under canary.mount
 * (efs). AWS calls go through the drill's source side, its account
 * verified first. The password is read from an environment variable or a
 * file and never printed.
 */
#include "canary/canary.h"

#include "aws/rds.h"
#include "aws/s3.h"
#include "mem.h"
#include "run/side.h"

#include <stdlib.h>
#include <string.h>

#define S_DEFAULT_KEEP 1000

struct s_ctx {
    const struct drill *d;
    struct side *src;
    bool verified;
};

bool canary_wanted(const struct drill_resource *r)
{
    if (r->type == DRILL_EFS || r->type == DRILL_S3)
        return r->canary.present;
    if (r->type != DRILL_RDS && r->type != DRILL_AURORA)
        return false;
    for (size_t i = 0; i < r->n_probes; i++)
        if (r->probes[i].kind == PROBE_CANARY)
            return true;
    return r->canary.present;
}

static const struct drill_probe *s_probe(const struct drill_resource *r)
{
    for (size_t i = 0; i < r->n_probes; i++)
        if (r->probes[i].kind == PROBE_CANARY)
            return &r->probes[i];
    return NULL;
}

/* The source side's client, its account verified once. */
static enum drh_status s_source(struct s_ctx *x, struct aws_client **c, struct drh_err *err)
{
    enum drh_status st = DRH_OK;
    if (!x->src)
        st = side_open(&x->d->source, "source", &x->src, err);
    if (st == DRH_OK && !x->verified) {
        st = side_verify_account(x->src, err);
        x->verified = st == DRH_OK;
    }
    return st == DRH_OK ? side_client(x->src, NULL, c, err) : st;
}

/* The password from canary.password_env / _file, else the login's. */
static enum drh_status s_password(const struct drill *d, const struct drill_resource *r, char *out,
                                  size_t size, struct drh_err *err)
{
    const struct drill_canary *k = &r->canary;
    bool own = k->password_env || k->password_file;
    if (!own && !r->login.password_env && !r->login.password_file) {
        drh_err_set(err, DRH_E_INPUT, "no password for the canary writer of %s", r->name);
        return drh_err_hint(err, "set canary.password_env or canary.password_file (or the "
                                 "login's) in the drill: drh never keeps passwords in it");
    }
    return drill_password(d, r->name, own ? "canary" : "login",
                          own ? k->password_env : r->login.password_env,
                          own ? k->password_file : r->login.password_file, out, size, err);
}

/* "host:port" into host and port; false when malformed. */
static bool s_endpoint(const char *text, char **host, int *port)
{
    const char *colon = strrchr(text, ':');
    long long p = 0;
    if (!colon || colon == text || !canary_parse_ll(colon + 1, &p) || p < 1 || p > 65535)
        return false;
    *host = xstrndup(text, (size_t)(colon - text));
    *port = (int)p;
    return true;
}

static enum drh_status s_db(struct s_ctx *x, const struct drill_resource *r, long long now_us,
                            struct canary *out, char **where, struct drh_err *err)
{
    const struct drill_canary *k = &r->canary;
    const struct drill_probe *p = s_probe(r);
    const char *table = p && p->canary_table ? p->canary_table : "drh_canary";
    const char *column = p && p->canary_column ? p->canary_column : "written_at";
    const char *user = k->user ? k->user : r->login.user;
    const char *database = k->database ? k->database : r->login.database;
    struct rds_db db = {0};
    struct db_conn *c = NULL;
    char *host = NULL, password[512] = "";
    int port = 0;
    enum drh_status st = DRH_OK;
    if (k->endpoint && !s_endpoint(k->endpoint, &host, &port)) {
        st = drh_err_set(err, DRH_E_INPUT, "canary.endpoint '%s' of %s is not HOST:PORT",
                         k->endpoint, r->name);
        goto done;
    }
    if (!host || !user) { /* production's endpoint or master user from RDS */
        struct aws_client *ac = NULL;
        st = s_source(x, &ac, err);
        if (st == DRH_OK)
            st = rds_describe_db(ac, r->type == DRILL_AURORA, r->source, &db, err);
        if (st != DRH_OK)
            goto done;
        if (!host && (!db.endpoint || !db.port)) {
            st = drh_err_set(err, DRH_E_NOTFOUND, "%s (%s) has no endpoint yet (status %s)",
                             r->source, r->name, db.status ? db.status : "unknown");
            goto done;
        }
        if (!host) {
            host = xstrdup(db.endpoint);
            port = db.port;
        }
        user = user ? user : db.master_user;
        database = database ? database : db.db_name;
    }
    if (!user) {
        st = drh_err_set(err, DRH_E_INPUT, "no user for the canary writer of %s", r->name);
        drh_err_hint(err, "set canary.user (or login.user) in the drill");
        goto done;
    }
    bool pg = drill_engine_is_postgres(r->engine);
    if (!pg && !database && !strchr(table, '.')) {
        st = drh_err_set(err, DRH_E_INPUT, "no database for the canary table %s of %s", table,
                         r->name);
        drh_err_hint(err, "set canary.database (or login.database) in the drill");
        goto done;
    }
    st = s_password(x->d, r, password, sizeof password, err);
    if (st != DRH_OK)
        goto done;
    struct db_target t = {
        pg ? DB_POSTGRES : DB_MYSQL, host, port, database, user, password, r->login.tls,
        r->login.ca_bundle,          10};
    st = db_connect(&t, &c, err);
    crypto_wipe(password, sizeof password);
    if (st == DRH_OK)
        st = canary_db_write(c, table, column, x->d->name, r->name,
                             k->keep > 0 ? k->keep : S_DEFAULT_KEEP, now_us, out, err);
    if (st == DRH_OK)
        *where = xasprintf("table %s at %s:%d", table, host, port);
done:
    db_close(c);
    rds_db_clean_up(&db);
    free(host);
    return st;
}

static enum drh_status s_one(struct s_ctx *x, const struct drill_resource *r, long long now_us,
                             struct canary *out, char **where, struct drh_err *err)
{
    long keep = r->canary.keep > 0 ? r->canary.keep : S_DEFAULT_KEEP;
    if (r->type == DRILL_RDS || r->type == DRILL_AURORA)
        return s_db(x, r, now_us, out, where, err);
    if (r->type == DRILL_EFS) {
        const struct drill_probe *p = s_probe(r);
        const char *file = p && p->canary_file ? p->canary_file : ".drh-canary";
        if (!r->canary.mount) {
            drh_err_set(err, DRH_E_INPUT, "efs resource %s has no canary.mount", r->name);
            return drh_err_hint(err, "canary.mount: where production's file system is mounted "
                                     "on the writer's host");
        }
        enum drh_status st =
            canary_efs_write(r->canary.mount, file, x->d->name, r->name, keep, now_us, out, err);
        if (st == DRH_OK)
            *where = xasprintf("file %s/%s", r->canary.mount, file);
        return st;
    }
    struct aws_client *c = NULL;
    const char *prefix = r->canary.prefix ? r->canary.prefix : CANARY_S3_PREFIX;
    enum drh_status st = s_source(x, &c, err);
    if (st != DRH_OK)
        return st;
    char *bucket = s3_bucket_name(r->source);
    st = canary_s3_write(c, bucket, prefix, x->d->name, r->name, keep, now_us, out, err);
    if (st == DRH_OK) {
        char *key = canary_s3_key(prefix, out->seq);
        *where = xasprintf("s3://%s/%s", bucket, key);
        free(key);
    }
    free(bucket);
    return st;
}

int canary_write_drill(const struct drill *d, long long now_us, FILE *out)
{
    struct s_ctx x = {d, NULL, false};
    int rc = 0;
    size_t wanted = 0;
    for (size_t i = 0; i < d->n_resources; i++) {
        const struct drill_resource *r = &d->resources[i];
        if (!canary_wanted(r))
            continue;
        wanted++;
        struct drh_err err;
        drh_err_clear(&err);
        struct canary c;
        char *where = NULL;
        if (s_one(&x, r, now_us, &c, &where, &err) == DRH_OK) {
            char when[CANARY_TIME_LEN];
            canary_format_time(c.written_us, 'T', when);
            fprintf(out, "%s: canary seq %lld written %s (%s)\n", r->name, c.seq, when, where);
        } else {
            fprintf(stderr, "drh: error: %s: %s\n", r->name, err.msg);
            if (err.hint[0])
                fprintf(stderr, "HINT: %s\n", err.hint);
            int e = drh_status_exit_code(err.code);
            rc = e > rc ? e : rc;
        }
        free(where);
    }
    side_free(x.src);
    if (!wanted) {
        fprintf(stderr,
                "drh: error: drill '%s' has no resource with a canary\n"
                "HINT: give an rds / aurora resource a canary probe or a \"canary\" section, "
                "an efs or s3 resource a \"canary\" section (docs/canary.md)\n",
                d->name);
        return 2;
    }
    return rc;
}
