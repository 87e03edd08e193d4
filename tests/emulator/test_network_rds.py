"""RDS in EC2's network as AWS enforces it, driven by botocore and the AWS
CLI: DB subnet groups (subnets of the caller's account and Region, one VPC,
two zones), the VPC security groups of CreateDBInstance, both restores
from snapshot, both point-in-time restores and AWS Backup restore jobs
(RDS and Aurora), and the groups and subnets a live or just deleted
database keeps from deletion."""
import time
import unittest

from emu import require, Emulator, CliError, PROD, BACKUP_ROLE, wait_job
from netsupport import use, refused, ClientError, EAST, WEST
import netsupport

E = None
NET = {}        # name -> seeded network (production, us-east-1)


def setUpModule():
    global E
    require()
    E = Emulator().start()
    use(E)
    E.admin("POST", "/timing", {"backup": 0.1, "restore": 0.1, "snapshot": 0.1, "instance": 0.1})
    for name, n in (("iso", 70), ("other", 71)):
        NET[name] = E.admin("POST", "/seed/network", {
            "profile": "production", "vpc": {"cidr": f"10.{n}.0.0/16"},
            "subnets": [{"az": EAST + z, "cidr": f"10.{n}.{i}.0/24"} for i, z in ((1, "a"), (2, "b"))],
            "security_groups": [{"name": "db", "ingress_cidrs": ["127.0.0.1/32"]}]})
    rds = c("rds")
    for name in NET:
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription=name,
                                   SubnetIds=subnets(name))
    for engine, ident in (("postgres", "src-pg"), ("aurora-postgresql", "src-apg")):
        E.admin("POST", "/seed/rds", {"profile": "production", "engine": engine, "identifier": ident,
                                      "master_username": "pgadmin", "master_password": "Pg-Secret-1",
                                      "database": "app", "sql": "CREATE TABLE t(i int);"})
    rds.create_db_snapshot(DBSnapshotIdentifier="src-pg-snap", DBInstanceIdentifier="src-pg")
    rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="src-apg-snap",
                                   DBClusterIdentifier="src-apg")
    E.wait(lambda: rds.describe_db_snapshots(DBSnapshotIdentifier="src-pg-snap")
           ["DBSnapshots"][0]["Status"], "available")
    E.wait(lambda: rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="src-apg-snap")
           ["DBClusterSnapshots"][0]["Status"], "available")


def tearDownModule():
    E.cleanup()


def c(service, profile="production", region=EAST):
    return netsupport.c(service, profile, region)


def subnets(name):
    return [s["id"] for s in NET[name]["subnets"]]


def sg(name):
    return NET[name]["security_groups"][0]["id"]


