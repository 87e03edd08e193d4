/*
 * The fuzz-replay suite: every seed of tests/fuzz/corpus/NAME/ and every
 * input a fuzzer once crashed on, tests/fuzz/regressions/NAME/, goes
 * through the same fuzz_NAME() function libFuzzer calls (see
 * tests/fuzz/targets/fuzz_targets.h, docs/fuzzing.md). So a fixed crash
 * stays fixed in `make test-unit`, and `make check` replays them all under
 * ASan and UBSan.
 *
 * Each input runs in a child process: a crash, an abort on a broken
 * invariant, a sanitizer report or a leak fails the test naming the file,
 * and the other inputs and suites still run. A target with no seed at all
 * fails too: a missing corpus is not a pass.
 */
#include "support/testenv.h"
#include "support/testreg.h"

#include "../fuzz/targets/fuzz_targets.h"
#include "buf.h"
#include "mem.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#define S_CORPUS "tests/fuzz/corpus"
#define S_REGRESSIONS "tests/fuzz/regressions"
/* Seconds one input may take in its child (valgrind included). */
#define S_INPUT_TIMEOUT 120

static int s_by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of dir (not the dot files), sorted; *n gets how many. NULL and
 * 0 when dir cannot be read. */
static char **s_list(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t cap = 16;
    char **v = xmalloc(cap * sizeof *v);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (*n == cap)
            v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = xasprintf("%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(v, *n, sizeof *v, s_by_name);
    return v;
}

/* Runs one input in a child; "" when it ran clean, else what went wrong. */
static void s_run_one(const struct fuzz_target *t, const char *path, const char *tmpdir, char *why,
                      size_t size)
{
    struct buf b;
    buf_init(&b);
    why[0] = '\0';
    if (!test_read_into(path, &b)) {
        snprintf(why, size, "cannot be read");
        buf_clean_up(&b);
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* The child leaves through _exit(): no atexit handler of the test
         * program runs twice. Its temporary files go under tmpdir. */
        setenv("TMPDIR", tmpdir, 1);
        alarm(S_INPUT_TIMEOUT);
        t->run((const uint8_t *)b.data, b.len);
        buf_clean_up(&b);
#ifdef __SANITIZE_ADDRESS__
        __lsan_do_leak_check(); /* exits non-zero on a leak */
#endif
        _exit(0);
    }
    buf_clean_up(&b);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        snprintf(why, size, "cannot run a child process");
    else if (WIFSIGNALED(status))
        snprintf(why, size, "%s (signal %d)",
                 WTERMSIG(status) == SIGALRM ? "took too long" : strsignal(WTERMSIG(status)),
                 WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        snprintf(why, size, "exit status %d (a sanitizer report or a leak: see above)",
                 WEXITSTATUS(status));
}

/* The files being replayed: in a static, so that a child's leak check (the
 * child never returns to free them) sees them still reachable. */
static char **s_files;
static size_t s_n_files;

/* Replays every file of root/name; returns how many there were. */
static size_t s_replay_dir(const struct fuzz_target *t, const char *root, const char *tmpdir)
{
    char *dir = xasprintf("%s/%s", root, t->name);
    s_files = s_list(dir, &s_n_files);
    free(dir);
    for (size_t i = 0; i < s_n_files; i++) {
        char why[256];
        s_run_one(t, s_files[i], tmpdir, why, sizeof why);
        if (why[0])
            TEST_FAILF("fuzz_%s on %s: %s", t->name, s_files[i], why);
        else
            CU_PASS("input replayed");
    }
    size_t n = s_n_files;
    for (size_t i = 0; i < n; i++)
        free(s_files[i]);
    free(s_files);
    s_files = NULL;
    s_n_files = 0;
    return n;
}

static void s_replay(const char *name)
{
    const struct fuzz_target *t = NULL;
    for (size_t i = 0; i < fuzz_target_count; i++)
        if (strcmp(fuzz_targets[i].name, name) == 0)
            t = &fuzz_targets[i];
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    struct testenv *env = testenv_new();
    size_t seeds = s_replay_dir(t, S_CORPUS, env->dir);
    s_replay_dir(t, S_REGRESSIONS, env->dir);
    if (seeds == 0)
        TEST_FAILF("%s/%s: no seed inputs (run the tests from the project root)", S_CORPUS, name);
    testenv_free(env);
}

static void test_replay_drill(void)
{
    s_replay("drill");
}

static void test_replay_xml(void)
{
    s_replay("xml");
}

static void test_replay_json(void)
{
    s_replay("json");
}

static void test_replay_sigv4(void)
{
    s_replay("sigv4");
}

static void test_replay_schedule(void)
{
    s_replay("schedule");
}

/* A corpus or regressions folder without a target would be skipped in
 * silence, and a target without a test case here would never replay. Plain
 * files there (a README) are not folders of inputs. */
static void test_every_folder_has_a_target(void)
{
    static const char *const roots[] = {S_CORPUS, S_REGRESSIONS};
    static const char *const replayed[] = {"drill", "xml", "json", "sigv4", "schedule"};
    CU_ASSERT_EQUAL(fuzz_target_count, sizeof replayed / sizeof replayed[0]);
    for (size_t i = 0; i < fuzz_target_count; i++)
        CU_ASSERT_STRING_EQUAL(fuzz_targets[i].name, replayed[i]);
    for (size_t r = 0; r < sizeof roots / sizeof roots[0]; r++) {
        size_t n;
        char **dirs = s_list(roots[r], &n);
        if (!dirs)
            TEST_FAILF("%s: cannot be read", roots[r]);
        for (size_t i = 0; i < n; i++) {
            const char *name = strrchr(dirs[i], '/') + 1;
            struct stat st;
            int known = stat(dirs[i], &st) == 0 && !S_ISDIR(st.st_mode); /* a README */
            for (size_t k = 0; k < fuzz_target_count; k++)
                known |= strcmp(fuzz_targets[k].name, name) == 0;
            if (!known)
                TEST_FAILF("%s: no fuzz target of that name", dirs[i]);
            free(dirs[i]);
        }
        free(dirs);
    }
}

static const struct test_case cases[] = {
    {"every corpus folder has a fuzz target", test_every_folder_has_a_target},
    {"drill seeds and regressions replay clean", test_replay_drill},
    {"xml seeds and regressions replay clean", test_replay_xml},
    {"json seeds and regressions replay clean", test_replay_json},
    {"sigv4 seeds and regressions replay clean", test_replay_sigv4},
    {"schedule seeds and regressions replay clean", test_replay_schedule},
};
TEST_SUITE("fuzz-replay", cases)
