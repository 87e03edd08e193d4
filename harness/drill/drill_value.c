/*
 * The shapes a drill's values must have: AWS account ids, ARNs, vault and
 * database names, table names. Only the shape: whether the thing exists is
 * for `drh plan` and `drh run` to find out. Each rule follows the AWS (or
 * SQL) naming rule it stands for, so a drill that loads never fails later on
 * a name AWS would refuse.
 */
#include "drill/drill_impl.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Whether every character of s is in set (or alphanumeric, when alnum). */
static bool s_all(const char *s, bool alnum, const char *set)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 0x80)
            return false;
        if (!(alnum && isalnum(ch)) && !strchr(set, ch))
            return false;
    }
    return true;
}

static bool s_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

bool drill_is_account(const char *s)
{
    if (strlen(s) != 12)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

bool drill_is_name(const char *s, size_t max)
{
    size_t n = strlen(s);
    return n >= 1 && n <= max && s_all(s, true, "-");
}

bool drill_is_vault_name(const char *s)
{
    size_t n = strlen(s);
    return n >= 2 && n <= 50 && s_all(s, true, "-_");
}

bool drill_is_env_name(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 255 && !isdigit((unsigned char)s[0]) && s_all(s, true, "_");
}

/* RDS: 1 to 63 letters, digits and hyphens; first a letter; no two hyphens
 * in a row and none at the end. */
bool drill_is_db_identifier(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 63 || !isalpha((unsigned char)s[0]) || s[n - 1] == '-')
        return false;
    return s_all(s, true, "-") && !strstr(s, "--");
}

bool drill_is_subnet_group(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 255 && s_all(s, true, "._ -");
}

bool drill_is_security_group(const char *s)
{
    size_t n = strlen(s);
    return n > 3 && n <= 40 && strncmp(s, "sg-", 3) == 0 && s_all(s + 3, true, "");
}

/* One SQL identifier drh can quote safely: [A-Za-z_][A-Za-z0-9_$]{0,62}. */
static bool s_sql_ident(const char *s, size_t n)
{
    if (n < 1 || n > 63 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x80 || !(isalnum(ch) || ch == '_' || ch == '$'))
            return false;
    }
    return true;
}

bool drill_is_table_name(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot)
        return s_sql_ident(s, strlen(s));
    return s_sql_ident(s, (size_t)(dot - s)) && s_sql_ident(dot + 1, strlen(dot + 1));
}

/* "db.r6g.large", "db.t3.medium", "db.serverless". */
bool drill_is_instance_class(const char *s)
{
    size_t n = strlen(s);
    if (n < 4 || n > 40 || strncmp(s, "db.", 3) != 0 || s[n - 1] == '.')
        return false;
    for (const char *p = s + 3; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '.' || *p == '-'))
            return false;
    return !strstr(s, "..");
}

/* 1234abcd-12ab-34cd-56ef-1234567890ab or mrk-<32 hex>. */
static bool s_kms_key_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-')
        return s_hex(s, 8) && s_hex(s + 9, 4) && s_hex(s + 14, 4) && s_hex(s + 19, 4) &&
               s_hex(s + 24, 12);
    return n == 36 && strncmp(s, "mrk-", 4) == 0 && s_hex(s + 4, 32);
}

static bool s_kms_alias(const char *s)
{
    size_t n = strlen(s);
    return n > 6 && n <= 256 && strncmp(s, "alias/", 6) == 0 && strncmp(s, "alias/aws/", 10) != 0 &&
           s_all(s + 6, true, "/_-");
}

bool drill_is_kms_key(const char *s)
{
    struct drill_arn arn;
    if (strncmp(s, "arn:", 4) != 0)
        return s_kms_alias(s) || s_kms_key_id(s);
    if (!drill_arn_split(s, &arn) || strcmp(arn.service, "kms") != 0 || !arn.region[0] ||
        !drill_is_account(arn.account))
        return false;
    if (strncmp(arn.resource, "key/", 4) == 0)
        return s_kms_key_id(arn.resource + 4);
    return s_kms_alias(arn.resource);
}

/* A decimal number as JSON writes one: -?digits(.digits)?(e[+-]?digits)?,
 * so that "0x10", " 5" and "inf" are not numbers to compare with. */
