"""Comparing answers with contracts: every drift kind, at a precise JSON pointer."""

from __future__ import annotations

import copy

import pytest

from interactor_mock.contracts import default_registry
from interactor_mock.tooling.drift import DRIFT_KINDS
from interactor_mock.tooling.drift import compare_output
from interactor_mock.tooling.drift import compare_response
from interactor_mock.tooling.drift import expected_statuses
from interactor_mock.tooling.drift import json_type
from interactor_mock.tooling.drift import schema_differences


@pytest.fixture(scope="module")
def email_list():
    return default_registry().action("gmail", "email.list")


@pytest.fixture
def listed(email_list):
    """A valid answer of email.list (the contract's own example), and its input."""
    example = next(e for e in email_list.examples if e["output"].get("messages"))
    return copy.deepcopy(example["input"]), copy.deepcopy(example["output"])


def kinds_and_pointers(drift):
    return [(d.kind, d.pointer) for d in drift.differences]


def test_an_answer_as_the_contract_says_has_no_drift(email_list, listed):
    payload, output = listed
    drift = compare_response(email_list, status=200, body={"output": output}, input=payload)
    assert drift.ok
    assert drift.report() == ""


def test_every_shipped_example_conforms_to_its_own_contract():
    for contract in default_registry():
        for action in contract.actions.values():
            for example in action.examples:
                found = compare_output(action, example["output"])
                assert found == [], (action.key, example["name"], found)


def test_a_field_the_contract_does_not_know_is_an_unknown_field(email_list, listed):
    payload, output = listed
    output["messages"][0]["historyId"] = "987"
    drift = compare_response(email_list, status=200, body={"output": output}, input=payload)
    assert kinds_and_pointers(drift) == [("unknown-field", "/output/messages/0/historyId")]
    assert drift.differences[0].message == ('not in the contract; the response has "987" (string)')


def test_a_missing_required_field_is_reported_at_its_own_pointer(email_list, listed):
    payload, output = listed
    del output["messages"][1]["threadId"]
    drift = compare_response(email_list, status=200, body={"output": output}, input=payload)
    assert kinds_and_pointers(drift) == [("missing-field", "/output/messages/1/threadId")]
    assert drift.differences[0].expected == "required"


def test_a_value_of_another_type_is_a_changed_type(email_list, listed):
    payload, output = listed
    output["resultSizeEstimate"] = "3"
    drift = compare_response(email_list, status=200, body={"output": output}, input=payload)
    (difference,) = drift.differences
    assert (difference.kind, difference.pointer) == ("type-changed", "/output/resultSizeEstimate")
    assert (difference.expected, difference.actual) == ("integer", "string")
    assert difference.message == 'the contract says integer, the response has "3" (string)'


def test_a_status_the_contract_does_not_document_is_an_unexpected_status(email_list, listed):
    payload, _ = listed
    drift = compare_response(
        email_list, status=429, body={"error": "Rate limit exceeded"}, input=payload
    )
    (difference,) = drift.differences
    assert difference.kind == "unexpected-status"
    assert difference.actual == 429
    assert difference.expected == expected_statuses(email_list)
    assert "status 429 is not in the contract" in difference.message
    assert '"Rate limit exceeded"' in difference.message


def test_a_documented_error_is_not_drift(email_list, listed):
    payload, _ = listed
    drift = compare_response(
        email_list, status=500, body={"error": "Account has no tokens"}, input=payload
    )
    assert drift.ok


def test_a_400_for_a_valid_input_is_drift_and_says_so(email_list, listed):
    payload, _ = listed
    drift = compare_response(email_list, status=400, body={"error": "bad"}, input=payload)
    (difference,) = drift.differences
    assert "for an input the contract says is valid" in difference.message


def test_a_400_for_an_invalid_input_is_expected(email_list):
    drift = compare_response(
        email_list, status=400, body={"error": "Invalid input"}, input={"nope": 1}
    )
    assert drift.ok
    assert drift.input_problems


