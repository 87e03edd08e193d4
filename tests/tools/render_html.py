#!/usr/bin/python3
"""Render an HTML page in headless Chromium and check the screenshot.

    render_html.py PAGE.html OUT.png [--expect-color RRGGBB ...]
                   [--min-pixels N] [--min-colors N] [--size W,H]

Runs /usr/bin/chromium headless (no sandbox, no GPU, a throw-away profile,
every host name resolving to nothing, so the page cannot reach the
network), takes a screenshot of the top of the page at W x H (default
1280 x 1600), then decodes the PNG with the standard library alone (zlib
and struct: the scanlines are unfiltered here) and checks that it rendered:
the right size, not blank (at least --min-colors distinct colours), and
each --expect-color present in at least --min-pixels pixels (each channel
within 2 of the value, for colour management's rounding).

Exit 0 when every check holds; 1 with one line per failed check; 2 for bad
usage or when Chromium is missing or fails.
"""

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import Counter

CHROMIUM = os.environ.get("DRH_CHROMIUM", "/usr/bin/chromium")


def fail(code, msg):
    print("render_html: " + msg, file=sys.stderr)
    sys.exit(code)


def screenshot(page, out, width, height, timeout):
    profile = tempfile.mkdtemp(prefix="drh-chromium-")
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--host-resolver-rules=MAP * ~NOTFOUND",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-background-networking", "--disable-component-update",
        "--disable-dev-shm-usage", "--force-color-profile=srgb",
        "--window-size=%d,%d" % (width, height), "--screenshot=" + out,
        "file://" + os.path.abspath(page),
    ]
    try:
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout, env=dict(os.environ, HOME=profile))
    except subprocess.TimeoutExpired:
        fail(2, "chromium took more than %d s to render %s" % (timeout, page))
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0 or not os.path.exists(out):
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        fail(2, "chromium exited %d without a screenshot of %s: %s"
             % (done.returncode, page, " | ".join(tail)))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(path):
    """(width, height, channels, bytes of the unfiltered pixels)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if not ihdr:
        raise ValueError("no IHDR chunk")
    width, height, depth, ctype, _, _, interlace = ihdr
    channels = {2: 3, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        raise ValueError("unsupported PNG: depth %d, colour type %d, interlace %d"
                         % (depth, ctype, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError("pixel data has %d bytes, expected %d"
                         % (len(raw), height * (stride + 1)))
    out = bytearray(height * stride)
    prev = bytearray(stride)
    bpp = channels
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:  # Paeth
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                upleft = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + paeth(left, prev[i], upleft)) & 0xFF
        elif ftype != 0:
            raise ValueError("bad filter type %d on row %d" % (ftype, y))
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return width, height, channels, bytes(out)


def colour_counts(width, height, channels, pixels):
    if channels == 4:  # drop alpha: a screenshot is opaque
        rgb = bytearray(width * height * 3)
        rgb[0::3] = pixels[0::4]
        rgb[1::3] = pixels[1::4]
        rgb[2::3] = pixels[2::4]
        pixels = bytes(rgb)
    return Counter(pixels[i:i + 3] for i in range(0, len(pixels), 3))


def main():
    ap = argparse.ArgumentParser(description="render an HTML page in headless Chromium and "
                                 "check the screenshot")
    ap.add_argument("page")
    ap.add_argument("out")
    ap.add_argument("--expect-color", action="append", default=[], metavar="RRGGBB")
    ap.add_argument("--min-pixels", type=int, default=200)
    ap.add_argument("--min-colors", type=int, default=32)
    ap.add_argument("--size", default="1280,1600")
    ap.add_argument("--timeout", type=int, default=30)
    args = ap.parse_args()
    try:
        width, height = (int(v) for v in args.size.split(","))
        expected = [bytes.fromhex(c.lstrip("#")) for c in args.expect_color]
        if any(len(c) != 3 for c in expected):
            raise ValueError
    except ValueError:
        fail(2, "--size is W,H and --expect-color RRGGBB")
    if not os.path.isfile(args.page):
        fail(2, "no such page: %s" % args.page)
    if not os.access(CHROMIUM, os.X_OK):
        fail(2, "%s is missing: install Debian's chromium (apt-get install chromium, "
             "or mk/deps.sh test)" % CHROMIUM)
    if os.path.exists(args.out):
        os.unlink(args.out)
    screenshot(args.page, args.out, width, height, args.timeout)
    try:
        w, h, channels, pixels = decode_png(args.out)
    except (ValueError, zlib.error, struct.error) as e:
        fail(1, "%s: cannot decode the screenshot: %s" % (args.out, e))
    problems = []
    if (w, h) != (width, height):
        problems.append("screenshot is %dx%d, expected %dx%d" % (w, h, width, height))
    counts = colour_counts(w, h, channels, pixels)
    if len(counts) < args.min_colors:
        problems.append("only %d distinct colours: the page looks blank (expected >= %d)"
                        % (len(counts), args.min_colors))
    for want in expected:
        n = sum(k for c, k in counts.items()
                if all(abs(c[i] - want[i]) <= 2 for i in range(3)))
        if n < args.min_pixels:
            problems.append("colour #%s in %d pixels, expected >= %d"
                            % (want.hex(), n, args.min_pixels))
    for p in problems:
        print("render_html: %s: %s" % (args.page, p), file=sys.stderr)
    if problems:
        return 1
    print("render_html: %s: %dx%d, %d colours%s" % (
        args.page, w, h, len(counts),
        "".join(", #%s ok" % c.hex() for c in expected)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
