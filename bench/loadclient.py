"""A small keep-alive HTTP load client that runs in its own process.

The bench starts it once per figure group (``python -m bench.loadclient``) and sends it one
JSON command per line on stdin; it answers one JSON line on stdout per command. Keeping the
load in a separate process means the client's work never shares a GIL with the server under
test; keeping one process per group means no process start-up inside a measurement.

Commands (every request goes to 127.0.0.1 only, and every loop is bounded in count and time):

- ``{"op": "latency", "port", "method", "path", "headers", "body", "count", "warmup"}``:
  ``count`` sequential requests on one keep-alive connection; answers every latency.
- ``{"op": "throughput", ..., "connections", "duration", "max_requests"}``: that many
  connections, each on its own thread, as fast as the server answers, for ``duration``
  seconds; answers the number of completed requests and the elapsed time.
- ``{"op": "quit"}``.

``body`` may hold ``{n}``, replaced by a per-request counter so that every body differs.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from typing import Any

HOST = "127.0.0.1"
TIMEOUT = 10.0
MAX_DURATION = 60.0
MAX_COUNT = 1_000_000


class _Caller:
    """Requests on one keep-alive connection (reopened when the server closes it)."""

    def __init__(self, spec: dict[str, Any], first: int = 0) -> None:
        self.method = str(spec.get("method", "GET"))
        self.path = str(spec["path"])
        self.headers = dict(spec.get("headers") or {})
        self.body = spec.get("body")
        self.counter = first
        self.connection = http.client.HTTPConnection(HOST, int(spec["port"]), timeout=TIMEOUT)
        self.statuses: dict[str, int] = {}
        self.errors = 0
        self.last_error = ""

    def call(self) -> bool:
        body = None
        if self.body is not None:
            body = str(self.body).replace("{n}", str(self.counter)).encode()
        self.counter += 1
        try:
            self.connection.request(self.method, self.path, body=body, headers=self.headers)
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.errors += 1
            self.last_error = f"{type(exc).__name__}: {exc}"
            self.connection.close()
            return False
        key = str(response.status)
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if response.status >= 400:
            self.errors += 1
            return False
        return True

    def close(self) -> None:
        self.connection.close()


def latency(spec: dict[str, Any]) -> dict[str, Any]:
    caller = _Caller(spec)
    count = min(int(spec.get("count", 100)), MAX_COUNT)
    deadline = time.monotonic() + min(float(spec.get("max_seconds", MAX_DURATION)), MAX_DURATION)
    for _ in range(int(spec.get("warmup", 10))):
        caller.call()
    latencies: list[float] = []
    for _ in range(count):
        start = time.perf_counter()
        caller.call()
        latencies.append(time.perf_counter() - start)
        if time.monotonic() > deadline:
            break
    caller.close()
    return {
        "latencies": latencies,
        "errors": caller.errors,
        "statuses": caller.statuses,
        "last_error": caller.last_error,
    }


def throughput(spec: dict[str, Any]) -> dict[str, Any]:
    connections = max(1, int(spec.get("connections", 2)))
    duration = min(float(spec.get("duration", 1.0)), MAX_DURATION)
    max_requests = min(int(spec.get("max_requests", MAX_COUNT)), MAX_COUNT)
    callers = [_Caller(spec, first=i * MAX_COUNT) for i in range(connections)]
    for caller in callers:  # open every connection and warm it before the clock starts
        for _ in range(int(spec.get("warmup", 5))):
            caller.call()
        caller.statuses.clear()
        caller.errors = 0
    done = [0] * connections
    start_gate = threading.Barrier(connections + 1)
    stop_at = [0.0]

    def work(index: int) -> None:
        caller = callers[index]
        start_gate.wait()
        count = 0
        limit = max_requests // connections
        while time.perf_counter() < stop_at[0] and count < limit:
            caller.call()
            count += 1
        done[index] = count

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    stop_at[0] = started + duration
    start_gate.wait()
    for thread in threads:
        thread.join(duration + 2 * TIMEOUT)
    elapsed = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for caller in callers:
        for key, value in caller.statuses.items():
            statuses[key] = statuses.get(key, 0) + value
        caller.close()
    errors = sum(c.errors for c in callers)
    return {
        "requests": sum(done) - errors,
        "seconds": elapsed,
        "errors": errors,
        "statuses": statuses,
        "last_error": next((c.last_error for c in callers if c.last_error), ""),
    }


def main() -> int:
    for line in sys.stdin:
        if not line.strip():
            continue
        spec = json.loads(line)
        op = spec.get("op")
        if op == "quit":
            break
        try:
            if op == "latency":
                answer = latency(spec)
            elif op == "throughput":
                answer = throughput(spec)
            else:
                answer = {"failure": f"unknown op {op!r}"}
        except Exception as exc:  # reported to the parent, which raises it there
            answer = {"failure": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
