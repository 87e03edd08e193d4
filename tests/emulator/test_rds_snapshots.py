"""RDS snapshots with the AWS CLI: share with the DR account, copy it there
with a KMS key, copy across Regions, restore into a new real server; the
missing-share fault; point-in-time restore; subnet groups and tags."""
import datetime
import time
import unittest

from emu import require, Emulator, CliError, PROD, DR, psql

E = None
EAST, WEST = "us-east-1", "us-west-2"


def setUpModule():
    global E
    require()
    E = Emulator().start()
    E.admin("POST", "/seed/rds", {"profile": "production", "engine": "postgres",
                                  "identifier": "emr-db", "master_username": "pgadmin",
                                  "master_password": "Pg-Secret-1", "database": "emr",
                                  "sql": "CREATE TABLE visits(id int primary key, at text);"
                                         "INSERT INTO visits VALUES (1, 'first');"})


def tearDownModule():
    E.cleanup()


def snap_status(profile, ident, region=EAST):
    return E.aws(profile, "rds", "describe-db-snapshots", "--db-snapshot-identifier", ident,
                 region=region)["DBSnapshots"][0]["Status"]


class SnapshotSharing(unittest.TestCase):
    def test_share_copy_cross_region_restore(self):
        E.aws("production", "rds", "create-db-snapshot", "--db-instance-identifier", "emr-db",
              "--db-snapshot-identifier", "emr-manual")
        E.wait(lambda: snap_status("production", "emr-manual"), "available", every=0.1)
        arn = f"arn:aws:rds:{EAST}:{PROD}:snapshot:emr-manual"
        # not shared yet: the DR account cannot see it
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "rds", "copy-db-snapshot", "--source-db-snapshot-identifier", arn,
                  "--target-db-snapshot-identifier", "emr-copy", "--kms-key-id", "alias/drh-dr-key",
                  region=EAST)
        self.assertEqual(cm.exception.code, "DBSnapshotNotFound")
        E.aws("production", "rds", "modify-db-snapshot-attribute", "--db-snapshot-identifier",
              "emr-manual", "--attribute-name", "restore", "--values-to-add", DR)
        attrs = E.aws("production", "rds", "describe-db-snapshot-attributes",
                      "--db-snapshot-identifier", "emr-manual")["DBSnapshotAttributesResult"]
        self.assertEqual(attrs["DBSnapshotAttributes"][0]["AttributeValues"], [DR])
        shared = E.aws("dr", "rds", "describe-db-snapshots", "--include-shared",
                       "--snapshot-type", "shared", region=EAST)["DBSnapshots"]
        self.assertEqual([s["DBSnapshotArn"] for s in shared], [arn])
        # an encrypted cross-account copy needs a KMS key
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "rds", "copy-db-snapshot", "--source-db-snapshot-identifier", arn,
                  "--target-db-snapshot-identifier", "emr-copy", region=EAST)
        self.assertEqual(cm.exception.code, "InvalidParameterValue")
        E.aws("dr", "rds", "copy-db-snapshot", "--source-db-snapshot-identifier", arn,
              "--target-db-snapshot-identifier", "emr-copy", "--kms-key-id", "alias/drh-dr-key",
              region=EAST)
        E.wait(lambda: snap_status("dr", "emr-copy"), "available", every=0.1)
        # across Regions, in the DR account
        E.aws("dr", "rds", "copy-db-snapshot", "--source-db-snapshot-identifier",
              f"arn:aws:rds:{EAST}:{DR}:snapshot:emr-copy", "--target-db-snapshot-identifier",
              "emr-west", "--kms-key-id", "alias/drh-dr-key", "--source-region", EAST, region=WEST)
        E.wait(lambda: snap_status("dr", "emr-west", WEST), "available", every=0.1)
        west = E.aws("dr", "rds", "describe-db-snapshots", "--db-snapshot-identifier", "emr-west",
                     region=WEST)["DBSnapshots"][0]
        self.assertTrue(west["KmsKeyId"].startswith(f"arn:aws:kms:{WEST}:{DR}:"))
        self.assertEqual(west["SourceRegion"], EAST)
        E.aws("dr", "rds", "restore-db-instance-from-db-snapshot", "--db-instance-identifier",
              "emr-drill", "--db-snapshot-identifier", "emr-west", "--tags",
              "Key=drh:run-id,Value=r1", region=WEST)
        E.wait(lambda: E.aws("dr", "rds", "describe-db-instances", "--db-instance-identifier",
                             "emr-drill", region=WEST)["DBInstances"][0]["DBInstanceStatus"],
               "available", every=0.1)
        inst = E.aws("dr", "rds", "describe-db-instances", "--db-instance-identifier", "emr-drill",
                     region=WEST)["DBInstances"][0]
        self.assertEqual(inst["TagList"], [{"Key": "drh:run-id", "Value": "r1"}])
        self.assertEqual(psql(inst["Endpoint"]["Port"], "pgadmin", "Pg-Secret-1", "emr",
                              "SELECT at FROM visits WHERE id = 1"), [["first"]])
        # a new master password takes effect on the real server
        E.aws("dr", "rds", "modify-db-instance", "--db-instance-identifier", "emr-drill",
              "--master-user-password", "New-Secret-2", "--apply-immediately", region=WEST)
        self.assertEqual(psql(inst["Endpoint"]["Port"], "pgadmin", "New-Secret-2", "emr",
                              "SELECT at FROM visits WHERE id = 1"), [["first"]])
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "rds", "delete-db-instance", "--db-instance-identifier", "emr-drill",
                  region=WEST)
        self.assertEqual(cm.exception.code, "InvalidParameterCombination")
        E.aws("dr", "rds", "delete-db-instance", "--db-instance-identifier", "emr-drill",
              "--skip-final-snapshot", region=WEST)
        E.wait(lambda: [s["alive"] for s in E.admin("GET", "/rds/servers")["servers"]
                        if s["arn"].endswith(":db:emr-drill")], [[], [False]], every=0.1)
        E.aws("dr", "rds", "delete-db-snapshot", "--db-snapshot-identifier", "emr-west", region=WEST)
        with self.assertRaises(CliError):
            snap_status("dr", "emr-west", WEST)

    def test_missing_share_fault(self):
        E.aws("production", "rds", "create-db-snapshot", "--db-instance-identifier", "emr-db",
              "--db-snapshot-identifier", "emr-unshared")
        E.wait(lambda: snap_status("production", "emr-unshared"), "available", every=0.1)
        E.admin("POST", "/faults", {"kind": "missing_share", "service": "rds"})
        E.aws("production", "rds", "modify-db-snapshot-attribute", "--db-snapshot-identifier",
              "emr-unshared", "--attribute-name", "restore", "--values-to-add", DR)
        shared = E.aws("dr", "rds", "describe-db-snapshots", "--include-shared",
                       "--snapshot-type", "shared", region=EAST)["DBSnapshots"]
        self.assertNotIn("emr-unshared", [s["DBSnapshotArn"].rsplit(":", 1)[1] for s in shared])

    def test_default_key_snapshots_cannot_be_shared(self):
        E.admin("POST", "/seed/rds", {"profile": "production", "engine": "postgres",
                                      "identifier": "default-key-db", "master_password": "x-1234567",
                                      "kms_key": "alias/aws/rds"})
        E.aws("production", "rds", "create-db-snapshot", "--db-instance-identifier",
              "default-key-db", "--db-snapshot-identifier", "dk")
        E.wait(lambda: snap_status("production", "dk"), "available", every=0.1)
        with self.assertRaises(CliError) as cm:
            E.aws("production", "rds", "modify-db-snapshot-attribute", "--db-snapshot-identifier",
                  "dk", "--attribute-name", "restore", "--values-to-add", DR)
        self.assertEqual(cm.exception.code, "InvalidParameterValue")


