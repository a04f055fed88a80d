"""The report header line: mode, contracts directory, number of connectors."""

from __future__ import annotations

import shutil

from interactor_mock.contracts import contract_files
from interactor_mock.contracts import default_contracts_dir


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def test_the_header_names_mode_shipped_contracts_and_connector_count(pytester):
    shipped = default_contracts_dir()
    count = len(contract_files(shipped))
    result = run(pytester)
    result.stdout.fnmatch_lines(
        [f"interactor-mock: mode=server, contracts=shipped ({shipped}), {count} connectors"]
    )


def test_the_header_shows_the_intercepted_base_url_in_inprocess_mode(pytester):
    result = run(pytester, "--interactor-mode=inprocess")
    result.stdout.fnmatch_lines(
        ["interactor-mock: mode=inprocess, *, base_url=https://console.interactor.com/api/v1"]
    )


def test_the_header_shows_a_chosen_contracts_directory(pytester):
    directory = pytester.path / "contracts" / "interactor"
    directory.mkdir(parents=True)
    shutil.copy(default_contracts_dir() / "interactor" / "gmail.json", directory)
    result = run(pytester, "--interactor-contracts=contracts")
    result.stdout.fnmatch_lines(
        [f"interactor-mock: mode=server, contracts={pytester.path / 'contracts'}, 1 connector"]
    )


def test_the_header_does_not_load_the_contracts(pytester):
    """Loading waits for the first test that needs the contracts; a broken file shows then."""
    directory = pytester.path / "contracts" / "acme"
    directory.mkdir(parents=True)
    (directory / "broken.json").write_text("{", encoding="utf-8")
    pytester.makepyfile("def test_no_mock(): pass")
    result = run(pytester, "--interactor-contracts=contracts")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["interactor-mock: mode=server, contracts=*, 1 connector"])
