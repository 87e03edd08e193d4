/*
 * Fuzz targets: each feeds arbitrary bytes to drh's own parsers (the very
 * functions the program calls on drill files and AWS responses) and frees
 * everything it got. They are built twice: by clang with libFuzzer for
 * `make fuzz` (tests/fuzz/fuzz_main.c, mk/fuzz.mk), and by the ordinary
 * compiler into the unit tests, where the fuzz-replay suite
 * (tests/unit/test_fuzz_replay.c) runs every seed and regression input
 * through them. See docs/fuzzing.md.
 *
 * Each returns 0. A broken promise of the code under test (an invariant the
 * header states: a canonical request with the wrong number of lines, a next
 * fire time before the time asked about) ends the process through
 * fuzz_fail(), so libFuzzer records the input as a crash.
 */
#ifndef DRH_FUZZ_TARGETS_H
#define DRH_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* drill_load() of the bytes as a drill file. */
int fuzz_drill(const uint8_t *data, size_t size);
/* xml_parse() and the tree getters; aws_error_parse() and
 * aws_response_request_id() in every protocol; aws_query_parse() with the
 * RDS and EC2 readers behind it; xml_escape() round trips. */
int fuzz_xml(const uint8_t *data, size_t size);
/* json_parse() and json_parse_located() (with positions) and the getters;
 * the AWS JSON readers (errors, tokens, Backup times, credentials, canary
 * bodies, history records); print / parse round trips. */
int fuzz_json(const uint8_t *data, size_t size);
/* sigv4_canonical_request(), sigv4_sign() and sigv4_presign() of a request
 * carved from the bytes (format in fuzz_sigv4.c). */
int fuzz_sigv4(const uint8_t *data, size_t size);
/* schedule_parse() of an expression, zone and start carved from the bytes,
 * then schedule_next() / schedule_prev() around a few instants. */
int fuzz_schedule(const uint8_t *data, size_t size);

/* The targets, by name, for the replay suite: {"drill", fuzz_drill}, ... */
struct fuzz_target {
    const char *name;
    int (*run)(const uint8_t *data, size_t size);
};
extern const struct fuzz_target fuzz_targets[];
extern const size_t fuzz_target_count;

/* Reports a violated invariant on stderr ("fuzz: TARGET: WHAT (FILE:LINE)")
 * and aborts. */
void fuzz_fail(const char *target, const char *file, int line, const char *what)
    __attribute__((noreturn));
#define FUZZ_CHECK(target, cond)                                                                   \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(target, __FILE__, __LINE__, #cond);                                          \
    } while (0)

/* The bytes as a NUL-terminated copy (a NUL inside ends the C string there,
 * as it would for the program); caller frees with free(). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* Line i (from 0) of the bytes split on '\n', as fuzz_strndup() copies it;
 * "" past the end. Caller frees. */
char *fuzz_line(const uint8_t *data, size_t size, size_t i);
/* The offset just after the n-th newline; size when there are fewer. */
size_t fuzz_after_lines(const uint8_t *data, size_t size, size_t n);

/* The length of the well-formed UTF-8 sequence that starts s (a C string)
 * and its code point in *cp; 0 at the end and for a malformed one
 * (truncated, overlong, a surrogate, past U+10FFFF). */
size_t fuzz_utf8(const unsigned char *s, unsigned long *cp);

#endif
