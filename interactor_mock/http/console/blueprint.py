"""The console's blueprint: its hooks (CSRF, security headers, HTML errors) and what every
page shares (the environment picked, the navigation)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import render_template
from flask import request

from interactor_mock.core.environments import Environment
from interactor_mock.errors import HTTPError
from interactor_mock.http.console import csrf
from interactor_mock.http.context import engine

__all__ = ["SECURITY_HEADERS", "bp", "current_environment", "mask"]

bp = Blueprint(
    "console",
    __name__,
    static_folder="../static/console",
    static_url_path="/_console/static",
)

#: Sent with every console response: no other origin's scripts, styles or frames, and no
#: framing of the console itself.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
NAVIGATION = (
    ("console.environments", "Environments"),
    ("console.integrations", "App integrations"),
    ("console.tester_index", "Tester"),
    ("console.journal", "Journal"),
)


def current_environment() -> Environment:
    """The environment named by the ``env`` parameter (query or form), else Development.

    Raises:
        UnknownEnvironment: ``env`` names none.
    """
    env_id = request.values.get("env")
    if env_id:
        return engine().environments.get(env_id)
    return engine().default_environment


def mask(api_key: str) -> str:
    """A key as the console lists it: its prefix and last four letters."""
    return f"{api_key[:15]}{'•' * 8}{api_key[-4:]}"


@bp.before_request
def _check_csrf() -> None:
    csrf.check()


@bp.after_request
def _harden(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return csrf.set_cookie(response)


@bp.app_template_global("csrf_token")
def _csrf_token() -> str:
    return csrf.token()


@bp.context_processor
def _page_context() -> dict[str, Any]:
    return {"navigation": NAVIGATION, "csrf_field": csrf.FIELD}


@bp.errorhandler(HTTPError)
def _error_page(error: HTTPError) -> tuple[str, int]:
    return render_template("console/error.html", message=error.message), error.status
