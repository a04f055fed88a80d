"""The real API surface: auth-url, credential, execute (under ``/api/v1``)."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint
from flask import Response
from flask import g
from flask import jsonify
from flask import request

from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.core.execute import parse_body
from interactor_mock.errors import PayloadTooLarge
from interactor_mock.http.context import account_parameter
from interactor_mock.http.context import boolean_parameter
from interactor_mock.http.context import engine
from interactor_mock.http.context import json_response
from interactor_mock.http.context import public_url
from interactor_mock.http.context import request_globals

bp = Blueprint("api", __name__, url_prefix="/api/v1")


# The request's ``g`` and ``request`` are read through their proxies once per function
# (each proxy access costs a context lookup).


@bp.before_request
def authenticate() -> None:
    state = request_globals()
    state.started = time.perf_counter()
    state.environment = None
    state.environment = engine().environments.resolve(request.headers.get("x-api-key"))


@bp.after_request
def record(response: Response) -> Response:
    state = request_globals()
    environment = state.get("environment")
    if environment is not None:
        found = engine()
        current = request._get_current_object()  # type: ignore[attr-defined]
        noted = vars(state)
        found.journal.record(
            environment.id,
            time=found.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            method=current.method,
            path=current.path,
            query=current.query_string.decode("latin-1"),
            status=response.status_code,
            duration_ms=round((time.perf_counter() - state.started) * 1000, 3),
            connector=noted.get("connector"),
            action=noted.get("action"),
            account=noted.get("account"),
            input=noted.get("input"),
            error=noted.get("error"),
            scenario=noted.get("scenario"),
            source=noted.get("source"),
        )
    return response


def _note(**fields: Any) -> None:
    vars(request_globals()).update(fields)


@bp.get("/connector/<owner>/<connector>/auth-url")
@bp.get("/connector/<connector>/auth-url", defaults={"owner": DEFAULT_OWNER})
def auth_url(owner: str, connector: str) -> Response:
    state = request_globals()
    args = request.args
    mock = engine()
    state.connector = f"{owner}/{connector}"
    contract = mock.registry.connector(connector, owner)
    account = state.account = account_parameter(args)
    url = mock.oauth.start(
        state.environment,
        contract,
        account,
        redirect_url=args.get("redirectUrl", args.get("redirect_uri")),
        skip_input=boolean_parameter("skipInput", args),
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
    _note(connector=f"{owner}/{connector}")
    contract = engine().registry.connector(connector, owner)
    account = account_parameter()
    _note(account=account)
    oauth = engine().oauth
    if request.method == "DELETE":
        oauth.delete_credential(g.environment.id, contract.owner, contract.name, account)
        return jsonify({"deleted": True, "connector": contract.key, "account": account})
    found = oauth.credential(g.environment.id, contract.owner, contract.name, account)
    return jsonify(found.public(engine().now()))


@bp.post("/connector/<owner>/<connector>/action/<action>/execute")
@bp.post("/connector/<connector>/action/<action>/execute", defaults={"owner": DEFAULT_OWNER})
def execute(owner: str, connector: str, action: str) -> Response:
    state = request_globals()
    current = request._get_current_object()  # type: ignore[attr-defined]
    mock = engine()
    state.connector = f"{owner}/{connector}"
    state.action = action
    found = mock.registry.action(connector, action, owner)
    account = state.account = account_parameter()
    limit = mock.config.max_body_bytes
    length = current.content_length
    if length is not None and length > limit:
        raise PayloadTooLarge(f"Request body is larger than {limit} bytes", limit=limit)
    payload = state.input = parse_body(current.get_data())
    output, source = mock.executor.execute(state.environment, found, account, payload)
    # `source` says where the answer came from (generated, example:..., resource:..., behaviour,
    # scenario:...); `scenario` names only a scenario rule that answered.
    state.source = source
    if source.startswith("scenario:"):
        state.scenario = source.removeprefix("scenario:")
    return json_response({"output": output})
