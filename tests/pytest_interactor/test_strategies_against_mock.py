"""The strategies against the mock itself: for every action of every shipped contract, every
valid draw is answered with an output its contract's output schema accepts (checked by
``jsonschema`` itself, not by the mock's validation code) and, where the action changes a
collection, the change shows in a later call; every invalid draw is rejected with 400 naming
the field.

Each test has an environment of its own (one app for the module), so what a test checks never
depends on what the tests before it created or deleted."""

from __future__ import annotations

import json

import hypothesis.strategies as st
import pytest
from hypothesis import given
from jsonschema import Draft202012Validator

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
    """A fresh environment on a shared app, every shipped connector granted to ACCOUNT."""

    def __init__(self, client) -> None:
        self.client = client
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
def client():
    return create_app().test_client()


@pytest.fixture
def mock(client):
    # Hypothesis' examples of one test share its environment: each example checks only what
    # it did itself (a created item, by its new id).
    return Mock(client)


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


# --- an independent reading of the contracts' resource declarations ------------------------


def path_get(data, path):
    """The value at a dotted path ("" is the whole value), or None."""
    for part in path.split(".") if path else []:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def contains(whole, part):
    """Whether ``whole`` holds every field of ``part`` with the same value (recursively)."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            key in whole and contains(whole[key], value) for key, value in part.items()
        )
    return whole == part


def succeeded(owner, connector, output):
    """Whether an answer is the provider's success: a ``-v1`` Google connector answers its
    provider's status inside the output (a 404 for an unknown id is a 200 of Interactor's)."""
    if not GOOGLE.get((owner, connector)) and not connector.endswith("-v1"):
        return True
    status = output.get("status_code") if isinstance(output, dict) else None
    return status is None or 200 <= status < 300


def sibling(owner, connector, collection, operation):
    """The contract's first action (by name) with ``operation`` on ``collection``."""
    contract = default_registry().connector(connector, owner)
    for name in sorted(contract.actions):
        declared = contract.actions[name].resource or {}
        if declared.get("collection") == collection and declared.get("operation") == operation:
            return name, declared
    return None


def id_field(owner, connector, collection):
    contract = default_registry().connector(connector, owner)
    for action in contract.actions.values():
        declared = action.resource or {}
        if declared.get("collection") == collection and "idField" in declared:
            return declared["idField"]
    return "id"


def read_back(mock, owner, connector, declared, payload, item_id):
    """The collection's get of ``item_id`` (with the parent the call named): its response and
    the item in it, or None when the collection has no get."""
    found = sibling(owner, connector, declared["collection"], "get")
    if found is None:
        return None
    name, get = found
    query = {get["idInput"]: item_id}
    parent = collection_parent(owner, connector, declared["collection"])
    if parent and parent in payload:
        query[parent] = payload[parent]
    response = mock.execute(owner, connector, name, query)
    return response, name, get


def collection_parent(owner, connector, collection):
    """The input naming a collection's parent (a calendar), declared on any of its actions."""
    contract = default_registry().connector(connector, owner)
    for action in contract.actions.values():
        declared = action.resource or {}
        if declared.get("collection") == collection and "parentInput" in declared:
            return declared["parentInput"]
    return None


def created_item(mock, owner, connector, collection, data):
    """Create an item with a drawn valid input of the collection's create: its id and that
    input, or None when the collection has no create."""
    found = sibling(owner, connector, collection, "create")
    if found is None:
        return None
    name, declared = found
    payload = data.draw(action_inputs(connector, name, owner=owner), label=f"{name} input")
    response = mock.execute(owner, connector, name, payload)
    assert response.status_code == 200, response.get_json()
    output = response.get_json()["output"]
    assert succeeded(owner, connector, output), output
    item = path_get(output, declared.get("itemField", ""))
    return item[id_field(owner, connector, collection)], payload


def aim_at_an_existing_item(mock, owner, connector, action, payload, data):
    """For a get, update or delete, half the draws name an item created just before (with the
    create's parent), so that these operations are checked on something that exists; the
    other half keep the drawn id, which names nothing. Returns whether the item exists."""
    declared = default_registry().action(connector, action, owner).resource or {}
    if declared.get("operation") not in ("get", "update", "delete"):
        return False
    if not data.draw(st.booleans(), label="name an item created before"):
        return False
    created = created_item(mock, owner, connector, declared["collection"], data)
    if created is None:
        return False
    item_id, create_payload = created
    payload[declared["idInput"]] = item_id
    parent = collection_parent(owner, connector, declared["collection"])
    if parent:
        if parent in create_payload:
            payload[parent] = create_payload[parent]
        else:
            payload.pop(parent, None)
    return True


def check_effect(mock, owner, connector, action, payload, output, *, exists):
    """A create's item is gettable as answered; an update's item reads back as answered; a
    deleted item is gone; a list answer holds its items as an array; an existing item is
    found by get, update and delete."""
    declared = default_registry().action(connector, action, owner).resource or {}
    operation = declared.get("operation")
    if not operation:
        return
    if exists:
        assert succeeded(owner, connector, output), (payload, output)
    if not succeeded(owner, connector, output):
        return
    if operation == "list":
        items = path_get(output, declared["itemsField"])
        assert isinstance(items, list), (declared["itemsField"], output)
        return
    if operation in ("create", "update", "get"):
        item = path_get(output, declared.get("itemField", ""))
        assert isinstance(item, dict), output
        item_id = item.get(id_field(owner, connector, declared["collection"]))
        assert isinstance(item_id, str), item_id
        assert item_id, item
        if operation != "create":
            assert item_id == payload[declared["idInput"]], (item_id, payload)
        if operation == "get":
            return
        back = read_back(mock, owner, connector, declared, payload, item_id)
        if back is None:
            return
        response, name, get = back
        assert response.status_code == 200, response.get_json()
        got = response.get_json()["output"]
        assert succeeded(owner, connector, got), got
        # What the create or update answered reads back (a provider may answer a create
        # with fewer fields than a get: Gmail's drafts.create answers the message's ids only)
        assert contains(path_get(got, get.get("itemField", "")), item), (got, item)
    elif operation == "delete":
        back = read_back(mock, owner, connector, declared, payload, payload[declared["idInput"]])
        if back is None:
            return
        response, name, get = back
        if response.status_code == 200:
            got = response.get_json()["output"]
            assert not succeeded(owner, connector, got), (name, got)
            assert got["status_code"] == 404, got
        else:
            assert may_not_find(owner, connector, name, response), response.get_json()


@pytest.mark.parametrize(("owner", "connector", "action"), SHIPPED)
def test_every_valid_draw_is_answered_by_the_output_schema(mock, owner, connector, action):
    found = default_registry().action(connector, action, owner)
    validator = Draft202012Validator(
        found.output_schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    )

    @budget(found, 15)
    @given(data=st.data())
    def check(data):
        payload = data.draw(action_inputs(connector, action, owner=owner))
        exists = aim_at_an_existing_item(mock, owner, connector, action, payload, data)
        response = mock.execute(owner, connector, action, payload)
        if not exists and may_not_find(owner, connector, action, response):
            return
        assert response.status_code == 200, response.get_json()
        output = response.get_json()["output"]
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(output)]
        assert errors == [], (payload, output)
        check_effect(mock, owner, connector, action, payload, output, exists=exists)

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
