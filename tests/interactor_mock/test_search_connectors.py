"""Search that filters, through HTTP: Gmail's ``q`` on ``gmail`` and ``gmail-v1``, Drive's
``files.list`` ``q``, Calendar's ``events.list``, all against the mock's clock."""

from __future__ import annotations

import base64
from datetime import datetime
from datetime import timezone

import pytest

from interactor_mock.connectors.gmail import build_message

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
ACCOUNT = "alice@example.com"


@pytest.fixture
def call(client, engine, dev, headers, clock):
    clock.now = NOW
    for connector in ("gmail", "gmail-v1", "googledrive-v1", "googlecalendar-v1"):
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


def message(message_id, subject, labels, day, *, sender="Bob Stone <bob@example.org>"):
    return build_message(
        message_id=message_id,
        thread_id=message_id,
        labels=labels,
        info={"from": sender, "to": [ACCOUNT], "subject": subject, "body": f"About {subject}."},
        moment=datetime(2026, 11, day, 9, 0, tzinfo=timezone.utc),
        history_id=1000 + day,
    )


@pytest.fixture
def mailbox(engine, dev):
    items = [
        message("m1", "Offsite agenda", ["INBOX", "STARRED"], 26),
        message("m2", "Old starred note", ["INBOX", "STARRED"], 1),
        message("m3", "Weekly digest", ["INBOX"], 26),
        message("m4", "Archived but starred", ["STARRED"], 26),
        message("m5", "Binned offsite agenda", ["INBOX", "STARRED", "TRASH"], 26),
    ]
    engine.seeds.apply(dev, {"accounts": {ACCOUNT: {"gmail": {"messages": items}}}})


def ids(output, field="messages"):
    return sorted(item["id"] for item in output[field])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("is:starred in:inbox after:2026/11/20", ["m1"]),
        ("is:starred in:inbox", ["m1", "m2"]),
        ("agenda", ["m1"]),
        ("-agenda in:inbox", ["m2", "m3"]),
        ("older_than:7d", ["m2"]),
        ("newer_than:2d -in:inbox", ["m4"]),
        ("{digest note}", ["m2", "m3"]),
        ("from:bob subject:(offsite agenda)", ["m1"]),
        ("in:trash", ["m5"]),
        ("in:anywhere agenda", ["m1", "m5"]),
        # lenient, as Gmail's search box: never a 400
        ('"offsite agenda', ["m1"]),
        ("after:today", []),
        ("", ["m1", "m2", "m3", "m4"]),
    ],
)
def test_gmail_list_filters_by_gmail_search(call, mailbox, q, expected):
    assert ids(call("gmail", "email.list", {"q": q})) == expected


def test_gmail_list_labels_and_spam_trash_combine_with_q(call, mailbox):
    out = call("gmail", "email.list", {"q": "agenda", "includeSpamTrash": True})
    assert ids(out) == ["m1", "m5"]
    out = call("gmail", "email.list", {"labelIds": ["STARRED"], "q": "newer_than:2d"})
    assert ids(out) == ["m1", "m4"]
    assert out["resultSizeEstimate"] == 2


def test_gmail_draft_list_filters_by_q(call):
    for subject in ("Lunch on Friday", "Budget review"):
        call(
            "gmail",
            "email.draft.create",
            {"to": ["bob@example.org"], "subject": subject, "body": "Hi."},
        )
    listed = call("gmail", "email.draft.list", {"q": "subject:lunch"})
    assert len(listed["drafts"]) == 1
    draft = call("gmail", "email.draft.get", {"draft_id": listed["drafts"][0]["id"]})
    assert draft["message"]["message_info"]["subject"] == "Lunch on Friday"
    assert len(call("gmail", "email.draft.list", {})["drafts"]) == 2


