/* Standard-mode retries: see retry.h. The code lists are botocore's
 * (botocore/retries/standard.py), which the other SDKs share. */
#include "aws/retry.h"

#include "crypto.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUOTA_MAX 500
#define QUOTA_RETRY_COST 5
#define QUOTA_TIMEOUT_COST 10

static const char *const s_throttling[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
};

static const char *const s_transient[] = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    "InternalError", "InternalFailure", "ServiceUnavailable", "IDPCommunicationError",
};

static int s_in(const char *code, const char *const *list, size_t n)
{
    if (!code)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(code, list[i]) == 0)
            return 1;
    return 0;
}

int retry_is_throttling_code(const char *code)
{
    return s_in(code, s_throttling, sizeof s_throttling / sizeof s_throttling[0]);
}

enum retry_kind retry_classify(enum http_failure failure, long status, const char *error_code)
{
    switch (failure) {
    case HTTP_FAIL_NONE:
        break;
    case HTTP_FAIL_CONNECT:
    case HTTP_FAIL_RESET:
        return RETRY_TRANSIENT;
    case HTTP_FAIL_TIMEOUT:
        return RETRY_TIMEOUT;
    case HTTP_FAIL_TLS:
    case HTTP_FAIL_OTHER:
        return RETRY_NO; /* a bad certificate does not heal by retrying */
    }
    if (status < 300)
        return RETRY_NO;
    if (retry_is_throttling_code(error_code) || status == 429)
        return RETRY_THROTTLE;
    if (s_in(error_code, s_transient, sizeof s_transient / sizeof s_transient[0]))
        return RETRY_TRANSIENT;
    if (status == 500 || status == 502 || status == 503 || status == 504)
        return RETRY_TRANSIENT;
    return RETRY_NO;
}

void retry_quota_init(struct retry_quota *q)
{
    q->available = QUOTA_MAX;
}

int retry_quota_acquire(struct retry_quota *q, enum retry_kind kind)
{
    int cost = kind == RETRY_TIMEOUT ? QUOTA_TIMEOUT_COST : QUOTA_RETRY_COST;
    if (q->available < cost)
        return 0;
    q->available -= cost;
    return 1;
}

void retry_quota_release(struct retry_quota *q, enum retry_kind last_retry_kind)
{
    int give = last_retry_kind == RETRY_NO        ? 1
               : last_retry_kind == RETRY_TIMEOUT ? QUOTA_TIMEOUT_COST
                                                  : QUOTA_RETRY_COST;
    q->available += give;
    if (q->available > QUOTA_MAX)
        q->available = QUOTA_MAX;
}

/* xorshift64*, seeded once from the OS: jitter needs no cryptographic
 * strength, only independence between runners. */
static double s_default_random(void *ctx)
{
    static _Thread_local uint64_t state;
    (void)ctx;
    if (!state) {
        crypto_random_bytes(&state, sizeof state);
        state |= 1;
    }
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (double)((state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

int retry_max_attempts(const struct retry_policy *p)
{
    if (p && p->max_attempts > 0)
        return p->max_attempts;
    const char *env = getenv("AWS_MAX_ATTEMPTS");
    if (env) {
        char *end;
        long n = strtol(env, &end, 10);
        if (*end == '\0' && n >= 1 && n <= 100)
            return (int)n;
    }
    return 3;
}

double retry_delay(const struct retry_policy *p, int attempt)
{
    double base = p && p->base_delay_s > 0 ? p->base_delay_s : 1.0;
    double cap = p && p->max_backoff_s > 0 ? p->max_backoff_s : 20.0;
    double r = p && p->random ? p->random(p->random_ctx) : s_default_random(NULL);
    double ceiling = base * pow(2.0, attempt > 1 ? attempt - 1 : 0);
    if (ceiling > cap)
        ceiling = cap;
    return r * ceiling;
}

void retry_sleep(const struct retry_policy *p, double seconds)
{
    if (p && p->sleep) {
        p->sleep(seconds, p->sleep_ctx);
        return;
    }
    if (seconds <= 0)
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
