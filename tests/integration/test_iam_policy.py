"""drh iam-policy against what drh really does: real drills run against the
emulator, whose record of every call (GET /_emulator/truth/calls: account,
service, operation) is checked against the policies `drh iam-policy` prints
for the same drill file. Every operation drh made in the source account must
be allowed by the source policy, every one in the target account by the
target policy; and the policies may hold no action the run did not need,
beyond the documented ALLOWED_UNUSED below. The DR vault's access policy is
replaced by the one drh prints before the cross-account copy, so the
emulator's own policy evaluation proves it lets the copy in.

What a recorded call cannot tell (it carries no resource ARN) is whether a
statement's Resource and Condition match: the unit suite iam-policy checks
those scopes."""
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "demo"))

from drhrun import DrhRun, DRH  # noqa: E402
from emu import Emulator, require  # noqa: E402
from world import World, PROD, DR, EAST, KEY, SUBNET_GROUP, SECURITY_GROUP  # noqa: E402

E = W = None
WORK = None

# Service signing names as the emulator records them -> IAM prefixes.
PREFIX = {"rds": "rds", "backup": "backup", "ec2": "ec2", "elasticfilesystem": "elasticfilesystem",
          "s3": "s3", "kms": "kms", "sts": "sts"}
# S3 operations whose IAM action has another name (either one of a pair will do:
# the record does not say whether a versionId was given).
S3_ACTIONS = {
    "HeadObject": ("s3:GetObject", "s3:GetObjectVersion"),
    "GetObject": ("s3:GetObject", "s3:GetObjectVersion"),
    "DeleteObject": ("s3:DeleteObject", "s3:DeleteObjectVersion"),
    "DeleteObjects": ("s3:DeleteObject", "s3:DeleteObjectVersion"),
    "HeadBucket": ("s3:ListBucket",),
    "ListObjectVersions": ("s3:ListBucketVersions",),
    "ListObjectsV2": ("s3:ListBucket",),
    "GetBucketReplication": ("s3:GetReplicationConfiguration",),
    "GetBucketLifecycleConfiguration": ("s3:GetLifecycleConfiguration",),
}
# Not the drill role's concern: AssumeRole is made with the caller's own
# credentials (the profile's) into the role; its trust policy decides.
NOT_CHECKED = {("sts", "AssumeRole"), ("sts", "AssumeRoleWithWebIdentity")}

# Actions a policy may hold that these runs do not call, and why: AWS checks
# them for a call drh makes, drh never sends them itself.
ALLOWED_UNUSED = {
    "iam:PassRole": "checked by AWS for StartCopyJob and StartRestoreJob (the job's role)",
    "kms:CreateGrant": "checked by AWS through RDS when a snapshot copy or restore is encrypted",
}


def setUpModule():
    global E, W, WORK
    require()
    WORK = tempfile.mkdtemp(prefix="drh-it-iam-", dir=os.environ.get("DRH_EMU_TEST_TMP"))
    E = Emulator().start()
    W = World(E.state, E.endpoint)
    W.admin("POST", "/timing", {"backup": 0.3, "copy": 0.3, "restore": 0.3, "snapshot": 0.2})
    W.vaults()
    W.isolation()
    W.database("postgres", "iam-pg")
    W.backup_now("postgres", "iam-pg", seconds_ago=3600)


def tearDownModule():
    E.cleanup()


