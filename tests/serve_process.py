"""``interactor-mock serve`` as a child process of a test: started in a session of its own,
read until it says it is ready, stopped (or killed) by its own process group id."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from dataclasses import field


@dataclass
class Served:
    process: subprocess.Popen[str]
    lines: list[str]
    origin: str = ""
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def kill(self) -> None:
        """SIGKILL the whole server, parent and workers, as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> int:
        """Ctrl-C; the exit code."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(20)
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it may have ended meanwhile
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def start_serve(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Served:
    """Start ``serve --port 0 ARGS``; return once it printed its ready line.

    Raises:
        AssertionError: it exited first (with its stderr), or did not get ready in time.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "interactor_mock", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )
    served = Served(process, [])
    timer = threading.Timer(timeout, lambda: served.close())
    timer.start()
    try:
        while True:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line:
                stderr = process.stderr.read() if process.stderr else ""
                served.close()
                raise AssertionError(f"serve exited before it was ready: {stderr}")
            served.lines.append(line)
            if "control API" in line:
                break
    finally:
        timer.cancel()
    found = re.search(r"serving (http://127\.0\.0\.1:\d+)/api/v1", served.lines[0])
    assert found, served.text
    served.origin = found.group(1)
    for name, key in re.findall(r"^\s+(\w+)\s+x-api-key: (\S+)$", served.text, re.M):
        served.keys[name] = key
    return served


def run_serve(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``serve ARGS`` expected to exit by itself (a refused option)."""
    return subprocess.run(
        [sys.executable, "-m", "interactor_mock", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
