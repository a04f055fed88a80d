"""The fixtures, as a downstream project sees them (through ``pytester``)."""

from __future__ import annotations

import json

import pytest

MODES = ["server", "inprocess"]

HELPERS = """
    import requests

    DRAFT = {"to": ["bob@example.com"], "subject": "Lunch?", "body": "Noon."}

    def execute(interactor, account, action="email.draft.create", payload=None):
        return requests.post(
            f"{interactor.base_url}/connector/interactor/gmail/action/{action}/execute",
            params={"account": account},
            headers={"x-api-key": interactor.api_key},
            json=DRAFT if payload is None else payload,
            timeout=10,
        )
"""


@pytest.fixture
def project(pytester):
    pytester.makeconftest(HELPERS)
    return pytester


def literal_brackets(*patterns):
    """fnmatch patterns in which ``[`` is literal (``*`` stays a wildcard)."""
    return [p.replace("[", "[[]") for p in patterns]


def run(pytester, *args):
    # Without hypothesis' plugin, which would re-import hypothesis in every in-process run.
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


@pytest.mark.parametrize("mode", MODES)
def test_a_test_that_forgets_to_grant_gets_account_has_no_tokens(project, mode):
    project.makepyfile(
        """
        from conftest import execute

        def test_forgot_to_grant(interactor):
            response = execute(interactor, "alice")
            assert response.status_code == 500
            assert response.json() == {"error": "Account has no tokens"}
        """
    )
    run(project, f"--interactor-mode={mode}").assert_outcomes(passed=1)


@pytest.mark.parametrize("mode", MODES)
def test_two_tests_using_the_same_account_name_are_isolated(project, mode):
    project.makepyfile(
        """
        from conftest import execute

        seen = {}

        def test_first_grants_alice(interactor):
            interactor.grant("gmail", "alice")
            assert execute(interactor, "alice").status_code == 200
            seen["key"] = interactor.api_key
            seen["environment"] = interactor.environment

        def test_second_sees_no_grant_no_calls_and_another_key(interactor):
            assert interactor.calls == ()
            assert interactor.api_key != seen["key"]
            assert interactor.environment != seen["environment"]
            assert execute(interactor, "alice").json() == {"error": "Account has no tokens"}
        """
    )
    run(project, f"--interactor-mode={mode}").assert_outcomes(passed=2)


@pytest.mark.parametrize("mode", MODES)
def test_the_environment_is_deleted_after_the_test(project, mode):
    project.makepyfile(
        """
        import requests

        seen = {}

        def test_first(interactor):
            seen["key"] = interactor.api_key

        def test_second(interactor):
            response = requests.get(
                f"{interactor.base_url}/connector/gmail/credential",
                params={"account": "alice"},
                headers={"x-api-key": seen["key"]},
                timeout=10,
            )
            assert response.status_code == 401
        """
    )
    run(project, f"--interactor-mode={mode}").assert_outcomes(passed=2)


def test_the_environment_is_deleted_even_when_the_set_up_fails(project):
    project.makepyfile(
        """
        import pytest

        @pytest.mark.interactor(accounts={"gmial": ["alice"]})
        def test_misspelt_connector(interactor):
            pass

        def test_after(interactor):
            names = [e.name for e in interactor.engine.environments.all()]
            assert not [n for n in names if "misspelt" in n]
        """
    )
    run(project).assert_outcomes(passed=1, errors=1)


def test_the_environment_is_named_after_the_test(project):
    project.makepyfile(
        test_named="""
        def test_named(interactor):
            environment = interactor.engine.environments.get(interactor.environment)
            assert environment.name == "test_named.py::test_named"
        """
    )
    run(project).assert_outcomes(passed=1)


def test_one_server_serves_the_whole_session(project):
    project.makepyfile(
        """
        ports = set()

        def test_first(interactor, interactor_server):
            assert interactor.base_url == interactor_server.base_url
            ports.add(interactor_server.port)

        def test_second(interactor, interactor_server):
            ports.add(interactor_server.port)
            assert len(ports) == 1
        """
    )
    run(project).assert_outcomes(passed=2)


