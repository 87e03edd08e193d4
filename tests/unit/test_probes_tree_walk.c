/* The threaded walk of a file tree (probes/tree.c, tree_hash.c) and the
 * manifest read one entry at a time (tree_manifest.c), on real temporary
 * folders: many files of every size class hashed alike by 0, 1, 3 and 8
 * threads; a file that vanishes, is replaced, becomes a link or a folder
 * between the walk's stat and its hashing is named in the error and stops
 * every thread; the timeout; nesting past the limit; manifests in other
 * layouts read the same, broken ones refused as by a whole-document parse. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "crypto.h"
#include "json.h"
#include "mem.h"
#include "probes/tree.h"
#include "probes/tree_hash.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *s_mkdtemp(void)
{
    char tmpl[] = "/tmp/drh-walk-XXXXXX";
    char *root = mkdtemp(tmpl) ? xstrdup(tmpl) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    return root;
}

static void s_rm(char *root)
{
    char *cmd = xasprintf("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", root, root);
    CU_ASSERT_EQUAL(system(cmd), 0);
    free(cmd);
    free(root);
}

/* Writes root/rel with size bytes made from seed; hex gets their SHA-256. */
static void s_file(const char *root, const char *rel, size_t size, unsigned seed, char *hex)
{
    unsigned char *data = xmalloc(size + 1);
    unsigned x = seed * 2654435761u + 1;
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = (unsigned char)x;
    }
    char *path = xasprintf("%s/%s", root, rel);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(data, 1, size, f), size);
    CU_ASSERT_EQUAL(fclose(f), 0);
    if (hex)
        crypto_sha256_hex(data, size, hex);
    free(path);
    free(data);
}

static void s_mkdir(const char *root, const char *rel)
{
    char *path = xasprintf("%s/%s", root, rel);
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
    free(path);
}

/* Every size class of the hashing loop: empty, one byte, short reads; and,
 * for one file in 97, exactly one 256 KiB block, one byte more, read-ahead
 * hinted (>= 1 MiB). */
static const size_t s_small[] = {0, 1, 100, 4096, 20000};
static const size_t s_big[] = {262144, 262145, 1536 * 1024};
#define S_DIRS 30
#define S_PER_DIR 50
#define S_N (S_DIRS * S_PER_DIR)

struct expect {
    char path[64];
    size_t size;
    char hex[CRYPTO_SHA256_HEX_LEN + 1];
};

/* 1,500 files in 30 folders (every third one a level deeper), a link to a
 * folder outside with files in it, a link to a file inside. */
static struct expect *s_many(const char *root, long long *bytes)
{
    struct expect *e = xcalloc(S_N, sizeof *e);
    *bytes = 0;
    for (int d = 0; d < S_DIRS; d++) {
        char dir[32];
        snprintf(dir, sizeof dir, "d%02d", d);
        s_mkdir(root, dir);
        if (d % 3 == 0) {
            snprintf(dir, sizeof dir, "d%02d/deeper", d);
            s_mkdir(root, dir);
        }
        for (int i = 0; i < S_PER_DIR; i++) {
            struct expect *x = &e[d * S_PER_DIR + i];
            size_t n = (size_t)(d * S_PER_DIR + i);
            x->size = n % 97 == 0 ? s_big[n / 97 % 3] : s_small[n % 5];
            snprintf(x->path, sizeof x->path, "%s/f%03d.bin", dir, i);
            s_file(root, x->path, x->size, (unsigned)(d * 1000 + i), x->hex);
            *bytes += (long long)x->size;
        }
    }
    char *p = xasprintf("%s/out-link", root);
    CU_ASSERT_EQUAL(symlink("/etc", p), 0);
    free(p);
    p = xasprintf("%s/d01/in-link", root);
    CU_ASSERT_EQUAL(symlink("f000.bin", p), 0);
    free(p);
    return e;
}

