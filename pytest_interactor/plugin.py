"""The pytest plugin (registered through the ``pytest11`` entry point): hooks, options, ini
and the report header.

The fixtures are in :mod:`pytest_interactor.fixtures`, the marker in
:mod:`pytest_interactor.marker`, the run's settings in :mod:`pytest_interactor.options` and
live mode in :mod:`pytest_interactor.live`.

pytest loads this module in every run of every project whose environment has interactor-mock
installed, whether it uses the mock or not. So it imports nothing heavy: no Flask, werkzeug,
jsonschema, Hypothesis, Faker, requests or responses, and none of the mock's engine. They are
imported when a fixture is first set up (or a marker's value needs checking against the
mock); ``tests/pytest_interactor/test_startup.py`` checks it and ``python -m bench --only
plugin-start-up`` measures it.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from pytest_interactor import live_hooks
from pytest_interactor import options
from pytest_interactor.fixtures import interactor
from pytest_interactor.fixtures import interactor_app
from pytest_interactor.fixtures import interactor_contracts
from pytest_interactor.fixtures import interactor_factory
from pytest_interactor.fixtures import interactor_server
from pytest_interactor.marker import MARKER_HELP
from pytest_interactor.marker import InteractorSettings
from pytest_interactor.marker import resolve_settings

__all__ = [
    "InteractorSettings",
    "interactor",
    "interactor_app",
    "interactor_contracts",
    "interactor_factory",
    "interactor_server",
    "resolve_settings",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("interactor", "interactor-mock (offline Interactor API)")
    group.addoption(
        "--interactor-mode",
        choices=options.MODES,
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
        f"else {options.DEFAULT_BASE_URL}.",
    )
    group.addoption(
        "--interactor-contracts",
        default=None,
        metavar="DIR",
        help="the contracts directory (<owner>/<name>.json files). Default: ini "
        "interactor_contracts, else the contracts shipped with interactor-mock.",
    )
    group.addoption(
        "--interactor-seed",
        default=None,
        metavar="N",
        help="the seed of every environment's generated data, so that runs repeat (a test's "
        "@pytest.mark.interactor(seed=...) wins). Default: ini interactor_seed, else 0.",
    )
    group.addoption(
        "--interactor-listen",
        default=None,
        metavar="HOST:PORT",
        help="where the session's thread server listens ([::1]:PORT for IPv6; port 0 picks a "
        "free one). Default: ini interactor_listen, else 127.0.0.1 and a free port. Under "
        "pytest-xdist every worker has its own server: leave the port free there.",
    )
    live_hooks.add_options(group, parser)
    parser.addini(
        "interactor_mode",
        f"default of --interactor-mode ({' or '.join(options.MODES)})",
        default="",
    )
    parser.addini("interactor_base_url", "default of --interactor-base-url", default="")
    parser.addini(
        "interactor_contracts",
        "default of --interactor-contracts (relative to the ini file)",
        default="",
    )
    parser.addini("interactor_seed", "default of --interactor-seed (an integer)", default="")
    parser.addini("interactor_listen", "default of --interactor-listen (HOST:PORT)", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    live_hooks.configure(config)
    # Fail at start-up, not in the first test, on a bad mode, base URL, seed, address or
    # directory.
    options.run_settings(config)
    options.contracts_dir(config)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    live_hooks.skip_without_key(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    # A live test whose answers drifted from the contract fails (see pytest_interactor.live).
    return (yield from live_hooks.check_drift(item))


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = options.run_settings(config)
    directory = options.contracts_dir(config)
    # Count the files rather than load them: loading (and checking) waits for the first test
    # that needs the contracts, so a run that uses none pays nothing.
    root = directory if directory is not None else options.shipped_contracts_dir()
    shown = str(directory) if directory is not None else f"shipped ({root})"
    connectors = sum(1 for path in root.glob("*/*.json") if path.is_file())
    plural = "" if connectors == 1 else "s"
    line = f"interactor-mock: mode={run.mode}, contracts={shown}, {connectors} connector{plural}"
    if run.mode == "inprocess":
        line += f", base_url={run.base_url}"
    if run.seed is not None:
        line += f", seed={run.seed}"
    if run.listen != options.Listen():
        line += f", listen={run.listen}"
    live_line = live_hooks.header(config)
    return [line] if live_line is None else [line, live_line]