def test_app_and_contracts_fixtures_are_the_ones_behind_the_handle(project):
    project.makepyfile(
        """
        from flask import Flask

        def test_advanced(interactor, interactor_app, interactor_contracts):
            assert isinstance(interactor_app, Flask)
            assert interactor.app is interactor_app
            assert interactor.contracts is interactor_contracts
            assert "interactor/gmail" in [c.key for c in interactor_contracts]
        """
    )
    run(project).assert_outcomes(passed=1)


@pytest.mark.parametrize("mode", MODES)
def test_the_flask_client_shares_the_tests_state(project, mode):
    project.makepyfile(
        """
        def test_client(interactor):
            interactor.grant("gmail", "alice")
            response = interactor.client.get(
                "/api/v1/connector/gmail/credential?account=alice", headers=interactor.headers
            )
            assert response.json["account"] == "alice"
        """
    )
    run(project, f"--interactor-mode={mode}").assert_outcomes(passed=1)


@pytest.mark.parametrize("mode", MODES)
def test_a_failing_assert_called_explains_every_near_miss(project, mode):
    project.makepyfile(
        """
        from conftest import execute

        def test_wrong_account(interactor):
            interactor.grant("gmail", "bob")
            created = execute(interactor, "bob").json()["output"]
            assert created["message"]["message_info"]["subject"] == "Lunch?"
            listed = execute(interactor, "bob", action="email.list", payload={})
            assert listed.json()["output"]["messages"] == []  # a draft is not a message
            interactor.assert_called(
                "gmail", "email.draft.create", account="alice", input={"subject": "Hi"}
            )
        """
    )
    result = run(project, f"--interactor-mode={mode}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        literal_brackets(
            "E * AssertionError: Expected interactor/gmail email.draft.create "
            "(account='alice', input={'subject': 'Hi'}) to be called at least once, "
            "but it was called 0 times.",
            "E * Calls to the same connector or action (2 near misses, 0 matching):",
            "E *   call 1: interactor/gmail email.draft.create account='bob' input=* -> 200",
            "E *       - account is 'bob', not 'alice'",
            "E *       - input['subject'] is 'Lunch?', expected 'Hi'",
            "E *       - input['to'] = ['bob@example.com'] was not expected",
            "E *       - input['body'] = 'Noon.' was not expected",
            "E *   call 2: interactor/gmail email.list account='bob' input={} -> 200",
            "E *       - action is 'email.list', not 'email.draft.create'",
            "E *       - account is 'bob', not 'alice'",
        )
    )
    # Inputs are compared only between calls of the same action.
    assert "is missing" not in result.stdout.str()
    # The handle's own frames are hidden: the traceback ends in the user's test.
    assert "handle.py" not in result.stdout.str()


CONTRACT_VIOLATION = """
    import pytest

    KEY = ("interactor", "gmail", "email.list")

    def replace_email_list(interactor, behaviour):
        behaviours = interactor.engine.executor.behaviours
        previous = behaviours.get(KEY)
        interactor.engine.executor.register(*KEY, behaviour)
        yield
        if previous is None:
            del behaviours[KEY]
        else:
            behaviours[KEY] = previous

    @pytest.fixture
    def broken_email_list(interactor):
        yield from replace_email_list(interactor, lambda call: {"messages": "not a list"})

    @pytest.fixture
    def crashing_email_list(interactor):
        def crash(call):
            raise RuntimeError("boom in a behaviour")

        yield from replace_email_list(interactor, crash)
"""


@pytest.mark.parametrize("mode", MODES)
def test_a_contract_violation_inside_the_server_fails_the_test_at_teardown(project, mode):
    project.makeconftest(HELPERS + CONTRACT_VIOLATION)
    project.makepyfile(
        test_violation="""
        from conftest import execute

        def test_sees_only_a_500(broken_email_list, interactor):
            interactor.grant("gmail", "alice")
            assert execute(interactor, "alice", action="email.list", payload={}).status_code == 500
        """
    )
    result = run(project, f"--interactor-mode={mode}")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_sees_only_a_500*",
            "interactor-mock: 1 error inside the mock while serving environment "
            "'test-violation-py-test-sees-only-a-500' (the client saw a 500):",
            "[[]1] contract-violation on POST /api/v1/connector/interactor/gmail/action/"
            "email.list/execute: Contract violation: the mock's behaviour output for "
            "interactor/gmail:email.list fails the output schema at /messages: *",
            "    Traceback (most recent call last):",
            "*interactor_mock/core/execute.py*",
            "    interactor_mock.errors.ContractViolation: *",
        ]
    )


