"""The schema compiler: a strategy per schema of the subset, compiled once per distinct
schema (:func:`_compiled`)."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from pytest_interactor.strategies._internal.realistic import _ALNUM
from pytest_interactor.strategies._internal.realistic import _KEYS
from pytest_interactor.strategies._internal.realistic import _REALISTIC
from pytest_interactor.strategies._internal.realistic import _byte_strategy
from pytest_interactor.strategies._internal.realistic import _count_hint
from pytest_interactor.strategies._internal.realistic import _name_hint
from pytest_interactor.strategies._internal.realistic import _subject
from pytest_interactor.strategies._internal.schema import _ASSERTIONS
from pytest_interactor.strategies._internal.schema import _DEFAULT_EXTRA_CHARS
from pytest_interactor.strategies._internal.schema import _DEFAULT_EXTRA_ITEMS
from pytest_interactor.strategies._internal.schema import _TYPE_NAMES
from pytest_interactor.strategies._internal.schema import Json
from pytest_interactor.strategies._internal.schema import Strategy
from pytest_interactor.strategies._internal.schema import _canonical
from pytest_interactor.strategies._internal.schema import _check_schema
from pytest_interactor.strategies._internal.schema import _validator
from pytest_interactor.strategies._internal.schema import json_type


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
