"""AWS Backup + RDS on real PostgreSQL and MariaDB, driven by the AWS CLI:
backup, cross-account copy, cross-region copy, restore, rows checked; the
rules AWS enforces (vault policy, KMS sharing, Default vault, one-step
cross-account + cross-region) and injected job faults."""
import datetime
import time
import unittest

from emu import (require, Emulator, CliError, PROD, DR, BACKUP_ROLE, wait_job, vault_policy, psql, mariadb)

E = None
ROWS_SQL = ("CREATE TABLE patients(id int primary key, name text);"
            "INSERT INTO patients VALUES (1,'ann'),(2,'bob'),(3,'cy');")
EAST, WEST = "us-east-1", "us-west-2"


def setUpModule():
    global E
    require()
    E = Emulator().start()
    E.admin("POST", "/seed/rds", {"profile": "production", "engine": "aurora-postgresql",
                                  "identifier": "prod-pg", "master_username": "pgadmin",
                                  "master_password": "Pg-Secret-1", "database": "emr",
                                  "sql": ROWS_SQL})
    E.admin("POST", "/seed/rds", {"profile": "production", "engine": "mysql",
                                  "identifier": "prod-my", "master_username": "myadmin",
                                  "master_password": "My-Secret-1", "database": "emr",
                                  "sql": ROWS_SQL})
    E.aws("production", "backup", "create-backup-vault", "--backup-vault-name", "prod-vault",
          "--encryption-key-arn", "alias/drh-dr-key")
    for region in (EAST, WEST):
        E.aws("dr", "backup", "create-backup-vault", "--backup-vault-name", "dr-vault", region=region)
    E.aws("dr", "backup", "put-backup-vault-access-policy", "--backup-vault-name", "dr-vault",
          "--policy", vault_policy(PROD), region=EAST)
    E.aws("dr", "backup", "create-backup-vault", "--backup-vault-name", "no-policy", region=EAST)


def tearDownModule():
    E.cleanup()


def cluster_arn(ident, acct=PROD, region=EAST, kind="cluster"):
    return f"arn:aws:rds:{region}:{acct}:{kind}:{ident}"


def backup(resource_arn, vault="prod-vault"):
    out = E.aws("production", "backup", "start-backup-job", "--backup-vault-name", vault,
                "--resource-arn", resource_arn, "--iam-role-arn", BACKUP_ROLE.format(PROD))
    return out["BackupJobId"], out["RecoveryPointArn"]


def copy(profile, rp, source_vault, dest_vault_arn, region=EAST, account=PROD):
    out = E.aws(profile, "backup", "start-copy-job", "--recovery-point-arn", rp,
                "--source-backup-vault-name", source_vault,
                "--destination-backup-vault-arn", dest_vault_arn,
                "--iam-role-arn", BACKUP_ROLE.format(account), region=region)
    return out["CopyJobId"]


def dr_vault(region=EAST, name="dr-vault"):
    return f"arn:aws:backup:{region}:{DR}:backup-vault:{name}"


