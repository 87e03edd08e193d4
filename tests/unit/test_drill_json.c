/* Tests of json_parse_located(), the parse the drill loader's messages rest
 * on: every value and key gets the line and column where it starts (checked
 * against the text itself), syntax errors are placed exactly, and on any
 * input it agrees with json_parse() on what is valid. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "buf.h"
#include "json.h"
#include "mem.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The byte offset of line:col (columns in characters), or -1. */
static long s_offset(const char *text, size_t len, int line, int col)
{
    size_t i = 0;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(text + i, '\n', len - i);
        if (!nl)
            return -1;
        i = (size_t)(nl - text) + 1;
    }
    for (int c = 1; c < col; c++) {
        if (i >= len || text[i] == '\n')
            return -1;
        i++;
        while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80)
            i++;
    }
    return (long)i;
}

/* Whether the character at a value's position starts that kind of value. */
static int s_starts(const struct json *v, char c)
{
    if (json_is_object(v))
        return c == '{';
    if (json_is_array(v))
        return c == '[';
    if (json_is_string(v))
        return c == '"';
    if (json_is_number(v))
        return c == '-' || (c >= '0' && c <= '9');
    if (json_is_bool(v))
        return c == 't' || c == 'f';
    return c == 'n';
}

/* Checks every value and key under v; returns how many were checked. */
static size_t s_check_tree(const char *name, const char *text, size_t len,
                           const struct json_positions *pos, const struct json *v, int is_member)
{
    int line = 0, col = 0;
    size_t n = 1;
    long off;
    if (!json_position(pos, v, &line, &col) || (off = s_offset(text, len, line, col)) < 0 ||
        !s_starts(v, text[off])) {
        TEST_FAILF("%s: %s at %d:%d does not start there", name, json_type_name(v), line, col);
        return n;
    }
    if (is_member) {
        /* The raw key equals the decoded one unless it has escapes. */
        const char *key = json_key(v);
        size_t n_key = strlen(key);
        if (!json_key_position(pos, v, &line, &col) || (off = s_offset(text, len, line, col)) < 0 ||
            text[off] != '"' ||
            (strncmp(text + off + 1, key, n_key) != 0 && !memchr(text + off + 1, '\\', n_key)))
            TEST_FAILF("%s: a key at %d:%d is not there", name, line, col);
    } else if (json_key_position(pos, v, &line, &col)) {
        TEST_FAILF("%s: a value outside an object has a key position", name);
    }
    for (const struct json *m = json_first(v); m; m = json_next(m))
        n += s_check_tree(name, text, len, pos, m, json_is_object(v));
    return n;
}

static size_t s_check_text(const char *name, const char *text, size_t len)
{
    struct json *doc = NULL;
    struct json_positions *pos = NULL;
    struct drh_err err;
    size_t n = 0;
    if (json_parse_located(text, len, &doc, &pos, NULL, &err) != DRH_OK) {
        TEST_FAILF("%s: %s", name, err.msg);
        return 0;
    }
    n = s_check_tree(name, text, len, pos, doc, 0);
    json_free(doc);
    json_positions_free(pos);
    return n;
}

