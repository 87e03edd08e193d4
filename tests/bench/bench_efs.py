"""EFS: verifying a restored file tree against its manifest (`drh verify
--tree DIR --manifest M.json`, the manifest probe of an efs drill) beside
`sha256sum -c --quiet SUMS` run in DIR, over 100,000 files and 2 GiB (both
times BENCH_SCALE). Goal: drh at least 1.5x faster, near the disk's
bandwidth.

The tree is what a real file system holds: mostly small files (a
log-normal spread around 4 KiB, a few empty), some large ones (0.02% of the
files hold 30% of the bytes), in nested folders of about 100 files, a few
names with spaces. The contents are slices of one random buffer, so making
2 GiB takes seconds, not minutes. sha256sum's SUMS is derived from drh's
manifest, so sha256sum -c passing proves drh hashed every file right.

Caches. A restore is read once, right after it was made, so the case that
matters is cold: when /proc/sys/vm/drop_caches is writable (root), every run
of either tool starts with `sync; echo 3 > /proc/sys/vm/drop_caches` (page
cache, dentries and inodes: the folders are read from the disk too). To
judge "near the disk's bandwidth", two rates are measured the same way: the
disk's sequential read (one large file read cold with dd) and what it gives
for this tree's files (every file read cold by cat, 16 at a time, nothing
hashed): 100,000 small files cost the disk 100,000 requests, so the second
is the bound a verifier can come near; the notes give drh's rate as a share
of both. Dropping caches drops the whole machine's, not only ours. A second
row measures warm caches (the data in memory: the CPU-bound case, hashing).
When drop_caches is not writable only the warm row is measured, and its
notes say so.
"""
import json
import math
import os
import random

import benchlib

GiB = 2**30
FILES = 100_000
BYTES = 2 * GiB
DROP = "/proc/sys/vm/drop_caches"
GOAL = 1.5
PARALLEL = 16


