"""``InteractorMock``: one environment of a mock, as a test sees it.

The same handle is yielded by :func:`interactor_mock.mock` (in-process) and by the
``interactor`` pytest fixture (thread server or in-process), so a test reads the same way in
every mode. It talks to the engine directly (same process), never over HTTP, so its verbs are
as fast as a function call.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import json
import reprlib
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.contracts import ContractRegistry
from interactor_mock.core.engine import Engine
from interactor_mock.core.environments import Environment
from interactor_mock.core.journal import JournalEntry
from interactor_mock.core.journal import redact
from interactor_mock.core.oauth import Credential
from interactor_mock.core.scenarios import Rule
from interactor_mock.core.seed import load_seed_file
from interactor_mock.errors import InteractorMockError
from interactor_mock.errors import UnknownEnvironment
from interactor_mock.http.context import EXTENSION

if TYPE_CHECKING:
    from responses import RequestsMock

__all__ = ["InteractorMock", "ServerSideError", "split_connector"]

_MAX_DIFFS = 6
_MAX_SHOWN = 20
_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxdict = 8
_short.maxlist = 6
_short.maxlevel = 3


class ServerSideError(InteractorMockError, AssertionError):
    """Something went wrong inside the mock while serving a test's requests.

    A contract violation in generated output, or an unexpected exception: the client saw a
    500, and this carries the server-side traceback(s) so the test shows why.

    Attributes:
        errors: the recorded errors, each a dict with ``kind``, ``method``, ``path``,
            ``message`` and ``traceback``.
    """

    def __init__(self, errors: list[dict[str, Any]], *, environment: str) -> None:
        self.errors = errors
        self.environment = environment
        super().__init__(format_server_errors(errors, environment=environment))


def format_server_errors(errors: list[dict[str, Any]], *, environment: str) -> str:
    """A readable report of errors inside the mock, with their tracebacks."""
    count = len(errors)
    lines = [
        f"interactor-mock: {count} error{'s' if count != 1 else ''} inside the mock "
        f"while serving environment {environment!r} (the client saw a 500):"
    ]
    for index, error in enumerate(errors, 1):
        lines.append("")
        lines.append(
            f"[{index}] {error.get('kind', 'error')} on {error.get('method', '?')} "
            f"{error.get('path', '?')}: {error.get('message', '')}"
        )
        trace = str(error.get("traceback", "")).rstrip()
        if trace:
            lines.extend("    " + line for line in trace.splitlines())
    return "\n".join(lines)


def split_connector(connector: str, owner: str | None = None) -> tuple[str, str]:
    """``(owner, name)`` of ``"gmail"`` or ``"interactor/gmail"``.

    Raises:
        ValueError: an empty name, more than one ``/``, or an ``owner`` that contradicts the
            one in the name.
    """
    parts = connector.split("/")
    if len(parts) == 1:
        found_owner, name = owner or DEFAULT_OWNER, parts[0]
    elif len(parts) == 2:
        found_owner, name = parts
        if owner is not None and owner != found_owner:
            raise ValueError(f"connector {connector!r} is owned by {found_owner!r}, not {owner!r}")
    else:
        raise ValueError(f"connector must be 'name' or 'owner/name', not {connector!r}")
    if not found_owner or not name:
        raise ValueError(f"connector must be 'name' or 'owner/name', not {connector!r}")
    return found_owner, name


def _json_normal(value: Any) -> Any:
    """``value`` as it looks after a JSON round trip (tuples become lists, and so on)."""
    return json.loads(json.dumps(value))


def _input_differences(expected: Any, actual: Any, path: str = "input") -> Iterator[str]:
    """Every way ``actual`` differs from ``expected``, as short sentences."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected:
            here = f"{path}[{key!r}]"
            if key not in actual:
                yield f"{here} is missing (expected {_short.repr(expected[key])})"
            else:
                yield from _input_differences(expected[key], actual[key], here)
        for key in actual:
            if key not in expected:
                yield f"{path}[{key!r}] = {_short.repr(actual[key])} was not expected"
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            yield from _input_differences(want, got, f"{path}[{index}]")
    elif expected != actual or type(expected) is not type(actual):
        yield f"{path} is {_short.repr(actual)}, expected {_short.repr(expected)}"


