"""Ctrl-C stops ``serve`` and ``record`` even when they start with SIGINT ignored.

A script's background job starts with SIGINT ignored (POSIX shells do that when job control
is off: ``interactor-mock serve &`` in a CI script), and Python keeps an ignored SIGINT
ignored, so ``kill -INT`` left the werkzeug servers running. Here a shell ignores SIGINT
(``trap '' INT``) and ``exec``s the command, as such a job would.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys

import pytest


def started_ignoring_sigint(*args, ready):
    command = shlex.join([sys.executable, "-m", "interactor_mock", *args])
    process = subprocess.Popen(
        ["/bin/sh", "-c", f"trap '' INT; exec {command}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "INTERACTOR_API_KEY": "interactor_FAKEfake_" + "F" * 32},
    )
    lines = []
    while True:
        line = process.stdout.readline()
        assert line, "".join(lines) + process.stderr.read()
        lines.append(line)
        if ready in line:
            return process, lines


def signal_ignored_in(pid, signum):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        ignored = next(line for line in status if line.startswith("SigIgn:"))
    return bool(int(ignored.split()[1], 16) & (1 << (signum - 1)))


@pytest.mark.parametrize(
    ("args", "ready", "stopped"),
    [
        (("serve", "--port", "0", "--state", "memory"), "control API", "stopped"),
        (
            ("record", "--base-url", "http://127.0.0.1:9/api/v1", "--port", "0", "--account", "a"),
            "Ctrl-C to stop",
            "stopped: 0 exchange(s) recorded",
        ),
    ],
)
def test_ctrl_c_stops_a_server_started_with_sigint_ignored(args, ready, stopped, tmp_path):
    if args[0] == "record":
        args = (*args, "--out", str(tmp_path / "recordings"))
    process, _ = started_ignoring_sigint(*args, ready=ready)
    try:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert stopped in out


def test_the_shell_really_starts_them_with_sigint_ignored():
    # positive control: without the handler the server would inherit the ignored SIGINT
    sleeper = shlex.join([sys.executable, "-c", "import time; time.sleep(30)"])
    process = subprocess.Popen(["/bin/sh", "-c", f"trap '' INT; exec {sleeper}"])
    try:
        for _ in range(200):
            if signal_ignored_in(process.pid, signal.SIGINT):
                break
            subprocess.run(["true"], check=True)  # let the shell exec
        assert signal_ignored_in(process.pid, signal.SIGINT)
    finally:
        process.kill()
        process.wait(timeout=10)
