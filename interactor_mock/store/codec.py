"""How the stores write values: compact JSON, checked to read back as what was written.

A value is encoded as compact JSON in UTF-8 (a value holding a lone surrogate from a
request's ``"\\ud800"``, which UTF-8 cannot carry, as ASCII with escapes) and read back
with a JSON parser. JSON keeps ``dict`` (with ``str`` keys), ``list``, ``str``,
``int``, finite ``float``, ``bool`` and ``None``. ``json.dumps`` would quietly turn a tuple
(and so a named tuple) into a list and an ``int`` key into a string; such a value would read
back as something else, so :func:`encode` refuses it, as it refuses a dataclass, a datetime,
a set or a NaN, with :class:`~interactor_mock.errors.UnstorableValue` naming the place.

Never pickle: a state file or a Redis shared with others must not be able to run code.

Speed: values go through `orjson <https://github.com/ijl/orjson>`_ (a C JSON library: about
4x faster than the standard library on a stored draft, read-back check included), and
through ``json`` for what orjson refuses (a lone surrogate, an integer beyond 64 bits), so
either library's text reads back with the other. The read-back comparison keeps the rules
above whatever orjson would quietly accept (it writes a NaN as ``null``, a dataclass as an
object).
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

from interactor_mock.errors import UnstorableValue

__all__ = ["decode", "encode"]

_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def decode(text: str | bytes) -> Any:
    """The value of a stored JSON text."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # what only ``json`` writes (an escaped lone surrogate)
        return json.loads(text)


def encode(value: Any) -> str:
    """The JSON text of ``value``.

    Raises:
        UnstorableValue: the value is not plain JSON, or would not read back equal to itself;
            the message names the JSON pointer of the first such place.
    """
    try:
        raw = orjson.dumps(value)
    except TypeError:  # a surrogate, a huge integer, a foreign type: json decides below
        pass
    else:
        if orjson.loads(raw) != value:
            raise UnstorableValue(_why(value, None))
        return raw.decode()
    try:
        text = _dumps(value)
    except (TypeError, ValueError) as error:
        raise UnstorableValue(_why(value, error)) from None
    if json.loads(text) != value:
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
