"""Memory: a journal fed 100,000 requests, and a 5,000-message seeded mailbox.

Each measurement runs in a fresh interpreter (``python -m bench.memory journal|mailbox N``)
that reports the memory Python has allocated (``tracemalloc``, started after the imports and
a warm-up) before and after, and its resident set size (RSS) for context.

- Journal: one environment records N requests shaped as the API layer records an ``execute``
  (a ~1 KB draft as input); the figure is the number of entries kept (it must stay at the
  configured ``journal_size``) and the memory after N entries against the memory after
  ``journal_size`` entries (it must not grow past it).
- Mailbox: an account seeded with N Gmail messages (``Seeder``), then read as a test reads
  it: the first page of ``email.list`` and ``email.get`` of every message listed.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import tracemalloc
from typing import Any

from bench.core import REPO_ROOT
from bench.core import Figure
from bench.core import Target
from bench.core import python
from bench.core import python_env

GROUP = "memory"
MB = 1024 * 1024


def traced_mb() -> float:
    return tracemalloc.get_traced_memory()[0] / MB


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / MB


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_journal(count: int) -> dict[str, Any]:
    from bench.apps import draft_body
    from interactor_mock.config import MockConfig
    from interactor_mock.core.engine import Engine

    engine = Engine(MockConfig())
    environment = engine.default_environment
    size = engine.journal.size

    def record(n: int) -> None:
        engine.journal.record(
            environment.id,
            time="2026-01-01T00:00:00.000Z",
            method="POST",
            path="/api/v1/connector/interactor/gmail/action/email.draft.create/execute",
            query="account=alice",
            status=200,
            duration_ms=1.234,
            connector="interactor/gmail",
            action="email.draft.create",
            account="alice",
            input=draft_body(n),
            error=None,
            scenario=None,
        )

    record(0)
    engine.journal.clear(environment.id)
    rss_before = rss_mb()
    tracemalloc.start()
    before = traced_mb()
    for n in range(size):
        record(n)
    at_size = traced_mb()
    for n in range(size, count):
        record(n)
    after = traced_mb()
    tracemalloc.stop()
    return {
        "size": size,
        "kept": len(engine.journal.entries(environment.id)),
        "at_size_mb": at_size - before,
        "after_mb": after - before,
        "rss_growth_mb": rss_mb() - rss_before,
        "peak_rss_mb": peak_mb(),
    }


def measure_mailbox(count: int) -> dict[str, Any]:
    from interactor_mock.config import MockConfig
    from interactor_mock.core.engine import Engine

    engine = Engine(MockConfig())
    environment = engine.default_environment
    registry = engine.registry
    # Warm what every engine pays once (generator pools, compiled validators), so that the
    # figure is the mailbox's own cost.
    engine.grant(environment, "gmail", "warm-up")
    for name, payload in (("email.list", {"maxResults": 1}), ("email.get", {"message_id": "x"})):
        # A get of an unknown id answers an error: warming is all it is for.
        with contextlib.suppress(Exception):
            engine.executor.execute(environment, registry.action("gmail", name), "warm-up", payload)
    rss_before = rss_mb()
    tracemalloc.start()
    before = traced_mb()
    engine.seeds.apply(environment, {"accounts": {"alice": {"gmail": {"messages": count}}}})
    seeded = traced_mb()
    listing = engine.executor.execute(
        environment, registry.action("gmail", "email.list"), "alice", {"maxResults": 500}
    ).output
    get = registry.action("gmail", "email.get")
    for message in listing["messages"]:
        engine.executor.execute(environment, get, "alice", {"message_id": message["id"]})
    read = traced_mb()
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return {
        "messages": count,
        "listed": len(listing["messages"]),
        "total": listing.get("resultSizeEstimate"),
        "seeded_mb": seeded - before,
        "after_reads_mb": read - before,
        "peak_mb": peak - before,
        "rss_growth_mb": rss_mb() - rss_before,
        "peak_rss_mb": peak_mb(),
    }


def _child(kind: str, count: int) -> dict[str, Any]:
    done = subprocess.run(
        [python(), "-m", "bench.memory", kind, str(count)],
        cwd=REPO_ROOT,
        env=python_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory {kind} failed: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(quick: bool = False) -> list[Figure]:
    requests = 10_000 if quick else 100_000
    messages = 500 if quick else 5_000
    journal = _child("journal", requests)
    mailbox = _child("mailbox", messages)
    note = "quick: fewer than the target's count; " if quick else ""
    return [
        Figure(
            group=GROUP,
            name=f"journal entries kept after {requests:,} requests",
            ours=journal["kept"],
            unit="entries",
            target=Target("<=", journal["size"]),
            notes=note + f"journal_size={journal['size']}",
            extra=journal,
        ),
        Figure(
            group=GROUP,
            name=f"journal memory after {requests:,} requests",
            ours=journal["after_mb"],
            unit="MB",
            # bounded: no more than what `journal_size` entries took, with slack for noise
            target=Target("<=", round(journal["at_size_mb"] * 1.25 + 1.0, 1)),
            notes=note + f"{journal['at_size_mb']:.1f} MB after {journal['size']} entries",
            extra=journal,
        ),
        Figure(
            group=GROUP,
            name=f"seeded mailbox of {messages:,} messages, read",
            ours=max(mailbox["after_reads_mb"], mailbox["peak_mb"]),
            unit="MB",
            target=Target("<=", 50),
            notes=note
            + f"peak while seeding and reading; seeded {mailbox['seeded_mb']:.2f} MB, after "
            + f"listing {mailbox['listed']} and getting each {mailbox['after_reads_mb']:.2f} MB",
            extra=mailbox,
        ),
    ]


if __name__ == "__main__":
    kind, number = sys.argv[1], int(sys.argv[2])
    measured = measure_journal(number) if kind == "journal" else measure_mailbox(number)
    print(json.dumps(measured))
