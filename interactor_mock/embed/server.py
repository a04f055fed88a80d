"""``MockServer``: the mock on a real socket, in a daemon thread, for any HTTP client."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

from interactor_mock.config import MockConfig
from interactor_mock.core.engine import Engine
from interactor_mock.core.journal import REDACTED
from interactor_mock.core.journal import is_secret
from interactor_mock.errors import NotPicklable
from interactor_mock.errors import StateError
from interactor_mock.http.app import EngineApp
from interactor_mock.http.app import create_app
from interactor_mock.http.app import serve
from interactor_mock.http.security import Guard
from interactor_mock.http.security import allowed_hosts as served_hosts

#: Seconds a connection may sit idle (or stall mid-request) before the server closes it.
IDLE_TIMEOUT = 60.0

__all__ = ["ACCESS_LOGGER", "AccessLogHandler", "MockServer", "redact_log_text"]

ACCESS_LOGGER = "interactor_mock.access"
# name=value pairs (a query, or a request line quoted in an error): linear, no nesting.
_PAIR = re.compile(r"([A-Za-z0-9_.~\[\]-]+)=([^&\s\"'#;]*)")
_CONTROL = {i: f"\\x{i:02x}" for i in (*range(32), 127)}


def redact_log_text(text: str) -> str:
    """``text`` with the value of every secret-looking ``name=value`` pair (``code``,
    ``state``, ``x-api-key``, ``token``, ``client_secret``, ...) replaced, and control
    characters escaped (no forged log lines, no terminal escapes)."""

    def hide(match: re.Match[str]) -> str:
        return f"{match.group(1)}={REDACTED}" if is_secret(match.group(1)) else match.group(0)

    return _PAIR.sub(hide, text).translate(_CONTROL)


class AccessLogHandler(WSGIRequestHandler):
    """werkzeug's request handler, logging through :data:`ACCESS_LOGGER` with secrets
    redacted and without ANSI colours (the log is often a file or a CI log)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.log("info", '"%s" %s %s', getattr(self, "requestline", "-"), code, size)

    def log(self, type: str, message: str, *args: Any) -> None:
        text = redact_log_text(message % args if args else message)
        getattr(logging.getLogger(ACCESS_LOGGER), type)(
            "%s - - [%s] %s", self.address_string(), self.log_date_time_string(), text
        )


class _QuietRequestHandler(AccessLogHandler):
    """No access-log line per request (it would fill every failing test's captured log);
    errors are still logged, redacted."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class MockServer:
    """A threaded werkzeug server on ``host:port`` (127.0.0.1 and a free port by default).

    Use it as a context manager, or call :meth:`start` and :meth:`stop`. Requests are served
    on threads, so several clients (or one client and the test) can talk to it at once.

    Arguments:
        host, port: where to listen; port 0 picks a free one.
        app: a Flask app made by :func:`create_app`; when omitted, an engine is built from
            ``config`` and served by the process's shared app (:func:`serve`), and
            :attr:`app` is made for it on first use.
        config: settings for a new app.
        poll_interval: how often the serving loop checks for :meth:`stop` (seconds).
        allowed_hosts: Host names the control API answers under, besides the loopback
            names and ``host`` (``/api/v1`` and ``/oauth`` answer any).
        admin_token: when set, every ``/_mock`` request needs
            ``Authorization: Bearer <admin_token>``.
        idle_timeout: seconds a connection may be idle or stall before it is closed.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        app: Flask | None = None,
        config: MockConfig | None = None,
        poll_interval: float = 0.02,
        allowed_hosts: Iterable[str] = (),
        admin_token: str | None = None,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self.host = host
        self.port = port
        self._app = app
        self._served: EngineApp | None = None
        if app is None:
            self._served = serve(Engine(config))
        self.poll_interval = poll_interval
        self.allowed_hosts = served_hosts(host, allowed_hosts)
        self.admin_token = admin_token
        self.idle_timeout = idle_timeout
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def app(self) -> Flask:
        """The Flask app of this server's engine (made on first use when none was given)."""
        if self._app is None:
            assert self._served is not None
            self._app = create_app(engine=self._served.engine)
        return self._app

    @property
    def engine(self) -> Engine:
        if self._served is not None:
            return self._served.engine
        engine: Engine = self.app.extensions["interactor_mock"]
        return engine

    @property
    def url(self) -> str:
        """The server's origin, e.g. ``http://127.0.0.1:50123``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API root, the counterpart of ``https://console.interactor.com/api/v1``."""
        return self.url + "/api/v1"

    def url_for(self, path: str) -> str:
        """An absolute URL for a path on this server (``/_mock/health`` -> ``http://...``)."""
        return self.url + "/" + path.lstrip("/")

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> MockServer:
        """Bind, start serving in a daemon thread, and return once ready.

        Raises:
            RuntimeError: already running.
            OSError: the port cannot be bound.
        """
        if self.is_running():
            raise StateError("MockServer is already running")
        handler = type(
            "_TimedRequestHandler", (_QuietRequestHandler,), {"timeout": self.idle_timeout}
        )
        guarded = Guard(
            self._served or self.app, allowed=self.allowed_hosts, admin_token=self.admin_token
        )
        self._server = make_server(
            self.host, self.port, guarded, threaded=True, request_handler=handler
        )
        self.port = self._server.server_port
        self._ready.clear()
        self._thread = threading.Thread(
            target=self._serve, name=f"interactor-mock:{self.port}", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        return self

    def _serve(self) -> None:
        assert self._server is not None
        self._ready.set()
        self._server.serve_forever(poll_interval=self.poll_interval)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving and release the port (quick: one poll interval)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout)
        self._server = None
        self._thread = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.is_running() else "stopped"
        return f"<MockServer {self.url} {state}>"

    def __getstate__(self) -> dict[str, Any]:
        raise NotPicklable("MockServer cannot be pickled")
