"""What drh must never do, and how it stops, against the local emulator:

- teardown deletes only what its ledger names AND what carries the run's
  drh:run-id tag: a forged ledger naming the production database, another
  run's database and an untagged one deletes none of them;
- a drill whose target is the source's (production) account is refused
  before any AWS call unless it says "allow_production";
- every wait ends by its step's timeout or the drill's (the drill file's
  "timeouts"), the drill fails naming the timeout, and teardown still
  deletes what the slow job made;
- SIGINT / SIGTERM: teardown, reports, exit 130 / 143; a second signal stops
  at once, leaves the ledger, and drh teardown --run finishes it;
- the secret scan (tests/tools/secret_scan.py, run over the whole suite's
  files by tests/integration/run) finds a planted secret.
Every test checks the emulator's ground truth and the run's ledger."""
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
from world import World, PROD, DR, EAST, KEY, SUBNET_GROUP, SECURITY_GROUP  # noqa: E402

from drhrun import DRH  # noqa: E402  (./drh, or the valgrind wrapper)
SCAN = os.path.join(ROOT, "tests", "tools", "secret_scan.py")
E = W = None
WORK = None
FAST = {"backup": 0.3, "copy": 0.3, "restore": 0.3, "snapshot": 0.2}


def setUpModule():
    global E, W, WORK
    require()
    WORK = tempfile.mkdtemp(prefix="drh-it-safety-", dir=os.environ.get("DRH_EMU_TEST_TMP"))
    E = Emulator().start()
    W = World(E.state, E.endpoint)
    W.admin("POST", "/timing", FAST)
    W.vaults()
    W.isolation()
    W.database("postgres", "prod-pg")
    W.backup_now("postgres", "prod-pg", seconds_ago=600)


def tearDownModule():
    E.cleanup()


