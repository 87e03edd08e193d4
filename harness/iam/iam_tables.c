/*
 * What drh calls, as data (iam_policy.h): one table per feature of a drill,
 * each row an operation drh sends (harness/aws/ *.c) and the IAM action it
 * needs. The rows follow the pipelines in harness/{rds,efs,s3,ec2,run}/;
 * which tables a drill uses, and for which side, is iam_policy.c's choice.
 * An action AWS checks without a call of its own names the call that needs
 * it (AWS's documentation of that call lists it).
 */
#include "iam/iam_policy.h"

#include <string.h>

/* clang-format off */
#define ROWS(name, what, rows) {name, what, rows, sizeof rows / sizeof rows[0]}
/* clang-format on */

/* Both sides: drh checks that each side's credentials are the drill's account. */
static const struct iam_grant s_identity[] = {
    {"sts:GetCallerIdentity", "sts:GetCallerIdentity", IAM_RES_ANY, false},
};

/* The vault a recovery point is chosen from: the source's, or the DR vault (dr-vault). */
static const struct iam_grant s_select_vault[] = {
    {"backup:ListRecoveryPointsByBackupVault", "backup:ListRecoveryPointsByBackupVault",
     IAM_RES_VAULT, false},
};

/* The side that starts a copy job: the source (one hop, or the first of two), or
 * the target (from its staging vault, the second hop). Teardown reads the job
 * to learn the copy it made. */
static const struct iam_grant s_copy_job[] = {
    {"backup:StartCopyJob", "backup:StartCopyJob", IAM_RES_ANY, false},
    {"backup:StartCopyJob", "iam:PassRole", IAM_RES_BACKUP_ROLE, false},
    {"backup:DescribeCopyJob", "backup:DescribeCopyJob", IAM_RES_ANY, false},
};

/* The target, where a copy lands: tagged at once, deleted at teardown. */
static const struct iam_grant s_copy_made[] = {
    {"backup:TagResource", "backup:TagResource", IAM_RES_ANY, false},
    {"backup:ListTags", "backup:ListTags", IAM_RES_ANY, false},
    {"backup:DeleteRecoveryPoint", "backup:DeleteRecoveryPoint", IAM_RES_ANY, false},
    {"backup:DescribeRecoveryPoint", "backup:DescribeRecoveryPoint", IAM_RES_ANY, false},
};

/* The target: an AWS Backup restore job (RDS, Aurora, EFS). */
static const struct iam_grant s_restore_job[] = {
    {"backup:GetRecoveryPointRestoreMetadata", "backup:GetRecoveryPointRestoreMetadata",
     IAM_RES_ANY, false},
    {"backup:StartRestoreJob", "backup:StartRestoreJob", IAM_RES_ANY, false},
    {"backup:StartRestoreJob", "iam:PassRole", IAM_RES_BACKUP_ROLE, false},
    {"backup:DescribeRestoreJob", "backup:DescribeRestoreJob", IAM_RES_ANY, false},
};

/* The target, in the source's Region: snapshots the source shared with it. */
static const struct iam_grant s_rds_snapshot_select[] = {
    {"rds:DescribeDBSnapshots", "rds:DescribeDBSnapshots", IAM_RES_ANY, false},
};
static const struct iam_grant s_aurora_snapshot_select[] = {
    {"rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshots", IAM_RES_ANY, false},
};

/* The target, in each Region a snapshot copy goes to: the copy (with tags,
 * re-encrypted with the target's key), its wait and its teardown. */
