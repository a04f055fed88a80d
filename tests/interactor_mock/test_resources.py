"""Declared resources: compiled declarations, collections that hold only what is stored,
paging, ids, provider errors, isolation, the coded Drive and Slack collections, the control API."""

from __future__ import annotations

import copy
import json

import pytest

from interactor_mock.contracts import Contract
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import default_registry
from interactor_mock.core.resources import PROVIDER_ERROR_TITLE
from interactor_mock.core.resources import ResourceCatalog
from interactor_mock.core.resources import copy_json
from interactor_mock.core.resources import decode_token
from interactor_mock.core.resources import encode_token
from interactor_mock.core.resources import get_path
from interactor_mock.core.resources import is_provider_shaped
from interactor_mock.core.resources import project
from interactor_mock.core.resources import provider_error_output
from interactor_mock.core.resources import set_path
from interactor_mock.core.resources import success_schema
from interactor_mock.core.resources.paths import deep_merge
from interactor_mock.core.resources.paths import delete_path
from interactor_mock.core.resources.schema import allows_null
from interactor_mock.core.resources.schema import schema_at
from interactor_mock.errors import ContractError

DRAFT = {"to": ["bob@example.com"], "subject": "Lunch?", "body": "Noon?"}


@pytest.fixture
def run(client, engine, dev, headers):
    for connector in ("gmail", "googledrive-v1", "googlecalendar-v1", "slack", "gmail-v1"):
        engine.grant(dev, connector, "alice")

    def execute(connector, action, payload=None, *, account="alice", key=None):
        response = client.post(
            f"/api/v1/connector/{connector}/action/{action}/execute?account={account}",
            json=payload or {},
            headers={"x-api-key": key} if key else headers,
        )
        return response.status_code, response.get_json()

    return execute


def ok(result):
    status, body = result
    assert status == 200, body
    return body["output"]


# --- declarations -----------------------------------------------------------------------------


def gmail_with(change):
    data = json.loads(default_registry().connector("gmail").path.read_text())
    change(data["actions"])
    return ContractRegistry([Contract.from_data(data, file="interactor/gmail.json")])


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [
        (
            lambda a: a["email.get"]["resource"].update(idInput="messageId"),
            "/actions/email.get/resource/idInput",
            "'messageId' is not an input of email.get",
        ),
        (
            lambda a: a["email.get"]["resource"].pop("idInput"),
            "/actions/email.get/resource/idInput",
            "a get operation needs idInput",
        ),
        (
            lambda a: a["email.draft.update"]["resource"].pop("idInput"),
            "/actions/email.draft.update/resource/idInput",
            "a update operation needs idInput",
        ),
        (
            lambda a: a["email.delete"]["resource"].pop("idInput"),
            "/actions/email.delete/resource/idInput",
            "a delete operation needs idInput",
        ),
        (
            lambda a: a["email.list"]["resource"].update(parentInput="folder"),
            "/actions/email.list/resource/parentInput",
            "'folder' is not an input of email.list",
        ),
        (
            lambda a: a["email.list"]["resource"].pop("itemsField"),
            "/actions/email.list/resource/itemsField",
            "a list operation needs itemsField",
        ),
        (
            lambda a: a["email.list"]["resource"].update(itemsField="nextPageToken"),
            "/actions/email.list/resource/itemsField",
            "'nextPageToken' is not an array of the output",
        ),
        (
            lambda a: a["email.list"]["resource"].update(order="oldest"),
            "/actions/email.send/resource/order",
            "collection 'messages' has order 'oldest' in another action",
        ),
        (
            lambda a: a["email.send"]["resource"].update(inputFields={"too": "x"}),
            "/actions/email.send/resource/inputFields/too",
            "'too' is not an input of email.send",
        ),
        (
            lambda a: a["email.get"]["resource"].update(itemField="nothing"),
            "/actions/email.get/resource/itemField",
            "'nothing' is not a field of the output",
        ),
        (
            lambda a: a["email.send"]["resource"].update(itemField="nothing"),
            "/actions/email.send/resource/itemField",
            "'nothing' is not a field of the output",
        ),
        (
            lambda a: a["email.draft.update"]["resource"].update(itemField="nothing"),
            "/actions/email.draft.update/resource/itemField",
            "'nothing' is not a field of the output",
        ),
    ],
)
def test_a_bad_declaration_fails_at_load_naming_file_and_pointer(change, pointer, message):
    with pytest.raises(ContractError) as raised:
        ResourceCatalog(gmail_with(change))
    assert raised.value.path == "interactor/gmail.json"
    assert raised.value.pointer == pointer
    assert str(raised.value) == f"interactor/gmail.json: at {pointer}: {message}"


