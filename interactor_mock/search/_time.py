"""RFC 3339 date-times, parsed by one anchored regular expression (no backtracking blow-up:
every part is a fixed run of digits)."""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone

__all__ = ["parse_time"]

_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})?)?"
)


def parse_time(text: str, *, require_offset: bool = False) -> datetime:
    """An RFC 3339 date-time (or, unless ``require_offset``, a date or a date-time without
    offset, both taken as UTC) as an aware datetime.

    Raises ``ValueError`` when ``text`` is not one.
    """
    match = _TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not an RFC 3339 date-time")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if require_offset and not offset:
        raise ValueError(f"{text!r} has no time-zone offset")
    zone = timezone.utc
    if offset and offset not in "Zz":
        sign = -1 if offset[0] == "-" else 1
        delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
        if delta >= timedelta(hours=24):
            raise ValueError(f"{text!r} has an impossible offset")
        zone = timezone(sign * delta)
    micro = int((fraction or "0").ljust(6, "0")[:6])
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
            tzinfo=zone,
        )
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date-time") from None
