"""Search languages of the providers the mock imitates, as pure modules.

- :mod:`interactor_mock.search.gmail`: Gmail's search operators (``q`` of message lists);
- :mod:`interactor_mock.search.drive`: Drive v3's ``files.list`` query language;
- :mod:`interactor_mock.search.calendar`: Calendar ``events.list`` filtering and ordering.

Each parses in time linear in its input and raises a :class:`SearchError` subclass carrying
the provider's own error body (``provider_body()``), so a behaviour can answer as the provider
does. None of them reads the store or the clock: the caller passes the items and ``now``.
"""

from __future__ import annotations

from interactor_mock.search import calendar
from interactor_mock.search import drive
from interactor_mock.search import gmail
from interactor_mock.search.errors import CalendarRequestError
from interactor_mock.search.errors import DriveQueryError
from interactor_mock.search.errors import GmailQueryError
from interactor_mock.search.errors import QueryError
from interactor_mock.search.errors import SearchError

__all__ = [
    "CalendarRequestError",
    "DriveQueryError",
    "GmailQueryError",
    "QueryError",
    "SearchError",
    "calendar",
    "drive",
    "gmail",
]