class FullDrill(unittest.TestCase):
    def run_drill(self, resource_arn, engine, restore_md, check_rows):
        job, rp = backup(resource_arn)
        self.assertEqual(wait_job(E, job)["state"], "COMPLETED")
        d = E.aws("production", "backup", "describe-backup-job", "--backup-job-id", job)
        self.assertEqual(d["State"], "COMPLETED")
        self.assertEqual(d["RecoveryPointArn"], rp)
        self.assertGreater(d["BackupSizeInBytes"], 0)
        self.assertIn("CompletionDate", d)
        # cross-account copy into the DR account (same Region)
        c1 = copy("production", rp, "prod-vault", dr_vault())
        self.assertEqual(wait_job(E, c1)["state"], "COMPLETED")
        cj = E.aws("production", "backup", "describe-copy-job", "--copy-job-id", c1)["CopyJob"]
        self.assertEqual(cj["State"], "COMPLETED")
        rp_dr = cj["DestinationRecoveryPointArn"]
        self.assertIn(f":{DR}:", rp_dr)
        # then cross-Region inside the DR account
        c2 = copy("dr", rp_dr, "dr-vault", dr_vault(WEST), region=EAST, account=DR)
        self.assertEqual(wait_job(E, c2)["state"], "COMPLETED")
        rp_west = E.aws("dr", "backup", "describe-copy-job", "--copy-job-id", c2,
                        region=EAST)["CopyJob"]["DestinationRecoveryPointArn"]
        self.assertIn(f":{WEST}:{DR}:", rp_west)
        points = E.aws("dr", "backup", "list-recovery-points-by-backup-vault",
                       "--backup-vault-name", "dr-vault", region=WEST)["RecoveryPoints"]
        self.assertIn(rp_west, [p["RecoveryPointArn"] for p in points])
        md = E.aws("dr", "backup", "get-recovery-point-restore-metadata", "--backup-vault-name",
                   "dr-vault", "--recovery-point-arn", rp_west, region=WEST)["RestoreMetadata"]
        self.assertEqual(md["Engine"], engine)
        md.update(restore_md)
        r = E.aws("dr", "backup", "start-restore-job", "--recovery-point-arn", rp_west,
                  "--iam-role-arn", BACKUP_ROLE.format(DR), "--metadata",
                  ",".join(f"{k}={v}" for k, v in restore_md.items()), region=WEST)["RestoreJobId"]
        self.assertEqual(wait_job(E, r)["state"], "COMPLETED")
        rj = E.aws("dr", "backup", "describe-restore-job", "--restore-job-id", r, region=WEST)
        self.assertEqual(rj["Status"], "COMPLETED")
        self.assertTrue(rj["CreatedResourceArn"].startswith(f"arn:aws:rds:{WEST}:{DR}:"))
        check_rows(rj["CreatedResourceArn"])

    def test_aurora_postgresql(self):
        def check(created):
            ident = created.rsplit(":", 1)[1]
            c = E.aws("dr", "rds", "describe-db-clusters", "--db-cluster-identifier", ident,
                      region=WEST)["DBClusters"][0]
            self.assertEqual(c["Status"], "available")
            self.assertEqual(c["MasterUsername"], "pgadmin")
            E.aws("dr", "rds", "create-db-instance", "--db-instance-identifier", ident + "-1",
                  "--db-cluster-identifier", ident, "--engine", "aurora-postgresql",
                  "--db-instance-class", "db.r6g.large", region=WEST)
            E.wait(lambda: E.aws("dr", "rds", "describe-db-instances", "--db-instance-identifier",
                                 ident + "-1", region=WEST)["DBInstances"][0]["DBInstanceStatus"],
                   "available", every=0.1)
            inst = E.aws("dr", "rds", "describe-db-instances", "--db-instance-identifier",
                         ident + "-1", region=WEST)["DBInstances"][0]
            port = inst["Endpoint"]["Port"]
            self.assertEqual(port, c["Port"])
            rows = psql(port, "pgadmin", "Pg-Secret-1", "emr", "SELECT id, name FROM patients ORDER BY id")
            self.assertEqual(rows, [["1", "ann"], ["2", "bob"], ["3", "cy"]])
            with self.assertRaises(RuntimeError):
                psql(port, "pgadmin", "wrong-password", "emr", "SELECT 1")
            # teardown: instance, then cluster; the server process goes away
            with self.assertRaises(CliError) as cm:
                E.aws("dr", "rds", "delete-db-cluster", "--db-cluster-identifier", ident,
                      "--skip-final-snapshot", region=WEST)
            self.assertEqual(cm.exception.code, "InvalidDBClusterStateFault")
            E.aws("dr", "rds", "delete-db-instance", "--db-instance-identifier", ident + "-1",
                  "--skip-final-snapshot", region=WEST)
            E.wait(lambda: [s for s in E.admin("GET", "/truth/alive")["alive"]
                            if s["arn"].endswith(":db:" + ident + "-1")], [[]], every=0.1)
            E.aws("dr", "rds", "delete-db-cluster", "--db-cluster-identifier", ident,
                  "--skip-final-snapshot", region=WEST)
            E.wait(lambda: [s["alive"] for s in E.admin("GET", "/rds/servers")["servers"]
                            if s["arn"] == created], [[False], []], every=0.1)
        self.run_drill(cluster_arn("prod-pg"), "aurora-postgresql",
                       {"DBClusterIdentifier": "drill-pg", "Engine": "aurora-postgresql"}, check)

    def test_mysql_instance_on_mariadb(self):
        def check(created):
            ident = created.rsplit(":", 1)[1]
            inst = E.aws("dr", "rds", "describe-db-instances", "--db-instance-identifier", ident,
                         region=WEST)["DBInstances"][0]
            self.assertEqual(inst["DBInstanceStatus"], "available")
            rows = mariadb(inst["Endpoint"]["Port"], "myadmin", "My-Secret-1", "emr",
                           "SELECT id, name FROM patients ORDER BY id")
            self.assertEqual(rows, [["1", "ann"], ["2", "bob"], ["3", "cy"]])
        self.run_drill(cluster_arn("prod-my", kind="db"), "mysql",
                       {"DBInstanceIdentifier": "drill-my", "DBInstanceClass": "db.t3.medium"}, check)


