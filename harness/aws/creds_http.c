/* Credential sources served over HTTP: the container endpoint (ECS, EKS
 * pod identity, CodeBuild) and the EC2 instance metadata service (IMDSv2).
 * See creds.h. */
#include "aws/creds_impl.h"

#include "log.h"
#include "crypto.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTAINER_HOST "http://169.254.170.2"
#define IMDS_HOST "http://169.254.169.254"
#define ATTEMPTS 3

struct endpoint_source {
    char *url;
    char *auth_token;      /* container: literal token, or NULL */
    char *auth_token_file; /* container: re-read at each fetch */
    struct http_options http;
};

static void s_destroy(void *impl)
{
    struct endpoint_source *e = impl;
    free(e->url);
    if (e->auth_token)
        crypto_wipe(e->auth_token, strlen(e->auth_token));
    free(e->auth_token);
    free(e->auth_token_file);
    free(e);
}

/* One GET/PUT with a few quick attempts: these endpoints are local to the
 * host and either answer at once or not at all. */
static enum drh_status s_request(struct http_client *hc, const char *method, const char *url,
                                 const struct headers *h, struct http_response *resp,
                                 struct drh_err *err)
{
    struct http_request req = {method, url, h, NULL, 0};
    enum drh_status st = DRH_OK;
    for (int i = 0; i < ATTEMPTS; i++) {
        enum http_failure failure;
        st = http_send(hc, &req, resp, &failure, err);
        if (st == DRH_OK && resp->status < 500)
            return DRH_OK;
        if (st == DRH_OK)
            st = drh_err_set(err, DRH_E_CREDS, "%s %s: HTTP %ld", method, url, resp->status);
    }
    return st;
}

static void s_http_defaults(struct http_options *h, const struct aws_creds_options *opt)
{
    *h = opt->http;
    if (!h->connect_timeout_ms)
        h->connect_timeout_ms = 1000;
    if (!h->timeout_ms)
        h->timeout_ms = 2000;
}

/* ---- container ---------------------------------------------------------- */

/* The SDKs accept a full URI only over https or to a host-local address,
 * because the request carries the authorization token. */
static int s_allowed_full_uri(const char *url)
{
    if (strncmp(url, "https://", 8) == 0)
        return 1;
    if (strncmp(url, "http://", 7) != 0)
        return 0;
    const char *host = url + 7;
    static const char *const ok[] = {"127.", "localhost:", "localhost/", "[::1]",
                                     "169.254.170.2:", "169.254.170.2/", "169.254.170.23",
                                     "[fd00:ec2::23]"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strncmp(host, ok[i], strlen(ok[i])) == 0)
            return 1;
    return strcmp(host, "localhost") == 0 || strcmp(host, "169.254.170.2") == 0;
}

static enum drh_status s_container_fetch(struct aws_creds_provider *p,
                                         struct aws_credentials *out, struct drh_err *err)
{
    struct endpoint_source *e = p->impl;
    struct headers h;
    headers_init(&h);
    enum drh_status st = DRH_OK;
    char token[4096] = "";
    if (e->auth_token_file) {
        FILE *f = fopen(e->auth_token_file, "r");
        if (!f) {
            st = drh_err_set(err, DRH_E_CREDS, "cannot read container authorization token file '%s': %s",
                             e->auth_token_file, strerror(errno));
            goto done;
        }
        size_t n = fread(token, 1, sizeof token - 1, f);
        fclose(f);
        token[n] = '\0';
        token[strcspn(token, "\r\n")] = '\0';
    } else if (e->auth_token) {
        snprintf(token, sizeof token, "%s", e->auth_token);
    }
    if (strpbrk(token, "\r\n")) {
        st = drh_err_set(err, DRH_E_CREDS, "container authorization token holds a line break");
        goto done;
    }
    if (token[0])
        headers_add(&h, "Authorization", token);
    struct http_client *hc = http_client_new(&e->http);
    struct http_response resp;
    http_response_init(&resp);
    st = s_request(hc, "GET", e->url, &h, &resp, err);
    if (st == DRH_OK && resp.status != 200)
        st = drh_err_set(err, DRH_E_CREDS, "container credentials endpoint %s answered HTTP %ld",
                         e->url, resp.status);
    if (st == DRH_OK)
        st = creds_from_json("container credentials", buf_str(&resp.body), resp.body.len, "Token",
                             out, err);
    http_response_clean_up(&resp);
    http_client_free(hc);
done:
    crypto_wipe(token, sizeof token);
    headers_clean_up(&h);
    return st;
}

