"""Gmail's coded behaviours: threads, labels, drafts that become messages, batches."""

from __future__ import annotations

import base64

import pytest

DRAFT = {"to": ["bob@example.com"], "subject": "Lunch?", "body": "Noon at the usual place."}


@pytest.fixture
def gmail(client, engine, dev, headers):
    engine.grant(dev, "gmail", "alice")

    def execute(action, payload=None, *, expect=200):
        response = client.post(
            f"/api/v1/connector/gmail/action/{action}/execute?account=alice",
            json=payload or {},
            headers=headers,
        )
        assert response.status_code == expect, response.get_json()
        body = response.get_json()
        return body["output"] if expect == 200 else body

    return execute


@pytest.fixture
def mailbox(engine, dev):
    engine.seeds.apply(dev, {"accounts": {"alice": {"gmail": {"messages": 20}}}})
    return engine.resources.items(dev, "gmail", "messages", "alice")


def header(message, name):
    return next(h["value"] for h in message["payload"]["headers"] if h["name"] == name)


def test_send_adds_a_sent_message_in_a_new_thread(gmail):
    sent = gmail("email.send", {**DRAFT, "labelIds": ["IMPORTANT"]})
    assert sent["threadId"] == sent["id"]
    assert sent["labelIds"] == ["SENT", "IMPORTANT"]
    assert sent["message_info"]["to"] == ["bob@example.com"]
    assert header(sent, "Subject") == "Lunch?"
    data = sent["payload"]["body"]["data"]
    assert base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode() == DRAFT["body"]
    assert gmail("email.get", {"message_id": sent["id"]}) == sent
    assert gmail("email.list")["messages"] == [{"id": sent["id"], "threadId": sent["id"]}]


def test_a_signature_goes_in_the_sent_body(gmail):
    sent = gmail("email.send", {**DRAFT, "signature": "-- Alice"})
    data = sent["payload"]["body"]["data"]
    assert base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode().endswith("-- Alice")
    assert sent["message_info"]["body"] == DRAFT["body"]


def test_reply_joins_the_thread_and_answers_the_sender(gmail, mailbox):
    original = next(m for m in mailbox if "INBOX" in m["labelIds"])
    reply = gmail("email.reply", {"message_id": original["id"], "body": "Sounds good"})
    assert reply["threadId"] == original["threadId"]
    assert reply["message_info"]["subject"].startswith("Re: ")
    sender = original["message_info"]["from"].split("<")[1].rstrip(">")
    assert reply["message_info"]["to"] == [sender]
    assert header(reply, "In-Reply-To") == header(original, "Message-ID")
    assert "SENT" in reply["labelIds"]


def test_reply_all_answers_everyone_but_the_account(gmail):
    original = gmail(
        "email.send",
        {"to": ["bob@example.com"], "cc": ["carol@example.com"], "subject": "Plan", "body": "x"},
    )
    reply = gmail("email.reply.all", {"message_id": original["id"], "body": "y"})
    assert reply["message_info"]["to"] == ["bob@example.com", "carol@example.com"]
    assert reply["message_info"]["subject"] == "Re: Plan"


def test_forward_keeps_the_thread_and_quotes_the_original(gmail, mailbox):
    original = mailbox[0]
    forward = gmail(
        "email.forward", {"message_id": original["id"], "to": ["dan@example.com"], "body": "FYI"}
    )
    assert forward["threadId"] == original["threadId"]
    assert forward["message_info"]["subject"].startswith("Fwd: ")
    assert "Forwarded message" in forward["message_info"]["body"]
    assert forward["message_info"]["to"] == ["dan@example.com"]


def test_replying_to_a_message_that_does_not_exist_fails_like_gmail(gmail, mailbox):
    body = gmail("email.reply", {"message_id": "nope", "body": "x"}, expect=500)
    assert body == {"error": "Requested entity was not found."}


def test_replying_to_a_message_never_stored_is_not_found(gmail):
    body = gmail("email.reply", {"message_id": "18c2f0a1b2c3d4e5", "body": "x"}, expect=500)
    assert body["error"] == "Requested entity was not found."
    assert gmail("email.list")["messages"] == []


def test_replying_keeps_the_original_in_the_mailbox(gmail, engine, dev):
    engine.seeds.seed_collection(dev, "gmail", "messages", "alice", [{"id": "18c2f0a1b2c3d4e5"}])
    reply = gmail("email.reply", {"message_id": "18c2f0a1b2c3d4e5", "body": "x"})
    original = gmail("email.get", {"message_id": "18c2f0a1b2c3d4e5"})
    assert reply["threadId"] == original["threadId"]
    ids = {m["id"] for m in gmail("email.list")["messages"]}
    assert ids == {reply["id"], original["id"]}


