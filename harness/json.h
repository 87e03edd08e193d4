/*
 * JSON documents: the one wrapper around cJSON, so no other module depends on
 * it. Parsing is written for hostile input (AWS responses, drill files): the
 * text is checked for control characters, invalid UTF-8, \u0000 escapes,
 * numbers that do not fit a double and nesting deeper than JSON_MAX_DEPTH
 * before cJSON sees it, and every failure names the line and column; an
 * object with a repeated key is refused too, naming the key and its path.
 *
 * A `struct json` is a value inside a document. The document is owned by its
 * root: json_free() the root, never a value reached through it. Getters take
 * NULL and answer NULL / 0 / false, so look-ups can be chained:
 * json_get_string(json_get(doc, "Error"), "Code").
 */
#ifndef DRH_JSON_H
#define DRH_JSON_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>

/* Objects and arrays nested deeper than this are refused by json_parse(). */
#define JSON_MAX_DEPTH 64

struct json;

/* Parses len bytes of text (no NUL needed). On failure err says, e.g.
 * "invalid JSON at line 3, column 14: unexpected character '}'", with code
 * DRH_E_PARSE (callers reading a user's file may turn it into DRH_E_INPUT).
 * Columns count characters, from 1. *out is written only on success; the
 * caller frees it with json_free(). */
enum drh_status json_parse(const char *text, size_t len, struct json **out, struct drh_err *err);

/*
 * Parsing with positions, for files a person wrote (drill files): messages
 * can then say "drill.json:12:5: unknown key". Lines and columns count
 * from 1, columns in characters (UTF-8 sequences count once).
 */
struct json_positions;

/* Where a located parse failed: the line and column of its message, and
 * the cause alone ("trailing comma before '}'"). */
struct json_syntax {
    int line;
    int col;
    char reason[160];
};

/* json_parse() that also records where every value and member key starts.
 * On success *out and *pos are written: free them with json_free() and
 * json_positions_free(). It checks the JSON grammar itself, strictly, before
 * cJSON parses: a failure reads like json_parse()'s ("invalid JSON at line
 * 6, column 26: trailing comma before '}'") but is placed exactly where
 * cJSON would be a character late, refuses what cJSON lets through (leading
 * zeros, "1.", a bad \u escape), and places a repeated key too. *where
 * (when not NULL) gets the position and the cause alone. */
enum drh_status json_parse_located(const char *text, size_t len, struct json **out,
                                   struct json_positions **pos, struct json_syntax *where,
                                   struct drh_err *err);
/* Where value (any value of the document pos came with) starts: the quote of
 * a string, the brace of an object. false when pos does not know value. */
bool json_position(const struct json_positions *pos, const struct json *value, int *line, int *col);
/* Where the key of an object member starts (its opening quote). false for
 * array elements, the root, and values pos does not know. */
bool json_key_position(const struct json_positions *pos, const struct json *member, int *line,
                       int *col);
/* NULL is a no-op. */
void json_positions_free(struct json_positions *pos);

/* Frees a document root (parsed or built). NULL is a no-op. */
void json_free(struct json *j);

bool json_is_object(const struct json *j);
bool json_is_array(const struct json *j);
bool json_is_string(const struct json *j);
bool json_is_number(const struct json *j);
bool json_is_bool(const struct json *j);
bool json_is_null(const struct json *j);
/* "object", "array", "string", "number", "boolean", "null"; "missing" for NULL.
 * For messages such as "expected string, got number". */
const char *json_type_name(const struct json *j);

/* The member named key (case-sensitive; the first if repeated), or NULL when
 * obj is not an object or has no such member. */
const struct json *json_get(const struct json *obj, const char *key);
/* The string's text, or NULL when j is not a string. Valid while the document is. */
const char *json_string(const struct json *j);
/* json_string(json_get(obj, key)). */
const char *json_get_string(const struct json *obj, const char *key);
/* Writes the value to *out and returns true when j is a number. */
bool json_number(const struct json *j, double *out);
/* Like json_number(), only for integral numbers of magnitude <= 2^53 (the
 * integers a double holds exactly). */
bool json_integer(const struct json *j, long long *out);
/* Writes the value to *out and returns true when j is true or false. */
bool json_bool(const struct json *j, bool *out);

/* Number of elements of an array (0 for anything else) and the element at
 * index (NULL when out of range). json_array_at() walks the list: iterate
 * with json_first() / json_next() over long arrays. */
size_t json_array_size(const struct json *j);
const struct json *json_array_at(const struct json *j, size_t index);
/* Iteration over the members of an object or the elements of an array:
 * for (const struct json *m = json_first(obj); m; m = json_next(m))
 *     use(json_key(m), m);
 * json_key() is NULL for array elements. */
const struct json *json_first(const struct json *j);
const struct json *json_next(const struct json *j);
const char *json_key(const struct json *member);

/*
 * Builders. Strings and keys are copied; bytes that are not valid UTF-8 are
 * replaced by U+FFFD so json_print() always writes valid JSON. Each add
 * returns the new value (NULL if obj/arr is NULL). json_add_child() and
 * json_push() take ownership of child in every case, so a child must be a
 * root (new, or parsed) that belongs to no other document.
 */
struct json *json_new_object(void);
struct json *json_new_array(void);
struct json *json_add_string(struct json *obj, const char *key, const char *value);
struct json *json_add_number(struct json *obj, const char *key, double value);
struct json *json_add_bool(struct json *obj, const char *key, bool value);
struct json *json_add_null(struct json *obj, const char *key);
struct json *json_add_child(struct json *obj, const char *key, struct json *child);
struct json *json_push(struct json *arr, struct json *child);
struct json *json_push_string(struct json *arr, const char *value);
struct json *json_push_number(struct json *arr, double value);

/* The text of j: compact, or indented with tabs when pretty is non-zero.
 * Caller frees with free(). */
char *json_print(const struct json *j, int pretty);

#endif
