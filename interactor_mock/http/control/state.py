"""Control API for state: scenario rules, seed data and resources (under ``/_mock/``).

=======  ==================================================================  =================
method   path                                                                what
=======  ==================================================================  =================
GET      /_mock/environments/<env>/scenarios                                 live rules
POST     /_mock/environments/<env>/scenarios                                 add a rule (201)
DELETE   /_mock/environments/<env>/scenarios                                 remove every rule
GET      /_mock/environments/<env>/scenarios/<rule>                          one rule
DELETE   /_mock/environments/<env>/scenarios/<rule>                          remove one rule
POST     /_mock/environments/<env>/seed                                      seed one environment
POST     /_mock/seed                                                         seed a whole document
GET      /_mock/environments/<env>/resources                                 collections with state
GET      /_mock/environments/<env>/resources/<owner>/<connector>/<coll>      an account's items
DELETE   /_mock/environments/<env>/resources/<owner>/<connector>/<coll>      forget them (open)
POST     /_mock/environments/<env>/grants/<owner>/<connector>/<acct>/expire  expire a credential
=======  ==================================================================  =================

Registering the blueprint also connects the executor to the request: the ``Prefer`` header
reaches the scenario step, and the journal learns which scenario answered a call.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import request

from interactor_mock.errors import BadRequest
from interactor_mock.http.context import NON_BLANK
from interactor_mock.http.context import engine
from interactor_mock.http.control import bodies
from interactor_mock.http.control.bodies import accepts
from interactor_mock.http.control.bodies import query
from interactor_mock.http.security import refuse_cross_site

bp = Blueprint("control_state", __name__, url_prefix="/_mock")
bp.before_request(refuse_cross_site)


@bp.route("/environments/<env_id>/scenarios", methods=["GET", "POST", "DELETE"])
@accepts(POST=bodies.scenario_rule)
def scenarios(env_id: str) -> Response | tuple[Response | str, int]:
    environment = engine().environments.get(env_id)
    service = engine().scenarios
    if request.method == "POST":
        rule = service.add(environment, bodies.body(bodies.scenario_rule))
        return jsonify(rule.public()), 201
    if request.method == "DELETE":
        service.clear(environment)
        return "", 204
    return jsonify({"scenarios": [r.public() for r in service.rules(environment)]})


@bp.route("/environments/<env_id>/scenarios/<rule_id>", methods=["GET", "DELETE"])
def scenario(env_id: str, rule_id: str) -> Response | tuple[str, int]:
    environment = engine().environments.get(env_id)
    if request.method == "DELETE":
        engine().scenarios.remove(environment, rule_id)
        return "", 204
    return jsonify(engine().scenarios.rule(environment, rule_id).public())


@bp.post("/environments/<env_id>/seed")
@accepts(POST=bodies.seed_environment)
def seed_environment(env_id: str) -> tuple[Response, int]:
    environment = engine().environments.get(env_id)
    document = bodies.body(bodies.seed_environment)
    return jsonify(engine().seeds.apply(environment, document)), 201


@bp.post("/seed")
@accepts(POST=bodies.seed_document)
def seed_document() -> tuple[Response, int]:
    return jsonify(engine().seeds.apply_document(bodies.body(bodies.seed_document))), 201


@bp.get("/environments/<env_id>/resources")
def list_collections(env_id: str) -> Response:
    environment = engine().environments.get(env_id)
    return jsonify({"collections": engine().resources.collections_of(environment)})


def _account() -> str:
    account = request.args.get("account")
    if not account or not account.strip():
        raise BadRequest("Query parameter 'account' is required", parameter="account")
    return account


@bp.route(
    "/environments/<env_id>/resources/<owner>/<connector>/<collection>",
    methods=["GET", "DELETE"],
)
@query(
    {"name": "account", "required": True, "schema": {"type": "string", "pattern": NON_BLANK}},
    {"name": "parent", "required": False, "schema": {"type": "string"}},
)
def resource_items(
    env_id: str, owner: str, connector: str, collection: str
) -> Response | tuple[str, int]:
    environment = engine().environments.get(env_id)
    resources = engine().resources
    spec = resources.spec(connector, collection, owner)
    target = resources.collection(environment, spec, _account(), request.args.get("parent"))
    if request.method == "DELETE":
        target.clear()
        return "", 204
    data: dict[str, Any] = {
        "connector": f"{spec.owner}/{spec.connector}",
        "collection": spec.name,
        "account": target.account,
        "parent": target.parent,
        "closed": target.closed,
        "items": target.items(),
    }
    return jsonify(data)


@bp.post("/environments/<env_id>/grants/<owner>/<connector>/<account>/expire")
def expire_credential(env_id: str, owner: str, connector: str, account: str) -> Response:
    environment = engine().environments.get(env_id)
    contract = engine().registry.connector(connector, owner)
    credential = engine().oauth.expire_credential(
        environment.id, contract.owner, contract.name, account
    )
    return jsonify(credential.public(engine().now()))
