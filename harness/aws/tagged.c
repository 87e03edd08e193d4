/*
 * What the tag listings share (tagged.h): the list of things found and
 * their tags.
 */
#include "aws/tagged.h"

#include "mem.h"
#include "xml.h"

#include <stdlib.h>
#include <string.h>

const char *aws_tagged_tag(const struct aws_tagged *t, const char *key)
{
    for (size_t i = 0; t && key && i < t->n_tags; i++)
        if (strcmp(t->keys[i], key) == 0)
            return t->values[i];
    return NULL;
}

struct aws_tagged *aws_tagged_add(struct aws_tagged_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct aws_tagged *t = &l->v[l->n++];
    memset(t, 0, sizeof *t);
    return t;
}

void aws_tagged_set_tag(struct aws_tagged *t, const char *key, const char *value)
{
    t->keys = xrealloc(t->keys, (t->n_tags + 1) * sizeof *t->keys);
    t->values = xrealloc(t->values, (t->n_tags + 1) * sizeof *t->values);
    t->keys[t->n_tags] = xstrdup(key);
    t->values[t->n_tags++] = xstrdup(value ? value : "");
}

static void s_clean_up(struct aws_tagged *t)
{
    free(t->id);
    free(t->arn);
    free(t->state);
    free(t->type);
    for (size_t i = 0; i < t->n_tags; i++) {
        free(t->keys[i]);
        free(t->values[i]);
    }
    free(t->keys);
    free(t->values);
}

void aws_tagged_list_move(struct aws_tagged_list *to, struct aws_tagged_list *from)
{
    for (size_t i = 0; i < from->n; i++)
        *aws_tagged_add(to) = from->v[i];
    free(from->v);
    memset(from, 0, sizeof *from);
}

void aws_tagged_list_clean_up(struct aws_tagged_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        s_clean_up(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void aws_tagged_read_tags(struct aws_tagged *t, const struct xml_node *list)
{
    for (const struct xml_node *tag = xml_child(list, "Tag"); tag; tag = xml_next(tag)) {
        char *k = xml_find_text_nonempty(tag, "Key");
        char *v = xml_find_text(tag, "Value");
        if (k)
            aws_tagged_set_tag(t, k, v);
        free(k);
        free(v);
    }
}
