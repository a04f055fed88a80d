"""The journal's redaction: secrets never reach an entry, whatever the query's encoding."""

from __future__ import annotations

from urllib.parse import parse_qsl
from urllib.parse import urlencode

import pytest

from interactor_mock.core.journal import REDACTED
from interactor_mock.core.journal import Journal
from interactor_mock.core.journal import redact
from interactor_mock.core.journal import redact_query
from interactor_mock.store import MemoryStore

#: Names whose values must never be journaled: a fixed list, independent of the module's own.
SECRET_NAMES = [
    "token",
    "access_token",
    "refreshToken",
    "pageToken",
    "secret",
    "client_secret",
    "clientSecret",
    "password",
    "my_password",
    "apikey",
    "apiKey",
    "api_key",
    "API_KEY",
    "authorization",
    "Authorization",
    "code",
    "CODE",
    "state",
    "State",
    "key",
    "Key",
    "x-api-key",
    "X-Api-Key",
]
#: Names that look close but are not secrets: their values are kept.
PLAIN_NAMES = ["account", "to", "subject", "q", "keyword", "codec", "statement", "keys", "author"]


def _reference(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    names = set(SECRET_NAMES)
    return urlencode([(k, REDACTED if k in names else v) for k, v in pairs], safe="[]")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "account=alice",
        "account=alice&token=abc",
        "account=alice@example.com&state=s3cr3t",
        "a=1&&b=2",
        "flag",
        "x=a+b&code=c%20d",
        "a[]=1&API_KEY=k",
        "redirectUrl=http%3A%2F%2Fx%2Fcb&client_secret=zz",
        "Authorization=Bearer%20t&x-api-key=k&k=v",
        "a=%7E&b=~&c=-._",
        "a=1;token=2",
    ],
)
def test_redacted_queries_equal_a_parse_and_reencode(query):
    assert redact_query(query) == _reference(query)


def test_secret_query_values_never_reach_the_journal():
    journal = Journal(MemoryStore(), size=10)
    entry = journal.record(
        "dev",
        time="t",
        method="GET",
        path="/p",
        query="account=alice&token=abc&State=xyz&my_password=pw",
        status=200,
        duration_ms=1.0,
        input={"to": ["a@b.c"], "nested": [{"apiKey": "k1"}], "secret": {"x": 1}},
    )
    text = repr(entry)
    for secret in ("abc", "xyz", "pw", "k1"):
        assert f"={secret}" not in entry.query
        assert f"'{secret}'" not in text
    assert entry.input == {"to": ["a@b.c"], "nested": [{"apiKey": REDACTED}], "secret": REDACTED}


def test_redact_returns_a_copy_the_caller_cannot_change():
    value = {"to": ["a"], "meta": {"n": 1}}
    copied = redact(value)
    value["to"].append("b")
    value["meta"]["n"] = 2
    assert copied == {"to": ["a"], "meta": {"n": 1}}


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_a_secret_name_is_redacted_in_bodies_and_queries(name):
    assert redact({name: "v1", "n": [{name: {"deep": 1}}]}) == {
        name: "[redacted]",
        "n": [{name: "[redacted]"}],
    }
    assert redact_query(f"{name}=v1") == f"{name}=[redacted]"
    assert redact_query(f"a=1&{name}=v%201") == f"a=1&{name}=[redacted]"


@pytest.mark.parametrize("name", PLAIN_NAMES)
def test_a_name_that_only_looks_secret_keeps_its_value(name):
    assert redact({name: "v1"}) == {name: "v1"}
    assert redact_query(f"{name}=v1&token=t") == f"{name}=v1&token=[redacted]"
    assert redact_query(f"{name}=v%201") == f"{name}=v+1"


def test_redact_keeps_lists_and_scalars_as_they_are():
    assert redact([1, "token", None, {"token": 2}]) == [1, "token", None, {"token": "[redacted]"}]
    assert redact("password") == "password"
    assert redact({1: "one", "n": 2.5, "ok": True}) == {1: "one", "n": 2.5, "ok": True}


