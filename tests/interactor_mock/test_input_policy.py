"""One input policy: documented fields accepted, unknown ones named (journal, headline, near
misses), and ``-v1`` input problems answered as Google answers them, inside ``output``."""

from __future__ import annotations

import pytest

from interactor_mock.embed.handle import InteractorMock

EXECUTE = "/api/v1/connector/{connector}/action/{action}/execute"
SUBJEKT_REFUSED = "Invalid input: unknown field 'subjekt': did you mean 'subject'?"


@pytest.fixture
def handle(app, engine):
    environment = engine.environments.create("input policy")
    mock = InteractorMock(app, environment.id, base_url="https://mock.test/api/v1/")
    for connector in ("gmail", "gmail-v1", "googledrive-v1", "googlecalendar-v1"):
        mock.grant(connector, "alice")
    return mock


def execute(handle, connector, action, payload):
    response = handle.client.post(
        EXECUTE.format(connector=connector, action=action),
        query_string={"account": "alice"},
        headers=handle.headers,
        json=payload,
    )
    return response.status_code, response.get_json()


def test_a_misspelt_required_field_is_named_with_the_field_it_means(handle):
    status, body = execute(
        handle, "gmail", "email.draft.create", {"to": ["b@x.org"], "subjekt": "Hi", "body": "B"}
    )
    assert status == 400
    assert body["error"] == SUBJEKT_REFUSED
    assert {
        "path": "/subjekt",
        "message": "Additional properties are not allowed ('subjekt' was unexpected)",
    } in body["details"]


def test_an_unknown_field_far_from_every_documented_one_is_named_alone(handle):
    payload = {"to": ["b@x.org"], "subject": "Hi", "body": "B", "zzz": 1}
    status, body = execute(handle, "gmail", "email.draft.create", payload)
    assert (status, body["error"]) == (400, "Invalid input: unknown field 'zzz'")


def test_the_journal_records_unknown_fields(handle):
    status, body = execute(
        handle, "gmail", "email.draft.create", {"to": ["b@x.org"], "subjekt": "Hi", "body": "B"}
    )
    assert (status, body["error"]) == (400, SUBJEKT_REFUSED)
    status, body = execute(handle, "gmail", "email.list", {"q": "is:unread"})
    assert (status, body["output"]["messages"]) == (200, [])
    assert [call.unknown_fields for call in handle.calls] == [("subjekt",), ()]
    path = f"/_mock/environments/{handle.environment}/journal"
    journal = handle.client.get(path).get_json()["entries"]
    assert [entry["unknownFields"] for entry in journal] == [["subjekt"], []]


def test_assert_called_near_misses_report_unknown_fields(handle):
    status, body = execute(
        handle, "gmail", "email.draft.create", {"to": ["b@x.org"], "subjekt": "Hi", "body": "B"}
    )
    assert (status, body["error"]) == (400, SUBJEKT_REFUSED)
    with pytest.raises(AssertionError) as caught:
        handle.assert_called(
            "gmail", "email.draft.create", input={"to": ["b@x.org"], "subject": "Hi", "body": "B"}
        )
    assert "- unknown field 'subjekt' (not in the contract): did you mean 'subject'?" in str(
        caught.value
    )


def test_documented_google_parameters_are_accepted(handle):
    status, body = execute(
        handle,
        "googlecalendar-v1",
        "calendar.events.quickAdd",
        {"calendarId": "primary", "text": "Lunch tomorrow at 1pm", "sendNotifications": False},
    )
    assert (status, body["output"]["status_code"]) == (200, 200)


def test_a_v1_unknown_field_is_googles_400_inside_output(handle):
    status, body = execute(handle, "gmail-v1", "gmail.users.messages.list", {"qq": "x"})
    message = (
        'Invalid JSON payload received. Unknown name "qq": Cannot bind query parameter. '
        "Field 'qq' could not be found in request message."
    )
    assert status == 200
    assert body["output"] == {
        "status_code": 400,
        "body": {
            "error": {
                "code": 400,
                "message": message,
                "status": "INVALID_ARGUMENT",
                "errors": [{"domain": "global", "reason": "invalid", "message": message}],
            }
        },
    }
    assert handle.calls[-1].unknown_fields == ("qq",)


@pytest.mark.parametrize(
    ("connector", "action", "payload", "missing"),
    [
        ("gmail-v1", "gmail.users.messages.get", {}, "id"),
        ("googledrive-v1", "drive.files.get", {}, "fileId"),
        ("googlecalendar-v1", "calendar.events.quickAdd", {"calendarId": "primary"}, "text"),
    ],
)
def test_a_v1_missing_required_parameter_is_googles_400_inside_output(
    handle, connector, action, payload, missing
):
    status, body = execute(handle, connector, action, payload)
    message = f"Required parameter: {missing}"
    assert status == 200
    assert body["output"] == {
        "status_code": 400,
        "body": {
            "error": {
                "code": 400,
                "message": message,
                "status": "INVALID_ARGUMENT",
                "errors": [
                    {
                        "domain": "global",
                        "reason": "required",
                        "message": message,
                        "locationType": "parameter",
                        "location": missing,
                    }
                ],
            }
        },
    }


def test_a_v1_wrongly_typed_field_is_still_an_interactor_400(handle):
    status, body = execute(handle, "gmail-v1", "gmail.users.messages.list", {"maxResults": "ten"})
    assert status == 400
    assert body["error"].startswith("Invalid input: /maxResults:")


def test_a_v1_not_found_is_googles_404_inside_output(handle):
    status, body = execute(handle, "gmail-v1", "gmail.users.messages.send", {"raw": "eA"})
    status, body = execute(handle, "gmail-v1", "gmail.users.messages.get", {"id": "nope"})
    assert status == 200
    assert body["output"]["status_code"] == 404
    assert body["output"]["body"]["error"]["message"] == "Requested entity was not found."
