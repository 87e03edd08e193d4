/* Secret redaction: see redact.h. */
#include "redact.h"

#include "buf.h"
#include "mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Compared case-insensitively against a whole field name, or against the
 * last dotted component of a form key ("Credentials.SessionToken"). */
static const char *const s_secret_names[] = {
    "SecretAccessKey", "aws_secret_access_key", "SessionToken", "aws_session_token",
    "Token", "X-Amz-Security-Token", "X-Amz-Signature", "X-Amz-Credential-Secret",
    "WebIdentityToken", "MasterUserPassword", "Password", "MasterPassword",
    "AuthorizationToken", "Authorization", "SecretString", "PrivateKey",
    "password", "secret", "secret_key", "client_secret",
};

int redact_is_secret_name(const char *name, size_t len)
{
    const char *dot = NULL;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '.')
            dot = name + i;
    if (dot) {
        len -= (size_t)(dot + 1 - name);
        name = dot + 1;
    }
    for (size_t i = 0; i < sizeof s_secret_names / sizeof s_secret_names[0]; i++)
        if (strlen(s_secret_names[i]) == len && strncasecmp(s_secret_names[i], name, len) == 0)
            return 1;
    return 0;
}

char *redact_header(const char *name, const char *value)
{
    if (strcasecmp(name, "Authorization") == 0) {
        /* Keep the credential scope and signed headers: they help debug a
         * signature mismatch and hold nothing secret. */
        const char *sig = strstr(value, "Signature=");
        if (sig && strncmp(value, "AWS4-HMAC-SHA256", 16) == 0)
            return xasprintf("%.*sSignature=" REDACTED, (int)(sig - value), value);
        return xstrdup(REDACTED);
    }
    if (redact_is_secret_name(name, strlen(name)) ||
        strcasecmp(name, "X-aws-ec2-metadata-token") == 0)
        return xstrdup(REDACTED);
    return xstrdup(value);
}

static int s_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == ':';
}

/* <Name ...>value</Name>: replaces value when Name is secret. Returns bytes
 * consumed from p, or 0 when p does not start such an element. */
static size_t s_xml_element(const char *p, const char *end, struct buf *out)
{
    const char *n = p + 1;
    const char *ne = n;
    while (ne < end && s_name_char(*ne))
        ne++;
    if (ne == n)
        return 0;
    const char *gt = memchr(ne, '>', (size_t)(end - ne));
    if (!gt || gt[-1] == '/')
        return 0;
    const char *local = n;
    for (const char *q = n; q < ne; q++)
        if (*q == ':')
            local = q + 1;
    if (!redact_is_secret_name(local, (size_t)(ne - local)))
        return 0;
    const char *close = memchr(gt + 1, '<', (size_t)(end - gt - 1));
    if (!close)
        close = end;
    buf_append(out, p, (size_t)(gt + 1 - p));
    buf_puts(out, REDACTED);
    return (size_t)(close - p);
}

/* "Name" : "value": replaces value when Name is secret. */
static size_t s_json_member(const char *p, const char *end, struct buf *out)
{
    const char *n = p + 1;
    const char *ne = n;
    while (ne < end && *ne != '"' && *ne != '\\')
        ne++;
    if (ne >= end || *ne != '"')
        return 0;
    if (!redact_is_secret_name(n, (size_t)(ne - n)))
        return 0;
    const char *q = ne + 1;
    while (q < end && isspace((unsigned char)*q))
        q++;
    if (q >= end || *q != ':')
        return 0;
    q++;
    while (q < end && isspace((unsigned char)*q))
        q++;
    if (q >= end || *q != '"')
        return 0;
    const char *v = q + 1;
    while (v < end && *v != '"') {
        if (*v == '\\' && v + 1 < end)
            v++;
        v++;
    }
    buf_append(out, p, (size_t)(q + 1 - p));
    buf_puts(out, REDACTED);
    return (size_t)(v - p);
}

/* name=value in a form body or query string, after '&', '?' or start. */
static size_t s_form_pair(const char *p, const char *end, struct buf *out)
{
    const char *ne = p;
    while (ne < end && *ne != '=' && *ne != '&' && *ne != '?' && !isspace((unsigned char)*ne))
        ne++;
    if (ne >= end || *ne != '=' || ne == p)
        return 0;
    if (!redact_is_secret_name(p, (size_t)(ne - p)))
        return 0;
    const char *v = ne + 1;
    while (v < end && *v != '&' && !isspace((unsigned char)*v) && *v != '"' && *v != '<')
        v++;
    buf_append(out, p, (size_t)(ne + 1 - p));
    buf_puts(out, REDACTED);
    return (size_t)(v - p);
}

char *redact_text(const char *text, size_t len)
{
    struct buf out;
    buf_init(&out);
    const char *p = text;
    const char *end = text + len;
    int at_pair_start = 1;
    while (p < end) {
        size_t used = 0;
        if (*p == '<')
            used = s_xml_element(p, end, &out);
        else if (*p == '"')
            used = s_json_member(p, end, &out);
        else if (at_pair_start)
            used = s_form_pair(p, end, &out);
        if (used) {
            p += used;
            at_pair_start = 0;
            continue;
        }
        at_pair_start = (*p == '&' || *p == '?' || isspace((unsigned char)*p));
        buf_putc(&out, *p++);
    }
    return buf_detach(&out);
}
