"""Environment-scoped state behind a narrow protocol, in memory, in SQLite or in Redis.

``MemoryStore`` is the default (pytest fixtures, ``mock()``); ``SqliteStore`` shares one file
between the processes of one host; ``RedisStore`` shares a Redis server between hosts (it
needs the ``redis`` extra, imported only when the store is made). All three behave alike (see
``tests/store/test_conformance.py``); the persistent two keep JSON (:mod:`.codec`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.store.codec import decode
from interactor_mock.store.codec import encode
from interactor_mock.store.memory import MemoryStore
from interactor_mock.store.protocol import GLOBAL
from interactor_mock.store.protocol import Store
from interactor_mock.store.protocol import next_number
from interactor_mock.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from interactor_mock.store.redis import RedisStore

__all__ = [
    "GLOBAL",
    "MemoryStore",
    "RedisStore",
    "SqliteStore",
    "Store",
    "decode",
    "encode",
    "next_number",
]


def __getattr__(name: str) -> Any:
    # RedisStore's module imports redis-py; load it only when someone asks for the store.
    if name == "RedisStore":
        from interactor_mock.store.redis import RedisStore

        return RedisStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
