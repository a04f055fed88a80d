"""``interactor_factory``: a clean environment per ``with`` block, so that every example of a
Hypothesis ``@given`` test starts clean, with no health check suppressed. Through ``pytester``,
with Hypothesis' pytest plugin on (it runs the ``function_scoped_fixture`` health check)."""

from __future__ import annotations

import pytest

MODES = ["server", "inprocess"]

HELPERS = """
    import requests

    def listed(interactor, account):
        return requests.post(
            f"{interactor.base_url}/connector/gmail/action/email.list/execute",
            params={"account": account},
            headers=interactor.headers,
            json={},
            timeout=10,
        )
"""


@pytest.fixture
def project(pytester):
    pytester.makeconftest(HELPERS)
    return pytester


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", *args)


@pytest.mark.parametrize("mode", MODES)
def test_every_example_gets_a_clean_environment_of_its_own(project, mode):
    project.makepyfile(
        f"""
        import requests
        from hypothesis import given, settings, strategies as st
        from conftest import listed

        seen = []

        @settings(max_examples=12, database=None, deadline=None)
        @given(n=st.integers(0, 10_000))
        def test_examples(interactor_factory, n):
            extra = ("bob", "carol", "dave")[n % 3]
            with interactor_factory(mode={mode!r}, accounts={{"gmail": ["alice"]}}) as interactor:
                assert interactor.mode == {mode!r}
                # Nothing left over from an earlier example: no calls, no grants but alice.
                assert interactor.calls == ()
                for name in ("bob", "carol", "dave"):
                    assert listed(interactor, name).json() == {{"error": "Account has no tokens"}}
                assert listed(interactor, "alice").status_code == 200
                interactor.grant("gmail", extra)
                assert listed(interactor, extra).status_code == 200
                assert len(interactor.calls) == 5
                seen.append((interactor.environment, interactor.base_url, interactor.api_key))

        def test_each_example_had_its_own_environment_deleted_after_it():
            assert len(seen) == 12
            assert len({{environment for environment, _, _ in seen}}) == 12
            if {mode!r} == "server":
                base_url, key = seen[0][1], seen[0][2]
                response = requests.post(
                    f"{{base_url}}/connector/gmail/action/email.list/execute",
                    params={{"account": "alice"}},
                    headers={{"x-api-key": key}},
                    json={{}},
                    timeout=10,
                )
                assert response.status_code == 401
        """
    )
    run(project).assert_outcomes(passed=2)


def test_the_function_scoped_fixture_would_fail_the_health_check_in_the_same_run(project):
    """The check is on in these runs: so the factory passing it is not luck."""
    project.makepyfile(
        """
        from hypothesis import given, strategies as st

        @given(n=st.integers())
        def test_with_the_fixture(interactor, n):
            pass

        @given(n=st.integers())
        def test_with_the_factory(interactor_factory, n):
            with interactor_factory() as interactor:
                assert interactor.api_key
        """
    )
    result = run(project)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["E   *FailedHealthCheck: *::test_with_the_fixture' uses a function-scoped fixture *"]
    )


def test_the_factory_takes_the_runs_options_and_the_markers_keywords(project):
    project.makepyfile(
        """
        def test_defaults(interactor_factory):
            with interactor_factory() as interactor:
                assert interactor.mode == "inprocess"
                assert interactor.base_url == "https://api.example.com/v1"

        def test_keywords(interactor_factory):
            with interactor_factory(mode="server", seed=3) as interactor:
                assert interactor.mode == "server"
                assert interactor.base_url.startswith("http://127.0.0.1:")

        def test_environments_are_named_after_the_test_and_numbered(interactor_factory):
            with interactor_factory() as first, interactor_factory() as second:
                names = [
                    first.engine.environments.get(first.environment).name,
                    second.engine.environments.get(second.environment).name,
                ]
            # Numbered per session: two blocks of earlier tests came first.
            assert names[0].endswith("::test_environments_are_named_after_the_test_and_numbered #3")
            assert names[1].endswith("::test_environments_are_named_after_the_test_and_numbered #4")
        """,
    )
    project.makeini(
        "[pytest]\ninteractor_mode = inprocess\ninteractor_base_url = https://api.example.com/v1/\n"
    )
    run(project).assert_outcomes(passed=3)


def test_the_run_seed_applies_to_the_factorys_environments(project):
    project.makepyfile(
        """
        import pytest
        import requests

        outputs = []

        def attachment(interactor):
            # No example matches this input: the answer is generated, from the seed.
            answer = requests.post(
                f"{interactor.base_url}/connector/gmail/action/email.attachment.get/execute",
                params={"account": "alice"},
                headers=interactor.headers,
                json={"message_id": "m1", "attachment_id": "a1"},
                timeout=10,
            )
            output = answer.json()["output"]
            assert output["attachmentId"] == "a1"  # echoed from the input
            return output

        def test_factory(interactor_factory):
            with interactor_factory(accounts={"gmail": ["alice"]}) as interactor:
                outputs.append(attachment(interactor))

        @pytest.mark.interactor(accounts={"gmail": ["alice"]}, seed=77)
        def test_marker(interactor):
            assert attachment(interactor) == outputs[0]

        @pytest.mark.interactor(accounts={"gmail": ["alice"]}, seed=78)
        def test_another_seed(interactor):
            assert attachment(interactor)["data"] != outputs[0]["data"]
        """
    )
    run(project, "--interactor-seed=77").assert_outcomes(passed=3)


def test_an_error_inside_the_mock_raises_at_the_end_of_the_block(project):
    project.makepyfile(
        """
        import pytest
        from interactor_mock import ServerSideError
        from conftest import listed

        KEY = ("interactor", "gmail", "email.list")

        def test_violation(interactor_factory):
            with pytest.raises(ServerSideError) as caught:
                with interactor_factory(accounts={"gmail": ["alice"]}) as interactor:
                    executor = interactor.engine.executor
                    previous = executor.behaviours.get(KEY)
                    executor.register(*KEY, lambda call: {"messages": "not a list"})
                    try:
                        assert listed(interactor, "alice").status_code == 500
                    finally:
                        if previous is None:
                            del executor.behaviours[KEY]
                        else:
                            executor.behaviours[KEY] = previous
            assert caught.value.errors[0]["kind"] == "contract-violation"
            assert "1 error inside the mock" in str(caught.value)
        """
    )
    run(project).assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            "interactor_factory(mode='docker')",
            "interactor_factory(mode=...) must be one of server, inprocess, not 'docker'",
        ),
        (
            "interactor_factory(base_url='https://x.example')",
            "interactor_factory(base_url=...) applies to inprocess mode only *",
        ),
        (
            "interactor_factory(seed='7')",
            "interactor_factory(seed=...) must be an integer, not '7'",
        ),
    ],
)
def test_a_bad_keyword_raises_a_value_error_naming_it(project, call, message):
    project.makepyfile(
        f"""
        import pytest

        def test_bad(interactor_factory):
            with pytest.raises(ValueError) as caught:
                {call}
            print("MESSAGE:", caught.value)
        """
    )
    result = run(project, "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*MESSAGE: {message}"])


def test_an_unknown_connector_fails_with_the_closest_known_one(project):
    project.makepyfile(
        """
        def test_typo(interactor_factory):
            with interactor_factory(accounts={"interactor/gmial": ["alice"]}):
                pass
        """
    )
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "interactor_factory(accounts=...): unknown connector 'interactor/gmial' "
            "(did you mean 'interactor/gmail'?); known connectors: *"
        ]
    )
