/*
 * Self-registering CUnit suites: each tests/unit/test_*.c file lists its
 * cases and calls TEST_SUITE(); main.c adds every suite to CUnit, sorted by
 * name, so no shared list needs editing when a test file is added.
 *
 * A suite whose precondition is missing (a shared folder, a program) is
 * registered inactive with its reason printed: CUnit counts it under
 * "Inactive", never as passed.
 */
#ifndef DRH_TESTREG_H
#define DRH_TESTREG_H

#include <CUnit/CUnit.h>
#include <stddef.h>

struct test_case {
    const char *name;
    void (*fn)(void);
};

/* Returns NULL when the suite can run, else why it is skipped. */
typedef const char *(*test_skip_fn)(void);

void testreg_add(const char *suite, const struct test_case *cases, size_t n, test_skip_fn skip,
                 int (*init)(void), int (*cleanup)(void));

#define TEST_SUITE_FULL(name, cases, skip, init, cleanup)                                          \
    __attribute__((constructor)) static void s_register_suite(void)                                \
    {                                                                                              \
        testreg_add(name, cases, sizeof(cases) / sizeof((cases)[0]), skip, init, cleanup);         \
    }

#define TEST_SUITE(name, cases) TEST_SUITE_FULL(name, cases, NULL, NULL, NULL)

/* A failed assertion with a formatted message, so a data-driven test can
 * name its case: CU_FAIL() takes only a literal. */
void test_failf(const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define TEST_FAILF(...) test_failf(__FILE__, __LINE__, __VA_ARGS__)

/* Registry access for main.c. */
int testreg_run(int argc, char **argv);

#endif
