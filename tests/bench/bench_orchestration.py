"""The orchestration row of `make bench`: one drill of 200 resources (x
BENCH_SCALE, at least 8) on the local emulator, `drh run --concurrency 32`.
What it measures is drh itself while it waits on AWS: its CPU time and peak
memory (goal: under 5 s of CPU and 50 MB), and the AWS calls it makes,
counted by the emulator (GET /_emulator/truth/calls), above all the polls
of the jobs and file systems it waits on, which its backoff holds down.

The resources are EFS file systems: each is copied into the DR account by
an AWS Backup copy job, restored by a restore job into a new file system
with a mount target, mounted (a symbolic link: no NFS here), probed,
unmounted and deleted. The emulator serves that cheaply (a restore copies a
small folder; no database server per resource, which an RDS restore would
start), and its jobs take as long as /_emulator/timing says: COPY_S and
RESTORE_S seconds, long enough for drh's polling to reach its steady
interval. There is no peer tool; the notes give what a waiter polling
every 15 s (`aws ec2 wait`'s interval; AWS Backup has no CLI waiter) would
spend on the same jobs.

Peak memory is GNU time's (%M, of drh and the mount commands it runs):
wait4's ru_maxrss of a child of this Python process starts at the
Python's own resident size (tens of MB once botocore is loaded), which
would hide drh's. CPU is drh's and the commands' (sh, ln, rm: about 0.7 s
of 400 commands at full scale).
"""
import json
import math
import os
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime

import benchlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "demo"))

from emu import Emulator  # noqa: E402
from world import World, PROD, DR, EAST, KEY  # noqa: E402

RESOURCES = 200
CONCURRENCY = 32
COPY_S, RESTORE_S = 12.0, 12.0    # how long each job runs in the emulator
CPU_GOAL_S, RSS_GOAL_MB = 5.0, 50.0
PEER_INTERVAL_S = 15.0            # a fixed-interval waiter (aws ec2 wait, boto3 waiters)
SG = "sg-0b0e0c0ba1c0ffee0"
FILES = {"app/config.yml": "orders: enabled\n",
         "app/data/orders.csv": "id,total\n" + "".join(f"{i},{i * 1.25:.2f}\n" for i in range(1, 50)),
         "README": "restored by AWS Backup\n"}
# the checks of things coming up or going away (EFS "available", teardown's
# "gone yet"): in the emulator they are there or gone at once, so mostly one
# call a wait
CHECK_OPS = {"DescribeFileSystems", "DescribeMountTargets", "DescribeRecoveryPoint"}
JOB_POLL_OPS = {"copy": "DescribeCopyJob", "restore": "DescribeRestoreJob"}


def job_polls_allowed(seconds):
    """The most polls harness/run/wait.c's schedule makes on a copy or
    restore job of `seconds`: one at once, then after 1 s, 1.5, 2.25, ...
    and every 5 s from then on. Plus one DescribeCopyJob /
    DescribeRestoreJob by teardown, which asks the job what it made before
    deleting it."""
    t, interval, n = 0.0, 1.0, 1
    while t < seconds:
        t += interval
        n += 1
        interval = min(5.0, interval * 1.5)
    return n + 1


def _seed(w, n, log_every):
    """n file systems in production (us-east-1), each with one backup in
    prod-vault -> their ids."""
    ids = []
    for i in range(n):
        fs = w.admin("POST", "/seed/efs", {"account": PROD, "region": EAST, "files": FILES})
        arn = f"arn:aws:elasticfilesystem:{EAST}:{PROD}:file-system/{fs['file_system_id']}"
        b = w.admin("POST", "/backup/now", {"profile": "production", "vault": "prod-vault",
                                              "resource_arn": arn, "seconds_ago": 600})
        if b["state"] != "COMPLETED":
            raise benchlib.BenchError(f"seeding: the backup of {arn} ended {b['state']}")
        ids.append(fs["file_system_id"])
        if (i + 1) % log_every == 0:
            benchlib.log(f"orchestration: seeded {i + 1}/{n} file systems and their backups")
    return ids


