"""drh's EFS drills end to end against the local emulator: a restore into a
new file system after a cross-account copy (and one that also changes
Region), a restore into an existing file system's aws-backup-restore_*
folder, the manifest probe catching a file deleted and one altered before
the backup, the canary's data-level RPO, and a run killed with SIGKILL
finished by `drh teardown --run`. The mount commands are the emulator's
fixture scripts (fixtures/demo/efs-mount, efs-unmount). Every test checks
drh's exit code, its JUnit verdicts, that the emulator's ground truth holds
nothing of the run and that the mount point is gone."""
import json
import os
import shutil
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
from world import World, PROD, DR, EAST, WEST, KEY  # noqa: E402

from drhrun import DRH  # noqa: E402  (./drh, or the valgrind wrapper)
MOUNT = os.path.join(ROOT, "fixtures", "demo", "efs-mount")
UNMOUNT = os.path.join(ROOT, "fixtures", "demo", "efs-unmount")
E = W = None
WORK = None
SUBNETS = {}   # region -> a subnet of the DR account
CANARY_AGE = 600  # the canary file was written this long before the backup

FILES = {
    "app/config.yml": "orders: enabled\n",
    "app/data/orders.csv": "id,total\n" + "".join(f"{i},{i * 1.25:.2f}\n" for i in range(1, 200)),
    "app/data/customers.csv": "id,name\n1,ada\n2,grace\n",
    "README": "restored by AWS Backup\n",
}


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def seed_fs(account=PROD, files=None, canary=True):
    """A file system in us-east-1 with FILES (and a canary written CANARY_AGE
    ago) -> (id, folder)."""
    files = dict(FILES if files is None else files)
    if canary:
        files[".drh-canary"] = iso(time.time() - CANARY_AGE) + "\nwritten by drh canary\n"
    r = W.admin("POST", "/seed/efs", {"account": account, "region": EAST, "files": files})
    return r["file_system_id"], r["path"]


def backup(fs_id, seconds_ago=0):
    body = {"profile": "production", "vault": "prod-vault",
            "resource_arn": f"arn:aws:elasticfilesystem:{EAST}:{PROD}:file-system/{fs_id}"}
    if seconds_ago:
        body["seconds_ago"] = seconds_ago
    return W.admin("POST", "/backup/now", body)


def manifest(folder, name):
    out = os.path.join(WORK, name + ".manifest.json")
    r = subprocess.run([DRH, "manifest", "--tree", folder, "--out", out], capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"drh manifest --tree: {r.returncode} {r.stdout} {r.stderr}")
    return out


def setUpModule():
    global E, W, WORK
    require()
    WORK = tempfile.mkdtemp(prefix="drh-it-efs-", dir=os.environ.get("DRH_EMU_TEST_TMP"))
    E = Emulator().start()
    W = World(E.state, E.endpoint)
    W.admin("POST", "/timing", {"backup": 0.2, "copy": 0.3, "restore": 0.3})
    W.vaults()
    for region in (EAST, WEST):
        # a VPC with a subnet and the security group the drills name (its ID is fixed)
        net = W.admin("POST", "/seed/network", {
            "profile": "dr", "region": region, "vpc": {"cidr": "10.20.0.0/16"},
            "subnets": [{"az": region + "a", "cidr": "10.20.1.0/24"}],
            "security_groups": [{"id": "sg-0123456789abcdef0", "name": "drh-efs",
                                 "ingress_cidrs": ["127.0.0.1/32"]}]})
        SUBNETS[region] = net["subnets"][0]["id"]


def tearDownModule():
    E.cleanup()
    if not os.environ.get("DRH_EMU_TEST_TMP"):  # else the secret scan reads it, then run removes it
        shutil.rmtree(WORK, ignore_errors=True)


