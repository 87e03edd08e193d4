"""drh sweep end to end against the local emulator: a drill run killed with
SIGKILL mid-run (its restored database, recovery point copy and isolated
stack left behind, its ledger not ended) is kept while the run is within
its time and swept once it has expired; a dry run lists and deletes
nothing. Around it, things sweep must judge too: another run's VPC still in
progress (kept), an untagged VPC and the production database (never
touched), an expired run another runner made (no ledger here: swept through
a ledger sweep starts) and a run of unknown age (kept, unless
--older-than). Ground truth is the emulator's /_emulator/truth/alive."""
import calendar
import json
import os
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

from drhrun import DRH, DrhRun  # noqa: E402
from emu import Emulator, require  # noqa: E402
from world import World, PROD, DR, EAST, KEY, SUBNET_GROUP  # noqa: E402

RUN_ID = "sweep-killed-1"
E = W = None
WORK = PATH = None
RUN = None
X = {}  # the things around the run, by role


def drill_file():
    d = {"drill": {"name": "sweep-it", "owner": "tests"},
         "objectives": {"rto": "1h", "rpo": "24h"},
         # expires = start + 20s + 10s: the test waits that out
         "timeouts": {"drill": "20s", "teardown": "10s"},
         "source": {"account": PROD, "region": EAST, "profile": "production",
                    "vault": "prod-vault"},
         "target": {"account": DR, "region": EAST, "profile": "production",
                    "role_arn": f"arn:aws:iam::{DR}:role/DrhDrillRole",
                    "external_id": "drh-drill", "vault": "dr-vault", "kms_key": KEY,
                    "isolation": {"create": {"allow_from": "127.0.0.1/32"}}},
         "resources": [
             {"name": "db", "type": "rds", "engine": "postgres", "source": "sweep-pg",
              "probes": [{"kind": "tables", "tables": [{"name": "public.orders",
                                                        "min_rows": 1}]}]},
             # holds the run (and the database's held teardown) until it is killed
             {"name": "hold", "type": "check", "after": ["db"],
              "probes": [{"kind": "command", "command": "sleep 40 >/dev/null 2>&1"}]}]}
    path = os.path.join(WORK, "sweep-it.json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def tags(run_id, expires=None):
    t = [{"Key": "drh:run-id", "Value": run_id}, {"Key": "drh:drill", "Value": "sweep-it"}]
    if expires:
        t.append({"Key": "drh:expires", "Value": expires})
    return t


def vpc(cidr, tag_list=None):
    spec = [{"ResourceType": "vpc", "Tags": tag_list}] if tag_list else []
    return W.client("dr", "ec2", EAST).create_vpc(
        CidrBlock=cidr, TagSpecifications=spec)["Vpc"]["VpcId"]


def setUpModule():
    global E, W, WORK, PATH, RUN
    require()
    WORK = tempfile.mkdtemp(prefix="drh-it-sweep-", dir=os.environ.get("DRH_EMU_TEST_TMP"))
    os.chmod(WORK, 0o711)
    E = Emulator().start()
    W = World(E.state, E.endpoint)
    W.admin("POST", "/timing", {"backup": 0.2, "copy": 0.2, "restore": 0.2, "snapshot": 0.2})
    W.vaults()
    W.isolation()
    W.database("postgres", "sweep-pg")
    W.backup_now("postgres", "sweep-pg", seconds_ago=600)
    X["other"] = vpc("10.31.0.0/16", tags("sweep-other-1", iso(time.time() + 3600)))
    X["untagged"] = vpc("10.32.0.0/16")
    X["foreign"] = vpc("10.33.0.0/16", tags("sweep-foreign-1", "2020-01-01T00:00:00Z"))
    s3 = W.client("dr", "s3", EAST)
    X["bucket"] = "drh-sweep-unknown-age"
    s3.create_bucket(Bucket=X["bucket"])
    s3.put_bucket_tagging(Bucket=X["bucket"], Tagging={"TagSet": tags("sweep-unknown-1")})
    PATH = drill_file()
    RUN = DrhRun(W, WORK, PATH, RUN_ID, background=True)
    deadline = time.time() + 45
    while time.time() < deadline:
        kinds = {a.get("type") for a in W.alive_of_run(RUN_ID)}
        if {"instance", "vpc", "recovery-point", "subnet-group"} <= kinds:
            break
        time.sleep(0.2)
    RUN.proc.send_signal(signal.SIGKILL)
    RUN.out = RUN.proc.communicate(timeout=30)[0]
    RUN.save_output()


def tearDownModule():
    E.cleanup()


def sweep(*args):
    r = subprocess.run([DRH, "sweep", PATH] + list(args), env=RUN.env, capture_output=True,
                       text=True, timeout=120)
    base = os.path.join(WORK, "sweep-%d" % int(time.time() * 1000))
    for ext, text in ((".stdout", r.stdout), (".stderr", r.stderr)):
        with open(base + ext, "w") as f:
            f.write(text)
    return r


def alive_ids():
    return {(a["type"], a["id"]) for a in W.alive()}


def ledger(run_id):
    path = os.path.join(WORK, "state", "runs", run_id, "ledger.jsonl")
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ended(run_id):
    return [e["how"] for e in ledger(run_id) if e["op"] == "ended"]


class Sweep(unittest.TestCase):
    def test_1_run_in_progress_is_kept(self):
        """(a) killed, not ended, within its time: listed as kept, nothing of
        it deleted; an expired run of another runner goes meanwhile."""
        left = W.alive_of_run(RUN_ID)
        kinds = sorted(a["type"] for a in left)
        self.assertEqual(kinds, ["instance", "recovery-point", "security-group", "subnet",
                                 "subnet", "subnet-group", "vpc"], RUN.out[-2000:])
        self.assertEqual(ended(RUN_ID), [])
        r = sweep("--dry-run")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"run {RUN_ID} (drill sweep-it): kept: run {RUN_ID} is in progress "
                      f"until ", r.stdout)
        for a in left:
            self.assertIn(a["id"] if a["type"] != "recovery-point" else a["arn"], r.stdout)
        self.assertIn("kept: unknown age", r.stdout)
        r = sweep()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("8 kept (in progress)", r.stdout)  # and the other run's VPC
        self.assertEqual(sorted(a["id"] for a in W.alive_of_run(RUN_ID)),
                         sorted(a["id"] for a in left))
        self.assertEqual(ended(RUN_ID), [])
        # the other runner's expired run: a ledger started here, ended by sweep
        self.assertNotIn(("vpc", X["foreign"]), alive_ids(), r.stdout + r.stderr)
        self.assertIn("sweep of run sweep-foreign-1 (drill sweep-it, expired at "
                      "2020-01-01T00:00:00Z): 1 deleted, 0 left", r.stdout)
        self.assertEqual(ended("sweep-foreign-1"), ["sweep"])
        self.assertIn(("bucket", X["bucket"]), alive_ids())  # unknown age: kept

    def test_2_dry_run_deletes_nothing(self):
        """(d) once expired: --dry-run lists what it would delete, and the
        emulator's ground truth does not change."""
        expires = [e for e in ledger(RUN_ID) if e["op"] == "run"][0]["expires"]
        t = calendar.timegm(time.strptime(expires[:19], "%Y-%m-%dT%H:%M:%S"))
        time.sleep(max(0.0, t - time.time() + 1.5))
        before = alive_ids()
        r = sweep("--dry-run")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"run {RUN_ID} (drill sweep-it): expired at {expires[:19]}Z: would "
                      "delete: 7 thing(s)", r.stdout)
        for a in W.alive_of_run(RUN_ID):
            self.assertIn(a["id"] if a["type"] != "recovery-point" else a["arn"], r.stdout)
        self.assertIn("sweep (dry run): 1 run(s), 7 thing(s) to delete, 1 kept (in progress), "
                      "1 kept (unknown age), 0 failed", r.stdout)
        r = sweep("--dry-run", "--json", "--older-than", "1s")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = [json.loads(x) for x in r.stdout.splitlines()]
        runs = {x["run_id"]: x for x in lines if "run_id" in x}
        self.assertEqual(runs[RUN_ID]["action"], "would delete")
        self.assertEqual(len(runs[RUN_ID]["things"]), 7)
        self.assertEqual(runs["sweep-unknown-1"]["verdict"], "older")
        self.assertEqual(runs["sweep-other-1"]["action"], "keep")
        self.assertEqual(lines[-1]["summary"]["to_delete"], 8)
        self.assertEqual(alive_ids(), before)
        self.assertEqual(ended(RUN_ID), [])

    def test_3_expired_run_is_swept(self):
        """(b) everything of the expired run deleted through its ledger,
        which ends "sweep"; (c) another run's thing in progress, an untagged
        VPC and production untouched; --older-than takes the run of unknown
        age."""
        r = sweep("--older-than", "1s")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(W.alive_of_run(RUN_ID), [], r.stdout + r.stderr)
        self.assertIn(f"sweep of run {RUN_ID} (drill sweep-it, expired at ", r.stdout)
        self.assertIn("7 deleted, 0 left", r.stdout)
        self.assertIn("deleting rds-instance drh-db-", r.stderr)
        self.assertEqual(ended(RUN_ID), ["sweep"])
        self.assertEqual(ended("sweep-unknown-1"), ["sweep"])
        self.assertIn("sweep: 2 run(s), 8 thing(s) deleted, 1 kept (in progress), 0 failed",
                      r.stdout)
        alive = alive_ids()
        self.assertNotIn(("bucket", X["bucket"]), alive)
        for key in ("other", "untagged"):
            self.assertIn(("vpc", X[key]), alive)
        ids = {i for _, i in alive}
        self.assertIn("sweep-pg", ids)     # production
        self.assertIn(SUBNET_GROUP, ids)   # the world's own isolation, named drh-*
        self.assertEqual(W.alive_of_run("sweep-other-1")[0]["id"], X["other"])
        r = sweep()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("sweep: 0 run(s), 0 thing(s) deleted, 1 kept (in progress), 0 failed",
                      r.stdout)


if __name__ == "__main__":
    unittest.main()
