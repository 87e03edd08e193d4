"""drh's fault campaign (`make test-faults`; a short one in `make test`):
many drills against the local emulator, one after another (faults are
global in the emulator), each with a fault plan drawn at random (plans.py):
throttling, 5xx, dropped connections, lost answers, failed and slow jobs,
kill -9 followed by `drh teardown --run`, SIGTERM and SIGINT. Every drill
must end with the verdict drh owes, nothing of it alive in the emulator's
ground truth, and its ledger closed (drill.py).

usage: campaign.py --work DIR [--drills N] [--seed S] [--only N,M] [--kinds K,K]

--drills defaults to $FAULT_DRILLS, else 12; --seed to a random one, always
printed: `tests/faults/run --seed S --drills N` replays a campaign, `--only
7` its drill 7 alone. Prints a line per drill, every failure (seed, drill,
plan, what went wrong, drh's last lines), then the counts; exits 1 when
any drill went wrong. Run it with Debian's /usr/bin/python3 (tests/faults/run)."""
import argparse
import os
import random
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import drill  # noqa: E402
from plans import PLAN_KINDS, Plan, sequence  # noqa: E402
from stage import DRH, RESOURCE_KINDS, Stage  # noqa: E402


def parse(argv):
    ap = argparse.ArgumentParser(description="drh's fault campaign")
    ap.add_argument("--work", required=True, help="a scratch folder (emulator state, reports)")
    ap.add_argument("--drills", type=int, default=int(os.environ.get("FAULT_DRILLS") or 12))
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--only", default="", help="drill numbers to run, e.g. 3,7")
    ap.add_argument("--kinds", default="", help="run only drills of these plan kinds")
    a = ap.parse_args(argv)
    if a.seed is None:
        a.seed = random.SystemRandom().randrange(1, 10 ** 6)
    a.only = {int(x) for x in a.only.split(",") if x.strip()}
    a.kinds = {x.strip() for x in a.kinds.split(",") if x.strip()}
    unknown = a.kinds - set(PLAN_KINDS)
    if unknown:
        ap.error(f"unknown plan kinds {sorted(unknown)}; known: {', '.join(PLAN_KINDS)}")
    return a


def report(outcomes, seed, wall, n_planned):
    by_res = {k: sum(1 for o in outcomes if k in o.plan.resources) for k in RESOURCE_KINDS}
    injected = {}
    for o in outcomes:
        for k, n in o.injected.items():
            injected[k] = injected.get(k, 0) + n
    right = sum(1 for o in outcomes if o.verdict_right)
    leaked = sum(len(o.leaked) for o in outcomes)
    rows = [
        ("drills", len(outcomes), "with " + ", ".join(f"{k} {n}" for k, n in by_res.items() if n)
         + f"; {sum(1 for o in outcomes if len(o.plan.resources) > 1)} of two resources"),
        ("faults injected", sum(injected.values()),
         ", ".join(f"{k} {n}" for k, n in sorted(injected.items()))),
        ("verdicts right", right, ""),
        ("verdicts wrong", len(outcomes) - right, ""),
        ("resources leaked", leaked, ""),
        ("ledgers not closed", sum(1 for o in outcomes if o.ledger_open), ""),
        ("duplicate jobs", sum(o.duplicates for o in outcomes), "a start call answered twice"),
        ("wall time", f"{wall:.0f}s", f"{wall / max(len(outcomes), 1):.1f}s a drill"),
    ]
    print(f"\nfault campaign, seed {seed}" +
          (f" ({len(outcomes)} of {n_planned} drills)" if len(outcomes) != n_planned else ""))
    for name, n, detail in rows:
        print(f"  {name:<20} {n!s:>6}   {detail}".rstrip())


def main(argv):
    a = parse(argv)
    if not os.access(DRH, os.X_OK):
        print(f"campaign: {DRH} is missing: make drh first", file=sys.stderr)
        return 2
    print(f"fault campaign: seed {a.seed}, {a.drills} drills "
          f"(replay: tests/faults/run --seed {a.seed} --drills {a.drills})", flush=True)
    t0 = time.time()
    # stopped from outside: still stop the emulator and its servers (finally)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    stage = Stage(a.work)
    print(f"stage ready in {time.time() - t0:.1f}s: {stage.emu.endpoint}", flush=True)
    outcomes = []
    try:
        prev, prev_keys = None, set()
        kinds = sequence(a.seed, a.drills)
        for number in range(1, a.drills + 1):
            if (a.only and number not in a.only) or (a.kinds and kinds[number - 1] not in a.kinds):
                continue
            plan = Plan(a.seed, number, kinds[number - 1])
            before = stage.alive()
            if prev is not None:
                _late(stage, prev, before, prev_keys)
            o = drill.run(stage, plan, a.seed, a.work, before)
            prev, prev_keys = o, set(stage.alive())
            outcomes.append(o)
            mark = "ok" if not o.problems else "FAILED"
            print(f"drill {number:>3}/{a.drills} {plan.describe()}: exit {o.rc} "
                  f"(expected {'/'.join(map(str, sorted(o.expected)))})"
                  + (f", teardown --run {o.teardown_rc}" if o.teardown_rc is not None else "")
                  + f", {o.seconds:.1f}s: {mark}{(' -' + o.note) if o.note else ''}", flush=True)
        if prev is not None:
            _late(stage, prev, stage.alive(), prev_keys)
    finally:
        stage.stop()
    wall = time.time() - t0
    bad = [o for o in outcomes if o.problems]
    for o in bad:
        print(f"\nFAILED: seed {a.seed} drill {o.plan.number} ({o.plan.describe()}), run "
              f"{o.run_id}:")
        for p in o.problems:
            print(f"  - {p}")
        if o.note:
            print(f"  note:{o.note}")
        print("  drh's last lines:\n    " + o.tail.replace("\n", "\n    "))
        print(f"  replay: tests/faults/run --seed {a.seed} --drills {a.drills} "
              f"--only {o.plan.number}")
    report(outcomes, a.seed, wall, a.drills)
    if not outcomes:
        print("campaign: no drill ran", file=sys.stderr)
        return 1
    print(f"{len(outcomes) - len(bad)} drills right, {len(bad)} wrong (seed {a.seed})")
    return 1 if bad else 0


def _late(stage, prev, now, prev_keys):
    """Something alive now that was not when the previous drill was judged
    appeared late (a job drh left running): that drill's leak."""
    late = [r for k, r in now.items() if k not in prev_keys]
    if late:
        desc = [drill._describe(r) for r in late]
        prev.leaked += desc
        prev.problems.append(f"leak: appeared after drh exited: {', '.join(desc)}")
        print(f"drill {prev.plan.number:>3}: FAILED late: {', '.join(desc)} appeared after "
              f"it was judged", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
