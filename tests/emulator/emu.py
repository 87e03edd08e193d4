"""Test support: start the emulator, drive it with Debian's AWS CLI v2
(/usr/bin/aws, --endpoint-url, never a real AWS endpoint) and its admin API."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUN = os.path.join(ROOT, "fixtures", "emulator", "run")
AWS = "/usr/bin/aws"
PSQL = "/usr/lib/postgresql/15/bin/psql"
PROD, DR = "111111111111", "222222222222"
BACKUP_ROLE = "arn:aws:iam::{}:role/service-role/AWSBackupDefaultServiceRole"


class CliError(Exception):
    def __init__(self, code, text):
        super().__init__(f"{code}: {text}")
        self.code = code
        self.text = text


def tmpdir(prefix):
    base = os.environ.get("DRH_EMU_TEST_TMP") or tempfile.gettempdir()
    d = tempfile.mkdtemp(prefix=prefix, dir=base)
    os.chmod(d, 0o711)
    return d


class Emulator:
    def __init__(self, state=None):
        self.state = state or tmpdir("state-")
        self.proc = None
        self.endpoint = None
        self.started_in = None

    def start(self):
        t0 = time.time()
        self.proc = subprocess.Popen([RUN, "--state", self.state], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("endpoint "):
            raise RuntimeError(f"emulator did not start: {line}{self.proc.stdout.read()}")
        self.endpoint = line.split()[1]
        self.started_in = time.time() - t0
        self.out_lines = [line]
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stdout and not self.proc.stdout.closed:
            self.out_lines += self.proc.stdout.readlines()
            self.proc.stdout.close()

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_CONFIG_FILE": f"{self.state}/aws/config",
                    "AWS_SHARED_CREDENTIALS_FILE": f"{self.state}/aws/credentials",
                    "AWS_ENDPOINT_URL": self.endpoint, "AWS_EC2_METADATA_DISABLED": "true",
                    "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"})
        env.update(extra)
        return env

    def aws(self, profile, service, op, *args, region=None, env=None, raw=False):
        argv = [AWS, "--endpoint-url", self.endpoint, "--output", "json", service, op] + list(args)
        if profile:
            argv += ["--profile", profile]
        if region:
            argv += ["--region", region]
        r = subprocess.run(argv, capture_output=True, text=True, env=self.env(**(env or {})),
                           timeout=120)
        if r.returncode != 0:
            code = "?"
            if "An error occurred (" in r.stderr:
                code = r.stderr.split("An error occurred (", 1)[1].split(")", 1)[0]
            raise CliError(code, r.stderr.strip())
        if raw:
            return r.stdout
        return json.loads(r.stdout) if r.stdout.strip() else {}

    def admin(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.endpoint + "/_emulator" + path, data=data, method=method)
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as e:
            raise CliError(str(e.code), e.read().decode())

    def wait(self, fn, want, timeout=60, every=0.2):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = fn()
            if last in (want if isinstance(want, (list, tuple, set)) else [want]):
                return last
            time.sleep(every)
        raise AssertionError(f"timed out waiting for {want}, last {last}")

    def cleanup(self):
        self.stop()
        keep_secrets(os.path.join(self.state, "aws", "credentials"))
        shutil.rmtree(self.state, ignore_errors=True)


def keep_secrets(credentials):
    """Adds the secret keys of an emulator's credentials file to
    $DRH_EMU_TEST_TMP/secrets.txt before its state goes, so that the secret
    scan ending the test suite (tests/tools/secret_scan.py) still looks for
    them."""
    base = os.environ.get("DRH_EMU_TEST_TMP")
    if not base or not os.path.exists(credentials):
        return
    with open(credentials) as f, open(os.path.join(base, "secrets.txt"), "a") as out:
        for line in f:
            k, _, v = line.partition("=")
            if k.strip() == "aws_secret_access_key" and v.strip():
                out.write(v.strip() + "\n")


def descendants_matching(text):
    """PIDs of processes whose command line mentions text (e.g. a state dir)."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmd and state != "Z":
            out.append((int(pid), cmd))
    return out


def psql(port, user, password, db, sql):
    r = subprocess.run([PSQL, "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", db,
                        "-X", "-A", "-t", "-F", "|", "-c", sql], capture_output=True, text=True,
                       env=dict(os.environ, PGPASSWORD=password, PGCONNECT_TIMEOUT="10"), timeout=60)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return [line.split("|") for line in r.stdout.splitlines() if line]


def mariadb(port, user, password, db, sql):
    r = subprocess.run(["mariadb", "-h", "127.0.0.1", "-P", str(port), "-u", user, "--batch",
                        "--skip-column-names", db, "-e", sql], capture_output=True, text=True,
                       env=dict(os.environ, MYSQL_PWD=password), timeout=60)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return [line.split("\t") for line in r.stdout.splitlines() if line]


def job_state(e, job_id):
    for j in e.admin("GET", "/truth/jobs")["jobs"]:
        if j["id"] == job_id:
            return j
    return {}


def wait_job(e, job_id, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        j = job_state(e, job_id)
        if j.get("state") in ("COMPLETED", "FAILED", "ABORTED", "PARTIAL"):
            return j
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {job_state(e, job_id)}")


def vault_policy(source_account):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{source_account}:root"},
        "Action": "backup:CopyIntoBackupVault", "Resource": "*"}]})


TOOLS = [AWS, PSQL, "/usr/lib/postgresql/15/bin/postgres", "/usr/lib/postgresql/15/bin/initdb",
         "/usr/lib/postgresql/15/bin/pg_dump", "/usr/sbin/mariadbd", "/usr/bin/mariadb",
         "/usr/bin/mariadb-install-db", "/usr/bin/mariadb-dump", "/usr/bin/python3"]


def require():
    """Skip (never pass) the calling module when a precondition is absent."""
    import unittest
    missing = [t for t in TOOLS if not os.access(t, os.X_OK)]
    try:
        import botocore  # noqa: F401
    except ImportError:
        missing.append("python3-botocore")
    if missing:
        raise unittest.SkipTest("missing: " + ", ".join(missing) +
                                " (mk/deps.sh test servers installs them)")
