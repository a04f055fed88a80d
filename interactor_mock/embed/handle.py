"""``InteractorMock``: one environment of a mock, as a test sees it.

The same handle is yielded by :func:`interactor_mock.mock` (in-process) and by the
``interactor`` pytest fixture (thread server or in-process), so a test reads the same way in
every mode. It talks to the engine directly (same process), never over HTTP, so its verbs are
as fast as a function call.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from interactor_mock.contracts import ContractRegistry
from interactor_mock.core.engine import Engine
from interactor_mock.core.environments import Environment
from interactor_mock.core.journal import JournalEntry
from interactor_mock.core.oauth import Credential
from interactor_mock.core.scenarios import Rule
from interactor_mock.core.seed import load_seed_file
from interactor_mock.embed.assertions import CallAssertions
from interactor_mock.embed.assertions import find_connector
from interactor_mock.embed.assertions import split_connector
from interactor_mock.errors import InteractorMockError
from interactor_mock.errors import UnknownEnvironment
from interactor_mock.http.context import EXTENSION

__all__ = ["ApiAddress", "InteractorMock", "ServerSideError", "format_server_errors"]

if TYPE_CHECKING:
    from responses import RequestsMock


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
        contract = find_connector(self.engine.registry, connector, owner)
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
