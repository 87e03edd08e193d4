"""The database rows of `make bench` (bench_pg.py, bench_mysql.py): a real
server of the emulator's kind (fixtures/emulator: a PostgreSQL or MariaDB
child on 127.0.0.1) with buffers closer to a small RDS instance's, filled
with generated tables, then drh's checksum probe (`drh verify --engine`)
beside the dump a user would hash instead.

The tables mix what restored databases hold: a wide fact table with
numbers, text and times, an event log with JSON-ish text and NULLs, a
narrow many-row link table, a table with large text values, and small ones.
Their sizes follow the shares below, scaled to the target size.
"""
import os
import secrets
import sys

import benchlib
from emulator import dbservers
from emulator.procs import Procs

USER, DB = "bench", "app"


class _St:
    """What DBServer needs of the emulator's state: a folder and its children."""

    def __init__(self, folder):
        self.dir = folder
        self.procs = Procs(os.path.join(folder, "logs"))


def start(ctx, engine, extra_args):
    """A running server of engine with USER (a fresh password) and DB.
    -> (server, password)."""
    folder = ctx.dir(engine + "-server")
    st = _St(folder)
    srv = dbservers.DBServer(st, "bench-" + engine, engine)
    srv.extra_args = tuple(extra_args)
    benchlib.log(f"{engine}: starting a server in {folder}")
    srv.create()
    password = secrets.token_hex(12)
    srv.create_master(USER, password, DB)
    return srv, password


def size_bytes(srv):
    if srv.fam == "postgres":
        q = "SELECT pg_database_size('app')"
        return int(srv.sql(q)[0][0])
    q = ("SELECT SUM(DATA_LENGTH) FROM information_schema.TABLES "
         "WHERE TABLE_SCHEMA = 'app'")
    return int(srv.sql(q)[0][0])


def drh_verify_argv(ctx, srv, manifest, extra=()):
    return [ctx.drh, "--quiet", "verify", "--engine", srv.engine if srv.fam == "postgres" else "mysql",
            "--host", "127.0.0.1", "--port", str(srv.port), "--user", USER,
            "--password-env", "BENCH_DB_PASSWORD", "--database", DB, "--manifest", manifest,
            *extra]


def drh_manifest_argv(ctx, srv, out):
    return [ctx.drh, "--quiet", "manifest", "--engine",
            srv.engine if srv.fam == "postgres" else "mysql",
            "--host", "127.0.0.1", "--port", str(srv.port), "--user", USER,
            "--password-env", "BENCH_DB_PASSWORD", "--database", DB, "--out", out]


def measure(ctx, srv, env, label, change_sql, peer, peer_name):
    """drh's manifest of the database, then drh verify against it: passes,
    fails once change_sql changed a row (then that is the new baseline),
    and is timed beside the peer command. -> the Row."""
    size = size_bytes(srv)
    benchlib.log(f"{srv.fam}: database {size / 2**30:.2f} GiB")
    manifest = os.path.join(ctx.dir(srv.fam), "manifest.json")
    benchlib.run_once(drh_manifest_argv(ctx, srv, manifest), env=env)
    drh = drh_verify_argv(ctx, srv, manifest)
    benchlib.run_once(drh, env=env)  # passes
    # A changed row must be noticed, or the time means nothing.
    srv.sql(change_sql, database=DB)
    benchlib.run_once(drh, env=env, ok=(1,))
    benchlib.run_once(drh_manifest_argv(ctx, srv, manifest), env=env)
    d, p = benchlib.side_by_side(drh, peer, env=env)
    r = benchlib.Row(f"{label} checksum, {size / 2**30:.2f} GiB", d, p, peer_name,
                     work=(size / 2**20, "MiB"), goal="≥2x, <64 MB")
    r.met = r.ratio() >= 2 and max(s.rss_mb for s in d) < 64
    return r


def stop(srv):
    try:
        srv.destroy()
    except Exception as e:  # noqa: BLE001
        print(f"bench: stopping {srv.name}: {e}", file=sys.stderr)
    srv.st.procs.stop_all()
