/* TLS modes of the PostgreSQL driver against a real server with TLS turned
 * on (ALTER SYSTEM, a self-signed certificate made with the openssl tool):
 * prefer and require encrypt, verify-full checks the chain against
 * login.ca_bundle and the certificate's names against the host, disable
 * does not encrypt. The emulator's MariaDB cannot turn TLS on at run time,
 * so the MySQL side is covered by its refusals in probes-mysql. */
#include "support/dbfixture.h"
#include "support/testreg.h"

#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct dbfixture_db s_db;
static char *s_dir; /* certificates */

static const char *s_skip(void)
{
    const char *why = dbfixture_unavailable();
    if (why)
        return why;
    if (access("/usr/bin/openssl", X_OK) != 0)
        return "no /usr/bin/openssl to make test certificates";
    return NULL;
}

static char *s_path(const char *name)
{
    return xasprintf("%s/%s", s_dir, name);
}

static int s_make_cert(const char *name, const char *subject, const char *san, uid_t uid, gid_t gid)
{
    char *key = s_path(name), *crt;
    char *cmd = xasprintf("/usr/bin/openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s.key' "
                          "-out '%s.crt' -days 2 -subj '%s' -addext 'subjectAltName=%s'",
                          key, key, subject, san);
    int rc = dbfixture_shell(cmd);
    free(cmd);
    crt = xasprintf("%s.crt", key);
    char *keyfile = xasprintf("%s.key", key);
    /* PostgreSQL insists that its key belongs to it and nobody else reads it. */
    if (rc == 0 &&
        (chown(keyfile, uid, gid) != 0 || chmod(keyfile, 0600) != 0 || chmod(crt, 0644) != 0))
        rc = -1;
    free(keyfile);
    free(crt);
    free(key);
    return rc;
}

/* Points the server at name.crt / name.key and reloads it. */
static int s_use_cert(const char *name)
{
    char *base = s_path(name);
    char *sql = xasprintf("ALTER SYSTEM SET ssl_cert_file = '%s.crt';\n"
                          "ALTER SYSTEM SET ssl_key_file = '%s.key';\n"
                          "ALTER SYSTEM SET ssl = on;\n"
                          "SELECT pg_reload_conf();",
                          base, base);
    int rc = dbfixture_sql(&s_db, NULL, sql, true, NULL);
    free(sql);
    free(base);
    return rc;
}

/* A connection with these settings: its status, *tls whether encrypted. */
static enum drh_status s_try(enum drill_tls tls, const char *host, const char *ca, bool *tls_used,
                             struct drh_err *err)
{
    struct db_target t = dbfixture_target(&s_db);
    struct db_conn *c = NULL;
    t.tls = tls;
    t.host = host;
    t.ca_bundle = ca;
    drh_err_clear(err);
    enum drh_status st = db_connect(&t, &c, err);
    if (st == DRH_OK)
        *tls_used = db_tls_in_use(c);
    db_close(c);
    return st;
}