static const struct iam_grant s_rds_snapshot_copy[] = {
    {"rds:CopyDBSnapshot", "rds:CopyDBSnapshot", IAM_RES_ANY, false},
    {"rds:CopyDBSnapshot", "rds:AddTagsToResource", IAM_RES_ANY, false},
    {"rds:CopyDBSnapshot", "kms:CreateGrant", IAM_RES_KMS_RDS, false},
    {"rds:CopyDBSnapshot", "kms:DescribeKey", IAM_RES_KMS_RDS, false},
    {"rds:DescribeDBSnapshots", "rds:DescribeDBSnapshots", IAM_RES_ANY, false},
    {"rds:ListTagsForResource", "rds:ListTagsForResource", IAM_RES_ANY, false},
    {"rds:DeleteDBSnapshot", "rds:DeleteDBSnapshot", IAM_RES_RDS_SNAPSHOT, true},
};
static const struct iam_grant s_aurora_snapshot_copy[] = {
    {"rds:CopyDBClusterSnapshot", "rds:CopyDBClusterSnapshot", IAM_RES_ANY, false},
    {"rds:CopyDBClusterSnapshot", "rds:AddTagsToResource", IAM_RES_ANY, false},
    {"rds:CopyDBClusterSnapshot", "kms:CreateGrant", IAM_RES_KMS_RDS, false},
    {"rds:CopyDBClusterSnapshot", "kms:DescribeKey", IAM_RES_KMS_RDS, false},
    {"rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshots", IAM_RES_ANY, false},
    {"rds:ListTagsForResource", "rds:ListTagsForResource", IAM_RES_ANY, false},
    {"rds:DeleteDBClusterSnapshot", "rds:DeleteDBClusterSnapshot", IAM_RES_RDS_CLUSTER_SNAPSHOT,
     true},
};

/* The target: a restore from the snapshot copy, tagged on creation. */
static const struct iam_grant s_rds_snapshot_restore[] = {
    {"rds:RestoreDBInstanceFromDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot", IAM_RES_ANY,
     false},
    {"rds:RestoreDBInstanceFromDBSnapshot", "rds:AddTagsToResource", IAM_RES_ANY, false},
    {"rds:RestoreDBInstanceFromDBSnapshot", "kms:CreateGrant", IAM_RES_KMS_RDS, false},
    {"rds:RestoreDBInstanceFromDBSnapshot", "kms:DescribeKey", IAM_RES_KMS_RDS, false},
};
static const struct iam_grant s_aurora_snapshot_restore[] = {
    {"rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterFromSnapshot", IAM_RES_ANY, false},
    {"rds:RestoreDBClusterFromSnapshot", "rds:AddTagsToResource", IAM_RES_ANY, false},
    {"rds:RestoreDBClusterFromSnapshot", "kms:CreateGrant", IAM_RES_KMS_RDS, false},
    {"rds:RestoreDBClusterFromSnapshot", "kms:DescribeKey", IAM_RES_KMS_RDS, false},
};

/* Path pitr: the source's window (source side), the restore (target side, the
 * same account). */
static const struct iam_grant s_rds_pitr_source[] = {
    {"rds:DescribeDBInstances", "rds:DescribeDBInstances", IAM_RES_ANY, false},
};
static const struct iam_grant s_aurora_pitr_source[] = {
    {"rds:DescribeDBClusters", "rds:DescribeDBClusters", IAM_RES_ANY, false},
};
static const struct iam_grant s_rds_pitr_restore[] = {
    {"rds:RestoreDBInstanceToPointInTime", "rds:RestoreDBInstanceToPointInTime", IAM_RES_ANY,
     false},
    {"rds:RestoreDBInstanceToPointInTime", "rds:AddTagsToResource", IAM_RES_ANY, false},
    {"rds:RestoreDBInstanceToPointInTime", "kms:CreateGrant", IAM_RES_KMS_RDS, false},
    {"rds:RestoreDBInstanceToPointInTime", "kms:DescribeKey", IAM_RES_KMS_RDS, false},
};
static const struct iam_grant s_aurora_pitr_restore[] = {
    {"rds:RestoreDBClusterToPointInTime", "rds:RestoreDBClusterToPointInTime", IAM_RES_ANY, false},
    {"rds:RestoreDBClusterToPointInTime", "rds:AddTagsToResource", IAM_RES_ANY, false},
    {"rds:RestoreDBClusterToPointInTime", "kms:CreateGrant", IAM_RES_KMS_RDS, false},
    {"rds:RestoreDBClusterToPointInTime", "kms:DescribeKey", IAM_RES_KMS_RDS, false},
};

/* The target: the restored copy, however made: tagged, waited for, deleted
 * (only drh's identifiers, only when tagged). Aurora adds the instance a
 * restored cluster lacks. */