def raw(subject, to="bob@example.org", body="Hello."):
    text = f"From: {ACCOUNT}\r\nTo: {to}\r\nSubject: {subject}\r\n\r\n{body}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_gmail_v1_sent_messages_are_stored_as_gmail_keeps_them(call):
    sent = call("gmail-v1", "gmail.users.messages.send", {"raw": raw("Plans", body="See you.")})
    assert sent == {
        "status_code": 200,
        "body": {"id": sent["body"]["id"], "threadId": sent["body"]["id"], "labelIds": ["SENT"]},
    }
    got = call("gmail-v1", "gmail.users.messages.get", {"id": sent["body"]["id"]})["body"]
    assert got["snippet"] == "See you."
    assert got["internalDate"] == str(int(NOW.timestamp() * 1000))
    headers = {h["name"]: h["value"] for h in got["payload"]["headers"]}
    assert (headers["To"], headers["Subject"]) == ("bob@example.org", "Plans")


def test_gmail_v1_lists_filter_by_q_labels_and_threads(call):
    first = call("gmail-v1", "gmail.users.messages.send", {"raw": raw("Quarterly plan")})["body"]
    reply = call(
        "gmail-v1",
        "gmail.users.messages.send",
        {"raw": raw("Re: Quarterly plan", body="Agreed."), "threadId": first["id"]},
    )["body"]
    other = call(
        "gmail-v1", "gmail.users.messages.send", {"raw": raw("Dinner", to="carol@example.org")}
    )["body"]
    listed = call("gmail-v1", "gmail.users.messages.list", {"q": "to:bob"})["body"]
    assert ids(listed) == sorted([first["id"], reply["id"]])
    listed = call("gmail-v1", "gmail.users.messages.list", {"q": "agreed", "labelIds": ["SENT"]})
    assert ids(listed["body"]) == [reply["id"]]
    assert call("gmail-v1", "gmail.users.messages.list", {"labelIds": ["INBOX"]})["body"] == {
        "messages": [],
        "resultSizeEstimate": 0,
    }
    threads = call("gmail-v1", "gmail.users.threads.list", {"q": "subject:plan"})["body"]
    assert threads == {
        "resultSizeEstimate": 1,
        "threads": [
            {
                "id": first["id"],
                "snippet": "Agreed.",
                "historyId": threads["threads"][0]["historyId"],
            }
        ],
    }
    both = call("gmail-v1", "gmail.users.threads.list", {"maxResults": 1})["body"]
    assert [t["id"] for t in both["threads"]] == [other["threadId"]]
    rest = call(
        "gmail-v1",
        "gmail.users.threads.list",
        {"maxResults": 1, "pageToken": both["nextPageToken"]},
    )["body"]
    assert [t["id"] for t in rest["threads"]] == [first["id"]]
    assert "nextPageToken" not in rest
    assert call("gmail-v1", "gmail.users.threads.list", {"q": "from:nobody"})["body"] == {
        "resultSizeEstimate": 0
    }


def test_gmail_v1_draft_list_filters_by_q(call):
    for subject in ("Offer letter", "Team lunch"):
        call("gmail-v1", "gmail.users.drafts.create", {"message": {"raw": raw(subject)}})
    listed = call("gmail-v1", "gmail.users.drafts.list", {"q": "subject:offer"})["body"]
    assert len(listed["drafts"]) == 1
    assert listed["resultSizeEstimate"] == 1


@pytest.fixture
def drive(call):
    def create(name, **fields):
        return call("googledrive-v1", "drive.files.create", {"name": name, **fields})["body"]

    made = {
        "plan": create("Plan Q3"),
        "project": create("Project plan", starred=True),
        "planning": create("Planning notes", mimeType="application/vnd.google-apps.document"),
        "budget": create("Budget"),
        "old": create("Old plan"),
    }
    call("googledrive-v1", "drive.files.update", {"fileId": made["old"]["id"], "trashed": True})
    return made


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("name contains 'Plan' and trashed=false", ["plan", "planning", "project"]),
        ("name contains 'Plan'", ["old", "plan", "planning", "project"]),
        ("name = 'Budget'", ["budget"]),
        ("starred = true", ["project"]),
        ("mimeType != 'application/octet-stream'", ["planning"]),
        ("not name contains 'plan' or starred = true", ["budget", "project"]),
        ("'root' in parents and trashed = true", ["old"]),
        ("createdTime > '2026-11-27T00:00:00Z'", ["budget", "old", "plan", "planning", "project"]),
        ("modifiedTime < '2026-01-01'", []),
    ],
)
def test_drive_files_list_filters_by_q(call, drive, q, expected):
    out = call("googledrive-v1", "drive.files.list", {"q": q})
    assert out["status_code"] == 200
    by_id = {item["id"]: name for name, item in drive.items()}
    assert sorted(by_id[item["id"]] for item in out["body"]["files"]) == expected


