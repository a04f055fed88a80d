"""The Hypothesis profiles of ``tests/conftest.py``: CI's is bounded, stable and quick to fail."""

from __future__ import annotations

import os

from hypothesis import Phase
from hypothesis import settings


def test_the_ci_profile_is_bounded_derandomized_and_does_not_shrink():
    ci = settings.get_profile("ci")
    assert ci.max_examples == 30
    assert ci.deadline is None
    assert ci.derandomize is True
    assert ci.database is None
    assert Phase.shrink not in ci.phases
    assert Phase.generate in ci.phases
    assert ci.report_multiple_bugs is False


def test_the_dev_profile_shrinks_at_random():
    dev = settings.get_profile("dev")
    assert dev.derandomize is False
    assert Phase.shrink in dev.phases
    assert dev.deadline is None


def test_the_loaded_profile_follows_the_environment():
    chosen = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
    assert settings.default == settings.get_profile(chosen)
