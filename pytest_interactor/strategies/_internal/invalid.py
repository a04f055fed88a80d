"""Invalid inputs: payloads that violate an action's input schema in exactly one named way."""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import Final
from typing import Literal
from typing import get_args

import hypothesis.strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy
from jsonschema import Draft202012Validator

from pytest_interactor.strategies._internal.compiler import _compile
from pytest_interactor.strategies._internal.compiler import _compiled
from pytest_interactor.strategies._internal.compiler import _declared_types
from pytest_interactor.strategies._internal.compiler import _sampled
from pytest_interactor.strategies._internal.lazy import _lazily
from pytest_interactor.strategies._internal.lazy import _non_default
from pytest_interactor.strategies._internal.realistic import _REALISTIC
from pytest_interactor.strategies._internal.realistic import _name_hint
from pytest_interactor.strategies._internal.realistic import _split_words
from pytest_interactor.strategies._internal.realistic import _subject
from pytest_interactor.strategies._internal.registry import DEFAULT_OWNER
from pytest_interactor.strategies._internal.registry import _action
from pytest_interactor.strategies._internal.registry import _RegistryLike
from pytest_interactor.strategies._internal.schema import Json
from pytest_interactor.strategies._internal.schema import Strategy
from pytest_interactor.strategies._internal.schema import _canonical
from pytest_interactor.strategies._internal.schema import _validator

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


InvalidKind = Literal["missing_required", "wrong_type", "bad_enum", "extra_field", "not_an_object"]
INVALID_KINDS: Final[tuple[InvalidKind, ...]] = get_args(InvalidKind)

# The jsonschema keyword each kind of violation is about, and the keywords whose errors it
# may cause as well (a value of the wrong type is never in the field's enum either).
_KIND_KEYWORDS: Final[dict[str, frozenset[str]]] = {
    "missing_required": frozenset({"required"}),
    "wrong_type": frozenset({"type", "enum", "const"}),
    "bad_enum": frozenset({"enum", "const"}),
    "extra_field": frozenset({"additionalProperties"}),
    "not_an_object": frozenset({"type"}),
}
_KIND_MAIN_KEYWORD: Final[dict[str, frozenset[str]]] = {
    **_KIND_KEYWORDS,
    "wrong_type": frozenset({"type"}),
}


@dataclass(frozen=True)
class InvalidInput:
    """A payload that violates an action's input schema in exactly one named way.

    Attributes:
        payload: the JSON value to send as the request body.
        kind: ``"missing_required"``, ``"wrong_type"``, ``"bad_enum"``, ``"extra_field"`` or
            ``"not_an_object"``.
        field: the top-level input field that is violated (``None`` for ``not_an_object``).
        description: what is wrong, for people.
    """

    payload: Json
    kind: InvalidKind
    field: str | None
    description: str


def _error_field(error: ValidationError) -> str | None:
    """The top-level field a validation error of an input payload is about."""
    if error.path:
        return str(error.path[0])
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [n for n in error.validator_value if n not in error.instance]
        return missing[0] if missing else None
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        extra = sorted(n for n in error.instance if n not in known)
        return extra[0] if extra else None
    return None


def _violates_only(validator: Draft202012Validator, invalid: InvalidInput) -> bool:
    """The reference validator rejects the payload, only for the named field and kind."""
    errors = list(validator.iter_errors(invalid.payload))
    allowed = _KIND_KEYWORDS[invalid.kind]
    main = _KIND_MAIN_KEYWORD[invalid.kind]
    return any(e.validator in main for e in errors) and all(
        e.validator in allowed and _error_field(e) == invalid.field for e in errors
    )


def _drop(key: str) -> Callable[[dict[str, Json]], dict[str, Json]]:
    def drop(payload: dict[str, Json]) -> dict[str, Json]:
        return {k: v for k, v in payload.items() if k != key}

    return drop


def _with(key: str) -> Callable[[tuple[dict[str, Json], Json]], dict[str, Json]]:
    def put(parts: tuple[dict[str, Json], Json]) -> dict[str, Json]:
        payload, value = parts
        return {**payload, key: value}

    return put


