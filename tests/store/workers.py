"""What the multi-process tests run in each child (a module, so that ``spawn`` can import it).

A store is named by a plain tuple: ``("sqlite", path)`` or ``("redis", url, prefix)``.
"""

from __future__ import annotations

from typing import Any

from interactor_mock.store import SqliteStore


def open_store(spec: tuple[str, ...]) -> Any:
    if spec[0] == "sqlite":
        return SqliteStore(spec[1])
    if spec[0] == "redis":
        from interactor_mock.store import RedisStore

        return RedisStore(spec[1], prefix=spec[2])
    raise ValueError(f"not a shared store: {spec!r}")


def increment(spec: tuple[str, ...], times: int) -> int:
    """Add 1 to one counter ``times`` times; the number of updates made."""
    store = open_store(spec)
    try:
        for _ in range(times):
            store.update("env", "counter", "n", lambda old: (old or 0) + 1)
    finally:
        store.close()
    return times


def take_all(spec: tuple[str, ...], keys: list[str]) -> list[str]:
    """Try to take every key; the ones this process got."""
    store = open_store(spec)
    try:
        return [key for key in keys if store.take("", "code", key) is not None]
    finally:
        store.close()


def append_many(spec: tuple[str, ...], writer: int, count: int, limit: int) -> int:
    store = open_store(spec)
    try:
        for index in range(count):
            store.append("env", "journal", {"writer": writer, "n": index}, limit=limit)
    finally:
        store.close()
    return count


def increment_in_batches(spec: tuple[str, ...], batches: int, per_batch: int) -> int:
    """``batches`` batches, each of ``per_batch`` increments of one counter and one append
    (a request's shape); the number of increments made."""
    store = open_store(spec)
    try:
        for index in range(batches):
            with store.batch():
                for _ in range(per_batch):
                    store.update("env", "counter", "n", lambda old: (old or 0) + 1)
                store.append("env", "journal", {"batch": index}, limit=1000)
    finally:
        store.close()
    return batches * per_batch
