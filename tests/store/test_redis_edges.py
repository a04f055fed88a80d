"""The Redis store's edges: prefixes holding glob characters, clients that decode, passwords
in URLs, its own clients closed, the messages of a prefix it refuses, ``take`` and ``append``
as one transaction each (seen by MONITOR), a store made by another process meanwhile."""

from __future__ import annotations

import uuid

import pytest

from interactor_mock.errors import IncompatibleStore
from interactor_mock.errors import StoreError
from tests.redis_server import free_port

redis = pytest.importorskip("redis")


@pytest.fixture
def prefix():
    return f"test-{uuid.uuid4().hex}"


def test_a_prefix_with_glob_characters_is_matched_literally(redis_url, redis_client, prefix):
    from interactor_mock.store import RedisStore

    # a neighbour the unescaped pattern "<prefix>-[ab]*:*" would match
    redis_client.set(f"{prefix}-a-team:session", "theirs")
    with RedisStore(redis_url, prefix=f"{prefix}-[ab]*") as store:
        store.put("env", "kind", "key", 1)
        assert store.get("env", "kind", "key") == 1
    # and a foreign key under exactly that prefix is found
    redis_client.set(f"{prefix}-?:session", "theirs")
    with pytest.raises(IncompatibleStore, match="that interactor-mock did not write"):
        RedisStore(redis_url, prefix=f"{prefix}-?")


def test_a_client_that_decodes_its_answers_works_too(redis_url, prefix):
    from interactor_mock.store import RedisStore

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        with RedisStore(client, prefix=prefix) as store:
            store.put("env", "kind", "key", {"a": 1})
            store.append("env", "journal", "entry", limit=3)
            assert store.get("env", "kind", "key") == {"a": 1}
            assert store.items("env", "kind") == [("key", {"a": 1})]
            assert store.log("env", "journal") == ["entry"]
            assert store.scopes() == ["env"]
        with RedisStore(client, prefix=prefix) as again:  # the format read back as text
            assert again.get("env", "kind", "key") == {"a": 1}
    finally:
        client.close()


@pytest.mark.parametrize(
    ("credentials", "shown"),
    [(":only-a-password", ":***"), ("ops:p@ss@word", "ops:***")],
)
def test_a_password_is_hidden_whatever_it_holds(credentials, shown):
    from interactor_mock.store import RedisStore

    port = free_port()
    with pytest.raises(StoreError) as refused:
        RedisStore(f"redis://{credentials}@127.0.0.1:{port}/0")
    message = str(refused.value)
    assert message.startswith(f"cannot use Redis at redis://{shown}@127.0.0.1:{port}/0: ")
    assert "ss@" not in message
    assert "password" not in message


def test_a_store_closes_the_clients_it_opened(redis_url, redis_client, prefix):
    from interactor_mock.store import RedisStore

    before = len(redis_client.client_list())
    for _ in range(5):
        with RedisStore(redis_url, prefix=prefix) as store:
            store.put("env", "kind", "key", 1)
    assert len(redis_client.client_list()) == before


def test_an_empty_prefix_is_refused():
    from interactor_mock.store import RedisStore

    with pytest.raises(StoreError) as refused:
        RedisStore("redis://127.0.0.1:1/0", prefix="")
    assert str(refused.value) == "the Redis key prefix must not be empty"


def test_a_store_over_a_given_client_names_it(redis_client, prefix):
    from interactor_mock.store import RedisStore

    with RedisStore(redis_client, prefix=prefix) as store:
        assert repr(store) == f"RedisStore({repr(redis_client)!r}, prefix={prefix!r})"


def test_a_prefix_whose_meta_is_not_ours_is_refused_saying_what_it_holds(
    redis_url, redis_client, prefix
):
    from interactor_mock.store import RedisStore

    redis_client.set(f"{prefix}:meta", "a string")
    with pytest.raises(IncompatibleStore) as refused:
        RedisStore(redis_url, prefix=prefix)
    assert str(refused.value) == (
        f"Redis at {redis_url} holds, under {prefix}:, {prefix}:meta = "
        "{'(a Redis value of type)': 'string'}, not interactor-mock format version 1; use "
        "the interactor-mock that wrote it, or another prefix or database"
    )


def _commands(client, prefix, calls):
    """The commands the server runs for ``calls()`` (MONITOR's view): those naming the prefix,
    and the MULTI and EXEC around them."""
    with client.monitor() as monitor:
        calls()
        client.echo("end of the store's calls")
        seen = []
        while not (command := monitor.next_command()["command"]).startswith("ECHO"):
            seen.append(command)
    return [command for command in seen if command in ("MULTI", "EXEC") or prefix in command]


def test_a_new_stores_format_is_written_in_one_transaction(redis_client, prefix):
    from interactor_mock.store import RedisStore

    # another process opening meanwhile must never see a format without its version
    ours = _commands(redis_client, prefix, lambda: RedisStore(redis_client, prefix=prefix).close())
    meta = f"{prefix}:meta"
    writes = [command for command in ours if not command.startswith(("TYPE", "HGETALL", "SCAN"))]
    assert writes == [
        "MULTI",
        f"HSETNX {meta} format interactor-mock",
        f"HSETNX {meta} version 1",
        "EXEC",
    ]
    assert ours[-2:] == [f"TYPE {meta}", f"HGETALL {meta}"]  # then read back


def test_take_and_append_are_one_transaction_each(redis_client, prefix):
    from interactor_mock.store import RedisStore

    with RedisStore(redis_client, prefix=prefix) as store:
        store.put("env", "kind", "key", 1)

        def calls():
            assert store.take("env", "kind", "key") == 1
            store.append("env", "log", "entry", limit=2)

        ours = _commands(redis_client, prefix, calls)
    records, log = f"{prefix}:r:3:env:kind", f"{prefix}:l:3:env:log"
    assert ours == [
        "MULTI",
        f"HGET {records} key",
        f"HDEL {records} key",
        "EXEC",
        "MULTI",
        f'RPUSH {log} "entry"',
        f"LTRIM {log} -2 -1",
        f"SADD {prefix}:k:env {log}",
        "EXEC",
    ]


def test_a_store_made_by_another_process_while_this_one_looks_is_used(redis_url, prefix):
    from interactor_mock.store import RedisStore

    class RacingClient(redis.Redis):
        """A client whose first SCAN comes just after another process made the store."""

        raced = False

        def scan_iter(self, *args, **kwargs):
            if not self.raced:
                self.raced = True
                with RedisStore(redis_url, prefix=prefix) as other:
                    other.put("env", "kind", "key", "theirs")
            return super().scan_iter(*args, **kwargs)

    client = RacingClient.from_url(redis_url)
    try:
        with RedisStore(client, prefix=prefix) as store:
            assert client.raced
            assert store.get("env", "kind", "key") == "theirs"
    finally:
        client.close()


def test_a_prefix_holding_keys_of_another_tool_is_refused_naming_one(
    redis_url, redis_client, prefix
):
    from interactor_mock.store import RedisStore

    redis_client.set(f"{prefix}:session", "theirs")
    before = len(redis_client.client_list())
    with pytest.raises(IncompatibleStore) as refused:
        RedisStore(redis_url, prefix=prefix)
    assert str(refused.value) == (
        f"Redis at {redis_url} holds keys under {prefix}: that interactor-mock did not write "
        f"(e.g. '{prefix}:session'); use another prefix or database for the mock, or delete "
        "those keys"
    )
    assert len(redis_client.client_list()) == before  # the store's own client is closed
    assert redis_client.keys(f"{prefix}:*") == [f"{prefix}:session".encode()]  # untouched
