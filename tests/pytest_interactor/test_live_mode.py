"""``--interactor-live``, ``--interactor-record`` and the ``live`` marker, as a user's project
sees them, against a local stand-in for a real API that drifted from the contracts."""

from __future__ import annotations

import json
import re

import pytest

from tests.interactor_mock.drifted_api import start_real_api

TESTS = """
import pytest
import requests


def call(interactor, action, payload, account="me", **kwargs):
    return requests.post(
        f"{interactor.base_url}/connector/interactor/gmail/action/{action}/execute",
        params={"account": account},
        json=payload,
        headers=kwargs.pop("headers", interactor.headers),
        timeout=10,
    )


@pytest.fixture
def gmail(interactor):
    interactor.grant("gmail", "me")
    return interactor


def test_unknown_field(gmail):
    assert call(gmail, "email.list", {"maxResults": 2}).status_code == 200


def test_changed_type(gmail):
    assert call(gmail, "email.draft.list", {"maxResults": 10}).status_code == 200


def test_missing_field(gmail):
    assert call(gmail, "email.get.batch", {"limit": 2}).status_code == 200


def test_new_status(gmail):
    call(gmail, "email.attachment.get", {"message_id": "m1", "attachment_id": "a1"})


def test_conforming(gmail):
    answer = call(gmail, "email.get", {"message_id": "18c2f0a1b2c3d4e5"})
    assert answer.status_code == 200
    gmail.assert_called("gmail", "email.get", account="me", times=1)
"""

INI = """
[pytest]
interactor_live_accounts =
    gmail = alice
"""


@pytest.fixture(scope="module")
def real_api(tmp_path_factory):
    api = start_real_api(tmp_path_factory.mktemp("drifted"))
    yield api
    api.server.stop()


@pytest.fixture
def live_env(monkeypatch, real_api):
    monkeypatch.setenv("INTERACTOR_API_KEY", real_api.api_key)
    monkeypatch.setenv("INTERACTOR_BASE_URL", real_api.base_url)
    return real_api


@pytest.fixture
def project(pytester):
    pytester.makeini(INI)
    return pytester


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def section(output, test_name):
    """The failure section of one test in pytest's output."""
    match = re.search(rf"_+ {test_name} _+\n(.*?)(?=\n_{{3,}} |\n=+ )", output, re.S)
    assert match, f"no section for {test_name} in:\n{output}"
    return match.group(1)


def test_live_mode_fails_a_test_on_each_kind_of_drift(project, live_env):
    project.makepyfile(test_client=TESTS)
    result = run(project, "--interactor-live")
    result.assert_outcomes(passed=1, failed=4)
    output = result.stdout.str()
    expected = {
        "test_unknown_field": (
            "interactor/gmail email.list account='me' -> 200",
            "unknown-field          /output/messages/0/historyId: not in the contract; "
            'the response has "987654321" (string)',
        ),
        "test_changed_type": (
            "interactor/gmail email.draft.list account='me' -> 200",
            "type-changed           /output/resultSizeEstimate: the contract says integer, "
            'the response has "2" (string)',
        ),
        "test_missing_field": (
            "interactor/gmail email.get.batch account='me' -> 200",
            "missing-field          /output/nextPageToken: required by the contract, absent "
            "from the response",
        ),
        "test_new_status": (
            "interactor/gmail email.attachment.get account='me' -> 429",
            "unexpected-status      (status): status 429 is not in the contract "
            '(documented: 200, 500); the API said "Rate limit exceeded"',
        ),
    }
    for name, (call, difference) in expected.items():
        text = section(output, name)
        assert (
            "Contract drift: the real Interactor API answered 1 call(s) differently from " in text
        )
        assert call in text, text
        assert difference in text, text
        assert "interactor-mock contracts update --from-recordings DIR" in text
    assert live_env.api_key not in output


def test_the_header_names_the_real_api_and_the_accounts(project, live_env):
    project.makepyfile(test_client="def test_nothing(): pass")
    result = run(project, "--interactor-live")
    result.stdout.fnmatch_lines(
        [f"interactor-mock live: {live_env.base_url}, accounts for: interactor/gmail"]
    )


def test_without_a_key_live_tests_skip_with_one_clear_line(project, monkeypatch):
    monkeypatch.delenv("INTERACTOR_API_KEY", raising=False)
    project.makepyfile(test_client=TESTS)
    result = run(project, "--interactor-live", "-rs")
    result.assert_outcomes(skipped=5)
    skipped = [line for line in result.stdout.lines if line.startswith("SKIPPED")]
    assert len(skipped) == 1
    assert skipped[0].endswith(
        "INTERACTOR_API_KEY is not set: live tests against the real Interactor API are skipped"
    )
    result.stdout.fnmatch_lines(["interactor-mock live: INTERACTOR_API_KEY is not set*"])


