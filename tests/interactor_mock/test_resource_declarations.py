"""Resource declarations as contracts/README.md describes them, key by key, on a small contract
of our own (so that each key's effect is seen apart from the shipped connectors' behaviours):
ids in each style, where inputs go, parents, order, paging and its defaults, what a list
shows, not-found answers, and a ``-v1``-shaped connector's provider answers."""

from __future__ import annotations

import copy
import functools
import json
import random
import re
from datetime import datetime
from datetime import timezone

import pytest

from interactor_mock.config import MockConfig
from interactor_mock.core.calls import ProviderAnswer
from interactor_mock.core.engine import Engine
from interactor_mock.core.resources import make_id
from interactor_mock.errors import ResourceNotFound
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
    "required": ["id", "title", "body"],
}
TAG = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "colour": {"type": "string"},
        "parentId": {"type": "string"},
    },
    "required": ["name"],
}
CARD = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string"},
    },
    "required": ["id", "body"],
}
SETTING = {
    "type": "object",
    "properties": {"key": {"type": "string"}, "value": {"type": "string"}},
    "required": ["key", "value"],
}
STICKER = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "emoji": {"type": "string"}},
    "required": ["id", "emoji"],
}
LINE = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "line": {"type": "string"}},
    "required": ["line"],
}
NOT_FOUND = {"status": 404, "error": "No note {id}", "when": "the id names no note"}
NOTHING_TO_DELETE = {"status": 404, "error": "Nothing to delete: {id}", "when": "no such note"}
ARCHIVE = {"folder": "archive"}  # note.list's example input
URGENT = {"name": "urgent"}  # tag.create's example input


def variable(title, kind="string", *, required=False):
    return {"title": title, "type": kind, "x-required": required}


