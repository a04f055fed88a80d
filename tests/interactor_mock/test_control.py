"""The control API under /_mock, through real HTTP."""

from __future__ import annotations

import pytest
import requests

from interactor_mock.core.environments import API_KEY_PATTERN


@pytest.fixture
def control(live):
    def call(method, path, **kw):
        return requests.request(method, live.url_for("/_mock" + path), **kw)

    return call


def test_health_is_200_when_ready(control):
    response = control("GET", "/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["connectors"] == 10


def test_create_environment_returns_its_key(control, live):
    response = control("POST", "/environments", json={"name": "CI run 7", "seed": 3})
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == "ci-run-7"
    assert body["seed"] == 3
    assert API_KEY_PATTERN.match(body["apiKey"])
    listed = control("GET", "/environments").json()["environments"]
    assert [e["id"] for e in listed][-1] == "ci-run-7"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x", "seed": "1"}, "seed"),
        ({"name": "x", "apiKey": "nope"}, "apiKey"),
    ],
)
def test_create_environment_names_the_bad_field(control, body, field):
    response = control("POST", "/environments", json=body)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_control_body_must_be_a_json_object(control):
    response = control(
        "POST", "/environments", data="[]", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Request body must be a JSON object"


def test_rotate_key_through_the_control_api(control, live, dev):
    response = control("POST", f"/environments/{dev.id}/keys")
    assert response.status_code == 200
    new = response.json()["apiKey"]
    assert new != dev.api_key
    url = live.base_url + "/connector/gmail/auth-url?account=a"
    assert requests.get(url, headers={"x-api-key": dev.api_key}).status_code == 401
    assert requests.get(url, headers={"x-api-key": new}).status_code == 200


def test_grant_without_the_browser_then_execute(control, live, dev):
    response = control(
        "POST", f"/environments/{dev.id}/grants", json={"connector": "slack", "account": "bob"}
    )
    assert response.status_code == 201
    assert response.json()["source"] == "control-api"
    executed = requests.post(
        live.base_url + "/connector/interactor/slack/action/message.send/execute?account=bob",
        json={"channel": "C0123456789", "text": "hi"},
        headers={"x-api-key": dev.api_key},
    )
    assert executed.status_code == 200, executed.text
    output = executed.json()["output"]
    assert (output["ok"], output["channel"], output["message"]["text"]) == (
        True,
        "C0123456789",
        "hi",
    )
    grants = control("GET", f"/environments/{dev.id}/grants").json()["grants"]
    assert [(g["connector"], g["account"]) for g in grants] == [("interactor/slack", "bob")]


def test_grant_for_unknown_connector_is_404(control, dev):
    response = control(
        "POST", f"/environments/{dev.id}/grants", json={"connector": "nope", "account": "a"}
    )
    assert response.status_code == 404


def test_revoke_a_grant(control, engine, dev):
    engine.grant(dev, "gmail", "alice")
    assert (
        control("DELETE", f"/environments/{dev.id}/grants/interactor/gmail/alice").status_code
        == 204
    )
    assert (
        control("DELETE", f"/environments/{dev.id}/grants/interactor/gmail/alice").status_code
        == 404
    )


def test_unknown_environment_is_404_naming_it(control):
    response = control("GET", "/environments/nope/journal")
    assert response.status_code == 404
    assert response.json()["error"] == "Environment 'nope' not found"


def test_custom_oauth_client_is_set_and_removed(control, dev):
    path = f"/environments/{dev.id}/oauth-clients/interactor/gmail"
    response = control("PUT", path, json={"clientId": "cid", "clientSecret": "shh"})
    assert response.status_code == 200
    assert response.json()["oauthClients"] == {"interactor/gmail": {"clientId": "cid"}}
    assert "shh" not in response.text
    assert control("PUT", path, json={"clientId": "cid"}).status_code == 400
    assert control("DELETE", path).json()["oauthClients"] == {}


def test_reset_one_environment(control, engine, dev):
    engine.grant(dev, "gmail", "alice")
    assert control("POST", f"/environments/{dev.id}/reset").status_code == 204
    assert engine.oauth.credentials(dev.id) == []


def test_reset_everything(control, engine):
    control("POST", "/environments", json={"name": "extra"})
    assert control("POST", "/reset").status_code == 204
    assert [e.id for e in engine.environments.all()] == ["development", "testing", "production"]


def test_journal_is_listed_and_cleared(control, live, dev):
    requests.get(
        live.base_url + "/connector/gmail/auth-url?account=a", headers={"x-api-key": dev.api_key}
    )
    entries = control("GET", f"/environments/{dev.id}/journal").json()["entries"]
    assert [(e["method"], e["status"], e["account"]) for e in entries] == [("GET", 200, "a")]
    assert dev.api_key not in str(entries)
    assert control("DELETE", f"/environments/{dev.id}/journal").status_code == 204
    assert control("GET", f"/environments/{dev.id}/journal").json()["entries"] == []


def test_journal_is_bounded(engine, dev):
    engine.journal.size = 5
    for n in range(12):
        engine.journal.record(
            dev.id, time="t", method="GET", path=f"/{n}", query="", status=200, duration_ms=0.0
        )
    assert [e.path for e in engine.journal.entries(dev.id)] == [f"/{n}" for n in range(7, 12)]


def test_connectors_and_action_schemas_are_listed(control):
    connectors = control("GET", "/connectors").json()["connectors"]
    assert len(connectors) == 10
    gmail = control("GET", "/connectors/interactor/gmail").json()
    assert len(gmail["actions"]) == 21
    action = control("GET", "/connectors/interactor/gmail/actions/email.send").json()
    assert action["inputSchema"]["required"] == ["to", "subject", "body"]
    assert action["outputSchema"]["$schema"].endswith("2020-12/schema")


def test_unknown_control_path_is_404_json(control):
    response = control("GET", "/nothing")
    assert response.status_code == 404
    assert response.json()["error"] == "Not found: GET /_mock/nothing"


def test_unexpected_exception_is_a_json_500_kept_for_the_test(client, engine, dev, headers):
    def broken(call):
        raise RuntimeError("boom")

    engine.executor.register("interactor", "gmail", "email.list", broken)
    engine.grant(dev, "gmail", "alice")
    response = client.post(
        "/api/v1/connector/gmail/action/email.list/execute?account=alice", json={}, headers=headers
    )
    assert response.status_code == 500
    assert response.json == {"error": "Internal error in interactor-mock: RuntimeError: boom"}
    errors = client.get(f"/_mock/environments/{dev.id}/errors").json["errors"]
    assert errors[0]["kind"] == "exception"
    assert "RuntimeError: boom" in errors[0]["traceback"]


def test_output_that_breaks_the_contract_is_reported_not_returned(client, engine, dev, headers):
    engine.executor.register("interactor", "gmail", "email.get", lambda call: {"id": 5})
    engine.grant(dev, "gmail", "alice")
    response = client.post(
        "/api/v1/connector/gmail/action/email.get/execute?account=alice",
        json={"message_id": "m"},
        headers=headers,
    )
    assert response.status_code == 500
    assert response.json["error"].startswith("Contract violation")
    assert "output" not in response.json
    assert (
        client.get(f"/_mock/environments/{dev.id}/errors").json["errors"][0]["kind"]
        == "contract-violation"
    )
