/*
 * One EFS resource of a drill, worked through its pipeline: select and copy
 * (AWS Backup recovery points, backup_path.c), restore into a new file
 * system with a mount target in the isolation subnet, or into an existing
 * file system's aws-backup-restore_<timestamp>/ folder (efs_restore.c),
 * mount it with the drill's command, find the restored tree, probe it,
 * unmount it (efs_mount.c), measure and report (efs_drill.c); teardown of
 * the EFS ledger kinds in efs_teardown.c. Internal to the runner.
 */
#ifndef DRH_EFS_RUN_H
#define DRH_EFS_RUN_H
#include "run/resource.h"

/* A restore into an existing file system lands in a child folder named so. */
#define EFS_RESTORE_PREFIX "aws-backup-restore_"

struct efs_run {
    struct res_run res; /* first: the runner holds &run->res */
    char *fs_id;        /* the restored file system, or the existing one */
    char *mt_id;        /* the mount target drh made; NULL when none */
    char *mt_ip;        /* an IP address to mount from; NULL when none */
    char *ledger_id;    /* the restore's ledger id (file system or restore dir) */
    char **before;      /* existing: restore folders there before the restore */
    size_t n_before;
    char *tree; /* where the probes read (under the mount point) */
    bool mounted;
};

enum step_end efs_restore(struct res_run *res, struct drh_err *err);
enum step_end efs_wait_available(struct res_run *res, struct drh_err *err);
enum step_end efs_mount(struct res_run *res, struct drh_err *err);
enum step_end efs_find_tree(struct res_run *res, struct drh_err *err);
enum step_end efs_unmount(struct res_run *res, struct drh_err *err);

/*
 * Mounting, shared with teardown (efs_mount.c).
 */
struct efs_mount_spec {
    const char *fs_id, *mount_point, *region, *mt_ip; /* mt_ip may be NULL */
    const char *mount_cmd, *unmount_cmd;
    long timeout; /* seconds */
};
/* Runs the mount (or unmount) template with /bin/sh -c, placeholders
 * replaced by shell-quoted values, within spec->timeout; creates the mount
 * point folder first when mounting. DRH_E_CONFIG when the command fails
 * (its exit status and the tail of its stderr in the message),
 * DRH_E_TIMEOUT when it runs out of time. */
enum drh_status efs_run_mount(const struct efs_mount_spec *spec, bool mount, struct drh_err *err);
/* The names of the direct children of dir that are folders named
 * EFS_RESTORE_PREFIX* (not symbolic links), sorted. Caller frees each and
 * the array. */
enum drh_status efs_restore_dirs(const char *dir, char ***out, size_t *n, struct drh_err *err);
/* The ledger detail of a restore into an existing file system: JSON text
 * with the mount point, both templates, region and timeout; and back. */
char *efs_mount_detail(const struct efs_mount_spec *spec);
enum drh_status efs_mount_from_detail(const char *detail, struct efs_mount_spec *spec,
                                      struct json **holder, struct drh_err *err);

#endif
