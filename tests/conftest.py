"""Shared fixtures: an app, its engine, a client, a live server, a moving clock; and the
Hypothesis profiles.

Hypothesis profiles: ``ci`` (loaded when the ``CI`` variable is set, as ``.ci/run`` has it)
bounds the examples, runs without a deadline (a loaded 2-core machine is no measure of speed),
draws the same examples on every run (``derandomize``) and skips the shrink phase, so that a
failing property is reported, unshrunk, within seconds rather than after minutes of
shrinking; ``dev`` (the default) draws at random and shrinks. ``HYPOTHESIS_PROFILE=ci`` (or
``dev``) chooses one explicitly. Tests that set ``max_examples`` themselves keep it; the
other settings come from the profile.
"""

from __future__ import annotations

import os
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from hypothesis import Phase
from hypothesis import settings

from interactor_mock.config import MockConfig
from interactor_mock.core.engine import Engine
from interactor_mock.embed.server import MockServer
from interactor_mock.http.app import create_app

# Both from Hypothesis' own "default" profile: with CI set, Hypothesis loads a "ci" profile of
# its own first, which must not leak into ours.
settings.register_profile(
    "ci",
    parent=settings.get_profile("default"),
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target),
    report_multiple_bugs=False,
    print_blob=True,
)
settings.register_profile("dev", parent=settings.get_profile("default"), deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


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
