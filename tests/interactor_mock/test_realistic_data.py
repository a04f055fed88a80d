"""Data that looks real, checked over many seeds: Gmail labels, people's names, past dates,
one id style per collection."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest

from interactor_mock.core.generate import Generator
from interactor_mock.core.generate import default_pools

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "interactor"
SEEDS = range(150)
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
SYSTEM = {
    "INBOX", "SENT", "DRAFT", "SPAM", "TRASH", "UNREAD", "STARRED", "IMPORTANT", "CHAT",
    "CATEGORY_PERSONAL", "CATEGORY_SOCIAL", "CATEGORY_PROMOTIONS", "CATEGORY_UPDATES",
    "CATEGORY_FORUMS",
}  # fmt: skip


def palette():
    """Gmail's label colours, read from the discovery document's Label.color description
    (an independent source: the generator's own list is not consulted)."""
    data = json.loads((CONTRACTS / "gmail-v1.json").read_text())
    description = data["dataTypes"]["LabelColor"]["properties"]["backgroundColor"]["description"]
    return set(re.findall(r"#[0-9a-f]{6}", description))


def person_names():
    pools = default_pools()
    return pools.first_names, pools.last_names


def looks_like_a_person(text):
    firsts, lasts = person_names()
    parts = text.split(" ")
    return len(parts) == 2 and parts[0] in firsts and parts[1] in lasts


def output_of(engine, connector, action, seed):
    found = engine.registry.action(connector, action)
    schema = engine.resources.catalog.success_schema(found)
    return Generator().generate(schema, seed=seed)


def test_generated_gmail_labels_are_system_labels_or_plausible_user_labels(engine):
    colours = palette()
    kinds = set()
    for seed in SEEDS:
        label = output_of(engine, "gmail-v1", "gmail.users.labels.get", seed)["body"]
        kinds.add(label.get("type"))
        if label.get("type") == "system":
            assert label["id"] in SYSTEM, label
            assert label["name"] == label["id"]
            assert "color" not in label
        else:
            assert re.fullmatch(r"Label_\d+", label["id"]), label
            assert not looks_like_a_person(label["name"]), label
            assert label["name"][0].isupper()
            color = label.get("color")
            if color is not None:
                assert set(color.values()) <= colours, label
    assert kinds >= {"system", "user"}


def walk(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v, key)
    else:
        yield key, value


PERSON_FIELDS = {"name", "displayName", "fullName", "fromName", "realName", "value"}
PAST_FIELDS = {
    "createdTime", "modifiedTime", "modifiedByMeTime", "viewedByMeTime", "sharedWithMeTime",
    "created", "updated", "internalDate", "trashedTime",
}  # fmt: skip
ACTIONS = [
    ("gmail-v1", "gmail.users.messages.get"),
    ("gmail-v1", "gmail.users.labels.list"),
    ("googledrive-v1", "drive.files.get"),
    ("googledrive-v1", "drive.files.list"),
    ("googlecalendar-v1", "calendar.events.get"),
    ("gmail", "email.get"),
]


@pytest.mark.parametrize(("connector", "action"), ACTIONS)
def test_people_names_appear_only_in_name_fields(engine, connector, action):
    for seed in SEEDS:
        for key, value in walk(output_of(engine, connector, action, seed)):
            if isinstance(value, str) and looks_like_a_person(value):
                assert key in PERSON_FIELDS, (seed, key, value)


@pytest.mark.parametrize(("connector", "action"), [a for a in ACTIONS if "labels" not in a[1]])
def test_past_tense_times_are_never_after_the_clock(engine, connector, action):
    seen = 0
    for seed in SEEDS:
        for key, value in walk(output_of(engine, connector, action, seed)):
            if key not in PAST_FIELDS or not isinstance(value, str):
                continue
            seen += 1
            if value.isdigit():
                moment = datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)
            else:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            assert moment <= NOW, (seed, key, value)
    assert seen > 0


def test_a_seeded_mailbox_is_never_dated_after_the_clock(engine, dev, clock):
    clock.now = NOW
    engine.seeds.apply(dev, {"accounts": {"a": {"gmail": {"messages": 300}}}})
    for message in engine.resources.items(dev, "gmail", "messages", "a"):
        assert int(message["internalDate"]) <= NOW.timestamp() * 1000


RAW = base64.urlsafe_b64encode(b"To: bob@example.org\r\nSubject: Hi\r\n\r\nHello").decode()
DRAFT = {"to": ["b@x.org"], "subject": "S", "body": "B"}
QUICK = {"calendarId": "primary", "text": "X at 9am"}
STYLES = [
    ("gmail", "drafts", "email.draft.create", DRAFT, r"r\d{19}"),
    ("gmail-v1", "labels", "gmail.users.labels.create", {"name": "Work"}, r"Label_\d+|[A-Z_]+"),
    ("googledrive-v1", "files", "drive.files.create", {"name": "Plan"}, r"1[A-Za-z0-9_-]{32}"),
    ("googlecalendar-v1", "events", "calendar.events.quickAdd", QUICK, r"[0-9a-v]{26}"),
]


@pytest.mark.parametrize(("connector", "collection", "action", "payload", "style"), STYLES)
def test_created_and_seeded_items_share_one_id_style(
    client, engine, dev, headers, connector, collection, action, payload, style
):
    seeded = {"count": 20, "parent": "primary"} if connector == "googlecalendar-v1" else 20
    engine.seeds.apply(dev, {"accounts": {"a": {connector: {collection: seeded}}}})
    for _ in range(3):
        response = client.post(
            f"/api/v1/connector/{connector}/action/{action}/execute?account=a",
            json=payload,
            headers=headers,
        )
        assert response.status_code == 200, response.get_json()
    parent = "primary" if connector == "googlecalendar-v1" else None
    items = engine.resources.items(dev, connector, collection, "a", parent=parent)
    assert len(items) == 23
    for item in items:
        assert re.fullmatch(style, item["id"]), item["id"]
