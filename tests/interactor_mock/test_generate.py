"""Generated output: always valid against its schema, deterministic, realistic."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interactor_mock.contracts import FORMAT_CHECKER
from interactor_mock.contracts import default_registry
from interactor_mock.core.generate import Generator
from interactor_mock.core.generate import seed_for
from interactor_mock.core.generate import words_of
from tests.property_budget import budget

ACTIONS = [a for c in default_registry() for a in c.actions.values()]
generator = Generator()


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.key)
def test_generated_output_of_every_action_validates(action):
    @budget(action, 15)
    @given(seed=st.integers(min_value=0, max_value=2**64 - 1))
    def check(seed):
        output = generator.generate(action.output_schema, seed=seed)
        assert action.output_problems(output) == []

    check()


def test_same_seed_gives_same_value():
    schema = default_registry().action("gmail", "email.get").output_schema
    assert generator.generate(schema, seed=7) == generator.generate(schema, seed=7)
    assert generator.generate(schema, seed=7) != generator.generate(schema, seed=8)


def test_seed_is_stable_across_processes():
    # blake2b of the parts, not hash(): the value must never change between runs.
    assert seed_for(0, "interactor", "gmail", "email.get", "{}") == seed_for(
        0, "interactor", "gmail", "email.get", "{}"
    )
    assert seed_for("a", "bc") != seed_for("ab", "c")


def test_values_follow_formats():
    schema = {
        "type": "object",
        "required": ["a", "b", "c", "d"],
        "properties": {
            "a": {"type": "string", "format": "email"},
            "b": {"type": "string", "format": "date-time"},
            "c": {"type": "string", "format": "uri"},
            "d": {"type": "string", "format": "uuid"},
        },
    }
    for seed in range(20):
        value = generator.generate(schema, seed=seed)
        for key, fmt in (("a", "email"), ("b", "date-time"), ("c", "uri"), ("d", "uuid")):
            assert FORMAT_CHECKER.conforms(value[key], fmt), (key, value[key])


def test_values_follow_field_names():
    schema = {
        "type": "object",
        "required": ["emailAddress", "threadId", "displayName", "htmlLink"],
        "properties": {
            "emailAddress": {"type": "string"},
            "threadId": {"type": "string"},
            "displayName": {"type": "string"},
            "htmlLink": {"type": "string"},
        },
    }
    value = generator.generate(schema, seed=3)
    assert re.fullmatch(r"[a-z'\-]+\.[a-z'\-]+@example\.(com|org|net)", value["emailAddress"])
    assert re.fullmatch(r"[0-9a-f]{16}", value["threadId"])
    assert re.fullmatch(r"[A-Z][a-z'\-]+ [A-Z][a-z'\-]+", value["displayName"])
    assert value["htmlLink"].startswith("https://example.")


def test_bounds_are_respected():
    schema = {
        "type": "object",
        "required": ["n", "s", "items"],
        "properties": {
            "n": {"type": "integer", "minimum": 5, "maximum": 6},
            "s": {"type": "string", "minLength": 40, "maxLength": 41},
            "items": {"type": "array", "items": {"type": "string"}, "minItems": 4, "maxItems": 4},
        },
    }
    for seed in range(20):
        value = generator.generate(schema, seed=seed)
        assert 5 <= value["n"] <= 6
        assert 40 <= len(value["s"]) <= 41
        assert len(value["items"]) == 4


def test_request_values_are_echoed_when_they_fit():
    schema = {
        "type": "object",
        "required": ["subject", "count"],
        "properties": {"subject": {"type": "string"}, "count": {"type": "integer"}},
    }
    value = generator.generate(schema, seed=1, echo={"subject": "Hello", "count": "not a number"})
    assert value["subject"] == "Hello"
    assert isinstance(value["count"], int)


def test_id_of_the_resource_asked_for_is_echoed():
    schema = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "threadId": {"type": "string"}},
    }
    value = generator.generate(schema, seed=1, echo={"calendarId": "primary", "eventId": "ev1"})
    assert value["id"] == "ev1"


def test_field_names_split_into_words():
    assert words_of("threadId") == ("thread", "id")
    assert words_of("message_id") == ("message", "id")
    assert words_of("x-api-key") == ("x", "api", "key")