static void test_positions(void)
{
    static const char text[] =
        "\xEF\xBB\xBF{\"a\": 1,\r\n"
        "  \"\xC3\xBC\xE2\x9C\x93\": [true, false, null, -2.5e3, \"x\\\"y\"],\n"
        "\t\"o\": {\"k\": {}, \"\xE6\x9D\xB1\": []}, \"n\":\"\xF0\x9F\x98\x80\" ,\n"
        "\"s\": \"\\uD83D\\uDE00\\u00e9\", \"t\": 0}";
    struct json *doc = NULL;
    struct json_positions *pos = NULL;
    struct drh_err err;
    int line, col;
    CU_ASSERT_EQUAL_FATAL(json_parse_located(text, strlen(text), &doc, &pos, NULL, &err), DRH_OK);
    CU_ASSERT_TRUE(json_position(pos, doc, &line, &col));
    CU_ASSERT(line == 1 && col == 2); /* after the byte order mark, one character */
    const struct json *arr = json_next(json_first(doc));
    CU_ASSERT_TRUE(json_key_position(pos, arr, &line, &col));
    CU_ASSERT(line == 2 && col == 3);
    CU_ASSERT_TRUE(json_position(pos, arr, &line, &col));
    CU_ASSERT(line == 2 && col == 9); /* "üX": counts two characters */
    CU_ASSERT_TRUE(json_position(pos, json_array_at(arr, 3), &line, &col));
    CU_ASSERT(line == 2 && col == 29);
    CU_ASSERT_FALSE(json_key_position(pos, json_array_at(arr, 3), &line, &col));
    const struct json *o = json_get(doc, "o");
    CU_ASSERT_TRUE(json_key_position(pos, json_get(o, "\xE6\x9D\xB1"), &line, &col));
    CU_ASSERT(line == 3 && col == 17);
    CU_ASSERT_TRUE(json_position(pos, json_get(doc, "n"), &line, &col));
    CU_ASSERT(line == 3 && col == 31);
    CU_ASSERT_TRUE(json_position(pos, json_get(doc, "t"), &line, &col));
    CU_ASSERT(line == 4 && col == 33); /* escapes count as the characters written */
    CU_ASSERT_STRING_EQUAL(json_get_string(doc, "s"), "\xF0\x9F\x98\x80\xC3\xA9");
    s_check_text("positions", text, strlen(text));
    /* Values of another document, NULL, and no positions at all. */
    struct json *other = json_new_object();
    CU_ASSERT_FALSE(json_position(pos, other, &line, &col));
    CU_ASSERT_FALSE(json_position(pos, NULL, &line, &col));
    CU_ASSERT_FALSE(json_position(NULL, doc, &line, &col));
    CU_ASSERT_FALSE(json_key_position(NULL, doc, &line, &col));
    json_free(other);
    json_free(doc);
    json_positions_free(pos);
    json_positions_free(NULL);
}

/* Every JSON sample and drill file in the tree: each value's position is
 * where the text has it. */
static void test_positions_of_files(void)
{
    static const char *const dirs[] = {"tests/data/protocol", "tests/data/drills/good",
                                       "drills/examples"};
    size_t files = 0, values = 0;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        DIR *dir = opendir(dirs[d]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
        for (struct dirent *e; (e = readdir(dir));) {
            size_t n = strlen(e->d_name);
            if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
                continue;
            char *path = xasprintf("%s/%s", dirs[d], e->d_name);
            struct buf b;
            buf_init(&b);
            if (test_read_into(path, &b)) {
                values += s_check_text(path, b.data, b.len);
                files++;
            }
            buf_clean_up(&b);
            free(path);
        }
        closedir(dir);
    }
    CU_ASSERT(files >= 10);
    CU_ASSERT(values >= 500);
}