@pytest.mark.parametrize("mode", MODES)
def test_an_exception_inside_the_server_fails_the_test_with_its_traceback(project, mode):
    project.makeconftest(HELPERS + CONTRACT_VIOLATION)
    project.makepyfile(
        test_crash="""
        from conftest import execute

        def test_crash(crashing_email_list, interactor):
            interactor.grant("gmail", "alice")
            response = execute(interactor, "alice", action="email.list", payload={})
            assert "RuntimeError: boom in a behaviour" in response.json()["error"]
        """
    )
    result = run(project, f"--interactor-mode={mode}")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_crash*",
            "[[]1] exception on POST */email.list/execute: boom in a behaviour",
            "*in crash",
            "    RuntimeError: boom in a behaviour",
        ]
    )


def test_a_test_that_provokes_server_errors_on_purpose_clears_them(project):
    project.makeconftest(HELPERS + CONTRACT_VIOLATION)
    project.makepyfile(
        test_on_purpose="""
        from conftest import execute

        def test_expects_the_violation(broken_email_list, interactor):
            interactor.grant("gmail", "alice")
            execute(interactor, "alice", action="email.list", payload={})
            (error,) = interactor.server_errors(clear=True)
            assert error["kind"] == "contract-violation"
        """
    )
    run(project).assert_outcomes(passed=1)


NO_SOCKET = """
    import socket

    import pytest

    @pytest.fixture(autouse=True)
    def no_socket(monkeypatch):
        def refuse(*args, **kwargs):
            raise AssertionError("a socket was opened")

        monkeypatch.setattr(socket, "socket", refuse)
        monkeypatch.setattr(socket, "create_connection", refuse)
        monkeypatch.setattr(socket, "getaddrinfo", refuse)
"""


def test_inprocess_mode_opens_no_socket(project):
    project.makeconftest(HELPERS + NO_SOCKET)
    project.makepyfile(
        """
        from conftest import execute

        def test_offline(interactor):
            interactor.grant("gmail", "alice")
            answer = execute(interactor, "alice")
            assert answer.status_code == 200
            assert answer.json()["output"]["message"]["message_info"]["to"] == ["bob@example.com"]
            interactor.assert_called("gmail", "email.draft.create", account="alice", times=1)
        """
    )
    run(project, "--interactor-mode=inprocess").assert_outcomes(passed=1)


def test_the_socket_guard_would_catch_server_mode(project):
    """The counterpart of the test above: it shows the guard really sees sockets."""
    project.makeconftest(HELPERS + NO_SOCKET)
    project.makepyfile(
        """
        def test_needs_a_server(interactor):
            pass
        """
    )
    result = run(project, "--interactor-mode=server")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*AssertionError: a socket was opened*"])


def test_the_suite_runs_in_parallel_with_one_server_per_worker(project, monkeypatch):
    ports_dir = project.mkdir("ports")
    monkeypatch.setenv("PORTS_DIR", str(ports_dir))
    project.makepyfile(
        """
        import json
        import os

        import pytest

        from conftest import execute

        OUT = os.environ["PORTS_DIR"]

        @pytest.mark.parametrize("n", range(8))
        def test_parallel(interactor, interactor_server, n):
            interactor.grant("gmail", "alice")
            assert execute(interactor, "alice").status_code == 200
            interactor.assert_called("gmail", "email.draft.create", account="alice", times=1)
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            with open(os.path.join(OUT, f"port-{n}.json"), "w") as out:
                json.dump({"worker": worker, "port": interactor_server.port}, out)
        """
    )
    result = project.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-n", "2"
    )
    result.assert_outcomes(passed=8)
    found = [json.loads(p.read_text()) for p in ports_dir.glob("port-*.json")]
    assert len(found) == 8
    ports_by_worker: dict[str, set[int]] = {}
    for item in found:
        ports_by_worker.setdefault(item["worker"], set()).add(item["port"])
    assert set(ports_by_worker) <= {"gw0", "gw1"}
    assert all(len(ports) == 1 for ports in ports_by_worker.values())
    if len(ports_by_worker) == 2:
        assert ports_by_worker["gw0"] != ports_by_worker["gw1"]
