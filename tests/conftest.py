"""Shared fixtures: an app, its engine, a client, a live server, a moving clock."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from interactor_mock.config import MockConfig
from interactor_mock.core.engine import Engine
from interactor_mock.embed.server import MockServer
from interactor_mock.http.app import create_app


class Clock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def _state_home(tmp_path_factory, monkeypatch):
    """``serve``'s default state file goes to a directory of this test, never the user's
    ``~/.local/state`` (subprocesses inherit the variable), and no test sees another's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state-home")))


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def engine(clock):
    return Engine(MockConfig(), clock=clock)


@pytest.fixture
def app(engine):
    return create_app(engine=engine)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def dev(engine):
    """The Development environment of a fresh engine."""
    return engine.default_environment


@pytest.fixture
def headers(dev):
    return {"x-api-key": dev.api_key}


@pytest.fixture
def live(app):
    """The same app on a real socket, 127.0.0.1 and a free port."""
    with MockServer(app=app) as server:
        yield server
