"""``/_mock/openapi.json``: an OpenAPI 3.1 document generated from the contracts."""

from __future__ import annotations

import re

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator
from openapi_spec_validator import validate


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get("/_mock/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)


def test_every_action_has_one_operation_with_its_schemas(client, engine):
    document = client.get("/_mock/openapi.json").json
    paths = document["paths"]
    count = 0
    for contract in engine.registry.connectors:
        for name, action in contract.actions.items():
            path = f"/api/v1/connector/{contract.owner}/{contract.name}/action/{name}/execute"
            operation = paths[path]["post"]
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            expected = {k: v for k, v in action.input_schema.items() if k != "$schema"}
            assert body == expected
            output = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert output["properties"]["output"] == {
                k: v for k, v in action.output_schema.items() if k != "$schema"
            }
            count += 1
    assert count == sum(len(c.actions) for c in engine.registry.connectors)
    executes = [p for p in paths if p.endswith("/execute")]
    assert len(executes) == count
    ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_auth_url_credential_and_the_control_api_are_documented(client, app):
    paths = client.get("/_mock/openapi.json").json["paths"]
    assert "get" in paths["/api/v1/connector/interactor/gmail/auth-url"]
    assert set(paths["/api/v1/connector/interactor/gmail/credential"]) == {"get", "delete"}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/_mock"):
            path = rule.rule.replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in paths[path], (method, path)
    assert "post" in paths["/_mock/environments/{env_id}/scenarios"]
    assert "get" in paths["/_mock/openapi.json"]


# --- the document is as strict as the server, and no looser (schemathesis' findings) -------


CREDENTIAL = "/api/v1/connector/interactor/gmail/credential"


def _operation(client, path, method):
    return client.get("/_mock/openapi.json").json["paths"][path][method]


def _parameter(operation, name):
    return next(p for p in operation["parameters"] if p["name"] == name)["schema"]


def _body_schema(client, path, method="post"):
    return _operation(client, path, method)["requestBody"]["content"]["application/json"]["schema"]


def test_the_account_parameter_refuses_exactly_what_str_isspace_calls_white_space(client):
    pattern = re.compile(_parameter(_operation(client, CREDENTIAL, "get"), "account")["pattern"])
    for code in range(0x3100):  # past every white space character str.isspace knows
        assert (pattern.search(chr(code)) is None) == chr(code).isspace(), hex(code)


@pytest.mark.parametrize(
    ("account", "status"),
    [("\x1c", 400), ("\x85", 400), ("\u3000 ", 400), ("\ufeff", 200), ("a\x1c", 200)],
)
def test_the_server_refuses_an_account_as_the_document_says(client, headers, account, status):
    schema = _parameter(_operation(client, CREDENTIAL, "get"), "account")
    assert jsonschema_rs.validator_for(schema).is_valid(account) == (status == 200)
    client.post(
        "/_mock/environments/development/grants", json={"connector": "gmail", "account": account}
    )
    response = client.get(CREDENTIAL, query_string={"account": account}, headers=headers)
    assert response.status_code == status, response.json


def test_the_environment_body_requires_a_name_in_the_document_and_the_server(client):
    operation = _operation(client, "/_mock/environments", "post")
    assert operation["requestBody"]["required"] is True
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["name"]
    assert not Draft202012Validator(schema).is_valid({})
    response = client.post("/_mock/environments", json={})
    assert (response.status_code, response.json) == (
        400,
        {"error": "Field 'name' is required", "field": "name"},
    )


def test_the_seed_body_refuses_extra_keys_in_the_document_and_the_server(client):
    schema = _body_schema(client, "/_mock/seed")
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"seed", "anchor", "environments"}
    body = {"": [], "environments": {}}
    assert not Draft202012Validator(schema).is_valid(body)
    response = client.post("/_mock/seed", json=body)
    assert response.status_code == 400
    assert response.json["at"] == ""
    assert response.json["error"].startswith("'' is not a known field (known: anchor, ")


# Each control body the server parses, with one body the server refuses and one it takes.
BODIES = [
    ("/_mock/environments", "post", {"name": " "}, {"name": "x", "seed": 3}),
    ("/_mock/environments/development/keys", "post", {"apiKey": "k"}, {}),
    (
        "/_mock/environments/development/oauth-clients/interactor/gmail",
        "put",
        {"clientId": "c"},
        {"clientId": "c", "clientSecret": "s"},
    ),
    (
        "/_mock/environments/development/grants",
        "post",
        {"connector": "gmail", "account": 5},
        {"connector": "gmail", "account": "a"},
    ),
    (
        "/_mock/environments/development/scenarios",
        "post",
        {"headers": False},
        {"connector": "gmail", "action": "email.list", "status": 503},
    ),
    (
        "/_mock/environments/development/seed",
        "post",
        {"accounts": {"a": {"gmail": {"messages": 1.5}}}},
        {"accounts": {"a": {"gmail": {"messages": 2}}}},
    ),
    (
        "/_mock/seed",
        "post",
        {"environments": {"ci": {"accounts": [], "colour": 1}}},
        {"environments": {"ci": {"accounts": {"a": ["gmail"]}}}},
    ),
]


