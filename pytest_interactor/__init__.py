"""pytest-interactor: fixtures, a marker, options and Hypothesis strategies for interactor-mock."""

from __future__ import annotations

__all__: list[str] = []
