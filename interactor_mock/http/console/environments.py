"""Environments: each key masked with Copy, and Generate (confirmed) that retires the old key."""

from __future__ import annotations

from flask import render_template
from flask import request

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


@bp.route("/environments/<env_id>/generate-key", methods=["GET", "POST"])
def generate_key(env_id: str) -> str:
    """GET asks for confirmation; POST (confirmed) generates, and shows the new key once."""
    if request.method == "GET":
        environment = engine().environments.get(env_id)
        return render_template("console/generate.html", environment=environment, mask=mask)
    if request.form.get("confirm") != "yes":
        raise BadRequest("Confirm that the old key stops working", field="confirm")
    environment = engine().environments.rotate(env_id)
    return _page(new_key=environment)


@bp.post("/environments")
def create_environment() -> tuple[str, int]:
    created = engine().environments.create(request.form.get("name", ""))
    return _page(new_key=created, created=True), 201
