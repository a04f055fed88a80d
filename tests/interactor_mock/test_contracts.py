"""The contract loader: conversion, compilation, and defects named by file and pointer."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from interactor_mock.contracts import Contract
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import canonical_json
from interactor_mock.contracts import default_contracts_dir
from interactor_mock.contracts import to_json_schema
from interactor_mock.errors import ContractError
from interactor_mock.errors import UnknownAction
from interactor_mock.errors import UnknownConnector

SHIPPED = default_contracts_dir()
EXPECTED_CONNECTORS = {
    "gmail",
    "gmail-v1",
    "googlecalendar-v1",
    "googledrive-v1",
    "slack",
    "msteamsplus",
    "zoom-v1",
    "github-v1",
    "gitlab-v1",
    "jira-v1",
}

MINIMAL = {
    "formatVersion": 1,
    "owner": "acme",
    "name": "widgets",
    "title": "Widgets",
    "auth": {"type": "oauth2", "provider": "acme", "scopes": ["widgets.read"]},
    "provenance": {
        "sources": [{"kind": "inferred", "ref": "test", "date": "2026-11-27"}],
        "inferred": [],
    },
    "dataTypes": {
        "WidgetId": {"type": "string", "minLength": 1},
        "Widget": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"x-dataType": "WidgetId"}, "name": {"type": "string"}},
        },
    },
    "actions": {
        "widget.get": {
            "label": {"en": "get a widget"},
            "safe": True,
            "schema": {
                "variables": [
                    {"title": "widget_id", "x-dataType": "WidgetId", "x-required": True},
                    {"title": "verbose", "type": "boolean", "x-label": {"en": "Verbose"}},
                ],
                "output": {"title": "widget", "x-dataType": "Widget"},
            },
            "examples": [
                {
                    "name": "known widget",
                    "input": {"widget_id": "w1"},
                    "output": {"id": "w1", "name": "Sprocket"},
                    "source": "inferred",
                }
            ],
        }
    },
}


def write_contract(root: Path, data: dict, owner: str = "acme", name: str = "widgets") -> Path:
    path = root / owner / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def load_error(tmp_path: Path, data: dict) -> ContractError:
    write_contract(tmp_path, data)
    with pytest.raises(ContractError) as caught:
        ContractRegistry.load(tmp_path)
    return caught.value


def test_every_catalogued_connector_is_shipped_and_loads():
    registry = ContractRegistry.load()
    assert {c.name for c in registry} == EXPECTED_CONNECTORS
    assert all(c.owner == "interactor" for c in registry)


def test_gmail_has_all_21_actions_of_the_catalogue():
    gmail = ContractRegistry.load().connector("gmail")
    assert len(gmail.actions) == 21
    assert {"email.get.batch", "email.draft.send", "email.attachment.get"} <= set(gmail.actions)


def test_gmail_contract_keeps_interactor_variables_as_given():
    action = ContractRegistry.load().action("gmail", "email.draft.create")
    titles = [v["title"] for v in action.variables]
    assert titles[:3] == ["to", "cc", "bcc"]
    assert action.variables[0]["x-required"] is True
    assert "x-label" in action.variables[0]


def test_v1_connectors_answer_status_code_and_body():
    for contract in ContractRegistry.load():
        if contract.name.endswith("-v1"):
            for action in contract.actions.values():
                assert action.output_schema["required"] == ["status_code", "body"], action.key


def test_every_shipped_file_is_canonical():
    for path in sorted(SHIPPED.rglob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text == canonical_json(json.loads(text)), f"{path} is not canonical"


def test_input_schema_is_derived_from_variables(tmp_path):
    write_contract(tmp_path, MINIMAL)
    action = ContractRegistry.load(tmp_path).action("widgets", "widget.get", owner="acme")
    assert action.input_schema["required"] == ["widget_id"]
    assert action.input_schema["additionalProperties"] is False
    assert action.input_schema["properties"]["widget_id"] == {"type": "string", "minLength": 1}
    assert action.input_schema["properties"]["verbose"] == {"type": "boolean"}


def test_data_types_are_inlined_in_the_output_schema(tmp_path):
    write_contract(tmp_path, MINIMAL)
    action = ContractRegistry.load(tmp_path).action("widgets", "widget.get", owner="acme")
    assert action.output_schema["properties"]["id"] == {"type": "string", "minLength": 1}
    assert "$ref" not in json.dumps(action.output_schema)
    assert "x-dataType" not in json.dumps(action.output_schema)


def test_fragment_keywords_win_over_the_data_type():
    schema = to_json_schema(
        {"x-dataType": "Name", "maxLength": 5}, {"Name": {"type": "string", "maxLength": 50}}
    )
    assert schema == {"type": "string", "maxLength": 5}


def test_example_lookup_uses_canonical_input(tmp_path):
    write_contract(tmp_path, MINIMAL)
    action = ContractRegistry.load(tmp_path).action("widgets", "widget.get", owner="acme")
    assert action.example_for('{"widget_id":"w1"}')["name"] == "known widget"
    assert action.example_for('{"widget_id":"w2"}') is None


def test_invalid_json_names_file_and_position(tmp_path):
    path = tmp_path / "acme" / "widgets.json"
    path.parent.mkdir()
    path.write_text('{"owner": ', encoding="utf-8")
    with pytest.raises(ContractError, match=r"acme/widgets.json.*not valid JSON \(line 1"):
        ContractRegistry.load(tmp_path)


def test_unsupported_keyword_is_named_with_its_pointer(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["dataTypes"]["WidgetId"]["pattern"] = "^w"
    error = load_error(tmp_path, data)
    assert error.path == "acme/widgets.json"
    assert error.pointer == "/dataTypes/WidgetId"
    assert "'pattern' was unexpected" in error.reason


def test_missing_top_level_field_is_a_defect(tmp_path):
    data = copy.deepcopy(MINIMAL)
    del data["auth"]
    error = load_error(tmp_path, data)
    assert "'auth' is a required property" in str(error)


def test_unknown_data_type_is_named(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["actions"]["widget.get"]["schema"]["output"]["x-dataType"] = "Gadget"
    error = load_error(tmp_path, data)
    assert error.pointer == "/actions/widget.get/schema/output/x-dataType"
    assert "unknown data type 'Gadget'" in error.reason
    assert "Widget" in error.reason


def test_self_referring_data_type_is_refused(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["dataTypes"]["Widget"]["properties"]["parent"] = {"x-dataType": "Widget"}
    error = load_error(tmp_path, data)
    assert "refers to itself: Widget -> Widget" in error.reason


def test_example_output_that_breaks_the_schema_is_refused(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["actions"]["widget.get"]["examples"][0]["output"] = {"id": "w1"}
    error = load_error(tmp_path, data)
    assert error.pointer == "/actions/widget.get/examples/0/output/name"
    assert "example output invalid" in error.reason


def test_example_input_that_breaks_the_schema_is_refused(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["actions"]["widget.get"]["examples"][0]["input"] = {"widget_id": 3}
    error = load_error(tmp_path, data)
    assert error.pointer == "/actions/widget.get/examples/0/input/widget_id"


def test_required_property_must_be_declared(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["dataTypes"]["Widget"]["required"].append("colour")
    error = load_error(tmp_path, data)
    assert "required 'colour' is not a property" in error.reason


def test_duplicate_input_is_refused(tmp_path):
    data = copy.deepcopy(MINIMAL)
    variables = data["actions"]["widget.get"]["schema"]["variables"]
    variables.append({"title": "verbose", "type": "string"})
    error = load_error(tmp_path, data)
    assert error.pointer == "/actions/widget.get/schema/variables/2/title"


def test_inferred_pointer_must_point_at_something(tmp_path):
    data = copy.deepcopy(MINIMAL)
    data["provenance"]["inferred"] = ["/actions/widget.nothing"]
    error = load_error(tmp_path, data)
    assert "points at nothing" in error.reason


def test_file_must_live_at_owner_and_name(tmp_path):
    write_contract(tmp_path, MINIMAL, owner="acme", name="gadgets")
    with pytest.raises(ContractError, match=r"file must be at acme/widgets\.json"):
        ContractRegistry.load(tmp_path)


def test_unknown_connector_lists_the_known_ones():
    registry = ContractRegistry.load()
    with pytest.raises(UnknownConnector) as caught:
        registry.connector("gmial")
    assert "'interactor/gmial' not found" in caught.value.message
    assert "interactor/gmail" in caught.value.extra["known_connectors"]


def test_unknown_action_names_action_and_connector():
    with pytest.raises(
        UnknownAction, match=r"'email.snd' not found in connector 'interactor/gmail'"
    ):
        ContractRegistry.load().action("gmail", "email.snd")


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="contracts directory not found"):
        ContractRegistry.load(tmp_path / "nope")


def test_contract_from_data_checks_like_a_file():
    contract = Contract.from_data(MINIMAL, file="inline")
    assert contract.key == "acme/widgets"
    assert contract.scopes == ["widgets.read"]
