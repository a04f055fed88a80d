"""Start and stop: ``MockServer`` against pytest-httpserver; ``interactor-mock serve`` cold.

- ``MockServer`` start to first response: build the server (the app and engine included;
  the contracts are already loaded in this process, as in a test session where the registry
  is shared), start it and get ``/_mock/health`` over a new connection. The baseline does the
  same with pytest-httpserver's ``HTTPServer`` and one canned reply. Stop: ``stop()`` of each.
- ``interactor-mock serve`` cold start: a new process, until ``/_mock/health`` answers;
  baseline ``python -c "import flask"``. Both are timed from the parent, interleaved.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.core import REPO_ROOT
from bench.core import Figure
from bench.core import Target
from bench.core import median
from bench.core import python
from bench.core import python_env
from bench.core import require

GROUP = "start-up"
HOST = "127.0.0.1"


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _mockserver_cycle(app: Any = None) -> tuple[float, float]:
    from interactor_mock.embed.server import MockServer

    started = time.perf_counter()
    server = MockServer(app=app).start()
    status = _get(server.port, "/_mock/health")
    first = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"MockServer health answered {status}")
    started = time.perf_counter()
    server.stop()
    return first, time.perf_counter() - started


def _httpserver_cycle() -> tuple[float, float]:
    from pytest_httpserver import HTTPServer

    started = time.perf_counter()
    server = HTTPServer(host=HOST, port=0)
    server.expect_request("/health").respond_with_json({"ok": True})
    server.start()
    status = _get(server.port, "/health")
    first = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"pytest-httpserver answered {status}")
    started = time.perf_counter()
    server.stop()
    return first, time.perf_counter() - started


def server_figures(rounds: int) -> list[Figure]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from interactor_mock.contracts import default_registry
    from interactor_mock.http.app import create_app

    default_registry()  # loaded once per session in real use; its cost is its own figure
    app = create_app()  # for the variant that reuses one app, as the pytest plugin does
    _mockserver_cycle()
    _httpserver_cycle()
    ours: list[tuple[float, float]] = []
    baseline: list[tuple[float, float]] = []
    reused: list[tuple[float, float]] = []
    for index in range(rounds):
        trio = [
            (_mockserver_cycle, ours),
            (_httpserver_cycle, baseline),
            (lambda: _mockserver_cycle(app), reused),
        ]
        shift = index % len(trio)
        for cycle, results in trio[shift:] + trio[:shift]:
            results.append(cycle())
    starts = [r[0] for r in ours], [r[0] for r in baseline]
    stops = [r[1] for r in ours], [r[1] for r in baseline]
    reused_starts = [r[0] for r in reused]
    return [
        Figure(
            group=GROUP,
            name="MockServer start to first response",
            ours=median(starts[0]) * 1000,
            baseline=median(starts[1]) * 1000,
            baseline_name="pytest-httpserver HTTPServer start to first response",
            unit="ms",
            target=Target("ratio<=", 1.2),
            runs=rounds,
            notes="includes building the app and engine (contracts already loaded)",
            samples={"ours": starts[0], "baseline": starts[1]},
        ),
        Figure(
            group=GROUP,
            name="MockServer(app=one built before) start to first response",
            ours=median(reused_starts) * 1000,
            baseline=median(starts[1]) * 1000,
            baseline_name="pytest-httpserver HTTPServer start to first response",
            unit="ms",
            target=Target("info", 0),
            runs=rounds,
            notes="the app built once and reused, as the pytest plugin's session fixture does",
            samples={"ours": reused_starts, "baseline": starts[1]},
        ),
        Figure(
            group=GROUP,
            name="MockServer stop",
            ours=median(stops[0]) * 1000,
            baseline=median(stops[1]) * 1000,
            baseline_name="pytest-httpserver HTTPServer.stop()",
            unit="ms",
            target=Target("<=", 50),
            runs=rounds,
            samples={"ours": stops[0], "baseline": stops[1]},
        ),
    ]


def _serve_command() -> list[str]:
    script = Path(sys.executable).with_name("interactor-mock")
    if script.exists():
        return [str(script), "serve", "--port", "0"]
    return [python(), "-m", "interactor_mock", "serve", "--port", "0"]


def _serve_cold(timeout: float = 30.0) -> float:
    """Seconds from spawning ``interactor-mock serve`` to its first answer."""
    started = time.perf_counter()
    process = subprocess.Popen(
        _serve_command(),
        cwd=REPO_ROOT,
        env=python_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "interactor-mock X serving http://127.0.0.1:PORT/api/v1"
        if "serving http://" not in line:
            error = process.stderr.read() if process.stderr is not None else ""
            raise RuntimeError(f"serve printed {line!r}; stderr: {error[-2000:]}")
        port = int(line.split("serving http://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        deadline = started + timeout
        while True:
            try:
                if _get(port, "/_mock/health") == 200:
                    return time.perf_counter() - started
            except OSError:
                if time.perf_counter() > deadline:
                    raise
                time.sleep(0.002)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # the group of the process we started
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _import_flask() -> float:
    started = time.perf_counter()
    subprocess.run([python(), "-c", "import flask"], check=True, env=python_env(), timeout=60)
    return time.perf_counter() - started


def serve_figure(rounds: int) -> Figure:
    _serve_cold()
    _import_flask()
    ours: list[float] = []
    baseline: list[float] = []
    for index in range(rounds):
        pair = [(_serve_cold, ours), (_import_flask, baseline)]
        for measure, results in pair if index % 2 == 0 else pair[::-1]:
            results.append(measure())
    return Figure(
        group=GROUP,
        name="interactor-mock serve cold start to first response",
        ours=median(ours) * 1000,
        baseline=median(baseline) * 1000,
        baseline_name='python -c "import flask"',
        unit="ms",
        target=Target("ratio<=", 4.0),
        runs=rounds,
        samples={"ours": ours, "baseline": baseline},
    )


def run(quick: bool = False) -> list[Figure]:
    require("pytest_httpserver")
    return [*server_figures(3 if quick else 15), serve_figure(2 if quick else 7)]


if __name__ == "__main__":
    print(json.dumps([f.as_dict() for f in run("--quick" in sys.argv)], indent=2))
