"""The execute pipeline, called directly: credential, input, answer source, output check."""

from __future__ import annotations

import pytest

from interactor_mock.core.calls import ProviderAnswer
from interactor_mock.core.execute import Executor
from interactor_mock.core.execute import parse_body
from interactor_mock.errors import BadRequest
from interactor_mock.errors import ContractViolation
from interactor_mock.errors import CredentialExpired
from interactor_mock.errors import InvalidInput
from interactor_mock.errors import NoTokens
from interactor_mock.errors import ScenarioAnswer


@pytest.fixture
def run(engine, dev):
    """Execute ``connector:action`` for alice in Development, with her grant."""

    def call(connector, action, payload, *, grant=True, prefer=None):
        if grant:
            engine.grant(dev, connector, "alice")
        found = engine.registry.action(connector, action)
        return engine.executor.execute(dev, found, "alice", payload, prefer=prefer)

    return call


# --- the body ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"{}", b" {} \n"])
def test_an_empty_body_is_an_empty_object(raw):
    assert parse_body(raw) == {}


def test_a_body_of_white_space_only_is_not_json():
    with pytest.raises(BadRequest, match="Request body must be valid JSON"):
        parse_body(b"  \n")


def test_a_json_object_body_is_parsed():
    assert parse_body(b'{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[]", "Request body must be a JSON object, not list"),
        (b"null", "Request body must be a JSON object, not null"),
        (b'"text"', "Request body must be a JSON object, not str"),
        (b"3", "Request body must be a JSON object, not int"),
    ],
)
def test_a_body_that_is_not_an_object_says_what_it_is(raw, message):
    with pytest.raises(BadRequest) as raised:
        parse_body(raw)
    assert raised.value.message == message
    assert raised.value.status == 400


@pytest.mark.parametrize("raw", [b"{", b"{'a': 1}", b"\xff\xfe"])
def test_a_body_that_is_not_json_is_a_400(raw):
    with pytest.raises(BadRequest, match=r"^Request body must be valid JSON: "):
        parse_body(raw)


# --- the credential ------------------------------------------------------------------------


def test_an_account_without_a_grant_gets_the_real_services_no_tokens(run):
    with pytest.raises(NoTokens) as raised:
        run("gmail", "email.list", {}, grant=False)
    assert (raised.value.status, raised.value.message) == (500, "Account has no tokens")


def test_another_accounts_grant_does_not_count(engine, dev, run):
    engine.grant(dev, "gmail", "bob")
    with pytest.raises(NoTokens):
        run("gmail", "email.list", {}, grant=False)


def test_an_expired_credential_without_refresh_token_must_connect_again(engine, dev, run):
    engine.grant(dev, "gmail", "alice")
    engine.oauth.expire_credential(dev.id, "interactor", "gmail", "alice")
    with pytest.raises(CredentialExpired) as raised:
        run("gmail", "email.list", {}, grant=False)
    assert raised.value.status == 500
    assert raised.value.message == "Connector token is unauthorized"
    assert raised.value.extra == {
        "detail": "The credential of account 'alice' on 'interactor/gmail' has expired and has "
        "no refresh token: the account must connect again (auth-url)"
    }


def test_an_expired_access_token_is_refreshed_and_the_call_answers(engine, dev, run, clock):
    granted = engine.grant(dev, "gmail", "alice")
    clock.advance(hours=2)
    outcome = run("gmail", "email.list", {}, grant=False)
    assert outcome.source == "behaviour"
    stored = engine.oauth.credential(dev.id, "interactor", "gmail", "alice")
    assert stored.access_token != granted.access_token
    assert stored.updated_at == clock()


# --- the input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5", "'5' is not of type 'integer'"),
        (2.5, "2.5 is not of type 'integer'"),
        (True, "True is not of type 'integer'"),
        (None, "None is not of type 'integer'"),
        ([5], "[5] is not of type 'integer'"),
        (0, "0 is less than the minimum of 1"),
    ],
)
def test_a_non_integer_page_size_is_refused_naming_the_field(run, value, message):
    # Caught before only by a Hypothesis test: an integer type error must not pass.
    with pytest.raises(InvalidInput) as raised:
        run("googledrive-v1", "drive.files.list", {"pageSize": value})
    assert raised.value.status == 400
    assert raised.value.message == f"Invalid input: /pageSize: {message}"
    assert raised.value.extra["details"] == [{"path": "/pageSize", "message": message}]


def test_an_integer_page_size_is_accepted(run):
    assert run("googlecalendar-v1", "calendar.calendarList.list", {"maxResults": 5}).source == (
        "resource:calendars.list"
    )


def test_every_input_problem_is_listed_in_pointer_order(run):
    with pytest.raises(InvalidInput) as raised:
        run("gmail", "email.draft.create", {"to": "not-a-list", "subject": 3, "zzz": 1})
    paths = [d["path"] for d in raised.value.extra["details"]]
    assert paths == sorted(paths)
    assert {"/subject", "/to"} <= set(paths)
    # The headline names the unknown field first (the input policy), the details every problem.
    assert raised.value.message == "Invalid input: unknown field 'zzz'"


# --- where the answer comes from -----------------------------------------------------------


def test_a_coded_behaviour_answers_first(engine, run):
    seen = []

    def behaviour(call):
        seen.append((call.account, call.input))
        return {"resultSizeEstimate": 0}

    engine.executor.register("interactor", "gmail", "email.list", behaviour)
    outcome = run("gmail", "email.list", {"q": "x"})
    assert (outcome.output, outcome.source, outcome.scenario) == (
        {"resultSizeEstimate": 0},
        "behaviour",
        None,
    )
    assert seen == [("alice", {"q": "x"})]


