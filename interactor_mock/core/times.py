"""Times given in request bodies: RFC 3339 date-times (what ``format: date-time`` means)."""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone

__all__ = ["parse_time"]

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)


def _rfc3339(text: str) -> datetime | None:
    found = _RFC3339.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second = (int(found.group(n)) for n in range(1, 7))
    micro = int((found.group(7) or "0")[:6].ljust(6, "0"))
    zone = timezone.utc
    if found.group(8) is None:
        offset = timedelta(hours=int(found.group(10)), minutes=int(found.group(11)))
        if offset >= timedelta(hours=24):
            return None
        zone = timezone(-offset if found.group(9) == "-" else offset)
    try:
        # A leap second (:60) is read as the last second of its minute.
        return datetime(year, month, day, hour, minute, min(second, 59), micro, tzinfo=zone)
    except ValueError:  # out-of-range fields (month 13, February 30, hour 24, year 0)
        return None


def parse_time(text: str) -> datetime | None:
    """An aware datetime from an RFC 3339 date-time (any case, any fraction length, a leap
    second), else from what ``datetime.fromisoformat`` reads with a zone; None otherwise."""
    moment = _rfc3339(text)
    if moment is None:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo is not None else None
