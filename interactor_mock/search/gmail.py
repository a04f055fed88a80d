"""Gmail's search language (``q`` of ``users.messages.list`` and of ``email.list``).

How a behaviour uses it::

    query = gmail.parse(call.input.get("q") or "")          # GmailQueryError if malformed
    view = gmail.view_from_gmail_message(message, label_names=names_by_id)
    shown = gmail.listed(query, view, engine.now(),
                         include_spam_trash=bool(call.input.get("includeSpamTrash")))
    # threads.list: gmail.thread_listed(query, views_of_the_thread, now, ...)

``parse`` runs in time linear in the query (one pass of a hand-written tokenizer, then a
recursive-descent parser whose nesting is bounded by :data:`MAX_DEPTH`); ``Query.matches`` is
pure. The operators and the choices where Gmail's documentation is silent:

- Terms separated by spaces are ANDed; ``OR`` (upper case only, as Gmail) binds tighter than
  the implicit AND (``a b OR c`` is ``a AND (b OR c)``); ``{a b}`` is ``a OR b``; ``(...)``
  groups; ``-term`` negates (the ``-`` is glued to the term); ``AND`` is accepted and means
  nothing more than a space. ``op:(a b)`` and ``op:{a b}`` apply ``op`` to each term inside.
- Text matching is by whole words, case-insensitively (see :mod:`._text`): ``meet`` does not
  match ``meeting``, ``"q3 plan"`` matches the words ``q3 plan`` in sequence. Free text looks in
  the subject, the body and the snippet; ``from:``/``to:``/``cc:``/``bcc:`` in each address
  (name and address, so ``from:alice``, ``from:example.com`` and ``from:alice@example.com``
  all match ``Alice <alice@example.com>``); ``subject:`` in the subject; ``filename:`` in the
  attachments' names (``filename:pdf`` matches ``report.pdf``).
- ``label:x`` matches a label whose id or name has the words of ``x`` (``label:my-label``
  matches the name ``My Label``, ``label:work-projects`` matches ``Work/Projects``).
- ``is:`` unread, read, starred, important, snoozed (label ``SNOOZED``, which the API never
  shows: inferred); ``in:`` inbox, sent, drafts, trash, spam, anywhere, snoozed; any other
  ``is:``/``in:`` value is taken as a label name, as ``label:``.
- ``has:attachment``, ``has:userlabels``, ``has:nouserlabels``; any other ``has:`` value
  matches nothing (the mock has no Drive links, stars of colours, ...).
- ``after:``/``newer:`` and ``before:``/``older:`` take ``YYYY/MM/DD``, ``YYYY-MM-DD`` (month and
  day may have one digit) or epoch seconds. Dates are midnight Pacific time, as Gmail documents
  ("PST"; taken as America/Los_Angeles, with summer time); ``after:`` includes the bound, and
  ``before:`` excludes it, so ``after:D OR before:D`` is everything.
- ``older_than:N[dmy]`` is ``before:`` (``now`` minus N days, calendar months or years, the day
  clamped to the month's end) and ``newer_than:`` is ``after:`` the same instant.
- An unknown operator (``category:primary``) is free text, as Gmail reads it. A known operator
  without a value, a malformed date, an unbalanced bracket, an unterminated quote, a dangling
  ``OR`` or nesting deeper than :data:`MAX_DEPTH` raise :class:`GmailQueryError`. What Gmail
  itself answers for such a query is undocumented; the error's ``provider_body()`` is
  Google's generic 400 (inferred). The connectors use :func:`parse_lenient` instead, which
  never fails: Gmail's search box reads any query (inferred).
- Messages in TRASH or SPAM are hidden unless the query names ``in:trash``/``label:trash``,
  ``in:spam``/``label:spam`` or ``in:anywhere`` (anywhere in the query, even negated), or the
  call sets ``includeSpamTrash``: see :func:`listed`.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import email
import email.policy
import email.utils
import html
import re
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from datetime import tzinfo
from typing import Any
from typing import TypeAlias

from interactor_mock.search._text import contains_words
from interactor_mock.search._text import words
from interactor_mock.search.errors import GmailQueryError

__all__ = [
    "HIDDEN_LABELS",
    "MAX_DEPTH",
    "And",
    "GmailQueryError",
    "Lexer",
    "MessageView",
    "Node",
    "Not",
    "Or",
    "Query",
    "Term",
    "lifted_labels",
    "listed",
    "parse",
    "parse_lenient",
    "render",
    "thread_listed",
    "tokenize",
    "view_from_gmail_message",
]

MAX_DEPTH = 64
"""Deepest nesting of brackets and negations a query may have."""

HIDDEN_LABELS = frozenset({"TRASH", "SPAM"})
"""Labels whose messages a search leaves out by default."""

SYSTEM_LABELS = frozenset(
    {
        "INBOX",
        "SENT",
        "DRAFT",
        "TRASH",
        "SPAM",
        "UNREAD",
        "STARRED",
        "IMPORTANT",
        "CHAT",
        "SNOOZED",
        "CATEGORY_PERSONAL",
        "CATEGORY_SOCIAL",
        "CATEGORY_PROMOTIONS",
        "CATEGORY_UPDATES",
        "CATEGORY_FORUMS",
    }
)

try:
    from zoneinfo import ZoneInfo

    PACIFIC: tzinfo = ZoneInfo("America/Los_Angeles")
except Exception:  # pragma: no cover - a Python without time-zone data
    PACIFIC = timezone(timedelta(hours=-8), "PST")

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FIRST = datetime.min.replace(tzinfo=timezone.utc)
_LAST = datetime.max.replace(tzinfo=timezone.utc)

WORD_OPERATORS = frozenset({"from", "to", "cc", "bcc", "subject", "filename"})
DATE_OPERATORS = frozenset({"after", "before", "newer", "older"})
RELATIVE_OPERATORS = frozenset({"older_than", "newer_than"})
OPERATORS = WORD_OPERATORS | DATE_OPERATORS | RELATIVE_OPERATORS | {"label", "is", "in", "has"}

_IS_LABELS = {
    "unread": "UNREAD",
    "starred": "STARRED",
    "important": "IMPORTANT",
    "snoozed": "SNOOZED",
}
_IN_LABELS = {
    "inbox": "INBOX",
    "sent": "SENT",
    "drafts": "DRAFT",
    "draft": "DRAFT",
    "trash": "TRASH",
    "spam": "SPAM",
    "snoozed": "SNOOZED",
}
_DATE = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")
_RELATIVE = re.compile(r"(\d{1,6})([dmy])", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


# the message view


@dataclass(frozen=True)
class MessageView:
    """What a search looks at in a message.

    ``sender`` is the From header; ``to``, ``cc``, ``bcc`` one address per item (``"Name
    <addr>"`` or ``"addr"``); ``body`` the decoded text; ``label_ids`` Gmail's label ids
    (``UNREAD``, ``STARRED``, ``INBOX``, ``SENT``, ``DRAFT``, ``TRASH``, ``SPAM``,
    ``IMPORTANT``, ``Label_12``...); ``label_names`` the names of its user labels (for
    ``label:``); ``internal_date`` an aware datetime or epoch milliseconds; ``attachments``
    the attachments' file names.
    """

    sender: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""
    snippet: str = ""
    label_ids: frozenset[str] = frozenset()
    label_names: tuple[str, ...] = ()
    internal_date: datetime | int = 0
    attachments: tuple[str, ...] = ()

    @property
    def moment(self) -> datetime:
        """``internal_date`` as an aware datetime."""
        if isinstance(self.internal_date, datetime):
            return self.internal_date
        try:
            return _EPOCH + timedelta(milliseconds=self.internal_date)
        except OverflowError:
            return _LAST if self.internal_date > 0 else _FIRST


# the syntax tree


@dataclass(frozen=True)
class Term:
    """One search term: ``op`` is the operator (lower case) or ``""`` for free text; ``value``
    its text; ``quoted`` whether it was a quoted phrase.

    Raises ``ValueError`` for a value the operator does not accept.
    """

    op: str
    value: str
    quoted: bool = False
    _words: list[str] = field(init=False, compare=False, repr=False)
    _bound: datetime | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.op and self.op not in OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}")
        object.__setattr__(self, "_words", words(self.value))
        bound = _date_bound(self.value) if self.op in DATE_OPERATORS else None
        if self.op in RELATIVE_OPERATORS:
            _relative(self.value, _EPOCH)  # validates
        object.__setattr__(self, "_bound", bound)

    def matches(self, view: MessageView, now: datetime) -> bool:
        op = self.op
        if not op:
            return contains_words((view.subject, view.body, view.snippet), self._words)
        if op == "from":
            return contains_words((view.sender,), self._words)
        if op == "to":
            return contains_words(view.to, self._words)
        if op == "cc":
            return contains_words(view.cc, self._words)
        if op == "bcc":
            return contains_words(view.bcc, self._words)
        if op == "subject":
            return contains_words((view.subject,), self._words)
        if op == "filename":
            return bool(view.attachments) and contains_words(view.attachments, self._words)
        if op == "label":
            return _has_label(view, self._words)
        if op == "is":
            return self._is(view)
        if op == "in":
            return self._in(view)
        if op == "has":
            return self._has(view)
        if self._bound is not None:
            return _compare(op in ("after", "newer"), view.moment, self._bound)
        cutoff = _relative(self.value, now)
        return _compare(op == "newer_than", view.moment, cutoff)

    def _is(self, view: MessageView) -> bool:
        value = self.value.casefold()
        if value == "read":
            return "UNREAD" not in view.label_ids
        if value in _IS_LABELS:
            return _IS_LABELS[value] in view.label_ids
        return _has_label(view, self._words)

    def _in(self, view: MessageView) -> bool:
        value = self.value.casefold()
        if value == "anywhere":
            return True
        if value in _IN_LABELS:
            return _IN_LABELS[value] in view.label_ids
        return _has_label(view, self._words)

    def _has(self, view: MessageView) -> bool:
        value = self.value.casefold()
        if value == "attachment":
            return bool(view.attachments)
        user = bool(view.label_ids - SYSTEM_LABELS)
        if value == "userlabels":
            return user
        if value == "nouserlabels":
            return not user
        return False

    def lifts(self) -> frozenset[str]:
        value = self.value.casefold()
        if self.op == "in" and value == "anywhere":
            return HIDDEN_LABELS
        if self.op in ("in", "label") and value in ("trash", "spam"):
            return frozenset({value.upper()})
        return frozenset()


@dataclass(frozen=True)
class Not:
    child: Node

    def matches(self, view: MessageView, now: datetime) -> bool:
        return not self.child.matches(view, now)


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]

    def matches(self, view: MessageView, now: datetime) -> bool:
        return all(child.matches(view, now) for child in self.children)


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]

    def matches(self, view: MessageView, now: datetime) -> bool:
        return any(child.matches(view, now) for child in self.children)


Node: TypeAlias = "Term | Not | And | Or"


@dataclass(frozen=True)
class Query:
    """A parsed query: ``node`` is ``None`` for an empty query, which matches everything."""

    text: str
    node: Node | None

    def matches(self, view: MessageView, now: datetime) -> bool:
        """Whether the message matches (``now`` is the clock for ``older_than``/``newer_than``)."""
        return self.node is None or self.node.matches(view, now)

    @property
    def lifts(self) -> frozenset[str]:
        """The hidden labels (TRASH, SPAM) the query asks to search in."""
        found: set[str] = set()
        for term in _terms(self.node):
            found |= term.lifts()
        return frozenset(found)


def _terms(node: Node | None) -> Iterator[Term]:
    stack = [node] if node is not None else []
    while stack:
        item = stack.pop()
        if isinstance(item, Term):
            yield item
        elif isinstance(item, Not):
            stack.append(item.child)
        else:
            stack.extend(item.children)


def lifted_labels(query: Query, *, include_spam_trash: bool = False) -> frozenset[str]:
    """The labels whose messages the search does *not* hide (``includeSpamTrash`` lifts both)."""
    return HIDDEN_LABELS if include_spam_trash else query.lifts


def listed(
    query: Query, view: MessageView, now: datetime, *, include_spam_trash: bool = False
) -> bool:
    """Whether a list call shows the message: it matches, and is not in TRASH or SPAM unless
    the query or ``includeSpamTrash`` asks for them."""
    hidden = HIDDEN_LABELS - lifted_labels(query, include_spam_trash=include_spam_trash)
    return not (view.label_ids & hidden) and query.matches(view, now)


def thread_listed(
    query: Query,
    views: Iterable[MessageView],
    now: datetime,
    *,
    include_spam_trash: bool = False,
) -> bool:
    """Whether ``threads.list`` shows a thread: one of its messages is listed (inferred, as
    Gmail's web search shows threads)."""
    return any(listed(query, v, now, include_spam_trash=include_spam_trash) for v in views)


# values


def _label_key(text: str) -> list[str]:
    return words(text)


def _has_label(view: MessageView, wanted: list[str]) -> bool:
    if not wanted:
        return False
    return any(_label_key(label) == wanted for label in (*view.label_ids, *view.label_names))


def _compare(after: bool, moment: datetime, bound: datetime) -> bool:
    return moment >= bound if after else moment < bound


def _date_bound(value: str) -> datetime:
    if value.isdigit() and value.isascii():
        try:
            return _EPOCH + timedelta(seconds=int(value))
        except OverflowError:
            raise ValueError(f"{value!r} is out of range") from None
    match = _DATE.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not a date (YYYY/MM/DD, YYYY-MM-DD or epoch seconds)")
    year, month, day = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, tzinfo=PACIFIC)
    except ValueError:
        raise ValueError(f"{value!r} is not a date") from None


def _relative(value: str, now: datetime) -> datetime:
    match = _RELATIVE.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not a period (a number and d, m or y)")
    amount, unit = int(match.group(1)), match.group(2).lower()
    if unit == "d":
        try:
            return now - timedelta(days=amount)
        except OverflowError:
            return _FIRST
    months = amount * (12 if unit == "y" else 1)
    total = now.year * 12 + (now.month - 1) - months
    year, month = divmod(total, 12)
    if year < 1:
        return _FIRST
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


# tokens


@dataclass(frozen=True)
class Token:
    """``kind`` is one of ``( ) { } - OR AND PHRASE WORD``; ``glued``: no space before it."""

    kind: str
    text: str
    position: int
    glued: bool


@dataclass(frozen=True)
class Tokens:
    items: list[Token]
    steps: int
    """Characters examined: at most the query's length (the tokenizer is one pass)."""


_DELIMITERS = frozenset('(){}"')


class Lexer:
    """The tokens of ``q``, produced on demand in one pass; ``steps`` counts the characters
    examined so far (each at most once), so a parser that stops early stops the work too."""

    def __init__(self, q: str) -> None:
        self.q = q
        self.steps = 0

    def __iter__(self) -> Iterator[Token]:
        q = self.q
        i, n, end = 0, len(q), -1
        while i < n:
            char = q[i]
            start = i
            if char.isspace():
                i += 1
                self.steps += 1
                continue
            glued = i == end
            if char in "(){}":
                token = Token(char, char, i, glued)
                i += 1
            elif char == '"':
                close = q.find('"', i + 1)
                if close < 0:
                    self.steps += n - i
                    raise GmailQueryError("unterminated quote", query=q, position=i)
                token = Token("PHRASE", q[i + 1 : close], i, glued)
                i = close + 1
            elif char == "-" and i + 1 < n and not q[i + 1].isspace() and q[i + 1] not in ")}":
                token = Token("-", "-", i, glued)
                i += 1
            else:
                while i < n and not q[i].isspace() and q[i] not in _DELIMITERS:
                    i += 1
                text = q[start:i]
                token = Token(text if text in ("OR", "AND") else "WORD", text, start, glued)
            self.steps += i - start
            end = i
            yield token


def tokenize(q: str) -> Tokens:
    """Split ``q`` into tokens in one pass; raises :class:`GmailQueryError` for an unterminated
    quote."""
    lexer = Lexer(q)
    items = list(lexer)
    return Tokens(items, lexer.steps)


# the parser


class _Parser:
    def __init__(self, q: str, *, lenient: bool = False) -> None:
        self.q = q
        self.lenient = lenient
        self.lexer = Lexer(q)
        self.stream = iter(self.lexer)
        self.ahead: Token | None = next(self.stream, None)

    def fail(self, reason: str, position: int) -> GmailQueryError:
        return GmailQueryError(reason, query=self.q, position=position)

    def peek(self) -> Token | None:
        return self.ahead

    def take(self) -> Token:
        token = self.ahead
        if token is None:
            raise self.fail("the query ends where a term is wanted", len(self.q))
        self.ahead = next(self.stream, None)
        return token

    def query(self) -> Node | None:
        node = self.conjunction(0, None) if self.ahead is not None else None
        token = self.peek()
        if token is not None:
            raise self.fail(f"unbalanced {token.text!r}", token.position)
        return node

    def conjunction(self, depth: int, op: str | None) -> Node:
        items: list[Node] = []
        while True:
            token = self.peek()
            if token is None or token.kind in (")", "}"):
                break
            if token.kind == "AND":
                self.take()
                following = self.peek()
                if not items or following is None or following.kind in (")", "}", "AND", "OR"):
                    raise self.fail("AND needs a term on each side", token.position)
                continue
            items.append(self.disjunction(depth, op))
        if not items:
            token = self.peek()
            position = token.position if token is not None else len(self.q)
            raise self.fail("empty group", position)
        return items[0] if len(items) == 1 else And(tuple(items))

    def disjunction(self, depth: int, op: str | None) -> Node:
        items = [self.unary(depth, op)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            following = self.peek()
            if following is None or following.kind in (")", "}", "OR", "AND"):
                raise self.fail("OR needs a term on each side", token.position)
            items.append(self.unary(depth, op))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def unary(self, depth: int, op: str | None) -> Node:
        token = self.take()
        if depth >= MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH}", token.position)
        kind = token.kind
        if kind == "-":
            return Not(self.unary(depth + 1, op))
        if kind == "(":
            node = self.conjunction(depth + 1, op)
            self.close(token, ")")
            return node
        if kind == "{":
            return self.braces(token, depth + 1, op)
        if kind in (")", "}"):
            raise self.fail(f"unbalanced {token.text!r}", token.position)
        if kind in ("OR", "AND"):
            raise self.fail(f"{kind} needs a term on each side", token.position)
        if kind == "PHRASE":
            return self.term(op or "", token.text, True, token.position)
        return self.word(token, depth, op)

    def close(self, opening: Token, closer: str) -> None:
        token = self.peek()
        if token is None or token.kind != closer:
            raise self.fail(f"unbalanced {opening.text!r}", opening.position)
        self.take()

    def braces(self, opening: Token, depth: int, op: str | None) -> Node:
        items: list[Node] = []
        while (token := self.peek()) is not None and token.kind != "}":
            if token.kind in ("OR", "AND") and items:
                self.take()
                continue
            if token.kind == ")":
                break
            items.append(self.unary(depth, op))
        self.close(opening, "}")
        if not items:
            raise self.fail("empty group", opening.position)
        return items[0] if len(items) == 1 else Or(tuple(items))

    def word(self, token: Token, depth: int, op: str | None) -> Node:
        text = token.text
        name, colon, value = text.partition(":")
        if op is not None or not colon or name.lower() not in OPERATORS:
            return self.term(op or "", text, False, token.position)
        name = name.lower()
        if value:
            return self.term(name, value, False, token.position)
        following = self.peek()
        if following is None or not following.glued or following.kind not in ("PHRASE", "(", "{"):
            raise self.fail(f"{name}: needs a value", token.position)
        self.take()
        if following.kind == "PHRASE":
            return self.term(name, following.text, True, following.position)
        if following.kind == "(":
            node = self.conjunction(depth + 1, name)
            self.close(following, ")")
            return node
        return self.braces(following, depth + 1, name)

    def term(self, op: str, value: str, quoted: bool, position: int) -> Term:
        try:
            return Term(op, value, quoted)
        except ValueError as error:
            if self.lenient:  # Gmail reads an operator it cannot use as text
                return Term("", f"{op}:{value}", quoted)
            raise self.fail(f"{op}: {error}", position) from None


def parse(q: str) -> Query:
    """Parse a Gmail search query; raises :class:`GmailQueryError` (with ``position`` and
    ``reason``) when it is malformed."""
    return Query(q, _Parser(q).query())


def parse_lenient(q: str) -> Query:
    """Parse a query as Gmail's search box reads it: it never rejects one (inferred; Gmail
    documents no error for ``q``). An operator with a value it does not take
    (``after:today``) is free text, as an unknown operator is; a query that does not parse
    at all (an unbalanced bracket, an unterminated quote, a dangling ``OR``) is read as its
    words, each free text, ANDed."""
    try:
        return Query(q, _Parser(q, lenient=True).query())
    except GmailQueryError:
        terms = tuple(Term("", word) for word in words(q))
        if not terms:
            return Query(q, None)
        return Query(q, terms[0] if len(terms) == 1 else And(terms))


def render(node: Node | None) -> str:
    """Query text for a syntax tree (``parse(render(node)).node == node``)."""
    if node is None:
        return ""
    if isinstance(node, Term):
        value = f'"{node.value}"' if node.quoted else node.value
        return f"{node.op}:{value}" if node.op else value
    if isinstance(node, Not):
        return "-" + _grouped(node.child)
    joiner = " " if isinstance(node, And) else " OR "
    return joiner.join(_grouped(child) for child in node.children)


def _grouped(node: Node) -> str:
    return f"({render(node)})" if isinstance(node, (And, Or)) else render(node)


# adapters


def _b64decode(data: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return b""


def _strip_html(text: str) -> str:
    return html.unescape(_TAG.sub(" ", text))


def _addresses(values: Any) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        return ()
    found: list[str] = []
    for name, address in email.utils.getaddresses([str(value) for value in values]):
        if address or name:
            found.append(f"{name} <{address}>" if name else address)
    return tuple(found)


def _walk(part: Any) -> Iterator[Mapping[str, Any]]:
    stack = [part]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            yield item
            children = item.get("parts")
            if isinstance(children, list):
                stack.extend(reversed(children))


def _payload_text(payload: Any) -> tuple[str, tuple[str, ...]]:
    plain: list[str] = []
    markup: list[str] = []
    attachments: list[str] = []
    for part in _walk(payload):
        filename = part.get("filename")
        if isinstance(filename, str) and filename:
            attachments.append(filename)
            continue
        body = part.get("body")
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, str):
            continue
        text = _b64decode(data).decode("utf-8", "replace")
        mime = str(part.get("mimeType", ""))
        if mime == "text/html":
            markup.append(_strip_html(text))
        elif mime.startswith("text/"):
            plain.append(text)
    return "\n".join(plain or markup), tuple(attachments)


def _raw_fields(raw: str) -> dict[str, Any]:
    message = email.message_from_bytes(_b64decode(raw), policy=email.policy.default)
    plain: list[str] = []
    attachments: list[str] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if filename:
            attachments.append(filename)
        elif part.get_content_type() in ("text/plain", "text/html"):
            text = str(part.get_content())
            plain.append(_strip_html(text) if part.get_content_type() == "text/html" else text)
    headers = {key.lower(): str(value) for key, value in message.items()}
    return {"headers": headers, "body": "\n".join(plain), "attachments": tuple(attachments)}


def _moment(msg: Mapping[str, Any], dated: str | None) -> datetime | int:
    internal = msg.get("internalDate")
    if isinstance(internal, int) or (isinstance(internal, str) and internal.isdigit()):
        return int(internal)
    if dated:
        try:
            moment = email.utils.parsedate_to_datetime(dated)
        except (TypeError, ValueError):
            return 0
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return 0


def view_from_gmail_message(
    msg: Mapping[str, Any], *, label_names: Mapping[str, str] | None = None
) -> MessageView:
    """The search view of a stored message, in either shape the mock keeps: the ``gmail``
    connector's (Gmail's resource plus Interactor's ``message_info``, which wins where both
    say something) or ``gmail-v1``'s (Gmail's own ``payload`` headers and MIME parts, or
    ``raw``). ``label_names`` maps label ids to names, for ``label:`` on user labels."""
    info = msg.get("message_info")
    info = info if isinstance(info, Mapping) else {}
    payload = msg.get("payload")
    headers: dict[str, str] = {}
    body_text = ""
    attachments: tuple[str, ...] = ()
    if isinstance(payload, Mapping):
        for header in payload.get("headers") or ():
            if isinstance(header, Mapping):
                headers.setdefault(str(header.get("name", "")).lower(), str(header.get("value")))
        body_text, attachments = _payload_text(payload)
    elif isinstance(msg.get("raw"), str):
        fields = _raw_fields(msg["raw"])
        headers, body_text, attachments = fields["headers"], fields["body"], fields["attachments"]
    if "body" in info:
        body = str(info.get("body") or "")
        body_text = _strip_html(body) if info.get("bodyType") == "html" else body
    ids = frozenset(str(label) for label in msg.get("labelIds") or ())
    names = label_names or {}
    return MessageView(
        sender=str(info.get("from") or headers.get("from", "")),
        to=_addresses(info["to"] if "to" in info else headers.get("to", "")),
        cc=_addresses(info["cc"] if "cc" in info else headers.get("cc", "")),
        bcc=_addresses(info["bcc"] if "bcc" in info else headers.get("bcc", "")),
        subject=str(info.get("subject") or headers.get("subject", "")),
        body=body_text,
        snippet=str(msg.get("snippet") or ""),
        label_ids=ids,
        label_names=tuple(names[label] for label in sorted(ids) if label in names),
        internal_date=_moment(msg, info.get("date") or headers.get("date")),
        attachments=attachments,
    )
