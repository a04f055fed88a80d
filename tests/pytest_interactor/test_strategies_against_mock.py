"""The strategies against the mock itself: for every action of every shipped contract, every
valid draw is accepted with 200, and every invalid draw is rejected with 400 naming the field."""

from __future__ import annotations

import json

import hypothesis.strategies as st
import pytest
from hypothesis import given

from interactor_mock import create_app
from interactor_mock.contracts import default_registry
from pytest_interactor.strategies import action_inputs
from pytest_interactor.strategies import invalid_action_inputs
from tests.property_budget import budget

ACCOUNT = "alice"
GOOGLE = {
    (contract.owner, contract.name): contract.auth.get("provider") == "google"
    and contract.name.endswith("-v1")
    for contract in default_registry().connectors
}
SHIPPED = [
    pytest.param(contract.owner, contract.name, name, id=f"{contract.name}:{name}")
    for contract in default_registry().connectors
    for name in sorted(contract.actions)
]


class Mock:
    """One app, one environment, every shipped connector granted to ACCOUNT."""

    def __init__(self) -> None:
        self.client = create_app().test_client()
        created = self.client.post("/_mock/environments", json={"name": "strategies"})
        assert created.status_code == 201, created.get_json()
        environment = created.get_json()
        self.headers = {"x-api-key": environment["apiKey"]}
        for contract in default_registry().connectors:
            granted = self.client.post(
                f"/_mock/environments/{environment['id']}/grants",
                json={"connector": contract.name, "owner": contract.owner, "account": ACCOUNT},
            )
            assert granted.status_code == 201, granted.get_json()

    def execute(self, owner, connector, action, payload):
        return self.client.post(
            f"/api/v1/connector/{owner}/{connector}/action/{action}/execute?account={ACCOUNT}",
            data=json.dumps(payload),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture(scope="module")
def mock():
    # Module scope: Hypothesis runs many examples per test, and the environment only holds
    # grants, so sharing it between examples and tests is safe.
    return Mock()


def may_not_find(owner, connector, action, response):
    """Valid input may still name an item that does not exist (an id the account does not
    hold): the answer is then an error the contract documents for the action (gmail: 500
    'Requested entity was not found.'), or its resource declaration's ``notFound``."""
    found = default_registry().action(connector, action, owner)
    documented = [(e["status"], e["error"]) for e in found.errors]
    declared = (found.resource or {}).get("notFound")
    if declared:
        documented.append((declared["status"], declared["error"]))
    body = response.get_json() or {}
    return (response.status_code, body.get("error")) in documented


@pytest.mark.parametrize(("owner", "connector", "action"), SHIPPED)
def test_every_valid_draw_is_accepted_by_the_mock(mock, owner, connector, action):
    @budget(default_registry().action(connector, action, owner), 15)
    @given(data=st.data())
    def check(data):
        payload = data.draw(action_inputs(connector, action, owner=owner))
        response = mock.execute(owner, connector, action, payload)
        if may_not_find(owner, connector, action, response):
            return
        assert response.status_code == 200, response.get_json()
        assert "output" in response.get_json()

    check()


@pytest.mark.parametrize(("owner", "connector", "action"), SHIPPED)
def test_every_invalid_draw_is_rejected_with_400_naming_the_field(mock, owner, connector, action):
    @budget(default_registry().action(connector, action, owner), 15)
    @given(data=st.data())
    def check(data):
        bad = data.draw(invalid_action_inputs(connector, action, owner=owner))
        response = mock.execute(owner, connector, action, bad.payload)
        if response.status_code == 200 and GOOGLE.get((owner, connector)):
            # Google's connectors answer an unknown or missing field as Google does, inside
            # output, naming the field (docs/api.md, the input policy)
            output = response.get_json()["output"]
            assert output["status_code"] == 400, (bad, output)
            message = output["body"]["error"]["message"]
            assert f'"{bad.field}"' in message or message.endswith(f": {bad.field}"), (bad, output)
            return
        assert response.status_code == 400, (bad, response.get_json())
        error = response.get_json()["error"]
        if bad.kind == "not_an_object":
            assert "must be a JSON object" in error, (bad, error)
        else:
            assert f"/{bad.field}" in error or f"'{bad.field}'" in error, (bad, error)

    check()