static void test_threads_hash_alike(void)
{
    char *root = s_mkdtemp();
    long long bytes = 0;
    struct expect *e = s_many(root, &bytes);
    static const size_t threads[] = {0, 1, 3, 8};
    for (size_t k = 0; k < sizeof threads / sizeof threads[0]; k++) {
        struct tree t = {0};
        struct drh_err err;
        enum drh_status st = tree_walk_threads(root, true, 60, threads[k], &t, &err);
        if (st != DRH_OK) {
            TEST_FAILF("%zu threads: %s", threads[k], err.msg);
            continue;
        }
        CU_ASSERT_EQUAL(t.n_files, S_N);
        CU_ASSERT_EQUAL(t.n_dirs, S_DIRS + S_DIRS / 3);
        CU_ASSERT_EQUAL(t.n_symlinks, 2);
        CU_ASSERT_EQUAL(t.bytes, bytes);
        size_t wrong = 0;
        for (size_t i = 1; i < t.n_files; i++)
            wrong += strcmp(t.files[i - 1].path, t.files[i].path) >= 0;
        for (size_t i = 0; i < S_N; i++) {
            const struct tree_file *f = tree_find(&t, e[i].path);
            wrong += !f || f->size != (long long)e[i].size || strcmp(f->sha256, e[i].hex) != 0;
        }
        if (wrong)
            TEST_FAILF("%zu threads: %zu files out of order or hashed wrong", threads[k], wrong);
        tree_clean_up(&t);
    }
    /* without hashing: the stat's sizes, no digests */
    struct tree t = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(tree_walk(root, false, 0, &t, &err), DRH_OK);
    CU_ASSERT_EQUAL(t.n_files, S_N);
    CU_ASSERT_EQUAL(t.bytes, bytes);
    CU_ASSERT_STRING_EQUAL(t.files[S_N - 1].sha256, "");
    tree_clean_up(&t);
    free(e);
    s_rm(root);
}

enum mutation { M_VANISH, M_REPLACED, M_LINK, M_FOLDER, M_NONE };

/* Stats root/f000 .. f(n-1) as a walk does, changes f077 (m), then queues
 * every file and ends the walk with walk_status: what the pool says. */
static enum drh_status s_pool(const char *root, size_t threads, enum mutation m, double deadline,
                              enum drh_status walk_status, struct drh_err *err)
{
    enum { N = 120 };
    static char names[N][8];
    static struct stat st[N];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "f%03d", i);
        s_file(root, names[i], (size_t)(i * 37 % 5000), (unsigned)i, NULL);
    }
    DIR *dir = opendir(root);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    for (int i = 0; i < N; i++)
        CU_ASSERT_EQUAL(fstatat(dirfd(dir), names[i], &st[i], AT_SYMLINK_NOFOLLOW), 0);
    char *victim = xasprintf("%s/f077", root);
    if (m == M_REPLACED) { /* the same bytes in another file (made first: another inode) */
        s_file(root, "f077.new", (size_t)st[77].st_size, 77, NULL);
        char *made = xasprintf("%s.new", victim);
        CU_ASSERT_EQUAL(rename(made, victim), 0);
        free(made);
    } else if (m != M_NONE) {
        CU_ASSERT_EQUAL(unlink(victim), 0);
    }
    if (m == M_LINK) {
        CU_ASSERT_EQUAL(symlink("/etc/hostname", victim), 0);
    } else if (m == M_FOLDER) {
        CU_ASSERT_EQUAL(mkdir(victim, 0755), 0);
    }
    free(victim);
    struct tree_pool *p = tree_pool_new(root, true, threads, deadline, 5);
    struct tree_dir *d = tree_pool_dir(dir);
    enum drh_status s = DRH_OK;
    for (int i = 0; i < N && s == DRH_OK; i++)
        s = tree_pool_add(p, d, names[i], names[i], &st[i], err);
    tree_pool_dir_done(p, d);
    if (walk_status != DRH_OK)
        drh_err_set(err, walk_status, "the walk failed");
    struct tree t = {0};
    s = tree_pool_finish(p, walk_status != DRH_OK ? walk_status : s, &t, err);
    if (s == DRH_OK) {
        CU_ASSERT_EQUAL(t.n_files, N);
        CU_ASSERT_STRING_EQUAL(t.files[0].path, "f000");
        tree_clean_up(&t);
    } else {
        CU_ASSERT_PTR_NULL(t.files);
    }
    return s;
}

