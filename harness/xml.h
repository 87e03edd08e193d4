/*
 * XML documents, read-only: the one wrapper around libxml2. Written for
 * hostile input (AWS responses): nothing is fetched over the network, no
 * entity is expanded and no DTD is loaded; a document with a DOCTYPE is
 * refused outright (AWS never sends one, and that closes the door on entity
 * bombs and external entities); nesting is bounded by libxml2's own limit
 * of 256 levels. Every failure names the line and column.
 *
 * Names are local names: namespaces are ignored, as botocore ignores them.
 * Getters take NULL and answer NULL, so look-ups can be chained.
 */
#ifndef DRH_XML_H
#define DRH_XML_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>

struct xml_doc;
struct xml_node; /* an element; valid while its document is */

/* Parses len bytes (UTF-8, whatever the XML declaration says). On failure
 * err says, e.g. "invalid XML at line 3, column 14: <libxml2's message>",
 * with code DRH_E_PARSE. *out is written only on success; the caller frees
 * it with xml_free(). */
enum drh_status xml_parse(const char *text, size_t len, struct xml_doc **out, struct drh_err *err);
/* NULL is a no-op. */
void xml_free(struct xml_doc *doc);

/* The root element. */
const struct xml_node *xml_root(const struct xml_doc *doc);
/* The local name of an element ("Error" for <e:Error xmlns:e="...">). */
const char *xml_name(const struct xml_node *node);
/* The first element child named name, and the next sibling element with the
 * same name as node: for (c = xml_child(n, "item"); c; c = xml_next(c)). */
const struct xml_node *xml_child(const struct xml_node *node, const char *name);
const struct xml_node *xml_next(const struct xml_node *node);
/* Any element child, in document order. */
const struct xml_node *xml_first_child(const struct xml_node *node);
const struct xml_node *xml_next_sibling(const struct xml_node *node);
/* The text of node and its descendants, entities and CDATA resolved.
 * Caller frees with free(); NULL only when node is NULL. */
char *xml_text(const struct xml_node *node);
/* The element reached from node by a path of child names separated by '/',
 * each step taking the first child of that name: xml_find(root, "Error/Code").
 * "" is node itself; NULL when any step is missing or empty. */
const struct xml_node *xml_find(const struct xml_node *node, const char *path);
/* xml_text(xml_find(node, path)): NULL when absent. Caller frees. */
char *xml_find_text(const struct xml_node *node, const char *path);
/* The same, NULL also when the text is empty. Caller frees. */
char *xml_find_text_nonempty(const struct xml_node *node, const char *path);
/* Whether the text at path is "true". */
bool xml_find_true(const struct xml_node *node, const char *path);
/* The value of node's attribute name (namespaces ignored, references
 * resolved), or NULL when node is NULL or has no such attribute. Caller
 * frees with free(). */
char *xml_attr(const struct xml_node *node, const char *name);

/* Validates the XML file at xml_path against the W3C XML Schema at xsd_path.
 * Both files are read with xml_parse()'s guards (no DOCTYPE, no network);
 * the schema is trusted otherwise (an xs:include is read as libxml2 reads
 * it). Every failure names the file and the line:
 *   DRH_E_IO      a file cannot be read
 *   DRH_E_INPUT   the document is not well-formed, or not valid, e.g.
 *                 "'out.xml' is not valid against 'junit-10.xsd': line 4:
 *                 Element 'testcase': The attribute 'name' is required but
 *                 missing (and 2 more errors)"
 *   DRH_E_CONFIG  the schema is not a well-formed, usable XML Schema */
enum drh_status xml_validate_file(const char *xml_path, const char *xsd_path, struct drh_err *err);

/*
 * Writing. XML 1.0 cannot carry every string: characters it does not allow
 * (controls other than tab, newline and carriage return; U+FFFE, U+FFFF)
 * are dropped and bytes that are not valid UTF-8 become U+FFFD, so any C
 * string gives well-formed output. xml_escape() is for character data (&,
 * <, > and carriage return escaped, newlines kept); xml_escape_attr() for a
 * value inside double quotes (also ", ', tab and newline escaped, so they
 * survive attribute-value normalization). text NULL appends nothing.
 */
struct buf;
void xml_escape(struct buf *b, const char *text);
void xml_escape_attr(struct buf *b, const char *text);

#endif
