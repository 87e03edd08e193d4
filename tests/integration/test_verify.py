"""drh verify: a restored copy checked against a manifest outside a drill.

- a tree: exit 0 when every file matches, 1 naming a changed, a missing and
  an extra file, 2 on bad usage, 3 when the manifest cannot be read;
- a PostgreSQL database (a real server, the emulator's kind): the schema and
  checksum probes pass against the manifest drh manifest took, with one
  connection and with four; a changed row fails the checksum probe naming
  its table; the password is in no output."""
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "emulator"))

from drhrun import DRH  # noqa: E402  (./drh, or the valgrind wrapper)
from emulator import dbservers  # noqa: E402
from emulator.procs import Procs  # noqa: E402


def drh(*argv, env=None):
    return subprocess.run([DRH, *argv], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **(env or {})))


class TestVerifyTree(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="drh-verify.")
        self.tree = os.path.join(self.work, "tree")
        for i in range(40):
            d = os.path.join(self.tree, f"d{i % 4}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"f{i}.bin"), "wb") as f:
                f.write(os.urandom(100 + 997 * i))
        self.manifest = os.path.join(self.work, "m.json")
        r = drh("manifest", "--tree", self.tree, "--out", self.manifest)
        self.assertEqual(r.returncode, 0, r.stderr)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def test_match_then_differences(self):
        r = drh("verify", "--manifest", self.manifest, "--tree", self.tree)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"^manifest: pass: .*40")
        with open(os.path.join(self.tree, "d1", "f5.bin"), "r+b") as f:
            f.write(b"X")
        os.remove(os.path.join(self.tree, "d2", "f6.bin"))
        with open(os.path.join(self.tree, "d3", "new.txt"), "w") as f:
            f.write("extra")
        r = drh("verify", "--manifest", self.manifest, "--tree", self.tree)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        for name in ("d1/f5.bin", "d2/f6.bin", "d3/new.txt"):
            self.assertIn(name, r.stdout)

    def test_bad_usage_and_unreadable_manifest(self):
        for argv in (["verify", "--tree", self.tree],
                     ["verify", "--manifest", self.manifest],
                     ["verify", "--manifest", self.manifest, "--tree", self.tree, "--jobs", "2"],
                     ["verify", "--manifest", self.manifest, "--tree", self.tree, "--timeout", "0"]):
            r = drh(*argv)
            self.assertEqual(r.returncode, 2, f"{argv}: {r.stderr}")
            self.assertIn("HINT", r.stderr)
        r = drh("verify", "--manifest", os.path.join(self.work, "none.json"), "--tree", self.tree)
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("none.json", r.stdout)


class _St:
    def __init__(self, folder):
        self.dir = folder
        self.procs = Procs(os.path.join(folder, "logs"))


class TestVerifyPostgres(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="drh-verify-pg.", dir="/var/tmp")
        os.chmod(cls.work, 0o755)
        cls.st = _St(cls.work)
        cls.srv = dbservers.DBServer(cls.st, "verify-pg", "postgres")
        cls.srv.create()
        cls.pw = secrets.token_hex(10)
        cls.srv.create_master("audit", cls.pw, "app")
        cls.srv.sql("CREATE TABLE big (id int PRIMARY KEY, t text);"
                    "INSERT INTO big SELECT g, repeat('v', g % 50) FROM generate_series(1, 20000) g;"
                    "CREATE TABLE small (k text, v jsonb);"
                    "INSERT INTO small VALUES ('a b', '{\"x\": [1, null]}'), ('', NULL);"
                    "GRANT ALL ON ALL TABLES IN SCHEMA public TO audit", database="app")
        cls.conn = ["--engine", "postgres", "--host", "127.0.0.1", "--port", str(cls.srv.port),
                    "--user", "audit", "--password-env", "VERIFY_PW", "--database", "app"]
        cls.manifest = os.path.join(cls.work, "m.json")
        r = drh("manifest", *cls.conn, "--out", cls.manifest, env={"VERIFY_PW": cls.pw})
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.srv.destroy()
        cls.st.procs.stop_all()
        shutil.rmtree(cls.work, ignore_errors=True)

    def verify(self, *extra):
        r = drh("verify", "--manifest", self.manifest, *self.conn, *extra,
                env={"VERIFY_PW": self.pw})
        self.assertNotIn(self.pw, r.stdout + r.stderr)
        return r

    def test_pass_with_one_and_four_connections_then_a_change_fails(self):
        for jobs in ("1", "4"):
            r = self.verify("--jobs", jobs)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("schema: pass", r.stdout)
            self.assertIn("checksum: pass: 2 tables match the manifest (20002 rows)", r.stdout)
        self.srv.sql("UPDATE big SET t = t || '!' WHERE id = 777", database="app")
        try:
            r = self.verify()
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("public.big: checksum differs (same 20000 rows", r.stdout)
        finally:
            self.srv.sql("UPDATE big SET t = rtrim(t, '!') WHERE id = 777", database="app")

    def test_wrong_password_is_an_error(self):
        r = drh("verify", "--manifest", self.manifest, *self.conn, env={"VERIFY_PW": "nope"})
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("password authentication failed", r.stderr)


if __name__ == "__main__":
    unittest.main()
