"""The core: start-up, config files, SigV4 verification, accounts, STS,
faults on the wire, ground truth, SIGTERM / SIGKILL cleanup."""
import configparser
import os
import signal
import time
import unittest

from emu import require, Emulator, CliError, PROD, DR, descendants_matching

E = None


def setUpModule():
    global E
    require()
    E = Emulator().start()


def tearDownModule():
    E.cleanup()


def creds(profile):
    c = configparser.ConfigParser()
    c.read(f"{E.state}/aws/credentials")
    return c[profile]["aws_access_key_id"], c[profile]["aws_secret_access_key"]


class StartUp(unittest.TestCase):
    def test_ready_fast_with_pid_file_and_config(self):
        self.assertLess(E.started_in, 2.0)
        with open(f"{E.state}/emulator.pid") as f:
            self.assertEqual(int(f.read()), E.proc.pid)
        self.assertTrue(E.endpoint.startswith("http://127.0.0.1:"))
        cfg = configparser.ConfigParser()
        cfg.read(f"{E.state}/aws/config")
        self.assertIn("profile production", cfg)
        self.assertIn("profile dr", cfg)
        self.assertEqual(os.stat(f"{E.state}/aws/credentials").st_mode & 0o077, 0)

    def test_profiles_map_to_accounts(self):
        self.assertEqual(E.aws("production", "sts", "get-caller-identity")["Account"], PROD)
        self.assertEqual(E.aws("dr", "sts", "get-caller-identity")["Account"], DR)

    def test_health(self):
        self.assertTrue(E.admin("GET", "/health")["ok"])


class Signatures(unittest.TestCase):
    def bad(self, profile_key, secret, service, op, *args, region="us-east-1"):
        env = {"AWS_ACCESS_KEY_ID": profile_key, "AWS_SECRET_ACCESS_KEY": secret}
        with self.assertRaises(CliError) as cm:
            E.aws(None, service, op, *args, region=region, env=env)
        return cm.exception.code

    def test_bad_signature_per_service(self):
        kid, secret = creds("production")
        wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
        self.assertEqual(self.bad(kid, wrong, "sts", "get-caller-identity"), "SignatureDoesNotMatch")
        self.assertEqual(self.bad(kid, wrong, "rds", "describe-db-clusters"), "SignatureDoesNotMatch")
        self.assertEqual(self.bad(kid, wrong, "backup", "list-backup-vaults"), "InvalidSignatureException")
        self.assertEqual(self.bad(kid, wrong, "s3api", "list-buckets"), "SignatureDoesNotMatch")

    def test_unknown_key_per_service(self):
        self.assertEqual(self.bad("AKIAUNKNOWNUNKNOWN00", "x" * 40, "sts", "get-caller-identity"),
                         "InvalidClientTokenId")
        self.assertEqual(self.bad("AKIAUNKNOWNUNKNOWN00", "x" * 40, "ec2", "describe-images"),
                         "AuthFailure")
        self.assertEqual(self.bad("AKIAUNKNOWNUNKNOWN00", "x" * 40, "backup", "list-backup-vaults"),
                         "UnrecognizedClientException")

    def test_bad_signature_changes_nothing(self):
        kid, secret = creds("production")
        self.bad(kid, secret + "x", "backup", "create-backup-vault", "--backup-vault-name", "sneaky")
        names = [v["BackupVaultName"] for v in
                 E.aws("production", "backup", "list-backup-vaults")["BackupVaultList"]]
        self.assertNotIn("sneaky", names)

    def test_secrets_never_logged(self):
        E.aws("production", "sts", "get-caller-identity")
        _, secret = creds("production")
        with open(f"{E.state}/emulator.log") as f:
            log = f.read()
        self.assertNotIn(secret, log)
        self.assertNotIn(secret, "".join(E.out_lines))


