"""The application under test in these examples: a small client of the Interactor API.

Real projects have their own; what matters is that it takes the base URL and the API key
as settings, so a test can point it at the mock.
"""

from __future__ import annotations

from typing import Any

import requests


class InteractorError(Exception):
    """The Interactor API answered with an error."""


def execute(
    base_url: str, api_key: str, connector: str, action: str, user: str, payload: dict[str, Any]
) -> Any:
    """Run one action for one end user and return its output."""
    response = requests.post(
        f"{base_url}/connector/interactor/{connector}/action/{action}/execute",
        params={"account": user},
        headers={"x-api-key": api_key},
        json=payload,
        timeout=10,
    )
    if response.status_code != 200:
        raise InteractorError(f"{response.status_code}: {response.json()['error']}")
    return response.json()["output"]


def create_draft(*, base_url: str, api_key: str, user: str, to: str = "bob@example.com") -> str:
    """Create a Gmail draft for ``user``; return its id."""
    payload = {"to": [to], "subject": "Weekly report", "body": "See attached."}
    output = execute(base_url, api_key, "gmail", "email.draft.create", user, payload)
    return str(output["id"])
