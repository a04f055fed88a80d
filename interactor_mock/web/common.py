"""Helpers shared by the blueprints."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask import request

from interactor_mock.engine import Engine
from interactor_mock.errors import BadRequest

EXTENSION = "interactor_mock"
ACCOUNT_PARAMETERS = ("account", "accountId", "userId")
MISSING_ACCOUNT = (
    "Missing account: pass the end user as query parameter 'account' (or 'accountId', 'userId')"
)


def engine() -> Engine:
    found: Engine = current_app.extensions[EXTENSION]
    return found


def public_url() -> str:
    """The origin clients reach the mock at (the configured one, else the request's)."""
    configured = engine().config.public_url
    return (configured or request.host_url).rstrip("/")


def account_parameter() -> str:
    """The end user named by the query (``account``, ``accountId`` or ``userId``).

    Raises:
        BadRequest: none given, or an empty one.
    """
    for name in ACCOUNT_PARAMETERS:
        value = request.args.get(name)
        if value is not None:
            if not value.strip():
                raise BadRequest(f"Query parameter {name!r} must not be empty", parameter=name)
            return value
    raise BadRequest(MISSING_ACCOUNT, parameter="account")


def json_object() -> dict[str, Any]:
    """The JSON object body of a control-API request.

    Raises:
        BadRequest: the body is not a JSON object.
    """
    data = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(data, dict):
        raise BadRequest("Request body must be a JSON object")
    return data


def boolean_parameter(name: str) -> bool:
    value = request.args.get(name, "false").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise BadRequest(f"Query parameter {name!r} must be true or false", parameter=name)
