"""The handle a test holds: set-up verbs, the journal, and assertions that explain near misses."""

from __future__ import annotations

import pytest

from interactor_mock.embed.assertions import split_connector
from interactor_mock.embed.handle import InteractorMock
from interactor_mock.embed.handle import ServerSideError
from interactor_mock.errors import CredentialNotFound
from interactor_mock.errors import UnknownConnector
from interactor_mock.errors import UnknownEnvironment

DRAFT = {"to": ["bob@example.com"], "subject": "Lunch?", "body": "Noon."}
EXECUTE = "/api/v1/connector/{connector}/action/{action}/execute"


@pytest.fixture
def handle(app, engine):
    environment = engine.environments.create("handle test")
    return InteractorMock(app, environment.id, base_url="https://mock.test/api/v1/")


def execute(handle, action="email.draft.create", account="alice", payload=None, connector="gmail"):
    response = handle.client.post(
        EXECUTE.format(connector=connector, action=action),
        query_string={"account": account},
        headers=handle.headers,
        json=DRAFT if payload is None else payload,
    )
    if response.status_code == 200:
        # Every call these tests make is answered by the connector's behaviour with content.
        assert handle.calls[-1].source == "behaviour", handle.calls[-1]
        assert response.get_json()["output"], response.get_json()
    return response


def failure(call) -> str:
    with pytest.raises(AssertionError) as caught:
        call()
    return str(caught.value)


def test_base_url_has_no_trailing_slash(handle):
    assert handle.base_url == "https://mock.test/api/v1"
    assert handle.origin == "https://mock.test"
    assert handle.url_for("/_mock/health") == "https://mock.test/_mock/health"


def test_api_key_and_headers_follow_the_environment(handle, engine):
    assert handle.api_key == engine.environments.get(handle.environment).api_key
    assert handle.headers == {"x-api-key": handle.api_key}


def test_rotate_key_returns_the_new_key_and_the_old_one_stops_working(handle):
    old = handle.api_key
    new = handle.rotate_key()
    assert new == handle.api_key != old
    response = handle.client.get(
        "/api/v1/connector/gmail/credential?account=a", headers={"x-api-key": old}
    )
    assert response.status_code == 401
    assert "replaced" in response.json["error"]


def test_grant_accepts_a_short_or_owner_qualified_connector_name(handle):
    assert handle.grant("gmail", "alice")["connector"] == "interactor/gmail"
    assert handle.grant("interactor/gmail", "bob")["account"] == "bob"
    assert execute(handle, account="alice").status_code == 200
    assert execute(handle, account="bob").status_code == 200


def test_grant_with_an_owner_that_contradicts_the_name_is_refused(handle):
    with pytest.raises(ValueError, match="owned by 'interactor', not 'acme'"):
        handle.grant("interactor/gmail", "alice", owner="acme")


def test_grant_of_an_unknown_connector_names_it_suggests_the_closest_and_lists_the_known(handle):
    with pytest.raises(UnknownConnector) as caught:
        handle.grant("gmial", "alice")
    known = sorted(c.key for c in handle.contracts)
    assert str(caught.value) == (
        "Connector 'interactor/gmial' not found (did you mean 'gmail'?); "
        f"known connectors: {', '.join(known)}"
    )
    assert caught.value.extra == {"known_connectors": known}


def test_an_owner_qualified_typo_is_answered_in_the_same_form(handle):
    with pytest.raises(UnknownConnector, match=r"\(did you mean 'interactor/slack'\?\); known"):
        handle.revoke("interactor/slak", "alice")


def test_a_name_close_to_nothing_gets_the_list_without_a_suggestion(handle):
    with pytest.raises(UnknownConnector) as caught:
        handle.grant("zzzzzz", "alice")
    assert str(caught.value).startswith(
        "Connector 'interactor/zzzzzz' not found; known connectors: "
    )


def test_assert_called_of_an_unknown_connector_suggests_the_closest(handle):
    with pytest.raises(UnknownConnector, match=r"did you mean 'gmail'\?"):
        handle.assert_called("gmial", "email.list")


def test_a_call_without_a_grant_gets_account_has_no_tokens(handle):
    response = execute(handle)
    assert response.status_code == 500
    assert response.json == {"error": "Account has no tokens"}