def _sizes(rng, n, total):
    """n file sizes summing to total: n // 5000 (at least 1) large files
    with 30% of the bytes, the rest log-normal around 4 KiB, 1% empty."""
    n_large = max(1, n // 5000)
    small = [0 if rng.random() < 0.01 else min(rng.lognormvariate(math.log(4096), 1.8), 8 * 2**20)
             for _ in range(n - n_large)]
    k = 0.7 * total / max(1.0, sum(small))
    sizes = [int(s * k) for s in small]
    left = total - sum(sizes)
    large = [left // n_large] * n_large
    large[-1] += left - sum(large)
    sizes += large
    rng.shuffle(sizes)
    return sizes


def _path(rng, i):
    """Nested folders: 10 x 10 x 10 leaves of ~100 files; 10% of the files
    one or two levels up; one name in 50 has a space."""
    a, b, c = rng.randrange(10), rng.randrange(10), rng.randrange(10)
    depth = rng.choices((1, 2, 3), weights=(2, 8, 90))[0]
    parts = [f"d{a}", f"s{b}", f"t{c}"][:depth]
    name = f"file {i:06d}.dat" if i % 50 == 0 else f"f{i:06d}.{('log', 'json', 'bin', 'txt')[i % 4]}"
    return os.path.join(*parts, name)


def make_tree(root, n, total, seed=1):
    """Writes the tree; -> (files, bytes)."""
    rng = random.Random(seed)
    sizes = _sizes(rng, n, total)
    pool = os.urandom(max(64 * 2**20, max(sizes) + 4096))
    view = memoryview(pool)
    made = set()
    for i, size in enumerate(sizes):
        rel = _path(rng, i)
        d = os.path.dirname(rel)
        if d not in made:
            os.makedirs(os.path.join(root, d), exist_ok=True)
            made.add(d)
        off = rng.randrange(0, len(pool) - size + 1)
        fd = os.open(os.path.join(root, rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            done = 0
            while done < size:
                done += os.write(fd, view[off + done:off + size])
        finally:
            os.close(fd)
    return len(sizes), sum(sizes)


def can_drop():
    return os.access(DROP, os.W_OK)


def drop_caches():
    benchlib.run_once(f"sync && echo 3 > {DROP}")


def sums_from_manifest(manifest, out):
    """The sha256sum -c file of drh's manifest; -> its entries."""
    with open(manifest) as f:
        entries = json.load(f)["entries"]
    with open(out, "w") as f:
        for e in entries:
            if "\n" in e["path"] or "\\" in e["path"]:
                raise benchlib.BenchError(f"unexpected name {e['path']!r}")
            f.write(f"{e['sha256']}  {e['path']}\n")
    return entries


def disk_read_rate(work, size):
    """The disk's sequential read bandwidth (bytes/s): one file of size
    bytes written, then read cold with dd, best of two reads."""
    path = os.path.join(work, "seq.bin")
    benchlib.run_once(["dd", "if=/dev/urandom", f"of={path}", "bs=1M",
                       f"count={max(64, size // 2**20)}", "status=none"])
    best = None
    for _ in range(2):
        drop_caches()
        s = benchlib.run_once(["dd", f"if={path}", "of=/dev/null", "bs=1M", "status=none"])
        best = s.wall if best is None else min(best, s.wall)
    rate = os.path.getsize(path) / best
    os.unlink(path)
    return rate


def tree_read_rate(tree, size):
    """What the disk gives for this tree's files (bytes/s): all of them read
    cold by `cat`, PARALLEL at a time, nothing hashed; best of two. A tree
    of small files costs the disk one request each, so this, not dd's
    sequential rate, is the bound a verifier can come near."""
    best = None
    for _ in range(2):
        drop_caches()
        s = benchlib.run_once(f"find . -type f -print0 | xargs -0 -P{PARALLEL} -n 200 cat "
                              f">/dev/null", cwd=tree)
        best = s.wall if best is None else min(best, s.wall)
    return size / best


def cold_side_by_side(drh_cmd, peer_cmd, **kw):
    """As benchlib.side_by_side (turns, BENCH_REPS each), the caches dropped
    before every run."""
    d, p = [], []
    for _ in range(benchlib.reps()):
        for cmd, out in ((drh_cmd, d), (peer_cmd, p)):
            drop_caches()
            out.append(benchlib.run_once(cmd, **kw))
    return d, p


def _flip(path):
    with open(path, "r+b") as f:
        b = f.read(1)
        f.seek(0)
        f.write(bytes([b[0] ^ 0xFF]))


def check(drh, peer, tree, victim, files):
    """Both pass on the tree and both notice a changed byte. (sha256sum -c
    passing on the sums drh's manifest gave is what proves drh's digests.)"""
    out = benchlib.run_once(drh, capture=True).out.decode().strip()
    if "\n" in out or "pass" not in out or f"all {files} manifest files" not in out:
        raise benchlib.BenchError(f"drh verify does not say all {files} files pass: {out!r}")
    benchlib.run_once(peer, cwd=tree)
    path = os.path.join(tree, victim)
    _flip(path)
    try:
        out = benchlib.run_once(drh, ok=(1,), capture=True).out.decode()
        if victim not in out:
            raise benchlib.BenchError(f"drh verify does not name the changed file: {out!r}")
        benchlib.run_once(peer, cwd=tree, ok=(1,))
    finally:
        _flip(path)
    benchlib.run_once(drh)


def _mb(rate):
    return f"{rate / 1e6:,.0f} MB/s"


def bench(ctx):
    work = ctx.dir("efs")
    tree = os.path.join(work, "tree")
    n, total = max(100, round(FILES * ctx.scale)), max(2**20, round(BYTES * ctx.scale))
    benchlib.log(f"efs: writing {n:,} files, {total / GiB:.2f} GiB")
    files, size = make_tree(tree, n, total)
    manifest, sums = os.path.join(work, "M.json"), os.path.join(work, "SUMS")
    benchlib.run_once([ctx.drh, "manifest", "--tree", tree, "--out", manifest])
    entries = sums_from_manifest(manifest, sums)
    if len(entries) != files or sum(e["size"] for e in entries) != size:
        raise benchlib.BenchError(f"drh's manifest has {len(entries)} files, the tree {files}")
    drh = [ctx.drh, "verify", "--tree", tree, "--manifest", manifest]
    peer = ["sha256sum", "-c", "--quiet", sums]
    victim = max(entries, key=lambda e: e["size"] if e["size"] < 2**20 else 0)["path"]
    check(drh, peer, tree, victim, files)
    benchlib.log("efs: both pass on the tree and both notice a changed byte")

    rows = []
    common = dict(peer_name="sha256sum -c", work=(files, "files"), goal=f"≥{GOAL:g}x")
    what = f"{files:,} files, {size / GiB:.2f} GiB"
    if can_drop():
        seq = min(GiB, size)
        rate = disk_read_rate(work, seq)
        plain = tree_read_rate(tree, size)
        benchlib.log(f"efs: disk reads {_mb(rate)} cold, sequential; the tree's files "
                     f"{_mb(plain)}, {PARALLEL} at a time")
        d, p = cold_side_by_side(drh, peer, cwd=tree)
        row = benchlib.Row("EFS manifest verify, cold", d, p, **common)
        row.met = row.ratio() >= GOAL
        drh_rate = size / benchlib.median(d, "wall")
        row.notes = (f"{what}, caches dropped before every run; drh reads {_mb(drh_rate)}: "
                     f"{100 * drh_rate / plain:.0f}% of what the disk gives for these files "
                     f"({_mb(plain)}: cat of every file, {PARALLEL} at a time, no hashing), "
                     f"{100 * drh_rate / rate:.0f}% of its sequential read ({_mb(rate)}: dd "
                     f"of one {seq / GiB:.2f} GiB file); sha256sum "
                     f"{_mb(size / benchlib.median(p, 'wall'))}; CPU (user+sys): drh "
                     f"{benchlib.median(d, 'cpu'):.2f} s, sha256sum "
                     f"{benchlib.median(p, 'cpu'):.2f} s")
        rows.append(row)
    d, p = benchlib.side_by_side(drh, peer, cwd=tree)
    row = benchlib.Row("EFS manifest verify, warm", d, p, **common)
    row.met = row.ratio() >= GOAL
    row.notes = (f"{what} in the page cache; drh {_mb(size / benchlib.median(d, 'wall'))} "
                 f"({benchlib.median(d, 'cpu'):.2f} s CPU), sha256sum "
                 f"{_mb(size / benchlib.median(p, 'wall'))} "
                 f"({benchlib.median(p, 'cpu'):.2f} s CPU)"
                 + ("" if can_drop() else f"; {DROP} is not writable here: no cold row"))
    rows.append(row)
    return rows
