"""A real ``redis-server`` for tests: Debian's binary on a free loopback port, in a tmp dir.

Use :func:`redis_server_or_skip` from a fixture; it fails instead of skipping when the ``CI``
environment variable is set (CI must run the Redis tests), and skips elsewhere when the binary
is missing. The server keeps nothing on disk (``--save '' --appendonly no``). The bench uses
:func:`redis_server` too, so only that helper imports pytest.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

REDIS_SERVER = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")


def find_redis_server() -> str | None:
    if Path(REDIS_SERVER).is_file():
        return REDIS_SERVER
    return shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def redis_server(directory: Path, *, binary: str) -> Iterator[str]:
    """Run a server until the block ends; yields its ``redis://127.0.0.1:PORT/0`` URL."""
    for _attempt in range(5):  # another process may take the free port before the server does
        port = free_port()
        log = directory / f"redis-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(directory), "--protected-mode", "yes"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            if _answers_ping(port):
                try:
                    yield f"redis://127.0.0.1:{port}/0"
                finally:
                    process.terminate()
                    try:
                        process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
                return
            time.sleep(0.02)
        if process.poll() is None:
            process.kill()
        process.wait()
    raise RuntimeError(f"redis-server did not start; see {directory}")


@contextlib.contextmanager
def redis_server_or_skip(directory: Path) -> Iterator[str]:
    """:func:`redis_server`, or a skip (a failure when ``CI`` is set) without the binary."""
    import pytest

    binary = find_redis_server()
    if binary is None:
        message = f"redis-server is not installed (looked for {REDIS_SERVER} and on PATH)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the Redis tests: apt-get install redis-server")
        pytest.skip(message)
    with redis_server(directory, binary=binary) as url:
        yield url
