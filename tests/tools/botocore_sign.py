#!/usr/bin/python3
"""Differential oracle for drh's SigV4 signer (tests/unit/test_sigv4_diff.c).

Generates random requests from a seed, signs each with botocore (SigV4Auth,
S3SigV4Auth, SigV4QueryAuth, S3SigV4QueryAuth) at a clock fixed per case, and
prints one line per request so that the C test can sign the same request and
compare. Run it with Debian's /usr/bin/python3, whose botocore is the
reference.

Line format: tab-separated fields; text fields are the lowercase hex of their
UTF-8 bytes ("" for empty), '-' stands for "absent" (NULL in C):

  case kind s3 now region service akid secret token method path query body
  payload_hash expires n_headers (name value)*n_headers expected creq
  n_out_headers (name value)*n_out_headers

kind is "sign" (expected: the Authorization header; out headers: every
header after signing, in order) or "presign" (expected: the query string of
the presigned URL; no out headers). creq is botocore's canonical request,
printed by the C test when it disagrees.
"""
import argparse
import datetime
import random
import sys
import types
from urllib.parse import quote, unquote_to_bytes, urlsplit

import botocore
import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import percent_encode_sequence


class Clock(datetime.datetime):
    """botocore.auth reads utcnow(); each case sets it."""

    fixed = None

    @classmethod
    def utcnow(cls):
        return cls.fixed


auth.datetime = types.SimpleNamespace(datetime=Clock)


class Capture:
    """Keeps the canonical request botocore signed, for failure reports."""

    captured = ''

    def canonical_request(self, request):
        cr = super().canonical_request(request)
        self.captured = cr
        return cr


class CSigV4Auth(Capture, auth.SigV4Auth):
    pass


class CS3SigV4Auth(Capture, auth.S3SigV4Auth):
    pass


class CSigV4QueryAuth(Capture, auth.SigV4QueryAuth):
    pass


class CS3SigV4QueryAuth(Capture, auth.S3SigV4QueryAuth):
    pass


UNRESERVED = ('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
              '0123456789-_.~')
SUB_DELIMS = "!$&'()*+,;=:@"
UNSAFE_ASCII = '"<>`{}|^\\[]'
UTF8_CHARS = ['é', 'ß', 'ሴ', '中', '文', '😀', '€', 'Ω', '\u00a0', '\u2003']
# Python's str.split() whitespace beyond the ASCII space: botocore folds all
# of it in header values, so the C signer must too.
ODD_SPACE = ['\t', '\x0b', '\x0c', '\r', '\n', '\x1c', '\x1d', '\x1e', '\x1f',
             '\x85', '\xa0', '\u1680', '\u2000', '\u2007', '\u200a', '\u2028',
             '\u2029', '\u202f', '\u205f', '\u3000']
METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS']
REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-2',
           'cn-north-1', 'us-gov-west-1', 'eu-south-2']
SERVICES = ['ec2', 'sts', 'iam', 'execute-api', 'dynamodb', 'lambda', 'rds',
            'monitoring', 'logs', 'kms', 'route53', 'sqs', 'es', 'service']
HOSTS = ['example.amazonaws.com', 's3.us-west-2.amazonaws.com',
         'bucket.s3.amazonaws.com', 'localhost:4566', '127.0.0.1:9000',
         '[::1]:8080', 'Example.AmazonAWS.com']
QUERY_KEYS = ['Param1', 'param1', 'Param2', 'a', 'A', 'b', 'X-Id', 'list-type',
              'prefix', 'max-keys', '~x', 'é', 'ሴ', 'key with space', 'k=q',
              'a+b', '', 'versionId', 'Action', 'Version']
HEADER_NAMES = ['My-Header1', 'my-header1', 'MY-HEADER1', 'X-Amz-Meta-Foo',
                'x-amz-meta-foo', 'Content-Type', 'Content-MD5', 'Range',
                'If-None-Match', 'X-Amz-Target', 'Accept', 'Cache-Control',
                'X-Amz-Acl', 'Content-Encoding', 'X-Custom_Name']
