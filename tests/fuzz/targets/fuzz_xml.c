/*
 * Fuzz target: XML as AWS sends it. The bytes are one response body, read
 * the way drh reads one:
 *   - xml_parse() and a walk over the tree with every getter;
 *   - aws_error_parse() in each of the five protocols without headers, and
 *     with headers made of the first line where headers matter; then
 *     aws_response_request_id() (all three XML protocols read it alike);
 *   - aws_query_parse() as query (RDS) and ec2, for the action the root
 *     element names (so the fuzzer reaches the result readers without
 *     guessing an action), then the readers drh has outside the modules'
 *     static code: rds_parse_db() on every element of the result's lists,
 *     ec2_parse_tags() appending every item's tags, aws_xml_next_token().
 *     (S3's ListObjectVersions reader and the EC2 Describe* item readers
 *     are static in their modules: reached only through a live client.)
 *   - xml_escape() / xml_escape_attr() of the bytes as a C string must
 *     give a document that parses back to the same text.
 */
#include "fuzz_targets.h"

#include "aws/ec2.h"
#include "aws/ec2_impl.h"
#include "aws/protocol.h"
#include "aws/rds.h"
#include "aws/rds_impl.h"
#include "buf.h"
#include "mem.h"
#include "xml.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define S_NAME "xml"
/* Bounds the walk, so a flat document of many thousand elements stays fast. */
#define S_WALK_MAX 2000
#define S_ITEMS_MAX 200
/* Escaping round trips take at most this much of the input. */
#define S_ESCAPE_MAX 4096

/* No byte a log line cannot hold. */
static bool s_one_line(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return false;
    return true;
}

static void s_walk(const struct xml_node *n, int depth, size_t *seen)
{
    for (; n && *seen < S_WALK_MAX; n = xml_next_sibling(n)) {
        ++*seen;
        const char *name = xml_name(n);
        FUZZ_CHECK(S_NAME, name && *name && !strchr(name, ':'));
        FUZZ_CHECK(S_NAME, xml_find(n, "") == n);
        char *text = xml_text(n);
        FUZZ_CHECK(S_NAME, text != NULL);
        free(text);
        free(xml_attr(n, "id"));
        free(xml_attr(n, "xmlns"));
        const struct xml_node *c = xml_first_child(n);
        if (c) {
            /* The first child of a name is the one xml_child() finds. */
            const char *cname = xml_name(c);
            const struct xml_node *first = xml_child(n, cname);
            FUZZ_CHECK(S_NAME, first != NULL);
            FUZZ_CHECK(S_NAME, xml_find(n, cname) == first);
            for (const struct xml_node *s = first; s; s = xml_next(s))
                FUZZ_CHECK(S_NAME, strcmp(xml_name(s), cname) == 0);
            free(xml_find_text(n, "Error/Code"));
            (void)xml_find_true(n, "IsTruncated");
            s_walk(c, depth + 1, seen);
        }
    }
}

static void s_check_error(const struct aws_error_info *e, long status)
{
    FUZZ_CHECK(S_NAME, e->code && *e->code && e->message);
    FUZZ_CHECK(S_NAME, e->status == status);
    FUZZ_CHECK(S_NAME, s_one_line(e->code) && s_one_line(e->message));
    FUZZ_CHECK(S_NAME, s_one_line(e->request_id));
}

/* Every protocol without headers; with headers, the JSON protocols (whose
 * codes come from them) and one XML protocol (the three read XML bodies the
 * same way, and headers only bring the request id). */
static void s_errors(const char *body, size_t len, const struct headers *hdrs)
{
    static const long statuses[] = {400, 404, 503, 301, 500};
    for (int p = AWS_PROTO_QUERY; p <= AWS_PROTO_JSON; p++) {
        if (hdrs && (p == AWS_PROTO_QUERY || p == AWS_PROTO_EC2))
            continue;
        long status = statuses[p];
        struct aws_error_info e;
        aws_error_parse((enum aws_protocol)p, status, hdrs, body, len, &e);
        s_check_error(&e, status);
        aws_error_info_clean_up(&e);
    }
    if (!hdrs) {
        char *id = aws_response_request_id(AWS_PROTO_REST_XML, hdrs, body, len);
        FUZZ_CHECK(S_NAME, s_one_line(id));
        free(id);
    }
}

/* The action a <XResponse> root answers: "X"; else one that will not match. */
static char *s_action(const char *root)
{
    size_t n = root ? strlen(root) : 0;
    if (n > 8 && strcmp(root + n - 8, "Response") == 0)
        return xstrndup(root, n - 8);
    return xstrdup("DescribeDBClusters");
}

static void s_rds(const struct xml_node *result)
{
    size_t items = 0;
    for (const struct xml_node *list = xml_first_child(result); list; list = xml_next_sibling(list))
        for (const struct xml_node *it = xml_first_child(list); it && items < S_ITEMS_MAX;
             it = xml_next_sibling(it), items++) {
            for (int cluster = 0; cluster < 2; cluster++) {
                struct rds_db db = {0};
                struct drh_err err = {0};
                if (rds_parse_db(cluster, it, &db, &err) == DRH_OK) {
                    FUZZ_CHECK(S_NAME, db.id && *db.id);
                    FUZZ_CHECK(S_NAME, db.port >= 0 && db.port <= 65535);
                } else {
                    FUZZ_CHECK(S_NAME, err.code == DRH_E_PARSE && !db.id);
                }
                rds_db_clean_up(&db);
            }
        }
    free(aws_xml_next_token(result, "Marker"));
}