class ApiAddress:
    """Where a client sends its calls and with which key: ``base_url``, ``api_key`` and what
    follows from them (shared by the mock's handle and the live-mode one)."""

    base_url: str

    @property
    def api_key(self) -> str:
        raise NotImplementedError

    @property
    def headers(self) -> dict[str, str]:
        """``{"x-api-key": <current key>}``, ready to pass to any HTTP client."""
        return {"x-api-key": self.api_key}

    @property
    def origin(self) -> str:
        """Scheme and host of :attr:`base_url`, where the ``/oauth/`` and ``/_mock/`` pages are."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def url_for(self, path: str) -> str:
        """An absolute URL on the same origin: ``url_for("/_mock/health")``."""
        return self.origin + "/" + path.lstrip("/")


class CallAssertions:
    """``assert_called`` and ``assert_not_called`` over a handle's :attr:`calls`, shared by
    the mock's handle and the live-mode one, so both explain every near miss alike."""

    @property
    def calls(self) -> tuple[JournalEntry, ...]:
        raise NotImplementedError

    @property
    def contracts(self) -> ContractRegistry:
        raise NotImplementedError

    def _action_key(self, connector: str, action: str) -> tuple[str, str]:
        """``("owner/name", action)``, checked against the contracts so typos fail loudly."""
        found_owner, name = split_connector(connector)
        contract = self.contracts.connector(name, found_owner)
        if action not in contract.actions:
            close = difflib.get_close_matches(action, list(contract.actions), n=3)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise ValueError(f"{contract.key} has no action {action!r}{hint}")
        return contract.key, action

    def assert_called(
        self,
        connector: str,
        action: str,
        *,
        account: str | None = None,
        times: int | None = None,
        input: Mapping[str, Any] | None = None,
    ) -> list[JournalEntry]:
        """Assert the client executed ``action`` of ``connector``.

        Every call is counted, whatever its status (a 500 "Account has no tokens" included).

        Arguments:
            connector: ``"gmail"`` or ``"owner/name"``.
            action: the action name, e.g. ``"email.draft.create"``.
            account: only calls for this account (any account when omitted).
            times: exactly this many matching calls (at least one when omitted).
            input: only calls whose JSON body equals this (compared after a JSON round trip,
                with secret-looking fields redacted as the journal keeps them).

        Returns:
            The matching calls.

        Raises:
            AssertionError: explaining every near miss: each call to the same connector or
                action, and which of connector, action, account or input differed and how.
            ValueError: an unknown action (with close matches), or a negative ``times``.
            UnknownConnector: naming the known connectors.
        """
        __tracebackhide__ = True
        if times is not None and times < 0:
            raise ValueError(f"times must be >= 0, not {times}")
        key, action = self._action_key(connector, action)
        matches, report = self._match(key, action, account, input)
        if (times is None and matches) or len(matches) == times:
            return matches
        wanted = "at least once" if times is None else _times(times)
        message = [
            f"Expected {_describe(key, action, account, input)} to be called {wanted}, "
            f"but it was called {_times(len(matches))}.",
            *report,
        ]
        raise AssertionError("\n".join(message))

    def assert_not_called(
        self,
        connector: str,
        action: str,
        *,
        account: str | None = None,
        input: Mapping[str, Any] | None = None,
    ) -> None:
        """Assert no call matches (the arguments are those of :meth:`assert_called`).

        Raises:
            AssertionError: listing the calls that matched.
        """
        __tracebackhide__ = True
        key, action = self._action_key(connector, action)
        matches, report = self._match(key, action, account, input)
        if matches:
            message = [
                f"Expected {_describe(key, action, account, input)} not to be called, "
                f"but it was called {_times(len(matches))}.",
                *report,
            ]
            raise AssertionError("\n".join(message))

    @staticmethod
    def _reasons(
        call: JournalEntry, key: str, action: str, account: str | None, expected_input: Any
    ) -> list[str]:
        """Why ``call`` does not match (empty when it does)."""
        reasons: list[str] = []
        if call.connector != key:
            reasons.append(f"connector is {call.connector!r}, not {key!r}")
        if call.action is None:
            reasons.append(f"not an action call ({call.method} {call.path})")
        elif call.action != action:
            reasons.append(f"action is {call.action!r}, not {action!r}")
        if account is not None and call.account != account:
            reasons.append(f"account is {call.account!r}, not {account!r}")
        # Inputs of another action are not comparable: only the same action's are diffed.
        if expected_input is not None and call.action == action:
            differences = list(_input_differences(expected_input, call.input))
            if len(differences) > _MAX_DIFFS:
                more = len(differences) - _MAX_DIFFS
                differences = [*differences[:_MAX_DIFFS], f"... and {more} more differences"]
            reasons.extend(differences)
        return reasons

    def _match(
        self,
        key: str,
        action: str,
        account: str | None,
        input: Mapping[str, Any] | None,
    ) -> tuple[list[JournalEntry], list[str]]:
        """The matching calls, and a report of matches and near misses."""
        expected_input = redact(_json_normal(dict(input))) if input is not None else None
        calls = self.calls
        matches: list[JournalEntry] = []
        lines: list[str] = []
        near = shown = 0
        for number, call in enumerate(calls, 1):
            if call.connector != key and (call.action != action or call.action is None):
                continue
            reasons = self._reasons(call, key, action, account, expected_input)
            if reasons:
                near += 1
            else:
                matches.append(call)
            if shown < _MAX_SHOWN:
                shown += 1
                lines.append(f"  {_call_line(number, call)}{'' if reasons else '  <- matches'}")
                lines.extend(f"      - {reason}" for reason in reasons)
        others = len(calls) - near - len(matches)
        report: list[str] = []
        if lines:
            report.append(
                f"Calls to the same connector or action ({near} near miss"
                f"{'es' if near != 1 else ''}, {len(matches)} matching):"
            )
            report.extend(lines)
            if near + len(matches) > shown:
                report.append(f"  ... and {near + len(matches) - shown} more")
        else:
            report.append(f"No call to {key} or to any {action!r} action was recorded.")
        if others:
            report.append(f"({others} other call{'s' if others != 1 else ''} not shown)")
        elif not calls:
            report.append(
                "(The environment recorded no API request at all: is the client "
                "using this base_url and api_key?)"
            )
        return matches, report


