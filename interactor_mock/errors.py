"""The exception hierarchy.

Every error the mock can answer with is a class here, carrying its HTTP ``status``, a stable
``code`` and a ``message``; one Flask handler renders them as ``{"error": message, ...}``.
"""

from __future__ import annotations

from typing import Any


class InteractorMockError(Exception):
    """Root of every exception the package raises."""


class UsageError(InteractorMockError, ValueError):
    """A Python API was called with an argument it cannot take (the message says which)."""


class StateError(InteractorMockError, RuntimeError):
    """A Python API was called when it cannot be (not started, already active, ...)."""


class NotPicklable(InteractorMockError, TypeError):
    """An object tied to threads or sockets cannot be pickled."""


class ContractError(InteractorMockError):
    """A contract file is defective; the message names the file and the JSON pointer."""

    def __init__(self, path: str, pointer: str, reason: str) -> None:
        super().__init__(f"{path}: at {pointer or '/'}: {reason}")
        self.path = path
        self.pointer = pointer
        self.reason = reason


class StoreError(InteractorMockError):
    """A store cannot be used as asked; the message says what was found and what to do."""


class IncompatibleStore(StoreError):
    """A state file or Redis prefix that is not this version's store: another version's
    format, another application's SQLite file, or another tool's keys under the prefix."""


class UnstorableValue(StoreError, TypeError):
    """A value a JSON store cannot keep as it is (the message names where in the value)."""


class HTTPError(InteractorMockError):
    """An error answered over HTTP as ``{"error": message}`` plus optional detail keys."""

    status: int = 400
    code: str = "bad_request"
    message: str = "Bad request"

    def __init__(
        self, message: str | None = None, *, status: int | None = None, **extra: Any
    ) -> None:
        if message is not None:
            self.message = message
        if status is not None:
            self.status = status
        self.extra = extra
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"error": self.message, **self.extra}

    def headers(self) -> dict[str, str]:
        return {}


class BadRequest(HTTPError):
    status = 400
    code = "bad_request"


class Conflict(BadRequest):
    """A key or an id another environment already has: 409, a bad request of its own kind."""

    status = 409
    code = "conflict"


class InvalidInput(BadRequest):
    code = "invalid_input"


class PayloadTooLarge(HTTPError):
    status = 413
    code = "payload_too_large"
    message = "Request body is too large"


class Unauthorized(HTTPError):
    status = 401
    code = "unauthorized"
    message = "Missing x-api-key header"


class Forbidden(HTTPError):
    """The request may not do this here: cross-site, a wrong admin token, a bad CSRF token."""

    status = 403
    code = "forbidden"
    message = "Forbidden"


class RequestTimeout(HTTPError):
    """The client stopped sending its body (the connection's read timeout passed)."""

    status = 408
    code = "request_timeout"
    message = "The request body did not arrive in time"

    def headers(self) -> dict[str, str]:
        return {"Connection": "close"}


class UnsupportedMediaType(HTTPError):
    status = 415
    code = "unsupported_media_type"
    message = "Request body must be sent as Content-Type: application/json"


class MisdirectedRequest(HTTPError):
    """The Host header names a server this one does not serve (DNS rebinding)."""

    status = 421
    code = "misdirected_request"
    message = "Host not served here"


class NotFound(HTTPError, LookupError):
    status = 404
    code = "not_found"
    message = "Not found"


class UnknownConnector(NotFound):
    code = "unknown_connector"


class UnknownAction(NotFound):
    code = "unknown_action"


class UnknownEnvironment(NotFound):
    code = "unknown_environment"


class CredentialNotFound(NotFound):
    code = "credential_not_found"


class NoTokens(HTTPError):
    """The real service's answer for an account that never granted access (observed)."""

    status = 500
    code = "no_tokens"
    message = "Account has no tokens"


class ContractViolation(HTTPError):
    """The mock produced output its own contract rejects: a bug in the contract or generator."""

    status = 500
    code = "contract_violation"


class ScenarioError(HTTPError):
    """An error answered on purpose by a scenario rule."""

    code = "scenario"

    def __init__(
        self,
        message: str,
        *,
        status: int,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, status=status)
        self._headers = headers or {}
        self._body = body

    def body(self) -> dict[str, Any]:
        return self._body if self._body is not None else {"error": self.message}

    def headers(self) -> dict[str, str]:
        return self._headers


class ScenarioAnswer(ScenarioError):
    """A scenario rule (or a ``Prefer`` header) answered a call with an error on purpose.

    ``scenario`` names the rule, so that the journal can show which scenario answered.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        scenario: str,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, status=status, headers=headers, body=body)
        self.scenario = scenario


class CredentialExpired(HTTPError):
    """The account's credential expired and cannot be refreshed: it must connect again.

    The message is the one real clients see for a rejected token (observed); that it stays
    until the account authorises again is inferred.
    """

    status = 500
    code = "credential_expired"
    message = "Connector token is unauthorized"


class ResourceNotFound(HTTPError):
    """The id names nothing in the account's collection (status and text per contract)."""

    status = 404
    code = "resource_not_found"
    message = "Requested entity was not found."


class ProviderFailure(HTTPError):
    """The provider refused the call (Interactor relays it as a 500 with the provider's text)."""

    status = 500
    code = "provider_failure"


class InvalidScenario(BadRequest):
    """A scenario rule that cannot be applied; the message names the field."""

    code = "invalid_scenario"


class UnknownScenario(NotFound):
    code = "unknown_scenario"


class InvalidSeed(BadRequest):
    """A seed document that cannot be loaded; the message names the place in it."""

    code = "invalid_seed"


class UnknownCollection(NotFound):
    """No contract declares the resource collection."""

    code = "unknown_collection"