static void test_syntax_errors(void)
{
    static const struct {
        const char *text;
        int line, col;
        const char *reason;
    } cases[] = {
        {"{\"a\": 1,}", 1, 8, "trailing comma before '}'"},
        {"[1, 2,\n ]", 1, 6, "trailing comma before ']'"},
        {"{a: 1}", 1, 2, "expected a key in double quotes, found 'a'"},
        {"{\"a\" 1}", 1, 6, "expected ':' after the key, found '1'"},
        {"{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}' after a member, found '\"'"},
        {"[1 2]", 1, 4, "expected ',' or ']' after an element, found '2'"},
        {"{\"a\": tru}", 1, 7, "unexpected character 't'"},
        {"{\"a\": 01}", 1, 7, "invalid number"},
        {"[1.]", 1, 2, "invalid number"},
        {"[-]", 1, 2, "invalid number"},
        {"[1e]", 1, 2, "invalid number"},
        {"[\"\\q\"]", 1, 3, "invalid escape in string"},
        {"[\"\\u12G4\"]", 1, 3, "invalid \\u escape in string"},
        {"[\"\\ud800\"]", 1, 3, "unpaired surrogate in \\u escape"},
        {"[\"\\udc00\"]", 1, 3, "unpaired surrogate in \\u escape"},
        {"{} x", 1, 4, "unexpected text after the document: 'x'"},
        {"{\"a\": [1, 2", 1, 12, "unexpected end of input"},
        {"{\"a\": \"abc", 1, 7, "unterminated string"},
        {"", 1, 1, "empty document"},
        {"{\"k\": \"\xc3\xbc\", \"k\": 2}", 1, 12, "duplicate key \"k\" in $"},
        {"{\"x\": [{\"y\": 1,\n \"y\": 2}]}", 2, 2, "duplicate key \"y\" in $.x[0]"},
        {"[\"\x01\"]", 1, 3, "unescaped control character 0x01 in string"},
        {"{\"a\": 1 \xC3\xA9}", 1, 9, "expected ',' or '}' after a member, found byte 0xc3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct json *doc = (struct json *)&cases; /* must stay untouched */
        struct json_positions *pos = (struct json_positions *)&cases;
        struct json_syntax where = {0, 0, ""};
        struct drh_err err;
        char expect[256];
        const char *t = cases[i].text;
        enum drh_status st = json_parse_located(t, strlen(t), &doc, &pos, &where, &err);
        snprintf(expect, sizeof expect, "invalid JSON at line %d, column %d: %s", cases[i].line,
                 cases[i].col, cases[i].reason);
        if (st != DRH_E_PARSE || where.line != cases[i].line || where.col != cases[i].col ||
            strcmp(where.reason, cases[i].reason) != 0 || strcmp(err.msg, expect) != 0)
            TEST_FAILF("'%s': %d:%d '%s' / '%s', expected '%s'", t, where.line, where.col,
                       where.reason, err.msg, expect);
        CU_ASSERT(doc == (struct json *)&cases && pos == (struct json_positions *)&cases);
        struct json *plain = NULL;
        /* json_parse() refuses it too, except where cJSON is lenient:
         * leading zeros, "1.", and a bad \u escape (read as U+0000). */
        if (json_parse(t, strlen(t), &plain, &err) == DRH_OK && strcmp(t, "{\"a\": 01}") != 0 &&
            strcmp(t, "[1.]") != 0 && !strstr(t, "\\u12G4"))
            TEST_FAILF("'%s': json_parse() accepts it", t);
        json_free(plain);
    }
}

/* A deterministic PRNG (xorshift64*) for the mutation run. */
static unsigned long long s_rng = 0x243F6A8885A308D3ULL;

static unsigned s_rand(unsigned bound)
{
    s_rng ^= s_rng >> 12;
    s_rng ^= s_rng << 25;
    s_rng ^= s_rng >> 27;
    return (unsigned)((s_rng * 2685821657736338717ULL) >> 33) % bound;
}

/* Mutated drill files: whatever the located parse accepts, json_parse()
 * accepts, with every position right; what json_parse() refuses, it
 * refuses, naming a place inside the text. */
static void test_mutations(void)
{
    static const char marks[] = "{}[],:\"\\ -0.e1tn\n";
    struct buf src, m;
    buf_init(&src);
    buf_init(&m);
    CU_ASSERT_FATAL(test_read_into("tests/data/drills/good/full.json", &src));
    size_t accepted = 0;
    for (int round = 0; round < 3000; round++) {
        buf_reset(&m);
        buf_append(&m, src.data, src.len);
        for (unsigned e = 1 + s_rand(3); e > 0; e--) {
            size_t at = s_rand((unsigned)m.len);
            if (s_rand(2)) {
                m.data[at] = marks[s_rand(sizeof marks - 1)];
            } else {
                memmove(m.data + at, m.data + at + 1, m.len - at - 1);
                m.data[--m.len] = '\0';
            }
        }
        struct json *doc = NULL, *plain = NULL;
        struct json_positions *pos = NULL;
        struct json_syntax where = {0, 0, ""};
        struct drh_err err;
        enum drh_status located = json_parse_located(m.data, m.len, &doc, &pos, &where, &err);
        enum drh_status st = json_parse(m.data, m.len, &plain, &err);
        if (located == DRH_OK) {
            accepted++;
            if (st != DRH_OK)
                TEST_FAILF("round %d: located parse accepts what json_parse() refuses", round);
            s_check_tree("mutation", m.data, m.len, pos, doc, 0);
        } else if (s_offset(m.data, m.len, where.line, where.col) < 0) {
            /* (the end of the text is a place too) */
            TEST_FAILF("round %d: error at %d:%d is outside the text", round, where.line,
                       where.col);
        }
        json_free(doc);
        json_free(plain);
        json_positions_free(pos);
    }
    CU_ASSERT(accepted > 0);
    buf_clean_up(&src);
    buf_clean_up(&m);
}

static const struct test_case cases[] = {
    {"values and keys get their line and column", test_positions},
    {"positions in every sample and drill file", test_positions_of_files},
    {"syntax errors are placed exactly", test_syntax_errors},
    {"mutated files: agreement with json_parse", test_mutations},
};
TEST_SUITE("json-located", cases)
