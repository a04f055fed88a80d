"""Batches (``Store.batch``): a request's writes committed together, never rolled back.

Every store takes the block; only the SQLite store groups anything (one transaction for the
writes inside), so the tests of what a batch holds back read the file through a second
connection. The multi-process test checks that batched updates stay atomic across workers.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest

from interactor_mock.store import SqliteStore
from tests.store import workers
from tests.store.conftest import SHARED_STORES
from tests.store.test_conformance import spawn  # noqa: F401 - the process pool fixture


def test_reads_inside_a_batch_see_its_writes(store):
    with store.batch():
        store.put("env", "draft", "d1", {"subject": "one"})
        assert store.get("env", "draft", "d1") == {"subject": "one"}
        assert store.update("env", "meta", "m", lambda old: (old or 0) + 1) == 1
        store.append("env", "journal", {"n": 1}, limit=10)
        assert store.log("env", "journal") == [{"n": 1}]
        assert store.take("env", "draft", "d1") == {"subject": "one"}
        assert store.get("env", "draft", "d1") is None
    assert store.get("env", "meta", "m") == 1
    assert store.log("env", "journal") == [{"n": 1}]


def _write_then_fail(store):
    with store.batch():
        store.put("env", "draft", "d1", {"subject": "kept"})
        store.append("env", "journal", {"n": 1}, limit=10)
        raise RuntimeError("the request failed after writing")


def test_a_failure_inside_a_batch_keeps_the_writes_made_before_it(store):
    with pytest.raises(RuntimeError):
        _write_then_fail(store)
    assert store.get("env", "draft", "d1") == {"subject": "kept"}
    assert store.log("env", "journal") == [{"n": 1}]
    store.put("env", "draft", "d2", {"subject": "after"})  # the store is usable
    assert store.get("env", "draft", "d2") == {"subject": "after"}


def test_batches_nest_and_the_store_works_after_them(store):
    with store.batch():
        store.put("env", "k", "a", 1)
        with store.batch():
            store.put("env", "k", "b", 2)
        store.put("env", "k", "c", 3)
    store.flush()  # nothing held: a no-op
    assert sorted(store.items("env", "k")) == [("a", 1), ("b", 2), ("c", 3)]


def _other_connection_sees(path, key):
    with sqlite3.connect(path) as db:
        row = db.execute(
            "SELECT value FROM records WHERE scope = 'env' AND kind = 'k' AND key = ?", (key,)
        ).fetchone()
    return row is not None


def test_a_sqlite_batch_commits_its_writes_together_when_it_ends(tmp_path):
    path = tmp_path / "state.db"
    store = SqliteStore(path)
    try:
        store.put("env", "k", "before", 0)
        assert _other_connection_sees(path, "before")  # outside a batch: at once
        with store.batch():
            store.put("env", "k", "a", 1)
            store.update("env", "k", "b", lambda old: 2)
            assert not _other_connection_sees(path, "a")  # held back: one commit for all
            assert not _other_connection_sees(path, "b")
        assert _other_connection_sees(path, "a")
        assert _other_connection_sees(path, "b")
    finally:
        store.close()


def test_flush_commits_a_sqlite_batch_now_and_a_later_write_starts_another(tmp_path):
    path = tmp_path / "state.db"
    store = SqliteStore(path)
    try:
        with store.batch():
            store.put("env", "k", "a", 1)
            store.flush()
            assert _other_connection_sees(path, "a")
            store.put("env", "k", "b", 2)
            assert not _other_connection_sees(path, "b")
        assert _other_connection_sees(path, "b")
    finally:
        store.close()


def test_a_read_only_sqlite_batch_does_not_keep_other_threads_waiting(tmp_path):
    store = SqliteStore(tmp_path / "state.db")
    try:
        store.put("env", "k", "a", 1)
        other_wrote = threading.Event()

        def write():
            store.put("env", "k", "b", 2)
            other_wrote.set()

        with store.batch():
            assert store.get("env", "k", "a") == 1  # reads take no lock
            thread = threading.Thread(target=write)
            thread.start()
            assert other_wrote.wait(30), "a thread's write waited on another's read-only batch"
        thread.join()
    finally:
        store.close()


def test_another_thread_waits_for_a_sqlite_batch_that_wrote_then_goes_on(tmp_path):
    store = SqliteStore(tmp_path / "state.db")
    try:
        other_wrote = threading.Event()

        def write():
            store.update("env", "k", "n", lambda old: (old or 0) + 10)
            other_wrote.set()

        with store.batch():
            store.update("env", "k", "n", lambda old: (old or 0) + 1)
            thread = threading.Thread(target=write)
            thread.start()
            assert not other_wrote.wait(0.2)  # it waits for the batch's transaction
        thread.join(30)
        assert other_wrote.is_set()
        assert store.get("env", "k", "n") == 11
    finally:
        store.close()


@pytest.mark.parametrize("store_spec", SHARED_STORES, indirect=True)
def test_batched_updates_from_four_processes_all_count(store_spec, spawn):  # noqa: F811
    store = workers.open_store(store_spec)
    try:
        counts = spawn.starmap(workers.increment_in_batches, [(store_spec, 40, 3)] * 4)
        assert counts == [120] * 4
        assert store.get("env", "counter", "n") == 480
        assert sorted(e["batch"] for e in store.log("env", "journal")) == sorted(
            list(range(40)) * 4
        )
    finally:
        store.close()


def _records_in_the_main_file(tmp_path, path):
    shutil.copy(path, tmp_path / "copy.db")  # the file alone, without its WAL
    with sqlite3.connect(tmp_path / "copy.db") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        if "records" not in tables:
            return 0
        return db.execute("SELECT count(*) FROM records").fetchone()[0]


def test_the_store_checkpoints_every_so_many_commits_itself(tmp_path):
    # SQLite's automatic checkpoint is off; the store copies the WAL into the file every
    # ``checkpoint_every`` commits of its own, so the file alone holds what was written.
    path = tmp_path / "state.db"
    store = SqliteStore(path, checkpoint_every=10)
    try:
        for index in range(9):
            store.put("env", "k", f"r{index}", {"n": index})
        assert _records_in_the_main_file(tmp_path, path) == 0  # all still in the WAL
        store.put("env", "k", "r9", {"n": 9})  # the 10th commit
        assert _records_in_the_main_file(tmp_path, path) == 10
        with store.batch():  # a batch is one commit
            for index in range(10, 19):
                store.put("env", "k", f"r{index}", {"n": index})
        for index in range(19, 28):
            store.put("env", "k", f"r{index}", {"n": index})
        assert _records_in_the_main_file(tmp_path, path) == 28  # the 20th commit: all
    finally:
        store.close()


def test_a_sqlite_store_leaves_no_append_view_in_the_file(tmp_path):
    path = tmp_path / "state.db"
    store = SqliteStore(path)
    store.append("env", "journal", {"n": 1}, limit=5)
    store.close()
    with sqlite3.connect(path) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "log_append" not in names
    assert {"records", "logs", "scopes", "meta"} <= names


def test_sqlite_writers_queue_on_the_lock_file_and_go_on_when_it_is_free(tmp_path):
    import fcntl
    import os
    import stat

    path = tmp_path / "state.db"
    store = SqliteStore(path)
    lock_file = tmp_path / "state.db-lock"
    assert stat.S_IMODE(lock_file.stat().st_mode) == 0o600
    held = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process's writer, in the middle of a write
        wrote = threading.Event()

        def write():
            store.put("env", "k", "a", 1)
            wrote.set()

        thread = threading.Thread(target=write)
        thread.start()
        assert not wrote.wait(0.3)  # queued behind the holder
        assert not _other_connection_sees(path, "a")
        fcntl.flock(held, fcntl.LOCK_UN)
        thread.join(30)
        assert wrote.is_set()
        assert store.get("env", "k", "a") == 1
    finally:
        os.close(held)
        store.close()