static const struct iam_grant s_rds_restored[] = {
    {"rds:DescribeDBInstances", "rds:DescribeDBInstances", IAM_RES_ANY, false},
    {"rds:AddTagsToResource", "rds:AddTagsToResource", IAM_RES_ANY, false},
    {"rds:ListTagsForResource", "rds:ListTagsForResource", IAM_RES_ANY, false},
    {"rds:DeleteDBInstance", "rds:DeleteDBInstance", IAM_RES_RDS_DB, true},
};
static const struct iam_grant s_aurora_restored[] = {
    {"rds:DescribeDBClusters", "rds:DescribeDBClusters", IAM_RES_ANY, false},
    {"rds:DescribeDBInstances", "rds:DescribeDBInstances", IAM_RES_ANY, false},
    {"rds:AddTagsToResource", "rds:AddTagsToResource", IAM_RES_ANY, false},
    {"rds:CreateDBInstance", "rds:CreateDBInstance", IAM_RES_ANY, false},
    {"rds:ListTagsForResource", "rds:ListTagsForResource", IAM_RES_ANY, false},
    {"rds:DeleteDBInstance", "rds:DeleteDBInstance", IAM_RES_RDS_DB, true},
    {"rds:DeleteDBCluster", "rds:DeleteDBCluster", IAM_RES_RDS_CLUSTER, true},
};

/* The target, when the drill gives probes no password: a fresh master
 * password on the copy (drh's identifiers only, never production). */
static const struct iam_grant s_rds_password[] = {
    {"rds:ModifyDBInstance", "rds:ModifyDBInstance", IAM_RES_RDS_DB, false},
};
static const struct iam_grant s_aurora_password[] = {
    {"rds:ModifyDBCluster", "rds:ModifyDBCluster", IAM_RES_RDS_CLUSTER, false},
};

/* The target: a file system a restore job made: tagged, waited for, deleted. */
static const struct iam_grant s_efs_restored[] = {
    {"elasticfilesystem:TagResource", "elasticfilesystem:TagResource", IAM_RES_ANY, false},
    {"elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeFileSystems", IAM_RES_ANY,
     false},
    {"elasticfilesystem:ListTagsForResource", "elasticfilesystem:ListTagsForResource", IAM_RES_ANY,
     false},
    {"elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeMountTargets",
     IAM_RES_ANY, false},
    {"elasticfilesystem:DeleteFileSystem", "elasticfilesystem:DeleteFileSystem", IAM_RES_ANY, true},
};

/* The target: its mount target in the isolation subnet (EFS makes its network
 * interface with the caller's EC2 permissions). */
static const struct iam_grant s_efs_mount_target[] = {
    {"elasticfilesystem:CreateMountTarget", "elasticfilesystem:CreateMountTarget", IAM_RES_ANY,
     false},
    {"elasticfilesystem:CreateMountTarget", "ec2:DescribeSubnets", IAM_RES_ANY, false},
    {"elasticfilesystem:CreateMountTarget", "ec2:DescribeNetworkInterfaces", IAM_RES_ANY, false},
    {"elasticfilesystem:CreateMountTarget", "ec2:CreateNetworkInterface", IAM_RES_ANY, false},
    {"elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeMountTargets",
     IAM_RES_ANY, false},
    {"elasticfilesystem:DeleteMountTarget", "elasticfilesystem:DeleteMountTarget", IAM_RES_ANY,
     true},
    {"elasticfilesystem:DeleteMountTarget", "ec2:DeleteNetworkInterface", IAM_RES_ANY, false},
};

/* The target: restore into an existing file system, mounted through one of
 * its mount targets. */
static const struct iam_grant s_efs_existing[] = {
    {"elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeMountTargets",
     IAM_RES_ANY, false},
};

/* The source: the newest AMI carrying the drill's tag (path tag). */
static const struct iam_grant s_ec2_select_tag[] = {
    {"ec2:DescribeImages", "ec2:DescribeImages", IAM_RES_ANY, false},
};

/* The source, across accounts: the AMI and its snapshots are shared with the target. */
static const struct iam_grant s_ec2_shared[] = {
    {"ec2:DescribeImages", "ec2:DescribeImages", IAM_RES_ANY, false},
    {"ec2:DescribeImageAttribute", "ec2:DescribeImageAttribute", IAM_RES_ANY, false},
    {"ec2:DescribeSnapshotAttribute", "ec2:DescribeSnapshotAttribute", IAM_RES_ANY, false},
};

