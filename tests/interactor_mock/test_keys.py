"""Environments and API keys, as domain objects."""

from __future__ import annotations

import re
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


# --- key shape: a literal pattern, not the module's own -------------------------------------

#: Interactor's key shape, written out here independently of ``API_KEY_PATTERN``.
KEY_SHAPE = re.compile(r"interactor_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}")
GOOD_KEY = "interactor_AbCd1234_" + "Zz09" * 8
MALFORMED_KEYS = [
    GOOD_KEY + "\n",
    GOOD_KEY + " ",
    GOOD_KEY + "x",
    GOOD_KEY + "\r\n",
    " " + GOOD_KEY,
    GOOD_KEY[:-1],
    GOOD_KEY[:-1] + "-",
    "interactor_AbCd123_" + "Zz09" * 8 + "x",
    "Interactor_AbCd1234_" + "Zz09" * 8,
    "interactor-AbCd1234-" + "Zz09" * 8,
]


def test_created_and_rotated_keys_have_interactors_exact_shape(engine, dev):
    created = engine.environments.create("Staging").api_key
    rotated = engine.environments.rotate(dev.id).api_key
    for key in (dev.api_key, created, rotated):
        assert KEY_SHAPE.fullmatch(key), key
        assert len(key) == 52
    assert len({dev.api_key, created, rotated}) == 3


def test_a_well_shaped_fixed_key_is_kept_on_create_and_rotate(engine, dev):
    other = GOOD_KEY.replace("AbCd1234", "EfGh5678")
    assert engine.environments.create("X", api_key=GOOD_KEY).api_key == GOOD_KEY
    assert engine.environments.rotate(dev.id, api_key=other).api_key == other
    assert engine.environments.resolve(other).id == dev.id


@pytest.mark.parametrize("key", MALFORMED_KEYS)
def test_create_refuses_a_malformed_key_naming_the_field(engine, key):
    with pytest.raises(BadRequest, match="apiKey must look like") as raised:
        engine.environments.create("X", api_key=key)
    assert raised.value.extra == {"field": "apiKey"}
    assert [e.name for e in engine.environments.all()] == ["Development", "Testing", "Production"]
    with pytest.raises(Unauthorized, match="no environment has this key"):
        engine.environments.resolve(key)


@pytest.mark.parametrize("key", MALFORMED_KEYS)
def test_rotate_refuses_a_malformed_key_and_keeps_the_old_one(engine, dev, key):
    with pytest.raises(BadRequest, match="apiKey must look like") as raised:
        engine.environments.rotate(dev.id, api_key=key)
    assert raised.value.extra == {"field": "apiKey"}
    assert engine.environments.resolve(dev.api_key).id == dev.id
    assert engine.environments.get(dev.id).api_key == dev.api_key


def test_rotate_refuses_another_environments_key(engine, dev):
    testing = engine.environments.get("testing")
    with pytest.raises(BadRequest, match="already used") as raised:
        engine.environments.rotate(dev.id, api_key=testing.api_key)
    assert raised.value.extra == {"field": "apiKey"}
    assert engine.environments.resolve(testing.api_key).id == "testing"
    assert engine.environments.resolve(dev.api_key).id == dev.id


def test_rotate_to_the_current_key_is_refused_and_the_key_keeps_working(engine, dev):
    with pytest.raises(BadRequest, match="already used"):
        engine.environments.rotate(dev.id, api_key=dev.api_key)
    assert engine.environments.resolve(dev.api_key).id == dev.id


def test_rotating_twice_retires_both_old_keys(engine, dev):
    second = engine.environments.rotate(dev.id).api_key
    third = engine.environments.rotate(dev.id).api_key
    for old in (dev.api_key, second):
        with pytest.raises(Unauthorized, match="replaced by a newer key"):
            engine.environments.resolve(old)
    assert engine.environments.resolve(third).id == dev.id