class STS(unittest.TestCase):
    ROLE = f"arn:aws:iam::{PROD}:role/DrhDrillRole"

    def test_assume_role_needs_external_id(self):
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "sts", "assume-role", "--role-arn", self.ROLE, "--role-session-name", "s1")
        self.assertEqual(cm.exception.code, "AccessDenied")
        with self.assertRaises(CliError):
            E.aws("dr", "sts", "assume-role", "--role-arn", self.ROLE, "--role-session-name", "s1",
                  "--external-id", "wrong")

    def test_outsider_cannot_assume(self):
        with self.assertRaises(CliError) as cm:
            E.aws("outsider", "sts", "assume-role", "--role-arn", self.ROLE,
                  "--role-session-name", "s1", "--external-id", "drh-drill")
        self.assertEqual(cm.exception.code, "AccessDenied")

    def test_assumed_credentials_act_in_role_account_then_expire(self):
        out = E.aws("dr", "sts", "assume-role", "--role-arn", self.ROLE, "--role-session-name",
                    "drill-1", "--external-id", "drh-drill")
        c = out["Credentials"]
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        env = {"AWS_ACCESS_KEY_ID": c["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
               "AWS_SESSION_TOKEN": c["SessionToken"]}
        who = E.aws(None, "sts", "get-caller-identity", region="us-east-1", env=env)
        self.assertEqual(who["Account"], PROD)
        self.assertEqual(who["Arn"], f"arn:aws:sts::{PROD}:assumed-role/DrhDrillRole/drill-1")
        # a wrong session token is refused
        with self.assertRaises(CliError):
            E.aws(None, "sts", "get-caller-identity", region="us-east-1",
                  env=dict(env, AWS_SESSION_TOKEN=c["SessionToken"][:-4] + "AAAA"))
        E.admin("POST", "/sts/expire", {"access_key_id": c["AccessKeyId"]})
        with self.assertRaises(CliError) as cm:
            E.aws(None, "sts", "get-caller-identity", region="us-east-1", env=env)
        self.assertEqual(cm.exception.code, "ExpiredToken")
        with self.assertRaises(CliError) as cm:
            E.aws(None, "rds", "describe-db-clusters", region="us-east-1", env=env)
        self.assertEqual(cm.exception.code, "ExpiredToken")

    def test_duration_limits(self):
        with self.assertRaises(CliError) as cm:
            E.aws("dr", "sts", "assume-role", "--role-arn", self.ROLE, "--role-session-name", "s",
                  "--external-id", "drh-drill", "--duration-seconds", "899")
        self.assertIn(cm.exception.code, ("ValidationError", "?"))

    def test_web_identity(self):
        token_file = f"{E.state}/aws/web-identity-token"
        with open(token_file) as f:
            token = f.read()
        out = E.aws(None, "sts", "assume-role-with-web-identity", "--role-arn",
                    f"arn:aws:iam::{PROD}:role/DrhWebIdentityRole", "--role-session-name", "ci",
                    "--web-identity-token", token, region="us-east-1")
        self.assertEqual(out["AssumedRoleUser"]["Arn"],
                         f"arn:aws:sts::{PROD}:assumed-role/DrhWebIdentityRole/ci")
        bad = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        with self.assertRaises(CliError) as cm:
            E.aws(None, "sts", "assume-role-with-web-identity", "--role-arn",
                  f"arn:aws:iam::{PROD}:role/DrhWebIdentityRole", "--role-session-name", "ci",
                  "--web-identity-token", bad, region="us-east-1")
        self.assertEqual(cm.exception.code, "InvalidIdentityToken")


class WireFaults(unittest.TestCase):
    def test_throttle_then_recover(self):
        E.admin("POST", "/faults", {"kind": "throttle", "service": "rds",
                                    "operation": "DescribeDBClusters", "count": 2})
        for _ in range(2):
            with self.assertRaises(CliError) as cm:
                E.aws("production", "rds", "describe-db-clusters")
            self.assertEqual(cm.exception.code, "Throttling")
        self.assertEqual(E.aws("production", "rds", "describe-db-clusters")["DBClusters"], [])
        calls = E.admin("GET", "/truth/calls?operation=DescribeDBClusters")["calls"]
        self.assertGreaterEqual(len([c for c in calls if c["error"] == "Throttling"]), 2)

    def test_5xx_and_drop(self):
        E.admin("POST", "/faults", {"kind": "5xx", "service": "backup", "operation": "ListBackupVaults"})
        with self.assertRaises(CliError) as cm:
            E.aws("production", "backup", "list-backup-vaults")
        self.assertIn("ServiceUnavailable", cm.exception.code)
        E.admin("POST", "/faults", {"kind": "drop", "service": "sts", "operation": "GetCallerIdentity"})
        with self.assertRaises(CliError) as cm:
            E.aws("production", "sts", "get-caller-identity")
        self.assertIn("onnection", cm.exception.text)
        self.assertEqual(E.aws("production", "sts", "get-caller-identity")["Account"], PROD)

    def test_drop_after_processes_then_drops(self):
        """drop_after: the create happens, the answer never comes; a retry
        then meets what the first call made."""
        E.admin("POST", "/faults", {"kind": "drop_after", "service": "backup",
                                    "operation": "CreateBackupVault"})
        with self.assertRaises(CliError) as cm:
            E.aws("production", "backup", "create-backup-vault", "--backup-vault-name",
                  "dropped-after")
        self.assertIn("onnection", cm.exception.text)
        names = [v["BackupVaultName"] for v in
                 E.aws("production", "backup", "list-backup-vaults")["BackupVaultList"]]
        self.assertIn("dropped-after", names)
        calls = E.admin("GET", "/truth/calls?operation=CreateBackupVault")["calls"]
        self.assertEqual(calls[-1]["status"], "dropped-after")
        self.assertEqual(E.admin("GET", "/faults")["faults"], [])
        with self.assertRaises(CliError) as cm:       # the fault is spent: an honest answer
            E.aws("production", "backup", "create-backup-vault", "--backup-vault-name",
                  "dropped-after")
        self.assertEqual(cm.exception.code, "AlreadyExistsException")


class Lifecycle(unittest.TestCase):
    def test_sigterm_stops_servers(self):
        e = Emulator().start()
        try:
            e.admin("POST", "/seed/rds", {"profile": "production", "engine": "postgres",
                                          "identifier": "x", "master_password": "pw-123456"})
            self.assertTrue(descendants_matching(e.state))
            e.stop(signal.SIGTERM)
            self.assertEqual(e.proc.returncode, 0)
            time.sleep(0.5)
            self.assertEqual(descendants_matching(e.state), [])
            self.assertFalse(os.path.exists(f"{e.state}/emulator.pid"))
        finally:
            e.cleanup()

    def test_sigkill_leaves_no_orphans(self):
        e = Emulator().start()
        try:
            e.admin("POST", "/seed/rds", {"profile": "production", "engine": "postgres",
                                          "identifier": "pg", "master_password": "pw-123456"})
            e.admin("POST", "/seed/rds", {"profile": "production", "engine": "mysql",
                                          "identifier": "my", "master_password": "pw-123456"})
            ami = e.admin("POST", "/seed/ami", {"profile": "production", "name": "x"})["image_id"]
            e.aws("production", "ec2", "run-instances", "--image-id", ami, "--instance-type", "t3.micro")
            e.wait(lambda: any("emulator.instance" in c for _, c in descendants_matching(e.state)),
                   True, timeout=20)
            procs = descendants_matching(e.state)
            self.assertTrue(any("postgres" in c for _, c in procs))
            self.assertTrue(any("mariadbd" in c for _, c in procs))
            e.stop(signal.SIGKILL)
            deadline = time.time() + 15
            while time.time() < deadline and descendants_matching(e.state):
                time.sleep(0.2)
            self.assertEqual(descendants_matching(e.state), [])
        finally:
            e.cleanup()


if __name__ == "__main__":
    unittest.main()
