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
        output={"error": "Too Many Requests"},
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
        "output": {"error": "Too Many Requests"},
        "outputTruncated": False,
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


def _recorded_output(output, **journal_options):
    journal = Journal(MemoryStore(), size=5, **journal_options)
    entry = journal.record(
        "dev", time="t", method="POST", path="/p", status=200, duration_ms=0.0, output=output
    )
    return entry.output, entry.output_truncated


def test_an_answer_within_the_limit_is_kept_whole_as_json():
    output = {"output": {"id": "r1", "labels": ["DRAFT"]}}  # 41 bytes of compact JSON
    assert _recorded_output(output, output_limit=41) == (
        {"output": {"id": "r1", "labels": ["DRAFT"]}},
        False,
    )


def test_an_answer_over_the_limit_keeps_its_first_bytes_and_says_it_was_cut():
    output = {"output": {"id": "r1", "labels": ["DRAFT"]}}
    assert _recorded_output(output, output_limit=40) == (
        '{"output":{"id":"r1","labels":["DRAFT"]}',
        True,
    )
    assert _recorded_output(output, output_limit=12) == ('{"output":{"', True)


def test_a_cut_never_splits_a_character():
    # {"s":"ééé"} is 14 bytes; 9 bytes end inside the second é, which is dropped whole.
    assert _recorded_output({"s": "ééé"}, output_limit=9) == ('{"s":"é', True)
    assert _recorded_output({"s": "ééé"}, output_limit=14) == ({"s": "ééé"}, False)


def test_a_lone_surrogate_counts_three_bytes_and_a_cut_text_drops_it():
    # {"s":"\ud800xxxxxxxxxx"}: 6 bytes, the surrogate's 3, 10 letters and 2 more: 21.
    value = {"s": "\ud800" + "x" * 10}
    assert _recorded_output(value, output_limit=21) == ({"s": "\ud800xxxxxxxxxx"}, False)
    assert _recorded_output(value, output_limit=20) == ('{"s":"xxxxxxxxxx"', True)
    assert _recorded_output(value, output_limit=8) == ('{"s":"', True)


def test_the_default_limit_is_sixteen_kibibytes_of_json_text():
    # '{"output":{"body":"' and '"}}' are 22 bytes: a body of 16,362 letters fills 16,384.
    whole = {"output": {"body": "x" * 16362}}
    assert _recorded_output(whole) == ({"output": {"body": "x" * 16362}}, False)
    one_more = _recorded_output({"output": {"body": "x" * 16363}})
    assert one_more == ('{"output":{"body":"' + "x" * 16363 + '"}', True)
    output, truncated = _recorded_output({"output": {"body": "x" * 20000}})
    assert truncated is True
    assert output == '{"output":{"body":"' + "x" * (16384 - 19)
    assert len(output.encode()) == 16384


def test_a_secret_in_an_answer_is_redacted_before_it_is_kept():
    output = {
        "output": {
            "id": "d1",
            "access_token": "ya29.S3cr3t",
            "pages": [{"nextPageToken": "cDE6Mg", "count": 2}],
        }
    }
    assert _recorded_output(output) == (
        {
            "output": {
                "id": "d1",
                "access_token": "[redacted]",
                "pages": [{"nextPageToken": "[redacted]", "count": 2}],
            }
        },
        False,
    )


def test_a_secret_is_redacted_before_the_cut_so_no_prefix_of_it_is_kept():
    output = {"output": {"refresh_token": "S3cr3t" * 50, "id": "x"}}
    assert _recorded_output(output, output_limit=36) == (
        '{"output":{"refresh_token":"[redacte',
        True,
    )


def test_the_stored_form_keeps_the_answer_and_reads_back_the_same():
    store = MemoryStore()
    journal = Journal(store, size=5, output_limit=12)
    journal.record(
        "dev", time="t", method="POST", path="/a", status=200, duration_ms=0.0, output={"ok": 1}
    )
    journal.record(
        "dev",
        time="t",
        method="POST",
        path="/b",
        status=400,
        duration_ms=0.0,
        output={"error": "bad input"},
        unknown_fields=("subjet",),
    )
    stored = store.log("dev", "journal")
    assert [(e["output"], e["output_truncated"]) for e in stored] == [
        ({"ok": 1}, False),
        ('{"error":"ba', True),
    ]
    assert [(e.output, e.output_truncated, e.unknown_fields) for e in journal.entries("dev")] == [
        ({"ok": 1}, False, ()),
        ('{"error":"ba', True, ("subjet",)),
    ]


