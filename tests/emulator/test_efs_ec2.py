"""EFS restores (new and existing file system) and an AMI share, copy and
launch, driven by the AWS CLI."""
import os
import unittest
import urllib.request

from emu import require, Emulator, CliError, PROD, DR, BACKUP_ROLE, wait_job, vault_policy

E = None
EAST, WEST = "us-east-1", "us-west-2"


def setUpModule():
    global E
    require()
    E = Emulator().start()
    E.aws("production", "backup", "create-backup-vault", "--backup-vault-name", "prod-vault",
          "--encryption-key-arn", "alias/drh-dr-key")
    E.aws("dr", "backup", "create-backup-vault", "--backup-vault-name", "dr-vault", region=WEST)
    E.aws("dr", "backup", "put-backup-vault-access-policy", "--backup-vault-name", "dr-vault",
          "--policy", vault_policy(PROD), region=WEST)


def tearDownModule():
    E.cleanup()


def read_tree(path):
    out = {}
    for root, _, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            with open(p, errors="replace") as fh:
                out[os.path.relpath(p, path)] = fh.read()
    return out


class EFS(unittest.TestCase):
    FILES = {"sites/default/config.php": "<?php $db='emr';", "certs/ca.pem": "-----BEGIN-----"}

    @classmethod
    def setUpClass(cls):
        seed = E.admin("POST", "/seed/efs", {"profile": "production", "name": "emr-sites",
                                             "files": cls.FILES})
        cls.fs, cls.arn = seed["file_system_id"], seed["arn"]
        job = E.aws("production", "backup", "start-backup-job", "--backup-vault-name", "prod-vault",
                    "--resource-arn", cls.arn, "--iam-role-arn", BACKUP_ROLE.format(PROD))
        assert wait_job(E, job["BackupJobId"])["state"] == "COMPLETED"
        cls.rp = job["RecoveryPointArn"]

    def restore(self, profile, rp, md, region=EAST):
        r = E.aws(profile, "backup", "start-restore-job", "--recovery-point-arn", rp,
                  "--iam-role-arn", BACKUP_ROLE.format(PROD if profile == "production" else DR),
                  "--metadata", ",".join(f"{k}={v}" for k, v in md.items()), region=region)
        j = wait_job(E, r["RestoreJobId"])
        self.assertEqual(j["state"], "COMPLETED", j)
        return E.aws(profile, "backup", "describe-restore-job", "--restore-job-id",
                     r["RestoreJobId"], region=region)

    def test_describe_and_metadata(self):
        fs = E.aws("production", "efs", "describe-file-systems", "--file-system-id",
                   self.fs)["FileSystems"][0]
        self.assertEqual(fs["LifeCycleState"], "available")
        self.assertTrue(fs["Encrypted"])
        md = E.aws("production", "backup", "get-recovery-point-restore-metadata",
                   "--backup-vault-name", "prod-vault", "--recovery-point-arn", self.rp)
        self.assertEqual(md["RestoreMetadata"]["file-system-id"], self.fs)
        by_res = E.aws("production", "backup", "list-recovery-points-by-resource",
                       "--resource-arn", self.arn)["RecoveryPoints"]
        self.assertIn(self.rp, [r["RecoveryPointArn"] for r in by_res])
        self.assertTrue(all(r["BackupVaultName"] == "prod-vault" for r in by_res))

    def test_restore_to_existing_file_system(self):
        rj = self.restore("production", self.rp, {"file-system-id": self.fs, "newFileSystem": "false"})
        self.assertEqual(rj["CreatedResourceArn"], self.arn)
        path = E.admin("GET", f"/efs/{self.fs}")["path"]
        dirs = [d for d in os.listdir(path) if d.startswith("aws-backup-restore_")]
        self.assertEqual(len(dirs), 1)
        self.assertRegex(dirs[0], r"^aws-backup-restore_\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d$")
        self.assertEqual(read_tree(os.path.join(path, dirs[0])), self.FILES)

    def test_restore_to_new_file_system_in_dr_account_and_region(self):
        c = E.aws("production", "backup", "start-copy-job", "--recovery-point-arn", self.rp,
                  "--source-backup-vault-name", "prod-vault", "--destination-backup-vault-arn",
                  f"arn:aws:backup:{WEST}:{DR}:backup-vault:dr-vault",
                  "--iam-role-arn", BACKUP_ROLE.format(PROD))["CopyJobId"]
        self.assertEqual(wait_job(E, c)["state"], "COMPLETED")
        rp = E.aws("production", "backup", "describe-copy-job", "--copy-job-id",
                   c)["CopyJob"]["DestinationRecoveryPointArn"]
        rj = self.restore("dr", rp, {"newFileSystem": "true", "Encrypted": "true",
                                     "PerformanceMode": "generalPurpose",
                                     "CreationToken": "drill"}, region=WEST)
        new_fs = rj["CreatedResourceArn"].rsplit("/", 1)[1]
        self.assertNotEqual(new_fs, self.fs)
        fs = E.aws("dr", "efs", "describe-file-systems", "--file-system-id", new_fs,
                   region=WEST)["FileSystems"][0]
        self.assertEqual(fs["OwnerId"], DR)
        self.assertEqual(read_tree(E.admin("GET", f"/efs/{new_fs}")["path"]), self.FILES)
        E.aws("dr", "efs", "delete-file-system", "--file-system-id", new_fs, region=WEST)
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "efs", "describe-file-systems", "--file-system-id", new_fs, region=WEST)
        self.assertEqual(cm.exception.code, "FileSystemNotFound")

    def test_corrupted_recovery_point_restores_damaged_files(self):
        job = E.aws("production", "backup", "start-backup-job", "--backup-vault-name", "prod-vault",
                    "--resource-arn", self.arn, "--iam-role-arn", BACKUP_ROLE.format(PROD))
        self.assertEqual(wait_job(E, job["BackupJobId"])["state"], "COMPLETED")
        E.admin("POST", "/backup/corrupt", {"recovery_point_arn": job["RecoveryPointArn"],
                                            "mode": "corrupt_backup"})
        rj = self.restore("production", job["RecoveryPointArn"],
                          {"newFileSystem": "true", "CreationToken": "corrupt"})
        new_fs = rj["CreatedResourceArn"].rsplit("/", 1)[1]
        got = read_tree(E.admin("GET", f"/efs/{new_fs}")["path"])
        self.assertEqual(sorted(got), sorted(self.FILES))
        self.assertNotEqual(got, self.FILES)

    def test_mount_targets_block_delete(self):
        fs = E.aws("dr", "efs", "create-file-system", "--creation-token", "mt-test",
                   "--tags", "Key=Name,Value=mt", region=EAST)["FileSystemId"]
        vpc = E.aws("dr", "ec2", "create-vpc", "--cidr-block", "10.1.0.0/16", region=EAST)["Vpc"]["VpcId"]
        sub = E.aws("dr", "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.1.1.0/24",
                    region=EAST)["Subnet"]["SubnetId"]
        mt = E.aws("dr", "efs", "create-mount-target", "--file-system-id", fs, "--subnet-id", sub,
                   region=EAST)["MountTargetId"]
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "efs", "delete-file-system", "--file-system-id", fs, region=EAST)
        self.assertEqual(cm.exception.code, "FileSystemInUse")
        E.aws("dr", "efs", "delete-mount-target", "--mount-target-id", mt, region=EAST)
        E.aws("dr", "efs", "delete-file-system", "--file-system-id", fs, region=EAST)


