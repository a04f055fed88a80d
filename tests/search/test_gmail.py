"""Gmail's search operators: examples per operator, errors, and properties against a model."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from interactor_mock.connectors.gmail import build_message
from interactor_mock.errors import InteractorMockError
from interactor_mock.search import gmail
from interactor_mock.search.gmail import And
from interactor_mock.search.gmail import GmailQueryError
from interactor_mock.search.gmail import MessageView
from interactor_mock.search.gmail import Not
from interactor_mock.search.gmail import Or
from interactor_mock.search.gmail import Term

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
UTC = timezone.utc


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


MAILBOX = {
    "m1": MessageView(
        sender="Alice Example <alice@example.com>",
        to=("bob@example.com",),
        subject="Q3 plan review",
        body="Please review the attached plan before Friday.",
        snippet="Please review the attached plan",
        label_ids=frozenset({"INBOX", "UNREAD", "IMPORTANT"}),
        internal_date=at(2026, 11, 26, 10),
        attachments=("plan.pdf",),
    ),
    "m2": MessageView(
        sender="Bob Builder <bob@builder.io>",
        to=("Alice Example <alice@example.com>",),
        cc=("carol@example.com",),
        subject="Lunch?",
        body="Meeting at noon in the canteen",
        snippet="Meeting at noon",
        label_ids=frozenset({"INBOX", "STARRED", "Label_1"}),
        label_names=("Work/Projects",),
        internal_date=at(2026, 11, 1, 9),
    ),
    "m3": MessageView(
        sender="me@example.com",
        to=("dave@example.org",),
        bcc=("eve@example.net",),
        subject="Re: meeting notes",
        body="Notes attached",
        label_ids=frozenset({"SENT"}),
        internal_date=at(2026, 10, 1, 8),
        attachments=("notes.docx", "photo.JPG"),
    ),
    "m4": MessageView(
        sender="promo@shop.example",
        subject="WIN A PRIZE",
        body="Claim your prize",
        label_ids=frozenset({"SPAM"}),
        internal_date=at(2025, 11, 27, 12),
    ),
    "m5": MessageView(
        sender="Alice Example <alice@example.com>",
        subject="old plan",
        body="An old plan",
        label_ids=frozenset({"TRASH"}),
        internal_date=1_718_409_600_000,  # 2024-06-15T00:00:00Z, as epoch milliseconds
    ),
    "m6": MessageView(
        sender="me@example.com",
        subject="Draft for review",
        label_ids=frozenset({"DRAFT"}),
        internal_date=at(2026, 11, 27, 11),
    ),
}


def found(q: str, *, include_spam_trash: bool = False, now: datetime = NOW) -> list[str]:
    query = gmail.parse(q)
    return [
        key
        for key, view in MAILBOX.items()
        if gmail.listed(query, view, now, include_spam_trash=include_spam_trash)
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("", ["m1", "m2", "m3", "m6"]),
        ("from:alice", ["m1"]),
        ("from:alice@example.com", ["m1"]),
        ("from:example.com", ["m1", "m3", "m6"]),
        ("from:ali", []),
        ("FROM:Bob", ["m2"]),
        ("to:alice", ["m2"]),
        ("to:dave@example.org", ["m3"]),
        ("cc:carol", ["m2"]),
        ("bcc:eve", ["m3"]),
        ("subject:plan", ["m1"]),
        ('subject:"plan review"', ["m1"]),
        ('subject:"review plan"', []),
        ("subject:(q3 review)", ["m1"]),
        ("subject:{lunch notes}", ["m2", "m3"]),
        ("label:work-projects", ["m2"]),
        ("label:Work/Projects", ["m2"]),
        ("label:inbox", ["m1", "m2"]),
        ("label:nothing", []),
        ("is:unread", ["m1"]),
        ("is:read", ["m2", "m3", "m6"]),
        ("is:starred", ["m2"]),
        ("is:important", ["m1"]),
        ("is:snoozed", []),
        ("in:inbox", ["m1", "m2"]),
        ("in:sent", ["m3"]),
        ("in:drafts", ["m6"]),
        ("in:trash", ["m5"]),
        ("in:spam", ["m4"]),
        ("in:anywhere plan", ["m1", "m5"]),
        ("has:attachment", ["m1", "m3"]),
        ("-has:attachment", ["m2", "m6"]),
        ("has:userlabels", ["m2"]),
        ("has:nouserlabels", ["m1", "m3", "m6"]),
        ("has:drive", []),
        ("filename:pdf", ["m1"]),
        ("filename:notes.docx", ["m3"]),
        ("filename:jpg", ["m3"]),
        ("filename:plan", ["m1"]),
        ("meeting", ["m2", "m3"]),
        ("meet", []),
        ("MEETING", ["m2", "m3"]),
        ('"at noon"', ["m2"]),
        ('"noon at"', []),
        ("review", ["m1", "m6"]),
        ("-review", ["m2", "m3"]),
        ("plan OR lunch", ["m1", "m2"]),
        ("{plan lunch}", ["m1", "m2"]),
        ("review OR lunch has:attachment", ["m1"]),
        ("(review OR lunch) has:attachment", ["m1"]),
        ("review (lunch OR friday)", ["m1"]),
        ("review AND friday", ["m1"]),
        ("-(review OR lunch)", ["m3"]),
        ("-{review lunch} -notes", []),
        ("category:primary", []),
        ("from:(alice OR bob)", ["m1", "m2"]),
        ("from:(-alice) in:inbox", ["m2"]),
        ("is:starred in:inbox", ["m2"]),
    ],
)
def test_each_operator_finds_the_messages_gmail_would(q: str, expected: list[str]) -> None:
    assert found(q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("after:2026/11/01", ["m1", "m2", "m6"]),
        ("after:2026-11-02", ["m1", "m6"]),
        ("after:2026/11/2", ["m1", "m6"]),
        ("before:2026/11/01", ["m3"]),
        ("newer:2026/11/26", ["m1", "m6"]),
        ("older:2026/11/26", ["m2", "m3"]),
        # m1 is at 1795687200 (2026-11-26T10:00Z): epochs just before and after it
        ("after:1795687199", ["m1", "m6"]),
        ("after:1795687200", ["m1", "m6"]),
        ("after:1795687201", ["m6"]),
        ("before:1795687200", ["m2", "m3"]),
        ("newer_than:1d", ["m6"]),
        ("newer_than:2d", ["m1", "m6"]),
        ("older_than:1d", ["m1", "m2", "m3"]),
        ("newer_than:1m", ["m1", "m2", "m6"]),
        ("older_than:1m", ["m3"]),
        ("older_than:1y in:anywhere", ["m5"]),
        ("newer_than:1y in:anywhere", ["m1", "m2", "m3", "m4", "m6"]),
        ("newer_than:3Y in:trash", ["m5"]),
    ],
)
def test_dates_are_midnight_pacific_and_periods_count_back_from_now(
    q: str, expected: list[str]
) -> None:
    assert found(q) == expected


def test_dates_midnight_follows_pacific_summer_time() -> None:
    summer = MessageView(internal_date=at(2026, 7, 1, 7, 30))  # 00:30 PDT on July 1
    winter = MessageView(internal_date=at(2026, 1, 1, 7, 30))  # 23:30 PST on December 31
    assert gmail.parse("after:2026/07/01").matches(summer, NOW) is True
    assert gmail.parse("after:2026/01/01").matches(winter, NOW) is False


def test_a_month_back_from_the_31st_clamps_to_the_end_of_the_shorter_month() -> None:
    now = at(2026, 3, 31, 12)
    on_the_28th = MessageView(internal_date=at(2026, 2, 28, 12))
    just_before = MessageView(internal_date=at(2026, 2, 28, 11, 59))
    assert gmail.parse("newer_than:1m").matches(on_the_28th, now) is True
    assert gmail.parse("newer_than:1m").matches(just_before, now) is False


def test_trash_and_spam_are_hidden_unless_asked_for() -> None:
    assert found("plan") == ["m1"]
    assert found("plan", include_spam_trash=True) == ["m1", "m5"]
    assert found("prize") == []
    assert found("prize in:spam") == ["m4"]
    assert found("label:spam") == ["m4"]
    assert found("-in:trash plan") == ["m1"]  # in:trash names the trash, even negated
    assert found("-in:trash", include_spam_trash=True) == ["m1", "m2", "m3", "m4", "m6"]


def test_lifted_labels_say_which_hidden_labels_a_query_searches() -> None:
    assert gmail.lifted_labels(gmail.parse("in:trash from:alice")) == {"TRASH"}
    assert gmail.lifted_labels(gmail.parse("in:anywhere")) == {"TRASH", "SPAM"}
    assert gmail.lifted_labels(gmail.parse("label:SPAM OR x")) == {"SPAM"}
    assert gmail.lifted_labels(gmail.parse("is:unread")) == frozenset()
    assert gmail.lifted_labels(gmail.parse(""), include_spam_trash=True) == {"TRASH", "SPAM"}


def test_or_binds_tighter_than_the_implicit_and() -> None:
    assert gmail.parse("a b OR c").node == And((Term("", "a"), Or((Term("", "b"), Term("", "c")))))
    assert gmail.parse("{a b} -c").node == And(
        (Or((Term("", "a"), Term("", "b"))), Not(Term("", "c")))
    )
    assert gmail.parse("from:(a b)").node == And((Term("from", "a"), Term("from", "b")))
    assert gmail.parse('subject:"x y"').node == Term("subject", "x y", quoted=True)
    assert gmail.parse("a-b").node == Term("", "a-b")


@pytest.mark.parametrize(
    ("q", "reason", "position"),
    [
        ("(plan", "unbalanced '('", 0),
        ("plan)", "unbalanced ')'", 4),
        ("{plan", "unbalanced '{'", 0),
        ("(plan}", "unbalanced '('", 0),
        ("a }", "unbalanced '}'", 2),
        ('subject:"plan', "unterminated quote", 8),
        ('"', "unterminated quote", 0),
        ("()", "empty group", 1),
        ("{}", "empty group", 0),
        ("plan OR", "OR needs a term on each side", 5),
        ("OR plan", "OR needs a term on each side", 0),
        ("a OR OR b", "OR needs a term on each side", 2),
        ("AND a", "AND needs a term on each side", 0),
        ("from:", "from: needs a value", 0),
        ("from: alice", "from: needs a value", 0),
        (
            "after:today",
            "after: 'today' is not a date (YYYY/MM/DD, YYYY-MM-DD or epoch seconds)",
            0,
        ),
        ("x before:2026/02/30", "before: '2026/02/30' is not a date", 2),
        ("older_than:2w", "older_than: '2w' is not a period (a number and d, m or y)", 0),
        ("(" * 65 + "a" + ")" * 65, "nesting deeper than 64", 64),
        ("-" * 65 + "a", "nesting deeper than 64", 64),
    ],
)
def test_a_malformed_query_raises_with_the_reason_and_the_position(
    q: str, reason: str, position: int
) -> None:
    with pytest.raises(GmailQueryError) as caught:
        gmail.parse(q)
    assert (caught.value.reason, caught.value.position, caught.value.query) == (reason, position, q)
    assert isinstance(caught.value, InteractorMockError)
    assert str(caught.value) == f"{reason} (at position {position})"


def test_the_error_body_is_googles_generic_invalid_argument() -> None:
    with pytest.raises(GmailQueryError) as caught:
        gmail.parse("(")
    assert caught.value.status == 400
    assert caught.value.provider_body() == {
        "error": {
            "code": 400,
            "message": "Invalid query",
            "errors": [
                {
                    "domain": "global",
                    "reason": "invalidArgument",
                    "message": "Invalid query",
                    "locationType": "parameter",
                    "location": "q",
                }
            ],
        }
    }


def test_nesting_of_64_is_accepted() -> None:
    assert gmail.parse("(" * 63 + "a" + ")" * 63).node == Term("", "a")


# adapters


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_the_gmail_connectors_message_is_read_from_message_info() -> None:
    message = build_message(
        message_id="m1",
        thread_id="t1",
        labels=["INBOX", "UNREAD", "Label_7"],
        info={
            "from": "Alice Example <alice@example.com>",
            "to": ["bob@example.com", '"Doe, Jane" <jane@example.com>'],
            "cc": ["carol@example.com"],
            "subject": "Quarterly numbers",
            "body": "<p>See the <b>figures</b> &amp; charts</p>",
            "bodyType": "html",
        },
        moment=at(2026, 11, 20, 8),
        history_id=7,
    )
    view = gmail.view_from_gmail_message(message, label_names={"Label_7": "Finance"})
    assert view == MessageView(
        sender="Alice Example <alice@example.com>",
        to=("bob@example.com", "Doe, Jane <jane@example.com>"),
        cc=("carol@example.com",),
        subject="Quarterly numbers",
        body=" See the  figures  & charts ",
        snippet="See the figures & charts",
        label_ids=frozenset({"INBOX", "UNREAD", "Label_7"}),
        label_names=("Finance",),
        internal_date=1_795_161_600_000,
    )
    assert view.moment == at(2026, 11, 20, 8)
    query = gmail.parse("from:alice to:jane label:finance is:unread figures -p")
    assert query.matches(view, NOW) is True


def test_a_gmail_v1_message_is_read_from_its_headers_and_mime_parts() -> None:
    message = {
        "id": "18c",
        "threadId": "18c",
        "labelIds": ["INBOX"],
        "snippet": "Hi Bob",
        "internalDate": "1730280000000",
        "payload": {
            "mimeType": "multipart/mixed",
            "headers": [
                {"name": "From", "value": "Alice Example <alice@example.com>"},
                {"name": "To", "value": "bob@example.com, Carol <carol@example.com>"},
                {"name": "Bcc", "value": "eve@example.net"},
                {"name": "Subject", "value": "Meeting notes"},
            ],
            "parts": [
                {
                    "mimeType": "multipart/alternative",
                    "parts": [
                        {"mimeType": "text/plain", "body": {"data": _b64("plain words")}},
                        {"mimeType": "text/html", "body": {"data": _b64("<i>html</i>")}},
                    ],
                },
                {
                    "mimeType": "application/pdf",
                    "filename": "minutes.pdf",
                    "body": {"attachmentId": "A1", "size": 10},
                },
            ],
        },
    }
    view = gmail.view_from_gmail_message(message)
    assert view == MessageView(
        sender="Alice Example <alice@example.com>",
        to=("bob@example.com", "Carol <carol@example.com>"),
        bcc=("eve@example.net",),
        subject="Meeting notes",
        body="plain words",
        snippet="Hi Bob",
        label_ids=frozenset({"INBOX"}),
        internal_date=1_730_280_000_000,
        attachments=("minutes.pdf",),
    )


def test_a_raw_message_is_parsed_as_rfc_2822() -> None:
    raw = (
        "From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: Raw one\r\n"
        "Date: Wed, 30 Oct 2024 09:20:00 +0000\r\nContent-Type: text/plain\r\n\r\nRaw body\r\n"
    )
    view = gmail.view_from_gmail_message({"id": "r", "raw": _b64(raw), "labelIds": []})
    assert (view.sender, view.to, view.subject, view.body.strip()) == (
        "Alice <alice@example.com>",
        ("bob@example.com",),
        "Raw one",
        "Raw body",
    )
    assert view.moment == at(2024, 10, 30, 9, 20)


def test_a_message_without_payload_or_dates_gives_an_empty_view_at_the_epoch() -> None:
    view = gmail.view_from_gmail_message({"id": "x", "threadId": "x", "labelIds": ["SENT"]})
    assert view == MessageView(label_ids=frozenset({"SENT"}))
    assert view.moment == at(1970, 1, 1)


# linearity, counted, never timed


def test_a_megabyte_of_open_brackets_stops_at_the_depth_bound() -> None:
    q = "(" * 1_000_000
    parser = gmail._Parser(q)
    with pytest.raises(GmailQueryError, match="nesting deeper than 64"):
        parser.query()
    assert parser.lexer.steps == gmail.MAX_DEPTH + 2  # the tokens read, one of them ahead


def test_an_unterminated_quote_after_many_phrases_is_found_in_one_pass() -> None:
    q = '"' * 100_001
    parser = gmail._Parser(q)
    with pytest.raises(GmailQueryError, match="unterminated quote"):
        parser.query()
    assert parser.lexer.steps == len(q)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet='ab (){}"-:OR ', max_size=60) | st.text(max_size=60))
def test_any_text_is_tokenized_in_one_pass_and_parses_or_raises_a_query_error(q: str) -> None:
    lexer = gmail.Lexer(q)
    failure = None
    try:
        list(lexer)
    except GmailQueryError as error:
        failure = error
    assert lexer.steps == len(q)  # an unterminated quote is found at the end, too
    assert failure is None or failure.reason == "unterminated quote"
    try:
        gmail.parse(q)
    except GmailQueryError as error:
        failure = error
    else:
        failure = None
    assert failure is None or 0 <= failure.position <= len(q)


# properties against a plain model

VOCAB = ["plan", "review", "lunch", "notes", "alpha"]
ADDRESSES = [
    "Alice Example <alice@example.com>",
    "bob@builder.io",
    "Carol <carol@example.org>",
]
LABELS = ["INBOX", "SENT", "DRAFT", "TRASH", "SPAM", "UNREAD", "STARRED", "IMPORTANT"]
USER_LABELS = {"Label_1": "Work/Projects", "Label_2": "Receipts"}
FILES = ["plan.pdf", "notes.docx"]
PACIFIC = ZoneInfo("America/Los_Angeles")

phrases = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=3).map(" ".join)
# Small pools shared by queries and messages, so that a message often sits on a bound.
DAYS = [(2025, 3, 9), (2025, 11, 2), (2026, 1, 31), (2026, 7, 1), (2026, 11, 27)]
EPOCHS = [1_741_500_000, 1_780_000_000, 1_795_687_200]
dates = st.builds(
    lambda day, sep: sep.join(f"{part:02d}" for part in day), st.sampled_from(DAYS), st.just("/")
) | st.builds(
    lambda y, m, d, sep: f"{y}{sep}{m}{sep}{d:02d}",
    st.integers(2024, 2027),
    st.integers(1, 12),
    st.integers(1, 28),
    st.sampled_from("/-"),
)
epochs = st.sampled_from(EPOCHS).map(str) | st.integers(1_700_000_000, 1_830_000_000).map(str)
moments = st.one_of(
    st.datetimes(
        min_value=datetime(2023, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(DAYS).map(lambda d: datetime(*d, tzinfo=ZoneInfo("America/Los_Angeles"))),
    st.sampled_from(EPOCHS).map(lambda e: datetime.fromtimestamp(e, UTC)),
)
periods = st.builds(lambda n, u: f"{n}{u}", st.integers(0, 40), st.sampled_from("dmy"))

terms = st.one_of(
    st.builds(Term, st.just(""), st.sampled_from(VOCAB)),
    st.builds(Term, st.just(""), phrases, st.just(True)),
    st.builds(
        Term,
        st.sampled_from(["from", "to", "cc", "bcc"]),
        st.sampled_from(["alice", "example.com", "bob@builder.io", "carol", "nobody"]),
    ),
    st.builds(Term, st.just("subject"), phrases, st.booleans()).filter(
        lambda t: t.quoted or " " not in t.value
    ),
    st.builds(
        Term,
        st.sampled_from(["label", "in", "is"]),
        st.sampled_from(["inbox", "sent", "trash", "spam", "work-projects", "receipts", "starred"]),
    ),
    st.builds(Term, st.just("is"), st.sampled_from(["unread", "read", "important"])),
    st.builds(Term, st.just("in"), st.sampled_from(["drafts", "anywhere"])),
    st.builds(Term, st.just("has"), st.sampled_from(["attachment", "userlabels"])),
    st.builds(Term, st.just("filename"), st.sampled_from(["pdf", "plan", "notes.docx"])),
    st.builds(Term, st.sampled_from(["after", "before", "newer", "older"]), dates | epochs),
    st.builds(Term, st.sampled_from(["older_than", "newer_than"]), periods),
)
trees = st.recursive(
    terms,
    lambda children: st.one_of(
        st.builds(Not, children),
        st.builds(And, st.lists(children, min_size=2, max_size=3).map(tuple)),
        st.builds(Or, st.lists(children, min_size=2, max_size=3).map(tuple)),
    ),
    max_leaves=8,
)
# words that contain the vocabulary's words, so that substring matching would be caught
texts = st.lists(
    st.sampled_from([*VOCAB, "the", "q3", "planning", "replan", "reviews"]), max_size=6
).map(" ".join)
views = st.builds(
    MessageView,
    sender=st.sampled_from(ADDRESSES),
    to=st.lists(st.sampled_from(ADDRESSES), max_size=2).map(tuple),
    cc=st.lists(st.sampled_from(ADDRESSES), max_size=2).map(tuple),
    bcc=st.lists(st.sampled_from(ADDRESSES), max_size=1).map(tuple),
    subject=texts,
    body=texts,
    snippet=texts,
    label_ids=st.frozensets(st.sampled_from([*LABELS, *USER_LABELS])),
    internal_date=moments,
    attachments=st.lists(st.sampled_from(FILES), max_size=2, unique=True).map(tuple),
).map(
    lambda v: MessageView(
        **{
            **v.__dict__,
            "label_names": tuple(USER_LABELS[i] for i in sorted(v.label_ids) if i in USER_LABELS),
        }
    )
)
nows = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
) | st.sampled_from([at(2026, 3, 31, 12), at(2024, 2, 29, 8), at(2025, 5, 31), at(2026, 12, 31)])


def _has_words(text: str, value: str) -> bool:
    parts = re.findall(r"[A-Za-z0-9]+", value)
    pattern = r"(?<![A-Za-z0-9])" + r"[^A-Za-z0-9]+".join(parts) + r"(?![A-Za-z0-9])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _months_back(now: datetime, months: int) -> datetime:
    year, month = now.year, now.month
    for _ in range(months):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    day = now.day
    while True:
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def _bound(value: str) -> datetime:
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    y, m, d = (int(x) for x in re.split("[/-]", value))
    return datetime(y, m, d, tzinfo=PACIFIC)


def model(node, v: MessageView, now: datetime) -> bool:
    if isinstance(node, Not):
        return not model(node.child, v, now)
    if isinstance(node, And):
        return all(model(c, v, now) for c in node.children)
    if isinstance(node, Or):
        return any(model(c, v, now) for c in node.children)
    op, value = node.op, node.value
    labels = {_slug(x) for x in (*v.label_ids, *v.label_names)}
    moment = v.internal_date
    if op == "":
        return any(_has_words(t, value) for t in (v.subject, v.body, v.snippet))
    if op == "from":
        return _has_words(v.sender, value)
    if op in ("to", "cc", "bcc"):
        return any(_has_words(a, value) for a in getattr(v, op))
    if op == "subject":
        return _has_words(v.subject, value)
    if op == "filename":
        return any(_has_words(f, value) for f in v.attachments)
    if op == "has":
        return (
            bool(v.attachments) if value == "attachment" else bool(v.label_ids & USER_LABELS.keys())
        )
    if (op, value) == ("is", "read"):
        return "UNREAD" not in v.label_ids
    if (op, value) == ("in", "anywhere"):
        return True
    if (op, value) == ("in", "drafts"):
        return "DRAFT" in v.label_ids
    if op in ("label", "in", "is"):
        return _slug(value) in labels
    if op in ("after", "newer"):
        return moment >= _bound(value)
    if op in ("before", "older"):
        return moment < _bound(value)
    amount, unit = int(value[:-1]), value[-1]
    if unit == "d":
        cutoff = now - timedelta(days=amount)
    else:
        cutoff = _months_back(now, amount * (12 if unit == "y" else 1))
    return moment >= cutoff if op == "newer_than" else moment < cutoff


@settings(max_examples=100, deadline=None)
@given(trees)
def test_rendered_trees_parse_back_to_themselves(tree) -> None:
    assert gmail.parse(gmail.render(tree)).node == tree


@settings(max_examples=100, deadline=None)
@given(trees, st.lists(views, min_size=1, max_size=6), nows)
def test_matching_agrees_with_a_direct_evaluation_of_the_tree(tree, mailbox, now) -> None:
    query = gmail.parse(gmail.render(tree))
    assert [query.matches(v, now) for v in mailbox] == [model(tree, v, now) for v in mailbox]


@settings(max_examples=100, deadline=None)
@given(st.lists(terms, min_size=2, max_size=4), st.lists(views, min_size=1, max_size=4), nows)
def test_braces_mean_or(items, mailbox, now) -> None:
    braces = gmail.parse("{" + " ".join(gmail.render(t) for t in items) + "}")
    assert [braces.matches(v, now) for v in mailbox] == [
        any(model(t, v, now) for t in items) for v in mailbox
    ]


@settings(max_examples=100, deadline=None)
@given(trees, views, nows, st.booleans())
def test_listing_hides_trash_and_spam_unless_the_query_or_the_flag_lifts_them(
    tree, view, now, include
) -> None:
    query = gmail.parse(gmail.render(tree))
    rendered = gmail.render(tree)
    lifts = set()
    if include or "in:anywhere" in rendered:
        lifts = {"TRASH", "SPAM"}
    lifts |= {x.upper() for x in re.findall(r"(?:in|label):(trash|spam)", rendered)}
    hidden = bool(view.label_ids & ({"TRASH", "SPAM"} - lifts))
    expected = not hidden and model(tree, view, now)
    assert gmail.listed(query, view, now, include_spam_trash=include) is expected


@settings(max_examples=100, deadline=None)
@given(nows, periods, st.integers(-2, 2))
def test_periods_put_a_message_on_the_cutoff_among_the_newer(now, period, minutes) -> None:
    amount, unit = int(period[:-1]), period[-1]
    if unit == "d":
        cutoff = now - timedelta(days=amount)
    else:
        cutoff = _months_back(now, amount * (12 if unit == "y" else 1))
    view = MessageView(internal_date=cutoff + timedelta(minutes=minutes))
    assert gmail.parse(f"newer_than:{period}").matches(view, now) is (minutes >= 0)
    assert gmail.parse(f"older_than:{period}").matches(view, now) is (minutes < 0)


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("after:99999999999999999999", "after: '99999999999999999999' is out of range"),
        ("before:" + "9" * 5000, "before: " + "Exceeds the limit"),
    ],
)
def test_an_epoch_out_of_range_is_a_query_error(q: str, reason: str) -> None:
    with pytest.raises(GmailQueryError) as caught:
        gmail.parse(q)
    assert caught.value.reason.startswith(reason)


def test_periods_and_internal_dates_beyond_the_calendar_are_clamped() -> None:
    old = MessageView(internal_date=at(1, 1, 2))
    assert gmail.parse("older_than:999999d").matches(old, NOW) is False
    assert gmail.parse("newer_than:999999d").matches(old, NOW) is True
    assert gmail.parse("newer_than:99999y").matches(old, NOW) is True
    assert MessageView(internal_date=10**20).moment == datetime.max.replace(tzinfo=UTC)
    assert MessageView(internal_date=-(10**20)).moment == datetime.min.replace(tzinfo=UTC)


def test_a_thread_is_listed_when_one_of_its_messages_is() -> None:
    thread = [MAILBOX["m5"], MAILBOX["m2"]]  # one in the trash, one in the inbox
    assert gmail.thread_listed(gmail.parse("plan"), thread, NOW) is False
    assert gmail.thread_listed(gmail.parse("lunch"), thread, NOW) is True
    assert gmail.thread_listed(gmail.parse("plan"), thread, NOW, include_spam_trash=True) is True
    assert gmail.thread_listed(gmail.parse(""), [], NOW) is False