def test_revoke_makes_the_next_call_fail_with_no_tokens(handle):
    handle.grant("gmail", "alice")
    handle.revoke("gmail", "alice")
    assert execute(handle).json == {"error": "Account has no tokens"}


def test_revoke_of_an_account_never_granted_says_so(handle):
    with pytest.raises(CredentialNotFound, match="'alice'"):
        handle.revoke("gmail", "alice")


def test_calls_record_connector_action_account_input_and_status(handle):
    handle.grant("gmail", "alice")
    execute(handle)
    (call,) = handle.calls
    assert (call.connector, call.action, call.account, call.input, call.status) == (
        "interactor/gmail",
        "email.draft.create",
        "alice",
        DRAFT,
        200,
    )


def test_client_shares_state_with_the_handle(handle):
    handle.grant("gmail", "alice")
    response = handle.client.get(
        "/api/v1/connector/gmail/credential?account=alice", headers=handle.headers
    )
    assert response.status_code == 200


def test_assert_called_returns_the_matching_calls(handle):
    handle.grant("gmail", "alice")
    execute(handle)
    execute(handle)
    matches = handle.assert_called("interactor/gmail", "email.draft.create", account="alice")
    assert len(matches) == 2
    handle.assert_called("gmail", "email.draft.create", times=2, input=DRAFT)


def test_assert_called_counts_failed_calls_too(handle):
    execute(handle)
    handle.assert_called("gmail", "email.draft.create", account="alice", times=1)


def test_assert_called_compares_input_after_a_json_round_trip(handle):
    handle.grant("gmail", "alice")
    execute(handle)
    handle.assert_called("gmail", "email.draft.create", input={**DRAFT, "to": ("bob@example.com",)})


def test_a_near_miss_on_account_says_which_account_was_used(handle):
    handle.grant("gmail", "bob")
    execute(handle, account="bob")
    message = failure(lambda: handle.assert_called("gmail", "email.draft.create", account="alice"))
    assert message.startswith(
        "Expected interactor/gmail email.draft.create (account='alice') to be called at least "
        "once, but it was called 0 times."
    )
    assert "call 1: interactor/gmail email.draft.create account='bob'" in message
    assert "- account is 'bob', not 'alice'" in message


def test_a_near_miss_on_input_names_every_differing_field(handle):
    handle.grant("gmail", "alice")
    execute(handle, payload={**DRAFT, "cc": ["carol@example.com"]})
    expected = {**DRAFT, "subject": "Dinner?", "bodyType": "plain"}
    message = failure(lambda: handle.assert_called("gmail", "email.draft.create", input=expected))
    assert "- input['subject'] is 'Lunch?', expected 'Dinner?'" in message
    assert "- input['bodyType'] is missing (expected 'plain')" in message
    assert "- input['cc'] = ['carol@example.com'] was not expected" in message


def test_a_near_miss_on_action_or_connector_is_listed_with_the_difference(handle):
    handle.grant("gmail", "alice")
    execute(handle, action="email.list", payload={})
    execute(handle, connector="gmail-v1", action="gmail.users.drafts.list", payload={})
    message = failure(lambda: handle.assert_called("gmail", "email.draft.create"))
    assert "- action is 'email.list', not 'email.draft.create'" in message
    assert "1 near miss, 0 matching" in message
    assert "(1 other call not shown)" in message


def test_a_near_miss_shows_the_status_and_error_of_the_call(handle):
    execute(handle, account="bob")
    message = failure(lambda: handle.assert_called("gmail", "email.draft.create", account="alice"))
    assert "-> 500 'Account has no tokens'" in message


def test_a_near_miss_lists_auth_url_and_credential_requests_of_the_connector(handle):
    handle.client.get("/api/v1/connector/gmail/credential?account=alice", headers=handle.headers)
    message = failure(lambda: handle.assert_called("gmail", "email.draft.create"))
    assert "not an action call (GET /api/v1/connector/gmail/credential)" in message


def test_a_wrong_count_lists_the_matching_calls(handle):
    handle.grant("gmail", "alice")
    execute(handle)
    execute(handle)
    message = failure(lambda: handle.assert_called("gmail", "email.draft.create", times=1))
    assert "to be called once, but it was called twice." in message
    assert message.count("<- matches") == 2