def test_provider_error_branches_are_never_generated():
    for contract in default_registry():
        for action in contract.actions.values():
            text = json.dumps(success_schema(action.output_schema))
            assert PROVIDER_ERROR_TITLE not in text
    schema = default_registry().action("googledrive-v1", "drive.files.get").output_schema
    assert PROVIDER_ERROR_TITLE in json.dumps(schema)


def test_every_v1_action_accepts_a_provider_error():
    for contract in default_registry():
        if contract.name.endswith("-v1"):
            for action in contract.actions.values():
                error = {"status_code": 404, "body": {"error": {"code": 404, "message": "x"}}}
                assert action.output_problems(error) == [], action.key


def test_page_tokens_round_trip_and_reject_strangers():
    assert decode_token(encode_token(42)) == 42
    for bad in ("", "!!", "bm9wZQ", encode_token(3, "o1:")):
        with pytest.raises(ValueError, match="not a page token"):
            decode_token(bad)


# --- nothing from nowhere ----------------------------------------------------------------------


NOT_FOUND = (500, {"error": "Requested entity was not found."})


def test_a_fresh_accounts_collections_are_empty_and_invent_nothing(run):
    assert ok(run("gmail", "email.list"))["messages"] == []
    assert ok(run("gmail", "email.draft.list"))["drafts"] == []
    assert run("gmail", "email.get", {"message_id": "abc123"}) == NOT_FOUND
    assert run("gmail", "email.delete", {"message_id": "abc123"}) == NOT_FOUND
    assert run("gmail", "email.draft.update", {"draft_id": "r1", "body": "x"}) == NOT_FOUND
    assert ok(run("gmail", "email.list"))["messages"] == []  # a miss stores nothing


def test_a_collection_holds_exactly_what_was_created(run):
    sent = ok(run("gmail", "email.send", DRAFT))
    listed = ok(run("gmail", "email.list"))["messages"]
    assert [m["id"] for m in listed] == [sent["id"]]
    assert ok(run("gmail", "email.get", {"message_id": sent["id"]}))["id"] == sent["id"]
    assert run("gmail", "email.get", {"message_id": "other"}) == NOT_FOUND


def test_a_deleted_item_is_gone_and_a_second_delete_is_not_found(run):
    sent = ok(run("gmail", "email.send", DRAFT))
    ok(run("gmail", "email.delete", {"message_id": sent["id"]}))
    assert run("gmail", "email.get", {"message_id": sent["id"]}) == NOT_FOUND
    assert run("gmail", "email.delete", {"message_id": sent["id"]}) == NOT_FOUND
    assert ok(run("gmail", "email.list"))["messages"] == []


def test_a_draft_is_created_read_updated_listed_and_deleted(run):
    draft = ok(run("gmail", "email.draft.create", DRAFT))
    assert draft["message"]["message_info"]["subject"] == "Lunch?"
    assert ok(run("gmail", "email.draft.get", {"draft_id": draft["id"]})) == draft
    updated = ok(run("gmail", "email.draft.update", {"draft_id": draft["id"], "body": "1pm"}))
    assert updated["message"]["message_info"]["body"] == "1pm"
    listed = ok(run("gmail", "email.draft.list"))
    message = {"id": draft["message"]["id"], "threadId": draft["message"]["threadId"]}
    assert listed["drafts"] == [{"id": draft["id"], "message": message}]
    assert (listed["nextPageToken"], listed["resultSizeEstimate"]) == (None, 1)
    assert ok(run("gmail", "email.draft.delete", {"draft_id": draft["id"]})) == "success"
    assert run("gmail", "email.draft.get", {"draft_id": draft["id"]}) == (
        500,
        {"error": "Requested entity was not found."},
    )


