"""How drh is operated, end to end against the local emulator and real
PostgreSQL servers: schedules judged across time zones and daylight-saving
changes (drh due, drh run --due), the run history (local and in PostgreSQL)
with two runners racing for the same drill, notifications to SNS and to a
webhook (and a failing notifier that leaves the verdict alone), and the
canaries drh canary writes into production, found after a restore with the
data-level RPO checked against the emulator's ground truth."""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "demo"))

from drhrun import DrhRun  # noqa: E402
from emu import Emulator, psql, require  # noqa: E402
from world import World, PROD, DR, EAST, KEY, SUBNET_GROUP, SECURITY_GROUP, MASTER  # noqa: E402

from drhrun import DRH  # noqa: E402  (./drh, or the valgrind wrapper)
E = W = None
WORK = None
STORE = None  # postgres://... of a real server the emulator runs
STORE_DB = None  # (port, user, password, database)


def setUpModule():
    global E, W, WORK, STORE, STORE_DB
    require()
    WORK = tempfile.mkdtemp(prefix="drh-ops-", dir=os.environ.get("DRH_EMU_TEST_TMP"))
    E = Emulator().start()
    W = World(E.state, E.endpoint)
    W.admin("POST", "/timing", {"backup": 0.3, "copy": 0.3, "restore": 0.3, "snapshot": 0.2})
    W.vaults()
    W.isolation()
    # The shared history lives in a real PostgreSQL server of its own.
    W.database("postgres", "history-db", database="drh")
    port = port_of("history-db")
    user, password = MASTER["postgres"]
    STORE_DB = (port, user, password, "drh")
    STORE = f"postgres://{user}:{password}@127.0.0.1:{port}/drh?sslmode=disable"


def tearDownModule():
    E.cleanup()


def port_of(identifier):
    rds = W.client("production", "rds", EAST)
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0][
        "Endpoint"]["Port"]


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_drill(name, resources=None, folder=None, **top):
    """A drill of the DR account; by default one check resource whose
    command is given in top['command'] (default: true)."""
    command = top.pop("command", "true")
    d = {"drill": {"name": name, "owner": "tests"},
         "source": {"account": PROD, "region": EAST, "profile": "production",
                    "vault": "prod-vault"},
         "target": {"account": DR, "region": EAST, "profile": "production",
                    "role_arn": f"arn:aws:iam::{DR}:role/DrhDrillRole",
                    "external_id": "drh-drill", "vault": "dr-vault", "kms_key": KEY,
                    "isolation": {"db_subnet_group": SUBNET_GROUP,
                                  "security_groups": [SECURITY_GROUP]}},
         "resources": resources or [{"name": "app", "type": "check",
                                     "probes": [{"kind": "command", "command": command}]}]}
    d.update(top)
    folder = folder or WORK
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name + ".json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path


