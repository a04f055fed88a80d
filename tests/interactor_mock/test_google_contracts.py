"""The Google -v1 contracts generated from the discovery documents: every method is an action,
and every action is served with an output its contract describes."""

from __future__ import annotations

import json

import pytest

from interactor_mock import create_app
from interactor_mock.contracts import default_registry
from interactor_mock.core.generate import Generator
from interactor_mock.core.generate import seed_for

ACCOUNT = "alice"
#: Method counts of the discovery documents in google-api-python-client 2.202.0.
EXPECTED_ACTIONS = {"gmail-v1": 79, "googlecalendar-v1": 38, "googledrive-v1": 64}
GOOGLE = [
    pytest.param(name, action, id=f"{name}:{action}")
    for name in EXPECTED_ACTIONS
    for action in sorted(default_registry().connector(name).actions)
]
#: Only what is required: the smallest call a client can make.
minimal = Generator(optional_probability=0.0)


def test_every_method_of_the_documents_is_an_action():
    counts = {name: len(default_registry().connector(name).actions) for name in EXPECTED_ACTIONS}
    assert counts == EXPECTED_ACTIONS


@pytest.mark.parametrize(
    "action",
    [
        "gmail.users.messages.list",
        "gmail.users.settings.sendAs.smimeInfo.setDefault",
        "calendar.events.quickAdd",
        "calendar.colors.get",
        "drive.files.list",
        "drive.approvals.start",
    ],
)
def test_actions_are_named_by_google_method_ids(action):
    connector = {"gmail": "gmail-v1", "calendar": "googlecalendar-v1", "drive": "googledrive-v1"}
    assert action in default_registry().connector(connector[action.split(".")[0]]).actions


def test_documented_deprecated_parameters_are_accepted():
    quick_add = default_registry().action("googlecalendar-v1", "calendar.events.quickAdd")
    payload = {"calendarId": "primary", "text": "Lunch tomorrow at 1pm", "sendNotifications": False}
    assert quick_add.input_problems(payload) == []


def test_body_fields_are_inputs_beside_the_parameters():
    insert = default_registry().action("googlecalendar-v1", "calendar.events.insert")
    names = [variable["title"] for variable in insert.variables]
    assert names[:2] == ["calendarId", "conferenceDataVersion"]
    assert {"summary", "start", "end", "attendees", "sendUpdates", "fields"} <= set(names)
    assert sorted(insert.required_inputs) == ["calendarId", "end", "start"]


def test_a_body_field_named_like_a_path_parameter_is_one_input():
    update = default_registry().action("gmail-v1", "gmail.users.labels.update")
    names = [variable["title"] for variable in update.variables]
    assert names.count("id") == 1
    assert "id" in update.required_inputs


def test_enums_formats_and_defaults_come_from_the_documents():
    get = default_registry().action("gmail-v1", "gmail.users.messages.get")
    format_input = get.input_schema["properties"]["format"]
    assert format_input["enum"] == ["minimal", "full", "raw", "metadata"]
    assert format_input["default"] == "full"
    listing = default_registry().action("googlecalendar-v1", "calendar.events.list")
    assert listing.input_schema["properties"]["timeMin"]["format"] == "date-time"
    assert listing.input_schema["properties"]["maxResults"]["default"] == 250


def test_a_schema_that_contains_itself_is_described_one_level_deeper():
    data_types = default_registry().connector("gmail-v1").data_types
    assert data_types["MessagePart"]["properties"]["parts"]["items"] == {
        "x-dataType": "MessagePartNested"
    }
    nested_parts = data_types["MessagePartNested"]["properties"]["parts"]["items"]
    assert nested_parts["type"] == "object"
    assert "x-dataType" not in nested_parts


def test_provenance_names_the_document_its_revision_and_the_package():
    for name, revision in (("gmail-v1", "20261005"), ("googlecalendar-v1", "20261030")):
        sources = default_registry().connector(name).provenance["sources"]
        refs = [s["ref"] for s in sources if "discovery document" in s["ref"]]
        assert len(refs) == 1, sources
        assert f"revision {revision}" in refs[0]
        assert "google-api-python-client 2.202.0" in refs[0]


class Mock:
    def __init__(self) -> None:
        self.client = create_app().test_client()
        created = self.client.post("/_mock/environments", json={"name": "google"})
        environment = created.get_json()
        self.headers = {"x-api-key": environment["apiKey"]}
        for name in EXPECTED_ACTIONS:
            granted = self.client.post(
                f"/_mock/environments/{environment['id']}/grants",
                json={"connector": name, "account": ACCOUNT},
            )
            assert granted.status_code == 201, granted.get_json()

    def execute(self, connector, action, payload):
        return self.client.post(
            f"/api/v1/connector/interactor/{connector}/action/{action}/execute?account={ACCOUNT}",
            data=json.dumps(payload),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture(scope="module")
def mock():
    return Mock()


@pytest.mark.parametrize(("connector", "action"), GOOGLE)
def test_every_action_is_served_with_a_minimal_input(mock, connector, action):
    found = default_registry().action(connector, action)
    payload = minimal.generate(found.input_schema, seed=seed_for(connector, action))
    assert set(payload) == set(found.required_inputs)
    assert found.input_problems(payload) == []
    response = mock.execute(connector, action, payload)
    assert response.status_code == 200, response.get_json()
    output = response.get_json()["output"]
    assert isinstance(output["status_code"], int)
    assert not isinstance(output["status_code"], bool)
    assert found.output_problems(output) == []
