"""Runs every tests/emulator/test_*.py module (each in its own process with
its own emulator, DRH_EMU_JOBS at a time, default 3); the last line printed
is 'N passed, M failed[, K skipped]'. With arguments: those tests only."""
import glob
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class Result(unittest.TextTestResult):
    passed = 0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1


def run_names(names):
    loader = unittest.TestLoader()
    suite = unittest.TestSuite(loader.loadTestsFromName(n) for n in names)
    res = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=Result).run(suite)
    failed = len(res.failures) + len(res.errors) + len(res.unexpectedSuccesses)
    return res.passed, failed, len(res.skipped), res.testsRun


def summary(passed, failed, skipped):
    line = f"{passed} passed, {failed} failed"
    return line + (f", {skipped} skipped" if skipped else "")


def main(argv):
    t0 = time.time()
    if argv:
        passed, failed, skipped, ran = run_names(argv)
        print(f"emulator tests took {time.time() - t0:.1f}s")
        print(summary(passed, failed, skipped), flush=True)
        return 1 if failed or ran == 0 else 0
    modules = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(HERE, "test_*.py")))
    slow_first = ["test_backup_rds", "test_s3_sns", "test_efs_ec2", "test_rds_snapshots", "test_network_rds"]
    modules.sort(key=lambda m: slow_first.index(m) if m in slow_first else len(slow_first))
    jobs = max(1, int(os.environ.get("DRH_EMU_JOBS", "3")))
    pending, running = list(modules), []
    totals = [0, 0, 0]
    while pending or running:
        while pending and len(running) < jobs:
            m = pending.pop(0)
            # A file, not a pipe: a module's output may exceed a pipe's buffer.
            log = tempfile.TemporaryFile(mode="w+")
            p = subprocess.Popen([sys.executable, __file__, m], stdout=log,
                                 stderr=subprocess.STDOUT, text=True)
            running.append((m, p, time.time(), log))
        for item in list(running):
            m, p, started, log = item
            if p.poll() is None:
                continue
            running.remove(item)
            log.seek(0)
            out = log.read()
            log.close()
            lines = out.rstrip().splitlines()
            print(f"===== {m} ({time.time() - started:.0f}s)")
            print("\n".join(line for line in lines[:-1] if not line.startswith("emulator tests took")))
            mo = re.match(r"(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$", lines[-1] if lines else "")
            if mo:
                totals[0] += int(mo.group(1))
                totals[1] += int(mo.group(2))
                totals[2] += int(mo.group(3) or 0)
            else:
                print(f"{m}: no summary line; counted as one failure")
                totals[1] += 1
            if p.returncode != 0 and not (mo and int(mo.group(2))):
                totals[1] += 1
        time.sleep(0.1)
    print(f"emulator tests took {time.time() - t0:.1f}s", flush=True)
    print(summary(*totals), flush=True)
    return 1 if totals[1] or totals[0] == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
