"""The real API surface: auth-url, credential, execute (under ``/api/v1``)."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint
from flask import Response
from flask import request

from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.core.environments import Environment
from interactor_mock.core.execute import parse_body
from interactor_mock.core.execute import unknown_fields
from interactor_mock.errors import ScenarioAnswer
from interactor_mock.http.context import account_parameter
from interactor_mock.http.context import boolean_parameter
from interactor_mock.http.context import engine
from interactor_mock.http.context import json_response
from interactor_mock.http.context import note
from interactor_mock.http.context import public_url
from interactor_mock.http.context import request_body

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PREFER = "Prefer"


@bp.before_request
def authenticate() -> None:
    noted = note()
    mock = engine()
    # One request's writes (its items, counters and journal entry) commit together, before
    # its answer leaves (``record`` ends the batch; ``end_batch`` is the safety net).
    noted.batch.enter_context(mock.store.batch())
    noted.environment = mock.environments.resolve(request.headers.get("x-api-key"))


@bp.after_request
def record(response: Response) -> Response:
    noted = note()
    if noted.environment is not None:
        mock = engine()
        mock.journal.record(
            noted.environment.id,
            time=mock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            method=request.method,
            path=request.path,
            query=request.query_string.decode("latin-1"),
            status=response.status_code,
            duration_ms=round((time.perf_counter() - noted.started) * 1000, 3),
            connector=noted.connector,
            action=noted.action,
            account=noted.account,
            input=noted.input,
            error=noted.error,
            scenario=noted.scenario,
            source=noted.source,
            unknown_fields=noted.unknown_fields,
            output=noted.output if noted.output is not None else _error_body(response),
        )
    noted.batch.close()
    return response


@bp.teardown_request
def end_batch(_error: BaseException | None) -> None:
    """Commit what a request wrote even when it failed before ``record``."""
    note().batch.close()


def _error_body(response: Response) -> Any:
    """An error answer's JSON body (None for a success, or a body that is not JSON)."""
    if response.status_code < 400 or not response.is_json or response.is_streamed:
        return None
    return response.get_json(silent=True)


def _environment() -> Environment:
    """The environment the request's key names (``authenticate`` has resolved it)."""
    found = note().environment
    assert found is not None
    return found


@bp.get("/connector/<owner>/<connector>/auth-url")
@bp.get("/connector/<connector>/auth-url", defaults={"owner": DEFAULT_OWNER})
def auth_url(owner: str, connector: str) -> Response:
    noted = note()
    mock = engine()
    noted.connector = f"{owner}/{connector}"
    contract = mock.registry.connector(connector, owner)
    account = noted.account = account_parameter()
    url = mock.oauth.start(
        _environment(),
        contract,
        account,
        redirect_url=request.args.get("redirectUrl", request.args.get("redirect_uri")),
        skip_input=boolean_parameter("skipInput"),
        public_url=public_url(mock),
    )
    return json_response(url)


@bp.route("/connector/<owner>/<connector>/credential", methods=["GET", "DELETE"])
@bp.route(
    "/connector/<connector>/credential",
    methods=["GET", "DELETE"],
    defaults={"owner": DEFAULT_OWNER},
)
def credential(owner: str, connector: str) -> Response:
    noted = note()
    mock = engine()
    noted.connector = f"{owner}/{connector}"
    contract = mock.registry.connector(connector, owner)
    account = noted.account = account_parameter()
    env_id = _environment().id
    if request.method == "DELETE":
        mock.oauth.delete_credential(env_id, contract.owner, contract.name, account)
        return json_response({"deleted": True, "connector": contract.key, "account": account})
    found = mock.oauth.credential(env_id, contract.owner, contract.name, account)
    return json_response(found.public(mock.now()))


@bp.post("/connector/<owner>/<connector>/action/<action>/execute")
@bp.post("/connector/<connector>/action/<action>/execute", defaults={"owner": DEFAULT_OWNER})
def execute(owner: str, connector: str, action: str) -> Response:
    noted = note()
    mock = engine()
    noted.connector = f"{owner}/{connector}"
    noted.action = action
    found = mock.registry.action(connector, action, owner)
    account = noted.account = account_parameter()
    payload = noted.input = parse_body(request_body())
    noted.unknown_fields = unknown_fields(found, payload)
    try:
        outcome = mock.executor.execute(
            _environment(), found, account, payload, prefer=request.headers.get(PREFER)
        )
    except ScenarioAnswer as answer:
        noted.scenario = answer.scenario
        raise
    noted.source = outcome.source
    noted.scenario = outcome.scenario
    body = noted.output = {"output": outcome.output}
    return json_response(body)
