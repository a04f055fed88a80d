"""The SQLite store's edges: a file another program holds or damaged, files of other
applications described exactly, opening's retries (on a fake clock), what a checkpoint leaves
in the file, failed schema creations and commits rolled back, the lock file, closing."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from interactor_mock.errors import IncompatibleStore
from interactor_mock.errors import StoreError
from interactor_mock.store import SqliteStore
from interactor_mock.store import sqlite as sqlite_module
from interactor_mock.store.sqlite import APPLICATION_ID
from interactor_mock.store.sqlite import _Locked


def test_a_file_another_program_holds_is_a_store_error_saying_so(tmp_path):
    path = tmp_path / "state.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as refused:
            SqliteStore(path, timeout=0.2)
        assert str(refused.value) == (
            f"cannot use the state file {path}: database is locked "
            "(for 0.2 s; another process holds it)"
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with SqliteStore(path, timeout=0.2) as store:  # free again: it opens
        store.put("env", "kind", "key", 1)
        assert store.get("env", "kind", "key") == 1


def test_a_state_file_that_cannot_be_used_names_the_file_and_the_reason(tmp_path):
    path = tmp_path / "state.db"
    (tmp_path / "state.db-wal").mkdir()  # where SQLite must write its log
    with pytest.raises(StoreError) as refused:
        SqliteStore(path)
    assert str(refused.value) == f"cannot use the state file {path}: disk I/O error"


def test_a_file_that_is_not_a_database_is_refused_saying_what_to_do(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("these are not the droids\n" * 100)
    with pytest.raises(IncompatibleStore) as refused:
        SqliteStore(path)
    assert str(refused.value).endswith("; point the mock at a new file, or move this one away")


def test_a_database_marked_as_ours_without_our_tables_is_refused(tmp_path):
    path = tmp_path / "marked.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.commit()
    db.close()
    with pytest.raises(IncompatibleStore) as refused:
        SqliteStore(path)
    assert str(refused.value) == (
        f"{path} is a SQLite database of another application (application id "
        f"{APPLICATION_ID:#x}, tables: none); point the mock at a new file instead"
    )


def test_another_applications_tables_are_listed_in_order(tmp_path):
    path = tmp_path / "theirs.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE users (name TEXT)")
    db.execute("CREATE TABLE posts (title TEXT)")
    db.commit()
    db.close()
    with pytest.raises(IncompatibleStore, match=r"\(application id 0x0, tables: posts, users\)"):
        SqliteStore(path)


@pytest.mark.parametrize(("version", "shown"), [("99", "99"), (None, "unknown")])
def test_a_state_file_of_another_or_no_version_is_refused_saying_which(tmp_path, version, shown):
    path = tmp_path / "state.db"
    SqliteStore(path).close()
    db = sqlite3.connect(path)
    if version is None:
        db.execute("DELETE FROM meta WHERE name = 'version'")
    else:
        db.execute("UPDATE meta SET value = ? WHERE name = 'version'", (version,))
    db.commit()
    db.close()
    with pytest.raises(IncompatibleStore) as refused:
        SqliteStore(path)
    assert str(refused.value) == (
        f"{path} holds interactor-mock state of format version {shown}; this version reads "
        "format 1. Use the interactor-mock that wrote it, or start a new file (the old one "
        "is left as it is)"
    )


def test_a_checkpoint_copies_the_writes_into_the_file_itself(tmp_path):
    path = tmp_path / "state.db"
    with SqliteStore(path, checkpoint_every=10**9) as store:
        store.put("env", "kind", "key", {"kept": True})
        store.checkpoint()
        alone = tmp_path / "copy.db"
        shutil.copyfile(path, alone)  # the file without its WAL
        db = sqlite3.connect(alone)
        try:
            assert db.execute("SELECT value FROM records").fetchall() == [('{"kept":true}',)]
        finally:
            db.close()


def test_dropping_a_scope_keeps_every_kind_it_is_told_to(tmp_path):
    with SqliteStore(tmp_path / "state.db") as store:
        for kind in ("keys", "grants", "drafts"):
            store.put("env", kind, "k", kind)
        store.drop_scope("env", keep=("keys", "grants"))
        assert [store.get("env", kind, "k") for kind in ("keys", "grants", "drafts")] == [
            "keys",
            "grants",
            None,
        ]


def test_closing_a_store_twice_is_harmless_and_leaks_no_file(tmp_path):
    path = tmp_path / "state.db"
    store = SqliteStore(path, checkpoint_every=1)
    assert repr(store) == f"SqliteStore({str(path)!r})"
    store.put("env", "kind", "key", 1)  # a checkpoint opens its connection
    store.close()
    store.close()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(20):
        opened = SqliteStore(path, checkpoint_every=1)
        opened.put("env", "kind", "key", 2)
        opened.close()
    assert len(os.listdir("/proc/self/fd")) == before


class _Clock:
    """A clock that moves only when the code under test sleeps, recording each pause."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = _Clock()
    monkeypatch.setattr(sqlite_module, "time", fake)
    return fake


