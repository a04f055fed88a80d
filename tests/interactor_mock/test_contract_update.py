"""Recordings merged into contracts: widened schemas, new examples, provenance, diffs."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from datetime import timedelta

import pytest
import requests

from interactor_mock import MockServer
from interactor_mock.cli import main
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import canonical_json
from interactor_mock.contracts import default_contracts_dir
from interactor_mock.tooling.record import Recording
from interactor_mock.tooling.record import RecordingProxy
from interactor_mock.tooling.record import load_recordings
from interactor_mock.tooling.update import infer_schema
from interactor_mock.tooling.update import last_recorded
from interactor_mock.tooling.update import merge_types
from interactor_mock.tooling.update import stale_contracts
from interactor_mock.tooling.update import update_contracts
from interactor_mock.tooling.verify import Verifier
from tests.interactor_mock.drifted_api import EXTRA_FIELD_VALUE
from tests.interactor_mock.drifted_api import start_real_api

RECORDED = date.today() - timedelta(days=10)
TODAY = RECORDED + timedelta(days=1)


@pytest.fixture(scope="module")
def real_api(tmp_path_factory):
    api = start_real_api(tmp_path_factory.mktemp("drifted"))
    yield api
    api.server.stop()


@pytest.fixture(scope="module")
def recordings(real_api, tmp_path_factory):
    """What `record` writes for four calls to the drifted API (one answered 429)."""
    out = tmp_path_factory.mktemp("recordings")
    proxy = RecordingProxy(
        real_api.base_url,
        api_key=real_api.api_key,
        out_dir=out,
        account=real_api.account,
        clock=lambda: RECORDED,
    )
    calls = {
        "email.list": {"labelIds": ["INBOX"], "maxResults": 2},
        "email.draft.list": {"maxResults": 10},
        "email.get.batch": {"limit": 2},
        "email.attachment.get": {"message_id": "18c2f0a1b2c3d4e7", "attachment_id": "A1"},
    }
    with MockServer(app=proxy.app) as server:
        for action, payload in calls.items():
            requests.post(
                f"{server.base_url}/connector/interactor/gmail/action/{action}/execute",
                json=payload,
                timeout=10,
            )
    return out


@pytest.fixture
def contracts(tmp_path):
    """A copy of the shipped gmail contract, to update."""
    root = tmp_path / "contracts"
    (root / "interactor").mkdir(parents=True)
    shutil.copy(default_contracts_dir() / "interactor" / "gmail.json", root / "interactor")
    return root


def resolved_output(root, action):
    return ContractRegistry.load(root).action("gmail", action).output_schema


def test_record_then_update_widens_the_contract_where_the_api_drifted(recordings, contracts):
    result = update_contracts(load_recordings(recordings), contracts, today=TODAY)
    assert result.written
    assert result.errors == []
    assert result.skipped == [
        f"{p.name}: status 429, not 200 (errors are not examples)"
        for p in sorted(recordings.rglob("email.attachment.get.*.json"))
    ]
    (update,) = result.files
    changes = "\n".join(update.changes)
    assert re.search(
        r"/historyId: added \{\"type\": \"string\"\} \(recorded at /messages/0/", changes
    )
    assert re.search(
        r"/resultSizeEstimate/type: \"integer\" -> \[\"integer\", \"string\"\] "
        r"\(recorded \"2\" at /resultSizeEstimate\)",
        changes,
    )
    assert re.search(r"/required: - 'nextPageToken' \(absent from a recorded answer", changes)
    assert (
        f"/provenance/sources: + recording 'interactor-mock recording: email.draft.list, "
        f"email.get.batch, email.list' dated {RECORDED.isoformat()}" in changes
    )
    assert update.left == []

    listed = resolved_output(contracts, "email.list")
    assert listed["properties"]["messages"]["items"]["properties"]["historyId"] == {
        "type": "string"
    }
    drafts = resolved_output(contracts, "email.draft.list")
    assert drafts["properties"]["resultSizeEstimate"]["type"] == ["integer", "string"]
    batch = resolved_output(contracts, "email.get.batch")
    assert "nextPageToken" not in batch["required"]

    data = json.loads((contracts / "interactor" / "gmail.json").read_text(encoding="utf-8"))
    assert {
        "kind": "recording",
        "ref": "interactor-mock recording: email.draft.list, email.get.batch, email.list",
        "date": RECORDED.isoformat(),
    } in data["provenance"]["sources"]
    for action in ("email.list", "email.draft.list", "email.get.batch"):
        recorded = [e for e in data["actions"][action]["examples"] if e["source"] == "recording"]
        assert len(recorded) == 1, action
        assert recorded[0]["recordedAt"] == RECORDED.isoformat()
    # The file stays canonical, and the diff shows every change.
    text = (contracts / "interactor" / "gmail.json").read_text(encoding="utf-8")
    assert text == canonical_json(data) == update.after
    diff = update.diff.splitlines()
    assert diff[:2] == ["--- a/interactor/gmail.json", "+++ b/interactor/gmail.json"]
    assert any(re.fullmatch(r'\+\s+"historyId": \{', line) for line in diff)
    assert any(re.fullmatch(r'-\s+"nextPageToken",?', line) for line in diff)
    assert any(re.fullmatch(r'\+\s+"kind": "recording",', line) for line in diff)
    assert f'"recordedAt": "{RECORDED.isoformat()}"' in update.diff


def test_after_the_update_verify_finds_only_the_drift_a_recording_cannot_fix(
    recordings, contracts, real_api
):
    update_contracts(load_recordings(recordings), contracts, today=TODAY)
    verifier = Verifier(
        ContractRegistry.load(contracts),
        base_url=real_api.base_url,
        api_key=real_api.api_key,
        account=real_api.account,
    )
    report = verifier.run(verifier.select())
    drifted = {r.action: [d.kind for d in r.differences] for r in report.results if r.differences}
    assert drifted == {"email.attachment.get": ["unexpected-status"]}


def test_the_recorded_example_is_what_the_mock_answers_then(recordings, contracts):
    update_contracts(load_recordings(recordings), contracts, today=TODAY)
    action = ContractRegistry.load(contracts).action("gmail", "email.list")
    example = next(e for e in action.examples if e["source"] == "recording")
    assert example["input"] == {"labelIds": ["INBOX"], "maxResults": 2}
    # Volatile ids were normalised before writing: the recorded id is not the API's.
    first = example["output"]["messages"][0]
    assert "historyId" in first
    assert first["historyId"] != EXTRA_FIELD_VALUE or len(EXTRA_FIELD_VALUE) < 8


def test_updating_twice_with_the_same_recordings_changes_nothing(recordings, contracts):
    update_contracts(load_recordings(recordings), contracts, today=TODAY)
    again = update_contracts(load_recordings(recordings), contracts, today=TODAY)
    assert [f.changed for f in again.files] == [False]
    assert again.files[0].changes == []


def test_a_dry_run_reports_the_diff_and_writes_nothing(recordings, contracts, capsys):
    before = (contracts / "interactor" / "gmail.json").read_text(encoding="utf-8")
    status = main(
        [
            "contracts",
            "update",
            "--from-recordings",
            str(recordings),
            "--contracts",
            str(contracts),
            "--dry-run",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert (contracts / "interactor" / "gmail.json").read_text(encoding="utf-8") == before
    assert "interactor/gmail.json: 3 recording(s)" in out
    assert "--- a/interactor/gmail.json" in out
    assert "dry run: 1 file(s) would change" in out


def test_the_update_command_writes_and_says_so(recordings, contracts, capsys):
    status = main(
        ["contracts", "update", "--from-recordings", str(recordings), "--contracts", str(contracts)]
    )
    assert status == 0
    assert f"1 file(s) updated in {contracts}" in capsys.readouterr().out


def test_the_update_command_names_a_missing_recordings_directory(tmp_path, capsys):
    status = main(["contracts", "update", "--from-recordings", str(tmp_path / "nope")])
    assert status == 2
    assert "recordings directory not found" in capsys.readouterr().err


def test_check_max_age_flags_contracts_not_recorded_recently(recordings, contracts, capsys):
    update_contracts(load_recordings(recordings), contracts, today=TODAY)
    assert main(["contracts", "check", "--contracts", str(contracts), "--max-age", "30"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "ok: no contract recorded more than 30 days ago"
    )
    assert main(["contracts", "check", "--contracts", str(contracts), "--max-age", "5"]) == 1
    err = capsys.readouterr().err
    assert (
        f"stale: interactor/gmail.json: last recorded {RECORDED.isoformat()}, 10 days ago "
        "(max age 5 days)" in err
    )


def test_a_contract_never_recorded_is_stale(tmp_path):
    stale = stale_contracts(default_contracts_dir(), 365, today=TODAY)
    shown = {s.shown for s in stale}
    assert "interactor/slack.json" in shown
    slack = next(s for s in stale if s.shown == "interactor/slack.json")
    assert slack.line(365) == (
        "interactor/slack.json: never recorded from the real API (max age 365 days)"
    )


def test_the_last_recording_is_the_latest_source_or_recorded_example():
    data = {
        "provenance": {"sources": [{"kind": "recording", "ref": "r", "date": "2026-01-02"}]},
        "actions": {
            "a": {"examples": [{"source": "recording", "recordedAt": "2026-03-04"}]},
            "b": {"examples": [{"source": "inferred"}]},
        },
    }
    assert last_recorded(data) == date(2026, 3, 4)
    assert last_recorded({"provenance": {"sources": []}, "actions": {}}) is None


# -- widening rules on a small contract -----------------------------------------------------


def small_contract():
    return {
        "formatVersion": 1,
        "owner": "acme",
        "name": "crm",
        "title": "CRM",
        "auth": {"type": "apiKey", "provider": "acme", "scopes": []},
        "provenance": {
            "sources": [{"kind": "public-docs", "ref": "docs", "date": "2026-01-01"}],
            "inferred": ["/dataTypes/Person/required"],
        },
        "dataTypes": {
            "Person": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "tier": {"enum": ["free", "pro"]},
                    "contact": {
                        "anyOf": [
                            {"type": "string"},
                            {"type": "object", "properties": {"phone": {"type": "string"}}},
                        ]
                    },
                    "site": {"type": "string", "format": "email"},
                },
                "required": ["id", "name"],
            }
        },
        "actions": {
            "person.get": {
                "label": {"en": "get a person"},
                "safe": True,
                "schema": {
                    "variables": [{"title": "id", "type": "string", "x-required": True}],
                    "output": {"x-dataType": "Person"},
                },
                "examples": [
                    {
                        "name": "one",
                        "input": {"id": "p1"},
                        "output": {"id": "p1", "name": "Ann"},
                        "source": "inferred",
                    }
                ],
            }
        },
    }


def write_small(tmp_path):
    root = tmp_path / "contracts"
    (root / "acme").mkdir(parents=True)
    (root / "acme" / "crm.json").write_text(canonical_json(small_contract()), encoding="utf-8")
    return root


def recording(tmp_path, output, *, input=None, status=200, action="person.get", kind="execute"):
    return Recording(
        tmp_path / f"{action}.json",
        {
            "formatVersion": 1,
            "kind": kind,
            "connector": "acme/crm",
            "action": action,
            "recordedAt": "2026-02-03",
            "request": {"body": input if input is not None else {"id": "p1"}},
            "response": {"status": status, "body": {"output": output}},
        },
    )


def test_changes_land_in_the_shared_data_type_and_keep_inferred_pointers_valid(tmp_path):
    root = write_small(tmp_path)
    result = update_contracts(
        [recording(tmp_path, {"id": "p1", "tier": "enterprise", "extra": {"a": [1, 2.5]}})],
        root,
    )
    assert result.errors == []
    (update,) = result.files
    assert update.changes[:3] == [
        "/dataTypes/Person/required: - 'name' (absent from a recorded answer at /name)",
        '/dataTypes/Person/properties/tier/enum: + "enterprise" (recorded at /tier)',
        "/dataTypes/Person/properties/extra: added "
        '{"type": "object", "properties": {"a": {"type": "array", "items": {"type": "number"}}}} '
        "(recorded at /extra)",
    ]
    assert (
        update.changes[3]
        == "/actions/person.get/examples/0: output replaced by the recording of 2026-02-03"
    )
    data = json.loads((root / "acme" / "crm.json").read_text(encoding="utf-8"))
    assert data["dataTypes"]["Person"]["required"] == ["id"]
    assert data["actions"]["person.get"]["examples"][0]["source"] == "recording"


def test_within_any_of_the_matching_branch_is_widened(tmp_path):
    root = write_small(tmp_path)
    result = update_contracts(
        [recording(tmp_path, {"id": "p1", "name": "Ann", "contact": {"phone": "1", "fax": "2"}})],
        root,
    )
    assert result.files[0].changes[0] == (
        '/dataTypes/Person/properties/contact/anyOf/1/properties/fax: added {"type": "string"} '
        "(recorded at /contact/fax)"
    )


def test_a_constraint_no_rule_widens_is_left_for_a_person(tmp_path):
    root = write_small(tmp_path)
    result = update_contracts(
        [recording(tmp_path, {"id": "p1", "name": "Ann", "site": "not an address"})], root
    )
    (update,) = result.files
    assert len(update.left) == 1
    assert update.left[0].startswith("person.get invalid-value")
    assert "/site" in update.left[0]


def test_an_input_the_contract_rejects_is_reported_not_made_an_example(tmp_path):
    root = write_small(tmp_path)
    result = update_contracts(
        [recording(tmp_path, {"id": "p2", "name": "Bo"}, input={"id": "p2", "nope": 1})], root
    )
    (update,) = result.files
    assert "the API accepted an input the contract rejects" in update.left[0]
    data = json.loads((root / "acme" / "crm.json").read_text(encoding="utf-8"))
    assert len(data["actions"]["person.get"]["examples"]) == 1


def test_recordings_that_are_not_successful_known_calls_are_skipped(tmp_path):
    root = write_small(tmp_path)
    result = update_contracts(
        [
            recording(tmp_path, None, status=500),
            recording(tmp_path, {"id": "p1"}, action="person.delete"),
            recording(tmp_path, "https://x", kind="auth-url"),
        ],
        root,
    )
    assert result.skipped == [
        "person.get.json: status 500, not 200 (errors are not examples)",
        "person.delete.json: acme/crm has no action 'person.delete' "
        "(add it to the contract by hand)",
        "person.get.json: not an action call",
    ]


def test_a_new_example_gets_a_stable_name(tmp_path):
    root = write_small(tmp_path)
    update_contracts([recording(tmp_path, {"id": "p9", "name": "Cy"}, input={"id": "p9"})], root)
    data = json.loads((root / "acme" / "crm.json").read_text(encoding="utf-8"))
    added = data["actions"]["person.get"]["examples"][1]
    assert re.fullmatch(r"recorded 2026-02-03 [0-9a-f]{8}", added["name"])
    assert added["recordedAt"] == "2026-02-03"


def test_inferred_schemas_require_nothing_and_types_merge_with_genson():
    assert infer_schema([{"a": 1, "b": {"c": "x"}}]) == {
        "type": "object",
        "properties": {
            "a": {"type": "integer"},
            "b": {"type": "object", "properties": {"c": {"type": "string"}}},
        },
    }
    assert merge_types(["integer"], "3") == ["integer", "string"]
    assert merge_types(["string"], None) == ["null", "string"]
    assert merge_types(["string"], {"a": 1}) == ["object", "string"]
