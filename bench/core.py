"""What every figure module shares: the result type, its target, and interleaved timing."""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import os
import statistics
import sys
import time
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

__all__ = [
    "BENCH_DIR",
    "REPO_ROOT",
    "Figure",
    "Target",
    "interleaved",
    "median",
    "python_env",
    "require",
]

#: Makes the context a side's batches run in (e.g. its ``responses`` mock switched on).
Around = Callable[[], contextlib.AbstractContextManager[object]]
BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent


@dataclass(frozen=True)
class Target:
    """What a figure must meet.

    ``kind`` is ``"ratio<="`` or ``"ratio>="`` (ours over the baseline measured in the same
    run), ``"<="`` (an absolute bound on ours, in the figure's unit), or ``"info"`` (a figure
    reported for context, with no target).
    """

    kind: str
    limit: float

    def text(self, unit: str) -> str:
        if self.kind == "info":
            return "(info)"
        if self.kind == "ratio<=":
            return f"<= {self.limit:g}x"
        if self.kind == "ratio>=":
            return f">= {self.limit:g}x"
        return f"<= {_number(self.limit)} {unit}"

    def met_by(self, ours: float, ratio: float | None) -> bool | None:
        if self.kind == "info":
            return None
        if self.kind == "<=":
            return ours <= self.limit
        if ratio is None:
            return None
        return ratio <= self.limit if self.kind == "ratio<=" else ratio >= self.limit


@dataclass
class Figure:
    """One measured figure: ours, its baseline (if any), and whether the target is met."""

    group: str
    name: str
    ours: float
    unit: str
    target: Target
    baseline: float | None = None
    baseline_name: str = ""
    runs: int = 0
    notes: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.ours / self.baseline

    @property
    def met(self) -> bool | None:
        return self.target.met_by(self.ours, self.ratio)

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "figure": self.name,
            "ours": self.ours,
            "baseline": self.baseline,
            "baseline_name": self.baseline_name,
            "unit": self.unit,
            "ratio": self.ratio,
            "target": self.target.text(self.unit),
            "met": self.met,
            "runs": self.runs,
            "notes": self.notes,
            "samples": self.samples,
            "extra": self.extra,
        }


def _number(value: float) -> str:
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{_number(value)} {unit}"


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def interleaved(
    ours: Callable[[], object],
    baseline: Callable[[], object],
    *,
    rounds: int,
    batch: int,
    warmup: int = 1,
    around: tuple[Around, Around] | None = None,
) -> tuple[list[float], list[float]]:
    """Per-call seconds of ``ours`` and ``baseline``, one value per round for each.

    Each round runs ``batch`` calls of one then ``batch`` calls of the other, the order
    alternating between rounds, so that drift on a noisy machine lands on both alike.
    ``around`` gives, for each side, a context entered around each of its batches (outside
    the clock): e.g. switching that side's ``responses`` mock on.
    """
    contexts = around or (contextlib.nullcontext, contextlib.nullcontext)
    sides = [(ours, contexts[0]), (baseline, contexts[1])]
    for _ in range(warmup):
        for fn, context in sides:
            with context():
                for _ in range(batch):
                    fn()
    times: tuple[list[float], list[float]] = ([], [])
    for index in range(rounds):
        order = [0, 1] if index % 2 == 0 else [1, 0]
        for side in order:
            fn, context = sides[side]
            with context():
                gc.collect()
                start = time.perf_counter()
                for _ in range(batch):
                    fn()
                times[side].append((time.perf_counter() - start) / batch)
    return times


def require(*modules: str) -> None:
    """Fail clearly when a peer the figures compare with is not installed.

    Raises:
        RuntimeError: naming the missing modules and the extra that installs them.
    """
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise RuntimeError(
            f"the bench needs {', '.join(missing)}: pip install -e '.[bench]' "
            "(moto[server], pytest-httpserver, gunicorn)"
        )


def python_env() -> dict[str, str]:
    """The environment for child processes: this interpreter's, with the repo importable."""
    env = dict(os.environ)
    paths = [str(REPO_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def python() -> str:
    return sys.executable
