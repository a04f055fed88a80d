"""Deterministic, realistic data from a JSON Schema.

Strings are chosen by ``format`` first, then by the field's name (``email``, ``subject``,
``threadId``, ``createdAt``, ...), from pools of realistic values that Faker fills once per
process; the per-call work is a seeded :class:`random.Random`, so the same seed always gives
the same value and a call costs microseconds, not Faker's milliseconds. Values from the
request are echoed into output fields of the same name (``message_id`` in, ``id`` out;
``subject`` in, ``subject`` out) when they fit the field's schema.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import random
import re
import string
import threading
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

from interactor_mock.contracts import SchemaChecker

__all__ = [
    "GMAIL_LABEL_COLOURS",
    "GMAIL_SYSTEM_LABELS",
    "LABEL_WORDS",
    "PAST_END",
    "Generator",
    "Pools",
    "gmail_label",
    "seed_for",
]

EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)
#: Past-tense times (created, modified, sent, ...) fall in the year before this instant, so
#: they are never after the mock's clock (which is now, or a test's fixed time after it).
PAST_END = EPOCH
_WORD_SPLIT = re.compile(r"[_\-\s.]+|(?<=[a-z0-9])(?=[A-Z])")
_HEX = "0123456789abcdef"
_ALNUM = string.ascii_letters + string.digits
GMAIL_LABELS = ("INBOX", "UNREAD", "IMPORTANT", "CATEGORY_PERSONAL", "SENT", "STARRED")
DOMAINS = ("example.com", "example.org", "example.net")
TIMEZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Seoul", "Europe/London")
MIME_TYPES = ("text/plain", "text/html", "application/pdf", "image/png", "multipart/alternative")
#: Gmail's system labels: (id, labelListVisibility, messageListVisibility); the id is the name.
GMAIL_SYSTEM_LABELS = (
    ("INBOX", "labelShow", "hide"),
    ("SENT", "labelShow", "hide"),
    ("DRAFT", "labelShow", "hide"),
    ("SPAM", "labelHide", "hide"),
    ("TRASH", "labelHide", "hide"),
    ("UNREAD", "labelShow", "hide"),
    ("STARRED", "labelShow", "hide"),
    ("IMPORTANT", "labelShow", "hide"),
    ("CHAT", "labelHide", "hide"),
    ("CATEGORY_PERSONAL", "labelHide", "hide"),
    ("CATEGORY_SOCIAL", "labelHide", "hide"),
    ("CATEGORY_PROMOTIONS", "labelHide", "hide"),
    ("CATEGORY_UPDATES", "labelHide", "hide"),
    ("CATEGORY_FORUMS", "labelHide", "hide"),
)
#: Names of user labels, as people name them.
LABEL_WORDS = (
    "Work",
    "Receipts",
    "Travel",
    "Family",
    "Projects",
    "Finance",
    "Newsletters",
    "Clients",
    "Invoices",
    "Follow up",
    "Team",
    "Personal",
    "Taxes",
    "Events",
    "Hiring",
    "Shopping",
    "Work/Reports",
    "Work/Projects",
    "Reading list",
    "School",
)
#: (background, text) pairs from Gmail's documented label palette (Label.color in the
#: discovery document: both colours must be from its list).
GMAIL_LABEL_COLOURS = (
    ("#fb4c2f", "#ffffff"),
    ("#ffad47", "#000000"),
    ("#fad165", "#000000"),
    ("#16a766", "#ffffff"),
    ("#43d692", "#000000"),
    ("#4a86e8", "#ffffff"),
    ("#a479e2", "#ffffff"),
    ("#f691b3", "#000000"),
    ("#f6c5be", "#000000"),
    ("#c9daf8", "#000000"),
    ("#e4d7f5", "#000000"),
    ("#b9e4d0", "#000000"),
    ("#cc3a21", "#ffffff"),
    ("#3c78d8", "#ffffff"),
    ("#8e63ce", "#ffffff"),
    ("#0b804b", "#ffffff"),
    ("#666666", "#ffffff"),
    ("#cccccc", "#000000"),
    ("#285bac", "#ffffff"),
    ("#e07798", "#ffffff"),
)
_FUTURE_WORDS = frozenset(
    {"expires", "expiration", "expiry", "due", "start", "end", "until", "scheduled", "remind"}
)
_PERSON_FIELDS = frozenset({"email", "emailAddress", "photoLink", "permissionId", "me"})


def gmail_label(
    rng: random.Random, *, name: str | None = None, index: int | None = None
) -> dict[str, Any]:
    """A Gmail user label: id ``Label_<n>``, a plausible name (``name`` if given), a colour
    pair from Gmail's palette."""
    number = index if index is not None else rng.randrange(1, 10_000)
    background, text = GMAIL_LABEL_COLOURS[int(rng.random() * len(GMAIL_LABEL_COLOURS))]
    return {
        "id": f"Label_{number}",
        "name": name or LABEL_WORDS[int(rng.random() * len(LABEL_WORDS))],
        "type": "user",
        "labelListVisibility": "labelShow",
        "messageListVisibility": "show",
        "color": {"backgroundColor": background, "textColor": text},
    }


