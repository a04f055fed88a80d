"""The real API surface, through real HTTP on 127.0.0.1: every endpoint and every error row."""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests

from interactor_mock.contracts import default_registry

DRAFT = {"to": ["bob@example.com"], "subject": "Lunch?", "body": "Noon at the usual place."}


@pytest.fixture
def api(live, headers):
    """A requests session that talks to the live server with the Development key."""

    class Api:
        base = live.base_url

        def __init__(self) -> None:
            self.session = requests.Session()
            self.session.headers.update(headers)

        def get(self, path, **kw):
            return self.session.get(self.base + path, **kw)

        def post(self, path, **kw):
            return self.session.post(self.base + path, **kw)

        def delete(self, path, **kw):
            return self.session.delete(self.base + path, **kw)

    return Api()


@pytest.fixture
def granted(engine, dev):
    engine.grant(dev, "gmail", "alice")
    return "alice"


EXECUTE = "/connector/interactor/gmail/action/{}/execute?account=alice"


# --- API keys -------------------------------------------------------------------------------


def test_missing_key_is_401_naming_the_header(live):
    response = requests.get(live.base_url + "/connector/interactor/gmail/auth-url?account=a")
    assert response.status_code == 401
    assert response.json() == {"error": "Missing x-api-key header"}


def test_unknown_key_is_401_saying_so(live):
    response = requests.get(
        live.base_url + "/connector/interactor/gmail/auth-url?account=a",
        headers={"x-api-key": "interactor_AAAAAAAA_" + "B" * 32},
    )
    assert response.status_code == 401
    assert "no environment has this key" in response.json()["error"]


def test_replaced_key_fails_at_once_and_the_new_one_works(live, engine, dev, api):
    old = dev.api_key
    new = engine.environments.rotate(dev.id).api_key
    url = live.base_url + "/connector/interactor/gmail/auth-url?account=a"
    response = requests.get(url, headers={"x-api-key": old})
    assert response.status_code == 401
    assert "replaced by a newer key" in response.json()["error"]
    assert requests.get(url, headers={"x-api-key": new}).status_code == 200


def test_each_environment_has_its_own_key(live, engine):
    testing = engine.environments.get("testing")
    engine.grant(testing, "gmail", "alice")
    url = live.base_url + EXECUTE.format("email.list")
    assert requests.post(url, json={}, headers={"x-api-key": testing.api_key}).status_code == 200
    development = engine.environments.get("development")
    response = requests.post(url, json={}, headers={"x-api-key": development.api_key})
    assert response.json() == {"error": "Account has no tokens"}


# --- auth-url -------------------------------------------------------------------------------


def test_auth_url_is_a_bare_json_string_with_the_oauth_parameters(api, live):
    response = api.get("/connector/interactor/gmail/auth-url?account=alice")
    assert response.status_code == 200
    url = response.json()
    assert isinstance(url, str)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == live.url
    assert parts.path == "/oauth/google/authorize"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["response_type"] == "code"
    assert query["access_type"] == "offline"
    assert query["prompt"] == "consent"
    assert query["client_id"].startswith("interactor-mock-default-gmail")
    assert query["redirect_uri"] == live.url + "/oauth/callback"
    assert query["scope"].split() == default_registry().connector("gmail").scopes
    assert len(query["state"]) >= 20


@pytest.mark.parametrize("parameter", ["account", "accountId", "userId"])
def test_auth_url_accepts_every_account_parameter(api, parameter):
    response = api.get(f"/connector/interactor/gmail/auth-url?{parameter}=alice")
    assert response.status_code == 200


def test_auth_url_without_owner_means_interactor(api):
    assert api.get("/connector/gmail/auth-url?account=alice").status_code == 200


def test_auth_url_states_differ_per_request(api):
    first = api.get("/connector/gmail/auth-url?account=alice").json()
    second = api.get("/connector/gmail/auth-url?account=alice").json()
    assert first != second


@pytest.mark.parametrize("name", ["redirectUrl", "redirect_uri"])
def test_auth_url_accepts_a_redirect_url(api, name):
    response = api.get(f"/connector/gmail/auth-url?account=a&{name}=https://app.example.com/done")
    assert response.status_code == 200


