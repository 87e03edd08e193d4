"""drh's RDS / Aurora drills end to end against the local emulator and its
real PostgreSQL and MariaDB servers: both seed paths (AWS Backup copies and
shared snapshots) for postgres, mysql, aurora-postgresql and aurora-mysql,
then the faults a drill must call correctly. Every test checks drh's exit
code, its JUnit verdicts and, from the emulator's ground truth, that nothing
of the run is left alive."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "demo"))

from drhrun import DrhRun  # noqa: E402
from emu import Emulator, require  # noqa: E402
from world import World, PROD, DR, EAST, WEST, KEY, SUBNET_GROUP, SECURITY_GROUP  # noqa: E402

from drhrun import DRH  # noqa: E402  (./drh, or the valgrind wrapper)
E = W = None
WORK = None

ENGINES = {  # engine -> (type, production identifier)
    "postgres": ("rds", "prod-pg"),
    "mysql": ("rds", "prod-my"),
    "aurora-postgresql": ("aurora", "prod-apg"),
    "aurora-mysql": ("aurora", "prod-amy"),
}


def setUpModule():
    global E, W, WORK
    require()
    WORK = tempfile.mkdtemp(prefix="drh-it-", dir=os.environ.get("DRH_EMU_TEST_TMP"))
    E = Emulator().start()
    W = World(E.state, E.endpoint)
    W.admin("POST", "/timing", {"backup": 0.3, "copy": 0.3, "restore": 0.3, "snapshot": 0.2})
    W.vaults()
    W.isolation()
    for engine, (_, ident) in ENGINES.items():
        W.database(engine, ident)
        W.backup_now(engine, ident, seconds_ago=3600)


def tearDownModule():
    E.cleanup()


def probes(engine):
    t = "public.orders" if "postgres" in engine else "orders"
    return [
        {"kind": "tables", "tables": [{"name": t, "min_rows": 1000}]},
        {"kind": "sql", "name": "customers", "query": "select count(*) from customers",
         "expect": {"op": ">=", "value": "200"}},
        {"kind": "canary"},
        {"kind": "integrity"},
    ]


def drill(name, resources, target_region=EAST, rpo="24h", rto="12h", **target_extra):
    target = {"account": DR, "region": target_region, "profile": "production",
              "role_arn": f"arn:aws:iam::{DR}:role/DrhDrillRole", "external_id": "drh-drill",
              "vault": "dr-vault", "kms_key": KEY,
              "isolation": {"db_subnet_group": SUBNET_GROUP, "security_groups": [SECURITY_GROUP]}}
    target.update(target_extra)
    d = {"drill": {"name": name, "owner": "tests"}, "objectives": {"rto": rto, "rpo": rpo},
         "source": {"account": PROD, "region": EAST, "profile": "production", "vault": "prod-vault"},
         "target": target, "resources": resources}
    path = os.path.join(WORK, name + ".json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path


def resource(engine, path="backup", name=None, **extra):
    rtype, ident = ENGINES[engine]
    r = {"name": name or f"{engine}-{path}", "type": rtype, "engine": engine, "source": ident,
         "path": path, "probes": probes(engine)}
    r.update(extra)
    return r


def Run(drill_path, run_id, **kw):
    return DrhRun(W, WORK, drill_path, run_id, evidence=True, **kw)



class SeedPaths(unittest.TestCase):
    def check_passed(self, run, names, rpo_min=3600):
        self.assertEqual(run.rc, 0, run.explain())
        cases = run.cases(by_resource=True)
        for n in names:
            for step in ("select", "restore", "available", "login", "connect", "probe tables",
                         "probe customers", "probe canary", "probe integrity", "rto", "rpo",
                         "rpo data", "teardown"):
                self.assertEqual(cases.get((n, step), ("missing",))[0], "passed",
                                 f"{n} {step}: {cases.get((n, step))}\n{run.explain()}")
            p = run.props(n)
            # RPO: T0 minus the backup's creation time (an hour-old backup; a
            # snapshot taken by the test just now)
            self.assertLess(float(p["rpo_seconds"]), rpo_min + 600)
            self.assertGreaterEqual(float(p["rpo_seconds"]), rpo_min)
            self.assertGreater(float(p["rto_seconds"]), 0)
        self.assertEqual(W.alive_of_run(run.run_id), [])

    def test_backup_path_every_engine(self):
        """AWS Backup: cross-account copies (mysql also cross-region, in two
        hops through the staging vault), restore jobs, probes, teardown."""
        path = drill("it-backup", [resource("postgres"), resource("aurora-postgresql"),
                                   resource("aurora-mysql")])
        run = Run(path, "it-backup-1")
        self.check_passed(run, ["postgres-backup", "aurora-postgresql-backup",
                                "aurora-mysql-backup"])
        ev = run.evidence_doc()
        res = {r["resource"]: r for r in ev["drills"][0]["resources"]}
        self.assertEqual(sorted(res), ["aurora-mysql-backup", "aurora-postgresql-backup",
                                       "postgres-backup"])
        for name, r in res.items():
            self.assertEqual(r["verdict"], "PASSED", r)
            self.assertEqual(r["restored_id"], run.props(name)["restored_id"])
            self.assertIn(":222222222222:", r["copy_arn"])
        path = drill("it-backup-west", [resource("mysql")], target_region=WEST,
                     staging_vault="dr-staging")
        run = Run(path, "it-backup-2")
        self.check_passed(run, ["mysql-backup"])
        self.assertIn(f":{WEST}:", run.props("mysql-backup")["copy_arn"])

    def test_snapshot_path_every_engine(self):
        """Snapshots shared by production, copied into DR with DR's key, restored."""
        for engine in ENGINES:
            W.share_snapshot(engine, ENGINES[engine][1])
        path = drill("it-snap", [resource(e, path="snapshot") for e in ENGINES])
        run = Run(path, "it-snap-1")
        self.check_passed(run, [f"{e}-snapshot" for e in ENGINES], rpo_min=0)


