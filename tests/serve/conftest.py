"""``serve`` as a real process: a Redis server of the session, a database per test."""

from __future__ import annotations

import itertools

import pytest

from tests.redis_server import redis_server_or_skip

_DATABASES = itertools.count(1)


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory):
    with redis_server_or_skip(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def redis_db_url(redis_server_url):
    """A ``redis://127.0.0.1:PORT/N`` database no other test of the session uses."""
    base = redis_server_url.rsplit("/", 1)[0]
    number = next(_DATABASES)
    if number > 15:  # pragma: no cover - Debian's redis-server has 16 databases
        pytest.fail("more Redis tests than databases: give them a database pool")
    return f"{base}/{number}"