BLACKLISTED = ['User-Agent', 'user-agent', 'Expect', 'X-Amzn-Trace-Id']
STALE = ['Authorization', 'X-Amz-Date', 'x-amz-date', 'X-Amz-Security-Token',
         'X-Amz-Content-SHA256']
FORM_TYPE = 'application/x-www-form-urlencoded; charset=utf-8'


def hexs(s):
    if s is None:
        return '-'
    if isinstance(s, str):
        s = s.encode('utf-8')
    return s.hex()


def rand_text(rng, alphabet, lo, hi):
    return ''.join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def pct(rng, data):
    """Percent-encodes bytes with uppercase or lowercase hex at random."""
    out = []
    for b in data:
        h = '%02X' % b
        out.append('%' + (h if rng.random() < 0.7 else h.lower()))
    return ''.join(out)


def path_segment(rng):
    r = rng.random()
    if r < 0.08:
        return '.'
    if r < 0.16:
        return '..'
    if r < 0.24:
        return ''
    parts = []
    for _ in range(rng.randint(1, 8)):
        k = rng.random()
        if k < 0.45:
            parts.append(rand_text(rng, UNRESERVED, 1, 6))
        elif k < 0.55:
            parts.append(rng.choice(SUB_DELIMS))
        elif k < 0.70:
            # Encoded bytes, including '/', '%', '?', '#' and bytes that are
            # not UTF-8: the path is never decoded, only encoded again.
            parts.append(pct(rng, bytes(rng.choice([
                [0x20], [0x2f], [0x25], [0x3f], [0x23], [0x41], [0x7e],
                [0xff], [0xe1, 0x88, 0xb4], [0x00], [rng.randint(0, 255)]]))))
        elif k < 0.85:
            parts.append(rng.choice(UTF8_CHARS))
        elif k < 0.90:
            parts.append(' ')
        elif k < 0.95:
            parts.append(rng.choice(UNSAFE_ASCII))
        else:
            parts.append(rng.choice(['%', '%zz', '%4', '.', '..', '...']))
    return ''.join(parts)


def gen_path(rng):
    segs = [path_segment(rng) for _ in range(rng.randint(0, 6))]
    path = '/' + '/'.join(segs)
    if rng.random() < 0.25:
        path += '/'
    if rng.random() < 0.05:
        path = '/' + path
    return path


def wire_encode(rng, s, in_key):
    """Writes one query key or value the way a client might put it on the
    wire: some characters encoded needlessly, some left raw."""
    out = []
    for ch in s:
        if ch in UNRESERVED:
            r = rng.random()
            out.append(ch if r < 0.8 else pct(rng, ch.encode()))
        elif ch in '&#%\x00 ' or (in_key and ch == '='):
            out.append(pct(rng, ch.encode('utf-8')))
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(pct(rng, ch.encode('utf-8')))
        else:
            # Raw reserved characters, '+' and raw UTF-8 are all legal on
            # the wire for the decoder: RFC 3986 decoding keeps them.
            out.append(ch if rng.random() < 0.5 else pct(rng, ch.encode('utf-8')))
    return ''.join(out)


def rand_query_value(rng):
    r = rng.random()
    if r < 0.15:
        return ''
    alphabet = UNRESERVED + SUB_DELIMS + '/?#[] %"\x00'
    parts = []
    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.8:
            parts.append(rand_text(rng, alphabet, 1, 5))
        else:
            parts.append(rng.choice(UTF8_CHARS))
    return ''.join(parts)


def gen_pairs(rng, unique):
    """[(key, value, key_only)] with repeats, empty values, key-only
    parameters and no particular order."""
    pairs = []
    used = set()
    for _ in range(rng.randint(0, 7)):
        key = rng.choice(QUERY_KEYS) if rng.random() < 0.8 else rand_query_value(rng)
        if unique and key in used:
            continue
        used.add(key)
        r = rng.random()
        if r < 0.12 and key:
            pairs.append((key, '', True))
        else:
            pairs.append((key, rand_query_value(rng), False))
            if not unique and rng.random() < 0.15:
                pairs.append((key, rand_query_value(rng), False))
    rng.shuffle(pairs)
    return pairs