def test_a_second_identical_create_makes_a_second_item(run):
    first = ok(run("gmail", "email.draft.create", DRAFT))
    second = ok(run("gmail", "email.draft.create", DRAFT))
    assert first["id"] != second["id"]
    assert len(ok(run("gmail", "email.draft.list"))["drafts"]) == 2


def test_a_drive_file_round_trip_with_provider_404(run):
    created = ok(
        run("googledrive-v1", "drive.files.create", {"name": "Plan", "mimeType": "text/plain"})
    )
    file = created["body"]
    assert (file["name"], file["mimeType"]) == ("Plan", "text/plain")
    assert len(file["id"]) == 33
    renamed = ok(
        run("googledrive-v1", "drive.files.update", {"fileId": file["id"], "name": "Plan 2"})
    )
    assert renamed["body"] == {**file, "name": "Plan 2"}
    assert ok(run("googledrive-v1", "drive.files.delete", {"fileId": file["id"]})) == {
        "status_code": 204,
        "body": None,
    }
    gone = ok(run("googledrive-v1", "drive.files.get", {"fileId": file["id"]}))
    assert gone["status_code"] == 404
    assert gone["body"]["error"]["message"] == f"File not found: {file['id']}."
    assert gone["body"]["error"]["status"] == "NOT_FOUND"


def test_drive_lists_page_and_omit_the_token_on_the_last_page(run):
    ids = [
        ok(run("googledrive-v1", "drive.files.create", {"name": f"f{i}"}))["body"]["id"]
        for i in range(5)
    ]
    first = ok(run("googledrive-v1", "drive.files.list", {"pageSize": 3}))["body"]
    assert [f["id"] for f in first["files"]] == ids[:3]
    second = ok(
        run(
            "googledrive-v1",
            "drive.files.list",
            {"pageSize": 3, "pageToken": first["nextPageToken"]},
        )
    )["body"]
    assert [f["id"] for f in second["files"]] == ids[3:]
    assert "nextPageToken" not in second


def test_a_page_size_of_one_answers_one_item_per_page(run):
    # Caught before only by a Hypothesis test: `pageSize: 1` must not fall back to the default.
    ids = [
        ok(run("googledrive-v1", "drive.files.create", {"name": f"f{i}"}))["body"]["id"]
        for i in range(3)
    ]
    seen, token = [], None
    for _ in range(3):
        payload = {"pageSize": 1, **({"pageToken": token} if token else {})}
        page = ok(run("googledrive-v1", "drive.files.list", payload))["body"]
        assert len(page["files"]) == 1
        seen += [f["id"] for f in page["files"]]
        token = page.get("nextPageToken")
    assert seen == ids
    assert token is None


def test_gmail_max_results_of_one_answers_one_message(engine, dev, run):
    engine.seeds.apply(dev, {"accounts": {"alice": {"gmail": {"messages": 3}}}})
    listed = ok(run("gmail", "email.list", {"maxResults": 1}))
    assert len(listed["messages"]) == 1
    assert listed["nextPageToken"]


def test_a_v1_bad_page_token_is_a_400_in_the_output(run):
    ok(run("googledrive-v1", "drive.files.create", {"name": "x"}))
    out = ok(run("googledrive-v1", "drive.files.list", {"pageToken": "junk"}))
    assert out["status_code"] == 400
    assert out["body"]["error"]["status"] == "INVALID_ARGUMENT"


def test_drive_copy_makes_a_new_file(run):
    original = ok(run("googledrive-v1", "drive.files.create", {"name": "Budget"}))["body"]
    copied = ok(run("googledrive-v1", "drive.files.copy", {"fileId": original["id"]}))["body"]
    assert copied["id"] != original["id"]
    assert copied["name"] == "Copy of Budget"
    named = ok(run("googledrive-v1", "drive.files.copy", {"fileId": original["id"], "name": "B2"}))
    assert named["body"]["name"] == "B2"
    listed = ok(run("googledrive-v1", "drive.files.list"))["body"]["files"]
    assert len(listed) == 3


