/*
 * Inside the posture checks, shared by posture.c (the run, the access and
 * recovery point cases) and posture_plan.c (the plan, its rules and copy
 * actions). Not for other modules: they use posture.h.
 */
#ifndef DRH_CHECK_POSTURE_IMPL_H
#define DRH_CHECK_POSTURE_IMPL_H
#include "aws/backup_plan.h"
#include "check/posture.h"

/* A resource the posture protects: a drill resource restored from AWS Backup, or an ARN of
 * posture.resources. */
struct posture_res {
    char *name; /* the drill resource's name, or the ARN's last field */
    char *arn;
};

struct posture_state {
    struct check_ctx *c;
    struct json *ev; /* the "posture" array, or NULL */
    bool failed, errored;
    struct posture_res *res;
    size_t n_res;
    struct backup_plan *plans; /* the plans found, with their rules */
    size_t n_plans;
    bool plan_found; /* the plan case passed: rules and copies can be judged */
};

/* Adds the case, folds its status into failed / errored; returns the evidence object (or
 * NULL). */
struct json *posture_emit(struct posture_state *s, const char *name, double t0,
                          const struct posture_finding *f);
/* The cases "posture plan", "posture rule NAME" and "posture copy to ...". */
void posture_plan_checks(struct posture_state *s);

#endif
