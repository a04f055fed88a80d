"""The call leaf: an action call's canonical input and seed, outcomes, the provider signal."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from interactor_mock.core.calls import ActionCall
from interactor_mock.core.calls import Outcome
from interactor_mock.core.calls import ProviderAnswer
from interactor_mock.errors import InteractorMockError


def blake2b_seed(*parts: str) -> int:
    """The seed as documented: 8 bytes of BLAKE2b over the parts joined by U+001F."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@pytest.fixture
def email_list(engine):
    return engine.registry.action("gmail", "email.list")


def test_the_canonical_input_is_compact_sorted_json_keeping_non_ascii(dev, email_list):
    call = ActionCall(dev, email_list, "alice", {"q": "café", "b": [2, {"z": 1, "a": None}]})
    assert call.canonical == '{"b":[2,{"a":null,"z":1}],"q":"café"}'


def test_the_seed_is_the_environment_seed_action_and_canonical_input(dev, email_list):
    call = ActionCall(dev, email_list, "alice", {"q": "x", "maxResults": 2})
    expected = blake2b_seed("0", "interactor", "gmail", "email.list", '{"maxResults":2,"q":"x"}')
    assert call.seed == expected
    assert ActionCall(dev, email_list, "bob", {"maxResults": 2, "q": "x"}).seed == expected


def test_the_seed_changes_with_the_environment_seed_and_the_input(engine, dev, email_list):
    other = engine.environments.create("Other", seed=5)
    base = ActionCall(dev, email_list, "alice", {"q": "x"}).seed
    assert ActionCall(other, email_list, "alice", {"q": "x"}).seed == blake2b_seed(
        "5", "interactor", "gmail", "email.list", '{"q":"x"}'
    )
    assert ActionCall(other, email_list, "alice", {"q": "x"}).seed != base
    assert ActionCall(dev, email_list, "alice", {"q": "y"}).seed != base


def test_canonical_and_seed_are_computed_once(dev, email_list):
    payload = {"q": "x"}
    call = ActionCall(dev, email_list, "alice", payload)
    first = call.canonical
    payload["q"] = "changed"
    assert call.canonical == first == '{"q":"x"}'


def test_an_outcome_is_frozen_and_defaults_to_no_scenario():
    outcome = Outcome({"a": 1}, "generated")
    assert (outcome.output, outcome.source, outcome.scenario) == ({"a": 1}, "generated", None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.source = "behaviour"  # type: ignore[misc]


def test_a_provider_answer_is_a_signal_carrying_its_output():
    answer = ProviderAnswer({"status_code": 404}, reason="file gone")
    assert answer.output == {"status_code": 404}
    assert str(answer) == "file gone"
    assert str(ProviderAnswer(None)) == "provider error"
    assert not isinstance(answer, InteractorMockError)
