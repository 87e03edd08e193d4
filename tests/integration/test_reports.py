"""The reports of a real drill run, as CI systems, engineers and auditors
read them: the signed evidence bundle (checked by drh evidence verify, by
sha256sum and by the openssl CLI, and tampered with), the HTML page rendered
in headless Chromium, the Markdown summary appended to $GITHUB_STEP_SUMMARY,
and the Prometheus metrics read through the real node_exporter. Every
JUnit report is checked against the schema by drhrun.check_junit."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "demo"))

from drhrun import DrhRun, DRH  # noqa: E402
from emu import Emulator, require  # noqa: E402
from world import World, PROD, DR, EAST, KEY, SUBNET_GROUP, SECURITY_GROUP  # noqa: E402

TOOLS = os.path.join(ROOT, "tests", "tools")
PY = "/usr/bin/python3"
E = W = None
WORK = None
KEY_PEM = PUB_PEM = None
# The page's colours for a passed and a failed step (reports/html/html_page.c).
PASS_COLOR, FAIL_COLOR = "1a7f37", "cf222e"
CONTROLS = [{"framework": "ISO 27001:2022", "control": "A.8.13",
             "title": "Information backup"},
            {"framework": "SOC 2", "control": "A1.2"}]


def setUpModule():
    global E, W, WORK, KEY_PEM, PUB_PEM
    require()
    WORK = tempfile.mkdtemp(prefix="drh-reports-", dir=os.environ.get("DRH_EMU_TEST_TMP"))
    E = Emulator().start()
    W = World(E.state, E.endpoint)
    W.admin("POST", "/timing", {"backup": 0.3, "copy": 0.3, "restore": 0.3, "snapshot": 0.2})
    W.vaults()
    W.isolation()
    W.database("postgres", "reports-pg")
    W.backup_now("postgres", "reports-pg", seconds_ago=3600)
    key = os.path.join(WORK, "signing.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True)
    os.chmod(key, 0o600)
    with open(key) as f:
        KEY_PEM = f.read()
    PUB_PEM = os.path.join(WORK, "signing.pub.pem")
    subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", PUB_PEM], check=True)


def tearDownModule():
    E.cleanup()


def write_drill(name, resources, **top):
    d = {"drill": {"name": name, "owner": "tests", "controls": CONTROLS},
         "objectives": {"rto": "1h", "rpo": "1d"},
         "source": {"account": PROD, "region": EAST, "profile": "production",
                    "vault": "prod-vault"},
         "target": {"account": DR, "region": EAST, "profile": "production",
                    "role_arn": f"arn:aws:iam::{DR}:role/DrhDrillRole",
                    "external_id": "drh-drill", "vault": "dr-vault", "kms_key": KEY,
                    "isolation": {"db_subnet_group": SUBNET_GROUP,
                                  "security_groups": [SECURITY_GROUP]}},
         "resources": resources}
    d.update(top)
    path = os.path.join(WORK, name + ".json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path


def run_with_reports(name, path, run_id, extra_env=None):
    out = os.path.join(WORK, name)
    os.makedirs(os.path.join(out, "textfile"), exist_ok=True)
    argv = [DRH, "run", path, "--run-id", run_id, "--junit", os.path.join(WORK, run_id + ".xml"),
            "--evidence", os.path.join(out, "evidence"), "--html", os.path.join(out, "html"),
            "--metrics", os.path.join(out, "textfile", "drh.prom"),
            "--summary", os.path.join(out, "summary.md")]
    run = DrhRun(W, WORK, path, run_id, argv=argv, extra_env=extra_env)
    run.evidence = os.path.join(out, "evidence")
    run.out_dir = out
    return run


def tool(*args):
    r = subprocess.run([PY] + list(args), capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout, r.stderr


def files_under(folder):
    found = set()
    for base, _, names in os.walk(folder):
        for n in names:
            found.add(os.path.relpath(os.path.join(base, n), folder))
    return found


def verify(bundle, *extra):
    r = subprocess.run([DRH, "evidence", "verify", bundle] + list(extra), capture_output=True,
                       text=True)
    return r.returncode, r.stdout + r.stderr


class SignedBundle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = write_drill("reports-pass", [
            {"name": "orders", "type": "rds", "engine": "postgres", "source": "reports-pg",
             "probes": [{"kind": "tables", "tables": [{"name": "public.orders",
                                                       "min_rows": 1000}]}]},
            {"name": "app", "type": "check", "probes": [{"kind": "command",
                                                         "command": "true"}]}])
        cls.step_summary = os.path.join(WORK, "step-summary.md")
        with open(cls.step_summary, "w") as f:
            f.write("# an earlier step\n")
        env = {"DRH_SIGNING_KEY": KEY_PEM, "GITHUB_ACTIONS": "true",
               "GITHUB_SERVER_URL": "https://github.example", "GITHUB_REPOSITORY": "acme/infra",
               "GITHUB_RUN_ID": "4242", "GITHUB_JOB": "dr-nightly", "GITHUB_SHA": "0123abcd",
               "GITHUB_STEP_SUMMARY": cls.step_summary}
        cls.drh = run_with_reports("pass", cls.path, "reports-pass-1", env)
        cls.bundle = os.path.join(cls.drh.evidence, "reports-pass-1")

    def test_bundle_is_complete_and_signed(self):
        run = self.drh
        self.assertEqual(run.rc, 0, run.explain())
        self.assertIn("(signed, key sha256:", run.out)
        self.assertEqual(files_under(self.bundle), {
            "evidence.json", "junit.xml", "drh.log", "report.html", "summary.md",
            "drills/reports-pass.json", "SHA256SUMS", "SHA256SUMS.sig", "signer.pem"})
        r = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=self.bundle,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout.count(": OK"), 6, r.stdout)
        # the openssl CLI, independent of drh, checks the signature with our public key
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", PUB_PEM,
                            "-rawin", "-in", "SHA256SUMS", "-sigfile", "SHA256SUMS.sig"],
                           cwd=self.bundle, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rc, out = verify(self.bundle, "--public-key", PUB_PEM)
        self.assertEqual(rc, 0, out)
        self.assertIn("pinned", out)
        # the bundle's JUnit is the run's, and passes the CI checks too
        with open(os.path.join(self.bundle, "junit.xml"), "rb") as a, \
                open(run.junit, "rb") as b:
            self.assertEqual(a.read(), b.read())
        # no secret anywhere: the signing key, in no file and no output
        body = KEY_PEM.strip().splitlines()[1]
        for name in files_under(os.path.join(WORK, "pass")):
            with open(os.path.join(WORK, "pass", name), "rb") as f:
                self.assertNotIn(body.encode(), f.read(), name)
        self.assertNotIn(body, run.out + run.err)

    def test_evidence_carries_what_auditors_ask(self):
        ev = self.drh.evidence_doc()
        with open(self.path, "rb") as f:
            raw = f.read()
        d = ev["drills"][0]
        self.assertEqual(d["file_sha256"], hashlib.sha256(raw).hexdigest())
        self.assertEqual(d["bundle_file"], "drills/reports-pass.json")
        with open(os.path.join(self.bundle, d["bundle_file"]), "rb") as f:
            self.assertEqual(f.read(), raw)
        self.assertEqual(d["controls"], [dict(c, title=c.get("title")) for c in CONTROLS])
        self.assertEqual(d["rto_objective_seconds"], 3600)
        who = ev["runner"]
        self.assertEqual(who["ci"]["system"], "github-actions")
        self.assertEqual(who["ci"]["run_url"], "https://github.example/acme/infra/actions/runs/4242")
        self.assertEqual(who["ci"]["commit"], "0123abcd")
        self.assertTrue(who["user"] and who["host"] and who["pid"] > 0)
        self.assertIn("--evidence", who["command"])
        orders = [r for r in d["resources"] if r["resource"] == "orders"][0]
        for key in ("recovery_point_arn", "copy_job_id", "copy_arn", "restore_job_id",
                    "restored_arn", "rto_seconds", "rpo_seconds", "t0"):
            self.assertIn(key, orders)
        self.assertEqual(orders["teardown_left"], 0)
        self.assertRegex(orders["teardown"], r"^[1-9] deleted, 0 left$")
        suite = [s for s in ev["suites"] if s["name"] == "reports-pass/orders"][0]
        self.assertEqual((suite["drill"], suite["resource"]), ("reports-pass", "orders"))
        self.assertEqual(suite["file"], self.path)
        starts = [c["started"] for c in suite["cases"] if c["seconds"] > 0]
        self.assertEqual(starts, sorted(starts))
        self.assertTrue(all(c["classname"] == "reports-pass/orders" for c in suite["cases"]))
        with open(os.path.join(self.bundle, "drh.log")) as f:
            log = f.read()
        self.assertIn(f"reports-pass/orders: teardown passed: {orders['teardown']}", log)
        self.assertIn("evidence: sealing", log)

    def test_tampering_is_named(self):
        cases = {
            "altered": lambda b: open(os.path.join(b, "evidence.json"), "a").write(" "),
            "missing": lambda b: os.remove(os.path.join(b, "junit.xml")),
            "added": lambda b: open(os.path.join(b, "extra.txt"), "w").write("x"),
        }
        for what, change in cases.items():
            copy = os.path.join(WORK, "tamper-" + what)
            shutil.copytree(self.bundle, copy)
            change(copy)
            rc, out = verify(copy, "--public-key", PUB_PEM)
            self.assertEqual(rc, 1, out)
            name = {"altered": "evidence.json", "missing": "junit.xml",
                    "added": "extra.txt"}[what]
            self.assertIn(f"{what}: {name}", out)
        # rewriting SHA256SUMS to match an edit breaks the signature instead
        copy = os.path.join(WORK, "tamper-resealed")
        shutil.copytree(self.bundle, copy)
        with open(os.path.join(copy, "evidence.json"), "a") as f:
            f.write(" ")
        sums = subprocess.run("sha256sum $(cut -c67- SHA256SUMS)", shell=True, cwd=copy,
                              capture_output=True, text=True, check=True).stdout
        with open(os.path.join(copy, "SHA256SUMS"), "w") as f:
            f.write(sums)
        rc, out = verify(copy, "--public-key", PUB_PEM)
        self.assertEqual(rc, 1, out)
        self.assertIn("INVALID", out)

    def test_html_page_renders_in_chromium(self):
        page = os.path.join(self.bundle, "report.html")
        with open(page) as f:
            html = f.read()
        for external in ("src=\"http", "href=\"http", "url(", "@import", "<script src"):
            self.assertNotIn(external, html)
        self.assertIn("<svg", html)
        self.assertIn("A.8.13", html)
        png = os.path.join(WORK, "pass.png")
        rc, out, err = tool(os.path.join(TOOLS, "render_html.py"), page, png,
                            "--expect-color", PASS_COLOR)
        self.assertEqual(rc, 0, out + err)
        html_dir = os.path.join(self.drh.out_dir, "html")
        self.assertTrue(os.path.exists(os.path.join(html_dir, "reports-pass-1.html")))
        with open(os.path.join(html_dir, "index.html")) as f:
            self.assertIn("reports-pass-1.html", f.read())

    def test_summary_and_metrics(self):
        with open(self.step_summary) as f:
            text = f.read()
        self.assertTrue(text.startswith("# an earlier step\n"), text[:200])
        self.assertIn("PASSED", text)
        self.assertIn("reports-pass-1", text)
        with open(os.path.join(self.drh.out_dir, "summary.md")) as f:
            self.assertIn("| reports-pass | orders |", f.read())
        rc, out, err = tool(os.path.join(TOOLS, "node_exporter_check.py"),
                            os.path.join(self.drh.out_dir, "textfile"))
        self.assertEqual(rc, 0, out + err)
        got = {(s["name"], s["labels"].get("resource")): s["value"]
               for s in json.loads(out)["samples"] if s["labels"].get("drill") == "reports-pass"}
        self.assertEqual(got[("drh_drill_success", None)], 1)
        self.assertEqual(got[("drh_teardown_leftovers", "orders")], 0)
        self.assertAlmostEqual(got[("drh_rto_seconds", "orders")],
                               float(self.drh.props("orders")["rto_seconds"]), delta=0.051)
        self.assertAlmostEqual(got[("drh_rpo_seconds", "orders")],
                               float(self.drh.props("orders")["rpo_seconds"]), delta=0.051)


class FailingRun(unittest.TestCase):
    def test_failures_first_everywhere(self):
        path = write_drill("reports-fail", [
            {"name": "app", "type": "check",
             "probes": [{"kind": "command", "command": "echo 'orders table is empty' >&2; false"}]}])
        run = run_with_reports("fail", path, "reports-fail-1")
        self.assertEqual(run.rc, 1, run.explain())
        cases = run.cases(by_resource=True)
        bad = [k for k, v in cases.items() if v[0] == "failure"]
        self.assertTrue(bad, run.explain())
        bundle = os.path.join(run.evidence, "reports-fail-1")
        rc, out = verify(bundle)
        self.assertEqual(rc, 0, out)
        self.assertIn("unsigned", out)
        page = os.path.join(bundle, "report.html")
        with open(page) as f:
            html = f.read()
        first_fail = html.find(bad[0][1])
        self.assertGreater(first_fail, 0)
        png = os.path.join(WORK, "fail.png")
        rc, out, err = tool(os.path.join(TOOLS, "render_html.py"), page, png,
                            "--expect-color", FAIL_COLOR)
        self.assertEqual(rc, 0, out + err)
        with open(os.path.join(run.out_dir, "summary.md")) as f:
            md = f.read()
        self.assertIn("FAILED", md)
        self.assertLess(md.index("Failures"), md.index("| reports-fail | app |"))
        rc, out, err = tool(os.path.join(TOOLS, "node_exporter_check.py"),
                            os.path.join(run.out_dir, "textfile"))
        self.assertEqual(rc, 0, out + err)
        success = [s["value"] for s in json.loads(out)["samples"]
                   if s["name"] == "drh_drill_success"]
        self.assertEqual(success, [0])


if __name__ == "__main__":
    unittest.main()
