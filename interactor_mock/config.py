"""Configuration of one mock app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASE_URL = "https://console.interactor.com/api/v1"
DEFAULT_PORT = 1290
DEFAULT_ENVIRONMENTS = ("Development", "Testing", "Production")


@dataclass(frozen=True)
class MockConfig:
    """Settings of a mock app; every field has a sensible default.

    Arguments:
        contracts_dir: where contract files are read from (default: the shipped contracts).
        seed: the seed of every environment's generated data, so runs are reproducible.
        api_key: a fixed key for the Development environment (for reproducible set-ups).
        max_body_bytes: bodies larger than this get 413.
        journal_size: how many requests each environment's journal keeps.
        code_ttl_seconds: lifetime of an OAuth authorization code.
        state_ttl_seconds: lifetime of an auth-url's state.
        credential_ttl_seconds: lifetime of an access token before it needs refreshing.
        check_output: validate every generated output against the contract.
        public_url: the URL clients see the mock at, when it sits behind a proxy.
        max_latency_ms: the longest delay a scenario's latency may add to one call.
        max_pending_grants: how many unfinished auth-url states (and unused codes) the mock
            keeps; expired ones are swept, and past the bound the oldest are forgotten.
    """

    contracts_dir: Path | None = None
    seed: int = 0
    api_key: str | None = None
    max_body_bytes: int = 1024 * 1024
    journal_size: int = 1000
    code_ttl_seconds: int = 600
    state_ttl_seconds: int = 3600
    credential_ttl_seconds: int = 3600
    check_output: bool = True
    public_url: str | None = None
    max_latency_ms: int = 30_000
    max_pending_grants: int = 10_000
