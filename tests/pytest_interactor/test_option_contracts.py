"""``--interactor-contracts`` and its ini twin ``interactor_contracts``, through ``pytester``."""

from __future__ import annotations

import shutil

import pytest

from interactor_mock.contracts import default_contracts_dir

ONLY_GMAIL = """
    import pytest
    from interactor_mock.errors import UnknownConnector

    def test_only_gmail(interactor, interactor_contracts):
        assert [c.key for c in interactor_contracts] == ["interactor/gmail"]
        assert interactor.contracts is interactor_contracts
        interactor.grant("gmail", "alice")
        with pytest.raises(UnknownConnector):
            interactor.grant("slack", "alice")
"""


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def gmail_only(directory):
    """A contracts directory holding a copy of the shipped gmail contract, and nothing else."""
    (directory / "interactor").mkdir(parents=True)
    shutil.copy(default_contracts_dir() / "interactor" / "gmail.json", directory / "interactor")
    return directory


def test_the_option_chooses_the_contracts_directory(pytester):
    gmail_only(pytester.path / "my-contracts")
    pytester.makepyfile(test_contracts=ONLY_GMAIL)
    run(pytester, "--interactor-contracts=my-contracts").assert_outcomes(passed=1)


@pytest.mark.parametrize("mode", ["server", "inprocess"])
def test_the_chosen_contracts_are_served_in_every_mode(pytester, mode):
    gmail_only(pytester.path / "my-contracts")
    pytester.makepyfile(
        """
        import requests

        def test_slack_is_unknown(interactor):
            response = requests.get(
                f"{interactor.base_url}/connector/slack/credential",
                params={"account": "alice"},
                headers=interactor.headers,
                timeout=10,
            )
            assert response.status_code == 404
            assert response.json()["known_connectors"] == ["interactor/gmail"]
        """
    )
    result = run(pytester, "--interactor-contracts=my-contracts", f"--interactor-mode={mode}")
    result.assert_outcomes(passed=1)


def test_the_ini_names_a_directory_relative_to_the_ini_file(pytester):
    gmail_only(pytester.path / "config" / "contracts")
    pytester.makefile(".ini", **{"config/pytest": "[pytest]\ninteractor_contracts = contracts\n"})
    pytester.makepyfile(test_contracts=ONLY_GMAIL)
    run(pytester, "-c", "config/pytest.ini", "--rootdir", ".").assert_outcomes(passed=1)


def test_the_option_overrides_the_ini(pytester):
    gmail_only(pytester.path / "mine")
    pytester.makeini("[pytest]\ninteractor_contracts = does-not-exist\n")
    pytester.makepyfile(test_contracts=ONLY_GMAIL)
    run(pytester, "--interactor-contracts=mine").assert_outcomes(passed=1)


def test_a_missing_directory_is_a_usage_error(pytester):
    result = run(pytester, "--interactor-contracts=nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --interactor-contracts: contracts directory not found: */nowhere"]
    )


def test_a_missing_ini_directory_names_the_ini_key(pytester):
    pytester.makeini("[pytest]\ninteractor_contracts = nowhere\n")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: interactor_contracts: contracts directory not found: *"])


def test_a_defective_contract_errors_the_tests_that_use_it_naming_the_file(pytester):
    directory = gmail_only(pytester.path / "broken")
    (directory / "acme").mkdir()
    (directory / "acme" / "widgets.json").write_text("{", encoding="utf-8")
    pytester.makepyfile(
        """
        def test_uses_the_mock(interactor):
            pass

        def test_does_not():
            pass
        """
    )
    result = run(pytester, "--interactor-contracts=broken")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_uses_the_mock*",
            "interactor-mock: a contract is defective: acme/widgets.json: at /: not valid JSON*",
        ]
    )
