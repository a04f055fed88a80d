"""Deferring argument errors to draw time, with a repr like the call that made the strategy
(as Hypothesis' own strategies do)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from pytest_interactor.strategies._internal.registry import DEFAULT_OWNER

T = TypeVar("T")


def _lazily(
    function_name: str, build: Callable[[], SearchStrategy[T]], *args: object, **kwargs: object
) -> SearchStrategy[T]:
    """A strategy that calls ``build`` at its first draw (so InvalidArgument surfaces there)
    and draws from the result; its repr is ``function_name(*args, **kwargs)``."""
    built: list[SearchStrategy[T]] = []

    def definition(draw: st.DrawFn, /, *_args: object, **_kwargs: object) -> T:
        if not built:
            built.append(build())
        return draw(built[0])

    definition.__name__ = definition.__qualname__ = function_name
    strategy: SearchStrategy[T] = st.composite(definition)(*args, **kwargs)
    return strategy


def _non_default(**kwargs: object) -> dict[str, object]:
    defaults: dict[str, object] = {"owner": DEFAULT_OWNER, "registry": None, "kinds": None}
    return {k: v for k, v in kwargs.items() if k not in defaults or v != defaults[k]}