def test_an_empty_journal_hints_at_a_wrong_base_url_or_key(handle):
    message = failure(lambda: handle.assert_called("gmail", "email.draft.create"))
    assert "No call to interactor/gmail or to any 'email.draft.create' action" in message
    assert "is the client using this base_url and api_key?" in message


def test_a_long_journal_is_cut_in_the_message(handle):
    handle.grant("gmail", "bob")
    for _ in range(25):
        execute(handle, account="bob")
    message = failure(lambda: handle.assert_called("gmail", "email.draft.create", account="a"))
    assert "... and 5 more" in message


def test_assert_called_with_a_misspelt_action_suggests_the_right_one(handle):
    with pytest.raises(ValueError, match=r"did you mean 'email\.draft\.create'"):
        handle.assert_called("gmail", "email.draft.craete")


def test_assert_called_refuses_a_negative_count(handle):
    with pytest.raises(ValueError, match="times must be >= 0"):
        handle.assert_called("gmail", "email.draft.create", times=-1)


def test_assert_not_called_passes_when_only_other_accounts_called(handle):
    handle.grant("gmail", "bob")
    execute(handle, account="bob")
    handle.assert_not_called("gmail", "email.draft.create", account="alice")


def test_assert_not_called_lists_the_calls_that_matched(handle):
    handle.grant("gmail", "alice")
    execute(handle)
    message = failure(lambda: handle.assert_not_called("gmail", "email.draft.create"))
    assert "not to be called, but it was called once." in message
    assert "<- matches" in message


def test_secret_looking_inputs_compare_as_the_journal_keeps_them(handle):
    handle.grant("gmail", "alice")
    payload = {"limit": 5, "pageToken": "page-2"}
    execute(handle, action="email.get.batch", payload=payload)
    assert handle.calls[0].input == {"limit": 5, "pageToken": "[redacted]"}
    handle.assert_called("gmail", "email.get.batch", input=payload)


def test_server_errors_and_check_report_errors_inside_the_mock(handle, engine):
    engine.executor.register(
        "interactor", "gmail", "email.list", lambda call: {"messages": "not a list"}
    )
    handle.grant("gmail", "alice")
    assert execute(handle, action="email.list", payload={}).status_code == 500
    (error,) = handle.server_errors()
    assert error["kind"] == "contract-violation"
    with pytest.raises(ServerSideError) as caught:
        handle.check()
    assert "Traceback (most recent call last)" in str(caught.value)
    assert "fails the output schema at /messages" in str(caught.value)
    assert isinstance(caught.value, AssertionError)


def test_server_errors_clear_forgets_them(handle, engine):
    engine.executor.register("interactor", "gmail", "email.list", lambda call: 1 / 0)
    handle.grant("gmail", "alice")
    execute(handle, action="email.list", payload={})
    assert handle.server_errors(clear=True)[0]["kind"] == "exception"
    assert handle.server_errors() == []
    handle.check()


def test_reset_forgets_grants_and_journal_but_keeps_the_key(handle):
    handle.grant("gmail", "alice")
    execute(handle)
    key = handle.api_key
    handle.reset()
    assert handle.calls == ()
    assert handle.api_key == key
    assert execute(handle).status_code == 500


def test_delete_removes_the_environment_and_may_be_repeated(handle, engine):
    handle.delete()
    handle.delete()
    with pytest.raises(UnknownEnvironment):
        engine.environments.get(handle.environment)


def test_contracts_are_the_engines_registry(handle, engine):
    assert handle.contracts is engine.registry


def test_repr_names_environment_mode_and_base_url(handle):
    assert repr(handle) == (
        "<InteractorMock environment='handle-test' mode=inprocess "
        "base_url='https://mock.test/api/v1'>"
    )


@pytest.mark.parametrize(
    ("text", "owner", "expected"),
    [
        ("gmail", None, ("interactor", "gmail")),
        ("gmail", "acme", ("acme", "gmail")),
        ("acme/widgets", None, ("acme", "widgets")),
        ("acme/widgets", "acme", ("acme", "widgets")),
    ],
)
def test_split_connector_reads_short_and_qualified_names(text, owner, expected):
    assert split_connector(text, owner) == expected


@pytest.mark.parametrize("text", ["", "/gmail", "a/b/c", "acme/"])
def test_split_connector_refuses_malformed_names(text):
    with pytest.raises(ValueError, match="'name' or 'owner/name'"):
        split_connector(text)
