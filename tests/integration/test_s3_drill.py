"""drh's S3 cross-account replication drills end to end against the local
emulator: buckets in two accounts set up as the S3 seed does (versioning on
both, a replication rule with role s3crr_role_for_<source>, the target
bucket policy granting that role, lifecycle rules), then a healthy drill
(posture, canary lag, comparison, point-in-time restore), the failures a
drill must catch (replication stopped, versioning suspended on the replica,
an object that failed to replicate) and a bucket of thousands of objects.
Every test checks drh's exit code, its JUnit verdicts and, with botocore,
that nothing of the run is left: no restore bucket, no canary version in
either bucket."""
import datetime
import json
import os
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
from world import World, PROD, DR, EAST  # noqa: E402

from drhrun import DRH  # noqa: E402  (./drh, or the valgrind wrapper)
E = W = None
WORK = None


def setUpModule():
    global E, W, WORK
    require()
    WORK = tempfile.mkdtemp(prefix="drh-it-s3-", dir=os.environ.get("DRH_EMU_TEST_TMP"))
    E = Emulator().start()
    W = World(E.state, E.endpoint)
    W.admin("POST", "/timing", {"replication": 0.3})


def tearDownModule():
    E.cleanup()


def s3(profile):
    return W.client(profile, "s3", EAST)


def role_arn(src):
    return f"arn:aws:iam::{PROD}:role/service-role/s3crr_role_for_{src}"


def replica_policy(src, rep):
    """The seed's target bucket policy (partition aws)."""
    principal = {"AWS": role_arn(src)}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Set-permissions-for-objects", "Effect": "Allow", "Principal": principal,
         "Action": ["s3:ReplicateObject", "s3:ReplicateDelete"],
         "Resource": f"arn:aws:s3:::{rep}/*"},
        {"Sid": "Set permissions on bucket", "Effect": "Allow", "Principal": principal,
         "Action": ["s3:GetBucketVersioning", "s3:PutBucketVersioning"],
         "Resource": f"arn:aws:s3:::{rep}"}]})


def buckets(src, rep, seed_objects=None):
    """A replicated pair: src in production, rep in dr (same region)."""
    p, d = s3("production"), s3("dr")
    if seed_objects:
        # already in both (e.g. by an earlier batch replication): identical content,
        # other version ids
        for account, b in ((PROD, src), (DR, rep)):
            W.admin("POST", "/seed/s3", {"account": account, "region": EAST, "bucket": b,
                                         "objects": seed_objects})
    else:
        p.create_bucket(Bucket=src)
        d.create_bucket(Bucket=rep)
        for c, b in ((p, src), (d, rep)):
            c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    d.put_bucket_policy(Bucket=rep, Policy=replica_policy(src, rep))
    p.put_bucket_replication(Bucket=src, ReplicationConfiguration={
        "Role": role_arn(src), "Rules": [{
            "ID": "crr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
            "DeleteMarkerReplication": {"Status": "Enabled"},
            "Destination": {"Bucket": f"arn:aws:s3:::{rep}", "Account": DR}}]})
    rules = {"Rules": [{"ID": "noncurrent-90d", "Status": "Enabled", "Filter": {"Prefix": ""},
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 90}}]}
    p.put_bucket_lifecycle_configuration(Bucket=src, LifecycleConfiguration=rules)
    d.put_bucket_lifecycle_configuration(Bucket=rep, LifecycleConfiguration=rules)


