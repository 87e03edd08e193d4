"""The four restore scenarios of seed 004, end to end against the local
emulator, each from its example in drills/examples/ (with the emulator's
identifiers and times filled in):

1. data corruption: an Aurora MySQL cluster restored to a point in time
   just before a corrupting change, beside production in an isolation stack
   drh builds and removes;
2. accidental deletion: files deleted from a file system come back in its
   aws-backup-restore_<timestamp>/ folder, contents intact;
3. complete disaster recovery: database, then file system, then an
   application check that uses the restored endpoint and file system id;
   a stack RTO beside each resource's;
4. the quarterly test in a separate account: posture of the backup plan,
   the stack restored into an isolated VPC drh builds there, verified, torn
   down, and the evidence an auditor asks for.

Also the preflight that fails fast (before anything is created) and the
isolation stack left by a killed run, removed by `drh teardown --run`.
Every test checks drh's exit code, its JUnit verdicts and, from the
emulator's ground truth, that nothing of the run is left alive."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "demo"))

from drhrun import DrhRun  # noqa: E402
from emu import Emulator, require  # noqa: E402
from world import World, PROD, DR, EAST, KEY, SUBNETS  # noqa: E402

from drhrun import DRH  # noqa: E402  (./drh, or the valgrind wrapper)
EXAMPLES = os.path.join(ROOT, "drills", "examples")
E = W = None
WORK = None
SITES = {
    "default/sqlconf.php": "<?php $host = 'db'; $dbase = 'openemr';\n",
    "default/documents/patient-1001.pdf": "%PDF-1.4 patient 1001\n" * 40,
    "default/documents/patient-1002.pdf": "%PDF-1.4 patient 1002\n" * 40,
    "default/images/logo.png": "PNG" * 100,
}
SITES_DELETED = ("default/documents/patient-1001.pdf", "default/documents/patient-1002.pdf")


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def example(name):
    """An example drill as JSON, for the caller to put the emulator's values in."""
    with open(os.path.join(EXAMPLES, name)) as f:
        d = json.load(f)
    d.pop("reports", None)
    for side in ("source", "target"):
        d[side]["profile"] = "production"
    return d


