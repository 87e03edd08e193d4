/*
 * Secret redaction for everything drh writes: logs, reports, evidence.
 * Knows the places secrets travel in AWS traffic: the Authorization
 * header's signature, security-token headers and query parameters, and
 * secret-bearing fields in XML, JSON and form bodies (SecretAccessKey,
 * SessionToken, passwords, web identity tokens ...). Field names match
 * whole, so NextToken stays readable while Token is hidden.
 */
#ifndef DRH_REDACT_H
#define DRH_REDACT_H

#include <stddef.h>

#define REDACTED "<redacted>"

/* 1 when a field, header or parameter of this name carries a secret. */
int redact_is_secret_name(const char *name, size_t len);
/* The value to show for header name: value itself, or a redacted copy.
 * Caller frees. */
char *redact_header(const char *name, const char *value);
/* A copy of text (XML, JSON, form or URL) with secret values replaced by
 * REDACTED. Caller frees. */
char *redact_text(const char *text, size_t len);

#endif
