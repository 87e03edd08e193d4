/* The emulator for the AWS client suites: see emuclient.h. */
#include "emuclient.h"

#include "aws/http.h"
#include "mem.h"
#include "dbfixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char s_endpoint[128];

const char *emu_endpoint(void)
{
    if (!s_endpoint[0]) {
        char *path = xasprintf("%s/state/endpoint", dbfixture_dir());
        char *text = test_read_file(path);
        free(path);
        if (text)
            snprintf(s_endpoint, sizeof s_endpoint, "%.*s", (int)strcspn(text, "\r\n"), text);
        free(text);
    }
    return s_endpoint;
}

int emu_admin(const char *method, const char *path, const char *body, struct json **reply)
{
    struct http_client *h = http_client_new(NULL);
    char *url = xasprintf("%s/_emulator%s", emu_endpoint(), path);
    struct headers hd;
    headers_init(&hd);
    headers_add(&hd, "Content-Type", "application/json");
    struct http_request req = {method, url, &hd, body, body ? strlen(body) : 0};
    struct http_response resp;
    http_response_init(&resp);
    struct drh_err err;
    int rc = -1;
    if (http_send(h, &req, &resp, NULL, &err) != DRH_OK)
        fprintf(stderr, "emulator %s %s: %s\n", method, path, err.msg);
    else if (resp.status != 200)
        fprintf(stderr, "emulator %s %s: HTTP %ld %s\n", method, path, resp.status,
                buf_str(&resp.body));
    else if (reply && json_parse(buf_str(&resp.body), resp.body.len, reply, &err) != DRH_OK)
        fprintf(stderr, "emulator %s %s: %s\n", method, path, err.msg);
    else
        rc = 0;
    http_response_clean_up(&resp);
    headers_clean_up(&hd);
    free(url);
    http_client_free(h);
    return rc;
}

static void s_no_sleep(double seconds, void *ctx)
{
    (void)seconds;
    (void)ctx;
}

int emu_client_open(struct emu_client *e, const char *profile, const char *region)
{
    memset(e, 0, sizeof *e);
    e->t = testenv_new();
    e->t->env.now = NULL;
    char *creds = xasprintf("%s/state/aws/credentials", dbfixture_dir());
    char *config = xasprintf("%s/state/aws/config", dbfixture_dir());
    testenv_set(e->t, "AWS_SHARED_CREDENTIALS_FILE", creds);
    testenv_set(e->t, "AWS_CONFIG_FILE", config);
    testenv_set(e->t, "AWS_ENDPOINT_URL", emu_endpoint());
    free(creds);
    free(config);
    struct aws_creds_options co = {0};
    co.env = &e->t->env;
    co.profile = profile;
    co.explicit_profile = 1;
    co.region = region;
    struct drh_err err;
    if (aws_creds_chain_new(&co, &e->cp, &err) != DRH_OK) {
        fprintf(stderr, "credentials of %s: %s\n", profile, err.msg);
        return -1;
    }
    struct aws_client_options o = {0};
    o.region = region;
    o.env = &e->t->env;
    o.creds = e->cp;
    o.profile = profile;
    o.retry.max_attempts = 5;
    o.retry.sleep = s_no_sleep;
    if (aws_client_new(&o, &e->c, &err) != DRH_OK) {
        fprintf(stderr, "client of %s: %s\n", profile, err.msg);
        return -1;
    }
    return 0;
}

void emu_client_close(struct emu_client *e)
{
    aws_client_free(e->c);
    aws_creds_provider_free(e->cp);
    testenv_free(e->t);
    memset(e, 0, sizeof *e);
}
