"""pytest-interactor: fixtures, a marker, options and Hypothesis strategies for interactor-mock.

The plugin (:mod:`pytest_interactor.plugin`) is registered through the ``pytest11`` entry
point, so this package is imported on every pytest start: it imports nothing of the mock's.
:data:`InteractorMock` is looked up on first use; the strategies live in
:mod:`pytest_interactor.strategies` (importing Hypothesis costs about a second).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interactor_mock import InteractorMock

__all__ = ["InteractorMock"]


def __getattr__(name: str) -> object:
    if name == "InteractorMock":
        from interactor_mock import InteractorMock

        return InteractorMock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