static void test_changed_files_are_named(void)
{
    static const struct {
        enum mutation m;
        const char *says;
    } cases[] = {
        {M_VANISH, "No such file or directory"},
        {M_REPLACED, "it changed while it was read"},
        {M_LINK, "Too many levels of symbolic links"}, /* O_NOFOLLOW: never followed */
        {M_FOLDER, "it changed while it was read"},
    };
    static const size_t threads[] = {0, 4};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (size_t k = 0; k < 2; k++) {
            char *root = s_mkdtemp();
            struct drh_err err;
            drh_err_clear(&err);
            enum drh_status st = s_pool(root, threads[k], cases[c].m, 0, DRH_OK, &err);
            char *where = xasprintf("'%s/f077'", root);
            if (st != DRH_E_IO || !strstr(err.msg, where) || !strstr(err.msg, cases[c].says))
                TEST_FAILF("case %zu, %zu threads: %s: %s", c, threads[k], drh_status_name(st),
                           err.msg);
            free(where);
            s_rm(root);
        }
    }
    /* the same files untouched pass; the timeout; the walk's own error wins */
    for (size_t k = 0; k < 2; k++) {
        char *root = s_mkdtemp();
        struct drh_err err;
        CU_ASSERT_EQUAL(s_pool(root, threads[k], M_NONE, 0, DRH_OK, &err), DRH_OK);
        CU_ASSERT_EQUAL(s_pool(root, threads[k], M_NONE, 1.0, DRH_OK, &err), DRH_E_TIMEOUT);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "took more than 5s (at 'f"));
        CU_ASSERT_EQUAL(s_pool(root, threads[k], M_VANISH, 0, DRH_E_NOTFOUND, &err),
                        DRH_E_NOTFOUND);
        CU_ASSERT_STRING_EQUAL(err.msg, "the walk failed");
        s_rm(root);
    }
}

static void test_unreadable_and_deep_trees(void)
{
    char *root = s_mkdtemp();
    struct tree t = {0};
    struct drh_err err;
    char hex[CRYPTO_SHA256_HEX_LEN + 1];
    s_mkdir(root, "a");
    s_file(root, "a/secret", 10, 1, hex);
    s_file(root, "a/open", 10, 2, hex);
    char *p = xasprintf("%s/a/secret", root);
    CU_ASSERT_EQUAL(chmod(p, 0), 0);
    if (geteuid() != 0) { /* root reads it anyway */
        CU_ASSERT_EQUAL(tree_walk_threads(root, true, 0, 4, &t, &err), DRH_E_IO);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "cannot open"));
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "a/secret"));
        CU_ASSERT_PTR_NULL(t.files);
    }
    CU_ASSERT_EQUAL(chmod(p, 0644), 0);
    free(p);
    p = xasprintf("%s/a", root);
    if (geteuid() != 0) {
        CU_ASSERT_EQUAL(chmod(p, 0), 0);
        CU_ASSERT_EQUAL(tree_walk_threads(root, true, 0, 4, &t, &err), DRH_E_IO);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "open folder"));
        CU_ASSERT_EQUAL(chmod(p, 0755), 0);
    }
    free(p);

    /* 257 folders deep, one more than allowed */
    struct buf rel;
    buf_init(&rel);
    buf_puts(&rel, "a");
    for (int i = 0; i < 257; i++) {
        buf_puts(&rel, "/n");
        s_mkdir(root, buf_str(&rel));
    }
    CU_ASSERT_EQUAL(tree_walk_threads(root, true, 0, 2, &t, &err), DRH_E_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "nested more than 256 folders deep"));
    CU_ASSERT_PTR_NULL(t.files);
    buf_clean_up(&rel);
    s_rm(root);
}

/* Loads text as a manifest: the status, and the entries in *t. */
static enum drh_status s_load(struct testenv *env, const char *text, struct tree *t,
                              struct drh_err *err)
{
    char *path = testenv_write(env, "m.json", text, 0600);
    enum drh_status st = tree_manifest_load(path, t, err);
    free(path);
    return st;
}

#define S_SHA "0000000000000000000000000000000000000000000000000000000000000000"
#define S_HEAD "{\"format\": \"drh-files-manifest-1\", "
#define S_E(p) "{\"path\": \"" p "\", \"size\": 1, \"sha256\": \"" S_SHA "\"}"

