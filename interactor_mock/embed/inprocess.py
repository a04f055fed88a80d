"""In-process mode: ``requests`` and ``httpx`` calls to the base URL go into the app.

No socket is opened: ``responses`` replaces ``requests``' transport and ``respx`` replaces
``httpx``'s (sync and async clients alike), and one callback hands each request to the Flask
app as a WSGI call. The same app (and so the same behaviour) runs behind the thread server and
the standalone server. ``respx`` is optional (the ``httpx`` extra): without it, ``httpx``
clients are left alone.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from collections.abc import Iterable
from contextlib import ContextDecorator
from io import BytesIO
from types import TracebackType
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlsplit

from flask import Flask
from requests import PreparedRequest
from responses import CallbackResponse
from responses import RequestsMock
from werkzeug.test import Client
from werkzeug.test import EnvironBuilder

from interactor_mock.config import DEFAULT_BASE_URL
from interactor_mock.config import MockConfig
from interactor_mock.core.engine import Engine
from interactor_mock.embed.handle import InteractorMock
from interactor_mock.embed.handle import ServerSideError
from interactor_mock.errors import StateError
from interactor_mock.errors import UsageError
from interactor_mock.http.app import create_app
from interactor_mock.http.context import EXTENSION

__all__ = ["InProcessMock", "mock", "normalize_base_url"]

API_ROOT = "/api/v1"
#: Paths served at the origin of the base URL, whatever the base URL's own path.
ORIGIN_PATHS = ("/oauth", "/_mock")
_SKIPPED_HEADERS = frozenset({"content-length", "host", "transfer-encoding"})
#: Keys of the environ set per request (the rest depends only on the origin).
_PER_REQUEST_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "PATH_INFO",
        "QUERY_STRING",
        "REQUEST_URI",
        "RAW_URI",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "wsgi.input",
        "wsgi.errors",
    }
)


def normalize_base_url(base_url: str) -> str:
    """``base_url`` with a lower-case scheme and host and no trailing slash (as ``requests``
    sends URLs).

    Raises:
        ValueError: not an absolute http(s) URL, or one with a query or fragment.
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UsageError(f"base_url must be an absolute http or https URL, not {base_url!r}")
    if parts.query or parts.fragment:
        raise UsageError(f"base_url must not have a query or fragment: {base_url!r}")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


