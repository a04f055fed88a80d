"""The stub check: which tests still pass when execute answers ``200 {"output": {}}``?

A test that calls execute and still passes against such a stub checks nothing of what execute
answers (the credential check, the input check, the generator, behaviours, resources). Run by
hand, about as long as the suite::

    .venv/bin/python scripts/stub_check.py              # the whole suite, -n 2
    .venv/bin/python scripts/stub_check.py tests/interactor_mock/test_api.py -n 0

It runs pytest with this module as a plugin (``-p scripts.stub_check``): the plugin replaces
``Executor.execute`` with a stub for the whole run, notes for each test whether the stub was
called, and writes one line per such test (its id and outcome) to a file of its process. The
script then prints how many tests called execute, how many of them still passed (each listed),
and exits 1 if any did. Extra arguments go to pytest (default ``-n 2 -q``). Hypothesis runs
with the ``ci`` profile (``HYPOTHESIS_PROFILE`` chooses another).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

ENV = "INTERACTOR_MOCK_STUB_CHECK_DIR"
_called = False


def _stub_execute(self: Any, *args: Any, **kwargs: Any) -> Any:
    """Every execute answers ``{}`` as its output, with no check at all."""
    from interactor_mock.core.calls import Outcome

    global _called
    _called = True
    return Outcome({}, "stub")


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get(ENV):
        return
    from interactor_mock.core.execute import Executor

    Executor.execute = _stub_execute  # type: ignore[method-assign]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    global _called
    _called = False
    yield
    return None


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    directory = os.environ.get(ENV)
    if not directory or not _called:
        return
    # One outcome per test: a failure in any phase, else the call phase's.
    if report.when == "call" or report.failed:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(Path(directory) / f"{worker}.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps({"test": report.nodeid, "outcome": report.outcome}) + "\n")


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="stub-check-") as directory:
        args = argv or ["-n", "2", "-q"]
        command = [sys.executable, "-m", "pytest", "-p", "scripts.stub_check", *args]
        # The ci Hypothesis profile (no shrinking): against the stub, many properties fail,
        # and shrinking each would take the run from about 3 minutes to about 14.
        env = {"HYPOTHESIS_PROFILE": "ci", **os.environ, ENV: directory}
        subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
        outcomes: dict[str, str] = {}
        for file in Path(directory).glob("*.jsonl"):
            for line in file.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if outcomes.get(record["test"]) != "failed":
                    outcomes[record["test"]] = record["outcome"]
    passed = sorted(test for test, outcome in outcomes.items() if outcome == "passed")
    print(f"{len(outcomes)} tests called execute; {len(passed)} still passed against the stub")
    for test in passed:
        print(f"  {test}")
    return 1 if passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
