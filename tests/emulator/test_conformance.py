"""Every operation the emulator implements, called through botocore's own
clients: responses (and errors) must parse with botocore's parser for the
service's protocol, and carry no element or key the service model does not
define. The test fails if an implemented operation is not exercised."""
import json
import os
import sys
import time
import unittest
from xml.etree import ElementTree

try:
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import ClientError
    from botocore import xform_name
except ImportError:         # require() skips the module
    botocore = None

from emu import require, Emulator, ROOT

sys.path.insert(0, os.path.join(ROOT, "fixtures", "emulator"))
E = None
EAST, WEST = "us-east-1", "us-west-2"
MODEL = {"sts": "sts", "backup": "backup", "rds": "rds", "ec2": "ec2", "efs": "efs",
         "s3": "s3", "sns": "sns", "kms": "kms"}


def setUpModule():
    global E
    require()
    E = Emulator().start()
    for k in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[k]
    os.environ.update({"AWS_CONFIG_FILE": f"{E.state}/aws/config", "AWS_EC2_METADATA_DISABLED": "true",
                       "AWS_SHARED_CREDENTIALS_FILE": f"{E.state}/aws/credentials"})
    E.admin("POST", "/timing", {k: 0.1 for k in ("backup", "copy", "restore", "snapshot", "image",
                                                 "replication", "instance")})


def tearDownModule():
    E.cleanup()


def implemented():
    from emulator import (svc_sts, svc_backup, svc_rds, svc_ec2, svc_efs, svc_s3, svc_sns,
                          svc_kms)
    out = set()
    for mod in (svc_sts, svc_backup, svc_rds, svc_ec2, svc_efs, svc_s3, svc_sns, svc_kms):
        out |= {(mod.SERVICE, op) for op in mod.OPS}
    return out


def _strip(e):
    for x in e.iter():
        if "}" in x.tag:
            x.tag = x.tag.split("}", 1)[1]
    return e


def check_xml(shape, elem, path):
    if shape.type_name == "structure":
        names = {}
        for n, m in shape.members.items():
            if not m.serialization.get("location"):
                names[m.serialization.get("name", n)] = m
        for child in elem:
            if child.tag not in names:
                raise AssertionError(f"{path}: element <{child.tag}> not in shape {shape.name}")
            m = names[child.tag]
            if m.type_name == "list" and m.serialization.get("flattened"):
                check_xml(m.member, child, f"{path}/{child.tag}")
            else:
                check_xml(m, child, f"{path}/{child.tag}")
    elif shape.type_name == "list":
        item = shape.member.serialization.get("name")
        for child in elem:
            if item and child.tag != item:
                raise AssertionError(f"{path}: list item <{child.tag}> should be <{item}>")
            check_xml(shape.member, child, f"{path}/{child.tag}")
    elif shape.type_name == "map":
        for entry in elem:
            for kv in entry:
                check_xml(shape.value if kv.tag != shape.key.serialization.get("name", "key")
                          else shape.key, kv, f"{path}/entry")
    elif len(elem):
        raise AssertionError(f"{path}: scalar {shape.name} has child elements")


def check_json(shape, value, path):
    if shape.type_name == "structure":
        if getattr(shape, "is_document_type", False):
            return
        names = {m.serialization.get("name", n): m for n, m in shape.members.items()
                 if not m.serialization.get("location")}
        if not isinstance(value, dict):
            raise AssertionError(f"{path}: expected an object for {shape.name}")
        for k, v in value.items():
            if k not in names:
                raise AssertionError(f"{path}: key {k!r} not in shape {shape.name}")
            check_json(names[k], v, f"{path}.{k}")
    elif shape.type_name == "list":
        for i, v in enumerate(value):
            check_json(shape.member, v, f"{path}[{i}]")
    elif shape.type_name == "map":
        for k, v in value.items():
            check_json(shape.value, v, f"{path}.{k}")


