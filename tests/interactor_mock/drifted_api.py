"""A stand-in for the real API that drifted from the shipped contracts, for offline tests.

A ``MockServer`` over a copy of the shipped gmail contract, changed in one way per action:

| action               | drift                                                           |
| -------------------- | --------------------------------------------------------------- |
| email.list           | answers an extra field, ``/output/messages/0/historyId``        |
| email.draft.list     | ``/output/resultSizeEstimate`` is a string, not an integer      |
| email.get.batch      | ``/output/nextPageToken`` (required) is missing                  |
| email.attachment.get | answers 429 ``Rate limit exceeded``                              |

email.get and email.draft.get answer as the contract says. The copy's schemas admit the
drifted answers (the drifted server checks its own output, as the mock always does).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

from interactor_mock import MockConfig
from interactor_mock import MockServer
from interactor_mock import create_app
from interactor_mock.contracts import canonical_json
from interactor_mock.contracts import default_contracts_dir
from interactor_mock.errors import ScenarioError

ACCOUNT = "alice"
EXTRA_FIELD_VALUE = "987654321"
EXPECTED_DRIFT = {
    "email.list": ("unknown-field", "/output/messages/0/historyId"),
    "email.draft.list": ("type-changed", "/output/resultSizeEstimate"),
    "email.get.batch": ("missing-field", "/output/nextPageToken"),
    "email.attachment.get": ("unexpected-status", ""),
}
CONFORMING = ("email.draft.get", "email.get")


def _example_with(spec: dict, field: str) -> dict:
    """The first example whose output has ``field``."""
    return next(e for e in spec["examples"] if field in e["output"])


def drifted_contracts(directory: Path) -> tuple[Path, dict[str, object]]:
    """Write the drifted copy of ``interactor/gmail.json`` under ``directory``; returns it
    with the output the drifted API answers for each action."""
    source = default_contracts_dir() / "interactor" / "gmail.json"
    (directory / "interactor").mkdir(parents=True, exist_ok=True)
    data = json.loads(source.read_text(encoding="utf-8"))
    actions = data["actions"]
    answers: dict[str, object] = {}

    listed = copy.deepcopy(_example_with(actions["email.list"], "messages")["output"])
    listed["messages"][0]["historyId"] = EXTRA_FIELD_VALUE
    answers["email.list"] = listed

    drafts = actions["email.draft.list"]
    drafts["schema"]["output"]["properties"]["resultSizeEstimate"] = {"type": "string"}
    listed_drafts = copy.deepcopy(_example_with(drafts, "drafts")["output"])
    listed_drafts["resultSizeEstimate"] = str(len(listed_drafts["drafts"]))
    answers["email.draft.list"] = listed_drafts
    drafts["examples"] = []

    batch = actions["email.get.batch"]
    batch["schema"]["output"]["required"] = ["messages"]
    first_batch = copy.deepcopy(_example_with(batch, "nextPageToken")["output"])
    del first_batch["nextPageToken"]
    answers["email.get.batch"] = first_batch
    batch["examples"] = []

    for name in CONFORMING:
        answers[name] = actions[name]["examples"][0]["output"]

    path = directory / "interactor" / "gmail.json"
    path.write_text(canonical_json(data), encoding="utf-8")
    return directory, answers


def _rate_limited(call: object) -> object:
    raise ScenarioError("Rate limit exceeded", status=429)


def _answer(output: object):
    return lambda call: copy.deepcopy(output)


@dataclass
class RealAPI:
    """The drifted server, its key, and the account connected to gmail."""

    server: MockServer
    api_key: str
    account: str = ACCOUNT

    @property
    def base_url(self) -> str:
        return self.server.base_url


def start_real_api(directory: Path) -> RealAPI:
    """Start the drifted server (the caller stops ``.server``). Every drifted action is
    answered by a registered behaviour, so the answers do not depend on seed data; the
    server still checks them against its (drifted) contract."""
    contracts, answers = drifted_contracts(directory)
    server = MockServer(app=create_app(MockConfig(contracts_dir=contracts))).start()
    engine = server.engine
    engine.grant(engine.default_environment, "gmail", ACCOUNT)
    for name, output in answers.items():
        engine.executor.register("interactor", "gmail", name, _answer(output))
    engine.executor.register("interactor", "gmail", "email.attachment.get", _rate_limited)
    return RealAPI(server=server, api_key=engine.default_environment.api_key)
