"""EC2 instances and EFS mount targets in EC2's network as AWS enforces
it, driven by botocore and the AWS CLI: placed in a subnet with groups of
its VPC (one mount target per zone, all in one VPC), EC2 restores into an
unknown group failing the job, and the groups and subnets they keep from
deletion while alive and, for `eni_release` seconds, after."""
import time
import unittest

from emu import require, Emulator, CliError, PROD, BACKUP_ROLE, wait_job
from netsupport import use, c, refused, network, ClientError, EAST, WEST

E = None


def setUpModule():
    global E
    require()
    E = Emulator().start()
    use(E)
    E.admin("POST", "/timing", {"instance": 0.1, "backup": 0.1, "restore": 0.1})


def tearDownModule():
    E.cleanup()


class Instances(unittest.TestCase):
    def test_run_instances_placement_and_dependencies(self):
        ec2 = c("ec2")
        vpc, subs, sg = network("10.30.0.0/16")
        _, other_subs, other_sg = network("10.31.0.0/16")
        ami = E.admin("POST", "/seed/ami", {"profile": "dr", "region": WEST, "name": "net"})["image_id"]
        run = dict(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro")
        refused(self, "InvalidSubnetID.NotFound", ec2.run_instances, SubnetId="subnet-0000000000000000a",
                SecurityGroupIds=[sg], **run)
        refused(self, "InvalidGroup.NotFound", ec2.run_instances, SubnetId=subs[0],
                SecurityGroupIds=["sg-0000000000000000a"], **run)
        msg = refused(self, "InvalidParameter", ec2.run_instances, SubnetId=subs[0],
                      SecurityGroupIds=[other_sg], **run)
        self.assertIn("different networks", msg)
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "ec2", "run-instances", "--image-id", ami, "--subnet-id", subs[0],
                  "--security-group-ids", other_sg, region=WEST)
        self.assertEqual(cm.exception.code, "InvalidParameter")
        inst = ec2.run_instances(SubnetId=subs[1], SecurityGroupIds=[sg], **run)["Instances"][0]
        self.assertEqual(inst["Placement"]["AvailabilityZone"], "us-west-2b")
        self.assertEqual(inst["VpcId"], vpc)
        iid = inst["InstanceId"]
        refused(self, "DependencyViolation", ec2.delete_security_group, GroupId=sg)
        refused(self, "DependencyViolation", ec2.delete_subnet, SubnetId=subs[1])
        ec2.delete_subnet(SubnetId=subs[0])           # nothing in that one
        ec2.terminate_instances(InstanceIds=[iid])
        E.wait(lambda: ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
               ["State"]["Name"], "terminated")
        ec2.delete_security_group(GroupId=sg)
        ec2.delete_subnet(SubnetId=subs[1])
        # no group given: the VPC's default group, as on AWS
        inst = ec2.run_instances(SubnetId=other_subs[0], **run)["Instances"][0]
        self.assertEqual([g["GroupName"] for g in inst["SecurityGroups"]], ["default"])
        ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])

    def test_backup_restore_into_unknown_group_fails_the_job(self):
        ec2 = c("ec2", "production", EAST)
        _, subs, sg = network("10.32.0.0/16", region=EAST, profile="production")
        c("backup", "production", EAST).create_backup_vault(BackupVaultName="net-vault")
        ami = E.admin("POST", "/seed/ami", {"profile": "production", "name": "app"})["image_id"]
        iid = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, SubnetId=subs[0],
                                SecurityGroupIds=[sg])["Instances"][0]["InstanceId"]
        E.wait(lambda: ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
               ["State"]["Name"], "running")
        b = c("backup", "production", EAST)
        job = b.start_backup_job(BackupVaultName="net-vault", IamRoleArn=BACKUP_ROLE.format(PROD),
                                 ResourceArn=f"arn:aws:ec2:{EAST}:{PROD}:instance/{iid}")
        self.assertEqual(wait_job(E, job["BackupJobId"])["state"], "COMPLETED")
        for groups, code in ((["sg-0000000000000000b"], "InvalidGroup.NotFound"),
                             ([sg], None)):
            md = {"InstanceType": "t3.micro", "SubnetId": subs[1],
                  "SecurityGroupIds": '["' + groups[0] + '"]'}
            r = b.start_restore_job(RecoveryPointArn=job["RecoveryPointArn"], Metadata=md,
                                    IamRoleArn=BACKUP_ROLE.format(PROD))["RestoreJobId"]
            j = wait_job(E, r)
            d = b.describe_restore_job(RestoreJobId=r)
            if code:
                self.assertEqual(j["state"], "FAILED")
                self.assertEqual(d["Status"], "FAILED")
                self.assertTrue(d["StatusMessage"].startswith(code + ":"), d["StatusMessage"])
            else:
                self.assertEqual(d["Status"], "COMPLETED", d.get("StatusMessage"))
                new = d["CreatedResourceArn"].rsplit("/", 1)[1]
                ec2.terminate_instances(InstanceIds=[new])
        ec2.terminate_instances(InstanceIds=[iid])