def drill(name, timeouts=None, **target_extra):
    target = {"account": DR, "region": EAST, "profile": "production",
              "role_arn": f"arn:aws:iam::{DR}:role/DrhDrillRole", "external_id": "drh-drill",
              "vault": "dr-vault", "kms_key": KEY,
              "isolation": {"db_subnet_group": SUBNET_GROUP, "security_groups": [SECURITY_GROUP]}}
    target.update(target_extra)
    d = {"drill": {"name": name, "owner": "tests"}, "objectives": {"rto": "1h", "rpo": "24h"},
         "source": {"account": PROD, "region": EAST, "profile": "production", "vault": "prod-vault"},
         "target": target,
         "resources": [{"name": "orders", "type": "rds", "engine": "postgres", "source": "prod-pg",
                        "path": "backup",
                        "probes": [{"kind": "tables",
                                    "tables": [{"name": "public.orders", "min_rows": 1}]}]}]}
    if timeouts:
        d["timeouts"] = timeouts
    path = os.path.join(WORK, name + ".json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path


def ledger_lines(run_id):
    path = os.path.join(WORK, "state", "runs", run_id, "ledger.jsonl")
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ledger_closed(test, run_id, how):
    """The last line says the run ended (how) with nothing left, and every
    entry the ledger names has its gone line."""
    lines = ledger_lines(run_id)
    ended = [ln for ln in lines if ln["op"] == "ended"]
    test.assertTrue(ended, f"no ended line in {run_id}'s ledger")
    test.assertEqual((ended[-1]["how"], ended[-1]["left"]), (how, 0), ended)
    named = {(ln["kind"], ln["id"]) for ln in lines if ln["op"] == "intent"}
    gone = {(ln["kind"], ln["id"]) for ln in lines if ln["op"] == "gone"}
    resolved = {(ln["kind"], ln["id"]): ln["new_id"] for ln in lines if ln["op"] == "resolved"}
    named = {(k, resolved.get((k, i), i)) for k, i in named}
    test.assertEqual(named - gone, set(), f"entries of {run_id} never gone")


def wait_for_job(kind, state="RUNNING", timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(j["kind"] == kind and j.get("state") == state
               for j in W.admin("GET", "/truth/jobs")["jobs"]):
            return True
        time.sleep(0.1)
    return False


class Refusals(unittest.TestCase):
    def test_forged_ledger_deletes_nothing_it_does_not_own(self):
        """A run's ledger, once closed, gets three forged entries: the
        production database, a DR database tagged with another run's id and
        an untagged DR database. drh teardown --run refuses all three: they
        stay alive and the refusals are named."""
        run = DrhRun(W, WORK, drill("safe-forged"), "safe-forged-1")
        self.assertEqual(run.rc, 0, run.explain())
        ledger_closed(self, "safe-forged-1", "passed")
        dr_rds = W.client("dr", "rds", EAST)
        for ident in ("other-runs-db", "untagged-db"):
            W.admin("POST", "/seed/rds", {
                "account": DR, "region": EAST, "engine": "postgres", "identifier": ident,
                "master_username": "pgadmin", "master_password": "Prod-Pg-Secret-1",
                "database": "orders", "sql": "select 1"})
        other_arn = f"arn:aws:rds:{EAST}:{DR}:db:other-runs-db"
        dr_rds.add_tags_to_resource(ResourceName=other_arn,
                                    Tags=[{"Key": "drh:run-id", "Value": "someone-else-1"}])
        path = os.path.join(WORK, "state", "runs", "safe-forged-1", "ledger.jsonl")
        forged = [("source", PROD, "prod-pg"), ("target", DR, "other-runs-db"),
                  ("target", DR, "untagged-db")]
        with open(path, "a") as f:
            for side, _, ident in forged:
                for op in ("intent", "created"):
                    f.write(json.dumps({"op": op, "kind": "rds-instance", "side": side,
                                        "region": EAST, "id": ident, "resource": "orders",
                                        "at": "2026-01-01T00:00:00.000Z"}) + "\n")
        before = {a.get("id") for a in W.alive()}
        r = subprocess.run([DRH, "teardown", "--run", "safe-forged-1"], env=run.env,
                           capture_output=True, text=True, timeout=300)
        self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        out = r.stdout + r.stderr
        self.assertIn("refused to delete", out)
        self.assertIn("'someone-else-1', not this run's", out)
        self.assertIn("'(none)', not this run's", out)
        self.assertIn("teardown --run safe-forged-1", out)  # the hint to finish it
        after = {a.get("id") for a in W.alive()}
        for _, _, ident in forged:
            self.assertIn(ident, before)
            self.assertIn(ident, after, f"{ident} was deleted:\n{out}")
        self.assertEqual(before, after)
        lines = ledger_lines("safe-forged-1")
        self.assertEqual(lines[-1]["op"], "ended")
        self.assertEqual(lines[-1]["left"], 3)

    def test_target_in_the_production_account_is_refused(self):
        """target.account = source.account: exit 2 before any AWS call;
        "allow_production": true lets drh validate accept it."""
        calls_before = len(W.admin("GET", "/truth/calls")["calls"])
        path = drill("safe-prod", account=PROD)
        run = DrhRun(W, WORK, path, "safe-prod-1")
        self.assertEqual(run.rc, 2, run.explain())
        self.assertIn("is the source's (production) account", run.err)
        self.assertIn("allow_production", run.err)
        self.assertEqual(len(W.admin("GET", "/truth/calls")["calls"]), calls_before)
        self.assertFalse(os.path.exists(os.path.join(WORK, "state", "runs", "safe-prod-1")))
        ok = drill("safe-prod-allowed", account=PROD, allow_production=True,
                   role_arn=f"arn:aws:iam::{PROD}:role/DrhDrillRole")
        r = subprocess.run([DRH, "validate", ok], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


class Timeouts(unittest.TestCase):
    def tearDown(self):
        W.admin("POST", "/timing", FAST)

    def test_slow_restore_times_out_and_teardown_still_cleans_up(self):
        """timeouts.restore 3s against a 10 s restore job: the restore case
        fails naming timeouts.restore, exit 1, and teardown waits for the
        job and deletes the database it made."""
        W.admin("POST", "/timing", {"restore": 10})
        path = drill("safe-slow", timeouts={"restore": "3s", "teardown": "2m"})
        run = DrhRun(W, WORK, path, "safe-slow-1")
        self.assertEqual(run.rc, 1, run.explain())
        status, msg = run.cases()["restore"]
        self.assertEqual(status, "failure", run.explain())
        self.assertIn("timeouts.restore (3s)", msg)
        self.assertEqual(run.cases()["teardown"][0], "passed", run.explain())
        self.assertEqual(W.alive_of_run("safe-slow-1"), [])
        names = [a.get("id") or "" for a in W.alive()]
        self.assertFalse([n for n in names if n.startswith("drh-safe-slow-")], names)
        ledger_closed(self, "safe-slow-1", "failed")

    def test_drill_timeout_bounds_every_step(self):
        """timeouts.drill 4s with a 10 s copy: the copy fails on the drill's
        timeout, well before the copy's own 6h default."""
        W.admin("POST", "/timing", {"copy": 10})
        path = drill("safe-drill-to", timeouts={"drill": "4s"})
        run = DrhRun(W, WORK, path, "safe-drill-to-1")
        self.assertEqual(run.rc, 1, run.explain())
        status, msg = run.cases()["copy"]
        self.assertEqual(status, "failure", run.explain())
        self.assertIn("timeouts.drill (4s)", msg)
        self.assertLess(run.seconds, 60)
        self.assertEqual(W.alive_of_run("safe-drill-to-1"), [])
        ledger_closed(self, "safe-drill-to-1", "failed")

    def test_bad_timeout_is_a_drill_file_error(self):
        path = drill("safe-bad-to", timeouts={"restore": "soon"})
        r = subprocess.run([DRH, "validate", path], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("timeouts.restore", r.stderr)


class Signals(unittest.TestCase):
    def tearDown(self):
        W.admin("POST", "/timing", FAST)

    def interrupted(self, sig, run_id, code):
        W.admin("POST", "/timing", {"restore": 8})
        run = DrhRun(W, WORK, drill(run_id.rsplit("-", 1)[0]), run_id, background=True)
        self.assertTrue(wait_for_job("restore"), "the restore job never started")
        t0 = time.time()
        run.proc.send_signal(sig)
        out, _ = run.proc.communicate(timeout=120)
        self.assertEqual(run.proc.returncode, code, out)
        self.assertIn("result:   INTERRUPTED", out)
        self.assertLess(time.time() - t0, 60, out)
        self.assertEqual(W.alive_of_run(run_id), [])
        ledger_closed(self, run_id, "interrupted")
        run.out = out
        run.save_output()
        cases = run.cases()
        self.assertEqual(cases["teardown"][0], "passed", out)
        return run

    def test_sigint_tears_down_then_exits_130(self):
        self.interrupted(signal.SIGINT, "safe-int-1", 130)

    def test_sigterm_tears_down_then_exits_143(self):
        self.interrupted(signal.SIGTERM, "safe-term-1", 143)

    def test_second_signal_stops_at_once_and_teardown_finishes(self):
        """SIGTERM starts the teardown, which waits for the 20 s restore job;
        a second signal ends drh at once, naming drh teardown --run; the
        ledger is left open, and drh teardown --run deletes the database."""
        W.admin("POST", "/timing", {"restore": 20})
        run = DrhRun(W, WORK, drill("safe-twice"), "safe-twice-1", background=True)
        self.assertTrue(wait_for_job("restore"), "the restore job never started")
        run.proc.send_signal(signal.SIGTERM)
        time.sleep(2)
        t0 = time.time()
        run.proc.send_signal(signal.SIGINT)
        out, _ = run.proc.communicate(timeout=30)
        run.out = out
        run.save_output()
        self.assertLess(time.time() - t0, 5, out)
        self.assertEqual(run.proc.returncode, 130, out)
        self.assertIn("drh teardown --run safe-twice-1", out)
        self.assertFalse([ln for ln in ledger_lines("safe-twice-1") if ln["op"] == "ended"])
        r = subprocess.run([DRH, "teardown", "--run", "safe-twice-1"], env=run.env,
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(W.alive_of_run("safe-twice-1"), [])
        names = [a.get("id") or "" for a in W.alive()]
        self.assertFalse([n for n in names if n.startswith("drh-safe-twice-")], names)
        ledger_closed(self, "safe-twice-1", "teardown")


class SecretScan(unittest.TestCase):
    def test_scan_finds_a_planted_secret(self):
        """The scan that ends the suite can fail: a secret key copied into a
        report is named (without the secret), a clean tree passes."""
        # outside the suite's folder: the suite's own scan must not find this
        root = tempfile.mkdtemp(prefix="drh-scan-test-")
        self.addCleanup(shutil.rmtree, root, True)
        aws = os.path.join(root, "state-x", "aws")
        os.makedirs(aws)
        with open(os.path.join(aws, "credentials"), "w") as f:
            f.write("[dr]\naws_access_key_id = AKIAEXAMPLE\n"
                    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
        report = os.path.join(root, "report.xml")
        with open(report, "w") as f:
            f.write("<testsuites><testsuite name='x'/></testsuites>\n")
        r = subprocess.run(["/usr/bin/python3", SCAN, root], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(report, "a") as f:
            f.write("<!-- wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY -->\n")
        with open(os.path.join(root, "drill.json"), "w") as f:  # an input: not scanned
            json.dump({"drill": {}, "resources": [], "x": "Prod-Pg-Secret-1"}, f)
        bundle = os.path.join(root, "evidence", "run-1")  # drh's copy in a bundle: scanned
        os.makedirs(os.path.join(bundle, "drills"))
        with open(os.path.join(bundle, "evidence.json"), "w") as f:
            f.write("{}")
        with open(os.path.join(bundle, "drills", "orders.json"), "w") as f:
            json.dump({"drill": {}, "resources": [], "x": "Prod-Pg-Secret-1"}, f)
        r = subprocess.run(["/usr/bin/python3", SCAN, root], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("LEAK: a AWS secret access key in report.xml", r.stdout)
        self.assertIn("LEAK: a database master password in evidence/run-1/drills/orders.json",
                      r.stdout)
        self.assertNotIn("wJalrXUtnFEMI", r.stdout + r.stderr)
        self.assertNotIn("drill.json", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
