"""Coded behaviours: what declared resources cannot express, one small module per connector.

Each module has ``register(engine)``, which registers action behaviours on the engine's
executor and seed factories on its resources. :func:`load_behaviours` calls them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interactor_mock.core.engine import Engine

__all__ = ["load_behaviours"]

MODULES = ("gmail", "calendar", "drive", "slack")


def load_behaviours(engine: Engine) -> None:
    """Register every connector module's behaviours whose connector the registry holds."""
    import importlib

    for name in MODULES:
        module = importlib.import_module(f"interactor_mock.connectors.{name}")
        module.register(engine)
