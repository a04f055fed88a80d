"""The pytest plugin (registered through the ``pytest11`` entry point).

Fixtures: ``interactor`` (function: a fresh environment), ``interactor_server`` (session: one
thread server per session, and so per xdist worker), ``interactor_app`` (session: the Flask
app behind every mode) and ``interactor_contracts`` (session: the contracts). The
``interactor`` marker configures the ``interactor`` fixture of one test; the
``--interactor-*`` options (and their ini twins) configure the run. ``--interactor-live``,
``--interactor-record DIR`` and the ``live`` marker run the same tests against the real API
(see :mod:`pytest_interactor.live`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Generator
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from interactor_mock.config import DEFAULT_BASE_URL
from interactor_mock.config import MockConfig
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import contract_files
from interactor_mock.contracts import default_contracts_dir
from interactor_mock.contracts import default_registry
from interactor_mock.embed.handle import InteractorMock
from interactor_mock.embed.handle import format_server_errors
from interactor_mock.embed.inprocess import InProcessMock
from interactor_mock.embed.inprocess import normalize_base_url
from interactor_mock.embed.server import MockServer
from interactor_mock.errors import ContractError
from interactor_mock.errors import UnknownEnvironment
from interactor_mock.http.app import create_app
from interactor_mock.http.context import EXTENSION
from pytest_interactor import live
from pytest_interactor.live import LiveInteractor

__all__ = ["InteractorSettings", "resolve_settings"]

MODES = ("server", "inprocess")
DEFAULT_MODE = "server"
MARKER = "interactor"
MARKER_KEYWORDS = ("mode", "accounts", "seed", "base_url")
MARKER_HELP = (
    "interactor(mode=None, accounts=None, seed=None, base_url=None): configure the "
    "'interactor' fixture of this test. mode: 'server' (thread server, any client) or "
    "'inprocess' (requests through responses, no socket); accounts: grants made before the "
    "test, e.g. {'gmail': ['alice']}; seed: the environment's seed for generated data; "
    "base_url: the API root intercepted in inprocess mode."
)
_ENV_NAME_LIMIT = 120
_RUN_DEFAULTS = pytest.StashKey[tuple[str, str]]()
_UNSAFE = re.compile(r"\s+")


@dataclass(frozen=True)
class InteractorSettings:
    """How the ``interactor`` fixture is set up for one test (marker > option > ini)."""

    mode: str
    base_url: str
    accounts: Mapping[str, tuple[str, ...]]
    seed: int | None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("interactor", "interactor-mock (offline Interactor API)")
    group.addoption(
        "--interactor-mode",
        choices=MODES,
        default=None,
        help="where the 'interactor' fixture's mock runs: 'server' (a thread server on "
        "127.0.0.1, any HTTP client) or 'inprocess' (requests calls routed through "
        "responses, no socket). Default: ini interactor_mode, else 'server'.",
    )
    group.addoption(
        "--interactor-base-url",
        default=None,
        metavar="URL",
        help="the API root intercepted in inprocess mode. Default: ini interactor_base_url, "
        f"else {DEFAULT_BASE_URL}.",
    )
    group.addoption(
        "--interactor-contracts",
        default=None,
        metavar="DIR",
        help="the contracts directory (<owner>/<name>.json files). Default: ini "
        "interactor_contracts, else the contracts shipped with interactor-mock.",
    )
    live.add_options(group, parser)
    parser.addini(
        "interactor_mode", f"default of --interactor-mode ({' or '.join(MODES)})", default=""
    )
    parser.addini("interactor_base_url", "default of --interactor-base-url", default="")
    parser.addini(
        "interactor_contracts",
        "default of --interactor-contracts (relative to the ini file)",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    live.configure(config)
    # Fail at start-up, not in the first test, on a bad mode, base URL or directory.
    _option_mode(config)
    _option_base_url(config)
    _contracts_dir(config)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    live.skip_without_key(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    # A live test whose answers drifted from the contract fails (see pytest_interactor.live).
    return (yield from live.check_drift(item))


def _option_mode(config: pytest.Config) -> str:
    mode = config.getoption("interactor_mode") or str(config.getini("interactor_mode")).strip()
    if not mode:
        return DEFAULT_MODE
    if mode not in MODES:
        raise pytest.UsageError(
            f"interactor_mode must be one of {', '.join(MODES)}, not {mode!r} (ini file)"
        )
    return str(mode)


def _option_base_url(config: pytest.Config) -> str:
    raw = config.getoption("interactor_base_url")
    where = "--interactor-base-url"
    if not raw:
        raw, where = str(config.getini("interactor_base_url")).strip(), "interactor_base_url"
    if not raw:
        return DEFAULT_BASE_URL
    try:
        return normalize_base_url(str(raw))
    except ValueError as exc:
        raise pytest.UsageError(f"{where}: {exc}") from None


def _contracts_dir(config: pytest.Config) -> Path | None:
    """The configured contracts directory, or ``None`` for the shipped contracts."""
    raw = config.getoption("interactor_contracts")
    if raw:
        where = "--interactor-contracts"
        path = config.invocation_params.dir / Path(raw).expanduser()
    else:
        value = str(config.getini("interactor_contracts")).strip()
        if not value:
            return None
        where = "interactor_contracts"
        base = config.inipath.parent if config.inipath else config.rootpath
        path = base / Path(value).expanduser()
    if not path.is_dir():
        raise pytest.UsageError(f"{where}: contracts directory not found: {path}")
    return path.resolve()


def _load_contracts(config: pytest.Config) -> ContractRegistry:
    return default_registry(_contracts_dir(config))


def pytest_report_header(config: pytest.Config) -> list[str]:
    mode = _option_mode(config)
    directory = _contracts_dir(config)
    # Count the files rather than load them: loading (and checking) waits for the first test
    # that needs the contracts, so a run that uses none pays nothing.
    root = directory if directory is not None else default_contracts_dir()
    shown = str(directory) if directory is not None else f"shipped ({root})"
    connectors = len(contract_files(root))
    plural = "" if connectors == 1 else "s"
    line = f"interactor-mock: mode={mode}, contracts={shown}, {connectors} connector{plural}"
    if mode == "inprocess":
        line += f", base_url={_option_base_url(config)}"
    live_line = live.header(config)
    return [line] if live_line is None else [line, live_line]


# -- settings of one test ------------------------------------------------------------------


def _marker_values(node: pytest.Item) -> dict[str, Any]:
    """The marker's keywords, the closest marker winning per keyword (function > class)."""
    values: dict[str, Any] = {}
    for marker in node.iter_markers(MARKER):
        if marker.args:
            pytest.fail(
                f"@pytest.mark.{MARKER} takes keyword arguments only "
                f"({', '.join(MARKER_KEYWORDS)}), got positional {marker.args!r}",
                pytrace=False,
            )
        unknown = sorted(set(marker.kwargs) - set(MARKER_KEYWORDS))
        if unknown:
            pytest.fail(
                f"@pytest.mark.{MARKER}: unknown argument(s) {', '.join(unknown)}; "
                f"known: {', '.join(MARKER_KEYWORDS)}",
                pytrace=False,
            )
        for key, value in marker.kwargs.items():
            values.setdefault(key, value)
    return values


