"""What the blueprints share: the engine accessor, the request's note, parameters, JSON.

As in Flask's tutorial (``get_db()``), one accessor gives the engine serving the request
(:func:`engine`), and one typed note per request (:func:`note`, kept in ``g``) collects what
the journal records about it: the views write it, the API blueprint's ``after_request``
reads it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask import Response
from flask import current_app
from flask import g
from flask import request

from interactor_mock.core.engine import Engine
from interactor_mock.core.environments import Environment
from interactor_mock.core.jsontext import loads
from interactor_mock.errors import BadRequest
from interactor_mock.errors import PayloadTooLarge
from interactor_mock.errors import RequestTimeout

EXTENSION = "interactor_mock"
#: The WSGI environ key through which a request names the engine that serves it (set by
#: :func:`interactor_mock.http.app.serve`, for apps shared between engines).
ENVIRON_KEY = "interactor_mock.engine"
ACCOUNT_PARAMETERS = ("account", "accountId", "userId")
MISSING_ACCOUNT = (
    "Missing account: pass the end user as query parameter 'account' (or 'accountId', 'userId')"
)


#: What ``str.isspace`` calls white space, as a regex class that every engine reads alike
#: (Python, ECMA and Rust regexes each have their own ``\\s``).
WHITE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: A JSON Schema ``pattern`` (searched, not anchored): a string with something else than
#: white space in it, i.e. one whose ``strip()`` is not empty.
NON_BLANK = f"[^{WHITE_SPACE}]"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def boolean_pattern() -> str:
    """The JSON Schema ``pattern`` of what :func:`boolean_parameter` accepts: a word of
    ``_TRUE`` or ``_FALSE`` in any case, with white space around it."""

    def any_case(word: str) -> str:
        return "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in word)

    words = "|".join(any_case(w) for w in (*_TRUE, *_FALSE) if w)
    return f"^[{WHITE_SPACE}]*(?:{words})?[{WHITE_SPACE}]*$"


def engine() -> Engine:
    """The engine serving the current request: the one its WSGI environ names, else the
    app's own."""
    found: Engine | None = request.environ.get(ENVIRON_KEY)
    if found is None:
        found = current_app.extensions[EXTENSION]
    return found


_encode_json = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def json_response(data: Any, status: int = 200) -> Response:
    """``data`` as a JSON response, encoded as ``jsonify`` does outside debug mode, minus the
    app-context lookups ``jsonify`` makes on every call."""
    return Response(_encode_json(data) + "\n", status=status, mimetype="application/json")


@dataclass
class RequestNote:
    """What the journal records about one API request, filled in as the request is served."""

    started: float = field(default_factory=time.perf_counter)
    environment: Environment | None = None
    connector: str | None = None
    action: str | None = None
    account: str | None = None
    input: dict[str, Any] | None = None
    error: str | None = None
    scenario: str | None = None
    source: str | None = None
    unknown_fields: tuple[str, ...] = ()
    #: The request's store batch (see ``http.api``), closed when the answer is made.
    batch: ExitStack = field(default_factory=ExitStack)
    output: Any = None
    """The JSON body answered (execute's; an error's is read back from the response)."""


def note() -> RequestNote:
    """The current request's note (made on first use)."""
    if "note" not in g:
        g.note = RequestNote()
    found: RequestNote = g.note
    return found


def public_url(mock: Engine | None = None) -> str:
    """The origin clients reach the mock at (the configured one, else the request's)."""
    configured = (mock or engine()).config.public_url
    if configured:
        return configured.rstrip("/")
    return str(request.host_url).rstrip("/")


def account_parameter(args: Mapping[str, str] | None = None) -> str:
    """The end user named by the query (``account``, ``accountId`` or ``userId``).

    Raises:
        BadRequest: none given, or an empty one.
    """
    if args is None:
        args = request.args
    for name in ACCOUNT_PARAMETERS:
        value = args.get(name)
        if value is not None:
            if not value.strip():
                raise BadRequest(f"Query parameter {name!r} must not be empty", parameter=name)
            return value
    raise BadRequest(MISSING_ACCOUNT, parameter="account")


def request_body() -> bytes:
    """The request's body, read up to the engine's limit however it is sent (with a
    ``Content-Length`` or chunked): at most ``limit + 1`` bytes are read.

    Raises:
        PayloadTooLarge: the body is longer than ``max_body_bytes``.
    """
    if "body" in g:
        cached: bytes = g.body
        return cached
    limit = engine().config.max_body_bytes
    too_large = PayloadTooLarge(f"Request body is larger than {limit} bytes", limit=limit)
    length = request.content_length
    if length is not None and length > limit:
        raise too_large
    stream = request.environ["wsgi.input"]
    if length is None and "wsgi.input_terminated" not in request.environ:
        data = b""  # no length and an unterminated stream: nothing can be read safely
    else:
        try:
            data = stream.read(limit + 1 if length is None else length)
        except TimeoutError:  # the server's read timeout: a stalled (slowloris) body
            raise RequestTimeout() from None
    if len(data) > limit:
        raise too_large
    g.body = data
    return data


def json_object() -> dict[str, Any]:
    """The JSON object body of a control-API request (an empty body is ``{}``).

    Raises:
        BadRequest: the body is not strict JSON, or not an object.
        PayloadTooLarge: the body is over the limit.
    """
    raw = request_body()
    data = loads(raw) if raw.strip() else {}
    if not isinstance(data, dict):
        raise BadRequest("Request body must be a JSON object")
    return data


def boolean_parameter(name: str, args: Mapping[str, str] | None = None) -> bool:
    value = (request.args if args is None else args).get(name, "false").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadRequest(f"Query parameter {name!r} must be true or false", parameter=name)
