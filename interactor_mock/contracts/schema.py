"""The JSON Schema subset of contracts, defined once: conversion from Interactor's format,
pointers, problems, and the validators (jsonschema-rs for "valid", jsonschema for the reasons)."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from interactor_mock.errors import ContractError

_fast_validators: Any
try:
    _fast_validators = importlib.import_module("jsonschema_rs")
except ImportError:  # pragma: no cover - the accelerated validator is optional
    _fast_validators = None


JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


_COMPOSITE_LIST_KEYS = ("anyOf", "oneOf")


_COMPOSITE_SCHEMA_KEYS = ("items", "additionalProperties")


def pointer(*parts: object) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def error_pointer(error: ValidationError) -> str:
    """The JSON pointer of the field a validation error is about.

    For a missing required property or an unexpected one, that is the property itself, not
    the object holding it, so that the message names the field the user must fix.
    """
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.validator_value, list):
        # jsonschema reports each missing property as its own error, named only in the message.
        missing = [n for n in error.validator_value if error.message.startswith(f"{n!r} ")]
        if missing:
            path.append(missing[0])
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = sorted(name for name in error.instance if name not in known)
        if extra:
            path.append(extra[0])
    return pointer(*path)


def to_json_schema(
    fragment: Mapping[str, Any],
    data_types: Mapping[str, Any],
    *,
    file: str = "<contract>",
    at: str = "",
    _seen: tuple[str, ...] = (),
    _resolved: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Convert a fragment in Interactor's format into plain JSON Schema.

    ``x-dataType`` names are replaced by the data type's schema, merged with the fragment's
    own keywords (the fragment's win); other ``x-`` keys are dropped. Each data type is
    converted once per call, and its parts are shared by every place that uses it (the
    result is read-only, like everything the registry holds).

    Raises:
        ContractError: an unknown or self-referring data type.
    """
    memo: dict[str, dict[str, Any]] = {} if _resolved is None else _resolved
    resolved: dict[str, Any] = {}
    type_name = fragment.get("x-dataType")
    if type_name is not None:
        if type_name not in data_types:
            known = ", ".join(sorted(data_types)) or "none"
            raise ContractError(
                file, at + "/x-dataType", f"unknown data type {type_name!r} (known: {known})"
            )
        if type_name in _seen:
            chain = " -> ".join((*_seen, type_name))
            raise ContractError(file, at + "/x-dataType", f"data type refers to itself: {chain}")
        base = memo.get(type_name)
        if base is None:
            base = memo[type_name] = to_json_schema(
                data_types[type_name],
                data_types,
                file=file,
                at=pointer("dataTypes", type_name),
                _seen=(*_seen, type_name),
                _resolved=memo,
            )
        resolved.update(base)
    for key, value in fragment.items():
        if key.startswith("x-"):
            continue
        if key == "properties":
            resolved[key] = {
                name: to_json_schema(
                    sub,
                    data_types,
                    file=file,
                    at=at + pointer(key, name),
                    _seen=_seen,
                    _resolved=memo,
                )
                for name, sub in value.items()
            }
        elif key in _COMPOSITE_SCHEMA_KEYS and isinstance(value, Mapping):
            resolved[key] = to_json_schema(
                value, data_types, file=file, at=at + pointer(key), _seen=_seen, _resolved=memo
            )
        elif key in _COMPOSITE_LIST_KEYS:
            resolved[key] = [
                to_json_schema(
                    sub,
                    data_types,
                    file=file,
                    at=at + pointer(key, i),
                    _seen=_seen,
                    _resolved=memo,
                )
                for i, sub in enumerate(value)
            ]
        else:
            resolved[key] = value
    return resolved


def _check_required_are_declared(
    schema: Mapping[str, Any], file: str, at: str, _checked: set[int] | None = None
) -> None:
    found = _undeclared_required(schema, set() if _checked is None else _checked, ())
    if found is not None:
        where, name = found
        raise ContractError(
            file, at + pointer(*where, "required"), f"required {name!r} is not a property"
        )