class CopyRules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        job, cls.rp = backup(cluster_arn("prod-pg"))
        assert wait_job(E, job)["state"] == "COMPLETED"

    def failed_copy(self, dest, profile="production", vault="prod-vault", rp=None):
        c = copy(profile, rp or self.rp, vault, dest)
        j = wait_job(E, c)
        self.assertEqual(j["state"], "FAILED")
        cj = E.aws(profile, "backup", "describe-copy-job", "--copy-job-id", c)["CopyJob"]
        self.assertEqual(cj["State"], "FAILED")
        self.assertNotIn("DestinationRecoveryPointArn", cj)
        return cj["StatusMessage"]

    def test_vault_without_policy(self):
        self.assertIn("CopyIntoBackupVault", self.failed_copy(dr_vault(name="no-policy")))

    def test_default_vault_refused(self):
        E.aws("dr", "backup", "list-backup-vaults", region=EAST)
        self.assertIn("Default", self.failed_copy(dr_vault(name="Default")))

    def test_one_step_cross_account_and_region_refused_for_aurora(self):
        self.assertIn("cross-Region and cross-account", self.failed_copy(dr_vault(WEST)))

    def test_denying_policy_fault(self):
        E.aws("dr", "backup", "create-backup-vault", "--backup-vault-name", "deny-me", region=EAST)
        E.aws("dr", "backup", "put-backup-vault-access-policy", "--backup-vault-name", "deny-me",
              "--policy", vault_policy(PROD), region=EAST)
        E.admin("POST", "/backup/deny-vault-policy", {"profile": "dr", "region": EAST, "vault": "deny-me"})
        self.assertIn("CopyIntoBackupVault", self.failed_copy(dr_vault(name="deny-me")))

    def test_aws_managed_key_cannot_be_copied_across_accounts(self):
        E.admin("POST", "/seed/rds", {"profile": "production", "engine": "aurora-postgresql",
                                      "identifier": "managed-key-db", "master_password": "x-123456",
                                      "kms_key": "alias/aws/rds"})
        job, rp = backup(cluster_arn("managed-key-db"))
        self.assertEqual(wait_job(E, job)["state"], "COMPLETED")
        self.assertIn("AWS managed key", self.failed_copy(dr_vault(), rp=rp))

    def test_key_not_shared_fault(self):
        key = E.admin("POST", "/kms/keys", {"profile": "production", "alias": "to-unshare",
                                            "shared_with": [DR]})["arn"]
        E.admin("POST", "/seed/rds", {"profile": "production", "engine": "aurora-postgresql",
                                      "identifier": "unshared-key-db", "master_password": "x-123456",
                                      "kms_key": "alias/to-unshare"})
        job, rp = backup(cluster_arn("unshared-key-db"))
        self.assertEqual(wait_job(E, job)["state"], "COMPLETED")
        d = E.aws("dr", "kms", "describe-key", "--key-id", key, region=EAST)["KeyMetadata"]
        self.assertEqual(d["KeyManager"], "CUSTOMER")
        E.admin("POST", "/kms/unshare", {"key": key})
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "kms", "describe-key", "--key-id", key, region=EAST)
        self.assertEqual(cm.exception.code, "AccessDeniedException")
        self.assertIn("cannot use", self.failed_copy(dr_vault(), rp=rp))


