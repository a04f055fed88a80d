"""``serve`` throughput with its stores and workers, against today's server and peers, in one
run (issue 10).

The call is the bench's usual one (``POST`` gmail ``email.draft.create``, ~1 KB body, a fresh
subject per request: every call stores a draft), from 4 keep-alive connections in the separate
load client. Every server runs at once (idle ones cost nothing); each round loads each in
turn, the order rotating. Figures:

- ``serve`` with its default flags (granian, 1 worker, the default SQLite file, in a fresh
  ``$XDG_STATE_HOME``) against ``serve --state memory`` (werkzeug's thread server over memory:
  what ``serve`` was before);
- ``serve --workers 2`` (the default SQLite file shared by both) against moto's server (STS
  ``GetCallerIdentity``) and Prism's dynamic mock (``npx @stoplight/prism-cli mock -d``) of
  an OpenAPI document of the same draft call (request schema from the contract); Prism's row
  is left out, with a note, when ``npx`` is missing or Prism does not start;
- one granian worker over SQLite and over Redis against the same worker over the memory store
  (``bench.serve_state:store_app``, the store named by ``BENCH_STORE``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import requests

from bench.apps import ACCOUNT
from bench.apps import ACTION
from bench.apps import API_KEY
from bench.apps import CONNECTOR
from bench.apps import EXECUTE_PATH
from bench.apps import draft_body_template
from bench.core import Figure
from bench.core import Target
from bench.core import median
from bench.core import python
from bench.core import python_env
from bench.core import require
from bench.peers import MOTO_BODY
from bench.peers import MOTO_HEADERS
from bench.processes import Background
from bench.processes import free_port
from bench.processes import interleaved_rates

if TYPE_CHECKING:
    from flask import Flask

GROUP = "serve"
CONNECTIONS = 4
HEADERS = {"Content-Type": "application/json", "x-api-key": API_KEY}
PRISM = "@stoplight/prism-cli@5"


@dataclass
class _Side:
    name: str
    start: Callable[[int], Background]
    request: dict[str, Any]
    ready_path: str = "/_mock/health"
    grant: bool = True
    rates: list[float] = field(default_factory=list)
    server: Background | None = None
    port: int = 0


def store_app() -> Flask:
    """One worker's app over the store ``BENCH_STORE`` names (``memory``, ``sqlite:PATH``,
    ``redis:URL``), with the bench key; granian's factory."""
    from interactor_mock.config import MockConfig
    from interactor_mock.http.app import create_app
    from interactor_mock.store import MemoryStore
    from interactor_mock.store import SqliteStore
    from interactor_mock.store import Store

    kind, _, where = os.environ["BENCH_STORE"].partition(":")
    store: Store
    if kind == "sqlite":
        store = SqliteStore(where)
    elif kind == "redis":
        from interactor_mock.store import RedisStore

        store = RedisStore(where, prefix="bench-serve")
    else:
        store = MemoryStore()
    app = create_app(MockConfig(api_key=API_KEY), store=store)
    engine = app.extensions["interactor_mock"]
    engine.grant(engine.default_environment, CONNECTOR, ACCOUNT)
    return app


def _serve(*args: str, state_home: Path) -> Callable[[int], Background]:
    def start(port: int) -> Background:
        env = {**python_env(), "XDG_STATE_HOME": str(state_home)}
        argv = [python(), "-m", "interactor_mock", "serve", "--port", str(port)]
        return Background([*argv, "--api-key", API_KEY, *args], env=env)

    return start


def _granian(store: str) -> Callable[[int], Background]:
    def start(port: int) -> Background:
        env = {**python_env(), "BENCH_STORE": store}
        argv = [python(), "-m", "granian", "--interface", "wsgi", "--workers", "1"]
        argv += ["--blocking-threads", "2", "--host", "127.0.0.1", "--port", str(port)]
        argv += ["--log-level", "warning", "--factory", "bench.serve_state:store_app"]
        return Background(argv, env=env)

    return start


def _moto(port: int) -> Background:
    return Background([python(), "-m", "bench.peers", "moto", str(port)], grace=5.0)