bool drill_is_decimal(const char *s)
{
    if (*s == '-')
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s))
        s++;
    if (*s == '.') {
        if (!isdigit((unsigned char)*++s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

/* STS: 2 to 1224 characters of [\w+=,.@:/-]. */
bool drill_is_external_id(const char *s)
{
    size_t n = strlen(s);
    return n >= 2 && n <= 1224 && s_all(s, true, "_+=,.@:/-");
}

/* Copies the field of s up to the next ':' into out; false when too long or
 * unterminated. */
static bool s_field(const char **s, char *out, size_t size)
{
    const char *colon = strchr(*s, ':');
    if (!colon || (size_t)(colon - *s) >= size)
        return false;
    memcpy(out, *s, (size_t)(colon - *s));
    out[colon - *s] = '\0';
    *s = colon + 1;
    return true;
}

bool drill_arn_split(const char *s, struct drill_arn *out)
{
    if (strncmp(s, "arn:", 4) != 0)
        return false;
    s += 4;
    if (!s_field(&s, out->partition, sizeof out->partition) ||
        !s_field(&s, out->service, sizeof out->service) ||
        !s_field(&s, out->region, sizeof out->region) ||
        !s_field(&s, out->account, sizeof out->account) || !*s)
        return false;
    out->resource = s;
    if (strcmp(out->partition, "aws") != 0 && strcmp(out->partition, "aws-cn") != 0 &&
        strcmp(out->partition, "aws-us-gov") != 0)
        return false;
    return out->service[0] && s_all(out->service, true, "-") && s_all(out->region, true, "-");
}

/* IAM: role/[PATH/]NAME; path and name from [\w+=,.@-], the name at most
 * 64 characters. */
bool drill_is_role_arn(const char *s, struct drill_arn *out)
{
    if (!drill_arn_split(s, out) || strcmp(out->service, "iam") != 0 || out->region[0] ||
        !drill_is_account(out->account) || strncmp(out->resource, "role/", 5) != 0)
        return false;
    const char *path = out->resource + 5;
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    size_t n = strlen(name);
    return n >= 1 && n <= 64 && strlen(path) <= 512 + 64 && *path != '/' && !strstr(path, "//") &&
           s_all(path, true, "_+=,.@/-");
}

/* PREFIX followed by min..max lowercase hex digits. */
static bool s_prefixed_hex(const char *s, const char *prefix, size_t min, size_t max)
{
    size_t p = strlen(prefix), n = strlen(s);
    if (strncmp(s, prefix, p) != 0 || n - p < min || n - p > max)
        return false;
    for (s += p; *s; s++)
        if (!isdigit((unsigned char)*s) && !(*s >= 'a' && *s <= 'f'))
            return false;
    return true;
}

bool drill_is_subnet(const char *s)
{
    return s_prefixed_hex(s, "subnet-", 8, 17);
}

bool drill_is_efs_id(const char *s)
{
    return s_prefixed_hex(s, "fs-", 8, 40);
}

bool drill_is_instance_id(const char *s)
{
    return s_prefixed_hex(s, "i-", 8, 17);
}

/* S3: 3 to 63 of [a-z0-9.-], first and last a letter or digit. */
bool drill_is_bucket(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '.' &&
            s[i] != '-')
            return false;
    return s[0] != '.' && s[0] != '-' && s[n - 1] != '.' && s[n - 1] != '-';
}

/* "t3.micro", "m6g.large", "c7gn.16xlarge": [a-z0-9-]+ "." [a-z0-9]+. */
bool drill_is_instance_type(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot || dot == s || !dot[1] || strlen(s) > 40)
        return false;
    for (const char *p = s; *p; p++) {
        bool alnum = islower((unsigned char)*p) || isdigit((unsigned char)*p);
        if (p < dot ? !(alnum || *p == '-') : p > dot && !alnum)
            return false;
    }
    return true;
}

/* The resource of an ARN of service with a region and an account, after
 * "<kind>/": the id that follows, or NULL. */
static const char *s_arn_id(const char *s, const char *service, const char *kind)
{
    struct drill_arn arn;
    size_t k = strlen(kind);
    if (!drill_arn_split(s, &arn) || strcmp(arn.service, service) != 0 || !arn.region[0] ||
        !drill_is_account(arn.account) || strncmp(arn.resource, kind, k) != 0 ||
        arn.resource[k] != '/')
        return NULL;
    return arn.resource + k + 1;
}

bool drill_is_efs_source(const char *s)
{
    if (strncmp(s, "arn:", 4) != 0)
        return drill_is_efs_id(s);
    const char *id = s_arn_id(s, "elasticfilesystem", "file-system");
    return id && drill_is_efs_id(id);
}

bool drill_is_ec2_source(const char *s)
{
    if (strncmp(s, "arn:", 4) != 0)
        return drill_is_instance_id(s);
    const char *id = s_arn_id(s, "ec2", "instance");
    return id && drill_is_instance_id(id);
}

bool drill_is_s3_source(const char *s)
{
    struct drill_arn arn;
    if (strncmp(s, "arn:", 4) != 0)
        return drill_is_bucket(s);
    return drill_arn_split(s, &arn) && strcmp(arn.service, "s3") == 0 && !arn.region[0] &&
           !arn.account[0] && drill_is_bucket(arn.resource);
}

bool drill_is_url_template(const char *s)
{
    const char *rest = strncmp(s, "http://", 7) == 0 ? s + 7 : NULL;
    if (!rest || !rest[0] || rest[0] == '/')
        return false;
    for (const char *p = rest; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\\' || (unsigned char)*p >= 0x7f)
            return false;
    return true;
}

/* "10.0.0.0/16": an IPv4 network and a prefix length of 0..32, with no
 * host bits set. */
bool drill_is_cidr(const char *s, int min_prefix, int max_prefix)
{
    char ip[32];
    const char *slash = strchr(s, '/');
    if (!slash || (size_t)(slash - s) >= sizeof ip || !slash[1])
        return false;
    memcpy(ip, s, (size_t)(slash - s));
    ip[slash - s] = '\0';
    char *end;
    long prefix = strtol(slash + 1, &end, 10);
    struct in_addr a;
    if (*end || prefix < min_prefix || prefix > max_prefix || inet_pton(AF_INET, ip, &a) != 1)
        return false;
    unsigned long host = prefix == 32 ? 0 : (0xffffffffUL >> prefix);
    return (ntohl(a.s_addr) & host) == 0;
}
