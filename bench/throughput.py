"""Throughput under a production server, and against peers.

- Ours: ``gunicorn -w 2`` on the mock (``bench.apps:interactor_app()``: the documented
  ``interactor_mock:create_app()`` with a fixed key and a grant made at start, because each
  worker keeps its own in-memory store); the baseline: the same gunicorn line on a minimal
  Flask route that validates the same body with a precompiled ``jsonschema`` validator.
- Peers: moto's ``ThreadedMotoServer`` on a cheap call (STS ``GetCallerIdentity``), and
  pytest-httpserver with one canned JSON reply (validating nothing), each in its own process.
- For context (no target): our single-process ``MockServer`` against the same peers.

All servers run at once (idle ones cost nothing); each round loads every one of them in
turn, the order rotating, from one client process with a few connections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from bench.apps import API_KEY
from bench.apps import EXECUTE_PATH
from bench.apps import VALIDATE_PATH
from bench.apps import draft_body_template
from bench.core import Figure
from bench.core import Target
from bench.core import median
from bench.core import python
from bench.core import require
from bench.peers import HTTPSERVER_PATH
from bench.peers import MOTO_BODY
from bench.peers import MOTO_HEADERS
from bench.processes import Background
from bench.processes import free_port
from bench.processes import interleaved_rates

GROUP = "throughput"
WORKERS = 2
CONNECTIONS = 4
JSON_HEADERS = {"Content-Type": "application/json", "x-api-key": API_KEY}


@dataclass
class _Side:
    name: str
    start: Callable[[int], Background]
    request: dict[str, Any]
    ready_path: str = "/"
    rates: list[float] = field(default_factory=list)
    server: Background | None = None
    port: int = 0


def gunicorn(app: str) -> Callable[[int], Background]:
    def start(port: int) -> Background:
        return Background(
            [
                python(),
                "-m",
                "gunicorn",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                app,
            ]
        )

    return start


def peer(kind: str) -> Callable[[int], Background]:
    def start(port: int) -> Background:
        return Background([python(), "-m", "bench.peers", kind, str(port)], grace=5.0)

    return start


def run(quick: bool = False) -> list[Figure]:
    require("gunicorn", "moto", "pytest_httpserver")
    rounds, duration = (1, 0.5) if quick else (3, 3.0)
    body = draft_body_template()
    execute = {"method": "POST", "path": EXECUTE_PATH, "headers": JSON_HEADERS, "body": body}
    sides = [
        _Side("ours", gunicorn("bench.apps:interactor_app()"), execute, "/_mock/health"),
        _Side(
            "baseline",
            gunicorn("bench.apps:baseline_app()"),
            {"method": "POST", "path": VALIDATE_PATH, "headers": JSON_HEADERS, "body": body},
        ),
        _Side(
            "moto",
            peer("moto"),
            {"method": "POST", "path": "/", "headers": MOTO_HEADERS, "body": MOTO_BODY},
        ),
        _Side(
            "httpserver",
            peer("httpserver"),
            {"method": "POST", "path": HTTPSERVER_PATH, "headers": JSON_HEADERS, "body": body},
        ),
        _Side("mockserver", peer("mockserver"), execute, "/_mock/health"),
    ]
    try:
        for side in sides:
            side.port = free_port()
            side.server = side.start(side.port)
        for side in sides:
            assert side.server is not None
            side.server.wait_ready(side.port, side.ready_path)
        interleaved_rates(sides, rounds=rounds, duration=duration, connections=CONNECTIONS)
    finally:
        for side in sides:
            if side.server is not None:
                side.server.stop()
    rate = {side.name: median(side.rates) for side in sides}
    samples = {side.name: side.rates for side in sides}
    note = f"{CONNECTIONS} connections, {duration:g} s per run"

    def figure(name: str, baseline: str, label: str, target: Target, ours: str = "ours") -> Figure:
        return Figure(
            group=GROUP,
            name=name,
            ours=rate[ours],
            baseline=rate[baseline],
            baseline_name=label,
            unit="req/s",
            target=target,
            runs=rounds,
            notes=note,
            samples={"ours": samples[ours], "baseline": samples[baseline]},
        )

    return [
        figure(
            f"production server (gunicorn -w {WORKERS}) execute throughput",
            "baseline",
            f"minimal validating Flask route, gunicorn -w {WORKERS}",
            Target("ratio>=", 0.8),
        ),
        figure(
            f"gunicorn -w {WORKERS} throughput vs moto",
            "moto",
            "moto ThreadedMotoServer, STS GetCallerIdentity",
            Target("ratio>=", 6.0),
        ),
        figure(
            f"gunicorn -w {WORKERS} throughput vs pytest-httpserver",
            "httpserver",
            "pytest-httpserver canned JSON reply",
            Target("ratio>=", 0.7),
        ),
        figure(
            "MockServer (one process) throughput vs pytest-httpserver",
            "httpserver",
            "pytest-httpserver canned JSON reply",
            Target("info", 0),
            ours="mockserver",
        ),
        figure(
            "MockServer (one process) throughput vs moto",
            "moto",
            "moto ThreadedMotoServer, STS GetCallerIdentity",
            Target("info", 0),
            ours="mockserver",
        ),
    ]
