/*
 * Retries as the AWS SDKs' "standard" mode does them: which failures are
 * worth another attempt (throttling and transient error codes, 5xx,
 * connection failures and timeouts), exponential backoff with full jitter
 * under a cap, a maximum attempt count, and a retry quota (a token bucket)
 * that stops retry storms when a service is down. Randomness and sleeping
 * are injected so tests are deterministic and instant.
 */
#ifndef DRH_AWS_RETRY_H
#define DRH_AWS_RETRY_H

#include "aws/http.h"

struct retry_policy {
    int max_attempts;       /* including the first; 0: 3 (AWS_MAX_ATTEMPTS overrides) */
    double base_delay_s;    /* 0: 1 s */
    double max_backoff_s;   /* 0: 20 s */
    /* Uniform in [0, 1); NULL: a per-process generator seeded from the OS. */
    double (*random)(void *ctx);
    void *random_ctx;
    /* NULL: nanosleep. */
    void (*sleep)(double seconds, void *ctx);
    void *sleep_ctx;
};

/* The standard mode's retry quota: shared by the calls of one client. */
struct retry_quota {
    int available; /* starts at 500 */
};

enum retry_kind { RETRY_NO, RETRY_THROTTLE, RETRY_TRANSIENT, RETRY_TIMEOUT };

void retry_quota_init(struct retry_quota *q);
/* Classifies one attempt's outcome: failure (no response) or status + code. */
enum retry_kind retry_classify(enum http_failure failure, long status, const char *error_code);
int retry_is_throttling_code(const char *code);
/* The delay before attempt number attempt+1 (attempt counts from 1). */
double retry_delay(const struct retry_policy *p, int attempt);
/* Takes the quota's cost for a retry of kind; 0 when the quota is spent. */
int retry_quota_acquire(struct retry_quota *q, enum retry_kind kind);
/* Gives back after a success: a retried call's cost, else one token. */
void retry_quota_release(struct retry_quota *q, enum retry_kind last_retry_kind);
int retry_max_attempts(const struct retry_policy *p);
void retry_sleep(const struct retry_policy *p, double seconds);

#endif
