"""Environment-scoped state behind a narrow protocol.

Everything the mock remembers (API keys, credentials, OAuth states and codes, connector
resources, scenario rules, the journal) lives under an environment id, in a *kind* of record.
The protocol is small enough that a SQLite or Redis store can replace :class:`MemoryStore`
without touching the domain; the in-memory store keeps Python objects as they are, so callers
must treat what they read as read-only and ``put`` a new value to change it.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any
from typing import Protocol
from typing import runtime_checkable

__all__ = ["GLOBAL", "MemoryStore", "Store"]

#: The scope of records that belong to no environment (the API-key index).
GLOBAL = ""


@runtime_checkable
class Store(Protocol):
    """What the domain needs from a store. Every method is atomic."""

    def get(self, scope: str, kind: str, key: str) -> Any | None: ...

    def put(self, scope: str, kind: str, key: str, value: Any) -> None: ...

    def delete(self, scope: str, kind: str, key: str) -> bool: ...

    def take(self, scope: str, kind: str, key: str) -> Any | None:
        """Remove and return a record, so exactly one caller gets it (single-use codes)."""
        ...

    def update(
        self, scope: str, kind: str, key: str, change: Callable[[Any | None], Any | None]
    ) -> Any | None:
        """Replace a record by ``change(old)`` atomically (``None`` deletes it)."""
        ...

    def items(self, scope: str, kind: str) -> list[tuple[str, Any]]: ...

    def append(self, scope: str, kind: str, value: Any, *, limit: int) -> None:
        """Append to a bounded log, dropping the oldest entries beyond ``limit``."""
        ...

    def log(self, scope: str, kind: str) -> list[Any]: ...

    def clear_log(self, scope: str, kind: str) -> None: ...

    def drop_scope(self, scope: str, *, keep: tuple[str, ...] = ()) -> None:
        """Forget every record of a scope, except the kinds in ``keep``."""
        ...

    def scopes(self) -> list[str]: ...


class MemoryStore:
    """The default store: dictionaries in this process, guarded by one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._records: dict[str, dict[str, dict[str, Any]]] = {}
        self._logs: dict[str, dict[str, deque[Any]]] = {}

    def _kind(self, scope: str, kind: str) -> dict[str, Any]:
        return self._records.setdefault(scope, {}).setdefault(kind, {})

    def get(self, scope: str, kind: str, key: str) -> Any | None:
        with self._lock:
            return self._records.get(scope, {}).get(kind, {}).get(key)

    def put(self, scope: str, kind: str, key: str, value: Any) -> None:
        with self._lock:
            self._kind(scope, kind)[key] = value

    def delete(self, scope: str, kind: str, key: str) -> bool:
        with self._lock:
            return self._records.get(scope, {}).get(kind, {}).pop(key, None) is not None

    def take(self, scope: str, kind: str, key: str) -> Any | None:
        with self._lock:
            return self._records.get(scope, {}).get(kind, {}).pop(key, None)

    def update(
        self, scope: str, kind: str, key: str, change: Callable[[Any | None], Any | None]
    ) -> Any | None:
        with self._lock:
            records = self._kind(scope, kind)
            new = change(records.get(key))
            if new is None:
                records.pop(key, None)
            else:
                records[key] = new
            return new

    def items(self, scope: str, kind: str) -> list[tuple[str, Any]]:
        with self._lock:
            return list(self._records.get(scope, {}).get(kind, {}).items())

    def append(self, scope: str, kind: str, value: Any, *, limit: int) -> None:
        with self._lock:
            logs = self._logs.setdefault(scope, {})
            log = logs.get(kind)
            if log is None or log.maxlen != limit:
                log = logs[kind] = deque(log or (), maxlen=limit)
            log.append(value)

    def log(self, scope: str, kind: str) -> list[Any]:
        with self._lock:
            return list(self._logs.get(scope, {}).get(kind, ()))

    def clear_log(self, scope: str, kind: str) -> None:
        with self._lock:
            self._logs.get(scope, {}).pop(kind, None)

    def drop_scope(self, scope: str, *, keep: tuple[str, ...] = ()) -> None:
        with self._lock:
            records = self._records.pop(scope, {})
            kept = {kind: records[kind] for kind in keep if kind in records}
            if kept:
                self._records[scope] = kept
            logs = self._logs.pop(scope, {})
            kept_logs = {kind: logs[kind] for kind in keep if kind in logs}
            if kept_logs:
                self._logs[scope] = kept_logs

    def scopes(self) -> list[str]:
        with self._lock:
            return [scope for scope in self._records if scope != GLOBAL]
