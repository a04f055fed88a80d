"""The tester: pick or connect an account, fill the form made from the input schema, run the
action through the real API, and read the status, the result and the cURL command."""

from __future__ import annotations

from typing import Any

from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

from interactor_mock.contracts import Action
from interactor_mock.contracts import Contract
from interactor_mock.core.environments import Environment
from interactor_mock.errors import BadRequest
from interactor_mock.http.console.blueprint import bp
from interactor_mock.http.console.blueprint import current_environment
from interactor_mock.http.console.calls import ApiAnswer
from interactor_mock.http.console.calls import ApiCall
from interactor_mock.http.console.calls import call_api
from interactor_mock.http.console.forms import errors_by_field
from interactor_mock.http.console.forms import fields_of
from interactor_mock.http.console.forms import payload_of
from interactor_mock.http.console.integrations import label_of
from interactor_mock.http.console.integrations import labels_of
from interactor_mock.http.context import engine
from interactor_mock.http.context import public_url


@bp.get("/tester")
def tester_index() -> ResponseReturnValue:
    picked = request.args.get("action", "")
    if picked:
        key, _, action = picked.partition(":")
        owner, _, connector = key.partition("/")
        return redirect(
            url_for(
                ".tester",
                owner=owner,
                connector=connector,
                action=action,
                env=current_environment().id,
            ),
            303,
        )
    return render_template(
        "console/tester_index.html",
        contracts=sorted(engine().registry.connectors, key=lambda c: c.key),
        environment=current_environment(),
        environments=engine().environments.all(),
        label_of=label_of,
    )


def _accounts(environment: Environment, contract: Contract) -> list[str]:
    return [
        c.account
        for c in engine().oauth.credentials(environment.id)
        if (c.owner, c.connector) == (contract.owner, contract.name)
    ]


def _tester_url(contract: Contract, action: Action, environment: Environment) -> str:
    path = url_for(
        ".tester",
        owner=contract.owner,
        connector=contract.name,
        action=action.name,
        env=environment.id,
    )
    return f"{public_url()}{path}"


def _render(
    contract: Contract,
    action: Action,
    environment: Environment,
    *,
    account: str,
    fields: list[Any],
    call: ApiCall | None = None,
    answer: ApiAnswer | None = None,
    general_errors: list[str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = render_template(
        "console/tester.html",
        contract=contract,
        action=action,
        environment=environment,
        environments=engine().environments.all(),
        accounts=_accounts(environment, contract),
        account=account,
        fields=fields,
        call=call,
        answer=answer,
        general_errors=general_errors or [],
        connected=request.args.get("success") == "true",
        denied=request.args.get("error"),
        label_of=label_of,
        uses_default_app=engine().oauth.uses_default_app(environment, contract),
    )
    return page, status


def _found(owner: str, connector: str, action: str) -> tuple[Contract, Action]:
    contract = engine().registry.connector(connector, owner)
    return contract, contract.action(action)


@bp.route("/tester/<owner>/<connector>/<action>", methods=["GET", "POST"])
def tester(owner: str, connector: str, action: str) -> tuple[str, int]:
    """GET shows the form; POST runs the test and shows it again with the outcome."""
    contract, found = _found(owner, connector, action)
    environment = current_environment()
    fields = fields_of(found.input_schema, labels_of(found))
    if request.method == "GET":
        accounts = _accounts(environment, contract)
        account = request.args.get("account") or (accounts[-1] if accounts else "")
        return _render(contract, found, environment, account=account, fields=fields)
    account = request.form.get("account", "")
    payload, readable = payload_of(fields, request.form)
    if not readable:
        return _render(contract, found, environment, account=account, fields=fields, status=400)
    call = ApiCall(
        method="POST",
        path=f"/api/v1/connector/{contract.owner}/{contract.name}/action/{found.name}/execute",
        query={"account": account} if account else {},
        api_key=environment.api_key,
        body=payload,
    )
    answer = call_api(call)
    general: list[str] = []
    if isinstance(answer.data, dict) and isinstance(answer.data.get("details"), list):
        general = errors_by_field(fields, answer.data["details"])
    return _render(
        contract,
        found,
        environment,
        account=account,
        fields=fields,
        call=call,
        answer=answer,
        general_errors=general,
    )


@bp.post("/tester/<owner>/<connector>/<action>/connect")
def connect_account(owner: str, connector: str, action: str) -> ResponseReturnValue:
    """Start the real grant flow (an auth-url call) that comes back to this tester."""
    contract, found = _found(owner, connector, action)
    environment = current_environment()
    account = request.form.get("newAccount", "").strip()
    if not account:
        raise BadRequest("Name the account to connect", field="newAccount")
    answer = call_api(
        ApiCall(
            method="GET",
            path=f"/api/v1/connector/{contract.owner}/{contract.name}/auth-url",
            query={"account": account, "redirectUrl": _tester_url(contract, found, environment)},
            api_key=environment.api_key,
        )
    )
    if answer.status != 200 or not isinstance(answer.data, str):
        message = answer.data.get("error") if isinstance(answer.data, dict) else answer.data
        raise BadRequest(f"auth-url failed ({answer.status}): {message}")
    return redirect(answer.data, 303)
