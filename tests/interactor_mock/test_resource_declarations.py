"""Resource declarations as contracts/README.md describes them, key by key, on a small contract
of our own (so that each key's effect is seen apart from the shipped connectors' behaviours):
ids in each style, where inputs go, parents, order, paging and its defaults, what a list
shows, not-found answers, and a ``-v1``-shaped connector's provider answers."""

from __future__ import annotations

import copy
import json
import random
import re
from datetime import datetime
from datetime import timezone

import pytest

from interactor_mock.config import MockConfig
from interactor_mock.core.engine import Engine
from interactor_mock.core.resources import make_id
from interactor_mock.http.app import create_app

NOTE = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "threadId": {"type": "string"},
        "meta": {
            "type": "object",
            "properties": {"tag": {"type": "string"}, "rank": {"type": "integer"}},
        },
    },
    "required": ["id", "title"],
}
TAG = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "colour": {"type": "string"}},
    "required": ["name"],
}
NOT_FOUND = {"status": 404, "error": "No note {id}", "when": "the id names no note"}


def variable(title, kind="string", *, required=False):
    return {"title": title, "type": kind, "x-required": required}


def action(variables, output, resource):
    return {
        "label": {"en": "an action of the test contract"},
        "published": True,
        "safe": resource["operation"] in ("get", "list"),
        "errors": [],
        "examples": [],
        "schema": {"variables": variables, "output": output},
        "resource": resource,
    }


def provider(body):
    """A ``-v1``-shaped output: the provider's status and body."""
    return {
        "type": "object",
        "properties": {"status_code": {"type": "integer"}, "body": body},
        "required": ["status_code"],
    }


def notes_contract():
    note = copy.deepcopy(NOTE)
    notes = "notes"
    one = {"type": "object", "properties": {"note": note}}
    return {
        "formatVersion": 1,
        "owner": "acme",
        "name": "notes",
        "title": "Notes",
        "auth": {
            "type": "oauth2",
            "provider": "acme",
            "scopes": ["notes"],
            "authorizeUrl": "https://acme.example/auth",
            "tokenUrl": "https://acme.example/token",
            "refresh": False,
        },
        "provenance": {
            "inferred": [],
            "notes": "A contract of the tests: one collection per set of declaration keys.",
            "sources": [{"date": "2026-12-01", "kind": "public-docs", "ref": "tests"}],
        },
        "dataTypes": {},
        "actions": {
            # notes: uuid ids, newest first, kept per folder, inputs mapped explicitly
            "note.create": action(
                [variable("title", required=True), variable("folder"), variable("tag")],
                one,
                {
                    "collection": notes,
                    "operation": "create",
                    "itemField": "note",
                    "inputFields": {"title": "title", "tag": "meta.tag"},
                    "idStyle": "uuid",
                    "order": "newest",
                    "parentInput": "folder",
                    "parentDefault": "inbox",
                },
            ),
            "note.get": action(
                [variable("note_id", required=True), variable("folder")],
                one,
                {
                    "collection": notes,
                    "operation": "get",
                    "idInput": "note_id",
                    "itemField": "note",
                    "notFound": NOT_FOUND,
                },
            ),
            "note.list": action(
                [variable("folder"), variable("size", "integer"), variable("after")],
                {
                    "type": "object",
                    "properties": {
                        # a list shows some fields only: its items require none
                        "notes": {"type": "array", "items": {**note, "required": []}},
                        "next": {"type": ["string", "null"]},
                        "count": {"type": "integer"},
                    },
                    "required": ["notes"],
                },
                {
                    "collection": notes,
                    "operation": "list",
                    "itemsField": "notes",
                    "pageSizeInput": "size",
                    "pageTokenInput": "after",
                    "nextPageTokenField": "next",
                    "totalField": "count",
                    "listFields": ["id", "meta.tag"],
                    "defaultPageSize": 3,
                    "maxPageSize": 5,
                },
            ),
            "note.update": action(
                [
                    variable("note_id", required=True),
                    variable("folder"),
                    variable("title"),
                    variable("tag"),
                ],
                one,
                {
                    "collection": notes,
                    "operation": "update",
                    "idInput": "note_id",
                    "itemField": "note",
                    "inputFields": {"title": "title", "tag": "meta.tag"},
                    "notFound": NOT_FOUND,
                },
            ),
            "note.delete": action(
                [variable("note_id", required=True), variable("folder")],
                {"type": "object", "properties": {"deleted": {"type": "string"}}},
                {
                    "collection": notes,
                    "operation": "delete",
                    "idInput": "note_id",
                    "successOutput": {"deleted": "{id}"},
                    "notFound": NOT_FOUND,
                },
            ),
            # tags: every default (id field "id", hex ids, oldest first, 100 a page, inputs
            # named like the item's fields set them), the item is the whole output
            "tag.create": action(
                [variable("name", required=True), variable("colour"), variable("id")],
                {**TAG, "properties": {**TAG["properties"], "id": {"type": "string"}}},
                {"collection": "tags", "operation": "create"},
            ),
            "tag.get": action(
                [variable("id", required=True)],
                {**TAG, "properties": {**TAG["properties"], "id": {"type": "string"}}},
                {"collection": "tags", "operation": "get", "idInput": "id"},
            ),
            "tag.list": action(
                [variable("limit", "integer"), variable("page")],
                {
                    "type": "object",
                    "properties": {
                        "tags": {"type": "array", "items": TAG},
                        "nextPage": {"type": "string"},
                    },
                },
                {
                    "collection": "tags",
                    "operation": "list",
                    "itemsField": "tags",
                    "pageSizeInput": "limit",
                    "pageTokenInput": "page",
                    "nextPageTokenField": "nextPage",
                },
            ),
            # docs: a -v1-shaped connector's answers, with no declared not-found output
            "doc.create": action(
                [variable("name", required=True)],
                provider({"type": "object", "properties": {"id": {"type": "string"}}}),
                {"collection": "docs", "operation": "create", "itemField": "body"},
            ),
            "doc.get": action(
                [variable("docId", required=True)],
                provider({"type": "object", "properties": {"id": {"type": "string"}}}),
                {"collection": "docs", "operation": "get", "idInput": "docId", "itemField": "body"},
            ),
            "doc.list": action(
                [variable("pageToken")],
                provider(
                    {
                        "type": "object",
                        "properties": {
                            "docs": {"type": "array", "items": {"type": "object"}},
                        },
                    }
                ),
                {
                    "collection": "docs",
                    "operation": "list",
                    "itemsField": "body.docs",
                    "pageTokenInput": "pageToken",
                },
            ),
            "doc.delete": action(
                [variable("docId", required=True)],
                provider({"type": "object", "properties": {"gone": {"type": "boolean"}}}),
                {"collection": "docs", "operation": "delete", "idInput": "docId"},
            ),
        },
    }