def _accounts(value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        pytest.fail(
            f"@pytest.mark.{MARKER}(accounts=...) must map connectors to account lists, "
            f"e.g. {{'gmail': ['alice']}}, not {value!r}",
            pytrace=False,
        )
    accounts: dict[str, tuple[str, ...]] = {}
    for connector, names in value.items():
        listed = (names,) if isinstance(names, str) else names
        if not isinstance(connector, str) or not all(isinstance(n, str) and n for n in listed):
            pytest.fail(
                f"@pytest.mark.{MARKER}(accounts=...): {connector!r} must map to a list of "
                f"non-empty account names, not {names!r}",
                pytrace=False,
            )
        accounts[connector] = tuple(listed)
    return accounts


def resolve_settings(node: pytest.Item, config: pytest.Config) -> InteractorSettings:
    """The ``interactor`` fixture's settings for ``node``: marker, else option, else ini."""
    values = _marker_values(node)
    default_mode, default_base_url = _run_defaults(config)
    mode = values.get("mode") or default_mode
    if mode not in MODES:
        pytest.fail(
            f"@pytest.mark.{MARKER}(mode=...) must be one of {', '.join(MODES)}, not {mode!r}",
            pytrace=False,
        )
    base_url = default_base_url
    if values.get("base_url") is not None:
        if mode != "inprocess":
            pytest.fail(
                f"@pytest.mark.{MARKER}(base_url=...) applies to inprocess mode only (this test "
                f"runs in {mode} mode): add mode='inprocess'",
                pytrace=False,
            )
        try:
            base_url = normalize_base_url(str(values["base_url"]))
        except ValueError as exc:
            pytest.fail(f"@pytest.mark.{MARKER}(base_url=...): {exc}", pytrace=False)
    seed = values.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        pytest.fail(
            f"@pytest.mark.{MARKER}(seed=...) must be an integer, not {seed!r}", pytrace=False
        )
    return InteractorSettings(
        mode=str(mode), base_url=base_url, accounts=_accounts(values.get("accounts")), seed=seed
    )


def _run_defaults(config: pytest.Config) -> tuple[str, str]:
    """The run's mode and base URL (options, else ini), worked out once per run (they were
    checked at start-up)."""
    defaults = config.stash.get(_RUN_DEFAULTS, None)
    if defaults is None:
        defaults = _option_mode(config), _option_base_url(config)
        config.stash[_RUN_DEFAULTS] = defaults
    return defaults


def _environment_name(nodeid: str) -> str:
    name = _UNSAFE.sub(" ", nodeid).strip() or "test"
    return name if len(name) <= _ENV_NAME_LIMIT else "..." + name[-_ENV_NAME_LIMIT:]


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def interactor_contracts(pytestconfig: pytest.Config) -> ContractRegistry:
    """The contracts the mock serves (``--interactor-contracts``, else the shipped ones)."""
    try:
        return _load_contracts(pytestconfig)
    except ContractError as exc:
        pytest.fail(f"interactor-mock: a contract is defective: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def interactor_app(pytestconfig: pytest.Config, interactor_contracts: ContractRegistry) -> Flask:
    """The Flask app behind every mode, shared by the session (tests are isolated by
    environment, not by app)."""
    config = MockConfig(contracts_dir=_contracts_dir(pytestconfig))
    return create_app(config, registry=interactor_contracts)


@pytest.fixture(scope="session")
def interactor_server(interactor_app: Flask) -> Iterator[MockServer]:
    """One thread server on 127.0.0.1 (a free port) for the session; each xdist worker, being
    its own process, gets its own."""
    with MockServer(app=interactor_app) as server:
        yield server


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
    if live.wanted(request.node):
        registry = request.getfixturevalue("interactor_contracts")
        yield from live.live_interactor(request, registry, settings.accounts)
        return
    engine = interactor_app.extensions[EXTENSION]
    environment = engine.environments.create(
        _environment_name(request.node.nodeid), seed=settings.seed
    )
    inprocess: InProcessMock | None = None
    try:
        if settings.mode == "server":
            server: MockServer = request.getfixturevalue("interactor_server")
            handle = InteractorMock(
                interactor_app, environment.id, base_url=server.base_url, mode="server"
            )
        else:
            inprocess = InProcessMock(settings.base_url, app=interactor_app)
            handle = inprocess.start(environment.id)
        for connector, accounts in settings.accounts.items():
            for account in accounts:
                try:
                    handle._grant(connector, account)
                except (LookupError, ValueError) as exc:
                    known = ", ".join(c.key for c in handle.contracts)
                    pytest.fail(
                        f"@pytest.mark.{MARKER}(accounts=...): {exc} (known connectors: {known})",
                        pytrace=False,
                    )
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
        pytest.fail(format_server_errors(errors, environment=environment.id), pytrace=False)