class _AppRoute(CallbackResponse):
    """One ``responses`` entry for every method on the mock's URLs, answered by the app.

    Each request is one direct WSGI call (PEP 3333) with an environ built by hand: the same
    environ, key for key, as werkzeug's test ``Client`` builds (its static part is made by
    werkzeug's ``EnvironBuilder`` itself, once per origin), at a fraction of the cost. The
    rare requests the hand-built environ does not cover (header names or values that are not
    strings, an empty multipart body) still go through the test ``Client``.
    """

    def __init__(self, app: Flask, base_url: str) -> None:
        self._origin, self._base_path, pattern = _route_pattern(base_url)
        super().__init__("*", pattern, self._answer, content_type=None)
        self._app = app
        self._environ_base = _environ_base(self._origin)
        self._client: Client | None = None
        self.pattern = pattern

    def matches(self, request: PreparedRequest) -> tuple[bool, str]:
        assert isinstance(self.url, re.Pattern)
        if self.url.match(str(request.url)):
            return True, ""
        return False, "URL is not served by interactor-mock"

    def _app_path(self, path: str) -> str:
        for prefix in ORIGIN_PATHS:
            if path == prefix or path.startswith(prefix + "/"):
                return path
        return API_ROOT + path[len(self._base_path) :]

    def _answer(self, request: PreparedRequest) -> tuple[int, list[tuple[str, str]], bytes]:
        return self.call(
            request.method or "GET",
            str(request.url),
            request.headers.items(),
            _body_bytes(request.body),
        )

    def call(
        self, method: str, url: str, headers: Iterable[tuple[Any, Any]], data: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Answer one request (of any client) with the app: status, headers and body."""
        parts = urlsplit(url)
        path = self._app_path(parts.path)
        headers = [(k, v) for k, v in headers if str(k).lower() not in _SKIPPED_HEADERS]
        environ = self._environ(method, path, parts.query, headers, data)
        if environ is None:
            return self._answer_with_client(method, path, parts.query, headers, data)
        return _call_wsgi(self._app, environ)

    def _environ(
        self, method: str, path: str, query: str, headers: list[tuple[Any, Any]], data: bytes
    ) -> dict[str, Any] | None:
        """The environ werkzeug's ``EnvironBuilder`` makes of these arguments, or ``None``
        when this request needs the builder itself."""
        environ = self._environ_base.copy()
        environ["REQUEST_METHOD"] = method
        # What the builder does: PATH_INFO is the unquoted path, REQUEST_URI the path as
        # given, each through the "WSGI encoding dance" (UTF-8 bytes read as latin-1).
        environ["PATH_INFO"] = unquote(path).encode().decode("latin1")
        environ["QUERY_STRING"] = query.encode().decode("latin1")
        environ["REQUEST_URI"] = environ["RAW_URI"] = path.encode().decode("latin1")
        environ["wsgi.errors"] = sys.stderr
        content_type: str | None = None
        combined: dict[str, str] = {}
        for key, value in headers:
            if not isinstance(key, str) or not isinstance(value, str):
                return None
            lower = key.lower()
            if lower == "content-type":
                if content_type is None:
                    content_type = value
                continue
            if lower == "content-length":
                continue
            name = "HTTP_" + key.upper().replace("-", "_")
            combined[name] = f"{combined[name]}, {value}" if name in combined else value
        if data:
            environ["CONTENT_LENGTH"] = str(len(data))
        elif content_type is not None:
            mimetype = content_type.partition(";")[0].strip()
            if mimetype == "multipart/form-data":
                return None  # the builder writes an (empty) multipart body of its own
            if mimetype == "application/x-www-form-urlencoded":
                environ["CONTENT_LENGTH"] = "0"
        environ["wsgi.input"] = BytesIO(data)
        if content_type is not None:
            environ["CONTENT_TYPE"] = content_type
        environ.update(combined)
        return environ

    def _answer_with_client(
        self, method: str, path: str, query: str, headers: list[tuple[Any, Any]], data: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        if self._client is None:
            self._client = Client(self._app, use_cookies=False)
        response = self._client.open(
            path,
            base_url=self._origin,
            method=method,
            query_string=query,
            headers=headers,
            data=data,
        )
        try:
            return response.status_code, list(response.headers.items()), response.get_data()
        finally:
            response.close()

    def __repr__(self) -> str:
        return f"<interactor-mock route {self._origin}{self._base_path}>"


@functools.lru_cache(maxsize=64)
def _route_pattern(base_url: str) -> tuple[str, str, re.Pattern[str]]:
    """The origin and path of ``base_url``, and the pattern of the URLs the mock serves."""
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    origin_paths = "|".join(re.escape(p) for p in ORIGIN_PATHS)
    pattern = re.compile(
        rf"^(?:{re.escape(base_url)}|{re.escape(origin)}(?:{origin_paths}))(?=[/?#]|$)",
        re.IGNORECASE,
    )
    return origin, parts.path, pattern


@functools.lru_cache(maxsize=64)
def _static_environ(origin: str) -> tuple[tuple[str, Any], ...]:
    builder = EnvironBuilder("/", base_url=origin)
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    return tuple((k, v) for k, v in environ.items() if k not in _PER_REQUEST_KEYS)


def _environ_base(origin: str) -> dict[str, Any]:
    """The keys of the environ that depend only on the origin (host, port, scheme, ...)."""
    return dict(_static_environ(origin))


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    # an iterable of chunks (a generator body)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else c for c in body)


def _call_wsgi(app: Flask, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Call ``app`` once (PEP 3333): its status code, headers and whole body."""
    started: list[Any] = []
    written: list[bytes] = []

    def start_response(
        status: str, response_headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], object]:
        if exc_info:
            try:
                raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        started[:] = (status, response_headers)
        return written.append

    result = app(environ, start_response)
    chunks: list[bytes] = []
    try:
        for chunk in result:
            if written:
                chunks.extend(written)
                written.clear()
            chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    chunks.extend(written)
    status, response_headers = started
    headers = [(str(k), str(v)) for k, v in response_headers]
    return _status_code(status), headers, b"".join(chunks)


