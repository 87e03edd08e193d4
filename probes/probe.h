/*
 * The probes of a restored database (drill.h: struct drill_probe): sql,
 * tables, schema, checksum, canary, integrity. Each gives a verdict, a
 * message that says what was expected and what was found, and its time.
 * docs/probes.md says what each kind does and how it decides.
 */
#ifndef DRH_PROBES_PROBE_H
#define DRH_PROBES_PROBE_H
#include "drill/drill.h"
#include "probes/db.h"
#include <time.h>

enum probe_verdict { PROBE_PASS, PROBE_FAIL, PROBE_ERROR };

struct probe_result {
    enum probe_verdict verdict;
    char message[1024]; /* pass: what was found; fail: expected vs found */
    double seconds;     /* wall time the probe took */
    /* canary: the newest canary's time (UTC epoch seconds), or -1 */
    double canary_time;
};

/* Runs one probe. base_dir resolves a relative manifest path (NULL: the
 * current directory). A probe that cannot run (lost connection, missing
 * manifest, a statement the server refuses, out of time) is PROBE_ERROR;
 * PROBE_FAIL means the database was looked at and is not as expected.
 * p->timeout (seconds; 0: 60) bounds the whole probe. Never blocks longer
 * than that plus a connection's own timeouts. */
void probe_run(struct db_conn *c, const struct drill_probe *p, const char *base_dir,
               struct probe_result *out);

/* Runs one probe of a restored file tree (efs: manifest, files, canary;
 * probe_files.c) rooted at root, read without following symbolic links
 * inside it. base_dir resolves a relative manifest path; t0_wall (epoch
 * seconds) is T0 for the files probe's max_age. Verdicts as probe_run(). */
void probe_tree_run(const char *root, const struct drill_probe *p, const char *base_dir,
                    double t0_wall, struct probe_result *out);

/* "pass", "fail", "error". */
const char *probe_verdict_name(enum probe_verdict v);

#endif
