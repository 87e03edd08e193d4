/*
 * A policy document as text (iam_policy_text()): the layout of AWS's own
 * examples, two-space indent with one member or item a line, so a
 * generated policy reads like a hand-written one and diffs line by line.
 * Strings are written by json_print(), which escapes them.
 */
#include "iam/iam_policy.h"

#include "buf.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

static void s_indent(struct buf *b, int depth)
{
    for (int i = 0; i < depth; i++)
        buf_puts(b, "  ");
}

static void s_value(struct buf *b, const struct json *v, int depth)
{
    bool object = json_is_object(v);
    if (!object && !json_is_array(v)) {
        char *text = json_print(v, 0);
        buf_puts(b, text);
        free(text);
        return;
    }
    const struct json *e = json_first(v);
    if (!e) {
        buf_puts(b, object ? "{}" : "[]");
        return;
    }
    buf_puts(b, object ? "{\n" : "[\n");
    for (; e; e = json_next(e)) {
        s_indent(b, depth + 1);
        if (object) {
            /* a key is printed as a one-key object would print it, escaped */
            struct json *k = json_new_object();
            json_add_null(k, json_key(e));
            char *text = json_print(k, 0); /* {"KEY":null} */
            const char *colon = strrchr(text, ':');
            buf_printf(b, "%.*s: ", (int)(colon - text - 1), text + 1);
            free(text);
            json_free(k);
        }
        s_value(b, e, depth + 1);
        buf_puts(b, json_next(e) ? ",\n" : "\n");
    }
    s_indent(b, depth);
    buf_puts(b, object ? "}" : "]");
}

char *iam_policy_text(const struct json *policy)
{
    struct buf b;
    buf_init(&b);
    s_value(&b, policy, 0);
    buf_puts(&b, "\n");
    return buf_detach(&b);
}