def _locked_for(monkeypatch, attempts: int | None) -> list[int]:
    """Make opening find the file locked the first ``attempts`` times (None: always)."""
    calls: list[int] = []
    real = SqliteStore._open_once

    def open_once(self):
        calls.append(1)
        if attempts is None or len(calls) <= attempts:
            raise _Locked("database is locked")
        return real(self)

    monkeypatch.setattr(SqliteStore, "_open_once", open_once)
    return calls


def test_opening_a_locked_file_retries_with_doubling_pauses_up_to_a_tenth(
    tmp_path, monkeypatch, clock
):
    calls = _locked_for(monkeypatch, None)
    path = tmp_path / "state.db"
    with pytest.raises(StoreError) as refused:
        SqliteStore(path, timeout=1.0)
    # 0.155 s of doubling pauses, then 0.1 s ones while the next one ends by the deadline
    assert clock.pauses == [0.005, 0.01, 0.02, 0.04, 0.08] + [0.1] * 8
    assert len(calls) == 14  # one attempt after each pause, and the first
    assert str(refused.value) == (
        f"cannot use the state file {path}: database is locked (for 1 s; another process holds it)"
    )
    assert not path.exists()


def test_opening_takes_a_last_pause_that_ends_exactly_at_the_deadline(tmp_path, monkeypatch, clock):
    _locked_for(monkeypatch, None)
    timeout = 0.0 + 0.005 + 0.01 + 0.02  # the clock's own sums: the third pause ends on it
    with pytest.raises(StoreError, match=r"\(for 0\.035 s; another process holds it\)$"):
        SqliteStore(tmp_path / "state.db", timeout=timeout)
    assert clock.pauses == [0.005, 0.01, 0.02]


def test_a_file_freed_after_a_few_retries_opens(tmp_path, monkeypatch, clock):
    calls = _locked_for(monkeypatch, 3)
    with SqliteStore(tmp_path / "state.db", timeout=1.0) as store:
        assert clock.pauses == [0.005, 0.01, 0.02]
        assert len(calls) == 4
        store.put("env", "kind", "key", 1)
        assert store.get("env", "kind", "key") == 1


def test_a_failing_schema_creation_is_rolled_back_and_named(tmp_path, monkeypatch):
    path = tmp_path / "state.db"
    real_connect = sqlite3.connect

    def small_connect(*args, **kwargs):
        db = real_connect(*args, **kwargs)
        db.execute("PRAGMA max_page_count = 2")  # the tables do not fit: a full disk
        return db

    monkeypatch.setattr(sqlite3, "connect", small_connect)
    with pytest.raises(StoreError) as refused:
        SqliteStore(path)
    assert str(refused.value) == f"cannot use the state file {path}: database or disk is full"
    monkeypatch.undo()
    with SqliteStore(path) as store:  # nothing half-made stays: the file is made now
        store.put("env", "kind", "key", 1)
        assert store.get("env", "kind", "key") == 1


def test_a_batch_whose_commit_fails_is_rolled_back_and_the_next_one_works(tmp_path):
    with SqliteStore(tmp_path / "state.db") as store:
        db = store.db
        # a deferred constraint of this connection's own, checked at COMMIT
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("CREATE TEMP TABLE parent (id INTEGER PRIMARY KEY)")
        db.execute(
            "CREATE TEMP TABLE child (parent INTEGER"
            " REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
        )

        def a_batch_breaking_the_constraint():
            with store.batch():
                store.put("env", "kind", "lost", 1)
                db.execute("INSERT INTO child VALUES (7)")

        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
            a_batch_breaking_the_constraint()
        assert not db.in_transaction
        assert store.get("env", "kind", "lost") is None
        assert db.execute("SELECT count(*) FROM child").fetchone() == (0,)
        with store.batch():
            store.put("env", "kind", "kept", 2)
        assert store.get("env", "kind", "kept") == 2
        assert store.items("env", "kind") == [("kept", 2)]


def test_a_lock_file_that_cannot_be_opened_leaves_sqlites_own_locking(tmp_path):
    path = tmp_path / "state.db"
    (tmp_path / "state.db-lock").mkdir()  # os.open of a directory for writing fails
    with SqliteStore(path) as store:
        assert store._queue.fd is None
        store.put("env", "kind", "key", 1)
        with store.batch():
            store.update("env", "kind", "key", lambda old: old + 1)
        store.append("env", "log", "entry", limit=2)
        assert store.get("env", "kind", "key") == 2
        assert store.log("env", "log") == ["entry"]


def test_closing_closes_the_lock_files_descriptor_once(tmp_path):
    store = SqliteStore(tmp_path / "state.db")
    fd = store._queue.fd
    assert fd is not None
    os.fstat(fd)  # open
    store.close()
    with pytest.raises(OSError, match="Bad file descriptor"):
        os.fstat(fd)
    assert store._queue.fd is None
    store.close()  # twice: nothing more to close
    assert store._queue.fd is None
