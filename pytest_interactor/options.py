"""The run's settings: the ``--interactor-*`` options and their ini twins, read and checked.

Every value is checked at start-up (``pytest_configure``), so a typo is a usage error before
the first test rather than a failure in it. The option wins over the ini. Nothing here imports
the mock: the plugin is loaded by every pytest run in an environment where interactor-mock is
installed, used or not (see :mod:`pytest_interactor.plugin`).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MODE",
    "DEFAULT_OWNER",
    "MODES",
    "Listen",
    "RunSettings",
    "base_url",
    "contracts_dir",
    "listen",
    "mode",
    "parse_listen",
    "run_settings",
    "seed",
    "shipped_contracts_dir",
]

MODES = ("server", "inprocess")
DEFAULT_MODE = "server"
#: The real API's root (``interactor_mock.DEFAULT_BASE_URL``, repeated here so that the help
#: text costs no import; a test checks that the two agree).
DEFAULT_BASE_URL = "https://console.interactor.com/api/v1"
DEFAULT_HOST = "127.0.0.1"
#: The owner of the shipped connectors (``interactor_mock.contracts.DEFAULT_OWNER``).
DEFAULT_OWNER = "interactor"
_RUN_SETTINGS = pytest.StashKey["RunSettings"]()


@dataclass(frozen=True)
class Listen:
    """Where the session's thread server listens (port 0: a free port)."""

    host: str = DEFAULT_HOST
    port: int = 0

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class RunSettings:
    """The run-wide defaults of the ``interactor`` fixture (options, else ini, else built-in)."""

    mode: str
    base_url: str
    seed: int | None
    listen: Listen


def _raw(config: pytest.Config, option: str, ini: str) -> tuple[str, str, str]:
    """The option's value, else the ini's; where it came from, and a suffix for messages
    about the ini (``--interactor-x``, ``""`` or ``interactor_x``, ``" (ini file)"``)."""
    value = config.getoption(option)
    if value is not None and str(value).strip():
        return str(value).strip(), "--" + option.replace("_", "-"), ""
    return str(config.getini(ini)).strip(), ini, " (ini file)"


def mode(config: pytest.Config) -> str:
    """``--interactor-mode``, else ini ``interactor_mode``, else ``server``."""
    value, where, ini = _raw(config, "interactor_mode", "interactor_mode")
    if not value:
        return DEFAULT_MODE
    if value not in MODES:
        raise pytest.UsageError(f"{where} must be one of {', '.join(MODES)}, not {value!r}{ini}")
    return value


def base_url(config: pytest.Config) -> str:
    """``--interactor-base-url``, else ini ``interactor_base_url``, normalized."""
    value, where, _ = _raw(config, "interactor_base_url", "interactor_base_url")
    if not value:
        return DEFAULT_BASE_URL
    from interactor_mock.embed.inprocess import normalize_base_url

    try:
        return normalize_base_url(value)
    except ValueError as exc:
        raise pytest.UsageError(f"{where}: {exc}") from None


def seed(config: pytest.Config) -> int | None:
    """``--interactor-seed``, else ini ``interactor_seed``: the seed of every environment's
    generated data (a test's marker ``seed=`` wins); ``None`` when neither is set."""
    value, where, ini = _raw(config, "interactor_seed", "interactor_seed")
    if not value:
        return None
    try:
        return int(value, 10)
    except ValueError:
        raise pytest.UsageError(f"{where} must be an integer, not {value!r}{ini}") from None


def parse_listen(value: str) -> Listen:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6), or ``PORT`` alone for 127.0.0.1.

    Raises:
        ValueError: saying what is wrong and what is expected.
    """
    text = value.strip()
    expected = "expected HOST:PORT, e.g. 127.0.0.1:1290 (port 0 picks a free port)"
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or not rest.startswith(":") or not host:
            raise ValueError(f"{value!r} is not a bracketed IPv6 address and a port; {expected}")
        port_text = rest[1:]
    elif ":" in text:
        host, _, port_text = text.rpartition(":")
        if ":" in host:
            raise ValueError(f"IPv6 addresses go in brackets ([::1]:1290), not {value!r}")
        if not host:
            raise ValueError(f"{value!r} names no host; {expected}")
    else:
        host, port_text = DEFAULT_HOST, text
    if not host.strip() or any(c.isspace() for c in host):
        raise ValueError(f"{value!r} has no valid host; {expected}")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(f"port must be an integer from 0 to 65535, not {port_text!r}; {expected}")
    return Listen(host, int(port_text))


def listen(config: pytest.Config) -> Listen:
    """``--interactor-listen``, else ini ``interactor_listen``, else 127.0.0.1 and a free port."""
    value, where, _ = _raw(config, "interactor_listen", "interactor_listen")
    if not value:
        return Listen()
    try:
        return parse_listen(value)
    except ValueError as exc:
        raise pytest.UsageError(f"{where}: {exc}") from None


def contracts_dir(config: pytest.Config) -> Path | None:
    """The configured contracts directory, or ``None`` for the shipped contracts.

    Relative paths are relative to the invocation directory (option) or the ini file (ini).
    """
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


def shipped_contracts_dir() -> Path:
    """The contracts shipped with interactor-mock, found without importing it (importing the
    package loads Flask and the engine): ``interactor_mock/_contracts`` in a wheel, else
    ``contracts/`` next to the package in a source checkout, as
    ``interactor_mock.contracts.default_contracts_dir`` says (a test checks that they agree)."""
    spec = importlib.util.find_spec("interactor_mock")
    if spec is None or not spec.submodule_search_locations:
        raise pytest.UsageError("interactor-mock: the interactor_mock package is not installed")
    package_dir = Path(next(iter(spec.submodule_search_locations))).resolve()
    installed = package_dir / "_contracts"
    return installed if installed.is_dir() else package_dir.parent / "contracts"


def run_settings(config: pytest.Config) -> RunSettings:
    """The run's settings, read once (they were checked at start-up)."""
    found = config.stash.get(_RUN_SETTINGS, None)
    if found is None:
        found = RunSettings(
            mode=mode(config), base_url=base_url(config), seed=seed(config), listen=listen(config)
        )
        config.stash[_RUN_SETTINGS] = found
    return found
