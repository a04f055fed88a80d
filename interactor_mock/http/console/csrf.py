"""CSRF protection for the console's forms: a per-browser-session token, double-submitted.

The token lives in a session cookie (``HttpOnly``, ``SameSite=Strict``) and in a hidden field
of every form; a POST is refused (403) unless both are present and equal, and unless its
``Origin`` and ``Sec-Fetch-Site`` (when the browser sends them) say it comes from this
server. A cookie rather than a signed Flask session keeps the check stateless, so it holds
across the worker processes of ``serve --workers`` without a shared secret.
"""

from __future__ import annotations

import hmac
import re
import secrets
from urllib.parse import urlsplit

from flask import Response
from flask import g
from flask import request

from interactor_mock.errors import HTTPError

__all__ = ["COOKIE", "FIELD", "CsrfRefused", "check", "set_cookie", "token"]

COOKIE = "interactor_mock_console_csrf"
FIELD = "csrf_token"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class CsrfRefused(HTTPError):
    """A console form was posted without this browser session's token."""

    status = 403
    code = "csrf_refused"
    message = (
        "This form was not sent by this console page (CSRF token missing or wrong): "
        "reload the page and submit it again"
    )


def token() -> str:
    """This browser session's token (made, and set as a cookie, on first use)."""
    if "console_csrf" not in g:
        found = request.cookies.get(COOKIE, "")
        g.console_csrf = found if _SHAPE.match(found) else secrets.token_urlsafe(32)
    value: str = g.console_csrf
    return value


def set_cookie(response: Response) -> Response:
    """Send the token's cookie when this request made a new one."""
    if "console_csrf" in g and request.cookies.get(COOKIE) != g.console_csrf:
        response.set_cookie(COOKIE, g.console_csrf, httponly=True, samesite="Strict", path="/")
    return response


def check() -> None:
    """Refuse a state-changing request that does not carry this session's token.

    Raises:
        CsrfRefused: the cookie or the field is missing, they differ, or the ``Origin`` or
            ``Sec-Fetch-Site`` name another site.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("Sec-Fetch-Site", "same-origin").lower() not in ("same-origin", "none"):
        raise CsrfRefused()
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        parts = urlsplit(origin)
        if parts.netloc != request.host:
            raise CsrfRefused()
    cookie = request.cookies.get(COOKIE, "")
    sent = request.form.get(FIELD, "")
    if not (_SHAPE.match(cookie) and hmac.compare_digest(cookie, sent)):
        raise CsrfRefused()
