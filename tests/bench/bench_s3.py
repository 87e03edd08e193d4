"""The S3 row of `make bench`: the comparison of a replicated bucket pair of
100,000 objects (x BENCH_SCALE, at least 1,000) on the local emulator.
drh: `drh run` of a drill whose s3 resource does only the comparison
(posture without lifecycle rules, no canary, no restore). The peer:
`rclone check SRC:bucket DST:bucket` (Debian's rclone), an S3 remote of
provider Other per account, path-style, on the emulator's endpoint. Both
list both buckets; both compare size and MD5 (ETag) of every object, and
neither reads an object's content.

The source is seeded in the production account; the replica in the DR
account is seeded as a copy made by replication (same version ids, as S3
replication keeps them: POST /_emulator/seed/s3 with replica_of), then the
posture S3 replication needs is set (versioning, replication rule, the
replica's bucket policy). Before any timing both tools must pass on the
pair, and both must fail on a replica object that differs and on one that
is missing (a delete marker); the pair is put back by deleting those
versions.
"""
import configparser
import json
import os
import sys

import benchlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "fixtures", "demo"))

from drhrun import DrhRun  # noqa: E402
from emu import Emulator  # noqa: E402
from world import World, PROD, DR, EAST  # noqa: E402

OBJECTS = 100_000
PER_DIR = 1_000            # keys data/DDD/obj-NNNNNNN.json: "folders" of 1,000
GOAL = 2.0
SRC, REP = "bench-src", "bench-rep"
RCLONE = "/usr/bin/rclone"
ROLE = f"arn:aws:iam::{PROD}:role/service-role/s3crr_role_for_{SRC}"


def keys(n):
    return {f"data/{i // PER_DIR:03d}/obj-{i:07d}.json": f'{{"id": {i}, "v": "{i * 7919 % 100003}"}}\n'
            for i in range(n)}


def seed(w, n):
    """The pair, in sync, with the posture the drill checks."""
    w.admin("POST", "/seed/s3", {"account": PROD, "region": EAST, "bucket": SRC,
                                 "objects": keys(n)})
    w.admin("POST", "/seed/s3", {"account": DR, "region": EAST, "bucket": REP,
                                 "replica_of": SRC})
    principal = {"AWS": ROLE}
    w.client("dr", "s3", EAST).put_bucket_policy(Bucket=REP, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": principal,
             "Action": ["s3:ReplicateObject", "s3:ReplicateDelete"],
             "Resource": f"arn:aws:s3:::{REP}/*"},
            {"Effect": "Allow", "Principal": principal,
             "Action": ["s3:GetBucketVersioning", "s3:PutBucketVersioning"],
             "Resource": f"arn:aws:s3:::{REP}"}]}))
    w.client("production", "s3", EAST).put_bucket_replication(
        Bucket=SRC, ReplicationConfiguration={"Role": ROLE, "Rules": [{
            "ID": "crr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
            "DeleteMarkerReplication": {"Status": "Enabled"},
            "Destination": {"Bucket": f"arn:aws:s3:::{REP}", "Account": DR}}]})


def drill(work):
    d = {"drill": {"name": "bench-s3", "owner": "bench"},
         "objectives": {"rto": "1h", "rpo": "1h"},
         "source": {"account": PROD, "region": EAST, "profile": "production"},
         "target": {"account": DR, "region": EAST, "profile": "dr"},
         "resources": [{"name": "bucket", "type": "s3", "source": SRC,
                        "replica": {"bucket": REP, "role_arn": ROLE},
                        "posture": {"lifecycle": "none"}, "live": {"canary": False},
                        "compare": {"enabled": True, "prefix": ""}}]}
    path = os.path.join(work, "bench-s3.json")
    with open(path, "w") as f:
        json.dump(d, f, indent=2)
    return path


def rclone_config(state, endpoint, path):
    """An rclone config of two S3 remotes, src (production) and dst (DR),
    written private: the keys go neither into argv nor into the log."""
    creds = configparser.ConfigParser()
    creds.read(os.path.join(state, "aws", "credentials"))
    lines = []
    for remote, profile in (("src", "production"), ("dst", "dr")):
        lines += [f"[{remote}]", "type = s3", "provider = Other", f"endpoint = {endpoint}",
                  f"region = {EAST}", "force_path_style = true",
                  f"access_key_id = {creds[profile]['aws_access_key_id']}",
                  f"secret_access_key = {creds[profile]['aws_secret_access_key']}", ""]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(lines))
    return path


