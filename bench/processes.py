"""Child processes of the bench: the load client, and servers (gunicorn) under test."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from bench.core import REPO_ROOT
from bench.core import python
from bench.core import python_env

__all__ = ["Background", "LoadClient", "free_port", "wait_for_http"]

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_http(port: int, path: str = "/", *, timeout: float = 30.0) -> None:
    """Return once ``GET path`` on 127.0.0.1:port answers (any status).

    Raises:
        TimeoutError: nothing answered within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing answered on {HOST}:{port} in {timeout} s") from None
            time.sleep(0.02)
        finally:
            connection.close()


class Background:
    """A child process in its own session, ended (by its own id) on exit."""

    def __init__(
        self, argv: Sequence[str], *, env: dict[str, str] | None = None, grace: float = 0.0
    ) -> None:
        self.argv = list(argv)
        self.grace = grace  # seconds to exit by itself once stdin closes, before SIGTERM
        # stdin is a pipe that stays open while it runs (bench.peers serves until it closes);
        # stderr goes to a file, so that a chatty server never blocks on a full pipe.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            self.argv,
            cwd=REPO_ROOT,
            env=env or python_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            start_new_session=True,
        )

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(
                f"{' '.join(self.argv[:4])} exited early ({self.process.returncode}): "
                f"{self.stderr()[-3000:]}"
            )

    def wait_ready(self, port: int, path: str = "/", timeout: float = 60.0) -> None:
        """Return once the server answers on ``port``; raise if it died or never answers."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                wait_for_http(port, path, timeout=0.5)
                return
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.argv} did not answer on port {port}") from None

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        if self.grace:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(self.grace)
        if self.process.poll() is None:
            # The process leads its own group (start_new_session), so its group id is its pid:
            # this ends what we started (a gunicorn master and its workers), nothing else.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        self._stderr.close()

    def __enter__(self) -> Background:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class LoadClient:
    """The separate load-generating process (:mod:`bench.loadclient`)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [python(), "-m", "bench.loadclient"],
            cwd=REPO_ROOT,
            env=python_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def _ask(self, spec: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(spec) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the load client died")
        answer: dict[str, Any] = json.loads(line)
        if "failure" in answer:
            raise RuntimeError(f"load client: {answer['failure']}")
        return answer

    @staticmethod
    def _check(answer: dict[str, Any], what: str) -> None:
        if answer["errors"]:
            raise RuntimeError(
                f"{what}: {answer['errors']} failed requests (statuses {answer['statuses']}; "
                f"{answer['last_error'] or 'HTTP error status'})"
            )

    def latency(self, *, count: int, warmup: int = 20, **request: Any) -> list[float]:
        """Seconds per call for ``count`` sequential calls on one keep-alive connection.

        Raises:
            RuntimeError: any call failed (a figure never counts failures as answers).
        """
        answer = self._ask({"op": "latency", "count": count, "warmup": warmup, **request})
        self._check(answer, f"latency {request.get('path')}")
        latencies: list[float] = answer["latencies"]
        return latencies

    def throughput(
        self, *, duration: float, connections: int, warmup: int = 5, **request: Any
    ) -> float:
        """Requests per second over ``duration`` seconds from ``connections`` connections."""
        answer = self._ask(
            {
                "op": "throughput",
                "duration": duration,
                "connections": connections,
                "warmup": warmup,
                **request,
            }
        )
        self._check(answer, f"throughput {request.get('path')}")
        rate: float = answer["requests"] / answer["seconds"]
        return rate

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            try:
                self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> LoadClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def interleaved_rates(sides: list[Any], *, rounds: int, duration: float, connections: int) -> None:
    """Measure every side's throughput ``rounds`` times, the order rotating each round so no
    side always runs first; appends each rate to ``side.rates`` (sides have ``port``,
    ``request`` and ``rates``)."""
    with LoadClient() as client:
        for index in range(rounds):
            shift = index % len(sides)
            for side in sides[shift:] + sides[:shift]:
                side.rates.append(
                    client.throughput(
                        port=side.port, duration=duration, connections=connections, **side.request
                    )
                )