@pytest.fixture(scope="module")
def contracts(tmp_path_factory):
    root = tmp_path_factory.mktemp("contracts")
    (root / "acme").mkdir()
    (root / "acme" / "notes.json").write_text(json.dumps(notes_contract()), encoding="utf-8")
    return root


@pytest.fixture
def call(contracts, clock):
    engine = Engine(MockConfig(contracts_dir=contracts), clock=clock)
    client = create_app(engine=engine).test_client()
    environment = engine.default_environment
    engine.grant(environment, "notes", "alice", owner="acme")

    def execute(action, payload=None):
        response = client.post(
            f"/api/v1/connector/acme/notes/action/{action}/execute?account=alice",
            json=payload or {},
            headers={"x-api-key": environment.api_key},
        )
        return response.status_code, response.get_json()

    execute.engine = engine
    return execute


def ok(answer):
    status, body = answer
    assert status == 200, body
    return body["output"]


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# --- create, get, update, delete --------------------------------------------------------------


def test_a_created_note_has_an_id_of_its_style_and_reads_back(call):
    note = ok(call("note.create", {"title": "Plan", "tag": "work"}))["note"]
    assert UUID.fullmatch(note["id"]), note["id"]
    assert (note["title"], note["meta"]["tag"]) == ("Plan", "work")
    assert ok(call("note.get", {"note_id": note["id"]})) == {"note": note}


def test_update_sets_the_mapped_inputs_and_keeps_the_rest(call):
    note = ok(call("note.create", {"title": "Plan", "tag": "work"}))["note"]
    changed = ok(call("note.update", {"note_id": note["id"], "tag": "home"}))["note"]
    assert changed == {**note, "meta": {**note["meta"], "tag": "home"}}
    assert ok(call("note.get", {"note_id": note["id"]}))["note"] == changed