def _drill(work, emu_state, subnet, fs_ids):
    mnt = os.path.join(work, "mnt")
    resources = []
    for i, fs in enumerate(fs_ids):
        resources.append({
            "name": f"files-{i:03d}", "type": "efs", "source": fs,
            "restore": {"into": "new", "mount": {
                "point": os.path.join(mnt, f"files-{i:03d}"), "timeout": "30s",
                # the emulator's file system folder, linked: what fixtures/demo/efs-mount
                # does, without a python3 start per mount
                "mount": f"ln -s {emu_state}/efs/{{file_system_id}} {{mount_point}}",
                "unmount": "rm -f {mount_point}"}},
            "probes": [{"kind": "files", "paths": ["app/config.yml", "app/data"],
                        "min_files": 3}]})
    d = {"drill": {"name": "bench-fleet", "owner": "bench"},
         "objectives": {"rto": "2h", "rpo": "24h"},
         "source": {"account": PROD, "region": EAST, "profile": "production",
                    "vault": "prod-vault"},
         "target": {"account": DR, "region": EAST, "profile": "production",
                    "role_arn": f"arn:aws:iam::{DR}:role/DrhDrillRole",
                    "external_id": "drh-drill", "vault": "dr-vault", "kms_key": KEY,
                    "isolation": {"subnet": subnet, "security_groups": [SG]}},
         "resources": resources}
    path = os.path.join(work, "fleet.json")
    with open(path, "w") as f:
        json.dump(d, f, indent=1)
    return path


STEPS = ("select", "copy", "restore", "available", "mount", "probe files",
         "unmount", "rto", "rpo", "teardown")


def _check_junit(path, names):
    """Every resource's suite is in the report with each step of an EFS
    drill passed and no case that did not pass."""
    seen = {}
    for suite in ET.parse(path).getroot().iter("testsuite"):
        cases = {}
        for case in suite.iter("testcase"):
            status = next((k for k in ("failure", "error", "skipped")
                           if case.find(k) is not None), "passed")
            cases[case.get("name")] = (status, (case.find(status).get("message", "")
                                                if status != "passed" else ""))
        seen[suite.get("name").split("/")[-1]] = cases
    problems = []
    for n in names:
        cases = seen.get(n)
        if cases is None:
            problems.append(f"{n}: not in the report")
            continue
        bad = {c: v for c, v in cases.items() if v[0] != "passed"}
        missing = [c for c in STEPS if c not in cases]
        if bad or missing:
            problems.append(f"{n}: missing {missing}, not passed {bad}")
    if problems:
        raise benchlib.BenchError(f"{path}: {len(problems)} of {len(names)} resources did not "
                                  f"pass: " + "; ".join(problems[:3])[:1500])


def _jobs_of(w, since):
    """The copy and restore jobs created since `since` -> [(kind, seconds)]."""
    out = []
    for j in w.admin("GET", "/truth/jobs")["jobs"]:
        if j.get("kind") not in JOB_POLL_OPS or not j.get("created") or not j.get("finished"):
            continue
        c = _ts(j["created"])
        if c >= since:
            out.append((j["kind"], _ts(j["finished"]) - c))
    return out


def _ts(iso):
    return datetime.fromisoformat(iso).timestamp()


def _one_run(ctx, w, drill, names, k, calls_before):
    run_id = f"bench-fleet-{k}"
    work = ctx.dir("orchestration")
    junit = os.path.join(work, run_id + ".xml")
    peak = os.path.join(work, run_id + ".peak")
    env = w.env()
    env["DRH_STATE_DIR"] = os.path.join(work, f"state-{k}")   # each run alike: no history
    t0 = time.time()
    s = benchlib.run_once(["/usr/bin/time", "-f", "%M", "-o", peak, ctx.drh, "run", drill,
                           "--concurrency", str(CONCURRENCY), "--run-id", run_id,
                           "--junit", junit], env=env)
    with open(peak) as f:
        s.rss_mb = int(f.read().split()[-1]) / 1024.0
    _check_junit(junit, names)
    left = w.alive_of_run(run_id)
    if left:
        raise benchlib.BenchError(f"{run_id}: {len(left)} resources left after teardown: "
                                  f"{left[:2]}")
    calls = w.admin("GET", "/truth/calls")["calls"][calls_before:]
    jobs = _jobs_of(w, t0 - 1)
    return s, calls, jobs


def _call_figures(calls, jobs, wall):
    by_op = Counter(c["operation"] for c in calls)
    polls = [c for c in calls if c["operation"] in JOB_POLL_OPS.values()]
    job_minutes = sum(d for _, d in jobs) / 60.0
    # the busiest minute of job polling, as an account's API rate limit sees it
    times = sorted(c["time"] for c in polls)
    peak, j = 0, 0
    for i, t in enumerate(times):
        while times[j] < t - 60:
            j += 1
        peak = max(peak, i - j + 1)
    # NotFound answers are teardown's "is it gone yet"; anything else (a
    # throttle, a 5xx) would say the emulator could not keep up
    errors = Counter(f"{c['operation']} {c['error']}" for c in calls
                     if c.get("error") and "NotFound" not in c["error"])
    return {"total": len(calls), "by_op": by_op, "jobs": len(jobs), "polls": len(polls),
            "polls_per_min": len(polls) / (wall / 60.0), "peak_min": peak,
            "polls_per_job_min": len(polls) / job_minutes if job_minutes else 0.0,
            "allowed": sum(job_polls_allowed(d) for _, d in jobs),
            "peer": sum(1 + math.ceil(d / PEER_INTERVAL_S) for _, d in jobs),
            "checks": sum(by_op[op] for op in CHECK_OPS), "errors": errors}


