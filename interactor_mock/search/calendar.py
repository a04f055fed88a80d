"""Calendar ``events.list`` filtering: ``q``, ``timeMin``/``timeMax``, ``singleEvents``,
``orderBy`` and ``showDeleted``, as pure functions over Event resource dicts.

How a behaviour uses it::

    try:
        request = calendar.EventsRequest.from_params(call.input, time_zone=calendar_zone)
    except calendar.CalendarRequestError as error:
        return {"status_code": error.status, "body": error.provider_body()}
    items = request.apply(stored_events)     # expanded, filtered, ordered copies

or, to keep a store's own paging, ``request.matches(event)`` as the keep predicate and
``request.sort_key(event)`` as the sort key of single (already expanded) events.

The choices where Calendar's documentation is silent:

- ``q``: whitespace-separated terms (a ``"double-quoted phrase"`` is one term; an unterminated
  quote runs to the end, Calendar never rejects ``q``); every term must occur, as whole words
  and without case, in one of ``summary``, ``description``, ``location``, the attendees' and
  the organizer's ``email`` and ``displayName``.
- The window, as documented: an event is listed when its end is after ``timeMin`` and its
  start before ``timeMax`` (both exclusive). ``timeMin``/``timeMax`` need an offset, as
  documented; without one, or malformed, Calendar's 400 ``Bad Request`` (inferred text). All-day
  events (``date``) run from midnight to midnight (``end.date`` exclusive) in the calendar's
  time zone (``time_zone``, UTC by default); a missing ``end`` is the start (timed) or one day.
  ``timeMax`` not after ``timeMin``: 400 ``The specified time range is empty.``
- ``singleEvents=true`` expands recurring events whose ``recurrence`` holds one ``RRULE`` with
  ``FREQ=DAILY`` or ``FREQ=WEEKLY`` and optionally ``INTERVAL``, ``COUNT``, ``UNTIL`` (other
  parts, ``EXDATE`` and ``RDATE`` are not supported: such an event is listed as one event at
  its own start). Instances are copies without ``recurrence``, with ``recurringEventId``,
  ``originalStartTime`` and the id ``<id>_<UTC start as YYYYMMDDTHHMMSSZ>`` (``<id>_<YYYYMMDD>``
  all-day), as Google forms them; weekly steps keep the wall-clock time in ``start.timeZone``.
  An unbounded series stops at ``timeMax`` or after :data:`MAX_INSTANCES` instances. Without
  ``singleEvents`` a series is listed once when one of its instances is in the window.
- ``orderBy=startTime`` needs ``singleEvents=true``, else Calendar's 400 ``The requested ordering
  is not available for the particular query.``; ``orderBy=updated`` orders by ``updated``
  (events without it last); other values: 400 ``Invalid Value`` on ``orderBy`` (inferred text).
  Without ``orderBy`` the stored order is kept; ties keep the stored order too.
- Cancelled events (``status: cancelled``) are left out unless ``showDeleted`` is true.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from datetime import tzinfo
from typing import Any

from interactor_mock.search._text import contains_words
from interactor_mock.search._text import words
from interactor_mock.search._time import parse_time
from interactor_mock.search.errors import CalendarRequestError

__all__ = [
    "MAX_INSTANCES",
    "ORDERING_UNAVAILABLE",
    "TIME_RANGE_EMPTY",
    "CalendarRequestError",
    "EventsRequest",
    "event_bounds",
    "expand",
    "list_events",
    "matches_text",
    "recurrence_rule",
]

MAX_INSTANCES = 2500
"""Most instances one recurring event expands to."""

ORDERING_UNAVAILABLE = "The requested ordering is not available for the particular query."
TIME_RANGE_EMPTY = "The specified time range is empty."

_UNTIL = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?")
_NEVER = datetime.min.replace(tzinfo=timezone.utc)
_SUPPORTED = frozenset({"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"})


# bounds


def _zone(name: Any, default: tzinfo) -> tzinfo:
    if not isinstance(name, str) or not name:
        return default
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # an unknown zone name, or no time-zone data
        return default


def _point(value: Any, zone: tzinfo) -> tuple[datetime, bool] | None:
    """A start or end (``{"dateTime"}`` or ``{"date"}``) as (moment, all-day)."""
    if not isinstance(value, Mapping):
        return None
    if isinstance(value.get("dateTime"), str):
        local = _zone(value.get("timeZone"), zone)
        try:
            moment = parse_time(value["dateTime"], require_offset=True)
        except ValueError:
            try:
                moment = parse_time(value["dateTime"]).replace(tzinfo=local)
            except ValueError:
                return None
        return moment, False
    if isinstance(value.get("date"), str):
        try:
            day = date.fromisoformat(value["date"])
        except ValueError:
            return None
        return datetime(day.year, day.month, day.day, tzinfo=zone), True
    return None


def event_bounds(
    event: Mapping[str, Any], *, time_zone: tzinfo = timezone.utc
) -> tuple[datetime, datetime] | None:
    """The event's (start, end) as aware datetimes, or ``None`` without a readable start."""
    start = _point(event.get("start"), time_zone)
    if start is None:
        return None
    end = _point(event.get("end"), time_zone)
    if end is not None:
        return start[0], end[0]
    try:
        return start[0], start[0] + (timedelta(days=1) if start[1] else timedelta(0))
    except OverflowError:  # an all-day event on 9999-12-31
        return start[0], start[0]


