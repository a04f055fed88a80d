"""Consistency of every declared resource: random create/update/delete/get/list sequences,
run over HTTP against the mock and against a simple model, never diverge.

One ``RuleBasedStateMachine`` per declared collection that can be created into. Inputs are
drawn from the contracts (``pytest_interactor.strategies.action_inputs``), so the machine
also checks that every valid create and update input lands where the declaration says.
"""

from __future__ import annotations

import copy
from datetime import datetime
from datetime import timezone

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis.stateful import Bundle
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import consumes
from hypothesis.stateful import initialize
from hypothesis.stateful import invariant
from hypothesis.stateful import precondition
from hypothesis.stateful import rule

from interactor_mock.config import MockConfig
from interactor_mock.core.engine import Engine
from interactor_mock.core.resources import get_path
from interactor_mock.core.resources import project
from interactor_mock.core.resources import set_path
from interactor_mock.http.app import create_app
from pytest_interactor.strategies import action_inputs

ACCOUNT = "alice@example.com"
PARENT = "primary"
HIDDEN_BY_DEFAULT = {
    ("gmail", "messages"): {"TRASH", "SPAM"},
    ("gmail-v1", "messages"): {"TRASH", "SPAM"},
}
# Calendar's events.list leaves cancelled events out unless showDeleted is true.
CANCELLED_HIDDEN = {("googlecalendar-v1", "events")}

ENGINE = Engine(MockConfig(), clock=lambda: datetime(2026, 11, 27, 12, tzinfo=timezone.utc))
CLIENT = create_app(engine=ENGINE).test_client()
# Coded collections whose create answers Gmail's short form ({id, threadId, labelIds}) rather
# than the stored item, so this generic model does not apply; their own tests cover them
# (tests/interactor_mock/test_search_connectors.py, test_google_accounts.py).
CODED_ANSWERS = {("gmail-v1", "messages"), ("gmail-v1", "drafts")}
CREATABLE = sorted(
    (
        spec
        for spec in ENGINE.resources.catalog.collections.values()
        if spec.first("create") and (spec.connector, spec.name) not in CODED_ANSWERS
    ),
    key=lambda spec: spec.key,
)


def expected_fields(operation, spec, payload):
    """(item path, value) pairs the declaration promises for a create or update input."""
    if operation.input_fields:
        pairs = [(t, get_path(payload, s)) for s, t in operation.input_fields.items()]
        return [(t, v) for t, v in pairs if v is not None]
    skip = {operation.id_input, operation.page_size_input, operation.page_token_input}
    skip |= {spec.parent_input, spec.id_field}
    properties = (spec.item_schema or {}).get("properties", {})
    return [(k, v) for k, v in payload.items() if k in properties and k not in skip]