def test_an_unknown_id_gets_the_declared_error_naming_it(call):
    for name, extra in (("note.get", {}), ("note.update", {"title": "x"}), ("note.delete", {})):
        assert call(name, {"note_id": "n-404", **extra}) == (404, {"error": "No note n-404"})
    assert call("note.get", {"note_id": ""}) == (404, {"error": "No note "})


def test_delete_answers_the_declared_output_and_the_note_is_gone(call):
    note = ok(call("note.create", {"title": "Plan"}))["note"]
    assert ok(call("note.delete", {"note_id": note["id"]})) == {"deleted": note["id"]}
    assert call("note.get", {"note_id": note["id"]}) == (404, {"error": f"No note {note['id']}"})
    assert call("note.delete", {"note_id": note["id"]}) == (
        404,
        {"error": f"No note {note['id']}"},
    )


def test_without_an_input_map_inputs_named_like_item_fields_set_them(call):
    tag = ok(call("tag.create", {"name": "urgent", "colour": "red"}))
    assert (tag["name"], tag["colour"]) == ("urgent", "red")
    assert re.fullmatch(r"[0-9a-f]{16}", tag["id"]), tag["id"]  # the default style: hex
    assert ok(call("tag.get", {"id": tag["id"]})) == tag
    # an empty id input is no id: the new item gets one of its own
    other = ok(call("tag.create", {"name": "later", "id": ""}))
    assert other["id"] != ""
    assert ok(call("tag.get", {"id": other["id"]}))["name"] == "later"


# --- parents, order, paging -------------------------------------------------------------------


def test_notes_are_kept_per_folder_and_the_default_folder_is_declared(call):
    inbox = ok(call("note.create", {"title": "In the inbox"}))["note"]
    work = ok(call("note.create", {"title": "At work", "folder": "work"}))["note"]
    assert [n["id"] for n in ok(call("note.list", {"folder": "work"}))["notes"]] == [work["id"]]
    assert [n["id"] for n in ok(call("note.list", {}))["notes"]] == [inbox["id"]]
    assert [n["id"] for n in ok(call("note.list", {"folder": "inbox"}))["notes"]] == [inbox["id"]]
    assert call("note.get", {"note_id": work["id"]})[0] == 404  # not in the inbox
    assert ok(call("note.get", {"note_id": work["id"], "folder": "work"}))["note"] == work
    listed = call.engine.resources.collections_of(call.engine.default_environment)
    assert [(c["collection"], c["account"], c["parent"], c["items"]) for c in listed] == [
        ("notes", "alice", "inbox", 1),
        ("notes", "alice", "work", 1),
    ]
    assert {c["connector"] for c in listed} == {"acme/notes"}


def test_a_list_pages_newest_first_with_its_declared_sizes_and_fields(call):
    ids = [
        ok(call("note.create", {"title": f"n{i}", "tag": f"t{i}"}))["note"]["id"] for i in range(7)
    ]
    newest_first = ids[::-1]
    first = ok(call("note.list", {}))  # defaultPageSize 3
    assert first["notes"] == [
        {"id": i, "meta": {"tag": f"t{ids.index(i)}"}} for i in newest_first[:3]
    ]
    assert first["count"] == 7
    assert isinstance(first["next"], str)
    second = ok(call("note.list", {"after": first["next"], "size": 100}))  # maxPageSize 5
    assert [n["id"] for n in second["notes"]] == newest_first[3:7]
    assert second["next"] is None  # the schema allows null: null on the last page
    assert [n["id"] for n in ok(call("note.list", {"size": 0}))["notes"]] == newest_first[:3]
    capped = ok(call("note.list", {"size": 6}))
    assert [n["id"] for n in capped["notes"]] == newest_first[:5]


def test_a_page_token_survives_deletes_and_creates_between_pages(call):
    ids = [ok(call("note.create", {"title": f"n{i}"}))["note"]["id"] for i in range(5)]
    first = ok(call("note.list", {"size": 2}))
    assert [n["id"] for n in first["notes"]] == [ids[4], ids[3]]
    ok(call("note.delete", {"note_id": ids[3]}))  # the last one seen
    ok(call("note.create", {"title": "newer"}))
    second = ok(call("note.list", {"size": 2, "after": first["next"]}))
    assert [n["id"] for n in second["notes"]] == [ids[2], ids[1]]


