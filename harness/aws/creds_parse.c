/* Reading credentials documents (container, IMDS, credential_process) and
 * their expiration times. See creds_impl.h. */
#include "aws/creds_impl.h"

#include "json.h"
#include "mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int s_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return 0;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

time_t aws_parse_time(const char *s)
{
    struct tm tm = {0};
    int year, mon, day, hour, min, sec;
    const char *p = s;
    if (!s || !s_digits(&p, 4, &year) || *p++ != '-' || !s_digits(&p, 2, &mon) || *p++ != '-' ||
        !s_digits(&p, 2, &day) || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if (!s_digits(&p, 2, &hour) || *p++ != ':' || !s_digits(&p, 2, &min) || *p++ != ':' ||
        !s_digits(&p, 2, &sec))
        return -1;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        p++;
        if (!s_digits(&p, 2, &oh) || *p++ != ':' || !s_digits(&p, 2, &om))
            return -1;
        offset = sign * (oh * 3600L + om * 60L);
    } else {
        return -1;
    }
    if (*p || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        return -1;
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? -1 : t - offset;
}

double aws_parse_time_frac(const char *s)
{
    time_t t = s ? aws_parse_time(s) : -1;
    if (t < 0)
        return -1;
    double frac = 0;
    if (strlen(s) > 19 && s[19] == '.') {
        double scale = 0.1;
        for (const char *p = s + 20; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (*p - '0') * scale;
    }
    return (double)t + frac;
}

enum drh_status creds_from_json(const char *what, const char *text, size_t len,
                                const char *token_key, struct aws_credentials *out,
                                struct drh_err *err)
{
    struct json *doc = NULL;
    if (json_parse(text, len, &doc, err) != DRH_OK) {
        drh_err_prefix(err, "%s", what);
        if (err)
            err->code = DRH_E_CREDS; /* what failed is the credential source */
        return DRH_E_CREDS;
    }
    enum drh_status st = DRH_OK;
    const char *akid = json_get_string(doc, "AccessKeyId");
    const char *secret = json_get_string(doc, "SecretAccessKey");
    const char *token = json_get_string(doc, token_key);
    const char *expiration = json_get_string(doc, "Expiration");
    if (!akid || !secret) {
        st = drh_err_set(err, DRH_E_CREDS, "%s: the document lacks AccessKeyId or SecretAccessKey",
                         what);
        goto done;
    }
    time_t exp = 0;
    if (expiration && (exp = aws_parse_time(expiration)) < 0) {
        st = drh_err_set(err, DRH_E_CREDS, "%s: Expiration '%.40s' is not an ISO 8601 time", what,
                         expiration);
        goto done;
    }
    aws_credentials_clean_up(out);
    out->access_key_id = xstrdup(akid);
    out->secret_access_key = xstrdup(secret);
    out->session_token = token ? xstrdup(token) : NULL;
    out->expiration = exp;
    const char *account = json_get_string(doc, "AccountId");
    out->account_id = account ? xstrdup(account) : NULL;
done:
    json_free(doc);
    return st;
}
