/*
 * XML documents over libxml2: see xml.h.
 *
 * The parser context gets two handlers of its own: one that records the
 * first error (libxml2 goes on reporting consequences of the first one, and
 * would print them on stderr), and one that stops at a DOCTYPE before its
 * internal subset is read, so no entity is ever declared. A `struct xml_doc`
 * is an xmlDoc and a `struct xml_node` an xmlNode: the types are never
 * defined, only converted here.
 *
 * Schema validation reads both files through the same guarded parser and
 * records the first error with its line (libxml2 would print every one on
 * stderr). The escaping writers need no libxml2: they live here so that
 * everything about XML's character rules is in one file.
 */
#include "xml.h"

#include "buf.h"
#include "mem.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct parse_state {
    int failed;
    int line;
    int col;
    char msg[256];
};

static pthread_once_t s_init_once = PTHREAD_ONCE_INIT;

static void s_init(void)
{
    xmlInitParser();
}

static xmlNode *s_n(const struct xml_node *n)
{
    return (xmlNode *)n;
}

static const struct xml_node *s_node(const xmlNode *n)
{
    return (const struct xml_node *)n;
}

/* Copies a library message into one printable line. */
static void s_one_line(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    for (; src && *src && n + 1 < size; src++) {
        unsigned char c = (unsigned char)*src;
        dst[n++] = c < 0x20 || c == 0x7F ? ' ' : (char)c;
    }
    while (n > 0 && dst[n - 1] == ' ')
        n--;
    dst[n] = '\0';
}

static void s_record(struct parse_state *st, int line, int col, const char *msg)
{
    if (st->failed)
        return;
    st->failed = 1;
    st->line = line > 0 ? line : 1;
    st->col = col > 0 ? col : 1;
    s_one_line(st->msg, sizeof st->msg, msg);
}

static void s_on_error(void *ctx, xmlErrorPtr error)
{
    xmlParserCtxtPtr ctxt = ctx;
    if (!ctxt || !error || error->level < XML_ERR_ERROR)
        return;
    s_record(ctxt->_private, error->line, error->int2, error->message);
}

static void s_on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                         const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;
    int line = ctxt->input ? ctxt->input->line : 1;
    int col = ctxt->input ? ctxt->input->col : 1;
    s_record(ctxt->_private, line, col, "DOCTYPE is not allowed (no DTD, no entities)");
    xmlStopParser(ctxt);
}

/* The body of xml_parse(), with options added to the guarded set and the
 * document's URL (for relative references in a schema; NULL for text). */
static enum drh_status s_read_doc(const char *text, size_t len, const char *url, int extra_options,
                                  xmlDocPtr *out, struct drh_err *err)
{
    pthread_once(&s_init_once, s_init);
    if (!text || len == 0)
        return drh_err_set(err, DRH_E_PARSE, "invalid XML at line 1, column 1: empty document");
    if (len > INT_MAX)
        return drh_err_set(err, DRH_E_PARSE, "invalid XML: document of %zu bytes is too large",
                           len);

    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return drh_err_set(err, DRH_E_INTERNAL, "cannot create an XML parser context");
    struct parse_state st = {0};
    ctxt->_private = &st;
    ctxt->sax->serror = s_on_error;
    ctxt->sax->internalSubset = s_on_doctype;
    /* No NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/DTDVALID, no
     * HUGE (keeps the depth and size limits), no network. */
    int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
                  XML_PARSE_IGNORE_ENC | extra_options;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, text, (int)len, url, "UTF-8", options);
    int well_formed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);

    if (doc && well_formed && !st.failed && xmlDocGetRootElement(doc)) {
        *out = doc;
        return DRH_OK;
    }
    xmlFreeDoc(doc);
    if (!st.failed)
        s_record(&st, 1, 1, "not a well-formed document");
    return drh_err_set(err, DRH_E_PARSE, "invalid XML at line %d, column %d: %s", st.line, st.col,
                       st.msg);
}

enum drh_status xml_parse(const char *text, size_t len, struct xml_doc **out, struct drh_err *err)
{
    xmlDocPtr doc = NULL;
    enum drh_status st = s_read_doc(text, len, NULL, 0, &doc, err);
    if (st == DRH_OK)
        *out = (struct xml_doc *)doc;
    return st;
}

void xml_free(struct xml_doc *doc)
{
    if (doc)
        xmlFreeDoc((xmlDocPtr)doc);
}

const struct xml_node *xml_root(const struct xml_doc *doc)
{
    return doc ? s_node(xmlDocGetRootElement((const xmlDoc *)doc)) : NULL;
}

const char *xml_name(const struct xml_node *node)
{
    return node ? (const char *)s_n(node)->name : NULL;
}

static const xmlNode *s_element_from(const xmlNode *n)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

static int s_name_is(const xmlNode *n, const char *name, size_t len)
{
    const char *own = (const char *)n->name;
    return own && strncmp(own, name, len) == 0 && own[len] == '\0';
}