def matches_text(event: Mapping[str, Any], q: str) -> bool:
    """Whether every term of ``q`` occurs in the event's searchable fields (see the module)."""
    texts = [str(event.get(name) or "") for name in ("summary", "description", "location")]
    people = [*(event.get("attendees") or ()), event.get("organizer")]
    for person in people:
        if isinstance(person, Mapping):
            texts += [str(person.get("email") or ""), str(person.get("displayName") or "")]
    return all(contains_words(texts, words(term)) for term in _terms(q))


def _terms(q: str) -> list[str]:
    terms: list[str] = []
    i, n = 0, len(q)
    while i < n:
        if q[i].isspace():
            i += 1
        elif q[i] == '"':
            close = q.find('"', i + 1)
            close = n if close < 0 else close
            terms.append(q[i + 1 : close])
            i = close + 1
        else:
            start = i
            while i < n and not q[i].isspace() and q[i] != '"':
                i += 1
            terms.append(q[start:i])
    return terms


# recurrence


def recurrence_rule(event: Mapping[str, Any]) -> dict[str, str] | None:
    """The event's supported RRULE as a dict of parts, or ``None`` (not recurring, or a rule
    this module does not expand)."""
    lines = [str(line) for line in event.get("recurrence") or ()]
    rules = [line[6:] for line in lines if line.upper().startswith("RRULE:")]
    if len(rules) != 1 or len(lines) != 1:
        return None
    parts: dict[str, str] = {}
    for piece in rules[0].split(";"):
        name, _, value = piece.partition("=")
        parts[name.strip().upper()] = value.strip()
    if parts.get("FREQ", "").upper() not in ("DAILY", "WEEKLY") or set(parts) - _SUPPORTED:
        return None
    try:
        if int(parts.get("INTERVAL", "1")) < 1 or int(parts.get("COUNT", "1")) < 1:
            return None
    except ValueError:
        return None
    if "UNTIL" in parts:
        try:
            _until(parts["UNTIL"], timezone.utc)
        except (ValueError, OverflowError):
            return None
    return parts


def _until(text: str, zone: tzinfo) -> datetime:
    match = _UNTIL.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date or a date-time")
    year, month, day, hour, minute, second, utc = match.groups()
    moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    moment = moment.replace(second=int(second or 0))
    if hour is None:  # a date: the whole day is included
        last = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
        return last.replace(tzinfo=zone)
    return moment.replace(tzinfo=timezone.utc if utc else zone)


