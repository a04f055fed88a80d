"""One Google user behind an account's ``gmail`` and ``gmail-v1`` connections (inferred)."""

from __future__ import annotations

import base64

import pytest

ACCOUNT = "alice@example.com"
RAW = base64.urlsafe_b64encode(
    f"From: {ACCOUNT}\r\nTo: bob@example.org\r\nSubject: Offer\r\n\r\nThe terms.".encode()
).decode()


@pytest.fixture
def run(client, engine, dev, headers):
    for connector in ("gmail", "gmail-v1"):
        engine.grant(dev, connector, ACCOUNT)

    def execute(connector, action, payload):
        response = client.post(
            f"/api/v1/connector/{connector}/action/{action}/execute?account={ACCOUNT}",
            json=payload,
            headers=headers,
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()["output"]

    return execute


def test_a_draft_created_through_gmail_v1_is_listed_by_gmail(run):
    created = run("gmail-v1", "gmail.users.drafts.create", {"message": {"raw": RAW}})["body"]
    listed = run("gmail", "email.draft.list", {})["drafts"]
    assert [d["id"] for d in listed] == [created["id"]]
    draft = run("gmail", "email.draft.get", {"draft_id": created["id"]})
    assert draft["message"]["message_info"]["subject"] == "Offer"
    assert draft["message"]["message_info"]["to"] == ["bob@example.org"]


def test_a_draft_created_through_gmail_is_listed_and_deleted_by_gmail_v1(run):
    draft = run(
        "gmail", "email.draft.create", {"to": ["bob@example.org"], "subject": "Hi", "body": "B."}
    )
    listed = run("gmail-v1", "gmail.users.drafts.list", {"q": "subject:hi"})["body"]
    assert listed["drafts"] == [
        {
            "id": draft["id"],
            "message": {"id": draft["message"]["id"], "threadId": draft["message"]["threadId"]},
        }
    ]
    fetched = run("gmail-v1", "gmail.users.drafts.get", {"id": draft["id"]})["body"]
    assert "message_info" not in fetched["message"]
    assert fetched["message"]["snippet"] == "B."
    assert run("gmail-v1", "gmail.users.drafts.delete", {"id": draft["id"]}) == {
        "status_code": 204,
        "body": None,
    }
    assert run("gmail", "email.draft.list", {})["drafts"] == []
    gone = run("gmail-v1", "gmail.users.drafts.get", {"id": draft["id"]})
    assert gone["status_code"] == 404
    assert gone["body"]["error"]["message"] == "Requested entity was not found."


def test_a_gmail_v1_draft_sent_is_a_sent_message(run):
    created = run("gmail-v1", "gmail.users.drafts.create", {"message": {"raw": RAW}})["body"]
    sent = run("gmail-v1", "gmail.users.drafts.send", {"id": created["id"]})["body"]
    assert sent["labelIds"] == ["SENT"]
    listed = run("gmail-v1", "gmail.users.messages.list", {"q": "in:sent subject:offer"})["body"]
    assert [m["id"] for m in listed["messages"]] == [sent["id"]]
    assert run("gmail", "email.draft.list", {})["drafts"] == []
