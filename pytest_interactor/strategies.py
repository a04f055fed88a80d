"""Hypothesis strategies for Interactor actions, generated from the connector contracts.

The contracts describe every action's input and output as a small subset of JSON Schema
(Draft 2020-12, see ``contracts/README.md``). :func:`from_schema` compiles that subset into
Hypothesis strategies directly (hypothesis-jsonschema no longer works with current Hypothesis,
and is slow), and the other strategies look actions up in a
:class:`~interactor_mock.contracts.ContractRegistry`::

    from hypothesis import given
    from pytest_interactor.strategies import action_inputs, invalid_action_inputs

    @given(payload=action_inputs("gmail", "email.draft.create"))
    def test_client_accepts_any_valid_draft(payload): ...

    @given(bad=invalid_action_inputs("gmail", "email.draft.create"))
    def test_client_reports_the_bad_field(bad):
        ...  # bad.payload, bad.kind, bad.field, bad.description

Values whose ``format`` or property name says what they are look real: ``to``/``cc`` hold
addresses such as ``alice.smith@example.com`` (reserved domains only), ``timeMin`` and
``created_at`` hold RFC 3339 date-times, ``message_id`` holds a Gmail-like hex id, ``labelIds``
holds Gmail label ids, ``subject`` holds a short sentence. They are built from Hypothesis
primitives (``sampled_from`` over word lists, ``integers``), so they are cheap and shrink well.

As in Hypothesis itself, every option is keyword-only, and bad arguments (an unknown
connector or action, a schema keyword outside the subset) raise
:class:`hypothesis.errors.InvalidArgument` when the strategy is first drawn from, not when it
is created.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import ipaddress
import json
import math
import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import Final
from typing import Literal
from typing import Protocol
from typing import TypeVar
from typing import get_args

import hypothesis.strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy
from jsonschema import Draft202012Validator
from jsonschema import FormatChecker

from interactor_mock.tooling.drift import json_type

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

__all__ = [
    "INVALID_KINDS",
    "InvalidInput",
    "InvalidKind",
    "accounts",
    "action_inputs",
    "action_outputs",
    "from_contract",
    "from_schema",
    "invalid_action_inputs",
]

T = TypeVar("T")
Json = Any
Strategy = SearchStrategy[Any]

DEFAULT_OWNER: Final = "interactor"

# --------------------------------------------------------------------------------------------
# The registry, as far as the strategies need it (interactor_mock.contracts satisfies this).
# --------------------------------------------------------------------------------------------


class _ActionLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def input_schema(self) -> Mapping[str, Any]: ...
    @property
    def output_schema(self) -> Mapping[str, Any]: ...


class _ContractLike(Protocol):
    @property
    def owner(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def actions(self) -> Mapping[str, _ActionLike]: ...


class _RegistryLike(Protocol):
    @property
    def connectors(self) -> Sequence[_ContractLike]: ...
    def connector(self, name: str, owner: str = ...) -> _ContractLike: ...


# --------------------------------------------------------------------------------------------
# The schema subset
# --------------------------------------------------------------------------------------------

_TYPE_NAMES: Final = ("null", "boolean", "integer", "number", "string", "array", "object")
_FORMATS: Final = ("date", "date-time", "email", "uri", "uuid", "byte", "hostname", "ipv4")
_ANNOTATIONS: Final = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "$schema",
        "$id",
        "$comment",
        # Interactor's own annotations, harmless if a raw fragment is passed in.
        "x-label",
        "x-dataTypeId",
        "x-dataTypeVersion",
        "x-required",
    }
)
_ASSERTIONS: Final = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "format",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "anyOf",
        "oneOf",
    }
)
_SUPPORTED: Final = _ANNOTATIONS | _ASSERTIONS
_FORMAT_CHECKER: Final = FormatChecker()

# How far unbounded collections and strings grow: small keeps examples fast and readable.
_DEFAULT_EXTRA_ITEMS: Final = 3
_DEFAULT_EXTRA_CHARS: Final = 24


def _pointer(parts: Iterable[object]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts) or "/"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_schema(schema: object, path: tuple[object, ...] = ()) -> None:
    """Raise InvalidArgument, with a JSON pointer, for anything outside the subset."""
    where = _pointer(path)
    if isinstance(schema, bool):
        return
    if not isinstance(schema, Mapping):
        raise InvalidArgument(f"schema at {where} must be an object or a boolean, got {schema!r}")
    for key, value in schema.items():
        if key == "x-dataType":
            raise InvalidArgument(
                f"unresolved x-dataType {value!r} at {where}: pass a compiled schema "
                "(Action.input_schema / output_schema), not a contract fragment"
            )
        if key not in _SUPPORTED:
            raise InvalidArgument(
                f"unsupported JSON Schema keyword {key!r} at {where}; the contracts' subset "
                f"is: {', '.join(sorted(_ASSERTIONS))} (see contracts/README.md)"
            )
    here = (*path,)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not names or any(name not in _TYPE_NAMES for name in names):
            raise InvalidArgument(
                f"bad type {schema['type']!r} at {where}; use one of {', '.join(_TYPE_NAMES)}"
            )
    if "format" in schema and schema["format"] not in _FORMATS:
        raise InvalidArgument(
            f"unsupported format {schema['format']!r} at {where}; supported: {', '.join(_FORMATS)}"
        )
    for key in ("minLength", "maxLength", "minItems", "maxItems"):
        if key in schema and not _is_count(schema[key]):
            raise InvalidArgument(f"{key} at {where} must be a non-negative integer")
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if key in schema and not (_is_number(schema[key]) and math.isfinite(schema[key])):
            raise InvalidArgument(f"{key} at {where} must be a finite number")
    if "enum" in schema and not (isinstance(schema["enum"], list) and schema["enum"]):
        raise InvalidArgument(f"enum at {where} must be a non-empty list")
    if "examples" in schema and not isinstance(schema["examples"], list):
        raise InvalidArgument(f"examples at {where} must be a list")
    required = schema.get("required", [])
    if not (isinstance(required, list) and all(isinstance(r, str) for r in required)):
        raise InvalidArgument(f"required at {where} must be a list of property names")
    properties = schema.get("properties", {})
    if not isinstance(properties, Mapping):
        raise InvalidArgument(f"properties at {where} must be an object")
    for name, sub in properties.items():
        _check_schema(sub, (*here, "properties", name))
    for key in ("items", "additionalProperties"):
        if key in schema:
            _check_schema(schema[key], (*here, key))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = schema[key]
            if not (isinstance(branches, list) and branches):
                raise InvalidArgument(f"{key} at {where} must be a non-empty list of schemas")
            for index, sub in enumerate(branches):
                _check_schema(sub, (*here, key, index))


def _canonical(schema: object) -> str:
    try:
        return json.dumps(schema, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"schema is not JSON: {exc}") from None


_VALIDATORS: dict[str, Draft202012Validator] = {}


def _validator(schema: Json) -> Draft202012Validator:
    """The reference validator for a schema, compiled once per distinct schema."""
    key = _canonical(schema)
    found = _VALIDATORS.get(key)
    if found is None:
        found = _VALIDATORS[key] = Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)
    return found


# --------------------------------------------------------------------------------------------
# Realistic values, from word lists and integers (never Faker: slow, and it does not shrink)
# --------------------------------------------------------------------------------------------

_FIRST_NAMES: Final = (
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
    "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter",
    "yuki", "minji", "jisoo", "hiro", "amara", "lucas", "sofia", "mateo", "chen", "priya",
    "omar",
)  # fmt: skip
_LAST_NAMES: Final = (
    "smith", "jones", "kim", "lee", "park", "garcia", "nguyen", "patel", "brown", "tanaka",
    "rossi", "dubois", "silva", "cohen", "novak", "okafor", "larsen", "ivanova", "moreau",
    "schmidt", "choi", "haddad", "kowalski", "yilmaz",
)  # fmt: skip
# Display names only: real names are not ASCII, and clients must cope with that.
_DISPLAY_LAST_NAMES: Final = (
    *(n.capitalize() for n in _LAST_NAMES),
    "Müller",
    "Núñez",
    "O'Brien",
    "김",
)
_DOMAINS: Final = (
    "example.com", "example.org", "example.net", "mail.example.com", "corp.example.com",
    "eu.example.org",
)  # fmt: skip
# Keys of generated maps (objects that declare no properties).
_KEYS: Final = (
    "name", "value", "kind", "note", "color", "tag", "source", "status", "owner", "level",
)  # fmt: skip
_SUBJECT_PREFIXES: Final = ("", "Re: ", "Fwd: ", "[Action needed] ", "Quick question: ")
_TOPICS: Final = (
    "Quarterly report", "Meeting notes", "Project update", "Budget review", "Invoice 2024-117",
    "Lunch on Friday", "Travel plans", "Design proposal", "Contract renewal", "Weekly sync",
    "Launch checklist", "Feedback on the draft", "Roadmap for Q3", "Offsite agenda",
    "Hiring plan", "Welcome aboard", "Your order has shipped", "Password reset",
    "Team photo 📸", "Réunion de lundi", "회의록", "Server maintenance window",
    "Customer call recap", "Expense report", "Holiday schedule", "Onboarding documents",
    "Release notes v2.3", "Board deck", "Survey results", "Kickoff",
)  # fmt: skip
_SUBJECT_SUFFIXES: Final = (
    "", "", "", " for Friday", " (draft)", " - please review", " next week", " v2", " 🎉",
)  # fmt: skip
_SENTENCES: Final = (
    "Please find the report attached.", "Can we move our call to Thursday?",
    "Thanks for the quick turnaround.", "Let me know if you have any questions.",
    "The budget review is scheduled for next week.", "I've updated the draft with your comments.",
    "Looking forward to the launch!", "Could you confirm the invoice details?",
    "The meeting room has changed to 4B.", "Here are the notes from today's sync.",
    "Our flight lands at 6:40 pm.", "Lunch is on me this time.",
    "The contract needs one more signature.", "Happy to help with the roadmap.",
    "I'll be out of office until Monday.", "Quick reminder: timesheets are due Friday.",
    "Can you share the latest numbers?", "The design review went well.",
    "We're still waiting on legal.", "See the agenda below.", "Merci pour votre aide.",
    "감사합니다.", "Great work, everyone 🎉", "The deadline is 2024-06-30.",
    "Call me at +1 555 0100 if anything comes up.", "Prices went up by 5% & shipping by $3.",
    "<b>Bold</b> claims need sources.", "Line one.\nLine two.",
)  # fmt: skip
_FILE_STEMS: Final = (
    "report", "invoice-2024-117", "meeting-notes", "budget", "IMG_0042", "contract-signed",
    "résumé", "slides final v2", "export", "Q3 numbers",
)  # fmt: skip
_GMAIL_LABELS: Final = (
    "INBOX", "UNREAD", "STARRED", "IMPORTANT", "SENT", "DRAFT", "SPAM", "TRASH",
    "CATEGORY_PERSONAL", "CATEGORY_SOCIAL", "CATEGORY_PROMOTIONS", "CATEGORY_UPDATES",
    "CATEGORY_FORUMS", "Label_1", "Label_2", "Label_3", "Label_12", "Label_27",
)  # fmt: skip
_QUERIES: Final = (
    "is:unread", "from:alice.smith@example.com", "subject:invoice", "has:attachment",
    "label:work newer_than:7d", "in:inbox is:starred", "after:2024/01/01 before:2024/02/01",
    "name contains 'report'", "mimeType = 'application/pdf'",
    "modifiedTime > '2024-01-01T00:00:00'",
)  # fmt: skip
_MIME_TYPES: Final = (
    "text/plain", "text/html", "application/pdf", "image/png", "image/jpeg", "application/json",
    "text/csv", "application/vnd.google-apps.document", "application/vnd.google-apps.folder",
    "application/vnd.google-apps.spreadsheet", "multipart/alternative",
)  # fmt: skip
_FILE_EXTENSIONS: Final = ("pdf", "txt", "png", "jpg", "csv", "docx", "xlsx")
_TIME_ZONES: Final = (
    "UTC", "Asia/Seoul", "Europe/London", "America/New_York", "America/Los_Angeles",
    "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney",
)  # fmt: skip
_UTC_OFFSETS: Final = ("Z", "+00:00", "+09:00", "-05:00", "+05:30", "-08:00")
_URL_HOSTS: Final = (
    "www.example.com", "docs.example.org", "api.example.net", "drive.example.com",
    "calendar.example.com", "mail.example.com",
)  # fmt: skip
_URL_PATHS: Final = ("files", "calendar/event", "mail/u/0", "d", "view", "meet", "docs")
_HOST_PREFIXES: Final = ("mail", "www", "api", "smtp", "calendar", "app", "eu")
_ALNUM: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

_EPOCH_MIN: Final = int(dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc).timestamp())
_EPOCH_MAX: Final = int(dt.datetime(2030, 12, 31, tzinfo=dt.timezone.utc).timestamp())


def _digits(number: int, width: int, alphabet: str = _ALNUM) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, len(alphabet))
        digits.append(alphabet[digit])
    return "".join(reversed(digits))


def _rfc3339(index: int) -> str:
    seconds, offset_index = divmod(index, len(_UTC_OFFSETS))
    moment = dt.datetime.fromtimestamp(_EPOCH_MIN + seconds, tz=dt.timezone.utc)
    offset = _UTC_OFFSETS[offset_index]
    if offset == "Z":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    sign = 1 if offset[0] == "+" else -1
    delta = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * sign
    return moment.astimezone(dt.timezone(delta)).strftime("%Y-%m-%dT%H:%M:%S") + offset


def _date(seconds: int) -> str:
    moment = dt.datetime.fromtimestamp(_EPOCH_MIN + seconds, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%d")


def _spread(size: int) -> SearchStrategy[int]:
    """Integers in ``range(size)`` spread over the whole range.

    Hypothesis favours small integers (good for finding bugs, bad for realistic ids: they
    would all look like ``1800000000000042``). Multiplying by a constant coprime to ``size`` is
    a bijection that keeps 0 at 0, so values still shrink to the first option.
    """
    factor = max(1, size * 0x9E3779B97F4A7C15 >> 64)  # about 0.618 * size
    while math.gcd(factor, size) != 1:
        factor += 1
    return st.integers(0, size - 1).map(lambda n: n * factor % size)


@dataclass(frozen=True)
class _Realistic:
    """A strategy for realistic strings, and the length range of what it draws."""

    strategy: SearchStrategy[str]
    min_length: int
    max_length: int

    def fits(self, min_length: int, max_length: int | None) -> bool:
        return min_length <= self.min_length and (
            max_length is None or self.max_length <= max_length
        )


@dataclass(frozen=True)
class _Numbered:
    """The strings ``template.format(n)`` for n in ``numbers``, all of one length."""

    numbers: range
    template: str

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, index: int) -> str:
        return self.template.format(self.numbers[index])


_Part = tuple[str, ...] | _Numbered


def _part_lengths(part: _Part) -> tuple[int, int]:
    if isinstance(part, _Numbered):
        ends = (len(part[0]), len(part[len(part) - 1]))
        return min(ends), max(ends)
    return min(map(len, part)), max(map(len, part))


def _concat(*parts: _Part) -> _Realistic:
    """Strings made of one option from each part, in order.

    One integer choice picks every option at once (mixed radix): a draw costs one choice, not
    one per part, and shrinking goes towards the first option of each part.
    """
    sizes = [len(part) for part in parts]

    def pick(index: int) -> str:
        chosen = []
        for part, size in zip(parts, sizes, strict=True):
            index, digit = divmod(index, size)
            chosen.append(part[digit])
        return "".join(chosen)

    lengths = [_part_lengths(part) for part in parts]
    return _Realistic(
        _spread(math.prod(sizes)).map(pick),
        sum(low for low, _ in lengths),
        sum(high for _, high in lengths),
    )


def _byte_strategy(min_length: int, max_length: int | None) -> SearchStrategy[str]:
    # base64 of n bytes is 4 * ceil(n / 3) characters long: pick n so that fits the bounds.
    low = max(0, 3 * math.ceil(min_length / 4) - 2)
    high = 3 * (max_length // 4) if max_length is not None else low + 48
    if low > high:
        return st.nothing()
    return st.binary(min_size=low, max_size=high).map(lambda b: base64.b64encode(b).decode())


_FIRST_CAPITALIZED: Final = tuple(n.capitalize() for n in _FIRST_NAMES)
# "smith", ".smith", "_smith", "+smith"... and nothing: never a dot next to the "@".
_EMAIL_LAST: Final = (
    *(sep + last for sep in (".", "", "_") for last in _LAST_NAMES),
    "",
    *("+" + word for word in ("news", "work", "test")),
)
_EMAIL_NUMBERS: Final = ("", "", "", "1", "7", "42", "88", "2024")
_GREETINGS: Final = (
    "",
    *(f"{hello} {name},\n\n" for hello in ("Hi", "Hello", "Dear") for name in _FIRST_CAPITALIZED),
    "Hey team,\n\n",
)
_CLOSINGS: Final = (
    "",
    "\n\nThanks!",
    *(f"\n\n{bye}\n{name}" for bye in ("Best,", "Cheers,", "--") for name in _FIRST_CAPITALIZED),
)
_HEX_ID: Final = _Numbered(range(0x18000000_00000000, 0x1A000000_00000000), "{:016x}")

_email = _concat(_FIRST_NAMES, _EMAIL_LAST, _EMAIL_NUMBERS, ("@",), _DOMAINS)
_display_name = _concat(_FIRST_CAPITALIZED, (" ",), _DISPLAY_LAST_NAMES)
_subject = _concat(_SUBJECT_PREFIXES, _TOPICS, _SUBJECT_SUFFIXES)
_hex_id = _concat(_HEX_ID)

_REALISTIC: Final[dict[str, _Realistic]] = {
    "email": _email,
    "date-time": _Realistic(
        _spread((_EPOCH_MAX - _EPOCH_MIN + 1) * len(_UTC_OFFSETS)).map(_rfc3339),
        20,
        25,
    ),
    "date": _Realistic(_spread(_EPOCH_MAX - _EPOCH_MIN).map(_date), 10, 10),
    "uri": _concat(("https://",), _URL_HOSTS, ("/",), _URL_PATHS, ("/",), _HEX_ID),
    "uuid": _Realistic(st.uuids().map(str), 36, 36),
    "hostname": _concat(_HOST_PREFIXES, (".",), _DOMAINS),
    "ipv4": _Realistic(
        st.integers(0, 2**32 - 1).map(lambda n: str(ipaddress.IPv4Address(n))), 7, 15
    ),
    # Realistic strings by property name.
    "id": _hex_id,
    "draft_id": _Realistic(_spread(2**64).map(lambda n: f"r{n - 2**63}"), 2, 21),
    "digits": _concat(_Numbered(range(1_000_000, 100_000_000), "{}")),
    "epoch_ms": _concat(_Numbered(range(_EPOCH_MIN * 1000, _EPOCH_MAX * 1000), "{}")),
    "token": _Realistic(_spread(62**24).map(lambda n: _digits(n, 24)), 24, 24),
    "label_id": _concat(_GMAIL_LABELS),
    "calendar_id": _Realistic(
        st.one_of(
            st.just("primary"),
            _email.strategy,
            _hex_id.strategy.map("{}@group.calendar.google.com".format),
        ),
        7,
        _email.max_length + 43,
    ),
    "channel": _Realistic(
        _spread(36**10).map(lambda n: "C" + _digits(n, 10, _ALNUM[:36].upper())), 11, 11
    ),
    "name": _display_name,
    "first_name": _concat(_FIRST_CAPITALIZED),
    "last_name": _concat(_DISPLAY_LAST_NAMES),
    "handle": _concat(_FIRST_NAMES, (".", "_", ""), _LAST_NAMES),
    "file_name": _concat(_FILE_STEMS, (".",), _FILE_EXTENSIONS),
    "mime_type": _concat(_MIME_TYPES),
    # Gmail's message `raw` and attachment `data`: base64url without padding.
    "base64url": _Realistic(
        st.binary(max_size=45).map(lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")),
        0,
        60,
    ),
    "time_zone": _concat(_TIME_ZONES),
    "query": _concat(_QUERIES),
    "subject": _subject,
    "body": _concat(_GREETINGS, _SENTENCES, ("", *(" " + s for s in _SENTENCES)), _CLOSINGS),
    "signature": _concat(("--\n", "Best,\n", ""), _FIRST_CAPITALIZED, (" ",), _DISPLAY_LAST_NAMES),
}


def _split_words(name: str) -> list[str]:
    """``created_at`` -> [created, at]; ``nextPageToken`` -> [next, page, token]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[\s_\-.]+", spaced) if w]


