"""Live mode of the pytest plugin: the same tests against the real Interactor API.

With ``--interactor-live`` (or ``--interactor-record DIR``, or on a test marked ``live``),
the ``interactor`` fixture yields a :class:`LiveInteractor` instead of a mock environment.
Its :attr:`~LiveInteractor.base_url` is a proxy on 127.0.0.1 (one per session, and so per
xdist worker) that forwards to ``INTERACTOR_BASE_URL`` with ``INTERACTOR_API_KEY``, maps the
account names the test grants to the real accounts named in the ini option
``interactor_live_accounts``, and compares every answer with the contract. A test whose
answers drifted fails with the list of differences; with ``--interactor-record DIR`` every
exchange is also written there, scrubbed.

Verbs that control the mock (``revoke``, ``rotate_key``, scenarios, ...) cannot act on the
real API: a live test that uses one is skipped, saying which.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import NoReturn

import pytest

from interactor_mock.config import DEFAULT_BASE_URL
from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.contracts import ContractRegistry
from interactor_mock.core.journal import JournalEntry
from interactor_mock.core.journal import redact
from interactor_mock.embed.assertions import CallAssertions
from interactor_mock.embed.assertions import split_connector
from interactor_mock.embed.handle import ApiAddress
from interactor_mock.embed.handle import InteractorMock
from interactor_mock.embed.server import MockServer
from interactor_mock.errors import InteractorMockError
from interactor_mock.errors import UsageError
from interactor_mock.tooling.record import Exchange
from interactor_mock.tooling.record import ProxyClient
from interactor_mock.tooling.record import RecordingProxy
from interactor_mock.tooling.scrub import Scrubber

__all__ = [
    "ACCOUNTS_INI",
    "ENV_BASE_URL",
    "ENV_KEY",
    "ContractDrift",
    "LiveInteractor",
    "LiveSession",
    "LiveSettings",
    "drift_report",
    "parse_accounts",
]

ENV_KEY = "INTERACTOR_API_KEY"
ENV_BASE_URL = "INTERACTOR_BASE_URL"
ACCOUNTS_INI = "interactor_live_accounts"
ANY_CONNECTOR = "*"
NO_KEY = f"{ENV_KEY} is not set: live tests against the real Interactor API are skipped"
_LINE = re.compile(r"^\s*(?P<name>[^=:\s]+)\s*[=:]\s*(?P<account>\S.*?)\s*$")


class ContractDrift(InteractorMockError, AssertionError):
    """The real API answered differently from the contract (the message lists how)."""


def parse_accounts(lines: list[str]) -> dict[str, str]:
    """``connector = account`` lines (``gmail``, ``owner/name`` or ``*`` for any connector)
    as a mapping.

    Raises:
        ValueError: a line that is not ``name = account``.
    """
    accounts: dict[str, str] = {}
    for line in lines:
        if not line.strip() or line.strip().startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise UsageError(
                f"{ACCOUNTS_INI}: {line.strip()!r} is not 'connector = account' "
                "(e.g. 'gmail = me@example.com', or '* = me@example.com' for every connector)"
            )
        name = match["name"]
        if name != ANY_CONNECTOR and "/" not in name:
            name = f"{DEFAULT_OWNER}/{name}"
        accounts[name] = match["account"]
    return accounts


@dataclass(frozen=True)
class LiveSettings:
    """Where the real API is, with which key, and which real accounts tests may use."""

    base_url: str
    api_key: str = field(repr=False)
    accounts: Mapping[str, str]
    record_dir: Path | None = None

    @classmethod
    def from_environment(
        cls, accounts: Mapping[str, str], record_dir: Path | None = None
    ) -> LiveSettings | None:
        """Settings from ``INTERACTOR_API_KEY`` and ``INTERACTOR_BASE_URL``; ``None`` when
        no key is set."""
        key = os.environ.get(ENV_KEY, "").strip()
        if not key:
            return None
        base_url = os.environ.get(ENV_BASE_URL, "").strip() or DEFAULT_BASE_URL
        return cls(
            base_url=base_url.rstrip("/"), api_key=key, accounts=accounts, record_dir=record_dir
        )

    def account_for(self, connector_key: str) -> str | None:
        """The real account to use for ``owner/name`` (or the ``*`` one)."""
        return self.accounts.get(connector_key) or self.accounts.get(ANY_CONNECTOR)


def drift_report(exchanges: list[Exchange], *, scrubber: Scrubber, record_dir: Path | None) -> str:
    """The failure message of a live test whose answers drifted from the contract."""
    drifted = [e for e in exchanges if e.drift is not None and e.drift.differences]
    count = sum(len(e.drift.differences) for e in drifted if e.drift is not None)
    lines = [
        f"Contract drift: the real Interactor API answered {len(drifted)} call(s) differently "
        f"from the contract ({count} difference(s)):"
    ]
    for exchange in drifted:
        assert exchange.drift is not None
        lines.append("")
        account = f" account={exchange.asked_account!r}" if exchange.asked_account else ""
        lines.append(f"{exchange.title}{account} -> {exchange.status}")
        lines.append(exchange.drift.report(indent="    ", render=scrubber.scrub_text))
    lines.append("")
    if record_dir is not None:
        lines.append(
            f"The exchanges were recorded (scrubbed) in {record_dir}: review, then run "
            f"'interactor-mock contracts update --from-recordings {record_dir}'."
        )
    else:
        lines.append(
            "If the API changed on purpose, record it (pytest --interactor-record DIR, or "
            "interactor-mock record) and run 'interactor-mock contracts update "
            "--from-recordings DIR'."
        )
    return "\n".join(lines)


class LiveSession:
    """The proxy of one test session (started by :meth:`start`, stopped by :meth:`stop`)."""

    def __init__(self, settings: LiveSettings, registry: ContractRegistry) -> None:
        self.settings = settings
        self.registry = registry
        self.scrubber = Scrubber(secrets=[settings.api_key], accounts=settings.accounts.values())
        self.proxy = RecordingProxy(
            settings.base_url,
            api_key=settings.api_key,
            out_dir=settings.record_dir,
            registry=registry,
            scrubber=self.scrubber,
            inject_key="registered",
        )
        self.server = MockServer(app=self.proxy.app)

    def start(self) -> LiveSession:
        """Start the proxy on 127.0.0.1 (and create the recordings directory)."""
        if self.settings.record_dir is not None:
            self.settings.record_dir.mkdir(parents=True, exist_ok=True)
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop the proxy."""
        self.server.stop()

    def client(self, name: str) -> LiveInteractor:
        """A handle for one test, with its own local key (and so its own exchanges)."""
        return LiveInteractor(self, self.proxy.register_client(name))

    def __repr__(self) -> str:
        return f"<LiveSession {self.server.base_url} -> {self.settings.base_url}>"


