"""Live mode's options, ini, marker and hooks: the cheap half of :mod:`pytest_interactor.live`.

The plugin calls these on every run, so they import nothing of the mock's; the proxy and the
handle (:mod:`pytest_interactor.live`) are imported when a test first needs them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_interactor.options import DEFAULT_BASE_URL
from pytest_interactor.options import DEFAULT_OWNER

if TYPE_CHECKING:
    from pytest_interactor.live import LiveInteractor

__all__ = [
    "ACCOUNTS_INI",
    "ENV_BASE_URL",
    "ENV_KEY",
    "LiveSettings",
    "add_options",
    "check_drift",
    "configure",
    "header",
    "live_settings",
    "parse_accounts",
    "requested",
    "skip_without_key",
    "wanted",
]

ENV_KEY = "INTERACTOR_API_KEY"
ENV_BASE_URL = "INTERACTOR_BASE_URL"
ACCOUNTS_INI = "interactor_live_accounts"
ANY_CONNECTOR = "*"
NO_KEY = f"{ENV_KEY} is not set: live tests against the real Interactor API are skipped"
_LINE = re.compile(r"^\s*(?P<name>[^=:\s]+)\s*[=:]\s*(?P<account>\S.*?)\s*$")


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
            from interactor_mock.errors import UsageError

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
#: The live handle of a test, for the drift check after its call.
CLIENT_KEY: pytest.StashKey[LiveInteractor] = pytest.StashKey()


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


def live_settings(config: pytest.Config) -> LiveSettings | None:
    raw = config.getoption("interactor_record")
    record_dir = config.invocation_params.dir / Path(raw).expanduser() if raw else None
    accounts = parse_accounts(list(config.getini(ACCOUNTS_INI)))
    return LiveSettings.from_environment(accounts, record_dir)


def header(config: pytest.Config) -> str | None:
    """The report header line of live mode, if requested."""
    if not requested(config):
        return None
    settings = live_settings(config)
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


def check_drift(item: pytest.Item) -> Generator[None, object, object]:
    """The body of the plugin's ``pytest_runtest_call`` wrapper: a live test whose answers
    drifted fails (or, if it failed anyway, gets the drift report as a section)."""
    try:
        result = yield
    except BaseException:
        handle = item.stash.get(CLIENT_KEY, None)
        message = handle.drift_message() if handle is not None else None
        if message is not None:
            item.add_report_section("call", "interactor contract drift", message)
        raise
    handle = item.stash.get(CLIENT_KEY, None)
    message = handle.drift_message() if handle is not None else None
    if message is not None:
        pytest.fail(message, pytrace=False)
    return result