_EMAIL_NAMES: Final = frozenset(
    {
        "to", "cc", "bcc", "from", "replyto", "sender", "recipient", "recipients", "email",
        "emails", "emailaddress", "sendas", "sendasemail", "organizer", "attendee",
    }
)  # fmt: skip
_TEXT_NAMES: Final = {
    "subject": "subject", "title": "subject", "summary": "subject", "snippet": "subject",
    "topic": "subject", "caption": "subject", "body": "body", "text": "body",
    "content": "body", "message": "body", "description": "body", "comment": "body",
    "notes": "body", "note": "body", "signature": "signature",
}  # fmt: skip
_NAME_NAMES: Final = {
    "name": "name", "fullname": "name", "displayname": "name", "fromname": "name",
    "sendername": "name", "author": "name", "firstname": "first_name",
    "givenname": "first_name", "lastname": "last_name", "familyname": "last_name",
    "surname": "last_name", "username": "handle", "login": "handle", "handle": "handle",
    "filename": "file_name", "originalfilename": "file_name", "mimetype": "mime_type",
    "contenttype": "mime_type", "timezone": "time_zone", "q": "query", "query": "query",
    "search": "query", "channel": "channel", "hostname": "hostname", "host": "hostname",
    "domain": "hostname", "historyid": "digits", "internaldate": "epoch_ms",
    "calendarid": "calendar_id", "draftid": "draft_id", "draftids": "draft_id",
    "raw": "base64url", "data": "base64url",
}  # fmt: skip
_DATE_TIME_NAMES: Final = frozenset(
    {
        "date",
        "datetime",
        "timestamp",
        "timemin",
        "timemax",
        "updatedmin",
        "time",
        "created",
        "updated",
    }
)
_COUNT_NAMES: Final = frozenset(
    {
        "maxresults", "limit", "pagesize", "perpage", "count", "size", "sizeestimate",
        "resultsizeestimate", "offset", "page", "top", "maxattendees",
    }
)  # fmt: skip


