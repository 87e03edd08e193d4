/*
 * Inside the JSON wrapper: the strict pass of json_parse_located() and the
 * positions it records (json_pos.c). Only json.c includes this; everyone
 * else reaches positions through json.h.
 */
#ifndef DRH_JSON_POS_H
#define DRH_JSON_POS_H

#include "json.h"

#include <stdbool.h>
#include <stddef.h>

/* An empty set of positions; free with json_positions_free(). */
struct json_positions *json_pos_new(void);
/* Checks len bytes of text (already through json.c's lexical pass) against
 * the JSON grammar and notes where each value and key starts, in text order.
 * On failure writes the byte offset and the cause, and returns false. */
bool json_pos_scan(const char *text, size_t len, struct json_positions *pos, size_t *fail_off,
                   char *what, size_t what_size);
/* Gives the noted positions their values: root's tree walked in pre-order
 * meets the values in text order. false when the two disagree. */
bool json_pos_bind(struct json_positions *pos, const struct json *root);

#endif
