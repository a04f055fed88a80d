"""``--interactor-mode`` and its ini twin ``interactor_mode``, through ``pytester``."""

from __future__ import annotations

import pytest

CHECK_MODE = """
    def test_mode(interactor, request):
        assert interactor.mode == {mode!r}
        started_a_server = "interactor_server" in request.fixturenames
        if interactor.mode == "server":
            server = request.getfixturevalue("interactor_server")
            assert interactor.base_url == server.base_url
            assert server.base_url.startswith("http://127.0.0.1:")
            assert started_a_server
        else:
            assert interactor.base_url == "https://console.interactor.com/api/v1"
            assert not started_a_server
"""


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def expect_mode(pytester, mode):
    pytester.makepyfile(test_mode=CHECK_MODE.format(mode=mode))


def test_the_default_mode_is_the_thread_server(pytester):
    expect_mode(pytester, "server")
    run(pytester).assert_outcomes(passed=1)


def test_inprocess_mode_starts_no_server_and_uses_the_real_base_url(pytester):
    expect_mode(pytester, "inprocess")
    run(pytester, "--interactor-mode=inprocess").assert_outcomes(passed=1)


def test_the_ini_sets_the_mode(pytester):
    pytester.makeini("[pytest]\ninteractor_mode = inprocess\n")
    expect_mode(pytester, "inprocess")
    run(pytester).assert_outcomes(passed=1)


def test_the_option_overrides_the_ini(pytester):
    pytester.makeini("[pytest]\ninteractor_mode = inprocess\n")
    expect_mode(pytester, "server")
    run(pytester, "--interactor-mode=server").assert_outcomes(passed=1)


def test_an_unknown_mode_in_the_ini_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\ninteractor_mode = docker\n")
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: interactor_mode must be one of server, inprocess, not 'docker' (ini file)"]
    )


def test_an_unknown_mode_on_the_command_line_is_refused(pytester):
    result = run(pytester, "--interactor-mode=docker")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--interactor-mode: invalid choice: 'docker'*"])


def test_the_option_and_its_ini_twin_are_documented_in_help(pytester):
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(
        ["interactor-mock (offline Interactor API):", "  --interactor-mode={server,inprocess}"]
    )
    result.stdout.fnmatch_lines(
        ["  interactor_mode (string):", "*default of --interactor-mode (server or inprocess)"]
    )
