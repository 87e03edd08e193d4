"""drh's EC2 AMI drills end to end against the local emulator: AMIs found by
tag (cross-account, and cross-account and cross-region) or as AWS Backup
recovery points of an instance (cross-region), copied into the target,
launched in an isolated subnet, reached through the tunnel fixture
(fixtures/demo/ec2-tunnel) and probed; then the failures a drill must call:
an AMI not shared, a snapshot not shared, a health check that never answers.
Every test checks drh's exit code, its JUnit verdicts and, from the
emulator's ground truth, that nothing of the run is left alive."""
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
from world import World, PROD, DR, EAST, WEST, KEY  # noqa: E402

from drhrun import DRH  # noqa: E402  (./drh, or the valgrind wrapper)
TUNNEL = os.path.join(ROOT, "fixtures", "demo", "ec2-tunnel") + " {instance_id} {port}"
E = W = None
WORK = None
NET = {}  # (profile, region) -> (subnet, security group)


def setUpModule():
    global E, W, WORK
    require()
    WORK = tempfile.mkdtemp(prefix="drh-it-ec2-", dir=os.environ.get("DRH_EMU_TEST_TMP"))
    E = Emulator().start()
    W = World(E.state, E.endpoint)
    W.admin("POST", "/timing", {"backup": 0.2, "copy": 0.2, "image": 0.2, "instance": 0.2})
    W.vaults()
    for profile, region in (("dr", EAST), ("dr", WEST), ("production", WEST)):
        NET[(profile, region)] = isolated_network(profile, region)


def tearDownModule():
    E.cleanup()


def isolated_network(profile, region):
    """A VPC with a subnet and a security group that allows nothing in."""
    ec2 = W.client(profile, "ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.99.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="drh-isolated", Description="drh drills",
                                   VpcId=vpc)["GroupId"]
    return subnet, sg


def seed_ami(name, tag=None, share_image=True, share_snapshot=True, body="ok app-1",
             status=200):
    """A production AMI in us-east-1, tagged and shared with DR as the
    sharing Lambda does (ModifyImageAttribute, ModifySnapshotAttribute)."""
    r = W.admin("POST", "/seed/ami", {"profile": "production", "name": name,
                                      "health_path": "/health", "health_body": body,
                                      "health_status": status})
    ec2 = W.client("production", "ec2", EAST)
    if tag:
        ec2.create_tags(Resources=[r["image_id"]], Tags=[{"Key": "backup", "Value": tag}])
    if share_image:
        ec2.modify_image_attribute(ImageId=r["image_id"],
                                   LaunchPermission={"Add": [{"UserId": DR}]})
    if share_snapshot:
        ec2.modify_snapshot_attribute(SnapshotId=r["snapshot_id"],
                                      CreateVolumePermission={"Add": [{"UserId": DR}]})
    return r["image_id"], r["snapshot_id"]


def probes(regex="^ok", timeout="20s"):
    return [{"kind": "status"},
            {"kind": "http", "name": "health", "port": 80, "path": "/health", "status": 200,
             "body": regex, "timeout": timeout},
            {"kind": "tcp", "name": "ssh", "port": 22, "timeout": timeout}]


