"""What keeps the mock's own surface to its user: Host names, cross-site requests, the admin
token, CSRF tokens and the security headers of HTML pages.

The API (``/api/v1``) and the OAuth pages (``/oauth``) answer under any Host, because clients
reach them as ``console.interactor.com`` (in-process, or through an HTTP proxy with
absolute-form targets). Everything else (the control API ``/_mock`` and the console pages)
is guarded by :class:`Guard`, a WSGI middleware the socket servers put in front of the app:

* a ``Host`` that is not served here gets 421 (a DNS-rebinding page cannot read
  ``/_mock/environments``);
* with an admin token, every ``/_mock`` request needs ``Authorization: Bearer TOKEN``.

Inside the app, blueprints call :func:`refuse_cross_site` before a state-changing request
(a cross-site page cannot ``POST /_mock/reset``), and every HTML response gets
:func:`add_page_headers` (CSP with a per-request nonce, no framing, no sniffing, no referrer).
Pages that post forms embed :func:`csrf_token` and check it with :func:`check_csrf_token`.

The small API, for the console's pages:

=================================  ======================================================
``Guard(app, allowed_hosts=...)``  WSGI middleware: Host check and admin token
``allowed_hosts(bind, extra)``     loopback names, the bound host and extra names
``host_allowed(host, allowed)``    one ``Host`` header against a set of names
``refuse_cross_site()``            in a ``before_request``: 403 or 415 for a cross-site
                                   state-changing request
``csp_nonce()``                    the request's nonce (a Jinja global too), for
                                   ``<style nonce=...>`` / ``<script nonce=...>``
``add_page_headers(response)``     the security headers (the app does it for text/html)
``csrf_token(subject)``            a token bound to ``subject`` (a state, a session id)
``check_csrf_token(subject, t)``   raises :class:`~interactor_mock.errors.Forbidden`
=================================  ======================================================
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from flask import Response
from flask import g
from flask import request

from interactor_mock.errors import Forbidden
from interactor_mock.errors import UnsupportedMediaType
from interactor_mock.http.context import engine
from interactor_mock.store import GLOBAL

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

__all__ = [
    "CSRF_FIELD",
    "LOOPBACK_HOSTS",
    "OPEN_PREFIXES",
    "Guard",
    "add_page_headers",
    "allowed_hosts",
    "check_csrf_token",
    "csp_nonce",
    "csrf_token",
    "host_allowed",
    "host_name",
    "refuse_cross_site",
]

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: Paths that answer under any Host: the real API's surface, as clients name it.
OPEN_PREFIXES = ("/api/", "/oauth/")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAME_SITE_FETCH = frozenset({"same-origin", "none"})
CSRF_FIELD = "csrf_token"
_SECRET_KIND = "secret"
_CSRF_KEY = "csrf"


def host_name(host: str) -> str:
    """The name in a ``Host`` header (``[::1]:8080`` -> ``::1``), lower-case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        return host.partition(":")[0]
    return host.rstrip(".")


