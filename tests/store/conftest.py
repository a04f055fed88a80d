"""The stores under test: each test of the conformance suite runs against every one."""

from __future__ import annotations

import uuid

import pytest

from interactor_mock.store import MemoryStore
from interactor_mock.store import SqliteStore
from tests.redis_server import redis_server_or_skip

#: Every store; the ones that keep JSON are all but the plain memory store.
STORES = ["memory", "memory-json", "sqlite", "redis"]
JSON_STORES = ["memory-json", "sqlite", "redis"]
SHARED_STORES = ["sqlite", "redis"]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    with redis_server_or_skip(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_client(request):
    import redis

    url = request.getfixturevalue("redis_url")
    client = redis.Redis.from_url(url)
    yield client
    client.close()


@pytest.fixture
def store_spec(request, tmp_path):
    """A shared store's name as the worker processes open it (see ``workers.open_store``)."""
    name = request.param
    if name == "sqlite":
        return ("sqlite", str(tmp_path / "state.db"))
    return ("redis", request.getfixturevalue("redis_url"), f"test-{uuid.uuid4().hex}")


def make_store(name, request, tmp_path):
    if name == "memory":
        return MemoryStore()
    if name == "memory-json":
        return MemoryStore(json_roundtrip=True)
    if name == "sqlite":
        store = SqliteStore(tmp_path / "state.db")
    else:
        from interactor_mock.store import RedisStore

        url = request.getfixturevalue("redis_url")
        store = RedisStore(url, prefix=f"test-{uuid.uuid4().hex}")
    request.addfinalizer(store.close)
    return store


@pytest.fixture(params=STORES)
def store(request, tmp_path):
    return make_store(request.param, request, tmp_path)


@pytest.fixture(params=JSON_STORES)
def json_store(request, tmp_path):
    return make_store(request.param, request, tmp_path)
