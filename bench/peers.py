"""Servers the throughput figures compare, each run in a process of its own.

``python -m bench.peers KIND PORT`` serves on 127.0.0.1:PORT until stdin closes (or it is
terminated). KIND is one of:

- ``moto``: moto's ``ThreadedMotoServer`` (the call measured is STS ``GetCallerIdentity``);
- ``httpserver``: pytest-httpserver's ``HTTPServer`` with one canned JSON reply, as its
  users register it (it validates nothing);
- ``mockserver``: our ``MockServer`` (one process, one werkzeug thread server).

werkzeug's per-request access log is switched off for all of them (as ``MockServer`` has it),
so that none pays for writing a log line per request.
"""

from __future__ import annotations

import json
import logging
import sys

from bench.apps import ACCOUNT
from bench.apps import ACTION
from bench.apps import CONNECTOR
from bench.apps import draft_body

KINDS = ("moto", "httpserver", "mockserver")
HTTPSERVER_PATH = f"/api/v1/connector/interactor/{CONNECTOR}/action/{ACTION}/execute"
MOTO_BODY = "Action=GetCallerIdentity&Version=2011-06-15"
MOTO_HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/sts/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef"
    ),
    "X-Amz-Date": "20260101T000000Z",
}


def canned_output() -> dict[str, object]:
    """What our mock answers for the draft, as a fixed reply of the same size."""
    from interactor_mock.contracts import default_registry
    from interactor_mock.core.generate import Generator

    action = default_registry().action(CONNECTOR, ACTION)
    return {"output": Generator().generate(action.output_schema, seed=1, echo=draft_body(1))}


def serve(kind: str, port: int) -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if kind == "moto":
        from moto.server import ThreadedMotoServer

        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        moto.start()
        stop = moto.stop
    elif kind == "httpserver":
        from pytest_httpserver import HTTPServer

        server = HTTPServer(host="127.0.0.1", port=port)
        server.expect_request(HTTPSERVER_PATH, method="POST").respond_with_json(canned_output())
        server.start()
        stop = server.stop
    elif kind == "mockserver":
        from bench.apps import interactor_app
        from interactor_mock.embed.server import MockServer

        mock = MockServer(port=port, app=interactor_app()).start()
        stop = mock.stop
    else:
        raise SystemExit(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    print(json.dumps({"ready": port, "account": ACCOUNT}), flush=True)
    try:
        sys.stdin.read()  # until the parent closes our stdin (or ends us)
    finally:
        stop()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
