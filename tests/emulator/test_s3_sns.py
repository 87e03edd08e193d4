"""S3 (versioning, checksums, cross-account replication with lag and its
statuses, the replication-stopped fault), SNS publish and KMS grants."""
import hashlib
import base64
import json
import os
import time
import unittest

from emu import require, Emulator, CliError, PROD, DR, tmpdir

E = None
ROLE = f"arn:aws:iam::{PROD}:role/service-role/s3crr_role_for_emr-source"


def setUpModule():
    global E
    require()
    E = Emulator().start()
    E.admin("POST", "/timing", {"replication": 4.0})
    E.aws("production", "s3api", "create-bucket", "--bucket", "emr-source")
    E.aws("production", "s3api", "put-bucket-versioning", "--bucket", "emr-source",
          "--versioning-configuration", "Status=Enabled")
    E.aws("dr", "s3api", "create-bucket", "--bucket", "emr-target", region="us-east-1")
    E.aws("dr", "s3api", "put-bucket-versioning", "--bucket", "emr-target",
          "--versioning-configuration", "Status=Enabled", region="us-east-1")
    E.aws("dr", "s3api", "put-bucket-policy", "--bucket", "emr-target", "--policy", json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": ROLE},
            "Action": ["s3:ReplicateObject", "s3:ReplicateDelete"],
            "Resource": "arn:aws:s3:::emr-target/*"}]}), region="us-east-1")
    E.aws("production", "s3api", "put-bucket-replication", "--bucket", "emr-source",
          "--replication-configuration", json.dumps({"Role": ROLE, "Rules": [{
              "ID": "to-dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": "records/"},
              "DeleteMarkerReplication": {"Status": "Enabled"},
              "Destination": {"Bucket": "arn:aws:s3:::emr-target", "Account": DR}}]}))


def tearDownModule():
    E.cleanup()


def put(key, text, bucket="emr-source", profile="production"):
    d = tmpdir("obj-")
    p = os.path.join(d, "body")
    with open(p, "w") as f:
        f.write(text)
    return E.aws(profile, "s3api", "put-object", "--bucket", bucket, "--key", key, "--body", p,
                 "--checksum-algorithm", "SHA256")


def status(key, bucket="emr-source", profile="production"):
    return E.aws(profile, "s3api", "head-object", "--bucket", bucket, "--key", key,
                 region="us-east-1").get("ReplicationStatus")


class Replication(unittest.TestCase):
    def test_replicates_after_lag_with_statuses(self):
        # a lag well beyond two AWS CLI calls on a busy machine (each can
        # take seconds), so PENDING is seen before it ends
        E.admin("POST", "/timing", {"replication": 15.0})
        self.addCleanup(E.admin, "POST", "/timing", {"replication": 4.0})
        out = put("records/1.json", '{"patient": 1}')
        self.assertEqual(out["ChecksumSHA256"],
                         base64.b64encode(hashlib.sha256(b'{"patient": 1}').digest()).decode())
        self.assertEqual(status("records/1.json"), "PENDING")
        E.wait(lambda: status("records/1.json"), "COMPLETED", timeout=45)
        self.assertEqual(status("records/1.json", "emr-target", "dr"), "REPLICA")
        tgt = E.aws("dr", "s3api", "head-object", "--bucket", "emr-target", "--key",
                    "records/1.json", "--checksum-mode", "ENABLED", region="us-east-1")
        self.assertEqual(tgt["VersionId"], out["VersionId"])
        self.assertEqual(tgt["ETag"], out["ETag"])
        self.assertEqual(tgt["ChecksumSHA256"], out["ChecksumSHA256"])
        # outside the rule's prefix: not replicated
        put("tmp/scratch", "x")
        self.assertIsNone(status("tmp/scratch"))
        keys = [o["Key"] for o in E.aws("dr", "s3api", "list-objects-v2", "--bucket", "emr-target",
                                        region="us-east-1").get("Contents", [])]
        self.assertEqual(keys, ["records/1.json"])

    def test_replication_stopped_fault(self):
        f = E.admin("POST", "/faults", {"kind": "replication_stopped", "bucket": "emr-source",
                                        "count": -1})
        put("records/stuck.json", "{}")
        time.sleep(4.5)
        self.assertEqual(status("records/stuck.json"), "PENDING")
        E.admin("DELETE", "/faults")
        E.wait(lambda: status("records/stuck.json"), "COMPLETED", timeout=20)
        self.assertTrue(f["id"])

    def test_denied_by_destination_policy_fails(self):
        E.aws("dr", "s3api", "create-bucket", "--bucket", "emr-closed", region="us-east-1")
        E.aws("dr", "s3api", "put-bucket-versioning", "--bucket", "emr-closed",
              "--versioning-configuration", "Status=Enabled", region="us-east-1")
        E.aws("production", "s3api", "create-bucket", "--bucket", "emr-src2")
        E.aws("production", "s3api", "put-bucket-versioning", "--bucket", "emr-src2",
              "--versioning-configuration", "Status=Enabled")
        E.aws("production", "s3api", "put-bucket-replication", "--bucket", "emr-src2",
              "--replication-configuration", json.dumps({"Role": ROLE, "Rules": [{
                  "ID": "r", "Status": "Enabled", "Priority": 1, "Filter": {},
                  "DeleteMarkerReplication": {"Status": "Disabled"},
                  "Destination": {"Bucket": "arn:aws:s3:::emr-closed", "Account": DR}}]}))
        put("a", "b", bucket="emr-src2")
        E.wait(lambda: status("a", "emr-src2"), "FAILED", timeout=20)

    def test_replication_needs_versioning(self):
        E.aws("production", "s3api", "create-bucket", "--bucket", "emr-unversioned")
        with self.assertRaises(CliError) as cm:
            E.aws("production", "s3api", "put-bucket-replication", "--bucket", "emr-unversioned",
                  "--replication-configuration", json.dumps({"Role": ROLE, "Rules": [{
                      "ID": "r", "Status": "Enabled", "Priority": 1, "Filter": {},
                      "DeleteMarkerReplication": {"Status": "Disabled"},
                      "Destination": {"Bucket": "arn:aws:s3:::emr-target"}}]}))
        self.assertEqual(cm.exception.code, "InvalidRequest")


