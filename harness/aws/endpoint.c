/* Regions, partitions, endpoints and ARNs: see endpoint.h. Partition data
 * is botocore's endpoints.json. */
#include "aws/endpoint.h"

#include "mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct aws_partition s_aws = {"aws", "amazonaws.com"};
static const struct aws_partition s_cn = {"aws-cn", "amazonaws.com.cn"};
static const struct aws_partition s_gov = {"aws-us-gov", "amazonaws.com"};

/* The partitions' regionRegex: PREFIX-WORD-DIGITS. */
static int s_match(const char *region, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(region, prefix, n) != 0 || region[n] != '-')
        return 0;
    const char *p = region + n + 1;
    const char *word = p;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    if (p == word || *p != '-')
        return 0;
    p++;
    const char *digits = p;
    while (isdigit((unsigned char)*p))
        p++;
    return p != digits && *p == '\0';
}

const struct aws_partition *aws_partition_of(const char *region)
{
    static const char *const aws_prefixes[] = {"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"};
    if (!region)
        return NULL;
    for (const char *p = region; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return NULL;
    if (strncmp(region, "us-gov-", 7) == 0)
        return s_match(region, "us-gov") ? &s_gov : NULL;
    if (s_match(region, "cn"))
        return &s_cn;
    for (size_t i = 0; i < sizeof aws_prefixes / sizeof aws_prefixes[0]; i++)
        if (s_match(region, aws_prefixes[i]))
            return &s_aws;
    return NULL;
}

enum drh_status aws_region_check(const char *region, struct drh_err *err)
{
    if (!region || !*region) {
        drh_err_set(err, DRH_E_CONFIG, "no region given");
        return drh_err_hint(err, "set AWS_REGION, the profile's region, or the drill's region");
    }
    if (aws_partition_of(region))
        return DRH_OK;
    drh_err_set(err, DRH_E_CONFIG, "'%.64s' is not an AWS region name", region);
    return drh_err_hint(err, "regions look like us-east-1, eu-west-2, cn-northwest-1 or us-gov-west-1");
}

/* A URL given by a user: scheme and host required, trailing slashes cut. */
static enum drh_status s_check_url(const char *url, const char *where, char **out,
                                   struct drh_err *err)
{
    const char *rest = NULL;
    if (strncmp(url, "https://", 8) == 0)
        rest = url + 8;
    else if (strncmp(url, "http://", 7) == 0)
        rest = url + 7;
    if (!rest || !*rest || *rest == '/') {
        drh_err_set(err, DRH_E_CONFIG, "%s: '%.200s' is not an http(s) URL", where, url);
        return drh_err_hint(err, "an endpoint looks like https://host[:port] or http://127.0.0.1:4566");
    }
    for (const char *p = url; *p; p++)
        if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
            drh_err_set(err, DRH_E_CONFIG, "%s: URL contains a blank or control character", where);
            return drh_err_hint(err, "remove the stray blank from the endpoint URL");
        }
    size_t n = strlen(url);
    while (n > (size_t)(rest - url) && url[n - 1] == '/')
        n--;
    *out = xstrndup(url, n);
    return DRH_OK;
}

enum drh_status aws_endpoint_resolve(const struct aws_service *svc, const char *region,
                                     const struct aws_endpoint_source *src, char **url_out,
                                     struct drh_err *err)
{
    enum drh_status st = aws_region_check(region, err);
    if (st != DRH_OK)
        return st;
    const struct aws_env *env = src ? src->env : NULL;
    if (src && src->override)
        return s_check_url(src->override, "drill endpoint override", url_out, err);
    if (!aws_env_true(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
        char var[96];
        snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", svc->env_id);
        const char *v = aws_env_get(env, var);
        if (v)
            return s_check_url(v, var, url_out, err);
        if ((v = aws_env_get(env, "AWS_ENDPOINT_URL")))
            return s_check_url(v, "AWS_ENDPOINT_URL", url_out, err);
        if (src && src->cfg && src->profile) {
            const char *section = aws_config_get(src->cfg, src->profile, "services");
            char key[64];
            size_t i = 0;
            for (; svc->env_id[i] && i < sizeof key - 1; i++)
                key[i] = (char)tolower((unsigned char)svc->env_id[i]);
            key[i] = '\0';
            if (section && (v = aws_config_services_get(src->cfg, section, key, "endpoint_url")))
                return s_check_url(v, "config services endpoint_url", url_out, err);
            if ((v = aws_config_get(src->cfg, src->profile, "endpoint_url")))
                return s_check_url(v, "config endpoint_url", url_out, err);
        }
    }
    const struct aws_partition *part = aws_partition_of(region);
    *url_out = xasprintf("https://%s.%s.%s", svc->endpoint_prefix, region, part->dns_suffix);
    return DRH_OK;
}

char *aws_arn(const char *home_region, const char *service, const char *region,
              const char *account, const char *resource)
{
    const struct aws_partition *part = aws_partition_of(home_region);
    if (!part)
        return NULL;
    return xasprintf("arn:%s:%s:%s:%s:%s", part->name, service, region ? region : "",
                     account ? account : "", resource);
}

char *aws_arn_partition(const char *arn)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0)
        return NULL;
    const char *p = arn + 4;
    size_t n = strcspn(p, ":");
    if (!n || p[n] != ':')
        return NULL;
    return xstrndup(p, n);
}