class AMI(unittest.TestCase):
    def test_share_copy_launch(self):
        seed = E.admin("POST", "/seed/ami", {"profile": "production", "name": "emr-web",
                                             "health_path": "/healthz", "health_body": "emr-ok"})
        ami, snap = seed["image_id"], seed["snapshot_id"]
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "ec2", "describe-images", "--image-ids", ami, region=EAST)
        self.assertEqual(cm.exception.code, "InvalidAMIID.NotFound")
        E.aws("production", "ec2", "modify-image-attribute", "--image-id", ami,
              "--launch-permission", f"Add=[{{UserId={DR}}}]")
        perms = E.aws("production", "ec2", "describe-image-attribute", "--image-id", ami,
                      "--attribute", "launchPermission")["LaunchPermissions"]
        self.assertEqual(perms, [{"UserId": DR}])
        # copying needs the snapshots shared too
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "ec2", "copy-image", "--source-region", EAST, "--source-image-id", ami,
                  "--name", "emr-web-dr", "--encrypted", "--kms-key-id", "alias/drh-dr-key",
                  region=WEST)
        self.assertEqual(cm.exception.code, "AuthFailure")
        E.aws("production", "ec2", "modify-snapshot-attribute", "--snapshot-id", snap,
              "--attribute", "createVolumePermission", "--operation-type", "add", "--user-ids", DR)
        new = E.aws("dr", "ec2", "copy-image", "--source-region", EAST, "--source-image-id", ami,
                    "--name", "emr-web-dr", "--encrypted", "--kms-key-id", "alias/drh-dr-key",
                    region=WEST)["ImageId"]
        E.wait(lambda: E.aws("dr", "ec2", "describe-images", "--image-ids", new,
                             region=WEST)["Images"][0]["State"], "available", every=0.1)
        vpc = E.aws("dr", "ec2", "create-vpc", "--cidr-block", "10.2.0.0/16", region=WEST)["Vpc"]["VpcId"]
        sub = E.aws("dr", "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.2.1.0/24",
                    region=WEST)["Subnet"]["SubnetId"]
        sg = E.aws("dr", "ec2", "create-security-group", "--group-name", "drill", "--description",
                   "drill", "--vpc-id", vpc, region=WEST)["GroupId"]
        E.aws("dr", "ec2", "authorize-security-group-ingress", "--group-id", sg, "--protocol", "tcp",
              "--port", "443", "--cidr", "10.0.0.0/8", region=WEST)
        inst = E.aws("dr", "ec2", "run-instances", "--image-id", new, "--instance-type", "t3.micro",
                     "--subnet-id", sub, "--security-group-ids", sg, "--tag-specifications",
                     "ResourceType=instance,Tags=[{Key=drh:run-id,Value=r9}]",
                     region=WEST)["Instances"][0]["InstanceId"]
        E.wait(lambda: (E.aws("dr", "ec2", "describe-instance-status", "--instance-ids", inst,
                              region=WEST)["InstanceStatuses"] or [{}])[0]
               .get("InstanceStatus", {}).get("Status"), "ok", every=0.2)
        info = E.admin("GET", f"/ec2/instances/{inst}")
        with urllib.request.urlopen(info["health_url"], timeout=5) as r:
            self.assertEqual(r.read(), b"emr-ok")
        d = E.aws("dr", "ec2", "describe-instances", "--instance-ids", inst,
                  region=WEST)["Reservations"][0]["Instances"][0]
        self.assertEqual(d["State"]["Name"], "running")
        self.assertIn({"Key": "drh:run-id", "Value": "r9"}, d["Tags"])
        # teardown order matters as on AWS
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "ec2", "delete-security-group", "--group-id", sg, region=WEST)
        self.assertEqual(cm.exception.code, "DependencyViolation")
        E.aws("dr", "ec2", "terminate-instances", "--instance-ids", inst, region=WEST)
        E.wait(lambda: E.aws("dr", "ec2", "describe-instances", "--instance-ids", inst,
                             region=WEST)["Reservations"][0]["Instances"][0]["State"]["Name"],
               "terminated", every=0.2)
        with self.assertRaises(OSError):
            urllib.request.urlopen(info["health_url"], timeout=2)
        E.aws("dr", "ec2", "delete-security-group", "--group-id", sg, region=WEST)
        E.aws("dr", "ec2", "delete-subnet", "--subnet-id", sub, region=WEST)
        E.aws("dr", "ec2", "delete-vpc", "--vpc-id", vpc, region=WEST)
        E.aws("dr", "ec2", "deregister-image", "--image-id", new, region=WEST)
        alive = [a["id"] for a in E.admin("GET", "/truth/alive")["alive"]]
        for rid in (inst, sg, sub, vpc, new):
            self.assertNotIn(rid, alive)

    def test_ec2_backup_restore_launches_instance(self):
        seed = E.admin("POST", "/seed/ami", {"profile": "production", "name": "app"})
        inst = E.aws("production", "ec2", "run-instances", "--image-id", seed["image_id"],
                     "--instance-type", "t3.micro")["Instances"][0]["InstanceId"]
        arn = f"arn:aws:ec2:{EAST}:{PROD}:instance/{inst}"
        E.wait(lambda: E.aws("production", "ec2", "describe-instances", "--instance-ids", inst)
               ["Reservations"][0]["Instances"][0]["State"]["Name"], "running", every=0.2)
        job = E.aws("production", "backup", "start-backup-job", "--backup-vault-name", "prod-vault",
                    "--resource-arn", arn, "--iam-role-arn", BACKUP_ROLE.format(PROD))
        self.assertEqual(wait_job(E, job["BackupJobId"])["state"], "COMPLETED")
        rp = job["RecoveryPointArn"]
        self.assertRegex(rp, r"^arn:aws:ec2:us-east-1::image/ami-")
        r = E.aws("production", "backup", "start-restore-job", "--recovery-point-arn", rp,
                  "--iam-role-arn", BACKUP_ROLE.format(PROD), "--metadata",
                  "InstanceType=t3.small")["RestoreJobId"]
        self.assertEqual(wait_job(E, r)["state"], "COMPLETED")
        created = E.aws("production", "backup", "describe-restore-job", "--restore-job-id",
                        r)["CreatedResourceArn"]
        self.assertIn(":instance/i-", created)
        self.assertNotEqual(created, arn)


if __name__ == "__main__":
    unittest.main()
