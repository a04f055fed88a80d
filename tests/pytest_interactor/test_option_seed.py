"""``--interactor-seed N`` and ini ``interactor_seed``: the seed of every environment's
generated data (the marker's ``seed=`` wins), through ``pytester``."""

from __future__ import annotations

import pytest

HELPERS = """
    import requests

    def listed(interactor, account="alice"):
        return requests.post(
            f"{interactor.base_url}/connector/gmail/action/email.attachment.get/execute",
            params={"account": account},
            headers=interactor.headers,
            json={"message_id": "m1", "attachment_id": "a1"},  # generated: seed-dependent
            timeout=10,
        ).json()
"""
# Two runs compare what they generated through a file: the same seed, the same output.
TESTS = """
    import json
    import pathlib

    import pytest
    from conftest import listed

    @pytest.mark.interactor(accounts={"gmail": ["alice"]})
    def test_unmarked_uses_the_run_seed(interactor):
        output = listed(interactor)
        pathlib.Path("unmarked.json").write_text(json.dumps(output))

    @pytest.mark.interactor(accounts={"gmail": ["alice"]}, seed=SEED)
    def test_marked_with_the_same_seed(interactor):
        assert listed(interactor) == json.loads(pathlib.Path("unmarked.json").read_text())

    @pytest.mark.interactor(accounts={"gmail": ["alice"]}, seed=SEED + 1)
    def test_marked_with_another_seed(interactor):
        assert listed(interactor) != json.loads(pathlib.Path("unmarked.json").read_text())
"""


@pytest.fixture
def project(pytester):
    pytester.makeconftest(HELPERS)
    return pytester


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def test_the_option_seeds_every_environment_as_the_marker_would(project):
    project.makepyfile(TESTS.replace("SEED", "41"))
    run(project, "--interactor-seed=41").assert_outcomes(passed=3)


def test_the_ini_seeds_every_environment_as_the_marker_would(project):
    project.makeini("[pytest]\ninteractor_seed = 1234\n")
    project.makepyfile(TESTS.replace("SEED", "1234"))
    run(project).assert_outcomes(passed=3)


def test_the_option_wins_over_the_ini(project):
    project.makeini("[pytest]\ninteractor_seed = 1234\n")
    project.makepyfile(TESTS.replace("SEED", "8"))
    run(project, "--interactor-seed=8").assert_outcomes(passed=3)


def test_without_a_seed_the_environments_use_the_default_one(project):
    project.makepyfile(TESTS.replace("SEED", "0"))
    run(project).assert_outcomes(passed=3)


def test_the_seed_is_in_the_report_header(project):
    result = run(project, "--interactor-seed=-3")
    result.stdout.fnmatch_lines(["interactor-mock: mode=server, *, seed=-3"])


@pytest.mark.parametrize(
    ("ini", "args", "message"),
    [
        ("", ("--interactor-seed=abc",), "ERROR: --interactor-seed must be an integer, not 'abc'"),
        ("", ("--interactor-seed=1.5",), "ERROR: --interactor-seed must be an integer, not '1.5'"),
        (
            "interactor_seed = seven\n",
            (),
            "ERROR: interactor_seed must be an integer, not 'seven' (ini file)",
        ),
    ],
)
def test_a_seed_that_is_not_an_integer_is_a_usage_error(project, ini, args, message):
    project.makeini(f"[pytest]\n{ini}")
    project.makepyfile("def test_never_runs(): pass")
    result = run(project, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
