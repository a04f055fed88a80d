"""``MockServer`` per call, from a keep-alive client in another process.

Ours is ``MockServer`` serving the mock; the baseline is the same ``MockServer`` class (the
same werkzeug thread server, request handler and poll interval) serving a minimal Flask route
that validates the same body with a precompiled ``jsonschema`` validator and returns it.
Rounds alternate between the two; each round is a few hundred sequential calls on one
keep-alive connection, and its figure is the median latency.

Latency on a shared machine includes waiting for a core; when other work keeps both cores
busy, that wait dominates both sides and pulls the ratio towards 1. So the group also
reports the servers' CPU time per call (this process runs nothing else while a round runs),
which such load does not distort.
"""

from __future__ import annotations

import time

from bench.apps import API_KEY
from bench.apps import EXECUTE_PATH
from bench.apps import VALIDATE_PATH
from bench.apps import baseline_app
from bench.apps import draft_body_template
from bench.apps import interactor_app
from bench.core import Figure
from bench.core import Target
from bench.core import median
from bench.processes import LoadClient
from interactor_mock.embed.server import MockServer

GROUP = "thread server"
HEADERS = {"Content-Type": "application/json", "x-api-key": API_KEY}


def run(quick: bool = False) -> list[Figure]:
    rounds, count = (2, 100) if quick else (10, 400)
    body = draft_body_template()
    ours_server = MockServer(app=interactor_app()).start()
    baseline_server = MockServer(app=baseline_app()).start()
    ours: list[float] = []
    baseline: list[float] = []
    cpu: tuple[list[float], list[float]] = ([], [])
    try:
        with LoadClient() as client:
            sides = [
                (ours, cpu[0], ours_server.port, EXECUTE_PATH),
                (baseline, cpu[1], baseline_server.port, VALIDATE_PATH),
            ]
            for index in range(rounds):
                for times, cpu_times, port, path in sides if index % 2 == 0 else sides[::-1]:
                    cpu_started = time.process_time()
                    latencies = client.latency(
                        port=port,
                        method="POST",
                        path=path,
                        headers=HEADERS,
                        body=body,
                        count=count,
                        warmup=20,
                    )
                    cpu_times.append((time.process_time() - cpu_started) / (count + 20))
                    times.append(median(latencies))
    finally:
        ours_server.stop()
        baseline_server.stop()
    return [
        Figure(
            group=GROUP,
            name="thread-server execute, keep-alive client",
            ours=median(ours) * 1e6,
            baseline=median(baseline) * 1e6,
            baseline_name="minimal validating Flask route, same werkzeug thread server",
            unit="us/call",
            target=Target("ratio<=", 1.2),
            runs=rounds,
            notes=f"median latency of {count} sequential calls per round",
            samples={"ours": ours, "baseline": baseline},
        ),
        Figure(
            group=GROUP,
            name="thread-server execute, server CPU per call",
            ours=median(cpu[0]) * 1e6,
            baseline=median(cpu[1]) * 1e6,
            baseline_name="minimal validating Flask route, same werkzeug thread server",
            unit="us/call",
            target=Target("info", 0),
            runs=rounds,
            notes="CPU time of the serving process per call: what load on the machine cannot skew",
            samples={"ours": cpu[0], "baseline": cpu[1]},
        ),
    ]
