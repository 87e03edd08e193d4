/* The emulator-backed database fixture of the probe suites: see dbfixture.h. */
#include "dbfixture.h"

#include "aws/http.h"
#include "json.h"
#include "mem.h"
#include "testreg.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S_EMULATOR "fixtures/emulator/run"
#define S_PG_BIN "/usr/lib/postgresql/15/bin"

static struct {
    pid_t pid;         /* the emulator; 0 when not running */
    char dir[64];      /* our temporary directory; its state/ is the emulator's */
    char endpoint[64]; /* http://127.0.0.1:PORT */
    struct http_client *http;
    bool failed; /* a start failed: do not try again in every suite */
} s_fx;

static void s_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Runs argv with stdout and stderr into log (NULL: /dev/null) and extra
 * environment name=value pairs; its exit status, or -1. */
static int s_run(char *const argv[], const char *const *env, const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        for (size_t i = 0; env && env[i]; i += 2)
            setenv(env[i], env[i + 1], 1);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *dbfixture_unavailable(void)
{
    static int checked;
    static const char *why;
    if (checked)
        return why;
    checked = 1;
    char *botocore[] = {(char *)"/usr/bin/python3", (char *)"-c", (char *)"import botocore", NULL};
    if (access(S_EMULATOR, X_OK) != 0)
        why = "no " S_EMULATOR " (run the tests from the project root)";
    else if (access("/usr/bin/python3", X_OK) != 0)
        why = "no /usr/bin/python3 for the AWS emulator (mk/deps.sh build)";
    else if (s_run(botocore, NULL, NULL) != 0)
        why = "/usr/bin/python3 has no botocore for the AWS emulator (apt-get install "
              "python3-botocore)";
    else if (access(S_PG_BIN "/postgres", X_OK) != 0 || access(S_PG_BIN "/pg_dump", X_OK) != 0)
        why = "no PostgreSQL 15 server (" S_PG_BIN "/postgres): mk/deps.sh servers";
    else if (access("/usr/sbin/mariadbd", X_OK) != 0 || access("/usr/bin/mariadb-dump", X_OK) != 0)
        why = "no MariaDB server (/usr/sbin/mariadbd): mk/deps.sh servers";
    return why;
}

const char *dbfixture_dir(void)
{
    return s_fx.dir;
}

static void s_stop(void)
{
    if (s_fx.pid > 0) {
        kill(s_fx.pid, SIGTERM);
        int status;
        pid_t got = 0;
        /* The emulator stops its database servers first: give it time. */
        for (int i = 0; i < 600 && (got = waitpid(s_fx.pid, &status, WNOHANG)) == 0; i++)
            s_sleep_ms(50);
        if (got == 0) {
            fprintf(stderr, "dbfixture: the emulator did not stop in 30 s; killing it\n");
            kill(s_fx.pid, SIGKILL);
            waitpid(s_fx.pid, &status, 0);
        }
        s_fx.pid = 0;
    }
    http_client_free(s_fx.http);
    s_fx.http = NULL;
    if (s_fx.dir[0]) {
        char *cmd = xasprintf("rm -rf '%s'", s_fx.dir);
        if (system(cmd) != 0)
            fprintf(stderr, "dbfixture: could not remove %s\n", s_fx.dir);
        free(cmd);
        s_fx.dir[0] = '\0';
    }
}

/* The state directory's endpoint file appears once the emulator serves. */
static int s_wait_endpoint(void)
{
    char *path = xasprintf("%s/state/endpoint", s_fx.dir);
    int rc = -1;
    for (int i = 0; i < 1200; i++) { /* 60 s: a cold machine */
        int status;
        if (waitpid(s_fx.pid, &status, WNOHANG) == s_fx.pid) {
            fprintf(stderr, "dbfixture: the emulator exited at start; see %s/emulator.log\n",
                    s_fx.dir);
            s_fx.pid = 0;
            break;
        }
        FILE *f = fopen(path, "r");
        if (f) {
            char line[64] = "";
            bool got = fgets(line, sizeof line, f) != NULL;
            fclose(f);
            line[strcspn(line, "\r\n")] = '\0';
            if (got && strncmp(line, "http://127.0.0.1:", 17) == 0 && line[17]) {
                snprintf(s_fx.endpoint, sizeof s_fx.endpoint, "%s", line);
                rc = 0;
                break;
            }
        }
        s_sleep_ms(50);
    }
    free(path);
    return rc;
}

int dbfixture_start(void)
{
    if (s_fx.pid > 0)
        return 0;
    if (s_fx.failed || dbfixture_unavailable())
        return 1;
    snprintf(s_fx.dir, sizeof s_fx.dir, "/tmp/drh-dbfix-XXXXXX");
    /* The emulator runs PostgreSQL as the postgres user when we are root:
     * it must be able to traverse to the state directory. */
    if (!mkdtemp(s_fx.dir) || chmod(s_fx.dir, 0711) != 0) {
        perror("dbfixture: mkdtemp");
        s_fx.failed = true;
        return 1;
    }
    atexit(s_stop);
    char *state = xasprintf("%s/state", s_fx.dir);
    char *log = xasprintf("%s/emulator.log", s_fx.dir);
    pid_t pid = fork();
    if (pid == 0) {
        /* If the test process dies, so does the emulator (and, through its
         * own PR_SET_PDEATHSIG, its database servers). */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execl(S_EMULATOR, S_EMULATOR, "--state", state, (char *)NULL);
        _exit(127);
    }
    free(state);
    free(log);
    if (pid < 0) {
        perror("dbfixture: fork");
        s_fx.failed = true;
        return 1;
    }
    s_fx.pid = pid;
    struct http_options o = {.timeout_ms = 300000};
    s_fx.http = http_client_new(&o);
    if (s_wait_endpoint() != 0) {
        fprintf(stderr, "dbfixture: the emulator did not start; see %s/emulator.log\n", s_fx.dir);
        s_fx.failed = true;
        return 1;
    }
    return 0;
}

/* POSTs body (a JSON document, freed here) to the admin API; the reply's
 * JSON in *reply (caller frees). 0 on a 2xx reply. */
static int s_admin(const char *path, struct json *body, struct json **reply)
{
    char *text = json_print(body, 0);
    json_free(body);
    char *url = xasprintf("%s/_emulator%s", s_fx.endpoint, path);
    struct headers h;
    headers_init(&h);
    headers_add(&h, "Content-Type", "application/json");
    struct http_request req = {"POST", url, &h, text, strlen(text)};
    struct http_response resp;
    struct drh_err err;
    http_response_init(&resp);
    int rc = -1;
    if (!s_fx.http) {
        fprintf(stderr, "dbfixture: %s: the emulator is not running\n", path);
    } else if (http_send(s_fx.http, &req, &resp, NULL, &err) != DRH_OK) {
        fprintf(stderr, "dbfixture: %s: %s\n", path, err.msg);
    } else if (resp.status < 200 || resp.status > 299) {
        fprintf(stderr, "dbfixture: %s: HTTP %ld: %s\n", path, resp.status, buf_str(&resp.body));
    } else if (json_parse(buf_str(&resp.body), resp.body.len, reply, &err) != DRH_OK) {
        fprintf(stderr, "dbfixture: %s: %s\n", path, err.msg);
    } else {
        rc = 0;
    }
    http_response_clean_up(&resp);
    headers_clean_up(&h);
    free(url);
    free(text);
    return rc;
}

int dbfixture_seed(enum db_flavor flavor, const char *identifier, const char *sql,
                   struct dbfixture_db *out)
{
    memset(out, 0, sizeof *out);
    struct json *body = json_new_object(), *reply = NULL;
    json_add_string(body, "profile", "production");
    json_add_string(body, "engine", flavor == DB_POSTGRES ? "postgres" : "mysql");
    json_add_string(body, "identifier", identifier);
    json_add_string(body, "master_username", DBFIXTURE_USER);
    json_add_string(body, "master_password", DBFIXTURE_PASSWORD);
    json_add_string(body, "database", DBFIXTURE_DATABASE);
    if (sql)
        json_add_string(body, "sql", sql);
    if (s_admin("/seed/rds", body, &reply) != 0)
        return -1;
    double port = 0;
    const char *arn = json_get_string(reply, "arn");
    if (!arn || !json_number(json_get(reply, "port"), &port)) {
        fprintf(stderr, "dbfixture: /seed/rds: no arn or port in the reply\n");
        json_free(reply);
        return -1;
    }
    out->flavor = flavor;
    out->identifier = xstrdup(identifier);
    out->arn = xstrdup(arn);
    out->port = (int)port;
    out->database = xstrdup(DBFIXTURE_DATABASE);
    json_free(reply);
    return 0;
}

int dbfixture_sql(const struct dbfixture_db *db, const char *database, const char *sql,
                  bool as_admin, struct buf *rows)
{
    struct json *body = json_new_object(), *reply = NULL;
    json_add_string(body, "arn", db->arn);
    json_add_string(body, "sql", sql);
    if (database)
        json_add_string(body, "database", database);
    json_add_bool(body, "as_master", !as_admin);
    if (s_admin("/rds/sql", body, &reply) != 0)
        return -1;
    if (rows) {
        char *text = json_print(json_get(reply, "rows"), 0);
        buf_puts(rows, text);
        free(text);
    }
    json_free(reply);
    return 0;
}

int dbfixture_copy(const struct dbfixture_db *src, const char *identifier, struct dbfixture_db *out)
{
    if (dbfixture_seed(src->flavor, identifier, NULL, out) != 0)
        return -1;
    char *cmd;
    if (src->flavor == DB_POSTGRES)
        cmd = xasprintf(S_PG_BIN "/pg_dump -h 127.0.0.1 -p %d -U %s --no-owner --no-privileges "
                                 "-d %s | " S_PG_BIN "/psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 "
                                 "-p %d -U %s -d %s",
                        src->port, DBFIXTURE_USER, src->database, out->port, DBFIXTURE_USER,
                        out->database);
    else
        cmd = xasprintf("mariadb-dump --no-defaults -h 127.0.0.1 -P %d -u %s --single-transaction "
                        "%s | mariadb --no-defaults -h 127.0.0.1 -P %d -u %s %s",
                        src->port, DBFIXTURE_USER, src->database, out->port, DBFIXTURE_USER,
                        out->database);
    /* The password travels in the environment, never on a command line. */
    const char *env[] = {"PGPASSWORD", DBFIXTURE_PASSWORD, "MYSQL_PWD", DBFIXTURE_PASSWORD, NULL};
    char *argv[] = {(char *)"/bin/bash", (char *)"-o", (char *)"pipefail", (char *)"-c", cmd, NULL};
    char *log = xasprintf("%s/copy-%s.log", s_fx.dir, identifier);
    int rc = s_run(argv, env, log);
    if (rc != 0)
        fprintf(stderr, "dbfixture: copying %s into %s failed (%d); see %s\n", src->identifier,
                identifier, rc, log);
    free(log);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

int dbfixture_shell(const char *cmd)
{
    char *argv[] = {(char *)"/bin/bash", (char *)"-o", (char *)"pipefail",
                    (char *)"-c",        (char *)cmd,  NULL};
    char *log = xasprintf("%s/commands.log", s_fx.dir);
    int rc = s_run(argv, NULL, log);
    if (rc != 0)
        fprintf(stderr, "dbfixture: command failed (%d); see %s\n", rc, log);
    free(log);
    return rc;
}

struct db_target dbfixture_target(const struct dbfixture_db *db)
{
    struct db_target t = {0};
    t.flavor = db->flavor;
    t.host = "127.0.0.1";
    t.port = db->port;
    t.database = db->database;
    t.user = DBFIXTURE_USER;
    t.password = DBFIXTURE_PASSWORD;
    t.tls = DRILL_TLS_PREFER;
    t.connect_timeout = 10;
    return t;
}

struct db_conn *dbfixture_connect(const struct dbfixture_db *db)
{
    struct db_target t = dbfixture_target(db);
    struct db_conn *c = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    if (db_connect(&t, &c, &err) != DRH_OK) {
        TEST_FAILF("connect to %s: %s", db->identifier, err.msg);
        return NULL;
    }
    return c;
}

long dbfixture_server_pid(const struct dbfixture_db *db)
{
    char *url = xasprintf("%s/_emulator/rds/servers", s_fx.endpoint);
    struct http_request req = {"GET", url, NULL, NULL, 0};
    struct http_response resp;
    struct json *doc = NULL;
    struct drh_err err;
    long pid = -1;
    http_response_init(&resp);
    if (s_fx.http && http_send(s_fx.http, &req, &resp, NULL, &err) == DRH_OK &&
        json_parse(buf_str(&resp.body), resp.body.len, &doc, &err) == DRH_OK) {
        for (const struct json *s = json_first(json_get(doc, "servers")); s; s = json_next(s)) {
            const char *arn = json_get_string(s, "arn");
            double v;
            if (arn && strcmp(arn, db->arn) == 0 && json_number(json_get(s, "pid"), &v))
                pid = (long)v;
        }
    }
    json_free(doc);
    http_response_clean_up(&resp);
    free(url);
    return pid;
}

void dbfixture_db_clean_up(struct dbfixture_db *db)
{
    if (!db)
        return;
    free(db->identifier);
    free(db->arn);
    free(db->database);
    memset(db, 0, sizeof *db);
}