def _undeclared_required(
    schema: Mapping[str, Any], checked: set[int], where: tuple[object, ...]
) -> tuple[tuple[object, ...], str] | None:
    """The path of the first schema that requires a property it does not declare, and its
    name. Data types are shared between the schemas of a contract: each part is checked once.
    """
    if id(schema) in checked:
        return None
    checked.add(id(schema))
    properties = schema.get("properties")
    if properties is not None:
        for name in schema.get("required", ()):
            if name not in properties:
                return where, name
        for name, sub in properties.items():
            found = _undeclared_required(sub, checked, (*where, "properties", name))
            if found is not None:
                return found
    for key in _COMPOSITE_SCHEMA_KEYS:
        sub = schema.get(key)
        if isinstance(sub, Mapping):
            found = _undeclared_required(sub, checked, (*where, key))
            if found is not None:
                return found
    for key in _COMPOSITE_LIST_KEYS:
        for i, sub in enumerate(schema.get(key, ())):
            found = _undeclared_required(sub, checked, (*where, key, i))
            if found is not None:
                return found
    return None


@dataclass(frozen=True)
class Problem:
    """One reason a payload fails a schema."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def problems(validator: Draft202012Validator, instance: object) -> list[Problem]:
    """Every reason ``instance`` fails, sorted by pointer, deepest causes of anyOf flattened."""
    found = [
        Problem(error_pointer(error), error.message) for error in validator.iter_errors(instance)
    ]
    return sorted(set(found), key=lambda p: (p.path, p.message))


def _conforms(name: str, value: object) -> bool:
    return bool(FORMAT_CHECKER.conforms(value, name))


#: Every format either validator may know, each delegated to FORMAT_CHECKER, which says
#: "conforms" for a format it does not check: so the two check exactly the same formats.
_STANDARD_FORMATS = (
    "date", "date-time", "time", "duration", "email", "idn-email", "hostname", "idn-hostname",
    "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uri-template", "uuid",
    "json-pointer", "relative-json-pointer", "regex", "byte",
)  # fmt: skip


_DELEGATED_FORMATS: dict[str, Callable[[object], bool]] = {
    name: functools.partial(_conforms, name)
    for name in sorted({*_STANDARD_FORMATS, *FORMAT_CHECKER.checkers})
}


class SchemaChecker:
    """Validation against one schema, with ``jsonschema`` as the reference.

    The verdict "valid" comes from ``jsonschema-rs`` when it is installed (compiled on first
    use; about 100 times faster than ``jsonschema`` on a 1 KB body), with every ``format``
    delegated to the very checks :data:`FORMAT_CHECKER` makes. Anything it does not accept
    goes to the reference :class:`~jsonschema.Draft202012Validator`, which has the last word
    and names every problem: the accelerated validator can only make a valid instance cheap,
    never change a verdict (``tests/interactor_mock/test_contracts_accelerated.py`` shows the
    two agree on every contract's valid and invalid payloads).
    """

    __slots__ = ("_fast", "_fast_ready", "_reference", "schema")

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self._fast: Any = None
        self._fast_ready = False
        self._reference: Draft202012Validator | None = None

    @property
    def reference(self) -> Draft202012Validator:
        """The ``jsonschema`` validator (with :data:`FORMAT_CHECKER`)."""
        if self._reference is None:
            self._reference = Draft202012Validator(self.schema, format_checker=FORMAT_CHECKER)
        return self._reference

    def _accelerated(self) -> Any:
        if not self._fast_ready:
            if _fast_validators is not None:
                try:
                    self._fast = _fast_validators.Draft202012Validator(
                        self.schema, validate_formats=True, formats=_DELEGATED_FORMATS
                    )
                except Exception:  # a schema it cannot compile: the reference does it all
                    self._fast = None
            self._fast_ready = True
        return self._fast

    def fast_accepts(self, instance: object) -> bool:
        """Whether the accelerated validator accepts ``instance`` (False when absent)."""
        fast = self._accelerated()
        if fast is None:
            return False
        try:
            return bool(fast.is_valid(instance))
        except Exception:  # a Python value it cannot take (not JSON): ask the reference
            return False

    def is_valid(self, instance: object) -> bool:
        return self.fast_accepts(instance) or bool(self.reference.is_valid(instance))

    def problems(self, instance: object) -> list[Problem]:
        """Every reason ``instance`` fails (none when valid), sorted by JSON pointer."""
        if self.fast_accepts(instance):
            return []
        return problems(self.reference, instance)
