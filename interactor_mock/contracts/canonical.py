"""Canonical texts: of a contract file (what ``contracts format`` writes) and of a payload."""

from __future__ import annotations

import json


def canonical_json(data: object) -> str:
    """The canonical text of a contract file: sorted keys, 2-space indent, final newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def canonical_input(data: object) -> str:
    """A compact, key-sorted JSON text of a payload: equal payloads give equal text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