def wait_replicated(src, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        objs = W.admin("GET", f"/s3/replication?bucket={src}")["objects"]
        if not any(o["status"] == "PENDING" for o in objs):
            return objs
        time.sleep(0.2)
    raise AssertionError(f"replication of {src} still PENDING after {timeout}s")


def drill(name, src, rep, max_lag="30s", restore=None, rpo="1h", teardown=None, **extra):
    r = {"name": name, "type": "s3", "source": f"arn:aws:s3:::{src}",
         "replica": {"bucket": rep, "role_arn": role_arn(src)},
         "posture": {"lifecycle": "both"}, "live": {"canary": True, "max_lag": max_lag},
         "compare": {"enabled": True, "prefix": ""}}
    if restore is not None:
        r["restore"] = restore
    r.update(extra)
    d = {"drill": {"name": name, "owner": "tests"}, "objectives": {"rto": "1h", "rpo": rpo},
         "source": {"account": PROD, "region": EAST, "profile": "production"},
         "target": {"account": DR, "region": EAST, "profile": "dr"}, "resources": [r]}
    if teardown:
        d["teardown"] = teardown
    path = os.path.join(WORK, name + ".json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path


def Run(drill_path, run_id, **kw):
    return DrhRun(W, WORK, drill_path, run_id, **kw)



class S3Drills(unittest.TestCase):
    def tearDown(self):
        W.admin("DELETE", "/faults")

    def assert_nothing_left(self, run, src, rep):
        self.assertEqual(W.alive_of_run(run.run_id), [], run.explain())
        for profile, b in (("production", src), ("dr", rep)):
            vs = s3(profile).list_object_versions(Bucket=b, Prefix="drh-canary/")
            left = vs.get("Versions", []) + vs.get("DeleteMarkers", [])
            self.assertEqual(left, [], f"canary left in {b}\n{run.explain()}")
        names = [b["Name"] for b in s3("dr").list_buckets()["Buckets"]]
        self.assertFalse([n for n in names if n.endswith("-restore")], names)

    def test_healthy_drill_with_point_in_time_restore(self):
        src, rep = "h-src", "h-rep"
        buckets(src, rep)
        p = s3("production")
        p.put_object(Bucket=src, Key="doc/a.txt", Body=b"version one")
        p.put_object(Bucket=src, Key="doc/gone.txt", Body=b"deleted after T")
        p.put_object(Bucket=src, Key="other/x.txt", Body=b"not restored: other prefix")
        t = int(time.time()) + 1
        while time.time() < t + 1.2:
            time.sleep(0.1)
        p.put_object(Bucket=src, Key="doc/a.txt", Body=b"version two, after T")
        p.delete_object(Bucket=src, Key="doc/gone.txt")
        p.put_object(Bucket=src, Key="doc/new.txt", Body=b"created after T")
        wait_replicated(src)
        at = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        path = drill("s3-healthy", src, rep, restore={"prefix": "doc/", "at": at},
                     teardown="never")
        run = Run(path, "it-s3-healthy")
        self.assertEqual(run.rc, 0, run.explain())
        cases = run.cases()
        for name in ("posture versioning source", "posture versioning replica",
                     "posture replication", "posture replica policy", "posture lifecycle source",
                     "posture lifecycle replica", "replication lag", "compare", "restore",
                     "restore verify", "rto", "rpo"):
            self.assertEqual(cases.get(name, ("missing",))[0], "passed",
                             f"{name}: {cases.get(name)}\n{run.explain()}")
        props = run.props()
        lag = float(props["replication_lag_seconds"])
        self.assertGreater(lag, 0.2)  # the emulator's replication takes 0.3 s
        self.assertLess(lag, 10)
        self.assertAlmostEqual(float(props["rpo_seconds"]), lag, delta=0.2)
        # the restore bucket holds doc/ as it was at T
        restored = props["restore_bucket"]
        d = s3("dr")
        got = {o["Key"]: d.get_object(Bucket=restored, Key=o["Key"])["Body"].read()
               for o in d.list_objects_v2(Bucket=restored).get("Contents", [])}
        self.assertEqual(got, {"doc/a.txt": b"version one", "doc/gone.txt": b"deleted after T"})
        tags = {t["Key"]: t["Value"] for t in d.get_bucket_tagging(Bucket=restored)["TagSet"]}
        self.assertEqual(tags["drh:run-id"], run.run_id)
        # teardown from the ledger, as after a crash
        td = Run(None, run.run_id, argv=[DRH, "teardown", "--run", run.run_id])
        self.assertEqual(td.rc, 0, td.out + td.err)
        self.assert_nothing_left(run, src, rep)

    def test_canary_chain_read_back_at_the_restore_point(self):
        """drh canary writes two chained canary objects into the source; the
        drill's canary case reads them as they stood at the restore point,
        verifies the chain and dates the data with the newest. A canary
        deleted from the middle then fails the case as a lost write."""
        src, rep = "chain-src", "chain-rep"
        buckets(src, rep)
        s3("production").put_object(Bucket=src, Key="doc/a.txt", Body=b"data")
        path = drill("s3-chain", src, rep, restore={"prefix": "doc/"}, canary={"keep": 10})
        for _ in range(2):
            r = subprocess.run([DRH, "canary", path], env=W.env(), capture_output=True, text=True,
                               timeout=120)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("canary seq", r.stdout)
        p = s3("production")
        keys = [o["Key"] for o in p.list_objects_v2(Bucket=src, Prefix="drh-canary/chain/")[
            "Contents"]]
        self.assertEqual(len(keys), 2, keys)
        newest = json.loads(p.get_object(Bucket=src, Key=keys[-1])["Body"].read())
        time.sleep(1.2)  # LastModified has whole seconds: both lie before T0
        wait_replicated(src)
        run = Run(path, "it-s3-chain-1", evidence=True)
        self.assertEqual(run.rc, 0, run.explain())
        cases = run.cases()
        for name in ("canary", "rpo data", "restore", "restore verify"):
            self.assertEqual(cases.get(name, ("missing",))[0], "passed",
                             f"{name}: {cases.get(name)}\n{run.explain()}")
        ev = run.evidence_doc()["drills"][0]["resources"][0]
        self.assertEqual(ev["canary_bucket"], src)
        self.assertTrue(ev["canary_chain"].startswith("chain of 2 verified (seq 1..2)"), ev)
        got = datetime.datetime.fromisoformat(ev["canary_newest"].replace("Z", "+00:00"))
        self.assertAlmostEqual(got.timestamp(), newest["written_us"] / 1e6, delta=0.01)
        self.assertEqual(W.alive_of_run(run.run_id), [], run.explain())
        # a third canary, then the second one deleted: a lost write
        r = subprocess.run([DRH, "canary", path], env=W.env(), capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        p.delete_object(Bucket=src, Key=keys[1])
        time.sleep(1.2)
        run = Run(path, "it-s3-chain-2")
        self.assertEqual(run.rc, 1, run.explain())
        status, msg = run.cases()["canary"]
        self.assertEqual(status, "failure", run.explain())
        self.assertIn("canary chain broken at seq 3: seq 2 is missing (lost write)", msg)
        self.assertEqual(W.alive_of_run(run.run_id), [], run.explain())

    def test_replication_stopped_fails_the_lag(self):
        src, rep = "stop-src", "stop-rep"
        buckets(src, rep)
        s3("production").put_object(Bucket=src, Key="a", Body=b"a")
        wait_replicated(src)
        W.admin("POST", "/faults", {"kind": "replication_stopped", "bucket": src, "count": -1})
        run = Run(drill("s3-stopped", src, rep, max_lag="3s"), "it-s3-stopped")
        self.assertEqual(run.rc, 1, run.explain())
        status, msg = run.cases()["replication lag"]
        self.assertEqual(status, "failure", run.explain())
        self.assertIn("did not reach replica", msg)
        self.assertIn("3s", msg)
        self.assertEqual(run.cases()["posture replication"][0], "passed")
        self.assert_nothing_left(run, src, rep)

    def test_versioning_suspended_on_the_replica(self):
        src, rep = "susp-src", "susp-rep"
        buckets(src, rep)
        s3("dr").put_bucket_versioning(Bucket=rep, VersioningConfiguration={"Status": "Suspended"})
        run = Run(drill("s3-suspended", src, rep, max_lag="10s"), "it-s3-suspended")
        self.assertEqual(run.rc, 1, run.explain())
        cases = run.cases()
        status, msg = cases["posture versioning replica"]
        self.assertEqual(status, "failure", run.explain())
        self.assertIn("Suspended", msg)
        self.assertEqual(cases["posture versioning source"][0], "passed")
        # the canary cannot replicate into it either, and says so at once
        self.assertEqual(cases["replication lag"][0], "failure")
        self.assertIn("FAILED", cases["replication lag"][1])
        self.assert_nothing_left(run, src, rep)

    def test_replica_policy_without_deletes(self):
        """The replica's bucket policy grants the role ReplicateObject but
        not ReplicateDelete: the posture names what is missing."""
        src, rep = "nodel-src", "nodel-rep"
        buckets(src, rep)
        policy = json.loads(replica_policy(src, rep))
        policy["Statement"][0]["Action"] = "s3:ReplicateObject"
        s3("dr").put_bucket_policy(Bucket=rep, Policy=json.dumps(policy))
        run = Run(drill("s3-nodel", src, rep, max_lag="10s"), "it-s3-nodel")
        self.assertEqual(run.rc, 1, run.explain())
        status, msg = run.cases()["posture replica policy"]
        self.assertEqual(status, "failure", run.explain())
        self.assertIn(f"s3:ReplicateDelete on arn:aws:s3:::{rep}/*", msg)
        self.assertNotIn("s3:ReplicateObject on", msg)
        self.assert_nothing_left(run, src, rep)

    def test_object_that_failed_to_replicate(self):
        src, rep = "fail-src", "fail-rep"
        buckets(src, rep)
        p = s3("production")
        W.admin("POST", "/faults", {"kind": "replication_fail", "bucket": src,
                                    "key": "orders/bad.csv"})
        for k in ("orders/good.csv", "orders/bad.csv", "orders/fine.csv"):
            p.put_object(Bucket=src, Key=k, Body=k.encode())
        objs = wait_replicated(src)
        self.assertIn("FAILED", [o["status"] for o in objs if o["key"] == "orders/bad.csv"])
        run = Run(drill("s3-failed", src, rep), "it-s3-failed")
        self.assertEqual(run.rc, 1, run.explain())
        cases = run.cases()
        status, msg = cases["compare"]
        self.assertEqual(status, "failure", run.explain())
        self.assertIn("1 FAILED ('orders/bad.csv')", msg)
        self.assertIn("0 missing", msg)
        self.assertNotIn("good.csv", msg)
        self.assertEqual(cases["replication lag"][0], "passed")
        self.assert_nothing_left(run, src, rep)

    def test_compare_only_drill_has_no_rpo_to_measure(self):
        """No canary, no restore: the rpo case is skipped, whether the
        comparison passes or fails (and never a failure the exit code
        would not report)."""
        src, rep = "cmp-src", "cmp-rep"
        buckets(src, rep)
        p = s3("production")
        for k in ("a.txt", "b.txt"):
            p.put_object(Bucket=src, Key=k, Body=k.encode())
        wait_replicated(src)
        path = drill("s3-compare-only", src, rep, live={"canary": False})
        run = Run(path, "it-s3-cmp-ok")
        self.assertEqual(run.rc, 0, run.explain())
        cases = run.cases()
        self.assertEqual(cases["compare"][0], "passed", run.explain())
        self.assertEqual(cases["rpo"], ("skipped", "not measured: no canary and no restore"))
        s3("dr").delete_object(Bucket=rep, Key="b.txt")
        run = Run(path, "it-s3-cmp-bad")
        self.assertEqual(run.rc, 1, run.explain())
        cases = run.cases()
        self.assertEqual(cases["compare"][0], "failure", run.explain())
        self.assertIn("b.txt", cases["compare"][1])
        self.assertEqual(cases["rpo"][0], "skipped", run.explain())
        self.assert_nothing_left(run, src, rep)

    def test_bucket_of_thousands_of_objects(self):
        src, rep = "big-src", "big-rep"
        objects = {f"obj/{i:05d}": f"object {i}" for i in range(3000)}
        buckets(src, rep, seed_objects=objects)
        path = drill("s3-big", src, rep, restore={"prefix": "obj/000"})
        run = Run(path, "it-s3-big")
        self.assertEqual(run.rc, 0, run.explain())
        props = run.props()
        self.assertEqual(props["compare_objects"], "3000")
        # other version ids in the replica: every object's status asked with a HEAD
        self.assertEqual(props["compare_heads"], "3000")
        self.assertEqual(props["restored_objects"], "100")
        self.assertEqual(run.cases()["restore verify"][0], "passed")
        self.assert_nothing_left(run, src, rep)
        # the listing took pages: the emulator saw several ListObjectVersions calls
        calls = W.admin("GET", "/truth/calls?operation=ListObjectVersions")
        self.assertGreater(len(calls["calls"]), 6)