def decode_query(query):
    """Splits and decodes a wire query exactly as drh's uri_params_parse()
    does (RFC 3986: '+' stays a plus; empty pieces dropped)."""
    params = []
    for piece in query.split('&'):
        if not piece:
            continue
        key, _, value = piece.partition('=')
        params.append((unquote_to_bytes(key).decode('utf-8'),
                       unquote_to_bytes(value).decode('utf-8')))
    return params


def gen_query(rng, unique):
    """Returns (wire query, botocore params or None). With params None the
    query goes in the URL, already in botocore's own encoding, and botocore
    parses it itself; otherwise botocore gets the decoded parameters."""
    pairs = gen_pairs(rng, unique)
    if rng.random() < 0.4:
        pieces = []
        for key, value, key_only in pairs:
            if key_only:
                pieces.append(quote(key.encode(), safe='-_.~'))
            else:
                pieces.append(percent_encode_sequence([(key, value)]))
        return '&'.join(pieces), None
    while True:
        pieces = []
        for key, value, key_only in pairs:
            k = wire_encode(rng, key, True)
            pieces.append(k if key_only else k + '=' + wire_encode(rng, value, False))
        if not unique and rng.random() < 0.05:
            pieces.insert(rng.randint(0, len(pieces)), '')
        query = '&'.join(pieces)
        try:
            return query, decode_query(query)
        except UnicodeDecodeError:
            continue


def header_value(rng):
    r = rng.random()
    if r < 0.05:
        return ''
    if r < 0.08:
        return ''.join(rng.choice(ODD_SPACE + [' ']) for _ in range(rng.randint(1, 4)))
    words = []
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.85:
            words.append(rand_text(rng, UNRESERVED + '!"#$%&\'()*+,/:;<=>?@[\\]^`{|}', 1, 10))
        else:
            words.append(rng.choice(UTF8_CHARS))
    out = []
    if rng.random() < 0.3:
        out.append(rng.choice([' ', '  ', '\t', ' \t ']))
    for i, w in enumerate(words):
        if i:
            k = rng.random()
            if k < 0.5:
                out.append(' ')
            elif k < 0.7:
                out.append(' ' * rng.randint(2, 5))
            elif k < 0.8:
                out.append('\n ' if rng.random() < 0.5 else '\r\n\t')
            else:
                out.append(rng.choice(ODD_SPACE))
        out.append(w)
    if rng.random() < 0.3:
        out.append(rng.choice([' ', '   ', '\t', rng.choice(ODD_SPACE)]))
    return ''.join(out)


def gen_headers(rng, presign, s3):
    host = rng.choice(HOSTS)
    if rng.random() < 0.1:
        host = ' ' + host + '  '
    headers = [(rng.choice(['Host', 'host', 'HOST']), host)]
    for _ in range(rng.randint(0, 7)):
        r = rng.random()
        if r < 0.7:
            name = rng.choice(HEADER_NAMES)
        elif r < 0.8:
            name = rng.choice(BLACKLISTED)
        elif r < 0.92 and not presign:
            name = rng.choice(STALE)
        else:
            name = 'X-' + rand_text(rng, UNRESERVED.replace('~', '').replace('.', ''), 1, 12)
        if name.lower() == 'content-type' and rng.random() < 0.4:
            value = FORM_TYPE
        elif name.lower() == 'x-amz-content-sha256' and rng.random() < 0.5:
            value = rng.choice(['UNSIGNED-PAYLOAD', '%064x' % rng.getrandbits(256)])
        else:
            value = header_value(rng)
        headers.append((name, value))
    if not presign and rng.random() < 0.04:
        headers.append(('Date', 'Thu, 01 Jan 1970 00:00:00 GMT'))
    if presign and rng.random() < 0.05:
        headers.append(('X-Amz-Content-SHA256', '%064x' % rng.getrandbits(256)))
    rng.shuffle(headers)
    return headers


def gen_body(rng):
    r = rng.random()
    if r < 0.4:
        return b''
    if r < 0.7:
        return rng.randbytes(rng.randint(1, 2000))
    if r < 0.97:
        return rand_text(rng, UNRESERVED + ' {}":,', 1, 500).encode()
    return rng.randbytes(rng.randint(100000, 300000))


