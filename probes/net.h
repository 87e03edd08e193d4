/*
 * Network probes of a launched instance (drill.h: PROBE_HTTP, PROBE_TCP):
 * an HTTP GET that must answer with the expected status and a body
 * matching a POSIX extended regular expression, and a TCP port that must
 * accept a connection. An application may still be booting when the
 * instance's status checks pass, so both retry (once a second) until the
 * probe's timeout (p->timeout seconds; 0: 60) and report the last answer
 * they got. Never blocks much longer than that timeout.
 *
 * Verdicts: PROBE_PASS; PROBE_FAIL when the instance never answered as
 * expected (wrong status, body not matching, connection refused, no answer
 * in time); PROBE_ERROR when the probe itself cannot run (a body_regex that
 * does not compile, a port out of range).
 */
#ifndef DRH_PROBES_NET_H
#define DRH_PROBES_NET_H
#include "probes/probe.h"

/* GET http://host:port<p->http_path> (host may be an IPv6 literal). */
void probe_http_run(const char *host, int port, const struct drill_probe *p,
                    struct probe_result *out);
/* A TCP connection to host:port. */
void probe_tcp_run(const char *host, int port, const struct drill_probe *p,
                   struct probe_result *out);

#endif