def test_tags_list_oldest_first_and_leave_out_a_token_the_schema_cannot_hold(call):
    names = [f"tag{i}" for i in range(3)]
    for name in names:
        ok(call("tag.create", {"name": name}))
    first = ok(call("tag.list", {"limit": 2}))
    assert [t["name"] for t in first["tags"]] == names[:2]
    last = ok(call("tag.list", {"limit": 2, "page": first["nextPage"]}))
    assert [t["name"] for t in last["tags"]] == names[2:]
    assert "nextPage" not in last
    assert [t["name"] for t in ok(call("tag.list", {}))["tags"]] == names  # 100 a page


def test_a_page_token_the_mock_did_not_issue_fails_as_the_provider_would(call):
    assert call("tag.list", {"page": "not-a-token"}) == (500, {"error": "Invalid pageToken"})
    assert ok(call("doc.list", {"pageToken": "not-a-token"})) == {
        "status_code": 400,
        "body": {
            "error": {
                "code": 400,
                "message": "Invalid pageToken",
                "status": "INVALID_ARGUMENT",
                "errors": [
                    {"domain": "global", "reason": "invalid", "message": "Invalid pageToken"}
                ],
            }
        },
    }


# --- a -v1-shaped connector -------------------------------------------------------------------


def test_a_provider_shaped_collection_answers_a_404_inside_the_output(call):
    created = ok(call("doc.create", {"name": "Plan"}))
    doc = created["body"]
    assert ok(call("doc.get", {"docId": doc["id"]}))["body"] == doc
    assert [d["id"] for d in ok(call("doc.list", {}))["body"]["docs"]] == [doc["id"]]
    default_404 = {
        "status_code": 404,
        "body": {"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}},
    }
    deleted = ok(call("doc.delete", {"docId": doc["id"]}))  # no successOutput: as generated
    assert set(deleted) <= {"status_code", "body"}
    assert ok(call("doc.get", {"docId": doc["id"]})) == default_404
    assert ok(call("doc.delete", {"docId": doc["id"]})) == default_404


# --- ids in each provider's style -------------------------------------------------------------

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
STYLES = ("draft", "base32hex", "drive", "ts", "uuid", "hex")


@pytest.mark.parametrize(
    ("style", "shape"),
    [
        ("draft", r"r\d{19}"),  # Gmail drafts
        ("base32hex", r"[0-9a-v]{26}"),  # Calendar events
        ("drive", r"1[A-Za-z0-9_-]{32}"),  # Drive files
        ("ts", r"1795780800\.\d{6}"),  # Slack messages: the epoch second, then micros
        ("uuid", UUID.pattern),
        ("hex", r"[0-9a-f]{16}"),  # Gmail messages
    ],
)
def test_ids_have_their_providers_shape(style, shape):
    for seed in range(20):
        assert re.fullmatch(shape, make_id(style, random.Random(seed), NOW)), style


def test_the_same_seed_gives_the_same_ids_in_every_style():
    # Ids are part of the deterministic answers users snapshot: these must not change.
    made = {s: make_id(s, random.Random(7), NOW) for s in STYLES}
    assert made == {
        "draft": "r9742514861359412280",
        "base32hex": "k9p346n3d25rq4f5r37e3p3e28",
        "drive": "1PtYgjmUhBel31iEl2hpChYgCfrL1spNx",
        "ts": "1795780800.339563",
        "uuid": "6513270e-269e-0d37-f2a7-4de452e6b438",
        "hex": "1a21ce06e0052e6b",
    }


def test_a_hex_id_holds_the_milliseconds_of_its_moment_and_twenty_random_bits():
    for moment in (NOW, datetime(1990, 1, 1, tzinfo=timezone.utc)):
        made = make_id("hex", random.Random(3), moment)
        assert len(made) == 16
        assert int(made, 16) & 0xFFFFF == random.Random(3).getrandbits(20)
        if moment == NOW:
            assert int(made, 16) >> 20 == int(NOW.timestamp() * 1000)
        else:  # fewer than 16 hex digits: padded on the left with 1s
            assert made.startswith("1")
            assert int(made[1:], 16) >> 20 == int(moment.timestamp() * 1000)
