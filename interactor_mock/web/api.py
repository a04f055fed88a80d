"""The real API surface: auth-url, credential, execute (under ``/api/v1``)."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint
from flask import Response
from flask import g
from flask import jsonify
from flask import request

from interactor_mock.actions import parse_body
from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.errors import PayloadTooLarge
from interactor_mock.web.common import account_parameter
from interactor_mock.web.common import boolean_parameter
from interactor_mock.web.common import engine
from interactor_mock.web.common import public_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def authenticate() -> None:
    g.started = time.perf_counter()
    g.environment = None
    g.environment = engine().environments.resolve(request.headers.get("x-api-key"))


@bp.after_request
def record(response: Response) -> Response:
    environment = g.get("environment")
    if environment is not None:
        engine().journal.record(
            environment.id,
            time=engine().now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            method=request.method,
            path=request.path,
            query=request.query_string.decode("latin-1"),
            status=response.status_code,
            duration_ms=round((time.perf_counter() - g.started) * 1000, 3),
            connector=g.get("connector"),
            action=g.get("action"),
            account=g.get("account"),
            input=g.get("input"),
            error=g.get("error"),
            scenario=g.get("scenario"),
            source=g.get("source"),
        )
    return response


def _note(**fields: Any) -> None:
    for key, value in fields.items():
        setattr(g, key, value)


@bp.get("/connector/<owner>/<connector>/auth-url")
@bp.get("/connector/<connector>/auth-url", defaults={"owner": DEFAULT_OWNER})
def auth_url(owner: str, connector: str) -> Response:
    _note(connector=f"{owner}/{connector}")
    contract = engine().registry.connector(connector, owner)
    account = account_parameter()
    _note(account=account)
    redirect_url = request.args.get("redirectUrl", request.args.get("redirect_uri"))
    url = engine().oauth.start(
        g.environment,
        contract,
        account,
        redirect_url=redirect_url,
        skip_input=boolean_parameter("skipInput"),
        public_url=public_url(),
    )
    return jsonify(url)


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
    _note(connector=f"{owner}/{connector}", action=action)
    found = engine().registry.action(connector, action, owner)
    account = account_parameter()
    _note(account=account)
    limit = engine().config.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"Request body is larger than {limit} bytes", limit=limit)
    payload = parse_body(request.get_data())
    _note(input=payload)
    output, source = engine().executor.execute(g.environment, found, account, payload)
    # `source` says where the answer came from (generated, example:..., resource:..., behaviour,
    # scenario:...); `scenario` names only a scenario rule that answered.
    _note(source=source)
    if source.startswith("scenario:"):
        _note(scenario=source.removeprefix("scenario:"))
    return jsonify({"output": output})
