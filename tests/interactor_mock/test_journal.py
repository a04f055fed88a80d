"""The journal's redaction: secrets never reach an entry, whatever the query's encoding."""

from __future__ import annotations

from urllib.parse import parse_qsl
from urllib.parse import urlencode

import pytest

from interactor_mock.core.journal import REDACTED
from interactor_mock.core.journal import Journal
from interactor_mock.core.journal import is_secret
from interactor_mock.core.journal import redact
from interactor_mock.core.journal import redact_query
from interactor_mock.store import MemoryStore


def _reference(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, REDACTED if is_secret(k) else v) for k, v in pairs], safe="[]")


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
