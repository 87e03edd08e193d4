"""What the campaign checks after a drill, read from what drh left: the
JUnit report's cases, the result line, and the run ledger (closed: its last
"ended" line has left 0 and, replayed, every entry with an intent line has
a "gone" line)."""
import json
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

from drhrun import check_junit  # noqa: E402


def junit_cases(path):
    """[(suite's last name part, case, status, message)] or None when absent;
    raises AssertionError when a CI system would choke on the report."""
    if not os.path.exists(path):
        return None
    check_junit(path)
    out = []
    for suite in ET.parse(path).getroot().iter("testsuite"):
        for case in suite.iter("testcase"):
            status, msg = "passed", ""
            for kind in ("failure", "error", "skipped"):
                el = case.find(kind)
                if el is not None:
                    status, msg = kind, el.get("message", "") or (el.text or "")
            out.append((suite.get("name").split("/")[-1], case.get("name"), status, msg))
    return out


def result_line(stdout):
    """The word after "result:" in drh's output, or None."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("result:"):
            return line.split(":", 1)[1].strip()
    return None


def ledger(path):
    """(ended, pending): the last "ended" line (None when the run never
    ended) and the entries with an intent but no gone line, as
    "kind id"; raises OSError when there is no ledger."""
    entries, ended = {}, None
    with open(path) as f:
        lines = f.read().splitlines()
    for i, text in enumerate(lines):
        try:
            d = json.loads(text)
        except ValueError:
            if i == len(lines) - 1:
                continue      # a crash can cut the last line short
            raise
        op, kind, ident = d.get("op"), d.get("kind"), d.get("id")
        if op == "ended":
            ended = d
        elif op == "resolved":
            if (kind, ident) in entries and d.get("new_id"):
                entries[(kind, d["new_id"])] = entries.pop((kind, ident))
        elif op not in ("run", None) and kind and ident:
            e = entries.setdefault((kind, ident), {"intent": False, "gone": False})
            e["intent"] |= op == "intent"
            e["gone"] |= op == "gone"
    pending = [f"{k} {i}" for (k, i), e in entries.items() if e["intent"] and not e["gone"]]
    return ended, pending


def ledger_problems(path):
    """[] when the run's ledger is closed, else what is wrong with it."""
    try:
        ended, pending = ledger(path)
    except OSError as e:
        return [f"no ledger: {e}"]
    except ValueError as e:
        return [f"damaged ledger {path}: {e}"]
    out = []
    if ended is None:
        out.append("the ledger has no ended line")
    elif ended.get("left") != 0:
        out.append(f"the ledger ended {ended.get('how')} with left={ended.get('left')}")
    if pending:
        out.append("ledger entries never gone: " + ", ".join(pending))
    return out