def _starts(
    event: Mapping[str, Any], rule: dict[str, str], zone: tzinfo, limit: int
) -> Iterator[tuple[datetime, bool]]:
    start = _point(event.get("start"), zone)
    if start is None:
        return
    first, all_day = start
    own = first.tzinfo or zone
    local = zone if all_day else _zone((event.get("start") or {}).get("timeZone"), own)
    try:
        first = first.astimezone(local)
        until = _until(rule["UNTIL"], local) if "UNTIL" in rule else None
    except OverflowError:  # at the ends of the calendar
        return
    step = int(rule.get("INTERVAL", "1")) * (7 if rule["FREQ"].upper() == "WEEKLY" else 1)
    count = int(rule["COUNT"]) if "COUNT" in rule else None
    total = min(count, limit) if count is not None else limit
    for index in range(total):
        try:
            moment = first + timedelta(days=index * step)  # wall-clock arithmetic in ``local``
        except OverflowError:  # past the year 9999
            return
        if until is not None and moment > until:
            return
        yield moment, all_day


def _stamp(moment: datetime, all_day: bool) -> str:
    if all_day:
        return moment.strftime("%Y%m%d")
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _shifted(point: Any, moment: datetime, all_day: bool) -> dict[str, Any]:
    shifted = {k: v for k, v in (point or {}).items() if k not in ("date", "dateTime")}
    if all_day:
        shifted["date"] = moment.date().isoformat()
    else:
        # RFC 3339 as Google writes it: "Z" for UTC
        shifted["dateTime"] = moment.isoformat().replace("+00:00", "Z")
    return shifted


def expand(
    event: Mapping[str, Any],
    *,
    time_max: datetime | None = None,
    time_zone: tzinfo = timezone.utc,
    limit: int = MAX_INSTANCES,
) -> Iterator[dict[str, Any]]:
    """The event's instances (the event itself, copied, when it does not recur or its rule is
    not supported), in start order, stopping at ``time_max`` or after ``limit`` instances."""
    rule = recurrence_rule(event)
    bounds = event_bounds(event, time_zone=time_zone)
    if rule is None or bounds is None:
        yield dict(event)
        return
    duration = bounds[1] - bounds[0]
    for moment, all_day in _starts(event, rule, time_zone, limit):
        if time_max is not None and moment >= time_max:
            return
        try:
            yield _instance(event, moment, all_day, duration)
        except OverflowError:  # an instance past the year 9999 (or before the year 1, in UTC)
            return


def _instance(
    event: Mapping[str, Any], moment: datetime, all_day: bool, duration: timedelta
) -> dict[str, Any]:
    original = event.get("start") or {}
    end = moment + (timedelta(days=max(duration.days, 0)) if all_day else duration)
    instance = {k: v for k, v in event.items() if k != "recurrence"}
    instance["id"] = f"{event.get('id', '')}_{_stamp(moment, all_day)}"
    instance["recurringEventId"] = event.get("id", "")
    instance["originalStartTime"] = _shifted(original, moment, all_day)
    instance["start"] = _shifted(original, moment, all_day)
    instance["end"] = _shifted(event.get("end") or original, end, all_day)
    return instance


# the request


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _bound(params: Mapping[str, Any], name: str) -> datetime | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return parse_time(str(value), require_offset=True)
    except ValueError:
        raise CalendarRequestError(
            f"{name}: {value!r} is not an RFC 3339 date-time with an offset",
            provider_message="Bad Request",
            location=name,
        ) from None