@pytest.mark.parametrize(("path", "method", "refused", "taken"), BODIES)
def test_every_control_body_is_described_as_the_server_parses_it(
    client, path, method, refused, taken
):
    document_path = re.sub(r"/environments/development", "/environments/{env_id}", path)
    document_path = document_path.replace("/interactor/gmail", "/{owner}/{connector}")
    schema = _body_schema(client, document_path, method)
    validator = Draft202012Validator(schema)
    assert not validator.is_valid(refused)
    assert validator.is_valid(taken)
    assert client.open(path, method=method.upper(), json=refused).status_code == 400
    response = client.open(path, method=method.upper(), json=taken)
    assert response.status_code in (200, 201), response.json


def test_routes_that_read_no_body_document_none_and_every_body_route_one(client, app):
    paths = client.get("/_mock/openapi.json").json["paths"]
    with_body = {
        (path, method)
        for path, item in paths.items()
        if path.startswith("/_mock")
        for method, operation in item.items()
        if "requestBody" in operation
    }
    assert with_body == {
        ("/_mock/environments", "post"),
        ("/_mock/environments/{env_id}/keys", "post"),
        ("/_mock/environments/{env_id}/oauth-clients/{owner}/{connector}", "put"),
        ("/_mock/environments/{env_id}/grants", "post"),
        ("/_mock/environments/{env_id}/scenarios", "post"),
        ("/_mock/environments/{env_id}/seed", "post"),
        ("/_mock/seed", "post"),
    }
    resources = "/_mock/environments/{env_id}/resources/{owner}/{connector}/{collection}"
    assert [p["name"] for p in paths[resources]["get"]["parameters"]] == [
        "env_id",
        "owner",
        "connector",
        "collection",
        "account",
        "parent",
    ]


def test_a_scenario_rule_names_only_known_connectors_and_their_actions(client):
    validator = Draft202012Validator(_body_schema(client, "/_mock/environments/{env_id}/scenarios"))
    assert validator.is_valid({"connector": "gmail", "action": "email.list"})
    assert validator.is_valid({"connector": "interactor/gmail", "action": "email.*"})
    assert not validator.is_valid({"connector": "gmail", "action": "email.snd"})
    assert not validator.is_valid({"connector": "nope"})
    assert not validator.is_valid({"connector": "gmail", "owner": "someone"})
    assert not validator.is_valid({"kind": "provider_error", "connector": "gmail"})
    assert not validator.is_valid({"kind": "latency"})


def test_execute_requires_a_body_exactly_where_an_empty_one_is_refused(client, engine):
    paths = client.get("/_mock/openapi.json").json["paths"]
    root = "/api/v1/connector/interactor/gmail/action"
    assert paths[f"{root}/email.draft.get/execute"]["post"]["requestBody"]["required"] is True
    assert paths[f"{root}/email.list/execute"]["post"]["requestBody"]["required"] is False


def test_the_documented_500s_of_an_action_are_examples_of_its_500_answer(client):
    operation = _operation(
        client, "/api/v1/connector/interactor/gmail/action/email.draft.get/execute", "post"
    )
    examples = operation["responses"]["500"]["content"]["application/json"]["examples"]
    assert [e["value"]["error"] for e in examples.values()] == [
        "Account has no tokens",
        "Connector token is unauthorized",
        "Timeout",
        "Requested entity was not found.",
    ]


@pytest.mark.parametrize(
    ("value", "taken"),
    [("TRUE", True), (" yes ", True), ("Off", True), ("", True), ("maybe", False), ("tru", False)],
)
def test_skip_input_is_documented_as_the_server_reads_it(client, headers, value, taken):
    path = "/api/v1/connector/interactor/gmail/auth-url"
    schema = _parameter(_operation(client, path, "get"), "skipInput")
    assert jsonschema_rs.validator_for(schema).is_valid(value) is taken
    response = client.get(path, query_string={"account": "a", "skipInput": value}, headers=headers)
    assert response.status_code == (200 if taken else 400), response.json


@pytest.mark.parametrize(
    ("url", "taken"),
    [
        ("", True),
        ("http://example.com/back", True),
        ("HTTPS://[::1]:65535/x?y#z", True),
        ("http://example.com:65536/", False),
        ("http:///nohost", False),
        ("ftp://example.com/", False),
        ("http://exa mple.com/", False),
    ],
)
def test_redirect_url_is_documented_as_the_server_checks_it(client, headers, url, taken):
    path = "/api/v1/connector/interactor/gmail/auth-url"
    schema = _parameter(_operation(client, path, "get"), "redirectUrl")
    assert jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(url) is taken
    response = client.get(path, query_string={"account": "a", "redirectUrl": url}, headers=headers)
    assert response.status_code == (200 if taken else 400), response.json
