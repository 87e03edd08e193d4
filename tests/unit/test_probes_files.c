/* The file tree probes (probes/tree.c, tree_manifest.c, probe_files.c) on
 * real temporary folders: the walk (sorted, hashed, symbolic links seen
 * and never followed, FIFOs not opened, an empty tree), manifests written,
 * read back and refused when broken, the comparison (a changed file, a
 * missing one, an extra one), and the manifest, files and canary probes'
 * verdicts and messages. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "mem.h"
#include "probes/probe.h"
#include "probes/tree.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* A fresh folder with a source tree:
 *   a.txt "hello", dir/b.txt "bee\n", dir/deep/c.bin (3000 bytes),
 *   link-out -> /etc/hostname, dir/loop -> .., fifo */
static char *s_tree(void)
{
    char tmpl[] = "/tmp/drh-tree-XXXXXX";
    char *root = mkdtemp(tmpl) ? xstrdup(tmpl) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    char *cmd = xasprintf("cd '%s' && mkdir -p dir/deep && printf hello > a.txt && "
                          "printf 'bee\\n' > dir/b.txt && head -c 3000 /dev/zero > dir/deep/c.bin "
                          "&& ln -s /etc/hostname link-out && ln -s .. dir/loop && mkfifo fifo",
                          root);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    free(cmd);
    return root;
}

static void s_rm(char *root)
{
    char *cmd = xasprintf("rm -rf '%s'", root);
    CU_ASSERT_EQUAL(system(cmd), 0);
    free(cmd);
    free(root);
}