def test_a_declared_resource_answers_when_no_behaviour_does(run):
    outcome = run("gmail-v1", "gmail.users.labels.list", {})
    assert outcome.source == "resource:labels.list"
    assert outcome.output == {"status_code": 200, "body": {"labels": []}}


def test_an_example_answers_its_exact_input(engine, run):
    action = engine.registry.action("gmail-v1", "gmail.users.getProfile")
    (example,) = action.examples
    outcome = run("gmail-v1", "gmail.users.getProfile", {"userId": "me"})
    assert (outcome.output, outcome.source) == (example["output"], "example:profile")


def test_the_generator_answers_everything_else_valid_and_seeded(engine, dev, run):
    outcome = run("gmail-v1", "gmail.users.getProfile", {"userId": "someone"})
    assert outcome.source == "generated"
    action = engine.registry.action("gmail-v1", "gmail.users.getProfile")
    assert action.output_problems(outcome.output) == []
    assert outcome.output != action.examples[0]["output"]
    assert run("gmail-v1", "gmail.users.getProfile", {"userId": "someone"}) == outcome


def test_a_provider_answer_raised_by_a_behaviour_is_the_output(engine, run):
    answer = {"status_code": 404, "body": {"error": {"code": 404, "message": "nope"}}}

    def behaviour(call):
        raise ProviderAnswer(answer)

    engine.executor.register("interactor", "googledrive-v1", "drive.files.copy", behaviour)
    outcome = run("googledrive-v1", "drive.files.copy", {"fileId": "f1"})
    assert (outcome.output, outcome.source) == (answer, "behaviour:provider-error")


def test_an_answer_that_breaks_the_contract_is_a_500_naming_source_and_place(engine, run):
    engine.executor.register("interactor", "gmail", "email.list", lambda call: {"messages": 3})
    with pytest.raises(ContractViolation) as raised:
        run("gmail", "email.list", {})
    assert raised.value.status == 500
    assert raised.value.message.startswith(
        "Contract violation: the mock's behaviour output for interactor/gmail:email.list "
        "fails the output schema at /messages: "
    )
    assert raised.value.extra["details"][0]["path"] == "/messages"


def test_without_the_output_check_a_broken_answer_passes(engine, run):
    engine.executor.register("interactor", "gmail", "email.list", lambda call: {"messages": 3})
    engine.executor.check_output = False
    assert run("gmail", "email.list", {}).output == {"messages": 3}


# --- scenarios -----------------------------------------------------------------------------


def test_a_prefer_header_fails_the_one_call_and_names_its_scenario(run):
    with pytest.raises(ScenarioAnswer) as raised:
        run("gmail", "email.list", {}, prefer="code=429")
    assert raised.value.status == 429
    assert run("gmail", "email.list", {}).source == "behaviour"


def test_a_scenario_rule_that_answers_is_the_source(engine, dev, run):
    engine.scenarios.add(
        dev,
        {
            "connector": "googledrive-v1",
            "action": "drive.files.list",
            "kind": "provider_error",
            "status": 403,
        },
    )
    outcome = run("googledrive-v1", "drive.files.list", {})
    assert outcome.source.startswith("scenario:")
    assert outcome.scenario is not None
    assert outcome.source == f"scenario:{outcome.scenario}"
    assert outcome.output["status_code"] == 403


def test_a_missing_required_input_is_reported_at_its_field(run):
    with pytest.raises(InvalidInput) as raised:
        run("gmail", "email.get", {})
    assert raised.value.message == (
        "Invalid input: /message_id: 'message_id' is a required property"
    )


def test_a_payload_that_is_not_an_object_is_reported_at_the_root(run):
    # Only a Python caller can get here (over HTTP, parse_body refuses it first).
    with pytest.raises(InvalidInput) as raised:
        run("gmail", "email.list", [1])
    assert raised.value.message == "Invalid input: /: [1] is not of type 'object'"


def test_an_answer_that_is_not_an_object_is_reported_at_the_root(engine, run):
    engine.executor.register("interactor", "gmail", "email.list", lambda call: [1])
    with pytest.raises(ContractViolation) as raised:
        run("gmail", "email.list", {})
    assert raised.value.message.startswith(
        "Contract violation: the mock's behaviour output for interactor/gmail:email.list "
        "fails the output schema at /: "
    )


def test_an_executor_checks_output_unless_told_not_to(engine, dev):
    def broken(call):
        return {"messages": 3}

    behaviours = {("interactor", "gmail", "email.list"): broken}
    services = {
        "oauth": engine.oauth,
        "scenarios": engine.scenarios,
        "resources": engine.resources,
        "behaviours": behaviours,
        "clock": engine.now,
    }
    engine.grant(dev, "gmail", "alice")
    action = engine.registry.action("gmail", "email.list")
    with pytest.raises(ContractViolation):
        Executor(**services).execute(dev, action, "alice", {})
    unchecked = Executor(**services, check_output=False).execute(dev, action, "alice", {})
    assert unchecked.output == {"messages": 3}


def test_an_unrefreshable_credential_fails_at_exactly_its_expiry(engine, dev, run, clock):
    engine.grant(dev, "gmail", "alice")
    expired = engine.oauth.expire_credential(dev.id, "interactor", "gmail", "alice")
    clock.advance(seconds=-1)
    assert clock() == expired.expires_at
    with pytest.raises(CredentialExpired):
        run("gmail", "email.list", {}, grant=False)
    clock.advance(seconds=-1)
    assert run("gmail", "email.list", {}, grant=False).source == "behaviour"
