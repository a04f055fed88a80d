"""The errors of the search languages.

Each carries what the caller needs to answer as the provider does: ``reason`` (for logs and
the journal), ``position`` (the offset in the query where the problem is), and
:meth:`SearchError.provider_body`, Google's JSON error body for the answer.

They derive from :class:`~interactor_mock.errors.InteractorMockError`, not from ``HTTPError``:
a ``-v1`` connector answers a provider error inside ``output`` (``{status_code, body}``), so a
behaviour catches them and builds that output; they are never rendered as Interactor errors.
"""

from __future__ import annotations

from typing import Any

from interactor_mock.errors import InteractorMockError

__all__ = [
    "CalendarRequestError",
    "DriveQueryError",
    "GmailQueryError",
    "QueryError",
    "SearchError",
]


def google_error_body(
    *, code: int, message: str, reason: str, location: str | None = None, domain: str = "global"
) -> dict[str, Any]:
    """Google's JSON error body: ``{"error": {"code", "message", "errors": [...]}}``."""
    item: dict[str, Any] = {"domain": domain, "reason": reason, "message": message}
    if location is not None:
        item["locationType"] = "parameter"
        item["location"] = location
    return {"error": {"code": code, "message": message, "errors": [item]}}


class SearchError(InteractorMockError):
    """Root of the search errors.

    Class attributes (overridable per instance): ``status``, the provider's HTTP status;
    ``provider_message``, the provider's own text; ``provider_reason``, its ``errors[].reason``;
    ``location``, the parameter it names (or ``None``); ``domain``, its ``errors[].domain``.
    """

    status: int = 400
    domain: str = "global"
    provider_message: str = "Bad Request"
    provider_reason: str = "badRequest"
    location: str | None = None

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def provider_body(self) -> dict[str, Any]:
        """The provider's error body for this error."""
        return google_error_body(
            code=self.status,
            message=self.provider_message,
            reason=self.provider_reason,
            location=self.location,
            domain=self.domain,
        )


class QueryError(SearchError):
    """A query the language does not accept: ``reason`` at ``position`` (0-based) of ``query``."""

    location = "q"

    def __init__(self, reason: str, *, query: str, position: int) -> None:
        super().__init__(reason)
        self.query = query
        self.position = position
        self.args = (f"{reason} (at position {position})",)


class GmailQueryError(QueryError):
    """A Gmail search query that does not parse.

    Gmail documents no error for a malformed ``q``; the body is Google's generic 400 with
    reason ``invalidArgument`` and message ``Invalid query`` (inferred).
    """

    provider_message = "Invalid query"
    provider_reason = "invalidArgument"


class DriveQueryError(QueryError):
    """A Drive ``files.list`` ``q`` that Drive rejects: 400 ``Invalid Value`` on ``q``."""

    provider_message = "Invalid Value"
    provider_reason = "invalid"


class CalendarRequestError(SearchError):
    """An ``events.list`` request Calendar rejects (message and reason per Calendar)."""

    def __init__(
        self,
        reason: str,
        *,
        provider_message: str,
        provider_reason: str = "badRequest",
        location: str | None = None,
        domain: str = "global",
    ) -> None:
        super().__init__(reason)
        self.domain = domain
        self.provider_message = provider_message
        self.provider_reason = provider_reason
        self.location = location