class Recorder:
    def __init__(self, test):
        self.test = test
        self.called = set()
        self.raw = None
        self.clients = {}

    def client(self, service, profile, region=EAST):
        key = (service, profile, region)
        if key not in self.clients:
            s = botocore.session.Session(profile=profile)
            c = s.create_client(service, region_name=region, endpoint_url=E.endpoint,
                                config=Config(retries={"max_attempts": 1},
                                              s3={"addressing_style": "path"}))
            c.meta.events.register("response-received", self._capture)
            self.clients[key] = c
        return self.clients[key]

    def _capture(self, response_dict=None, **kw):
        self.raw = (None, response_dict)

    def strict(self, op_model):
        model, resp = self.raw
        self.raw = None
        if resp is None:
            raise AssertionError(f"{op_model.name}: no response captured")
        body = resp.get("body") or b""
        if not isinstance(body, bytes):
            return
        shape = op_model.output_shape
        proto = op_model.metadata["protocol"]
        if shape is None or not body or resp["status_code"] >= 300:
            return
        if proto in ("json", "rest-json"):
            check_json(shape, json.loads(body), op_model.name)
        elif proto in ("query", "ec2"):
            root = _strip(ElementTree.fromstring(body))
            wrapper = shape.serialization.get("resultWrapper")
            node = root.find(wrapper) if wrapper else root
            extra = {"ResponseMetadata", "requestId"}
            node_children = [c for c in node if c.tag not in extra] if node is not None else []
            fake = ElementTree.Element("x")
            fake.extend(node_children)
            check_xml(shape, fake, op_model.name)
        elif proto == "rest-xml":
            payload = shape.serialization.get("payload")
            if payload and shape.members[payload].type_name != "structure":
                return
            root = _strip(ElementTree.fromstring(body))
            check_xml(shape.members[payload] if payload else shape, root, op_model.name)

    def call(self, service, op, profile="production", region=EAST, **params):
        c = self.client(service, profile, region)
        self.called.add((MODEL[service], op))
        out = getattr(c, xform_name(op))(**params)
        self.strict(c.meta.service_model.operation_model(op))
        self.test.assertIn("ResponseMetadata", out)
        return out

    def error(self, code, service, op, profile="production", region=EAST, **params):
        c = self.client(service, profile, region)
        self.called.add((MODEL[service], op))
        with self.test.assertRaises(ClientError) as cm:
            getattr(c, xform_name(op))(**params)
        err = cm.exception.response["Error"]
        self.test.assertEqual(err["Code"], code, f"{service} {op}: {err}")
        self.test.assertTrue(err.get("Message") or op in ("HeadObject", "HeadBucket"), err)
        return cm.exception.response


def wait_for(fn, want, timeout=60):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last == want:
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {want!r}, last {last!r}")


class Conformance(unittest.TestCase):
    """One test per service, in order; the last checks every operation was called."""
    recorder = None

    @classmethod
    def setUpClass(cls):
        cls.recorder = None

    def step(self, name):
        from conformance_steps import STEPS
        if Conformance.recorder is None:
            Conformance.recorder = Recorder(self)
        r = Conformance.recorder
        r.test = self
        dict((f.__name__, f) for f in STEPS)[name](r, E, self)

    def test_01_sts(self):
        self.step("sts")

    def test_02_kms(self):
        self.step("kms")

    def test_03_sns(self):
        self.step("sns")

    def test_04_ec2(self):
        self.step("ec2")

    def test_05_efs(self):
        self.step("efs")

    def test_06_s3(self):
        self.step("s3")

    def test_07_rds(self):
        self.step("rds")

    def test_08_backup(self):
        self.step("backup")

    def test_99_every_implemented_operation_was_called(self):
        self.assertIsNotNone(Conformance.recorder)
        missing = implemented() - Conformance.recorder.called
        self.assertEqual(sorted(missing), [], "implemented operations never exercised")
        self.assertGreater(len(Conformance.recorder.called), 100)


class StrictChecker(unittest.TestCase):
    """The strict checks themselves can fail."""
    def test_rejects_unknown_xml_element_and_json_key(self):
        sm = botocore.session.get_session().get_service_model("rds")
        shape = sm.operation_model("DescribeDBClusters").output_shape
        bad = ElementTree.fromstring("<x><DBClusters><DBCluster><Bogus>1</Bogus></DBCluster>"
                                     "</DBClusters></x>")
        with self.assertRaises(AssertionError):
            check_xml(shape, bad, "t")
        good = ElementTree.fromstring("<x><DBClusters><DBCluster><Status>a</Status></DBCluster>"
                                      "</DBClusters></x>")
        check_xml(shape, good, "t")
        bshape = botocore.session.get_session().get_service_model("backup") \
            .operation_model("DescribeBackupVault").output_shape
        with self.assertRaises(AssertionError):
            check_json(bshape, {"BackupVaultName": "v", "Nope": 1}, "t")


if __name__ == "__main__":
    unittest.main()
