"""Per-test cost of the ``interactor`` fixture against a plain ``responses`` stub.

Writes a throw-away project with N tests in each of three groups, each test making one
``execute`` call with ``requests``:

- ``server``:    the ``interactor`` fixture on the session's thread server (real HTTP);
- ``inprocess``: the ``interactor`` fixture in in-process mode (``responses`` into the app);
- ``responses``: a function-scoped ``responses.RequestsMock`` returning a canned JSON.

All groups run in the same pytest process (one run per round), after a warm-up test that
pays the one-off costs (imports, contracts, the server's start) so that the groups compare
steady-state per-test costs. Per test, it sums setup + call + teardown as pytest reports
them; per group, it also takes the wall time from the first test's start to the last one's
end.

Usage::

    python bench/fixture_overhead.py [--tests 200] [--rounds 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

GROUPS = ("server", "inprocess", "responses")

CONFTEST = """
import json
import os
import time

import pytest
import responses

DRAFT = {"to": ["bob@example.com"], "subject": "Lunch?", "body": "Noon."}
CANNED = {"output": {"id": "r-1", "message": {"id": "m-1", "labelIds": ["DRAFT"]}}}
URL = "https://console.interactor.com/api/v1/connector/interactor/gmail/action/email.draft.create/execute"

_durations = {}
_walls = {}


def _group(nodeid):
    name = nodeid.split("::")[0].rsplit("/", 1)[-1]
    return name[len("test_"):-len(".py")].split("_", 1)[1]


def pytest_runtest_logstart(nodeid, location):
    wall = _walls.setdefault(_group(nodeid), [None, None])
    if wall[0] is None:
        wall[0] = time.perf_counter()


def pytest_runtest_logfinish(nodeid, location):
    _walls[_group(nodeid)][1] = time.perf_counter()


_phases = {}


def pytest_runtest_logreport(report):
    group = _group(report.nodeid)
    per_test = _durations.setdefault(group, {})
    per_test[report.nodeid] = per_test.get(report.nodeid, 0.0) + report.duration
    phases = _phases.setdefault(group, {})
    phases[report.when] = phases.get(report.when, 0.0) + report.duration


def pytest_sessionfinish(session):
    data = {
        group: {
            "durations": list(tests.values()),
            "wall": _walls[group][1] - _walls[group][0],
            "phases": {when: total / len(tests) for when, total in _phases[group].items()},
        }
        for group, tests in _durations.items()
    }
    with open(os.environ["BENCH_OUT"], "w") as out:
        json.dump(data, out)


@pytest.fixture
def canned():
    with responses.RequestsMock() as stub:
        stub.add(responses.POST, URL, json=CANNED)
        yield stub
"""

WARMUP = """
import pytest
import requests

from conftest import DRAFT, URL


@pytest.mark.interactor(accounts={"gmail": ["alice"]})
def test_server(interactor):
    requests.post(
        f"{interactor.base_url}/connector/interactor/gmail/action/email.draft.create/execute",
        params={"account": "alice"}, headers=interactor.headers, json=DRAFT, timeout=10,
    )


@pytest.mark.interactor(mode="inprocess", accounts={"gmail": ["alice"]})
def test_inprocess(interactor):
    requests.post(
        f"{interactor.base_url}/connector/interactor/gmail/action/email.draft.create/execute",
        params={"account": "alice"}, headers=interactor.headers, json=DRAFT, timeout=10,
    )


def test_responses(canned):
    requests.post(URL, params={"account": "alice"}, json=DRAFT, timeout=10)
"""

INTERACTOR_GROUP = """
import pytest
import requests

from conftest import DRAFT

pytestmark = pytest.mark.interactor(mode={mode!r}, accounts={{"gmail": ["alice"]}})


@pytest.mark.parametrize("n", range({tests}))
def test_one_execute(interactor, n):
    response = requests.post(
        f"{{interactor.base_url}}/connector/interactor/gmail/action/email.draft.create/execute",
        params={{"account": "alice"}}, headers=interactor.headers, json=DRAFT, timeout=10,
    )
    assert response.status_code == 200
"""

RESPONSES_GROUP = """
import pytest
import requests

from conftest import DRAFT, URL


@pytest.mark.parametrize("n", range({tests}))
def test_one_execute(canned, n):
    response = requests.post(URL, params={{"account": "alice"}}, json=DRAFT, timeout=10)
    assert response.status_code == 200
"""


def write_project(root: Path, tests: int) -> None:
    (root / "conftest.py").write_text(textwrap.dedent(CONFTEST))
    (root / "test_0_warmup.py").write_text(WARMUP)
    (root / "test_1_server.py").write_text(INTERACTOR_GROUP.format(mode="server", tests=tests))
    (root / "test_2_inprocess.py").write_text(
        INTERACTOR_GROUP.format(mode="inprocess", tests=tests)
    )
    (root / "test_3_responses.py").write_text(RESPONSES_GROUP.format(tests=tests))
    (root / "pytest.ini").write_text("[pytest]\n")


def run_round(root: Path) -> dict[str, Any]:
    out = root / "result.json"
    env = {**os.environ, "BENCH_OUT": str(out)}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",
        "-p",
        "no:randomly",
        str(root),
    ]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stdout.splitlines()[-40:])
        raise SystemExit(f"benchmark run failed (last lines):\n{tail}\n{done.stderr}")
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def summarize(rounds: list[dict[str, Any]], tests: int) -> dict[str, Any]:
    summary: dict[str, Any] = {"tests_per_group": tests, "rounds": len(rounds), "groups": {}}
    for group in GROUPS:
        means = [statistics.fmean(r[group]["durations"]) for r in rounds]
        medians = [statistics.median(r[group]["durations"]) for r in rounds]
        walls = [r[group]["wall"] for r in rounds]
        phases = {
            when: statistics.median(r[group]["phases"][when] for r in rounds) * 1000
            for when in ("setup", "call", "teardown")
        }
        summary["groups"][group] = {
            "phases_ms": phases,
            "mean_ms": statistics.median(means) * 1000,
            "median_ms": statistics.median(medians) * 1000,
            "wall_s": statistics.median(walls),
        }
    base = summary["groups"]["responses"]
    for group in GROUPS:
        data = summary["groups"][group]
        data["ratio_mean"] = data["mean_ms"] / base["mean_ms"]
        data["ratio_wall"] = data["wall_s"] / base["wall_s"]
        data["overhead_ms"] = data["mean_ms"] - base["mean_ms"]
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=200, help="tests per group (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="pytest runs; medians reported")
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="interactor-bench-") as tmp:
        root = Path(tmp)
        write_project(root, args.tests)
        rounds = [run_round(root) for _ in range(args.rounds)]
    summary = summarize(rounds, args.tests)
    print(
        f"{args.tests} tests per group, one execute call each; median of {args.rounds} "
        "pytest runs (all groups in the same run)"
    )
    print(
        f"{'group':<11} {'wall s':>7} {'mean ms/test':>13} {'median ms':>10} "
        f"{'x responses':>12} {'overhead ms':>12}   setup / call / teardown ms"
    )
    for group in GROUPS:
        g = summary["groups"][group]
        p = g["phases_ms"]
        print(
            f"{group:<11} {g['wall_s']:>7.2f} {g['mean_ms']:>13.2f} {g['median_ms']:>10.2f} "
            f"{g['ratio_mean']:>12.2f} {g['overhead_ms']:>12.2f}   "
            f"{p['setup']:.2f} / {p['call']:.2f} / {p['teardown']:.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