def without_aws_env(argv, keep=()):
    """argv run without this shell's AWS_* variables but those in keep
    (AWS_CA_BUNDLE makes rclone's SDK refuse its http transport): each tool
    is configured only by what is given here."""
    unset = [a for k in sorted(os.environ) if k.startswith("AWS_") and k not in keep
             for a in ("-u", k)]
    return ["/usr/bin/env"] + unset + argv


def check_verdicts(e, w, work, path, n, peer):
    """Both pass on the pair in sync; both fail on one replica object that
    differs, then on one that is missing; the pair is put back after each."""
    run = DrhRun(e, work, path, "bench-s3-equal")
    if run.rc != 0 or run.cases().get("compare", ("?",))[0] != "passed":
        raise benchlib.BenchError(f"drh on equal buckets:\n{run.explain()}")
    if run.props().get("compare_objects") != str(n) or run.props().get("compare_heads") != "0":
        raise benchlib.BenchError(f"drh compared {run.props()}, want {n} objects, no HEAD")
    benchlib.run_once(peer)
    rep = w.client("dr", "s3", EAST)
    victim = f"data/{(n // 2) // PER_DIR:03d}/obj-{n // 2:07d}.json"
    for what, change in (("stale", lambda: rep.put_object(Bucket=REP, Key=victim, Body=b"x")),
                         ("missing", lambda: rep.delete_object(Bucket=REP, Key=victim))):
        vid = change()["VersionId"]
        try:
            run = DrhRun(e, work, path, f"bench-s3-{what}")
            status, msg = run.cases().get("compare", ("?", ""))
            if run.rc != 1 or status != "failure" or f"1 {what}" not in msg or victim not in msg:
                raise benchlib.BenchError(f"drh with one {what} object:\n{run.explain()}")
            benchlib.run_once(peer, ok=(1,))
        finally:
            rep.delete_object(Bucket=REP, Key=victim, VersionId=vid)
    benchlib.run_once(peer)


def bench(ctx):
    if not os.access(RCLONE, os.X_OK):
        raise benchlib.BenchError(f"{RCLONE} is missing (mk/deps.sh bench installs rclone)")
    work = ctx.dir("s3")
    n = max(1000, round(OBJECTS * ctx.scale))
    saved = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    e = Emulator(state=ctx.dir("s3-emulator")).start()
    try:
        w = World(e.state, e.endpoint)     # sets AWS_CONFIG_FILE & co. for botocore
        benchlib.log(f"s3: seeding {n:,} objects into {SRC} and its replica {REP}")
        seed(w, n)
        path = drill(work)
        conf = rclone_config(e.state, e.endpoint, os.path.join(work, "rclone.conf"))
        peer = without_aws_env([RCLONE, "--config", conf, "check", f"src:{SRC}", f"dst:{REP}"])
        check_verdicts(e, w, work, path, n, peer)
        benchlib.log("s3: both pass on the pair and both notice a stale and a missing object")
        env = e.env(DRH_STATE_DIR=os.path.join(work, "state"))
        drh = without_aws_env([ctx.drh, "run", path], keep=env)
        d, p = benchlib.side_by_side(drh, peer, env=env)
        row = benchlib.Row(f"S3 compare, {n:,} objects", d, p, peer_name="rclone check",
                           work=(n, "objects"), goal=f"≥{GOAL:g}x objects/s")
        row.met = row.ratio() >= GOAL
        row.notes = (f"two buckets of {n:,} objects in folders of {PER_DIR:,}, the replica in "
                     f"sync (same version ids), on the emulator with its listings warm; drh: "
                     f"a compare-only drill (ListObjectVersions of both buckets at once, no "
                     f"HEAD); rclone check with its defaults (ListObjects per folder, 8 "
                     f"checkers; size and MD5 from the ETag)")
        return [row]
    finally:
        e.cleanup()
        for k in [k for k in os.environ if k.startswith("AWS_")]:
            del os.environ[k]
        os.environ.update(saved)
