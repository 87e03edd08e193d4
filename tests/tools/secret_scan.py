#!/usr/bin/python3
"""Searches everything a test run wrote for the test secrets: drh must never
print, log or report one.

usage: secret_scan.py WORK_DIR

The secrets are the ones the tests hand to drh or its AWS emulator:
  - every emulator's AWS secret access keys (WORK/**/aws/credentials),
  - the seeded databases' master passwords (fixtures/demo/world.py MASTER),
  - the Slack-style webhook token the notification tests use,
  - every private key a test made (a PEM file holding "PRIVATE KEY"),
  - the secret keys in WORK/secrets.txt, one a line: tests/emulator/emu.py
    keeps there those of each emulator it removes.

Scanned: every regular file under WORK_DIR except the secrets' own homes
(credentials files, private key files, secrets.txt), the emulator's
server data (its db/, backups/, efs/, s3/ folders: the databases hold their
passwords by design) and database templates, and drill files (inputs the
tests wrote). Drill files are JSON objects with "drill" and "resources";
the copies in evidence bundles are scanned.

Prints what it scanned and exits 1 naming file and secret kind (never the
secret) for every hit; 2 when no secret or no file was found (the scan
would prove nothing)."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "demo"))

WEBHOOK_TOKEN = "s3cr3tt0ken"  # tests/integration/test_operations.py
SERVER_DIRS = {"db", "backups", "efs", "s3", "templates", "logs"}


def _pem_body(text):
    lines = [ln.strip() for ln in text.splitlines()
             if ln.strip() and not ln.startswith("-----")]
    return "".join(lines)


def collect(work):
    """{secret: kind} and the files that hold secrets by design."""
    from world import MASTER
    secrets = {pw: "database master password" for _, pw in MASTER.values()}
    secrets[WEBHOOK_TOKEN] = "webhook token"
    homes = set()
    for dirpath, dirnames, filenames in os.walk(work):
        for name in filenames:
            path = os.path.join(dirpath, name)
            if name == "credentials" and os.path.basename(dirpath) == "aws":
                homes.add(path)
                with open(path, errors="replace") as f:
                    for line in f:
                        k, _, v = line.partition("=")
                        if k.strip() == "aws_secret_access_key" and v.strip():
                            secrets[v.strip()] = "AWS secret access key"
            elif name == "secrets.txt" and dirpath == work:
                homes.add(path)
                with open(path, errors="replace") as f:
                    secrets.update({ln.strip(): "AWS secret access key" for ln in f
                                    if ln.strip()})
            elif _small(path):
                text = _read(path)
                if "PRIVATE KEY-----" in text and text.lstrip().startswith("-----BEGIN"):
                    homes.add(path)
                    body = _pem_body(text)
                    if len(body) >= 32:
                        # the key's base64 body, and a long slice of it (a line)
                        secrets[body] = "private key"
                        secrets[body[:48]] = "private key"
    return secrets, homes


def _small(path):
    try:
        return os.path.isfile(path) and not os.path.islink(path) and \
            os.path.getsize(path) < 64 * 1024 * 1024
    except OSError:
        return False


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _is_drill_file(path, text):
    """A drill file a test wrote; not the copy an evidence bundle holds
    (<bundle>/drills/<file>, beside <bundle>/evidence.json): drh wrote that."""
    if not path.endswith(".json"):
        return False
    bundle = os.path.dirname(os.path.dirname(path))
    if os.path.exists(os.path.join(bundle, "evidence.json")):
        return False
    try:
        doc = json.loads(text)
    except ValueError:
        return False
    return isinstance(doc, dict) and "drill" in doc and "resources" in doc


def _skipped_dir(work, dirpath, name):
    """The emulator's server data and database templates."""
    if name in SERVER_DIRS and os.path.exists(os.path.join(dirpath, "emulator.log")):
        return True
    return name == "templates" and dirpath == work


def scan(work):
    secrets, homes = collect(work)
    hits, scanned, skipped_drills = [], 0, 0
    for dirpath, dirnames, filenames in os.walk(work):
        dirnames[:] = [d for d in dirnames if not _skipped_dir(work, dirpath, d)]
        for name in filenames:
            path = os.path.join(dirpath, name)
            if path in homes or not _small(path):
                continue
            text = _read(path)
            if _is_drill_file(path, text):
                skipped_drills += 1
                continue
            scanned += 1
            for secret, kind in secrets.items():
                if secret in text:
                    hits.append((os.path.relpath(path, work), kind))
    return secrets, scanned, skipped_drills, hits


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print(__doc__, file=sys.stderr)
        return 2
    work = os.path.abspath(sys.argv[1])
    secrets, scanned, drills, hits = scan(work)
    kinds = sorted({k for k in secrets.values()})
    print(f"secret scan: {len(secrets)} secrets ({', '.join(kinds)}) searched for in "
          f"{scanned} files ({drills} drill files skipped)")
    for path, kind in sorted(set(hits)):
        print(f"secret scan: LEAK: a {kind} in {path}")
    if hits:
        return 1
    if scanned == 0 or not any(k == "AWS secret access key" for k in secrets.values()):
        print("secret scan: nothing to prove (no files or no emulator credentials found)")
        return 2
    print("secret scan: no secret found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
