/* Tests of the core helpers: buf, err, mem. */
#include "support/testreg.h"

#include "buf.h"
#include "err.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

static void test_buf_grows_and_terminates(void)
{
    struct buf b;
    buf_init(&b);
    CU_ASSERT_STRING_EQUAL(buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    CU_ASSERT_EQUAL(b.len, strlen(b.data));
    CU_ASSERT_NSTRING_EQUAL(b.data, "0,1,2,", 6);
    CU_ASSERT_STRING_EQUAL(b.data + b.len - 4, "999,");
    buf_reset(&b);
    CU_ASSERT_STRING_EQUAL(buf_str(&b), "");
    buf_append(&b, "a\0b", 3);
    CU_ASSERT_EQUAL(b.len, 3);
    char *s = buf_detach(&b);
    CU_ASSERT_EQUAL(memcmp(s, "a\0b", 4), 0);
    CU_ASSERT_PTR_NULL(b.data);
    free(s);
    buf_clean_up(&b);
}

static void test_err_message_hint_prefix_exit(void)
{
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(drh_err_set(&err, DRH_E_CONFIG, "profile '%s' not found", "dr"), DRH_E_CONFIG);
    drh_err_hint(&err, "add [profile %s] to %s", "dr", "~/.aws/config");
    drh_err_prefix(&err, "credentials");
    CU_ASSERT_STRING_EQUAL(err.msg, "credentials: profile 'dr' not found");
    CU_ASSERT_STRING_EQUAL(err.hint, "add [profile dr] to ~/.aws/config");
    CU_ASSERT_EQUAL(drh_status_exit_code(DRH_E_CONFIG), 2);
    CU_ASSERT_EQUAL(drh_status_exit_code(DRH_E_NET), 3);
    CU_ASSERT_EQUAL(drh_status_exit_code(DRH_OK), 0);
    CU_ASSERT_STRING_EQUAL(drh_status_name(DRH_E_TIMEOUT), "DRH_E_TIMEOUT");
    CU_ASSERT_EQUAL(drh_err_set(NULL, DRH_E_IO, "x"), DRH_E_IO);
}

static void test_xasprintf(void)
{
    char *s = xasprintf("%s-%04d", "run", 7);
    CU_ASSERT_STRING_EQUAL(s, "run-0007");
    free(s);
}

static const struct test_case cases[] = {
    {"buf grows and stays NUL-terminated", test_buf_grows_and_terminates},
    {"err keeps message, hint, prefix and exit code", test_err_message_hint_prefix_exit},
    {"xasprintf formats", test_xasprintf},
};
TEST_SUITE("core", cases)
