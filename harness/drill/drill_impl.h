/*
 * Inside the drill loader, shared by drill.c (files, names, durations),
 * drill_ctx.c (errors with positions, typed getters), drill_value.c (shapes
 * of account ids, ARNs, names), drill_parse.c (JSON to struct drill) and
 * drill_check.c (rules between keys, defaults). Not for other modules.
 *
 * Errors are collected rather than returned at once, so the one reported is
 * the first in the file, in three tiers: a bad key or value (tier 0) before
 * a missing required key (tier 1) before a conflict between keys (tier 2).
 * A misspelt key thus reads "unknown key 'acount' ... did you mean
 * 'account'?" rather than "missing required key 'account'", and conflicts
 * are judged only on a drill whose every value is known to be good.
 */
#ifndef DRH_DRILL_IMPL_H
#define DRH_DRILL_IMPL_H

#include "drill/drill.h"
#include "json.h"

#include <stdbool.h>
#include <stddef.h>

enum drill_tier { DRILL_TIER_VALUE, DRILL_TIER_MISSING, DRILL_TIER_CONFLICT, DRILL_TIERS };

struct drill_found {
    bool set;
    int line, col;
    char msg[DRH_ERR_MSG_MAX];
    char hint[DRH_ERR_HINT_MAX];
};

struct drill_ctx {
    const char *file; /* as given to drill_load(), for messages */
    const struct json_positions *pos;
    struct drill_found found[DRILL_TIERS];
    struct drill_found *last; /* the slot the last error went to; NULL if dropped */
};

/* Room for a path such as "resources[12].probes[3].expect.value". */
#define DRILL_WHERE_MAX 128

/*
 * Errors (drill_ctx.c). Each returns false, so a parser can end with
 * `return drill_fail(...)`; drill_hint() sets the hint of the error just
 * recorded (a no-op when an earlier one was kept instead) and returns false.
 */