def allowed_hosts(bind: str | None = None, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host names a server on ``bind`` answers its control API under: the loopback
    names, ``bind`` itself (unless it is a wildcard address) and ``extra``."""
    names = set(LOOPBACK_HOSTS)
    if bind and bind not in ("0.0.0.0", "::", ""):
        names.add(host_name(bind))
    names.update(host_name(name) for name in extra)
    return frozenset(names)


def host_allowed(host: str | None, allowed: Iterable[str]) -> bool:
    """Whether a ``Host`` header names one of ``allowed`` (``*.localhost`` is loopback)."""
    if not host:
        return False
    name = host_name(host)
    names = allowed if isinstance(allowed, (set, frozenset)) else set(allowed)
    return name in names or (name.endswith(".localhost") and "localhost" in names)


def _json_error(
    start_response: StartResponse, status: str, message: str, extra: dict[str, str] | None = None
) -> list[bytes]:
    body = (json.dumps({"error": message}) + "\n").encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        *(extra or {}).items(),
    ]
    start_response(status, headers)
    return [body]


#: The console's session with an admin token: an HttpOnly, SameSite=Strict cookie holding a
#: digest of the token (never the token itself), set by the login form below.
ADMIN_COOKIE = "interactor_mock_admin"
LOGIN_PATH = "/_console/login"
CONSOLE_STATIC = "/_console/static/"
_LOGIN_LIMIT = 4096
_PAGE_HEADERS = (
    ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)
_LOGIN_PAGE = (
    "<!doctype html><html lang=en><head><meta charset=utf-8>"
    '<meta name=viewport content="width=device-width, initial-scale=1">'
    "<title>interactor-mock console: admin token</title></head><body>"
    "<h1>interactor-mock console</h1>"
    "<p>This server was started with <code>--admin-token</code>: enter it to open the console.</p>"
    '<form method=post action="/_console/login"><label>Admin token '
    "<input type=password name=token autocomplete=off required></label> "
    "<button type=submit>Open the console</button></form>{note}</body></html>"
)


def admin_cookie_value(token: str) -> str:
    """What the console's admin cookie holds for ``token`` (a digest, not the token)."""
    return hashlib.sha256(b"interactor-mock console admin:" + token.encode()).hexdigest()


def _cookie(environ: WSGIEnvironment, name: str) -> str | None:
    header: str = environ.get("HTTP_COOKIE", "")
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _page(
    start_response: StartResponse, status: str, html: str, extra: Iterable[tuple[str, str]] = ()
) -> list[bytes]:
    body = html.encode()
    start_response(
        status,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            *_PAGE_HEADERS,
            *extra,
        ],
    )
    return [body]


class Guard:
    """WSGI middleware in front of a mock app on a socket: paths outside
    :data:`OPEN_PREFIXES` answer only under ``allowed`` Host names (421 otherwise), and with
    ``admin_token`` every ``/_mock`` request needs ``Authorization: Bearer <token>`` and every
    console page the token too (the same header, or the cookie the console's login form sets).

    Arguments:
        app: the WSGI app (a Flask app, an ``EngineApp``).
        allowed: Host names (see :func:`allowed_hosts`).
        admin_token: the token the control API requires, or ``None``.
        open_prefixes: paths that answer under any Host.
    """

    def __init__(
        self,
        app: WSGIApplication,
        *,
        allowed: Iterable[str],
        admin_token: str | None = None,
        open_prefixes: tuple[str, ...] = OPEN_PREFIXES,
    ) -> None:
        self.app = app
        self.allowed = frozenset(host_name(name) for name in allowed)
        self.admin_token = admin_token
        self.open_prefixes = open_prefixes

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)  # the wrapped app's attributes (engine, flask)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path.startswith(self.open_prefixes):
            return self.app(environ, start_response)
        host = environ.get("HTTP_HOST")
        if not host_allowed(host, self.allowed):
            return _json_error(
                start_response,
                "421 Misdirected Request",
                f"Host {host_name(host or '')!r} is not served here: the control API answers "
                "only loopback names, the --host name and --allow-host names",
            )
        if self.admin_token is not None and path.startswith("/_mock"):
            given = environ.get("HTTP_AUTHORIZATION", "")
            scheme, _, token = given.partition(" ")
            if scheme.lower() != "bearer" or not token:
                return _json_error(
                    start_response,
                    "401 Unauthorized",
                    "The control API needs Authorization: Bearer <admin token>",
                    {"WWW-Authenticate": 'Bearer realm="interactor-mock"'},
                )
            if not hmac.compare_digest(token.strip().encode(), self.admin_token.encode()):
                return _json_error(start_response, "403 Forbidden", "Wrong admin token")
        elif self.admin_token is not None and not path.startswith(CONSOLE_STATIC):
            if path == LOGIN_PATH and environ.get("REQUEST_METHOD") == "POST":
                return self._login(environ, start_response)
            if not self._console_allowed(environ):
                return _page(start_response, "401 Unauthorized", _LOGIN_PAGE.format(note=""))
        return self.app(environ, start_response)

    def _console_allowed(self, environ: WSGIEnvironment) -> bool:
        assert self.admin_token is not None
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self.admin_token.encode()
        ):
            return True
        cookie = _cookie(environ, ADMIN_COOKIE) or ""
        return hmac.compare_digest(cookie.encode(), admin_cookie_value(self.admin_token).encode())

    def _login(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        """The console's login form: the right token sets the admin cookie."""
        assert self.admin_token is not None
        origin = environ.get("HTTP_ORIGIN")
        site = environ.get("HTTP_SEC_FETCH_SITE")
        host = environ.get("HTTP_HOST", "")
        if (origin and _origin_host(origin) != host.lower()) or site not in (
            None,
            "same-origin",
            "none",
        ):
            return _json_error(start_response, "403 Forbidden", "Cross-site login refused")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _LOGIN_LIMIT:
            return _json_error(
                start_response, "413 Request Entity Too Large", "Login form too large"
            )
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        token = parse_qs(raw.decode("latin-1")).get("token", [""])[0]
        if not hmac.compare_digest(token.encode(), self.admin_token.encode()):
            note = "<p role=alert>That is not this server's admin token.</p>"
            return _page(start_response, "403 Forbidden", _LOGIN_PAGE.format(note=note))
        cookie = (
            f"{ADMIN_COOKIE}={admin_cookie_value(self.admin_token)}; HttpOnly; SameSite=Strict; "
            "Path=/"
        )
        start_response(
            "303 See Other",
            [("Location", "/"), ("Set-Cookie", cookie), ("Content-Length", "0"), *_PAGE_HEADERS],
        )
        return [b""]


def _origin_host(origin: str) -> str | None:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.netloc.lower()


def refuse_cross_site() -> None:
    """Refuse a state-changing request a browser sent from another site (call it in a
    ``before_request``): ``Sec-Fetch-Site`` other than same-origin or none, or an ``Origin``
    that is not this server's, is 403; a body that is not ``application/json`` is 415 (no
    HTML form or ``text/plain`` fetch can send one without a CORS preflight).

    Raises:
        Forbidden, UnsupportedMediaType.
    """
    if request.method not in STATE_CHANGING:
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site.strip().lower() not in SAME_SITE_FETCH:
        raise Forbidden(
            f"Cross-site request refused (Sec-Fetch-Site: {fetch_site[:40]})", header="Origin"
        )
    origin = request.headers.get("Origin")
    if origin is not None and _origin_host(origin) != request.host.lower():
        raise Forbidden(f"Cross-site request refused (Origin: {origin[:100]})", header="Origin")
    has_body = (request.content_length or 0) > 0 or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    ).lower()
    if has_body and request.mimetype != "application/json":
        raise UnsupportedMediaType(header="Content-Type")


