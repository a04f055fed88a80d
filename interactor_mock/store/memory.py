"""The default store: dictionaries in this process, guarded by one lock.

By default it keeps Python objects as they are (callers treat what they read as read-only and
``put`` a new value to change it). ``MemoryStore(json_roundtrip=True)`` keeps JSON text instead,
exactly as the SQLite and Redis stores do (:mod:`interactor_mock.store.codec`), so that a test
can run the domain in memory with a persistent store's semantics.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from contextlib import nullcontext
from typing import Any

from interactor_mock.store.codec import decode
from interactor_mock.store.codec import encode
from interactor_mock.store.protocol import GLOBAL

__all__ = ["MemoryStore"]


def _same(value: Any) -> Any:
    return value


class MemoryStore:
    """Records and logs in this process's memory.

    Args:
        json_roundtrip: keep each value as its JSON text and read back a fresh copy, refusing
            what JSON cannot carry (:class:`~interactor_mock.errors.UnstorableValue`).
    """

    def __init__(self, *, json_roundtrip: bool = False) -> None:
        self.json_roundtrip = json_roundtrip
        self._in: Callable[[Any], Any] = encode if json_roundtrip else _same
        self._out: Callable[[Any], Any] = decode if json_roundtrip else _same
        self._lock = threading.RLock()
        self._records: dict[str, dict[str, dict[str, Any]]] = {}
        self._logs: dict[str, dict[str, deque[Any]]] = {}

    def __repr__(self) -> str:
        return f"MemoryStore(json_roundtrip={self.json_roundtrip})"

    def _kind(self, scope: str, kind: str) -> dict[str, Any]:
        return self._records.setdefault(scope, {}).setdefault(kind, {})

    def _read(self, found: Any) -> Any:
        return None if found is None else self._out(found)

    def get(self, scope: str, kind: str, key: str) -> Any | None:
        with self._lock:
            found = self._records.get(scope, {}).get(kind, {}).get(key)
        return self._read(found)

    def put(self, scope: str, kind: str, key: str, value: Any) -> None:
        stored = self._in(value)
        with self._lock:
            self._kind(scope, kind)[key] = stored

    def delete(self, scope: str, kind: str, key: str) -> bool:
        with self._lock:
            return self._records.get(scope, {}).get(kind, {}).pop(key, None) is not None

    def take(self, scope: str, kind: str, key: str) -> Any | None:
        with self._lock:
            found = self._records.get(scope, {}).get(kind, {}).pop(key, None)
        return self._read(found)

    def update(
        self, scope: str, kind: str, key: str, change: Callable[[Any | None], Any | None]
    ) -> Any | None:
        with self._lock:
            records = self._records.get(scope, {}).get(kind)
            new = change(self._read(None if records is None else records.get(key)))
            if new is not None:
                self._kind(scope, kind)[key] = self._in(new)
            elif records is not None:
                records.pop(key, None)
            return new

    def items(self, scope: str, kind: str) -> list[tuple[str, Any]]:
        with self._lock:
            found = list(self._records.get(scope, {}).get(kind, {}).items())
        if not self.json_roundtrip:
            return found
        return [(key, decode(value)) for key, value in found]

    def append(self, scope: str, kind: str, value: Any, *, limit: int) -> None:
        stored = self._in(value)
        with self._lock:
            logs = self._logs.setdefault(scope, {})
            log = logs.get(kind)
            if log is None or log.maxlen != limit:
                log = logs[kind] = deque(log or (), maxlen=limit)
            log.append(stored)

    def log(self, scope: str, kind: str) -> list[Any]:
        with self._lock:
            found = list(self._logs.get(scope, {}).get(kind, ()))
        if not self.json_roundtrip:
            return found
        return [decode(value) for value in found]

    def clear_log(self, scope: str, kind: str) -> None:
        with self._lock:
            self._logs.get(scope, {}).pop(kind, None)

    def batch(self) -> AbstractContextManager[None]:
        """Every write is durable when it returns: nothing to group."""
        return nullcontext()

    def flush(self) -> None:
        """Nothing is held back."""

    def drop_scope(self, scope: str, *, keep: tuple[str, ...] = ()) -> None:
        with self._lock:
            for held in (self._records, self._logs):
                kinds = held.get(scope)
                if kinds is None:
                    continue
                for kind in [kind for kind in kinds if kind not in keep]:
                    del kinds[kind]
                if not any(kinds.values()):
                    del held[scope]

    def scopes(self) -> list[str]:
        with self._lock:
            return [
                scope
                for scope, kinds in self._records.items()
                if scope != GLOBAL and any(kinds.values())
            ]
