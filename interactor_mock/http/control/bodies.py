"""The JSON bodies of the control API: one JSON Schema per body, the one source of both the
server's first check and ``/_mock/openapi.json``.

A view declares its body with :func:`accepts`; :func:`body` reads the request's JSON object
and checks it against that schema before the view parses it, so nothing the document
rejects is accepted (a 400 naming the field). The views' own parsers then check what a
schema cannot say (an unknown connector is a 404, a uniform latency needs ``max >= min``).
The schemas are strict: where the parsers are lenient (``"headers": false`` read as no
headers, an ignored ``expiresAt`` next to ``expiresIn``), the schema decides.

Schemas that name connectors, actions or collections are built from the engine's registry
and catalog, so the document lists exactly what the server knows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any
from typing import TypeVar

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.exceptions import best_match

from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.contracts.schema import FORMAT_CHECKER
from interactor_mock.core.engine import Engine
from interactor_mock.core.resources import is_provider_shaped
from interactor_mock.core.scenarios.rules import DISTRIBUTIONS
from interactor_mock.core.scenarios.rules import KINDS
from interactor_mock.core.scenarios.rules import MAX_EXPIRES_IN
from interactor_mock.core.seed import MAX_ITEMS
from interactor_mock.errors import BadRequest
from interactor_mock.errors import InvalidSeed
from interactor_mock.http.context import NON_BLANK
from interactor_mock.http.context import engine
from interactor_mock.http.context import json_object

__all__ = [
    "API_KEY",
    "ENVIRONMENT",
    "GRANT",
    "OAUTH_CLIENT",
    "ROTATE_KEY",
    "BodySchema",
    "accepts",
    "body",
    "body_schema",
    "explain",
    "query",
    "query_parameters",
    "scenario_rule",
    "seed_document",
    "seed_environment",
]

Schema = dict[str, Any]
#: A body's schema: fixed, or built from the engine (its registry and catalog).
BodySchema = Schema | Callable[[Engine], Schema]
View = TypeVar("View", bound=Callable[..., Any])

_ATTRIBUTE = "control_bodies"
_QUERY = "control_query"
#: A name, account or id: a string with something else than white space in it (what the
#: parsers' ``value.strip()`` demands).
TEXT: Schema = {"type": "string", "pattern": NON_BLANK}
#: ``interactor_<8>_<32>``: 52 characters, so the pattern needs no end anchor (``$`` lets a
#: trailing newline through in Python, not in ECMA regexes).
API_KEY: Schema = {
    "type": "string",
    "pattern": "^interactor_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}",
    "minLength": 52,
    "maxLength": 52,
}
_SEED: Schema = {"type": "integer"}
_TIME: Schema = {"type": "string", "format": "date-time"}


def _nullable(schema: Schema) -> Schema:
    """``schema`` or null (a plain ``type`` list where it can be, for clearer refusals)."""
    if isinstance(schema.get("type"), str) and "anyOf" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [{"type": "null"}, schema]}


def _object(properties: dict[str, Any], *required: str, extra: bool = False) -> Schema:
    found: Schema = {"type": "object", "properties": properties}
    if required:
        found["required"] = list(required)
    if not extra:
        found["additionalProperties"] = False
    return found


#: ``POST /_mock/environments``. Other keys are ignored.
ENVIRONMENT: Schema = _object(
    {"name": TEXT, "apiKey": _nullable(API_KEY), "seed": _nullable(_SEED)}, "name", extra=True
)
#: ``POST /_mock/environments/<env>/keys``. Other keys are ignored.
ROTATE_KEY: Schema = _object({"apiKey": _nullable(API_KEY)}, extra=True)
#: ``PUT /_mock/environments/<env>/oauth-clients/<owner>/<connector>``. Other keys are ignored.
OAUTH_CLIENT: Schema = _object(
    {"clientId": TEXT, "clientSecret": TEXT}, "clientId", "clientSecret", extra=True
)
#: ``POST /_mock/environments/<env>/grants``. Other keys are ignored; an unknown connector
#: is a 404.
GRANT: Schema = _object(
    {"connector": TEXT, "account": TEXT, "owner": _nullable(TEXT)},
    "connector",
    "account",
    extra=True,
)


def _owners(mock: Engine) -> dict[str, list[str]]:
    """Each connector name and the owners that have a connector of that name."""
    found: dict[str, list[str]] = {}
    for contract in mock.registry.connectors:
        found.setdefault(contract.name, []).append(contract.owner)
    return found


def _names(mock: Engine) -> list[str]:
    """Every way a body may name a connector: ``name`` and ``owner/name``."""
    keys = [c.key for c in mock.registry.connectors]
    return sorted(set(_owners(mock))) + sorted(keys)


def _naming(owner: str, name: str) -> Schema:
    """A body's ``connector`` (with ``owner``) naming the connector ``owner/name``:
    ``owner/name``, or ``name`` with that ``owner`` (omitted or null for the default owner).
    The document wants no other owner beside ``owner/name`` (the server ignores it)."""
    if owner == DEFAULT_OWNER:
        return {
            "properties": {
                "connector": {"enum": [f"{owner}/{name}", name]},
                "owner": {"enum": [owner, None]},
            },
            "required": ["connector"],
        }
    return {
        "properties": {"connector": {"const": f"{owner}/{name}"}, "owner": {"enum": [owner, None]}},
        "required": ["connector"],
    }


_LATENCY: Schema = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        _object(
            {
                "distribution": {"enum": list(DISTRIBUTIONS)},
                **{
                    k: {"type": "number", "minimum": 0}
                    for k in ("ms", "min", "max", "mean", "stddev")
                },
            }
        ),
    ],
    "description": "Milliseconds, or a distribution; a uniform one needs max >= min.",
}
#: An HTTP header a scenario answers with: a token name, a value without line breaks.
_HEADERS: Schema = {
    "type": "object",
    "propertyNames": {"pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"},
    "additionalProperties": {"type": "string", "pattern": "^[^\r\n\x00]*$"},
}


def scenario_rule(mock: Engine) -> Schema:
    """``POST /_mock/environments/<env>/scenarios``: one scenario rule.

    One branch per way of naming each connector, each saying which actions it has (exact
    names are checked, globs are not); a ``provider_error`` rule names a connector and, but
    for one whose every action answers provider-shaped, one of those actions (no glob: the
    document cannot say which globs match only such actions).
    """
    optional_text = _nullable({"type": "string", "minLength": 1})
    properties: dict[str, Any] = {
        "kind": {"enum": [*KINDS, None]},
        "name": optional_text,
        "owner": optional_text,
        "connector": {"enum": [*_names(mock), None]},
        "action": optional_text,
        "account": optional_text,
        "times": _nullable({"type": "integer", "minimum": 1}),
        "after": _nullable({"type": "integer", "minimum": 0}),
        "expiresIn": _nullable(
            {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_EXPIRES_IN}
        ),
        "expiresAt": _nullable(_TIME),
        "status": _nullable({"type": "integer", "minimum": 400, "maximum": 599}),
        "error": _nullable({"type": "string"}),
        "body": _nullable({"type": "object"}),
        "headers": _nullable(_HEADERS),
        "retryAfter": _nullable({"type": "integer", "minimum": 0}),
        "latency": _nullable(_LATENCY),
    }
    # Branches rather than if/then: schemathesis generates from neither if/then beside
    # anyOf nor allOf of anyOfs. A latency rule needs a latency.
    plain = {"kind": {"enum": ["error", "rate_limit", "credential_expired", None]}}
    timed = {"kind": {"const": "latency"}, "latency": {"type": ["number", "object"]}}

    def kinds(naming: Schema, extra: dict[str, Any]) -> list[Schema]:
        required = naming.get("required", [])
        return [
            {**naming, "properties": {**naming.get("properties", {}), **plain, **extra}},
            {
                **naming,
                "properties": {**naming.get("properties", {}), **timed, **extra},
                "required": [*required, "kind", "latency"],
            },
        ]

    branches: list[Schema] = kinds({"properties": {"connector": {"type": "null"}}}, {})
    catalog = mock.resources.catalog
    glob = {"type": "string", "pattern": "[*?\\[]"}
    for contract in mock.registry.connectors:
        names = sorted(contract.actions)
        shaped = [
            n for n in names if is_provider_shaped(catalog.success_schema(contract.actions[n]))
        ]
        naming = _naming(contract.owner, contract.name)
        if contract.owner != DEFAULT_OWNER:  # a bare name with this owner names it too
            naming = {
                "anyOf": [
                    naming,
                    {
                        "properties": {
                            "connector": {"const": contract.name},
                            "owner": {"const": contract.owner},
                        },
                        "required": ["connector", "owner"],
                    },
                ]
            }
        action = {"anyOf": [{"type": "null"}, {"enum": names}, glob]}
        branches += kinds(naming, {"action": action})
        if shaped:
            branches.append(
                {
                    **naming,
                    "properties": {
                        **naming.get("properties", {}),
                        "kind": {"const": "provider_error"},
                        "action": {"enum": shaped + ([None] if shaped == names else [])},
                    },
                    "required": [*naming.get("required", []), "kind"]
                    + ([] if shaped == names else ["action"]),
                }
            )
    return {**_object(properties), "anyOf": branches}


_COUNT: Schema = {"type": "integer", "minimum": 0, "maximum": MAX_ITEMS}
_ITEMS: Schema = {"type": "array", "items": {"type": "object"}}
_ONE_PARENT: Schema = _object(
    {
        "count": _COUNT,
        "items": _ITEMS,
        "seed": _nullable(_SEED),
        "parent": _nullable({"type": "string"}),
    }
)
_COLLECTION: Schema = {
    "anyOf": [
        _COUNT,
        _ITEMS,
        _ONE_PARENT,
        _object(
            {
                "parents": {
                    "type": "object",
                    "additionalProperties": {"anyOf": [_COUNT, _ITEMS, _ONE_PARENT]},
                },
                "seed": _nullable(_SEED),
            },
            "parents",
        ),
    ],
    "description": "A count of generated items, a list of (partial) items, or both.",
}


def _account(mock: Engine) -> Schema:
    """What one seeded account holds: the connectors it connects, with their collections."""
    names = _names(mock)
    collections: dict[tuple[str, str], list[str]] = {}
    for owner, connector, name in mock.resources.catalog.collections:
        collections.setdefault((owner, connector), []).append(name)
    connect: Schema = {"type": "array", "items": {"enum": names}}
    per_connector: dict[str, Any] = {"connect": connect}
    for contract in mock.registry.connectors:
        names_of = sorted(collections.get((contract.owner, contract.name), []))
        value = {
            "anyOf": [
                {"type": "null"},
                {"const": True},
                _object(dict.fromkeys(names_of, _COLLECTION)),
            ]
        }
        per_connector[contract.key] = value
        if contract.owner == DEFAULT_OWNER:
            per_connector[contract.name] = value
    return {"anyOf": [connect, _object(per_connector)]}


def _environment_seed(mock: Engine, *, creating: bool) -> Schema:
    properties: dict[str, Any] = {
        "seed": _SEED,
        "anchor": _nullable(_TIME),
        "accounts": {
            "type": "object",
            "propertyNames": {"pattern": NON_BLANK},
            "additionalProperties": _account(mock),
        },
        # Used when a whole document creates the environment; ignored otherwise.
        "name": _nullable(TEXT if creating else {"type": "string"}),
        "apiKey": _nullable(API_KEY if creating else {"type": "string"}),
    }
    return _object(properties)


def seed_environment(mock: Engine) -> Schema:
    """``POST /_mock/environments/<env>/seed``: the accounts of one environment."""
    return _environment_seed(mock, creating=False)


def seed_document(mock: Engine) -> Schema:
    """``POST /_mock/seed``: environments (created if missing) and their accounts."""
    return _object(
        {
            "seed": _SEED,
            "anchor": _nullable(_TIME),
            "environments": {
                "type": "object",
                "propertyNames": {"pattern": NON_BLANK},
                "additionalProperties": _environment_seed(mock, creating=True),
            },
        }
    )


def accepts(**by_method: BodySchema) -> Callable[[View], View]:
    """Declare the JSON body a view takes, per method: ``@accepts(POST=GRANT)``."""

    def declare(view: View) -> View:
        setattr(view, _ATTRIBUTE, {m.upper(): s for m, s in by_method.items()})
        return view

    return declare


def query(*parameters: Schema) -> Callable[[View], View]:
    """Declare the query parameters a view reads (OpenAPI parameter objects, ``in`` implied)."""

    def declare(view: View) -> View:
        setattr(view, _QUERY, [{**p, "in": "query"} for p in parameters])
        return view

    return declare


def query_parameters(view: Callable[..., Any]) -> list[Schema]:
    """The query parameters :func:`query` declared for ``view``."""
    found: list[Schema] = getattr(view, _QUERY, [])
    return found


def body_schema(view: Callable[..., Any], method: str, mock: Engine) -> Schema | None:
    """The schema of the body ``view`` takes with ``method`` (None: it takes no body)."""
    declared: dict[str, BodySchema] = getattr(view, _ATTRIBUTE, {})
    found = declared.get(method.upper())
    if found is None:
        return None
    return found(mock) if callable(found) else found


_VALIDATORS: dict[tuple[int, int], tuple[Engine, Draft202012Validator]] = {}
_LOCK = threading.Lock()


def _validator(schema: BodySchema, mock: Engine) -> Draft202012Validator:
    key = (id(mock), id(schema))
    with _LOCK:
        found = _VALIDATORS.get(key)
        if found is not None and found[0] is mock:
            return found[1]
    built = schema(mock) if callable(schema) else schema
    validator = Draft202012Validator(built, format_checker=FORMAT_CHECKER)
    with _LOCK:
        if len(_VALIDATORS) > 256:  # engines come and go in tests: keep the cache bounded
            _VALIDATORS.clear()
        _VALIDATORS[key] = (mock, validator)
    return validator


def body(schema: BodySchema) -> dict[str, Any]:
    """The request's JSON object, checked against ``schema`` (the one the view declares).

    Raises:
        BadRequest: not a JSON object, or not what the schema says, naming the ``field``
            (for a seed, an :class:`InvalidSeed` naming the place as ``at``).
        PayloadTooLarge: the body is over the limit.
    """
    data = json_object()
    errors = list(_validator(schema, engine()).iter_errors(data))
    # A field's own refusal says more than "no branch of the anyOf fits".
    error = best_match([e for e in errors if e.validator != "anyOf"] or errors)
    if error is not None:
        place, message = explain(error)
        if schema in (seed_document, seed_environment):
            raise InvalidSeed(message, at=place)
        raise BadRequest(message, field=place)
    found: dict[str, Any] = _integers(data)
    return found


def _integers(value: Any) -> Any:
    """``value`` with every whole float as an int: JSON Schema's ``integer`` takes ``5.0``
    (as JavaScript, which has one number type), so the parsers must too."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: _integers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integers(v) for v in value]
    return value


