"""The Flask application factory: a thin HTTP layer over the engine."""

from __future__ import annotations

import traceback
from typing import Any

from flask import Flask
from flask import Response
from flask import g
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.exceptions import HTTPException

from interactor_mock.config import MockConfig
from interactor_mock.contracts import ContractRegistry
from interactor_mock.engine import Engine
from interactor_mock.errors import ContractViolation
from interactor_mock.errors import HTTPError
from interactor_mock.oauth import GrantError
from interactor_mock.store import Store
from interactor_mock.web import api
from interactor_mock.web import control
from interactor_mock.web import control_state
from interactor_mock.web import oauth_pages
from interactor_mock.web.common import EXTENSION

__all__ = ["create_app"]


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
    app = Flask(__name__, template_folder="web/templates")
    app.url_map.redirect_defaults = False
    app.config["MAX_CONTENT_LENGTH"] = engine.config.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = engine
    app.register_blueprint(api.bp)
    app.register_blueprint(oauth_pages.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(control_state.bp)
    app.register_error_handler(HTTPError, _render_error)
    app.register_error_handler(HTTPException, _render_http_exception)
    app.register_error_handler(Exception, _render_unexpected)
    return app


def _is_page() -> bool:
    return request.path.startswith("/oauth/")


def _render_error(error: HTTPError) -> tuple[Any, int, dict[str, str]]:
    if isinstance(error, ContractViolation):
        _keep_server_error(error, "contract-violation")
    if isinstance(error, GrantError) or _is_page():
        return render_template("error.html", message=error.message), error.status, {}
    g.error = error.message
    return jsonify(error.body()), error.status, error.headers()


def _render_http_exception(error: HTTPException) -> Response | tuple[Any, int]:
    status = error.code or 500
    message = {
        404: f"Not found: {request.method} {request.path}",
        405: f"Method {request.method} not allowed on {request.path}",
        413: "Request body is too large",
    }.get(status, error.description or error.name)
    if _is_page():
        return render_template("error.html", message=message), status
    g.error = message
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _render_unexpected(error: Exception) -> tuple[Any, int]:
    _keep_server_error(error, "exception")
    message = f"Internal error in interactor-mock: {type(error).__name__}: {error}"
    g.error = message
    return jsonify({"error": message}), 500


def _keep_server_error(error: Exception, kind: str) -> None:
    """Remember an error inside the mock for the environment that caused it (see the plugin)."""
    from interactor_mock.web.common import engine

    environment = g.get("environment")
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
