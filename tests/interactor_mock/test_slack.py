"""Slack's coded behaviour (``message.send``) and its seeded users and channels."""

from __future__ import annotations

import re

import pytest

from interactor_mock.connectors.slack import TEAM


@pytest.fixture
def slack(client, engine, dev, headers):
    engine.grant(dev, "slack", "alice")

    def execute(action, payload, *, status=200, account="alice"):
        if account != "alice":
            engine.grant(dev, "slack", account)
        response = client.post(
            f"/api/v1/connector/slack/action/{action}/execute?account={account}",
            json=payload,
            headers=headers,
        )
        assert response.status_code == status, response.get_json()
        return response.get_json()

    return execute


def test_a_posted_message_is_chat_post_messages_answer(slack):
    output = slack("message.send", {"channel": "C123", "text": "hello"})["output"]
    # 2026-11-27T12:00:00Z is 1795780800; the first message of the account has micros 1.
    assert output == {
        "ok": True,
        "channel": "C123",
        "ts": "1795780800.000001",
        "message": {
            "type": "message",
            "text": "hello",
            "user": "UDXEUJCQPW3",
            "bot_id": "B2QHWGVITBB",
            "app_id": "A5V0AWQYGKN",
            "team": TEAM,
            "ts": "1795780800.000001",
        },
    }


def test_messages_posted_in_the_same_second_get_distinct_ts(slack, engine, dev):
    stamps = [
        slack("message.send", {"channel": "C1", "text": f"m{i}"})["output"]["ts"] for i in range(3)
    ]
    assert stamps == ["1795780800.000001", "1795780800.000002", "1795780800.000003"]
    kept = engine.resources.items(dev, "slack", "messages", "alice")
    assert sorted(m["ts"] for m in kept) == stamps


def test_each_account_posts_as_its_own_user(slack):
    bob = slack("message.send", {"channel": "C1", "text": "x"}, account="bob")["output"]
    assert bob["message"]["user"] == "UHDHB378UZO"
    assert re.fullmatch(r"B[A-Z0-9]{10}", bob["message"]["bot_id"])
    assert bob["message"]["bot_id"] != "B2QHWGVITBB"


def test_before_channels_are_seeded_any_channel_is_accepted(slack):
    assert slack("message.send", {"channel": "#anything", "text": "x"})["output"]["channel"] == (
        "#anything"
    )


@pytest.mark.parametrize("named", ["general", "#general"])
def test_a_seeded_channel_is_found_by_name_and_answered_by_id(slack, engine, dev, named):
    engine.seeds.apply(dev, {"accounts": {"alice": {"slack": {"channels": 2}}}})
    general, random = engine.resources.items(dev, "slack", "channels", "alice")
    assert (general["name"], random["name"]) == ("general", "random")
    output = slack("message.send", {"channel": named, "text": "x"})["output"]
    assert output["channel"] == general["id"]
    by_id = slack("message.send", {"channel": random["id"], "text": "y"})["output"]
    assert by_id["channel"] == random["id"]


def test_an_unknown_channel_after_seeding_is_slacks_channel_not_found(slack, engine, dev):
    engine.seeds.apply(dev, {"accounts": {"alice": {"slack": {"channels": 1}}}})
    body = slack("message.send", {"channel": "#nope", "text": "x"}, status=500)
    assert body == {"error": "channel_not_found"}
    assert engine.resources.items(dev, "slack", "messages", "alice") == []


def test_seeded_channels_and_users_look_like_slacks(engine, dev):
    engine.seeds.apply(dev, {"accounts": {"alice": {"slack": {"channels": 8, "users": 3}}}})
    channels = engine.resources.items(dev, "slack", "channels", "alice")
    assert [c["name"] for c in channels] == [
        "general",
        "random",
        "engineering",
        "sales",
        "support",
        "announcements",
        "channel-6",
        "channel-7",
    ]
    assert [c["created"] for c in channels[:2]] == [1_600_000_000, 1_600_086_400]
    assert [c["num_members"] for c in channels[:2]] == [3, 4]
    assert all(re.fullmatch(r"C[A-Z0-9]{10}", c["id"]) for c in channels)
    users = engine.resources.items(dev, "slack", "users", "alice")
    assert [(u["is_admin"], u["is_owner"]) for u in users] == [
        (True, True),
        (False, False),
        (False, False),
    ]
    for index, user in enumerate(users):
        assert re.fullmatch(r"U[A-Z0-9]{10}", user["id"])
        first, last = user["profile"]["first_name"], user["profile"]["last_name"]
        handle = f"{first.lower()}.{last.lower()}"
        assert (user["name"], user["real_name"]) == (handle, f"{first} {last}")
        assert user["profile"]["email"] == f"{handle}@example.com"
        assert user["team_id"] == TEAM
        assert user["updated"] == 1_700_000_000 + index


def test_user_list_answers_the_seeded_users(slack, engine, dev):
    engine.seeds.apply(dev, {"accounts": {"alice": {"slack": {"users": 3}}}})
    members = slack("user.list", {})["output"]["members"]
    seeded = engine.resources.items(dev, "slack", "users", "alice")
    assert [m["id"] for m in members] == [u["id"] for u in seeded]
