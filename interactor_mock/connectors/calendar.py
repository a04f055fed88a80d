"""Google Calendar (``interactor/googlecalendar-v1``): quick-add, time windows, calendars.

``calendar.events.quickAdd`` parses simple English ("Lunch tomorrow at 1pm", "Standup
Monday 9:30am for 15 minutes", "Review on March 3 from 2pm to 3:30pm", "Offsite Friday")
into a summary and a start and end relative to the engine's clock (UTC; an hour by
default; a day when no time is given), and stores the event like ``insert`` does.
``calendar.events.list`` honours ``q``, ``timeMin``/``timeMax``, ``singleEvents``, ``orderBy``
and ``showDeleted`` as :mod:`interactor_mock.search.calendar` describes, against the clock;
``calendar.calendarList.get`` accepts ``primary``. Seeded calendars and events look real.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.connectors._accounts import account_address
from interactor_mock.core.generate import seed_for
from interactor_mock.core.resources import Factory
from interactor_mock.core.resources import SeedContext
from interactor_mock.core.resources import decode_token
from interactor_mock.core.resources import encode_token
from interactor_mock.core.resources import make_id
from interactor_mock.errors import UsageError
from interactor_mock.search import calendar as calendar_search
from interactor_mock.search.errors import CalendarRequestError

if TYPE_CHECKING:
    from interactor_mock.connectors import Connectors
    from interactor_mock.core.calls import ActionCall

__all__ = ["QuickAdd", "build_event", "event_bounds", "parse_quick_add", "register", "when"]

OWNER = "interactor"
CONNECTOR = "googlecalendar-v1"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_TIME = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?|noon|midnight"
_RANGE = re.compile(rf"\bfrom\s+(?P<a>{_TIME})\s*(?:to|-|until)\s*(?P<b>{_TIME})", re.I)
_AT = re.compile(rf"\b(?:at|@)\s+(?P<a>{_TIME})", re.I)
_BARE = re.compile(r"\b(?P<a>(\d{1,2})(?::(\d{2}))?\s*(am|pm))\b", re.I)
_FOR = re.compile(r"\bfor\s+(\d+(?:\.\d+)?)\s*(minutes?|mins?|hours?|hrs?|h)\b", re.I)
_DAY = re.compile(
    r"\b(?:(today|tonight|tomorrow)|(?:on\s+|next\s+)?(" + "|".join(WEEKDAYS) + r")"
    r"|(?:on\s+)?(" + "|".join(MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?)\b",
    re.I,
)
EVENT_TITLES = (
    "Team standup",
    "1:1 with manager",
    "Design review",
    "Sprint planning",
    "Lunch with a customer",
    "Quarterly business review",
    "Interview: backend engineer",
    "Coffee chat",
    "All hands",
    "Roadmap sync",
    "Dentist",
    "Product demo",
)
#: The longest "for N hours" quickAdd understands (a year); longer stays in the title.
MAX_DURATION_MINUTES = 366 * 24 * 60
CALENDAR_NAMES = ("Team", "Holidays", "Family", "On-call", "Projects")
_EVENTS_TOKEN = "e1:"


@dataclass(frozen=True)
class QuickAdd:
    """What ``parse_quick_add`` understood: ``start``/``end`` are datetimes, or dates for an
    all-day event (``end`` exclusive, as Google Calendar has it)."""

    summary: str
    start: datetime | date
    end: datetime | date

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


def _clock_time(match: re.Match[str], group: str) -> time:
    text = match.group(group).lower().replace(".", "")
    if text == "noon":
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    found = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", text)
    assert found is not None
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    return time(min(hour, 23), min(minute, 59))


def parse_quick_add(text: str, now: datetime) -> QuickAdd:
    """Understand a quick-add text, relative to ``now``."""
    rest = text
    day = now.date()
    found_day = _DAY.search(rest)
    if found_day is not None:
        relative, weekday, month, number = found_day.groups()
        if relative:
            day = day + timedelta(days=1 if relative.lower() == "tomorrow" else 0)
        elif weekday:
            ahead = (WEEKDAYS.index(weekday.lower()) - day.weekday()) % 7 or 7
            day = day + timedelta(days=ahead)
        else:
            month_number = MONTHS.index(month.lower()) + 1
            for year in (day.year, day.year + 1):
                try:
                    candidate = date(year, month_number, int(number))
                except ValueError:  # no such day (February 30): keep today
                    break
                if candidate >= day:
                    day = candidate
                    break
        rest = rest[: found_day.start()] + rest[found_day.end() :]
    start_time = end_time = None
    for pattern in (_RANGE, _AT, _BARE):
        match = pattern.search(rest)
        if match is not None:
            start_time = _clock_time(match, "a")
            if pattern is _RANGE:
                end_time = _clock_time(match, "b")
            rest = rest[: match.start()] + rest[match.end() :]
            break
    duration = timedelta(hours=1)
    found_for = _FOR.search(rest)
    if found_for is not None:
        amount, unit = float(found_for.group(1)), found_for.group(2).lower()
        minutes = amount if unit.startswith("m") else amount * 60
        if minutes <= MAX_DURATION_MINUTES:
            duration = timedelta(minutes=minutes)
            rest = rest[: found_for.start()] + rest[found_for.end() :]
        else:  # "for 99999999999999999999 hours": not a duration, part of the title
            found_for = None
    summary = re.sub(r"\s+", " ", rest).strip(" ,.-") or text.strip() or "Event"
    if start_time is None:
        if found_for is not None:
            start = datetime.combine(day, now.timetz()).replace(second=0, microsecond=0)
            return QuickAdd(summary, start, start + duration)
        return QuickAdd(summary, day, day + timedelta(days=1))
    zone = now.tzinfo or timezone.utc
    start = datetime.combine(day, start_time, tzinfo=zone)
    end = datetime.combine(day, end_time, tzinfo=zone) if end_time is not None else start + duration
    if end <= start:
        end += timedelta(days=1)
    return QuickAdd(summary, start, end)


def _rfc3339(moment: datetime, timespec: str = "seconds") -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec=timespec).replace("+00:00", "Z")


def when(value: datetime | date) -> dict[str, str]:
    """Google's EventDateTime of a datetime (``dateTime``) or a date (``date``)."""
    if isinstance(value, datetime):
        return {"dateTime": _rfc3339(value), "timeZone": "UTC"}
    return {"date": value.isoformat()}


