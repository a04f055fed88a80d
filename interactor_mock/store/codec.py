"""How the stores write values: compact JSON, checked to read back as what was written.

A value is encoded as ``json.dumps(value, separators=(",", ":"), allow_nan=False)`` (ASCII
only, so that a lone surrogate from a request's ``"\\ud800"`` survives any byte store) and
read back with ``json.loads``. JSON keeps ``dict`` (with ``str`` keys), ``list``, ``str``,
``int``, finite ``float``, ``bool`` and ``None``. ``json.dumps`` would quietly turn a tuple
(and so a named tuple) into a list and an ``int`` key into a string; such a value would read
back as something else, so :func:`encode` refuses it, as it refuses a dataclass, a datetime,
a set or a NaN, with :class:`~interactor_mock.errors.UnstorableValue` naming the place.

Never pickle: a state file or a Redis shared with others must not be able to run code.
"""

from __future__ import annotations

import json
import math
from typing import Any

from interactor_mock.errors import UnstorableValue

__all__ = ["decode", "encode"]

_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
decode = json.loads


def encode(value: Any) -> str:
    """The JSON text of ``value``.

    Raises:
        UnstorableValue: the value is not plain JSON, or would not read back equal to itself;
            the message names the JSON pointer of the first such place.
    """
    try:
        text = _dumps(value)
    except (TypeError, ValueError) as error:
        raise UnstorableValue(_why(value, error)) from None
    if decode(text) != value:
        raise UnstorableValue(_why(value, None))
    return text


def _why(value: Any, error: Exception | None) -> str:
    found = _first_foreign(value, "")
    if found is None:  # e.g. a cycle, or something only json.dumps knows is wrong
        return f"the value cannot be stored as JSON: {error}"
    pointer, what = found
    return (
        f"the value cannot be stored as JSON: at {pointer or '/'} {what}; stores keep only "
        "dicts with str keys, lists, str, int, finite float, bool and None"
    )


def _first_foreign(value: Any, pointer: str, path: tuple[int, ...] = ()) -> tuple[str, str] | None:
    """The pointer and a description of the first place JSON cannot carry as it is."""
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return None
    if kind is float:
        return None if math.isfinite(value) else (pointer, f"is the float {value!r}")
    if kind in (list, dict) and id(value) in path:
        return (pointer, "is a container that holds itself (a cycle)")
    if kind is list:
        inner = (*path, id(value))
        for index, item in enumerate(value):
            found = _first_foreign(item, f"{pointer}/{index}", inner)
            if found is not None:
                return found
        return None
    if kind is dict:
        inner = (*path, id(value))
        for key, item in value.items():
            if type(key) is not str:
                return (pointer, f"has the {type(key).__name__} key {key!r}")
            found = _first_foreign(item, f"{pointer}/{_escape(key)}", inner)
            if found is not None:
                return found
        return None
    return (pointer, f"is of type {kind.__module__}.{kind.__qualname__}")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
