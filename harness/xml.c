/*
 * XML documents over libxml2: see xml.h.
 *
 * The parser context gets two handlers of its own: one that records the
 * first error (libxml2 goes on reporting consequences of the first one, and
 * would print them on stderr), and one that stops at a DOCTYPE before its
 * internal subset is read, so no entity is ever declared. A `struct xml_doc`
 * is an xmlDoc and a `struct xml_node` an xmlNode: the types are never
 * defined, only converted here.
 */
#include "xml.h"

#include "mem.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <pthread.h>
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

enum drh_status xml_parse(const char *text, size_t len, struct xml_doc **out, struct drh_err *err)
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
                  XML_PARSE_IGNORE_ENC;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, "UTF-8", options);
    int well_formed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);

    if (doc && well_formed && !st.failed && xmlDocGetRootElement(doc)) {
        *out = (struct xml_doc *)doc;
        return DRH_OK;
    }
    xmlFreeDoc(doc);
    if (!st.failed)
        s_record(&st, 1, 1, "not a well-formed document");
    return drh_err_set(err, DRH_E_PARSE, "invalid XML at line %d, column %d: %s", st.line, st.col,
                       st.msg);
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
