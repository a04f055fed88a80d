"""``python -m bench [--quick] [--json FILE] [--only GROUP ...] [--strict]``.

Runs every figure group, prints one table (figure | ours | baseline | ratio | target | met)
and writes every figure, with its samples, as JSON (``bench/results/latest.json`` unless
``--json`` says otherwise). Timings never fail the run: it exits 1 only when a group crashed
(or, with ``--strict``, when a target is missed), so that CI can run ``--quick`` to keep the
bench itself from rotting.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Sequence
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any

from bench.core import BENCH_DIR
from bench.core import Figure
from bench.core import format_value

#: Figure groups in the order they run: cheap and self-contained first.
GROUPS = {
    "contracts": "bench.contract_load",
    "in-process": "bench.inprocess_calls",
    "thread-server": "bench.thread_server",
    "throughput": "bench.throughput",
    "start-up": "bench.startup",
    "plugin-start-up": "bench.plugin_startup",
    "fixture": "bench.fixture",
    "hypothesis": "bench.hypothesis_cost",
    "memory": "bench.memory",
    "stores": "bench.stores",
    "wsgi-servers": "bench.wsgi_servers",
    "serve": "bench.serve_state",
}
DEFAULT_JSON = BENCH_DIR / "results" / "latest.json"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run interactor-mock's benchmark figures and compare each with its "
        "baseline, measured in the same run.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="every figure at a tiny size (seconds; for CI: reports, never fails on timings)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        metavar="FILE",
        help=f"where to write the results (default {DEFAULT_JSON.relative_to(BENCH_DIR.parent)})",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(GROUPS),
        metavar="GROUP",
        help=f"run only these groups ({', '.join(GROUPS)})",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed, too")
    return parser


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg": os.getloadavg(),
    }


def _ratio(figure: Figure) -> str:
    ratio = figure.ratio
    return "-" if ratio is None else f"{ratio:.2f}x"


def _met(figure: Figure) -> str:
    met = figure.met
    return "-" if met is None else ("yes" if met else "MISSED")


def table(figures: Sequence[Figure]) -> str:
    """The figures as a Markdown table, padded so that it reads in a terminal too."""
    rows = [("figure", "ours", "baseline", "ratio", "target", "met")]
    for figure in figures:
        rows.append(
            (
                figure.name,
                format_value(figure.ours, figure.unit),
                format_value(figure.baseline, figure.unit),
                _ratio(figure),
                figure.target.text(figure.unit),
                _met(figure),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if index == 0:
            lines.append("| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = args.only or list(GROUPS)
    started = time.perf_counter()
    load_before = os.getloadavg()
    figures: list[Figure] = []
    crashes: list[dict[str, str]] = []
    timings: dict[str, float] = {}
    mode = "quick" if args.quick else "full"
    print(
        f"interactor-mock bench ({mode}): {', '.join(names)}; "
        f"load average {load_before[0]:.2f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    for name in names:
        group_started = time.perf_counter()
        print(f"-- {name} ...", end=" ", flush=True)
        try:
            module = importlib.import_module(GROUPS[name])
            found: list[Figure] = module.run(quick=args.quick)
        except Exception:
            crashes.append({"group": name, "traceback": traceback.format_exc()})
            print("CRASHED", flush=True)
            traceback.print_exc()
            continue
        finally:
            timings[name] = time.perf_counter() - group_started
        figures.extend(found)
        print(f"{timings[name]:.1f} s", flush=True)
    print()
    print(table(figures))
    elapsed = time.perf_counter() - started
    missed = [f.name for f in figures if f.met is False]
    print()
    print(
        f"{len(figures)} figures in {elapsed:.0f} s: "
        f"{sum(f.met is True for f in figures)} met, {len(missed)} missed, "
        f"{sum(f.met is None for f in figures)} for information"
        + (
            f"; {len(crashes)} group(s) CRASHED: {', '.join(c['group'] for c in crashes)}"
            if crashes
            else ""
        )
    )
    result = {
        "mode": mode,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": elapsed,
        "group_seconds": timings,
        "machine": {**machine(), "loadavg_before": load_before},
        "figures": [f.as_dict() for f in figures],
        "crashes": crashes,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"results: {args.json}")
    if crashes:
        return 1
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