class PointInTime(unittest.TestCase):
    def test_restore_to_a_past_moment(self):
        arn = f"arn:aws:rds:{EAST}:{PROD}:db:emr-db"
        E.admin("POST", "/rds/sql", {"arn": arn, "sql": "INSERT INTO visits VALUES (2, 'second')"})
        time.sleep(1.1)
        moment = datetime.datetime.now(datetime.timezone.utc)
        time.sleep(1.1)
        E.admin("POST", "/rds/sql", {"arn": arn, "sql": "INSERT INTO visits VALUES (3, 'third')"})
        db = E.aws("production", "rds", "describe-db-instances", "--db-instance-identifier",
                   "emr-db")["DBInstances"][0]
        self.assertIn("LatestRestorableTime", db)
        E.aws("production", "rds", "restore-db-instance-to-point-in-time",
              "--source-db-instance-identifier", "emr-db", "--target-db-instance-identifier",
              "emr-pitr", "--restore-time", moment.isoformat())
        E.wait(lambda: E.aws("production", "rds", "describe-db-instances",
                             "--db-instance-identifier", "emr-pitr")["DBInstances"][0]
               ["DBInstanceStatus"], "available", every=0.1)
        port = E.aws("production", "rds", "describe-db-instances", "--db-instance-identifier",
                     "emr-pitr")["DBInstances"][0]["Endpoint"]["Port"]
        rows = psql(port, "pgadmin", "Pg-Secret-1", "emr", "SELECT id FROM visits ORDER BY id")
        self.assertEqual(rows, [["1"], ["2"]])
        with self.assertRaises(CliError) as cm:
            E.aws("production", "rds", "restore-db-instance-to-point-in-time",
                  "--source-db-instance-identifier", "emr-db", "--target-db-instance-identifier",
                  "emr-future", "--restore-time",
                  (moment + datetime.timedelta(days=1)).isoformat())
        self.assertEqual(cm.exception.code, "InvalidRestoreFault")