def drh(*args, env=None, timeout=300):
    e = W.env()
    e.update(env or {})
    r = subprocess.run([DRH] + list(args), env=e, capture_output=True, text=True,
                       timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def due_lines(out):
    """{drill: (due, reason)} from drh due's table."""
    res = {}
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[1] in ("due", "-"):
            res[parts[0]] = (parts[1] == "due", parts[2])
    return res


class Schedules(unittest.TestCase):
    """drh due at chosen moments (--now): no AWS call is made."""

    @classmethod
    def setUpClass(cls):
        cls.dir = os.path.join(WORK, "sched")
        cls.state = os.path.join(WORK, "sched-state")
        write_drill("berlin-2h30", folder=cls.dir, schedule={
            "expression": "cron(30 2 * * ? *)", "timezone": "Europe/Berlin",
            "start_window": "1h"})
        write_drill("ny-weekly", folder=cls.dir, schedule={
            "expression": "0 1 * * 0", "timezone": "America/New_York", "start_window": "2h"})
        write_drill("utc-quarterly", folder=cls.dir, schedule={
            "expression": "cron(0 3 1 1,4,7,10 ? *)", "start_window": "12h"})
        write_drill("no-schedule", folder=cls.dir)

    def due(self, now):
        rc, out, err = drh("due", self.dir, "--now", now, "--state-dir", self.state)
        self.assertEqual(rc, 0, err)
        return due_lines(out)

    def test_berlin_spring_forward_skips_the_missing_time(self):
        # 2026-03-29: Berlin's clocks jump from 02:00 to 03:00; 02:30 does not exist.
        d = self.due("2026-03-29T00:45:00Z")  # 01:45 CET: the day before's run is long gone
        self.assertFalse(d["berlin-2h30"][0], d)
        self.assertIn("missed", d["berlin-2h30"][1])
        d = self.due("2026-03-29T01:10:00Z")  # 03:10 CEST: nothing fired today
        self.assertFalse(d["berlin-2h30"][0], d)
        # the next time is 2026-03-30 02:30 CEST = 00:30Z
        self.assertIn("00:30Z", d["berlin-2h30"][1], d)
        d = self.due("2026-03-30T00:40:00Z")
        self.assertTrue(d["berlin-2h30"][0], d)

    def test_berlin_fall_back_fires_once(self):
        # 2026-10-25: 02:30 happens twice (00:30Z CEST, 01:30Z CET); it fires at the first.
        d = self.due("2026-10-25T00:35:00Z")
        self.assertTrue(d["berlin-2h30"][0], d)
        self.assertIn("00:30Z", d["berlin-2h30"][1])
        d = self.due("2026-10-25T01:35:00Z")  # the repeated 02:30 is not a new time
        self.assertFalse(d["berlin-2h30"][0], d)

    def test_new_york_weekly_and_utc_quarterly(self):
        # 2026-03-08 (a Sunday) New York springs forward at 02:00; 01:00 EST = 06:00Z.
        d = self.due("2026-03-08T06:30:00Z")
        self.assertTrue(d["ny-weekly"][0], d)
        # the week after, 01:00 EDT = 05:00Z
        d = self.due("2026-03-15T05:10:00Z")
        self.assertTrue(d["ny-weekly"][0], d)
        d = self.due("2026-03-15T07:10:00Z")  # the 2h window closed at 07:00Z
        self.assertFalse(d["ny-weekly"][0], d)
        d = self.due("2026-04-01T03:00:00Z")
        self.assertTrue(d["utc-quarterly"][0], d)
        d = self.due("2026-04-02T03:00:00Z")
        self.assertFalse(d["utc-quarterly"][0], d)
        self.assertFalse(d["no-schedule"][0])
        self.assertIn("no schedule", d["no-schedule"][1])

    def test_run_due_runs_exactly_the_due_drills_once(self):
        """run --due at a moment when only utc-quarterly is due: it runs,
        is recorded with its scheduled time, and is not due again after."""
        state = os.path.join(WORK, "sched-run-state")
        now = "2026-04-01T03:05:00Z"
        rc, out, err = drh("run", "--due", self.dir, "--now", now, "--state-dir", state,
                           "--run-id", "sched-run-1")
        self.assertEqual(rc, 0, out + err)
        self.assertIn("utc-quarterly", out)
        self.assertNotIn("berlin-2h30", out.split("\n\n", 1)[-1])
        rc, out, err = drh("history", "--state-dir", state, "--json")
        runs = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([r["drill"] for r in runs], ["utc-quarterly"], out)
        self.assertEqual(runs[0]["verdict"], "PASSED")
        self.assertEqual(runs[0]["scheduled_for"], "2026-04-01T03:00:00Z")
        rc, out, err = drh("run", "--due", self.dir, "--now", now, "--state-dir", state)
        self.assertEqual(rc, 0, out + err)
        self.assertIn("nothing to run", out)
        d = due_lines(drh("due", self.dir, "--now", now, "--state-dir", state)[1])
        self.assertFalse(d["utc-quarterly"][0])
        self.assertIn("ran", d["utc-quarterly"][1])

    def test_bad_schedule_is_reported_at_its_column(self):
        path = write_drill("bad-sched", folder=os.path.join(WORK, "bad"),
                           schedule={"expression": "cron(0 2 ? * MOX *)"})
        rc, out, err = drh("validate", path)
        self.assertEqual(rc, 2)
        self.assertIn("MOX", err)
        self.assertIn("HINT", err)
        line = [ln for ln in open(path).read().splitlines() if "MOX" in ln][0]
        col = line.index("MOX") + 1
        self.assertIn(f":{col}:", err.splitlines()[0])


class Runners(unittest.TestCase):
    """Two runners started at the same moment on the same drill."""

    def race(self, name, store_args, state):
        folder = os.path.join(WORK, name)
        write_drill(name, folder=folder, command="sleep 3",
                    schedule={"expression": "rate(1 day)"})
        procs = []
        for i in range(2):
            argv = [DRH, "run", "--due", folder, "--state-dir", state + str(i),
                    "--run-id", f"{name}-{i}"] + store_args
            procs.append(subprocess.Popen(argv, env=W.env(), stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (out, err) in zip(procs, outs):
            self.assertEqual(p.returncode, 0, out + err)
        ran = [i for i, (out, _) in enumerate(outs) if "result:   PASSED" in out]
        self.assertEqual(len(ran), 1, outs)
        other = outs[1 - ran[0]]
        self.assertIn("nothing to run", other[0])
        self.assertRegex(other[1], "another runner|ran meanwhile")
        return ran[0]

    def test_postgres_store_exactly_one_runs(self):
        winner = self.race("race-pg", ["--store", STORE], os.path.join(WORK, "race-pg-state"))
        port, user, password, db = STORE_DB
        rows = psql(port, user, password, db,
                    "SELECT run_id, verdict FROM drh_runs WHERE drill = 'race-pg'")
        self.assertEqual(rows, [[f"race-pg-{winner}", "PASSED"]])
        rc, out, err = drh("history", "race-pg", "--store", STORE)
        self.assertEqual(rc, 0, err)
        self.assertIn(f"race-pg-{winner}", out)
        self.assertNotIn(STORE_DB[2], out + err)  # the password never shows

    def test_local_store_exactly_one_runs(self):
        state = os.path.join(WORK, "race-local-state")
        # one shared state folder: both runners name the same one
        folder = os.path.join(WORK, "race-local")
        write_drill("race-local", folder=folder, command="sleep 3",
                    schedule={"expression": "rate(1 day)"})
        procs = [subprocess.Popen([DRH, "run", "--due", folder, "--state-dir", state,
                                   "--run-id", f"race-local-{i}"], env=W.env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
        self.assertEqual([p.returncode for p in procs], [0, 0], outs)
        self.assertEqual(sum("result:   PASSED" in o for o, _ in outs), 1, outs)
        rc, out, err = drh("history", "race-local", "--state-dir", state, "--json")
        self.assertEqual(len(out.splitlines()), 1, out)

    def test_rto_regression_is_a_warning(self):
        """Three quick runs, then a slow one: the slow one passes with a warning."""
        folder = os.path.join(WORK, "trend")
        state = os.path.join(WORK, "trend-state")
        path = write_drill("trend", folder=folder, command="true")
        for i in range(3):
            run = DrhRun(W, WORK, path, f"trend-{i}",
                         argv=[DRH, "run", path, "--state-dir", state, "--run-id", f"trend-{i}"])
            self.assertEqual(run.rc, 0, run.out + run.err)
        path = write_drill("trend", folder=folder, command="sleep 6")
        run = DrhRun(W, WORK, path, "trend-slow", evidence=True,
                     argv=[DRH, "run", path, "--state-dir", state, "--run-id", "trend-slow",
                           "--junit", os.path.join(WORK, "trend-slow.xml"),
                           "--evidence", os.path.join(WORK, "evidence")])
        self.assertEqual(run.rc, 0, run.explain())
        self.assertIn("warning:  trend: RTO regression", run.out)
        self.assertIn("RTO regression", run.props()["rto_regression"])
        ev = run.evidence_doc()["drills"][0]
        self.assertIn("RTO regression", ev["warnings"][0])


class Hook(http.server.BaseHTTPRequestHandler):
    status = 200
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Hook.received.append((self.path, self.headers.get("Content-Type"), body))
        self.send_response(Hook.status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *a):
        pass


class Notifications(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.url = f"http://127.0.0.1:{cls.server.server_port}/services/T000/B000/s3cr3tt0ken"
        sns = W.client("production", "sns", EAST)
        cls.topic = sns.create_topic(Name="SharingNotifications")["TopicArn"]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()

    def run_drill(self, name, command, on, topic, status, evidence=True):
        Hook.status, Hook.received = status, []
        path = write_drill(name, command=command, notify={
            "on": on, "sns": {"topic_arn": topic}, "webhook": {"url_env": "DRH_TEST_WEBHOOK"}})
        return DrhRun(W, WORK, path, name, evidence=evidence,
                      extra_env={"DRH_TEST_WEBHOOK": self.url})

    def sns_messages(self, run_id):
        return [m for m in W.admin("GET", "/truth/sns")["messages"] if run_id in m["Message"]]

    def test_failure_reaches_sns_and_the_webhook(self):
        run = self.run_drill("notify-fail", "false", "failure", self.topic, 200)
        self.assertEqual(run.rc, 1, run.explain())
        msgs = self.sns_messages("notify-fail")
        self.assertEqual(len(msgs), 1, msgs)
        self.assertIn("FAILED", msgs[0]["Subject"])
        self.assertEqual(len(Hook.received), 1)
        path, ctype, body = Hook.received[0]
        self.assertTrue(ctype.startswith("application/json"))
        doc = json.loads(body)
        self.assertIn("notify-fail", doc["text"])
        self.assertIn("FAILED", doc["text"])
        ev = run.evidence_doc()["drills"][0]
        self.assertEqual(sorted(n["channel"] for n in ev["notifications"] if n["ok"]),
                         ["sns", "webhook"])
        for text in (run.out, run.err, json.dumps(ev), open(run.junit).read()):
            self.assertNotIn("s3cr3tt0ken", text)

    def test_passing_drill_is_quiet_on_failure_only(self):
        run = self.run_drill("notify-quiet", "true", "failure", self.topic, 200)
        self.assertEqual(run.rc, 0, run.explain())
        self.assertEqual(self.sns_messages("notify-quiet"), [])
        self.assertEqual(Hook.received, [])

    def test_failing_notifiers_leave_the_verdict_alone(self):
        missing = f"arn:aws:sns:{EAST}:{PROD}:NoSuchTopic"
        run = self.run_drill("notify-broken-pass", "true", "always", missing, 500)
        self.assertEqual(run.rc, 0, run.explain())
        self.assertIn("result:   PASSED", run.out)
        self.assertRegex(run.err, "notify: webhook .* failed")
        self.assertRegex(run.err, "notify: sns .* failed")
        self.assertEqual(len(Hook.received), 3)  # retried, then given up
        ev = run.evidence_doc()["drills"][0]
        self.assertEqual([n["ok"] for n in ev["notifications"]], [False, False])
        self.assertEqual(ev["verdict"], "PASSED")
        run = self.run_drill("notify-broken-fail", "false", "always", missing, 500)
        self.assertEqual(run.rc, 1, run.explain())
        self.assertIn("result:   FAILED", run.out)


class Canaries(unittest.TestCase):
    def test_canaries_found_after_restore_with_rpo_from_ground_truth(self):
        """drh canary writes twice, a backup is taken, drh canary writes once
        more; the restored copy holds the first two, their chain verifies,
        and the data-level RPO is T0 minus the second one's time, within a
        second of what the emulator's ground truth gives."""
        W.database("postgres", "canary-pg")
        user, password = MASTER["postgres"]
        port = port_of("canary-pg")
        res = {"name": "orders", "type": "rds", "engine": "postgres", "source": "canary-pg",
               "login": {"user": user, "password_env": "CANARY_PG_PW", "database": "orders"},
               "canary": {"endpoint": f"127.0.0.1:{port}"},
               "probes": [{"kind": "canary"}]}
        path = write_drill("canary-rpo", resources=[res])
        env = {"CANARY_PG_PW": password}
        for _ in range(2):
            rc, out, err = drh("canary", path, env=env)
            self.assertEqual(rc, 0, out + err)
            time.sleep(1.5)
        job = W.backup_now("postgres", "canary-pg")
        time.sleep(1.5)
        rc, out, err = drh("canary", path, env=env)
        self.assertEqual(rc, 0, out + err)
        rows = psql(port, user, password, "orders",
                    "SELECT seq, extract(epoch from written_at) FROM drh_canary "
                    "WHERE hash IS NOT NULL ORDER BY seq")
        self.assertEqual([int(r[0]) for r in rows], [1, 2, 3])
        times = [float(r[1]) for r in rows]
        truth = {j["id"]: j for j in W.admin("GET", "/truth/jobs")["jobs"]}[job["backup_job_id"]]
        dumped = datetime.fromisoformat(truth["started"]).timestamp()
        self.assertLess(times[1], dumped)
        self.assertGreater(times[2], dumped)
        run = DrhRun(W, WORK, path, "canary-rpo-1", evidence=True, extra_env=env)
        self.assertEqual(run.rc, 0, run.explain())
        cases = run.cases()
        self.assertEqual(cases["probe canary"][0], "passed", run.explain())
        self.assertEqual(cases["rpo data"][0], "passed", run.explain())
        self.assertIn("chain of 2 verified (seq 1..2)", run.err)
        ev = run.evidence_doc()["drills"][0]["resources"][0]
        t0 = datetime.fromisoformat(ev["t0"].replace("Z", "+00:00")).timestamp()
        # the newest canary in the restored copy is the last one written before the dump
        newest = datetime.fromisoformat(ev["canary_newest"].replace("Z", "+00:00")).timestamp()
        self.assertAlmostEqual(newest, times[1], delta=0.01)
        truth_rpo = t0 - times[1]
        self.assertAlmostEqual(float(run.props("orders")["rpo_data_seconds"]), truth_rpo,
                               delta=1.0)
        self.assertEqual(W.alive_of_run("canary-rpo-1"), [])