class JobFaults(unittest.TestCase):
    def test_backup_job_fails_with_message(self):
        E.admin("POST", "/faults", {"kind": "job_fail", "job": "backup",
                                    "message": "Insufficient privileges to perform the backup"})
        job, _ = backup(cluster_arn("prod-my", kind="db"))
        self.assertEqual(wait_job(E, job)["state"], "FAILED")
        d = E.aws("production", "backup", "describe-backup-job", "--backup-job-id", job)
        self.assertEqual(d["State"], "FAILED")
        self.assertEqual(d["StatusMessage"], "Insufficient privileges to perform the backup")
        self.assertNotIn("RecoveryPointArn", d)

    def test_backup_job_partial_keeps_its_recovery_point(self):
        with self.assertRaises(Exception):
            E.admin("POST", "/faults", {"kind": "job_partial", "job": "restore"})
        E.admin("POST", "/faults", {"kind": "job_partial", "job": "backup",
                                    "message": "1 of 2 volumes were not backed up"})
        job, _ = backup(cluster_arn("prod-my", kind="db"))
        self.assertEqual(wait_job(E, job)["state"], "PARTIAL")
        d = E.aws("production", "backup", "describe-backup-job", "--backup-job-id", job)
        self.assertEqual(d["State"], "PARTIAL")
        self.assertEqual(d["StatusMessage"], "1 of 2 volumes were not backed up")
        self.assertIn("RecoveryPointArn", d)

    def test_job_that_never_finishes_can_be_stopped(self):
        E.admin("POST", "/timing", {"backup": 0.2})
        E.admin("POST", "/faults", {"kind": "job_hang", "job": "backup"})
        job, _ = backup(cluster_arn("prod-my", kind="db"))
        time.sleep(1.0)
        d = E.aws("production", "backup", "describe-backup-job", "--backup-job-id", job)
        self.assertEqual(d["State"], "RUNNING")
        E.aws("production", "backup", "stop-backup-job", "--backup-job-id", job)
        d = E.aws("production", "backup", "describe-backup-job", "--backup-job-id", job)
        self.assertEqual(d["State"], "ABORTED")
        E.admin("POST", "/timing", {"backup": 0.5})

    def test_slow_jobs_take_the_time_set(self):
        E.admin("POST", "/timing", {"backup": 2.0})
        try:
            job, _ = backup(cluster_arn("prod-my", kind="db"))
            t = wait_job(E, job)
            started = datetime.datetime.fromisoformat(t["started"])
            finished = datetime.datetime.fromisoformat(t["finished"])
            self.assertGreaterEqual((finished - started).total_seconds(), 1.9)
        finally:
            E.admin("POST", "/timing", {"backup": 0.5})

    def test_backdated_recovery_point(self):
        out = E.admin("POST", "/backup/now", {"profile": "production", "vault": "prod-vault",
                                              "resource_arn": cluster_arn("prod-my", kind="db"),
                                              "seconds_ago": 7200})
        self.assertEqual(out["state"], "COMPLETED")
        rp = E.aws("production", "backup", "describe-recovery-point", "--backup-vault-name",
                   "prod-vault", "--recovery-point-arn", out["recovery_point_arn"])
        created = datetime.datetime.fromisoformat(rp["CreationDate"])
        age = (datetime.datetime.now(datetime.timezone.utc) - created).total_seconds()
        self.assertTrue(7100 < age < 7400, age)
        truth = [j for j in E.admin("GET", "/truth/jobs")["jobs"] if j["id"] == out["backup_job_id"]][0]
        real = datetime.datetime.fromisoformat(truth["started"])
        self.assertLess((datetime.datetime.now(datetime.timezone.utc) - real).total_seconds(), 120)

    def test_truncated_backup_restores_fewer_rows(self):
        E.admin("POST", "/seed/rds", {"profile": "production", "engine": "postgres",
                                      "identifier": "big-pg", "master_username": "pgadmin",
                                      "master_password": "Pg-Secret-1", "database": "emr",
                                      "sql": "CREATE TABLE t(id int primary key, pad text);"
                                             "INSERT INTO t SELECT g, repeat('x', 200) "
                                             "FROM generate_series(1, 2000) g;"})
        E.admin("POST", "/faults", {"kind": "truncate_backup",
                                    "resource": cluster_arn("big-pg", kind="db")})
        job, rp = backup(cluster_arn("big-pg", kind="db"))
        self.assertEqual(wait_job(E, job)["state"], "COMPLETED")
        r = E.aws("production", "backup", "start-restore-job", "--recovery-point-arn", rp,
                  "--iam-role-arn", BACKUP_ROLE.format(PROD), "--metadata",
                  "DBInstanceIdentifier=big-restored")["RestoreJobId"]
        self.assertEqual(wait_job(E, r)["state"], "COMPLETED")
        inst = E.aws("production", "rds", "describe-db-instances", "--db-instance-identifier",
                     "big-restored")["DBInstances"][0]
        try:
            n = int(psql(inst["Endpoint"]["Port"], "pgadmin", "Pg-Secret-1", "emr",
                         "SELECT count(*) FROM t")[0][0])
        except RuntimeError:
            n = 0
        self.assertLess(n, 2000)


