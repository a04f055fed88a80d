"""Scrubbing recorded traffic: secrets and personal data out, volatile values normalised.

The rules are data: ``scrub_rules.json`` next to this module holds the defaults, and a user
file in the same format adds to them (its rules run first) or disables default rules by
name. A rule is either a *key* rule (the whole string value of a matching JSON key is
replaced: ``access_token``, ``displayName``, ``id``) or a *pattern* rule (every match in any
string is replaced: API keys, bearer tokens, OAuth codes in URLs, e-mail addresses, names
before an address, date-times).

Replacements are stable placeholders: within one :class:`Scrubber`, the same original always
becomes the same placeholder (``user1@example.com``, ``Person 2``, ``scrubbed-token-3``), so
an id sent in one request and returned in the next still match. The accounts given to the
scrubber are replaced first, wherever they appear, by ``account-<n>`` (even an account that is
an e-mail address). Volatile values keep their shape: an id keeps its length, its character
classes and its prefix (``r-`` of a Gmail draft id); dates, date-times (ISO 8601 and RFC 2822)
and epoch milliseconds are all shifted by one whole number of days per scrubber, chosen so that
the first date seen falls on :data:`BASE_MOMENT`'s day, so that the dates of one recorded
example still agree with each other (``internalDate`` and the ``Date`` header of a message),
and scrubbed examples still validate against the contracts.

What a scrubber has replaced it also looks for afterwards, as a literal, everywhere (a name
found in ``displayName`` is replaced in a message snippet too), and :meth:`Scrubber.leaks`
checks a scrubbed value for anything that still looks secret, so that a recorder can refuse
to write it.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import json
import re
import string
import threading
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from typing import Any

from interactor_mock.errors import InteractorMockError

__all__ = [
    "DEFAULT_RULES_PATH",
    "Rule",
    "ScrubError",
    "ScrubLeak",
    "ScrubRules",
    "Scrubber",
]

DEFAULT_RULES_PATH = Path(__file__).with_name("scrub_rules.json")
#: Kinds whose originals must never be written; the others are volatile values.
SENSITIVE_KINDS = frozenset({"secret", "email", "name", "literal", "account"})
VOLATILE_KINDS = frozenset({"id", "date-time", "date", "epoch-ms"})
_TIME_KINDS = frozenset({"date-time", "date", "epoch-ms"})
KINDS = SENSITIVE_KINDS | VOLATILE_KINDS
DEFAULT_PLACEHOLDERS = {
    "secret": "scrubbed-secret-{n}",
    "email": "user{n}@example.com",
    "name": "Person {n}",
    "literal": "scrubbed-{n}",
    "account": "account-{n}",
}
BASE_MOMENT = datetime(2026, 1, 1, tzinfo=timezone.utc)
_MIN_LITERAL = 4
_MIN_NAME_PART = 3
_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?P<sep>[T ])(?P<hm>\d{2}:\d{2})(?P<s>:\d{2})?"
    r"(?P<frac>\.\d{1,9})?(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_HEX_LOWER = "abcdef"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RFC2822 = re.compile(
    r"^(?:(?P<wd>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(?P<day>\d{1,2}) (?P<mon>"
    + "|".join(_MONTHS)
    + r") (?P<year>\d{4}) (?P<rest>\d{2}:\d{2}(?::\d{2})? .+)$"
)
#: An id's prefix kept as it is: letters and a separator (``r-``, ``msg_``), or one lowercase
#: letter before the digits of an id that is not hexadecimal (``r8274...``).
_ID_PREFIX = re.compile(r"^(?:[A-Za-z]{1,4}[-_]|[a-z](?=\d))")
_DAY_MS = 86_400_000


class ScrubError(InteractorMockError, ValueError):
    """The scrubbing rules are malformed; the message names the file and the rule."""


class ScrubLeak(InteractorMockError):
    """A scrubbed value still holds something secret; nothing may be written.

    Attributes:
        leaks: what survived, described without the secret itself.
    """

    def __init__(self, leaks: list[str]) -> None:
        self.leaks = leaks
        super().__init__("a secret survived scrubbing: " + "; ".join(leaks))


@dataclass(frozen=True)
class Rule:
    """One scrubbing rule.

    Attributes:
        name: unique name (a user file disables a default rule by it).
        kind: ``secret``, ``email``, ``name``, ``literal``, ``account`` (never written), or
            ``id``, ``date-time``, ``date``, ``epoch-ms`` (volatile: normalised).
        regex: the key name pattern of a key rule, the value pattern of a pattern rule.
        on_keys: a key rule (``True``) or a pattern rule.
        placeholder: the replacement template, with ``{n}``; volatile kinds keep the shape.
        when: a key rule applies only to values matching this.
        group: a pattern rule replaces this group of each match (0: the whole match).
    """

    name: str
    kind: str
    regex: re.Pattern[str]
    on_keys: bool
    placeholder: str | None = None
    when: re.Pattern[str] | None = None
    group: int = 0


@dataclass(frozen=True)
class ScrubRules:
    """An ordered set of rules: key rules, pattern rules and literal values."""

    keys: tuple[Rule, ...]
    patterns: tuple[Rule, ...]
    literals: tuple[tuple[str, str | None], ...] = ()

    @classmethod
    def default(cls) -> ScrubRules:
        """The rules shipped in ``scrub_rules.json``."""
        return _default_rules()

    @classmethod
    def load(cls, path: Path | str | None = None) -> ScrubRules:
        """The default rules, extended by the user file at ``path`` (if any).

        Raises:
            ScrubError: the file is not JSON, or a rule is malformed (named in the message).
            FileNotFoundError: no such file.
        """
        base = cls.default()
        if path is None:
            return base
        where = str(path)
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ScrubError(f"{where}: not valid JSON: {exc}") from None
        return base.extended(data, where=where)

    def extended(self, data: Any, *, where: str = "<rules>") -> ScrubRules:
        """These rules with a user's: their rules first, ``disable`` removing ours by name.

        Raises:
            ScrubError: a malformed rule.
        """
        if not isinstance(data, Mapping):
            raise ScrubError(f"{where}: rules must be a JSON object")
        unknown = sorted(set(data) - {"keys", "patterns", "literals", "disable", "description"})
        unknown = [k for k in unknown if k != "formatVersion"]
        if unknown:
            raise ScrubError(f"{where}: unknown key(s) {', '.join(unknown)}")
        disabled = set(_string_list(data.get("disable", []), where, "disable"))
        known = {rule.name for rule in (*self.keys, *self.patterns)}
        missing = sorted(disabled - known)
        if missing:
            raise ScrubError(
                f"{where}: disable: no default rule named {', '.join(missing)} "
                f"(known: {', '.join(sorted(known))})"
            )
        keys = _parse_rules(data.get("keys", []), where, on_keys=True)
        patterns = _parse_rules(data.get("patterns", []), where, on_keys=False)
        literals = _parse_literals(data.get("literals", []), where)
        return ScrubRules(
            keys=(*keys, *(r for r in self.keys if r.name not in disabled)),
            patterns=(*patterns, *(r for r in self.patterns if r.name not in disabled)),
            literals=(*literals, *self.literals),
        )


def _string_list(value: Any, where: str, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScrubError(f"{where}: {what} must be a list of strings")
    return list(value)


def _compile(text: Any, where: str) -> re.Pattern[str]:
    if not isinstance(text, str):
        raise ScrubError(f"{where}: a regular expression (string) is required")
    try:
        return re.compile(text)
    except re.error as exc:
        raise ScrubError(f"{where}: bad regular expression {text!r}: {exc}") from None


def _parse_rules(items: Any, where: str, *, on_keys: bool) -> list[Rule]:
    section = "keys" if on_keys else "patterns"
    if not isinstance(items, list):
        raise ScrubError(f"{where}: {section} must be a list")
    rules = []
    for index, item in enumerate(items):
        here = f"{where}: {section}[{index}]"
        if not isinstance(item, Mapping):
            raise ScrubError(f"{here}: must be an object")
        name = item.get("name") or f"{section}-{index}"
        kind = item.get("kind")
        if kind not in KINDS:
            raise ScrubError(f"{here} ({name}): kind must be one of {', '.join(sorted(KINDS))}")
        pattern_key = "match" if on_keys else "regex"
        regex = _compile(item.get(pattern_key), f"{here} ({name}).{pattern_key}")
        when = _compile(item["when"], f"{here} ({name}).when") if "when" in item else None
        group = item.get("group", 0)
        if not isinstance(group, int) or group < 0 or group > regex.groups:
            raise ScrubError(f"{here} ({name}): group must be 0..{regex.groups}")
        placeholder = item.get("placeholder")
        if placeholder is not None and (
            not isinstance(placeholder, str) or not _formats(placeholder)
        ):
            raise ScrubError(f"{here} ({name}): placeholder must be a string using {{n}}")
        rules.append(
            Rule(
                name=str(name),
                kind=str(kind),
                regex=regex,
                on_keys=on_keys,
                placeholder=placeholder,
                when=when,
                group=group,
            )
        )
    return rules


def _formats(template: str) -> bool:
    try:
        template.format(n=1)
    except (KeyError, IndexError, ValueError):
        return False
    return True


def _parse_literals(items: Any, where: str) -> list[tuple[str, str | None]]:
    if not isinstance(items, list):
        raise ScrubError(f"{where}: literals must be a list")
    literals: list[tuple[str, str | None]] = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            value, placeholder = item, None
        elif isinstance(item, Mapping) and isinstance(item.get("value"), str):
            value, placeholder = item["value"], item.get("placeholder")
        else:
            raise ScrubError(
                f"{where}: literals[{index}] must be a string or {{value, placeholder}}"
            )
        if not value:
            raise ScrubError(f"{where}: literals[{index}] must not be empty")
        if placeholder is not None and (
            not isinstance(placeholder, str) or not _formats(placeholder)
        ):
            raise ScrubError(f"{where}: literals[{index}]: placeholder must use {{n}}")
        literals.append((value, placeholder))
    return literals


@functools.lru_cache(maxsize=1)
def _default_rules() -> ScrubRules:
    where = str(DEFAULT_RULES_PATH)
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    empty = ScrubRules(keys=(), patterns=())
    return empty.extended(data, where=where)


class Scrubber:
    """Scrubs JSON values with a set of rules, remembering what it replaced.

    Arguments:
        rules: the rules (default: :meth:`ScrubRules.default`).
        secrets: values known to be secret (the API key): replaced wherever they appear,
            even where no rule would find them.
        accounts: end-user account ids: replaced by ``account-<n>``.

    A scrubber is thread-safe and meant to live as long as one recording session, so that
    placeholders stay consistent across its exchanges.
    """

    def __init__(
        self,
        rules: ScrubRules | None = None,
        *,
        secrets: Iterable[str] = (),
        accounts: Iterable[str] = (),
    ) -> None:
        self.rules = rules or ScrubRules.default()
        self._lock = threading.RLock()
        self._replacements: dict[tuple[str, str], str] = {}
        self._counters: dict[str, int] = {}
        self._placeholders: set[str] = set()
        self._literals: dict[str, str] = {}
        self._word_literals: dict[str, str] = {}
        self._literal_version = 0
        self._compiled_version = -1
        self._literal_regex: re.Pattern[str] | None = None
        self._word_regex: re.Pattern[str] | None = None
        self._sensitive_patterns = tuple(
            r for r in self.rules.patterns if r.kind in SENSITIVE_KINDS
        )
        self._shift_days: int | None = None
        self._accounts: dict[str, str] = {}
        self._account_regex: re.Pattern[str] | None = None
        for value, placeholder in self.rules.literals:
            self._learn(value, self._placeholder("literal", value, placeholder))
        for secret in secrets:
            if secret:
                self._learn(secret, self._placeholder("secret", secret, "scrubbed-secret-{n}"))
        for account in accounts:
            if account:
                placeholder = self._placeholder("account", account, None)
                self._accounts[account] = placeholder
                self._learn_word(account, placeholder)
                local, at, _domain = account.partition("@")
                if at and len(local) >= _MIN_LITERAL:
                    self._accounts.setdefault(local, placeholder)
                    self._learn_word(local, placeholder)
        if self._accounts:
            words = sorted(self._accounts, key=len, reverse=True)
            self._account_regex = re.compile(
                r"(?<![\w.@+-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w@-])"
            )

    # -- public --------------------------------------------------------------------------

    def scrub(self, value: Any) -> Any:
        """A scrubbed copy of a JSON value (keys of objects are scrubbed as text)."""
        with self._lock:
            first = self._value(value, None)
            return self._literal_pass(first)

    def scrub_text(self, text: str) -> str:
        """``text`` with every pattern and every learned literal replaced."""
        with self._lock:
            return self._literal_text(self._patterns(text))

    def add_secret(self, value: str) -> None:
        """Treat ``value`` as secret from now on (e.g. a token seen in a header)."""
        if value:
            with self._lock:
                self._learn(value, self._placeholder("secret", value, "scrubbed-secret-{n}"))

    def leaks(self, value: Any) -> list[str]:
        """What in a (scrubbed) value still looks secret, described without the secret.

        Checks every string and key: a learned secret, address or name still present, or a
        match of a secret-kind pattern that is not a placeholder.
        """
        found: list[str] = []
        with self._lock:
            self._compile_literals()
            for text in _strings(value):
                found.extend(self._text_leaks(text))
        return sorted(set(found))

    def check(self, value: Any) -> None:
        """Raise :class:`ScrubLeak` if :meth:`leaks` finds anything."""
        found = self.leaks(value)
        if found:
            raise ScrubLeak(found)

    # -- internals -----------------------------------------------------------------------

    def _text_leaks(self, text: str) -> list[str]:
        found = []
        for rule in self.rules.patterns:
            if rule.kind != "secret":
                continue
            for match in rule.regex.finditer(text):
                part = match.group(rule.group)
                if part and not self._covered(part):
                    found.append(f"pattern {rule.name!r} matches")
        if self._literal_regex is not None:
            for match in self._literal_regex.finditer(text):
                found.append(f"a learned {self._kind_of(match.group(0))} value is present")
        if self._word_regex is not None:
            for match in self._word_regex.finditer(text):
                found.append(f"a learned {self._kind_of(match.group(0))} value is present")
        return found

    def _covered(self, part: str) -> bool:
        return part in self._placeholders or any(p in part for p in self._placeholders if p)

    def _kind_of(self, original: str) -> str:
        for (kind, value), _ in self._replacements.items():
            if value == original:
                return kind
        return "secret"

    def _value(self, value: Any, key: str | None) -> Any:
        if isinstance(value, Mapping):
            return {self._patterns(str(k)): self._value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._value(item, key) for item in value]
        if isinstance(value, str):
            return self._string(value, key)
        return value

    def _account_text(self, text: str) -> str:
        """``text`` with every account (whole words) replaced: before any other rule, so an
        account that is an address becomes ``account-<n>``, not ``user<n>@example.com``."""
        if self._account_regex is None:
            return text
        return self._account_regex.sub(lambda m: self._accounts[m.group(0)], text)

    def _string(self, value: str, key: str | None) -> str:
        if not value or value in self._placeholders:
            return value
        value = self._account_text(value)
        if value in self._placeholders:
            return value
        if key is not None:
            for rule in self.rules.keys:
                if not rule.regex.search(key):
                    continue
                if rule.when is not None and not rule.when.search(value):
                    continue
                if rule.kind in VOLATILE_KINDS and any(
                    r.regex.search(value) for r in self._sensitive_patterns
                ):
                    break  # an address or a token under an id key: the patterns handle it
                return self._replace(rule, value)
        return self._patterns(value)

    def _patterns(self, text: str) -> str:
        text = self._account_text(text)
        for rule in self.rules.patterns:
            text = rule.regex.sub(functools.partial(self._substitute, rule), text)
        return text

    def _substitute(self, rule: Rule, match: re.Match[str]) -> str:
        whole = match.group(0)
        part = match.group(rule.group)
        if not part or part in self._placeholders:
            return whole
        start = match.start(rule.group) - match.start(0)
        end = match.end(rule.group) - match.start(0)
        return whole[:start] + self._replace(rule, part) + whole[end:]

    def _replace(self, rule: Rule, original: str) -> str:
        if rule.kind in VOLATILE_KINDS:
            return self._volatile(rule.kind, original)
        placeholder = self._placeholder(rule.kind, original, rule.placeholder)
        self._learn(original, placeholder)
        if rule.kind == "email":
            local = original.split("@", 1)[0]
            if len(local) >= _MIN_LITERAL:
                self._learn_word(local, placeholder.split("@", 1)[0])
        elif rule.kind == "name":
            for part in original.replace('"', " ").split():
                if len(part) >= _MIN_NAME_PART and part[0].isupper():
                    self._learn_word(part, placeholder)
        return placeholder

    def _placeholder(self, kind: str, original: str, template: str | None) -> str:
        found = self._replacements.get((kind, original))
        if found is not None:
            return found
        template = template or DEFAULT_PLACEHOLDERS.get(kind, "scrubbed-{n}")
        while True:
            count = self._counters.get(template, 0) + 1
            self._counters[template] = count
            placeholder = template.format(n=count)
            if placeholder not in self._placeholders:
                break
        self._replacements[(kind, original)] = placeholder
        self._placeholders.add(placeholder)
        return placeholder

    def _learn(self, original: str, placeholder: str) -> None:
        if len(original) >= _MIN_LITERAL and original not in self._placeholders:
            self._literals[original] = placeholder
            self._literal_version += 1

    def _learn_word(self, original: str, placeholder: str) -> None:
        if original not in self._placeholders and original not in self._literals:
            self._word_literals.setdefault(original, placeholder)
            self._literal_version += 1

    def _volatile(self, kind: str, original: str) -> str:
        found = self._replacements.get((kind, original))
        if found is not None:
            return found
        if kind in _TIME_KINDS:
            candidate = self._shift(kind, original)
            self._replacements[(kind, original)] = candidate
            self._placeholders.add(candidate)
            return candidate
        count = self._counters.get(kind, 0) + 1
        while True:
            candidate = _reshape_id(original, count)
            if candidate not in self._placeholders:
                break
            count += 1
        self._counters[kind] = count
        self._replacements[(kind, original)] = candidate
        self._placeholders.add(candidate)
        return candidate

    def _days(self, day: date) -> timedelta:
        """The one shift of this scrubber: set by the first date it sees."""
        if self._shift_days is None:
            self._shift_days = (BASE_MOMENT.date() - day).days
        return timedelta(days=self._shift_days)

    def _shift(self, kind: str, original: str) -> str:
        """A date, date-time or epoch-ms moved by this scrubber's whole-day shift, in the
        original's format (unparseable values keep their shape, renumbered)."""
        if kind == "epoch-ms" and original.isdigit():
            moment = datetime.fromtimestamp(int(original) / 1000, tz=timezone.utc)
            shifted = int(original) + self._days(moment.date()).days * _DAY_MS
            return str(shifted).rjust(len(original), "0")
        if kind == "date":
            try:
                day = date.fromisoformat(original)
            except ValueError:
                return _reshape_id(original, 1)
            return (day + self._days(day)).isoformat()
        match = _DATE_TIME.match(original)
        if match is not None:
            try:
                day = date.fromisoformat(match["date"])
            except ValueError:
                return _reshape_id(original, 1)
            return (day + self._days(day)).isoformat() + original[len(match["date"]) :]
        match = _RFC2822.match(original)
        if match is not None and email.utils.parsedate_tz(original) is not None:
            day = date(int(match["year"]), _MONTHS.index(match["mon"]) + 1, int(match["day"]))
            moved = day + self._days(day)
            text = f"{moved.day:0{len(match['day'])}d} {_MONTHS[moved.month - 1]} {moved.year}"
            weekday = f"{_WEEKDAYS[moved.weekday()]}, " if match["wd"] else ""
            return f"{weekday}{text} {match['rest']}"
        return _reshape_id(original, 1)

    def _compile_literals(self) -> None:
        if self._compiled_version == self._literal_version:
            return
        self._compiled_version = self._literal_version
        literals = sorted(self._literals, key=len, reverse=True)
        words = sorted(self._word_literals, key=len, reverse=True)
        self._literal_regex = (
            re.compile("|".join(re.escape(v) for v in literals)) if literals else None
        )
        self._word_regex = (
            re.compile(r"(?<![\w])(?:" + "|".join(re.escape(v) for v in words) + r")(?![\w])")
            if words
            else None
        )

    def _literal_text(self, text: str) -> str:
        self._compile_literals()
        if self._literal_regex is not None:
            text = self._literal_regex.sub(lambda m: self._literals[m.group(0)], text)
        if self._word_regex is not None:
            text = self._word_regex.sub(lambda m: self._word_literals[m.group(0)], text)
        return text

    def _literal_pass(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {self._literal_text(str(k)): self._literal_pass(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._literal_pass(item) for item in value]
        if isinstance(value, str) and value not in self._placeholders:
            return self._literal_text(value)
        return value


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _filler(count: int) -> str:
    """Hex digits that depend only on the count (never on the original value)."""
    return hashlib.sha256(f"interactor-mock:{count}".encode()).hexdigest() * 4


def _reshape_id(original: str, count: int) -> str:
    """Same length, character classes (digit, hex letter, letter, other) and prefix (``r-``,
    ``msg_``; one lowercase letter before the digits of an id that is not hex) as
    ``original``."""
    fill = _filler(count)
    hex_only = all(c in string.hexdigits for c in original)
    prefix = _ID_PREFIX.match(original)
    kept = prefix.group(0) if prefix is not None else ""
    if hex_only and not kept.endswith(("-", "_")):
        kept = ""
    out = [kept]
    for index, char in enumerate(original):
        if index < len(kept):
            continue
        digit = int(fill[index % len(fill)], 16)
        if char.isdigit():
            out.append(str(digit % 10))
        elif hex_only and char in _HEX_LOWER:
            out.append(_HEX_LOWER[digit % 6])
        elif hex_only and char in _HEX_LOWER.upper():
            out.append(_HEX_LOWER.upper()[digit % 6])
        elif char.islower() and char.isascii():
            out.append(string.ascii_lowercase[(digit * 7 + index) % 26])
        elif char.isupper() and char.isascii():
            out.append(string.ascii_uppercase[(digit * 7 + index) % 26])
        else:
            out.append(char)
    return "".join(out)


def today() -> date:
    """Today's date in UTC (recordings and provenance are dated in UTC)."""
    return datetime.now(timezone.utc).date()