def _name_hint(name: str | None) -> str | None:
    """What a property's name says its string values are, or None."""
    if not name:
        return None
    words = _split_words(name)
    if not words:
        return None
    key = "".join(words)
    last = words[-1]
    singular = [*words[:-1], last[:-1]] if last.endswith("s") and len(last) > 2 else words
    if words[0] == "label" and last in {"id", "ids"}:
        return "label_id"
    if key in _NAME_NAMES:
        return _NAME_NAMES[key]
    if key in _EMAIL_NAMES or last in {"email", "emails"} or key.endswith("emailaddress"):
        return "email"
    if key in _TEXT_NAMES:
        return _TEXT_NAMES[key]
    if last in {"token", "cursor"}:
        return "token"
    if key in _DATE_TIME_NAMES or last in {"at", "time"} or (last == "date" and len(words) > 1):
        return "date-time"
    if last in {"url", "uri", "link", "href", "urls", "links"} or key in {"website", "homepage"}:
        return "uri"
    if singular[-1] == "id" or key in {"id", "ids"}:
        return "id"
    if last == "name" and len(words) > 1:
        return "subject"
    return None


def _count_hint(name: str | None) -> bool:
    if not name:
        return False
    words = _split_words(name)
    return bool(words) and ("".join(words) in _COUNT_NAMES or words[-1] == "count")