@dataclass(frozen=True)
class EventsRequest:
    """The filtering parameters of one ``events.list`` call."""

    q: str = ""
    time_min: datetime | None = None
    time_max: datetime | None = None
    single_events: bool = False
    order_by: str | None = None
    show_deleted: bool = False
    time_zone: tzinfo = timezone.utc

    @classmethod
    def from_params(
        cls, params: Mapping[str, Any], *, time_zone: tzinfo = timezone.utc
    ) -> EventsRequest:
        """Read ``q``, ``timeMin``, ``timeMax``, ``singleEvents``, ``orderBy``, ``showDeleted``
        (other keys are ignored); raises :class:`CalendarRequestError` as Calendar answers."""
        time_min, time_max = _bound(params, "timeMin"), _bound(params, "timeMax")
        if time_min is not None and time_max is not None and time_max <= time_min:
            raise CalendarRequestError(
                "timeMax is not after timeMin",
                provider_message=TIME_RANGE_EMPTY,
                provider_reason="timeRangeEmpty",
                location="timeMax",
                domain="calendar",
            )
        single = _flag(params.get("singleEvents"))
        order_by = params.get("orderBy") or None
        if order_by not in (None, "startTime", "updated"):
            raise CalendarRequestError(
                f"orderBy: {order_by!r} is not startTime or updated",
                provider_message="Invalid Value",
                provider_reason="invalid",
                location="orderBy",
            )
        if order_by == "startTime" and not single:
            raise CalendarRequestError(
                "orderBy=startTime needs singleEvents=true", provider_message=ORDERING_UNAVAILABLE
            )
        return cls(
            q=str(params.get("q") or ""),
            time_min=time_min,
            time_max=time_max,
            single_events=single,
            order_by=order_by,
            show_deleted=_flag(params.get("showDeleted")),
            time_zone=time_zone,
        )

    def in_window(self, event: Mapping[str, Any]) -> bool:
        """Whether a single event overlaps ``(timeMin, timeMax)``."""
        if self.time_min is None and self.time_max is None:
            return True
        bounds = event_bounds(event, time_zone=self.time_zone)
        if bounds is None:
            return False
        start, end = bounds
        return (self.time_min is None or end > self.time_min) and (
            self.time_max is None or start < self.time_max
        )

    def matches(self, event: Mapping[str, Any]) -> bool:
        """Whether a single (not recurring, or already expanded) event is listed."""
        if not self.show_deleted and event.get("status") == "cancelled":
            return False
        return self.in_window(event) and matches_text(event, self.q)

    def sort_key(self, event: Mapping[str, Any]) -> tuple[Any, ...]:
        """The key ``orderBy`` sorts by (a constant without ``orderBy``: a stable sort then
        keeps the stored order)."""
        if self.order_by == "startTime":
            bounds = event_bounds(event, time_zone=self.time_zone)
            return (bounds is None, bounds[0] if bounds else _NEVER)
        if self.order_by == "updated":
            try:
                updated = parse_time(str(event.get("updated")))
            except ValueError:
                return (True, _NEVER)
            return (False, updated)
        return ()

    def _listed(self, event: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        if self.single_events:
            for instance in expand(event, time_max=self.time_max, time_zone=self.time_zone):
                if self.matches(instance):
                    yield instance
            return
        if recurrence_rule(event) is None:
            if self.matches(event):
                yield dict(event)
            return
        series_ok = self.show_deleted or event.get("status") != "cancelled"
        if series_ok and matches_text(event, self.q):
            instances = expand(event, time_max=self.time_max, time_zone=self.time_zone)
            if any(self.in_window(instance) for instance in instances):
                yield dict(event)

    def apply(self, events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """The listed events (copies): expanded when ``singleEvents``, filtered, ordered."""
        listed = [item for event in events for item in self._listed(event)]
        if self.order_by is not None:
            listed.sort(key=self.sort_key)
        return listed


def list_events(
    events: Iterable[Mapping[str, Any]],
    params: Mapping[str, Any],
    *,
    time_zone: tzinfo = timezone.utc,
) -> list[dict[str, Any]]:
    """``EventsRequest.from_params(params, time_zone=...).apply(events)``."""
    return EventsRequest.from_params(params, time_zone=time_zone).apply(events)
