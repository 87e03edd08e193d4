/*
 * Where the AWS client reads its environment variables. Injected so tests
 * can give each case its own environment without touching the process's;
 * a NULL struct aws_env * reads the real environment.
 */
#ifndef DRH_AWS_ENV_H
#define DRH_AWS_ENV_H

#include <time.h>

struct aws_env {
    const char *(*get)(const char *name, void *ctx);
    void *ctx;
    /* The clock (UTC seconds); NULL: time(NULL). */
    time_t (*now)(void *ctx);
};

/* The variable's value, or NULL when unset or empty (as the SDKs treat it). */
const char *aws_env_get(const struct aws_env *env, const char *name);
time_t aws_env_now(const struct aws_env *env);
/* 1 for "true"/"1" (any case), else 0. */
int aws_env_true(const struct aws_env *env, const char *name);

#endif
