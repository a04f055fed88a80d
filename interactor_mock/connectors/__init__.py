"""Coded behaviours: what declared resources cannot express, one small module per connector.

Each module has ``register(connectors)``: when the registry holds its connector with the
collections it needs (:meth:`Connectors.declares`), it registers behaviours for actions
(:meth:`Connectors.behaviour`) and factories for seeded items (:meth:`Connectors.factory`).
Behaviours get what they use from the :class:`Connectors` they were registered on (the
resources service and the clock), never the engine. :func:`load_behaviours` runs every module
and returns the behaviours for the executor.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from interactor_mock.contracts import ContractRegistry
from interactor_mock.core.calls import Behaviour
from interactor_mock.core.generate import Generator
from interactor_mock.core.resources import Factory
from interactor_mock.core.resources import Resources

__all__ = ["MODULES", "Connectors", "load_behaviours"]

MODULES = ("gmail", "gmail_v1", "calendar", "drive", "slack")


@dataclass
class Connectors:
    """What a connector module registers on, and what its behaviours may use."""

    registry: ContractRegistry
    resources: Resources
    clock: Callable[[], datetime]
    generator: Generator
    behaviours: dict[tuple[str, str, str], Behaviour] = field(default_factory=dict)

    def declares(self, owner: str, connector: str, *collections: str) -> bool:
        """Whether the registry holds the connector and it declares these collections (a
        contracts directory of the user's own may hold neither)."""
        if (owner, connector) not in self.registry:
            return False
        declared = self.resources.catalog.collections
        return all((owner, connector, name) in declared for name in collections)

    def behaviour(self, owner: str, connector: str, action: str, behaviour: Behaviour) -> None:
        """Answer ``owner/connector:action`` with ``behaviour``."""
        self.behaviours[(owner, connector, action)] = behaviour

    def factory(self, owner: str, connector: str, collection: str, factory: Factory) -> None:
        """Build seeded items of a collection with ``factory``."""
        self.resources.register_factory(owner, connector, collection, factory)


def load_behaviours(connectors: Connectors) -> dict[tuple[str, str, str], Behaviour]:
    """Run every connector module's ``register``; the behaviours they registered."""
    for name in MODULES:
        importlib.import_module(f"interactor_mock.connectors.{name}").register(connectors)
    return connectors.behaviours
