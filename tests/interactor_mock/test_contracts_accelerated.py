"""The accelerated validator (jsonschema-rs) agrees with the reference (jsonschema).

``SchemaChecker`` takes "valid" from jsonschema-rs and asks jsonschema about everything
else, so a disagreement could only ever let through what jsonschema rejects. These tests show
there is none: on every shipped contract's valid payloads (examples, generated outputs,
Hypothesis inputs and outputs) and invalid ones (Hypothesis invalid inputs, and every
one-place mutation of the valid ones), both give the same verdict.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import strategies as st

from interactor_mock.contracts import SchemaChecker
from interactor_mock.contracts import default_registry
from interactor_mock.contracts import problems
from interactor_mock.core.generate import Generator
from tests.property_budget import budget

pytest.importorskip("jsonschema_rs")

ACTIONS = [action for contract in default_registry() for action in contract.actions.values()]
ACTION_IDS = [action.key for action in ACTIONS]
#: Values of every JSON type, and the ones JSON Schema validators most often get wrong.
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.0,
    1.5,
    2**70,
    "",
    "x",
    "not an email",
    "2026-13-45T99:99:99Z",
    "2026-02-30",
    "1.2.3.999",
    [],
    ["x"],
    {},
    {"x": 1},
]
#: Inside a payload, one value of each JSON type (and a bool where a number may go).
NESTED_ODD_VALUES: list[Any] = [None, True, 1, 1.5, "x", [], {}]


def mutations(payload: Any) -> Iterator[Any]:
    """``payload`` changed in exactly one place, in place and restored after each yield:
    the whole value, then every value inside it, replaced by odd values; every key removed;
    an unknown key added to every object; every list grown by one item."""
    yield from ODD_VALUES
    root = copy.deepcopy(payload)
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in list(node):
                old = node[key]
                for odd in NESTED_ODD_VALUES:
                    node[key] = odd
                    yield root
                del node[key]
                yield root
                node[key] = old
                stack.append(old)
            node["unexpectedField"] = 1
            yield root
            del node["unexpectedField"]
        elif isinstance(node, list):
            for index, old in enumerate(node):
                for odd in NESTED_ODD_VALUES:
                    node[index] = odd
                    yield root
                node[index] = old
                stack.append(old)
            if node:
                node.append(copy.deepcopy(node[0]))
                yield root
                node.pop()


def assert_agree(checker: SchemaChecker, instance: Any) -> None:
    """The accelerated verdict is the reference's (for any JSON value)."""
    reference = bool(checker.reference.is_valid(instance))
    assert checker.fast_accepts(instance) == reference, (checker.schema, instance)


def valid_payloads(action: Any) -> list[tuple[SchemaChecker, Any]]:
    found = []
    for example in action.examples:
        found.append((action.input_checker, example["input"]))
        found.append((action.output_checker, example["output"]))
    echo = action.examples[0]["input"] if action.examples else {}
    generated = Generator().generate(action.output_schema, seed=1, echo=echo)
    found.append((action.output_checker, generated))
    return found


@pytest.mark.parametrize("action", ACTIONS, ids=ACTION_IDS)
def test_verdicts_agree_on_every_valid_payload_and_each_of_its_mutations(action):
    for checker, payload in valid_payloads(action):
        assert checker.reference.is_valid(payload), (action.key, payload)
        assert checker.fast_accepts(payload)
        for mutated in mutations(payload):
            assert_agree(checker, mutated)


@pytest.mark.parametrize("action", ACTIONS, ids=ACTION_IDS)
def test_verdicts_agree_on_hypothesis_inputs_outputs_and_invalid_inputs(action):
    from pytest_interactor.strategies import action_inputs
    from pytest_interactor.strategies import action_outputs
    from pytest_interactor.strategies import invalid_action_inputs

    registry = default_registry()

    @budget(action, 15, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data):
        payload = data.draw(action_inputs(action.connector, action.name, registry=registry))
        assert_agree(action.input_checker, payload)
        output = data.draw(action_outputs(action.connector, action.name, registry=registry))
        assert_agree(action.output_checker, output)
        bad = data.draw(invalid_action_inputs(action.connector, action.name, registry=registry))
        assert not action.input_checker.reference.is_valid(bad.payload)
        assert_agree(action.input_checker, bad.payload)

    check()


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        ({"type": "integer"}, 1.0),
        ({"type": "integer"}, True),
        ({"type": "number"}, False),
        ({"enum": [1, "a"]}, True),
        ({"enum": [1]}, 1.0),
        ({"const": False}, 0),
        ({"const": [1]}, [True]),
        ({"type": "number", "maximum": 3}, 3.0000001),
        ({"type": "integer", "maximum": 2**64}, 2**65),
        ({"type": "string", "maxLength": 1}, "\U0001f600"),
        ({"type": "string", "minLength": 2}, "\U0001f600"),
        ({"type": "string", "format": "email"}, "no-at-sign"),
        ({"type": "string", "format": "date-time"}, "2026-01-01 00:00:00"),
        ({"type": "string", "format": "date-time"}, "2026-01-01T00:00:00z"),
        ({"type": "string", "format": "date"}, "2026-02-30"),
        ({"type": "string", "format": "uri"}, "not a uri"),
        ({"type": "string", "format": "hostname"}, "-not-a-host-"),
        ({"type": "string", "format": "ipv4"}, "256.0.0.1"),
        ({"type": "string", "format": "uuid"}, "0123"),
        ({"type": "string", "format": "byte"}, "!!"),
        ({"type": "string", "format": "no-such-format"}, "anything"),
        ({"oneOf": [{"type": "integer"}, {"type": "number"}]}, 1),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, None),
        ({"type": "object", "additionalProperties": False}, {"a": 1}),
        ({"type": "object", "additionalProperties": {"type": "string"}}, {"a": 1}),
        ({"type": "array", "items": {"type": "string"}, "minItems": 1}, []),
        ({"type": "object", "required": ["a"], "properties": {"a": {}}}, {"a": None}),
    ],
)
def test_verdicts_agree_on_the_edges_of_the_keyword_subset(schema, instance):
    checker = SchemaChecker(schema)
    assert_agree(checker, instance)
    assert checker.is_valid(instance) == checker.reference.is_valid(instance)


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        ({"type": "number"}, math.nan),
        ({"type": "object"}, {1: "non-string key"}),
        ({"type": "string"}, object()),
    ],
)
def test_values_json_cannot_hold_get_the_reference_verdict(schema, instance):
    checker = SchemaChecker(schema)
    reference = bool(checker.reference.is_valid(instance))
    assert not checker.fast_accepts(instance)
    assert checker.is_valid(instance) == reference
    assert (checker.problems(instance) == []) == reference


def test_a_tuple_is_an_array_as_it_is_once_encoded():
    # The one known difference, outside JSON: jsonschema-rs takes a tuple (which a coded
    # behaviour might return) as the array it becomes on the wire; jsonschema does not.
    checker = SchemaChecker({"type": "array", "items": {"type": "string"}})
    assert checker.is_valid(("a", "b"))
    assert not checker.is_valid(("a", 1))


def test_problems_of_an_invalid_payload_are_the_references_every_one():
    action = default_registry().action("gmail", "email.draft.create")
    payload = {"to": "bob@example.com", "subject": 1, "unexpected": True}
    found = action.input_problems(payload)
    assert found == problems(action.input_validator, payload)
    assert {p.path for p in found} == {"/body", "/subject", "/to", "/unexpected"}
