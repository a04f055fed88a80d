"""What execute answers before any behaviour: an empty id in the provider's URL path, and the
headline of an input error (the tests of ``core/execute.py``'s helpers, with literal answers)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from interactor_mock.config import MockConfig
from interactor_mock.contracts.meta import default_contracts_dir
from interactor_mock.core.engine import Engine
from interactor_mock.core.execute import empty_path_id
from interactor_mock.core.execute import input_headline
from interactor_mock.errors import InvalidInput

#: Google's answer for a path with an empty segment (GET .../calendars//events/x).
PATH_NOT_FOUND = {
    "status_code": 404,
    "body": {
        "error": {
            "code": 404,
            "message": "Not Found",
            "status": "NOT_FOUND",
            "errors": [{"domain": "global", "reason": "notFound", "message": "Not Found"}],
        }
    },
}


def action_of(required=None, properties=()):
    schema = {"type": "object", "properties": {name: {"type": "string"} for name in properties}}
    if required is not None:
        schema["required"] = list(required)
    return SimpleNamespace(input_schema=schema, required_inputs=tuple(required or ()))


@pytest.mark.parametrize(
    ("required", "payload", "named"),
    [
        (["calendarId", "eventId"], {"calendarId": "", "eventId": "e"}, "calendarId"),
        (["calendarId", "eventId"], {"calendarId": "c", "eventId": ""}, "eventId"),
        (["id"], {"id": ""}, "id"),
        (None, {"userId": ""}, "userId"),  # always a path part, required or not
        ([], {"userId": "", "id": ""}, "userId"),
        # an optional id travels in the body or the query: no path problem
        (["calendarId"], {"calendarId": "c", "colorId": ""}, None),
        (None, {"threadId": ""}, None),
        # the first empty path id, after an optional empty one
        (["eventId"], {"threadId": "", "eventId": ""}, "eventId"),
        # only "id" and names ending in "Id" are ids
        (["ID", "fooID", "paid", "valid"], {"ID": "", "fooID": "", "paid": "", "valid": ""}, None),
        # a value, even an odd one, is no empty segment
        (["eventId"], {"eventId": "XXXX"}, None),
        (["eventId"], {"eventId": " "}, None),
    ],
)
def test_an_empty_id_of_the_providers_path_is_found(required, payload, named):
    assert empty_path_id(action_of(required), payload) == named


@pytest.mark.parametrize(
    ("payload", "headline"),
    [
        # an unknown field close to a missing required one is named with it first
        ({"subjekt": "s", "too": "a"}, "unknown field 'too': did you mean 'to'?"),
        # else the one closest among the documented fields not given
        ({"to": "a", "subjekt": "s"}, "unknown field 'subjekt': did you mean 'subject'?"),
        ({"to": "a", "zzz": "s"}, "unknown field 'zzz'"),
        ({"to": "a", "subject": "s"}, "the fallback"),
    ],
)
def test_an_input_errors_headline_names_the_field_meant(payload, headline):
    action = action_of(["to"], ["to", "subject", "body"])
    assert input_headline(action, payload, "the fallback") == headline


@pytest.fixture
def calendar(engine, dev):
    engine.grant(dev, "googlecalendar-v1", "alice")
    engine.grant(dev, "gmail-v1", "alice")

    def execute(connector, action, payload):
        found = engine.registry.action(connector, action)
        return engine.executor.execute(dev, found, "alice", payload)

    return execute


@pytest.mark.parametrize(
    ("connector", "action", "payload"),
    [
        ("googlecalendar-v1", "calendar.events.get", {"calendarId": "", "eventId": "e1"}),
        ("googlecalendar-v1", "calendar.events.get", {"calendarId": "primary", "eventId": ""}),
        ("gmail-v1", "gmail.users.getProfile", {"userId": ""}),
        ("gmail-v1", "gmail.users.drafts.get", {"userId": "me", "id": ""}),
    ],
)
def test_an_empty_path_id_is_googles_404_before_any_behaviour(calendar, connector, action, payload):
    outcome = calendar(connector, action, payload)
    assert (outcome.output, outcome.source) == (PATH_NOT_FOUND, "provider-error")


def test_a_path_id_with_a_value_reaches_the_behaviour(calendar):
    outcome = calendar("gmail-v1", "gmail.users.getProfile", {"userId": "me"})
    assert outcome.output["status_code"] == 200
    assert outcome.output["body"]["emailAddress"] == "alice@example.com"
    assert outcome.source != "provider-error"


def test_googles_input_errors_are_answered_as_google_and_said_so(calendar):
    outcome = calendar("googlecalendar-v1", "calendar.events.get", {"calendarId": "primary"})
    assert outcome.source == "input:provider-error"
    assert outcome.output["status_code"] == 400
    [error] = outcome.output["body"]["error"]["errors"]
    assert (error["message"], error["location"]) == ("Required parameter: eventId", "eventId")


def test_another_providers_input_error_is_interactors_400(engine, dev):
    engine.grant(dev, "github-v1", "alice")
    action = next(iter(engine.registry.connector("github-v1").actions.values()))
    with pytest.raises(InvalidInput):
        engine.executor.execute(dev, action, "alice", {"no such field": 1})


def test_a_google_connector_of_another_owner_answers_as_google(tmp_path, clock):
    # A user's copy of a Google -v1 contract under their own name: found under its owner.
    shipped = default_contracts_dir() / "interactor" / "googlecalendar-v1.json"
    (tmp_path / "acme").mkdir()
    data = json.loads(shipped.read_text(encoding="utf-8"))
    data["owner"] = "acme"
    (tmp_path / "acme" / "googlecalendar-v1.json").write_text(json.dumps(data), encoding="utf-8")
    engine = Engine(MockConfig(contracts_dir=tmp_path), clock=clock)
    environment = engine.default_environment
    engine.grant(environment, "googlecalendar-v1", "alice", owner="acme")
    action = engine.registry.action("googlecalendar-v1", "calendar.events.get", "acme")
    outcome = engine.executor.execute(environment, action, "alice", {"calendarId": "primary"})
    assert outcome.source == "input:provider-error"
    assert outcome.output["status_code"] == 400
