"""Calendar events.list filtering: examples, Calendar's 400s, and properties against a model."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from interactor_mock.errors import InteractorMockError
from interactor_mock.search import calendar
from interactor_mock.search.calendar import CalendarRequestError
from interactor_mock.search.calendar import EventsRequest

UTC = timezone.utc
ZURICH = ZoneInfo("Europe/Zurich")

EVENTS = [
    {
        "id": "e1",
        "summary": "Project sync",
        "description": "Weekly sync",
        "location": "Room 1",
        "attendees": [{"email": "bob@example.com", "displayName": "Bob Builder"}],
        "organizer": {"email": "alice@example.com"},
        "start": {"dateTime": "2026-11-05T10:00:00+01:00", "timeZone": "Europe/Zurich"},
        "end": {"dateTime": "2026-11-05T11:00:00+01:00", "timeZone": "Europe/Zurich"},
        "updated": "2026-10-30T09:00:00.000Z",
    },
    {
        "id": "e2",
        "summary": "Offsite",
        "start": {"date": "2026-11-10"},
        "end": {"date": "2026-11-12"},
        "updated": "2026-11-01T00:00:00Z",
    },
    {
        "id": "e3",
        "summary": "Standup",
        "start": {"dateTime": "2026-11-02T09:00:00+01:00", "timeZone": "Europe/Zurich"},
        "end": {"dateTime": "2026-11-02T09:15:00+01:00", "timeZone": "Europe/Zurich"},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"],
        "updated": "2026-09-01T00:00:00Z",
    },
    {
        "id": "e4",
        "summary": "Old meeting",
        "status": "cancelled",
        "start": {"dateTime": "2026-11-03T10:00:00Z"},
        "end": {"dateTime": "2026-11-03T11:00:00Z"},
    },
    {
        "id": "e5",
        "summary": "Holiday",
        "start": {"date": "2026-11-02"},
        "end": {"date": "2026-11-03"},
        "recurrence": ["RRULE:FREQ=DAILY;UNTIL=20261104"],
    },
    {
        "id": "e6",
        "summary": "Gym",
        "start": {"dateTime": "2026-11-02T18:00:00Z"},
        "end": {"dateTime": "2026-11-02T19:00:00Z"},
        "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE"],
    },
]


def ids(params: dict, *, time_zone=UTC) -> list[str]:
    return [event["id"] for event in calendar.list_events(EVENTS, params, time_zone=time_zone)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["e1", "e2", "e3", "e5", "e6"]),
        ({"showDeleted": True}, ["e1", "e2", "e3", "e4", "e5", "e6"]),
        ({"showDeleted": "true"}, ["e1", "e2", "e3", "e4", "e5", "e6"]),
        ({"q": "sync"}, ["e1"]),
        ({"q": "SYNC weekly"}, ["e1"]),
        ({"q": "syn"}, []),
        ({"q": "room"}, ["e1"]),
        ({"q": "bob@example.com"}, ["e1"]),
        ({"q": "builder"}, ["e1"]),
        ({"q": "alice"}, ["e1"]),
        ({"q": '"project sync"'}, ["e1"]),
        ({"q": '"sync project"'}, []),
        ({"q": "sync offsite"}, []),
        ({"q": '"project sync'}, ["e1"]),
        # e1 runs 09:00-10:00 UTC on Nov 5: both bounds are exclusive
        ({"timeMin": "2026-11-05T09:30:00Z", "timeMax": "2026-11-05T09:45:00Z"}, ["e1"]),
        ({"timeMin": "2026-11-05T10:00:00Z", "timeMax": "2026-11-05T12:00:00Z"}, []),
        ({"timeMin": "2026-11-05T08:00:00Z", "timeMax": "2026-11-05T09:00:00Z"}, []),
        ({"timeMin": "2026-11-05T11:00:00+01:00", "timeMax": "2026-11-06T00:00:00Z"}, []),
        ({"timeMin": "2026-11-05T10:59:59+01:00", "timeMax": "2026-11-06T00:00:00Z"}, ["e1"]),
        # e2 is all day on Nov 10 and 11 (end date exclusive)
        ({"timeMin": "2026-11-11T23:00:00Z", "timeMax": "2026-11-13T00:00:00Z"}, ["e2"]),
        ({"timeMin": "2026-11-12T00:00:00Z", "timeMax": "2026-11-13T00:00:00Z"}, []),
        ({"timeMin": "2026-11-09T09:00:00Z", "timeMax": "2026-11-10T00:00:00Z"}, []),
        # a series is listed once when one of its instances is in the window
        ({"timeMin": "2026-11-16T00:00:00Z", "timeMax": "2026-11-17T00:00:00Z"}, ["e3"]),
        ({"timeMin": "2026-11-24T00:00:00Z", "timeMax": "2026-12-31T00:00:00Z"}, []),
        ({"timeMin": "2026-11-04T12:00:00Z", "timeMax": "2026-11-04T13:00:00Z"}, ["e5"]),
        ({"timeMin": "2026-11-05T00:00:00Z"}, ["e1", "e2", "e3"]),
        ({"timeMax": "2026-11-02T08:00:00Z"}, ["e5"]),
    ],
)
def test_events_list_filters_as_calendar_does(params: dict, expected: list[str]) -> None:
    assert ids(params) == expected


def test_all_day_events_run_midnight_to_midnight_in_the_calendars_zone() -> None:
    window = {"timeMin": "2026-11-09T23:30:00Z", "timeMax": "2026-11-09T23:45:00Z"}
    assert ids(window) == []
    assert ids(window, time_zone=ZURICH) == ["e2"]


def test_single_events_expands_daily_and_weekly_rules_with_googles_instance_ids() -> None:
    listed = calendar.list_events(
        EVENTS,
        {
            "singleEvents": True,
            "orderBy": "startTime",
            "timeMin": "2026-11-01T00:00:00Z",
            "timeMax": "2026-11-20T00:00:00Z",
        },
    )
    assert [(e["id"], e["start"]) for e in listed] == [
        ("e5_20261102", {"date": "2026-11-02"}),
        (
            "e3_20261102T080000Z",
            {"dateTime": "2026-11-02T09:00:00+01:00", "timeZone": "Europe/Zurich"},
        ),
        ("e6", {"dateTime": "2026-11-02T18:00:00Z"}),
        ("e5_20261103", {"date": "2026-11-03"}),
        ("e5_20261104", {"date": "2026-11-04"}),
        ("e1", {"dateTime": "2026-11-05T10:00:00+01:00", "timeZone": "Europe/Zurich"}),
        (
            "e3_20261109T080000Z",
            {"dateTime": "2026-11-09T09:00:00+01:00", "timeZone": "Europe/Zurich"},
        ),
        ("e2", {"date": "2026-11-10"}),
        (
            "e3_20261116T080000Z",
            {"dateTime": "2026-11-16T09:00:00+01:00", "timeZone": "Europe/Zurich"},
        ),
    ]
    first = listed[1]
    assert first["end"] == {"dateTime": "2026-11-02T09:15:00+01:00", "timeZone": "Europe/Zurich"}
    assert first["recurringEventId"] == "e3"
    assert first["originalStartTime"] == first["start"]
    assert "recurrence" not in first
    assert listed[0]["end"] == {"date": "2026-11-03"}
    assert "recurrence" in EVENTS[2]  # the stored series is left as it was


def test_weekly_instances_keep_the_wall_clock_across_a_change_of_summer_time() -> None:
    event = {
        "id": "w",
        "start": {"dateTime": "2026-10-19T09:00:00+02:00", "timeZone": "Europe/Zurich"},
        "end": {"dateTime": "2026-10-19T10:00:00+02:00", "timeZone": "Europe/Zurich"},
        "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=2"],
    }
    assert [
        (e["id"], e["start"]["dateTime"], e["end"]["dateTime"]) for e in calendar.expand(event)
    ] == [
        ("w_20261019T070000Z", "2026-10-19T09:00:00+02:00", "2026-10-19T10:00:00+02:00"),
        ("w_20261026T080000Z", "2026-10-26T09:00:00+01:00", "2026-10-26T10:00:00+01:00"),
    ]


def test_an_unbounded_series_stops_at_time_max_or_at_the_instance_limit() -> None:
    event = {
        "id": "d",
        "start": {"dateTime": "2026-01-01T08:00:00Z"},
        "end": {"dateTime": "2026-01-01T09:00:00Z"},
        "recurrence": ["RRULE:FREQ=DAILY;INTERVAL=2"],
    }
    bounded = calendar.expand(event, time_max=datetime(2026, 1, 7, 8, tzinfo=UTC))
    assert [e["id"] for e in bounded] == [
        "d_20260101T080000Z",
        "d_20260103T080000Z",
        "d_20260105T080000Z",
    ]
    assert len(list(calendar.expand(event))) == calendar.MAX_INSTANCES
    assert len(list(calendar.expand(event, limit=3))) == 3


@pytest.mark.parametrize(
    "recurrence",
    [
        ["RRULE:FREQ=MONTHLY;COUNT=2"],
        ["RRULE:FREQ=WEEKLY;BYDAY=MO"],
        ["RRULE:FREQ=DAILY;COUNT=2", "EXDATE:20260102T080000Z"],
        ["RRULE:FREQ=DAILY;COUNT=0"],
        ["RRULE:FREQ=DAILY;INTERVAL=x"],
        ["RRULE:FREQ=DAILY;UNTIL=tomorrow"],
    ],
)
def test_an_unsupported_rule_is_listed_as_one_event(recurrence: list[str]) -> None:
    event = {"id": "u", "start": {"date": "2026-01-01"}, "recurrence": recurrence}
    assert calendar.recurrence_rule(event) is None
    assert list(calendar.expand(event)) == [event]


def test_order_by_updated_puts_events_without_it_last() -> None:
    assert ids({"orderBy": "updated"}) == ["e3", "e1", "e2", "e5", "e6"]


def test_order_by_start_time_without_single_events_is_calendars_400() -> None:
    with pytest.raises(CalendarRequestError) as caught:
        calendar.list_events(EVENTS, {"orderBy": "startTime"})
    assert caught.value.status == 400
    assert isinstance(caught.value, InteractorMockError)
    assert caught.value.provider_body() == {
        "error": {
            "code": 400,
            "message": "The requested ordering is not available for the particular query.",
            "errors": [
                {
                    "domain": "global",
                    "reason": "badRequest",
                    "message": "The requested ordering is not available for the particular query.",
                }
            ],
        }
    }


def test_an_empty_time_range_is_calendars_400() -> None:
    with pytest.raises(CalendarRequestError) as caught:
        EventsRequest.from_params(
            {"timeMin": "2026-11-05T10:00:00Z", "timeMax": "2026-11-05T11:00:00+01:00"}
        )
    assert caught.value.provider_body() == {
        "error": {
            "code": 400,
            "message": "The specified time range is empty.",
            "errors": [
                {
                    "domain": "calendar",
                    "reason": "timeRangeEmpty",
                    "message": "The specified time range is empty.",
                    "locationType": "parameter",
                    "location": "timeMax",
                }
            ],
        }
    }


@pytest.mark.parametrize(
    ("params", "location", "message"),
    [
        ({"timeMin": "2026-11-05T10:00:00"}, "timeMin", "Bad Request"),
        ({"timeMax": "2026-11-05"}, "timeMax", "Bad Request"),
        ({"timeMax": "soon"}, "timeMax", "Bad Request"),
        ({"orderBy": "summary"}, "orderBy", "Invalid Value"),
    ],
)
def test_malformed_parameters_name_the_parameter(params: dict, location: str, message: str) -> None:
    with pytest.raises(CalendarRequestError) as caught:
        EventsRequest.from_params(params)
    body = caught.value.provider_body()["error"]
    assert (body["message"], body["errors"][0]["location"]) == (message, location)


# properties against a plain model

BASE = datetime(2026, 1, 1, tzinfo=UTC)

timed = st.builds(
    lambda start, minutes: {
        "start": {"dateTime": (BASE + timedelta(hours=start)).isoformat()},
        "end": {"dateTime": (BASE + timedelta(hours=start, minutes=minutes)).isoformat()},
    },
    st.sampled_from(range(0, 97, 6)) | st.integers(0, 96),
    st.sampled_from([0, 30, 60, 360]) | st.integers(0, 180),
)
all_day = st.builds(
    lambda day, days: {
        "start": {"date": (BASE.date() + timedelta(days=day)).isoformat()},
        "end": {"date": (BASE.date() + timedelta(days=day + days)).isoformat()},
    },
    st.integers(0, 4),
    st.integers(1, 2),
)
events = st.lists(
    st.tuples(
        timed | all_day,
        st.sampled_from(["Sync", "Lunch with Bob", "Plan review", ""]),
        st.sampled_from(["confirmed", "confirmed", "confirmed", "cancelled"]),
        st.integers(0, 5),
    ),
    max_size=8,
).map(
    lambda rows: [
        {
            "id": f"ev{i}",
            "summary": summary,
            "status": status,
            "updated": (BASE + timedelta(days=updated)).isoformat(),
            **when,
        }
        for i, (when, summary, status, updated) in enumerate(rows)
    ]
)
# windows on multiples of 6 hours, starting on noon or midnight, so that events often end or
# start on a bound; "min"/"max" keep only that bound
windows = st.builds(
    lambda start, length, which: (
        BASE + timedelta(hours=12 * start) if which in ("both", "min") else None,
        BASE + timedelta(hours=12 * start + 6 * length) if which in ("both", "max") else None,
    ),
    st.integers(0, 9),
    st.integers(1, 8),
    st.sampled_from(["both", "min", "max", "none"]),
)


def _span(event: dict) -> tuple[datetime, datetime]:
    start, end = event["start"], event["end"]
    if "date" in start:
        return (
            datetime.combine(date.fromisoformat(start["date"]), datetime.min.time(), UTC),
            datetime.combine(date.fromisoformat(end["date"]), datetime.min.time(), UTC),
        )
    return datetime.fromisoformat(start["dateTime"]), datetime.fromisoformat(end["dateTime"])


def model(items: list[dict], low, high, q: str, deleted: bool) -> list[str]:
    kept = []
    for e in items:
        s, t = _span(e)
        if low is not None and not t > low:
            continue
        if high is not None and not s < high:
            continue
        if q and q.lower() not in e["summary"].lower().split():
            continue
        if e["status"] == "cancelled" and not deleted:
            continue
        kept.append(e["id"])
    return kept


@settings(max_examples=100, deadline=None)
@given(
    events, windows, st.sampled_from(["", "", "", "sync", "bob", "review", "lun"]), st.booleans()
)
def test_filtering_agrees_with_a_direct_check_of_each_event(items, window, q, deleted) -> None:
    low, high = window
    params = {"q": q, "showDeleted": deleted}
    if low is not None:
        params["timeMin"] = low.isoformat()
    if high is not None:
        params["timeMax"] = high.isoformat()
    listed = [e["id"] for e in calendar.list_events(items, params)]
    assert listed == model(items, low, high, q, deleted)


@settings(max_examples=100, deadline=None)
@given(events, st.sampled_from(["startTime", "updated"]))
def test_ordering_is_a_stable_sort_by_the_chosen_key(items, order_by) -> None:
    listed = calendar.list_events(
        items, {"singleEvents": True, "orderBy": order_by, "showDeleted": True}
    )

    def key(e: dict):
        return _span(e)[0] if order_by == "startTime" else datetime.fromisoformat(e["updated"])

    expected = sorted(items, key=key)  # sorted() is stable: ties keep the stored order
    assert [e["id"] for e in listed] == [e["id"] for e in expected]


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["DAILY", "WEEKLY"]),
    st.integers(1, 3),
    st.one_of(
        st.integers(1, 6).map(lambda n: ("COUNT", n)),
        st.integers(0, 40).map(lambda d: ("UNTIL", d)),
    ),
    st.integers(0, 23),
    st.booleans(),
)
def test_expansion_agrees_with_stepping_the_start(freq, interval, stop, hour, whole_day) -> None:
    first = BASE + timedelta(hours=hour)
    kind, amount = stop
    until = BASE + timedelta(days=amount)
    part = f"COUNT={amount}" if kind == "COUNT" else f"UNTIL={until.strftime('%Y%m%d')}"
    if whole_day:
        when = {
            "start": {"date": first.date().isoformat()},
            "end": {"date": (first.date() + timedelta(days=1)).isoformat()},
        }
    else:
        when = {
            "start": {"dateTime": first.isoformat()},
            "end": {"dateTime": (first + timedelta(minutes=30)).isoformat()},
        }
    event = {"id": "r", **when, "recurrence": [f"RRULE:FREQ={freq};INTERVAL={interval};{part}"]}
    step = timedelta(days=interval * (7 if freq == "WEEKLY" else 1))
    starts, moment = [], first.replace(hour=0) if whole_day else first
    while (kind == "COUNT" and len(starts) < amount) or (
        kind == "UNTIL" and moment < until + timedelta(days=1)
    ):
        starts.append(moment)
        moment += step
    got = list(calendar.expand(event))
    if whole_day:
        assert [e["start"]["date"] for e in got] == [s.date().isoformat() for s in starts]
        assert [e["id"] for e in got] == [f"r_{s.strftime('%Y%m%d')}" for s in starts]
    else:
        assert [datetime.fromisoformat(e["start"]["dateTime"]) for e in got] == starts
        assert [e["id"] for e in got] == [f"r_{s.strftime('%Y%m%dT%H%M%SZ')}" for s in starts]


EDGE_TIMES = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2026-01-01T00:00:00",
    "2026-13-01T00:00:00Z",
    "soon",
    "2026-01-01T08:00:00Z",
]
EDGE_DATES = ["0001-01-01", "9999-12-31", "2026-02-29", "2026-01-01", "x"]
EDGE_RULES = [
    "RRULE:FREQ=DAILY;INTERVAL=99999999",
    "RRULE:FREQ=WEEKLY;COUNT=999999999",
    "RRULE:FREQ=DAILY;UNTIL=99991231",
    "RRULE:FREQ=DAILY;UNTIL=00000101",
    "RRULE:FREQ=DAILY;UNTIL=99991231T235959Z",
    "RRULE:FREQ=WEEKLY;INTERVAL=0",
    "RRULE:",
    "EXDATE:20260101",
]
points = st.one_of(
    st.builds(
        lambda t, z: {"dateTime": t, "timeZone": z},
        st.sampled_from(EDGE_TIMES) | st.text(max_size=8),
        st.sampled_from(["Europe/Zurich", "Nowhere/City", "", "../x"]),
    ),
    st.builds(lambda d: {"date": d}, st.sampled_from(EDGE_DATES) | st.text(max_size=8)),
    st.none(),
    st.integers(),
)
odd_events = st.lists(
    st.fixed_dictionaries(
        {"id": st.text(max_size=3)},
        optional={
            "start": points,
            "end": points,
            "recurrence": st.lists(st.sampled_from(EDGE_RULES) | st.text(max_size=12), max_size=2),
            "summary": st.text(max_size=8) | st.integers(),
            "attendees": st.lists(
                st.fixed_dictionaries({}, optional={"email": st.text(max_size=5)}) | st.none(),
                max_size=2,
            ),
            "updated": st.sampled_from(EDGE_TIMES) | st.none(),
            "status": st.sampled_from(["cancelled", "confirmed"]),
        },
    ),
    max_size=4,
)
odd_params = st.fixed_dictionaries(
    {},
    optional={
        "q": st.text(max_size=8),
        "timeMin": st.sampled_from(EDGE_TIMES) | st.text(max_size=8),
        "timeMax": st.sampled_from(EDGE_TIMES) | st.text(max_size=8),
        "singleEvents": st.booleans() | st.sampled_from(["true", "false", "yes"]),
        "orderBy": st.sampled_from(["startTime", "updated", "", "x"]),
        "showDeleted": st.booleans(),
    },
)


@settings(max_examples=100, deadline=None)
@given(odd_events, odd_params, st.sampled_from([UTC, ZURICH]))
def test_odd_events_and_parameters_never_fail_other_than_as_calendar_does(
    items, params, zone
) -> None:
    failure = None
    try:
        listed = calendar.list_events(items, params, time_zone=zone)
    except CalendarRequestError as error:
        failure = error
        listed = []
    assert failure is None or failure.provider_body()["error"]["code"] == 400
    assert len(listed) <= len(items) * calendar.MAX_INSTANCES


@pytest.mark.parametrize(
    ("start", "rule", "expected"),
    [
        (
            {"dateTime": "9999-12-30T23:00:00Z"},
            "RRULE:FREQ=DAILY;INTERVAL=99999999",
            ["s_99991230T230000Z"],
        ),
        ({"dateTime": "9999-12-31T23:00:00-01:00"}, "RRULE:FREQ=DAILY;COUNT=3", []),
        ({"dateTime": "0001-01-01T00:00:00+01:00"}, "RRULE:FREQ=DAILY;COUNT=2", []),
        ({"date": "9999-12-31"}, "RRULE:FREQ=DAILY;COUNT=3", ["s_99991231"]),
        ({"date": "9999-12-30"}, "RRULE:FREQ=WEEKLY;UNTIL=99991231", ["s_99991230"]),
    ],
)
def test_series_at_the_ends_of_the_calendar_stop_instead_of_failing(start, rule, expected) -> None:
    event = {"id": "s", "start": start, "end": start, "recurrence": [rule]}
    assert [e["id"] for e in calendar.list_events([event], {"singleEvents": True})] == expected
