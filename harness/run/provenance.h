/*
 * Who ran a drill and where, for the evidence document's "runner" member:
 *   {"user", "uid", "host", "pid", "command", "cwd", "drh_version",
 *    "ci": {"system": "github-actions" | "gitlab-ci" | "jenkins" | "ci",
 *           "run_url", "job", "commit", "ref", "actor", ...}}
 * ("ci" only when a CI system's variables are set; absent values are left
 * out). The caller redacts it with the rest of the evidence.
 */
#ifndef DRH_RUN_PROVENANCE_H
#define DRH_RUN_PROVENANCE_H
#include "json.h"

struct aws_env;
/* A new object from env (NULL: the process's environment); caller frees
 * (or hands it to a parent). */
struct json *provenance_runner(const struct aws_env *env);

#endif
