"""Environments and API keys, as domain objects."""

from __future__ import annotations

import re
import string
from collections import Counter

import pytest

from interactor_mock.core.environments import API_KEY_PATTERN
from interactor_mock.core.environments import Environments
from interactor_mock.core.environments import new_api_key
from interactor_mock.errors import BadRequest
from interactor_mock.errors import Unauthorized
from interactor_mock.errors import UnknownEnvironment
from interactor_mock.store import MemoryStore


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


# --- every refusal says what and names the field --------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message", "field"),
    [
        ({"name": ""}, "Environment name must be a non-empty string", "name"),
        ({"name": "  "}, "Environment name must be a non-empty string", "name"),
        ({"name": 3}, "Environment name must be a non-empty string", "name"),
        (
            {"name": "X", "api_key": "k"},
            "apiKey must look like interactor_<8 letters or digits>_<32 letters or digits>",
            "apiKey",
        ),
        ({"name": "X", "seed": "1"}, "seed must be an integer", "seed"),
        ({"name": "X", "seed": True}, "seed must be an integer", "seed"),
        ({"name": "X", "env_id": "testing"}, "Environment 'testing' already exists", "id"),
    ],
)
def test_create_refusals_say_what_and_name_the_field(engine, arguments, message, field):
    with pytest.raises(BadRequest) as raised:
        engine.environments.create(**arguments)
    assert (raised.value.message, raised.value.extra, raised.value.status) == (
        message,
        {"field": field},
        409 if "already" in message else 400,
    )


def test_a_used_key_refusal_is_a_409_naming_the_field(engine, dev):
    with pytest.raises(BadRequest) as raised:
        engine.environments.create("X", api_key=dev.api_key)
    assert (raised.value.message, raised.value.extra, raised.value.status) == (
        "apiKey is already used by another environment",
        {"field": "apiKey"},
        409,
    )
    with pytest.raises(BadRequest) as raised:
        engine.environments.rotate(dev.id, api_key=dev.api_key)
    assert (raised.value.message, raised.value.extra, raised.value.status) == (
        "apiKey is already used by an environment",
        {"field": "apiKey"},
        409,
    )
    with pytest.raises(BadRequest) as raised:
        engine.environments.rotate(dev.id, api_key="k")
    assert raised.value.message == "apiKey must look like interactor_<8>_<32>"


def test_unauthorized_messages_are_the_real_services(engine, dev):
    cases = [(None, "Missing x-api-key header"), ("", "Missing x-api-key header")]
    cases.append((GOOD_KEY, "Invalid API key: no environment has this key"))
    for key, message in cases:
        with pytest.raises(Unauthorized) as raised:
            engine.environments.resolve(key)
        assert (raised.value.message, raised.value.status) == (message, 401)


def test_an_environment_is_created_with_the_default_seed_and_clock(engine, clock):
    created = engine.environments.create("Staging")
    assert (created.seed, created.created_at) == (0, "2026-11-27T12:00:00Z")
    assert engine.environments.create("Seeded", seed=0).seed == 0
    assert engine.environments.create("Other", seed=9).seed == 9


def test_the_public_form_names_every_field_and_hides_client_secrets(engine, dev):
    engine.environments.set_oauth_client(dev.id, "interactor/gmail", "mine", "s3cr3t")
    public = engine.environments.get(dev.id).public()
    assert public == {
        "id": "development",
        "name": "Development",
        "apiKey": dev.api_key,
        "seed": 0,
        "createdAt": "2026-11-27T12:00:00Z",
        "oauthClients": {"interactor/gmail": {"clientId": "mine"}},
    }


def test_ids_are_slugs_of_the_name(engine):
    assert engine.environments.create("  QA / Team 1!  ").id == "qa-team-1"
    assert engine.environments.create("!!!").id == "env"
    assert engine.environments.create("???").id == "env-2"


