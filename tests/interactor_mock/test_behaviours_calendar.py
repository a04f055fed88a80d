"""Google Calendar's coded behaviours: quick-add, time windows, the primary calendar."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timezone

import pytest

from interactor_mock.connectors.calendar import parse_quick_add

# A Friday.
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "summary", "start", "end"),
    [
        ("Lunch tomorrow at 1pm", "Lunch", at(28, 13), at(28, 14)),
        ("Call today at 4:30pm", "Call", at(27, 16, 30), at(27, 17, 30)),
        ("Standup Monday 9:30am for 15 minutes", "Standup", at(30, 9, 30), at(30, 9, 45)),
        ("Review from 2pm to 3:30pm tomorrow", "Review", at(28, 14), at(28, 15, 30)),
        ("Breakfast at 8 tomorrow", "Breakfast", at(28, 8), at(28, 9)),
        ("Workshop tomorrow at noon for 2 hours", "Workshop", at(28, 12), at(28, 14)),
        (
            "Party on Friday at 11pm for 3 hours",
            "Party",
            at(4, 23).replace(month=12),
            at(5, 2).replace(month=12),
        ),
    ],
)
def test_quick_add_understands_simple_english(text, summary, start, end):
    parsed = parse_quick_add(text, NOW)
    assert (parsed.summary, parsed.start, parsed.end) == (summary, start, end)


def test_quick_add_without_a_time_is_an_all_day_event():
    parsed = parse_quick_add("Offsite tomorrow", NOW)
    assert parsed.all_day
    assert (parsed.summary, parsed.start, parsed.end) == (
        "Offsite",
        date(2026, 11, 28),
        date(2026, 11, 29),
    )


def test_quick_add_understands_a_month_and_day():
    parsed = parse_quick_add("Dentist on March 3 at 10am", NOW)
    assert parsed.start == datetime(2027, 3, 3, 10, tzinfo=timezone.utc)
    assert parsed.summary == "Dentist"


def test_quick_add_keeps_text_it_does_not_understand_as_the_summary():
    parsed = parse_quick_add("Think about things", NOW)
    assert parsed.summary == "Think about things"
    assert parsed.start == date(2026, 11, 27)


@pytest.fixture
def calendar(client, engine, dev, headers, clock):
    clock.now = NOW
    engine.grant(dev, "googlecalendar-v1", "alice@example.com")

    def execute(action, payload):
        response = client.post(
            "/api/v1/connector/googlecalendar-v1/action/"
            f"{action}/execute?account=alice@example.com",
            json=payload,
            headers=headers,
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()["output"]

    return execute


def test_quick_add_stores_the_event(calendar):
    event = calendar(
        "calendar.events.quickAdd", {"calendarId": "primary", "text": "Lunch tomorrow at 1pm"}
    )["body"]
    assert event["summary"] == "Lunch"
    assert event["start"] == {"dateTime": "2026-11-28T13:00:00Z", "timeZone": "UTC"}
    assert event["end"]["dateTime"] == "2026-11-28T14:00:00Z"
    assert event["organizer"]["email"] == "alice@example.com"
    fetched = calendar("calendar.events.get", {"calendarId": "primary", "eventId": event["id"]})
    assert fetched["body"] == event
    listed = calendar("calendar.events.list", {"calendarId": "primary"})["body"]["items"]
    assert listed == [event]


def test_events_belong_to_their_calendar(calendar):
    calendar("calendar.events.quickAdd", {"calendarId": "team", "text": "Sync at 3pm"})
    assert calendar("calendar.events.list", {"calendarId": "team"})["body"]["items"]
    out = calendar("calendar.events.list", {"calendarId": "primary"})
    assert out["status_code"] == 200


def test_list_honours_the_time_window_and_start_time_order(calendar):
    for text in ("C Monday at 9am", "A tomorrow at 9am", "B today at 3pm", "D Friday at 9am"):
        calendar("calendar.events.quickAdd", {"calendarId": "primary", "text": text})
    listed = calendar(
        "calendar.events.list",
        {
            "calendarId": "primary",
            "timeMin": "2026-11-27T13:00:00Z",
            "timeMax": "2026-12-01T00:00:00Z",
            "orderBy": "startTime",
            "singleEvents": True,
            "maxResults": 2,
        },
    )["body"]
    assert [e["summary"] for e in listed["items"]] == ["B", "A"]
    rest = calendar(
        "calendar.events.list",
        {
            "calendarId": "primary",
            "timeMin": "2026-11-27T13:00:00Z",
            "timeMax": "2026-12-01T00:00:00Z",
            "orderBy": "startTime",
            "singleEvents": True,
            "maxResults": 2,
            "pageToken": listed["nextPageToken"],
        },
    )["body"]
    assert [e["summary"] for e in rest["items"]] == ["C"]
    assert "nextPageToken" not in rest
    searched = calendar("calendar.events.list", {"calendarId": "primary", "q": "d"})["body"]
    assert [e["summary"] for e in searched["items"]] == ["D"]


def test_the_primary_calendar_answers_to_primary(calendar, engine, dev):
    engine.seeds.apply(
        dev, {"accounts": {"alice@example.com": {"googlecalendar-v1": {"calendars": 3}}}}
    )
    primary = calendar("calendar.calendarList.get", {"calendarId": "primary"})["body"]
    assert primary["primary"] is True
    assert primary["id"] == "alice@example.com"
    listed = calendar("calendar.calendarList.list", {})["body"]["items"]
    assert listed[0]["id"] == "alice@example.com"
    assert len(listed) == 3
    missing = calendar("calendar.calendarList.get", {"calendarId": "nope@example.com"})
    assert missing["status_code"] == 404


def test_a_deleted_event_is_a_404_in_the_output(calendar):
    event = calendar("calendar.events.quickAdd", {"calendarId": "primary", "text": "X at 9am"})[
        "body"
    ]
    deleted = calendar("calendar.events.delete", {"calendarId": "primary", "eventId": event["id"]})
    assert deleted == {"status_code": 204, "body": None}
    gone = calendar("calendar.events.get", {"calendarId": "primary", "eventId": event["id"]})
    assert gone == {
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


def test_seeded_events_look_real(engine, dev):
    engine.seeds.apply(dev, {"accounts": {"a": {"googlecalendar-v1": {"events": 10}}}})
    action = engine.registry.action("googlecalendar-v1", "calendar.events.get")
    for event in engine.resources.items(dev, "googlecalendar-v1", "events", "a", parent="primary"):
        assert action.output_problems({"status_code": 200, "body": event}) == []
        assert event["start"]["dateTime"] < event["end"]["dateTime"]
