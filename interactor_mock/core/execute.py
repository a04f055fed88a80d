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

import difflib
from collections.abc import Callable
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from interactor_mock.contracts import Action
from interactor_mock.core.calls import ActionCall
from interactor_mock.core.calls import Behaviour
from interactor_mock.core.calls import Outcome
from interactor_mock.core.calls import ProviderAnswer
from interactor_mock.core.environments import Environment
from interactor_mock.core.jsontext import NOT_JSON
from interactor_mock.core.jsontext import loads
from interactor_mock.core.oauth import OAuth
from interactor_mock.core.resources import Resources
from interactor_mock.core.resources import is_provider_shaped
from interactor_mock.core.resources import provider_error_output
from interactor_mock.core.scenarios import REAUTHORIZE
from interactor_mock.core.scenarios import Scenarios
from interactor_mock.errors import BadRequest
from interactor_mock.errors import ContractViolation
from interactor_mock.errors import CredentialExpired
from interactor_mock.errors import CredentialNotFound
from interactor_mock.errors import InvalidInput
from interactor_mock.errors import NoTokens

__all__ = ["NOT_JSON", "Executor", "input_headline", "parse_body", "unknown_fields"]

NOT_OBJECT = "Request body must be a JSON object"


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object in a request body; an empty body is an empty object (a body of white
    space only is not JSON, and is refused like any other).

    Raises:
        BadRequest: not strict JSON (see :func:`~interactor_mock.core.jsontext.loads`), or
            JSON that is not an object.
    """
    if not raw:
        return {}
    payload = loads(raw)
    if not isinstance(payload, dict):
        raise BadRequest(
            f"{NOT_OBJECT}, not {type(payload).__name__ if payload is not None else 'null'}"
        )
    return payload


def empty_path_id(action: Action, payload: Mapping[str, Any]) -> str | None:
    """The first input of ``payload`` that names a part of the provider's URL path and is an
    empty string: ``userId``, or a required ``id``/``...Id`` (``calendarId``, ``eventId``,
    ``fileId``): optional ids such as ``threadId`` or ``colorId`` travel in the body or the
    query, where an empty one is no path problem."""
    required = action.input_schema.get("required", ())
    for name, value in payload.items():
        if value != "" or not (name == "id" or name.endswith("Id")):
            continue
        if name == "userId" or name in required:
            return name
    return None


def unknown_fields(action: Action, payload: object) -> tuple[str, ...]:
    """The top-level fields of ``payload`` the action does not document, in input order
    (none when the payload is not an object: the schema check reports that)."""
    if not isinstance(payload, Mapping):
        return ()
    known = action.input_schema.get("properties") or {}
    return tuple(name for name in payload if name not in known)


def _close(name: str, candidates: list[str]) -> str | None:
    found = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def input_headline(action: Action, payload: Mapping[str, Any], fallback: str) -> str:
    """The headline of an input error: an unknown field close to a missing required one
    (else to any documented one) is named first, with the field it most likely means."""
    unknown = unknown_fields(action, payload)
    if unknown:
        missing = [name for name in action.required_inputs if name not in payload]
        known = list(action.input_schema.get("properties") or {})
        for candidates in (missing, [name for name in known if name not in payload]):
            for name in unknown:
                meant = _close(name, candidates)
                if meant is not None:
                    return f"unknown field {name!r}: did you mean {meant!r}?"
        return f"unknown field {unknown[0]!r}"
    return fallback


def google_input_error(action: Action, payload: Mapping[str, Any]) -> dict[str, Any] | None:
    """What Google answers a ``-v1`` call whose input names an undocumented field (400
    ``Unknown name``) or lacks a required one (400 ``Required parameter``), as the action's
    output; ``None`` when neither applies (the texts are Google's usual ones: inferred)."""
    unknown = unknown_fields(action, payload)
    if unknown:
        name = unknown[0]
        message = (
            f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
            f"parameter. Field '{name}' could not be found in request message."
        )
        return provider_error_output(400, message, reason="invalid")
    for name in action.required_inputs:
        if name not in payload:
            output = provider_error_output(400, f"Required parameter: {name}", reason="required")
            output["body"]["error"]["errors"][0].update(locationType="parameter", location=name)
            return output
    return None


class Executor:
    """Runs actions: the credential check, input validation, scenarios, the answer and the
    output check.

    Arguments:
        oauth: the credentials.
        scenarios: the scenario rules.
        resources: declared resources (and generation of stateless answers).
        behaviours: coded behaviours by ``(owner, connector, action)``.
        clock: the current time.
        check_output: check every answer against the output schema.
    """

    def __init__(
        self,
        *,
        oauth: OAuth,
        scenarios: Scenarios,
        resources: Resources,
        behaviours: Mapping[tuple[str, str, str], Behaviour],
        clock: Callable[[], datetime],
        check_output: bool = True,
    ) -> None:
        self.oauth = oauth
        self.scenarios = scenarios
        self.resources = resources
        self.behaviours: dict[tuple[str, str, str], Behaviour] = dict(behaviours)
        self.clock = clock
        self.check_output = check_output

    def register(self, owner: str, connector: str, action: str, behaviour: Behaviour) -> None:
        """Answer ``owner/connector:action`` with ``behaviour`` instead of the generator."""
        self.behaviours[(owner, connector, action)] = behaviour

    def execute(
        self,
        environment: Environment,
        action: Action,
        account: str,
        payload: dict[str, Any],
        *,
        prefer: str | None = None,
    ) -> Outcome:
        """Run one action (``prefer``: the request's ``Prefer`` header, a one-call scenario).

        Raises:
            NoTokens: the account has no credential for the connector.
            CredentialExpired: the credential expired and cannot be refreshed.
            InvalidInput: the payload fails the input schema (every problem listed).
            ScenarioAnswer: a scenario rule (or the ``Prefer`` header) fails the call.
            ContractViolation: the answer fails the output schema.
        """
        try:
            credential = self.oauth.credential(
                environment.id, action.owner, action.connector, account
            )
        except CredentialNotFound:
            raise NoTokens() from None
        if not credential.refresh_token and self.clock() >= credential.expires_at:
            raise CredentialExpired(
                detail=REAUTHORIZE.format(
                    account=account, connector=f"{action.owner}/{action.connector}"
                )
            )
        self.oauth.refresh_if_expired(credential)
        problems = action.input_problems(payload)
        if problems:
            if self._answers_as_google(action):
                answer = google_input_error(action, payload)
                if answer is not None:
                    return Outcome(answer, "input:provider-error")
            first = problems[0]
            headline = input_headline(action, payload, f"{first.path or '/'}: {first.message}")
            raise InvalidInput(
                f"Invalid input: {headline}",
                details=[p.as_dict() for p in problems],
            )
        call = ActionCall(environment=environment, action=action, account=account, input=payload)
        applied = self.scenarios.apply(call, prefer=prefer)
        if applied is not None and applied.has_output:
            output, source = applied.output, f"scenario:{applied.label}"
        else:
            output, source = self._answer(call)
        scenario = None
        if applied is not None:
            scenario = applied.label
            source = f"scenario:{applied.label}"
        if self.check_output:
            wrong = action.output_problems(output)
            if wrong:
                first = wrong[0]
                raise ContractViolation(
                    f"Contract violation: the mock's {source} output for {action.key} "
                    f"fails the output schema at {first.path or '/'}: {first.message}",
                    details=[p.as_dict() for p in wrong],
                )
        return Outcome(output, source, scenario)

    def _answers_as_google(self, action: Action) -> bool:
        """Whether input problems are Google's to answer: a ``-v1`` connector (its output is
        ``{status_code, body}``) whose provider is Google."""
        if not is_provider_shaped(self.resources.catalog.success_schema(action)):
            return False
        contract = self.resources.registry.connector(action.connector, action.owner)
        return contract.auth.get("provider") == "google"

    def _answer(self, call: ActionCall) -> tuple[Any, str]:
        """The output of a call no scenario answered, and its source."""
        action = call.action
        resources = self.resources
        if empty_path_id(action, call.input) is not None and is_provider_shaped(
            resources.catalog.success_schema(action)
        ):
            # GET .../calendars//events: the provider's path has no such resource.
            return provider_error_output(404, "Not Found", reason="notFound"), "provider-error"
        behaviour = self.behaviours.get((action.owner, action.connector, action.name))
        source = "generated"
        try:
            if behaviour is not None:
                source = "behaviour"
                return behaviour(call), source
            operation = resources.catalog.operation(action)
            if operation is not None:
                source = f"resource:{operation.collection}.{operation.operation}"
                return resources.execute(call), source
        except ProviderAnswer as answer:
            return answer.output, f"{source}:provider-error"
        example = action.example_for(call.canonical)
        if example is not None:
            return example["output"], f"example:{example['name']}"
        return resources.generated(call), source