def test_an_entry_stored_before_answers_were_kept_reads_back_without_one():
    store = MemoryStore()
    journal = Journal(store, size=5)
    old = {
        "seq": 1,
        "time": "t",
        "method": "GET",
        "path": "/p",
        "query": "",
        "status": 200,
        "duration_ms": 0.0,
    }
    store.append("dev", "journal", old, limit=5)
    (entry,) = journal.entries("dev")
    assert (entry.path, entry.output, entry.output_truncated) == ("/p", None, False)
    assert entry.public()["outputTruncated"] is False


def test_the_control_api_journal_shows_what_execute_answered(client, engine, dev):
    engine.grant(dev, "gmail", "alice")
    url = "/api/v1/connector/interactor/gmail/action/email.draft.create/execute?account=alice"
    sent = {"to": ["bob@example.com"], "subject": "Plan", "body": "Hello"}
    created = client.post(url, json=sent, headers={"x-api-key": dev.api_key})
    refused = client.post(
        url, json={"to": ["bob@example.com"], "body": "Hi"}, headers={"x-api-key": dev.api_key}
    )
    assert (created.status_code, refused.status_code) == (200, 400)
    draft_id = created.get_json()["output"]["id"]
    assert draft_id.startswith("r")
    entries = client.get(f"/_mock/environments/{dev.id}/journal").get_json()["entries"]
    made, failed = entries
    assert made["output"]["output"]["id"] == draft_id
    assert made["output"]["output"]["message"]["message_info"]["subject"] == "Plan"
    assert made["output"] == created.get_json()
    assert made["outputTruncated"] is False
    assert failed["output"] == {
        "error": "Invalid input: /subject: 'subject' is a required property",
        "details": [{"path": "/subject", "message": "'subject' is a required property"}],
    }
    assert failed["outputTruncated"] is False


def test_a_page_token_in_an_answer_is_redacted_in_the_journal(client, engine, dev):
    engine.grant(dev, "gmail", "alice")
    headers = {"x-api-key": dev.api_key}
    base = "/api/v1/connector/interactor/gmail/action"
    for subject in ("one", "two"):
        body = {"to": ["bob@example.com"], "subject": subject, "body": "b"}
        client.post(f"{base}/email.draft.create/execute?account=alice", json=body, headers=headers)
    listed = client.post(
        f"{base}/email.draft.list/execute?account=alice", json={"maxResults": 1}, headers=headers
    )
    token = listed.get_json()["output"]["nextPageToken"]
    assert token
    entry = client.get(f"/_mock/environments/{dev.id}/journal").get_json()["entries"][-1]
    assert entry["action"] == "email.draft.list"
    assert entry["output"]["output"]["nextPageToken"] == "[redacted]"
    assert entry["output"]["output"]["resultSizeEstimate"] == 2
    assert token not in repr(entry)


def test_a_large_answer_is_cut_in_the_journal_but_not_for_the_client(client, engine, dev):
    engine.grant(dev, "gmail", "alice")
    body = {"to": ["bob@example.com"], "subject": "Long", "body": "y" * 20000}
    response = client.post(
        "/api/v1/connector/interactor/gmail/action/email.draft.create/execute?account=alice",
        json=body,
        headers={"x-api-key": dev.api_key},
    )
    assert response.get_json()["output"]["message"]["message_info"]["body"] == "y" * 20000
    (entry,) = client.get(f"/_mock/environments/{dev.id}/journal").get_json()["entries"]
    assert entry["outputTruncated"] is True
    assert entry["output"].startswith('{"output":{"id":"r')
    assert len(entry["output"].encode()) == 16384


def _call(path):
    return {"time": "t", "method": "GET", "path": path, "status": 200, "duration_ms": 0.0}


def test_journal_numbers_are_shared_by_every_journal_over_one_store(tmp_path):
    # Two workers (two Journal objects, two connections to one file), then a restart: one
    # sequence, so that no two entries share a number and a restart does not begin at 1.
    from interactor_mock.store import SqliteStore

    first_store, second_store = SqliteStore(tmp_path / "s.db"), SqliteStore(tmp_path / "s.db")
    first, second = Journal(first_store, size=10), Journal(second_store, size=10)
    seqs = [j.record("env", **_call(f"/{n}")).seq for n, j in enumerate([first, second] * 3)]
    assert seqs == [1, 2, 3, 4, 5, 6]
    first_store.close()
    second_store.close()
    restarted_store = SqliteStore(tmp_path / "s.db")
    try:
        restarted = Journal(restarted_store, size=10)
        restarted.clear("env")
        assert restarted.record("env", **_call("/after")).seq == 7
        assert [e.seq for e in restarted.entries("env")] == [7]
    finally:
        restarted_store.close()


def test_journal_numbers_are_per_environment():
    journal = Journal(MemoryStore(), size=10)
    assert [journal.record(env, **_call("/")).seq for env in "aabab"] == [1, 2, 1, 3, 2]
