"""Environments and API keys, as domain objects."""

from __future__ import annotations

import string

import pytest

from interactor_mock.core.environments import API_KEY_PATTERN
from interactor_mock.core.environments import new_api_key
from interactor_mock.errors import BadRequest
from interactor_mock.errors import Unauthorized
from interactor_mock.errors import UnknownEnvironment


def test_fresh_store_has_the_three_environments(engine):
    names = [e.name for e in engine.environments.all()]
    assert names == ["Development", "Testing", "Production"]


def test_keys_look_like_real_ones_and_differ(engine):
    keys = [e.api_key for e in engine.environments.all()]
    assert all(API_KEY_PATTERN.match(k) for k in keys)
    assert len(set(keys)) == 3
    assert API_KEY_PATTERN.match(new_api_key())


def test_new_keys_draw_on_every_letter_and_digit():
    letters = {c for _ in range(2000) for c in new_api_key().removeprefix("interactor_")}
    assert letters - {"_"} == set(string.ascii_letters + string.digits)


def test_key_resolves_to_its_environment(engine, dev):
    assert engine.environments.resolve(dev.api_key) == dev


def test_rotation_replaces_the_key_at_once(engine, dev):
    rotated = engine.environments.rotate(dev.id)
    assert rotated.api_key != dev.api_key
    with pytest.raises(Unauthorized, match="replaced"):
        engine.environments.resolve(dev.api_key)
    assert engine.environments.resolve(rotated.api_key).id == dev.id


def test_missing_and_unknown_keys_are_told_apart(engine):
    with pytest.raises(Unauthorized, match="Missing x-api-key"):
        engine.environments.resolve(None)
    with pytest.raises(Unauthorized, match="no environment has this key"):
        engine.environments.resolve("interactor_zzzzzzzz_" + "z" * 32)


def test_more_environments_can_be_created_with_unique_ids(engine):
    first = engine.environments.create("Staging")
    second = engine.environments.create("Staging")
    assert (first.id, second.id) == ("staging", "staging-2")
    assert engine.environments.resolve(second.api_key).name == "Staging"


def test_fixed_key_must_look_real(engine):
    with pytest.raises(BadRequest, match="apiKey must look like"):
        engine.environments.create("X", api_key="secret")


def test_a_key_cannot_serve_two_environments(engine, dev):
    with pytest.raises(BadRequest, match="already used"):
        engine.environments.create("X", api_key=dev.api_key)


def test_reset_keeps_the_key_and_forgets_the_state(engine, dev):
    engine.grant(dev, "gmail", "alice")
    engine.environments.reset(dev.id)
    assert engine.environments.resolve(dev.api_key).id == dev.id
    assert engine.oauth.credentials(dev.id) == []


def test_deleted_environment_is_gone_with_its_key(engine):
    staging = engine.environments.create("Staging")
    engine.environments.delete(staging.id)
    with pytest.raises(UnknownEnvironment):
        engine.environments.get(staging.id)
    with pytest.raises(Unauthorized):
        engine.environments.resolve(staging.api_key)


def test_engine_reset_recreates_the_defaults_with_new_keys(engine, dev):
    engine.environments.create("Staging")
    engine.reset()
    assert [e.id for e in engine.environments.all()] == ["development", "testing", "production"]
    with pytest.raises(Unauthorized):
        engine.environments.resolve(dev.api_key)