static void test_manifest_layouts(void)
{
    struct testenv *env = testenv_new();
    char *root = s_mkdtemp();
    long long bytes = 0;
    free(s_many(root, &bytes));
    struct tree src = {0}, a = {0}, b = {0};
    struct drh_err err;
    CU_ASSERT_EQUAL_FATAL(tree_walk(root, true, 0, &src, &err), DRH_OK);
    char *path = xasprintf("%s/m.json", env->dir);
    CU_ASSERT_EQUAL_FATAL(tree_manifest_save(&src, root, path, &err), DRH_OK);
    CU_ASSERT_EQUAL_FATAL(tree_manifest_load(path, &a, &err), DRH_OK);
    /* the same document pretty-printed, as drh wrote it before */
    char *text = test_read_file(path);
    struct json *doc = NULL;
    CU_ASSERT_EQUAL_FATAL(json_parse(text, strlen(text), &doc, &err), DRH_OK);
    char *pretty = json_print(doc, 1);
    CU_ASSERT_EQUAL(s_load(env, pretty, &b, &err), DRH_OK);
    CU_ASSERT_EQUAL(a.n_files, S_N);
    CU_ASSERT_EQUAL(b.n_files, S_N);
    CU_ASSERT_EQUAL(a.bytes, bytes);
    CU_ASSERT_EQUAL(b.bytes, bytes);
    size_t wrong = 0;
    for (size_t i = 0; i < S_N && i < a.n_files && i < b.n_files; i++)
        wrong += strcmp(a.files[i].path, src.files[i].path) != 0 ||
                 strcmp(b.files[i].path, src.files[i].path) != 0 ||
                 strcmp(a.files[i].sha256, src.files[i].sha256) != 0 ||
                 strcmp(b.files[i].sha256, src.files[i].sha256) != 0 ||
                 a.files[i].size != src.files[i].size || b.files[i].size != src.files[i].size ||
                 /* cJSON prints 15 digits when they read back nearly equal */
                 fabs(a.files[i].mtime - src.files[i].mtime) > 1e-5 ||
                 b.files[i].mtime != a.files[i].mtime;
    CU_ASSERT_EQUAL(wrong, 0);
    tree_clean_up(&a);
    tree_clean_up(&b);
    tree_clean_up(&src);
    json_free(doc);
    free(pretty);
    free(text);
    free(path);
    s_rm(root);

    static const struct {
        const char *text;
        bool ok;
        size_t files;
    } cases[] = {
        {S_HEAD "\"entries\": [" S_E("a") ", " S_E("b") "]}", true, 2},
        {"\r\n{\"entries\":[\r\n" S_E("a") "\r\n,\t" S_E("b") "\n] ,\"format\": "
                                                              "\"drh-files-manifest-1\"}\n",
         true, 2},
        {S_HEAD "\"entries\": [ ]}", true, 0},
        {S_HEAD "\"entr\\u0069es\": [" S_E("a") "]}", true, 1},
        {S_HEAD "\"x\": {\"entries\": [1]}, \"entries\": [{\"more\": [[{}]], \"path\": \"a\", "
                "\"size\": 1, \"sha256\": \"" S_SHA "\"}]}",
         true, 1},
        {S_HEAD "\"entries\": [" S_E("a") ",]}", false, 0},
        {S_HEAD "\"entries\": [," S_E("a") "]}", false, 0},
        {S_HEAD "\"entries\": [" S_E("a") " " S_E("b") "]}", false, 0},
        {S_HEAD "\"entries\": [" S_E("a") ", x " S_E("b") "]}", false, 0},
        {S_HEAD "\"entries\": [" S_E("a") "], \"entries\": [" S_E("b") "]}", false, 0},
        {S_HEAD "\"entries\": [" S_E("a") "]} junk", false, 0},
        {S_HEAD "\"entries\": [" S_E("b") ", " S_E("a") "]}", false, 0},
        {S_HEAD "\"entries\": [{\"path\": \"a\", \"path\": \"b\", \"size\": 1, \"sha256\": \"" S_SHA
                "\"}]}",
         false, 0},
        {S_HEAD "\"entries\": [" S_E("a") ", \"\xff\"]}", false, 0},
        {"{\"format\": \"other\", \"entries\": [" S_E("a") "]}", false, 0},
        {S_HEAD "\"entries\": [" S_E("a") "", false, 0},
        {S_HEAD "\"entries\": [\"a\\\"]}", false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tree t = {0};
        enum drh_status st = s_load(env, cases[i].text, &t, &err);
        if (cases[i].ok ? st != DRH_OK || t.n_files != cases[i].files
                        : st != DRH_E_INPUT || t.files)
            TEST_FAILF("manifest %zu: %s, %zu files (%s)", i, drh_status_name(st), t.n_files,
                       st == DRH_OK ? "" : err.msg);
        tree_clean_up(&t);
    }

    /* entries as drh writes them, and near misses read by the JSON parser:
     * the same values either way */
    static const struct {
        const char *entry;
        bool ok;
        const char *path;
        long long size;
        double mtime;
    } one[] = {
        {"{\"path\":\"d/a b.txt\",\"size\":886,\"sha256\":\"" S_SHA
         "\",\"mtime\":1795348734.4284647}",
         true, "d/a b.txt", 886, 1795348734.4284647},
        {"{\"path\":\"a\",\"size\":0,\"sha256\":\"" S_SHA "\",\"mtime\":-1.5e3}", true, "a", 0,
         -1500},
        {"{\"path\":\"a\",\"size\":123456789012345,\"sha256\":\"" S_SHA "\",\"mtime\":0}", true,
         "a", 123456789012345, 0},
        {"{\"path\":\"a\",\"size\":1234567890123456,\"sha256\":\"" S_SHA "\",\"mtime\":1E+2}", true,
         "a", 1234567890123456, 100},
        {"{\"path\":\"a\",\"size\":01,\"sha256\":\"" S_SHA "\",\"mtime\":1}", true, "a", 1, 1},
        {"{\"path\":\"d\\/\\u00e9\",\"size\":1,\"sha256\":\"" S_SHA "\",\"mtime\":1}", true,
         "d/\xc3\xa9", 1, 1},
        {"{\"path\":\"\xc3\xa9\",\"size\":1,\"sha256\":\"" S_SHA "\"}", true, "\xc3\xa9", 1, 0},
        {"{\"path\":\"a\",\"size\":1,\"sha256\":\"" S_SHA "\",\"mtime\":1,\"mode\":420}", true, "a",
         1, 1},
        {"{\"path\":\"a\",\"size\":-1,\"sha256\":\"" S_SHA "\",\"mtime\":1}", false, NULL, 0, 0},
        {"{\"path\":\"a\",\"size\":1.5,\"sha256\":\"" S_SHA "\",\"mtime\":1}", false, NULL, 0, 0},
        {"{\"path\":\"a\",\"size\":1,\"sha256\":\"" S_SHA "\",\"mtime\":1e999}", false, NULL, 0, 0},
        {"{\"path\":\"a\",\"size\":1,\"sha256\":\"" S_SHA "\",\"mtime\":\"1\"}", false, NULL, 0, 0},
        {"{\"path\":\"a\",\"size\":1,\"sha256\":\"ABC\",\"mtime\":1}", false, NULL, 0, 0},
        {"{\"path\":\"../a\",\"size\":1,\"sha256\":\"" S_SHA "\",\"mtime\":1}", false, NULL, 0, 0},
        {"{\"path\":\"a\t\",\"size\":1,\"sha256\":\"" S_SHA "\",\"mtime\":1}", false, NULL, 0, 0},
        {"{\"path\":\"a\",\"size\":1,\"sha256\":\"" S_SHA "\",\"mtime\":1.}", true, "a", 1, 1},
        {"{\"path\":\"a\",\"size\":1,\"sha256\":\"" S_SHA "\",\"mtime\":1,\"size\":2}", false, NULL,
         0, 0},
    };
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        char *doc_text = xasprintf(S_HEAD "\"entries\": [\n%s\n]}\n", one[i].entry);
        struct tree t = {0};
        enum drh_status st = s_load(env, doc_text, &t, &err);
        bool same = one[i].ok ? st == DRH_OK && t.n_files == 1 &&
                                    strcmp(t.files[0].path, one[i].path) == 0 &&
                                    t.files[0].size == one[i].size &&
                                    t.files[0].mtime == one[i].mtime && t.bytes == one[i].size
                              : st == DRH_E_INPUT && !t.files;
        if (!same)
            TEST_FAILF("entry %zu: %s (%s)", i, drh_status_name(st), st == DRH_OK ? "" : err.msg);
        tree_clean_up(&t);
        free(doc_text);
    }

    /* nested deeper than json_parse() allows, though an entry alone is not */
    struct buf deep;
    buf_init(&deep);
    buf_puts(&deep, S_HEAD "\"entries\": [{\"path\": \"a\", \"size\": 1, \"sha256\": \"" S_SHA
                           "\", \"x\": ");
    for (int i = 0; i < JSON_MAX_DEPTH - 2; i++)
        buf_putc(&deep, '[');
    for (int i = 0; i < JSON_MAX_DEPTH - 2; i++)
        buf_putc(&deep, ']');
    buf_puts(&deep, "}]}");
    struct tree t = {0};
    CU_ASSERT_EQUAL(s_load(env, buf_str(&deep), &t, &err), DRH_E_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "nesting deeper than"));
    buf_clean_up(&deep);
    testenv_free(env);
}

static const struct test_case cases[] = {
    {"threads: 1,500 files hashed alike by 0, 1, 3 and 8", test_threads_hash_alike},
    {"threads: a file changed under the walk is named", test_changed_files_are_named},
    {"walk: unreadable files and folders, nesting past the limit", test_unreadable_and_deep_trees},
    {"manifest: other layouts read alike, broken ones refused", test_manifest_layouts},
};

TEST_SUITE("probes-tree-walk", cases)