def drill(name, resource, target_region=EAST, rpo="24h", into="new", file_system=None,
          probes=None):
    mount_point = os.path.join(WORK, "mnt", name)
    restore = {"into": into, "mount": {
        "point": mount_point, "timeout": "30s",
        "mount": f"{MOUNT} {{file_system_id}} {{mount_point}}",
        "unmount": f"{UNMOUNT} {{mount_point}}"}}
    if file_system:
        restore["file_system"] = file_system
    isolation = {"security_groups": ["sg-0123456789abcdef0"]}
    if into == "new":
        isolation["subnet"] = SUBNETS[target_region]
    d = {"drill": {"name": name, "owner": "tests"}, "objectives": {"rto": "1h", "rpo": rpo},
         "source": {"account": PROD, "region": EAST, "profile": "production",
                    "vault": "prod-vault"},
         "target": {"account": DR, "region": target_region, "profile": "production",
                    "role_arn": f"arn:aws:iam::{DR}:role/DrhDrillRole",
                    "external_id": "drh-drill", "vault": "dr-vault", "kms_key": KEY,
                    "isolation": isolation},
         "resources": [{"name": "files", "type": "efs", "source": resource, "restore": restore,
                        "probes": probes if probes is not None else [
                            {"kind": "files", "paths": ["app/config.yml", "app/data"],
                             "min_files": 4},
                            {"kind": "canary"}]}]}
    path = os.path.join(WORK, name + ".json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path, mount_point


def Run(drill_path, run_id, **kw):
    return DrhRun(W, WORK, drill_path, run_id, evidence=True, **kw)



class EfsDrills(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fs, cls.folder = seed_fs()
        cls.manifest = manifest(cls.folder, "source")
        cls.backup = backup(cls.fs, seconds_ago=3600)

    def assert_clean(self, run, mount_point):
        self.assertEqual(W.alive_of_run(run.run_id), [], run.explain())
        self.assertFalse(os.path.lexists(mount_point), f"{mount_point} is still there")

    def check_passed(self, run, steps):
        self.assertEqual(run.rc, 0, run.explain())
        cases = run.cases()
        for step in steps + ["select", "copy", "restore", "mount", "unmount", "rto", "rpo",
                             "teardown"]:
            self.assertEqual(cases.get(step, ("missing",))[0], "passed",
                             f"{step}: {cases.get(step)}\n{run.explain()}")
        p = run.props()
        self.assertGreaterEqual(float(p["rpo_seconds"]), 3600)
        self.assertLess(float(p["rpo_seconds"]), 3600 + 300)
        return cases, p

    def test_new_file_system_cross_account(self):
        """Copy into DR (another account), restore a new file system with a
        mount target, probe manifest / files / canary, data RPO from the canary."""
        path, mp = drill("efs-new", self.fs, probes=[
            {"kind": "manifest", "manifest": self.manifest},
            {"kind": "files", "paths": ["app/config.yml", "app/data"], "min_files": 4},
            {"kind": "canary"}])
        run = Run(path, "efs-new-1")
        cases, p = self.check_passed(run, ["available", "probe manifest", "probe files",
                                           "probe canary", "rpo data"])
        self.assertIn("probe manifest passed: all 5 manifest files present", run.err)
        self.assertIn(":222222222222:", p["copy_arn"])
        self.assertTrue(p["restored_id"].startswith("fs-"))
        self.assertNotEqual(p["restored_id"], self.fs)
        # data RPO: T0 minus the canary's first line (written CANARY_AGE before the seed)
        self.assertGreaterEqual(float(p["rpo_data_seconds"]), CANARY_AGE)
        self.assertLess(float(p["rpo_data_seconds"]), CANARY_AGE + 300)
        self.assert_clean(run, mp)
        fs = W.admin("GET", "/efs/" + p["restored_id"])
        self.assertEqual(fs["state"], "deleted")

    def test_new_file_system_cross_account_and_region(self):
        path, mp = drill("efs-west", self.fs, target_region=WEST)
        run = Run(path, "efs-west-1")
        _, p = self.check_passed(run, ["available", "probe files", "probe canary"])
        self.assertIn(f":{WEST}:222222222222:", p["copy_arn"])
        self.assert_clean(run, mp)

    def test_restore_into_existing_file_system(self):
        """The restore lands in aws-backup-restore_*/ of DR's test file system;
        teardown removes that folder only."""
        target_fs, target_folder = seed_fs(DR, {"keep/me.txt": "the test file system's own\n"},
                                           canary=False)
        os.makedirs(os.path.join(target_folder, "aws-backup-restore_2001-01-01T00-00-00"))
        path, mp = drill("efs-existing", self.fs, into="existing", file_system=target_fs,
                         probes=[{"kind": "manifest", "manifest": self.manifest},
                                 {"kind": "files", "paths": ["app/config.yml"], "min_files": 4}])
        run = Run(path, "efs-existing-1")
        cases, p = self.check_passed(run, ["probe manifest", "probe files"])
        self.assertNotIn("available", cases)
        self.assertEqual(sorted(os.listdir(target_folder)),
                         ["aws-backup-restore_2001-01-01T00-00-00", "keep"])
        self.assertTrue(os.path.exists(os.path.join(target_folder, "keep", "me.txt")))
        self.assertEqual(W.admin("GET", "/efs/" + target_fs)["state"], "available")
        self.assert_clean(run, mp)

    def test_manifest_catches_deleted_and_altered_files(self):
        fs, folder = seed_fs()
        m = manifest(folder, "changed")
        os.remove(os.path.join(folder, "app", "data", "customers.csv"))
        with open(os.path.join(folder, "app", "config.yml"), "w") as f:
            f.write("orders: Enabled\n")  # same size as before
        backup(fs, seconds_ago=3600)
        path, mp = drill("efs-bad", fs, probes=[{"kind": "manifest", "manifest": m},
                                                {"kind": "canary"}])
        run = Run(path, "efs-bad-1")
        self.assertEqual(run.rc, 1, run.explain())
        cases = run.cases()
        status, msg = cases["probe manifest"]
        self.assertEqual(status, "failure", run.explain())
        self.assertIn("missing 1: app/data/customers.csv", msg)
        self.assertIn("changed 1: app/config.yml (sha256 differs)", msg)
        self.assertEqual(cases["probe canary"][0], "passed")
        self.assertEqual(cases["teardown"][0], "passed")
        self.assert_clean(run, mp)

    def test_killed_run_finished_by_teardown(self):
        """SIGKILL once the file system exists; drh teardown --run deletes it
        (and its mount target) from the ledger."""
        slow = {"kind": "files", "paths": ["app"], "min_files": 1}
        path, mp = drill("efs-kill", self.fs, probes=[slow])
        W.admin("POST", "/timing", {"restore": 3})
        try:
            run = Run(path, "efs-kill-1", background=True)
            ledger = os.path.join(WORK, "state", "runs", run.run_id, "ledger.jsonl")
            deadline, restoring = time.time() + 60, False
            while time.time() < deadline and not restoring:
                restoring = any(json.loads(line).get("op") == "created"
                                and json.loads(line).get("kind") == "efs-file-system"
                                for line in (open(ledger) if os.path.exists(ledger) else []))
                time.sleep(0.1)
            time.sleep(0.5)  # the job has made the file system, untagged: it runs 3 s
            before = [a for a in W.alive() if a["service"] == "efs"]
            run.proc.send_signal(signal.SIGKILL)
            self.assertTrue(restoring, "the restore never started")
            run.proc.communicate(timeout=30)
        finally:
            W.admin("POST", "/timing", {"restore": 0.3})
        r = subprocess.run([DRH, "teardown", "--run", run.run_id], env=run.env,
                           capture_output=True, text=True, timeout=180)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("deleting efs-file-system fs-", r.stderr)
        self.assertEqual(W.alive_of_run(run.run_id), [])
        after = [a for a in W.alive() if a["service"] == "efs"]
        self.assertEqual(len(after), len(before) - 1, r.stderr)  # the restored one is gone
        subprocess.run([UNMOUNT, mp], check=False)


if __name__ == "__main__":
    unittest.main()