def _wrong_values(allowed: Sequence[str], name: str) -> Strategy:
    """Values of a JSON type the field does not allow, leaning on common client mistakes
    (a string where a list is expected, a number as text, ...)."""
    options: dict[str, Strategy] = {
        "string": st.one_of(
            _REALISTIC[_name_hint(name) or "subject"].strategy,
            st.integers(0, 500).map(str),
            st.sampled_from(("true", "false", "null", "")),
        ),
        "integer": st.integers(-1000, 1000),
        "number": st.integers(-1000, 1000).map(lambda n: n + 0.5),
        "boolean": st.booleans(),
        "null": st.none(),
        "array": st.lists(
            _REALISTIC[_name_hint(name) or "subject"].strategy, min_size=1, max_size=2
        ),
        "object": st.fixed_dictionaries({"value": _subject.strategy}),
    }
    accepted = set(allowed)
    if "number" in accepted:
        accepted.add("integer")
    wrong = [strategy for kind, strategy in options.items() if kind not in accepted]
    return st.one_of(wrong) if wrong else st.nothing()


def _off_by_one(value: Json) -> list[Json]:
    if isinstance(value, str):
        upper = value.upper() if value.upper() != value else value.lower()
        return [upper, value + "s", value[:-1], f"not-{value}", value + " "]
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, (int, float)):
        return [value + 1, value - 1, value * 10 + 7]
    return []


def _enum_schema(schema: Json) -> Mapping[str, Any] | None:
    """The enum/const-bearing schema of a field, or of its items."""
    if not isinstance(schema, Mapping):
        return None
    if "enum" in schema or "const" in schema:
        return schema
    items = schema.get("items")
    if isinstance(items, Mapping) and ("enum" in items or "const" in items):
        return items
    return None


def _bad_enum_values(schema: Json) -> Strategy:
    target = _enum_schema(schema)
    assert target is not None
    allowed = [target["const"]] if "const" in target else list(target["enum"])
    near = [v for a in allowed for v in _off_by_one(a) if v not in allowed]
    values = _sampled(list(dict.fromkeys(json.dumps(v) for v in near)))
    strategy: Strategy = values.map(json.loads)
    if target is not schema:
        strategy = st.lists(strategy, min_size=1, max_size=1)
    return strategy


_EXTRA_NAMES: Final = ("extra", "unexpected", "debug", "userId", "accountId", "options")


def _misspellings(name: str) -> list[str]:
    words = _split_words(name)
    camel = words[0] + "".join(w.capitalize() for w in words[1:]) if words else name
    snake = "_".join(words)
    swapped = name[1] + name[0] + name[2:] if len(name) > 1 else name + name
    return [camel, snake, name.capitalize(), name.upper(), name + "s", name[:-1], swapped]


