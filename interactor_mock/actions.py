"""The execute pipeline: parse, validate, check the credential, answer, check the answer.

Output comes from, in order: a stateful behaviour registered for the action, a recorded
example whose input equals the request's, or generation from the output schema, seeded from
(environment seed, connector, action, canonical input) so the same call gives the same
answer. Whatever the source, the output is checked against the contract before it leaves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.contracts import Action
from interactor_mock.contracts import canonical_input
from interactor_mock.errors import BadRequest
from interactor_mock.errors import ContractViolation
from interactor_mock.errors import CredentialNotFound
from interactor_mock.errors import InvalidInput
from interactor_mock.errors import NoTokens
from interactor_mock.generate import seed_for
from interactor_mock.keys import Environment

if TYPE_CHECKING:
    from interactor_mock.engine import Engine

__all__ = ["ActionCall", "Behaviour", "Executor", "parse_body"]

NOT_JSON = "Request body must be valid JSON"
NOT_OBJECT = "Request body must be a JSON object"


@dataclass
class ActionCall:
    """Everything a behaviour needs to answer one call."""

    engine: Engine
    environment: Environment
    action: Action
    account: str
    input: dict[str, Any]
    canonical: str
    seed: int
    source: str = "generated"

    def generated(self) -> Any:
        """The output the generator would give for this call."""
        return self.engine.generator.generate(
            self.action.output_schema, seed=self.seed, echo=self.input
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

    def register(self, owner: str, connector: str, action: str, behaviour: Behaviour) -> None:
        """Answer ``owner/connector:action`` with ``behaviour`` instead of the generator."""
        self.behaviours[(owner, connector, action)] = behaviour

    def execute(
        self, environment: Environment, action: Action, account: str, payload: dict[str, Any]
    ) -> tuple[Any, str]:
        """Run one action; returns the output and where it came from.

        Raises:
            NoTokens: the account has no credential for the connector.
            InvalidInput: the payload fails the input schema (every problem listed).
            ContractViolation: the answer fails the output schema.
        """
        engine = self.engine
        try:
            credential = engine.oauth.credential(
                environment.id, action.owner, action.connector, account
            )
        except CredentialNotFound:
            raise NoTokens() from None
        engine.oauth.refresh_if_expired(credential)
        found = action.input_problems(payload)
        if found:
            first = found[0]
            raise InvalidInput(
                f"Invalid input: {first.path or '/'}: {first.message}",
                details=[p.as_dict() for p in found],
            )
        canonical = canonical_input(payload)
        call = ActionCall(
            engine=engine,
            environment=environment,
            action=action,
            account=account,
            input=payload,
            canonical=canonical,
            seed=seed_for(environment.seed, action.owner, action.connector, action.name, canonical),
        )
        behaviour = self.behaviours.get((action.owner, action.connector, action.name))
        if behaviour is not None:
            output = behaviour(call)
            call.source = "behaviour"
        else:
            example = action.example_for(canonical)
            if example is not None:
                output = example["output"]
                call.source = f"example:{example['name']}"
            else:
                output = call.generated()
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