def openapi_document() -> dict[str, Any]:
    """An OpenAPI 3.1 document of the draft call: the contract's input schema as the request
    body, and a response of the created draft's main fields."""
    from interactor_mock.contracts import default_registry

    schema = json.loads(json.dumps(default_registry().action(CONNECTOR, ACTION).input_schema))
    schema.pop("$schema", None)
    message = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "threadId": {"type": "string"},
            "labelIds": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["id", "threadId", "labelIds"],
    }
    response = {
        "type": "object",
        "properties": {
            "output": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "message": message},
                "required": ["id", "message"],
            }
        },
        "required": ["output"],
    }
    path = EXECUTE_PATH.split("?", 1)[0]
    return {
        "openapi": "3.1.0",
        "info": {"title": "draft create", "version": "1"},
        "paths": {
            path: {
                "post": {
                    "parameters": [
                        {
                            "name": "account",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": schema}},
                    },
                    "responses": {
                        "200": {
                            "description": "the created draft",
                            "content": {"application/json": {"schema": response}},
                        }
                    },
                }
            }
        },
    }


def _prism(document: Path) -> Callable[[int], Background] | None:
    npx = shutil.which("npx")
    if npx is None:
        return None

    def start(port: int) -> Background:
        argv = [
            npx,
            "--yes",
            PRISM,
            "mock",
            "-d",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            str(document),
        ]
        return Background(argv)

    return start


def _grant(port: int) -> None:
    response = requests.post(
        f"http://127.0.0.1:{port}/_mock/environments/development/grants",
        json={"connector": CONNECTOR, "account": ACCOUNT},
        timeout=10,
    )
    response.raise_for_status()


def run(quick: bool = False) -> list[Figure]:
    require("granian", "moto")
    rounds, duration = (1, 0.5) if quick else (3, 3.0)
    execute = {
        "method": "POST",
        "path": EXECUTE_PATH,
        "headers": HEADERS,
        "body": draft_body_template(),
    }
    notes: list[str] = []
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-serve-")))
        (work / "default").mkdir()
        (work / "workers").mkdir()
        sides = [
            _Side("serve default", _serve(state_home=work / "default"), execute),
            _Side("serve memory werkzeug", _serve("--state", "memory", state_home=work), execute),
            _Side(
                "serve workers 2", _serve("--workers", "2", state_home=work / "workers"), execute
            ),
            _Side(
                "moto",
                _moto,
                {"method": "POST", "path": "/", "headers": MOTO_HEADERS, "body": MOTO_BODY},
                "/",
                grant=False,
            ),
            _Side("granian memory", _granian("memory"), execute, grant=False),
            _Side(
                "granian sqlite", _granian(f"sqlite:{work / 'one.sqlite3'}"), execute, grant=False
            ),
        ]
        redis_url = _redis(stack, work, notes)
        if redis_url is not None:
            sides.append(
                _Side("granian redis", _granian(f"redis:{redis_url}"), execute, grant=False)
            )
        document = work / "draft.openapi.json"
        document.write_text(json.dumps(openapi_document()), encoding="utf-8")
        prism = _prism(document)
        if prism is None:
            notes.append("Prism left out: no npx")
        else:
            sides.append(_Side("prism", prism, {**execute, "headers": HEADERS}, "/", grant=False))
        try:
            for side in sides:
                side.port = free_port()
                side.server = side.start(side.port)
            for side in list(sides):
                assert side.server is not None
                try:
                    side.server.wait_ready(side.port, side.ready_path, timeout=120)
                except (RuntimeError, TimeoutError) as error:
                    if side.name != "prism":
                        raise
                    notes.append(f"Prism left out: {str(error)[:200]}")
                    side.server.stop()
                    sides.remove(side)
                    continue
                if side.grant:
                    _grant(side.port)
            interleaved_rates(sides, rounds=rounds, duration=duration, connections=CONNECTIONS)
        finally:
            for side in sides:
                if side.server is not None:
                    side.server.stop()
    rate = {side.name: median(side.rates) for side in sides}
    samples = {side.name: side.rates for side in sides}
    note = "; ".join([f"{CONNECTIONS} connections, {duration:g} s per run", *notes])

    def figure(name: str, ours: str, baseline: str, label: str, target: Target) -> Figure:
        return Figure(
            group=GROUP,
            name=name,
            ours=rate[ours],
            baseline=rate.get(baseline),
            baseline_name=label,
            unit="req/s",
            target=target,
            runs=rounds,
            notes=note,
            samples={"ours": samples[ours], "baseline": samples.get(baseline, [])},
        )

    figures = [
        figure(
            "serve (default flags: granian, SQLite) draft create throughput",
            "serve default",
            "serve memory werkzeug",
            "serve --state memory (werkzeug threads: serve before issue 10)",
            Target("ratio>=", 1.5),
        ),
        figure(
            "serve --workers 2 throughput vs moto",
            "serve workers 2",
            "moto",
            "moto ThreadedMotoServer, STS GetCallerIdentity",
            Target("ratio>=", 5.0),
        ),
        figure(
            "one granian worker: SQLite store vs memory store",
            "granian sqlite",
            "granian memory",
            "the same worker over MemoryStore",
            Target("ratio>=", 0.7),
        ),
    ]
    if "prism" in rate:
        figures.append(
            figure(
                "serve --workers 2 throughput vs Prism",
                "serve workers 2",
                "prism",
                "Prism 5 dynamic mock (prism mock -d) of the same call's OpenAPI document",
                Target("ratio>=", 2.0),
            )
        )
    if "granian redis" in rate:
        figures.append(
            figure(
                "one granian worker: Redis store vs memory store",
                "granian redis",
                "granian memory",
                "the same worker over MemoryStore",
                Target("ratio>=", 0.5),
            )
        )
    return figures


def _redis(stack: ExitStack, work: Path, notes: list[str]) -> str | None:
    try:
        from tests.redis_server import find_redis_server
        from tests.redis_server import redis_server
    except ImportError:  # pragma: no cover - the bench runs from the repository
        notes.append("Redis left out: tests.redis_server not importable")
        return None
    binary = find_redis_server()
    if binary is None:
        notes.append("Redis left out: no redis-server installed")
        return None
    url: str = stack.enter_context(redis_server(work, binary=binary))
    return url
