"""What the domain needs from a store: environment-scoped records and bounded logs.

Everything the mock remembers (API keys, credentials, OAuth states and codes, connector
resources, scenario rules, the journal) lives under an environment id (the *scope*), in a
*kind* of record. The protocol is small enough that SQLite and Redis implement it with the
same behaviour as :class:`~interactor_mock.store.MemoryStore`, which the conformance suite
(``tests/store/test_conformance.py``) checks for all of them.

The persistent stores keep JSON (see :mod:`interactor_mock.store.codec`): what a caller reads
is a fresh copy, and a value JSON cannot carry as it is is refused with
:class:`~interactor_mock.errors.UnstorableValue`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from typing import Protocol
from typing import runtime_checkable

__all__ = ["GLOBAL", "Store", "next_number"]

#: The scope of records that belong to no environment (the API-key index).
GLOBAL = ""


@runtime_checkable
class Store(Protocol):
    """What the domain needs from a store. Every method is atomic, across threads and (for
    the SQLite and Redis stores) across processes."""

    def get(self, scope: str, kind: str, key: str) -> Any | None: ...

    def put(self, scope: str, kind: str, key: str, value: Any) -> None: ...

    def delete(self, scope: str, kind: str, key: str) -> bool:
        """Remove a record; whether there was one."""
        ...

    def take(self, scope: str, kind: str, key: str) -> Any | None:
        """Remove and return a record, so exactly one caller gets it (single-use codes)."""
        ...

    def update(
        self, scope: str, kind: str, key: str, change: Callable[[Any | None], Any | None]
    ) -> Any | None:
        """Replace a record by ``change(old)`` atomically (``None`` deletes it); the new value.

        ``change`` must be a pure function of ``old``: a store that resolves conflicts
        optimistically (Redis) calls it again with the newer value when another writer got
        there first, and keeps only the last call's result.
        """
        ...

    def items(self, scope: str, kind: str) -> list[tuple[str, Any]]:
        """Every ``(key, value)`` of a kind, in no particular order."""
        ...

    def append(self, scope: str, kind: str, value: Any, *, limit: int) -> None:
        """Append to a bounded log, dropping the oldest entries beyond ``limit``."""
        ...

    def log(self, scope: str, kind: str) -> list[Any]:
        """A log's entries, oldest first."""
        ...

    def clear_log(self, scope: str, kind: str) -> None: ...

    def drop_scope(self, scope: str, *, keep: tuple[str, ...] = ()) -> None:
        """Forget every record and log of a scope, except those of the kinds in ``keep``."""
        ...

    def batch(self) -> AbstractContextManager[None]:
        """A block whose writes (on this thread) may be committed together when it ends: a
        speed-up only, never a rollback (each write stands, as it would without the block).
        Every write made inside is durable once the block has ended."""
        ...

    def flush(self) -> None:
        """Make this thread's batched writes durable now, and let other writers in (before a
        pause inside a batch)."""
        ...

    def scopes(self) -> list[str]:
        """The scopes other than :data:`GLOBAL` that hold at least one record, in the order
        they were first given one (a scope keeps its place until :meth:`drop_scope` leaves
        it without records)."""
        ...


def _plus_one(last: Any | None) -> int:
    return int(last or 0) + 1


def next_number(store: Store, scope: str, kind: str) -> int:
    """The next number of a counter kept in the store (1 first): atomic across threads and
    processes, and it continues after a restart (the scenario rules' ids, the journal's)."""
    return int(store.update(scope, kind, "next", _plus_one) or 0)