def test_a_test_that_fails_anyway_also_shows_the_drift(project, live_env):
    project.makepyfile(
        test_client="""
        import requests

        def test_sums_the_estimate(interactor):
            interactor.grant("gmail", "me")
            answer = requests.post(
                interactor.base_url
                + "/connector/interactor/gmail/action/email.draft.list/execute?account=me",
                json={},
                headers=interactor.headers,
            )
            assert answer.json()["output"]["resultSizeEstimate"] + 1 > 0
        """
    )
    result = run(project, "--interactor-live")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*TypeError*",
            "*- Captured interactor contract drift call -*",
            "*type-changed*/output/resultSizeEstimate*",
        ]
    )


def test_a_connector_without_a_live_account_skips_saying_what_to_add(project, live_env):
    project.makepyfile(
        test_client="""
        def test_slack(interactor):
            interactor.grant("slack", "me")
        """
    )
    result = run(project, "--interactor-live", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*live mode: no real account for interactor/slack in ini interactor_live_accounts "
            "(add 'slack = <account connected in the console>')"
        ]
    )


def test_a_verb_that_controls_the_mock_skips_the_test_in_live_mode(project, live_env):
    project.makepyfile(
        test_client="""
        def test_revoked(interactor):
            interactor.grant("gmail", "me")
            interactor.revoke("gmail", "me")
        """
    )
    result = run(project, "--interactor-live", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        ["*interactor.revoke controls the mock and cannot act on the real*"]
    )


def test_a_wrong_key_sent_on_purpose_reaches_the_api_as_sent(project, live_env):
    project.makepyfile(
        test_client="""
        import requests

        def test_wrong_key(interactor):
            answer = requests.post(
                interactor.base_url
                + "/connector/interactor/gmail/action/email.list/execute?account=me",
                json={},
                headers={"x-api-key": "interactor_WRONGkey_0123456789abcdef0123456789abcdef"},
            )
            assert answer.status_code == 401
        """
    )
    run(project, "--interactor-live").assert_outcomes(passed=1)


def test_the_live_marker_runs_one_test_live_and_skips_it_without_a_key(
    project, live_env, monkeypatch
):
    project.makepyfile(
        test_client="""
        import pytest
        import requests

        @pytest.mark.live
        def test_smoke(interactor):
            interactor.grant("gmail", "me")
            requests.post(
                interactor.base_url
                + "/connector/interactor/gmail/action/email.get.batch/execute?account=me",
                json={"limit": 2},
                headers=interactor.headers,
            )

        def test_offline(interactor):
            assert interactor.mode in ("server", "inprocess")
        """
    )
    result = run(project, "-m", "live")
    result.assert_outcomes(failed=1, deselected=1)
    text = section(result.stdout.str(), "test_smoke")
    assert "answered 1 call(s) differently" in text, text
    # the drifted answer lacks only its nextPageToken: its two messages are there
    assert text.count("missing-field") == 1, text
    assert "missing-field          /output/nextPageToken: required by the contract" in text
    monkeypatch.delenv("INTERACTOR_API_KEY")
    result = run(project, "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED*INTERACTOR_API_KEY is not set*"])


def test_record_writes_scrubbed_exchanges_and_says_where(project, live_env):
    project.makepyfile(test_client=TESTS)
    result = run(project, "--interactor-record", "recorded")
    result.assert_outcomes(passed=1, failed=4)
    recorded = project.path / "recorded"
    result.stdout.fnmatch_lines(
        [f"*The exchanges were recorded (scrubbed) in {recorded}: review, then run*"]
    )
    files = sorted(p.relative_to(recorded).as_posix() for p in recorded.rglob("*.json"))
    assert [f.split(".")[0:2] for f in files] == [
        ["interactor/gmail/email", "attachment"],
        ["interactor/gmail/email", "draft"],
        ["interactor/gmail/email", "get"],
        ["interactor/gmail/email", "get"],
        ["interactor/gmail/email", "list"],
    ]
    for path in recorded.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert live_env.api_key not in text
        assert "interactor_mockprox_" not in text
        assert json.loads(text)["account"] == "account-1"


def test_a_malformed_accounts_line_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\ninteractor_live_accounts =\n    gmail alice\n")
    pytester.makepyfile(test_client="def test_nothing(): pass")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*interactor_live_accounts: 'gmail alice' is not 'connector = account'*"]
    )