/* The reload is asynchronous: wait until sessions see the new setting. */
static int s_wait_for(enum drill_tls tls, const char *ca, enum drh_status want)
{
    for (int i = 0; i < 100; i++) {
        struct drh_err err;
        bool used = false;
        if (s_try(tls, "127.0.0.1", ca, &used, &err) == want)
            return 0;
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
    return -1;
}

static int s_init(void)
{
    if (dbfixture_start() != 0 ||
        dbfixture_seed(DB_POSTGRES, "pg-tls", "CREATE TABLE t (v int);", &s_db) != 0)
        return 1;
    s_dir = xasprintf("%s/tls", dbfixture_dir());
    long pid = dbfixture_server_pid(&s_db);
    char *proc = xasprintf("/proc/%ld", pid);
    struct stat st;
    int rc = mkdir(s_dir, 0755) != 0 || pid <= 0 || stat(proc, &st) != 0;
    free(proc);
    if (rc) {
        fprintf(stderr, "probes-tls: no certificate directory or server pid\n");
        return 1;
    }
    if (s_make_cert("server", "/CN=drh-test-db", "IP:127.0.0.1,DNS:localhost", st.st_uid,
                    st.st_gid) != 0 ||
        s_make_cert("other", "/CN=someone-else", "IP:127.0.0.1", st.st_uid, st.st_gid) != 0 ||
        s_make_cert("named", "/CN=db.example.internal", "DNS:db.example.internal", st.st_uid,
                    st.st_gid) != 0 ||
        s_use_cert("server") != 0 || s_wait_for(DRILL_TLS_REQUIRE, NULL, DRH_OK) != 0) {
        fprintf(stderr, "probes-tls: could not turn TLS on\n");
        return 1;
    }
    return 0;
}

static int s_cleanup(void)
{
    dbfixture_db_clean_up(&s_db);
    free(s_dir);
    s_dir = NULL;
    return 0;
}

static void s_expect_tls(enum drill_tls tls, const char *host, const char *ca, bool want_tls)
{
    struct drh_err err;
    bool used = !want_tls;
    enum drh_status st = s_try(tls, host, ca, &used, &err);
    if (st != DRH_OK)
        TEST_FAILF("mode %d host %s: %s", (int)tls, host, err.msg);
    CU_ASSERT_EQUAL(used, want_tls);
}

static void test_modes_that_connect(void)
{
    char *ca = s_path("server.crt");
    s_expect_tls(DRILL_TLS_PREFER, "127.0.0.1", NULL, true);
    s_expect_tls(DRILL_TLS_REQUIRE, "127.0.0.1", NULL, true);
    s_expect_tls(DRILL_TLS_VERIFY_FULL, "127.0.0.1", ca, true);
    s_expect_tls(DRILL_TLS_VERIFY_FULL, "localhost", ca, true);
    s_expect_tls(DRILL_TLS_DISABLE, "127.0.0.1", NULL, false);
    free(ca);
}

static void s_expect_refused(const char *host, const char *ca, const char *contains)
{
    struct drh_err err;
    bool used;
    enum drh_status st = s_try(DRILL_TLS_VERIFY_FULL, host, ca, &used, &err);
    if (st != DRH_E_TLS || !strstr(err.msg, contains))
        TEST_FAILF("wanted tls error with '%s', got %s: %s", contains, drh_status_name(st),
                   err.msg);
    CU_ASSERT_PTR_NULL(strstr(err.msg, DBFIXTURE_PASSWORD));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "ca_bundle"));
}

static void test_verify_full_checks_the_chain(void)
{
    char *other = s_path("other.crt");
    s_expect_refused("127.0.0.1", other, "certificate verify failed");
    free(other);
    s_expect_refused("127.0.0.1", "/nonexistent/ca.pem", "/nonexistent/ca.pem");
}

static void test_verify_full_checks_the_name(void)
{
    char *named = s_path("named.crt");
    CU_ASSERT_EQUAL_FATAL(s_use_cert("named"), 0);
    CU_ASSERT_EQUAL_FATAL(s_wait_for(DRILL_TLS_VERIFY_FULL, named, DRH_E_TLS), 0);
    s_expect_refused("127.0.0.1", named, "does not match host name");
    /* require encrypts without looking at names or chains. */
    s_expect_tls(DRILL_TLS_REQUIRE, "127.0.0.1", NULL, true);
    free(named);
}

static const struct test_case cases[] = {
    {"prefer, require and verify-full encrypt; disable does not", test_modes_that_connect},
    {"verify-full refuses a chain the CA bundle does not trust", test_verify_full_checks_the_chain},
    {"verify-full refuses a certificate for another host name", test_verify_full_checks_the_name},
};

TEST_SUITE_FULL("probes-tls", cases, s_skip, s_init, s_cleanup)
