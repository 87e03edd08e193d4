/*
 * One S3 replication resource of a drill, worked through its pipeline:
 * posture (s3_posture.c: versioning, the replication rule, the replica's
 * bucket policy, lifecycle), live replication (s3_live.c: the canary's
 * lag, the comparison of both buckets' current versions), a point-in-time
 * restore into a fresh bucket and its verification (s3_restore.c), then
 * measure and report (s3_drill.c); teardown of the canary and the restore
 * bucket in s3_teardown.c. Internal to the runner.
 */
#ifndef DRH_S3_RUN_H
#define DRH_S3_RUN_H
#include "aws/s3.h"
#include "run/resource.h"

/* Requests in flight at a time for listing-sized work (HEAD, GET, PUT). */
#define S3_PARALLEL 16
/* Objects handled per batch, so memory stays bounded for big buckets. */
#define S3_CHUNK 512
/* Where canary objects go: never compared, never restored. */
#define S3_CANARY_PREFIX "drh-canary/"
/* The user metadata that names the run on a canary object. */
#define S3_META_RUN "drh-run-id"

struct s3_run {
    struct res_run res;          /* first: the runner holds &run->res */
    char *bucket;                /* the source bucket's name */
    char *replica;               /* the replica bucket's name */
    struct aws_client *sc;       /* the source side, the source's region */
    struct aws_client *tc;       /* the target side, the target's region */
    char *rule_role;             /* the replication configuration's role; NULL: unknown */
    double lag;                  /* the canary's replication lag (seconds); -1: none */
    double restore_t;            /* restore: the point in time (epoch) */
    char *restore_bucket;        /* NULL until created */
    struct s3_version *expected; /* restore: the versions copied */
    size_t n_expected;
};

enum step_end s3_versioning_source(struct res_run *res, struct drh_err *err);
enum step_end s3_versioning_replica(struct res_run *res, struct drh_err *err);
enum step_end s3_replication(struct res_run *res, struct drh_err *err);
enum step_end s3_replica_policy(struct res_run *res, struct drh_err *err);
enum step_end s3_lifecycle_source(struct res_run *res, struct drh_err *err);
enum step_end s3_lifecycle_replica(struct res_run *res, struct drh_err *err);
enum step_end s3_lag(struct res_run *res, struct drh_err *err);
enum step_end s3_compare(struct res_run *res, struct drh_err *err);
enum step_end s3_restore(struct res_run *res, struct drh_err *err);
enum step_end s3_restore_verify(struct res_run *res, struct drh_err *err);
/* The chain of drh canary read back and verified (s3_canary.c); sets the
 * run's canary time. */
enum step_end s3_canary(struct res_run *res, struct drh_err *err);

/* The version of each key that was current at t: the newest whose
 * LastModified <= t (t 0: the one S3 marks latest), none when that is a
 * delete marker. Writes their indices into idx (room for n), by key, and
 * returns how many; a key's versions and delete markers need not be adjacent
 * in v (s3_restore.c). */
size_t s3_versions_at(const struct s3_version *v, size_t n, double t, size_t *idx);

/* The step end of a failed AWS call: a missing bucket or object is a drill
 * failure, anything else an error of the environment. */
enum step_end s3_step_of(enum drh_status st);
/* Keys for messages: appends up to max of them, quoted, comma-separated,
 * and "..." when there are more. */
void s3_list_keys(struct buf *b, const char *const *keys, size_t n, size_t max);

#endif
