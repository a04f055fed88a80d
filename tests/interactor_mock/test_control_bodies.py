"""The control API's bodies (``http/control/bodies.py``): checked against the schema the
OpenAPI document publishes, before the views parse them."""

from __future__ import annotations

import pytest

from interactor_mock.core.times import parse_time


def test_a_405_on_the_control_api_names_the_methods_in_allow(client):
    response = client.open("/_mock/health", method="TRACE")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json == {"error": "Method TRACE not allowed on /_mock/health"}


def test_a_key_already_in_use_is_a_409_conflict_naming_the_field(client, dev):
    response = client.post("/_mock/environments", json={"name": "x", "apiKey": dev.api_key})
    assert (response.status_code, response.json) == (
        409,
        {"error": "apiKey is already used by another environment", "field": "apiKey"},
    )
    rotated = client.post("/_mock/environments/testing/keys", json={"apiKey": dev.api_key})
    assert (rotated.status_code, rotated.json["field"]) == (409, "apiKey")


def test_a_seed_document_reusing_a_key_is_a_409(client, dev):
    response = client.post(
        "/_mock/seed", json={"environments": {"ci": {"apiKey": dev.api_key, "accounts": {}}}}
    )
    assert response.status_code == 409
    assert response.json["at"] == "environments.ci"


def test_a_whole_number_written_as_a_float_is_an_integer(client, engine):
    response = client.post("/_mock/environments", json={"name": "floaty", "seed": 3.0})
    assert response.status_code == 201, response.json
    assert response.json["seed"] == 3
    assert type(engine.environments.get("floaty").seed) is int
    seeded = client.post(
        "/_mock/environments/floaty/seed", json={"accounts": {"a": {"gmail": {"drafts": 2.0}}}}
    )
    assert seeded.status_code == 201, seeded.json
    assert seeded.json == {"accounts": {"a": {"interactor/gmail": {"drafts": 2}}}}
    rule = client.post("/_mock/environments/floaty/scenarios", json={"status": 503.0})
    assert (rule.status_code, rule.json["status"]) == (201, 503)
    assert client.post("/_mock/environments", json={"name": "x", "seed": 3.5}).json == {
        "error": "Field 'seed' must be an integer or a null",
        "field": "seed",
    }


@pytest.mark.parametrize(
    "rule",
    [
        {"headers": False},
        {"headers": 0},
        {"headers": {"Bad Name": "v"}},
        {"headers": {"X-A": "line\r\nInjected: 1"}},
        {"expiresIn": 5, "expiresAt": 7},
        {"latency": True},
    ],
)
def test_a_rule_the_parser_let_through_is_refused_by_the_schema(client, dev, rule):
    response = client.post(f"/_mock/environments/{dev.id}/scenarios", json=rule)
    assert response.status_code == 400, response.json
    assert response.json["field"].split(".")[0] == next(iter(rule.keys() - {"expiresIn"}))
    assert client.get(f"/_mock/environments/{dev.id}/scenarios").json == {"scenarios": []}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2030-01-02T03:04:05Z", "2030-01-02T03:04:05+00:00"),
        ("2030-01-02t03:04:05.1234567z", "2030-01-02T03:04:05.123456+00:00"),
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59+00:00"),
        ("2030-01-02T03:04:05.5-07:30", "2030-01-02T03:04:05.500000-07:30"),
        ("2030-01-02 03:04+01:00", "2030-01-02T03:04:00+01:00"),
        ("2030-02-30T00:00:00Z", None),
        ("2030-01-02T03:04:05", None),
        ("tomorrow", None),
    ],
)
def test_times_are_read_as_rfc_3339_date_times_with_a_zone(text, expected):
    found = parse_time(text)
    assert (found.isoformat() if found else None) == expected


def test_a_rule_expiring_at_an_rfc_3339_time_with_a_long_fraction_is_taken(client, dev):
    response = client.post(
        f"/_mock/environments/{dev.id}/scenarios",
        json={"status": 503, "expiresAt": "2999-01-01t00:00:00.123456789z"},
    )
    assert response.status_code == 201, response.json
    assert response.json["expiresAt"] == "2999-01-01T00:00:00.123456Z"


def test_a_bad_control_body_names_its_field_with_the_schema_path(client, dev):
    response = client.post(
        f"/_mock/environments/{dev.id}/scenarios",
        json={"connector": "gmail", "action": "email.snd"},
    )
    assert response.status_code == 400
    assert response.json["field"] == "action"
    seed = client.post(
        f"/_mock/environments/{dev.id}/seed",
        json={"accounts": {"a": {"gmail": {"nope": 1}}}},
    )
    assert (seed.status_code, seed.json["at"]) == (400, "accounts.a.gmail.nope")