def test_a_deleted_file_cannot_be_copied(run):
    file = ok(run("googledrive-v1", "drive.files.create", {"name": "x"}))["body"]
    ok(run("googledrive-v1", "drive.files.delete", {"fileId": file["id"]}))
    assert (
        ok(run("googledrive-v1", "drive.files.copy", {"fileId": file["id"]}))["status_code"] == 404
    )


def test_gmail_v1_drafts_keep_their_raw_message(run):
    created = ok(run("gmail-v1", "gmail.users.drafts.create", {"message": {"raw": "UmF3"}}))
    listed = ok(run("gmail-v1", "gmail.users.drafts.list"))["body"]
    fetched = ok(
        run("gmail-v1", "gmail.users.drafts.get", {"id": created["body"]["id"], "format": "raw"})
    )
    assert fetched["body"]["message"]["raw"] == "UmF3"
    assert created["body"]["message"]["labelIds"] == ["DRAFT"]
    assert listed["drafts"][0]["id"] == created["body"]["id"]
    assert listed["resultSizeEstimate"] == 1


# --- isolation --------------------------------------------------------------------------------


def test_collections_are_per_account_and_per_environment(run, engine):
    engine.grant(engine.default_environment, "gmail", "bob")
    ok(run("gmail", "email.draft.create", DRAFT))
    assert engine.resources.items(engine.default_environment, "gmail", "drafts", "bob") == []
    other = engine.environments.create("other")
    engine.grant(other, "gmail", "alice")
    assert engine.resources.items(other, "gmail", "drafts", "alice") == []
    assert len(engine.resources.items(engine.default_environment, "gmail", "drafts", "alice")) == 1


def test_resetting_an_environment_forgets_its_resources(run, engine, dev):
    sent = ok(run("gmail", "email.send", DRAFT))
    before = engine.resources.items(dev, "gmail", "messages", "alice")
    assert [m["id"] for m in before] == [sent["id"]]
    engine.environments.reset(dev.id)
    assert engine.resources.items(dev, "gmail", "messages", "alice") == []


# --- slack --------------------------------------------------------------------------------------


def test_slack_messages_are_kept_with_unique_ts(run, engine, dev):
    first = ok(run("slack", "message.send", {"channel": "C1", "text": "hi"}))
    second = ok(run("slack", "message.send", {"channel": "C1", "text": "hi"}))
    assert first["ts"] != second["ts"]
    assert first["message"]["ts"] == first["ts"]
    stored = engine.resources.items(dev, "slack", "messages", "alice")
    assert [m["message"]["text"] for m in stored] == ["hi", "hi"]


def test_slack_checks_channels_once_they_are_seeded(run, engine, dev):
    engine.seeds.apply(dev, {"accounts": {"alice": {"slack": {"channels": [{"name": "general"}]}}}})
    posted = ok(run("slack", "message.send", {"channel": "#general", "text": "hello"}))
    assert posted["channel"].startswith("C")
    assert run("slack", "message.send", {"channel": "nope", "text": "x"}) == (
        500,
        {"error": "channel_not_found"},
    )


def test_slack_user_list_pages_seeded_users(run, engine, dev):
    engine.seeds.apply(dev, {"accounts": {"alice": {"slack": {"users": 5}}}})
    assert len(ok(run("slack", "user.list", {"limit": 2}))["members"]) == 2
    assert len(ok(run("slack", "user.list"))["members"]) == 5


# --- control API --------------------------------------------------------------------------------


def test_the_control_api_lists_and_clears_an_accounts_items(run, client, dev):
    draft = ok(run("gmail", "email.draft.create", DRAFT))
    base = f"/_mock/environments/{dev.id}/resources"
    collections = client.get(base).get_json()["collections"]
    assert {
        "connector": "interactor/gmail",
        "collection": "drafts",
        "account": "alice",
        "parent": None,
        "closed": True,
        "items": 1,
    } in collections
    items = client.get(f"{base}/interactor/gmail/drafts?account=alice").get_json()
    assert items["items"] == [draft]
    assert items["closed"] is True
    assert client.delete(f"{base}/interactor/gmail/drafts?account=alice").status_code == 204
    assert client.get(f"{base}/interactor/gmail/drafts?account=alice").get_json()["items"] == []


