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

from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from typing import NoReturn

import pytest

from interactor_mock import InteractorMock
from interactor_mock import MockServer
from interactor_mock.contracts import ContractRegistry
from interactor_mock.core.journal import JournalEntry
from interactor_mock.core.journal import redact
from interactor_mock.embed.assertions import CallAssertions
from interactor_mock.embed.assertions import split_connector
from interactor_mock.embed.handle import ApiAddress
from interactor_mock.errors import InteractorMockError
from interactor_mock.tooling.record import Exchange
from interactor_mock.tooling.record import ProxyClient
from interactor_mock.tooling.record import RecordingProxy
from interactor_mock.tooling.scrub import Scrubber
from pytest_interactor.live_hooks import ACCOUNTS_INI
from pytest_interactor.live_hooks import CLIENT_KEY
from pytest_interactor.live_hooks import ENV_BASE_URL
from pytest_interactor.live_hooks import ENV_KEY
from pytest_interactor.live_hooks import NO_KEY
from pytest_interactor.live_hooks import LiveSettings
from pytest_interactor.live_hooks import live_settings
from pytest_interactor.live_hooks import parse_accounts

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


class ContractDrift(InteractorMockError, AssertionError):
    """The real API answered differently from the contract (the message lists how)."""


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


_SESSION_KEY = pytest.StashKey["LiveSession | None"]()


def _session(config: pytest.Config, registry: ContractRegistry) -> LiveSession | None:
    if _SESSION_KEY not in config.stash:
        settings = live_settings(config)
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
        request.node.stash[CLIENT_KEY] = handle
        yield handle
    finally:
        handle.close()
