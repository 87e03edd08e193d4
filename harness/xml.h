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

#endif
