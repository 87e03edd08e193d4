#!/usr/bin/python3
"""Runs the samples of cases.json through botocore's own response parsers.

Prints one JSON object: for each error case the code, message and request id
botocore finds; for each result case the pagination token and request id
botocore finds and the expectations (JMESPath -> value) it does not meet, so
the samples are checked against the service models; for each request case
the query/ec2 parameters botocore's serializer writes, in order.
tests/unit/test_protocol.c
compares this with what drh's parsers find. Needs Debian's python3-botocore:
    /usr/bin/python3 botocore_check.py cases.json
"""
import json
import os
import sys

import botocore.session
import jmespath
from botocore.awsrequest import HeadersDict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer


def body_of(case, folder):
    if "file" in case:
        with open(os.path.join(folder, case["file"]), "rb") as f:
            return f.read()
    return case["text"].encode("utf-8")


def response(case, folder, status):
    headers = HeadersDict()
    for name, value in case.get("headers", {}).items():
        headers[name] = value
    return {"status_code": status, "headers": headers, "body": body_of(case, folder)}


def main():
    path = sys.argv[1]
    folder = os.path.dirname(os.path.abspath(path))
    with open(path, encoding="utf-8") as f:
        cases = json.load(f)
    session = botocore.session.get_session()
    out = {"errors": {}, "results": {}, "requests": {}}

    for case in cases["errors"]:
        parsed = create_parser(case["protocol"]).parse(
            response(case, folder, case["status"]), None)
        error = parsed.get("Error", {})
        meta = parsed.get("ResponseMetadata", {})
        out["errors"][case["name"]] = {
            "code": error.get("Code"),
            "message": error.get("Message"),
            "request_id": meta.get("RequestId") or None,
        }

    for case in cases["results"]:
        model = session.get_service_model(case["service"])
        op = model.operation_model(case["operation"])
        parsed = create_parser(model.metadata["protocol"]).parse(
            response(case, folder, 200), op.output_shape)
        mismatches = []
        for expr, want in case.get("expect", {}).items():
            got = jmespath.search(expr, parsed)
            if got != want:
                mismatches.append("%s: got %r, want %r" % (expr, got, want))
        token = parsed.get(case["token"]) if case.get("token") else None
        out["results"][case["name"]] = {
            "token": token,
            "request_id": parsed.get("ResponseMetadata", {}).get("RequestId") or None,
            "mismatches": mismatches,
        }

    for case in cases.get("requests", []):
        model = session.get_service_model(case["service"])
        op = model.operation_model(case["operation"])
        serializer = create_serializer(model.metadata["protocol"], include_validation=True)
        body = serializer.serialize_to_request(case["params"], op)["body"]
        out["requests"][case["name"]] = [[k, str(v)] for k, v in body.items()]

    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