def test_auth_url_accepts_skip_input(api):
    assert api.get("/connector/gmail/auth-url?account=a&skipInput=true").status_code == 200


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.com/x", "/relative/path", "https://"]
)
def test_auth_url_refuses_a_redirect_url_that_is_not_http(api, url):
    response = api.get("/connector/gmail/auth-url", params={"account": "a", "redirectUrl": url})
    assert response.status_code == 400
    assert "redirectUrl must be an absolute http or https URL" in response.json()["error"]


def test_auth_url_refuses_a_bad_skip_input(api):
    response = api.get("/connector/gmail/auth-url?account=a&skipInput=maybe")
    assert response.status_code == 400
    assert "skipInput" in response.json()["error"]


def test_auth_url_for_unknown_connector_is_404_naming_it(api):
    response = api.get("/connector/interactor/gmial/auth-url?account=alice")
    assert response.status_code == 404
    assert response.json()["error"] == "Connector 'interactor/gmial' not found"
    assert "interactor/gmail" in response.json()["known_connectors"]


def test_auth_url_without_account_is_400(api):
    response = api.get("/connector/interactor/gmail/auth-url")
    assert response.status_code == 400
    assert "Missing account" in response.json()["error"]


def test_empty_account_is_400(api):
    response = api.get("/connector/interactor/gmail/auth-url?account=")
    assert response.status_code == 400
    assert "'account' must not be empty" in response.json()["error"]


# --- credential -----------------------------------------------------------------------------


def test_credential_of_a_granted_account_has_no_secrets(api, granted):
    response = api.get("/connector/interactor/gmail/credential?account=alice")
    assert response.status_code == 200
    body = response.json()
    assert body["account"] == "alice"
    assert body["connector"] == "interactor/gmail"
    assert body["status"] == "active"
    assert body["hasRefreshToken"] is True
    assert "mock-access" not in response.text
    assert "mock-refresh" not in response.text


def test_credential_of_an_unknown_account_is_404(api):
    response = api.get("/connector/interactor/gmail/credential?account=nobody")
    assert response.status_code == 404
    assert "No credential for account 'nobody'" in response.json()["error"]


def test_deleted_credential_answers_as_never_connected(api, granted):
    assert api.delete("/connector/interactor/gmail/credential?account=alice").status_code == 200
    assert api.get("/connector/interactor/gmail/credential?account=alice").status_code == 404
    response = api.post(EXECUTE.format("email.list"), json={})
    assert response.status_code == 500
    assert response.json() == {"error": "Account has no tokens"}


def test_deleting_a_missing_credential_is_404(api):
    assert api.delete("/connector/interactor/gmail/credential?account=alice").status_code == 404


def test_credential_without_account_is_400(api):
    assert api.get("/connector/gmail/credential").status_code == 400


# --- execute --------------------------------------------------------------------------------


def test_execute_answers_output_valid_against_the_contract(api, granted):
    response = api.post(EXECUTE.format("email.draft.create"), json=DRAFT)
    assert response.status_code == 200
    output = response.json()["output"]
    action = default_registry().action("gmail", "email.draft.create")
    assert action.output_problems(output) == []


def test_execute_is_deterministic_for_the_same_call(api, granted, engine, dev):
    # A read: a second create makes a second object (see test_resources.py).
    engine.seeds.apply(dev, {"accounts": {"alice": {"gmail": {"messages": 8}}}})
    query = {"maxResults": 5, "includeSpamTrash": False}
    first = api.post(EXECUTE.format("email.list"), json=query).json()
    second = api.post(EXECUTE.format("email.list"), json=dict(reversed(query.items())))
    assert second.json() == first
    assert len(first["output"]["messages"]) == 5
    assert [e.source for e in engine.journal.entries(dev.id)] == ["behaviour", "behaviour"]


GENERATED = "/connector/interactor/gmail-v1/action/gmail.users.history.list/execute?account=alice"


def _generated(api, engine, payload):
    """The output of an action no behaviour, resource or example answers, and its source."""
    response = api.post(GENERATED, json=payload)
    assert response.status_code == 200, response.text
    return response.json()["output"], engine.journal.entries("development")[-1].source


