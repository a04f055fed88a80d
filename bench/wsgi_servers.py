"""Which production WSGI server serves the mock fastest, on this machine, in one run.

The call is the bench's usual one (``POST`` gmail ``email.draft.create``, ~1 KB body, a
fresh subject per request) on ``bench.apps:interactor_app()`` (``create_app()`` with a fixed
key and a grant, so that every worker answers alike), from 4 keep-alive connections in the
separate load client. Each server runs 2 worker processes, except waitress, which has only
threads (1 process, 4 threads). The baseline of every figure is gunicorn's sync worker, the
server the README names today. For information: this is how ``serve --workers`` picks its
server (issue 10), not a target.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

from bench.apps import API_KEY
from bench.apps import EXECUTE_PATH
from bench.apps import draft_body_template
from bench.core import Figure
from bench.core import Target
from bench.core import median
from bench.core import python
from bench.core import require
from bench.processes import Background
from bench.processes import LoadClient
from bench.processes import free_port

GROUP = "wsgi-servers"
WORKERS = 2
CONNECTIONS = 4
APP = "bench.apps:interactor_app"
HEADERS = {"Content-Type": "application/json", "x-api-key": API_KEY}


def commands(port: int) -> dict[str, tuple[str, list[str]]]:
    """Each server's name: (the module it needs, its command line on ``port``)."""
    bind = f"127.0.0.1:{port}"
    gunicorn = [python(), "-m", "gunicorn", "-w", str(WORKERS), "-b", bind, "--log-level",
                "warning"]  # fmt: skip
    return {
        "gunicorn sync": ("gunicorn", [*gunicorn, "-k", "sync", f"{APP}()"]),
        "gunicorn gthread (4 threads)": (
            "gunicorn",
            [*gunicorn, "-k", "gthread", "--threads", "4", f"{APP}()"],
        ),
        "granian": (
            "granian",
            [
                python(),
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--workers",
                str(WORKERS),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--factory",
                APP,
            ],
        ),
        "waitress (1 process, 4 threads)": (
            "waitress",
            [python(), "-m", "waitress", "--listen", bind, "--threads", "4", "--call", APP],
        ),
    }


def run(quick: bool = False, *, names: Sequence[str] | None = None) -> list[Figure]:
    require("gunicorn")
    rounds, duration = (1, 0.5) if quick else (3, 3.0)
    ports: dict[str, int] = {}
    servers: dict[str, Background] = {}
    missing: list[str] = []
    request = {
        "method": "POST",
        "path": EXECUTE_PATH,
        "headers": HEADERS,
        "body": draft_body_template(),
    }
    rates: dict[str, list[float]] = {}
    try:
        for name in names or commands(0):
            port = free_port()
            module, argv = commands(port)[name]
            if importlib.util.find_spec(module) is None:
                missing.append(f"{name} (pip install {module})")
                continue
            ports[name] = port
            servers[name] = Background(argv)
        for name, server in servers.items():
            server.wait_ready(ports[name], "/_mock/health")
            rates[name] = []
        with LoadClient() as client:
            order = list(servers)
            for index in range(rounds):
                shift = index % len(order)
                for name in order[shift:] + order[:shift]:
                    rates[name].append(
                        client.throughput(
                            port=ports[name],
                            duration=duration,
                            connections=CONNECTIONS,
                            **request,
                        )
                    )
    finally:
        for server in servers.values():
            server.stop()
    baseline = "gunicorn sync"
    note = f"{CONNECTIONS} connections, {duration:g} s per run"
    if missing:
        note += "; left out: " + ", ".join(missing)
    return [
        Figure(
            group=GROUP,
            name=f"{name} execute throughput",
            ours=median(samples),
            baseline=median(rates[baseline]) if baseline in rates else None,
            baseline_name=f"{baseline}, -w {WORKERS}",
            unit="req/s",
            target=Target("info", 0),
            runs=rounds,
            notes=note,
            samples={"ours": samples, "baseline": rates.get(baseline, [])},
        )
        for name, samples in rates.items()
    ]