class Faults(unittest.TestCase):
    def tearDown(self):
        W.admin("DELETE", "/faults")

    def assert_nothing_left(self, run):
        self.assertEqual(W.alive_of_run(run.run_id), [], run.explain())

    def test_corrupt_backup_fails_the_drill(self):
        # its own database: a corrupt newest backup must not reach other tests
        W.database("postgres", "prod-corrupt")
        job = W.backup_now("postgres", "prod-corrupt")
        W.admin("POST", "/backup/corrupt", {"recovery_point_arn": job["recovery_point_arn"],
                                            "mode": "truncate_backup"})
        run = Run(drill("it-corrupt", [resource("postgres", name="corrupt", source="prod-corrupt")]),
                  "it-corrupt-1")
        self.assertEqual(run.rc, 1, run.explain())
        failed = [k[1] for k, v in run.cases(by_resource=True).items() if v[0] in ("failure", "error")]
        # the damaged dump restores short: a probe (or the restore) says so
        self.assertTrue([n for n in failed if n.startswith("probe") or n == "restore"],
                        run.explain())
        self.assert_nothing_left(run)

    def test_backup_older_than_rpo(self):
        # the newest backup of prod-amy is an hour old: an RPO of 30m is missed
        run = Run(drill("it-stale", [resource("aurora-mysql", name="stale")], rpo="30m"),
                  "it-stale-1")
        self.assertEqual(run.rc, 1, run.explain())
        status, msg = run.cases(by_resource=True)[("stale", "rpo")]
        self.assertEqual(status, "failure")
        self.assertIn("exceeds objective 30m", msg)
        self.assertEqual(run.cases(by_resource=True)[("stale", "probe tables")][0], "passed")
        self.assert_nothing_left(run)

    def test_copy_denied_by_vault_policy(self):
        # a DR vault whose access policy does not let production copy in:
        # the preflight finds it before any copy job starts
        b = W.client("dr", "backup", EAST)
        b.create_backup_vault(BackupVaultName="dr-closed", EncryptionKeyArn=KEY)
        copies = len(W.admin("GET", "/truth/calls?operation=StartCopyJob")["calls"])
        run = Run(drill("it-deny", [resource("postgres", name="denied")], vault="dr-closed"),
                  "it-deny-1")
        self.assertEqual(run.rc, 1, run.explain())
        status, msg = run.cases(by_resource=True)[("stack", "preflight dr vault policy")]
        self.assertEqual(status, "failure", msg)
        self.assertIn("does not allow backup:CopyIntoBackupVault from 111111111111", msg)
        self.assertEqual(run.cases(by_resource=True)[("denied", "stack")][0], "skipped")
        self.assertEqual(run.cases(by_resource=True)[("denied", "probe tables")][0], "skipped")
        self.assertEqual(len(W.admin("GET", "/truth/calls?operation=StartCopyJob")["calls"]),
                         copies)
        self.assert_nothing_left(run)

    def test_restore_job_fails(self):
        W.admin("POST", "/faults", {"kind": "job_fail", "job": "restore",
                                    "message": "Insufficient capacity in the subnet group"})
        run = Run(drill("it-restorefail", [resource("mysql", name="restorefail")]),
                  "it-restorefail-1")
        self.assertEqual(run.rc, 1, run.explain())
        status, msg = run.cases(by_resource=True)[("restorefail", "restore")]
        self.assertEqual(status, "failure")
        self.assertIn("Insufficient capacity", msg)
        self.assertEqual(run.cases(by_resource=True)[("restorefail", "rto")][0], "failure")
        self.assert_nothing_left(run)

    def test_throttling_storm_is_retried(self):
        for op in ("DescribeRestoreJob", "ListRecoveryPointsByBackupVault", "DescribeCopyJob"):
            W.admin("POST", "/faults", {"kind": "throttle", "service": "backup",
                                        "operation": op, "count": 2})
        W.admin("POST", "/faults", {"kind": "throttle", "service": "rds",
                                    "operation": "DescribeDBInstances", "count": 2})
        run = Run(drill("it-throttle", [resource("postgres", name="throttled")]),
                  "it-throttle-1")
        self.assertEqual(run.rc, 0, run.explain())
        calls = W.admin("GET", "/truth/calls?operation=ListRecoveryPointsByBackupVault")["calls"]
        self.assertTrue(any(c.get("error") == "ThrottlingException" for c in calls), calls[-3:])
        self.assert_nothing_left(run)

    def test_kill_during_restore_then_teardown(self):
        W.admin("POST", "/timing", {"restore": 30})
        try:
            run = Run(drill("it-kill", [resource("aurora-postgresql", name="killed")]),
                      "it-kill-1", background=True)
            deadline = time.time() + 120
            while time.time() < deadline:
                jobs = W.admin("GET", "/truth/jobs")["jobs"]
                if any(j["kind"] == "restore" and j.get("state") == "RUNNING" for j in jobs):
                    break
                time.sleep(0.2)
            else:
                self.fail("the restore job never started")
            run.proc.send_signal(signal.SIGKILL)
            run.proc.wait(10)
        finally:
            W.admin("POST", "/timing", {"restore": 0.3})
        r = subprocess.run([DRH, "teardown", "--run", "it-kill-1"], env=run.env,
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("0 left", r.stdout)
        self.assertEqual(W.alive_of_run("it-kill-1"), [])
        # nothing untagged of the run either: the restored cluster is gone
        names = [a.get("id") or a.get("arn") for a in W.alive()]
        self.assertFalse([n for n in names if n and "drh-killed-" in n], names)


if __name__ == "__main__":
    unittest.main(verbosity=2)