def _invalid_strategies(
    schema: Mapping[str, Any], kinds: Sequence[str]
) -> dict[str, SearchStrategy[InvalidInput]]:
    valid = _compiled(schema)
    validator = _validator(schema)
    properties: Mapping[str, Any] = schema.get("properties", {})
    required: list[str] = [r for r in schema.get("required", []) if r in properties]
    found: dict[str, SearchStrategy[InvalidInput]] = {}

    def each(
        kind: InvalidKind, field: str | None, description: str, payloads: Strategy
    ) -> SearchStrategy[InvalidInput]:
        return payloads.map(lambda p: InvalidInput(p, kind, field, description))

    if "missing_required" in kinds and required:
        found["missing_required"] = st.one_of(
            [
                each(
                    "missing_required",
                    key,
                    f"required field {key!r} is missing",
                    valid.map(_drop(key)),
                )
                for key in required
            ]
        )
    if "wrong_type" in kinds:
        options = []
        for key, sub in properties.items():
            types = _declared_types(sub) if isinstance(sub, Mapping) else None
            if types:
                options.append(
                    each(
                        "wrong_type",
                        key,
                        f"field {key!r} must be {' or '.join(types)}",
                        st.tuples(valid, _wrong_values(types, key)).map(_with(key)),
                    )
                )
        if options:
            found["wrong_type"] = st.one_of(options)
    if "bad_enum" in kinds:
        options = [
            each(
                "bad_enum",
                key,
                f"field {key!r} is not one of the allowed values",
                st.tuples(valid, _bad_enum_values(sub)).map(_with(key)),
            )
            for key, sub in properties.items()
            if _enum_schema(sub) is not None
        ]
        if options:
            found["bad_enum"] = st.one_of(options)
    if "extra_field" in kinds and schema.get("additionalProperties") is False:
        options = []
        for key, sub in properties.items():
            for extra in dict.fromkeys(_misspellings(key)):
                if extra not in properties and extra:
                    options.append(
                        each(
                            "extra_field",
                            extra,
                            f"unknown field {extra!r} (did you mean {key!r}?)",
                            st.tuples(valid, _compile(sub, key)).map(_with(extra)),
                        )
                    )
        for extra in _EXTRA_NAMES:
            if extra not in properties:
                options.append(
                    each(
                        "extra_field",
                        extra,
                        f"unknown field {extra!r}",
                        st.tuples(valid, _subject.strategy).map(_with(extra)),
                    )
                )
        found["extra_field"] = st.one_of(options)
    if "not_an_object" in kinds and _declared_types(schema) == ["object"]:
        body = "the body must be a JSON object"
        found["not_an_object"] = st.one_of(
            each("not_an_object", None, body + ", not null", st.none()),
            each("not_an_object", None, body + ", not an array", valid.map(lambda p: [p])),
            each(
                "not_an_object",
                None,
                body + ", not a JSON-encoded string",
                valid.map(json.dumps),
            ),
            each("not_an_object", None, body + ", not a number", st.integers(-10, 10)),
            each("not_an_object", None, body + ", not a boolean", st.booleans()),
        )
    return {
        kind: strategy.filter(lambda i: _violates_only(validator, i))
        for kind, strategy in found.items()
    }


_INVALID: dict[tuple[str, tuple[str, ...]], SearchStrategy[InvalidInput]] = {}


def invalid_action_inputs(
    connector: str,
    action: str,
    *,
    owner: str = DEFAULT_OWNER,
    registry: _RegistryLike | None = None,
    kinds: Iterable[InvalidKind] | None = None,
) -> SearchStrategy[InvalidInput]:
    """:class:`InvalidInput` values: payloads the action must reject, one named fault each.

    Each payload is a valid payload with exactly one thing broken, checked against the
    reference validator (``jsonschema``) inside the strategy:

    - ``missing_required``: a required field is left out;
    - ``wrong_type``: a field holds a value of a JSON type it does not allow;
    - ``bad_enum``: a field (or an item of it) holds a near miss of its allowed values;
    - ``extra_field``: an undeclared field, often a misspelling (``messageId`` for
      ``message_id``), where the schema forbids extra fields;
    - ``not_an_object``: the body is not a JSON object (null, an array, a JSON string...).

    Kinds the schema cannot express (no enum, no required field) are skipped.

    Args:
        connector, action, owner, registry: as for :func:`action_inputs`.
        kinds: the kinds to draw; every kind the schema can express by default.

    Raises:
        hypothesis.errors.InvalidArgument: at draw time, for an unknown connector, action or
            kind, or when none of the requested kinds can be expressed for this action.
    """
    chosen = None if kinds is None else list(kinds)

    def build() -> SearchStrategy[InvalidInput]:
        if chosen is not None:
            unknown = [k for k in chosen if k not in INVALID_KINDS]
            if unknown or not chosen:
                raise InvalidArgument(
                    f"bad kinds {chosen!r}; choose from {', '.join(INVALID_KINDS)}"
                )
        wanted = tuple(INVALID_KINDS if chosen is None else chosen)
        schema = _action(connector, action, owner, registry).input_schema
        key = (_canonical(schema), wanted)
        found = _INVALID.get(key)
        if found is None:
            strategies = _invalid_strategies(schema, wanted)
            if not strategies:
                raise InvalidArgument(
                    f"{owner}/{connector} {action} cannot express any of the kinds {list(wanted)!r}"
                )
            found = _INVALID[key] = st.one_of(
                [strategies[kind] for kind in INVALID_KINDS if kind in strategies]
            )
        return found

    return _lazily(
        "invalid_action_inputs",
        build,
        connector,
        action,
        **_non_default(owner=owner, registry=registry, kinds=chosen),
    )