def drill(name, resource, **target_extra):
    target = {"account": DR, "region": EAST, "profile": "production",
              "role_arn": f"arn:aws:iam::{DR}:role/DrhDrillRole", "external_id": "drh-drill",
              "isolation": {"db_subnet_group": SUBNET_GROUP, "security_groups": [SECURITY_GROUP]}}
    target.update(target_extra)
    source = {"account": PROD, "region": EAST, "profile": "production"}
    if resource.get("path", "backup") == "backup":
        source["vault"] = "prod-vault"
    d = {"drill": {"name": name, "owner": "tests"}, "source": source, "target": target,
         "resources": [resource]}
    path = os.path.join(WORK, name + ".json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path


def resource(path):
    return {"name": f"pg-{path}", "type": "rds", "engine": "postgres", "source": "iam-pg",
            "path": path, "probes": [{"kind": "tables", "tables": [{"name": "public.orders",
                                                                      "min_rows": 1000}]}]}


def iam_policy(path, side):
    r = subprocess.run([DRH, "iam-policy", "--side", side, path], capture_output=True, text=True,
                       timeout=60)
    if r.returncode == 2 and "unknown command" in r.stderr:
        raise AssertionError("./drh has no iam-policy command: cli.c must look up "
                             "cli_tool_commands (harness/cli_tools.h)")
    if r.returncode != 0:
        raise AssertionError(f"drh iam-policy --side {side}: rc {r.returncode}: {r.stderr}")
    return json.loads(r.stdout) if r.stdout.strip() else None


def allowed_actions(policy):
    """Every Action pattern of the policy's Allow statements."""
    out = []
    for st in policy["Statement"]:
        if st["Effect"] != "Allow":
            continue
        acts = st["Action"]
        out.extend([acts] if isinstance(acts, str) else acts)
    return out


def needed(call):
    """The IAM actions one recorded call may need (any one of them will do)."""
    svc, op = call["service"], call["operation"]
    if svc == "s3" and op in S3_ACTIONS:
        return S3_ACTIONS[op]
    return (f"{PREFIX[svc]}:{op}",)


def calls_between(t0, t1):
    return [c for c in W.admin("GET", "/truth/calls")["calls"] if t0 <= c["time"] <= t1]


class PolicyCoversRun(unittest.TestCase):
    def check(self, path, run_id):
        policies = {PROD: iam_policy(path, "source"), DR: iam_policy(path, "target")}
        t0 = time.time()
        run = DrhRun(W, WORK, path, run_id)
        t1 = time.time()
        self.assertEqual(run.rc, 0, run.explain())
        self.assertEqual(W.alive_of_run(run_id), [], run.explain())
        calls = calls_between(t0, t1)
        self.assertTrue(calls)
        used = {PROD: set(), DR: set()}
        denied = set()
        for c in calls:
            if (c["service"], c["operation"]) in NOT_CHECKED:
                continue
            self.assertIn(c["account"], policies, f"a call in an account the drill never named: {c}")
            patterns = allowed_actions(policies[c["account"]])
            acts = needed(c)
            side = "source" if c["account"] == PROD else "target"
            if not any(fnmatch.fnmatchcase(a.lower(), p.lower()) for a in acts for p in patterns):
                denied.add(f"{side} ({c['account']}): {c['service']} {c['operation']} needs "
                           f"{' or '.join(acts)}")
            used[c["account"]].update(acts)
        self.assertEqual(sorted(denied), [], "drh made calls its policies do not allow")
        for account, policy in policies.items():
            side = "source" if account == PROD else "target"
            extra = sorted(a for a in allowed_actions(policy)
                           if a not in used[account] and a not in ALLOWED_UNUSED)
            self.assertEqual(extra, [], f"the {side} policy allows what this run never needed "
                                        f"(and ALLOWED_UNUSED does not explain)")
        return used

    def test_backup_copy_across_accounts(self):
        """AWS Backup: list in production, copy job into DR (through the vault
        policy drh printed), restore job, password, teardown."""
        path = drill("iam-backup", resource("backup"), vault="dr-vault")
        vault = iam_policy(path, "vault")
        self.assertIsNotNone(vault, "a copy into another account needs a vault policy")
        W.client("dr", "backup", EAST).put_backup_vault_access_policy(
            BackupVaultName="dr-vault", Policy=json.dumps(vault))
        used = self.check(path, "it-iam-backup-1")
        self.assertIn("backup:StartCopyJob", used[PROD])
        self.assertIn("backup:StartRestoreJob", used[DR])
        self.assertIn("rds:ModifyDBInstance", used[DR])

    def test_snapshot_share(self):
        """A snapshot production shared: copied into DR with DR's key, restored,
        torn down; production sees nothing but who drh is."""
        W.share_snapshot("postgres", "iam-pg")
        path = drill("iam-snap", resource("snapshot"), kms_key=KEY)
        self.assertIsNone(iam_policy(path, "vault"))
        used = self.check(path, "it-iam-snap-1")
        self.assertEqual(used[PROD], {"sts:GetCallerIdentity"})
        self.assertIn("rds:CopyDBSnapshot", used[DR])
        self.assertIn("rds:DeleteDBSnapshot", used[DR])


if __name__ == "__main__":
    unittest.main()
