/* The registry behind TEST_SUITE(): see testreg.h. */
#include "testreg.h"

#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct suite_entry {
    const char *name;
    const struct test_case *cases;
    size_t n;
    test_skip_fn skip;
    int (*init)(void);
    int (*cleanup)(void);
};

static struct suite_entry s_suites[128];
static size_t s_count;

void testreg_add(const char *suite, const struct test_case *cases, size_t n, test_skip_fn skip,
                 int (*init)(void), int (*cleanup)(void))
{
    if (s_count == sizeof s_suites / sizeof s_suites[0]) {
        fprintf(stderr, "testreg: too many suites (raise the limit in testreg.c)\n");
        abort();
    }
    s_suites[s_count++] = (struct suite_entry){suite, cases, n, skip, init, cleanup};
}

void test_failf(const char *file, unsigned line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE); /* copies msg */
}

static int s_by_name(const void *a, const void *b)
{
    return strcmp(((const struct suite_entry *)a)->name, ((const struct suite_entry *)b)->name);
}

static int s_selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

/* Runs every suite, or those named on the command line; exit status 1 on any
 * failure, including a suite whose init failed. */
int testreg_run(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "testreg: %s\n", CU_get_error_msg());
        return 2;
    }
    qsort(s_suites, s_count, sizeof s_suites[0], s_by_name);
    for (size_t i = 0; i < s_count; i++) {
        struct suite_entry *e = &s_suites[i];
        if (!s_selected(e->name, argc, argv))
            continue;
        CU_pSuite suite = CU_add_suite(e->name, e->init, e->cleanup);
        if (!suite) {
            fprintf(stderr, "testreg: %s: %s\n", e->name, CU_get_error_msg());
            return 2;
        }
        for (size_t j = 0; j < e->n; j++)
            CU_add_test(suite, e->cases[j].name, e->cases[j].fn);
        const char *why = e->skip ? e->skip() : NULL;
        if (why) {
            printf("SKIP suite %s: %s\n", e->name, why);
            CU_set_suite_active(suite, CU_FALSE);
        }
    }
    /* A skipped suite is reported as inactive, not as a failure, nor a pass. */
    CU_set_fail_on_inactive(CU_FALSE);
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