class InteractorMock(ApiAddress, CallAssertions):
    """One environment of a mock app: its URL and key, its grants, and what it was asked.

    Arguments:
        app: the Flask app made by :func:`~interactor_mock.create_app`.
        environment: the id of an environment of that app's engine.
        base_url: the API root clients should use (the counterpart of
            ``https://console.interactor.com/api/v1``); a trailing slash is dropped.
        mode: ``"server"`` or ``"inprocess"``, for display.
        responses: the ``responses.RequestsMock`` routing calls in-process, if any.
    """

    def __init__(
        self,
        app: Flask,
        environment: str,
        *,
        base_url: str,
        mode: str = "inprocess",
        responses: RequestsMock | None = None,
    ) -> None:
        self.app = app
        self.engine: Engine = app.extensions[EXTENSION]
        self.environment = environment
        self.base_url = base_url.rstrip("/")
        self.mode = mode
        self.responses = responses
        """The ``responses.RequestsMock`` in in-process mode (add stubs for other services to it),
        ``None`` in server mode."""

    def __repr__(self) -> str:
        return (
            f"<InteractorMock environment={self.environment!r} mode={self.mode} "
            f"base_url={self.base_url!r}>"
        )

    # -- where and who -------------------------------------------------------------------

    def _environment(self) -> Environment:
        return self.engine.environments.get(self.environment)

    @property
    def api_key(self) -> str:
        """The environment's current API key (send it as the ``x-api-key`` header)."""
        return self._environment().api_key

    @property
    def contracts(self) -> ContractRegistry:
        """The contracts the mock serves."""
        return self.engine.registry

    @functools.cached_property
    def client(self) -> FlaskClient:
        """A Flask test client of the same app: same state, no HTTP (send :attr:`headers`)."""
        return self.app.test_client()

    # -- set-up verbs --------------------------------------------------------------------

    def _contract_key(self, connector: str, owner: str | None) -> tuple[str, str]:
        found_owner, name = split_connector(connector, owner)
        contract = self.engine.registry.connector(name, found_owner)
        return contract.owner, contract.name

    def grant(self, connector: str, account: str, *, owner: str | None = None) -> dict[str, Any]:
        """Connect ``account`` to ``connector`` without the browser flow.

        Arguments:
            connector: ``"gmail"`` or ``"interactor/gmail"``.
            account: the end user's id, as the client passes it in ``account=``.
            owner: the connector's owner when ``connector`` does not name it
                (default ``"interactor"``).

        Returns:
            The credential as ``GET .../credential`` answers it.

        Raises:
            UnknownConnector: naming the known connectors.
            ValueError: a malformed connector name.
        """
        return self._grant(connector, account, owner).public(self.engine.now())

    def _grant(self, connector: str, account: str, owner: str | None = None) -> Credential:
        """:meth:`grant` without the public form of the credential (for the fixture's
        marker grants, which nobody reads)."""
        found_owner, name = self._contract_key(connector, owner)
        return self.engine.grant(self._environment(), name, account, owner=found_owner)

    def revoke(self, connector: str, account: str, *, owner: str | None = None) -> None:
        """Disconnect ``account`` from ``connector``; its next call gets "Account has no tokens".

        Raises:
            CredentialNotFound: the account was not connected.
            UnknownConnector: naming the known connectors.
        """
        found_owner, name = self._contract_key(connector, owner)
        self.engine.oauth.delete_credential(self.environment, found_owner, name, account)

    def rotate_key(self) -> str:
        """Give the environment a new API key and return it; the old key fails at once."""
        return self.engine.environments.rotate(self.environment).api_key

    def reset(self) -> None:
        """Forget the environment's grants, data, journal and server errors; keep its key."""
        self.engine.environments.reset(self.environment)

    def delete(self) -> None:
        """Delete the environment (its key stops working). Deleting twice is harmless."""
        with contextlib.suppress(UnknownEnvironment):
            self.engine.environments.delete(self.environment)

    # -- errors on demand and state (README: "State, seed data and scenarios") ---------------

    def fail_next(
        self,
        connector: str,
        action: str,
        *,
        status: int = 500,
        error: str = "Timeout",
        times: int = 1,
        account: str | None = None,
    ) -> Rule:
        """Fail the next ``times`` calls of an action with ``status`` ``{"error": error}``.

        The real service's transient errors are ``"Timeout"``, ``"Connector token is
        unauthorized"`` and ``"econnrefused"``; a client that retries them can be tested to
        succeed on the third call with ``times=2``.

        Raises:
            InvalidScenario: a bad status, an unknown connector or action (named).
        """
        found_owner, name = split_connector(connector)
        return self.engine.scenarios.fail_next(
            self._environment(),
            name,
            action,
            status=status,
            error=error,
            times=times,
            account=account,
            owner=found_owner,
        )

    def scenario(
        self, connector: str | None = None, action: str | None = None, **settings: Any
    ) -> Rule:
        """Add a scenario rule: an error, a rate limit, latency, an expired credential or a
        ``-v1`` provider error, matched by connector, action (a glob), account and count.

        Keywords (all optional): ``kind``, ``account``, ``status``, ``error``, ``body``,
        ``headers``, ``retry_after``, ``latency`` (ms, or ``{"distribution": ...}``),
        ``times``, ``after``, ``expires_in`` (seconds), ``name``. See
        :mod:`interactor_mock.core.scenarios`.

        Raises:
            InvalidScenario: naming the bad field.
        """
        owner = None
        if connector is not None:
            owner, connector = split_connector(connector)
        return self.engine.scenarios.scenario(
            self._environment(), connector, action, owner=owner, **settings
        )

    def clear_scenarios(self) -> None:
        """Remove every scenario rule of the environment."""
        self.engine.scenarios.clear(self._environment())

    def resources(
        self, connector: str, collection: str, *, account: str, parent: str | None = None
    ) -> list[dict[str, Any]]:
        """An account's stored items of a declared collection, in list order:
        ``resources("gmail", "drafts", account="alice")``.

        Raises:
            UnknownConnector, UnknownCollection: naming the known ones.
        """
        found_owner, name = split_connector(connector)
        return self.engine.resources.items(
            self._environment(), name, collection, account, owner=found_owner, parent=parent
        )

    def seed(
        self,
        accounts: Mapping[str, Any] | None = None,
        *,
        file: str | Path | None = None,
        seed: int | None = None,
        anchor: str | None = None,
    ) -> dict[str, Any]:
        """Preload the environment: connected accounts and their data, e.g.
        ``seed({"alice": {"gmail": {"messages": 5000}}})``. ``file`` is a JSON or YAML
        seed file holding ``{"accounts": ...}`` (a whole document with ``environments`` is
        applied as it is). Returns what each collection now holds.

        Raises:
            InvalidSeed: naming the place in the seed.
        """
        document: dict[str, Any] = load_seed_file(file) if file is not None else {}
        if "environments" in document:
            return self.engine.seeds.apply_document(document)
        if accounts is not None:
            document["accounts"] = dict(accounts)
        if seed is not None:
            document["seed"] = seed
        if anchor is not None:
            document["anchor"] = anchor
        return self.engine.seeds.apply(self._environment(), document)

    # -- what happened -------------------------------------------------------------------

    @property
    def calls(self) -> tuple[JournalEntry, ...]:
        """Every API request of the environment, oldest first.

        Each entry has ``connector`` (``"owner/name"``), ``action`` (``None`` for auth-url
        and credential requests), ``account``, ``input`` (secrets redacted), ``status``,
        ``error``, ``method`` and ``path``.
        """
        return tuple(self.engine.journal.entries(self.environment))

    def server_errors(self, *, clear: bool = False) -> list[dict[str, Any]]:
        """Errors inside the mock caused by this environment's requests.

        Each is a dict with ``kind`` (``contract-violation`` or ``exception``), ``method``,
        ``path``, ``message`` and ``traceback``. The fixture fails the test at teardown when
        any are left: pass ``clear=True`` in a test that provokes them on purpose.
        """
        errors = self.engine.journal.server_errors(self.environment)
        if clear:
            self.engine.journal.clear_server_errors(self.environment)
        return errors

    def check(self) -> None:
        """Raise :class:`ServerSideError` if anything went wrong inside the mock.

        Raises:
            ServerSideError: with every server-side traceback.
        """
        errors = self.server_errors()
        if errors:
            raise ServerSideError(errors, environment=self.environment)


def _times(count: int) -> str:
    return {0: "0 times", 1: "once", 2: "twice"}.get(count, f"{count} times")


def _describe(key: str, action: str, account: str | None, input: Any) -> str:
    text = f"{key} {action}"
    details = []
    if account is not None:
        details.append(f"account={account!r}")
    if input is not None:
        details.append(f"input={_short.repr(_json_normal(dict(input)))}")
    return text + (f" ({', '.join(details)})" if details else "")


def _call_line(number: int, call: JournalEntry) -> str:
    what = f"{call.connector} {call.action}" if call.action else f"{call.connector}"
    text = f"call {number}: {what} account={call.account!r}"
    if call.action is not None:
        text += f" input={_short.repr(call.input)}"
    text += f" -> {call.status}"
    if call.error:
        text += f" {call.error!r}"
    return text
