/* Test environment helpers: see testenv.h. */
#include "testenv.h"

#include "mem.h"
#include "testreg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *s_get(const char *name, void *ctx)
{
    struct testenv *t = ctx;
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->names[i], name) == 0)
            return t->values[i];
    return NULL;
}

static time_t s_now(void *ctx)
{
    return ((struct testenv *)ctx)->now;
}

struct testenv *testenv_new(void)
{
    struct testenv *t = xcalloc(1, sizeof *t);
    t->env.get = s_get;
    t->env.now = s_now;
    t->env.ctx = t;
    t->now = 1763780000; /* 2025-11-22T02:53:20Z */
    snprintf(t->dir, sizeof t->dir, "/tmp/drh-test-XXXXXX");
    if (!mkdtemp(t->dir)) {
        perror("mkdtemp");
        abort();
    }
    testenv_set(t, "HOME", t->dir);
    testenv_set(t, "AWS_EC2_METADATA_DISABLED", "true");
    return t;
}

void testenv_set(struct testenv *t, const char *name, const char *value)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->names[i], name) == 0) {
            free(t->values[i]);
            if (value) {
                t->values[i] = xstrdup(value);
            } else {
                free(t->names[i]);
                t->n--;
                t->names[i] = t->names[t->n];
                t->values[i] = t->values[t->n];
            }
            return;
        }
    if (!value)
        return;
    if (t->n == 64)
        abort();
    t->names[t->n] = xstrdup(name);
    t->values[t->n] = xstrdup(value);
    t->n++;
}

char *testenv_write(struct testenv *t, const char *name, const char *text, int mode)
{
    char *path = xasprintf("%s/%s", t->dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        abort();
    }
    fputs(text, f);
    fclose(f);
    chmod(path, (mode_t)(mode ? mode : 0600));
    return path;
}

int test_read_into(const char *path, struct buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(b, chunk, n);
    int ok = !ferror(f);
    fclose(f);
    buf_append(b, "", 0); /* b->data is allocated even for an empty file */
    return ok;
}

int test_read_sample(const char *name, struct buf *b)
{
    char path[256];
    snprintf(path, sizeof path, "tests/data/protocol/%s", name);
    if (test_read_into(path, b))
        return 1;
    TEST_FAILF("%s: cannot read it (run the tests from the project root)", path);
    return 0;
}

char *test_read_file(const char *path)
{
    struct buf b;
    buf_init(&b);
    if (!test_read_into(path, &b)) {
        buf_clean_up(&b);
        return NULL;
    }
    return buf_detach(&b);
}

void testenv_free(struct testenv *t)
{
    if (!t)
        return;
    char *cmd = xasprintf("rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "testenv: could not remove %s\n", t->dir);
    free(cmd);
    for (int i = 0; i < t->n; i++) {
        free(t->names[i]);
        free(t->values[i]);
    }
    free(t);
}