def action(variables, output, resource, examples=()):
    return {
        "label": {"en": "an action of the test contract"},
        "published": True,
        "safe": resource["operation"] in ("get", "list"),
        "errors": [],
        "examples": [
            {"name": f"example {n}", "source": "inferred", "input": i, "output": o}
            for n, (i, o) in enumerate(examples)
        ],
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
    one = {"type": "object", "properties": {"note": note}, "required": ["note"]}
    # what a get answers besides the note: generated, and the folder echoed
    read = {
        "type": "object",
        "properties": {"note": note, "etag": {"type": "string"}, "folder": {"type": "string"}},
        "required": ["note", "etag"],
    }
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
                [
                    variable("title", required=True),
                    variable("folder"),
                    variable("tag"),
                    variable("thread"),
                    variable("ref"),
                    variable("owner_id"),
                ],
                one,
                {
                    "collection": notes,
                    "operation": "create",
                    "itemField": "note",
                    "inputFields": {
                        "title": "title",
                        "tag": "meta.tag",
                        "thread": "threadId",
                        "ref": "meta.link.id",
                        "owner_id": "owner_id",
                    },
                    "idStyle": "uuid",
                    "order": "newest",
                    "parentInput": "folder",
                    "parentDefault": "inbox",
                },
            ),
            "note.get": action(
                [variable("note_id", required=True), variable("folder")],
                read,
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
                        "etag": {"type": "string"},
                        "folder": {"type": "string"},
                    },
                    "required": ["notes", "etag"],
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
                [(ARCHIVE, {"notes": [], "next": None, "count": 0, "etag": "archive-etag"})],
            ),
            "note.update": action(
                [
                    variable("note_id", required=True),
                    variable("folder"),
                    variable("title"),
                    variable("tag"),
                ],
                read,
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
                    "notFound": NOTHING_TO_DELETE,
                },
            ),
            # tags: every default (id field "id", hex ids, oldest first, 100 a page, inputs
            # named like the item's fields set them), the item is the whole output
            "tag.create": action(
                [
                    variable("name", required=True),
                    variable("colour"),
                    variable("id"),
                    variable("parentId"),
                    variable("comment"),  # not a field of a tag
                ],
                {**TAG, "properties": {**TAG["properties"], "id": {"type": "string"}}},
                {"collection": "tags", "operation": "create"},
                [(URGENT, {"id": "tag-urgent", "name": "urgent", "colour": "red"})],
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
            # blobs: an item schema that names no field
            "blob.create": action(
                [variable("name", required=True)],
                {"type": "object"},
                {"collection": "blobs", "operation": "create"},
            ),
            # cards: a create answers the id only, a get the whole card
            "card.create": action(
                [variable("title", required=True)],
                {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
                {"collection": "cards", "operation": "create"},
            ),
            "card.get": action(
                [variable("id", required=True)],
                CARD,
                {"collection": "cards", "operation": "get", "idInput": "id"},
            ),
            # settings: changed and listed, never created or read one by one
            "setting.update": action(
                [variable("key", required=True), variable("value")],
                {"type": "object", "properties": {"setting": SETTING}, "required": ["setting"]},
                {
                    "collection": "settings",
                    "operation": "update",
                    "idInput": "key",
                    "itemField": "setting",
                    "idField": "key",
                },
            ),
            "setting.list": action(
                [],
                {
                    "type": "object",
                    "properties": {
                        "settings": {
                            "type": "array",
                            "items": {"type": "object", "properties": {"key": {"type": "string"}}},
                        }
                    },
                },
                {"collection": "settings", "operation": "list", "itemsField": "settings"},
            ),
            # logs: only listed; trash: only deleted
            "log.list": action(
                [],
                {
                    "type": "object",
                    "properties": {"lines": {"type": "array", "items": LINE}},
                    "required": ["lines"],
                },
                {"collection": "logs", "operation": "list", "itemsField": "lines"},
            ),
            "trash.delete": action(
                [variable("id", required=True)],
                {"type": "string"},
                {
                    "collection": "trash",
                    "operation": "delete",
                    "idInput": "id",
                    "successOutput": "ok",
                },
            ),
            # pages: a -v1-shaped collection whose actions declare their own not-found outputs
            "page.remove": action(
                [variable("pageId", required=True)],
                provider({"type": ["object", "null"]}),
                {
                    "collection": "pages",
                    "operation": "delete",
                    "idInput": "pageId",
                    "notFoundOutput": {"status_code": 410, "body": None},
                },
            ),
            "page.get": action(
                [variable("pageId", required=True)],
                provider({"type": ["object", "null"]}),
                {
                    "collection": "pages",
                    "operation": "get",
                    "idInput": "pageId",
                    "itemField": "body",
                    "notFoundOutput": {"status_code": 404, "body": {"missing": "{id}"}},
                },
            ),
            # stickers: only created (seeded items follow the create's item)
            "sticker.create": action(
                [variable("emoji", required=True)],
                STICKER,
                {"collection": "stickers", "operation": "create"},
            ),
            # no resource: a generated answer, echoing its input where names match
            "note.search": {
                key: value
                for key, value in action(
                    [variable("query", required=True)],
                    {
                        "type": "object",
                        "properties": {"query": {"type": "string"}, "hits": {"type": "integer"}},
                        "required": ["query", "hits"],
                    },
                    {"collection": "-", "operation": "get"},
                ).items()
                if key != "resource"
            },
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
    # The same contract under another name and under another owner: their generated values
    # must differ from the first's for the same input.
    for owner, name in (("acme", "notes"), ("acme", "jottings"), ("beta", "notes")):
        (root / owner).mkdir(exist_ok=True)
        data = {**notes_contract(), "owner": owner, "name": name}
        (root / owner / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    return root


@pytest.fixture
def call(contracts, clock):
    engine = Engine(MockConfig(contracts_dir=contracts), clock=clock)
    client = create_app(engine=engine).test_client()
    default = engine.default_environment

    def execute(action, payload=None, *, environment=None, connector="acme/notes", account="alice"):
        environment = environment or default
        owner, name = connector.split("/")
        engine.grant(environment, name, account, owner=owner)
        response = client.post(
            f"/api/v1/connector/{connector}/action/{action}/execute?account={account}",
            json=payload or {},
            headers={"x-api-key": environment.api_key},
        )
        return response.status_code, response.get_json()

    execute.engine = engine
    execute.bob = functools.partial(execute, account="bob")
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
    assert ok(call("note.get", {"note_id": note["id"]}))["note"] == note


def test_update_sets_the_mapped_inputs_and_keeps_the_rest(call):
    note = ok(call("note.create", {"title": "Plan", "tag": "work"}))["note"]
    changed = ok(call("note.update", {"note_id": note["id"], "tag": "home"}))["note"]
    assert changed == {**note, "meta": {**note["meta"], "tag": "home"}}
    assert ok(call("note.get", {"note_id": note["id"]}))["note"] == changed


def test_an_unknown_id_gets_the_declared_error_naming_it(call):
    for name, extra in (("note.get", {}), ("note.update", {"title": "x"})):
        assert call(name, {"note_id": "n-404", **extra}) == (404, {"error": "No note n-404"})
    # each action's own declaration
    assert call("note.delete", {"note_id": "n-404"}) == (
        404,
        {"error": "Nothing to delete: n-404"},
    )
    assert call("note.get", {"note_id": ""}) == (404, {"error": "No note "})


def test_delete_answers_the_declared_output_and_the_note_is_gone(call):
    note = ok(call("note.create", {"title": "Plan"}))["note"]
    assert ok(call("note.delete", {"note_id": note["id"]})) == {"deleted": note["id"]}
    assert call("note.get", {"note_id": note["id"]}) == (404, {"error": f"No note {note['id']}"})
    assert call("note.delete", {"note_id": note["id"]}) == (
        404,
        {"error": f"Nothing to delete: {note['id']}"},
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
#: Snapshots: the seeded notes of seed 21, the bodies of a second and third create (seed 5).
SEEDED_NOTE_IDS = [
    "cde33314-e9d2-7a66-5aa0-472cb0afaca0",
    "c40758cd-e7ea-7ca5-c8cd-0ae7bdd78bde",
    "f89f4858-f71f-c61f-c659-07d7ac78b97a",
]
LATER_BODIES = ["Hold capital forget skill fly.", "Hold capital forget skill fly."]
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


# --- what is generated around the items, and examples ------------------------------------------


def test_generated_values_follow_the_seed_the_action_and_the_connector(call):
    engine = call.engine
    first, second, other = (
        engine.environments.create(name, seed=seed) for name, seed in (("a", 5), ("b", 5), ("c", 6))
    )
    note = {"id": "n-1", "title": "Plan", "body": "Soon."}
    for environment in (first, second, other):
        for owner, name in (("acme", "notes"), ("acme", "jottings"), ("beta", "notes")):
            engine.seeds.seed_collection(environment, name, "notes", "alice", [note], owner=owner)
    asked = {"note_id": "n-1"}

    def etag(action="note.get", environment=first, connector="acme/notes"):
        return ok(call(action, asked, environment=environment, connector=connector))["etag"]

    assert etag() == etag()  # the same call, the same answer
    assert etag(environment=second) == etag()  # the same seed, the same answer
    different = {
        "another seed": etag(environment=other),
        "another action": etag("note.update"),
        "another connector": etag(connector="acme/jottings"),
        "another owner": etag(connector="beta/notes"),
        "another input": ok(call("note.get", {**asked, "folder": "inbox"}, environment=first))[
            "etag"
        ],
    }
    assert etag() not in different.values(), different
    assert (
        ok(call("note.get", {**asked, "folder": "inbox"}, environment=first))["folder"] == "inbox"
    )


def test_the_ids_and_data_of_creates_are_the_same_for_the_same_seed(contracts):
    # Users snapshot what the mock answers: the ids and generated data of creates in an
    # environment of a given seed must not change from release to release.
    engine = Engine(MockConfig(contracts_dir=contracts), clock=lambda: NOW)
    created = []
    for name in ("one", "two"):
        environment = engine.environments.create(name, seed=5)
        engine.grant(environment, "notes", "alice", owner="acme")
        client = create_app(engine=engine).test_client()
        answers = []
        for _ in range(2):  # the same input twice: two notes, other generated data
            response = client.post(
                "/api/v1/connector/acme/notes/action/note.create/execute?account=alice",
                json={"title": "Plan"},
                headers={"x-api-key": environment.api_key},
            )
            answers.append(response.get_json()["output"]["note"])
        created.append(answers)
    assert created[0] == created[1]
    first, again = created[0]
    assert (first["id"], again["id"]) == (
        "f85a8bc9-ffd9-fb65-1785-d8c6b5063967",
        "46c92580-1429-2508-a9e2-de427beed42a",
    )
    assert first["body"] != again["body"]


def test_an_example_answers_the_first_create_of_its_input_only(call):
    first = ok(call("tag.create", URGENT))
    assert first == {"id": "tag-urgent", "name": "urgent", "colour": "red"}
    again = ok(call("tag.create", URGENT))  # a second item, generated
    assert re.fullmatch(r"[0-9a-f]{16}", again["id"])  # a fresh id of the collection's style
    assert again["name"] == "urgent"
    listed = ok(call("tag.list", {}))["tags"]
    assert [t["name"] for t in listed] == ["urgent", "urgent"]
    assert ok(call("tag.get", {"id": "tag-urgent"})) == first


def test_seeded_items_are_not_creates_and_a_taken_example_id_is_not_reused(call):
    engine = call.engine
    environment = engine.default_environment
    seeds = engine.seeds
    seeds.seed_collection(
        environment,
        "notes",
        "tags",
        "alice",
        [{"id": "tag-urgent", "name": "seeded"}],
        owner="acme",
    )
    answered = ok(call("tag.create", URGENT))
    # the example still answers (the seeded item was no create), under an id of its own
    assert (answered["name"], answered["colour"]) == ("urgent", "red")
    assert answered["id"] != "tag-urgent"
    assert ok(call("tag.get", {"id": "tag-urgent"}))["name"] == "seeded"


def test_a_list_example_answers_around_the_stored_items(call):
    note = ok(call("note.create", {"title": "Old", "folder": "archive"}))["note"]
    listed = ok(call("note.list", ARCHIVE))
    assert listed["etag"] == "archive-etag"
    assert [n["id"] for n in listed["notes"]] == [note["id"]]
    assert listed["count"] == 1
    assert ok(call("note.list", {}))["etag"] != "archive-etag"


# --- seeded collections, places in the list ----------------------------------------------------


def test_a_seeded_collection_builds_its_items_from_the_item_schema(call):
    engine = call.engine
    environment = engine.default_environment
    count = engine.seeds.seed_collection(
        environment, "notes", "notes", "alice", 4, owner="acme", seed=11
    )
    assert count == 4
    listed = ok(call("note.list", {"size": 5}))["notes"]
    assert len(listed) == 4
    assert all(UUID.fullmatch(n["id"]) for n in listed)
    full = [ok(call("note.get", {"note_id": n["id"]}))["note"] for n in listed]
    assert all(isinstance(n["title"], str) and isinstance(n["body"], str) for n in full)
    assert len({n["id"] for n in full}) == 4
    # the same seed builds the same items, another seed others
    again = engine.environments.create("again")
    engine.seeds.seed_collection(again, "notes", "notes", "alice", 4, owner="acme", seed=11)
    assert ok(call("note.list", {"size": 5}, environment=again))["notes"] == listed
    other = engine.environments.create("other")
    engine.seeds.seed_collection(other, "notes", "notes", "alice", 4, owner="acme", seed=12)
    assert ok(call("note.list", {"size": 5}, environment=other))["notes"] != listed


def test_explicit_seed_items_are_merged_over_generated_ones_and_keep_their_ids(call):
    engine = call.engine
    environment = engine.default_environment
    engine.seeds.seed_collection(
        environment,
        "notes",
        "tags",
        "alice",
        {"count": 2, "items": [{"id": "t-fixed", "name": "fixed"}, {"name": "named"}]},
        owner="acme",
    )
    tags = ok(call("tag.list", {}))["tags"]
    assert len(tags) == 4  # two generated, then the two explicit ones, oldest first
    assert [t["name"] for t in tags[2:]] == ["fixed", "named"]
    fixed = ok(call("tag.get", {"id": "t-fixed"}))
    assert fixed["name"] == "fixed"
    created = ok(call("tag.create", {"name": "new"}))
    names = [t["name"] for t in ok(call("tag.list", {"limit": 1000}))["tags"]]
    assert names[2:] == ["fixed", "named", "new"]  # a create comes after every seeded item
    pages, token = [], None
    while True:  # one at a time: every item once, in the same order
        page = ok(call("tag.list", {"limit": 1, **({"page": token} if token else {})}))
        pages += [t["name"] for t in page["tags"]]
        token = page.get("nextPage")
        if not token:
            break
    assert pages == names
    assert created["id"] not in ("t-fixed",)


def test_an_update_keeps_the_items_place_in_the_list(call):
    ids = [ok(call("note.create", {"title": f"n{i}"}))["note"]["id"] for i in range(3)]
    ok(call("note.update", {"note_id": ids[0], "title": "changed"}))
    assert [n["id"] for n in ok(call("note.list", {}))["notes"]] == ids[::-1]


def test_reading_an_unknown_id_without_an_action_fails_as_the_collection_declares(call):
    engine = call.engine
    resources = engine.resources
    environment = engine.default_environment
    notes = resources.collection(environment, resources.spec("notes", "notes", "acme"), "alice")
    with pytest.raises(ResourceNotFound) as missing:
        resources.lookup(notes, "n-1")
    # without an action: the collection's first declaration (its actions in name order)
    assert (missing.value.status, missing.value.message) == (404, "Nothing to delete: n-1")
    docs = resources.collection(environment, resources.spec("notes", "docs", "acme"), "alice")
    with pytest.raises(ProviderAnswer) as answered:
        resources.lookup(docs, "d-1")
    assert answered.value.output == {
        "status_code": 404,
        "body": {"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}},
    }
    tags = resources.collection(environment, resources.spec("notes", "tags", "acme"), "alice")
    with pytest.raises(ResourceNotFound):  # no declaration: the generic not-found
        resources.lookup(tags, "t-1")


def test_a_collection_pages_by_a_behaviours_order_and_filter(call):
    engine = call.engine
    resources = engine.resources
    tags = resources.collection(
        engine.default_environment, resources.spec("notes", "tags", "acme"), "alice"
    )
    for key, name in (("c", "cherry"), ("a", "apple"), ("d", "date"), ("b", "banana")):
        tags.insert(key, {"id": key, "name": name})

    def by_name(key, entry, collection):
        return collection.peek(key, entry)["name"]

    def not_d(key, entry, collection):
        return key != "d"

    seen, token = [], None
    while True:
        chosen, token, total = tags.page(2, token, keep=not_d, sort_key=by_name)
        seen += [key for key, _ in chosen]
        assert total == 3
        if token is None:
            break
    assert seen == ["a", "b", "c"]
    with pytest.raises(ValueError, match="not a page token"):
        tags.page(2, "bm9wZQ", sort_key=by_name)
    # a change of an id it no longer holds stores the item again, last
    tags.remove("a")
    tags.replace("a", {"id": "a", "name": "apricot"})
    assert [key for key, _ in tags.entries()] == ["c", "d", "b", "a"]
    assert tags.item("a") == {"id": "a", "name": "apricot"}
    assert tags.item("zzz") is None
    assert repr(tags) == "<Collection acme/notes:tags of 'alice'>"
    notes = resources.collection(
        engine.default_environment, resources.spec("notes", "notes", "acme"), "alice", "work"
    )
    assert repr(notes) == "<Collection acme/notes:notes of 'alice' in 'work'>"
    assert notes.spec.first("list").action.name == "note.list"
    assert notes.spec.first("create").action.name == "note.create"
    assert tags.spec.first("update") is None


def test_a_create_whose_output_does_not_require_the_item_still_answers_a_valid_item(tmp_path):
    def optional(data):
        data["actions"]["note.create"]["schema"]["output"].pop("required")

    call = engine_of(tmp_path, optional)
    engine, environment = call.engine, call.environment
    # positive control: the generator alone leaves the optional note out of some answers
    generated = [
        engine.resources.base_output(
            environment, engine.registry.action("notes", "note.create", "acme"), {"title": f"n{i}"}
        )
        for i in range(10)
    ]
    assert any("note" not in output for output in generated)
    notes = []
    for i in range(10):
        status, body = call("note.create", {"title": f"n{i}"})
        assert status == 200, body
        note = body["output"]["note"]
        assert set(note) >= {"id", "title", "body"}
        assert note["title"] == f"n{i}"
        assert isinstance(note["body"], str)
        notes.append(note)
    assert len({note["id"] for note in notes}) == 10
    for note in notes:  # stored as answered
        assert call("note.get", {"note_id": note["id"]})[1]["output"]["note"] == note


def test_an_empty_id_input_is_ignored_and_any_other_value_is_set(call):
    # Providers ignore an empty id ("threadId": ""): the item keeps one of its own.
    empty = ok(call("note.create", {"title": "A", "thread": "", "ref": "", "owner_id": ""}))["note"]
    assert empty.get("threadId") != ""
    assert empty.get("meta", {}).get("link", {}).get("id") != ""
    assert empty.get("owner_id") != ""
    given = ok(
        call("note.create", {"title": "B", "thread": "t-1", "ref": "r-1", "owner_id": "o-1"})
    )
    assert given["note"]["threadId"] == "t-1"
    assert given["note"]["meta"]["link"] == {"id": "r-1"}
    assert given["note"]["owner_id"] == "o-1"
    tag = ok(call("tag.create", {"name": "x", "colour": "", "comment": "c"}))
    assert tag["colour"] == ""  # an empty value of a field that is no id is a value
    assert "comment" not in tag  # not a field of a tag
    assert ok(call("tag.create", {"name": "y", "parentId": "p-1"}))["parentId"] == "p-1"


def test_an_item_schema_without_fields_stores_the_generated_item(call):
    blob = ok(call("blob.create", {"name": "b"}))
    assert re.fullmatch(r"[0-9a-f]{16}", blob["id"])


def test_each_provider_shaped_action_answers_its_own_not_found_output(call):
    assert ok(call("page.get", {"pageId": "p-9"})) == {
        "status_code": 404,
        "body": {"missing": "p-9"},
    }
    assert ok(call("page.remove", {"pageId": "p-9"})) == {"status_code": 410, "body": None}


def test_seeded_items_follow_the_richest_schema_of_their_collection(call):
    # cards: from the get's schema (the create answers the id only)
    engine = call.engine
    environment = engine.default_environment
    engine.seeds.seed_collection(environment, "notes", "cards", "alice", 2, owner="acme")
    [card] = [ok(call("card.get", {"id": key}))["body"] for key, _ in seeded(engine, "cards")][:1]
    assert isinstance(card, str)
    # settings: from the update's (the list shows the key only)
    engine.seeds.seed_collection(environment, "notes", "settings", "alice", 2, owner="acme")
    key = ok(call("setting.list"))["settings"][0]["key"]
    changed = ok(call("setting.update", {"key": key}))["setting"]
    assert changed["key"] == key
    assert isinstance(changed["value"], str)
    # logs: from the list's items; trash: no schema at all
    engine.seeds.seed_collection(environment, "notes", "logs", "alice", 3, owner="acme")
    lines = ok(call("log.list"))["lines"]
    assert len(lines) == 3
    assert all(isinstance(line["line"], str) for line in lines)
    engine.seeds.seed_collection(environment, "notes", "trash", "alice", 1, owner="acme")
    [(gone, _)] = seeded(engine, "trash")
    assert ok(call("trash.delete", {"id": gone})) == "ok"
    assert seeded(engine, "trash") == []


def seeded(engine, collection):
    resources = engine.resources
    spec = resources.spec("notes", collection, "acme")
    return resources.collection(engine.default_environment, spec, "alice").entries()


def test_seeded_items_are_generated_per_seed_collection_and_index(call):
    engine = call.engine

    def bodies(seed, connector="notes", owner="acme"):
        environment = engine.environments.create(f"{owner}/{connector} {seed}")
        engine.seeds.seed_collection(
            environment, connector, "notes", "alice", 3, owner=owner, seed=seed
        )
        listed = ok(
            call("note.list", {}, environment=environment, connector=f"{owner}/{connector}")
        )["notes"]
        return [
            ok(
                call(
                    "note.get",
                    {"note_id": n["id"]},
                    environment=environment,
                    connector=f"{owner}/{connector}",
                )
            )["note"]
            for n in listed
        ]

    first = bodies(21)
    assert [n["id"] for n in first] == SEEDED_NOTE_IDS
    assert len({n["body"] for n in first}) > 1  # each index its own item
    assert bodies(21) == first
    assert [n["body"] for n in bodies(22)] != [n["body"] for n in first]
    assert [n["body"] for n in bodies(21, "jottings")] != [n["body"] for n in first]


def test_later_creates_of_the_same_input_get_other_generated_data_from_the_seed(contracts):
    engine = Engine(MockConfig(contracts_dir=contracts), clock=lambda: NOW)
    client = create_app(engine=engine).test_client()

    def bodies(seed):
        environment = engine.environments.create(f"seed {seed}", seed=seed)
        engine.grant(environment, "notes", "alice", owner="acme")
        return [
            client.post(
                "/api/v1/connector/acme/notes/action/note.create/execute?account=alice",
                json={"title": "Plan"},
                headers={"x-api-key": environment.api_key},
            ).get_json()["output"]["note"]["body"]
            for _ in range(3)
        ]

    five = bodies(5)
    assert five[1] != five[0]
    assert five[1:] == LATER_BODIES
    assert bodies(6)[1:] != five[1:]


# --- more of the Resources and Collection API behaviours use ----------------------------------


def spec_of(engine, name):
    return engine.resources.spec("notes", name, "acme")


def test_an_unknown_collection_is_named_with_the_declared_ones(call):
    from interactor_mock.errors import UnknownCollection

    with pytest.raises(UnknownCollection) as unknown:
        call.engine.resources.spec("notes", "nope", "acme")
    assert str(unknown.value) == "No collection 'nope' is declared by connector 'acme/notes'"


def test_a_create_only_collection_seeds_items_of_the_creates_shape(call):
    engine = call.engine
    engine.seeds.seed_collection(
        engine.default_environment, "notes", "stickers", "alice", 2, owner="acme"
    )
    items = engine.resources.items(
        engine.default_environment, "notes", "stickers", "alice", owner="acme"
    )
    assert len(items) == 2
    assert all(isinstance(item["emoji"], str) for item in items)


def test_an_item_a_behaviour_inserts_counts_as_a_create_and_reseeding_starts_afresh(call):
    engine = call.engine
    environment = engine.default_environment
    tags = engine.resources.collection(environment, spec_of(engine, "tags"), "alice")
    tags.insert("t-1", {"id": "t-1", "name": "inserted"})  # a behaviour's create
    generated = ok(call("tag.create", URGENT))
    assert generated["id"] != "tag-urgent"  # not the first create any more
    assert re.fullmatch(r"[0-9a-f]{16}", generated["id"])
    # a change of an id the collection no longer holds is no create
    fresh = engine.environments.create("fresh")
    other = engine.resources.collection(fresh, spec_of(engine, "tags"), "alice")
    other.replace("t-9", {"id": "t-9", "name": "changed"})
    assert ok(call("tag.create", URGENT, environment=fresh))["id"] == "tag-urgent"
    # seeding replaces the collection and its counters: the example answers again
    engine.seeds.seed_collection(fresh, "notes", "tags", "alice", 1, owner="acme")
    assert ok(call("tag.create", URGENT, environment=fresh))["id"] == "tag-urgent"


def test_created_and_inserted_items_keep_the_order_they_came_in(call):
    engine = call.engine
    tags = engine.resources.collection(engine.default_environment, spec_of(engine, "tags"), "alice")
    first = ok(call("tag.create", {"name": "first"}))
    tags.insert("t-2", {"id": "t-2", "name": "second"})
    third = ok(call("tag.create", {"name": "third"}))
    assert [t["name"] for t in ok(call("tag.list", {}))["tags"]] == ["first", "second", "third"]
    assert [key for key, _ in tags.entries()] == [first["id"], "t-2", third["id"]]


def test_a_seeded_item_read_one_by_one_has_its_own_id(call):
    engine = call.engine
    environment = engine.default_environment
    tags = engine.resources.collection(environment, spec_of(engine, "tags"), "alice")
    assert tags.seeded is False
    engine.seeds.seed_collection(environment, "notes", "tags", "alice", 2, owner="acme")
    assert tags.seeded is True
    [(key, entry), _] = tags.entries()
    assert tags.item(key)["id"] == key
    assert tags.peek(key, entry)["id"] == key


def test_a_behaviours_sort_key_may_read_the_key_and_break_ties_with_it(call):
    engine = call.engine
    tags = engine.resources.collection(engine.default_environment, spec_of(engine, "tags"), "alice")
    for key, name in (("z", "fig"), ("c", "apple"), ("y", "fig"), ("a", "banana")):
        tags.insert(key, {"id": key, "name": name})

    def by_name_then_key(key, entry, collection):
        return (collection.peek(key, entry)["name"], key)

    chosen, token, total = tags.page(10, None, sort_key=by_name_then_key)
    assert ([k for k, _ in chosen], token, total) == (["c", "a", "y", "z"], None, 4)
    # through the service, as a coded list behaviour passes it
    from interactor_mock.core.calls import ActionCall

    action = engine.registry.action("notes", "tag.list", "acme")
    listed = engine.resources.execute(
        ActionCall(engine.default_environment, action, "alice", {"limit": 3}),
        sort_key=by_name_then_key,
    )
    assert [t["name"] for t in listed["tags"]] == ["apple", "banana", "fig"]


def test_a_page_after_the_last_item_is_empty_when_the_rest_was_deleted(call):
    ids = [ok(call("tag.create", {"name": f"t{i}"}))["id"] for i in range(3)]
    first = ok(call("tag.list", {"limit": 2}))
    call.engine.resources.collection(
        call.engine.default_environment, spec_of(call.engine, "tags"), "alice"
    ).remove(ids[2])
    assert ok(call("tag.list", {"limit": 2, "page": first["nextPage"]})) == {"tags": []}


def test_update_and_delete_of_an_empty_id_are_not_found(call):
    assert call("note.update", {"note_id": "", "title": "x"}) == (404, {"error": "No note "})
    assert call("note.delete", {"note_id": ""}) == (404, {"error": "Nothing to delete: "})


def test_a_fresh_id_is_never_one_the_collection_holds(call, contracts):
    engine = Engine(MockConfig(contracts_dir=contracts), clock=lambda: NOW)
    environment = engine.environments.create("taken", seed=5)
    taken = "f85a8bc9-ffd9-fb65-1785-d8c6b5063967"  # the first create's id in seed 5
    engine.seeds.seed_collection(
        environment,
        "notes",
        "notes",
        "alice",
        [{"id": taken, "title": "t", "body": "b"}],
        owner="acme",
    )
    engine.grant(environment, "notes", "alice", owner="acme")
    client = create_app(engine=engine).test_client()
    created = client.post(
        "/api/v1/connector/acme/notes/action/note.create/execute?account=alice",
        json={"title": "Plan"},
        headers={"x-api-key": environment.api_key},
    ).get_json()["output"]["note"]
    assert created["id"] != taken
    assert len(engine.resources.items(environment, "notes", "notes", "alice", owner="acme")) == 2


def test_generated_and_list_answers_echo_inputs_named_like_their_fields(call):
    found = ok(call("note.search", {"query": "budget"}))
    assert found["query"] == "budget"
    assert isinstance(found["hits"], int)
    assert ok(call("note.list", {"folder": "work"}))["folder"] == "work"


def test_projection_of_absent_fields_is_an_empty_object():
    from interactor_mock.core.resources import project

    assert project({"id": "1"}, ("nothing", "deeper.nothing")) == {}


def test_an_account_with_a_bar_is_listed_as_itself(call):
    engine = call.engine
    environment = engine.default_environment
    tags = engine.resources.collection(environment, spec_of(engine, "tags"), "alice|ops")
    tags.insert("t-1", {"id": "t-1", "name": "x"})
    nested = engine.resources.collection(environment, spec_of(engine, "tags"), "bob", "a|b")
    nested.insert("t-2", {"id": "t-2", "name": "y"})
    listed = engine.resources.collections_of(environment)
    fields = ("connector", "collection", "account", "parent", "items")
    assert [tuple(c[f] for f in fields) for c in listed] == [
        ("acme/notes", "tags", "alice|ops", None, 1),
        ("acme/notes", "tags", "bob", "a|b", 1),
    ]


def test_a_collection_stored_before_its_meta_named_its_account_is_still_listed(call):
    # States written before the meta record held the account: the kind is read instead.
    engine = call.engine
    environment = engine.default_environment
    tags = engine.resources.collection(environment, spec_of(engine, "tags"), "carol", "work")
    tags.insert("t-1", {"id": "t-1", "name": "x"})
    meta = engine.store.get(environment.id, "resource-meta", tags.kind)
    assert (meta["account"], meta["parent"]) == ("carol", "work")
    del meta["account"], meta["parent"]
    engine.store.put(environment.id, "resource-meta", tags.kind, meta)
    [listed] = engine.resources.collections_of(environment)
    assert (listed["account"], listed["parent"], listed["items"]) == ("carol", "work", 1)


def test_an_insert_counts_as_a_create_unless_told_and_a_replace_of_a_missing_item_never(call):
    # Coded behaviours insert what a create made (it counts: an example answers only the
    # first create); replacing an id that is not stored keeps the item, as no create.
    engine = call.engine
    tags = engine.resources.collection(engine.default_environment, spec_of(engine, "tags"), "al")
    tags.insert("t-1", {"id": "t-1", "name": "a"})
    assert (tags.meta().creates, tags.meta().next_seq) == (1, 1)
    tags.insert("t-2", {"id": "t-2", "name": "b"}, create=False)
    tags.replace("t-3", {"id": "t-3", "name": "c"})
    tags.replace("t-1", {"id": "t-1", "name": "a2"})  # stored: changed in place
    assert (tags.meta().creates, tags.meta().next_seq) == (1, 3)
    assert [(k, e.seq, e.item["name"]) for k, e in tags.entries()] == [
        ("t-1", 0, "a2"),
        ("t-2", 1, "b"),
        ("t-3", 2, "c"),
    ]
    reserved = tags.reserve()  # what a create takes: the next place, counted
    assert (reserved.creates, reserved.next_seq, reserved.minted) == (2, 4, 1)
    tags.insert_reserved("t-4", {"id": "t-4", "name": "d"}, reserved)
    assert tags.entry("t-4").seq == 3
    other = engine.resources.collection(engine.default_environment, spec_of(engine, "tags"), "bo")
    other.insert("t-9", {"id": "t-9", "name": "z"})
    tags.clear()  # the items and the bookkeeping: a new collection again
    assert (len(tags), tags.entries(), tags.meta().creates, tags.meta().next_seq) == (0, [], 0, 0)
    listed = engine.resources.collections_of(engine.default_environment)
    assert [(c["account"], c["items"]) for c in listed] == [("bo", 1)]


def engine_of(tmp_path, change, *, seed=4):
    """An engine over the notes contract as ``change(data)`` leaves it, alice granted."""
    data = notes_contract()
    change(data)
    (tmp_path / "acme").mkdir(parents=True, exist_ok=True)
    (tmp_path / "acme" / "notes.json").write_text(json.dumps(data), encoding="utf-8")
    engine = Engine(MockConfig(contracts_dir=tmp_path), clock=lambda: NOW)
    environment = engine.environments.create(f"seed {seed}", seed=seed)
    engine.grant(environment, "notes", "alice", owner="acme")
    engine.grant(environment, "notes", "bob", owner="acme")
    client = create_app(engine=engine).test_client()

    def execute(action, payload, account="alice"):
        answer = client.post(
            f"/api/v1/connector/acme/notes/action/{action}/execute?account={account}",
            json=payload,
            headers={"x-api-key": environment.api_key},
        )
        return answer.status_code, answer.get_json()

    execute.engine, execute.environment = engine, environment
    return execute


def optional_note(data):
    # The create's own note: it also holds the folder (echoed from the input) and who made
    # it, fields no other action's note has; and the output does not require it.
    schema = data["actions"]["note.create"]["schema"]
    output = schema["output"] = copy.deepcopy(schema["output"])  # the get's stays as it is
    output.pop("required")
    note = output["properties"]["note"]
    note["properties"]["folder"] = {"type": "string"}
    note["properties"]["madeBy"] = {"type": "string", "enum": ["api", "app"]}
    note["required"] = [*note["required"], "folder", "madeBy"]


WORK_T = {"title": "t", "folder": "work"}


def test_a_create_answered_without_its_item_makes_one_of_the_creates_item_schema(tmp_path):
    call = engine_of(tmp_path, optional_note)
    engine, environment = call.engine, call.environment
    action = engine.registry.action("notes", "note.create", "acme")
    # which creates the generator answers without a note (the n-th create is salted by n)
    without = [
        i
        for i in range(12)
        if "note" not in engine.resources.base_output(environment, action, WORK_T, salt=i)
    ]
    assert len(without) >= 2  # positive control: the branch under test is taken
    notes = {}
    for i in range(12):
        status, body = call("note.create", {"title": "t", "folder": "work"})
        assert status == 200, body
        notes[i] = body["output"]["note"]
    for i in without:
        note = notes[i]
        assert note["folder"] == "work"  # the input echoed, as generated answers do
        assert note["madeBy"] in ("api", "app")  # the create's schema, not the get's
        assert note["title"] == "t"
        assert isinstance(note["body"], str)
    bodies = [notes[i]["body"] for i in without]
    assert len(set(bodies)) == len(bodies)  # each create of the same input its own item
    # what users snapshot: the same for the same seed, from one version to the next
    assert without == [2, 5]
    assert (notes[2]["body"], notes[2]["madeBy"]) == (
        "Teacher everyone remember society wait thus. Level operation him participant run "
        "still. Possible tree guy challenge.",
        "app",
    )
    # the same state and calls give the same items (users snapshot them); another account,
    # or another environment seed, others
    again = engine_of(tmp_path / "again", optional_note)
    assert [again("note.create", {"title": "t", "folder": "work"})[1]["output"]["note"]["body"]
            for _ in range(12)] == [notes[i]["body"] for i in range(12)]  # fmt: skip
    bob = [call("note.create", {"title": "t", "folder": "work"}, "bob")[1] for _ in range(12)]
    assert all(bob[i]["output"]["note"]["body"] != notes[i]["body"] for i in without)
    other = engine_of(tmp_path / "other", optional_note, seed=5)
    others = [other("note.create", {"title": "t", "folder": "work"})[1] for _ in range(12)]
    assert all(others[i]["output"]["note"]["body"] != notes[i]["body"] for i in without)


def test_an_example_id_is_not_taken_again_once_its_item_is_deleted(call):
    first = ok(call("tag.create", URGENT))
    assert first["id"] == "tag-urgent"
    engine = call.engine
    tags = engine.resources.collection(engine.default_environment, spec_of(engine, "tags"), "alice")
    assert tags.remove("tag-urgent")
    second = ok(call("tag.create", URGENT))
    assert second["id"] != "tag-urgent"
    assert re.fullmatch(r"[0-9a-f]{16}", second["id"]), second
    # a new id of the collection (each account its own), not one generated for the input
    _, body = call.bob("tag.create", URGENT)
    assert body["output"]["id"] == "tag-urgent"
    _, body = call.bob("tag.create", URGENT)
    assert body["output"]["id"] not in ("tag-urgent", second["id"])


def test_an_example_whose_item_has_an_empty_id_gets_a_new_one(tmp_path):
    def empty_id(data):
        data["actions"]["tag.create"]["examples"][0]["output"]["id"] = ""

    call = engine_of(tmp_path, empty_id)
    status, body = call("tag.create", URGENT)
    assert status == 200, body
    tag = body["output"]
    assert (tag["name"], tag["colour"]) == ("urgent", "red")  # the example, with an id
    assert re.fullmatch(r"[0-9a-f]{16}", tag["id"]), tag


def test_a_delete_without_a_declared_output_answers_generated_data_echoing_its_input(tmp_path):
    def echoing_delete(data):
        delete = data["actions"]["note.delete"]
        del delete["resource"]["successOutput"]
        delete["schema"]["output"] = {
            "type": "object",
            "properties": {"note_id": {"type": "string"}, "ok": {"type": "boolean"}},
            "required": ["note_id", "ok"],
        }

    call = engine_of(tmp_path, echoing_delete)
    note = call("note.create", {"title": "x"})[1]["output"]["note"]
    status, body = call("note.delete", {"note_id": note["id"]})
    assert status == 200, body
    assert body["output"]["note_id"] == note["id"]
    assert isinstance(body["output"]["ok"], bool)


def test_a_missing_optional_id_input_names_an_empty_id(tmp_path):
    def optional_id(data):
        [note_id] = data["actions"]["note.get"]["schema"]["variables"][:1]
        note_id["x-required"] = False

    call = engine_of(tmp_path, optional_id)
    status, body = call("note.get", {})
    assert (status, body["error"]) == (404, "No note ")


def test_seeded_items_follow_the_connector_of_their_collection(contracts):
    engine = Engine(MockConfig(contracts_dir=contracts), clock=lambda: NOW)
    environment = engine.default_environment
    names = {}
    for connector in ("notes", "jottings"):
        spec = engine.resources.spec(connector, "tags", "acme")
        tags = engine.resources.collection(environment, spec, "alice")
        tags.seed(count=4, seed=7, anchor=NOW)
        names[connector] = [item["name"] for item in tags.items()]
    assert len(names["notes"]) == 4
    assert names["notes"] != names["jottings"]


def test_a_factory_sees_its_environment_and_parent_and_each_explicit_items_id(call):
    from interactor_mock.core.resources.collection import Factory

    engine = call.engine
    environment = engine.default_environment
    seen = []

    def build(ctx, index, item_id):
        seen.append((ctx.environment.id, ctx.account, ctx.parent, ctx.seed, index, item_id))
        return {"id": item_id, "title": f"note {index}", "body": f"/notes/{item_id}"}

    engine.resources.register_factory(
        "acme", "notes", "notes", Factory(item_id=lambda ctx, i: f"n-{i}", build=build)
    )
    notes = engine.resources.collection(environment, spec_of(engine, "notes"), "alice", "work")
    notes.seed(count=1, seed=3, anchor=NOW, items=[{"id": "mine", "title": "given"}])
    assert notes.item("mine") == {"id": "mine", "title": "given", "body": "/notes/mine"}
    assert notes.item("n-0") == {"id": "n-0", "title": "note 0", "body": "/notes/n-0"}
    assert sorted(seen) == [
        (environment.id, "alice", "work", 3, 0, "n-0"),
        (environment.id, "alice", "work", 3, 1, "mine"),
    ]


def test_fresh_ids_differ_even_before_any_is_stored(call):
    engine = call.engine
    tags = engine.resources.collection(engine.default_environment, spec_of(engine, "tags"), "al")
    ids = [engine.resources.fresh_id(tags) for _ in range(3)]
    assert len(set(ids)) == 3


def test_an_update_without_an_input_map_ignores_an_empty_id_like_input(tmp_path):
    def tag_update(data):
        data["actions"]["tag.update"] = action(
            [variable("id", required=True), variable("name"), variable("parentId")],
            {**TAG, "properties": {**TAG["properties"], "id": {"type": "string"}}},
            {"collection": "tags", "operation": "update", "idInput": "id"},
        )

    call = engine_of(tmp_path, tag_update)
    tag = call("tag.create", {"name": "x", "parentId": "p-1"})[1]["output"]
    assert tag["parentId"] == "p-1"
    status, body = call("tag.update", {"id": tag["id"], "name": "y", "parentId": ""})
    assert status == 200, body
    assert (body["output"]["name"], body["output"]["parentId"]) == ("y", "p-1")
    status, body = call("tag.update", {"id": tag["id"], "parentId": "p-2"})
    assert body["output"]["parentId"] == "p-2"


def test_a_collections_kind_is_the_stored_key_older_states_hold():
    # The kind keys every stored item: a change would lose the items of existing states.
    from interactor_mock.core.resources.paths import _project_owned

    assert _project_owned({"a": 1, "b": {"c": 2}}, ("x", "b.c")) == {"b": {"c": 2}}
    assert _project_owned({"a": 1}, ("x",)) == {}


def test_kinds_of_collections_with_and_without_a_parent(call):
    engine = call.engine
    environment = engine.default_environment
    tags = engine.resources.collection(environment, spec_of(engine, "tags"), "alice")
    notes = engine.resources.collection(environment, spec_of(engine, "notes"), "alice", "work")
    assert tags.kind == "resource|acme/notes|tags|alice|"
    assert notes.kind == "resource|acme/notes|notes|alice|work"


def test_an_action_without_a_resource_is_named_when_asked_for_its_collection(call):
    from interactor_mock.core.calls import ActionCall
    from interactor_mock.errors import UnknownCollection

    engine = call.engine
    search = engine.registry.action("notes", "note.search", "acme")
    answer = ActionCall(engine.default_environment, search, "alice", {"query": "q"})
    for ask in (engine.resources.execute, engine.resources.for_call):
        with pytest.raises(UnknownCollection) as unknown:
            ask(answer)
        assert str(unknown.value) == "acme/notes:note.search declares no resource"


def test_a_not_found_is_shaped_by_the_calling_action_in_a_mixed_collection(tmp_path):
    # One -v1-shaped action in a collection of plain ones: only it answers a provider 404.
    def mixed(data):
        data["actions"]["tag.fetch"] = action(
            [variable("id", required=True)],
            provider({"type": "object", "properties": {"name": {"type": "string"}}}),
            {"collection": "tags", "operation": "get", "idInput": "id", "itemField": "body"},
        )

    call = engine_of(tmp_path, mixed)
    status, body = call("tag.get", {"id": "nope"})
    assert (status, "output" in body) == (404, False), body
    status, body = call("tag.fetch", {"id": "nope"})
    assert (status, body["output"]["status_code"]) == (200, 404), body