def test_generated_output_is_the_same_under_reordered_input_keys(api, engine, dev):
    engine.grant(dev, "gmail-v1", "alice")
    query = {"userId": "me", "startHistoryId": "1234", "maxResults": 3, "labelId": "INBOX"}
    first, source = _generated(api, engine, query)
    second, again = _generated(api, engine, dict(reversed(query.items())))
    assert (source, again) == ("generated", "generated")
    assert second == first
    assert first["status_code"] == 200
    assert isinstance(first["body"], dict)
    assert first["body"]  # not the stub's empty answer
    action = default_registry().action("gmail-v1", "gmail.users.history.list")
    assert action.output_problems(first) == []


def test_generated_output_differs_for_a_different_input_that_is_not_echoed(api, engine, dev):
    engine.grant(dev, "gmail-v1", "alice")
    first, source = _generated(api, engine, {"userId": "me", "startHistoryId": "1111"})
    second, _ = _generated(api, engine, {"userId": "me", "startHistoryId": "2222"})
    assert source == "generated"
    assert "2222" not in repr(second)  # nothing echoed: the difference is the generator's
    assert second != first


def test_generated_output_differs_between_environments_of_other_seeds(live, engine):
    outputs = []
    for seed in (1, 2):
        environment = engine.environments.create(f"seed {seed}", seed=seed)
        engine.grant(environment, "gmail-v1", "alice")
        response = requests.post(
            live.base_url + GENERATED,
            json={"userId": "me"},
            headers={"x-api-key": environment.api_key},
        )
        assert response.status_code == 200
        outputs.append(response.json()["output"])
    assert outputs[0] != outputs[1]


def test_execute_answers_differently_for_different_input(api, granted):
    first = api.post(EXECUTE.format("email.send"), json=DRAFT).json()
    second = api.post(EXECUTE.format("email.send"), json={**DRAFT, "subject": "Tea?"}).json()
    assert first != second


def test_email_get_answers_the_message_asked_for(api, granted, engine, dev):
    engine.seeds.seed_collection(dev, "gmail", "messages", "alice", [{"id": "18c2f0a1b2"}])
    output = api.post(EXECUTE.format("email.get"), json={"message_id": "18c2f0a1b2"}).json()
    assert output["output"]["id"] == "18c2f0a1b2"


def test_email_get_of_a_message_never_stored_is_not_found(api, granted):
    response = api.post(EXECUTE.format("email.get"), json={"message_id": "18c2f0a1b2"})
    assert (response.status_code, response.json()) == (
        500,
        {"error": "Requested entity was not found."},
    )


def test_request_values_are_echoed_where_names_match(api, granted):
    output = api.post(EXECUTE.format("email.send"), json=DRAFT).json()["output"]
    assert output["message_info"]["subject"] == "Lunch?"
    assert output["message_info"]["to"] == ["bob@example.com"]


def test_execute_without_grant_is_the_real_services_500(api):
    response = api.post(EXECUTE.format("email.send"), json=DRAFT)
    assert response.status_code == 500
    assert response.json() == {"error": "Account has no tokens"}


def test_execute_unknown_connector_is_404_naming_it(api):
    response = api.post("/connector/interactor/nope/action/x/execute?account=a", json={})
    assert response.status_code == 404
    assert "'interactor/nope' not found" in response.json()["error"]


def test_execute_unknown_action_is_404_naming_it(api, granted):
    response = api.post(EXECUTE.format("email.snd"), json={})
    assert response.status_code == 404
    assert (
        response.json()["error"] == "Action 'email.snd' not found in connector 'interactor/gmail'"
    )
    assert "email.send" in response.json()["known_actions"]


def test_execute_without_account_is_400(api):
    response = api.post("/connector/gmail/action/email.list/execute", json={})
    assert response.status_code == 400
    assert "Missing account" in response.json()["error"]


def test_execute_without_owner_means_interactor(api, granted, engine, dev):
    engine.seeds.apply(dev, {"accounts": {"alice": {"gmail": {"messages": 2}}}})
    response = api.post("/connector/gmail/action/email.list/execute?account=alice", json={})
    assert response.status_code == 200
    assert response.json() == api.post(EXECUTE.format("email.list"), json={}).json()
    assert len(response.json()["output"]["messages"]) == 2
    assert engine.journal.entries(dev.id)[0].connector == "interactor/gmail"


