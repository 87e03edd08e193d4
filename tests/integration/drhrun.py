"""One ./drh invocation against a World of the emulator, shared by the
integration test modules: the exit code and output, and the JUnit report's
cases and properties read back."""
import json
import os
import subprocess
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
DRH = os.path.join(os.path.dirname(os.path.dirname(HERE)), "drh")


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

    def cases(self, by_resource=False):
        """{case name: (status, message)}, or {(resource, case name): ...};
        status is passed, failure, error or skipped."""
        out = {}
        for suite in ET.parse(self.junit).getroot().iter("testsuite"):
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
        for suite in ET.parse(self.junit).getroot().iter("testsuite"):
            if resource is None or suite.get("name").endswith("/" + resource):
                out.update({p.get("name"): p.get("value") for p in suite.iter("property")})
        return out

    def evidence_doc(self):
        with open(os.path.join(self.evidence, self.run_id + ".json")) as f:
            return json.load(f)

    def explain(self):
        """What a failed assertion shows: the cases that did not pass and the output."""
        bad = ""
        try:
            bad = "\n".join(f"{k}: {v}" for k, v in self.cases(True).items() if v[0] != "passed")
        except (OSError, ET.ParseError):
            pass
        return f"rc={self.rc}\nnot passed:\n{bad}\nstdout:\n{self.out}\nstderr:\n{self.err[-3000:]}"