def test_the_control_api_names_unknown_collections_and_missing_accounts(client, dev):
    base = f"/_mock/environments/{dev.id}/resources/interactor/gmail"
    unknown = client.get(f"{base}/mails?account=a")
    assert unknown.status_code == 404
    assert unknown.get_json()["known_collections"] == ["drafts", "messages"]
    assert client.get(f"{base}/drafts").status_code == 400


def test_output_is_still_checked_against_the_contract(run, engine):
    engine.executor.register(
        "interactor", "gmail", "email.draft.get", lambda call: copy.deepcopy({"id": 5})
    )
    assert run("gmail", "email.draft.get", {"draft_id": "x"})[0] == 500


def test_concurrent_creates_all_land(live, engine, dev):
    from concurrent.futures import ThreadPoolExecutor

    import requests

    engine.grant(dev, "gmail", "alice")
    url = f"{live.base_url}/connector/gmail/action/email.draft.create/execute?account=alice"

    def create(_):
        return requests.post(url, json=DRAFT, headers={"x-api-key": dev.api_key}, timeout=10)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(create, range(24)))
    assert {a.status_code for a in answers} == {200}
    ids = {a.json()["output"]["id"] for a in answers}
    assert len(ids) == 24
    assert {d["id"] for d in engine.resources.items(dev, "gmail", "drafts", "alice")} == ids


def test_copy_json_copies_json_deeply_and_other_values_by_deepcopy():
    import datetime

    moment = datetime.datetime(2024, 1, 1)
    value = {"a": [1, {"b": "c"}], "t": (1, [2]), "when": moment, "n": None}
    copied = copy_json(value)
    assert copied == value
    value["a"][1]["b"] = "changed"
    value["t"][1].append(3)
    assert copied["a"][1]["b"] == "c"
    assert copied["t"] == (1, [2])


def test_stored_items_are_isolated_from_what_callers_do_with_theirs(engine, dev):
    spec = engine.resources.spec("gmail", "drafts")
    drafts = engine.resources.collection(dev, spec, "alice")
    item = {"id": "d1", "message": {"labelIds": ["DRAFT"], "payload": {"headers": []}}}
    drafts.insert("d1", item)
    item["message"]["labelIds"].append("CHANGED")  # the caller's object after insert
    read = drafts.item("d1")
    assert read["message"]["labelIds"] == ["DRAFT"]
    read["message"]["payload"]["headers"].append({"name": "X", "value": "y"})  # a reader's copy
    assert drafts.item("d1")["message"]["payload"]["headers"] == []
    drafts.replace("d1", read)
    read["message"]["labelIds"].clear()
    assert drafts.item("d1")["message"]["labelIds"] == ["DRAFT"]


def test_a_listed_item_is_a_copy_of_the_stored_one(run):
    draft = ok(run("gmail", "email.draft.create", DRAFT))
    listed = ok(run("gmail", "email.draft.list"))["drafts"]
    assert listed[0]["id"] == draft["id"]
    assert ok(run("gmail", "email.draft.get", {"draft_id": draft["id"]})) == draft


# --- the helpers behaviours use: paths, schemas, provider errors, tokens ----------------------


def test_page_tokens_are_url_safe_without_padding_and_round_trip_at_any_length():
    for number in (1, 10, 100, 1000, 10**9, 10**12):
        token = encode_token(number)
        assert "=" not in token
        assert decode_token(token) == number
    assert encode_token(1) == "cDE6MQ"  # base64 of "p1:1", its padding cut
    assert decode_token(encode_token(5, "o1:"), "o1:") == 5


