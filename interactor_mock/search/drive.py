"""Drive v3's query language (``q`` of ``files.list``).

How a behaviour uses it::

    try:
        query = drive.parse(call.input.get("q") or "")
    except drive.DriveQueryError as error:
        return {"status_code": error.status, "body": error.provider_body()}  # Drive's 400
    files = [item for item in files if query.matches(item)]

``parse`` runs in time linear in the query (a one-pass tokenizer, then a recursive-descent
parser whose nesting is bounded by :data:`MAX_DEPTH`); ``Query.matches`` is pure, over Drive's
File resource (a dict). The grammar and the choices where Drive's documentation is silent:

- ``not`` binds tighter than ``and``, which binds tighter than ``or``; parentheses group.
  Keywords (``and or not in contains true false``) are case-insensitive; field names are
  case-sensitive, as Drive's resource fields.
- Strings are single-quoted, with ``\\'`` and ``\\\\`` the only escapes (any other backslash is
  invalid).
- ``name = 'x'``/``!=``: exact, case-sensitive. ``name contains 'x'``: case-insensitive prefix
  of the name or of a word in it (Drive documents prefix matching: ``'Hello'`` finds
  ``HelloWorld``, ``'World'`` does not; that a word after a space or punctuation starts a new
  prefix is inferred).
- ``fullText contains 'x'``: whole words, case-insensitive, in ``name``, ``description`` and
  ``contentHints.indexableText`` (the mock keeps no file content); ``'"a b"'`` (a phrase in
  double quotes) is the words in sequence, as is ``'a b'``.
- ``mimeType = / != / contains`` (contains: case-insensitive substring).
- ``trashed``, ``starred``, ``sharedWithMe`` ``= / !=`` ``true|false`` (absent means false).
- ``modifiedTime``, ``createdTime``, ``viewedByMeTime`` with ``= != < <= > >=`` against an RFC 3339
  string (date-only or without offset means UTC, as Drive documents); a file without the field
  matches no comparison.
- ``'ID' in parents``; ``'email' in owners`` (``owners[].emailAddress``, compared without case).
- Anything else (an unknown field, an operator the field does not take, a value of the wrong
  type, a bad date, unbalanced parentheses, an unterminated string, nesting deeper than
  :data:`MAX_DEPTH`) raises :class:`DriveQueryError`, whose ``provider_body()`` is exactly
  Drive's answer: 400 ``Invalid Value`` on parameter ``q``; ``reason``/``position`` say more,
  for logs.
- An empty ``q`` matches every file, trashed ones included (Drive's own default).
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import TypeAlias

from interactor_mock.search._text import contains_words
from interactor_mock.search._text import words
from interactor_mock.search._time import parse_time
from interactor_mock.search.errors import DriveQueryError

__all__ = [
    "FIELDS",
    "MAX_DEPTH",
    "And",
    "Compare",
    "DriveQueryError",
    "In",
    "Lexer",
    "Node",
    "Not",
    "Or",
    "Query",
    "error_body",
    "parse",
    "parse_time",
    "quote",
    "render",
    "tokenize",
]

MAX_DEPTH = 64
"""Deepest nesting of parentheses and ``not`` a query may have."""

_STRING_OPS = ("=", "!=", "contains")
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("string", _STRING_OPS),
    "fullText": ("string", ("contains",)),
    "mimeType": ("string", _STRING_OPS),
    "trashed": ("bool", ("=", "!=")),
    "starred": ("bool", ("=", "!=")),
    "sharedWithMe": ("bool", ("=", "!=")),
    "modifiedTime": ("time", ("=", "!=", "<", "<=", ">", ">=")),
    "createdTime": ("time", ("=", "!=", "<", "<=", ">", ">=")),
    "viewedByMeTime": ("time", ("=", "!=", "<", "<=", ">", ">=")),
}
"""Field name to (value type, operators) for ``field op value`` terms."""

COLLECTIONS = ("parents", "owners")
"""Fields of ``'value' in field`` terms."""

KEYWORDS = frozenset({"and", "or", "not", "in", "contains", "true", "false"})


def error_body() -> dict[str, Any]:
    """Drive's answer body for a malformed ``q`` (status 400)."""
    return DriveQueryError("invalid", query="", position=0).provider_body()


# the syntax tree


