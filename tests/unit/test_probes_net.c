/* Tests of the http and tcp probes (probes/net.h) against servers on
 * 127.0.0.1: the scripted HTTP server (status match and mismatch, body
 * regex, an app that answers only after a few tries), a port nobody
 * listens on (refused), a socket that accepts but never answers (timeout),
 * and open and closed TCP ports. */
#include "support/httpd.h"
#include "support/testreg.h"

#include "probes/net.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct httpd *s_srv;
static int s_port;

static int s_init(void)
{
    s_srv = httpd_start();
    if (!s_srv)
        return 1;
    s_port = (int)strtol(strrchr(httpd_url(s_srv), ':') + 1, NULL, 10);
    return 0;
}

static int s_cleanup(void)
{
    httpd_stop(s_srv);
    return 0;
}

/* A listening socket on 127.0.0.1 that never accepts: connections complete
 * in the kernel's backlog and get no answer. Its port in *port. */
static int s_silent_listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* A port on 127.0.0.1 that nobody listens on (bound, then closed). */
static int s_closed_port(void)
{
    int port = 0;
    int fd = s_silent_listener(&port);
    if (fd >= 0)
        close(fd);
    return port;
}

static struct drill_probe s_http(const char *path, int status, const char *regex, long timeout)
{
    struct drill_probe p = {0};
    p.name = (char *)"health";
    p.kind = PROBE_HTTP;
    p.http_path = (char *)path;
    p.http_status = status;
    p.body_regex = (char *)regex;
    p.timeout = timeout;
    return p;
}

static void test_http_pass(void)
{
    struct httpd_reply r[] = {{200, NULL, "status: ok v1.2", 0, 0, 0}};
    httpd_script(s_srv, r, 1);
    struct drill_probe p = s_http("/health", 200, "^status: ok", 5);
    struct probe_result out;
    probe_http_run("127.0.0.1", s_port, &p, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_PASS);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "status 200"));
    CU_ASSERT_EQUAL_FATAL(httpd_request_count(s_srv), 1);
    const struct httpd_request *req = httpd_request_at(s_srv, 0);
    CU_ASSERT_STRING_EQUAL(req->method, "GET");
    CU_ASSERT_STRING_EQUAL(req->target, "/health");
}

static void test_http_status_mismatch(void)
{
    struct httpd_reply r[] = {{500, NULL, "down", 0, 0, 0},
                              {500, NULL, "down", 0, 0, 0},
                              {500, NULL, "down", 0, 0, 0},
                              {500, NULL, "down", 0, 0, 0}};
    httpd_script(s_srv, r, 4);
    struct drill_probe p = s_http("/health", 200, NULL, 2);
    struct probe_result out;
    probe_http_run("127.0.0.1", s_port, &p, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "status 500, expected 200"));
    /* retried until the timeout, and no longer */
    CU_ASSERT_TRUE(httpd_request_count(s_srv) >= 2);
    CU_ASSERT_TRUE(out.seconds >= 1.5 && out.seconds < 4.0);
}

static void test_http_other_expected_status(void)
{
    struct httpd_reply r[] = {{204, NULL, NULL, 0, 0, 0}};
    httpd_script(s_srv, r, 1);
    struct drill_probe p = s_http("ready", 204, NULL, 3);
    struct probe_result out;
    probe_http_run("127.0.0.1", s_port, &p, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_PASS);
    CU_ASSERT_STRING_EQUAL(httpd_request_at(s_srv, 0)->target, "/ready");
}

static void test_http_body_mismatch(void)
{
    struct httpd_reply r[] = {{200, NULL, "maintenance mode", 0, 0, 0},
                              {200, NULL, "maintenance mode", 0, 0, 0},
                              {200, NULL, "maintenance mode", 0, 0, 0}};
    httpd_script(s_srv, r, 3);
    struct drill_probe p = s_http("/health", 200, "^ok$", 1);
    struct probe_result out;
    probe_http_run("127.0.0.1", s_port, &p, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "'maintenance mode' does not match /^ok$/"));
}

static void test_http_app_still_booting(void)
{
    struct httpd_reply r[] = {{503, NULL, "starting", 0, 0, 0}, {200, NULL, "ok", 0, 0, 0}};
    httpd_script(s_srv, r, 2);
    struct drill_probe p = s_http("/", 200, "ok", 10);
    struct probe_result out;
    probe_http_run("127.0.0.1", s_port, &p, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_PASS);
    CU_ASSERT_EQUAL(httpd_request_count(s_srv), 2);
}

static void test_http_bad_regex(void)
{
    struct drill_probe p = s_http("/", 200, "([unclosed", 1);
    struct probe_result out;
    probe_http_run("127.0.0.1", s_port, &p, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "does not compile"));
}

static void test_http_refused(void)
{
    struct drill_probe p = s_http("/health", 200, NULL, 1);
    struct probe_result out;
    probe_http_run("127.0.0.1", s_closed_port(), &p, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "no answer within 1s"));
    CU_ASSERT_TRUE(out.seconds < 3.0);
}

static void test_http_timeout(void)
{
    int port = 0;
    int fd = s_silent_listener(&port);
    CU_ASSERT_FATAL(fd >= 0);
    struct drill_probe p = s_http("/health", 200, NULL, 1);
    struct probe_result out;
    probe_http_run("127.0.0.1", port, &p, &out);
    close(fd);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "no answer"));
    CU_ASSERT_TRUE(out.seconds >= 0.9 && out.seconds < 3.0);
}

static void test_tcp_open_and_closed(void)
{
    int port = 0;
    int fd = s_silent_listener(&port);
    CU_ASSERT_FATAL(fd >= 0);
    struct drill_probe p = {0};
    p.name = (char *)"ssh";
    p.kind = PROBE_TCP;
    p.timeout = 2;
    struct probe_result out;
    probe_tcp_run("127.0.0.1", port, &p, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_PASS);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "accepts connections"));
    close(fd);
    p.timeout = 1;
    probe_tcp_run("127.0.0.1", s_closed_port(), &p, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.message, "refused"));
    probe_tcp_run("127.0.0.1", 70000, &p, &out);
    CU_ASSERT_EQUAL(out.verdict, PROBE_ERROR);
}

static const struct test_case cases[] = {
    {"http pass", test_http_pass},
    {"http status mismatch", test_http_status_mismatch},
    {"http other expected status", test_http_other_expected_status},
    {"http body mismatch", test_http_body_mismatch},
    {"http app still booting", test_http_app_still_booting},
    {"http bad regex", test_http_bad_regex},
    {"http refused", test_http_refused},
    {"http timeout", test_http_timeout},
    {"tcp open and closed", test_tcp_open_and_closed},
};

TEST_SUITE_FULL("probes-net", cases, NULL, s_init, s_cleanup)
