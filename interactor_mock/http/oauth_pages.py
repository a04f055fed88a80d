"""The browser side of a grant: the provider's consent pages and Interactor's callback.

Every page is HTML rendered with autoescaping, so an account or redirect URL a client chose
can never inject markup. A failed step answers a 400 page and stores nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

from interactor_mock.contracts import Contract
from interactor_mock.core.oauth import GrantError
from interactor_mock.core.oauth import PendingGrant
from interactor_mock.http.context import engine
from interactor_mock.http.context import public_url
from interactor_mock.http.security import CSRF_FIELD
from interactor_mock.http.security import check_csrf_token
from interactor_mock.http.security import csrf_token

bp = Blueprint("oauth", __name__, url_prefix="/oauth", template_folder="templates")


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to its query (existing ones kept)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _checked_pending(values: dict[str, Any]) -> PendingGrant:
    pending = engine().oauth.pending(values.get("state"))
    if values.get("client_id") != pending.client_id:
        raise GrantError("Unknown client_id for this authorization request")
    if values.get("redirect_uri") != f"{public_url()}/oauth/callback":
        raise GrantError("redirect_uri does not match the one registered for this client")
    if values.get("response_type", "code") != "code":
        raise GrantError("Only response_type=code is supported")
    return pending


def _contract_of(pending: PendingGrant) -> Contract:
    return engine().registry.connector(pending.connector, pending.owner)


@bp.get("/<provider>/authorize")
def authorize(provider: str) -> str:
    values: dict[str, Any] = request.args.to_dict()
    pending = _checked_pending(values)
    contract = _contract_of(pending)
    environment = engine().environments.get(pending.env_id)
    unverified = engine().oauth.uses_default_app(environment, contract)
    step = values.pop("step", "")
    values.pop(CSRF_FIELD, None)
    # The query is the client's: it may hold any name (provider, endpoint, _method), so it
    # is appended to the page's path, never passed to url_for as keyword arguments.
    here = url_for(".authorize", provider=provider)
    if unverified and step not in ("advanced", "consent"):
        advanced = with_query(here, **values, step="advanced")
        return render_template("unverified.html", contract=contract, advanced_url=advanced)
    if unverified and step == "advanced":
        proceed = with_query(here, **values, step="consent")
        return render_template(
            "unverified.html", contract=contract, proceed_url=proceed, show_advanced=True
        )
    return render_template(
        "consent.html",
        contract=contract,
        pending=pending,
        provider=provider,
        form=values,
        csrf_field=CSRF_FIELD,
        csrf_token=csrf_token(pending.state),
        action_url=url_for(".decide", provider=provider),
    )


@bp.post("/<provider>/authorize")
def decide(provider: str) -> ResponseReturnValue:
    values = request.form.to_dict()
    pending = _checked_pending(values)
    check_csrf_token(pending.state, values.get(CSRF_FIELD))
    decision = values.get("decision")
    callback = values["redirect_uri"]
    if decision == "approve":
        code = engine().oauth.approve(pending)
        return redirect(with_query(callback, code=code, state=pending.state), 302)
    if decision == "deny":
        return redirect(with_query(callback, error="access_denied", state=pending.state), 302)
    raise GrantError("decision must be approve or deny")


@bp.get("/callback")
def callback() -> ResponseReturnValue:
    oauth = engine().oauth
    if request.args.get("error"):
        pending = oauth.deny(oauth.pending(request.args.get("state")))
        error = request.args["error"]
        if pending.redirect_url:
            return redirect(with_query(pending.redirect_url, error=error), 302)
        return render_template("denied.html", pending=pending, error=error)
    state = request.args.get("state")
    pending = oauth.pending(state)
    contract = _contract_of(pending)
    credential = oauth.exchange(
        state, request.args.get("code"), str(contract.auth.get("provider", contract.name))
    )
    if pending.redirect_url:
        return redirect(
            with_query(
                pending.redirect_url,
                success="true",
                connector=contract.key,
                account=credential.account,
            ),
            302,
        )
    return render_template("connected.html", contract=contract, credential=credential)