@dataclass(frozen=True)
class Compare:
    """``field op value``: ``value`` is a string, or a bool for boolean fields."""

    field: str
    op: str
    value: str | bool

    def __post_init__(self) -> None:
        spec = FIELDS.get(self.field)
        if spec is None:
            raise ValueError(f"unknown field {self.field!r}")
        kind, ops = spec
        if self.op not in ops:
            raise ValueError(f"{self.field} does not take {self.op!r}")
        if (kind == "bool") != isinstance(self.value, bool):
            raise ValueError(
                f"{self.field} takes {'true or false' if kind == 'bool' else 'a string'}"
            )
        if kind == "time":
            parse_time(str(self.value))

    def matches(self, file: Mapping[str, Any]) -> bool:
        kind = FIELDS[self.field][0]
        if kind == "bool":
            return (bool(file.get(self.field)) == self.value) == (self.op == "=")
        if kind == "time":
            return _compare_time(file.get(self.field), self.op, str(self.value))
        value = str(self.value)
        if self.field == "fullText":
            return _full_text(file, value)
        found = str(file.get(self.field) or "")
        if self.op == "=":
            return found == value
        if self.op == "!=":
            return found != value
        if self.field == "name":
            return _prefix_of_word(found, value)
        return value.casefold() in found.casefold()


@dataclass(frozen=True)
class In:
    """``'value' in field`` (``parents`` or ``owners``)."""

    value: str
    field: str

    def __post_init__(self) -> None:
        if self.field not in COLLECTIONS:
            raise ValueError(f"{self.field!r} is not a collection ({', '.join(COLLECTIONS)})")

    def matches(self, file: Mapping[str, Any]) -> bool:
        items = file.get(self.field) or ()
        if self.field == "parents":
            return self.value in items
        wanted = self.value.casefold()
        return any(
            isinstance(owner, Mapping) and str(owner.get("emailAddress", "")).casefold() == wanted
            for owner in items
        )


@dataclass(frozen=True)
class Not:
    child: Node

    def matches(self, file: Mapping[str, Any]) -> bool:
        return not self.child.matches(file)


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]

    def matches(self, file: Mapping[str, Any]) -> bool:
        return all(child.matches(file) for child in self.children)


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]

    def matches(self, file: Mapping[str, Any]) -> bool:
        return any(child.matches(file) for child in self.children)


Node: TypeAlias = "Compare | In | Not | And | Or"


@dataclass(frozen=True)
class Query:
    """A parsed query: ``node`` is ``None`` for an empty query, which matches every file."""

    text: str
    node: Node | None

    def matches(self, file: Mapping[str, Any]) -> bool:
        """Whether a File resource (a dict) matches."""
        return self.node is None or self.node.matches(file)


def _prefix_of_word(name: str, value: str) -> bool:
    haystack, needle = name.casefold(), value.casefold()
    start = haystack.find(needle)
    while start >= 0:
        if start == 0 or not haystack[start - 1].isalnum():
            return True
        start = haystack.find(needle, start + 1)
    return False


def _full_text(file: Mapping[str, Any], value: str) -> bool:
    hints = file.get("contentHints")
    indexable = hints.get("indexableText") if isinstance(hints, Mapping) else None
    texts = [str(file.get("name") or ""), str(file.get("description") or "")]
    if isinstance(indexable, str):
        texts.append(indexable)
    return contains_words(texts, words(value))