enum drh_status creds_container_new(const struct aws_creds_options *opt,
                                    struct aws_creds_provider **out, struct drh_err *err)
{
    const char *rel = aws_env_get(opt->env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = aws_env_get(opt->env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!rel && !full)
        return DRH_E_NOTFOUND;
    struct endpoint_source *e = xcalloc(1, sizeof *e);
    if (rel) {
        e->url = xasprintf("%s%s%s", CONTAINER_HOST, rel[0] == '/' ? "" : "/", rel);
    } else {
        if (!s_allowed_full_uri(full)) {
            free(e);
            drh_err_set(err, DRH_E_CONFIG,
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI '%.200s' is neither https nor a host-local address",
                        full);
            return drh_err_hint(err, "use https, or a loopback or 169.254.170.2/23 address");
        }
        e->url = xstrdup(full);
    }
    const char *tf = aws_env_get(opt->env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const char *tk = aws_env_get(opt->env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    e->auth_token_file = tf ? xstrdup(tf) : NULL;
    e->auth_token = !tf && tk ? xstrdup(tk) : NULL;
    s_http_defaults(&e->http, opt);
    *out = creds_provider_new("container credentials", s_container_fetch, s_destroy, e, opt->env);
    return DRH_OK;
}

/* ---- IMDSv2 ------------------------------------------------------------- */

static enum drh_status s_imds_fetch(struct aws_creds_provider *p, struct aws_credentials *out,
                                    struct drh_err *err)
{
    struct endpoint_source *e = p->impl;
    struct http_client *hc = http_client_new(&e->http);
    struct http_response resp;
    struct headers h;
    http_response_init(&resp);
    headers_init(&h);
    char *url = NULL;
    char *token = NULL;
    char *role = NULL;
    enum drh_status st;

    url = xasprintf("%s/latest/api/token", e->url);
    headers_add(&h, "X-aws-ec2-metadata-token-ttl-seconds", "21600");
    st = s_request(hc, "PUT", url, &h, &resp, err);
    if (st == DRH_OK && resp.status != 200)
        st = drh_err_set(err, DRH_E_CREDS, "instance metadata token request answered HTTP %ld",
                         resp.status);
    if (st != DRH_OK)
        goto fail;
    token = xstrdup(buf_str(&resp.body));
    headers_clean_up(&h);
    headers_init(&h);
    headers_add(&h, "X-aws-ec2-metadata-token", token);

    free(url);
    url = xasprintf("%s/latest/meta-data/iam/security-credentials/", e->url);
    st = s_request(hc, "GET", url, &h, &resp, err);
    if (st == DRH_OK && resp.status != 200)
        st = drh_err_set(err, DRH_E_CREDS,
                         "instance metadata has no IAM role (HTTP %ld): the instance profile is missing",
                         resp.status);
    if (st != DRH_OK)
        goto fail;
    role = xstrndup(buf_str(&resp.body), strcspn(buf_str(&resp.body), "\r\n"));
    if (!role[0] || strchr(role, '/')) {
        st = drh_err_set(err, DRH_E_CREDS, "instance metadata gave no usable IAM role name");
        goto fail;
    }
    free(url);
    url = xasprintf("%s/latest/meta-data/iam/security-credentials/%s", e->url, role);
    st = s_request(hc, "GET", url, &h, &resp, err);
    if (st == DRH_OK && resp.status != 200)
        st = drh_err_set(err, DRH_E_CREDS, "instance metadata credentials for role '%s': HTTP %ld",
                         role, resp.status);
    if (st == DRH_OK)
        st = creds_from_json("instance metadata credentials", buf_str(&resp.body), resp.body.len,
                             "Token", out, err);
fail:
    if (st != DRH_OK) {
        drh_err_prefix(err, "instance metadata at %s", e->url);
        if (!err || !err->hint[0])
            drh_err_hint(err, "off EC2, give credentials another way; AWS_EC2_METADATA_DISABLED=true skips this source");
    }
    if (token)
        crypto_wipe(token, strlen(token));
    free(token);
    free(role);
    free(url);
    headers_clean_up(&h);
    http_response_clean_up(&resp);
    http_client_free(hc);
    return st;
}

enum drh_status creds_imds_new(const struct aws_creds_options *opt,
                               struct aws_creds_provider **out, struct drh_err *err)
{
    if (aws_env_true(opt->env, "AWS_EC2_METADATA_DISABLED"))
        return DRH_E_NOTFOUND;
    struct endpoint_source *e = xcalloc(1, sizeof *e);
    const char *ep = aws_env_get(opt->env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
    e->url = xstrdup(ep ? ep : IMDS_HOST);
    size_t n = strlen(e->url);
    while (n > 8 && e->url[n - 1] == '/')
        e->url[--n] = '\0';
    s_http_defaults(&e->http, opt);
    *out = creds_provider_new("instance metadata (IMDSv2)", s_imds_fetch, s_destroy, e, opt->env);
    return DRH_OK;
}