static void s_write(const char *root, const char *rel, const char *text)
{
    char *p = xasprintf("%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

static void test_walk_hashes_and_never_follows_links(void)
{
    char *root = s_tree();
    struct tree t = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(tree_walk(root, true, 10, &t, &err), DRH_OK);
    CU_ASSERT_EQUAL(t.n_files, 3);
    CU_ASSERT_EQUAL(t.n_dirs, 2);
    CU_ASSERT_EQUAL(t.n_symlinks, 2);
    CU_ASSERT_EQUAL(t.n_other, 1);
    CU_ASSERT_EQUAL(t.bytes, 5 + 4 + 3000);
    CU_ASSERT_STRING_EQUAL(t.files[0].path, "a.txt");
    CU_ASSERT_STRING_EQUAL(t.files[1].path, "dir/b.txt");
    CU_ASSERT_STRING_EQUAL(t.files[2].path, "dir/deep/c.bin");
    /* sha256("hello") */
    CU_ASSERT_STRING_EQUAL(t.files[0].sha256,
                           "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    CU_ASSERT_PTR_NOT_NULL(tree_find(&t, "dir/b.txt"));
    CU_ASSERT_PTR_NULL(tree_find(&t, "link-out"));
    CU_ASSERT_TRUE(t.newest_mtime > 1.6e9);
    tree_clean_up(&t);

    /* the root itself may be a link (a mount point) */
    char *link = xasprintf("%s-link", root);
    CU_ASSERT_EQUAL(symlink(root, link), 0);
    CU_ASSERT_EQUAL(tree_walk(link, false, 0, &t, &err), DRH_OK);
    CU_ASSERT_EQUAL(t.n_files, 3);
    CU_ASSERT_STRING_EQUAL(t.files[0].sha256, "");
    tree_clean_up(&t);
    unlink(link);
    free(link);

    /* stat and read never follow a link inside the tree */
    struct stat st;
    char head[64];
    CU_ASSERT_EQUAL(tree_stat(root, "link-out", &st, &err), DRH_OK);
    CU_ASSERT_TRUE(S_ISLNK(st.st_mode));
    CU_ASSERT_EQUAL(tree_read_head(root, "link-out", head, sizeof head, &st, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(tree_stat(root, "dir/loop/a.txt", &st, &err), DRH_E_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "symbolic link"));
    CU_ASSERT_EQUAL(tree_stat(root, "../etc/passwd", &st, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(tree_stat(root, "/etc/passwd", &st, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(tree_read_head(root, "fifo", head, sizeof head, &st, &err), DRH_E_INPUT);
    CU_ASSERT_EQUAL(tree_read_head(root, "dir/b.txt", head, sizeof head, &st, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(head, "bee\n");
    CU_ASSERT_EQUAL(tree_stat(root, "dir/none", &st, &err), DRH_E_NOTFOUND);
    s_rm(root);
}

static void test_empty_and_unreadable_trees(void)
{
    char tmpl[] = "/tmp/drh-tree-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpl));
    struct tree t = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL(tree_walk(tmpl, true, 0, &t, &err), DRH_OK);
    CU_ASSERT_EQUAL(t.n_files, 0);
    CU_ASSERT_EQUAL(t.newest_mtime, 0);
    tree_clean_up(&t);
    rmdir(tmpl);
    CU_ASSERT_EQUAL(tree_walk(tmpl, true, 0, &t, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, tmpl));
    CU_ASSERT_PTR_NULL(t.files);
}

static void test_manifest_round_trip_and_compare(void)
{
    char *root = s_tree();
    char *path = xasprintf("%s.manifest.json", root);
    struct tree src = {0}, loaded = {0}, restored = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(tree_walk(root, true, 0, &src, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(tree_manifest_save(&src, root, path, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(tree_manifest_load(path, &loaded, &err), DRH_OK);
    CU_ASSERT_EQUAL(loaded.n_files, 3);
    CU_ASSERT_EQUAL(loaded.bytes, src.bytes);
    CU_ASSERT_STRING_EQUAL(loaded.files[2].sha256, src.files[2].sha256);

    /* a changed file (same size), a missing one, an extra one */
    s_write(root, "a.txt", "HELLO");
    char *p = xasprintf("%s/dir/b.txt", root);
    unlink(p);
    free(p);
    s_write(root, "new.txt", "x");
    CU_ASSERT_EQUAL_FATAL(tree_walk(root, true, 0, &restored, &err), DRH_OK);
    struct buf msg;
    buf_init(&msg);
    size_t missing, changed, extra;
    tree_compare(&loaded, &restored, 5, &missing, &changed, &extra, &msg);
    CU_ASSERT_EQUAL(missing, 1);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_EQUAL(extra, 1);
    CU_ASSERT_STRING_EQUAL(buf_str(&msg), "missing 1: dir/b.txt; changed 1: a.txt (sha256 "
                                          "differs); extra 1: new.txt");
    buf_reset(&msg);
    tree_compare(&loaded, &loaded, 5, &missing, &changed, &extra, &msg);
    CU_ASSERT_EQUAL(missing + changed + extra, 0);
    CU_ASSERT_STRING_EQUAL(buf_str(&msg), "");
    buf_clean_up(&msg);
    tree_clean_up(&src);
    tree_clean_up(&loaded);
    tree_clean_up(&restored);
    unlink(path);
    free(path);
    s_rm(root);
}

static void test_broken_manifests_refused(void)
{
    struct testenv *t = testenv_new();
    static const char *const bad[] = {
        "{",
        "{\"format\": \"drh-manifest-1\", \"entries\": []}",
        "{\"format\": \"drh-files-manifest-1\"}",
        "{\"format\": \"drh-files-manifest-1\", \"entries\": [{\"path\": \"../x\", \"size\": 1, "
        "\"sha256\": \""
        "0000000000000000000000000000000000000000000000000000000000000000\"}]}",
        "{\"format\": \"drh-files-manifest-1\", \"entries\": [{\"path\": \"x\", \"size\": -1, "
        "\"sha256\": \""
        "0000000000000000000000000000000000000000000000000000000000000000\"}]}",
        "{\"format\": \"drh-files-manifest-1\", \"entries\": [{\"path\": \"x\", \"size\": 1, "
        "\"sha256\": \"ABC\"}]}",
        "{\"format\": \"drh-files-manifest-1\", \"entries\": [{\"path\": \"b\", \"size\": 1, "
        "\"sha256\": \""
        "0000000000000000000000000000000000000000000000000000000000000000\"}, "
        "{\"path\": \"a\", \"size\": 1, \"sha256\": \""
        "0000000000000000000000000000000000000000000000000000000000000000\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *path = testenv_write(t, "m.json", bad[i], 0600);
        struct tree m = {0};
        struct drh_err err;
        enum drh_status st = tree_manifest_load(path, &m, &err);
        if (st != DRH_E_INPUT)
            TEST_FAILF("manifest %zu: %s, want DRH_E_INPUT", i, drh_status_name(st));
        CU_ASSERT_PTR_NULL(m.files);
        free(path);
    }
    struct tree m = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL(tree_manifest_load("/nonexistent/m.json", &m, &err), DRH_E_IO);
    testenv_free(t);
}

static struct drill_probe s_probe(enum probe_kind kind)
{
    struct drill_probe p;
    memset(&p, 0, sizeof p);
    p.name = (char *)probe_kind_name(kind);
    p.kind = kind;
    p.timeout = 10;
    return p;
}

static void test_manifest_probe_names_the_files(void)
{
    char *root = s_tree();
    char *path = xasprintf("%s.manifest.json", root);
    struct tree src = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(tree_walk(root, true, 0, &src, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(tree_manifest_save(&src, root, path, &err), DRH_OK);
    tree_clean_up(&src);
    struct drill_probe p = s_probe(PROBE_MANIFEST);
    p.manifest = path;
    struct probe_result r;
    s_write(root, "extra.txt", "later");
    probe_tree_run(root, &p, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.verdict, PROBE_PASS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "all 3 manifest files"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "extra 1: extra.txt"));

    s_write(root, "dir/deep/c.bin", "short");
    char *gone = xasprintf("%s/a.txt", root);
    unlink(gone);
    free(gone);
    probe_tree_run(root, &p, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "missing 1: a.txt"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "changed 1: dir/deep/c.bin (size 3000 -> 5)"));

    /* a manifest that is not there is an error, not a failure of the data */
    p.manifest = (char *)"no-such-manifest.json";
    probe_tree_run(root, &p, "/nonexistent", 0, &r);
    CU_ASSERT_EQUAL(r.verdict, PROBE_ERROR);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "/nonexistent/no-such-manifest.json"));
    unlink(path);
    free(path);
    s_rm(root);
}

static void test_files_probe(void)
{
    char *root = s_tree();
    struct drill_probe p = s_probe(PROBE_FILES);
    char *paths[] = {(char *)"a.txt", (char *)"dir/deep", (char *)"link-out"};
    p.paths = paths;
    p.n_paths = 2;
    p.min_files = 3;
    p.max_age = 3600;
    struct probe_result r;
    probe_tree_run(root, &p, NULL, (double)time(NULL), &r);
    CU_ASSERT_EQUAL(r.verdict, PROBE_PASS);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "3 files"));

    p.n_paths = 3; /* a link is not followed, so it proves nothing */
    p.min_files = 4;
    probe_tree_run(root, &p, NULL, (double)time(NULL), &r);
    CU_ASSERT_EQUAL(r.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "link-out is a symbolic link"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "3 regular files, expected at least 4"));

    p.n_paths = 0;
    p.min_files = 1;
    probe_tree_run(root, &p, NULL, (double)time(NULL) + 7200, &r); /* T0 two hours later */
    CU_ASSERT_EQUAL(r.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "older than 3600s"));

    paths[0] = (char *)"dir/nothing";
    p.n_paths = 1;
    p.max_age = 0;
    probe_tree_run(root, &p, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "dir/nothing is missing"));
    s_rm(root);
}

static void test_canary_probe(void)
{
    char *root = s_tree();
    struct drill_probe p = s_probe(PROBE_CANARY);
    struct probe_result r;
    probe_tree_run(root, &p, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.verdict, PROBE_FAIL);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, ".drh-canary does not exist"));

    s_write(root, ".drh-canary", "2026-01-02T03:04:05Z\nwritten by drh canary\n");
    probe_tree_run(root, &p, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.verdict, PROBE_PASS);
    CU_ASSERT_DOUBLE_EQUAL(r.canary_time, 1767323045.0, 0.001);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "2026-01-02T03:04:05Z (from its first line)"));

    p.canary_file = (char *)"dir/canary";
    s_write(root, "dir/canary", "1767323045.5\n");
    probe_tree_run(root, &p, NULL, 0, &r);
    CU_ASSERT_DOUBLE_EQUAL(r.canary_time, 1767323045.5, 0.001);

    /* no time in it: its modification time */
    s_write(root, "dir/canary", "not a time\n");
    char *full = xasprintf("%s/dir/canary", root);
    struct timeval tv[2] = {{1700000000, 0}, {1700000000, 0}};
    CU_ASSERT_EQUAL(utimes(full, tv), 0);
    free(full);
    probe_tree_run(root, &p, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.verdict, PROBE_PASS);
    CU_ASSERT_DOUBLE_EQUAL(r.canary_time, 1700000000.0, 0.001);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "modification time"));

    p.canary_file = (char *)"link-out"; /* a link is never read */
    probe_tree_run(root, &p, NULL, 0, &r);
    CU_ASSERT_EQUAL(r.verdict, PROBE_ERROR);
    CU_ASSERT_EQUAL(r.canary_time, -1);
    s_rm(root);
}

static const struct test_case cases[] = {
    {"walk: sorted, hashed, links seen and never followed",
     test_walk_hashes_and_never_follows_links},
    {"walk: an empty tree, a missing one", test_empty_and_unreadable_trees},
    {"manifest: written, read back, compared", test_manifest_round_trip_and_compare},
    {"manifest: broken files are refused", test_broken_manifests_refused},
    {"probe manifest: names missing, changed and extra files", test_manifest_probe_names_the_files},
    {"probe files: paths, counts, newest file", test_files_probe},
    {"probe canary: first line, epoch, mtime, links", test_canary_probe},
};

TEST_SUITE("probes-files", cases)
