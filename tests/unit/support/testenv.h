/*
 * Test helpers: an injected environment (struct aws_env) that never sees the
 * real one, a settable clock, and temporary files. A test environment
 * always disables instance metadata and points HOME at an empty temporary
 * directory, so no test reads the developer's ~/.aws or leaves 127.0.0.1.
 */
#ifndef DRH_TESTENV_H
#define DRH_TESTENV_H

#include "aws/env.h"
#include "buf.h"

#include <time.h>

struct testenv {
    struct aws_env env;
    char *names[64];
    char *values[64];
    int n;
    time_t now;
    char dir[64]; /* a fresh temporary directory, removed by testenv_free */
};

struct testenv *testenv_new(void);
void testenv_free(struct testenv *t);
/* value NULL unsets. */
void testenv_set(struct testenv *t, const char *name, const char *value);
/* Writes DIR/name with text; returns the path (owned by t's directory,
 * caller frees the string). */
char *testenv_write(struct testenv *t, const char *name, const char *text, int mode);
/* Reads a whole file; caller frees. NULL if unreadable. */
char *test_read_file(const char *path);
/* Appends a whole file (binary-safe) to b, which stays NUL-terminated and
 * allocated; 0 if unreadable. */
int test_read_into(const char *path, struct buf *b);

/* Appends tests/data/protocol/NAME to b; on failure fails the running test
 * (naming the file) and returns 0. Tests run from the project root. */
int test_read_sample(const char *name, struct buf *b);

#endif