/* The target: KMS through EC2, for an encrypted AMI's copy or launch. */
static const struct iam_grant s_ec2_kms[] = {
    {"ec2:RunInstances", "kms:CreateGrant", IAM_RES_KMS_EC2, false},
    {"ec2:RunInstances", "kms:Decrypt", IAM_RES_KMS_EC2, false},
    {"ec2:RunInstances", "kms:DescribeKey", IAM_RES_KMS_EC2, false},
    {"ec2:RunInstances", "kms:GenerateDataKeyWithoutPlaintext", IAM_RES_KMS_EC2, false},
    {"ec2:RunInstances", "kms:ReEncryptFrom", IAM_RES_KMS_EC2, false},
    {"ec2:RunInstances", "kms:ReEncryptTo", IAM_RES_KMS_EC2, false},
};

/* The target: CopyImage into its account and Region, tags, wait, teardown
 * of the image and its snapshots. */
static const struct iam_grant s_ec2_copy[] = {
    {"ec2:CopyImage", "ec2:CopyImage", IAM_RES_ANY, false},
    {"ec2:CreateTags", "ec2:CreateTags", IAM_RES_ANY, false},
    {"ec2:DescribeImages", "ec2:DescribeImages", IAM_RES_ANY, false},
    {"ec2:DescribeSnapshots", "ec2:DescribeSnapshots", IAM_RES_ANY, false},
    {"ec2:DescribeTags", "ec2:DescribeTags", IAM_RES_ANY, false},
    {"ec2:DeregisterImage", "ec2:DeregisterImage", IAM_RES_ANY, true},
    {"ec2:DeleteSnapshot", "ec2:DeleteSnapshot", IAM_RES_ANY, true},
};

/* The target: the instance, tagged at launch, its status checks, teardown. */
static const struct iam_grant s_ec2_launch[] = {
    {"ec2:RunInstances", "ec2:RunInstances", IAM_RES_ANY, false},
    {"ec2:RunInstances", "ec2:CreateTags", IAM_RES_ANY, false},
    {"ec2:DescribeInstances", "ec2:DescribeInstances", IAM_RES_ANY, false},
    {"ec2:DescribeInstanceStatus", "ec2:DescribeInstanceStatus", IAM_RES_ANY, false},
    {"ec2:DescribeTags", "ec2:DescribeTags", IAM_RES_ANY, false},
    {"ec2:TerminateInstances", "ec2:TerminateInstances", IAM_RES_ANY, true},
};

/* S3: the posture of the source bucket and of its replica. */
static const struct iam_grant s_s3_posture_source[] = {
    {"s3:GetBucketVersioning", "s3:GetBucketVersioning", IAM_RES_BUCKET, false},
    {"s3:GetBucketReplication", "s3:GetReplicationConfiguration", IAM_RES_BUCKET, false},
};
static const struct iam_grant s_s3_posture_replica[] = {
    {"s3:GetBucketVersioning", "s3:GetBucketVersioning", IAM_RES_BUCKET, false},
    {"s3:GetBucketPolicy", "s3:GetBucketPolicy", IAM_RES_BUCKET, false},
};
static const struct iam_grant s_s3_lifecycle[] = {
    {"s3:GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration", IAM_RES_BUCKET, false},
};

/* S3 live lag: the canary written into the source and polled in both
 * buckets; teardown deletes its versions (only drh's canary keys). */
static const struct iam_grant s_s3_canary_source[] = {
    {"s3:PutObject", "s3:PutObject", IAM_RES_CANARIES, false},
    {"s3:HeadObject", "s3:GetObjectVersion", IAM_RES_CANARIES, false},
    {"s3:ListObjectVersions", "s3:ListBucketVersions", IAM_RES_BUCKET, false},
    {"s3:DeleteObject", "s3:DeleteObjectVersion", IAM_RES_CANARIES, false},
};
static const struct iam_grant s_s3_canary_replica[] = {
    {"s3:HeadObject", "s3:GetObjectVersion", IAM_RES_CANARIES, false},
    {"s3:ListObjectVersions", "s3:ListBucketVersions", IAM_RES_BUCKET, false},
    {"s3:DeleteObject", "s3:DeleteObjectVersion", IAM_RES_CANARIES, false},
};

