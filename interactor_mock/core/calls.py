"""One action call and its outcome: the leaf every service and behaviour shares.

An :class:`ActionCall` carries what a behaviour needs to answer (the environment, the action,
the account, the input) and nothing else: services that answer it receive their own
dependencies, so a call never reaches back into the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from interactor_mock.contracts import Action
from interactor_mock.contracts import canonical_input
from interactor_mock.core.environments import Environment
from interactor_mock.core.generate import seed_for

__all__ = ["ActionCall", "Behaviour", "Outcome", "ProviderAnswer"]


@dataclass
class ActionCall:
    """Everything a behaviour needs to answer one call.

    ``canonical`` (the input's canonical text) and ``seed`` (the generation seed) are
    computed on first use: many answers (coded behaviours, resources) need neither.
    """

    environment: Environment
    action: Action
    account: str
    input: dict[str, Any]

    @cached_property
    def canonical(self) -> str:
        return canonical_input(self.input)

    @cached_property
    def seed(self) -> int:
        action = self.action
        return seed_for(
            self.environment.seed, action.owner, action.connector, action.name, self.canonical
        )


#: A coded behaviour: answers a call with the action's output.
Behaviour = Callable[[ActionCall], Any]


@dataclass(frozen=True)
class Outcome:
    """What an execute answered, and where the answer came from (for the journal).

    ``source`` is ``generated``, ``example:<name>``, ``resource:<collection>.<operation>``,
    ``behaviour`` (each possibly with ``:provider-error``) or ``scenario:<label>``;
    ``scenario`` names the scenario rules that applied (latency included), if any.
    """

    output: Any
    source: str
    scenario: str | None = None


class ProviderAnswer(Exception):
    """Raised inside a behaviour to answer with ``output`` at once (a provider error of a
    ``-v1`` connector is a successful execute whose output carries the provider's status).

    A signal, not an error: it never leaves the execute step, so it stands outside the
    :class:`~interactor_mock.errors.InteractorMockError` hierarchy.
    """

    def __init__(self, output: Any, *, reason: str = "provider error") -> None:
        super().__init__(reason)
        self.output = output