def test_a_200_for_an_invalid_input_is_drift(email_list, listed):
    _, output = listed
    drift = compare_response(email_list, status=200, body={"output": output}, input={"nope": 1})
    assert [d.kind for d in drift.differences] == ["invalid-input-accepted"]
    assert "/nope" in drift.differences[0].message


def test_a_request_broken_on_purpose_accepts_any_client_error(email_list, listed):
    payload, _ = listed
    drift = compare_response(
        email_list, status=401, body={"error": "Invalid key"}, input=payload, request_ok=False
    )
    assert drift.ok


def test_an_answer_outside_the_envelope_is_a_bad_envelope(email_list, listed):
    payload, output = listed
    bare = compare_response(email_list, status=200, body=output["messages"], input=payload)
    assert [d.kind for d in bare.differences] == ["bad-envelope"]
    missing = compare_response(email_list, status=200, body={"result": output}, input=payload)
    assert kinds_and_pointers(missing) == [
        ("missing-field", "/output"),
        ("unknown-field", "/result"),
    ]
    error = compare_response(email_list, status=500, body="Timeout", input=payload)
    assert [d.kind for d in error.differences] == ["bad-envelope"]


def test_every_difference_of_one_answer_is_listed_in_pointer_order(email_list, listed):
    payload, output = listed
    output["messages"][0]["historyId"] = "1"
    del output["messages"][1]["threadId"]
    output["resultSizeEstimate"] = -1
    drift = compare_response(email_list, status=200, body={"output": output}, input=payload)
    assert kinds_and_pointers(drift) == [
        ("unknown-field", "/output/messages/0/historyId"),
        ("missing-field", "/output/messages/1/threadId"),
        ("invalid-value", "/output/resultSizeEstimate"),
    ]
    assert drift.kinds == ["unknown-field", "missing-field", "invalid-value"]
    lines = drift.report().splitlines()
    assert lines[0].startswith("  unknown-field")
    assert "minimum" in lines[2]


def test_within_any_of_the_closest_branch_is_reported():
    schema = {
        "anyOf": [
            {"type": "string"},
            {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
        ]
    }
    found = schema_differences(schema, {"a": "x"}, at="/output")
    assert [(d.kind, d.pointer) for d in found] == [("type-changed", "/output/a")]
    assert schema_differences(schema, "fine") == []


def test_declared_additional_properties_are_not_unknown_fields():
    open_map = {"type": "object", "additionalProperties": {"type": "integer"}}
    assert schema_differences(open_map, {"x": 1, "y": 2}) == []
    assert [d.kind for d in schema_differences(open_map, {"x": "1"})] == ["type-changed"]
    free = {"type": "object"}
    assert schema_differences(free, {"anything": [1]}) == []
    closed = {"type": "object", "additionalProperties": False}
    assert [d.pointer for d in schema_differences(closed, {"z": 1})] == ["/z"]


def test_whole_numbers_are_integers_and_integers_are_numbers():
    assert json_type(2.0) == "integer"
    assert json_type(True) == "boolean"
    assert schema_differences({"type": "number"}, 3) == []
    assert schema_differences({"type": "integer"}, 3.0) == []
    assert [d.kind for d in schema_differences({"type": "integer"}, 3.5)] == ["type-changed"]


def test_the_drift_kinds_are_stable():
    assert DRIFT_KINDS == (
        "unknown-field",
        "missing-field",
        "type-changed",
        "invalid-value",
        "unexpected-status",
        "invalid-input-accepted",
        "bad-envelope",
    )


def test_a_drift_serialises_for_reports(email_list, listed):
    payload, output = listed
    output["resultSizeEstimate"] = "3"
    data = compare_response(
        email_list, status=200, body={"output": output}, input=payload
    ).as_dict()
    assert data["requestValid"] is True
    assert data["differences"][0]["pointer"] == "/output/resultSizeEstimate"
