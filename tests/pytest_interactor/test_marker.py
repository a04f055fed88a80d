"""``@pytest.mark.interactor(mode=, accounts=, seed=, base_url=)``, through ``pytester``."""

from __future__ import annotations

import pytest

HELPERS = """
    import requests

    GENERATED = {"message_id": "m1", "attachment_id": "a1"}

    def execute(interactor, account, connector="gmail", action="email.attachment.get"):
        # The default action's output is generated (it stores nothing): it depends on the seed.
        payload = GENERATED if action == "email.attachment.get" else {}
        return requests.post(
            f"{interactor.base_url}/connector/{connector}/action/{action}/execute",
            params={"account": account},
            headers=interactor.headers,
            json=payload,
            timeout=10,
        )
"""


@pytest.fixture
def project(pytester):
    pytester.makeconftest(HELPERS)
    return pytester


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def test_the_marker_is_registered_with_its_signature(pytester):
    result = run(pytester, "--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.interactor(mode=None, accounts=None, seed=None, base_url=None): "
            "configure the 'interactor' fixture of this test.*"
        ]
    )


def test_the_marker_passes_strict_markers(project):
    project.makepyfile(
        """
        import pytest

        @pytest.mark.interactor(mode="inprocess")
        def test_marked(interactor):
            pass
        """
    )
    run(project, "--strict-markers").assert_outcomes(passed=1)


@pytest.mark.parametrize("mode", ["server", "inprocess"])
def test_accounts_are_granted_before_the_test(project, mode):
    project.makepyfile(
        f"""
        import pytest
        from conftest import execute

        @pytest.mark.interactor(
            mode={mode!r},
            accounts={{"gmail": ["alice", "bob"], "interactor/googlecalendar-v1": "carol"}},
        )
        def test_granted(interactor):
            assert execute(interactor, "alice").status_code == 200
            assert execute(interactor, "bob").status_code == 200
            assert execute(interactor, "carol").status_code == 500
            calendar = execute(
                interactor, "carol", "googlecalendar-v1", "calendar.calendarList.list"
            )
            assert calendar.status_code == 200
        """
    )
    run(project).assert_outcomes(passed=1)


def test_the_seed_makes_generated_output_repeatable_across_tests(project):
    project.makepyfile(
        """
        import pytest
        from conftest import execute

        outputs = {}

        @pytest.mark.interactor(accounts={"gmail": ["alice"]}, seed=5)
        def test_first(interactor):
            outputs["first"] = execute(interactor, "alice").json()

        @pytest.mark.interactor(accounts={"gmail": ["alice"]}, seed=5, mode="inprocess")
        def test_same_seed(interactor):
            assert execute(interactor, "alice").json() == outputs["first"]

        @pytest.mark.interactor(accounts={"gmail": ["alice"]}, seed=6)
        def test_other_seed(interactor):
            assert execute(interactor, "alice").json() != outputs["first"]
        """
    )
    run(project).assert_outcomes(passed=3)


def test_the_marker_mode_overrides_the_option_and_the_ini(project):
    project.makeini("[pytest]\ninteractor_mode = server\n")
    project.makepyfile(
        """
        import pytest

        @pytest.mark.interactor(mode="inprocess")
        def test_inprocess(interactor):
            assert interactor.mode == "inprocess"

        @pytest.mark.interactor(mode="server")
        def test_server(interactor):
            assert interactor.mode == "server"

        def test_unmarked(interactor):
            assert interactor.mode == "inprocess"
        """
    )
    run(project, "--interactor-mode=inprocess").assert_outcomes(passed=3)


def test_the_marker_base_url_is_intercepted_in_inprocess_mode(project):
    project.makepyfile(
        """
        import pytest
        from conftest import execute

        @pytest.mark.interactor(
            mode="inprocess", base_url="https://staging.example/api/v1", accounts={"gmail": ["a"]}
        )
        def test_staging(interactor):
            assert interactor.base_url == "https://staging.example/api/v1"
            answer = execute(interactor, "a")
            assert answer.status_code == 200
            assert answer.json()["output"]["attachmentId"] == "a1"
        """
    )
    run(project).assert_outcomes(passed=1)


def test_a_class_marker_and_a_function_marker_combine(project):
    project.makepyfile(
        """
        import pytest
        from conftest import execute

        @pytest.mark.interactor(mode="inprocess", accounts={"gmail": ["class-level"]})
        class TestDrafts:
            @pytest.mark.interactor(accounts={"gmail": ["function-level"]})
            def test_function_wins_per_keyword(self, interactor):
                assert interactor.mode == "inprocess"
                assert execute(interactor, "function-level").status_code == 200
                assert execute(interactor, "class-level").status_code == 500
        """
    )
    run(project).assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            "modes='inprocess'",
            "@pytest.mark.interactor: unknown argument(s) modes; "
            "known: mode, accounts, seed, base_url",
        ),
        ("'inprocess'", "@pytest.mark.interactor takes keyword arguments only *"),
        ("mode='docker'", "*(mode=...) must be one of server, inprocess, not 'docker'"),
        ("seed='five'", "*(seed=...) must be an integer, not 'five'"),
        ("accounts=['alice']", "*(accounts=...) must map connectors to account lists, *"),
        ("accounts={'gmail': [1]}", "*'gmail' must map to a list of non-empty account names*"),
        (
            "accounts={'gmial': ['alice']}",
            "*(accounts=...): unknown connector 'gmial' (did you mean 'gmail'?); "
            "known connectors: interactor/github-v1, *, interactor/gmail, *",
        ),
        (
            "base_url='https://x.test/api/v1'",
            "*(base_url=...) applies to inprocess mode only (this test runs in server mode): "
            "add mode='inprocess'",
        ),
        (
            "mode='inprocess', base_url='x.test'",
            "*(base_url=...): base_url must be an absolute http or https URL, not 'x.test'",
        ),
    ],
)
def test_a_bad_marker_errors_the_test_with_a_clear_message(project, arguments, message):
    project.makepyfile(
        f"""
        import pytest

        @pytest.mark.interactor({arguments})
        def test_marked(interactor):
            pass
        """
    )
    result = run(project)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message.replace("[", "[[]")])


@pytest.mark.parametrize(
    ("connector", "message"),
    [
        ("gmial", "unknown connector 'gmial' (did you mean 'gmail'?); known connectors: "),
        (
            "acme/slak",
            "unknown connector 'acme/slak' (did you mean 'interactor/slack'?); known connectors: ",
        ),
        ("zzz", "unknown connector 'zzz'; known connectors: "),
        ("interactor/zzzzzz", "unknown connector 'interactor/zzzzzz'; known connectors: "),
    ],
)
def test_an_unknown_connector_message_suggests_the_closest_known_one(connector, message):
    from pytest_interactor.marker import unknown_connector

    known = ["interactor/slack", "interactor/gmail", "interactor/gmail-v1"]
    assert unknown_connector(connector, known) == (
        message + "interactor/gmail, interactor/gmail-v1, interactor/slack"
    )
