/*
 * IAM policy documents evaluated for one request: may a principal of
 * account A (optionally the role R) perform action X? Used for the
 * resource policies a drill depends on: backup vault access policies
 * (backup:CopyIntoBackupVault from the source account) and KMS key
 * policies (kms:Decrypt by the target account). Pure: no AWS call.
 *
 * What is understood: Allow and Deny statements, an explicit Deny winning
 * over any Allow, no Allow being an implicit deny; Principal "*", {"AWS":
 * "*" | "ACCOUNT" | "arn:PARTITION:iam::ACCOUNT:root" | a role or user ARN
 * | a list of them} and NotPrincipal; Action and NotAction with IAM
 * wildcards ("backup:*", "*", "backup:Copy*", case-insensitive); Resource
 * and NotResource only when the request names a resource; conditions on the
 * principal's account (aws:PrincipalAccount, kms:CallerAccount) with
 * StringEquals, StringEqualsIgnoreCase, StringLike, StringNotEquals and
 * StringNotLike. Organization membership (aws:PrincipalOrgID) cannot be
 * verified by drh: it is assumed, and the verdict says so. Any other
 * condition makes the statement "conditional": reported, never proof.
 */
#ifndef DRH_CHECK_POLICY_H
#define DRH_CHECK_POLICY_H
#include "err.h"
#include "json.h"

#include <stdbool.h>
#include <stddef.h>

enum policy_result {
    POLICY_ALLOWED,      /* an Allow applies without assumptions and no Deny does */
    POLICY_ALLOWED_NOTE, /* allowed under an assumption drh cannot check (the reason names it:
                          * membership of an organization; only a role of the account) */
    POLICY_DENIED,       /* an explicit Deny applies */
    POLICY_NO_ALLOW,     /* no statement allows it (implicit deny) */
    POLICY_CONDITIONAL   /* an Allow (or a Deny) applies only under a condition drh does not
                          * evaluate: not proven either way */
};

struct policy_request {
    const char *account;   /* the principal's account: 12 digits (required) */
    const char *principal; /* the principal's ARN (the role acting), or NULL: the account as
                            * a whole, when a statement naming one of its roles counts with a
                            * note */
    const char *action;    /* "backup:CopyIntoBackupVault" (required) */
    const char *resource;  /* matched against Resource / NotResource; NULL: not evaluated */
};

struct policy_verdict {
    enum policy_result result;
    /* One line naming the deciding statement by its Sid ("statement 'AllowCopy'") or its
     * place counted from 1 ("statement 2"): "statement 'AllowCopy' allows
     * backup:CopyIntoBackupVault to 111111111111". */
    char reason[512];
};

/* Evaluates the policy text (a JSON document) for req. DRH_E_PARSE when the text is not a
 * policy (not JSON, no Statement, a statement without a valid Effect or without Action /
 * NotAction), naming where; DRH_E_INPUT when req lacks account or action. *out is written
 * only on success. */
enum drh_status policy_evaluate(const char *text, const struct policy_request *req,
                                struct policy_verdict *out, struct drh_err *err);
/* The same on a parsed document. */
enum drh_status policy_evaluate_json(const struct json *doc, const struct policy_request *req,
                                     struct policy_verdict *out, struct drh_err *err);

/* ALLOWED or ALLOWED_NOTE. */
bool policy_allows(enum policy_result r);
/* "allowed", "allowed with a note", "denied", "not allowed", "conditional". */
const char *policy_result_name(enum policy_result r);

/* IAM wildcard matching: '*' any run of characters, '?' one; no other character is special.
 * casefold: letters compare case-insensitively (actions), else exactly (ARNs). */
bool policy_wildcard(const char *pattern, const char *text, bool casefold);

/* Field index (from 0: "arn", partition, service, region, account, resource...) of an ARN,
 * split at ':' (the resource keeps its own ':' when index is 5: "backup-vault:NAME"). false
 * when s is not an ARN or has no such field; out gets at most size - 1 bytes. */
bool policy_arn_field(const char *s, int index, char *out, size_t size);

#endif
