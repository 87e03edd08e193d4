"""One ./drh invocation against a World of the emulator, shared by the
integration test modules: the exit code and output, and the JUnit report's
cases and properties read back.

Every JUnit report a run writes is checked as CI systems read it
(check_junit): valid against ../shared/junit/junit-10.xsd (xmllint), case
names unique per classname, classname = drill/resource = the suite's name,
the drill file in the suite's file attribute, timestamp and hostname on each
suite, and RTO / RPO properties repeated in the suite's system-out. Every
evidence bundle read back is checked with drh evidence verify."""
import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# ./drh, or ./drh under valgrind when DRH_VALGRIND_LOGS names a folder for
# the logs (make test-valgrind; tests/tools/valgrind-drh)
DRH = os.path.join(ROOT, "tests", "tools", "valgrind-drh") \
    if os.environ.get("DRH_VALGRIND_LOGS") else os.path.join(ROOT, "drh")
SHARED = os.environ.get("DRH_SHARED") or os.path.join(os.path.dirname(ROOT), "shared")
XSD = os.path.join(SHARED, "junit", "junit-10.xsd")
_warned = []


def check_junit(path):
    """Raises AssertionError naming what a CI system would choke on in the
    JUnit report at path."""
    if os.path.exists(XSD):
        r = subprocess.run(["xmllint", "--noout", "--schema", XSD, path], capture_output=True,
                           text=True)
        assert r.returncode == 0, f"{path} is not valid against {XSD}:\n{r.stderr[-2000:]}"
    elif not _warned:
        _warned.append(1)
        print(f"\nSKIPPED: JUnit schema check ({XSD} absent; set DRH_SHARED)", file=sys.stderr)
    root = ET.parse(path).getroot()
    seen = set()
    for suite in root.iter("testsuite"):
        name = suite.get("name")
        for attr in ("timestamp", "hostname", "file"):
            assert suite.get(attr), f"{path}: testsuite {name} has no {attr}"
        for case in suite.iter("testcase"):
            key = (case.get("classname"), case.get("name"))
            assert case.get("classname") == name, f"{path}: {key} is not in classname {name}"
            assert key not in seen, f"{path}: case {key} twice"
            seen.add(key)
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        out = "".join(e.text or "" for e in suite.findall("system-out"))
        for fig in ("rto_seconds", "stack_rto_seconds", "rpo_seconds", "rpo_data_seconds"):
            if fig in props:
                assert f"[{fig}={props[fig]}]" in out, f"{path}: {name}: {fig} not in system-out"


class DrhRun:
    """drh run DRILL --run-id ID --junit ... (or argv), with the world's
    environment and a state folder under work. background: started, not
    waited for (self.proc)."""

    def __init__(self, world, work, drill_path, run_id, argv=None, timeout=600, extra_env=None,
                 background=False, evidence=False):
        self.run_id = run_id
        self.junit = os.path.join(work, run_id + ".xml")
        self.evidence = os.path.join(work, "evidence")
        env = world.env()
        env["DRH_STATE_DIR"] = os.path.join(work, "state")
        env.update(extra_env or {})
        self.env = env
        if argv is None:
            argv = [DRH, "run", drill_path, "--run-id", run_id, "--junit", self.junit]
            if evidence:
                argv += ["--evidence", self.evidence]
        self.rc, self.out, self.err, self.seconds = None, "", "", 0.0
        if background:
            self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True)
            return
        t0 = time.time()
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout,
                           errors="backslashreplace")
        self.seconds = time.time() - t0
        self.rc, self.out, self.err = r.returncode, r.stdout, r.stderr
        self.save_output()
        self._checked = False
        if os.path.exists(self.junit):
            self.root()

    def save_output(self):
        """Keeps what drh printed beside its reports (WORK/<run-id>.stdout,
        .stderr), for the secret scan that ends the integration suite."""
        base = os.path.join(os.path.dirname(self.junit), self.run_id)
        for ext, text in ((".stdout", self.out), (".stderr", self.err)):
            with open(base + ext, "w") as f:
                f.write(text or "")

    def root(self):
        """The JUnit report's root element, checked (check_junit) once."""
        if not getattr(self, "_checked", False):
            check_junit(self.junit)
            self._checked = True
        return ET.parse(self.junit).getroot()

    def cases(self, by_resource=False):
        """{case name: (status, message)}, or {(resource, case name): ...};
        status is passed, failure, error or skipped."""
        out = {}
        for suite in self.root().iter("testsuite"):
            for case in suite.iter("testcase"):
                status, msg = "passed", ""
                for kind in ("failure", "error", "skipped"):
                    el = case.find(kind)
                    if el is not None:
                        status, msg = kind, el.get("message", "")
                key = (suite.get("name").split("/")[-1], case.get("name"))
                out[key if by_resource else key[1]] = (status, msg)
        return out

    def props(self, resource=None):
        """The properties of one resource's suite (None: of every suite)."""
        out = {}
        for suite in self.root().iter("testsuite"):
            if resource is None or suite.get("name").endswith("/" + resource):
                out.update({p.get("name"): p.get("value") for p in suite.iter("property")})
        return out

    def bundle(self):
        """The run's evidence bundle folder, verified by drh evidence verify."""
        path = os.path.join(self.evidence, self.run_id)
        r = subprocess.run([DRH, "evidence", "verify", path], capture_output=True, text=True)
        assert r.returncode == 0, f"drh evidence verify {path}: rc={r.returncode}\n" \
            f"{r.stdout}{r.stderr}"
        return path

    def evidence_doc(self):
        with open(os.path.join(self.bundle(), "evidence.json")) as f:
            return json.load(f)

    def explain(self):
        """What a failed assertion shows: the cases that did not pass and the output."""
        bad = ""
        try:
            if os.path.exists(self.junit):
                bad = "\n".join(f"{k}: {v}" for k, v in self.cases(True).items()
                                if v[0] != "passed")
        except (OSError, ET.ParseError, AssertionError) as e:
            bad = f"(JUnit report unreadable: {e})"
        return f"rc={self.rc}\nnot passed:\n{bad}\nstdout:\n{self.out}\nstderr:\n{self.err[-3000:]}"
