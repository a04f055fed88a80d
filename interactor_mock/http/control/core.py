"""The mock's own control API, under ``/_mock/`` so it never collides with the real API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import request

from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.errors import BadRequest
from interactor_mock.http.context import engine
from interactor_mock.http.control import bodies
from interactor_mock.http.control.bodies import accepts
from interactor_mock.http.security import refuse_cross_site

bp = Blueprint("control", __name__, url_prefix="/_mock")
bp.before_request(refuse_cross_site)


def _created(data: Any) -> tuple[Response, int]:
    return jsonify(data), 201


def _no_content() -> tuple[str, int]:
    return "", 204


def _string_field(data: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"Field {name!r} must be a non-empty string", field=name)
    return value


@bp.get("/health")
def health() -> Response:
    registry = engine().registry
    return jsonify(
        {
            "status": "ok",
            "connectors": len(registry),
            "actions": sum(len(c.actions) for c in registry.connectors),
            "environments": len(engine().environments.all()),
        }
    )


@bp.post("/reset")
def reset_all() -> tuple[str, int]:
    engine().reset()
    return _no_content()


@bp.get("/environments")
def list_environments() -> Response:
    return jsonify({"environments": [e.public() for e in engine().environments.all()]})


@bp.post("/environments")
@accepts(POST=bodies.ENVIRONMENT)
def create_environment() -> tuple[Response, int]:
    data = bodies.body(bodies.ENVIRONMENT)
    name = _string_field(data, "name")
    assert name is not None
    api_key = _string_field(data, "apiKey", required=False)
    created = engine().environments.create(name, api_key=api_key, seed=data.get("seed"))
    return _created(created.public())


@bp.get("/environments/<env_id>")
def get_environment(env_id: str) -> Response:
    return jsonify(engine().environments.get(env_id).public())


@bp.delete("/environments/<env_id>")
def delete_environment(env_id: str) -> tuple[str, int]:
    engine().environments.delete(env_id)
    return _no_content()


@bp.post("/environments/<env_id>/reset")
def reset_environment(env_id: str) -> tuple[str, int]:
    engine().environments.reset(env_id)
    return _no_content()


@bp.post("/environments/<env_id>/keys")
@accepts(POST=bodies.ROTATE_KEY)
def rotate_key(env_id: str) -> Response:
    engine().environments.get(env_id)
    data = bodies.body(bodies.ROTATE_KEY)
    api_key = _string_field(data, "apiKey", required=False)
    return jsonify(engine().environments.rotate(env_id, api_key=api_key).public())


@bp.route("/environments/<env_id>/oauth-clients/<owner>/<connector>", methods=["PUT", "DELETE"])
@accepts(PUT=bodies.OAUTH_CLIENT)
def oauth_client(env_id: str, owner: str, connector: str) -> Response:
    contract = engine().registry.connector(connector, owner)
    if request.method == "DELETE":
        updated = engine().environments.set_oauth_client(env_id, contract.key, None, None)
    else:
        data = bodies.body(bodies.OAUTH_CLIENT)
        updated = engine().environments.set_oauth_client(
            env_id,
            contract.key,
            _string_field(data, "clientId"),
            _string_field(data, "clientSecret"),
        )
    return jsonify(updated.public())


@bp.get("/environments/<env_id>/grants")
def list_grants(env_id: str) -> Response:
    environment = engine().environments.get(env_id)
    now = engine().now()
    return jsonify({"grants": [c.public(now) for c in engine().oauth.credentials(environment.id)]})


@bp.post("/environments/<env_id>/grants")
@accepts(POST=bodies.GRANT)
def grant(env_id: str) -> tuple[Response, int]:
    environment = engine().environments.get(env_id)
    data = bodies.body(bodies.GRANT)
    connector = _string_field(data, "connector")
    account = _string_field(data, "account")
    owner = _string_field(data, "owner", required=False) or DEFAULT_OWNER
    assert connector is not None
    assert account is not None
    credential = engine().grant(environment, connector, account, owner=owner)
    return _created(credential.public(engine().now()))


@bp.delete("/environments/<env_id>/grants/<owner>/<connector>/<account>")
def revoke(env_id: str, owner: str, connector: str, account: str) -> tuple[str, int]:
    environment = engine().environments.get(env_id)
    contract = engine().registry.connector(connector, owner)
    engine().oauth.delete_credential(environment.id, contract.owner, contract.name, account)
    return _no_content()


@bp.route("/environments/<env_id>/journal", methods=["GET", "DELETE"])
def journal(env_id: str) -> Response | tuple[str, int]:
    environment = engine().environments.get(env_id)
    if request.method == "DELETE":
        engine().journal.clear(environment.id)
        return _no_content()
    entries = [e.public() for e in engine().journal.entries(environment.id)]
    return jsonify({"entries": entries, "size": engine().journal.size})


@bp.route("/environments/<env_id>/errors", methods=["GET", "DELETE"])
def server_errors(env_id: str) -> Response | tuple[str, int]:
    environment = engine().environments.get(env_id)
    if request.method == "DELETE":
        engine().journal.clear_server_errors(environment.id)
        return _no_content()
    return jsonify({"errors": engine().journal.server_errors(environment.id)})


@bp.get("/connectors")
def list_connectors() -> Response:
    return jsonify({"connectors": [c.summary() for c in engine().registry.connectors]})


def _action_document(action: Any) -> dict[str, Any]:
    return {
        "name": action.name,
        "label": action.label,
        "safe": action.safe,
        "inputSchema": action.input_schema,
        "outputSchema": action.output_schema,
        "resource": action.resource,
        "examples": [e["name"] for e in action.examples],
        "errors": action.errors,
    }


@bp.get("/connectors/<owner>/<connector>")
def get_connector(owner: str, connector: str) -> Response:
    contract = engine().registry.connector(connector, owner)
    document = contract.summary()
    document["scopes"] = contract.scopes
    document["provenance"] = contract.provenance
    document["actions"] = {
        name: _action_document(a) for name, a in sorted(contract.actions.items())
    }
    return jsonify(document)


@bp.get("/connectors/<owner>/<connector>/actions/<action>")
def get_action(owner: str, connector: str, action: str) -> Response:
    return jsonify(_action_document(engine().registry.action(connector, action, owner)))
