"""Store operations per second: SQLite and Redis (and memory with JSON semantics) against
the in-memory store, in one run.

Each figure times one operation the domain makes on every call (``put`` of a ~1 KB draft,
``get`` of it, ``update`` of a counter as a collection's bookkeeping does, ``append`` of a
journal entry to a log bounded at 1,000), batches of ours and of ``MemoryStore`` interleaved.
These are raw store figures, for information: the issue's targets (SQLite >= 0.7x, Redis >=
0.5x the memory store) are on a served call, where the store is a part of the work.

Redis runs on Debian's ``redis-server`` started on a free loopback port (``tests/redis_server``);
without it the Redis figures are left out, with a note.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.apps import draft_body
from bench.core import Figure
from bench.core import Target
from bench.core import interleaved
from bench.core import median
from interactor_mock.store import MemoryStore
from interactor_mock.store import SqliteStore
from interactor_mock.store import Store

GROUP = "stores"
SCOPE = "development"
KIND = "resource:interactor/gmail|drafts|alice|"
JOURNAL_ENTRY = {
    "seq": 1,
    "time": "2026-12-01T08:00:00Z",
    "method": "POST",
    "path": "/api/v1/connector/interactor/gmail/action/email.draft.create/execute",
    "query": "account=alice",
    "status": 200,
    "durationMs": 1.25,
    "input": draft_body(1),
}


def operations(store: Store) -> dict[str, Callable[[], object]]:
    """One call of each measured operation on ``store`` (keys cycle over 100 records)."""
    draft = {"item": draft_body(1), "seq": 1, "position": -1}
    counter = iter(range(10**9))
    store.put(SCOPE, KIND, "d0", draft)

    def put() -> None:
        store.put(SCOPE, KIND, f"d{next(counter) % 100}", draft)

    def get() -> None:
        store.get(SCOPE, KIND, "d0")

    def update() -> None:
        store.update(SCOPE, "meta", KIND, lambda old: (old or 0) + 1)

    def append() -> None:
        store.append(SCOPE, "journal", JOURNAL_ENTRY, limit=1000)

    return {"put": put, "get": get, "update": update, "append": append}


@contextlib.contextmanager
def stores(directory: Path) -> Iterator[tuple[dict[str, Store], str]]:
    """The stores to measure, by name, and a note on any left out."""
    found: dict[str, Store] = {
        "memory (JSON)": MemoryStore(json_roundtrip=True),
        "SQLite": SqliteStore(directory / "state.db"),
    }
    note = ""
    with contextlib.ExitStack() as stack:
        stack.callback(found["SQLite"].close)  # type: ignore[attr-defined]
        try:
            from interactor_mock.store import RedisStore
            from tests.redis_server import find_redis_server
            from tests.redis_server import redis_server

            binary = find_redis_server()
            if binary is None:
                note = "Redis left out: no redis-server installed"
            else:
                url = stack.enter_context(redis_server(directory, binary=binary))
                redis_store = RedisStore(url, prefix="bench")
                stack.callback(redis_store.close)
                found["Redis"] = redis_store
        except ImportError as error:
            note = f"Redis left out: {error}"
        yield found, note


def run(quick: bool = False) -> list[Figure]:
    rounds, batch = (2, 50) if quick else (9, 500)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp, stores(Path(tmp)) as (found, note):
        baseline = operations(MemoryStore())
        for name, store in found.items():
            ours = operations(store)
            for op in ours:
                mine, theirs = interleaved(ours[op], baseline[op], rounds=rounds, batch=batch)
                figures.append(_figure(name, op, mine, theirs, rounds, note))
    return figures


def _figure(
    name: str, op: str, mine: list[float], theirs: list[float], runs: int, note: str
) -> Any:
    return Figure(
        group=GROUP,
        name=f"{name} store {op}",
        ours=1 / median(mine),
        baseline=1 / median(theirs),
        baseline_name=f"MemoryStore {op}",
        unit="ops/s",
        target=Target("info", 0),
        runs=runs,
        notes=note,
        samples={"ours": mine, "baseline": theirs},
    )