def test_draft_send_turns_the_draft_into_a_sent_message(gmail, engine, dev):
    draft = gmail("email.draft.create", DRAFT)
    assert draft["message"]["labelIds"] == ["DRAFT"]
    sent = gmail("email.draft.send", {"draft_id": draft["id"]})
    assert "SENT" in sent["labelIds"]
    assert "DRAFT" not in sent["labelIds"]
    assert sent["message_info"]["subject"] == "Lunch?"
    assert gmail("email.draft.list")["drafts"] == []
    gmail("email.draft.get", {"draft_id": draft["id"]}, expect=500)
    assert gmail("email.get", {"message_id": sent["id"]}) == sent
    assert engine.resources.items(dev, "gmail", "drafts", "alice") == []


def test_sending_a_draft_twice_fails_the_second_time(gmail):
    draft = gmail("email.draft.create", DRAFT)
    gmail("email.draft.send", {"draft_id": draft["id"]})
    body = gmail("email.draft.send", {"draft_id": draft["id"]}, expect=500)
    assert body["error"] == "Requested entity was not found."


def test_draft_update_changes_fields_and_headers(gmail):
    draft = gmail("email.draft.create", DRAFT)
    updated = gmail("email.draft.update", {"draft_id": draft["id"], "subject": "Dinner?"})
    assert updated["message"]["message_info"]["subject"] == "Dinner?"
    assert header(updated["message"], "Subject") == "Dinner?"
    assert updated["message"]["message_info"]["to"] == ["bob@example.com"]
    assert gmail("email.draft.get", {"draft_id": draft["id"]}) == updated


def test_reply_drafts_join_the_thread(gmail, mailbox):
    original = mailbox[3]
    draft = gmail("email.draft.create.reply", {"message_id": original["id"], "body": "ok"})
    assert draft["message"]["threadId"] == original["threadId"]
    forward = gmail(
        "email.draft.create.forward", {"message_id": original["id"], "to": ["e@example.com"]}
    )
    assert forward["message"]["message_info"]["subject"].startswith("Fwd: ")
    everyone = gmail("email.draft.create.reply.all", {"message_id": original["id"], "body": "ok"})
    assert everyone["message"]["threadId"] == original["threadId"]


def test_trash_hides_a_message_from_lists(gmail, mailbox):
    target = mailbox[0]["id"]
    assert gmail("email.trash", {"message_id": target}) == "success"
    trashed = gmail("email.get", {"message_id": target})
    assert "TRASH" in trashed["labelIds"]
    assert "INBOX" not in trashed["labelIds"]
    assert target not in {m["id"] for m in gmail("email.list", {"maxResults": 100})["messages"]}
    with_trash = gmail("email.list", {"maxResults": 100, "includeSpamTrash": True})["messages"]
    assert target in {m["id"] for m in with_trash}
    assert target not in {m["id"] for m in gmail("email.get.batch", {"limit": 100})["messages"]}


def test_star_and_label_add_labels(gmail, mailbox):
    target = mailbox[1]["id"]
    assert "STARRED" in gmail("email.star", {"message_id": target})["labelIds"]
    labelled = gmail("email.label", {"message_id": target, "labelIds": ["Label_7"]})
    assert {"STARRED", "Label_7"} <= set(labelled["labelIds"])
    starred = gmail("email.list", {"labelIds": ["STARRED"], "maxResults": 100})["messages"]
    assert target in {m["id"] for m in starred}
    assert target in {m["id"] for m in gmail("email.list", {"q": "label:label_7"})["messages"]}


def test_list_filters_by_label(gmail, mailbox):
    unread = gmail("email.list", {"labelIds": ["UNREAD"], "maxResults": 100})
    expected = [m["id"] for m in mailbox if "UNREAD" in m["labelIds"]]
    assert [m["id"] for m in unread["messages"]] == expected
    assert unread["resultSizeEstimate"] == len(expected)
    sent = gmail("email.list", {"q": "in:sent", "maxResults": 100})["messages"]
    assert [m["id"] for m in sent] == [m["id"] for m in mailbox if "SENT" in m["labelIds"]]


def test_list_pages_are_newest_first_with_a_next_token(gmail, mailbox):
    first = gmail("email.list", {"maxResults": 5})
    assert [m["id"] for m in first["messages"]] == [m["id"] for m in mailbox[:5]]
    assert first["nextPageToken"]
    assert first["resultSizeEstimate"] == 20


def test_get_batch_pages_full_messages(gmail, mailbox):
    seen, token = [], None
    while True:
        page = gmail("email.get.batch", {"limit": 7, **({"pageToken": token} if token else {})})
        seen += page["messages"]
        token = page["nextPageToken"]
        if token is None:
            break
    assert seen == mailbox


def test_a_bad_page_token_fails(gmail, mailbox):
    body = gmail("email.get.batch", {"pageToken": "bogus"}, expect=500)
    assert body == {"error": "Invalid pageToken"}


def test_deleted_messages_are_gone(gmail, mailbox):
    target = mailbox[2]["id"]
    assert gmail("email.delete", {"message_id": target}) == "success"
    gmail("email.get", {"message_id": target}, expect=500)
    gmail("email.delete", {"message_id": target}, expect=500)
