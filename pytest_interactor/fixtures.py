"""The plugin's fixtures.

- ``interactor`` (function): a fresh environment for one test, set up from its marker.
- ``interactor_factory`` (session): fresh environments on demand, one per ``with`` block:
  what a Hypothesis ``@given`` test uses, so that every example starts clean (a
  function-scoped fixture would be shared by all examples, and Hypothesis' health check
  says so).
- ``interactor_server`` (session): one thread server per session, and so per xdist worker,
  on ``--interactor-listen`` (127.0.0.1 and a free port by default).
- ``interactor_app`` (session): the Flask app behind every mode.
- ``interactor_contracts`` (session): the contracts.

The mock is imported when the first of them is set up, never when the plugin loads.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import re
import socket
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import NoReturn

import pytest

from pytest_interactor import live_hooks
from pytest_interactor import options
from pytest_interactor.marker import MARKER
from pytest_interactor.marker import InteractorSettings
from pytest_interactor.marker import resolve_settings
from pytest_interactor.marker import settings_from
from pytest_interactor.marker import unknown_connector

if TYPE_CHECKING:
    from flask import Flask

    from interactor_mock import InteractorMock
    from interactor_mock import MockServer
    from interactor_mock.contracts import ContractRegistry
    from pytest_interactor.live import LiveInteractor

__all__ = [
    "InteractorFactory",
    "interactor",
    "interactor_app",
    "interactor_contracts",
    "interactor_factory",
    "interactor_server",
]

_ENV_NAME_LIMIT = 120
_UNSAFE = re.compile(r"\s+")
_PHASE = re.compile(r" \((setup|call|teardown)\)$")
ServerErrors = Callable[[list[dict[str, Any]], str], None]


def _environment_name(nodeid: str) -> str:
    name = _UNSAFE.sub(" ", nodeid).strip() or "test"
    return name if len(name) <= _ENV_NAME_LIMIT else "..." + name[-_ENV_NAME_LIMIT:]


def _grant_all(handle: InteractorMock, accounts: Mapping[str, tuple[str, ...]], where: str) -> None:
    from interactor_mock.errors import UnknownConnector

    for connector, names in accounts.items():
        for account in names:
            try:
                handle._grant(connector, account)
            except UnknownConnector:
                problem = unknown_connector(connector, [c.key for c in handle.contracts])
            except (LookupError, ValueError) as exc:
                known = ", ".join(c.key for c in handle.contracts)
                problem = f"{exc} (known connectors: {known})"
            else:
                continue
            pytest.fail(f"{where}(accounts=...): {problem}", pytrace=False)


@contextlib.contextmanager
def _environment(
    app: Flask,
    settings: InteractorSettings,
    name: str,
    *,
    server: Callable[[], MockServer],
    where: str,
    on_errors: ServerErrors,
) -> Iterator[InteractorMock]:
    """A new environment set up from ``settings``, deleted on exit. Errors inside the mock
    caused by its requests are passed to ``on_errors`` after a clean exit."""
    from interactor_mock import InProcessMock
    from interactor_mock import InteractorMock
    from interactor_mock.errors import UnknownEnvironment
    from interactor_mock.http.context import EXTENSION

    engine = app.extensions[EXTENSION]
    environment = engine.environments.create(name, seed=settings.seed)
    inprocess: InProcessMock | None = None
    try:
        if settings.mode == "server":
            handle = InteractorMock(app, environment.id, base_url=server().base_url, mode="server")
        else:
            inprocess = InProcessMock(settings.base_url, app=app)
            handle = inprocess.start(environment.id)
        _grant_all(handle, settings.accounts, where)
        yield handle
        errors = handle.server_errors()
    finally:
        try:
            if inprocess is not None:
                inprocess.stop(check=False)
        finally:
            with contextlib.suppress(UnknownEnvironment):
                engine.environments.delete(environment.id)
    if errors:
        on_errors(errors, environment.id)


def _fail_test(errors: list[dict[str, Any]], environment: str) -> NoReturn:
    from interactor_mock.embed.handle import format_server_errors

    pytest.fail(format_server_errors(errors, environment=environment), pytrace=False)


def _raise_server_side(errors: list[dict[str, Any]], environment: str) -> NoReturn:
    from interactor_mock import ServerSideError

    raise ServerSideError(errors, environment=environment)


class InteractorFactory:
    """What the ``interactor_factory`` fixture gives: each call makes a new environment.

    Call it with the marker's keywords (``mode``, ``accounts``, ``seed``, ``base_url``; the
    run's options and ini for the rest) and use the result as a context manager. Inside the
    ``with`` block you hold an :class:`~interactor_mock.InteractorMock`, the same handle as the
    ``interactor`` fixture's; on leaving it the environment is deleted, and errors inside the
    mock caused by its requests raise :class:`~interactor_mock.ServerSideError`::

        @given(payload=action_inputs("gmail", "email.draft.create"))
        def test_any_draft_is_accepted(interactor_factory, payload):
            with interactor_factory(accounts={"gmail": ["alice"]}) as interactor:
                ...  # a clean environment for this example

    The fixture is session-scoped, so Hypothesis' ``function_scoped_fixture`` health check
    has nothing to say; the factory always uses the mock (live mode applies to the
    ``interactor`` fixture only).
    """

    def __init__(
        self, app: Flask, run: options.RunSettings, server: Callable[[], MockServer]
    ) -> None:
        self._app = app
        self._run = run
        self._server = server
        self._numbers = itertools.count(1)

    def __repr__(self) -> str:
        return f"<InteractorFactory mode={self._run.mode}>"

    def __call__(
        self,
        *,
        mode: str | None = None,
        accounts: Mapping[str, Any] | None = None,
        seed: int | None = None,
        base_url: str | None = None,
    ) -> contextlib.AbstractContextManager[InteractorMock]:
        """A context manager holding a fresh environment.

        Raises:
            interactor_mock.errors.UsageError: (a ``ValueError``) a bad keyword value.
        """
        values = {"mode": mode, "accounts": accounts, "seed": seed, "base_url": base_url}
        settings = settings_from(values, self._run, where="interactor_factory")
        return _environment(
            self._app,
            settings,
            self._name(),
            server=self._server,
            where="interactor_factory",
            on_errors=_raise_server_side,
        )

    def _name(self) -> str:
        current = _PHASE.sub("", os.environ.get("PYTEST_CURRENT_TEST", "")) or "interactor_factory"
        return _environment_name(f"{current} #{next(self._numbers)}")


def _unbindable(listen: options.Listen) -> str | None:
    """Why the server could not listen there (the OS's words), or ``None`` if it can: asked
    first, because werkzeug answers a port in use with ``sys.exit(1)`` and a print."""
    try:
        infos = socket.getaddrinfo(listen.host, listen.port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def interactor_contracts(pytestconfig: pytest.Config) -> ContractRegistry:
    """The contracts the mock serves (``--interactor-contracts``, else the shipped ones)."""
    from interactor_mock.contracts import default_registry
    from interactor_mock.errors import ContractError

    try:
        return default_registry(options.contracts_dir(pytestconfig))
    except ContractError as exc:
        pytest.fail(f"interactor-mock: a contract is defective: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def interactor_app(pytestconfig: pytest.Config, interactor_contracts: ContractRegistry) -> Flask:
    """The Flask app behind every mode, shared by the session (tests are isolated by
    environment, not by app)."""
    from interactor_mock import MockConfig
    from interactor_mock import create_app

    config = MockConfig(contracts_dir=options.contracts_dir(pytestconfig))
    seed = options.run_settings(pytestconfig).seed
    if seed is not None:
        config = dataclasses.replace(config, seed=seed)
    return create_app(config, registry=interactor_contracts)


@pytest.fixture(scope="session")
def interactor_server(pytestconfig: pytest.Config, interactor_app: Flask) -> Iterator[MockServer]:
    """One thread server for the session on ``--interactor-listen`` (127.0.0.1 and a free
    port by default); each xdist worker, being its own process, gets its own."""
    from interactor_mock import MockServer

    listen = options.run_settings(pytestconfig).listen
    server = MockServer(listen.host, listen.port, app=interactor_app)
    problem = _unbindable(listen)
    if problem is None:
        try:
            server.start()
        except (OSError, SystemExit) as exc:  # werkzeug exits on a port in use
            problem = getattr(exc, "strerror", None) or f"{type(exc).__name__}: {exc}"
    if problem is not None:
        hint = ""
        if listen.port:
            hint = (
                " (set by --interactor-listen or ini interactor_listen; under pytest-xdist "
                "every worker starts its own server, so a fixed port suits one worker only)"
            )
        pytest.fail(f"interactor-mock: cannot listen on {listen}: {problem}{hint}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def interactor_factory(request: pytest.FixtureRequest, interactor_app: Flask) -> InteractorFactory:
    """Fresh environments on demand, one per ``with interactor_factory(...) as interactor:``
    block (for ``@given`` tests: see :class:`InteractorFactory`)."""
    server: list[MockServer] = []

    def session_server() -> MockServer:
        if not server:
            server.append(request.getfixturevalue("interactor_server"))
        return server[0]

    return InteractorFactory(interactor_app, options.run_settings(request.config), session_server)


@pytest.fixture
def interactor(
    request: pytest.FixtureRequest, interactor_app: Flask
) -> Iterator[InteractorMock | LiveInteractor]:
    """A fresh environment for this test, on the session's server or in-process.

    Set up from ``@pytest.mark.interactor(...)``, else the options, else the ini. The marker's
    accounts are granted first. At teardown the environment is deleted, and errors inside the
    mock caused by this test (a contract violation, an exception) fail it with their
    tracebacks. In live mode (``--interactor-live``, ``--interactor-record``, or a test marked
    ``live``) it is a :class:`~pytest_interactor.live.LiveInteractor` for the real API instead.
    """
    settings = resolve_settings(request.node, request.config)
    if live_hooks.wanted(request.node):
        from pytest_interactor import live

        registry = request.getfixturevalue("interactor_contracts")
        yield from live.live_interactor(request, registry, settings.accounts)
        return
    with _environment(
        interactor_app,
        settings,
        _environment_name(request.node.nodeid),
        server=lambda: request.getfixturevalue("interactor_server"),
        where=f"@pytest.mark.{MARKER}",
        on_errors=_fail_test,
    ) as handle:
        yield handle
