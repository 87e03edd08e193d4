"""The fault campaign's stage: one local emulator with the production and
DR world of fixtures/demo/world.py (vaults, the isolated network and DB
subnet group), the sources the drills restore (a PostgreSQL and a MariaDB
database and an EFS file system, each with an hour-old backup), the job
timings drills run with, the drill files, and the ground truth read back:
what is alive, which jobs ran.

Every drill is a cross-account backup-path drill of one or two resources, with
short timeouts so that a slow job fails it within seconds."""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "demo"))

from emu import Emulator  # noqa: E402
from world import (World, PROD, DR, EAST, KEY, SUBNET_GROUP, SECURITY_GROUP,  # noqa: E402
                   SUBNETS)

DRH = os.path.join(ROOT, "drh")
MOUNT = os.path.join(ROOT, "fixtures", "demo", "efs-mount")
UNMOUNT = os.path.join(ROOT, "fixtures", "demo", "efs-unmount")

# Seconds each kind of job runs in the emulator: long enough that a signal
# often lands while drh waits on one, short enough for ~7 s drills.
TIMING = {"backup": 0.3, "copy": 1.0, "restore": 1.5, "snapshot": 0.3}
# The drill's own timeouts; a slow job runs SLOW_JOB seconds, past them.
# A restore starts a real database server: on a loaded machine that alone
# can take several seconds, so copy and restore get 20 s.
TIMEOUTS = {"drill": "120s", "copy": "20s", "restore": "20s", "available": "40s",
            "teardown": "60s"}
SLOW_JOB = 30.0
ATTEMPTS = 3          # AWS_MAX_ATTEMPTS drh runs with
# Seconds a drill of each kind takes without faults (measured; "create":
# what building and removing the isolated network adds): signals are sent
# at a random moment within about this.
TYPICAL = {"postgres": 7.0, "mysql": 7.0, "efs": 5.5, "create": 1.5}
RESOURCE_KINDS = ("postgres", "mysql", "efs")
# What one drill restores: one resource, or two kinds side by side.
RESOURCE_SETS = (("postgres",), ("mysql",), ("efs",), ("postgres", "efs"), ("mysql", "efs"))
SOURCES = {"postgres": "fault-pg", "mysql": "fault-my"}
CANARY_AGE = 600


def _iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class Stage:
    """The started emulator and its world; stop() ends it."""

    def __init__(self, work):
        self.work = work
        state = os.path.join(work, "emulator")
        os.makedirs(state, exist_ok=True)
        os.chmod(state, 0o711)       # PostgreSQL runs as postgres when we are root
        self.emu = Emulator(state=state).start()
        try:
            self._world()
        except BaseException:
            self.emu.stop()
            raise

    def _world(self):
        self.w = World(self.emu.state, self.emu.endpoint)
        self.reset_timing()
        self.w.vaults()
        self.w.isolation()
        for engine, ident in SOURCES.items():
            self.w.database(engine, ident)
            self.w.backup_now(engine, ident, seconds_ago=3600)
        files = {"app/config.yml": "orders: enabled\n",
                 "app/data/orders.csv": "id,total\n1,1.25\n2,2.50\n",
                 ".drh-canary": _iso(time.time() - CANARY_AGE) + "\nwritten by drh canary\n"}
        fs = self.w.admin("POST", "/seed/efs", {"profile": "production", "files": files})
        self.efs = fs["file_system_id"]
        self.w.admin("POST", "/backup/now", {
            "profile": "production", "vault": "prod-vault", "seconds_ago": 3600,
            "resource_arn": f"arn:aws:elasticfilesystem:{EAST}:{PROD}:file-system/{self.efs}"})

    def stop(self):
        """Stops the emulator; its state stays in the work folder (for the
        secret scan), which the caller removes."""
        self.emu.stop()

    def admin(self, method, path, body=None):
        return self.w.admin(method, path, body)

    def reset_timing(self):
        self.admin("POST", "/timing", TIMING)

    def env(self, state_dir):
        env = self.w.env()
        env.update({"DRH_STATE_DIR": state_dir, "AWS_MAX_ATTEMPTS": str(ATTEMPTS)})
        return env

    # ---------------------------------------------------------------- truth

    @staticmethod
    def key(r):
        return (r.get("service"), r.get("type"), r.get("arn") or r.get("id"),
                r.get("account"), r.get("region"))

    def alive(self):
        """{key: resource} of everything alive now."""
        return {self.key(r): r for r in self.w.alive()}

    def alive_of_run(self, run_id):
        return self.w.alive_of_run(run_id)

    def jobs(self):
        return self.admin("GET", "/truth/jobs")["jobs"]

    def faults(self):
        return self.admin("GET", "/faults")["faults"]

    def calls(self):
        return self.admin("GET", "/truth/calls")["calls"]

    # ----------------------------------------------------------- drill files

    def drill_file(self, kinds, name, create=False):
        """A drill of one resource of each of kinds (RESOURCE_KINDS) -> its
        path; create: drh builds its isolated network (isolation.create)
        instead of using the world's."""
        iso = {"create": {"allow_from": "127.0.0.1/32"}} if create else \
            {"security_groups": [SECURITY_GROUP]}
        target = {"account": DR, "region": EAST, "profile": "production",
                  "role_arn": f"arn:aws:iam::{DR}:role/DrhDrillRole", "external_id": "drh-drill",
                  "vault": "dr-vault", "kms_key": KEY, "isolation": iso}
        resources = []
        for kind in kinds:
            if kind == "efs":
                if not create:
                    iso["subnet"] = SUBNETS[0][0]
                resources.append(self._efs(name))
            else:
                if not create:
                    iso["db_subnet_group"] = SUBNET_GROUP
                table = "public.orders" if kind == "postgres" else "orders"
                resources.append({
                    "name": "db", "type": "rds", "engine": kind, "source": SOURCES[kind],
                    "path": "backup",
                    "probes": [{"kind": "tables", "tables": [{"name": table, "min_rows": 1000}]},
                               {"kind": "canary"}]})
        d = {"drill": {"name": name, "owner": "fault-campaign"},
             "objectives": {"rto": "1h", "rpo": "24h"}, "timeouts": TIMEOUTS,
             "source": {"account": PROD, "region": EAST, "profile": "production",
                        "vault": "prod-vault"},
             "target": target, "resources": resources}
        path = os.path.join(self.work, "drills", name + ".json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(d, f, indent=2)
        return path

    def _efs(self, name):
        point = os.path.join(self.work, "mnt", name)
        return {"name": "files", "type": "efs", "source": self.efs, "restore": {
            "into": "new", "mount": {
                "point": point, "timeout": "30s",
                "mount": f"{MOUNT} {{file_system_id}} {{mount_point}}",
                "unmount": f"{UNMOUNT} {{mount_point}}"}},
            "probes": [{"kind": "files", "paths": ["app/config.yml", "app/data"], "min_files": 2},
                       {"kind": "canary"}]}