def test_body_that_is_not_json_is_400(api, granted):
    response = api.post(
        EXECUTE.format("email.send"), data="to=bob", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("Request body must be valid JSON")


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null"])
def test_body_that_is_not_an_object_is_400(api, granted, body):
    response = api.post(
        EXECUTE.format("email.list"), data=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("Request body must be a JSON object")


def test_empty_body_is_an_empty_object(api, granted, engine, dev):
    engine.seeds.apply(dev, {"accounts": {"alice": {"gmail": {"messages": 2}}}})
    empty = api.post(EXECUTE.format("email.list"))
    assert empty.status_code == 200
    assert empty.json() == api.post(EXECUTE.format("email.list"), json={}).json()
    assert len(empty.json()["output"]["messages"]) == 2
    assert engine.journal.entries(dev.id)[0].input == {}


def test_invalid_input_names_the_first_problem_and_lists_all(api, granted):
    response = api.post(EXECUTE.format("email.send"), json={"to": "bob@example.com", "cc": [1]})
    assert response.status_code == 400
    body = response.json()
    paths = [d["path"] for d in body["details"]]
    assert paths == sorted(paths)
    assert {"/to", "/subject", "/body", "/cc/0"} <= set(paths)
    assert body["error"].startswith(f"Invalid input: {paths[0]}: ")


def test_missing_required_input_names_the_field(api, granted):
    response = api.post(EXECUTE.format("email.get"), json={})
    assert response.status_code == 400
    assert (
        response.json()["error"]
        == "Invalid input: /message_id: 'message_id' is a required property"
    )


def test_unknown_input_field_is_400_naming_it(api, granted):
    response = api.post(EXECUTE.format("email.get"), json={"message_id": "m", "messageId": "m"})
    assert response.status_code == 400
    assert response.json()["error"] == "Invalid input: unknown field 'messageId'"
    assert response.json()["details"][0]["path"] == "/messageId"


def test_wrong_enum_value_is_400(api, granted):
    response = api.post(EXECUTE.format("email.send"), json={**DRAFT, "bodyType": "markdown"})
    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == "/bodyType"


def test_body_over_the_limit_is_413(api, granted):
    big = {**DRAFT, "body": "x" * (1024 * 1024 + 10)}
    response = api.post(EXECUTE.format("email.send"), json=big)
    assert response.status_code == 413
    assert "larger than 1048576 bytes" in response.json()["error"]


def test_execute_with_get_is_405_json(api):
    response = api.get(EXECUTE.format("email.send"))
    assert response.status_code == 405
    assert "not allowed" in response.json()["error"]


def test_unknown_api_path_is_404_json(api):
    response = api.get("/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"error": "Not found: GET /api/v1/nothing/here"}


def test_recorded_example_is_answered_for_its_input(api, engine, dev):
    for contract in default_registry():
        for action in contract.actions.values():
            if action.examples:
                engine.grant(dev, contract.name, "alice")
                example = action.examples[0]
                response = api.post(
                    f"/connector/{contract.owner}/{contract.name}/action/{action.name}"
                    "/execute?account=alice",
                    json=example["input"],
                )
                assert response.status_code == 200, response.text
                assert response.json() == {"output": example["output"]}
                return
    pytest.fail("no shipped action has an example")


def test_journal_records_calls_with_keys_redacted(api, granted, engine, dev):
    api.post(EXECUTE.format("email.send"), json={**DRAFT, "signature": "s"})
    api.get("/connector/gmail/auth-url?account=alice&token=abc")
    entries = engine.journal.entries(dev.id)
    send, auth = entries[-2], entries[-1]
    assert (send.connector, send.action, send.account, send.status) == (
        "interactor/gmail",
        "email.send",
        "alice",
        200,
    )
    assert send.input["subject"] == "Lunch?"
    assert send.source == "behaviour"
    assert auth.query == "account=alice&token=[redacted]"
    assert dev.api_key not in repr(entries)


def test_a_405_names_the_methods_the_resource_has_in_allow(api):
    response = api.get(EXECUTE.format("email.send"))
    assert response.status_code == 405
    assert response.headers["Allow"] == "OPTIONS, POST"
