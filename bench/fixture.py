"""The ``interactor`` fixture's overhead: 200 tests of one call each, against ``responses``.

The project and its runs come from :mod:`bench.fixture_overhead` (which also runs on its own:
``python bench/fixture_overhead.py``): one pytest process per round runs a warm-up test,
then the same N tests three times, through the ``interactor`` fixture in server mode (the
default), in in-process mode, and with a function-scoped ``responses`` stub. The figure is
each group's wall time over the stub group's, median over rounds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench import fixture_overhead
from bench.core import Figure
from bench.core import Target

GROUP = "pytest fixture"


def run(quick: bool = False) -> list[Figure]:
    tests, rounds = (20, 1) if quick else (200, 5)
    with tempfile.TemporaryDirectory(prefix="bench-fixture-") as tmp:
        root = Path(tmp)
        fixture_overhead.write_project(root, tests)
        try:
            results = [fixture_overhead.run_round(root) for _ in range(rounds)]
        except SystemExit as exc:  # the script reports a failed run by exiting
            raise RuntimeError(str(exc)) from None
    summary = fixture_overhead.summarize(results, tests)
    groups = summary["groups"]
    base = groups["responses"]
    figures = []
    for mode in ("server", "inprocess"):
        data = groups[mode]
        figures.append(
            Figure(
                group=GROUP,
                name=f"interactor fixture ({mode} mode), {tests} tests x 1 call",
                ours=data["wall_s"] * 1000,
                baseline=base["wall_s"] * 1000,
                baseline_name=f"{tests} tests with a function-scoped responses stub",
                unit="ms",
                target=Target("ratio<=", 1.5),
                runs=rounds,
                notes=(
                    f"per test {data['mean_ms']:.2f} ms vs {base['mean_ms']:.2f} ms "
                    f"(setup/call/teardown {data['phases_ms']['setup']:.2f}/"
                    f"{data['phases_ms']['call']:.2f}/{data['phases_ms']['teardown']:.2f} ms)"
                ),
                samples={
                    "ours": [r[mode]["wall"] for r in results],
                    "baseline": [r["responses"]["wall"] for r in results],
                },
                extra={"ours": data, "baseline": base},
            )
        )
    return figures
