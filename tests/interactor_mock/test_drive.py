"""Google Drive's coded behaviour (``drive.files.copy``) and its seeded files."""

from __future__ import annotations

import re

import pytest

from interactor_mock.connectors.drive import KINDS
from interactor_mock.connectors.drive import TITLES


@pytest.fixture
def drive(client, engine, dev, headers):
    engine.grant(dev, "googledrive-v1", "alice")

    def execute(action, payload):
        response = client.post(
            f"/api/v1/connector/googledrive-v1/action/{action}/execute?account=alice",
            json=payload,
            headers=headers,
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()["output"]

    return execute


def test_a_copy_is_a_new_file_named_copy_of_the_original(drive, engine, dev, clock):
    original = drive("drive.files.create", {"name": "Budget", "mimeType": "text/plain"})["body"]
    clock.advance(minutes=5)
    copied = drive("drive.files.copy", {"fileId": original["id"]})
    assert copied["status_code"] == 200
    body = copied["body"]
    assert body["id"] != original["id"]
    assert body["name"] == "Copy of Budget"
    assert body["mimeType"] == "text/plain"
    assert (body["createdTime"], body["modifiedTime"]) == (
        "2026-11-27T12:05:00.000Z",
        "2026-11-27T12:05:00.000Z",
    )
    assert "webViewLink" not in body
    stored = drive("drive.files.get", {"fileId": body["id"]})["body"]
    assert stored["name"] == "Copy of Budget"
    listed = drive("drive.files.list", {})["body"]["files"]
    assert [f["id"] for f in listed] == [original["id"], body["id"]]


def test_a_copy_takes_the_name_parents_and_description_asked_for(drive):
    original = drive("drive.files.create", {"name": "Plan"})["body"]
    body = drive(
        "drive.files.copy",
        {"fileId": original["id"], "name": "Plan v2", "parents": ["F1"], "description": "d"},
    )["body"]
    assert (body["name"], body["parents"], body["description"]) == ("Plan v2", ["F1"], "d")
    assert drive("drive.files.get", {"fileId": original["id"]})["body"]["name"] == "Plan"


def test_copying_a_file_that_is_not_there_is_drives_404(drive, engine, dev):
    engine.seeds.apply(dev, {"accounts": {"alice": {"googledrive-v1": {"files": 2}}}})
    answer = drive("drive.files.copy", {"fileId": "nope"})
    assert answer["status_code"] == 404
    assert answer["body"]["error"]["message"] == "File not found: nope."
    assert len(drive("drive.files.list", {})["body"]["files"]) == 2


def test_seeded_files_look_like_drives(engine, dev):
    engine.seeds.apply(
        dev,
        {"anchor": "2026-06-01T00:00:00Z", "accounts": {"bob": {"googledrive-v1": {"files": 12}}}},
    )
    files = engine.resources.items(dev, "googledrive-v1", "files", "bob")
    assert len(files) == 12
    mimes = dict(KINDS)
    for index, item in enumerate(files):
        assert item["kind"] == "drive#file"
        title, number, extension = re.fullmatch(r"(.+) (\d+)(\.\w+)?", item["name"]).groups()
        assert title in TITLES
        assert int(number) == index + 1
        assert (extension or "") == mimes[item["mimeType"]]
        assert ("size" in item) == bool(extension)
        assert item["owners"] == [
            {
                "kind": "drive#user",
                "displayName": "bob",
                "emailAddress": "bob@example.com",
                "me": True,
            }
        ]
        assert item["createdTime"] <= item["modifiedTime"] <= "2026-06-01T00:00:00.000Z"
        assert item["webViewLink"] == f"https://drive.google.com/file/d/{item['id']}/view"
        assert item["parents"] == ["root"]
        assert item["trashed"] is False
    assert len({f["id"] for f in files}) == 12


def test_an_address_account_owns_its_seeded_files_under_its_address(engine, dev):
    engine.seeds.apply(dev, {"accounts": {"ann@corp.io": {"googledrive-v1": {"files": 1}}}})
    (item,) = engine.resources.items(dev, "googledrive-v1", "files", "ann@corp.io")
    assert item["owners"][0]["emailAddress"] == "ann@corp.io"
    assert item["owners"][0]["displayName"] == "ann"