class Plans(unittest.TestCase):
    def test_plan_with_copy_action_runs_on_demand(self):
        plan = {"BackupPlanName": "daily", "Rules": [{
            "RuleName": "daily", "TargetBackupVaultName": "prod-vault",
            "ScheduleExpression": "cron(0 5 ? * * *)", "Lifecycle": {"DeleteAfterDays": 7},
            "CopyActions": [{"DestinationBackupVaultArn": dr_vault(),
                             "Lifecycle": {"DeleteAfterDays": 30}}]}]}
        import json
        pid = E.aws("production", "backup", "create-backup-plan", "--backup-plan",
                    json.dumps(plan))["BackupPlanId"]
        got = E.aws("production", "backup", "get-backup-plan", "--backup-plan-id", pid)
        self.assertEqual(got["BackupPlan"]["Rules"][0]["Lifecycle"]["DeleteAfterDays"], 7)
        E.aws("production", "backup", "create-backup-selection", "--backup-plan-id", pid,
              "--backup-selection", json.dumps({"SelectionName": "emr", "IamRoleArn":
                                                BACKUP_ROLE.format(PROD),
                                                "Resources": [cluster_arn("prod-my", kind="db")]}))
        sels = E.aws("production", "backup", "list-backup-selections", "--backup-plan-id", pid)
        self.assertEqual(len(sels["BackupSelectionsList"]), 1)
        self.assertIn(pid, [p["BackupPlanId"] for p in
                            E.aws("production", "backup", "list-backup-plans")["BackupPlansList"]])
        ran = E.admin("POST", "/backup/plans/run", {"plan_id": pid, "wait": True})["jobs"]
        self.assertEqual(len(ran), 1)
        self.assertEqual(ran[0]["state"], "COMPLETED")
        self.assertEqual(len(ran[0]["copy_job_ids"]), 1)
        cj = E.aws("production", "backup", "describe-copy-job", "--copy-job-id",
                   ran[0]["copy_job_ids"][0])["CopyJob"]
        self.assertEqual(cj["State"], "COMPLETED")
        rp = E.aws("dr", "backup", "describe-recovery-point", "--backup-vault-name", "dr-vault",
                   "--recovery-point-arn", cj["DestinationRecoveryPointArn"], region=EAST)
        self.assertEqual(rp["Lifecycle"]["DeleteAfterDays"], 30)
        self.assertIn("DeleteAt", rp["CalculatedLifecycle"])
        # retention applies when the lifecycle runs
        later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=31)).isoformat()
        gone = E.admin("POST", "/backup/expire", {"at": later})["deleted"]
        self.assertIn(cj["DestinationRecoveryPointArn"], gone)


if __name__ == "__main__":
    unittest.main()
