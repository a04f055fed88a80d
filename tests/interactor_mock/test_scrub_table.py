"""The table "What a recording never contains" (docs/contract-testing.md), row by row."""

from __future__ import annotations

import copy
import email.utils
import json
from datetime import datetime
from datetime import timezone
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask import jsonify
from flask import request

from interactor_mock import MockServer
from interactor_mock.contracts import default_registry
from interactor_mock.tooling.drift import compare_response
from interactor_mock.tooling.record import RecordingProxy
from interactor_mock.tooling.scrub import Scrubber
from interactor_mock.tooling.scrub import ScrubRules

DOCS = Path(__file__).resolve().parents[2] / "docs" / "contract-testing.md"
API_KEY = "interactor_Q1w2E3r4_T5y6U7i8O9p0A1s2D3f4G5h6J7k8L9z0"
ACCOUNT = "margaret.oakley@corp-mail.io"

#: The first column of each row, and the test of that row.
ROWS = {
    "request headers (`x-api-key`, `Authorization`, cookies)": "test_row_request_headers",
    "Interactor API keys, anywhere, and fields named like `api_key`/`x-api-key`": (
        "test_row_api_keys"
    ),
    "bearer/basic credentials, JWTs, Google OAuth, Slack, GitHub, GitLab and AWS tokens, "
    "anywhere": "test_row_tokens",
    "fields named like `token`, `secret`, `password`, `authorization`, `cookie`, `credential`, "
    "`code`, `state`, `nonce`, `key`, `client_id`, `signature`; `code`, `state`, `client_id`, "
    "`token`, ... in URLs; `password=...`-style assignments": "test_row_secret_fields",
    "the `--account` (and the live accounts), even when it is an e-mail address, wherever it "
    "appears; its local part elsewhere": "test_row_the_account",
    "other e-mail addresses; their local parts elsewhere": "test_row_email_addresses",
    'names: `displayName`-like fields, `"Ann Lee" <ann@...>`, and those names elsewhere': (
        "test_row_names"
    ),
    "volatile ids (`id`, `*Id`, `*_id`, `etag`, `iCalUID`, `historyId`: 8 characters or more, "
    "with a digit)": "test_row_volatile_ids",
    "dates and date-times (ISO 8601 and RFC 2822 `Wed, 30 Oct 2024 10:00:00 +0000`), epoch "
    "milliseconds (`internalDate`, `*_ms`)": "test_row_dates",
    "your own literals and rules (`record --rules FILE`)": "test_row_your_own_rules",
}


def table_rows() -> list[tuple[str, str]]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## What a recording never contains", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith(("| found", "| ---")):
            found, becomes = line[2:-2].split(" | ")
            rows.append((found, becomes))
    return rows


def test_the_docs_table_has_exactly_the_rows_tested_here():
    assert [found for found, _ in table_rows()] == list(ROWS)
    for name in ROWS.values():
        assert callable(globals()[name])


def becomes(row_test: str) -> str:
    found = next(f for f, name in ROWS.items() if name == row_test)
    return dict(table_rows())[found]


@pytest.fixture(scope="module")
def upstream():
    """An upstream that answers with the account and a header-shaped secret."""
    app = Flask("upstream")

    @app.post("/api/v1/connector/<owner>/<connector>/action/<action>/execute")
    def execute(owner, connector, action):
        return jsonify(
            {
                "output": {
                    "account": request.args.get("account"),
                    "echo": request.get_json(silent=True),
                }
            }
        )

    with MockServer(app=app) as server:
        yield server