/* S3 compare: both listings, the source's versions read where in doubt. */
static const struct iam_grant s_s3_compare_source[] = {
    {"s3:ListObjectVersions", "s3:ListBucketVersions", IAM_RES_BUCKET, false},
    {"s3:HeadObject", "s3:GetObjectVersion", IAM_RES_OBJECTS, false},
};
static const struct iam_grant s_s3_compare_replica[] = {
    {"s3:ListObjectVersions", "s3:ListBucketVersions", IAM_RES_BUCKET, false},
};

/* S3 restore: the source's versions at the restore point, copied into a
 * restore bucket drh makes in the target (and removes). */
static const struct iam_grant s_s3_restore_source[] = {
    {"s3:ListObjectVersions", "s3:ListBucketVersions", IAM_RES_BUCKET, false},
    {"s3:GetObject", "s3:GetObjectVersion", IAM_RES_OBJECTS, false},
};
static const struct iam_grant s_s3_restore_target[] = {
    {"s3:CreateBucket", "s3:CreateBucket", IAM_RES_DRH_BUCKETS, false},
    {"s3:PutBucketTagging", "s3:PutBucketTagging", IAM_RES_DRH_BUCKETS, false},
    {"s3:GetBucketTagging", "s3:GetBucketTagging", IAM_RES_DRH_BUCKETS, false},
    {"s3:PutObject", "s3:PutObject", IAM_RES_DRH_OBJECTS, false},
    {"s3:ListObjectVersions", "s3:ListBucketVersions", IAM_RES_DRH_BUCKETS, false},
    {"s3:DeleteObject", "s3:DeleteObjectVersion", IAM_RES_DRH_OBJECTS, false},
    {"s3:DeleteBucket", "s3:DeleteBucket", IAM_RES_DRH_BUCKETS, false},
    {"s3:HeadBucket", "s3:ListBucket", IAM_RES_DRH_BUCKETS, false},
};

/* Isolation "create" (harness/run/isolation.c), in the target: a VPC without
 * an internet gateway, two subnets, a security group, a DB subnet group,
 * each tagged on creation; checked, and deleted only when tagged
 * (isolation_teardown.c, which finds a piece whose create never answered
 * by its Name tag). */
static const struct iam_grant s_isolation_create[] = {
    {"ec2:DescribeAvailabilityZones", "ec2:DescribeAvailabilityZones", IAM_RES_ANY, false},
    {"ec2:CreateVpc", "ec2:CreateVpc", IAM_RES_ANY, false},
    {"ec2:CreateVpc", "ec2:CreateTags", IAM_RES_ANY, false},
    {"ec2:DescribeVpcs", "ec2:DescribeVpcs", IAM_RES_ANY, false},
    {"ec2:CreateSubnet", "ec2:CreateSubnet", IAM_RES_ANY, false},
    {"ec2:DescribeSubnets", "ec2:DescribeSubnets", IAM_RES_ANY, false},
    {"ec2:CreateSecurityGroup", "ec2:CreateSecurityGroup", IAM_RES_ANY, false},
    {"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress", IAM_RES_ANY, true},
    {"ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroups", IAM_RES_ANY, false},
    {"ec2:DescribeInternetGateways", "ec2:DescribeInternetGateways", IAM_RES_ANY, false},
    {"ec2:DescribeTags", "ec2:DescribeTags", IAM_RES_ANY, false},
    {"ec2:DeleteSecurityGroup", "ec2:DeleteSecurityGroup", IAM_RES_ANY, true},
    {"ec2:DeleteSubnet", "ec2:DeleteSubnet", IAM_RES_ANY, true},
    {"ec2:DeleteVpc", "ec2:DeleteVpc", IAM_RES_ANY, true},
    {"rds:CreateDBSubnetGroup", "rds:CreateDBSubnetGroup", IAM_RES_ANY, false},
    {"rds:CreateDBSubnetGroup", "rds:AddTagsToResource", IAM_RES_ANY, false},
    {"rds:DescribeDBSubnetGroups", "rds:DescribeDBSubnetGroups", IAM_RES_ANY, false},
    {"rds:ListTagsForResource", "rds:ListTagsForResource", IAM_RES_ANY, false},
    {"rds:DeleteDBSubnetGroup", "rds:DeleteDBSubnetGroup", IAM_RES_ANY, true},
};

