"""Dotted paths into JSON data, and cheap copies of it."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any
from typing import TypeVar

_T = TypeVar("_T")


_ATOMIC = frozenset({str, int, float, bool, type(None)})


def copy_json(value: _T) -> _T:
    """A deep copy of JSON data (dicts, lists and scalars), several times cheaper than
    :func:`copy.deepcopy`; anything else inside it is copied by ``copy.deepcopy``."""
    copied: _T = _copy_json(value)
    return copied


def _copy_json(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _ATOMIC else _copy_json(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _ATOMIC else _copy_json(v) for v in value]
    if kind in _ATOMIC:
        return value
    return copy.deepcopy(value)


def _parts(path: str) -> list[str]:
    return [p for p in path.split(".") if p] if path else []


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path (``""`` is the whole value); ``None`` when absent."""
    node = data
    for part in _parts(path):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def set_path(data: Any, path: str, value: Any) -> Any:
    """Set the value at a dotted path, creating objects on the way; returns the new root."""
    parts = _parts(path)
    if not parts:
        return value
    root = data if isinstance(data, dict) else {}
    node = root
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value
    return root


def delete_path(data: Any, path: str) -> None:
    parts = _parts(path)
    node = get_path(data, ".".join(parts[:-1]))
    if isinstance(node, dict) and parts:
        node.pop(parts[-1], None)


def deep_merge(base: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``overlay``'s values; nested objects are merged, lists replaced."""
    result = copy_json(base)
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy_json(value)
    return result


def _substitute(value: Any, item_id: str) -> Any:
    if isinstance(value, str):
        return value.replace("{id}", item_id)
    if isinstance(value, list):
        return [_substitute(v, item_id) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, item_id) for k, v in value.items()}
    return value


def project(item: Mapping[str, Any], fields: tuple[str, ...] | None) -> dict[str, Any]:
    """Only the dotted ``fields`` of an item (all of it when ``fields`` is None)."""
    if fields is None:
        return copy_json(dict(item))
    result: dict[str, Any] = {}
    for path in fields:
        value = get_path(item, path)
        if value is not None:
            result = set_path(result, path, copy_json(value))
    return result


def _project_owned(item: dict[str, Any], fields: tuple[str, ...] | None) -> dict[str, Any]:
    """:func:`project` of an item the caller owns (a fresh copy): no second copy."""
    if fields is None:
        return item
    result: dict[str, Any] = {}
    for path in fields:
        value = get_path(item, path)
        if value is not None:
            result = set_path(result, path, value)
    return result


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
