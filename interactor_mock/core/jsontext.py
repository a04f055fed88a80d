"""Strict JSON (RFC 8259) for request bodies: what the real API accepts, and nothing that can
crash or stall a later step.

Python's ``json`` module accepts ``NaN``, ``Infinity`` and ``-Infinity``, turns ``1e400`` into
an infinite float, keeps lone surrogates (``"\\ud800"``) that no UTF-8 encoder can write back,
and recurses once per nesting level. :func:`loads` refuses all of these with a
:class:`~interactor_mock.errors.BadRequest` naming the reason and, where there is one, the
JSON pointer of the value; the depth check is an explicit stack, linear in the document.
"""

from __future__ import annotations

import json
import math
from typing import Any

from interactor_mock.errors import BadRequest
from interactor_mock.errors import InteractorMockError

__all__ = ["MAX_DEPTH", "NOT_JSON", "loads"]

NOT_JSON = "Request body must be valid JSON"
#: The deepest nesting of arrays and objects a body may have (the contracts need under 10).
MAX_DEPTH = 64


class _Rejected(InteractorMockError, ValueError):
    """A value RFC 8259 JSON does not have (raised inside the decoder, answered as 400)."""


def _no_constant(name: str) -> Any:
    raise _Rejected(f"{name} is not allowed in JSON (RFC 8259)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Rejected(f"number {text[:40]} is out of range")
    return value


_decoder = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite_float)


def _pointer(path: list[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path) or "/"


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check(document: Any, max_depth: int) -> None:
    """Walk ``document`` once (no recursion): nesting depth and lone surrogates."""
    stack: list[tuple[Any, list[str | int]]] = [(document, [])]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if _has_lone_surrogate(value):
                raise BadRequest(
                    f"{NOT_JSON}: lone surrogate in the string at {_pointer(path)}",
                    pointer=_pointer(path),
                )
            continue
        if isinstance(value, dict):
            children: Any = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            continue
        if len(path) >= max_depth:
            raise BadRequest(
                f"{NOT_JSON}: nested deeper than {max_depth} levels at {_pointer(path)}",
                pointer=_pointer(path),
            )
        for key, child in children:
            if isinstance(key, str) and _has_lone_surrogate(key):
                raise BadRequest(
                    f"{NOT_JSON}: lone surrogate in a member name at {_pointer(path)}",
                    pointer=_pointer(path),
                )
            if isinstance(child, (dict, list, str)):
                stack.append((child, [*path, key]))


def loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON document in ``raw``, parsed strictly.

    Raises:
        BadRequest: not UTF-8, not JSON, ``NaN``/``Infinity``, a number out of range, a lone
            surrogate, or nesting deeper than ``max_depth``; the message names the reason.
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise BadRequest(f"{NOT_JSON}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        document = _decoder.decode(text)
    except _Rejected as exc:
        raise BadRequest(f"{NOT_JSON}: {exc}") from None
    except RecursionError:
        raise BadRequest(f"{NOT_JSON}: nested deeper than {max_depth} levels") from None
    except ValueError as exc:
        raise BadRequest(f"{NOT_JSON}: {exc}") from None
    _check(document, max_depth)
    return document
