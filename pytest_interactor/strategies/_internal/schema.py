"""The contracts' JSON Schema subset: what it allows, checking a schema against it, and the
reference validator (``jsonschema``) that draws are checked with."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from typing import Final

from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy
from jsonschema import Draft202012Validator
from jsonschema import FormatChecker

Json = Any
Strategy = SearchStrategy[Any]


_TYPE_NAMES: Final = ("null", "boolean", "integer", "number", "string", "array", "object")
_FORMATS: Final = ("date", "date-time", "email", "uri", "uuid", "byte", "hostname", "ipv4")
_ANNOTATIONS: Final = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "$schema",
        "$id",
        "$comment",
        # Interactor's own annotations, harmless if a raw fragment is passed in.
        "x-label",
        "x-dataTypeId",
        "x-dataTypeVersion",
        "x-required",
    }
)
_ASSERTIONS: Final = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "format",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "anyOf",
        "oneOf",
    }
)
_SUPPORTED: Final = _ANNOTATIONS | _ASSERTIONS
_FORMAT_CHECKER: Final = FormatChecker()

# How far unbounded collections and strings grow: small keeps examples fast and readable.
_DEFAULT_EXTRA_ITEMS: Final = 3
_DEFAULT_EXTRA_CHARS: Final = 24


def _pointer(parts: Iterable[object]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts) or "/"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_schema(schema: object, path: tuple[object, ...] = ()) -> None:
    """Raise InvalidArgument, with a JSON pointer, for anything outside the subset."""
    where = _pointer(path)
    if isinstance(schema, bool):
        return
    if not isinstance(schema, Mapping):
        raise InvalidArgument(f"schema at {where} must be an object or a boolean, got {schema!r}")
    for key, value in schema.items():
        if key == "x-dataType":
            raise InvalidArgument(
                f"unresolved x-dataType {value!r} at {where}: pass a compiled schema "
                "(Action.input_schema / output_schema), not a contract fragment"
            )
        if key not in _SUPPORTED:
            raise InvalidArgument(
                f"unsupported JSON Schema keyword {key!r} at {where}; the contracts' subset "
                f"is: {', '.join(sorted(_ASSERTIONS))} (see contracts/README.md)"
            )
    here = (*path,)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not names or any(name not in _TYPE_NAMES for name in names):
            raise InvalidArgument(
                f"bad type {schema['type']!r} at {where}; use one of {', '.join(_TYPE_NAMES)}"
            )
    if "format" in schema and schema["format"] not in _FORMATS:
        raise InvalidArgument(
            f"unsupported format {schema['format']!r} at {where}; supported: {', '.join(_FORMATS)}"
        )
    for key in ("minLength", "maxLength", "minItems", "maxItems"):
        if key in schema and not _is_count(schema[key]):
            raise InvalidArgument(f"{key} at {where} must be a non-negative integer")
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if key in schema and not (_is_number(schema[key]) and math.isfinite(schema[key])):
            raise InvalidArgument(f"{key} at {where} must be a finite number")
    if "enum" in schema and not (isinstance(schema["enum"], list) and schema["enum"]):
        raise InvalidArgument(f"enum at {where} must be a non-empty list")
    if "examples" in schema and not isinstance(schema["examples"], list):
        raise InvalidArgument(f"examples at {where} must be a list")
    required = schema.get("required", [])
    if not (isinstance(required, list) and all(isinstance(r, str) for r in required)):
        raise InvalidArgument(f"required at {where} must be a list of property names")
    properties = schema.get("properties", {})
    if not isinstance(properties, Mapping):
        raise InvalidArgument(f"properties at {where} must be an object")
    for name, sub in properties.items():
        _check_schema(sub, (*here, "properties", name))
    for key in ("items", "additionalProperties"):
        if key in schema:
            _check_schema(schema[key], (*here, key))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = schema[key]
            if not (isinstance(branches, list) and branches):
                raise InvalidArgument(f"{key} at {where} must be a non-empty list of schemas")
            for index, sub in enumerate(branches):
                _check_schema(sub, (*here, key, index))


def _canonical(schema: object) -> str:
    try:
        return json.dumps(schema, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"schema is not JSON: {exc}") from None


_VALIDATORS: dict[str, Draft202012Validator] = {}


def _validator(schema: Json) -> Draft202012Validator:
    """The reference validator for a schema, compiled once per distinct schema."""
    key = _canonical(schema)
    found = _VALIDATORS.get(key)
    if found is None:
        found = _VALIDATORS[key] = Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)
    return found


def json_type(value: object) -> str:
    """The JSON type name of a value (``integer`` for whole numbers), as the drift checks see
    it (imported on first use: the strategies module imports nothing of the mock's)."""
    from interactor_mock.tooling.drift import json_type

    return json_type(value)
