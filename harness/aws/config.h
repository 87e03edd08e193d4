/*
 * The AWS shared config and credentials files (~/.aws/config,
 * ~/.aws/credentials, or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), read
 * as the AWS CLI reads them: [default], [profile NAME] and [services NAME]
 * sections in config, [NAME] in credentials, "key = value" lines, '#' and ';'
 * comment lines, and indented sub-keys under a key with an empty value
 * (stored as "parent.key"). A missing file is empty; a malformed one is an
 * error naming file and line.
 */
#ifndef DRH_AWS_CONFIG_H
#define DRH_AWS_CONFIG_H

#include "aws/env.h"
#include "err.h"

struct aws_config;

/* Reads both files; caller frees with aws_config_free(). */
enum drh_status aws_config_load(const struct aws_env *env, struct aws_config **out,
                                struct drh_err *err);
/* The same from explicit paths (either may be NULL: no file). */
enum drh_status aws_config_load_files(const char *config_path, const char *credentials_path,
                                      struct aws_config **out, struct drh_err *err);
void aws_config_free(struct aws_config *cfg);

/* A key of a profile: the credentials file's [NAME] first for credential
 * keys, as the CLI does, then config's [profile NAME] ([default] for
 * "default"). NULL when absent. */
const char *aws_config_get(const struct aws_config *cfg, const char *profile, const char *key);
/* 1 when either file has the profile. */
int aws_config_has_profile(const struct aws_config *cfg, const char *profile);
/* A key of a [services NAME] section: e.g. ("dr-endpoints", "s3", "endpoint_url"). */
const char *aws_config_services_get(const struct aws_config *cfg, const char *section,
                                    const char *service, const char *key);
/* Which file the profile came from, for messages ("" when none). */
const char *aws_config_path(const struct aws_config *cfg);
/* The profile to use: name if given, else AWS_PROFILE, else "default". */
const char *aws_config_profile_name(const struct aws_env *env, const char *name);

/* The region to use: given if not NULL, else AWS_REGION, AWS_DEFAULT_REGION,
 * the profile's region, else "us-east-1". cfg may be NULL. */
const char *aws_config_region(const struct aws_env *env, const struct aws_config *cfg,
                              const char *profile, const char *given);

#endif
