/*
 * What a run found, in the shape reports need: a suite per drill and
 * resource, a case per step, probe, RTO, RPO and teardown, properties for
 * measurements and ARNs. The runner fills it; reports/junit.c writes JUnit
 * XML (valid against junit-10.xsd) and reports/evidence.c the evidence JSON.
 * See docs/reports.md for both formats.
 *
 * Everything is copied in, and nothing here may hold a secret: messages,
 * details and property values pass through redact_text() on the way in, a
 * property whose name is a secret's (redact_is_secret_name()) keeps only
 * REDACTED, and the evidence document is copied out the same way.
 *
 * Suites and cases are allocated one by one, so a pointer returned by
 * report_add_suite() / report_add_case() stays valid until
 * report_clean_up(), whatever is added later.
 */
#ifndef DRH_REPORTS_REPORT_H
#define DRH_REPORTS_REPORT_H
#include "err.h"
#include "json.h"
#include <stddef.h>
#include <time.h>

enum report_status { REPORT_PASS, REPORT_FAIL, REPORT_ERROR, REPORT_SKIPPED };

/* A run id, made into file names (DIR/<run-id>.json): letters, digits, '.',
 * '_' and '-', no leading dot, at most this many characters. */
#define REPORT_RUN_ID_MAX 100

struct report_property {
    char *name;
    char *value;
};

struct report_case {
    char *name;      /* "restore", "probe sql row-count", "rto", ...: unique in its suite */
    char *classname; /* "<drill>/<resource>" */
    enum report_status status;
    double seconds;
    double ended; /* wall clock (epoch seconds) when it was added: the step ended
                   * then and began seconds before; 0: unknown */
    char *message; /* NULL on pass: one line, what failed and why */
    char *detail;  /* NULL or longer text (failure body) */
};

struct report_suite {
    char *name;     /* "<drill>/<resource>" */
    char *hostname; /* "" or where it ran */
    char *file;     /* "" or the drill file it ran from */
    time_t started; /* wall clock; 0: the report's */
    double seconds; /* 0: the sum of the cases' */
    struct report_case **cases;
    size_t n_cases;
    struct report_property *props; /* names are unique, in order of first addition */
    size_t n_props;
};

struct report {
    char *run_id;
    time_t started;
    double seconds; /* 0: the sum of the suites' */
    struct report_suite **suites;
    size_t n_suites;
    struct json *evidence; /* owned: NULL or an object, the runner's part of
                            * the evidence document (evidence.c adds the rest);
                            * report_clean_up() frees it */
};

/* Caller storage: report_init() / report_clean_up(). run_id is copied (and
 * checked only by evidence_write(): see report_check_run_id()). */
void report_init(struct report *r, const char *run_id, time_t started);
void report_clean_up(struct report *r);
/* Appends and returns a suite / a case (strings copied, NULL taken as "").
 * classname NULL: the suite's name. message NULL: none. A case named like
 * one the suite already has becomes "NAME (2)", "NAME (3)", ...: CI tools
 * key results by classname and name. ended is set to now. The result
 * belongs to r. */
struct report_suite *report_add_suite(struct report *r, const char *name, time_t started);
struct report_case *report_add_case(struct report_suite *s, const char *classname, const char *name,
                                    enum report_status status, double seconds, const char *message);
/* Replaces c's detail (NULL: none); copied, redacted. */
void report_case_set_detail(struct report_case *c, const char *detail);
/* Replace s's hostname / drill file (NULL: ""). */
void report_suite_set_hostname(struct report_suite *s, const char *hostname);
void report_suite_set_file(struct report_suite *s, const char *file);
/* A property's value, NULL when s has none of that name. */
const char *report_property(const struct report_suite *s, const char *name);
/* Sets a property: a name already present gets the new value in its place
 * (JUnit allows repeats, the evidence's properties object does not). */
void report_add_property(struct report_suite *s, const char *name, const char *value);
void report_add_propertyf(struct report_suite *s, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Counts over all suites / over one suite. */
size_t report_count(const struct report *r, enum report_status status);
size_t report_suite_count(const struct report_suite *s, enum report_status status);
/* "pass", "fail", "error", "skipped": the evidence's case status. */
const char *report_status_name(enum report_status status);

/* DRH_E_INPUT, naming run_id, unless it is safe as a file name: see
 * REPORT_RUN_ID_MAX. */
enum drh_status report_check_run_id(const char *run_id, struct drh_err *err);

/* Writes JUnit XML to path (atomically: a temporary file, then rename).
 * The directory must exist (DRH_E_IO with a hint otherwise). A message
 * longer than 4096 bytes is cut in the message attribute (the whole of it
 * then goes in the element's text when there is no detail); a detail longer
 * than 1 MiB is cut, saying how much was left out. */
enum drh_status junit_write(const struct report *r, const char *path, struct drh_err *err);
/* The evidence document: r->evidence (copied, redacted) between run_id,
 * drh_version, started, seconds and totals, suites (docs/reports.md).
 * DRH_E_INTERNAL when r->evidence is not an object or uses one of those
 * names. *out (caller frees with json_free()) is set on success only. */
enum drh_status evidence_document(const struct report *r, struct json **out, struct drh_err *err);
/* Creates the run's evidence bundle directory DIR/<run-id>/ (DIR made like
 * mkdir -p, mode 0755). The bundle itself must be new: evidence is never
 * overwritten (DRH_E_IO with a hint). DRH_E_INPUT for an unsafe run id.
 * *bundle_out (caller frees) gets its path. */
enum drh_status evidence_bundle_create(const char *dir, const char *run_id, char **bundle_out,
                                       struct drh_err *err);
/* Writes doc as indented JSON and a newline to path, atomically. */
enum drh_status evidence_write_json(const struct json *doc, const char *path, struct drh_err *err);

/*
 * For the writers (junit.c, evidence.c).
 */
/* c->seconds, shown as 0 when negative, NaN or infinite (clock trouble),
 * and at most 1e9. */
double report_case_seconds(const struct report_case *c);
/* s->seconds, or the sum of its cases' when 0; never negative nor NaN. */
double report_suite_seconds(const struct report_suite *s);
/* r->seconds, or the sum of the suites' when 0; never negative nor NaN. */
double report_seconds(const struct report *r);
/* t in UTC: "2025-11-22T02:53:20Z" with zone non-zero, else without the Z. */
void report_format_utc(time_t t, int zone, char out[32]);
/* t (epoch seconds) in UTC with milliseconds: "2025-11-22T02:53:20.125Z". */
void report_format_utc_ms(double t, char out[64]);
/* Seconds for people: "0.044 s", "2.9 s", "4 m 10 s", "13 h 53 m",
 * "2 d 3 h" (the two largest units, the second left out when 0); "–" when
 * negative, NaN or infinite. For the HTML page and the Markdown summary. */
void report_format_seconds(double s, char out[32]);
/* The length of text (len bytes) cut to at most max bytes on a UTF-8
 * character boundary: len itself when it fits. */
size_t report_cut_len(const char *text, size_t len, size_t max);
/* Replaces path with len bytes of data, atomically and durably: a
 * temporary file in the same directory, fsync, rename, fsync of the
 * directory. The file gets mode 0644. DRH_E_IO naming path otherwise; the
 * temporary file is removed. */
enum drh_status report_write_file(const char *path, const void *data, size_t len,
                                  struct drh_err *err);

#endif
