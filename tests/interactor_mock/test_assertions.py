"""Call assertions that explain near misses, over a fixed list of journal entries."""

from __future__ import annotations

import re

import pytest

from interactor_mock.contracts import default_registry
from interactor_mock.core.journal import JournalEntry
from interactor_mock.embed.assertions import CallAssertions
from interactor_mock.embed.assertions import split_connector
from interactor_mock.errors import UnknownConnector
from interactor_mock.errors import UsageError


def entry(seq, action="email.list", *, connector="interactor/gmail", account="alice", **kw):
    return JournalEntry(
        seq=seq,
        time="t",
        method="POST",
        path=f"/api/v1/connector/{connector}/action/{action}/execute",
        query=f"account={account}",
        status=kw.pop("status", 200),
        duration_ms=1.0,
        connector=connector,
        action=action,
        account=account,
        input=kw.pop("input", {}),
        **kw,
    )


class Calls(CallAssertions):
    def __init__(self, *entries: JournalEntry) -> None:
        self._entries = entries

    @property
    def calls(self):
        return self._entries

    @property
    def contracts(self):
        return default_registry()


def message_of(call):
    with pytest.raises(AssertionError) as raised:
        call()
    return str(raised.value)


def test_a_matching_call_is_returned():
    first = entry(1, input={"q": "x"})
    calls = Calls(first, entry(2, "email.send", input={"to": ["a@b.c"]}))
    assert calls.assert_called("gmail", "email.list") == [first]
    assert calls.assert_called("interactor/gmail", "email.list", account="alice", times=1) == [
        first
    ]
    assert calls.assert_called("gmail", "email.list", input={"q": "x"}) == [first]


def test_a_miss_lists_each_near_miss_and_how_it_differs():
    calls = Calls(
        entry(1, input={"q": "x", "extra": 1}),
        entry(2, account="bob"),
        entry(3, "email.list", connector="interactor/slack"),
        entry(4, "user.list", connector="interactor/slack"),
    )
    text = message_of(
        lambda: calls.assert_called("gmail", "email.list", account="alice", input={"q": "y"})
    )
    assert text.splitlines() == [
        "Expected interactor/gmail email.list (account='alice', input={'q': 'y'}) to be called "
        "at least once, but it was called 0 times.",
        "Calls to the same connector or action (3 near misses, 0 matching):",
        "  call 1: interactor/gmail email.list account='alice' input={'extra': 1, 'q': 'x'} -> 200",
        "      - input['q'] is 'x', expected 'y'",
        "      - input['extra'] = 1 was not expected",
        "  call 2: interactor/gmail email.list account='bob' input={} -> 200",
        "      - account is 'bob', not 'alice'",
        "      - input['q'] is missing (expected 'y')",
        "  call 3: interactor/slack email.list account='alice' input={} -> 200",
        "      - connector is 'interactor/slack', not 'interactor/gmail'",
        "      - input['q'] is missing (expected 'y')",
        "(1 other call not shown)",
    ]


def test_times_counts_exactly():
    calls = Calls(entry(1), entry(2))
    assert len(calls.assert_called("gmail", "email.list", times=2)) == 2
    text = message_of(lambda: calls.assert_called("gmail", "email.list", times=1))
    assert text.splitlines()[0] == (
        "Expected interactor/gmail email.list to be called once, but it was called twice."
    )
    assert "  call 1: interactor/gmail email.list account='alice' input={} -> 200  <- matches" in (
        text.splitlines()
    )
    assert calls.assert_called("gmail", "email.send", times=0) == []


def test_an_empty_journal_says_the_client_may_not_use_the_mock():
    text = message_of(lambda: Calls().assert_called("gmail", "email.list"))
    assert text.splitlines()[1:] == [
        "No call to interactor/gmail or to any 'email.list' action was recorded.",
        "(The environment recorded no API request at all: is the client using this base_url "
        "and api_key?)",
    ]


def test_an_errored_call_shows_its_error():
    calls = Calls(entry(1, status=500, error="Account has no tokens", account="bob"))
    text = message_of(lambda: calls.assert_called("gmail", "email.list", account="alice"))
    assert (
        "  call 1: interactor/gmail email.list account='bob' input={} -> 500 "
        "'Account has no tokens'" in text.splitlines()
    )


def test_input_is_compared_after_a_json_round_trip_and_redaction():
    calls = Calls(entry(1, input={"ids": [1, 2], "token": "[redacted]"}))
    assert len(calls.assert_called("gmail", "email.list", input={"ids": (1, 2), "token": "t"})) == 1


def test_assert_not_called_lists_the_calls_that_matched():
    calls = Calls(entry(1), entry(2, account="bob"))
    calls.assert_not_called("gmail", "email.send")
    calls.assert_not_called("gmail", "email.list", account="carol")
    text = message_of(lambda: calls.assert_not_called("gmail", "email.list", account="bob"))
    assert text.splitlines()[:2] == [
        "Expected interactor/gmail email.list (account='bob') not to be called, but it was "
        "called once.",
        "Calls to the same connector or action (1 near miss, 1 matching):",
    ]


def test_more_than_six_differences_are_summed_up():
    calls = Calls(entry(1, input={f"k{i}": i for i in range(8)}))
    text = message_of(lambda: calls.assert_called("gmail", "email.list", input={}))
    assert text.splitlines()[-2:] == [
        "      - input['k5'] = 5 was not expected",
        "      - ... and 2 more differences",
    ]


def test_an_unknown_action_suggests_close_names_and_a_bad_times_is_refused():
    calls = Calls()
    with pytest.raises(
        UsageError,
        match=re.escape("interactor/gmail has no action 'email.lst'; did you mean 'email.list'"),
    ):
        calls.assert_called("gmail", "email.lst")
    with pytest.raises(UsageError, match=r"^times must be >= 0, not -1$"):
        calls.assert_called("gmail", "email.list", times=-1)
    with pytest.raises(UnknownConnector):
        calls.assert_called("nope", "email.list")


@pytest.mark.parametrize(
    ("connector", "owner", "expected"),
    [
        ("gmail", None, ("interactor", "gmail")),
        ("acme/gmail", None, ("acme", "gmail")),
        ("gmail", "acme", ("acme", "gmail")),
        ("acme/gmail", "acme", ("acme", "gmail")),
    ],
)
def test_split_connector(connector, owner, expected):
    assert split_connector(connector, owner) == expected


@pytest.mark.parametrize(
    ("connector", "owner", "message"),
    [
        ("a/b/c", None, "connector must be 'name' or 'owner/name', not 'a/b/c'"),
        ("/gmail", None, "connector must be 'name' or 'owner/name', not '/gmail'"),
        ("", None, "connector must be 'name' or 'owner/name', not ''"),
        ("acme/gmail", "other", "connector 'acme/gmail' is owned by 'acme', not 'other'"),
    ],
)
def test_split_connector_refuses_bad_names(connector, owner, message):
    with pytest.raises(UsageError) as raised:
        split_connector(connector, owner)
    assert str(raised.value) == message