# --------------------------------------------------------------------------------------------
# The compiler
# --------------------------------------------------------------------------------------------


def _any_json(max_leaves: int = 6) -> Strategy:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**31), 2**31),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
        _subject.strategy,
    )
    keys = st.sampled_from(_KEYS)
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3)
        ),
        max_leaves=max_leaves,
    )


def _declared_types(schema: Mapping[str, Any]) -> list[str] | None:
    if "type" not in schema:
        return None
    declared = schema["type"]
    return list(declared) if isinstance(declared, list) else [declared]


def _inferred_types(schema: Mapping[str, Any]) -> list[str]:
    """The JSON types a schema without ``type`` constrains (every type if it says nothing)."""
    found: list[str] = []
    if {"properties", "required", "additionalProperties"} & schema.keys():
        found.append("object")
    if {"items", "minItems", "maxItems"} & schema.keys():
        found.append("array")
    if {"minLength", "maxLength", "format"} & schema.keys():
        found.append("string")
    if {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"} & schema.keys():
        found.append("number")
    return found or list(_TYPE_NAMES)


def _frozen_copy(value: Json) -> Json:
    # Drawn values are fresh objects: a test that mutates one cannot change the next draw.
    return copy.deepcopy(value) if isinstance(value, (dict, list)) else value


def _sampled(values: Sequence[Json]) -> Strategy:
    if not values:
        return st.nothing()
    strategy = st.sampled_from(list(values))
    if any(isinstance(v, (dict, list)) for v in values):
        return strategy.map(_frozen_copy)
    return strategy


def _integer_bounds(schema: Mapping[str, Any]) -> tuple[int | None, int | None]:
    low: int | None = None
    high: int | None = None
    if "minimum" in schema:
        low = math.ceil(schema["minimum"])
    if "exclusiveMinimum" in schema:
        bound = math.floor(schema["exclusiveMinimum"]) + 1
        low = bound if low is None else max(low, bound)
    if "maximum" in schema:
        high = math.floor(schema["maximum"])
    if "exclusiveMaximum" in schema:
        bound = math.ceil(schema["exclusiveMaximum"]) - 1
        high = bound if high is None else min(high, bound)
    return low, high


def _integers(schema: Mapping[str, Any], name: str | None) -> Strategy:
    low, high = _integer_bounds(schema)
    if low is not None and high is not None and low > high:
        return st.nothing()
    if _count_hint(name):
        # Page sizes and counts are small non-negative numbers, if the bounds allow it.
        hint_low = max(low, 0) if low is not None else 0
        hint_high = min(high, 500) if high is not None else 500
        if hint_low <= hint_high:
            return st.integers(hint_low, hint_high)
    return st.integers(low, high)


def _float_bound(
    schema: Mapping[str, Any], inclusive: str, exclusive: str, pick: Callable[..., Any]
) -> tuple[float | None, bool]:
    candidates: list[tuple[float, bool]] = []
    if inclusive in schema:
        candidates.append((float(schema[inclusive]), False))
    if exclusive in schema:
        candidates.append((float(schema[exclusive]), True))
    if not candidates:
        return None, False
    value = pick(c[0] for c in candidates)
    return value, any(c[1] for c in candidates if c[0] == value)


def _numbers(schema: Mapping[str, Any], name: str | None) -> Strategy:
    integers = _integers(schema, name)
    if _count_hint(name) and not integers.is_empty:
        return integers
    low, exclude_low = _float_bound(schema, "minimum", "exclusiveMinimum", max)
    high, exclude_high = _float_bound(schema, "maximum", "exclusiveMaximum", min)
    if (
        low is not None
        and high is not None
        and (low > high or (low == high and (exclude_low or exclude_high)))
    ):
        return st.nothing()
    floats = st.floats(
        min_value=low,
        max_value=high,
        exclude_min=exclude_low,
        exclude_max=exclude_high,
        allow_nan=False,
        allow_infinity=False,
    )
    return st.one_of(integers, floats)


# Formats that hold any length, given a fixed frame: (prefix, suffix, shortest middle).
_STRETCHY_FORMATS: Final = {
    "email": ("", "@x.io", 1),
    "hostname": ("", ".io", 1),
    "uri": ("https://x.io/", "", 0),
}


def _stretched(fmt: str, min_length: int, max_length: int | None) -> SearchStrategy[str]:
    """Plain but valid values of a format, for length bounds realistic values do not meet."""
    prefix, suffix, shortest = _STRETCHY_FORMATS[fmt]
    frame = len(prefix) + len(suffix)
    low = max(shortest, min_length - frame)
    high = max_length - frame if max_length is not None else low + _DEFAULT_EXTRA_CHARS
    if fmt == "hostname":
        high = min(high, 63)  # one DNS label
    if low > high:
        return st.nothing()
    middle = st.text(_ALNUM[:36].lower() if fmt != "uri" else _ALNUM, min_size=low, max_size=high)
    return middle.map(lambda text: prefix + text + suffix)


def _strings(schema: Mapping[str, Any], name: str | None) -> Strategy:
    min_length: int = schema.get("minLength", 0)
    max_length: int | None = schema.get("maxLength")
    if max_length is not None and min_length > max_length:
        return st.nothing()
    fmt = schema.get("format")
    if fmt == "byte":
        return _byte_strategy(min_length, max_length)
    if fmt is not None:
        realistic = _REALISTIC[fmt]
        if realistic.fits(min_length, max_length):
            return realistic.strategy
        if fmt in _STRETCHY_FORMATS:
            return _stretched(fmt, min_length, max_length)
        # Fixed-shape formats (date, uuid...) either fit the bounds or mostly do not.
        return realistic.strategy.filter(
            lambda s: min_length <= len(s) and (max_length is None or len(s) <= max_length)
        )
    hint = _name_hint(name)
    if hint is not None and _REALISTIC[hint].fits(min_length, max_length):
        return _REALISTIC[hint].strategy
    if max_length is None:
        max_length = min_length + _DEFAULT_EXTRA_CHARS
    return st.text(min_size=min_length, max_size=max_length)


def _arrays(schema: Mapping[str, Any], name: str | None) -> Strategy:
    min_items: int = schema.get("minItems", 0)
    max_items: int | None = schema.get("maxItems")
    if max_items is None:
        max_items = min_items + _DEFAULT_EXTRA_ITEMS
    if min_items > max_items:
        return st.nothing()
    # Items inherit the array's name: `to` holds addresses, `labelIds` label ids.
    items = _compile(schema.get("items", True), name)
    return st.lists(items, min_size=min_items, max_size=max_items)


def _merge_dicts(parts: tuple[dict[str, Json], dict[str, Json]]) -> dict[str, Json]:
    fixed, extra = parts
    return {**extra, **fixed}


def _objects(schema: Mapping[str, Any], name: str | None) -> Strategy:
    properties: Mapping[str, Any] = schema.get("properties", {})
    required: list[str] = schema.get("required", [])
    additional: Json = schema.get("additionalProperties", True)
    required_values: dict[str, Strategy] = {}
    optional_values: dict[str, Strategy] = {}
    for key, sub in properties.items():
        target = required_values if key in required else optional_values
        target[key] = _compile(sub, key)
    for key in required:
        if key not in properties:
            if additional is False:
                return st.nothing()
            required_values[key] = _compile(additional, key)
    fixed = st.fixed_dictionaries(required_values, optional=optional_values)
    if properties or additional is False:
        # Extra keys are allowed by many schemas but never generated: a client sends the
        # fields it knows. Objects that declare no properties at all are maps, below.
        return fixed
    taken = set(required_values)
    keys = (
        st.sampled_from(_KEYS).filter(lambda k: k not in taken) if taken else st.sampled_from(_KEYS)
    )
    extra = st.dictionaries(keys, _compile(additional, None), max_size=_DEFAULT_EXTRA_ITEMS)
    if not required_values:
        return extra
    return st.tuples(fixed, extra).map(_merge_dicts)


_BY_TYPE: Final[dict[str, Callable[[Mapping[str, Any], str | None], Strategy]]] = {
    "null": lambda schema, name: st.none(),
    "boolean": lambda schema, name: st.booleans(),
    "integer": _integers,
    "number": _numbers,
    "string": _strings,
    "array": _arrays,
    "object": _objects,
}


def _merge(parent: Mapping[str, Any], branch: Json) -> Json:
    """Roughly the intersection of two schemas, so that most draws satisfy both.

    Returns False when they obviously exclude each other. Not exact (``additionalProperties``
    of one side does not see the other side's properties, ...): the caller filters draws
    against the original schema.
    """
    if branch is True:
        return dict(parent)
    if branch is False:
        return False
    merged: dict[str, Any] = dict(branch)
    for key, value in parent.items():
        if key not in merged:
            merged[key] = value
            continue
        mine = merged[key]
        if key == "type":
            ours = mine if isinstance(mine, list) else [mine]
            theirs = value if isinstance(value, list) else [value]
            both = {t for t in ours if t in theirs}
            if ("integer" in ours and "number" in theirs) or (
                "number" in ours and "integer" in theirs
            ):
                both.add("integer")
            if not both:
                return False
            merged[key] = sorted(both, key=_TYPE_NAMES.index)
        elif key == "required":
            merged[key] = list(dict.fromkeys([*mine, *value]))
        elif key == "enum":
            merged[key] = [v for v in mine if v in value]
            if not merged[key]:
                return False
        elif key in ("minimum", "exclusiveMinimum", "minLength", "minItems"):
            merged[key] = max(mine, value)
        elif key in ("maximum", "exclusiveMaximum", "maxLength", "maxItems"):
            merged[key] = min(mine, value)
        elif key == "properties":
            merged[key] = {
                prop: _merge(value[prop], sub) if prop in value else sub
                for prop, sub in mine.items()
            } | {prop: sub for prop, sub in value.items() if prop not in mine}
        elif key == "items":
            merged[key] = _merge(value, mine)
    return merged


def _accepted(schema: Json) -> tuple[str, list[Json]] | None:
    """What a oneOf branch can match: ("types", [...]) or ("values", [...]), None if unknown."""
    if not isinstance(schema, Mapping):
        return None
    if "const" in schema:
        return "values", [schema["const"]]
    if "enum" in schema:
        return "values", list(schema["enum"])
    types = _declared_types(schema)
    if types is None:
        return None
    return "types", ["number" if t == "integer" else t for t in types]


def _disjoint(branches: Sequence[Json]) -> bool:
    """True when no value can match two branches (so oneOf needs no filtering)."""
    accepted = [_accepted(b) for b in branches]
    if any(a is None for a in accepted):
        return False
    known = [a for a in accepted if a is not None]
    for index, (kind, items) in enumerate(known):
        for other_kind, other_items in known[index + 1 :]:
            if kind == "types" and other_kind == "types":
                if set(items) & set(other_items):
                    return False
            elif kind == "values" and other_kind == "values":
                if any(v == w and json_type(v) == json_type(w) for v in items for w in other_items):
                    return False
            else:
                values = items if kind == "values" else other_items
                types = other_items if kind == "values" else items
                for v in values:
                    t = json_type(v)
                    if t in types or (t == "integer" and "number" in types):
                        return False
    return True


def _combinator(schema: Mapping[str, Any], name: str | None) -> Strategy:
    parent = {k: v for k, v in schema.items() if k in _ASSERTIONS and k not in ("anyOf", "oneOf")}
    branches: list[Json] = list(schema.get("anyOf", schema.get("oneOf", [])))
    strategies: list[Strategy] = []
    for branch in branches:
        merged = _merge(parent, branch) if parent else branch
        if merged is not False:
            strategies.append(_compile(merged, name))
    if not strategies:
        return st.nothing()
    strategy = st.one_of(strategies)
    both = "anyOf" in schema and "oneOf" in schema
    if parent or both or ("oneOf" in schema and not _disjoint(branches)):
        # Draw-then-filter: merged branches are approximate, and overlapping oneOf branches
        # may both match a draw. Contracts rarely need this; plain unions never do.
        strategy = strategy.filter(_validator(dict(schema)).is_valid)
    return strategy


@st.composite
def _seeded(draw: st.DrawFn, examples: Strategy, base: Strategy) -> Json:
    # One draw in four is a documented example; shrinking prefers the examples.
    if draw(st.integers(0, 3)) == 0:
        return draw(examples)
    return draw(base)


def _compile(schema: Json, name: str | None) -> Strategy:
    if schema is True:
        return _any_json()
    if schema is False:
        return st.nothing()
    if "anyOf" in schema or "oneOf" in schema:
        strategy = _combinator(schema, name)
    elif "const" in schema or "enum" in schema:
        candidates = [schema["const"]] if "const" in schema else list(schema["enum"])
        validator = _validator(dict(schema))
        strategy = _sampled([v for v in candidates if validator.is_valid(v)])
    else:
        types = _declared_types(schema) or _inferred_types(schema)
        if "integer" in types and "number" in types:
            types.remove("integer")
        strategies = [_BY_TYPE[t](schema, name) for t in types]
        strategy = strategies[0] if len(strategies) == 1 else st.one_of(strategies)
    examples = schema.get("examples")
    if examples:
        validator = _validator(dict(schema))
        valid = [e for e in examples if validator.is_valid(e)]
        if valid:
            strategy = _seeded(_sampled(valid), strategy)
    return strategy


_COMPILED: dict[str, Strategy] = {}


def _compiled(schema: Json) -> Strategy:
    """Check and compile a schema once; later calls with an equal schema reuse the result."""
    key = _canonical(schema)
    found = _COMPILED.get(key)
    if found is None:
        _check_schema(schema)
        found = _COMPILED[key] = _compile(schema, None)
    return found


# --------------------------------------------------------------------------------------------
# Deferring argument errors to draw time, with a repr like the call that made the strategy
# --------------------------------------------------------------------------------------------


def _lazily(
    function_name: str, build: Callable[[], SearchStrategy[T]], *args: object, **kwargs: object
) -> SearchStrategy[T]:
    """A strategy that calls ``build`` at its first draw (so InvalidArgument surfaces there)
    and draws from the result; its repr is ``function_name(*args, **kwargs)``."""
    built: list[SearchStrategy[T]] = []

    def definition(draw: st.DrawFn, /, *_args: object, **_kwargs: object) -> T:
        if not built:
            built.append(build())
        return draw(built[0])

    definition.__name__ = definition.__qualname__ = function_name
    strategy: SearchStrategy[T] = st.composite(definition)(*args, **kwargs)
    return strategy


def _non_default(**kwargs: object) -> dict[str, object]:
    defaults: dict[str, object] = {"owner": DEFAULT_OWNER, "registry": None, "kinds": None}
    return {k: v for k, v in kwargs.items() if k not in defaults or v != defaults[k]}


def _registry(registry: _RegistryLike | None) -> _RegistryLike:
    if registry is not None:
        return registry
    from interactor_mock.contracts import default_registry

    return default_registry()


def _check_name(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(f"{what} must be a string, got {value!r}")
    return value


def _contract(connector: str, owner: str, registry: _RegistryLike | None) -> _ContractLike:
    _check_name(connector, "connector")
    _check_name(owner, "owner")
    found = _registry(registry)
    try:
        return found.connector(connector, owner)
    except LookupError:
        names = sorted(c.name for c in found.connectors if c.owner == owner)
        if names:
            known = f"known connectors of {owner!r}: {', '.join(names)}"
        else:
            known = "known connectors: " + ", ".join(
                sorted(f"{c.owner}/{c.name}" for c in found.connectors)
            )
        raise InvalidArgument(f"unknown connector {owner}/{connector}; {known}") from None


def _action(connector: str, action: str, owner: str, registry: _RegistryLike | None) -> _ActionLike:
    contract = _contract(connector, owner, registry)
    _check_name(action, "action")
    try:
        return contract.actions[action]
    except KeyError:
        raise InvalidArgument(
            f"unknown action {action!r} of connector {owner}/{connector}; "
            f"known actions: {', '.join(sorted(contract.actions))}"
        ) from None


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def from_schema(schema: Mapping[str, Any] | bool) -> SearchStrategy[Any]:
    """A strategy for JSON values valid under ``schema``, a schema in the contracts' subset.

    The subset (see ``contracts/README.md``): ``type`` (a name or a list; ``"null"`` for
    nullable), ``properties``, ``required``, ``additionalProperties``, ``items``, ``enum``,
    ``const``, ``format`` (date, date-time, email, uri, uuid, byte, hostname, ipv4),
    ``minLength``/``maxLength``, ``minimum``/``maximum``/``exclusiveMinimum``/
    ``exclusiveMaximum``, ``minItems``/``maxItems``, ``anyOf``/``oneOf``, and the annotations
    ``title``, ``description``, ``default``, ``examples`` (valid examples are drawn now and
    then) and ``$schema``. Objects hold their required properties and some optional ones;
    extra keys are not generated even where allowed, except for objects that declare no
    properties at all (maps). Compiled schemas are cached, so repeated calls are cheap.

    Raises:
        hypothesis.errors.InvalidArgument: at draw time, for a keyword outside the subset (the
            message names it and its JSON pointer) or a malformed value.
    """
    frozen = copy.deepcopy(schema)
    return _lazily("from_schema", lambda: _compiled(frozen), frozen)


def action_inputs(
    connector: str,
    action: str,
    *,
    owner: str = DEFAULT_OWNER,
    registry: _RegistryLike | None = None,
) -> SearchStrategy[dict[str, Any]]:
    """Valid input payloads (JSON objects) for ``owner/connector``'s ``action``.

    Args:
        connector: the connector's name, e.g. ``"gmail"``.
        action: the action's name, e.g. ``"email.draft.create"``.
        owner: the account that owns the connector.
        registry: a :class:`~interactor_mock.contracts.ContractRegistry`; the shipped
            contracts by default.

    Raises:
        hypothesis.errors.InvalidArgument: at draw time, for an unknown connector or action
            (the message lists the known names).
    """

    def build() -> Strategy:
        return _compiled(_action(connector, action, owner, registry).input_schema)

    return _lazily(
        "action_inputs", build, connector, action, **_non_default(owner=owner, registry=registry)
    )


def action_outputs(
    connector: str,
    action: str,
    *,
    owner: str = DEFAULT_OWNER,
    registry: _RegistryLike | None = None,
) -> SearchStrategy[Any]:
    """Valid outputs of ``owner/connector``'s ``action`` (the value under ``"output"``).

    Useful to test how a client handles every answer the real service may give.

    Raises:
        hypothesis.errors.InvalidArgument: at draw time, for an unknown connector or action.
    """

    def build() -> Strategy:
        return _compiled(_action(connector, action, owner, registry).output_schema)

    return _lazily(
        "action_outputs", build, connector, action, **_non_default(owner=owner, registry=registry)
    )


def from_contract(
    connector: str,
    *,
    owner: str = DEFAULT_OWNER,
    registry: _RegistryLike | None = None,
) -> SearchStrategy[tuple[str, dict[str, Any]]]:
    """``(action_name, payload)`` pairs: a valid input for any action of the connector.

    Raises:
        hypothesis.errors.InvalidArgument: at draw time, for an unknown connector.
    """

    def build() -> Strategy:
        contract = _contract(connector, owner, registry)
        return st.one_of(
            [
                st.tuples(st.just(name), _compiled(contract.actions[name].input_schema))
                for name in sorted(contract.actions)
            ]
        )

    return _lazily(
        "from_contract", build, connector, **_non_default(owner=owner, registry=registry)
    )


def accounts() -> SearchStrategy[str]:
    """Realistic names of end users, as a client app passes them in ``?account=``.

    First names (``alice``), handles (``bob.smith``), e-mail addresses, numbered user ids
    (``user-1042``) and UUIDs.
    """

    def build() -> SearchStrategy[str]:
        return st.one_of(
            _REALISTIC["first_name"].strategy.map(str.lower),
            _REALISTIC["handle"].strategy,
            _email.strategy,
            st.integers(1, 99_999).map("user-{}".format),
            st.uuids().map(str),
        )

    return _lazily("accounts", build)


# --------------------------------------------------------------------------------------------
# Invalid inputs
# --------------------------------------------------------------------------------------------

InvalidKind = Literal["missing_required", "wrong_type", "bad_enum", "extra_field", "not_an_object"]
INVALID_KINDS: Final[tuple[InvalidKind, ...]] = get_args(InvalidKind)

# The jsonschema keyword each kind of violation is about, and the keywords whose errors it
# may cause as well (a value of the wrong type is never in the field's enum either).
_KIND_KEYWORDS: Final[dict[str, frozenset[str]]] = {
    "missing_required": frozenset({"required"}),
    "wrong_type": frozenset({"type", "enum", "const"}),
    "bad_enum": frozenset({"enum", "const"}),
    "extra_field": frozenset({"additionalProperties"}),
    "not_an_object": frozenset({"type"}),
}
_KIND_MAIN_KEYWORD: Final[dict[str, frozenset[str]]] = {
    **_KIND_KEYWORDS,
    "wrong_type": frozenset({"type"}),
}


@dataclass(frozen=True)
class InvalidInput:
    """A payload that violates an action's input schema in exactly one named way.

    Attributes:
        payload: the JSON value to send as the request body.
        kind: ``"missing_required"``, ``"wrong_type"``, ``"bad_enum"``, ``"extra_field"`` or
            ``"not_an_object"``.
        field: the top-level input field that is violated (``None`` for ``not_an_object``).
        description: what is wrong, for people.
    """

    payload: Json
    kind: InvalidKind
    field: str | None
    description: str


def _error_field(error: ValidationError) -> str | None:
    """The top-level field a validation error of an input payload is about."""
    if error.path:
        return str(error.path[0])
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [n for n in error.validator_value if n not in error.instance]
        return missing[0] if missing else None
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        extra = sorted(n for n in error.instance if n not in known)
        return extra[0] if extra else None
    return None


def _violates_only(validator: Draft202012Validator, invalid: InvalidInput) -> bool:
    """The reference validator rejects the payload, only for the named field and kind."""
    errors = list(validator.iter_errors(invalid.payload))
    allowed = _KIND_KEYWORDS[invalid.kind]
    main = _KIND_MAIN_KEYWORD[invalid.kind]
    return any(e.validator in main for e in errors) and all(
        e.validator in allowed and _error_field(e) == invalid.field for e in errors
    )


def _drop(key: str) -> Callable[[dict[str, Json]], dict[str, Json]]:
    def drop(payload: dict[str, Json]) -> dict[str, Json]:
        return {k: v for k, v in payload.items() if k != key}

    return drop


def _with(key: str) -> Callable[[tuple[dict[str, Json], Json]], dict[str, Json]]:
    def put(parts: tuple[dict[str, Json], Json]) -> dict[str, Json]:
        payload, value = parts
        return {**payload, key: value}

    return put


def _wrong_values(allowed: Sequence[str], name: str) -> Strategy:
    """Values of a JSON type the field does not allow, leaning on common client mistakes
    (a string where a list is expected, a number as text, ...)."""
    options: dict[str, Strategy] = {
        "string": st.one_of(
            _REALISTIC[_name_hint(name) or "subject"].strategy,
            st.integers(0, 500).map(str),
            st.sampled_from(("true", "false", "null", "")),
        ),
        "integer": st.integers(-1000, 1000),
        "number": st.integers(-1000, 1000).map(lambda n: n + 0.5),
        "boolean": st.booleans(),
        "null": st.none(),
        "array": st.lists(
            _REALISTIC[_name_hint(name) or "subject"].strategy, min_size=1, max_size=2
        ),
        "object": st.fixed_dictionaries({"value": _subject.strategy}),
    }
    accepted = set(allowed)
    if "number" in accepted:
        accepted.add("integer")
    wrong = [strategy for kind, strategy in options.items() if kind not in accepted]
    return st.one_of(wrong) if wrong else st.nothing()


def _off_by_one(value: Json) -> list[Json]:
    if isinstance(value, str):
        upper = value.upper() if value.upper() != value else value.lower()
        return [upper, value + "s", value[:-1], f"not-{value}", value + " "]
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, (int, float)):
        return [value + 1, value - 1, value * 10 + 7]
    return []


def _enum_schema(schema: Json) -> Mapping[str, Any] | None:
    """The enum/const-bearing schema of a field, or of its items."""
    if not isinstance(schema, Mapping):
        return None
    if "enum" in schema or "const" in schema:
        return schema
    items = schema.get("items")
    if isinstance(items, Mapping) and ("enum" in items or "const" in items):
        return items
    return None


def _bad_enum_values(schema: Json) -> Strategy:
    target = _enum_schema(schema)
    assert target is not None
    allowed = [target["const"]] if "const" in target else list(target["enum"])
    near = [v for a in allowed for v in _off_by_one(a) if v not in allowed]
    values = _sampled(list(dict.fromkeys(json.dumps(v) for v in near)))
    strategy: Strategy = values.map(json.loads)
    if target is not schema:
        strategy = st.lists(strategy, min_size=1, max_size=1)
    return strategy


_EXTRA_NAMES: Final = ("extra", "unexpected", "debug", "userId", "accountId", "options")


def _misspellings(name: str) -> list[str]:
    words = _split_words(name)
    camel = words[0] + "".join(w.capitalize() for w in words[1:]) if words else name
    snake = "_".join(words)
    swapped = name[1] + name[0] + name[2:] if len(name) > 1 else name + name
    return [camel, snake, name.capitalize(), name.upper(), name + "s", name[:-1], swapped]


def _invalid_strategies(
    schema: Mapping[str, Any], kinds: Sequence[str]
) -> dict[str, SearchStrategy[InvalidInput]]:
    valid = _compiled(schema)
    validator = _validator(schema)
    properties: Mapping[str, Any] = schema.get("properties", {})
    required: list[str] = [r for r in schema.get("required", []) if r in properties]
    found: dict[str, SearchStrategy[InvalidInput]] = {}

    def each(
        kind: InvalidKind, field: str | None, description: str, payloads: Strategy
    ) -> SearchStrategy[InvalidInput]:
        return payloads.map(lambda p: InvalidInput(p, kind, field, description))

    if "missing_required" in kinds and required:
        found["missing_required"] = st.one_of(
            [
                each(
                    "missing_required",
                    key,
                    f"required field {key!r} is missing",
                    valid.map(_drop(key)),
                )
                for key in required
            ]
        )
    if "wrong_type" in kinds:
        options = []
        for key, sub in properties.items():
            types = _declared_types(sub) if isinstance(sub, Mapping) else None
            if types:
                options.append(
                    each(
                        "wrong_type",
                        key,
                        f"field {key!r} must be {' or '.join(types)}",
                        st.tuples(valid, _wrong_values(types, key)).map(_with(key)),
                    )
                )
        if options:
            found["wrong_type"] = st.one_of(options)
    if "bad_enum" in kinds:
        options = [
            each(
                "bad_enum",
                key,
                f"field {key!r} is not one of the allowed values",
                st.tuples(valid, _bad_enum_values(sub)).map(_with(key)),
            )
            for key, sub in properties.items()
            if _enum_schema(sub) is not None
        ]
        if options:
            found["bad_enum"] = st.one_of(options)
    if "extra_field" in kinds and schema.get("additionalProperties") is False:
        options = []
        for key, sub in properties.items():
            for extra in dict.fromkeys(_misspellings(key)):
                if extra not in properties and extra:
                    options.append(
                        each(
                            "extra_field",
                            extra,
                            f"unknown field {extra!r} (did you mean {key!r}?)",
                            st.tuples(valid, _compile(sub, key)).map(_with(extra)),
                        )
                    )
        for extra in _EXTRA_NAMES:
            if extra not in properties:
                options.append(
                    each(
                        "extra_field",
                        extra,
                        f"unknown field {extra!r}",
                        st.tuples(valid, _subject.strategy).map(_with(extra)),
                    )
                )
        found["extra_field"] = st.one_of(options)
    if "not_an_object" in kinds and _declared_types(schema) == ["object"]:
        body = "the body must be a JSON object"
        found["not_an_object"] = st.one_of(
            each("not_an_object", None, body + ", not null", st.none()),
            each("not_an_object", None, body + ", not an array", valid.map(lambda p: [p])),
            each(
                "not_an_object",
                None,
                body + ", not a JSON-encoded string",
                valid.map(json.dumps),
            ),
            each("not_an_object", None, body + ", not a number", st.integers(-10, 10)),
            each("not_an_object", None, body + ", not a boolean", st.booleans()),
        )
    return {
        kind: strategy.filter(lambda i: _violates_only(validator, i))
        for kind, strategy in found.items()
    }


_INVALID: dict[tuple[str, tuple[str, ...]], SearchStrategy[InvalidInput]] = {}


def invalid_action_inputs(
    connector: str,
    action: str,
    *,
    owner: str = DEFAULT_OWNER,
    registry: _RegistryLike | None = None,
    kinds: Iterable[InvalidKind] | None = None,
) -> SearchStrategy[InvalidInput]:
    """:class:`InvalidInput` values: payloads the action must reject, one named fault each.

    Each payload is a valid payload with exactly one thing broken, checked against the
    reference validator (``jsonschema``) inside the strategy:

    - ``missing_required``: a required field is left out;
    - ``wrong_type``: a field holds a value of a JSON type it does not allow;
    - ``bad_enum``: a field (or an item of it) holds a near miss of its allowed values;
    - ``extra_field``: an undeclared field, often a misspelling (``messageId`` for
      ``message_id``), where the schema forbids extra fields;
    - ``not_an_object``: the body is not a JSON object (null, an array, a JSON string...).

    Kinds the schema cannot express (no enum, no required field) are skipped.

    Args:
        connector, action, owner, registry: as for :func:`action_inputs`.
        kinds: the kinds to draw; every kind the schema can express by default.

    Raises:
        hypothesis.errors.InvalidArgument: at draw time, for an unknown connector, action or
            kind, or when none of the requested kinds can be expressed for this action.
    """
    chosen = None if kinds is None else list(kinds)

    def build() -> SearchStrategy[InvalidInput]:
        if chosen is not None:
            unknown = [k for k in chosen if k not in INVALID_KINDS]
            if unknown or not chosen:
                raise InvalidArgument(
                    f"bad kinds {chosen!r}; choose from {', '.join(INVALID_KINDS)}"
                )
        wanted = tuple(INVALID_KINDS if chosen is None else chosen)
        schema = _action(connector, action, owner, registry).input_schema
        key = (_canonical(schema), wanted)
        found = _INVALID.get(key)
        if found is None:
            strategies = _invalid_strategies(schema, wanted)
            if not strategies:
                raise InvalidArgument(
                    f"{owner}/{connector} {action} cannot express any of the kinds {list(wanted)!r}"
                )
            found = _INVALID[key] = st.one_of(
                [strategies[kind] for kind in INVALID_KINDS if kind in strategies]
            )
        return found

    return _lazily(
        "invalid_action_inputs",
        build,
        connector,
        action,
        **_non_default(owner=owner, registry=registry, kinds=chosen),
    )