def gen_creds(rng):
    akid = rng.choice(['AKIA', 'ASIA']) + rand_text(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16)
    b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
    secret = rand_text(rng, b64, 40, 40)
    if rng.random() < 0.03:
        secret += 'é'
    token = None
    if rng.random() < 0.4:
        token = rand_text(rng, b64, 100, 800) + rng.choice(['', '=', '=='])
    return akid, secret, token


def gen_clock(rng):
    now = rng.randint(946684800, 2524607999)  # 2000 to 2049
    if rng.random() < 0.1:
        now -= now % 86400
        now += rng.choice([0, 86399])
    return now


def one_case(rng, n, presign):
    s3 = rng.random() < 0.5
    now = gen_clock(rng)
    region = rng.choice(REGIONS) if rng.random() < 0.9 else rand_text(rng, 'abcdefghij-', 3, 12)
    service = 's3' if s3 else (rng.choice(SERVICES) if rng.random() < 0.9
                               else rand_text(rng, 'abcdefghijklmnopqrstuvwxyz-', 2, 12))
    akid, secret, token = gen_creds(rng)
    method = rng.choice(METHODS)
    if rng.random() < 0.03:
        method = method.lower()
    path = gen_path(rng)
    query, params = gen_query(rng, unique=presign)
    headers = gen_headers(rng, presign, s3)
    body = b'' if presign else gen_body(rng)
    payload_hash = None
    expires = rng.randint(1, 604800) if presign else 0

    url = 'https://example.amazonaws.com' + path
    if params is None and query:
        url += '?' + query
    # botocore takes the path (and, without params, the query) from the URL:
    # it must see exactly the wire path and query the C side gets.
    parts = urlsplit(url)
    assert parts.path == path, (path, parts.path)
    assert parts.query == (query if params is None else ''), (query, parts.query)
    request = AWSRequest(method=method, url=url, data=body)
    request.params = params if params else {}
    for name, value in headers:
        request.headers[name] = value
    if s3 and not presign:
        r = rng.random()
        if r < 0.15:
            payload_hash = 'UNSIGNED-PAYLOAD'
            request.context['client_config'] = types.SimpleNamespace(
                s3={'payload_signing_enabled': False})
        elif r < 0.2:
            payload_hash = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
            request.context['checksum'] = {
                'request_algorithm': {'in': 'trailer', 'name': 'x-amz-checksum-crc32'}}

    creds = Credentials(akid, secret, token)
    Clock.fixed = Clock.utcfromtimestamp(now)
    if presign:
        cls = CS3SigV4QueryAuth if s3 else CSigV4QueryAuth
        signer = cls(creds, service, region, expires=expires)
    else:
        cls = CS3SigV4Auth if s3 else CSigV4Auth
        signer = cls(creds, service, region)
    signer.add_auth(request)

    if presign:
        expected = request.url.split('?', 1)[1]
        out_headers = []
    else:
        expected = request.headers['Authorization']
        out_headers = list(request.headers.items())

    fields = [str(n), 'presign' if presign else 'sign', '1' if s3 else '0', str(now),
              hexs(region), hexs(service), hexs(akid), hexs(secret), hexs(token),
              hexs(method), hexs(path), hexs(query) if query or rng.random() < 0.5 else '-',
              hexs(body), hexs(payload_hash), str(expires), str(len(headers))]
    for name, value in headers:
        fields += [hexs(name), hexs(value)]
    fields += [hexs(expected), hexs(signer.captured), str(len(out_headers))]
    for name, value in out_headers:
        fields += [hexs(name), hexs(value)]
    return '\t'.join(fields)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--count', type=int, default=1200, help='header-auth cases')
    ap.add_argument('--presign', type=int, default=300, help='query-auth cases')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--version', action='store_true', help='print botocore version')
    args = ap.parse_args()
    if args.version:
        print(botocore.__version__)
        return 0
    rng = random.Random(args.seed)
    out = sys.stdout
    for n in range(args.count + args.presign):
        out.write(one_case(rng, n, presign=n >= args.count) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