def test_the_journal_keeps_only_its_newest_entries_with_rising_numbers():
    journal = Journal(MemoryStore(), size=2)
    for path in ("/a", "/b", "/c"):
        journal.record("dev", time="t", method="GET", path=path, status=200, duration_ms=0.0)
    entries = journal.entries("dev")
    assert [e.path for e in entries] == ["/b", "/c"]
    assert [e.seq for e in entries] == [2, 3]
    assert journal.entries("other") == []
    journal.clear("dev")
    assert journal.entries("dev") == []


def test_server_errors_are_kept_per_environment_and_cleared():
    journal = Journal(MemoryStore(), size=2)
    journal.record_server_error("dev", {"error": "boom"})
    assert journal.server_errors("dev") == [{"error": "boom"}]
    assert journal.server_errors("testing") == []
    journal.clear_server_errors("dev")
    assert journal.server_errors("dev") == []


def test_no_secret_sent_in_headers_query_or_body_reaches_the_journal(client, engine, dev):
    engine.grant(dev, "gmail", "alice")
    values = {name: f"S3cr3t-{index:02d}-value" for index, name in enumerate(SECRET_NAMES)}
    body = {"to": ["bob@example.com"], "subject": "hi", "body": "b", **values}
    query = "account=alice&" + "&".join(f"{n}={v}" for n, v in values.items())
    response = client.post(
        f"/api/v1/connector/interactor/gmail/action/email.draft.create/execute?{query}",
        json=body,
        headers={
            "x-api-key": dev.api_key,
            "Authorization": "Bearer S3cr3t-header-bearer",
            "X-Secret": "S3cr3t-header-other",
        },
    )
    assert response.status_code == 400  # the unknown fields are refused, and still journaled
    (entry,) = client.get(f"/_mock/environments/{dev.id}/journal").get_json()["entries"]
    assert entry["input"] == {
        "to": ["bob@example.com"],
        "subject": "hi",
        "body": "b",
        **dict.fromkeys(SECRET_NAMES, "[redacted]"),
    }
    assert entry["query"] == "account=alice&" + "&".join(f"{n}=[redacted]" for n in values)
    text = repr(entry)
    assert "S3cr3t" not in text
    assert dev.api_key not in text


def test_an_entrys_public_form_names_every_field():
    journal = Journal(MemoryStore(), size=5)
    entry = journal.record(
        "dev",
        time="2026-11-27T12:00:00.000Z",
        method="POST",
        path="/api/v1/connector/interactor/gmail/action/email.list/execute",
        query="account=alice&state=s",
        status=429,
        duration_ms=1.5,
        connector="interactor/gmail",
        action="email.list",
        account="alice",
        input={"q": "x"},
        error="Too Many Requests",
        scenario="rate_limit",
        source="scenario:rate_limit",
    )
    assert entry.public() == {
        "seq": 1,
        "time": "2026-11-27T12:00:00.000Z",
        "method": "POST",
        "path": "/api/v1/connector/interactor/gmail/action/email.list/execute",
        "query": "account=alice&state=[redacted]",
        "status": 429,
        "durationMs": 1.5,
        "connector": "interactor/gmail",
        "action": "email.list",
        "account": "alice",
        "input": {"q": "x"},
        "error": "Too Many Requests",
        "scenario": "rate_limit",
        "source": "scenario:rate_limit",
        "unknownFields": [],
    }


def test_an_entry_without_query_or_input_keeps_them_empty():
    journal = Journal(MemoryStore(), size=5)
    entry = journal.record("dev", time="t", method="GET", path="/p", status=200, duration_ms=0.0)
    assert (entry.query, entry.input, entry.source) == ("", None, None)


def test_server_errors_keep_the_newest_hundred():
    journal = Journal(MemoryStore(), size=5)
    for number in range(101):
        journal.record_server_error("dev", {"n": number})
    kept = journal.server_errors("dev")
    assert len(kept) == 100
    assert (kept[0], kept[-1]) == ({"n": 1}, {"n": 100})


def test_a_key_that_is_not_a_plain_str_is_judged_by_its_text():
    class Name(str):
        pass

    assert redact({Name("password"): "pw", 7: "seven"}) == {Name("password"): REDACTED, 7: "seven"}