def test_provider_errors_are_googles_error_bodies():
    assert provider_error_output(404, "Not Found") == {
        "status_code": 404,
        "body": {"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}},
    }
    assert provider_error_output(400, "Bad", reason="invalid") == {
        "status_code": 400,
        "body": {
            "error": {
                "code": 400,
                "message": "Bad",
                "status": "INVALID_ARGUMENT",
                "errors": [{"domain": "global", "reason": "invalid", "message": "Bad"}],
            }
        },
    }
    quiet = provider_error_output(418, "Teapot", reason="teapot", errors=False)
    assert quiet == {
        "status_code": 418,
        "body": {"error": {"code": 418, "message": "Teapot", "status": "UNKNOWN"}},
    }


def test_the_success_schema_drops_provider_error_branches_at_any_depth():
    error = {"title": PROVIDER_ERROR_TITLE, "type": "object"}
    page = {"type": "object", "properties": {"id": {"type": "string"}}}
    schema = {
        "type": "object",
        "properties": {
            "body": {"anyOf": [page, error]},
            "list": {"type": "array", "items": {"oneOf": [page, error]}},
            "map": {"type": "object", "additionalProperties": {"anyOf": [page, error]}},
            "either": {"anyOf": [page, {"type": "string"}, error]},
            "titled": {"title": "kept", "anyOf": [{"title": "inner"}, error]},
        },
    }
    assert success_schema(schema) == {
        "type": "object",
        "properties": {
            "body": page,  # the one branch left is inlined
            "list": {"type": "array", "items": page},
            "map": {"type": "object", "additionalProperties": page},
            "either": {"anyOf": [page, {"type": "string"}]},
            # inlining would overwrite the schema's own title: the branch stays a branch
            "titled": {"title": "kept", "anyOf": [{"title": "inner"}]},
        },
    }


def test_sub_schemas_are_found_through_properties_and_branches():
    leaf = {"type": "string"}
    schema = {
        "properties": {
            "body": {
                "anyOf": [
                    {"properties": {"other": leaf}},
                    {"oneOf": [{"properties": {"items": {"type": "array", "items": leaf}}}]},
                ]
            }
        }
    }
    assert schema_at(schema, "") == schema
    assert schema_at(schema, "body.other") == leaf
    assert schema_at(schema, "body.items") == {"type": "array", "items": leaf}
    assert schema_at(schema, "body.nothing") is None
    assert schema_at(schema, "body.other.deeper") is None
    assert schema_at(None, "body") is None


def test_which_schemas_allow_null_and_which_outputs_are_provider_shaped():
    assert allows_null(None)  # no schema says otherwise
    assert allows_null({"type": "null"})
    assert allows_null({"type": ["string", "null"]})
    assert not allows_null({"type": "string"})
    assert not allows_null({"type": ["string"]})
    assert not allows_null({})
    assert is_provider_shaped({"properties": {"status_code": {}, "body": {}, "x": {}}})
    assert not is_provider_shaped({"properties": {"body": {}}})
    assert not is_provider_shaped({"type": "object"})


def test_dotted_paths_get_set_delete_project_and_merge():
    item = {"id": "1", "message": {"id": "m", "payload": {"size": 3}}, "labels": ["A"]}
    assert get_path(item, "message.payload.size") == 3
    assert get_path(item, "message.nothing") is None
    assert get_path(item, "") is item
    assert set_path("not an object", "a.b", 1) == {"a": {"b": 1}}
    assert set_path({"a": 5}, "a.b", 1) == {"a": {"b": 1}}
    assert set_path(item, "", "whole") == "whole"
    assert project(item, ("id", "message.id", "absent")) == {"id": "1", "message": {"id": "m"}}
    whole = project(item, None)
    assert whole == item
    whole["message"]["id"] = "changed"
    assert item["message"]["id"] == "m"  # a copy
    copied = copy_json(item)
    copied["labels"].append("B")
    copied["message"]["payload"]["size"] = 4
    assert item == {"id": "1", "message": {"id": "m", "payload": {"size": 3}}, "labels": ["A"]}
    gone = copy_json(item)
    delete_path(gone, "message.payload.size")
    delete_path(gone, "message.absent.deeper")
    delete_path(gone, "")
    assert gone == {"id": "1", "message": {"id": "m", "payload": {}}, "labels": ["A"]}
    delete_path(gone, "labels")
    assert gone == {"id": "1", "message": {"id": "m", "payload": {}}}
    merged = deep_merge(item, {"message": {"payload": {"mime": "text"}}, "labels": ["B"]})
    assert merged == {
        "id": "1",
        "message": {"id": "m", "payload": {"size": 3, "mime": "text"}},
        "labels": ["B"],  # lists are replaced
    }
    assert deep_merge({"a": 1}, {"a": {"b": 2}}) == {"a": {"b": 2}}