def test_a_malformed_drive_query_is_drives_own_400_in_the_output(call, drive):
    out = call("googledrive-v1", "drive.files.list", {"q": "name contains 'Plan"})
    assert out == {
        "status_code": 400,
        "body": {
            "error": {
                "code": 400,
                "message": "Invalid Value",
                "errors": [
                    {
                        "domain": "global",
                        "reason": "invalid",
                        "message": "Invalid Value",
                        "locationType": "parameter",
                        "location": "q",
                    }
                ],
            }
        },
    }


def test_quick_add_with_send_notifications_succeeds(call):
    out = call(
        "googlecalendar-v1",
        "calendar.events.quickAdd",
        {"calendarId": "primary", "text": "Lunch tomorrow at 1pm", "sendNotifications": False},
    )
    assert out["status_code"] == 200
    assert out["body"]["summary"] == "Lunch"
    assert out["body"]["start"] == {"dateTime": "2026-11-28T13:00:00Z", "timeZone": "UTC"}


def test_calendar_events_list_expands_filters_and_orders(call):
    def insert(summary, start, end, **extra):
        body = {"calendarId": "primary", "summary": summary, **extra}
        body["start"], body["end"] = {"dateTime": start}, {"dateTime": end}
        return call("googlecalendar-v1", "calendar.events.insert", body)["body"]

    standup = insert(
        "Standup",
        "2026-11-28T09:00:00Z",
        "2026-11-28T09:15:00Z",
        recurrence=["RRULE:FREQ=DAILY;COUNT=3"],
    )
    insert("Design review", "2026-11-28T14:00:00Z", "2026-11-28T15:00:00Z")
    insert("Old retro", "2026-11-20T14:00:00Z", "2026-11-20T15:00:00Z")
    window = {"calendarId": "primary", "timeMin": "2026-11-27T12:00:00Z"}
    out = call(
        "googlecalendar-v1",
        "calendar.events.list",
        {**window, "singleEvents": True, "orderBy": "startTime"},
    )["body"]
    assert [(e["summary"], e["start"]["dateTime"]) for e in out["items"]] == [
        ("Standup", "2026-11-28T09:00:00Z"),
        ("Design review", "2026-11-28T14:00:00Z"),
        ("Standup", "2026-11-29T09:00:00Z"),
        ("Standup", "2026-11-30T09:00:00Z"),
    ]
    assert out["items"][2]["id"] == f"{standup['id']}_20261129T090000Z"
    assert out["items"][2]["recurringEventId"] == standup["id"]
    series = call("googlecalendar-v1", "calendar.events.list", window)["body"]["items"]
    assert [e["summary"] for e in series] == ["Standup", "Design review"]
    found = call("googlecalendar-v1", "calendar.events.list", {**window, "q": "review"})
    assert [e["summary"] for e in found["body"]["items"]] == ["Design review"]
    bounded = call(
        "googlecalendar-v1",
        "calendar.events.list",
        {"calendarId": "primary", "timeMax": "2026-11-27T12:00:00Z"},
    )
    assert [e["summary"] for e in bounded["body"]["items"]] == ["Old retro"]


def test_calendar_rejects_start_time_order_without_single_events_as_calendar(call):
    call("googlecalendar-v1", "calendar.events.quickAdd", {"calendarId": "primary", "text": "X"})
    out = call(
        "googlecalendar-v1",
        "calendar.events.list",
        {"calendarId": "primary", "orderBy": "startTime"},
    )
    message = "The requested ordering is not available for the particular query."
    assert out == {
        "status_code": 400,
        "body": {
            "error": {
                "code": 400,
                "message": message,
                "errors": [{"domain": "global", "reason": "badRequest", "message": message}],
            }
        },
    }