class SubnetGroups(unittest.TestCase):
    def test_refusals(self):
        rds, ec2 = c("rds"), c("ec2")
        mk = dict(DBSubnetGroupName="bad", DBSubnetGroupDescription="d")
        msg = refused(self, "InvalidSubnet", rds.create_db_subnet_group,
                      SubnetIds=[subnets("iso")[0], "subnet-0000000000000000a"], **mk)
        self.assertIn("subnet-0000000000000000a", msg)
        # subnets of another account or another Region do not exist for the caller
        refused(self, "InvalidSubnet", c("rds", "dr").create_db_subnet_group,
                SubnetIds=subnets("iso"), **mk)
        refused(self, "InvalidSubnet", c("rds", region=WEST).create_db_subnet_group,
                SubnetIds=subnets("iso"), **mk)
        refused(self, "InvalidSubnet", rds.create_db_subnet_group,
                SubnetIds=[subnets("iso")[0], subnets("other")[1]], **mk)
        vpc = NET["iso"]["vpc_id"]
        c_zone = ec2.create_subnet(VpcId=vpc, CidrBlock="10.70.3.0/24",
                                   AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        msg = refused(self, "DBSubnetGroupDoesNotCoverEnoughAZs", rds.create_db_subnet_group,
                      SubnetIds=[subnets("iso")[0], c_zone], **mk)
        self.assertIn("us-east-1a", msg)
        with self.assertRaises(CliError) as cm:
            E.aws("production", "rds", "create-db-subnet-group", "--db-subnet-group-name", "bad",
                  "--db-subnet-group-description", "d", "--subnet-ids", subnets("iso")[0])
        self.assertEqual(cm.exception.code, "DBSubnetGroupDoesNotCoverEnoughAZs")
        refused(self, "DBSubnetGroupNotFoundFault", rds.describe_db_subnet_groups,
                DBSubnetGroupName="bad")
        ec2.delete_subnet(SubnetId=c_zone)

    def test_describe_vpc_and_zones(self):
        g = E.aws("production", "rds", "describe-db-subnet-groups", "--db-subnet-group-name",
                  "iso")["DBSubnetGroups"][0]
        self.assertEqual(g["VpcId"], NET["iso"]["vpc_id"])
        self.assertEqual(sorted((s["SubnetIdentifier"], s["SubnetAvailabilityZone"]["Name"])
                                for s in g["Subnets"]),
                         sorted(zip(subnets("iso"), ("us-east-1a", "us-east-1b"))))


class Placement(unittest.TestCase):
    """Each create / restore path refuses an unknown group and a group of
    another VPC, with RDS's codes, and creates nothing."""

    def calls(self):
        rds = c("rds")
        return [
            ("CreateDBInstance", "t-create", rds.create_db_instance, dict(
                DBInstanceIdentifier="t-create", Engine="postgres", DBInstanceClass="db.t3.micro",
                MasterUsername="u", MasterUserPassword="Secret-123456")),
            ("RestoreDBInstanceFromDBSnapshot", "t-snap", rds.restore_db_instance_from_db_snapshot,
             dict(DBInstanceIdentifier="t-snap", DBSnapshotIdentifier="src-pg-snap")),
            ("RestoreDBClusterFromSnapshot", "t-csnap", rds.restore_db_cluster_from_snapshot,
             dict(DBClusterIdentifier="t-csnap", SnapshotIdentifier="src-apg-snap",
                  Engine="aurora-postgresql")),
            ("RestoreDBInstanceToPointInTime", "t-pitr", rds.restore_db_instance_to_point_in_time,
             dict(SourceDBInstanceIdentifier="src-pg", TargetDBInstanceIdentifier="t-pitr",
                  UseLatestRestorableTime=True)),
            ("RestoreDBClusterToPointInTime", "t-cpitr", rds.restore_db_cluster_to_point_in_time,
             dict(SourceDBClusterIdentifier="src-apg", DBClusterIdentifier="t-cpitr",
                  UseLatestRestorableTime=True)),
        ]

    def test_every_path_checks_the_groups(self):
        # a group of another account does not exist for this one
        dr_sg = E.admin("POST", "/seed/network", {
            "account": "222222222222", "region": EAST, "vpc": {"cidr": "10.72.0.0/16"},
            "security_groups": [{"name": "x"}]})["security_groups"][0]["id"]
        for op, ident, fn, kw in self.calls():
            with self.subTest(op=op):
                msg = refused(self, "InvalidParameterValue", fn, DBSubnetGroupName="iso",
                              VpcSecurityGroupIds=["sg-0000000000000000a"], **kw)
                self.assertIn("sg-0000000000000000a", msg)
                msg = refused(self, "InvalidParameterCombination", fn, DBSubnetGroupName="iso",
                              VpcSecurityGroupIds=[sg("iso"), sg("other")], **kw)
                self.assertIn("different VPCs", msg)
                self.assertIn(NET["other"]["vpc_id"], msg)
                refused(self, "DBSubnetGroupNotFoundFault", fn, DBSubnetGroupName="nope",
                        VpcSecurityGroupIds=[sg("iso")], **kw)
                refused(self, "InvalidParameterValue", fn, DBSubnetGroupName="iso",
                        VpcSecurityGroupIds=[dr_sg], **kw)
        alive = {a["id"] for a in E.admin("GET", "/truth/alive")["alive"]}
        for _, ident, _, _ in self.calls():
            self.assertNotIn(ident, alive)
        with self.assertRaises(CliError) as cm:
            E.aws("production", "rds", "restore-db-instance-from-db-snapshot",
                  "--db-instance-identifier", "t-cli", "--db-snapshot-identifier", "src-pg-snap",
                  "--db-subnet-group-name", "iso", "--vpc-security-group-ids", sg("other"))
        self.assertEqual(cm.exception.code, "InvalidParameterCombination")

    def test_backup_restore_jobs_fail_with_the_reason(self):
        b = c("backup")
        b.create_backup_vault(BackupVaultName="net-vault")
        rps = {}
        for kind, ident in (("db", "src-pg"), ("cluster", "src-apg")):
            job = b.start_backup_job(BackupVaultName="net-vault", IamRoleArn=BACKUP_ROLE.format(PROD),
                                     ResourceArn=f"arn:aws:rds:{EAST}:{PROD}:{kind}:{ident}")
            self.assertEqual(wait_job(E, job["BackupJobId"])["state"], "COMPLETED")
            rps[kind] = job["RecoveryPointArn"]
        cases = ((["sg-0000000000000000a"], "InvalidParameterValue"),
                 ([sg("other")], "InvalidParameterCombination"))
        for kind, key in (("db", "DBInstanceIdentifier"), ("cluster", "DBClusterIdentifier")):
            for n, (groups, code) in enumerate(cases):
                md = {key: f"t-job-{kind}-{n}", "DBSubnetGroupName": "iso",
                      "VpcSecurityGroupIds": '["' + '","'.join(groups) + '"]'}
                r = b.start_restore_job(RecoveryPointArn=rps[kind], Metadata=md,
                                        IamRoleArn=BACKUP_ROLE.format(PROD))["RestoreJobId"]
                self.assertEqual(wait_job(E, r)["state"], "FAILED")
                d = E.aws("production", "backup", "describe-restore-job", "--restore-job-id", r)
                self.assertEqual(d["Status"], "FAILED")
                self.assertTrue(d["StatusMessage"].startswith(code + ":"), d["StatusMessage"])
                self.assertNotIn("CreatedResourceArn", d)
        # the right group in the right subnet group restores
        md = {"DBInstanceIdentifier": "t-job-ok", "DBSubnetGroupName": "iso",
              "VpcSecurityGroupIds": f'["{sg("iso")}"]'}
        r = b.start_restore_job(RecoveryPointArn=rps["db"], Metadata=md,
                                IamRoleArn=BACKUP_ROLE.format(PROD))["RestoreJobId"]
        self.assertEqual(wait_job(E, r)["state"], "COMPLETED")
        inst = c("rds").describe_db_instances(DBInstanceIdentifier="t-job-ok")["DBInstances"][0]
        self.assertEqual([g["VpcSecurityGroupId"] for g in inst["VpcSecurityGroups"]], [sg("iso")])
        self.assertIn(inst["AvailabilityZone"], ("us-east-1a", "us-east-1b"))
        c("rds").delete_db_instance(DBInstanceIdentifier="t-job-ok", SkipFinalSnapshot=True)


class Dependencies(unittest.TestCase):
    def test_live_and_just_deleted_databases_hold_group_and_subnets(self):
        rds, ec2 = c("rds"), c("ec2")
        net = E.admin("POST", "/seed/network", {
            "profile": "production", "vpc": {"cidr": "10.73.0.0/16"},
            "subnets": [{"az": EAST + z, "cidr": f"10.73.{i}.0/24"} for i, z in ((1, "a"), (2, "c"))],
            "security_groups": [{"name": "db"}]})
        group, subs = net["security_groups"][0]["id"], [s["id"] for s in net["subnets"]]
        rds.create_db_subnet_group(DBSubnetGroupName="dep", DBSubnetGroupDescription="d",
                                   SubnetIds=subs)
        out = rds.restore_db_instance_from_db_snapshot(
            DBInstanceIdentifier="t-dep", DBSnapshotIdentifier="src-pg-snap",
            DBSubnetGroupName="dep", VpcSecurityGroupIds=[group])["DBInstance"]
        self.assertEqual(out["DBSubnetGroup"]["VpcId"], net["vpc_id"])
        E.wait(lambda: rds.describe_db_instances(DBInstanceIdentifier="t-dep")["DBInstances"][0]
               ["DBInstanceStatus"], "available", timeout=120)
        msg = refused(self, "DependencyViolation", ec2.delete_security_group, GroupId=group)
        self.assertIn(group, msg)
        for s in subs:                  # through its DB subnet group
            refused(self, "DependencyViolation", ec2.delete_subnet, SubnetId=s)
        refused(self, "InvalidDBSubnetGroupStateFault", rds.delete_db_subnet_group,
                DBSubnetGroupName="dep")
        refused(self, "DependencyViolation", ec2.delete_vpc, VpcId=net["vpc_id"])
        E.admin("POST", "/timing", {"eni_release": 6})
        try:
            rds.delete_db_instance(DBInstanceIdentifier="t-dep", SkipFinalSnapshot=True)
            refused(self, "DependencyViolation", ec2.delete_security_group, GroupId=group)
            E.wait(lambda: any(i["DBInstanceIdentifier"] == "t-dep" for i in
                               rds.describe_db_instances()["DBInstances"]), False, timeout=60)
            gone = time.time()
            refused(self, "DependencyViolation", ec2.delete_subnet, SubnetId=subs[0])
            rds.delete_db_subnet_group(DBSubnetGroupName="dep")     # fine once deleted
            with self.assertRaises(CliError) as cm:
                E.aws("production", "ec2", "delete-security-group", "--group-id", group)
            self.assertEqual(cm.exception.code, "DependencyViolation")
            while True:
                try:
                    ec2.delete_security_group(GroupId=group)
                    break
                except ClientError as e:
                    self.assertEqual(e.response["Error"]["Code"], "DependencyViolation")
                    self.assertLess(time.time() - gone, 15)
                    time.sleep(0.2)
            self.assertGreater(time.time() - gone, 4.0)
        finally:
            E.admin("POST", "/timing", {"eni_release": 0})
        for s in subs:
            ec2.delete_subnet(SubnetId=s)
        ec2.delete_vpc(VpcId=net["vpc_id"])

    def test_subnet_group_that_lost_a_zone(self):
        rds, ec2 = c("rds"), c("ec2")
        net = E.admin("POST", "/seed/network", {
            "profile": "production", "vpc": {"cidr": "10.74.0.0/16"},
            "subnets": [{"az": EAST + z, "cidr": f"10.74.{i}.0/24"} for i, z in ((1, "a"), (2, "b"))]})
        subs = [s["id"] for s in net["subnets"]]
        rds.create_db_subnet_group(DBSubnetGroupName="shrunk", DBSubnetGroupDescription="d",
                                   SubnetIds=subs)
        ec2.delete_subnet(SubnetId=subs[1])
        refused(self, "InvalidVPCNetworkStateFault", rds.restore_db_instance_from_db_snapshot,
                DBInstanceIdentifier="t-shrunk", DBSnapshotIdentifier="src-pg-snap",
                DBSubnetGroupName="shrunk")
        rds.delete_db_subnet_group(DBSubnetGroupName="shrunk")

    def test_deleted_while_restoring_stays_deleted(self):
        """A cluster (and the instance added to it) deleted while the
        restore still runs never comes up later, so its subnet group and
        security group can go (a killed drill's teardown does this)."""
        rds = c("rds")
        E.admin("POST", "/timing", {"restore": 3})
        try:
            rds.restore_db_cluster_to_point_in_time(
                SourceDBClusterIdentifier="src-apg", DBClusterIdentifier="t-early",
                UseLatestRestorableTime=True, DBSubnetGroupName="other",
                VpcSecurityGroupIds=[sg("other")])
            rds.create_db_instance(DBInstanceIdentifier="t-early-1", DBClusterIdentifier="t-early",
                                   Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
            rds.delete_db_instance(DBInstanceIdentifier="t-early-1", SkipFinalSnapshot=True)
            rds.delete_db_cluster(DBClusterIdentifier="t-early", SkipFinalSnapshot=True)
            time.sleep(4)   # past the restore's end
        finally:
            E.admin("POST", "/timing", {"restore": 0.1})
        alive = [a for a in E.admin("GET", "/truth/alive")["alive"]
                 if a.get("id", "").startswith("t-early")]
        self.assertEqual(alive, [])
        servers = [s for s in E.admin("GET", "/rds/servers")["servers"]
                   if "t-early" in s.get("arn", "") and s.get("alive")]
        self.assertEqual(servers, [])


if __name__ == "__main__":
    unittest.main()