def machine_for(spec):
    owner, connector = spec.owner, spec.connector
    creator = spec.first("create")
    getter = spec.first("get")
    updater = spec.first("update")
    deleter = spec.first("delete")
    listers = [op for op in spec.operations if op.operation == "list"]
    hidden = HIDDEN_BY_DEFAULT.get((connector, spec.name), set())
    hide_cancelled = (connector, spec.name) in CANCELLED_HIDDEN

    def shown(item):
        if hide_cancelled and item.get("status") == "cancelled":
            return False
        return not set(item.get("labelIds") or ()) & hidden

    class ResourceMachine(RuleBasedStateMachine):
        ids = Bundle("ids")

        @initialize()
        def fresh_environment(self):
            self.environment = ENGINE.environments.create("stateful")
            ENGINE.grant(self.environment, connector, ACCOUNT, owner=owner)
            self.headers = {"x-api-key": self.environment.api_key}
            self.model = {}
            self.order = []

        def teardown(self):
            if hasattr(self, "environment"):
                ENGINE.environments.delete(self.environment.id)

        def execute(self, operation, payload):
            if spec.parent_input:
                payload = {**payload, spec.parent_input: PARENT}
            response = CLIENT.post(
                f"/api/v1/connector/{owner}/{connector}/action/{operation.action.name}"
                f"/execute?account={ACCOUNT}",
                json=payload,
                headers=self.headers,
            )
            body = response.get_json()
            assert response.status_code in (200, 500), body
            return response.status_code, body

        def assert_not_found(self, status, body):
            if status == 200:
                assert body["output"]["status_code"] == 404, body
                assert body["output"]["body"]["error"]["code"] == 404
            else:
                assert body == {"error": spec.not_found["error"]}, body

        def expected_order(self):
            ids = [i for i in self.order if i in self.model]
            return list(reversed(ids)) if spec.order == "newest" else ids

        @rule(target=ids, data=st.data())
        def create(self, data):
            payload = data.draw(action_inputs(connector, creator.action.name, owner=owner))
            status, body = self.execute(creator, payload)
            assert status == 200, body
            item = get_path(body["output"], creator.item_field)
            item_id = get_path(item, spec.id_field)
            assert isinstance(item_id, str)
            assert item_id
            assert item_id not in self.model, "a create reused an id"
            for path, value in expected_fields(creator, spec, payload):
                assert get_path(item, path) == value, (path, item)
            self.model[item_id] = item
            self.order.append(item_id)
            return item_id

        @precondition(lambda self: getter is not None)
        @rule(item_id=ids)
        def get(self, item_id):
            status, body = self.execute(getter, {getter.id_input: item_id})
            if item_id in self.model:
                assert status == 200, body
                assert get_path(body["output"], getter.item_field) == self.model[item_id]
            else:
                self.assert_not_found(status, body)

        @precondition(lambda self: getter is not None)
        @rule(suffix=st.integers(0, 10**6))
        def get_unknown(self, suffix):
            item_id = f"unknown{suffix}"
            status, body = self.execute(getter, {getter.id_input: item_id})
            # Nothing from nowhere: an id never created is not found, fresh account or not.
            self.assert_not_found(status, body)

        @precondition(lambda self: updater is not None)
        @rule(item_id=ids, data=st.data())
        def update(self, item_id, data):
            payload = data.draw(action_inputs(connector, updater.action.name, owner=owner))
            payload[updater.id_input] = item_id
            status, body = self.execute(updater, payload)
            if item_id not in self.model:
                self.assert_not_found(status, body)
                return
            assert status == 200, body
            item = get_path(body["output"], updater.item_field)
            assert get_path(item, spec.id_field) == item_id
            for path, value in expected_fields(updater, spec, payload):
                assert get_path(item, path) == value, (path, item)
            coded = (owner, connector, updater.action.name) in ENGINE.executor.behaviours
            if not coded:
                expected = self.model[item_id]
                for path, value in expected_fields(updater, spec, payload):
                    expected = _set(expected, path, value)
                assert item == expected
            self.model[item_id] = item

        @precondition(lambda self: deleter is not None)
        @rule(item_id=consumes(ids))
        def delete(self, item_id):
            status, body = self.execute(deleter, {deleter.id_input: item_id})
            if item_id in self.model:
                assert status == 200, body
                del self.model[item_id]
            else:
                self.assert_not_found(status, body)

        @precondition(lambda self: deleter is not None)
        @rule(item_id=ids)
        def delete_again(self, item_id):
            if item_id in self.model:
                return
            status, body = self.execute(deleter, {deleter.id_input: item_id})
            self.assert_not_found(status, body)

        @precondition(lambda self: bool(listers))
        @rule(data=st.data())
        def list_pages(self, data):
            lister = data.draw(st.sampled_from(listers))
            size = data.draw(st.integers(1, 4)) if lister.page_token_input else lister.max_page_size
            seen, token, pages = [], None, 0
            while True:
                payload = {lister.page_size_input: size} if lister.page_size_input else {}
                if token:
                    payload[lister.page_token_input] = token
                status, body = self.execute(lister, payload)
                assert status == 200, body
                output = body["output"]
                page = get_path(output, lister.items_field)
                field = lister.next_page_token_field
                token = get_path(output, field) if field else None
                assert len(page) == size if token else len(page) <= size
                seen += page
                pages += 1
                if not token or not lister.page_token_input:
                    break
                assert pages < 500
            visible = [i for i in self.expected_order() if shown(self.model[i])]
            if not lister.page_token_input:
                if lister.next_page_token_field:
                    assert bool(token) == (len(visible) > size)
                visible = visible[:size]
            assert [get_path(i, spec.id_field) for i in seen] == visible
            assert seen == [project(self.model[i], lister.list_fields) for i in visible]

        @invariant()
        def stored_items_match_the_model(self):
            if not hasattr(self, "environment"):
                return
            stored = ENGINE.resources.items(
                self.environment,
                connector,
                spec.name,
                ACCOUNT,
                owner=owner,
                parent=PARENT if spec.parent_input else None,
            )
            assert [get_path(i, spec.id_field) for i in stored] == self.expected_order()
            assert stored == [self.model[i] for i in self.expected_order()]

    ResourceMachine.__name__ = f"Machine_{connector}_{spec.name}"
    return ResourceMachine


def _set(item, path, value):
    return set_path(copy.deepcopy(item), path, copy.deepcopy(value))


@pytest.mark.parametrize("spec", CREATABLE, ids=lambda spec: spec.key)
def test_declared_resource_stays_consistent_with_a_model(spec):
    machine = machine_for(spec)
    machine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    machine.TestCase().runTest()


def test_every_required_resource_is_declared():
    declared = {(spec.connector, spec.name) for spec in CREATABLE}
    assert {
        ("gmail", "drafts"),
        ("gmail", "messages"),
        ("googlecalendar-v1", "events"),
        ("googledrive-v1", "files"),
        ("slack", "messages"),
    } <= declared
