"""What every benchmark of `make bench` shares (tests/bench/bench_*.py): run a
command and read its wall time, CPU time and peak memory; medians over
repeated runs, drh and the peer tool taking turns; the result table.

A row is drh beside the tool a user would run instead, on the same data in
the same run. Times are wall-clock seconds of the whole command, CPU is
user + system of the process and every child it waited for, peak memory is
the largest resident set of any one of those processes (ru_maxrss, read by
GNU time: a child forked by this Python process would otherwise report
Python's own resident set as its peak, which Linux carries over exec).
"""
import os
import platform
import shlex
import statistics
import subprocess
import tempfile
import time


class BenchError(Exception):
    """A benchmark could not run (a command failed): the row is not measured."""


class Sample:
    def __init__(self, wall, cpu, rss_kb, out=b""):
        self.wall, self.cpu, self.rss_mb, self.out = wall, cpu, rss_kb / 1024.0, out


def run_once(cmd, env=None, cwd=None, ok=(0,), capture=False):
    """Runs cmd (argv list, or a shell string for pipelines: bash -o pipefail)
    to its end. -> Sample. A status not in ok raises BenchError with stderr."""
    argv = cmd if isinstance(cmd, list) else ["bash", "-o", "pipefail", "-c", cmd]
    fd, rss_file = tempfile.mkstemp(prefix="drh-bench-rss.")
    os.close(fd)
    argv = ["/usr/bin/time", "-q", "-f", "%M", "-o", rss_file] + argv
    full_env = dict(os.environ, **(env or {}))
    t0 = time.monotonic()
    p = subprocess.Popen(argv, env=full_env, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    out = p.stdout.read() if capture else b""
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    try:
        with open(rss_file) as f:
            rss_kb = int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        rss_kb = ru.ru_maxrss
    os.unlink(rss_file)
    if p.returncode not in ok:
        shown = cmd if isinstance(cmd, str) else " ".join(shlex.quote(a) for a in cmd)
        raise BenchError(f"exit {p.returncode}: {shown}\n{err.decode(errors='replace')[-1500:]}")
    return Sample(wall, ru.ru_utime + ru.ru_stime, rss_kb, out)


def reps():
    return max(1, int(os.environ.get("BENCH_REPS", "3")))


def side_by_side(drh_cmd, peer_cmd, n=None, warm=True, **kw):
    """Runs drh and the peer n times each, taking turns (so a slow spell of
    the machine hits both), after one unmeasured run of each that warms the
    caches. -> (drh samples, peer samples)."""
    n = n or reps()
    if warm:
        run_once(drh_cmd, **kw)
        run_once(peer_cmd, **kw)
    d, p = [], []
    for _ in range(n):
        d.append(run_once(drh_cmd, **kw))
        p.append(run_once(peer_cmd, **kw))
    return d, p


def median(samples, attr):
    return statistics.median(getattr(s, attr) for s in samples)


class Row:
    """One line of the table. work: (amount, unit) the rate is given in, e.g.
    (100000, "objects"); goal: text; met: True / False / None (no goal)."""

    def __init__(self, name, drh, peer=None, peer_name="", work=None, goal="", met=None,
                 notes=""):
        self.name, self.drh, self.peer, self.peer_name = name, drh, peer, peer_name
        self.work, self.goal, self.met, self.notes = work, goal, met, notes

    def ratio(self):
        """How many times faster drh is (peer wall / drh wall)."""
        if not self.peer:
            return None
        return median(self.peer, "wall") / median(self.drh, "wall")

    def cells(self):
        def t(s):
            return f"{median(s, 'wall'):.2f} s" if s else "-"

        def rate(s):
            if not s or not self.work:
                return "-"
            v = self.work[0] / median(s, "wall")
            return f"{v:,.0f} {self.work[1]}/s" if v >= 100 else f"{v:,.1f} {self.work[1]}/s"

        r = self.ratio()
        return [self.name, t(self.drh), rate(self.drh), f"{median(self.drh, 'rss_mb'):.0f} MB",
                self.peer_name or "-", t(self.peer), rate(self.peer),
                f"{median(self.peer, 'rss_mb'):.0f} MB" if self.peer else "-",
                f"{r:.2f}x" if r else "-", self.goal or "-",
                {True: "met", False: "NOT met", None: "-"}[self.met]]


HEADER = ["benchmark", "drh", "drh rate", "drh peak", "peer", "peer time", "peer rate",
          "peer peak", "drh speed-up", "goal", ""]


def table(rows, markdown=False):
    lines = [HEADER] + [r.cells() for r in rows]
    if markdown:
        out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in lines[1:]]
        return "\n".join(out)
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip()
                     for line in lines)


def machine():
    """The machine, for docs/benchmarks.md: CPU, cores, memory, kernel, disk."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    disk = subprocess.run(["df", "-h", "--output=source,fstype,size", os.getcwd()],
                          capture_output=True, text=True).stdout.splitlines()[-1].split()
    return (f"{cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GiB memory, Linux "
            f"{platform.release()}, disk {disk[0]} ({disk[1]}, {disk[2]})")


def log(msg):
    print(f"bench: {msg}", flush=True)
