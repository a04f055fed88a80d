"""The SQLite store's edges: a file another program holds or damaged, files of other
applications described exactly, what a checkpoint leaves in the file, closing."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from interactor_mock.errors import IncompatibleStore
from interactor_mock.errors import StoreError
from interactor_mock.store import SqliteStore
from interactor_mock.store.sqlite import APPLICATION_ID


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
