"""``/_mock/openapi.json``: an OpenAPI 3.1 document generated from the contracts."""

from __future__ import annotations

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
