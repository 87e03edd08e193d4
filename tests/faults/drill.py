"""One drill of the fault campaign: inject its plan's faults, run drh (and
signal it), clear the faults, then judge: the verdict drh owed (exit code,
result line, JUnit cases), nothing of the run alive in the emulator's
ground truth, the ledger closed, no job left running, no job started twice.

Every problem is a sentence in Outcome.problems; the campaign goes on."""
import datetime
import os
import signal as signals
import subprocess
import time

import checks
from stage import DRH

SIGNALS = {"kill9": signals.SIGKILL, "sigterm": signals.SIGTERM, "sigint": signals.SIGINT}
SIGNAL_RC = {"sigterm": 143, "sigint": 130}
HUNG = 300          # seconds before a drh that never ends is killed and reported


class Outcome:
    def __init__(self, plan, run_id):
        self.plan, self.run_id = plan, run_id
        self.rc = self.teardown_rc = None
        self.seconds = 0.0
        self.injected = {}
        self.expected = set()
        self.problems = []
        self.leaked = []            # descriptions of resources left alive
        self.ledger_open = False
        self.duplicates = 0
        self.tail = ""
        self.note = ""

    @property
    def verdict_right(self):
        return not any(p.startswith("verdict:") for p in self.problems)


def _utc_now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def _ts(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _describe(r):
    tags = r.get("tags") or {}
    if isinstance(tags, list):
        tags = {t.get("Key"): t.get("Value") for t in tags}
    who = tags.get("drh:run-id", "untagged")
    return f"{r.get('service')} {r.get('type')} {r.get('arn') or r.get('id')} ({who})"


def run(stage, plan, seed, work, before):
    """Runs plan's drill; before: {key: resource} alive when it starts."""
    number = plan.number
    run_id = f"faults-{seed}-{number:03d}"
    out = Outcome(plan, run_id)
    name = f"faults-{number:03d}"
    drill_path = stage.drill_file(plan.resources, name, plan.create)
    state = os.path.join(work, "state")
    env = stage.env(state)
    junit = os.path.join(work, "reports", run_id + ".xml")
    os.makedirs(os.path.dirname(junit), exist_ok=True)
    base = os.path.join(work, "reports", run_id)
    started = _utc_now()
    plan.inject(stage)
    t0 = time.time()
    with open(base + ".stdout", "w") as so, open(base + ".stderr", "w") as se:
        proc = subprocess.Popen([DRH, "run", drill_path, "--run-id", run_id, "--junit", junit],
                                env=env, stdout=so, stderr=se)
        sent_at = None
        if plan.signal:
            time.sleep(plan.delay)
            if proc.poll() is None:
                sent_at = time.time()
                proc.send_signal(SIGNALS[plan.signal])
        try:
            out.rc = proc.wait(HUNG)
        except subprocess.TimeoutExpired:
            proc.kill()
            out.rc = proc.wait()
            out.problems.append(f"verdict: drh still ran after {HUNG}s and was killed")
    out.seconds = time.time() - t0
    left = stage.faults()
    stage.admin("DELETE", "/faults")
    stage.reset_timing()
    out.injected = plan.spent(left)
    jobs = [j for j in stage.jobs() if j.get("created", "") >= started
            and j.get("kind") in ("copy", "restore")]
    if plan.kind == "slow_job" and any(j["kind"] == plan.job for j in jobs):
        out.injected["slow_job"] = 1
    if sent_at:
        out.injected[plan.signal] = 1
    with open(base + ".stdout") as f:
        stdout = f.read()
    with open(base + ".stderr") as f:
        out.tail = "\n".join(f.read().splitlines()[-8:])
    if plan.signal == "kill9":
        r = subprocess.run([DRH, "teardown", "--run", run_id], env=env, capture_output=True,
                           text=True, timeout=HUNG)
        out.teardown_rc = r.returncode
        with open(base + ".teardown", "w") as f:
            f.write(r.stdout + r.stderr)
        if r.returncode != 0:
            out.problems.append(f"verdict: drh teardown --run {run_id} exited {r.returncode}, "
                                f"not 0: {(r.stdout + r.stderr).strip()[-400:]}")
    ledger_path = os.path.join(state, "runs", run_id, "ledger.jsonl")
    _verdict(out, junit, stdout, sent_at, ledger_path)
    _truth(stage, out, before, jobs)
    lp = checks.ledger_problems(ledger_path)
    if lp:
        out.ledger_open = True
        out.problems += ["ledger: " + p for p in lp]
    if out.leaked or out.ledger_open:
        _recover(stage, out, env)
    return out


def _expected(out, sent_at, ledger_path):
    """The exit codes drh may answer with, from the plan and what was
    actually injected."""
    plan = out.plan
    if plan.kind == "storm":
        # the first call of the operation meets the storm in every attempt
        return {3} if out.injected and not plan.advisory else {0}
    if plan.kind == "job_fail":
        return {1} if out.injected else {0}
    if plan.kind == "slow_job":
        return {1}
    if plan.kind == "kill9":
        return {-9} if sent_at else {0}
    if plan.kind in SIGNAL_RC:
        if not sent_at:
            return {0}
        # The signal counts if it came before the run ended (its ledger's
        # ended line, ms precision); within 50 ms of that either answer is right.
        try:
            ended, _ = checks.ledger(ledger_path)
            end = _ts(ended["at"]) if ended else None
        except (OSError, ValueError, KeyError):
            end = None
        if end is None or sent_at < end - 0.05:
            return {SIGNAL_RC[plan.kind]}
        if sent_at > end + 0.05:
            return {0}
        return {0, SIGNAL_RC[plan.kind]}
    return {0}


def _verdict(out, junit, stdout, sent_at, ledger_path):
    plan = out.plan
    out.expected = _expected(out, sent_at, ledger_path)
    want = "/".join(str(x) for x in sorted(out.expected))
    if out.rc not in out.expected:
        out.problems.append(f"verdict: exit {out.rc}, expected {want}")
    if plan.kind == "kill9" and sent_at:
        return               # no result line, no JUnit: killed
    result = checks.result_line(stdout)
    words = {0: "PASSED", 1: "FAILED", 3: "ERROR", 130: "INTERRUPTED", 143: "INTERRUPTED"}
    if result != words.get(out.rc, "?"):
        out.problems.append(f"verdict: exit {out.rc} but result line {result!r}")
    try:
        cases = checks.junit_cases(junit)
    except (AssertionError, ValueError, OSError) as e:
        out.problems.append(f"verdict: JUnit report unusable: {str(e)[:300]}")
        return
    if cases is None:
        out.problems.append(f"verdict: no JUnit report at {junit}")
        return
    bad = [c for c in cases if c[2] in ("failure", "error")]
    failures = [c for c in cases if c[2] == "failure"]
    show = "; ".join(f"{s}/{n}: {st}: {m[:160]}" for s, n, st, m in bad[:4])
    if out.rc == 0 and bad:
        out.problems.append(f"verdict: exit 0 but JUnit has {len(bad)} bad case(s): {show}")
    if out.rc == 1 and not failures:
        out.problems.append(f"verdict: exit 1 but no JUnit failure: {show}")
    if out.rc == 3 and not any(c[2] == "error" for c in cases):
        out.problems.append(f"verdict: exit 3 but no JUnit error: {show}")
    if out.rc in (130, 143) and failures:
        out.problems.append("verdict: an interrupted run's JUnit claims a proven failure: "
                            + "; ".join(f"{s}/{n}: {m[:160]}" for s, n, _, m in failures[:3]))
    if plan.kind == "job_fail" and out.rc == 1:
        hit = [c for c in failures if c[1] == plan.job and plan.message in c[3]]
        if not hit:
            out.problems.append(f"verdict: no failing {plan.job!r} case with the job's "
                                f"message: {show}")
    if plan.kind == "slow_job" and out.rc == 1:
        if not [c for c in failures if c[1] == plan.job and "timeouts." in c[3]]:
            out.problems.append(f"verdict: no failing {plan.job!r} case naming timeouts.: "
                                f"{show}")


def _truth(stage, out, before, jobs):
    tagged = stage.alive_of_run(out.run_id)
    after = stage.alive()
    keys = {stage.key(r) for r in tagged}
    strays = [r for k, r in after.items() if k not in before and k not in keys]
    for r in tagged + strays:
        out.leaked.append(_describe(r))
    if out.leaked:
        out.problems.append(f"leak: {len(out.leaked)} alive after drh exited: "
                            + ", ".join(out.leaked))
    running = [j for j in stage.jobs() if j.get("id") in {x["id"] for x in jobs}
               and j.get("state") not in ("COMPLETED", "FAILED", "ABORTED", "PARTIAL")]
    for j in running:
        out.problems.append(f"leak: {j['kind']} job {j['id']} still {j.get('state')} after "
                            f"drh exited")
    per = {}
    for j in jobs:      # one copy and one restore job a resource, unless a start was retried
        per.setdefault((j["kind"], j.get("resource")), []).append(j)
    for (kind, resource), js in sorted(per.items(), key=str):
        if len(js) > 1:
            out.duplicates += len(js) - 1
            out.note += f" {len(js)} {kind} jobs of {resource};"


def _recover(stage, out, env):
    """After a leak or an open ledger, drh teardown --run (what an operator
    would do) so later drills start clean; says whether it helped."""
    r = subprocess.run([DRH, "teardown", "--run", out.run_id], env=env, capture_output=True,
                       text=True, timeout=HUNG)
    still = stage.alive_of_run(out.run_id)
    out.note += (f" recovery: drh teardown --run exited {r.returncode},"
                 f" {len(still)} tagged thing(s) still alive;")
