/*
 * One EC2 resource of a drill (an instance backed up as AMIs), worked
 * through its pipeline: select the AMI and check that it is shared with
 * the target account (ec2_select.c), copy it into the target
 * (ec2_copy.c), launch it isolated and wait for its status checks
 * (ec2_launch.c), reach it directly or through a tunnel (ec2_reach.c),
 * probe it (ec2_probe.c), measure and report (ec2_drill.c); teardown of
 * its ledger kinds in ec2_teardown.c. Internal to the runner.
 */
#ifndef DRH_EC2_RUN_H
#define DRH_EC2_RUN_H
#include "run/resource.h"

#include <sys/types.h>

struct ec2_run {
    struct res_run res; /* first: the runner holds &run->res */
    char *source_image; /* the selected AMI's id (source account, rp_region) */
    char *image;        /* the AMI launched: the copy, or source_image without copy */
    char *instance;     /* the launched instance's id */
    char *private_ip;   /* its private address, once running */
};

enum step_end ec2_select(struct res_run *res, struct drh_err *err);
enum step_end ec2_shared(struct res_run *res, struct drh_err *err);
enum step_end ec2_copy(struct res_run *res, struct drh_err *err);
enum step_end ec2_launch(struct res_run *res, struct drh_err *err);
enum step_end ec2_wait_available(struct res_run *res, struct drh_err *err);
/* Every probe a case (failed probes fold STEP_FAILED into *worst). */
void ec2_probes(struct ec2_run *run, enum step_end *worst);

/* A tunnel command (reach.tunnel) running in its own process group. */
struct ec2_tunnel {
    pid_t pid;      /* 0: none */
    int fd;         /* its stdout */
    char host[256]; /* where it listens */
    int port;
};
/* Runs the template with {instance_id}, {private_ip} and {port} replaced by
 * shell-quoted values and reads "HOST:PORT" from its first line within
 * timeout seconds. DRH_E_CONFIG (with a hint) when it prints something
 * else, exits first or says nothing in time; the tunnel is then closed. */
enum drh_status ec2_tunnel_open(const char *tmpl, const char *instance_id, const char *private_ip,
                                int port, double timeout, struct ec2_tunnel *out,
                                struct drh_err *err);
/* Ends the tunnel's whole process group (TERM, then KILL after 2 s). */
void ec2_tunnel_close(struct ec2_tunnel *t);
/* The template with its placeholders replaced (for tests and plan). Caller frees. */
char *ec2_tunnel_command(const char *tmpl, const char *instance_id, const char *private_ip,
                         int port);

#endif
