"""The Flask application factory: a thin HTTP layer over the engine."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any

from flask import Flask
from flask import Request
from flask import Response
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.exceptions import HTTPException

from interactor_mock.config import MockConfig
from interactor_mock.contracts import ContractRegistry
from interactor_mock.core.engine import Engine
from interactor_mock.core.oauth import GrantError
from interactor_mock.errors import ContractViolation
from interactor_mock.errors import HTTPError
from interactor_mock.http import api
from interactor_mock.http import oauth_pages
from interactor_mock.http import openapi
from interactor_mock.http import security
from interactor_mock.http.console import bp as console_bp
from interactor_mock.http.context import ENVIRON_KEY
from interactor_mock.http.context import EXTENSION
from interactor_mock.http.context import engine
from interactor_mock.http.context import note
from interactor_mock.http.control import core as control
from interactor_mock.http.control import state as control_state
from interactor_mock.store import Store

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["EngineApp", "create_app", "serve"]


def create_app(
    config: MockConfig | None = None,
    *,
    engine: Engine | None = None,
    registry: ContractRegistry | None = None,
    store: Store | None = None,
) -> Flask:
    """Build a mock app.

    Arguments:
        config: settings; defaults when omitted.
        engine: an existing engine to serve (several apps may share one).
        registry, store: passed to a new engine when ``engine`` is omitted.

    Raises:
        ContractError: a shipped or configured contract is defective.
    """
    engine = engine or Engine(config, registry=registry, store=store)
    return _build(Flask, engine)


def _build(flask_class: type[Flask], engine: Engine | None) -> Flask:
    app = flask_class(__name__, template_folder="templates", static_folder=None)
    app.url_map.redirect_defaults = False
    if engine is not None:
        app.config["MAX_CONTENT_LENGTH"] = engine.config.max_body_bytes
        app.extensions[EXTENSION] = engine
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(api.bp)
    app.register_blueprint(oauth_pages.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(control_state.bp)
    app.register_blueprint(console_bp)
    app.register_blueprint(openapi.bp)
    app.jinja_env.globals["csp_nonce"] = security.csp_nonce
    app.after_request(_page_headers)
    app.register_error_handler(HTTPError, _render_error)
    app.register_error_handler(HTTPException, _render_http_exception)
    app.register_error_handler(Exception, _render_unexpected)
    return app


class _EngineRequest(Request):
    """A request of the shared app: its body limit is that of the engine serving it."""

    @property
    def max_content_length(self) -> int | None:
        found = self.environ.get(ENVIRON_KEY)
        if self._max_content_length is None and found is not None:
            limit: int = found.config.max_body_bytes
            return limit
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


class _SharedFlask(Flask):
    request_class = _EngineRequest


_shared: Flask | None = None
_shared_lock = threading.Lock()


def _shared_app() -> Flask:
    """One app per process for :func:`serve`: its routes are compiled once, and each request
    finds its engine in the WSGI environ (no engine of its own)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = _build(_SharedFlask, None)
        return _shared


class EngineApp:
    """A WSGI app serving one engine through the process's shared Flask app: cheap to make
    (no routes to compile), and as isolated as :func:`create_app`'s, since all state is
    the engine's."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.flask = _shared_app()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ[ENVIRON_KEY] = self.engine
        return self.flask(environ, start_response)


def serve(engine: Engine) -> EngineApp:
    """A WSGI app for ``engine`` (what :class:`~interactor_mock.embed.server.MockServer` serves
    when it is given no app)."""
    return EngineApp(engine)


def _page_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        security.add_page_headers(response)
    return response


def _is_page() -> bool:
    return request.path.startswith("/oauth/")


def _render_error(error: HTTPError) -> tuple[Any, int, dict[str, str]]:
    if isinstance(error, ContractViolation):
        _keep_server_error(error, "contract-violation")
    if isinstance(error, GrantError) or _is_page():
        return render_template("error.html", message=error.message), error.status, {}
    note().error = error.message
    return jsonify(error.body()), error.status, error.headers()


def _render_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    message = {
        404: f"Not found: {request.method} {request.path}",
        405: f"Method {request.method} not allowed on {request.path}",
        413: "Request body is too large",
    }.get(status, error.description or error.name)
    if _is_page():
        response = Response(render_template("error.html", message=message), mimetype="text/html")
    else:
        note().error = message
        response = jsonify({"error": message})
    response.status_code = status
    allowed = getattr(error, "valid_methods", None)
    if status == 405 and allowed:  # RFC 9110: a 405 names the methods the resource supports
        response.headers["Allow"] = ", ".join(sorted(allowed))
    return response


def _render_unexpected(error: Exception) -> tuple[Any, int]:
    _keep_server_error(error, "exception")
    message = f"Internal error in interactor-mock: {type(error).__name__}: {error}"
    note().error = message
    return jsonify({"error": message}), 500


def _keep_server_error(error: Exception, kind: str) -> None:
    """Remember an error inside the mock for the environment that caused it (see the plugin)."""
    environment = note().environment
    if environment is None:
        return
    engine().journal.record_server_error(
        environment.id,
        {
            "kind": kind,
            "method": request.method,
            "path": request.path,
            "message": str(error),
            "traceback": "".join(traceback.format_exception(error)),
        },
    )