def _place(parts: Iterable[Any]) -> str:
    return ".".join(str(p) for p in parts)


def explain(error: ValidationError) -> tuple[str, str]:
    """The field a schema refusal is about (dotted), and a sentence saying what is wrong."""
    if error.validator == "anyOf" and error.context:
        return explain(_closest_branch(error))
    path = list(error.absolute_path)
    value = error.validator_value
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        missing = next((name for name in value if name not in instance), str(value))
        return _place([*path, missing]), f"Field {_place([*path, missing])!r} is required"
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(k for k in instance if k not in known)
        name = _place([*path, extra[0] if extra else ""])
        listed = ", ".join(known) if len(known) <= 20 else ", ".join(known[:20]) + ", ..."
        return name, f"{name!r} is not a known field (known: {listed})"
    field = _place(path) or "(body)"
    if isinstance(error.schema, dict) and error.schema.get("pattern") == API_KEY["pattern"]:
        return (
            field,
            f"{field} must look like interactor_<8 letters or digits>_<32 letters or digits>",
        )
    if error.validator == "propertyNames":
        return field, f"Field {field!r} has a key that is not allowed"
    if (error.validator == "pattern" and value == NON_BLANK) or error.validator == "minLength":
        return field, f"Field {field!r} must be a non-empty string"
    if error.validator == "type":
        kinds = value if isinstance(value, list) else [value]
        return field, f"Field {field!r} must be {' or '.join(_article(k) for k in kinds)}"
    if error.validator in ("enum", "const"):
        options = value if error.validator == "enum" else [value]
        shown = ", ".join("null" if o is None else str(o) for o in options[:20])
        more = ", ..." if len(options) > 20 else ""
        return field, f"Field {field!r} must be one of {shown}{more}"
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        return field, f"Field {field!r} must be {sign[str(error.validator)]} {value}"
    if error.validator == "format":
        return field, f"Field {field!r} must be a {value} (RFC 3339, with a time zone)"
    return field, f"Field {field!r} is not valid here ({error.validator})"


def _closest_branch(error: ValidationError) -> ValidationError:
    """The refusal of the anyOf branch the body meant: the one whose ``kind`` and
    ``connector`` fit, else the one with the fewest refusals."""
    branches: dict[Any, list[ValidationError]] = {}
    for found in error.context or []:
        branches.setdefault(found.relative_schema_path[0], []).append(found)

    def about(found: ValidationError) -> str:
        explained = explain(found)[0] if found.validator != "anyOf" else _place(found.path)
        return explained.split(".")[-1]

    def score(found: list[ValidationError]) -> tuple[int, int]:
        return (sum(about(e) in ("kind", "connector") for e in found), len(found))

    closest = min(branches.values(), key=score)
    best = best_match(closest)
    assert best is not None
    return best


def _article(kind: str) -> str:
    return {"integer": "an integer", "object": "an object", "array": "a list"}.get(
        kind, f"a {kind}"
    )