bool drill_fail(struct drill_ctx *c, const struct json *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, positioned at the key of the member at. */
bool drill_fail_key(struct drill_ctx *c, const struct json *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, at byte offset of the string value at (a bad token inside a
 * schedule expression). */
bool drill_fail_offset(struct drill_ctx *c, const struct json *at, size_t offset, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));
/* A conflict between keys (tier 2), at the value at (or its key if key). */
bool drill_conflict(struct drill_ctx *c, const struct json *at, bool key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool drill_hint(struct drill_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A missing required key (tier 1), at the object that lacks it. */
bool drill_missing(struct drill_ctx *c, const struct json *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Whether any error of a tier below the given one was recorded. */
bool drill_failed_below(const struct drill_ctx *c, enum drill_tier tier);
/* Writes the reported error (the first in file order of the lowest tier) to
 * err as "FILE:LINE:COL: message" with DRH_E_INPUT; DRH_OK when none. */
enum drh_status drill_report(const struct drill_ctx *c, struct drh_err *err);

/* "path.key" ("key" at the top level) into out. */
void drill_where(char *out, size_t size, const char *path, const char *key);
/* Room for drill_show()'s 60 characters of UTF-8 and "...". */
#define DRILL_SHOW_MAX 256

/* "path[index]" into out. */
void drill_where_index(char *out, size_t size, const char *path, size_t index);
/* A user's text for a message: control characters as '?', at most 60
 * characters then "...". */
const char *drill_show(const char *s, char *out, size_t size);

/* The keys an object may hold; required ones come with an example for the
 * hint ("\"region\": \"us-east-1\""). A list ends with {NULL}. */
struct drill_key {
    const char *name;
    bool required;
    const char *example;
};
/* Checks obj's members against keys: an unknown key is a tier 0 error (with
 * "did you mean" when one is close), a missing required one tier 1. what
 * names the object in messages ("target", "resources[0]", "a sql probe"). */
bool drill_check_keys(struct drill_ctx *c, const struct json *obj, const char *what,
                      const struct drill_key *keys);
/* The closest of names (NULL-terminated) to word, or NULL when none is close
 * enough to be a likely typo. */
const char *drill_closest(const char *word, const char *const *names);

/*
 * Typed getters: v is the value (NULL: absent, true and nothing written),
 * where names it in messages. They record tier 0 errors and return false.
 */
bool drill_want_object(struct drill_ctx *c, const struct json *v, const char *where);
bool drill_want_array(struct drill_ctx *c, const struct json *v, const char *where);
/* A non-empty string; *out points into the document. */
bool drill_want_string(struct drill_ctx *c, const struct json *v, const char *where,
                       const char **out);
bool drill_want_bool(struct drill_ctx *c, const struct json *v, const char *where, bool *out);
bool drill_want_int(struct drill_ctx *c, const struct json *v, const char *where, long long min,
                    long long max, long long *out);
/* One of names (NULL-terminated); *out is its index. */
bool drill_want_enum(struct drill_ctx *c, const struct json *v, const char *where,
                     const char *const *names, int *out);
bool drill_want_duration(struct drill_ctx *c, const struct json *v, const char *where, long *out);
/* A string of 1..max characters from [A-Za-z0-9-]; *out is a copy. */
bool drill_want_name(struct drill_ctx *c, const struct json *v, const char *where, size_t max,
                     char **out);

/* The member key of obj as a string, shape-checked; *out is a copy. shape
 * NULL: any non-empty string. what: "an AWS account id"; hint: for a value
 * of the wrong shape. path: obj's place ("resources[0]"). */
bool drill_text(struct drill_ctx *c, const struct json *obj, const char *path, const char *key,
                bool (*shape)(const char *), const char *what, const char *hint, char **out);
/* A member that must be an object (absent: true, *out NULL). */
bool drill_object(struct drill_ctx *c, const struct json *obj, const char *path, const char *key,
                  const struct json **out);
/* Every key some type's restore section takes (drill_parse.c). */
extern const struct drill_key drill_any_restore_keys[];
/* Keys of obj that belong to another kind of the same thing (listed in
 * any, not in mine): "PATH: key 'K' does not apply to WHAT", hinted with
 * "TAKES takes: <mine>". Unknown keys are left to drill_check_keys(). */
void drill_foreign_keys(struct drill_ctx *c, const struct json *obj, const char *path,
                        const struct drill_key *mine, const struct drill_key *any, const char *what,
                        const char *takes);

/* Shapes of values (drill_value.c): true when s has the shape. */
bool drill_is_account(const char *s);
bool drill_is_name(const char *s, size_t max); /* [A-Za-z0-9-]{1,max} */
bool drill_is_vault_name(const char *s);       /* [A-Za-z0-9_-]{2,50} (AWS Backup) */
bool drill_is_env_name(const char *s);         /* [A-Za-z_][A-Za-z0-9_]* */
bool drill_is_db_identifier(const char *s);    /* RDS instance / cluster identifier */
bool drill_is_subnet_group(const char *s);
bool drill_is_security_group(const char *s);
bool drill_is_table_name(const char *s);     /* "t" or "schema.t", SQL identifiers */
bool drill_is_instance_class(const char *s); /* "db.r6g.large" */
bool drill_is_kms_key(const char *s);        /* alias/..., a key id, a KMS key or alias ARN */
bool drill_is_external_id(const char *s);
bool drill_is_decimal(const char *s);       /* "1000", "-0.5", "1e6" */
bool drill_is_subnet(const char *s);        /* subnet-[0-9a-f]{8,17} */
bool drill_is_efs_id(const char *s);        /* fs-[0-9a-f]{8,40} */
bool drill_is_instance_id(const char *s);   /* i-[0-9a-f]{8,17} */
bool drill_is_bucket(const char *s);        /* an S3 bucket name */
bool drill_is_instance_type(const char *s); /* "t3.micro" */
/* resources[i].source by type: an id or an ARN of the right service. */
bool drill_is_efs_source(const char *s);
bool drill_is_ec2_source(const char *s);
bool drill_is_s3_source(const char *s);

/* An ARN split into its parts; resource points into the text given. */
struct drill_arn {
    char partition[16];
    char service[32];
    char region[32];
    char account[16];
    const char *resource;
};
bool drill_arn_split(const char *s, struct drill_arn *out);
/* arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME with a known partition. */
bool drill_is_role_arn(const char *s, struct drill_arn *out);

/* Sections (drill_parse.c) and rules between them (drill_check.c). */
void drill_parse(struct drill_ctx *c, const struct json *root, struct drill *d);
/* The sections of the EFS, S3 and EC2 resources and the probes of EFS and
 * EC2 (drill_parse_kinds.c). rv is the resource's object, path its place
 * ("resources[0]"). */
void drill_parse_efs(struct drill_ctx *c, const struct json *rv, const char *path,
                     struct drill_resource *r);
void drill_parse_s3(struct drill_ctx *c, const struct json *rv, const char *path,
                    struct drill_resource *r);
void drill_parse_ec2(struct drill_ctx *c, const struct json *rv, const char *path,
                     struct drill_resource *r);
/* resources[i].probes (drill_parse_probes.c); typed false: the resource's
 * type is unknown (bad), so every kind is taken. */
void drill_parse_probes(struct drill_ctx *c, const struct json *rv, const char *path,
                        struct drill_resource *r, bool typed);
/* "a" or "an" before a word of a message: "an efs resource", "a sql probe". */
const char *drill_article(const char *word);
/* The kind-specific keys of a manifest, files, http, tcp or status probe,
 * or of an efs canary probe (efs true). */
void drill_parse_kind_probe(struct drill_ctx *c, const struct json *v, const char *path,
                            struct drill_probe *p, bool efs);
void drill_check(struct drill_ctx *c, const struct json *root, struct drill *d);
/* The reports section, and drill.controls (drill_parse_reports.c); o is the
 * drill section. */
void drill_parse_reports(struct drill_ctx *c, const struct json *root, struct drill *d);
void drill_parse_controls(struct drill_ctx *c, const struct json *o, struct drill *d);
/* Where to point at a rule about a whole object: its key when written, else
 * the object (drill_check.c). */
const struct json *drill_at(const struct json *obj, const char *key);

/* An AWS region name of a known partition. */
bool drill_is_region(const char *s);
/* "10.0.0.0/16" with a prefix length within [min_prefix, max_prefix] and no host bits. */
bool drill_is_cidr(const char *s, int min_prefix, int max_prefix);
/* An http:// URL template (placeholders {NAME.KEY} allowed). */
bool drill_is_url_template(const char *s);
/* obj.key as a POSIX ERE (checked with regcomp) into *out; example goes into the hint. */
bool drill_regex(struct drill_ctx *c, const struct json *obj, const char *path, const char *key,
                 const char *example, char **out);
/* obj.key as a moment: an ISO 8601 UTC time (*at, epoch seconds) or a
 * duration before T0 (*ago, seconds). */
bool drill_want_moment(struct drill_ctx *c, const struct json *obj, const char *path,
                       const char *key, double *at, long *ago);

/* The stack (drill_parse_stack.c): target.isolation, a resource's after and
 * pitr, a check resource's probes, the posture section and its defaults. */
void drill_parse_isolation(struct drill_ctx *c, const struct json *v, struct drill_isolation *iso);
void drill_parse_after(struct drill_ctx *c, const struct json *rv, const char *path,
                       struct drill_resource *r);
void drill_parse_pitr(struct drill_ctx *c, const struct json *rv, const char *path,
                      struct drill_resource *r);
void drill_parse_check_probe(struct drill_ctx *c, const struct json *v, const char *path,
                             struct drill_probe *p);
void drill_parse_posture(struct drill_ctx *c, const struct json *root, struct drill *d);
void drill_posture_defaults(struct drill *d);
/* Rules between the stack's keys and the rest (drill_check_stack.c): the
 * production account, pitr's side, after's names, the placeholders of
 * templates; run from drill_check(). */
void drill_check_stack(struct drill_ctx *c, const struct json *root, struct drill *d);

/* How the drill is operated (drill_parse_ops.c): the top-level schedule and
 * notify sections, a resource's canary section (typed: as in
 * drill_parse_probes), and the rule that a canary is read back. */
void drill_parse_ops(struct drill_ctx *c, const struct json *root, struct drill *d);
void drill_parse_canary(struct drill_ctx *c, const struct json *rv, const char *path,
                        struct drill_resource *r, bool typed);
void drill_check_ops(struct drill_ctx *c, const struct json *root, struct drill *d);

#endif