def event_bounds(event: Mapping[str, Any]) -> tuple[datetime, datetime] | None:
    """An event's start and end as aware datetimes (all-day events span their days)."""
    found = []
    for key in ("start", "end"):
        value = event.get(key) or {}
        text = value.get("dateTime") if isinstance(value, Mapping) else None
        try:
            if text:
                moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
                found.append(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))
            elif isinstance(value, Mapping) and value.get("date"):
                day = date.fromisoformat(str(value["date"]))
                found.append(datetime.combine(day, time(0), tzinfo=timezone.utc))
            else:
                return None
        except ValueError:
            return None
    return found[0], found[1]


def build_event(
    *,
    event_id: str,
    summary: str,
    start: datetime | date,
    end: datetime | date,
    organizer: str,
    created: datetime,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A confirmed Google Calendar event."""
    stamp = _rfc3339(created, "milliseconds")
    event = {
        "kind": "calendar#event",
        "etag": f'"{seed_for(event_id, stamp) % 10**16:016d}"',
        "id": event_id,
        "status": "confirmed",
        "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
        "created": stamp,
        "updated": stamp,
        "summary": summary,
        "creator": {"email": organizer, "self": True},
        "organizer": {"email": organizer, "self": True},
        "start": when(start),
        "end": when(end),
        "iCalUID": f"{event_id}@google.com",
        "sequence": 0,
        "reminders": {"useDefault": True},
        "eventType": "default",
    }
    event.update(extra or {})
    return event


def build_seeded_event(ctx: SeedContext, index: int, event_id: str) -> dict[str, Any]:
    """Events spread over two weeks before and four after the seeding time, in office hours."""
    rng = ctx.rng(index, "event")
    day = (ctx.anchor - timedelta(days=14) + timedelta(days=rng.randrange(0, 42))).date()
    start = datetime.combine(
        day, time(rng.randrange(8, 18), rng.choice((0, 30))), tzinfo=timezone.utc
    )
    length = timedelta(minutes=rng.choice((15, 30, 30, 45, 60, 60, 90)))
    pools = ctx.resources.generator.pools
    guests = []
    for _ in range(rng.randrange(0, 4)):
        first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
        status = rng.choice(("accepted", "needsAction", "tentative", "declined"))
        guests.append(
            {"email": f"{first.lower()}.{last.lower()}@example.org", "responseStatus": status}
        )
    extra: dict[str, Any] = {"attendees": guests} if guests else {}
    if rng.random() < 0.3:
        extra["location"] = rng.choice(pools.cities)
    return build_event(
        event_id=event_id,
        summary=rng.choice(EVENT_TITLES),
        start=start,
        end=start + length,
        organizer=account_address(ctx.account),
        created=ctx.anchor - timedelta(days=30),
        extra=extra,
    )


def _seeded_event_id(ctx: SeedContext, index: int) -> str:
    return make_id("base32hex", ctx.rng(index, "id"), ctx.anchor)


def _calendar_id(ctx: SeedContext, index: int) -> str:
    if index == 0:
        return account_address(ctx.account)
    return make_id("hex", ctx.rng(index, "id"), ctx.anchor) + "@group.calendar.google.com"


def build_seeded_calendar(ctx: SeedContext, index: int, calendar_id: str) -> dict[str, Any]:
    """The first seeded calendar is the account's primary one."""
    primary = index == 0
    entry: dict[str, Any] = {
        "kind": "calendar#calendarListEntry",
        "etag": f'"{1700000000000 + index}"',
        "id": calendar_id,
        "summary": calendar_id if primary else CALENDAR_NAMES[(index - 1) % len(CALENDAR_NAMES)],
        "timeZone": "UTC",
        "colorId": str(index % 24 + 1),
        "backgroundColor": "#9fe1e7",
        "foregroundColor": "#000000",
        "selected": True,
        "accessRole": "owner" if primary else ("writer" if index % 2 else "reader"),
        "defaultReminders": [{"method": "popup", "minutes": 10}] if primary else [],
    }
    if primary:
        entry["primary"] = True
    return entry


class Calendar:
    """The coded Google Calendar actions , over the resources they were registered with."""

    def __init__(self, connectors: Connectors) -> None:
        self.clock = connectors.clock
        self.resources = connectors.resources
        self.events_spec = self.resources.catalog.collection(OWNER, CONNECTOR, "events")
        self.calendars_spec = self.resources.catalog.collection(OWNER, CONNECTOR, "calendars")

    def quick_add(self, call: ActionCall) -> Any:
        parsed = parse_quick_add(str(call.input["text"]), self.clock())
        events = self.resources.for_call(call, self.events_spec)
        event_id = self.resources.fresh_id(events)
        event = build_event(
            event_id=event_id,
            summary=parsed.summary,
            start=parsed.start,
            end=parsed.end,
            organizer=account_address(call.account),
            created=self.clock(),
        )
        events.insert(event_id, event)
        return {"status_code": 200, "body": event}

    def insert(self, call: ActionCall) -> Any:
        """``calendar.events.insert``: the event given, confirmed, organised by the account,
        created now (fields Google sets itself, such as ``htmlLink`` and ``iCalUID``, filled)."""
        events = self.resources.for_call(call, self.events_spec)
        event_id = self.resources.fresh_id(events)
        now = self.clock()
        event = build_event(
            event_id=event_id,
            summary="",
            start=now,
            end=now + timedelta(hours=1),
            organizer=account_address(call.account),
            created=now,
        )
        properties = (self.events_spec.item_schema or {}).get("properties", {})
        for key, value in call.input.items():
            if key in properties and key != "id":
                event[key] = value
        if not event.get("summary"):
            event.pop("summary", None)
        events.insert(event_id, event)
        return {"status_code": 200, "body": event}

    def list_events(self, call: ActionCall) -> Any:
        """``calendar.events.list`` through :mod:`interactor_mock.search.calendar`: ``q``,
        ``timeMin``/``timeMax``, ``singleEvents`` (recurring events expanded), ``orderBy`` and
        ``showDeleted``, with Calendar's own 400s inside ``output``."""
        try:
            request = calendar_search.EventsRequest.from_params(call.input)
        except CalendarRequestError as error:
            return {"status_code": error.status, "body": error.provider_body()}
        events = self.resources.for_call(call, self.events_spec)
        operation = self.resources.catalog.operation(call.action)
        if operation is None:
            return self.resources.execute(call)
        listed = request.apply(events.items())
        token = call.input.get("pageToken")
        try:
            start = decode_token(str(token), _EVENTS_TOKEN) if token else 0
        except UsageError:
            return self.resources.provider_failure(call.action, 400, "Invalid pageToken", "invalid")
        size = self.resources.page_size(operation, call.input)
        chosen = listed[start : start + size]
        following = None
        if start + size < len(listed):
            following = encode_token(start + size, _EVENTS_TOKEN)
        return self.resources.list_output(call, operation, chosen, following, len(listed))

    def get_calendar(self, call: ActionCall) -> Any:
        """``calendar.calendarList.get``: ``primary`` names the account's primary calendar."""
        calendars = self.resources.for_call(call, self.calendars_spec)
        if call.input.get("calendarId") == "primary":
            for item in calendars.items():
                if item.get("primary"):
                    return {"status_code": 200, "body": item}
        return self.resources.execute(call)


def register(connectors: Connectors) -> None:
    """Register Google Calendar's behaviours and seed factories."""
    if not connectors.declares(OWNER, CONNECTOR, "events", "calendars"):
        return  # a contracts directory without this connector or its collections
    calendar = Calendar(connectors)
    connectors.behaviour(OWNER, CONNECTOR, "calendar.events.quickAdd", calendar.quick_add)
    connectors.behaviour(OWNER, CONNECTOR, "calendar.events.list", calendar.list_events)
    connectors.behaviour(OWNER, CONNECTOR, "calendar.events.insert", calendar.insert)
    connectors.behaviour(OWNER, CONNECTOR, "calendar.calendarList.get", calendar.get_calendar)
    connectors.factory(
        OWNER, CONNECTOR, "events", Factory(item_id=_seeded_event_id, build=build_seeded_event)
    )
    connectors.factory(
        OWNER, CONNECTOR, "calendars", Factory(item_id=_calendar_id, build=build_seeded_calendar)
    )