def test_an_oauth_client_is_kept_replaced_and_removed(engine, dev):
    engine.environments.set_oauth_client(dev.id, "interactor/gmail", "one", "s1")
    engine.environments.set_oauth_client(dev.id, "interactor/slack", "two", "s2")
    stored = engine.environments.get(dev.id).oauth_clients
    assert stored == {
        "interactor/gmail": {"client_id": "one", "client_secret": "s1"},
        "interactor/slack": {"client_id": "two", "client_secret": "s2"},
    }
    engine.environments.set_oauth_client(dev.id, "interactor/gmail", None, None)
    engine.environments.set_oauth_client(dev.id, "interactor/zoom-v1", None, None)
    assert engine.environments.get(dev.id).oauth_clients == {
        "interactor/slack": {"client_id": "two", "client_secret": "s2"}
    }


@pytest.mark.parametrize(("client_id", "secret"), [("", "s"), ("c", ""), ("c", None)])
def test_an_oauth_client_needs_both_id_and_secret(engine, dev, client_id, secret):
    with pytest.raises(BadRequest) as raised:
        engine.environments.set_oauth_client(dev.id, "interactor/gmail", client_id, secret)
    assert (raised.value.message, raised.value.extra) == (
        "clientId and clientSecret are both required",
        {"field": "clientId"},
    )
    assert engine.environments.get(dev.id).oauth_clients == {}


def test_a_deleted_environments_key_is_free_again(engine):
    staging = engine.environments.create("Staging", api_key=GOOD_KEY)
    engine.environments.delete(staging.id)
    again = engine.environments.create("Again", api_key=GOOD_KEY)
    assert engine.environments.resolve(GOOD_KEY).id == again.id


def test_an_unknown_environment_is_named(engine):
    for call in (engine.environments.get, engine.environments.delete, engine.environments.reset):
        with pytest.raises(UnknownEnvironment) as raised:
            call("nope")
        assert raised.value.message == "Environment 'nope' not found"


def test_new_keys_are_uniform_over_letters_and_digits():
    # 2,000 keys are 80,000 letters, about 1,290 of each of the 62; a byte mapped without
    # rejection would favour the first eight (a to h) by a quarter.
    counts = Counter(c for _ in range(2000) for c in new_api_key()[11:].replace("_", ""))
    first = [counts[c] for c in "abcdefgh"]
    rest = [counts[c] for c in string.ascii_letters[8:] + string.digits]
    assert sum(first) / len(first) < 1.1 * sum(rest) / len(rest)
    assert min(counts.values()) > 1000


def test_every_position_of_a_key_varies():
    keys = [new_api_key() for _ in range(200)]
    for position in range(11, 52):
        if position != 19:
            assert len({k[position] for k in keys}) > 20, position


def test_environments_default_to_seed_zero(clock):
    environments = Environments(MemoryStore(), clock=clock)
    assert environments.create("A").seed == 0
    assert Environments(MemoryStore(), clock=clock, default_seed=4).create("B").seed == 4


def test_a_key_whose_environment_vanished_is_unknown(engine, dev):
    engine.store.drop_scope(dev.id)
    with pytest.raises(Unauthorized) as raised:
        engine.environments.resolve(dev.api_key)
    assert raised.value.message == "Invalid API key: no environment has this key"


OTHER_KEY = "interactor_BBBBBBBB_" + "B" * 32  # well shaped, visibly fake


def test_ensure_keeps_the_environment_another_process_made_first(clock):
    # Two workers bootstrapping one shared store: the first to write decides the key.
    store = MemoryStore()
    first = Environments(store, clock=clock).ensure("Development", "development")
    second = Environments(store, clock=clock).ensure(
        "Development", "development", api_key=OTHER_KEY
    )
    assert second.api_key == first.api_key
    assert second.to_json() == first.to_json()
    assert Environments(store, clock=clock).resolve(first.api_key).id == "development"
    with pytest.raises(Unauthorized):
        Environments(store, clock=clock).resolve(OTHER_KEY)
