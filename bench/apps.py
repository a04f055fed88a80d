"""The apps and payloads the figures share: ours, and the minimal validating baseline.

The call measured everywhere is ``gmail`` ``email.draft.create`` with a body of about 1 KB.
Every call gets a body of its own (a counter in the subject), so nothing keyed by the input
(recorded examples, caches) can make ours look faster than it is on a real test suite.

``interactor_app()`` and ``baseline_app()`` are WSGI app factories for gunicorn
(``gunicorn -w 2 'bench.apps:interactor_app()'``).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import Flask
from flask import Response
from flask import jsonify
from flask import request
from jsonschema import Draft202012Validator

__all__ = [
    "ACCOUNT",
    "ACTION",
    "API_KEY",
    "CONNECTOR",
    "EXECUTE_PATH",
    "baseline_app",
    "draft_body",
    "draft_body_template",
    "input_schema",
    "interactor_app",
]

CONNECTOR = "gmail"
ACTION = "email.draft.create"
ACCOUNT = "alice"
API_KEY = "interactor_BENCH000_" + "0123456789abcdefABCDEF0123456789"
EXECUTE_PATH = f"/api/v1/connector/interactor/{CONNECTOR}/action/{ACTION}/execute?account={ACCOUNT}"
VALIDATE_PATH = "/validate"

_PARAGRAPH = (
    "Hello team, please find below the summary of this week's progress on the migration. "
    "The new pipeline is live for the first two regions and error rates stayed flat. "
    "Next week we move the remaining customers and retire the old queue workers. "
    "Let me know before Thursday if anything in the plan worries you, so that we can "
    "adjust the schedule. The dashboards are linked from the usual page. "
)


def draft_body(n: int = 0) -> dict[str, Any]:
    """A realistic ~1 KB draft: three recipients, a cc, a subject and a few paragraphs."""
    return {
        "to": ["ana.lima@example.com", "bo.chen@example.org", "carla.diaz@example.net"],
        "cc": ["dev-team@example.com"],
        "subject": f"Weekly migration status #{n}",
        "body": (_PARAGRAPH * 3).strip(),
        "bodyType": "plain",
    }


def draft_body_template() -> str:
    """The draft as JSON text with ``{n}`` where the load client puts its counter."""
    text = json.dumps(draft_body(0))
    return text.replace("#0", "#{n}")


@functools.lru_cache(maxsize=1)
def input_schema() -> dict[str, Any]:
    """The draft's input schema, as the contract defines it (a plain JSON Schema)."""
    from interactor_mock.contracts import default_registry

    schema: dict[str, Any] = json.loads(
        json.dumps(default_registry().action(CONNECTOR, ACTION).input_schema)
    )
    return schema


def interactor_app() -> Flask:
    """Our app with a fixed key and ``alice`` granted, so that every gunicorn worker (each
    with its own in-memory store) answers the same calls."""
    from interactor_mock.config import MockConfig
    from interactor_mock.core.engine import Engine
    from interactor_mock.http.app import create_app

    engine = Engine(MockConfig(api_key=API_KEY))
    engine.grant(engine.default_environment, CONNECTOR, ACCOUNT)
    return create_app(engine=engine)


def baseline_app() -> Flask:
    """What one would write by hand: one Flask route that validates the body against the
    same schema with a precompiled ``jsonschema`` validator and returns it."""
    validator = Draft202012Validator(input_schema())
    app = Flask("bench-baseline")

    @app.post(VALIDATE_PATH)
    def validate() -> Response | tuple[Response, int]:
        payload = json.loads(request.get_data())
        errors = [e.message for e in validator.iter_errors(payload)]
        if errors:
            return jsonify({"error": errors[0]}), 400
        return jsonify({"output": payload})

    return app