def write(d, name):
    path = os.path.join(WORK, name + ".json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path


def mount_cmds(d, resource, name):
    """The EFS mount fixture scripts by absolute path, a mount point under WORK."""
    m = resource["restore"]["mount"]
    m["point"] = os.path.join(WORK, "mnt", name)
    for k in ("mount", "unmount"):
        m[k] = m[k].replace("fixtures/demo/", os.path.join(ROOT, "fixtures", "demo") + "/")


def seed_fs(files):
    r = W.admin("POST", "/seed/efs", {"account": PROD, "region": EAST, "files": files})
    return r["file_system_id"], r["path"]


def efs_arn(fs_id):
    return f"arn:aws:elasticfilesystem:{EAST}:{PROD}:file-system/{fs_id}"


def backup(arn, seconds_ago=0):
    body = {"profile": "production", "vault": "prod-vault", "resource_arn": arn}
    if seconds_ago:
        body["seconds_ago"] = seconds_ago
    return W.admin("POST", "/backup/now", body)


def sql(arn, text):
    return W.admin("POST", "/rds/sql", {"arn": arn, "sql": text})


def setUpModule():
    global E, W, WORK
    require()
    WORK = tempfile.mkdtemp(prefix="drh-it-scn-", dir=os.environ.get("DRH_EMU_TEST_TMP"))
    E = Emulator().start()
    W = World(E.state, E.endpoint)
    W.admin("POST", "/timing", {"backup": 0.2, "copy": 0.3, "restore": 0.3, "snapshot": 0.2})
    W.vaults()
    W.isolation()


def tearDownModule():
    E.cleanup()
    if not os.environ.get("DRH_EMU_TEST_TMP"):  # else the secret scan reads it, then run removes it
        shutil.rmtree(WORK, ignore_errors=True)


def Run(path, run_id, **kw):
    return DrhRun(W, WORK, path, run_id, evidence=True, **kw)


class Scenarios(unittest.TestCase):
    def assert_nothing_left(self, run):
        self.assertEqual(W.alive_of_run(run.run_id), [], run.explain())

    def assert_passed(self, run, cases):
        got = run.cases(by_resource=True)
        for key in cases:
            self.assertEqual(got.get(key, ("missing",))[0], "passed",
                             f"{key}: {got.get(key)}\n{run.explain()}")

    def test_1_corruption_restored_to_point_in_time(self):
        """RestoreDBClusterToPointInTime to just before a corrupting UPDATE:
        the corruption is absent, the row written before it present."""
        W.database("aurora-mysql", "scn-orders")
        arn = W.arn("aurora-mysql", "scn-orders")
        sql(arn, "ALTER TABLE orders ADD note varchar(64)")
        sql(arn, "UPDATE orders SET note = 'before the corruption' WHERE id = 7")
        time.sleep(2.5)
        bad_at = time.time()
        sql(arn, "UPDATE orders SET note = 'corrupted' WHERE id <= 50")
        d = example("scenario1-rds-pitr-corruption.json")
        d["target"]["isolation"]["create"]["allow_from"] = "127.0.0.1/32"
        r = d["resources"][0]
        r["source"] = arn
        r["pitr"]["at"] = iso(bad_at - 1)
        run = Run(write(d, "scn1"), "scn1-1")
        self.assertEqual(run.rc, 0, run.explain())
        self.assert_passed(run, [("orders", c) for c in (
            "select", "restore", "available", "login", "probe corruption-absent",
            "probe data-before-present", "probe tables", "rto", "rpo", "teardown")] +
            [("stack", c) for c in ("isolation", "isolation teardown")])
        # the copy ran in the stack drh built, and production still holds the corruption
        self.assertIn("point in time is", run.out + run.err)
        ev = run.evidence_doc()["drills"][0]
        self.assertTrue(ev["stack"]["isolation"]["vpc_id"].startswith("vpc-"), ev["stack"])
        self.assertEqual(ev["resources"][0]["restore_time"], iso(bad_at - 1)[:-1] + ".000Z")
        rows = sql(arn, "SELECT count(*) FROM orders WHERE note = 'corrupted'")["rows"]
        self.assertEqual(rows[-1], ["50"], rows)
        self.assert_nothing_left(run)

    def test_1b_point_outside_the_window_fails(self):
        W.database("aurora-mysql", "scn-young")
        d = example("scenario1-rds-pitr-corruption.json")
        d["target"]["isolation"]["create"]["allow_from"] = "127.0.0.1/32"
        d["resources"][0]["source"] = W.arn("aurora-mysql", "scn-young")
        d["resources"][0]["pitr"]["at"] = "3d"   # long before the cluster existed
        run = Run(write(d, "scn1b"), "scn1b-1")
        self.assertEqual(run.rc, 1, run.explain())
        status, msg = run.cases(True)[("orders", "select")]
        self.assertEqual(status, "failure", msg)
        self.assertIn("restorable window", msg)
        self.assertEqual(run.cases(True)[("stack", "isolation teardown")][0], "passed")
        self.assert_nothing_left(run)

    def test_2_deleted_files_come_back_intact(self):
        fs_id, folder = seed_fs(SITES)
        manifest = os.path.join(WORK, "sites.manifest.json")
        r = subprocess.run([DRH, "manifest", "--tree", folder, "--out", manifest],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        backup(efs_arn(fs_id), seconds_ago=3600)
        for f in SITES_DELETED:
            os.remove(os.path.join(folder, f))   # the accident
        d = example("scenario2-efs-accidental-deletion.json")
        res = d["resources"][0]
        res["source"] = efs_arn(fs_id)
        res["restore"]["file_system"] = fs_id
        mount_cmds(d, res, "scn2")
        res["probes"][1]["manifest"] = manifest
        run = Run(write(d, "scn2"), "scn2-1")
        self.assertEqual(run.rc, 0, run.explain())
        self.assert_passed(run, [("sites", c) for c in (
            "select", "restore", "mount", "probe deleted-files-back", "probe contents-intact",
            "unmount", "rto", "rpo", "teardown")])
        tree = run.evidence_doc()["drills"][0]["resources"][0]["restored_tree"]
        self.assertIn("aws-backup-restore_", tree)
        # production is as the accident left it; the restore folder is gone again
        self.assertFalse(os.path.exists(os.path.join(folder, SITES_DELETED[0])))
        self.assertEqual([n for n in os.listdir(folder) if n.startswith("aws-backup-restore_")],
                         [])
        self.assert_nothing_left(run)

    def _stack_world(self, tag):
        ident = f"openemr-{tag}"
        W.database("aurora-mysql", ident)
        fs_id, _ = seed_fs(SITES)
        backup(W.arn("aurora-mysql", ident), seconds_ago=1800)
        backup(efs_arn(fs_id), seconds_ago=1800)
        return W.arn("aurora-mysql", ident), fs_id

    def _stack_drill(self, name, db_arn, fs_id, tag):
        d = example(name)
        d["target"]["kms_key"] = KEY
        db, sites, app = d["resources"]
        db["source"] = db_arn
        sites["source"] = efs_arn(fs_id)
        mount_cmds(d, sites, tag)
        cmd = app["probes"][0]["command"]
        app["probes"][0]["command"] = cmd.replace(
            "fixtures/demo/", os.path.join(ROOT, "fixtures", "demo") + "/")
        return d

    def test_3_full_stack_in_order_with_outputs(self):
        db_arn, fs_id = self._stack_world("s3")
        d = self._stack_drill("scenario3-full-stack.json", db_arn, fs_id, "scn3")
        d["target"]["isolation"]["subnet"] = SUBNETS[0][0]
        run = Run(write(d, "scn3"), "scn3-1")
        self.assertEqual(run.rc, 0, run.explain())
        self.assert_passed(run, [("db", "probe tables"), ("db", "rto"), ("db", "teardown"),
                                 ("sites", "probe files"), ("sites", "teardown"),
                                 ("app", "probe application"), ("app", "rto"),
                                 ("stack", "stack rto"), ("stack", "preflight isolation")])
        # the check's output, on its progress line: the restored database's rows
        self.assertIn("ok: orders=1000 rows", run.out + run.err)
        # in order: the file system was restored after the database passed,
        # and the database was deleted only after the application check
        at = {}
        with open(os.path.join(WORK, "state", "runs", run.run_id, "ledger.jsonl")) as f:
            for line in f:
                e = json.loads(line)
                at.setdefault((e.get("kind"), e.get("op")), e.get("at"))
        self.assertLess(at[("rds-cluster", "created")], at[("efs-file-system", "intent")], at)
        self.assertGreater(at[("rds-cluster", "gone")], at[("efs-file-system", "created")], at)
        log = run.out + run.err
        self.assertLess(log.index("probe application"), log.index("deleting rds-cluster"), log)
        stack_rto = float(run.props("stack")["stack_rto_seconds"])
        for res in ("db", "sites", "app"):
            self.assertLessEqual(float(run.props(res)["rto_seconds"]), stack_rto + 1)
        self.assert_nothing_left(run)

    def test_3b_a_failed_database_skips_what_runs_after_it(self):
        db_arn, fs_id = self._stack_world("s3b")
        d = self._stack_drill("scenario3-full-stack.json", db_arn, fs_id, "scn3b")
        d["target"]["isolation"]["subnet"] = SUBNETS[0][0]
        d["resources"][0]["probes"] = [{"kind": "sql", "query": "select count(*) from orders",
                                        "expect": {"op": "equals", "value": "5"}}]
        run = Run(write(d, "scn3b"), "scn3b-1")
        self.assertEqual(run.rc, 1, run.explain())
        cases = run.cases(True)
        self.assertEqual(cases[("db", "probe sql")][0], "failure")
        self.assertEqual(cases[("sites", "after")][0], "skipped")
        self.assertEqual(cases[("app", "after")][0], "skipped")
        self.assertEqual(cases[("stack", "stack rto")][0], "failure")
        self.assert_nothing_left(run)

    def _plan(self):
        """Seed 004's plan: daily, weekly, monthly rules copying to the DR vault."""
        dr_vault = f"arn:aws:backup:{EAST}:{DR}:backup-vault:dr-vault"
        rules = []
        for name, days in (("DailyBackups", 7), ("WeeklyBackups", 28), ("MonthlyBackups", 2555)):
            rules.append({"RuleName": name, "TargetBackupVaultName": "prod-vault",
                          "Lifecycle": {"DeleteAfterDays": days},
                          "CopyActions": [{"DestinationBackupVaultArn": dr_vault,
                                           "Lifecycle": {"DeleteAfterDays": days}}]})
        b = W.client("production", "backup", EAST)
        for p in b.list_backup_plans()["BackupPlansList"]:
            if p["BackupPlanName"] == "openemr-backup-plan":
                return p["BackupPlanId"]
        return b.create_backup_plan(BackupPlan={"BackupPlanName": "openemr-backup-plan",
                                                "Rules": rules})["BackupPlanId"]

    def test_4_quarterly_test_in_another_account(self):
        db_arn, fs_id = self._stack_world("q4")
        self._plan()
        # the copies the plan keeps in the DR vault
        dr = W.client("production", "backup", EAST)
        for arn in (db_arn, efs_arn(fs_id)):
            rp = dr.list_recovery_points_by_resource(ResourceArn=arn)["RecoveryPoints"][0]
            job = dr.start_copy_job(
                RecoveryPointArn=rp["RecoveryPointArn"], SourceBackupVaultName="prod-vault",
                DestinationBackupVaultArn=f"arn:aws:backup:{EAST}:{DR}:backup-vault:dr-vault",
                IamRoleArn=f"arn:aws:iam::{PROD}:role/service-role/AWSBackupDefaultServiceRole")
            W._wait(lambda: dr.describe_copy_job(CopyJobId=job["CopyJobId"])["CopyJob"]["State"],
                    "COMPLETED")
        d = self._stack_drill("scenario4-quarterly-test-account.json", db_arn, fs_id, "scn4")
        d["target"]["isolation"]["create"]["allow_from"] = "127.0.0.1/32"
        run = Run(write(d, "scn4"), "scn4-1")
        self.assertEqual(run.rc, 0, run.explain())
        cases = run.cases(True)
        posture = [k for k in cases if k[0] == "posture"]
        self.assertGreaterEqual(len(posture), 8, posture)
        for k in posture:
            self.assertEqual(cases[k][0], "passed", f"{k}: {cases[k]}")
        self.assert_passed(run, [("stack", "isolation"), ("stack", "isolation teardown"),
                                 ("stack", "stack rto"), ("app", "probe application")])
        # the evidence an auditor asks for
        ev = run.evidence_doc()["drills"][0]
        self.assertEqual(ev["target_account"], DR)
        self.assertEqual(ev["stack"]["verdict"], "PASSED")
        self.assertTrue(ev["stack"]["isolation"]["vpc_id"].startswith("vpc-"))
        self.assertIn("deleted", ev["stack"]["isolation_teardown"])
        self.assertTrue(ev["stack"]["preflight"], ev["stack"])
        self.assertTrue(ev["stack"]["posture"], ev["stack"])
        res = {r["resource"]: r for r in ev["resources"]}
        for name in ("db", "sites"):
            self.assertIn(":111111111111:", res[name]["recovery_point_arn"])
            self.assertIn(":222222222222:", res[name]["copy_arn"])
            self.assertIn("0 left", res[name]["teardown"])
        self.assertEqual(res["app"]["verdict"], "PASSED")
        self.assert_nothing_left(run)

    def test_preflight_fails_fast_before_anything_is_created(self):
        """A DR vault whose policy does not let production copy in: the
        preflight names it and nothing is created (no copy, no VPC)."""
        b = W.client("dr", "backup", EAST)
        b.create_backup_vault(BackupVaultName="dr-shut", EncryptionKeyArn=KEY)
        db_arn, fs_id = self._stack_world("pf")
        d = self._stack_drill("scenario4-quarterly-test-account.json", db_arn, fs_id, "scnpf")
        d.pop("posture")
        d["target"]["vault"] = "dr-shut"
        d["target"]["isolation"]["create"]["allow_from"] = "127.0.0.1/32"
        before = len(W.admin("GET", "/truth/calls")["calls"])
        run = Run(write(d, "scnpf"), "scnpf-1")
        self.assertEqual(run.rc, 1, run.explain())
        cases = run.cases(True)
        status, msg = cases[("stack", "preflight dr vault policy")]
        self.assertEqual(status, "failure", msg)
        self.assertIn("vault 'dr-shut' in 222222222222 does not allow "
                      "backup:CopyIntoBackupVault from 111111111111", msg)
        self.assertIn("docs/iam/dr-vault-policy.json", msg)
        self.assertEqual(cases[("db", "stack")][0], "skipped")
        calls = W.admin("GET", "/truth/calls")["calls"][before:]
        made = [c["operation"] for c in calls
                if c["operation"].startswith(("Create", "Start", "Restore", "Copy", "Run"))]
        self.assertEqual(made, [])
        self.assert_nothing_left(run)

    def test_killed_run_leaves_its_stack_to_teardown(self):
        """kill -9 while the database restores: drh teardown --run removes the
        restored copy and then the VPC, subnets, group and DB subnet group."""
        W.database("aurora-mysql", "scn-kill")
        W.admin("POST", "/timing", {"restore": 30})
        try:
            d = example("scenario1-rds-pitr-corruption.json")
            d["target"]["isolation"]["create"]["allow_from"] = "127.0.0.1/32"
            d["resources"][0]["source"] = W.arn("aurora-mysql", "scn-kill")
            d["resources"][0]["pitr"] = {"latest": True}
            run = Run(write(d, "scnkill"), "scnkill-1", background=True)
            deadline = time.time() + 60
            while time.time() < deadline:
                kinds = {a.get("type") for a in W.alive_of_run("scnkill-1")}
                if "cluster" in kinds and "vpc" in kinds:
                    break
                time.sleep(0.2)
            run.proc.send_signal(signal.SIGKILL)
            run.proc.wait(timeout=30)
            self.assertNotEqual(W.alive_of_run("scnkill-1"), [])
        finally:
            W.admin("POST", "/timing", {"restore": 0.3})
        try:
            r = subprocess.run([DRH, "teardown", "--run", "scnkill-1"], env=run.env,
                               capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired as e:
            self.fail(f"drh teardown did not end: {e.stdout} {e.stderr}")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(W.alive_of_run("scnkill-1"), [], r.stdout)


if __name__ == "__main__":
    unittest.main()