static void s_ec2(const struct xml_node *result)
{
    struct ec2_tags tags = {0};
    size_t items = 0;
    for (const struct xml_node *set = xml_first_child(result); set; set = xml_next_sibling(set)) {
        const char *name = xml_name(set);
        size_t n = strlen(name);
        if (n < 3 || strcmp(name + n - 3, "Set") != 0)
            continue;
        for (const struct xml_node *it = xml_child(set, "item"); it && items < S_ITEMS_MAX;
             it = xml_next(it), items++) {
            size_t before = tags.n;
            ec2_parse_tags(it, &tags); /* appends: one list for the whole response */
            FUZZ_CHECK(S_NAME, tags.n >= before);
            for (size_t i = before; i < tags.n; i++)
                FUZZ_CHECK(S_NAME, tags.keys[i] && *tags.keys[i] && tags.values[i]);
        }
    }
    if (tags.n)
        FUZZ_CHECK(S_NAME, ec2_tags_get(&tags, tags.keys[0]) != NULL);
    ec2_tags_clean_up(&tags);
    free(aws_xml_next_token(result, "NextToken"));
}

static void s_query(const char *body, size_t len, const char *root)
{
    char *action = s_action(root);
    for (int p = 0; p < 2; p++) {
        enum aws_protocol proto = p ? AWS_PROTO_EC2 : AWS_PROTO_QUERY;
        struct xml_doc *doc = NULL;
        const struct xml_node *result = NULL;
        struct drh_err err = {0};
        if (aws_query_parse(proto, action, body, len, &doc, &result, &err) == DRH_OK) {
            FUZZ_CHECK(S_NAME, doc && result);
            if (proto == AWS_PROTO_EC2)
                s_ec2(result);
            else
                s_rds(result);
            xml_free(doc);
        } else {
            FUZZ_CHECK(S_NAME, err.code == DRH_E_PARSE || err.code == DRH_E_AWS);
            FUZZ_CHECK(S_NAME, s_one_line(err.msg) && doc == NULL);
        }
    }
    free(action);
}

/* Valid UTF-8 of XML characters only: what the escapers keep as it is. */
static bool s_xml_clean(const unsigned char *s)
{
    unsigned long cp;
    for (size_t n; *s; s += n) {
        if ((n = fuzz_utf8(s, &cp)) == 0)
            return false;
        if (!(cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
              (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000))
            return false;
    }
    return true;
}

static void s_escape(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size < S_ESCAPE_MAX ? size : S_ESCAPE_MAX);
    bool clean = s_xml_clean((const unsigned char *)text);
    for (int attr = 0; attr < 2; attr++) {
        struct buf b;
        buf_init(&b);
        buf_puts(&b, attr ? "<a v=\"" : "<a>");
        if (attr)
            xml_escape_attr(&b, text);
        else
            xml_escape(&b, text);
        buf_puts(&b, attr ? "\"/>" : "</a>");
        struct xml_doc *doc = NULL;
        struct drh_err err = {0};
        FUZZ_CHECK(S_NAME, xml_parse(buf_str(&b), b.len, &doc, &err) == DRH_OK);
        const struct xml_node *root = xml_root(doc);
        char *back = attr ? xml_attr(root, "v") : xml_text(root);
        FUZZ_CHECK(S_NAME, back != NULL);
        FUZZ_CHECK(S_NAME, !clean || strcmp(back, text) == 0);
        free(back);
        xml_free(doc);
        buf_clean_up(&b);
    }
    free(text);
}

int fuzz_xml(const uint8_t *data, size_t size)
{
    const char *body = size ? (const char *)data : "";
    struct xml_doc *doc = NULL;
    struct drh_err err = {0};
    char *root = NULL;
    if (xml_parse(body, size, &doc, &err) == DRH_OK) {
        size_t seen = 0;
        s_walk(xml_root(doc), 0, &seen);
        root = xstrdup(xml_name(xml_root(doc)));
        xml_free(doc);
    } else {
        FUZZ_CHECK(S_NAME, err.code == DRH_E_PARSE && s_one_line(err.msg));
        FUZZ_CHECK(S_NAME, strncmp(err.msg, "invalid XML", 11) == 0);
    }

    s_errors(body, size, NULL);
    struct headers hdrs;
    headers_init(&hdrs);
    char *first = fuzz_line(data, size, 0);
    headers_add(&hdrs, "x-amz-request-id", first);
    headers_add(&hdrs, "x-amzn-ErrorType", first);
    headers_add(&hdrs, "x-amzn-query-error", first);
    free(first);
    s_errors(body, size, &hdrs);
    headers_clean_up(&hdrs);

    s_query(body, size, root);
    free(root);
    s_escape(data, size);
    return 0;
}
