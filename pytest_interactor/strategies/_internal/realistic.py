"""Realistic values from word lists and integers (never Faker: slow, and it does not shrink).

A value's ``format`` or its property's name (:func:`_name_hint`) picks one of
:data:`_REALISTIC`; each is one integer choice, so draws are cheap and shrink well."""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import math
import re
from dataclasses import dataclass
from typing import Final

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

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