static const xmlNode *s_child_named(const xmlNode *n, const char *name, size_t len)
{
    for (const xmlNode *c = s_element_from(n->children); c; c = s_element_from(c->next))
        if (s_name_is(c, name, len))
            return c;
    return NULL;
}

const struct xml_node *xml_child(const struct xml_node *node, const char *name)
{
    if (!node || !name)
        return NULL;
    return s_node(s_child_named(s_n(node), name, strlen(name)));
}

const struct xml_node *xml_next(const struct xml_node *node)
{
    if (!node)
        return NULL;
    const xmlNode *n = s_n(node);
    const char *name = (const char *)n->name;
    for (const xmlNode *c = s_element_from(n->next); c; c = s_element_from(c->next))
        if (s_name_is(c, name, strlen(name)))
            return s_node(c);
    return NULL;
}

const struct xml_node *xml_first_child(const struct xml_node *node)
{
    return node ? s_node(s_element_from(s_n(node)->children)) : NULL;
}

const struct xml_node *xml_next_sibling(const struct xml_node *node)
{
    return node ? s_node(s_element_from(s_n(node)->next)) : NULL;
}

char *xml_text(const struct xml_node *node)
{
    if (!node)
        return NULL;
    xmlChar *content = xmlNodeGetContent(s_n(node));
    /* libxml2's allocator may not be malloc(): hand out our own copy. */
    char *s = xstrdup(content ? (const char *)content : "");
    xmlFree(content);
    return s;
}

const struct xml_node *xml_find(const struct xml_node *node, const char *path)
{
    if (!node || !path)
        return NULL;
    const xmlNode *n = s_n(node);
    const char *p = path;
    while (*p && n) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 0)
            return NULL;
        n = s_child_named(n, p, len);
        p += len;
        if (*p == '/') {
            p++;
            if (!*p)
                return NULL;
        }
    }
    return s_node(n);
}

char *xml_find_text(const struct xml_node *node, const char *path)
{
    return xml_text(xml_find(node, path));
}

char *xml_find_text_nonempty(const struct xml_node *node, const char *path)
{
    char *t = xml_find_text(node, path);
    if (t && !*t) {
        free(t);
        return NULL;
    }
    return t;
}

bool xml_find_true(const struct xml_node *node, const char *path)
{
    char *t = xml_find_text(node, path);
    bool yes = t && strcmp(t, "true") == 0;
    free(t);
    return yes;
}

char *xml_attr(const struct xml_node *node, const char *name)
{
    if (!node || !name)
        return NULL;
    xmlChar *value = xmlGetProp(s_n(node), (const xmlChar *)name);
    if (!value)
        return NULL;
    char *s = xstrdup((const char *)value);
    xmlFree(value);
    return s;
}

/* ---- schema validation --------------------------------------------------- */

struct valid_state {
    int n_errors;
    int line;
    char msg[512];
};

static void s_on_valid_error(void *ctx, xmlErrorPtr error)
{
    struct valid_state *vs = ctx;
    if (!error || error->level < XML_ERR_ERROR)
        return;
    if (vs->n_errors++ > 0)
        return;
    vs->line = error->line;
    if (vs->line <= 0 && error->node)
        vs->line = (int)xmlGetLineNo((const xmlNode *)error->node);
    s_one_line(vs->msg, sizeof vs->msg, error->message);
    /* libxml2 ends its sentences with a period; ours end without. */
    size_t n = strlen(vs->msg);
    if (n > 0 && vs->msg[n - 1] == '.')
        vs->msg[n - 1] = '\0';
}

/* "line 4: " when libxml2 knew the line (it does not for a whole-document
 * error such as "not a schema document"); then the first error, then
 * " (and 3 more errors)" when it was not the only one. */
static void s_describe(const struct valid_state *vs, char *out, size_t size)
{
    char line[32] = "";
    char more[48] = "";
    if (vs->line > 0)
        snprintf(line, sizeof line, "line %d: ", vs->line);
    if (vs->n_errors == 2)
        snprintf(more, sizeof more, " (and 1 more error)");
    else if (vs->n_errors > 2)
        snprintf(more, sizeof more, " (and %d more errors)", vs->n_errors - 1);
    snprintf(out, size, "%s%s%s", line, vs->msg, more);
}

static enum drh_status s_read_file(const char *path, const char *what, struct buf *b,
                                   struct drh_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return drh_err_set(err, DRH_E_IO, "cannot read %s '%s': %s", what, path, strerror(errno));
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(b, chunk, n);
    int failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed)
        return drh_err_set(err, DRH_E_IO, "cannot read %s '%s': %s", what, path, strerror(saved));
    return DRH_OK;
}

enum drh_status xml_validate_file(const char *xml_path, const char *xsd_path, struct drh_err *err)
{
    enum drh_status status;
    struct buf text;
    struct drh_err inner;
    struct valid_state vs = {0};
    char what[640];
    xmlDocPtr xsd_doc = NULL;
    xmlDocPtr doc = NULL;
    xmlSchemaParserCtxtPtr pctxt = NULL;
    xmlSchemaPtr schema = NULL;
    xmlSchemaValidCtxtPtr vctxt = NULL;
    buf_init(&text);
    drh_err_clear(&inner);

