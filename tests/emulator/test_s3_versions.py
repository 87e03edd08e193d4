"""The emulator's S3 ListObjectVersions pages (max-keys, key-marker,
version-id-marker, as S3 pages them) and the replication_fail fault."""
import json
import unittest

from emu import require, Emulator, DR

E = None
ROLE = "arn:aws:iam::111111111111:role/service-role/s3crr_role_for_pv-source"


def setUpModule():
    global E
    require()
    E = Emulator().start()
    E.admin("POST", "/timing", {"replication": 0.2})
    E.admin("POST", "/seed/s3", {"profile": "production", "bucket": "pv-source",
                                 "objects": {f"k{i}": str(i) for i in range(7)}})


def tearDownModule():
    E.cleanup()


class Pages(unittest.TestCase):
    def test_pages_resume_inside_a_key(self):
        # a second and third version of k3: a page boundary falls between them
        for _ in range(2):
            E.aws("production", "s3api", "put-object", "--bucket", "pv-source", "--key", "k3")
        seen, marker, vid, pages = [], None, None, 0
        while True:
            args = ["list-object-versions", "--bucket", "pv-source", "--max-keys", "2",
                    "--no-paginate"]
            if marker:
                args += ["--key-marker", marker, "--version-id-marker", vid]
            out = E.aws("production", "s3api", *args)
            pages += 1
            seen += [(v["Key"], v["VersionId"], v["IsLatest"]) for v in out.get("Versions", [])]
            if not out["IsTruncated"]:
                break
            self.assertEqual(out["MaxKeys"], 2)
            marker, vid = out["NextKeyMarker"], out["NextVersionIdMarker"]
        self.assertEqual(pages, 5)
        self.assertEqual(len(seen), 9)
        self.assertEqual(len(set(seen)), 9)
        self.assertEqual([k for k, _, _ in seen], sorted(k for k, _, _ in seen))
        self.assertEqual(sum(1 for k, _, latest in seen if k == "k3" and latest), 1)


class ReplicationFailFault(unittest.TestCase):
    def test_marks_that_key_failed(self):
        E.aws("dr", "s3api", "create-bucket", "--bucket", "pv-target", region="us-east-1")
        E.aws("dr", "s3api", "put-bucket-versioning", "--bucket", "pv-target",
              "--versioning-configuration", "Status=Enabled", region="us-east-1")
        E.aws("dr", "s3api", "put-bucket-policy", "--bucket", "pv-target", "--policy", json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": ROLE},
                "Action": ["s3:ReplicateObject", "s3:ReplicateDelete"],
                "Resource": "arn:aws:s3:::pv-target/*"}]}), region="us-east-1")
        E.aws("production", "s3api", "put-bucket-replication", "--bucket", "pv-source",
              "--replication-configuration", json.dumps({"Role": ROLE, "Rules": [{
                  "ID": "r", "Status": "Enabled", "Priority": 1, "Filter": {},
                  "DeleteMarkerReplication": {"Status": "Disabled"},
                  "Destination": {"Bucket": "arn:aws:s3:::pv-target", "Account": DR}}]}))
        E.admin("POST", "/faults", {"kind": "replication_fail", "bucket": "pv-source",
                                    "key": "bad"})
        for key in ("good", "bad"):
            E.aws("production", "s3api", "put-object", "--bucket", "pv-source", "--key", key)

        def status(key):
            return E.aws("production", "s3api", "head-object", "--bucket", "pv-source",
                         "--key", key).get("ReplicationStatus")
        E.wait(lambda: status("bad"), "FAILED", timeout=20)
        E.wait(lambda: status("good"), "COMPLETED", timeout=20)
        self.assertEqual(E.admin("GET", "/faults")["faults"], [])