def bench(ctx):
    if not os.access("/usr/bin/time", os.X_OK):
        raise benchlib.BenchError("needs GNU time (/usr/bin/time, Debian package time) for "
                                  "drh's peak memory")
    n = max(8, round(RESOURCES * ctx.scale))
    work = ctx.dir("orchestration")
    saved = dict(os.environ)     # World sets AWS_CONFIG_FILE & co. for its botocore
    emu = Emulator(state=ctx.dir("orchestration-emulator")).start()
    try:
        w = World(emu.state, emu.endpoint)
        w.admin("POST", "/timing", {"backup": 0.05, "copy": COPY_S, "restore": RESTORE_S})
        w.vaults()
        net = w.admin("POST", "/seed/network", {
            "profile": "dr", "region": EAST, "vpc": {"cidr": "10.30.0.0/16"},
            "subnets": [{"az": EAST + "a", "cidr": "10.30.1.0/24"}],
            "security_groups": [{"id": SG, "name": "drh-bench", "ingress_cidrs": ["127.0.0.1/32"]}]})
        benchlib.log(f"orchestration: seeding {n} EFS file systems with a backup each")
        fs_ids = _seed(w, n, max(1, n // 4))
        drill = _drill(work, emu.state, net["subnets"][0]["id"], fs_ids)
        names = [f"files-{i:03d}" for i in range(n)]
        samples, figures = [], []
        for k in range(benchlib.reps()):
            before = len(w.admin("GET", "/truth/calls")["calls"])
            s, calls, jobs = _one_run(ctx, w, drill, names, k, before)
            f = _call_figures(calls, jobs, s.wall)
            benchlib.log(f"orchestration: run {k + 1}: {s.wall:.1f} s, cpu {s.cpu:.2f} s, "
                         f"peak {s.rss_mb:.1f} MB, {f['total']} calls, {f['polls']} job polls "
                         f"for {f['jobs']} jobs (backoff allows {f['allowed']}; "
                         f"{f['polls_per_min']:.0f}/min, busiest minute {f['peak_min']})"
                         + (f"; errors: {dict(f['errors'])}" if f["errors"] else ""))
            benchlib.log("orchestration: calls by operation: " +
                         ", ".join(f"{op} {c}" for op, c in f["by_op"].most_common()))
            samples.append(s)
            figures.append(f)
    finally:
        emu.cleanup()
        os.environ.clear()
        os.environ.update(saved)
    med = {k: statistics.median(f[k] for f in figures)
           for k in ("total", "jobs", "polls", "polls_per_min", "peak_min", "polls_per_job_min",
                     "allowed", "peer", "checks")}
    cpu, rss = benchlib.median(samples, "cpu"), benchlib.median(samples, "rss_mb")
    polls_ok = all(f["polls"] <= f["allowed"] for f in figures)
    notes = (f"{n} EFS resources (copy job {COPY_S:g} s, restore job {RESTORE_S:g} s in the "
             f"emulator), --concurrency {CONCURRENCY}: drh cpu {cpu:.2f} s (with its {2 * n} mount "
             f"and unmount commands), peak {rss:.1f} MB; AWS calls {med['total']:.0f} "
             f"({med['total'] / n:.1f} per resource); waiting on {med['jobs']:.0f} copy and "
             f"restore jobs: {med['polls']:.0f} DescribeCopyJob/DescribeRestoreJob "
             f"({med['polls'] / max(1, med['jobs']):.1f} per job, teardown's one included; "
             f"the backoff allows {med['allowed']:.0f}; a waiter polling every "
             f"{PEER_INTERVAL_S:g} s: {med['peer']:.0f}) = {med['polls_per_job_min']:.0f} "
             f"calls per job-minute, {med['polls_per_min']:.0f} calls/min over the run "
             f"(busiest minute {med['peak_min']:.0f}); {med['checks']:.0f} Describe calls on "
             f"file systems, mount targets and recovery points (available, gone). A job of "
             f"hours is polled every 5 s: {60 // 5 * CONCURRENCY} calls/min at --concurrency "
             f"{CONCURRENCY}")
    return [benchlib.Row("orchestration", samples, goal=f"<{CPU_GOAL_S:g} s CPU, "
                         f"<{RSS_GOAL_MB:g} MB; calls/min while waiting",
                         met=cpu < CPU_GOAL_S and rss < RSS_GOAL_MB and polls_ok,
                         work=(n, "resources"), notes=notes)]