def _is_past(name: str) -> bool:
    """Whether a time field is most likely in the past (created, modified, sent, ...): every
    time field but those of expiries, due dates, event bounds and schedules."""
    return not (set(words_of(name)) & _FUTURE_WORDS)


def seed_for(*parts: object) -> int:
    """A stable 64-bit seed from any parts (unlike ``hash()``, the same in every process)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


# Field names come from the contracts and the requests: few, and asked for on every value.
@functools.lru_cache(maxsize=4096)
def words_of(name: str) -> tuple[str, ...]:
    """``threadId`` -> ("thread", "id"); ``message_id`` -> ("message", "id")."""
    return tuple(w.lower() for w in _WORD_SPLIT.split(name) if w)


@functools.lru_cache(maxsize=4096)
def normalised(name: str) -> str:
    return "".join(words_of(name))


class Pools:
    """Realistic values made once by Faker (seeded, so every process has the same pools)."""

    def __init__(self, size: int = 200) -> None:
        from faker import Faker

        fake = Faker("en_US")
        fake.seed_instance(1290)
        self.first_names = tuple(fake.unique.first_name() for _ in range(size))
        self.last_names = tuple(fake.unique.last_name() for _ in range(size))
        self.words = tuple(dict.fromkeys(fake.words(nb=size * 3)))
        self.sentences = tuple(fake.sentence(nb_words=8).rstrip(".") for _ in range(size))
        self.paragraphs = tuple(fake.paragraph(nb_sentences=3) for _ in range(size // 4))
        self.companies = tuple(fake.company() for _ in range(size // 2))
        self.cities = tuple(fake.city() for _ in range(size // 4))


@functools.lru_cache(maxsize=1)
def default_pools() -> Pools:
    return Pools()


Provider = Callable[["Draw"], Any]


class Draw:
    """The state of one generation: its random source and the request values to echo."""

    __slots__ = ("echo", "id_alias", "pools", "rng")

    def __init__(
        self,
        rng: random.Random,
        pools: Pools,
        echo: Mapping[str, Any],
        id_alias: Any = None,
    ) -> None:
        self.rng = rng
        self.pools = pools
        self.echo = echo
        self.id_alias = id_alias

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.rng.random() * len(seq))]

    def hex_id(self, length: int = 16) -> str:
        # Draws exactly what ``choice`` would, once per character, without its call overhead.
        draw = self.rng.random
        return "".join([_HEX[int(draw() * 16)] for _ in range(length)])

    def token(self, length: int = 24) -> str:
        draw, size = self.rng.random, len(_ALNUM)
        return "".join([_ALNUM[int(draw() * size)] for _ in range(length)])

    def first(self) -> str:
        return str(self.choice(self.pools.first_names))

    def last(self) -> str:
        return str(self.choice(self.pools.last_names))

    def name(self) -> str:
        return f"{self.first()} {self.last()}"

    def email(self) -> str:
        return f"{self.first().lower()}.{self.last().lower()}@{self.choice(DOMAINS)}"

    def moment(self) -> datetime:
        return EPOCH + timedelta(seconds=self.rng.randrange(0, 365 * 86400))

    def past(self) -> datetime:
        """A moment of the year before :data:`PAST_END`."""
        return PAST_END - timedelta(seconds=self.rng.randrange(1, 365 * 86400))

    def thing(self) -> str:
        """The name of a thing (a file, a folder, a channel): one to three capitalised words."""
        words = [self.word() for _ in range(1 + int(self.rng.random() * 3))]
        return " ".join(words).capitalize()

    def date_time(self) -> str:
        return self.moment().isoformat().replace("+00:00", "Z")

    def sentence(self) -> str:
        return str(self.choice(self.pools.sentences))

    def paragraph(self) -> str:
        return str(self.choice(self.pools.paragraphs))

    def word(self) -> str:
        return str(self.choice(self.pools.words))

    def url(self) -> str:
        return f"https://{self.choice(DOMAINS)}/{self.word()}/{self.hex_id(8)}"


FORMAT_PROVIDERS: dict[str, Provider] = {
    "email": Draw.email,
    "date-time": Draw.date_time,
    "date": lambda d: d.moment().date().isoformat(),
    "uri": Draw.url,
    "uuid": lambda d: "-".join(d.hex_id(n) for n in (8, 4, 4, 4, 12)),
    "byte": lambda d: base64.b64encode(d.sentence().encode()).decode(),
    "hostname": lambda d: f"{d.word()}.{d.choice(DOMAINS)}",
    "ipv4": lambda d: ".".join(str(d.rng.randrange(1, 255)) for _ in range(4)),
}

# Exact (normalised) field names first; then the last word of the name.
NAME_PROVIDERS: dict[str, Provider] = {
    "email": Draw.email,
    "emailaddress": Draw.email,
    "from": lambda d: f"{d.name()} <{d.email()}>",
    "to": Draw.email,
    "cc": Draw.email,
    "bcc": Draw.email,
    "sendas": Draw.email,
    "name": Draw.thing,
    "displayname": Draw.name,
    "fullname": Draw.name,
    "realname": Draw.name,
    "fromname": Draw.name,
    "firstname": Draw.first,
    "givenname": Draw.first,
    "lastname": Draw.last,
    "familyname": Draw.last,
    "login": lambda d: f"{d.first().lower()}{d.rng.randrange(1, 99)}",
    "username": lambda d: f"{d.first().lower()}.{d.last().lower()}",
    "subject": Draw.sentence,
    "summary": Draw.sentence,
    "title": Draw.sentence,
    "snippet": Draw.sentence,
    "text": Draw.sentence,
    "description": Draw.sentence,
    "body": Draw.paragraph,
    "content": Draw.paragraph,
    "signature": lambda d: f"-- \n{d.name()}",
    "date": lambda d: d.past().strftime("%a, %d %b %Y %H:%M:%S +0000"),
    "internaldate": lambda d: str(int(d.past().timestamp() * 1000)),
    "backgroundcolor": lambda d: d.choice(GMAIL_LABEL_COLOURS)[0],
    "textcolor": lambda d: d.choice(GMAIL_LABEL_COLOURS)[1],
    "foregroundcolor": lambda d: d.choice(GMAIL_LABEL_COLOURS)[1],
    "historyid": lambda d: str(d.rng.randrange(100000, 9999999)),
    "labelids": lambda d: d.choice(GMAIL_LABELS),
    "labelid": lambda d: d.choice(GMAIL_LABELS),
    "mimetype": lambda d: d.choice(MIME_TYPES),
    "timezone": lambda d: d.choice(TIMEZONES),
    "ts": lambda d: f"{int(d.past().timestamp())}.{d.rng.randrange(0, 999999):06d}",
    "channel": lambda d: (
        "C" + "".join(d.choice(string.ascii_uppercase + string.digits) for _ in range(10))
    ),
    "team": lambda d: (
        "T" + "".join(d.choice(string.ascii_uppercase + string.digits) for _ in range(10))
    ),
    "etag": lambda d: f'"{d.hex_id(12)}"',
    "company": lambda d: d.choice(d.pools.companies),
    "location": lambda d: d.choice(d.pools.cities),
    "city": lambda d: d.choice(d.pools.cities),
    "data": lambda d: base64.urlsafe_b64encode(d.paragraph().encode()).decode().rstrip("="),
    "pagetoken": Draw.token,
    "nextpagetoken": Draw.token,
    "filename": lambda d: f"{d.word()}-{d.word()}.pdf",
    "partid": lambda d: str(d.rng.randrange(0, 3)),
    "kind": Draw.word,
}
LAST_WORD_PROVIDERS: dict[str, Provider] = {
    "id": Draw.hex_id,
    "email": Draw.email,
    "address": Draw.email,
    "name": Draw.thing,
    "url": Draw.url,
    "uri": Draw.url,
    "link": Draw.url,
    "href": Draw.url,
    "at": Draw.date_time,
    "time": Draw.date_time,
    "token": Draw.token,
}
INTEGER_NAMES: dict[str, Callable[[Draw], int]] = {
    "statuscode": lambda d: 200,
    "size": lambda d: d.rng.randrange(200, 80000),
    "sizeestimate": lambda d: d.rng.randrange(800, 80000),
    "resultsizeestimate": lambda d: d.rng.randrange(0, 500),
    "messagestotal": lambda d: d.rng.randrange(100, 50000),
    "threadstotal": lambda d: d.rng.randrange(50, 20000),
}


def _string(schema: Mapping[str, Any], name: str, draw: Draw) -> str:
    fmt = schema.get("format", "")
    provider = FORMAT_PROVIDERS.get(fmt)
    words = words_of(name) if name else ()
    timed = fmt in ("date-time", "date") or (
        not fmt and words and words[-1] in ("at", "time") and normalised(name) not in NAME_PROVIDERS
    )
    if timed and _is_past(name):
        moment = draw.past()
        if fmt == "date":
            provider = lambda d: moment.date().isoformat()  # noqa: E731
        else:
            provider = lambda d: moment.isoformat().replace("+00:00", "Z")  # noqa: E731
    if provider is None:
        key = normalised(name)
        provider = NAME_PROVIDERS.get(key)
        if provider is None and name:
            provider = LAST_WORD_PROVIDERS.get(words[-1] if words else "")
    value = str(provider(draw)) if provider is not None else draw.word()
    low = schema.get("minLength", 0)
    high = schema.get("maxLength")
    while len(value) < low:
        value += draw.choice(_ALNUM)
    if high is not None:
        value = value[:high]
    return value


def _number(schema: Mapping[str, Any], name: str, draw: Draw, integer: bool) -> int | float:
    special = INTEGER_NAMES.get(normalised(name))
    low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
    high = schema.get("maximum", schema.get("exclusiveMaximum", max(low, 0) + 1000))
    if "exclusiveMinimum" in schema and "minimum" not in schema:
        low = low + 1 if integer else low + 1e-6
    if "exclusiveMaximum" in schema and "maximum" not in schema:
        high = high - 1 if integer else high - 1e-6
    if special is not None:
        value = special(draw)
        if low <= value <= high:
            return value
    if integer:
        return draw.rng.randint(int(low), int(high))
    return round(draw.rng.uniform(low, high), 2)


class Generator:
    """Generate values that validate against a schema, deterministically per seed."""

    def __init__(self, pools: Pools | None = None, *, optional_probability: float = 0.85) -> None:
        self._pools = pools
        self.optional_probability = optional_probability

    @property
    def pools(self) -> Pools:
        if self._pools is None:
            self._pools = default_pools()
        return self._pools

    def generate(
        self, schema: Mapping[str, Any], *, seed: int, echo: Mapping[str, Any] | None = None
    ) -> Any:
        """A value for ``schema``; ``echo`` maps request field names to values to reuse."""
        normal_echo = {normalised(k): v for k, v in (echo or {}).items()}
        draw = Draw(random.Random(seed), self.pools, normal_echo, _id_alias(echo or {}))
        return self.value(schema, "", draw, depth=0)

    def value(self, schema: Mapping[str, Any], name: str, draw: Draw, *, depth: int) -> Any:
        if "const" in schema:
            return schema["const"]
        echoed = self._echo(schema, name, draw)
        if echoed is not _MISSING:
            return echoed
        if "enum" in schema:
            return draw.choice(list(schema["enum"]))
        for key in ("oneOf", "anyOf"):
            if key in schema:
                branches = list(schema[key])
                return self.value(draw.choice(branches), name, draw, depth=depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            non_null = [k for k in kind if k != "null"]
            if not non_null or self._null_for(name, draw):
                return None
            kind = non_null[0]
        if kind is None:
            kind = (
                "object" if "properties" in schema else ("array" if "items" in schema else "string")
            )
        if kind == "object":
            return self._object(schema, name, draw, depth)
        if kind == "array":
            return self._array(schema, name, draw, depth)
        if kind == "string":
            return _string(schema, name, draw)
        if kind == "integer":
            return _number(schema, name, draw, integer=True)
        if kind == "number":
            return _number(schema, name, draw, integer=False)
        if kind == "boolean":
            return True if normalised(name) == "ok" else draw.rng.random() < 0.5
        return None

    @staticmethod
    def _null_for(name: str, draw: Draw) -> bool:
        # A next-page token is null when there is no next page: one page is the usual answer.
        if normalised(name) == "nextpagetoken":
            return True
        return draw.rng.random() < 0.15

    def _echo(self, schema: Mapping[str, Any], name: str, draw: Draw) -> Any:
        if not name or not draw.echo:
            return _MISSING
        value = draw.echo.get(normalised(name), _MISSING)
        if value is _MISSING:
            return _MISSING
        if _fits(schema, value):
            return value
        if schema.get("type") == "string" and isinstance(value, list) and value:
            joined = ", ".join(map(str, value))
            return joined if _fits(schema, joined) else _MISSING
        return _MISSING

    def _object(
        self, schema: Mapping[str, Any], name: str, draw: Draw, depth: int
    ) -> dict[str, Any]:
        required = set(schema.get("required", ()))
        # The resource an action returns (or a -v1 connector's `body`) takes the id it was
        # asked for: `email.get` with message_id X answers a message whose id is X.
        is_root = depth == 0 or (depth == 1 and name == "body")
        result: dict[str, Any] = {}
        for prop, sub in schema.get("properties", {}).items():
            wanted = prop in required or normalised(prop) in draw.echo
            if wanted or draw.rng.random() < self.optional_probability / (1 + depth / 2):
                if (
                    is_root
                    and prop == "id"
                    and draw.id_alias is not None
                    and _fits(sub, draw.id_alias)
                ):
                    result[prop] = draw.id_alias
                else:
                    result[prop] = self.value(sub, prop, draw, depth=depth + 1)
        properties = schema.get("properties", {})
        if {"name", "type", "labelListVisibility"} <= set(properties):
            return self._label(result, draw)
        person = "name" in result and bool(_PERSON_FIELDS & set(properties))
        if person and not _echoes(draw, "name") and _fits(properties["name"], "x"):
            result["name"] = draw.name()  # a person (an owner, an attendee): a person's name
        return result

    @staticmethod
    def _label(result: dict[str, Any], draw: Draw) -> dict[str, Any]:
        """A Gmail label: a system label (its id as name, no colour) or a user label
        (``Label_<n>``, a plausible name, a palette colour), as the generated type says."""
        echoed_name = draw.echo.get("name")
        if result.get("type") == "system" and echoed_name is None:
            label_id, list_visibility, message_visibility = draw.choice(GMAIL_SYSTEM_LABELS)
            system = {
                "id": label_id,
                "name": label_id,
                "labelListVisibility": list_visibility,
                "messageListVisibility": message_visibility,
            }
            result.update({k: v for k, v in system.items() if k in result})
            result.pop("color", None)
            return result
        user = gmail_label(draw.rng, name=echoed_name if isinstance(echoed_name, str) else None)
        keep_id = draw.id_alias is not None and result.get("id") == draw.id_alias
        result.update({k: v for k, v in user.items() if k in result})
        if keep_id:
            result["id"] = draw.id_alias
        if "color" in result:
            result["color"] = user["color"]
        return result

    def _array(self, schema: Mapping[str, Any], name: str, draw: Draw, depth: int) -> list[Any]:
        items = schema.get("items", {})
        low = schema.get("minItems", 0)
        high = schema.get("maxItems", max(low, 3 if depth < 3 else 1))
        count = draw.rng.randint(max(low, min(1, high)), max(low, min(high, low + 3)))
        if name == "headers" and {"name", "value"} <= set(items.get("properties", {})):
            return self._headers(items, draw, count)
        singular = name[:-1] if name.endswith("s") else name
        values: list[Any] = []
        for _ in range(count * 3):
            value = self.value(items, singular, draw, depth=depth + 1)
            # Lists of plain values (label ids, addresses) do not repeat in real answers.
            if isinstance(value, (dict, list)) or value not in values:
                values.append(value)
            if len(values) == count:
                break
        return values if len(values) >= low else values + values[: low - len(values)]

    def _headers(self, items: Mapping[str, Any], draw: Draw, count: int) -> list[Any]:
        """Message headers with real header names and matching values."""
        makers: tuple[tuple[str, Provider], ...] = (
            ("From", lambda d: f"{d.name()} <{d.email()}>"),
            ("To", Draw.email),
            ("Subject", Draw.sentence),
            ("Date", NAME_PROVIDERS["date"]),
            ("Message-ID", lambda d: f"<{d.hex_id(20)}@mail.example.com>"),
        )
        headers = []
        for header, maker in makers[: max(count, 3)]:
            value = draw.echo.get(normalised(header), maker(draw))
            entry = {"name": header, "value": value if isinstance(value, str) else maker(draw)}
            for prop in items.get("required", ()):
                if prop not in entry:
                    entry[prop] = self.value(items["properties"][prop], prop, draw, depth=9)
            headers.append(entry)
        return headers


_MISSING: Any = object()


def _echoes(draw: Draw, name: str) -> bool:
    return normalised(name) in draw.echo


def _id_alias(echo: Mapping[str, Any]) -> Any:
    """The last id-like input (``message_id``, ``eventId``): the id of the resource asked for."""
    found = None
    for key, value in echo.items():
        parts = words_of(key)
        if len(parts) > 1 and parts[-1] == "id" and isinstance(value, str):
            found = value
    return found


_SIMPLE_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
}
_ANNOTATIONS = {"type", "title", "description"}


_CHECKERS_LIMIT = 4096
#: Checkers of the sub-schemas echoed values are checked against, by the schema's identity;
#: each entry holds its schema, so an id is never reused while cached. Schemas are read-only
#: (as the registry's are): a schema changed in place after use would keep its old checker.
_checkers: dict[int, tuple[Mapping[str, Any], SchemaChecker]] = {}
_checkers_lock = threading.Lock()


def _checker_for(schema: Mapping[str, Any]) -> SchemaChecker:
    found = _checkers.get(id(schema))
    if found is not None and found[0] is schema:
        return found[1]
    checker = SchemaChecker(schema)
    with _checkers_lock:
        if len(_checkers) >= _CHECKERS_LIMIT:
            _checkers.clear()
        _checkers[id(schema)] = (schema, checker)
    return checker


def _json_types(value: Any) -> tuple[str, ...]:
    """The JSON Schema types ``value`` is an instance of (as jsonschema decides them)."""
    if isinstance(value, bool):
        return ("boolean",)
    if isinstance(value, int):
        return ("integer", "number")
    if isinstance(value, float):
        return ("integer", "number") if value.is_integer() else ("number",)
    if isinstance(value, str):
        return ("string",)
    if value is None:
        return ("null",)
    if isinstance(value, list):
        return ("array",)
    if isinstance(value, dict):
        return ("object",)
    return ()


def _fits(schema: Mapping[str, Any], value: Any) -> bool:
    """Whether an echoed request value is valid where it would go."""
    kind = schema.get("type")
    if isinstance(kind, str) and kind in _SIMPLE_TYPES and set(schema) <= _ANNOTATIONS:
        is_bool = isinstance(value, bool)
        return isinstance(value, _SIMPLE_TYPES[kind]) and (kind == "boolean") == is_bool
    if isinstance(kind, (str, list)):
        # A value of the wrong type cannot fit, whatever else the schema says: answer that
        # without a validator (the usual case: a list echoed into a string field).
        kinds = (kind,) if isinstance(kind, str) else kind
        if not any(k in kinds for k in _json_types(value)):
            return False
    return _checker_for(schema).is_valid(value)
