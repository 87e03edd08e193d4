/*
 * One RDS / Aurora resource of a drill, worked through its pipeline:
 * select (rds_select.c: recovery points via backup_path.c, or shared
 * snapshots), copy (rds_copy.c), restore and wait (rds_restore.c), probe,
 * measure and report (rds_drill.c); teardown of its ledger kinds in
 * rds_teardown.c. Internal to the runner.
 */
#ifndef DRH_RDS_RUN_H
#define DRH_RDS_RUN_H
#include "run/resource.h"

struct rds_run {
    struct res_run res;        /* first: the runner holds &run->res */
    bool cluster;              /* aurora: a DB cluster (+ an instance we create) */

    /* the restored copy */
    char *db_id;               /* cluster or instance identifier */
    char *instance_id;         /* aurora: the instance drh adds; NULL for rds */
    char *host;
    int port;
    char *master_user;
    char *db_name;
    char password[48];         /* secret: wiped at the end */
};

enum step_end rds_select(struct res_run *res, struct drh_err *err);
enum step_end rds_copy(struct res_run *res, struct drh_err *err);
enum step_end rds_restore(struct res_run *res, struct drh_err *err);
enum step_end rds_wait_available(struct res_run *res, struct drh_err *err);
enum step_end rds_login(struct res_run *res, struct drh_err *err);

#endif