/* Named isolation, in the target: the preflight finds each piece the drill
 * names (isolation_verify.c) and whether the VPC has an internet gateway. */
static const struct iam_grant s_isolation_named_db[] = {
    {"rds:DescribeDBSubnetGroups", "rds:DescribeDBSubnetGroups", IAM_RES_ANY, false},
};
static const struct iam_grant s_isolation_named_subnet[] = {
    {"ec2:DescribeSubnets", "ec2:DescribeSubnets", IAM_RES_ANY, false},
};
static const struct iam_grant s_isolation_named_groups[] = {
    {"ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroups", IAM_RES_ANY, false},
};
static const struct iam_grant s_isolation_named_vpc[] = {
    {"ec2:DescribeInternetGateways", "ec2:DescribeInternetGateways", IAM_RES_ANY, false},
};

/* Preflight (check/preflight.c) and posture (check/posture*.c), read-only:
 * a vault exists (its side, its Region); the vault receiving a copy from
 * another account allows it (its access policy); the source vault's key is
 * customer managed and usable by the target (its key policy and grants,
 * which only the key's own account reads, then DescribeKey from the
 * target); target.kms_key exists. */
static const struct iam_grant s_vault_exists[] = {
    {"backup:DescribeBackupVault", "backup:DescribeBackupVault", IAM_RES_VAULT, false},
};
static const struct iam_grant s_vault_policy[] = {
    {"backup:DescribeBackupVault", "backup:DescribeBackupVault", IAM_RES_VAULT, false},
    {"backup:GetBackupVaultAccessPolicy", "backup:GetBackupVaultAccessPolicy", IAM_RES_VAULT,
     false},
};
static const struct iam_grant s_vault_key[] = {
    {"backup:DescribeBackupVault", "backup:DescribeBackupVault", IAM_RES_VAULT, false},
    {"kms:DescribeKey", "kms:DescribeKey", IAM_RES_ANY, false},
    {"kms:GetKeyPolicy", "kms:GetKeyPolicy", IAM_RES_ANY, false},
    {"kms:ListGrants", "kms:ListGrants", IAM_RES_ANY, false},
};
static const struct iam_grant s_key_usable[] = {
    {"kms:DescribeKey", "kms:DescribeKey", IAM_RES_ANY, false},
};

/* Posture (the drill's posture section): the source's backup plans and
 * selections, and the newest recovery point of each protected resource. */
static const struct iam_grant s_posture_plans[] = {
    {"backup:ListBackupPlans", "backup:ListBackupPlans", IAM_RES_ANY, false},
    {"backup:GetBackupPlan", "backup:GetBackupPlan", IAM_RES_ANY, false},
    {"backup:ListBackupSelections", "backup:ListBackupSelections", IAM_RES_ANY, false},
    {"backup:GetBackupSelection", "backup:GetBackupSelection", IAM_RES_ANY, false},
    {"backup:ListRecoveryPointsByResource", "backup:ListRecoveryPointsByResource", IAM_RES_ANY,
     false},
};

