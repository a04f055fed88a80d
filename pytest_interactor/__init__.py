"""pytest-interactor: fixtures, a marker, options and Hypothesis strategies for interactor-mock.

The plugin (:mod:`pytest_interactor.plugin`) is registered through the ``pytest11`` entry
point; the strategies live in :mod:`pytest_interactor.strategies`. They are not imported
here on purpose: this package is imported on every pytest start, and importing Hypothesis
costs about a second.
"""

from __future__ import annotations

from interactor_mock.embed.handle import InteractorMock

__all__ = ["InteractorMock"]