def drill(name, resource, target_profile="dr", target_region=EAST):
    account = DR if target_profile == "dr" else PROD
    subnet, sg = NET[(target_profile, target_region)]
    target = {"account": account, "region": target_region, "profile": "production",
              "kms_key": KEY, "isolation": {"subnet": subnet, "security_groups": [sg]}}
    if account == DR:
        target.update({"role_arn": f"arn:aws:iam::{DR}:role/DrhDrillRole",
                       "external_id": "drh-drill"})
    else:  # the production account's DR region: allowed on purpose
        target["allow_production"] = True
    d = {"drill": {"name": name, "owner": "tests"}, "objectives": {"rto": "1h", "rpo": "24h"},
         "source": {"account": PROD, "region": EAST, "profile": "production",
                    "vault": "prod-vault"},
         "target": target, "resources": [resource]}
    path = os.path.join(WORK, name + ".json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path


def tag_resource(name, tag, **extra):
    r = {"name": name, "type": "ec2", "source": "i-0123456789abcdef0", "path": "tag",
         "image": {"tag": {"key": "backup", "value": tag}}, "copy": True,
         "restore": {"instance_type": "t3.micro"}, "reach": {"tunnel": TUNNEL},
         "probes": probes()}
    r.update(extra)
    return r


def Run(drill_path, run_id, **kw):
    return DrhRun(W, WORK, drill_path, run_id, **kw)



class Ec2Drill(unittest.TestCase):
    def check(self, run, want):
        cases = run.cases()
        for step, status in want.items():
            self.assertEqual(cases.get(step, ("missing",))[0], status,
                             f"{step}: {cases.get(step)}\n{run.explain()}")
        self.assertEqual(W.alive_of_run(run.run_id), [], run.explain())
        return cases

    def passed(self, run, shared="passed"):
        self.assertEqual(run.rc, 0, run.explain())
        steps = ["select", "copy", "launch", "available", "probe status", "probe health",
                 "probe ssh", "rto", "rpo", "teardown"]
        want = {s: "passed" for s in steps}
        want["shared"] = shared
        self.check(run, want)
        p = run.props()
        self.assertTrue(p["copy_image_id"].startswith("ami-"))
        self.assertNotEqual(p["copy_image_id"], p["image_id"])
        self.assertTrue(p["instance_id"].startswith("i-"))
        self.assertGreater(float(p["rto_seconds"]), 0)
        return p

    def test_tag_path_cross_account(self):
        image, _ = seed_ami("web-nightly", tag="web")
        run = Run(drill("it-ec2-tag", tag_resource("web", "web")), "it-ec2-tag-1")
        p = self.passed(run)
        self.assertEqual(p["image_id"], image)
        self.assertLess(float(p["rpo_seconds"]), 600)

    def test_tag_path_cross_account_and_region(self):
        image, _ = seed_ami("api-nightly", tag="api")
        run = Run(drill("it-ec2-west", tag_resource("api", "api"), target_region=WEST),
                  "it-ec2-west-1")
        p = self.passed(run)
        self.assertEqual(p["image_id"], image)
        copy = p["copy_image_id"]
        # the copy lived in the DR account's us-west-2, and is gone
        with self.assertRaises(Exception):
            W.client("dr", "ec2", WEST).describe_images(ImageIds=[copy])

    def test_backup_path_cross_region(self):
        """An AWS Backup recovery point (an AMI of the instance), an hour old,
        copied from us-east-1 to us-west-2 in the production account."""
        image, _ = seed_ami("app-server", share_image=False, share_snapshot=False)
        inst = W.client("production", "ec2", EAST).run_instances(
            ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro")
        iid = inst["Instances"][0]["InstanceId"]
        rp = W.admin("POST", "/backup/now", {
            "profile": "production", "vault": "prod-vault", "seconds_ago": 3600,
            "resource_arn": f"arn:aws:ec2:{EAST}:{PROD}:instance/{iid}"})
        res = tag_resource("app", "unused", source=iid, path="backup")
        del res["image"]
        run = Run(drill("it-ec2-backup", res, target_profile="production", target_region=WEST),
                  "it-ec2-backup-1")
        p = self.passed(run, shared="skipped")
        self.assertIn(p["image_id"], json.dumps(rp))
        self.assertGreaterEqual(float(p["rpo_seconds"]), 3600)
        self.assertLess(float(p["rpo_seconds"]), 3600 + 600)

    def test_ami_not_shared(self):
        image, _ = seed_ami("unshared", tag="unshared", share_image=False)
        run = Run(drill("it-ec2-unshared", tag_resource("unshared", "unshared")),
                  "it-ec2-unshared-1")
        self.assertEqual(run.rc, 1, run.explain())
        cases = self.check(run, {"select": "passed", "shared": "failure", "copy": "skipped",
                                 "launch": "skipped", "teardown": "passed"})
        msg = cases["shared"][1]
        self.assertIn(f"image {image} has no launch permission for account {DR}", msg)
        self.assertIn("ModifyImageAttribute", msg)

    def test_snapshot_not_shared(self):
        image, snap = seed_ami("snap-unshared", tag="snap-unshared", share_snapshot=False)
        run = Run(drill("it-ec2-snap", tag_resource("snap", "snap-unshared")), "it-ec2-snap-1")
        self.assertEqual(run.rc, 1, run.explain())
        cases = self.check(run, {"shared": "failure", "copy": "skipped"})
        msg = cases["shared"][1]
        self.assertIn(f"snapshot {snap} of image {image} has no createVolumePermission", msg)
        self.assertNotIn("launch permission", msg)

    def test_health_check_never_answers(self):
        """The app answers, but not with its health body: the http probe fails
        within its timeout, and the instance and the copy are still torn down."""
        seed_ami("broken-app", tag="broken", body="maintenance mode")
        res = tag_resource("broken", "broken", probes=probes(timeout="3s"))
        run = Run(drill("it-ec2-broken", res), "it-ec2-broken-1")
        self.assertEqual(run.rc, 1, run.explain())
        cases = self.check(run, {"launch": "passed", "available": "passed",
                                 "probe status": "passed", "probe health": "failure",
                                 "probe ssh": "passed", "rto": "failure",
                                 "teardown": "passed"})
        self.assertIn("does not match /^ok/", cases["probe health"][1])
        self.assertLess(run.seconds, 60, run.explain())

    def test_health_status_500(self):
        """The app answers 500: its status checks never pass (the emulator
        calls an instance impaired 20 s after launch), the drill fails at
        "available" and the instance is still torn down."""
        seed_ami("down-app", tag="down", status=500)
        run = Run(drill("it-ec2-down", tag_resource("down", "down")), "it-ec2-down-1")
        self.assertEqual(run.rc, 1, run.explain())
        cases = self.check(run, {"launch": "passed", "available": "failure",
                                 "probe health": "skipped", "teardown": "passed"})
        self.assertIn("failed its status checks", cases["available"][1])


if __name__ == "__main__":
    unittest.main()
