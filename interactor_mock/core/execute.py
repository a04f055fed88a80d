"""The execute pipeline: parse, check the credential, validate, scenarios, answer, check.

After the credential and the input are checked, the scenario step may delay the call, fail
it on purpose, or answer a provider error (see :mod:`interactor_mock.core.scenarios`). Output then
comes from, in order: a coded behaviour registered for the action, the action's declared
resource operation (see :mod:`interactor_mock.core.resources`), a recorded example whose input
equals the request's, or generation from the output schema, seeded from (environment seed,
connector, action, canonical input) so the same call gives the same answer. Whatever the
source, the output is checked against the contract before it leaves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.contracts import Action
from interactor_mock.contracts import canonical_input
from interactor_mock.core.environments import Environment
from interactor_mock.core.generate import seed_for
from interactor_mock.core.resources import ProviderAnswer
from interactor_mock.core.scenarios import REAUTHORIZE
from interactor_mock.errors import BadRequest
from interactor_mock.errors import ContractViolation
from interactor_mock.errors import CredentialExpired
from interactor_mock.errors import CredentialNotFound
from interactor_mock.errors import InvalidInput
from interactor_mock.errors import NoTokens
from interactor_mock.errors import ScenarioAnswer

if TYPE_CHECKING:
    from interactor_mock.core.engine import Engine

__all__ = ["ActionCall", "Behaviour", "Executor", "parse_body"]

NOT_JSON = "Request body must be valid JSON"
NOT_OBJECT = "Request body must be a JSON object"


@dataclass
class ActionCall:
    """Everything a behaviour needs to answer one call.

    ``canonical`` (the input's canonical text) and ``seed`` (the generation seed) are
    computed on first use: many answers (coded behaviours, resources) need neither.
    """

    engine: Engine
    environment: Environment
    action: Action
    account: str
    input: dict[str, Any]
    source: str = "generated"

    @cached_property
    def canonical(self) -> str:
        return canonical_input(self.input)

    @cached_property
    def seed(self) -> int:
        action = self.action
        return seed_for(
            self.environment.seed, action.owner, action.connector, action.name, self.canonical
        )

    def generated(self) -> Any:
        """The output the generator would give for this call (never a provider error)."""
        return self.engine.generator.generate(
            self.engine.resources.catalog.success_schema(self.action),
            seed=self.seed,
            echo=self.input,
        )


Behaviour = Callable[[ActionCall], Any]


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object in a request body; an empty body is an empty object.

    Raises:
        BadRequest: not JSON, or JSON that is not an object.
    """
    if not raw.strip():
        return {}
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"{NOT_JSON}: {exc}") from None
    if not isinstance(payload, dict):
        raise BadRequest(
            f"{NOT_OBJECT}, not {type(payload).__name__ if payload is not None else 'null'}"
        )
    return payload


class Executor:
    """Runs actions for an engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.behaviours: dict[tuple[str, str, str], Behaviour] = {}
        #: Returns the current request's ``Prefer`` header (the web layer installs it).
        self.prefer_header: Callable[[], str | None] = _no_header
        #: Told which scenario answered a call (the web layer notes it for the journal).
        self.on_scenario: Callable[[str], None] = _ignore

    def register(self, owner: str, connector: str, action: str, behaviour: Behaviour) -> None:
        """Answer ``owner/connector:action`` with ``behaviour`` instead of the generator."""
        self.behaviours[(owner, connector, action)] = behaviour

    def execute(
        self, environment: Environment, action: Action, account: str, payload: dict[str, Any]
    ) -> tuple[Any, str]:
        """Run one action; returns the output and where it came from.

        Raises:
            NoTokens: the account has no credential for the connector.
            CredentialExpired: the credential expired and cannot be refreshed.
            InvalidInput: the payload fails the input schema (every problem listed).
            ScenarioAnswer: a scenario rule (or the ``Prefer`` header) fails the call.
            ContractViolation: the answer fails the output schema.
        """
        engine = self.engine
        try:
            credential = engine.oauth.credential(
                environment.id, action.owner, action.connector, account
            )
        except CredentialNotFound:
            raise NoTokens() from None
        if not credential.refresh_token and engine.now() >= credential.expires_at:
            raise CredentialExpired(
                detail=REAUTHORIZE.format(
                    account=account, connector=f"{action.owner}/{action.connector}"
                )
            )
        engine.oauth.refresh_if_expired(credential)
        found = action.input_problems(payload)
        if found:
            first = found[0]
            raise InvalidInput(
                f"Invalid input: {first.path or '/'}: {first.message}",
                details=[p.as_dict() for p in found],
            )
        call = ActionCall(
            engine=engine, environment=environment, action=action, account=account, input=payload
        )
        try:
            applied = engine.scenarios.apply(call, prefer=self.prefer_header())
        except ScenarioAnswer as answer:
            self.on_scenario(answer.scenario)
            raise
        if applied is not None and applied.has_output:
            output = applied.output
            call.source = f"scenario:{applied.label}"
        else:
            output = self._answer(call)
        if applied is not None:
            self.on_scenario(applied.label)
            call.source = f"scenario:{applied.label}"
        if engine.config.check_output:
            wrong = action.output_problems(output)
            if wrong:
                first = wrong[0]
                raise ContractViolation(
                    f"Contract violation: the mock's {call.source} output for {action.key} "
                    f"fails the output schema at {first.path or '/'}: {first.message}",
                    details=[p.as_dict() for p in wrong],
                )
        return output, call.source

    def _answer(self, call: ActionCall) -> Any:
        """The output of a call no scenario answered, noting its source on the call."""
        action = call.action
        behaviour = self.behaviours.get((action.owner, action.connector, action.name))
        resources = self.engine.resources
        try:
            if behaviour is not None:
                call.source = "behaviour"
                return behaviour(call)
            operation = resources.catalog.operation(action)
            if operation is not None:
                call.source = f"resource:{operation.collection}.{operation.operation}"
                return resources.execute(call)
        except ProviderAnswer as answer:
            call.source += ":provider-error"
            return answer.output
        example = action.example_for(call.canonical)
        if example is not None:
            call.source = f"example:{example['name']}"
            return example["output"]
        return call.generated()


def _no_header() -> str | None:
    return None


def _ignore(label: str) -> None:
    return None
