"""pytest start-up: what the plugin (and the plugins our dependencies pull in) add to
``pytest --co`` of a project that does not use interactor-mock.

The project is one trivial test file in a temporary directory. Each round runs, in a rotating
order, ``python -m pytest --co`` (report header included, as users see it) with:

- ours: the interactor plugin on, Faker's and Hypothesis' plugins off;
- baseline: the same with ``-p no:interactor``;
- Faker's plugin alone (``-p no:interactor -p no:hypothesispytest``);
- Hypothesis' plugin alone (``-p no:interactor -p no:faker``);
- every plugin on (what a user gets by default).

A plugin's share is the median over rounds of (its run - the baseline run of the same round).
The bench's own peer plugin (pytest-httpserver, not a dependency of users) is off everywhere.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.core import Figure
from bench.core import Target
from bench.core import median
from bench.core import python
from bench.core import python_env

GROUP = "plugin start-up"
ALWAYS = ("-p", "no:cacheprovider", "-p", "no:pytest_httpserver")
VARIANTS: dict[str, tuple[str, ...]] = {
    "ours": ("-p", "no:faker", "-p", "no:hypothesispytest"),
    "baseline": ("-p", "no:interactor", "-p", "no:faker", "-p", "no:hypothesispytest"),
    "faker": ("-p", "no:interactor", "-p", "no:hypothesispytest"),
    "hypothesis": ("-p", "no:interactor", "-p", "no:faker"),
    "all": (),
}


def write_project(root: Path) -> None:
    """A project that has interactor-mock installed but does not use it."""
    (root / "test_trivial.py").write_text("def test_one():\n    assert True\n", encoding="utf-8")
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")


def _env() -> dict[str, str]:
    env = python_env()
    for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        env.pop(name, None)
    return env


def collect_seconds(root: Path, extra: tuple[str, ...]) -> float:
    """Wall seconds of one ``pytest --co`` of the project, from spawning to exit."""
    command = [python(), "-m", "pytest", "--co", *ALWAYS, *extra]
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=root, env=_env(), capture_output=True, text=True, timeout=120
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0 or "1 test collected" not in completed.stdout:
        raise RuntimeError(
            f"{' '.join(command)} exited {completed.returncode}: "
            f"{completed.stdout[-1000:]}{completed.stderr[-1000:]}"
        )
    return elapsed


def measure(root: Path, rounds: int) -> dict[str, list[float]]:
    """Seconds per variant, one per round, the order rotating between rounds."""
    names = list(VARIANTS)
    for name in names:  # warm the file system cache and the byte-code caches
        collect_seconds(root, VARIANTS[name])
    times: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(collect_seconds(root, VARIANTS[name]))
    return times


_IMPORT = (
    "import time, pytest\n"
    "started = time.perf_counter()\n"
    "import pytest_interactor.plugin\n"
    "print(time.perf_counter() - started)\n"
)


def import_seconds(rounds: int) -> list[float]:
    """Seconds to import the plugin module in a fresh interpreter that has pytest loaded
    (the part of the share that is ours alone, without process start-up noise)."""
    found = []
    for _ in range(rounds):
        done = subprocess.run(
            [python(), "-c", _IMPORT],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        found.append(float(done.stdout.strip()))
    return found


def _share(times: dict[str, list[float]], name: str) -> list[float]:
    return [(a - b) * 1000 for a, b in zip(times[name], times["baseline"], strict=True)]


def figures(times: dict[str, list[float]], imports: list[float]) -> list[Figure]:
    rounds = len(times["baseline"])
    base_ms = median(times["baseline"]) * 1000
    ours_share = _share(times, "ours")
    spread = statistics.pstdev(ours_share) if len(ours_share) > 1 else 0.0
    result = [
        Figure(
            group=GROUP,
            name="pytest --co of a project not using it: the interactor plugin's share",
            ours=median(ours_share),
            unit="ms",
            target=Target("<=", 50),
            runs=rounds,
            notes=f"median of per-round differences (spread {spread:.1f} ms); "
            "Faker's and Hypothesis' plugins off in both runs",
            samples={"ours": ours_share},
        ),
        Figure(
            group=GROUP,
            name="pytest --co with the interactor plugin (Faker's, Hypothesis' off)",
            ours=median(times["ours"]) * 1000,
            baseline=base_ms,
            baseline_name="the same with -p no:interactor",
            unit="ms",
            target=Target("info", 0),
            runs=rounds,
            samples={"ours": times["ours"], "baseline": times["baseline"]},
        ),
    ]
    result.append(
        Figure(
            group=GROUP,
            name="import pytest_interactor.plugin (pytest already imported)",
            ours=median(imports) * 1000,
            unit="ms",
            target=Target("info", 0),
            runs=len(imports),
            notes="in a fresh interpreter each time",
            samples={"ours": [s * 1000 for s in imports]},
        )
    )
    for name, label, switch in (
        ("faker", "Faker's pytest plugin", "-p no:faker"),
        ("hypothesis", "Hypothesis' pytest plugin", "-p no:hypothesispytest"),
        ("all", "every plugin on (the default)", "all three -p no:..."),
    ):
        share = _share(times, name)
        result.append(
            Figure(
                group=GROUP,
                name=f"pytest --co: share of {label}",
                ours=median(share),
                unit="ms",
                target=Target("info", 0),
                runs=rounds,
                notes=f"over the run with every plugin off ({base_ms:.0f} ms); off with {switch}",
                samples={"ours": share},
            )
        )
    return result


def run(quick: bool = False) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-plugin-start-") as tmp:
        root = Path(tmp)
        write_project(root)
        rounds = 2 if quick else 11
        return figures(measure(root, rounds), import_seconds(rounds))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    print(json.dumps([f.as_dict() for f in run("--quick" in sys.argv)], indent=2))
