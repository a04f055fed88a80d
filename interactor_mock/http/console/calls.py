"""Calls the console makes to the mock's own API, as a client would, and their cURL form.

A call runs through the app's WSGI interface, so it is authenticated, validated, answered and
journaled exactly like a call from outside. It runs in an empty :mod:`contextvars` context:
Flask keeps its request and app contexts in context variables, and the console's own request
must not leak into (or be replaced by) the API request's.
"""

from __future__ import annotations

import contextvars
import json
import shlex
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import current_app
from flask import request
from werkzeug.test import EnvironBuilder
from werkzeug.test import run_wsgi_app

from interactor_mock.http.context import ENVIRON_KEY
from interactor_mock.http.context import engine
from interactor_mock.http.context import public_url

__all__ = ["ApiAnswer", "ApiCall", "call_api"]


@dataclass(frozen=True)
class ApiCall:
    """One request to the real API surface, as the console sends it."""

    method: str
    path: str
    query: dict[str, str]
    api_key: str
    body: Any = None

    @property
    def url(self) -> str:
        query = f"?{urlencode(self.query)}" if self.query else ""
        return f"{public_url()}{self.path}{query}"

    def curl(self) -> str:
        """The exact command that sends this request (key included), for a POSIX shell."""
        words = ["curl", "-sS", "-X", self.method, self.url, "-H", f"x-api-key: {self.api_key}"]
        if self.body is not None:
            words += ["-H", "Content-Type: application/json", "--data-raw", self._encoded()]
        return " ".join(shlex.quote(word) for word in words)

    def _encoded(self) -> str:
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    data: Any

    @property
    def pretty(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False)


def call_api(call: ApiCall) -> ApiAnswer:
    """Send ``call`` through this app, as its own request; the answer's JSON (or text)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    headers = {"x-api-key": call.api_key}
    data = None
    if call.body is not None:
        headers["Content-Type"] = "application/json"
        data = call._encoded().encode("utf-8")
    builder = EnvironBuilder(
        path=call.path,
        base_url=request.host_url,
        method=call.method,
        query_string=call.query,
        headers=list(headers.items()),
        data=data,
        environ_base={
            ENVIRON_KEY: engine(),
            "REMOTE_ADDR": request.remote_addr or "127.0.0.1",
        },
    )
    environ = builder.get_environ()
    body, status, _ = contextvars.Context().run(run_wsgi_app, app, environ, True)
    text = b"".join(body).decode("utf-8", "replace")
    try:
        parsed: Any = json.loads(text)
    except json.JSONDecodeError:
        parsed = text
    return ApiAnswer(status=int(status.split(" ", 1)[0]), data=parsed)
