"""``/_mock/openapi.json``: an OpenAPI 3.1 document of the mock, generated from the contracts.

One operation per action (its input schema as the request body, its output schema under
``output``), the auth-url and credential endpoints of every connector, and every route of
the control API (read from the app's URL map, so a new control route is documented by
being registered). OpenAPI 3.1 schemas are JSON Schema 2020-12, the dialect the contracts
compile to, so the schemas are embedded as they are. Point schemathesis, Prism or a code
generator at it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from jsonschema import Draft202012Validator

from interactor_mock import __version__
from interactor_mock.contracts import Action
from interactor_mock.contracts import Contract
from interactor_mock.core.engine import Engine
from interactor_mock.core.oauth import REDIRECT_URL_SCHEMA
from interactor_mock.http.context import NON_BLANK
from interactor_mock.http.context import boolean_pattern
from interactor_mock.http.context import engine
from interactor_mock.http.context import json_response
from interactor_mock.http.control.bodies import body_schema
from interactor_mock.http.control.bodies import query_parameters

__all__ = ["bp", "openapi_document"]

bp = Blueprint("openapi", __name__, url_prefix="/_mock")

ERROR = {"$ref": "#/components/schemas/Error"}
_PARAM = re.compile(r"<(?:[a-z]+:)?([A-Za-z_][A-Za-z0-9_]*)>")
_ACCOUNT = {
    "name": "account",
    "in": "query",
    "required": True,
    "description": "The end user (also accepted as accountId or userId).",
    # Not only white space (what the server's strip() leaves empty is refused).
    "schema": {"type": "string", "pattern": NON_BLANK},
}


def _schema(schema: dict[str, Any]) -> dict[str, Any]:
    found = copy.deepcopy(schema)
    found.pop("$schema", None)
    return found


def _errors(*statuses: int) -> dict[str, Any]:
    reasons = {
        400: "Bad request: the message names the field",
        401: "Missing or unknown x-api-key",
        404: "Unknown connector, action or resource",
        409: "A key or an id another environment already has",
        413: "Request body too large",
        415: "Body not sent as application/json",
        500: "An error the real API answers with a 500 (documented in the contract)",
    }
    return {
        str(status): {
            "description": reasons[status],
            "content": {"application/json": {"schema": ERROR}},
        }
        for status in statuses
    }


def _operation_id(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]+", "_", p).strip("_") for p in parts)


def _execute(contract: Contract, action: Action) -> dict[str, Any]:
    label = action.label.get("en", "") if isinstance(action.label, dict) else ""
    return {
        "post": {
            "operationId": _operation_id("execute", contract.owner, contract.name, action.name),
            "summary": label or action.name,
            "tags": [contract.key],
            "security": [{"apiKey": []}],
            "parameters": [_ACCOUNT],
            "requestBody": {
                # No body reads as {}: required where {} is refused.
                "required": not Draft202012Validator(action.input_schema).is_valid({}),
                "content": {"application/json": {"schema": _schema(action.input_schema)}},
            },
            "responses": {
                "200": {
                    "description": "The action's answer",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"output": _schema(action.output_schema)},
                                "required": ["output"],
                            }
                        }
                    },
                },
                **_errors(400, 401, 404, 413),
                "500": _documented_500(action),
            },
        }
    }


def _documented_500(action: Action) -> dict[str, Any]:
    """The 500s the contract documents for ``action``, each with its ``when`` and message."""
    documented = [e for e in action.errors if e.get("status") == 500 and e.get("error")]
    lines = "; ".join(f"{e['error']!r}: {e.get('when', '')}".rstrip(": ") for e in documented)
    found: dict[str, Any] = {
        "description": "An error the real API answers with a 500 (documented in the contract)"
        + (f": {lines}" if lines else ""),
        "content": {"application/json": {"schema": ERROR}},
    }
    if documented:
        found["content"]["application/json"]["examples"] = {
            f"documented-{n}": {"value": {"error": e["error"]}} for n, e in enumerate(documented)
        }
    return found


def _connector_paths(contract: Contract) -> dict[str, Any]:
    root = f"/api/v1/connector/{contract.owner}/{contract.name}"
    ident = (contract.owner, contract.name)
    credential = {
        "description": "The account's credential (no secrets)",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    paths: dict[str, Any] = {
        f"{root}/auth-url": {
            "get": {
                "operationId": _operation_id("auth_url", *ident),
                "summary": f"The consent-page URL to connect an account to {contract.title}",
                "tags": [contract.key],
                "security": [{"apiKey": []}],
                "parameters": [
                    _ACCOUNT,
                    {
                        "name": "redirectUrl",
                        "in": "query",
                        "required": False,
                        "description": "An absolute http or https URL (empty: none)",
                        "schema": {"anyOf": [{"const": ""}, REDIRECT_URL_SCHEMA]},
                    },
                    {
                        "name": "skipInput",
                        "in": "query",
                        "required": False,
                        "description": "true, false, yes, no, on, off, 1, 0 (any case)",
                        "schema": {"type": "string", "pattern": boolean_pattern()},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The URL",
                        "content": {
                            "application/json": {"schema": {"type": "string", "format": "uri"}}
                        },
                    },
                    **_errors(400, 401, 404),
                },
            }
        },
        f"{root}/credential": {
            "get": {
                "operationId": _operation_id("credential_get", *ident),
                "tags": [contract.key],
                "security": [{"apiKey": []}],
                "parameters": [_ACCOUNT],
                "responses": {"200": credential, **_errors(400, 401, 404)},
            },
            "delete": {
                "operationId": _operation_id("credential_delete", *ident),
                "tags": [contract.key],
                "security": [{"apiKey": []}],
                "parameters": [_ACCOUNT],
                "responses": {"200": credential, **_errors(400, 401, 404)},
            },
        },
    }
    for name, action in sorted(contract.actions.items()):
        paths[f"{root}/action/{name}/execute"] = _execute(contract, action)
    return paths


def _control_paths(app: Flask, mock: Engine) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/_mock"):
            continue
        path = _PARAM.sub(r"{\1}", rule.rule)
        names = _PARAM.findall(rule.rule)
        entry = paths.setdefault(path, {})
        view = app.view_functions.get(rule.endpoint)
        doc = (view.__doc__ or "").strip().splitlines()[0] if view and view.__doc__ else ""
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation: dict[str, Any] = {
                "operationId": _operation_id("control", rule.endpoint, method.lower()),
                "summary": doc or f"{method} {path}",
                "tags": ["control"],
                "parameters": [
                    {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                    for n in names
                ]
                + (query_parameters(view) if view else []),
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {}}},
                    "201": {"description": "Created", "content": {"application/json": {}}},
                    "204": {"description": "Done"},
                    **_errors(400, 404, 409, 413, 415),
                    "403": {
                        "description": "Cross-site request, or a wrong admin token",
                        "content": {"application/json": {"schema": ERROR}},
                    },
                },
            }
            schema = body_schema(view, method, mock) if view else None
            if schema is not None:
                operation["requestBody"] = {
                    # No body reads as {}: required where {} is refused.
                    "required": not Draft202012Validator(schema).is_valid({}),
                    "content": {"application/json": {"schema": schema}},
                }
            entry[method.lower()] = operation
    return paths


def openapi_document(mock: Engine, app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``mock`` served through ``app``."""
    registry = mock.registry
    paths: dict[str, Any] = {}
    for contract in registry.connectors:
        paths.update(_connector_paths(contract))
    paths.update(_control_paths(app, mock))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "interactor-mock",
            "version": __version__,
            "description": "An offline mock of the Interactor API, generated from its "
            "contracts: every connector's actions, auth-url and credential, and the mock's "
            "own control API under /_mock.",
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": c.key, "description": c.title} for c in registry.connectors]
        + [{"name": "control", "description": "The mock's control API"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
                "adminToken": {"type": "http", "scheme": "bearer"},
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}},
                    "required": ["error"],
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this mock."""
    return json_response(openapi_document(engine(), current_app))
