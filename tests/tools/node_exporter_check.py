#!/usr/bin/python3
"""Reads a textfile-collector directory through the real node_exporter.

Usage: node_exporter_check.py DIR

Starts Debian's prometheus-node-exporter (or $DRH_NODE_EXPORTER) on
127.0.0.1, on a free port, with only the textfile collector, reading DIR;
scrapes /metrics once; stops it. Prints one JSON object on stdout:

  {"scrape_error": 0, "files": ["drh.prom"],
   "samples": [{"name": "drh_rto_seconds",
                "labels": {"drill": "orders", "resource": "db"},
                "value": 2.9}, ...]}

"samples" holds every drh_* sample, "files" every file node_exporter read
(node_textfile_mtime_seconds), "log_errors" the error lines of its log.
Exit status: 0 when node_textfile_scrape_error is 0 and node_exporter
logged no error; 1 otherwise (its log goes to stderr: it names the file
and the line); 2 when node_exporter cannot be run, saying how to install
it. The log matters: the same series in two files is no scrape error,
node_exporter serves the first and only logs "was collected before with
the same name and label values".

Used by the unit suite reports-metrics (tests/unit/test_ci_outputs.c).
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

EXPORTER = os.environ.get("DRH_NODE_EXPORTER", "/usr/bin/prometheus-node-exporter")
INSTALL = ("install it with 'mk/deps.sh test' (Debian package "
           "prometheus-node-exporter), or set DRH_NODE_EXPORTER")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_labels(text, i):
    """Parses '{a="x",b="y"}' from text[i] == '{'; returns (labels, end)."""
    labels = {}
    i += 1
    while text[i] != "}":
        eq = text.index("=", i)
        name = text[i:eq].strip()
        if text[eq + 1] != '"':
            raise ValueError("label %s: no opening quote" % name)
        j, value = eq + 2, []
        while text[j] != '"':
            if text[j] == "\\":
                value.append({"n": "\n", "\\": "\\", '"': '"'}[text[j + 1]])
                j += 2
            else:
                value.append(text[j])
                j += 1
        labels[name] = "".join(value)
        i = j + 1
        if text[i] == ",":
            i += 1
    return labels, i + 1


def parse(text):
    """The samples of a text-format exposition: [(name, labels, value)]."""
    out = []
    for line in text.split("\n"):
        if not line or line.startswith("#"):
            continue
        brace = line.find("{")
        space = line.find(" ")
        if brace != -1 and (space == -1 or brace < space):
            name = line[:brace]
            labels, end = parse_labels(line, brace)
            rest = line[end:].split()
        else:
            name, labels, rest = line[:space], {}, line[space:].split()
        out.append((name, labels, float(rest[0])))
    return out


def scrape(directory):
    """Runs node_exporter until one scrape succeeds; returns (text, log),
    text None when it never served /metrics."""
    for _ in range(3):  # another process may take the port first
        port = free_port()
        proc = subprocess.Popen(
            [EXPORTER, "--web.listen-address=127.0.0.1:%d" % port,
             "--collector.disable-defaults", "--collector.textfile",
             "--collector.textfile.directory=" + directory,
             "--web.disable-exporter-metrics", "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    url = "http://127.0.0.1:%d/metrics" % port
                    with urllib.request.urlopen(url, timeout=5) as r:
                        text = r.read().decode("utf-8")
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                continue
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log = proc.stderr.read().decode("utf-8", "replace")
            proc.stderr.close()
        return text, log
    return None, log


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.stderr.write("usage: node_exporter_check.py DIR (an existing directory)\n")
        return 2
    if not os.access(EXPORTER, os.X_OK):
        sys.stderr.write("node_exporter_check: %s is missing: %s\n" % (EXPORTER, INSTALL))
        return 2
    text, log = scrape(os.path.abspath(sys.argv[1]))
    if text is None:
        sys.stderr.write(log)
        sys.stderr.write("node_exporter_check: %s did not serve /metrics on 127.0.0.1\n"
                         % EXPORTER)
        return 2
    samples = parse(text)
    errors = [v for n, _, v in samples if n == "node_textfile_scrape_error"]
    log_errors = [l for l in log.splitlines() if "level=error" in l]
    result = {
        "log_errors": log_errors,
        "scrape_error": errors[0] if errors else None,
        "files": sorted(l.get("file", "") for n, l, _ in samples
                        if n == "node_textfile_mtime_seconds"),
        "samples": [{"name": n, "labels": l, "value": v}
                    for n, l, v in samples if n.startswith("drh_")],
    }
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    if errors != [0.0] or log_errors:
        sys.stderr.write(log)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