def _status_code(status: str) -> int:
    """The code of a WSGI status line, read as werkzeug reads it (0 when there is none)."""
    try:
        return int(status.strip().partition(" ")[0])
    except ValueError:
        return 0


def _start_httpx(route: _AppRoute, passthrough: tuple[str | re.Pattern[str], ...]) -> Any:
    """Route ``httpx`` calls (sync and async) for the mock's URLs into the app, through a
    started ``respx`` router; ``None`` when respx is not installed."""
    try:
        import httpx
        import respx
    except ImportError:
        return None

    def answer(request: httpx.Request) -> httpx.Response:
        status, headers, body = route.call(
            request.method, str(request.url), request.headers.multi_items(), request.read()
        )
        # The body is whole and decoded already: no transfer or content coding to undo.
        kept = [(k, v) for k, v in headers if k.lower() not in ("content-encoding",)]
        return httpx.Response(status, headers=kept, content=body)

    router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
    for prefix in passthrough:
        if isinstance(prefix, re.Pattern):
            router.route(url__regex=prefix).pass_through()
        else:
            router.route(url__startswith=prefix).pass_through()
    router.route(url__regex=route.pattern).mock(side_effect=answer)
    router.start()
    return router


class InProcessMock(ContextDecorator):
    """Route ``requests`` and ``httpx`` calls for ``base_url`` into a mock app; see
    :func:`mock`."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        app: Flask | None = None,
        config: MockConfig | None = None,
        passthrough: Iterable[str | re.Pattern[str]] = (),
        assert_all_requests_are_fired: bool = False,
        name: str = "mock",
        seed: int | None = None,
    ) -> None:
        if app is not None and config is not None:
            raise UsageError("pass app or config, not both")
        self.base_url = normalize_base_url(base_url)
        self._app = app
        self._config = config
        self.passthrough = tuple(passthrough)
        self.assert_all_requests_are_fired = assert_all_requests_are_fired
        self.name = name
        self.seed = seed
        self._responses: RequestsMock | None = None
        self._httpx: Any = None  # a started respx router, when respx is installed
        self._route: _AppRoute | None = None
        self._handle: InteractorMock | None = None
        self._owned = False

    @property
    def app(self) -> Flask:
        """The app answering the calls (built once from ``config`` when none was given)."""
        if self._app is None:
            self._app = create_app(self._config)
        return self._app

    @property
    def handle(self) -> InteractorMock:
        """The handle of the active environment (use it from a decorated function).

        Raises:
            RuntimeError: the mock is not active.
        """
        if self._handle is None:
            raise StateError("interactor_mock.mock() is not active: use it in a with block")
        return self._handle

    def start(self, environment: str | None = None) -> InteractorMock:
        """Start routing calls, on a fresh environment (or the existing ``environment`` id).

        Raises:
            RuntimeError: already started.
        """
        if self._responses is not None:
            raise StateError("this interactor_mock.mock() is already active")
        app = self.app
        engine: Engine = app.extensions[EXTENSION]
        owned = environment is None
        if environment is None:
            environment = engine.environments.create(self.name, seed=self.seed).id
        else:
            engine.environments.get(environment)
        responses = RequestsMock(
            assert_all_requests_are_fired=self.assert_all_requests_are_fired,
            passthru_prefixes=self.passthrough,  # type: ignore[arg-type]
        )
        self._route = _AppRoute(app, self.base_url)
        responses.add(self._route)
        responses.start()
        self._responses = responses
        self._httpx = _start_httpx(self._route, self.passthrough)
        self._owned = owned
        self._handle = InteractorMock(
            app, environment, base_url=self.base_url, mode="inprocess", responses=responses
        )
        return self._handle

    def stop(self, *, check: bool = True) -> None:
        """Stop routing, delete the environment this mock created, and check for errors.

        Arguments:
            check: raise what went wrong: errors inside the mock, and (when asked for with
                ``assert_all_requests_are_fired``) stubs added to :attr:`InteractorMock.responses`
                that were never called.

        Raises:
            ServerSideError: errors inside the mock during the block, with tracebacks.
            AssertionError: from ``responses``, for stubs that were never called.
        """
        responses, handle = self._responses, self._handle
        if responses is None or handle is None:
            return
        self._responses = self._handle = None
        router, self._httpx = self._httpx, None
        errors: list[dict[str, Any]] = []
        try:
            if router is not None:
                router.stop(quiet=True)
            if self._route is not None:
                # The mock's own route is not a stub the user expects to be fired.
                responses.remove(self._route)
            try:
                responses.stop(allow_assert=check)
            finally:
                responses.reset()
            errors = handle.server_errors()
        finally:
            if self._owned:
                handle.delete()
        if check and errors:
            raise ServerSideError(errors, environment=handle.environment)

    def __enter__(self) -> InteractorMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop(check=exc_type is None)

    def __repr__(self) -> str:
        state = "active" if self._handle is not None else "inactive"
        return f"<InProcessMock {self.base_url} {state}>"


def mock(
    base_url: str = DEFAULT_BASE_URL,
    *,
    app: Flask | None = None,
    config: MockConfig | None = None,
    passthrough: Iterable[str | re.Pattern[str]] = (),
    assert_all_requests_are_fired: bool = False,
    seed: int | None = None,
) -> InProcessMock:
    """Answer ``requests`` and ``httpx`` calls to the Interactor API from a mock, in this
    process (``httpx`` through ``respx``, the ``httpx`` extra).

    As a context manager it yields an :class:`~interactor_mock.embed.handle.InteractorMock` on a
    fresh environment (deleted on exit)::

        with interactor_mock.mock() as m:
            m.grant("gmail", "alice")
            requests.post(f"{m.base_url}/connector/interactor/gmail/action/email.list/execute",
                          params={"account": "alice"}, headers=m.headers, json={})
            m.assert_called("gmail", "email.list", account="alice")

    As a decorator (``@interactor_mock.mock()``) it wraps each call in the same block, like
    ``@responses.activate``; the decorated function gets no extra argument and reaches the
    handle as ``<the mock object>.handle``.

    Calls to ``base_url`` and to the ``/oauth/`` and ``/_mock/`` pages of its origin go to the
    app; calls to ``passthrough`` prefixes (strings or compiled patterns) go to the network;
    any other call raises ``requests.ConnectionError``, as ``responses`` does (for ``httpx``,
    respx's ``AllMockedAssertionError``). Stubs for
    other services go on ``handle.responses`` (``responses.add(...)``); do not start a second
    ``responses`` mock inside the block, as it would hide this one.

    Arguments:
        base_url: the API root the client under test uses.
        app: the app to answer with (several mocks may share one; each has its own
            environment); a new one from ``config`` when omitted.
        config: settings of the new app.
        passthrough: URL prefixes that really go to the network.
        assert_all_requests_are_fired: fail on exit if a stub added to ``handle.responses``
            was never called.
        seed: the environment's seed for generated data (the app's default when omitted).

    Raises:
        ServerSideError: on exit, if anything went wrong inside the mock during the block.
        ValueError: a malformed ``base_url``, or both ``app`` and ``config``.
    """
    return InProcessMock(
        base_url,
        app=app,
        config=config,
        passthrough=passthrough,
        assert_all_requests_are_fired=assert_all_requests_are_fired,
        seed=seed,
    )