class MountTargets(unittest.TestCase):
    def test_placement_conflicts_and_late_release(self):
        efs, ec2 = c("efs"), c("ec2")
        vpc, subs, sg = network("10.40.0.0/16", zones=("a", "b"))
        _, other_subs, other_sg = network("10.41.0.0/16", zones=("a",))
        vpc_c = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.9.0/24",
                                  AvailabilityZone="us-west-2a")["Subnet"]["SubnetId"]
        fs = efs.create_file_system(CreationToken="net")["FileSystemId"]
        refused(self, "SubnetNotFound", efs.create_mount_target, FileSystemId=fs,
                SubnetId="subnet-0000000000000000a", SecurityGroups=[sg])
        refused(self, "SecurityGroupNotFound", efs.create_mount_target, FileSystemId=fs,
                SubnetId=subs[0], SecurityGroups=["sg-0000000000000000a"])
        refused(self, "SecurityGroupNotFound", efs.create_mount_target, FileSystemId=fs,
                SubnetId=subs[0], SecurityGroups=[other_sg])
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "efs", "create-mount-target", "--file-system-id", fs, "--subnet-id", subs[0],
                  "--security-groups", other_sg, region=WEST)
        self.assertEqual(cm.exception.code, "SecurityGroupNotFound")
        mt = efs.create_mount_target(FileSystemId=fs, SubnetId=subs[0], SecurityGroups=[sg])
        self.assertEqual((mt["AvailabilityZoneName"], mt["AvailabilityZoneId"], mt["VpcId"]),
                         ("us-west-2a", "usw2-az1", vpc))
        # one mount target per zone, all in one VPC
        refused(self, "MountTargetConflict", efs.create_mount_target, FileSystemId=fs,
                SubnetId=vpc_c, SecurityGroups=[sg])
        refused(self, "MountTargetConflict", efs.create_mount_target, FileSystemId=fs,
                SubnetId=other_subs[0], SecurityGroups=[other_sg])
        mt_b = efs.create_mount_target(FileSystemId=fs, SubnetId=subs[1], SecurityGroups=[sg])
        self.assertEqual(mt_b["AvailabilityZoneName"], "us-west-2b")
        refused(self, "DependencyViolation", ec2.delete_security_group, GroupId=sg)
        refused(self, "DependencyViolation", ec2.delete_subnet, SubnetId=subs[0])
        # AWS releases a deleted mount target's interface late: clients retry
        E.admin("POST", "/timing", {"eni_release": 4})
        self.assertEqual(E.admin("GET", "/timing")["eni_release"], 4)
        try:
            for m in (mt, mt_b):
                efs.delete_mount_target(MountTargetId=m["MountTargetId"])
            gone = time.time()
            refused(self, "DependencyViolation", ec2.delete_security_group, GroupId=sg)
            refused(self, "DependencyViolation", ec2.delete_subnet, SubnetId=subs[0])
            while True:
                try:
                    ec2.delete_security_group(GroupId=sg)
                    break
                except ClientError as e:
                    self.assertEqual(e.response["Error"]["Code"], "DependencyViolation")
                    self.assertLess(time.time() - gone, 15)
                    time.sleep(0.2)
            self.assertGreaterEqual(time.time() - gone, 3.9)
            ec2.delete_subnet(SubnetId=subs[0])
        finally:
            E.admin("POST", "/timing", {"eni_release": 0})
        # without groups the mount target gets the VPC's default group
        mt = efs.create_mount_target(FileSystemId=fs, SubnetId=subs[1])
        refused(self, "FileSystemInUse", efs.delete_file_system, FileSystemId=fs)
        efs.delete_mount_target(MountTargetId=mt["MountTargetId"])
        ec2.delete_subnet(SubnetId=subs[1])
        efs.delete_file_system(FileSystemId=fs)


if __name__ == "__main__":
    unittest.main()
