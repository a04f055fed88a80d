"""App integrations: every connector, and a connector's page (overview, actions with their
input fields and output shape, the OAuth app it uses)."""

from __future__ import annotations

from typing import Any

from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue

from interactor_mock.contracts import Action
from interactor_mock.contracts import Contract
from interactor_mock.errors import BadRequest
from interactor_mock.http.console.blueprint import bp
from interactor_mock.http.console.blueprint import current_environment
from interactor_mock.http.console.forms import type_label
from interactor_mock.http.context import engine


def _search_text(contract: Contract) -> str:
    return " ".join((contract.title, contract.owner, contract.name)).lower()


@bp.get("/integrations")
def integrations() -> str:
    query = request.args.get("q", "").strip().lower()
    contracts = [
        c
        for c in sorted(engine().registry.connectors, key=lambda c: (c.title.lower(), c.key))
        if query in _search_text(c)
    ]
    return render_template(
        "console/integrations.html", contracts=contracts, query=query, search_text=_search_text
    )


def labels_of(action: Action, language: str = "en") -> dict[str, str]:
    """The top-level input fields' display labels, from the contract's variables."""
    found = {}
    for variable in action.variables:
        label = variable.get("x-label")
        if isinstance(label, dict) and label.get(language):
            found[str(variable.get("title"))] = str(label[language])
    return found


def label_of(action: Action, language: str = "en") -> str:
    return action.label.get(language) or next(iter(action.label.values()), action.name)


def schema_rows(
    schema: Any,
    labels: dict[str, str] | None = None,
    required: bool = False,
    name: str = "",
    depth: int = 0,
) -> list[dict[str, Any]]:
    """A schema as rows (depth, name, label, type, required, enum, description), parents first."""
    if not isinstance(schema, dict):
        return []
    rows = []
    if name:
        label = (labels or {}).get(name, "") if depth == 0 else ""
        rows.append(
            {
                "depth": depth,
                "name": name,
                "label": label if label != name else "",
                "type": type_label(schema),
                "required": required,
                "enum": schema.get("enum", []),
                "description": schema.get("description", ""),
            }
        )
    properties = schema.get("properties")
    if isinstance(properties, dict):
        needed = set(schema.get("required", []))
        for key, sub in properties.items():
            rows += schema_rows(sub, labels, key in needed, key, depth + (1 if name else 0))
    items = schema.get("items")
    if schema.get("type") == "array" and isinstance(items, dict) and "properties" in items:
        rows += schema_rows(items, None, False, f"{name}[]" if name else "[]", depth + 1)
    return rows


@bp.get("/integrations/<owner>/<connector>")
def connector_page(owner: str, connector: str) -> str:
    contract = engine().registry.connector(connector, owner)
    environment = current_environment()
    actions = [contract.actions[name] for name in sorted(contract.actions)]
    return render_template(
        "console/connector.html",
        contract=contract,
        actions=actions,
        environment=environment,
        environments=engine().environments.all(),
        client=environment.oauth_clients.get(contract.key),
        saved=request.args.get("saved"),
        opened=request.args.get("action", ""),
        label_of=label_of,
        labels_of=labels_of,
        schema_rows=schema_rows,
        type_label=type_label,
    )


@bp.post("/integrations/<owner>/<connector>/oauth-client")
def oauth_client(owner: str, connector: str) -> ResponseReturnValue:
    contract = engine().registry.connector(connector, owner)
    environment = current_environment()
    if request.form.get("use") == "default":
        engine().environments.set_oauth_client(environment.id, contract.key, None, None)
        saved = "default"
    else:
        client_id = request.form.get("clientId", "").strip()
        secret = request.form.get("clientSecret", "").strip()
        if not client_id:
            raise BadRequest("Client ID must not be empty", field="clientId")
        if not secret:
            raise BadRequest("Client secret must not be empty", field="clientSecret")
        engine().environments.set_oauth_client(environment.id, contract.key, client_id, secret)
        saved = "custom"
    target = url_for(
        ".connector_page",
        owner=contract.owner,
        connector=contract.name,
        env=environment.id,
        saved=saved,
        _anchor="oauth",
    )
    return redirect(target, 303)
