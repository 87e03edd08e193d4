/*
 * The IAM policy evaluator (policy.h). Statements are read in order; the
 * first Deny that surely applies decides at once, otherwise the first Allow
 * of the strongest kind (plain, then with a note, then conditional) gives
 * the reason. A Deny that may apply under a condition drh cannot evaluate
 * leaves an Allow unproven.
 */
#include "check/policy.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* vsnprintf into out: messages are cut to fit, never overflow. */
static void s_fmt(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void s_fmt(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, size, fmt, ap);
    va_end(ap);
}

bool policy_allows(enum policy_result r)
{
    return r == POLICY_ALLOWED || r == POLICY_ALLOWED_NOTE;
}

const char *policy_result_name(enum policy_result r)
{
    switch (r) {
    case POLICY_ALLOWED:
        return "allowed";
    case POLICY_ALLOWED_NOTE:
        return "allowed with a note";
    case POLICY_DENIED:
        return "denied";
    case POLICY_NO_ALLOW:
        return "not allowed";
    case POLICY_CONDITIONAL:
        return "conditional";
    }
    return "?";
}

static bool s_same(char a, char b, bool casefold)
{
    if (casefold)
        return tolower((unsigned char)a) == tolower((unsigned char)b);
    return a == b;
}

bool policy_wildcard(const char *p, const char *t, bool casefold)
{
    const char *star = NULL, *back = NULL;
    while (*t) {
        if (*p == '*') {
            star = p++;
            back = t;
        } else if (*p && (*p == '?' || s_same(*p, *t, casefold))) {
            p++;
            t++;
        } else if (star) {
            p = star + 1;
            t = ++back;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* Where field index of an ARN starts; NULL when s is not an ARN (at least
 * six fields) or has fewer fields. */
static const char *s_arn_at(const char *s, int index)
{
    if (!s || strncmp(s, "arn:", 4) != 0 || index < 0)
        return NULL;
    int colons = 0;
    const char *at = index == 0 ? s : NULL;
    for (const char *c = s; *c; c++)
        if (*c == ':' && ++colons == index)
            at = c + 1;
    return colons >= 5 ? at : NULL;
}

bool policy_arn_field(const char *s, int index, char *out, size_t size)
{
    const char *f = s_arn_at(s, index);
    if (!f || size == 0)
        return false;
    size_t n = index >= 5 ? strlen(f) : strcspn(f, ":");
    snprintf(out, size, "%.*s", (int)n, f);
    return true;
}

/* How a statement's principal covers the request. */
enum s_match {
    M_NO,
    M_ROLE, /* one principal (role, user) of the account, and the request is for the account */
    M_YES
};

static enum s_match s_principal_value(const char *v, const struct policy_request *req)
{
    if (strcmp(v, "*") == 0 || strcmp(v, req->account) == 0)
        return M_YES;
    char service[8], account[16];
    if (!policy_arn_field(v, 2, service, sizeof service) ||
        (strcmp(service, "iam") != 0 && strcmp(service, "sts") != 0) ||
        !policy_arn_field(v, 4, account, sizeof account) || strcmp(account, req->account) != 0)
        return M_NO;
    if (strcmp(s_arn_at(v, 5), "root") == 0)
        return M_YES;
    if (req->principal)
        return strcmp(v, req->principal) == 0 ? M_YES : M_NO;
    return M_ROLE;
}

/* The best match among a Principal's values; *role gets the value of an
 * M_ROLE match. */
static enum s_match s_principal(const struct json *p, const struct policy_request *req,
                                const char **role)
{
    if (json_is_string(p))
        return strcmp(json_string(p), "*") == 0 ? M_YES : M_NO;
    const struct json *aws = json_get(p, "AWS");
    enum s_match best = M_NO;
    for (const struct json *v = json_is_array(aws) ? json_first(aws) : aws; v;
         v = json_is_array(aws) ? json_next(v) : NULL) {
        if (!json_is_string(v))
            continue;
        enum s_match m = s_principal_value(json_string(v), req);
        if (m > best) {
            best = m;
            if (m == M_ROLE)
                *role = json_string(v);
        }
    }
    return best;
}

/* A pattern of v (a string or a list of them) matches text. */
static bool s_any(const struct json *v, const char *text, bool casefold)
{
    for (const struct json *x = json_is_array(v) ? json_first(v) : v; x;
         x = json_is_array(v) ? json_next(x) : NULL)
        if (json_is_string(x) && policy_wildcard(json_string(x), text, casefold))
            return true;
    return false;
}

/* What a statement's Condition block comes to, most decisive first. */
enum s_cond {
    C_FALSE,         /* it does not hold */
    C_FALSE_ASSUMED, /* it does not hold if the account is in the organization */
    C_UNKNOWN,       /* drh does not evaluate it */
    C_TRUE_ASSUMED,  /* it holds if the account is in the organization */
    C_TRUE
};

struct cond_eval {
    enum s_cond state;
    char org[128];     /* the organization values assumed */
    char unknown[160]; /* the first condition not evaluated: "IpAddress aws:SourceIp" */
};

/* A condition value as text: strings, and numbers written as integers. */
static bool s_value_text(const struct json *v, char *out, size_t size)
{
    double d;
    bool b;
    if (json_is_string(v))
        snprintf(out, size, "%s", json_string(v));
    else if (json_number(v, &d))
        snprintf(out, size, "%.0f", d);
    else if (json_bool(v, &b))
        snprintf(out, size, "%s", b ? "true" : "false");
    else
        return false;
    return true;
}

/* Whether a value of v (one or a list) matches text by the operator. */
static bool s_cond_match(const struct json *v, const char *text, bool like, bool casefold)
{
    char value[256];
    for (const struct json *x = json_is_array(v) ? json_first(v) : v; x;
         x = json_is_array(v) ? json_next(x) : NULL) {
        if (!s_value_text(x, value, sizeof value))
            continue;
        if (like       ? policy_wildcard(value, text, casefold)
            : casefold ? strcasecmp(value, text) == 0
                       : strcmp(value, text) == 0)
            return true;
    }
    return false;
}

/* Values of v joined with ", " into out. */
static void s_join(const struct json *v, char *out, size_t size)
{
    char value[256];
    size_t len = strlen(out);
    for (const struct json *x = json_is_array(v) ? json_first(v) : v; x && len < size;
         x = json_is_array(v) ? json_next(x) : NULL) {
        if (!s_value_text(x, value, sizeof value))
            continue;
        s_fmt(out + len, size - len, "%s%s", len ? ", " : "", value);
        len = strlen(out);
    }
}

static void s_fold(struct cond_eval *c, enum s_cond one)
{
    if (one < c->state)
        c->state = one;
}

static void s_conditions(const struct json *cond, const struct policy_request *req,
                         struct cond_eval *out)
{
    static const struct {
        const char *name;
        bool like, casefold, negated;
    } ops[] = {
        {"StringEquals", false, false, false},
        {"StringEqualsIgnoreCase", false, true, false},
        {"StringLike", true, false, false},
        {"StringNotEquals", false, false, true},
        {"StringNotEqualsIgnoreCase", false, true, true},
        {"StringNotLike", true, false, true},
    };
    memset(out, 0, sizeof *out);
    out->state = C_TRUE;
    for (const struct json *op = json_first(cond); op; op = json_next(op)) {
        int k = -1;
        for (int i = 0; i < (int)(sizeof ops / sizeof ops[0]); i++)
            if (strcmp(json_key(op), ops[i].name) == 0)
                k = i;
        for (const struct json *key = json_first(op); key; key = json_next(key)) {
            const char *name = json_key(key);
            bool account = strcasecmp(name, "aws:PrincipalAccount") == 0 ||
                           strcasecmp(name, "kms:CallerAccount") == 0;
            bool org = strcasecmp(name, "aws:PrincipalOrgID") == 0;
            if (k < 0 || (!account && !org)) {
                if (!out->unknown[0])
                    snprintf(out->unknown, sizeof out->unknown, "%s %s", json_key(op), name);
                s_fold(out, C_UNKNOWN);
            } else if (account) {
                bool m = s_cond_match(key, req->account, ops[k].like, ops[k].casefold);
                if (m == ops[k].negated)
                    s_fold(out, C_FALSE);
            } else {
                s_join(key, out->org, sizeof out->org);
                s_fold(out, ops[k].negated ? C_FALSE_ASSUMED : C_TRUE_ASSUMED);
            }
        }
    }
}

/* "statement 'Sid'" or "statement N" (from 1). */
static void s_name(const struct json *st, size_t i, char *out, size_t size)
{
    const char *sid = json_get_string(st, "Sid");
    if (sid && *sid)
        snprintf(out, size, "statement '%s'", sid);
    else
        snprintf(out, size, "statement %zu", i + 1);
}

/* The first statement of each kind, with its reason. */
struct found {
    bool any;
    char reason[512];
};

static void s_note(struct found *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void s_note(struct found *f, const char *fmt, ...)
{
    if (f->any)
        return;
    f->any = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->reason, sizeof f->reason, fmt, ap);
    va_end(ap);
}

enum drh_status policy_evaluate_json(const struct json *doc, const struct policy_request *req,
                                     struct policy_verdict *out, struct drh_err *err)
{
    if (!req || !req->account || !req->action)
        return drh_err_set(err, DRH_E_INPUT, "policy evaluation: no account or action given");
    const struct json *stmts = json_get(doc, "Statement");
    if (!json_is_object(doc))
        return drh_err_set(err, DRH_E_PARSE, "policy is not a JSON object (%s)",
                           json_type_name(doc));
    if (!json_is_object(stmts) && !json_is_array(stmts))
        return drh_err_set(err, DRH_E_PARSE, "policy's Statement is not a list of statements (%s)",
                           json_type_name(stmts));
    struct found allow = {0}, allow_note = {0}, allow_cond = {0}, deny_cond = {0}, deny_note = {0};
    const char *act = req->action, *acct = req->account;
    size_t i = 0;
    for (const struct json *st = json_is_array(stmts) ? json_first(stmts) : stmts; st;
         st = json_is_array(stmts) ? json_next(st) : NULL, i++) {
        char name[160];
        s_name(st, i, name, sizeof name);
        const char *effect = json_get_string(st, "Effect");
        bool deny = effect && strcmp(effect, "Deny") == 0;
        if (!deny && !(effect && strcmp(effect, "Allow") == 0))
            return drh_err_set(err, DRH_E_PARSE, "policy %s: Effect is not Allow or Deny", name);
        const struct json *action = json_get(st, "Action"), *not_action = json_get(st, "NotAction");
        if (!action && !not_action)
            return drh_err_set(err, DRH_E_PARSE, "policy %s: no Action or NotAction", name);
        const char *role = NULL;
        enum s_match m = M_YES;
        if (json_get(st, "Principal"))
            m = s_principal(json_get(st, "Principal"), req, &role);
        else if (json_get(st, "NotPrincipal"))
            m = s_principal(json_get(st, "NotPrincipal"), req, &role) == M_YES ? M_NO : M_YES;
        if (m == M_NO)
            continue;
        if (action ? !s_any(action, act, true) : s_any(not_action, act, true))
            continue;
        if (req->resource) {
            const struct json *res = json_get(st, "Resource"),
                              *not_res = json_get(st, "NotResource");
            if (res ? !s_any(res, req->resource, false)
                    : not_res && s_any(not_res, req->resource, false))
                continue;
        }
        struct cond_eval c;
        s_conditions(json_get(st, "Condition"), req, &c);
        if (deny) {
            if (m == M_ROLE)
                continue; /* it denies one principal, not the account */
            if (c.state == C_TRUE || c.state == C_TRUE_ASSUMED) {
                out->result = POLICY_DENIED;
                if (c.state == C_TRUE)
                    s_fmt(out->reason, sizeof out->reason, "%s denies %s to %s", name, act, acct);
                else
                    s_fmt(out->reason, sizeof out->reason,
                          "%s denies %s to organization %s (membership of %s assumed, not "
                          "verified)",
                          name, act, c.org, acct);
                return DRH_OK;
            }
            if (c.state == C_FALSE_ASSUMED)
                s_note(&deny_note,
                       "%s denies it outside organization %s (membership of %s not "
                       "verified)",
                       name, c.org, acct);
            else if (c.state == C_UNKNOWN)
                s_note(&deny_cond,
                       "%s denies %s to %s under a condition drh does not evaluate (%s)", name, act,
                       acct, c.unknown);
            continue;
        }
        if (c.state == C_FALSE || c.state == C_FALSE_ASSUMED)
            continue;
        if (c.state == C_UNKNOWN)
            s_note(&allow_cond,
                   "%s allows %s to %s only under a condition drh does not evaluate (%s)", name,
                   act, acct, c.unknown);
        else if (m == M_ROLE)
            s_note(&allow_note, "%s allows %s only to %s, not to every principal of %s", name, act,
                   role, acct);
        else if (c.state == C_TRUE_ASSUMED)
            s_note(&allow_note, "%s allows %s to organization %s (membership of %s not verified)",
                   name, act, c.org, acct);
        else
            s_note(&allow, "%s allows %s to %s", name, act, acct);
    }
    if (!allow.any && !allow_note.any && !allow_cond.any) {
        out->result = POLICY_NO_ALLOW;
        s_fmt(out->reason, sizeof out->reason, "no statement allows %s to %s", act, acct);
    } else if (deny_cond.any) {
        out->result = POLICY_CONDITIONAL;
        s_fmt(out->reason, sizeof out->reason, "%s", deny_cond.reason);
    } else if (allow.any && !deny_note.any) {
        out->result = POLICY_ALLOWED;
        s_fmt(out->reason, sizeof out->reason, "%s", allow.reason);
    } else if (allow.any || allow_note.any) {
        out->result = POLICY_ALLOWED_NOTE;
        s_fmt(out->reason, sizeof out->reason, "%s%s%s",
              allow.any ? allow.reason : allow_note.reason, deny_note.any ? "; " : "",
              deny_note.any ? deny_note.reason : "");
    } else {
        out->result = POLICY_CONDITIONAL;
        s_fmt(out->reason, sizeof out->reason, "%s", allow_cond.reason);
    }
    return DRH_OK;
}

enum drh_status policy_evaluate(const char *text, const struct policy_request *req,
                                struct policy_verdict *out, struct drh_err *err)
{
    struct json *doc = NULL;
    if (!text)
        return drh_err_set(err, DRH_E_PARSE, "policy: no document");
    enum drh_status st = json_parse(text, strlen(text), &doc, err);
    if (st != DRH_OK)
        return drh_err_prefix(err, "policy");
    st = policy_evaluate_json(doc, req, out, err);
    json_free(doc);
    return st;
}