def _compare_time(found: Any, op: str, value: str) -> bool:
    if not isinstance(found, str):
        return False
    try:
        left = parse_time(found)
    except ValueError:
        return False
    right = parse_time(value)
    return {
        "=": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[op]


# tokens


@dataclass(frozen=True)
class Token:
    """``kind`` is ``STRING`` (``text`` unescaped), ``WORD``, ``OP`` or ``(``/``)``."""

    kind: str
    text: str
    position: int


@dataclass(frozen=True)
class Tokens:
    items: list[Token]
    steps: int
    """Characters examined: at most the query's length (the tokenizer is one pass)."""


class Lexer:
    """The tokens of ``q``, produced on demand in one pass; ``steps`` counts the characters
    examined so far (each at most once), so a parser that stops early stops the work too."""

    def __init__(self, q: str) -> None:
        self.q = q
        self.steps = 0

    def __iter__(self) -> Iterator[Token]:
        q = self.q
        i, n = 0, len(q)
        while i < n:
            char = q[i]
            start = i
            token: Token | None = None
            if char.isspace():
                i += 1
            elif char in "()":
                token = Token(char, char, i)
                i += 1
            elif char == "'":
                chunks: list[str] = []
                i += 1
                while True:
                    if i >= n:
                        self.steps += i - start
                        raise DriveQueryError("unterminated string", query=q, position=start)
                    char = q[i]
                    if char == "'":
                        i += 1
                        break
                    if char == "\\":
                        if i + 1 >= n or q[i + 1] not in "'\\":
                            self.steps += i - start
                            raise DriveQueryError("invalid escape", query=q, position=i)
                        chunks.append(q[i + 1])
                        i += 2
                    else:
                        chunks.append(char)
                        i += 1
                token = Token("STRING", "".join(chunks), start)
            elif char in "=<>!":
                if q.startswith(("!=", "<=", ">="), i):
                    i += 2
                elif char == "!":
                    raise DriveQueryError("'!' without '='", query=q, position=i)
                else:
                    i += 1
                token = Token("OP", q[start:i], start)
            elif char.isascii() and (char.isalpha() or char == "_"):
                while i < n and q[i].isascii() and (q[i].isalnum() or q[i] in "_."):
                    i += 1
                token = Token("WORD", q[start:i], start)
            else:
                raise DriveQueryError(f"unexpected {char!r}", query=q, position=i)
            self.steps += i - start
            if token is not None:
                yield token


def tokenize(q: str) -> Tokens:
    """Split ``q`` into tokens in one pass; raises :class:`DriveQueryError`."""
    lexer = Lexer(q)
    items = list(lexer)
    return Tokens(items, lexer.steps)


# the parser


class _Parser:
    def __init__(self, q: str) -> None:
        self.q = q
        self.lexer = Lexer(q)
        self.stream = iter(self.lexer)
        self.ahead: Token | None = next(self.stream, None)

    def fail(self, reason: str, position: int | None = None) -> DriveQueryError:
        if position is None:
            token = self.peek()
            position = token.position if token is not None else len(self.q)
        return DriveQueryError(reason, query=self.q, position=position)

    def peek(self) -> Token | None:
        return self.ahead

    def advance(self) -> None:
        self.ahead = next(self.stream, None)

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "WORD" and token.text.lower() == word:
            self.advance()
            return True
        return False

    def take(self, wanted: str) -> Token:
        token = self.peek()
        if token is None:
            raise self.fail(f"the query ends where {wanted} is wanted")
        self.advance()
        return token

    def query(self) -> Node | None:
        if self.ahead is None:
            return None
        node = self.disjunction(0)
        if self.peek() is not None:
            raise self.fail("unexpected text after the query")
        return node

    def disjunction(self, depth: int) -> Node:
        items = [self.conjunction(depth)]
        while self.keyword("or"):
            items.append(self.conjunction(depth))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conjunction(self, depth: int) -> Node:
        items = [self.negation(depth)]
        while self.keyword("and"):
            items.append(self.negation(depth))
        return items[0] if len(items) == 1 else And(tuple(items))

    def negation(self, depth: int) -> Node:
        if depth >= MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH}")
        if self.keyword("not"):
            return Not(self.negation(depth + 1))
        token = self.take("a term")
        if token.kind == "(":
            node = self.disjunction(depth + 1)
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise self.fail("unbalanced '('", token.position)
            self.advance()
            return node
        if token.kind == "STRING":
            if not self.keyword("in"):
                raise self.fail("a string must be followed by 'in'")
            name = self.take("a field")
            if name.kind != "WORD" or name.text.lower() in KEYWORDS:
                raise self.fail("'in' must be followed by a field", name.position)
            return self.build(lambda: In(token.text, name.text), name.position)
        if token.kind != "WORD" or token.text.lower() in KEYWORDS:
            raise self.fail(f"unexpected {token.text!r}", token.position)
        if self.keyword("contains"):
            op = "contains"
        else:
            op_token = self.take("an operator")
            if op_token.kind != "OP":
                raise self.fail("an operator must follow a field", op_token.position)
            op = op_token.text
        value_token = self.take("a value")
        value: str | bool
        if value_token.kind == "STRING":
            value = value_token.text
        elif value_token.kind == "WORD" and value_token.text.lower() in ("true", "false"):
            value = value_token.text.lower() == "true"
        else:
            raise self.fail("a value must be a string, true or false", value_token.position)
        return self.build(lambda: Compare(token.text, op, value), token.position)

    def build(self, make: Any, position: int) -> Node:
        try:
            node: Node = make()
        except ValueError as error:
            raise self.fail(str(error), position) from None
        return node


def parse(q: str) -> Query:
    """Parse a Drive ``files.list`` query; raises :class:`DriveQueryError` when Drive would
    answer 400 ``Invalid Value``."""
    return Query(q, _Parser(q).query())


def quote(value: str) -> str:
    """A string literal of the query language for ``value``."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def render(node: Node | None) -> str:
    """Query text for a syntax tree (``parse(render(node)).node == node``)."""
    if node is None:
        return ""
    if isinstance(node, Compare):
        if isinstance(node.value, bool):
            value = "true" if node.value else "false"
        else:
            value = quote(node.value)
        return f"{node.field} {node.op} {value}"
    if isinstance(node, In):
        return f"{quote(node.value)} in {node.field}"
    if isinstance(node, Not):
        return "not " + _grouped(node.child)
    joiner = " and " if isinstance(node, And) else " or "
    return joiner.join(_grouped(child) for child in node.children)


def _grouped(node: Node) -> str:
    return f"({render(node)})" if isinstance(node, (And, Or)) else render(node)
