"""``--interactor-base-url`` and its ini twin ``interactor_base_url``, through ``pytester``."""

from __future__ import annotations

import pytest

CHECK_BASE_URL = """
    import pytest
    import requests

    def test_base_url(interactor):
        assert interactor.base_url == {expected!r}
        interactor.grant("gmail", "alice")
        response = requests.post(
            f"{{interactor.base_url}}/connector/gmail/action/email.list/execute",
            params={{"account": "alice"}},
            headers=interactor.headers,
            json={{}},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["output"]["messages"] == []
        interactor.assert_called("gmail", "email.list", account="alice", times=1)
        if {expected!r} != "https://console.interactor.com/api/v1":
            with pytest.raises(requests.ConnectionError):
                requests.get("https://console.interactor.com/api/v1/connector/gmail/credential")
"""


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def expect_base_url(pytester, expected):
    pytester.makepyfile(test_base_url=CHECK_BASE_URL.format(expected=expected))


def test_inprocess_mode_intercepts_the_default_base_url(pytester):
    expect_base_url(pytester, "https://console.interactor.com/api/v1")
    run(pytester, "--interactor-mode=inprocess").assert_outcomes(passed=1)


def test_the_option_sets_the_intercepted_base_url(pytester):
    expect_base_url(pytester, "https://interactor.test/gateway/v1")
    result = run(
        pytester,
        "--interactor-mode=inprocess",
        "--interactor-base-url=https://interactor.test/gateway/v1/",
    )
    result.assert_outcomes(passed=1)


def test_the_ini_sets_the_intercepted_base_url(pytester):
    pytester.makeini(
        "[pytest]\ninteractor_mode = inprocess\ninteractor_base_url = http://localhost:9999/api/v1\n"
    )
    expect_base_url(pytester, "http://localhost:9999/api/v1")
    run(pytester).assert_outcomes(passed=1)


def test_the_option_overrides_the_ini(pytester):
    pytester.makeini("[pytest]\ninteractor_base_url = http://localhost:9999/api/v1\n")
    expect_base_url(pytester, "https://other.test/api/v1")
    result = run(
        pytester, "--interactor-mode=inprocess", "--interactor-base-url=https://other.test/api/v1"
    )
    result.assert_outcomes(passed=1)


def test_server_mode_ignores_it_and_serves_on_its_own_socket(pytester):
    pytester.makepyfile(
        """
        def test_base_url(interactor, interactor_server):
            assert interactor.base_url == interactor_server.base_url
        """
    )
    run(pytester, "--interactor-base-url=https://interactor.test/api/v1").assert_outcomes(passed=1)


@pytest.mark.parametrize("bad", ["console.interactor.com/api/v1", "ftp://x/api", "https://x/?a=1"])
def test_a_malformed_base_url_is_a_usage_error(pytester, bad):
    result = run(pytester, f"--interactor-base-url={bad}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --interactor-base-url: base_url must *"])


def test_a_malformed_base_url_in_the_ini_names_the_ini_key(pytester):
    pytester.makeini("[pytest]\ninteractor_base_url = nowhere\n")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: interactor_base_url: base_url must *"])
