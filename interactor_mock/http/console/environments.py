"""Environments: each key masked with Copy, and Generate (confirmed) that retires the old key;
an environment's Settings page (its key, its OAuth apps), where the integration guide looks
for them."""

from __future__ import annotations

from flask import render_template
from flask import request

from interactor_mock.core.environments import Environment
from interactor_mock.errors import BadRequest
from interactor_mock.http.console.blueprint import bp
from interactor_mock.http.console.blueprint import mask
from interactor_mock.http.context import engine


def _page(**extra: object) -> str:
    mock = engine()
    return render_template(
        "console/environments.html",
        environments=mock.environments.all(),
        mask=mask,
        **extra,
    )


@bp.get("/")
def environments() -> str:
    return _page()


def _settings(environment: Environment, *, new_key: bool = False) -> str:
    mock = engine()
    titles = {c.key: c.title for c in mock.registry.connectors}
    clients = [
        {
            "key": key,
            "title": titles.get(key, key),
            "client_id": client["client_id"],
            "owner": key.partition("/")[0],
            "name": key.partition("/")[2],
        }
        for key, client in sorted(environment.oauth_clients.items())
    ]
    return render_template(
        "console/settings.html",
        environment=environment,
        clients=clients,
        new_key=environment if new_key else None,
        mask=mask,
    )


@bp.get("/environments/<env_id>")
def environment_settings(env_id: str) -> str:
    """The environment's Settings: its API key (Copy, Generate) and the OAuth apps it uses."""
    return _settings(engine().environments.get(env_id))


@bp.route("/environments/<env_id>/generate-key", methods=["GET", "POST"])
def generate_key(env_id: str) -> str:
    """GET asks for confirmation; POST (confirmed) generates, and shows the new key once on
    the environment's Settings page."""
    if request.method == "GET":
        environment = engine().environments.get(env_id)
        return render_template("console/generate.html", environment=environment, mask=mask)
    if request.form.get("confirm") != "yes":
        raise BadRequest("Confirm that the old key stops working", field="confirm")
    return _settings(engine().environments.rotate(env_id), new_key=True)


@bp.post("/environments")
def create_environment() -> tuple[str, int]:
    created = engine().environments.create(request.form.get("name", ""))
    return _page(new_key=created, created=True), 201