class Objects(unittest.TestCase):
    def test_versions_delete_markers_copy(self):
        E.aws("production", "s3api", "create-bucket", "--bucket", "emr-objects")
        E.aws("production", "s3api", "put-bucket-versioning", "--bucket", "emr-objects",
              "--versioning-configuration", "Status=Enabled")
        v1 = put("k", "one", bucket="emr-objects")["VersionId"]
        v2 = put("k", "two", bucket="emr-objects")["VersionId"]
        self.assertNotEqual(v1, v2)
        d = tmpdir("get-")
        E.aws("production", "s3api", "get-object", "--bucket", "emr-objects", "--key", "k",
              "--version-id", v1, os.path.join(d, "out"))
        with open(os.path.join(d, "out")) as f:
            self.assertEqual(f.read(), "one")
        E.aws("production", "s3api", "delete-object", "--bucket", "emr-objects", "--key", "k")
        with self.assertRaises(CliError) as cm:
            E.aws("production", "s3api", "get-object", "--bucket", "emr-objects", "--key", "k",
                  os.path.join(d, "out2"))
        self.assertEqual(cm.exception.code, "NoSuchKey")
        vs = E.aws("production", "s3api", "list-object-versions", "--bucket", "emr-objects")
        self.assertEqual(sorted(v["VersionId"] for v in vs["Versions"]), sorted([v1, v2]))
        self.assertEqual(len(vs["DeleteMarkers"]), 1)
        self.assertTrue(vs["DeleteMarkers"][0]["IsLatest"])
        E.aws("production", "s3api", "copy-object", "--bucket", "emr-objects", "--key", "k2",
              "--copy-source", f"emr-objects/k?versionId={v1}")
        h = E.aws("production", "s3api", "head-object", "--bucket", "emr-objects", "--key", "k2")
        self.assertEqual(h["ETag"], '"' + hashlib.md5(b"one").hexdigest() + '"')
        with self.assertRaises(CliError) as cm:
            E.aws("production", "s3api", "delete-bucket", "--bucket", "emr-objects")
        self.assertEqual(cm.exception.code, "BucketNotEmpty")

    def test_large_file_multipart_with_high_level_cli(self):
        E.aws("production", "s3api", "create-bucket", "--bucket", "emr-large")
        d = tmpdir("big-")
        src = os.path.join(d, "big.bin")
        data = os.urandom(9 << 20)
        with open(src, "wb") as f:
            f.write(data)
        E.aws("production", "s3", "cp", src, "s3://emr-large/dumps/big.bin", raw=True)
        h = E.aws("production", "s3api", "head-object", "--bucket", "emr-large", "--key",
                  "dumps/big.bin")
        self.assertEqual(h["ContentLength"], len(data))
        self.assertRegex(h["ETag"], r'-\d+"$')
        back = os.path.join(d, "back.bin")
        E.aws("production", "s3", "cp", "s3://emr-large/dumps/big.bin", back, raw=True)
        with open(back, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).digest(), hashlib.sha256(data).digest())

    def test_other_account_needs_bucket_policy(self):
        E.admin("POST", "/seed/s3", {"profile": "production", "bucket": "emr-private",
                                     "objects": {"secret.txt": "x"}})
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "s3api", "list-objects-v2", "--bucket", "emr-private", region="us-east-1")
        self.assertEqual(cm.exception.code, "AccessDenied")
        listed = E.aws("production", "s3api", "list-objects-v2", "--bucket", "emr-private")
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["secret.txt"])

    def test_lifecycle_round_trip(self):
        E.aws("production", "s3api", "put-bucket-lifecycle-configuration", "--bucket", "emr-source",
              "--lifecycle-configuration", json.dumps({"Rules": [{
                  "ID": "expire-old", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
                  "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]}))
        got = E.aws("production", "s3api", "get-bucket-lifecycle-configuration", "--bucket", "emr-source")
        self.assertEqual(got["Rules"][0]["NoncurrentVersionExpiration"]["NoncurrentDays"], 30)


class BackupOfBuckets(unittest.TestCase):
    def test_backup_and_restore_to_new_bucket(self):
        from emu import BACKUP_ROLE, wait_job
        E.admin("POST", "/seed/s3", {"profile": "production", "bucket": "emr-docs",
                                     "objects": {"a.txt": "alpha", "d/b.txt": "beta"}})
        E.aws("production", "backup", "create-backup-vault", "--backup-vault-name", "s3-vault")
        job = E.aws("production", "backup", "start-backup-job", "--backup-vault-name", "s3-vault",
                    "--resource-arn", "arn:aws:s3:::emr-docs", "--iam-role-arn",
                    BACKUP_ROLE.format(PROD))
        self.assertEqual(wait_job(E, job["BackupJobId"])["state"], "COMPLETED")
        r = E.aws("production", "backup", "start-restore-job", "--recovery-point-arn",
                  job["RecoveryPointArn"], "--iam-role-arn", BACKUP_ROLE.format(PROD),
                  "--metadata", "DestinationBucketName=emr-docs-restored,NewBucket=true")
        self.assertEqual(wait_job(E, r["RestoreJobId"])["state"], "COMPLETED")
        listed = E.aws("production", "s3api", "list-objects-v2", "--bucket", "emr-docs-restored")
        self.assertEqual(sorted(o["Key"] for o in listed["Contents"]), ["a.txt", "d/b.txt"])
        d = tmpdir("rs-")
        E.aws("production", "s3api", "get-object", "--bucket", "emr-docs-restored", "--key",
              "d/b.txt", os.path.join(d, "b"))
        with open(os.path.join(d, "b")) as f:
            self.assertEqual(f.read(), "beta")


class SnsKms(unittest.TestCase):
    def test_publish_is_kept(self):
        arn = E.aws("production", "sns", "create-topic", "--name", "SharingNotifications")["TopicArn"]
        mid = E.aws("production", "sns", "publish", "--topic-arn", arn, "--subject", "drill",
                    "--message", "drill r1 passed")["MessageId"]
        msgs = E.admin("GET", "/truth/sns")["messages"]
        self.assertIn({"MessageId": mid, "Message": "drill r1 passed"},
                      [{"MessageId": m["MessageId"], "Message": m["Message"]} for m in msgs])
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "sns", "publish", "--topic-arn", arn, "--message", "x", region="us-east-1")
        self.assertEqual(cm.exception.code, "NotFound")

    def test_grant_shares_key(self):
        key = E.admin("POST", "/kms/keys", {"profile": "production", "alias": "grant-me"})["arn"]
        with self.assertRaises(CliError):
            E.aws("dr", "kms", "describe-key", "--key-id", key, region="us-east-1")
        E.aws("production", "kms", "create-grant", "--key-id", key, "--grantee-principal",
              f"arn:aws:iam::{DR}:root", "--operations", "Decrypt", "DescribeKey")
        grants = E.aws("production", "kms", "list-grants", "--key-id", key)["Grants"]
        self.assertEqual(grants[0]["GranteePrincipal"], f"arn:aws:iam::{DR}:root")
        d = E.aws("dr", "kms", "describe-key", "--key-id", key, region="us-east-1")["KeyMetadata"]
        self.assertEqual(d["AWSAccountId"], PROD)
        pol = json.loads(E.aws("production", "kms", "get-key-policy", "--key-id", key,
                               "--policy-name", "default")["Policy"])
        self.assertIn("Statement", pol)


if __name__ == "__main__":
    unittest.main()
