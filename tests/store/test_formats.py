"""Each persistent store marks what it writes, refuses what it did not write, and keeps what
it acknowledged."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import uuid

import pytest

from interactor_mock.errors import IncompatibleStore
from interactor_mock.errors import InteractorMockError
from interactor_mock.errors import StoreError
from interactor_mock.store import SqliteStore
from interactor_mock.store.sqlite import APPLICATION_ID
from tests.redis_server import free_port

# --- SQLite ----------------------------------------------------------------------------------


def test_a_sqlite_file_keeps_its_state_across_opens_and_says_it_is_ours(tmp_path):
    path = tmp_path / "state.db"
    with SqliteStore(path) as store:
        store.put("env", "kind", "key", {"kept": True})
        store.append("env", "journal", "entry", limit=5)
    with SqliteStore(path) as again:
        assert again.get("env", "kind", "key") == {"kept": True}
        assert again.log("env", "journal") == ["entry"]
        assert again.db.execute("PRAGMA busy_timeout").fetchone() == (10_000,)
        assert again.db.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    with SqliteStore(path, timeout=2.5, fsync=True) as durable:
        assert durable.db.execute("PRAGMA busy_timeout").fetchone() == (2_500,)
        assert durable.db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert dict(db.execute("SELECT name, value FROM meta")) == {
            "format": "interactor-mock",
            "version": "1",
        }
    finally:
        db.close()


def test_another_applications_sqlite_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "theirs.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE users (name TEXT)")
    db.execute("INSERT INTO users VALUES ('ada')")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(IncompatibleStore) as refused:
        SqliteStore(path)
    message = str(refused.value)
    assert "is a SQLite database of another application" in message
    assert "tables: users" in message
    assert "point the mock at a new file" in message
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("these are not the droids\n" * 100)
    with pytest.raises(IncompatibleStore, match="is not an interactor-mock state file"):
        SqliteStore(path)
    assert path.read_text() == "these are not the droids\n" * 100


def test_a_state_file_of_another_format_version_is_refused(tmp_path):
    path = tmp_path / "state.db"
    SqliteStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE name = 'version'")
    db.commit()
    db.close()
    with pytest.raises(IncompatibleStore) as refused:
        SqliteStore(path)
    assert "holds interactor-mock state of format version 99" in str(refused.value)
    assert "this version reads format 1" in str(refused.value)


def test_a_state_file_in_a_missing_directory_is_a_clear_store_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open the state file") as refused:
        SqliteStore(tmp_path / "no" / "such" / "dir" / "state.db")
    assert isinstance(refused.value, InteractorMockError)


WRITER = textwrap.dedent(
    """
    import sys
    from interactor_mock.store import SqliteStore

    store = SqliteStore(sys.argv[1])
    for n in range(1_000_000):
        store.put("env", "draft", f"d{n}", {"n": n})
        store.append("env", "journal", n, limit=50)
        print(n, flush=True)
    """
)


def test_every_acknowledged_sqlite_write_survives_kill_9(tmp_path):
    path = tmp_path / "state.db"
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    acknowledged = -1
    try:
        assert child.stdout is not None
        for line in child.stdout:
            acknowledged = int(line)
            if acknowledged >= 300:
                break
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    with SqliteStore(path) as store:
        drafts = dict(store.items("env", "draft"))
        for n in range(acknowledged + 1):
            assert drafts[f"d{n}"] == {"n": n}
        log = store.log("env", "journal")
        assert len(log) == 50
        assert log == list(range(log[0], log[0] + 50))
        assert log[-1] >= acknowledged
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()


def test_importing_the_stores_does_not_import_redis():
    code = (
        "import sys, interactor_mock, interactor_mock.store\n"
        "from interactor_mock.store import GLOBAL, MemoryStore, SqliteStore, Store\n"
        "print('redis' in sys.modules)\n"
        "from interactor_mock.store import RedisStore\n"
        "print('redis' in sys.modules, RedisStore.__module__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == ["False", "True interactor_mock.store.redis"]


# --- Redis -----------------------------------------------------------------------------------


@pytest.fixture
def prefix():
    return f"test-{uuid.uuid4().hex}"


def test_a_redis_store_writes_only_under_its_prefix(redis_url, redis_client, prefix):
    from interactor_mock.store import RedisStore

    redis_client.set("other-tool:key", "theirs")
    redis_client.set(f"{prefix}-suffix", "a neighbour whose name starts like ours")
    with RedisStore(redis_url, prefix=prefix) as store:
        store.put("env", "kind", "key", 1)
        store.append("env", "journal", 1, limit=5)
        store.update("env", "seq", "n", lambda old: 1)
        store.put("", "index", "k", "env")
        ours = sorted(k.decode() for k in redis_client.scan_iter(match=f"{prefix}:*"))
        store.drop_scope("env")
        store.drop_scope("")
    assert f"{prefix}:meta" in ours
    assert len(ours) >= 5
    assert redis_client.get("other-tool:key") == b"theirs"
    assert redis_client.get(f"{prefix}-suffix") == b"a neighbour whose name starts like ours"
    assert redis_client.hgetall(f"{prefix}:meta") == {
        b"format": b"interactor-mock",
        b"version": b"1",
    }
    left = sorted(k.decode() for k in redis_client.scan_iter(match=f"{prefix}:*"))
    assert left == [f"{prefix}:meta", f"{prefix}:seq"]


def test_a_redis_store_keeps_its_state_across_clients(redis_url, prefix):
    from interactor_mock.store import RedisStore

    with RedisStore(redis_url, prefix=prefix) as store:
        store.put("env", "kind", "key", {"kept": True})
    with RedisStore(redis_url, prefix=prefix) as again:
        assert again.get("env", "kind", "key") == {"kept": True}
        assert again.scopes() == ["env"]


def test_a_redis_prefix_holding_another_tools_keys_is_refused(redis_url, redis_client, prefix):
    from interactor_mock.store import RedisStore

    redis_client.set(f"{prefix}:session:42", "theirs")
    with pytest.raises(IncompatibleStore) as refused:
        RedisStore(redis_url, prefix=prefix)
    message = str(refused.value)
    assert f"holds keys under {prefix}: that interactor-mock did not write" in message
    assert f"{prefix}:session:42" in message
    assert "use another prefix or database" in message
    assert redis_client.get(f"{prefix}:session:42") == b"theirs"
    assert not redis_client.exists(f"{prefix}:meta")


def test_a_redis_prefix_of_another_format_version_is_refused(redis_url, redis_client, prefix):
    from interactor_mock.store import RedisStore

    redis_client.hset(f"{prefix}:meta", mapping={"format": "interactor-mock", "version": "7"})
    with pytest.raises(IncompatibleStore) as refused:
        RedisStore(redis_url, prefix=prefix)
    assert "'version': '7'" in str(refused.value)
    assert "not interactor-mock format version 1" in str(refused.value)


def test_a_redis_that_cannot_be_reached_is_a_clear_store_error():
    pytest.importorskip("redis")
    from interactor_mock.store import RedisStore

    url = f"redis://127.0.0.1:{free_port()}/0"
    with pytest.raises(StoreError, match=f"cannot use Redis at {url}"):
        RedisStore(url)


def test_a_redis_password_never_appears_in_a_message(redis_url):
    from interactor_mock.store import RedisStore

    url = f"redis://reader:s3cret-pass@127.0.0.1:{free_port()}/2"
    with pytest.raises(StoreError) as refused:
        RedisStore(url)
    assert "s3cret" not in str(refused.value)
    assert f"redis://reader:***@127.0.0.1:{url.rsplit(':', 1)[1]}" in str(refused.value)
    with RedisStore(redis_url, prefix="repr-test") as store:
        assert repr(store) == f"RedisStore({redis_url!r}, prefix='repr-test')"


def test_a_redis_store_uses_a_client_it_is_given_and_leaves_it_open(redis_client, prefix):
    from interactor_mock.store import RedisStore

    store = RedisStore(redis_client, prefix=prefix)
    store.put("env", "kind", "key", "value")
    store.close()
    assert redis_client.ping() is True
    assert redis_client.hget(f"{prefix}:r:3:env:kind", "key") == b'"value"'
