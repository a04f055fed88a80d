"""scripts/generate_google_contracts.py: its rules on small documents, and the committed
contracts are exactly what it makes of the pinned package's documents."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from interactor_mock.contracts import Contract
from interactor_mock.contracts import canonical_json

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "generate_google_contracts.py"
PINNED = "2.202.0"  # pyproject.toml's contracts-gen extra


def load_script():
    spec = importlib.util.spec_from_file_location("generate_google_contracts", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = load_script()

DOCUMENT = {
    "title": "Widgets API",
    "version": "v2",
    "revision": "20260102",
    "description": "Widgets.",
    "parameters": {"fields": {"type": "string", "location": "query", "description": "Select."}},
    "schemas": {
        "Widget": {
            "id": "Widget",
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string", "annotations": {"required": ["widgets.widgets.insert"]}},
                "size": {"type": "string", "format": "int64"},
                "made": {"type": "string", "format": "google-datetime"},
                "count": {"type": "integer", "format": "uint32"},
                "parts": {"type": "array", "items": {"$ref": "Widget"}},
                "extra": {"type": "any"},
            },
        },
    },
    "resources": {
        "widgets": {
            "methods": {
                "insert": {
                    "id": "widgets.widgets.insert",
                    "httpMethod": "POST",
                    "description": "Creates a widget. More text.",
                    "parameterOrder": ["shelf"],
                    "parameters": {
                        "shelf": {"type": "string", "location": "path", "required": True},
                        "tags": {"type": "string", "location": "query", "repeated": True},
                        "notify": {"type": "boolean", "location": "query", "default": "false"},
                        "id": {"type": "string", "location": "query"},
                    },
                    "request": {"$ref": "Widget"},
                    "response": {"$ref": "Widget"},
                },
                "delete": {
                    "id": "widgets.widgets.delete",
                    "httpMethod": "DELETE",
                    "description": "Deletes a widget.",
                    "parameters": {
                        "limit": {
                            "type": "integer",
                            "location": "query",
                            "minimum": "1",
                            "maximum": "50",
                            "default": "10",
                            "deprecated": True,
                            "description": "How many.",
                        }
                    },
                },
            }
        }
    },
}
OVERLAY = {
    "contract": {"title": "Widgets (REST v1)"},
    "dataTypes": {
        "ProviderError": {"type": "object", "title": "providerError"},
        "Widget": {"required": ["id"]},
    },
    "errors": [{"status": 500, "error": "Timeout", "when": "slow"}],
    "actions": {"widgets.widgets.delete": {"label": {"en": "throw a widget away"}}},
}


def make(overlay=OVERLAY):
    return gen.generate(
        "widgets-v1", DOCUMENT, overlay, file_name="widgets.v2.json", version="9.9", digest="ab"
    )


def variables(contract, action):
    return {v["title"]: v for v in contract["actions"][action]["schema"]["variables"]}


def test_parameters_then_fields_then_body_fields_are_the_inputs():
    contract = make()
    names = list(variables(contract, "widgets.widgets.insert"))
    assert names == [
        *("shelf", "tags", "notify", "id"),  # parameterOrder first, then the document's order
        "fields",
        *("name", "size", "made", "count", "parts", "extra"),  # the body, less `id`
    ]


def test_required_parameters_and_annotated_body_fields_are_required():
    found = variables(make(), "widgets.widgets.insert")
    assert found["shelf"]["x-required"] is True
    assert found["name"]["x-required"] is True
    assert "x-required" not in found["tags"]


def test_a_body_field_named_like_a_parameter_is_the_parameter():
    contract = make()
    found = variables(contract, "widgets.widgets.insert")
    assert found["id"] == {"title": "id", "type": "string"}
    assert "widgets.widgets.insert (id)" in contract["provenance"]["notes"]


def test_types_formats_defaults_and_bounds_are_converted():
    contract = make()
    insert = variables(contract, "widgets.widgets.insert")
    assert insert["tags"] == {"title": "tags", "type": "array", "items": {"type": "string"}}
    assert insert["notify"]["default"] is False
    assert insert["size"] == {"title": "size", "type": "string"}
    assert insert["made"]["format"] == "date-time"
    assert insert["count"] == {"title": "count", "type": "integer", "minimum": 0}
    assert insert["extra"] == {"title": "extra"}
    limit = variables(contract, "widgets.widgets.delete")["limit"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 50, 10)
    assert limit["description"] == "Deprecated. How many."


def test_a_schema_containing_itself_is_cut_one_level_down():
    data_types = make()["dataTypes"]
    assert data_types["Widget"]["properties"]["parts"]["items"] == {"x-dataType": "WidgetNested"}
    cut = data_types["WidgetNested"]["properties"]["parts"]["items"]
    assert cut["type"] == "object"
    assert "x-dataType" not in cut


def test_outputs_are_status_code_and_body_with_the_provider_error():
    actions = make()["actions"]
    insert = actions["widgets.widgets.insert"]["schema"]["output"]["properties"]["body"]
    assert insert["anyOf"] == [{"x-dataType": "Widget"}, {"x-dataType": "ProviderError"}]
    delete = actions["widgets.widgets.delete"]["schema"]["output"]["properties"]["body"]
    assert delete["anyOf"][0]["type"] == ["object", "null"]


def test_the_overlay_is_on_top_and_labels_are_made_from_descriptions():
    contract = make()
    assert contract["title"] == "Widgets (REST v1)"
    assert contract["actions"]["widgets.widgets.insert"]["label"] == {"en": "create a widget"}
    assert contract["actions"]["widgets.widgets.delete"]["label"] == {"en": "throw a widget away"}
    assert contract["actions"]["widgets.widgets.insert"]["errors"] == OVERLAY["errors"]
    assert contract["actions"]["widgets.widgets.insert"]["safe"] is False
    assert contract["dataTypes"]["Widget"]["required"] == ["id"]
    assert "/dataTypes/Widget/required" in contract["provenance"]["inferred"]
    assert "/actions/widgets.widgets.insert/label" in contract["provenance"]["inferred"]


def test_the_result_is_a_valid_contract():
    contract = make()
    contract["auth"]["scopes"] = ["widgets"]
    loaded = Contract.from_data(contract, file="widgets-v1.json")
    insert = loaded.action("widgets.widgets.insert")
    assert insert.input_problems({"shelf": "a", "name": "b", "parts": [{"parts": [{}]}]}) == []
    assert [p.path for p in insert.input_problems({"shelf": "a"})] == ["/name"]


@pytest.mark.parametrize(
    "overlay",
    [
        {"actions": {"widgets.widgets.remove": {"label": {"en": "x"}}}},
        {"actions": {"widgets.widgets.delete": {"variables": {"limt": {"minimum": 2}}}}},
        {"dataTypes": {"Gadget": {"required": ["id"]}}},
    ],
    ids=["action", "input", "data type"],
)
def test_an_overlay_naming_what_the_document_lacks_stops_the_script(overlay):
    with pytest.raises(SystemExit, match=r"lacks|no input named"):
        make(overlay)


def test_the_committed_contracts_are_what_the_script_makes_of_the_documents():
    try:
        version = gen.client_version()
    except Exception:  # PackageNotFoundError: not installed
        version = None
    if version != PINNED:
        reason = (
            f"google-api-python-client {PINNED} is needed to regenerate the Google contracts "
            f"(found {version}); install the contracts-gen extra"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    for name, contract in gen.generate_all().items():
        committed = (ROOT / "contracts" / "interactor" / f"{name}.json").read_text()
        assert canonical_json(contract) == committed, (
            f"contracts/interactor/{name}.json differs from what the script makes: run "
            "python scripts/generate_google_contracts.py (and commit its output, not hand edits)"
        )
        assert json.loads(committed)["name"] == name


@pytest.mark.parametrize("name", sorted(gen.CONNECTORS))
def test_overlays_are_canonical_json(name):
    text = (gen.OVERLAYS_DIR / f"{name}.json").read_text(encoding="utf-8")
    assert text == canonical_json(json.loads(text))
