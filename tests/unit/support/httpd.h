/*
 * A scripted HTTP/1.1 server on 127.0.0.1 for tests: it answers each request
 * with the next reply of its script (status, headers, body, or a fault: a
 * dropped connection, a truncated body, a delay) and records every request
 * it received. Real sockets, so retries, timeouts and keep-alive are tested
 * through libcurl as in production. One connection at a time.
 */
#ifndef DRH_TEST_HTTPD_H
#define DRH_TEST_HTTPD_H

#include "aws/headers.h"
#include "buf.h"

#include <stddef.h>

struct httpd_reply {
    int status;
    const char *headers; /* "Name: value\r\n" lines, or NULL */
    const char *body;    /* NULL: empty */
    int drop;            /* close the connection without answering */
    int truncate;        /* promise more body than is sent, then close */
    int delay_ms;        /* wait before answering */
};

struct httpd_request {
    char method[16];
    char *target; /* path and query as received */
    struct headers headers;
    struct buf body;
};

struct httpd;

struct httpd *httpd_start(void);
void httpd_stop(struct httpd *s);
/* "http://127.0.0.1:PORT" */
const char *httpd_url(const struct httpd *s);
/* Replaces the script; once it runs out, every request gets a 599. */
void httpd_script(struct httpd *s, const struct httpd_reply *replies, size_t n);
size_t httpd_request_count(struct httpd *s);
/* The i-th request received; valid until httpd_script() or httpd_stop(). */
const struct httpd_request *httpd_request_at(struct httpd *s, size_t i);

#endif
