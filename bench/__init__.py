"""The benchmark suite: every figure of issue 6, measured against its baseline in one run.

Run it with ``python -m bench`` (the whole suite, a few minutes) or ``python -m bench --quick``
(every figure at a tiny size, seconds; what CI runs). Each figure is a median over repeated,
interleaved runs of ours and of its baseline, reported as a ratio, because the machines this
runs on are shared and noisy. Load always comes from a separate process and goes to 127.0.0.1.
"""

from __future__ import annotations

from bench.core import Figure
from bench.core import Target

__all__ = ["Figure", "Target"]
