"""A store in one SQLite file, shared by every thread and process on one host.

The file runs in WAL mode (readers never wait for the writer) with a ``busy_timeout``, so
that writers from several processes queue instead of failing. Plain reads and writes are one
statement each; ``take``, ``update`` and ``append`` read and write in one ``BEGIN IMMEDIATE``
transaction, which takes the file's write lock before reading, so no other process can slip
in between (a single-use code is taken once; a log stays at ``limit`` whatever the number of
writers).

Durability: ``synchronous=NORMAL`` by default. In WAL mode a commit has been written to the
WAL file (the operating system's page cache) when it returns, so an acknowledged write
survives the process being killed (``kill -9``) at any moment; what it does not survive is a
power cut or kernel crash in the instant after the commit, which would need an ``fsync`` per
commit (``synchronous=FULL``, ``SqliteStore(path, fsync=True)``), several times slower. A mock
server's state is worth the first guarantee, not the second.

Checkpoints (copying the WAL back into the file, with an ``fsync``) do not run inside the
write that happens to cross SQLite's threshold, with the store's lock held: measured on this
project's draft call, that automatic checkpoint cost a request more than the rest of its
writes. Every :data:`CHECKPOINT_COMMITS` commits, the process checkpoints ``PASSIVE`` (never
blocking a reader or a writer) on a second connection, after the write let the lock go; the
WAL file is cut back to :data:`WAL_LIMIT_BYTES` after each. A connection of another program
keeps SQLite's own automatic checkpoints.

Every write is one statement where SQL can say it (``take`` is a ``DELETE ... RETURNING``,
``append`` one ``INSERT`` into a temporary view whose trigger also trims the log): SQLite
takes the write lock at the start of a writing statement, so each is atomic on its own,
without a ``BEGIN IMMEDIATE`` round trip.

Writers queue on an operating-system file lock (``flock`` on ``<file>-lock``, where the
system has one) before they ask SQLite for its write lock: a writer that finds SQLite's lock
taken would sleep in SQLite's busy handler (1 ms, then 2, 5, ...) however soon the lock is
free, while one waiting on ``flock`` is woken the moment it is released. SQLite's own lock
and busy timeout still guard the file against any other program.

Threads of one process share one connection behind a lock (a write holds SQLite's lock for
microseconds, and the GIL serialises the rest anyway); after a ``fork`` the child opens its
own connection, as SQLite requires.

Values are JSON text (:mod:`interactor_mock.store.codec`). The file records its format: the
SQLite header's ``application_id`` marks it as interactor-mock's, and the ``meta`` table holds
the format version, so that another application's database or another version's file is
refused with :class:`~interactor_mock.errors.IncompatibleStore` instead of being reused.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]

from interactor_mock.errors import IncompatibleStore
from interactor_mock.errors import StoreError
from interactor_mock.store.codec import decode
from interactor_mock.store.codec import encode
from interactor_mock.store.protocol import GLOBAL

__all__ = [
    "APPLICATION_ID",
    "CHECKPOINT_COMMITS",
    "FORMAT_VERSION",
    "WAL_LIMIT_BYTES",
    "SqliteStore",
]

#: The SQLite header's application id of an interactor-mock state file (ASCII "IMck").
APPLICATION_ID = 0x494D636B
#: The layout of tables and values this version reads and writes.
FORMAT_VERSION = 1

# Rowid tables with a unique index, not WITHOUT ROWID ones: values are JSON of up to a few KB
# (a draft, a journal entry), and a new key then lands at the end of the table instead of
# splitting B-tree pages (measured: a new record in about 0.4x the time).
_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE records (id INTEGER PRIMARY KEY, scope TEXT NOT NULL, kind TEXT NOT NULL,"
    " key TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (scope, kind, key))",
    "CREATE TABLE scopes (seq INTEGER PRIMARY KEY, scope TEXT NOT NULL UNIQUE)",
    # A scope's place in ``scopes()`` is taken by its first record, in the same statement.
    "CREATE TRIGGER scope_of_record AFTER INSERT ON records BEGIN"
    " INSERT OR IGNORE INTO scopes (scope) VALUES (NEW.scope); END",
    "CREATE TABLE logs (id INTEGER PRIMARY KEY, scope TEXT NOT NULL, kind TEXT NOT NULL,"
    " seq INTEGER NOT NULL, value TEXT NOT NULL, UNIQUE (scope, kind, seq))",
)
# An upsert, not INSERT OR REPLACE: the trigger's OR IGNORE would inherit REPLACE (SQLite's
# rule), which would give the scope a new place on every write.
_PUT = (
    "INSERT INTO records (scope, kind, key, value) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (scope, kind, key) DO UPDATE SET value = excluded.value"
)
_TABLES = {"meta", "records", "scopes", "logs"}
# Per connection (TEMP: nothing of it is written to the file): an append is one statement, an
# INSERT into this view, whose trigger numbers the entry after the log's last one and drops
# what falls beyond ``lim``, inside that one statement's transaction.
_APPEND_VIEW = (
    "CREATE TEMP VIEW IF NOT EXISTS log_append (scope, kind, value, lim) AS"
    " SELECT NULL, NULL, NULL, NULL WHERE 0",
    "CREATE TEMP TRIGGER IF NOT EXISTS log_append_insert INSTEAD OF INSERT ON log_append BEGIN"
    " INSERT INTO logs (scope, kind, seq, value) SELECT NEW.scope, NEW.kind,"
    " coalesce(max(seq), 0) + 1, NEW.value FROM logs WHERE scope = NEW.scope AND kind = NEW.kind;"
    " DELETE FROM logs WHERE scope = NEW.scope AND kind = NEW.kind"
    " AND seq <= (SELECT max(seq) FROM logs WHERE scope = NEW.scope AND kind = NEW.kind) - NEW.lim;"
    " END",
)
#: Every how many commits (of one process) the WAL is copied back into the file.
CHECKPOINT_COMMITS = 200
#: The size the WAL file is cut back to after a checkpoint (``journal_size_limit``).
WAL_LIMIT_BYTES = 16 * 1024 * 1024
_INHERITED: list[sqlite3.Connection] = []


class _WriterQueue:
    """The file lock writers of every process take before SQLite's write lock (see the
    module's documentation); held by one thread of a process at a time (under the store's
    own lock), so it needs no count."""

    def __init__(self, path: Path) -> None:
        self.fd: int | None = None
        if fcntl is not None:
            try:
                self.fd = os.open(f"{path}-lock", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:  # a read-only directory: SQLite's busy handler alone
                self.fd = None

    def acquire(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class _Locked(StoreError):
    """Another process held the file while this one opened it (retried by ``_open``)."""


class SqliteStore:
    """Records and logs in the SQLite file ``path`` (created on first use).

    Args:
        path: the state file; its directory must exist.
        timeout: seconds a writer waits for another process's transaction (``busy_timeout``).
        fsync: ``synchronous=FULL`` (survive a power cut) instead of ``NORMAL`` (survive a
            killed process; the default, see the module's documentation).
        checkpoint_every: commits of this process between two checkpoints.

    Raises:
        IncompatibleStore: the file is not an interactor-mock state file of this format.
        StoreError: the file cannot be opened.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 10.0,
        fsync: bool = False,
        checkpoint_every: int = CHECKPOINT_COMMITS,
    ):
        self.path = Path(path)
        self.timeout = timeout
        self.fsync = fsync
        self._lock = threading.RLock()
        self._pid = os.getpid()
        self._local = threading.local()  # this thread's batch: depth, open
        self._db = self._open()
        self._queue = _WriterQueue(self.path)
        self._checkpoints = _Checkpointer(self.path, checkpoint_every)

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"

    # connection

    def _open(self) -> sqlite3.Connection:
        # Opening races with other processes opening (switching a new file to WAL, creating
        # the tables), and SQLite answers some of those races "database is locked" at once,
        # without its busy handler (to avoid a deadlock): so opening is retried, in time.
        deadline = time.monotonic() + self.timeout
        pause = 0.005
        while True:
            try:
                return self._open_once()
            except _Locked as locked:
                if time.monotonic() + pause > deadline:
                    raise StoreError(
                        f"cannot use the state file {self.path}: {locked} (for "
                        f"{self.timeout:g} s; another process holds it)"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.1)

    def _open_once(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the state file {self.path}: {error}") from None
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            with self._read(db):  # one snapshot: another process may be creating the file
                new = not self._is_ours(db)
            db.execute("PRAGMA journal_mode = WAL")  # only ever on our file, or an empty one
            db.execute(f"PRAGMA synchronous = {'FULL' if self.fsync else 'NORMAL'}")
            db.execute("PRAGMA wal_autocheckpoint = 0")  # _Checkpointer's job, off the lock
            db.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
            if new:
                self._create(db)
            for statement in _APPEND_VIEW:
                db.execute(statement)
        except sqlite3.OperationalError as error:
            db.close()
            if "locked" in str(error) or "busy" in str(error):
                raise _Locked(str(error)) from None
            raise StoreError(f"cannot use the state file {self.path}: {error}") from None
        except sqlite3.DatabaseError as error:
            db.close()
            raise IncompatibleStore(
                f"{self.path} is not an interactor-mock state file (SQLite says: {error}); "
                "point the mock at a new file, or move this one away"
            ) from None
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    @contextmanager
    def _read(db: sqlite3.Connection) -> Iterator[None]:
        db.execute("BEGIN")
        try:
            yield
        finally:
            if db.in_transaction:
                db.execute("COMMIT")

    def _create(self, db: sqlite3.Connection) -> None:
        """Make an empty file ours (unless another process just did)."""
        db.execute("BEGIN IMMEDIATE")
        try:
            if not self._is_ours(db):  # still empty, now that we hold the write lock
                for statement in _SCHEMA:
                    db.execute(statement)
                db.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [("format", "interactor-mock"), ("version", str(FORMAT_VERSION))],
                )
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _is_ours(self, db: sqlite3.Connection) -> bool:
        """True for a file of this format, False for an empty one; raises for anything else."""
        (app_id,) = db.execute("PRAGMA application_id").fetchone()
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id == 0 and not tables:
            return False
        if app_id != APPLICATION_ID or not tables >= _TABLES:
            listed = ", ".join(sorted(tables)) or "none"
            raise IncompatibleStore(
                f"{self.path} is a SQLite database of another application (application id "
                f"{app_id:#x}, tables: {listed}); point the mock at a new file instead"
            )
        meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
        if meta.get("format") != "interactor-mock" or meta.get("version") != str(FORMAT_VERSION):
            raise IncompatibleStore(
                f"{self.path} holds interactor-mock state of format version "
                f"{meta.get('version', 'unknown')}; this version reads format {FORMAT_VERSION}. "
                "Use the interactor-mock that wrote it, or start a new file "
                "(the old one is left as it is)"
            )
        return True

    @property
    def db(self) -> sqlite3.Connection:
        if self._pid != os.getpid():
            # Forked: the parent's connection must not be used, nor closed, here (SQLite's
            # rule), so it is kept aside and this process opens its own.
            _INHERITED.append(self._db)
            self._pid = os.getpid()
            self._lock = threading.RLock()
            self._local = threading.local()
            self._db = self._open()
            self._queue = _WriterQueue(self.path)  # a lock of this process's own
            if self._checkpoints._db is not None:  # kept open, as the parent's connection
                _INHERITED.append(self._checkpoints._db)
            self._checkpoints = _Checkpointer(self.path, self._checkpoints.every)
        return self._db

    def checkpoint(self) -> None:
        """Copy the WAL back into the file now (``PASSIVE``: what no reader still needs)."""
        db = self.db
        with self._lock:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def close(self) -> None:
        """Close the connection (the file stays; a new store can open it again)."""
        with self._lock:
            self._checkpoints.close()
            self._db.close()
            self._queue.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A transaction that holds the file's write lock from its first statement (inside
        a batch: the batch's transaction, which already holds it)."""
        db = self.db
        with self._lock:
            if self._enlist(db):
                yield db
                return
            self._queue.acquire()
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            finally:
                self._queue.release()
        self._checkpoints.after_commit()

    @contextmanager
    def _statement(self) -> Iterator[sqlite3.Connection]:
        """Where a one-statement write runs: on its own (SQLite makes it atomic), or in this
        thread's batch."""
        db = self.db
        with self._lock:
            if self._enlist(db):
                yield db
                return
            self._queue.acquire()
            try:
                yield db
            finally:
                self._queue.release()
        self._checkpoints.after_commit()

    # batches

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group this thread's writes into one transaction, committed when the block ends
        (whether it ends well or not: each write stands as it would without the batch).

        A request's writes (a draft, its collection's counters, the journal entry) then cost
        one commit instead of one each. The transaction starts at the first write, so a
        block that only reads takes no lock; from then on the file's write lock is held
        until the block ends (or :meth:`flush`), and other writers wait: keep a batch to
        one request's work, and flush before any pause. Batches nest (the outer one
        commits).
        """
        local = self._local
        local.depth = getattr(local, "depth", 0) + 1
        try:
            yield
        finally:
            local.depth -= 1
            if local.depth == 0:
                self.flush()

    def flush(self) -> None:
        """Commit this thread's batch now (a later write in the block starts a new one)."""
        if not getattr(self._local, "open", False):
            return
        self._local.open = False
        try:
            db = self.db
            try:
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        finally:
            self._queue.release()
            self._lock.release()  # the hold _enlist took
        self._checkpoints.after_commit()

    def _enlist(self, db: sqlite3.Connection) -> bool:
        """Inside a batch, make sure its transaction is open (taking the write lock, and
        keeping this thread's hold on ``_lock`` until it ends); whether it is one."""
        local = self._local
        if not getattr(local, "depth", 0):
            return False
        if not getattr(local, "open", False):
            self._queue.acquire()
            try:
                db.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._queue.release()
                raise
            self._lock.acquire()
            local.open = True
        return True

    # records

    def get(self, scope: str, kind: str, key: str) -> Any | None:
        db = self.db
        with self._lock:
            row = db.execute(
                "SELECT value FROM records WHERE scope = ? AND kind = ? AND key = ?",
                (scope, kind, key),
            ).fetchone()
        return None if row is None else decode(row[0])

    def put(self, scope: str, kind: str, key: str, value: Any) -> None:
        text = encode(value)
        with self._statement() as db:
            db.execute(_PUT, (scope, kind, key, text))

    def delete(self, scope: str, kind: str, key: str) -> bool:
        with self._statement() as db:
            cursor = db.execute(
                "DELETE FROM records WHERE scope = ? AND kind = ? AND key = ?", (scope, kind, key)
            )
            return cursor.rowcount > 0

    def take(self, scope: str, kind: str, key: str) -> Any | None:
        with self._statement() as db:
            row = db.execute(
                "DELETE FROM records WHERE scope = ? AND kind = ? AND key = ? RETURNING value",
                (scope, kind, key),
            ).fetchone()
        return None if row is None else decode(row[0])

    def update(
        self, scope: str, kind: str, key: str, change: Callable[[Any | None], Any | None]
    ) -> Any | None:
        with self._write() as db:
            row = db.execute(
                "SELECT value FROM records WHERE scope = ? AND kind = ? AND key = ?",
                (scope, kind, key),
            ).fetchone()
            new = change(None if row is None else decode(row[0]))
            if new is None:
                if row is not None:
                    db.execute(
                        "DELETE FROM records WHERE scope = ? AND kind = ? AND key = ?",
                        (scope, kind, key),
                    )
            else:
                text = encode(new)
                db.execute(_PUT, (scope, kind, key, text))
        return new

    def items(self, scope: str, kind: str) -> list[tuple[str, Any]]:
        db = self.db
        with self._lock:
            rows = db.execute(
                "SELECT key, value FROM records WHERE scope = ? AND kind = ?", (scope, kind)
            ).fetchall()
        return [(key, decode(value)) for key, value in rows]

    # logs

    def append(self, scope: str, kind: str, value: Any, *, limit: int) -> None:
        text = encode(value)
        with self._statement() as db:
            db.execute("INSERT INTO log_append VALUES (?, ?, ?, ?)", (scope, kind, text, limit))

    def log(self, scope: str, kind: str) -> list[Any]:
        db = self.db
        with self._lock:
            rows = db.execute(
                "SELECT value FROM logs WHERE scope = ? AND kind = ? ORDER BY seq", (scope, kind)
            ).fetchall()
        return [decode(value) for (value,) in rows]

    def clear_log(self, scope: str, kind: str) -> None:
        with self._statement() as db:
            db.execute("DELETE FROM logs WHERE scope = ? AND kind = ?", (scope, kind))

    # scopes

    def drop_scope(self, scope: str, *, keep: tuple[str, ...] = ()) -> None:
        marks = ",".join("?" * len(keep))
        spared = f" AND kind NOT IN ({marks})" if keep else ""
        with self._write() as db:
            for table in ("records", "logs"):
                db.execute(f"DELETE FROM {table} WHERE scope = ?{spared}", (scope, *keep))
            db.execute(
                "DELETE FROM scopes WHERE scope = ?"
                " AND NOT EXISTS (SELECT 1 FROM records WHERE scope = ?)",
                (scope, scope),
            )

    def scopes(self) -> list[str]:
        db = self.db
        with self._lock:
            rows = db.execute(
                "SELECT scope FROM scopes AS s WHERE scope != ?"
                " AND EXISTS (SELECT 1 FROM records AS r WHERE r.scope = s.scope) ORDER BY seq",
                (GLOBAL,),
            ).fetchall()
        return [scope for (scope,) in rows]


class _Checkpointer:
    """Checkpoints a store's file every :data:`CHECKPOINT_COMMITS` commits of this process,
    on a connection of its own and after the write has let the store's lock go: the
    checkpoint's ``fsync`` then delays only the request that happens to run it (the GIL is
    free meanwhile), never the store's other users, and no thread is needed (a thread
    holding SQLite's locks would make every ``fork`` of a granian parent a hazard)."""

    def __init__(self, path: Path, every: int) -> None:
        self.path = path
        self.every = every
        self._commits = 0
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def after_commit(self) -> None:
        self._commits += 1  # a lost increment under a race only delays one checkpoint
        if self._commits < self.every or not self._lock.acquire(blocking=False):
            return
        try:
            self._commits = 0
            if self._db is None:
                self._db = sqlite3.connect(
                    self.path, timeout=0.1, isolation_level=None, check_same_thread=False
                )
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:  # busy: the next round
            pass
        finally:
            self._lock.release()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