def record_one(upstream, tmp_path, *, headers=None, params=None, body=None) -> dict:
    out = tmp_path / "recordings"
    proxy = RecordingProxy(upstream.base_url, api_key=API_KEY, out_dir=out, account=ACCOUNT)
    with MockServer(app=proxy.app) as server:
        requests.post(
            f"{server.base_url}/connector/interactor/gmail/action/email.list/execute",
            params=params or {},
            json=body or {},
            headers=headers or {},
            timeout=10,
        )
    (path,) = list(out.rglob("*.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def test_row_request_headers(upstream, tmp_path):
    assert becomes("test_row_request_headers") == "not written at all"
    recording = record_one(
        upstream,
        tmp_path,
        headers={
            "x-api-key": "interactor_ZzYyXxWw_0123456789abcdef0123456789ab",
            "Authorization": "Bearer plain-looking-value-1234",
            "Cookie": "session=cookie-value-5678",
        },
    )
    assert sorted(recording["request"]) == ["body", "method", "path", "query"]
    text = json.dumps(recording)
    for value in ("ZzYyXxWw", "plain-looking-value-1234", "cookie-value-5678", "Cookie"):
        assert value not in text


def test_row_api_keys():
    assert becomes("test_row_api_keys") == "`interactor_scrubbed_00000000000000000000000000000001`"
    out = Scrubber().scrub({"note": f"use {API_KEY} here", "api_key": "short"})
    assert out == {
        "note": "use interactor_scrubbed_00000000000000000000000000000001 here",
        "api_key": "interactor_scrubbed_00000000000000000000000000000002",
    }


def test_row_tokens():
    assert becomes("test_row_tokens") == (
        "`scrubbed-token-1` (a private key block: `scrubbed-private-key-1`)"
    )
    scrubber = Scrubber()
    text = scrubber.scrub_text(
        "Bearer abcdefgh12345678; ya29.a0AfH6SMC-lookalike-1234567890; "
        "xoxb-123456789012-LookAlike; ghp_LookAlike0123456789abcdefghij; "
        "glpat-LookAlike0123456789abcd; AKIALOOKALIKE1234567; "
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl; "
        "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"
    )
    # Numbered in the order of the rules (the JWT rule runs before the provider tokens).
    assert text == (
        "Bearer scrubbed-token-1; scrubbed-token-3; scrubbed-token-4; scrubbed-token-5; "
        "scrubbed-token-6; scrubbed-token-7; scrubbed-token-2; scrubbed-private-key-1"
    )


def test_row_secret_fields():
    assert becomes("test_row_secret_fields") == "`scrubbed-secret-1`"
    scrubber = Scrubber()
    out = scrubber.scrub(
        {
            "refresh_token": "x1",
            "client_secret": "x2",
            "password": "x3",
            "code": "x4",
            "state": "x5",
            "url": "https://idp.example/cb?code=abc123&state=def456&client_id=ghi789",
            "log": "password=hunter2hunter2",
        }
    )
    assert out == {
        "refresh_token": "scrubbed-secret-1",
        "client_secret": "scrubbed-secret-2",
        "password": "scrubbed-secret-3",
        "code": "scrubbed-secret-4",
        "state": "scrubbed-secret-5",
        "url": "https://idp.example/cb?code=scrubbed-secret-6&state=scrubbed-secret-7"
        "&client_id=scrubbed-secret-8",
        "log": "password=scrubbed-secret-9",
    }


def test_row_the_account(upstream, tmp_path):
    assert becomes("test_row_the_account") == "`account-1`"
    scrubber = Scrubber(accounts=[ACCOUNT])
    out = scrubber.scrub(
        {
            "account": ACCOUNT,
            "email": ACCOUNT,
            "to": f"{ACCOUNT}, bob.smith@example.org",
            "note": "margaret.oakley wrote",
        }
    )
    assert out == {
        "account": "account-1",
        "email": "account-1",
        "to": "account-1, user1@example.com",
        "note": "account-1 wrote",
    }
    recording = record_one(upstream, tmp_path, params={"account": ACCOUNT})
    assert recording["account"] == "account-1"
    assert recording["request"]["query"] == [["account", "account-1"]]
    assert recording["response"]["body"]["output"]["account"] == "account-1"


def test_row_email_addresses():
    assert becomes("test_row_email_addresses") == "`user1@example.com`; `user1`"
    out = Scrubber().scrub({"to": "bob.smith@example.org", "note": "ask bob.smith"})
    assert out == {"to": "user1@example.com", "note": "ask user1"}


def test_row_names():
    assert becomes("test_row_names") == "`Person 1`"
    out = Scrubber().scrub(
        {"displayName": "Ann Lee", "from": '"Bob Stone" <bob@x.org>', "note": "Lee and Stone"}
    )
    assert out == {
        "displayName": "Person 1",
        "from": '"Person 2" <user1@example.com>',
        "note": "Person 1 and Person 2",
    }


def test_row_volatile_ids():
    assert becomes("test_row_volatile_ids") == (
        "the same length, character classes (digit, hex, lower, upper) and prefix (`r-` of a "
        "Gmail draft id, `msg_`), renumbered: `r-1234567890123456789` -> `r-3146101492218510233`"
    )
    scrubber = Scrubber()
    out = scrubber.scrub(
        {
            "draft_id": "r-1234567890123456789",
            "id": "18c2f0a1b2c3d4e5",
            "threadId": "18c2f0a1b2c3d4e5",
            "legacyId": "r8274652345",
            "eventId": "msg_8Kd93jfQ2x",
        }
    )
    # Prefixes kept (r-, r, msg_), lengths and character classes kept, the same id the same.
    assert out == {
        "draft_id": "r-3146101492218510233",
        "id": "69f7d0c3b3e2b1d4",
        "threadId": "69f7d0c3b3e2b1d4",
        "legacyId": "r9200443917",
        "eventId": "msg_1Sy17uxS8u",
    }
    # A scrubbed Gmail draft still fits its contract, r- prefix and all (the same id as above).
    action = default_registry().action("gmail", "email.draft.get")
    example = action.examples[0]
    scrubbed = scrubber.scrub(copy.deepcopy(example["output"]))
    assert (example["output"]["id"], scrubbed["id"]) == (
        "r-1234567890123456789",
        "r-3146101492218510233",
    )
    drift = compare_response(action, status=200, body={"output": scrubbed}, input=example["input"])
    assert drift.differences == []


def _moment_of_date_header(text: str) -> datetime:
    return email.utils.parsedate_to_datetime(text)


def test_row_dates():
    assert becomes("test_row_dates").startswith(
        "all shifted by the same whole number of days, chosen so the first date of the session "
        "falls on 2026-01-01"
    )
    scrubber = Scrubber()
    out = scrubber.scrub(
        {
            "internalDate": "1730282400000",
            "message_info": {"date": "Wed, 30 Oct 2024 10:00:00 +0000"},
            "created": "2024-10-30T11:30:00-05:00",
            "day": "2024-10-29",
        }
    )
    assert out == {
        "internalDate": "1767261600000",
        "message_info": {"date": "Thu, 01 Jan 2026 10:00:00 +0000"},
        "created": "2026-01-01T11:30:00-05:00",
        "day": "2025-12-31",
    }
    internal = datetime.fromtimestamp(int(out["internalDate"]) / 1000, tz=timezone.utc)
    assert internal == _moment_of_date_header(out["message_info"]["date"])
    # The same for every example of the shipped gmail contract that has both.
    registry = default_registry()
    checked = 0
    for action in registry.connector("gmail").actions.values():
        for example in action.examples:
            for message in _messages(example["output"]):
                before = _gap(message)
                after = _gap(Scrubber().scrub(copy.deepcopy(message)))
                assert after == before, (action.name, example["name"])
                checked += 1
    assert checked >= 2


def _messages(value):
    if isinstance(value, dict):
        if "internalDate" in value and "date" in value.get("message_info", {}):
            yield value
        for item in value.values():
            yield from _messages(item)
    elif isinstance(value, list):
        for item in value:
            yield from _messages(item)


def _gap(message) -> float:
    internal = datetime.fromtimestamp(int(message["internalDate"]) / 1000, tz=timezone.utc)
    header = _moment_of_date_header(message["message_info"]["date"])
    return (header - internal).total_seconds()


def test_row_your_own_rules():
    assert becomes("test_row_your_own_rules") == "`scrubbed-1`, or the placeholder you give"
    rules = ScrubRules.default().extended(
        {
            "literals": ["Acme Rockets", {"value": "ACME-", "placeholder": "ORG-{n}"}],
            "patterns": [
                {"name": "t", "regex": "TICKET-\\d+", "kind": "secret", "placeholder": "T-{n}"}
            ],
        }
    )
    out = Scrubber(rules).scrub({"note": "Acme Rockets, ACME-7, TICKET-42"})
    assert out == {"note": "scrubbed-1, ORG-17, T-1"}
