"""Hypothesis: cost per example of ``action_inputs`` against a hand-written strategy.

Ours is ``action_inputs("gmail", "email.draft.create")``. The baseline is what a user would
write without us for the same fields: ``st.fixed_dictionaries`` with the required fields
(``to``, ``subject``, ``body``) and the optional ones, addresses from ``st.emails()``, text
from ``st.text()`` and ``bodyType`` from ``st.sampled_from``. Each is run as a ``@given``
test with the same settings (generation phase only, no database, derandomized, no deadline),
and the figure is the run's wall time over the number of examples it ran, interleaved.
"""

from __future__ import annotations

import time
from typing import Any

from bench.core import Figure
from bench.core import Target
from bench.core import median

GROUP = "hypothesis"


def _strategies() -> tuple[Any, Any, Any]:
    import hypothesis.strategies as st

    from pytest_interactor.strategies import action_inputs

    addresses = st.lists(st.emails(), max_size=3)
    handwritten = st.fixed_dictionaries(
        {
            "to": st.lists(st.emails(), min_size=1, max_size=3),
            "subject": st.text(),
            "body": st.text(),
        },
        optional={
            "cc": addresses,
            "bcc": addresses,
            "from": st.emails(),
            "fromName": st.text(),
            "bodyType": st.sampled_from(["plain", "html"]),
            "signature": st.text(),
        },
    )
    plain = st.fixed_dictionaries(
        {
            "to": st.lists(st.text(), min_size=1, max_size=3),
            "subject": st.text(),
            "body": st.text(),
        },
        optional={
            "cc": st.lists(st.text(), max_size=3),
            "bcc": st.lists(st.text(), max_size=3),
            "from": st.text(),
            "fromName": st.text(),
            "bodyType": st.sampled_from(["plain", "html"]),
            "signature": st.text(),
        },
    )
    return action_inputs("gmail", "email.draft.create"), handwritten, plain


def seconds_per_example(strategy: Any, examples: int) -> float:
    from hypothesis import HealthCheck
    from hypothesis import Phase
    from hypothesis import given
    from hypothesis import settings

    seen = [0]

    @settings(
        max_examples=examples,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def probe(payload: Any) -> None:
        seen[0] += 1

    started = time.perf_counter()
    probe()
    return (time.perf_counter() - started) / max(seen[0], 1)


def run(quick: bool = False) -> list[Figure]:
    rounds, examples = (2, 30) if quick else (7, 300)
    strategies = _strategies()
    for strategy in strategies:  # compile the contract's strategy, warm every cache
        seconds_per_example(strategy, 10)
    results: tuple[list[float], list[float], list[float]] = ([], [], [])
    for index in range(rounds):
        order = [0, 1, 2][index % 3 :] + [0, 1, 2][: index % 3]
        for side in order:
            results[side].append(seconds_per_example(strategies[side], examples))
    ours, baseline, plain = results
    note = f"{examples} examples per run, generate phase only"
    return [
        Figure(
            group=GROUP,
            name='action_inputs("gmail", "email.draft.create") per example',
            ours=median(ours) * 1e6,
            baseline=median(baseline) * 1e6,
            baseline_name="hand-written st.fixed_dictionaries (st.emails, st.text)",
            unit="us/example",
            target=Target("ratio<=", 2.0),
            runs=rounds,
            notes=note,
            samples={"ours": ours, "baseline": baseline},
        ),
        Figure(
            group=GROUP,
            name="action_inputs vs a text-only hand-written strategy",
            ours=median(ours) * 1e6,
            baseline=median(plain) * 1e6,
            baseline_name="st.fixed_dictionaries with st.text() for every string",
            unit="us/example",
            target=Target("info", 0),
            runs=rounds,
            notes=note + "; unrealistic addresses, shown for scale",
            samples={"ours": ours, "baseline": plain},
        ),
    ]