static const struct iam_feature s_features[] = {
    ROWS("identity", "always, both sides", s_identity),
    ROWS("select-vault", "path backup: the vault recovery points are chosen from", s_select_vault),
    ROWS("copy-job", "copy: the side starting each copy job", s_copy_job),
    ROWS("copy-made", "copy: the target, where copies land", s_copy_made),
    ROWS("restore-job", "path backup: the target's restore job", s_restore_job),
    ROWS("rds-snapshot-select", "rds, path snapshot", s_rds_snapshot_select),
    ROWS("aurora-snapshot-select", "aurora, path snapshot", s_aurora_snapshot_select),
    ROWS("rds-snapshot-copy", "rds, path snapshot, copy: each Region copied to",
         s_rds_snapshot_copy),
    ROWS("aurora-snapshot-copy", "aurora, path snapshot, copy: each Region copied to",
         s_aurora_snapshot_copy),
    ROWS("rds-snapshot-restore", "rds, path snapshot", s_rds_snapshot_restore),
    ROWS("aurora-snapshot-restore", "aurora, path snapshot", s_aurora_snapshot_restore),
    ROWS("rds-pitr-source", "rds, path pitr: the source", s_rds_pitr_source),
    ROWS("aurora-pitr-source", "aurora, path pitr: the source", s_aurora_pitr_source),
    ROWS("rds-pitr-restore", "rds, path pitr: the restore", s_rds_pitr_restore),
    ROWS("aurora-pitr-restore", "aurora, path pitr: the restore", s_aurora_pitr_restore),
    ROWS("rds-restored", "rds: the restored instance", s_rds_restored),
    ROWS("aurora-restored", "aurora: the restored cluster and its instance", s_aurora_restored),
    ROWS("rds-password", "rds without login.password_env / password_file", s_rds_password),
    ROWS("aurora-password", "aurora without login.password_env / password_file", s_aurora_password),
    ROWS("efs-restored", "efs into a new file system", s_efs_restored),
    ROWS("efs-mount-target", "efs into a new file system, with an isolation subnet",
         s_efs_mount_target),
    ROWS("efs-existing", "efs into an existing file system", s_efs_existing),
    ROWS("ec2-select-tag", "ec2, path tag", s_ec2_select_tag),
    ROWS("ec2-shared", "ec2 across accounts: the source's sharing", s_ec2_shared),
    ROWS("ec2-copy", "ec2, copy", s_ec2_copy),
    ROWS("ec2-launch", "ec2: the instance", s_ec2_launch),
    ROWS("ec2-kms", "ec2: an encrypted AMI's copy (CopyImage needs the same) and launch",
         s_ec2_kms),
    ROWS("s3-posture-source", "s3: the source bucket", s_s3_posture_source),
    ROWS("s3-posture-replica", "s3: the replica bucket", s_s3_posture_replica),
    ROWS("s3-lifecycle", "s3 posture.lifecycle: each bucket named", s_s3_lifecycle),
    ROWS("s3-canary-source", "s3 live.canary: the source bucket", s_s3_canary_source),
    ROWS("s3-canary-replica", "s3 live.canary: the replica bucket", s_s3_canary_replica),
    ROWS("s3-compare-source", "s3 compare: the source bucket", s_s3_compare_source),
    ROWS("s3-compare-replica", "s3 compare: the replica bucket", s_s3_compare_replica),
    ROWS("s3-restore-source", "s3 restore: the source bucket", s_s3_restore_source),
    ROWS("s3-restore-target", "s3 restore: the restore bucket in the target", s_s3_restore_target),
    ROWS("isolation-create", "isolation create: the stack drh builds and removes",
         s_isolation_create),
    ROWS("isolation-named-db", "named isolation with db_subnet_group", s_isolation_named_db),
    ROWS("isolation-named-subnet", "named isolation with subnet", s_isolation_named_subnet),
    ROWS("isolation-named-groups", "named isolation with security_groups",
         s_isolation_named_groups),
    ROWS("isolation-named-vpc", "named isolation: the VPC of the pieces named",
         s_isolation_named_vpc),
    ROWS("vault-exists", "preflight: a vault the drill lists, copies into or stages in",
         s_vault_exists),
    ROWS("vault-policy", "preflight and posture: the vault a copy from another account lands in",
         s_vault_policy),
    ROWS("vault-key", "preflight and posture: the source vault's key, seen from the source",
         s_vault_key),
    ROWS("key-usable", "preflight and posture: that key, or target.kms_key, seen from the target",
         s_key_usable),
    ROWS("posture-plans", "posture: the source's plans, selections and recovery points",
         s_posture_plans),
};

const struct iam_feature *iam_features(size_t *n)
{
    *n = sizeof s_features / sizeof s_features[0];
    return s_features;
}

const struct iam_feature *iam_feature(const char *name)
{
    for (size_t i = 0; i < sizeof s_features / sizeof s_features[0]; i++)
        if (strcmp(s_features[i].name, name) == 0)
            return &s_features[i];
    return NULL;
}