    status = s_read_file(xsd_path, "schema", &text, err);
    if (status != DRH_OK)
        goto done;
    if (s_read_doc(text.data, text.len, xsd_path, XML_PARSE_BIG_LINES, &xsd_doc, &inner) !=
        DRH_OK) {
        status = drh_err_set(err, DRH_E_CONFIG, "schema '%s': %s", xsd_path, inner.msg);
        goto done;
    }
    pctxt = xmlSchemaNewDocParserCtxt(xsd_doc);
    if (!pctxt) {
        status = drh_err_set(err, DRH_E_INTERNAL, "cannot create an XML Schema parser context");
        goto done;
    }
    xmlSchemaSetParserStructuredErrors(pctxt, s_on_valid_error, &vs);
    schema = xmlSchemaParse(pctxt);
    if (!schema || vs.n_errors) {
        if (!vs.n_errors)
            snprintf(vs.msg, sizeof vs.msg, "not a usable XML Schema");
        s_describe(&vs, what, sizeof what);
        status = drh_err_set(err, DRH_E_CONFIG, "schema '%s' is invalid: %s", xsd_path, what);
        goto done;
    }

    buf_reset(&text);
    status = s_read_file(xml_path, "document", &text, err);
    if (status != DRH_OK)
        goto done;
    if (s_read_doc(text.data, text.len, xml_path, XML_PARSE_BIG_LINES, &doc, &inner) != DRH_OK) {
        status = drh_err_set(err, DRH_E_INPUT, "'%s': %s", xml_path, inner.msg);
        goto done;
    }
    vctxt = xmlSchemaNewValidCtxt(schema);
    if (!vctxt) {
        status = drh_err_set(err, DRH_E_INTERNAL, "cannot create an XML Schema validation context");
        goto done;
    }
    memset(&vs, 0, sizeof vs);
    xmlSchemaSetValidStructuredErrors(vctxt, s_on_valid_error, &vs);
    int rc = xmlSchemaValidateDoc(vctxt, doc);
    if (rc != 0 || vs.n_errors) {
        if (!vs.n_errors) {
            status = drh_err_set(err, DRH_E_INTERNAL, "cannot validate '%s': libxml2 error %d",
                                 xml_path, rc);
            goto done;
        }
        s_describe(&vs, what, sizeof what);
        status = drh_err_set(err, DRH_E_INPUT, "'%s' is not valid against '%s': %s", xml_path,
                             xsd_path, what);
        goto done;
    }
    status = DRH_OK;

done:
    xmlSchemaFreeValidCtxt(vctxt);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pctxt);
    /* Freed last: the schema was built from this document's nodes. */
    xmlFreeDoc(xsd_doc);
    xmlFreeDoc(doc);
    buf_clean_up(&text);
    return status;
}

/* ---- writing ------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s (n bytes left) and its code
 * point, or 0: overlong forms, surrogates and code points past U+10FFFF are
 * refused, as json.c refuses them. */
static size_t s_utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned long min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
        *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
        *cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
        *cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || (*cp >= 0xD800 && *cp <= 0xDFFF) || *cp > 0x10FFFF)
        return 0;
    return len;
}

/* XML 1.0's Char production. */
static int s_xml_char(unsigned long cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

static const char *s_reference(unsigned long cp, int attr)
{
    switch (cp) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;"; /* so "]]>" never appears */
    case '\r':
        return "&#13;"; /* a literal one would be read back as a newline */
    case '"':
        return attr ? "&quot;" : NULL;
    case '\'':
        return attr ? "&apos;" : NULL;
    case '\t':
        return attr ? "&#9;" : NULL;
    case '\n':
        return attr ? "&#10;" : NULL;
    default:
        return NULL;
    }
}

static void s_escape(struct buf *b, const char *text, int attr)
{
    if (!text)
        return;
    const unsigned char *u = (const unsigned char *)text;
    size_t len = strlen(text);
    size_t run = 0; /* start of the bytes copied as they are */
    size_t i = 0;
    while (i < len) {
        unsigned long cp = 0;
        size_t n = s_utf8_decode(u + i, len - i, &cp);
        const char *instead = NULL;
        if (n == 0) {
            instead = "\xEF\xBF\xBD";
            n = 1;
        } else if (!s_xml_char(cp)) {
            instead = "";
        } else {
            instead = s_reference(cp, attr);
        }
        if (instead) {
            buf_append(b, text + run, i - run);
            buf_puts(b, instead);
            run = i + n;
        }
        i += n;
    }
    buf_append(b, text + run, len - run);
}

void xml_escape(struct buf *b, const char *text)
{
    s_escape(b, text, 0);
}

void xml_escape_attr(struct buf *b, const char *text)
{
    s_escape(b, text, 1);
}
