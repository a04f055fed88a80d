"""The request journal: what each environment was asked, bounded, with secrets redacted."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlencode

from interactor_mock.store import Store
from interactor_mock.store import next_number

__all__ = ["OUTPUT_LIMIT", "REDACTED", "Journal", "JournalEntry", "capped", "redact"]

REDACTED = "[redacted]"
#: The most bytes of JSON text an entry keeps of the answer (UTF-8, without spaces), so that
#: the journal's bounded count of entries stays bounded in bytes.
OUTPUT_LIMIT = 16 * 1024
JOURNAL_KIND = "journal"
#: The record that numbers an environment's journal entries (in the store: every worker and
#: every restart continue one sequence).
SEQ_KIND = "journal-seq"
SERVER_ERRORS_KIND = "server-errors"
_SECRET_WORDS = ("token", "secret", "password", "apikey", "api_key", "authorization")
_SECRET_EXACT = {"code", "state", "key", "x-api-key", "client_secret"}


# A query of name=value pairs made only of characters that parsing and re-encoding leave as
# they are (no %, +, ;, or characters that urlencode escapes), so each pair is kept verbatim.
_PLAIN_PAIR = r"[A-Za-z0-9._~\[\]-]+=[A-Za-z0-9._~\[\]-]*"
_PLAIN_QUERY = re.compile(rf"{_PLAIN_PAIR}(?:&{_PLAIN_PAIR})*")
_SCALARS = (str, int, float, bool, type(None))


@functools.lru_cache(maxsize=4096)
def is_secret(name: str) -> bool:
    low = name.lower()
    return low in _SECRET_EXACT or any(word in low for word in _SECRET_WORDS)


def redact(value: Any) -> Any:
    """A copy of ``value`` with every secret-looking key's value replaced."""
    if isinstance(value, dict):
        return {
            k: REDACTED
            if is_secret(k if type(k) is str else str(k))
            else (v if type(v) in _SCALARS else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [v if type(v) in _SCALARS else redact(v) for v in value]
    return value


def redact_query(query: str) -> str:
    """The query with every secret-looking parameter's value replaced, re-encoded."""
    if not query:
        return ""
    if _PLAIN_QUERY.fullmatch(query):
        # parse_qsl + urlencode would give back each pair as it is: skip the round trip.
        plain = [pair.split("=", 1) for pair in query.split("&")]
        if not any(is_secret(name) for name, _ in plain):
            return query
        return "&".join(f"{k}={REDACTED if is_secret(k) else v}" for k, v in plain)
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, REDACTED if is_secret(k) else v) for k, v in pairs], safe="[]")


def capped(value: Any, limit: int) -> tuple[Any, bool]:
    """``value`` and False if its compact JSON text has at most ``limit`` bytes; else the
    text's first ``limit`` bytes (cut at a character boundary, so valid text but no longer
    JSON) and True."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if len(text) * 4 <= limit:  # at most 4 bytes a character: no need to encode
        return value, False
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate costs 3 bytes, as stored
    if len(data) <= limit:
        return value, False
    return data[:limit].decode("utf-8", "ignore"), True


_PUBLIC_NAMES = {
    "duration_ms": "durationMs",
    "unknown_fields": "unknownFields",
    "output_truncated": "outputTruncated",
}


@dataclass(frozen=True)
class JournalEntry:
    """One request as the journal keeps it."""

    seq: int
    time: str
    method: str
    path: str
    query: str
    status: int
    duration_ms: float
    connector: str | None = None
    action: str | None = None
    account: str | None = None
    input: Any = None
    error: str | None = None
    scenario: str | None = None
    source: str | None = None
    unknown_fields: tuple[str, ...] = ()
    """Top-level input fields the action does not document (a misspelt field is never silent)."""
    output: Any = None
    """The JSON body the client received (redacted), or, when ``output_truncated``, the first
    bytes of its text."""
    output_truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        """The plain JSON form the stores keep."""
        return {
            "seq": self.seq,
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "duration_ms": self.duration_ms,
            "connector": self.connector,
            "action": self.action,
            "account": self.account,
            "input": self.input,
            "error": self.error,
            "scenario": self.scenario,
            "source": self.source,
            "unknown_fields": list(self.unknown_fields),
            "output": self.output,
            "output_truncated": self.output_truncated,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JournalEntry:
        fields = dict(data)
        fields["unknown_fields"] = tuple(fields.get("unknown_fields") or ())
        return cls(**fields)

    def public(self) -> dict[str, Any]:
        """The JSON form served by the control API: the stored form, keys in camelCase."""
        return {_PUBLIC_NAMES.get(key, key): value for key, value in self.to_json().items()}


class Journal:
    """Append and read an environment's journal; the store bounds it."""

    def __init__(self, store: Store, *, size: int, output_limit: int = OUTPUT_LIMIT) -> None:
        self._store = store
        self.size = size
        self.output_limit = output_limit

    def record(self, env_id: str, **fields: Any) -> JournalEntry:
        fields["query"] = redact_query(fields.get("query", ""))
        if fields.get("input") is not None:
            fields["input"] = redact(fields["input"])
        if fields.get("output") is not None:
            fields["output"], fields["output_truncated"] = capped(
                redact(fields["output"]), self.output_limit
            )
        entry = JournalEntry(seq=next_number(self._store, env_id, SEQ_KIND), **fields)
        self._store.append(env_id, JOURNAL_KIND, entry.to_json(), limit=self.size)
        return entry

    def entries(self, env_id: str) -> list[JournalEntry]:
        return [JournalEntry.from_json(e) for e in self._store.log(env_id, JOURNAL_KIND)]

    def clear(self, env_id: str) -> None:
        self._store.clear_log(env_id, JOURNAL_KIND)

    def record_server_error(self, env_id: str, error: dict[str, Any]) -> None:
        """Keep an error that happened inside the mock, for the test that caused it."""
        self._store.append(env_id, SERVER_ERRORS_KIND, error, limit=100)

    def server_errors(self, env_id: str) -> list[dict[str, Any]]:
        return list(self._store.log(env_id, SERVER_ERRORS_KIND))

    def clear_server_errors(self, env_id: str) -> None:
        self._store.clear_log(env_id, SERVER_ERRORS_KIND)