class LiveInteractor(ApiAddress, CallAssertions):
    """What the ``interactor`` fixture yields in live mode: the counterpart of
    :class:`~interactor_mock.InteractorMock` for the real API.

    Send requests to :attr:`base_url` with :attr:`headers`; the proxy puts the real key in.
    """

    mode = "live"

    def __init__(self, session: LiveSession, client: ProxyClient) -> None:
        self._session = session
        self._client = client
        #: The proxy's API root on 127.0.0.1.
        self.base_url = session.server.base_url

    def __repr__(self) -> str:
        return f"<LiveInteractor base_url={self.base_url!r} -> {self._session.settings.base_url}>"

    @property
    def api_key(self) -> str:
        """This test's local key: the proxy swaps it for the real one (never exposed)."""
        return self._client.key

    @property
    def contracts(self) -> ContractRegistry:
        """The contracts answers are compared with."""
        return self._session.registry

    def grant(self, connector: str, account: str, *, owner: str | None = None) -> dict[str, Any]:
        """Use the real account configured for ``connector`` wherever this test says
        ``account`` (the real account must already be connected in the console).

        Skips the test when ``interactor_live_accounts`` names no account for it.
        """
        found_owner, name = split_connector(connector, owner)
        contract = self._session.registry.connector(name, found_owner)
        real = self._session.settings.account_for(contract.key)
        if real is None:
            pytest.skip(
                f"live mode: no real account for {contract.key} in ini {ACCOUNTS_INI} "
                f"(add '{contract.name} = <account connected in the console>')"
            )
        self._client.accounts.setdefault(contract.key, {})[account] = real
        return {"connector": contract.key, "account": account, "live": True}

    @property
    def exchanges(self) -> list[Exchange]:
        """Every exchange of this test through the proxy, oldest first."""
        return list(self._client.exchanges)

    @property
    def calls(self) -> tuple[JournalEntry, ...]:
        """The test's requests, shaped like the mock's journal entries."""
        entries = []
        for seq, exchange in enumerate(self._client.exchanges, 1):
            error = exchange.body.get("error") if isinstance(exchange.body, Mapping) else None
            entries.append(
                JournalEntry(
                    seq=seq,
                    time="",
                    method=exchange.method,
                    path=exchange.path,
                    query="",
                    status=exchange.status,
                    duration_ms=exchange.duration_ms,
                    connector=exchange.connector,
                    action=exchange.action,
                    account=exchange.asked_account,
                    input=redact(exchange.input) if exchange.input is not None else None,
                    error=str(error) if error is not None else None,
                )
            )
        return tuple(entries)

    def drift_message(self) -> str | None:
        """The drift report of this test's exchanges, ``None`` when they all conform."""
        if not any(e.drift is not None and e.drift.differences for e in self._client.exchanges):
            return None
        return drift_report(
            self._client.exchanges,
            scrubber=self._session.scrubber,
            record_dir=self._session.settings.record_dir,
        )

    def check(self) -> None:
        """Raise :class:`ContractDrift` if any answer so far drifted from the contract."""
        message = self.drift_message()
        if message is not None:
            raise ContractDrift(message)

    def close(self) -> None:
        """Forget this test's key (the proxy stops swapping it)."""
        self._session.proxy.unregister_client(self._client)

    def __getattr__(self, name: str) -> NoReturn:
        if not name.startswith("_") and hasattr(InteractorMock, name):
            pytest.skip(
                f"interactor.{name} controls the mock and cannot act on the real API "
                "(live mode): this test runs against the mock only"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


# -- the plugin's live-mode hooks (called from pytest_interactor.plugin) -------------------

LIVE_MARKER = "live"
LIVE_MARKER_HELP = (
    "live: a check against the real Interactor API: its 'interactor' fixture talks to the "
    f"real API (through a contract-checking proxy); skipped when {ENV_KEY} is not set."
)
LIVE_HELP = (
    "run tests that use the 'interactor' fixture against the real Interactor API "
    f"(${ENV_KEY}; ${ENV_BASE_URL}, default {DEFAULT_BASE_URL}; accounts from ini "
    f"{ACCOUNTS_INI}), failing a test whose answers drift from the contracts. Without a key, "
    "those tests are skipped."
)
RECORD_HELP = (
    "like --interactor-live, and also write every exchange, scrubbed, to DIR (for "
    "'interactor-mock contracts update --from-recordings DIR')."
)
ACCOUNTS_HELP = (
    "real accounts for live mode, one 'connector = account' per line ('* = account' for "
    "every connector); each must be connected in the Interactor console."
)
_SESSION_KEY = pytest.StashKey["LiveSession | None"]()
_CLIENT_KEY = pytest.StashKey[LiveInteractor]()


def add_options(group: pytest.OptionGroup, parser: pytest.Parser) -> None:
    """``--interactor-live``, ``--interactor-record DIR`` and ini ``interactor_live_accounts``."""
    group.addoption("--interactor-live", action="store_true", default=False, help=LIVE_HELP)
    group.addoption("--interactor-record", default=None, metavar="DIR", help=RECORD_HELP)
    parser.addini(ACCOUNTS_INI, ACCOUNTS_HELP, type="linelist", default=[])


def configure(config: pytest.Config) -> None:
    """Register the ``live`` marker; check the accounts ini at start-up."""
    config.addinivalue_line("markers", LIVE_MARKER_HELP)
    try:
        parse_accounts(list(config.getini(ACCOUNTS_INI)))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


def requested(config: pytest.Config) -> bool:
    """Whether the run asks for live mode (``--interactor-live`` or ``--interactor-record``)."""
    return bool(config.getoption("interactor_live") or config.getoption("interactor_record"))


def wanted(item: pytest.Item) -> bool:
    """Whether this test's ``interactor`` fixture talks to the real API."""
    return requested(item.config) or item.get_closest_marker(LIVE_MARKER) is not None


def _settings(config: pytest.Config) -> LiveSettings | None:
    raw = config.getoption("interactor_record")
    record_dir = config.invocation_params.dir / Path(raw).expanduser() if raw else None
    accounts = parse_accounts(list(config.getini(ACCOUNTS_INI)))
    return LiveSettings.from_environment(accounts, record_dir)


def header(config: pytest.Config) -> str | None:
    """The report header line of live mode, if requested."""
    if not requested(config):
        return None
    settings = _settings(config)
    if settings is None:
        return f"interactor-mock live: {NO_KEY}"
    names = ", ".join(sorted(settings.accounts)) or f"none (ini {ACCOUNTS_INI})"
    line = f"interactor-mock live: {settings.base_url}, accounts for: {names}"
    if settings.record_dir is not None:
        line += f", recording to {settings.record_dir}"
    return line


def skip_without_key(item: pytest.Item) -> None:
    """Skip, before set-up, a test that would talk to the real API when no key is set: one
    marked ``live``, or one using the ``interactor`` fixture in a live run. (Raised here, not
    in the fixture, so that the summary shows one line for all of them.)"""
    if os.environ.get(ENV_KEY, "").strip():
        return
    uses_fixture = "interactor" in getattr(item, "fixturenames", ())
    if item.get_closest_marker(LIVE_MARKER) is not None or (
        uses_fixture and requested(item.config)
    ):
        pytest.skip(NO_KEY)


def _session(config: pytest.Config, registry: ContractRegistry) -> LiveSession | None:
    if _SESSION_KEY not in config.stash:
        settings = _settings(config)
        session = LiveSession(settings, registry).start() if settings is not None else None
        if session is not None:
            config.add_cleanup(session.stop)
        config.stash[_SESSION_KEY] = session
    return config.stash[_SESSION_KEY]


def live_interactor(
    request: pytest.FixtureRequest,
    registry: ContractRegistry,
    accounts: Mapping[str, tuple[str, ...]],
) -> Iterator[LiveInteractor]:
    """The ``interactor`` fixture in live mode: a :class:`LiveInteractor` for this test,
    with the marker's accounts granted; skips when no key is set."""
    session = _session(request.config, registry)
    if session is None:
        pytest.skip(NO_KEY)
    handle = session.client(request.node.nodeid)
    try:
        for connector, names in accounts.items():
            for name in names:
                handle.grant(connector, name)
        request.node.stash[_CLIENT_KEY] = handle
        yield handle
    finally:
        handle.close()


def check_drift(item: pytest.Item) -> Generator[None, object, object]:
    """The body of the plugin's ``pytest_runtest_call`` wrapper: a live test whose answers
    drifted fails (or, if it failed anyway, gets the drift report as a section)."""
    try:
        result = yield
    except BaseException:
        handle = item.stash.get(_CLIENT_KEY, None)
        message = handle.drift_message() if handle is not None else None
        if message is not None:
            item.add_report_section("call", "interactor contract drift", message)
        raise
    handle = item.stash.get(_CLIENT_KEY, None)
    message = handle.drift_message() if handle is not None else None
    if message is not None:
        pytest.fail(message, pytrace=False)
    return result
