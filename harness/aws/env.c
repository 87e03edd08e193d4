/* Injected environment: see env.h. */
#include "aws/env.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *aws_env_get(const struct aws_env *env, const char *name)
{
    const char *v = env && env->get ? env->get(name, env->ctx) : getenv(name);
    return v && *v ? v : NULL;
}

time_t aws_env_now(const struct aws_env *env)
{
    return env && env->now ? env->now(env->ctx) : time(NULL);
}

int aws_env_true(const struct aws_env *env, const char *name)
{
    const char *v = aws_env_get(env, name);
    return v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
}