class SubnetGroupsAndTags(unittest.TestCase):
    def test_subnet_group_lifecycle(self):
        vpc = E.aws("dr", "ec2", "create-vpc", "--cidr-block", "10.9.0.0/16")["Vpc"]["VpcId"]
        subs = [E.aws("dr", "ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", f"10.9.{i}.0/24",
                      "--availability-zone", f"us-west-2{z}")["Subnet"]["SubnetId"]
                for i, z in ((1, "a"), (2, "b"))]
        g = E.aws("dr", "rds", "create-db-subnet-group", "--db-subnet-group-name", "drill-sg",
                  "--db-subnet-group-description", "drill", "--subnet-ids", *subs)["DBSubnetGroup"]
        self.assertEqual(g["VpcId"], vpc)
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "rds", "create-db-subnet-group", "--db-subnet-group-name", "drill-sg",
                  "--db-subnet-group-description", "drill", "--subnet-ids", *subs)
        self.assertEqual(cm.exception.code, "DBSubnetGroupAlreadyExists")
        E.aws("dr", "rds", "add-tags-to-resource", "--resource-name", g["DBSubnetGroupArn"],
              "--tags", "Key=drh:drill,Value=emr")
        tags = E.aws("dr", "rds", "list-tags-for-resource", "--resource-name",
                     g["DBSubnetGroupArn"])["TagList"]
        self.assertEqual(tags, [{"Key": "drh:drill", "Value": "emr"}])
        E.aws("dr", "rds", "delete-db-subnet-group", "--db-subnet-group-name", "drill-sg")
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "rds", "describe-db-subnet-groups", "--db-subnet-group-name", "drill-sg")
        self.assertEqual(cm.exception.code, "DBSubnetGroupNotFoundFault")


if __name__ == "__main__":
    unittest.main()
