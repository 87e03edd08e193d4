/* Tests of the JSON and XML wrappers: reading, building, and refusing
 * malformed, truncated, hostile and randomly mutated input with a one-line
 * error that names the line and column. */
#include "support/testenv.h"
#include "support/testreg.h"

#include "buf.h"
#include "json.h"
#include "mem.h"
#include "xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_DIR "tests/data/protocol/"


/* An error message is one line that starts as promised. */
static int s_one_line_error(const struct drh_err *err, const char *prefix)
{
    return strncmp(err->msg, prefix, strlen(prefix)) == 0 && !strchr(err->msg, '\n') &&
           !strchr(err->msg, '\r') && err->code == DRH_E_PARSE;
}

static int s_blank_from(const char *s, size_t from, size_t len)
{
    for (size_t i = from; i < len; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
            return 0;
    return 1;
}

/* A deterministic PRNG (xorshift64*) for the mutation runs. */
static unsigned long long s_rng = 0x9E3779B97F4A7C15ULL;

static unsigned s_rand(unsigned bound)
{
    s_rng ^= s_rng >> 12;
    s_rng ^= s_rng << 25;
    s_rng ^= s_rng >> 27;
    return (unsigned)((s_rng * 2685821657736338717ULL) >> 33) % bound;
}

/* Writes a random mutation of src into dst: bytes replaced, inserted from a
 * list of interesting ones, deleted, or a chunk repeated. */
static void s_mutate(const char *src, size_t len, struct buf *dst)
{
    static const char interesting[] = "<>/&;\"'{}[],:\\-e.0\x00\xff\xc3\xed\xa0\n#!?=";
    buf_reset(dst);
    buf_append(dst, src, len);
    unsigned edits = 1 + s_rand(4);
    for (unsigned e = 0; e < edits && dst->len > 0; e++) {
        size_t at = s_rand((unsigned)dst->len);
        switch (s_rand(4)) {
        case 0:
            dst->data[at] = interesting[s_rand(sizeof interesting - 1)];
            break;
        case 1: {
            struct buf t;
            buf_init(&t);
            buf_append(&t, dst->data, at);
            buf_putc(&t, interesting[s_rand(sizeof interesting - 1)]);
            buf_append(&t, dst->data + at, dst->len - at);
            buf_reset(dst);
            buf_append(dst, t.data, t.len);
            buf_clean_up(&t);
            break;
        }
        case 2:
            memmove(dst->data + at, dst->data + at + 1, dst->len - at - 1);
            dst->len--;
            dst->data[dst->len] = '\0';
            break;
        default: {
            size_t n = 1 + s_rand(16);
            if (at + n > dst->len)
                n = dst->len - at;
            struct buf t;
            buf_init(&t);
            buf_append(&t, dst->data, at + n);
            buf_append(&t, dst->data + at, dst->len - at);
            buf_reset(dst);
            buf_append(dst, t.data, t.len);
            buf_clean_up(&t);
        }
        }
    }
}

/*
 * JSON
 */

static const char s_json_doc[] =
    "{\n"
    "  \"Name\": \"drh-dr-vault\",\n"
    "  \"Count\": 3,\n"
    "  \"Ratio\": -0.25e1,\n"
    "  \"Big\": 18014398509481984,\n"
    "  \"On\": true,\n"
    "  \"Off\": false,\n"
    "  \"Nothing\": null,\n"
    "  \"Text\": \"caf\\u00e9 \\\"quoted\\\" \\ud83d\\ude00 \xe2\x82\xac\",\n"
    "  \"List\": [1, \"two\", {\"three\": 3}, []],\n"
    "  \"Nested\": {\"a\": {\"b\": \"deep\"}}\n"
    "}\n";

static void test_json_reads_every_type(void)
{
    struct json *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL_FATAL(json_parse(s_json_doc, strlen(s_json_doc), &doc, &err), DRH_OK);
    CU_ASSERT_TRUE(json_is_object(doc));
    CU_ASSERT_STRING_EQUAL(json_get_string(doc, "Name"), "drh-dr-vault");
    CU_ASSERT_PTR_NULL(json_get_string(doc, "Count")); /* not a string */
    CU_ASSERT_PTR_NULL(json_get_string(doc, "name"));  /* keys are case-sensitive */
    CU_ASSERT_PTR_NULL(json_get(doc, "Missing"));

    double d = 0;
    long long i = 0;
    bool b = false;
    CU_ASSERT_TRUE(json_number(json_get(doc, "Count"), &d));
    CU_ASSERT_EQUAL(d, 3.0);
    CU_ASSERT_TRUE(json_integer(json_get(doc, "Count"), &i));
    CU_ASSERT_EQUAL(i, 3);
    CU_ASSERT_TRUE(json_number(json_get(doc, "Ratio"), &d));
    CU_ASSERT_EQUAL(d, -2.5);
    CU_ASSERT_FALSE(json_integer(json_get(doc, "Ratio"), &i)); /* not integral */
    CU_ASSERT_FALSE(json_integer(json_get(doc, "Big"), &i));   /* past 2^53 */
    CU_ASSERT_FALSE(json_number(json_get(doc, "Name"), &d));
    CU_ASSERT_TRUE(json_bool(json_get(doc, "On"), &b));
    CU_ASSERT_TRUE(b);
    CU_ASSERT_TRUE(json_bool(json_get(doc, "Off"), &b));
    CU_ASSERT_FALSE(b);
    CU_ASSERT_FALSE(json_bool(json_get(doc, "Nothing"), &b));
    CU_ASSERT_TRUE(json_is_null(json_get(doc, "Nothing")));
    CU_ASSERT_STRING_EQUAL(json_get_string(doc, "Text"),
                           "caf\xc3\xa9 \"quoted\" \xf0\x9f\x98\x80 \xe2\x82\xac");

    const struct json *list = json_get(doc, "List");
    CU_ASSERT_TRUE(json_is_array(list));
    CU_ASSERT_EQUAL(json_array_size(list), 4);
    CU_ASSERT_TRUE(json_integer(json_array_at(list, 0), &i) && i == 1);
    CU_ASSERT_STRING_EQUAL(json_string(json_array_at(list, 1)), "two");
    CU_ASSERT_TRUE(json_integer(json_get(json_array_at(list, 2), "three"), &i) && i == 3);
    CU_ASSERT_EQUAL(json_array_size(json_array_at(list, 3)), 0);
    CU_ASSERT_PTR_NULL(json_array_at(list, 4));
    CU_ASSERT_PTR_NULL(json_key(json_array_at(list, 0)));
    CU_ASSERT_EQUAL(json_array_size(doc), 0); /* not an array */

    CU_ASSERT_STRING_EQUAL(json_get_string(json_get(json_get(doc, "Nested"), "a"), "b"), "deep");
    /* NULL propagates through chained look-ups. */
    CU_ASSERT_PTR_NULL(json_get_string(json_get(json_get(doc, "Nope"), "a"), "b"));
    CU_ASSERT_STRING_EQUAL(json_type_name(json_get(doc, "List")), "array");
    CU_ASSERT_STRING_EQUAL(json_type_name(json_get(doc, "On")), "boolean");
    CU_ASSERT_STRING_EQUAL(json_type_name(json_get(doc, "Nope")), "missing");

    /* Members come in document order, with their keys. */
    static const char *const keys[] = {"Name", "Count",   "Ratio", "Big",  "On",
                                       "Off",  "Nothing", "Text",  "List", "Nested"};
    size_t n = 0;
    for (const struct json *m = json_first(doc); m; m = json_next(m), n++)
        if (n < 10)
            CU_ASSERT_STRING_EQUAL(json_key(m), keys[n]);
    CU_ASSERT_EQUAL(n, 10);
    n = 0;
    for (const struct json *m = json_first(list); m; m = json_next(m))
        n++;
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_PTR_NULL(json_first(json_get(doc, "Name")));
    json_free(doc);
    json_free(NULL);
}

struct bad_case {
    const char *text;
    size_t len; /* 0: strlen */
    const char *msg;
};

static void s_expect_json_error(const struct bad_case *c)
{
    struct json *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    size_t len = c->len ? c->len : strlen(c->text);
    enum drh_status st = json_parse(c->text, len, &doc, &err);
    if (st != DRH_E_PARSE || strcmp(err.msg, c->msg) != 0) {
        char *detail =
            xasprintf("got %s \"%s\", want \"%s\"", drh_status_name(st), err.msg, c->msg);
        TEST_FAILF("%s: %s", c->text, detail);
        free(detail);
    }
    CU_ASSERT_PTR_NULL(doc);
}

static void test_json_errors_name_line_and_column(void)
{
    static const struct bad_case cases[] = {
        {"", 0, "invalid JSON at line 1, column 1: empty document"},
        {" \n\t ", 0, "invalid JSON at line 1, column 1: empty document"},
        {"{\"a\": 1", 0, "invalid JSON at line 1, column 8: unexpected end of input"},
        {"{\n  \"a\": 1,\n  \"b\": [1, 2,, 3]\n}", 0,
         "invalid JSON at line 3, column 14: unexpected character ','"},
        {"{\"a\": \"abc", 0, "invalid JSON at line 1, column 7: unterminated string"},
        {"{\"k\": \"caf\xc3\xa9\", \"x\": tru}", 0,
         "invalid JSON at line 1, column 20: unexpected character 't'"},
        {"[1,]", 0, "invalid JSON at line 1, column 4: unexpected character ']'"},
        {"{} x", 0, "invalid JSON at line 1, column 4: unexpected character 'x'"},
        {"{}{}", 0, "invalid JSON at line 1, column 3: unexpected character '{'"},
        {"'single'", 0, "invalid JSON at line 1, column 1: unexpected character '''"},
        {"[\"tab\there\"]", 0,
         "invalid JSON at line 1, column 6: unescaped control character 0x09 in string"},
        {"[1]\x01", 0, "invalid JSON at line 1, column 4: unexpected control character 0x01"},
        {"[\"a\0b\"]", 7,
         "invalid JSON at line 1, column 4: unescaped control character 0x00 in string"},
        {"[1]\0", 4, "invalid JSON at line 1, column 4: unexpected control character 0x00"},
        {"[\"\\u0000\"]", 0,
         "invalid JSON at line 1, column 3: \\u0000 is not allowed in a string"},
        {"{\"a\": 1, \"a\": 2}", 0, "invalid JSON: duplicate key \"a\" in $"},
        {"{\"x\": [{}, {\"y\": {\"k\\n\": 1, \"k\\n\": 2}}]}", 0,
         "invalid JSON: duplicate key \"k?\" in $.x[1].y"},
        /* huge numbers */
        {"[1e400]", 0, "invalid JSON at line 1, column 2: number out of range"},
        {"{\"n\": -1.5E+999}", 0, "invalid JSON at line 1, column 7: number out of range"},
        {"[1234567890123456789012345678901234567890123456789012345678901234567890]", 0,
         "invalid JSON at line 1, column 2: number too long"},
        /* invalid UTF-8: stray continuation, overlong, surrogate, past U+10FFFF, cut */
        {"[\"\x80\"]", 0, "invalid JSON at line 1, column 3: invalid UTF-8"},
        {"[\"\xc0\xaf\"]", 0, "invalid JSON at line 1, column 3: invalid UTF-8"},
        {"[\"\xed\xa0\x80\"]", 0, "invalid JSON at line 1, column 3: invalid UTF-8"},
        {"[\"\xf4\x90\x80\x80\"]", 0, "invalid JSON at line 1, column 3: invalid UTF-8"},
        {"[\"\xe2\x82\"]", 0, "invalid JSON at line 1, column 3: invalid UTF-8"},
        {"{\"\xff\": 1}", 0, "invalid JSON at line 1, column 3: invalid UTF-8"},
        {"\n\n   \xfe", 0, "invalid JSON at line 3, column 4: invalid UTF-8"},
        {"[\"\\ud800\"]", 0, "invalid JSON at line 1, column 3: unexpected character '\\'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        s_expect_json_error(&cases[i]);
}

static void test_json_refuses_deep_nesting(void)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < JSON_MAX_DEPTH; i++)
        buf_puts(&b, i % 2 ? "{\"k\":" : "[");
    buf_puts(&b, "1");
    for (int i = JSON_MAX_DEPTH - 1; i >= 0; i--)
        buf_puts(&b, i % 2 ? "}" : "]");
    struct json *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(json_parse(b.data, b.len, &doc, &err), DRH_OK); /* at the bound */
    json_free(doc);
    doc = NULL;

    buf_reset(&b);
    for (int i = 0; i < 100000; i++)
        buf_putc(&b, '[');
    CU_ASSERT_EQUAL(json_parse(b.data, b.len, &doc, &err), DRH_E_PARSE);
    CU_ASSERT_STRING_EQUAL(err.msg,
                           "invalid JSON at line 1, column 65: nesting deeper than 64 levels");
    CU_ASSERT_PTR_NULL(doc);

    /* Brackets inside strings do not count. */
    buf_reset(&b);
    buf_puts(&b, "[\"");
    for (int i = 0; i < 1000; i++)
        buf_puts(&b, "[{");
    buf_puts(&b, "\"]");
    CU_ASSERT_EQUAL(json_parse(b.data, b.len, &doc, &err), DRH_OK);
    json_free(doc);
    buf_clean_up(&b);
}

static void test_json_builds_and_prints(void)
{
    struct json *o = json_new_object();
    CU_ASSERT_PTR_NOT_NULL(json_add_string(o, "BackupVaultName", "drh-dr-vault"));
    json_add_number(o, "MaxResults", 50);
    json_add_number(o, "Ratio", 0.5);
    json_add_bool(o, "Enabled", true);
    json_add_null(o, "Token");
    struct json *tags = json_add_child(o, "Tags", json_new_object());
    json_add_string(tags, "drh:run-id", "run-1");
    struct json *arr = json_add_child(o, "Ids", json_new_array());
    json_push_string(arr, "a\"b\\c\n");
    json_push_number(arr, -3);
    json_push(arr, json_new_object());
    /* Invalid UTF-8 never reaches the output. */
    json_add_string(o, "Bad\xff", "x\xc3(y\xed\xa0\x80");

    char *s = json_print(o, 0);
    CU_ASSERT_STRING_EQUAL(
        s, "{\"BackupVaultName\":\"drh-dr-vault\",\"MaxResults\":50,\"Ratio\":0.5,"
           "\"Enabled\":true,\"Token\":null,\"Tags\":{\"drh:run-id\":\"run-1\"},"
           "\"Ids\":[\"a\\\"b\\\\c\\n\",-3,{}],"
           "\"Bad\xef\xbf\xbd\":\"x\xef\xbf\xbd(y\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}");
    /* What is printed parses back to the same. */
    struct json *back = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL(json_parse(s, strlen(s), &back, &err), DRH_OK);
    CU_ASSERT_STRING_EQUAL(json_string(json_array_at(json_get(back, "Ids"), 0)), "a\"b\\c\n");
    char *again = json_print(back, 0);
    CU_ASSERT_STRING_EQUAL(again, s);
    free(again);
    json_free(back);
    free(s);

    s = json_print(tags, 1);
    CU_ASSERT_STRING_EQUAL(s, "{\n\t\"drh:run-id\":\t\"run-1\"\n}");
    free(s);
    s = json_print(NULL, 0);
    CU_ASSERT_STRING_EQUAL(s, "null");
    free(s);

    /* Adding to nothing frees the child: no leak for valgrind to find. */
    CU_ASSERT_PTR_NULL(json_add_child(NULL, "k", json_new_array()));
    CU_ASSERT_PTR_NULL(json_push(NULL, json_new_object()));
    CU_ASSERT_PTR_NULL(json_add_string(NULL, "k", "v"));
    CU_ASSERT_PTR_NULL(json_push_string(NULL, "v"));
    json_free(o);
}

static const char *const s_json_samples[] = {
    "backup_list_recovery_points.json", "backup_error_vault_not_found.json",
    "backup_error_invalid_token.json",  "efs_error_not_found.json",
    "kms_error_not_found.json",         "kms_error_invalid_state.json",
};

/* Every strict prefix of a document is refused (unless all that is cut is
 * white space), with a one-line message. */
static void test_json_truncated_at_every_byte(void)
{
    struct buf all;
    buf_init(&all);
    for (size_t k = 0; k < sizeof s_json_samples / sizeof s_json_samples[0]; k++) {
        buf_reset(&all);
        if (!test_read_sample(s_json_samples[k], &all))
            continue;
        size_t fails = 0;
        for (size_t cut = 0; cut <= all.len; cut++) {
            /* A copy of exactly cut bytes, so ASan sees any read past it. */
            char *text = xmalloc(cut ? cut : 1);
            memcpy(text, all.data, cut);
            struct json *doc = NULL;
            struct drh_err err;
            drh_err_clear(&err);
            enum drh_status st = json_parse(text, cut, &doc, &err);
            int complete = s_blank_from(all.data, cut, all.len);
            if (complete ? st != DRH_OK
                         : st != DRH_E_PARSE || !s_one_line_error(&err, "invalid JSON at line "))
                fails++;
            json_free(doc);
            free(text);
        }
        if (fails)
            TEST_FAILF("%s: %s", s_json_samples[k], "a truncation was not refused as it should be");
    }
    buf_clean_up(&all);
}

/* Random mutations either parse (and then print and parse back to the same)
 * or are refused with a one-line message. */
static void test_json_random_mutations(void)
{
    struct buf all, m;
    buf_init(&all);
    buf_init(&m);
    size_t parsed = 0, refused = 0, bad = 0;
    for (size_t k = 0; k < sizeof s_json_samples / sizeof s_json_samples[0]; k++) {
        buf_reset(&all);
        if (!test_read_sample(s_json_samples[k], &all))
            continue;
        for (int round = 0; round < 300; round++) {
            s_mutate(all.data, all.len, &m);
            struct json *doc = NULL;
            struct drh_err err;
            drh_err_clear(&err);
            if (json_parse(m.data, m.len, &doc, &err) == DRH_OK) {
                parsed++;
                char *s = json_print(doc, round % 2);
                struct json *back = NULL;
                if (json_parse(s, strlen(s), &back, &err) != DRH_OK)
                    bad++;
                json_free(back);
                free(s);
                json_free(doc);
            } else {
                refused++;
                if (!s_one_line_error(&err, "invalid JSON"))
                    bad++;
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_TRUE(parsed > 0 && refused > 0);
    buf_clean_up(&all);
    buf_clean_up(&m);
}

/*
 * XML
 */

static const char s_xml_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<r:Root xmlns:r=\"urn:drh:test\" xmlns=\"urn:default\" id=\"1\">\n"
    "  <!-- a comment -->\n"
    "  <Item><Name>first</Name></Item>\n"
    "  <Other>x</Other>\n"
    "  <Item><Name>second &amp; &lt;last&gt; &#233;&#x20AC;</Name></Item>\n"
    "  <Item><Name><![CDATA[third <raw> & ]]>part</Name></Item>\n"
    "  <Empty/>\n"
    "  <Mixed>a<b>b</b>c</Mixed>\n"
    "</r:Root>\n";

static void test_xml_reads_elements_and_text(void)
{
    struct xml_doc *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    CU_ASSERT_EQUAL_FATAL(xml_parse(s_xml_doc, strlen(s_xml_doc), &doc, &err), DRH_OK);
    const struct xml_node *root = xml_root(doc);
    CU_ASSERT_STRING_EQUAL(xml_name(root), "Root"); /* local name, prefix ignored */

    const char *want[] = {"first", "second & <last> \xc3\xa9\xe2\x82\xac", "third <raw> & part"};
    size_t n = 0;
    for (const struct xml_node *it = xml_child(root, "Item"); it; it = xml_next(it), n++) {
        char *t = xml_find_text(it, "Name");
        if (n < 3)
            CU_ASSERT_STRING_EQUAL(t, want[n]);
        free(t);
    }
    CU_ASSERT_EQUAL(n, 3);

    static const char *const order[] = {"Item", "Other", "Item", "Item", "Empty", "Mixed"};
    n = 0;
    for (const struct xml_node *c = xml_first_child(root); c; c = xml_next_sibling(c), n++)
        if (n < 6)
            CU_ASSERT_STRING_EQUAL(xml_name(c), order[n]);
    CU_ASSERT_EQUAL(n, 6);

    char *t = xml_find_text(root, "Empty");
    CU_ASSERT_STRING_EQUAL(t, "");
    free(t);
    t = xml_find_text(root, "Mixed");
    CU_ASSERT_STRING_EQUAL(t, "abc");
    free(t);
    CU_ASSERT_PTR_NULL(xml_first_child(xml_child(root, "Empty")));

    /* Paths. */
    CU_ASSERT_PTR_EQUAL(xml_find(root, ""), root);
    CU_ASSERT_STRING_EQUAL(xml_name(xml_find(root, "Mixed/b")), "b");
    CU_ASSERT_PTR_NULL(xml_find(root, "Mixed/c"));
    CU_ASSERT_PTR_NULL(xml_find(root, "Item//Name"));
    CU_ASSERT_PTR_NULL(xml_find(root, "/Item"));
    CU_ASSERT_PTR_NULL(xml_find(root, "Item/"));
    CU_ASSERT_PTR_NULL(xml_find(root, "Ite"));
    CU_ASSERT_PTR_NULL(xml_find(root, "Item/Name/x"));
    CU_ASSERT_PTR_NULL(xml_find_text(root, "Nope"));
    CU_ASSERT_PTR_NULL(xml_find(NULL, "Item"));
    CU_ASSERT_PTR_NULL(xml_child(NULL, "Item"));
    CU_ASSERT_PTR_NULL(xml_next(NULL));
    CU_ASSERT_PTR_NULL(xml_text(NULL));
    CU_ASSERT_PTR_NULL(xml_name(NULL));
    CU_ASSERT_PTR_NULL(xml_root(NULL));
    xml_free(doc);
    xml_free(NULL);
}

static void s_expect_xml_error(const char *what, const char *text, size_t len, const char *msg)
{
    struct xml_doc *doc = NULL;
    struct drh_err err;
    drh_err_clear(&err);
    enum drh_status st = xml_parse(text, len, &doc, &err);
    if (st != DRH_E_PARSE || strncmp(err.msg, msg, strlen(msg)) != 0 || strchr(err.msg, '\n')) {
        char *detail =
            xasprintf("got %s \"%s\", want \"%s...\"", drh_status_name(st), err.msg, msg);
        TEST_FAILF("%s: %s", what, detail);
        free(detail);
    }
    CU_ASSERT_PTR_NULL(doc);
}

static void test_xml_errors_name_line_and_column(void)
{
    static const struct {
        const char *what, *text, *msg;
    } cases[] = {
        {"empty", "", "invalid XML at line 1, column 1: empty document"},
        {"blank", "  \n", "invalid XML at line 2, column 1: Start tag expected"},
        {"unclosed tags", "<a>\n  <b>text\n",
         "invalid XML at line 3, column 1: Premature end of data in tag b line 2"},
        {"mismatched tag", "<Error>\n<Code>x</Cod>\n</Error>",
         "invalid XML at line 2, column 14: Opening and ending tag mismatch: Code line 2 and Cod"},
        {"two roots", "<a/><b/>",
         "invalid XML at line 1, column 5: Extra content at the end of the document"},
        {"not XML", "{\"__type\": \"x\"}",
         "invalid XML at line 1, column 1: Start tag expected, '<' not found"},
        {"undefined entity", "<a>&nbsp;</a>",
         "invalid XML at line 1, column 10: Entity 'nbsp' not defined"},
        {"bad attribute", "<a b=c/>",
         "invalid XML at line 1, column 6: AttValue: \" or ' expected"},
        {"invalid UTF-8", "<a>caf\xe9</a>",
         "invalid XML at line 1, column 7: Input is not proper UTF-8"},
        {"overlong UTF-8", "<a>\xc0\xbc</a>",
         "invalid XML at line 1, column 4: Input is not proper UTF-8"},
        {"latin-1 is read as UTF-8",
         "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xe9</a>",
         "invalid XML at line 1, column 50: Input is not proper UTF-8"},
        {"control character", "<a>\x01</a>",
         "invalid XML at line 1, column 4: PCDATA invalid Char value 1"},
        {"billion laughs",
         "<?xml version=\"1.0\"?>\n"
         "<!DOCTYPE lolz [\n"
         " <!ENTITY lol \"lol\">\n"
         " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
         " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
         " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
         " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
         " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
         " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
         " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
         " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
         " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
         "]>\n"
         "<lolz>&lol9;</lolz>\n",
         "invalid XML at line 2, column 16: DOCTYPE is not allowed (no DTD, no entities)"},
        {"external entity",
         "<?xml version=\"1.0\"?>\n"
         "<!DOCTYPE Error [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
         "<Error><Code>&xxe;</Code></Error>",
         "invalid XML at line 2, column 17: DOCTYPE is not allowed"},
        {"parameter entity",
         "<!DOCTYPE a [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/x.dtd\"> %p;]><a/>",
         "invalid XML at line 1, column 13: DOCTYPE is not allowed"},
        {"external DTD", "<!DOCTYPE a SYSTEM \"http://127.0.0.1:9/a.dtd\"><a/>",
         "invalid XML at line 1, column 46: DOCTYPE is not allowed"},
        {"entity without DTD", "<Error><Code>&xxe;</Code></Error>",
         "invalid XML at line 1, column 19: Entity 'xxe' not defined"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        s_expect_xml_error(cases[i].what, cases[i].text, strlen(cases[i].text), cases[i].msg);
    s_expect_xml_error("NUL byte", "<a>\0</a>", 8, "invalid XML at line 1, column 4: ");
    s_expect_xml_error("NULL text", NULL, 5, "invalid XML at line 1, column 1: empty document");
}

static void test_xml_refuses_deep_nesting(void)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 100000; i++)
        buf_puts(&b, "<a>");
    s_expect_xml_error("deep nesting", b.data, b.len,
                       "invalid XML at line 1, column 772: Excessive depth in document: 256");
    buf_reset(&b);
    for (int i = 0; i < 200; i++)
        buf_puts(&b, "<a>");
    for (int i = 0; i < 200; i++)
        buf_puts(&b, "</a>");
    struct xml_doc *doc = NULL;
    CU_ASSERT_EQUAL(xml_parse(b.data, b.len, &doc, NULL), DRH_OK);
    char *t = xml_text(xml_root(doc));
    CU_ASSERT_STRING_EQUAL(t, "");
    free(t);
    xml_free(doc);
    buf_clean_up(&b);
}

static const char *const s_xml_samples[] = {
    "sts_assume_role.xml",
    "sts_get_caller_identity.xml",
    "sts_error_access_denied.xml",
    "rds_describe_db_clusters.xml",
    "rds_error_cluster_not_found.xml",
    "ec2_describe_images.xml",
    "ec2_error_ami_not_found.xml",
    "s3_list_objects_v2.xml",
    "s3_error_no_such_bucket.xml",
    "generic_html_503.html",
};

static void test_xml_truncated_at_every_byte(void)
{
    struct buf all;
    buf_init(&all);
    for (size_t k = 0; k < sizeof s_xml_samples / sizeof s_xml_samples[0]; k++) {
        buf_reset(&all);
        if (!test_read_sample(s_xml_samples[k], &all))
            continue;
        size_t fails = 0;
        for (size_t cut = 0; cut <= all.len; cut++) {
            char *text = xmalloc(cut ? cut : 1);
            memcpy(text, all.data, cut);
            struct xml_doc *doc = NULL;
            struct drh_err err;
            drh_err_clear(&err);
            enum drh_status st = xml_parse(text, cut, &doc, &err);
            int complete = s_blank_from(all.data, cut, all.len);
            if (complete ? st != DRH_OK
                         : st != DRH_E_PARSE || !s_one_line_error(&err, "invalid XML at line "))
                fails++;
            xml_free(doc);
            free(text);
        }
        if (fails)
            TEST_FAILF("%s: %s", s_xml_samples[k], "a truncation was not refused as it should be");
    }
    buf_clean_up(&all);
}

/* Walks every element, reading names and text: nothing may crash. */
static size_t s_walk(const struct xml_node *n, int depth)
{
    size_t count = 1;
    char *t = xml_text(n);
    CU_ASSERT_PTR_NOT_NULL(t);
    free(t);
    CU_ASSERT_PTR_NOT_NULL(xml_name(n));
    for (const struct xml_node *c = xml_first_child(n); c && depth < 300; c = xml_next_sibling(c))
        count += s_walk(c, depth + 1);
    return count;
}

static void test_xml_random_mutations(void)
{
    struct buf all, m;
    buf_init(&all);
    buf_init(&m);
    size_t parsed = 0, refused = 0, bad = 0;
    for (size_t k = 0; k < sizeof s_xml_samples / sizeof s_xml_samples[0]; k++) {
        buf_reset(&all);
        if (!test_read_sample(s_xml_samples[k], &all))
            continue;
        for (int round = 0; round < 200; round++) {
            s_mutate(all.data, all.len, &m);
            struct xml_doc *doc = NULL;
            struct drh_err err;
            drh_err_clear(&err);
            if (xml_parse(m.data, m.len, &doc, &err) == DRH_OK) {
                parsed++;
                s_walk(xml_root(doc), 0);
                xml_free(doc);
            } else {
                refused++;
                if (!s_one_line_error(&err, "invalid XML at line "))
                    bad++;
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_TRUE(parsed > 0 && refused > 0);
    buf_clean_up(&all);
    buf_clean_up(&m);
}

static const struct test_case cases[] = {
    {"json reads every type, in order", test_json_reads_every_type},
    {"json errors name line and column", test_json_errors_name_line_and_column},
    {"json refuses nesting past its bound", test_json_refuses_deep_nesting},
    {"json builds, prints and parses back", test_json_builds_and_prints},
    {"json truncated at every byte is refused", test_json_truncated_at_every_byte},
    {"json survives random mutations", test_json_random_mutations},
    {"xml reads elements, text and paths", test_xml_reads_elements_and_text},
    {"xml errors name line and column; no DTD, no entity", test_xml_errors_name_line_and_column},
    {"xml refuses deep nesting", test_xml_refuses_deep_nesting},
    {"xml truncated at every byte is refused", test_xml_truncated_at_every_byte},
    {"xml survives random mutations", test_xml_random_mutations},
};
TEST_SUITE("json-xml", cases)