def csp_nonce() -> str:
    """The current request's CSP nonce (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


def add_page_headers(response: Response) -> Response:
    """The security headers of an HTML page: a strict CSP (inline style or script only
    with the request's nonce), no framing, no MIME sniffing, no referrer."""
    sources = "'self'"
    if "csp_nonce" in g:
        sources += f" 'nonce-{g.csp_nonce}'"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src {sources}; style-src {sources}; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _csrf_secret() -> bytes:
    """The engine's CSRF key, made once in its store (so every worker on a shared store
    checks the tokens of every other)."""
    store = engine().store
    found = store.get(GLOBAL, _SECRET_KIND, _CSRF_KEY)
    if isinstance(found, str):
        return found.encode()
    made = store.update(
        GLOBAL, _SECRET_KIND, _CSRF_KEY, lambda old: old or secrets.token_urlsafe(32)
    )
    return str(made).encode()


def csrf_token(subject: str) -> str:
    """A CSRF token bound to ``subject`` (for the consent form: the grant's state)."""
    digest = hmac.new(_csrf_secret(), subject.encode("utf-8", "replace"), hashlib.sha256)
    return digest.hexdigest()


def check_csrf_token(subject: str, token: str | None) -> None:
    """Raises :class:`~interactor_mock.errors.Forbidden` unless ``token`` is
    :func:`csrf_token` of ``subject``."""
    if not token or not hmac.compare_digest(token.encode(), csrf_token(subject).encode()):
        raise Forbidden("Missing or wrong CSRF token: reload the page", field=CSRF_FIELD)
