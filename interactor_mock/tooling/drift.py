"""Contract drift: how a response of the API differs from what the contract says.

:func:`compare_response` checks one exchange (the request's input, the response's status and
body) against an :class:`~interactor_mock.contracts.Action` and returns a :class:`Drift`
listing every :class:`Difference`, each at a JSON pointer into the response body:

``unknown-field``
    the response has a field the contract does not know (an object schema that lists
    ``properties`` is closed unless it says otherwise with ``additionalProperties``);
``missing-field``
    a field the contract requires is absent;
``type-changed``
    a value's JSON type is not one the contract allows (``"3"`` where an integer is due);
``invalid-value``
    the type is right but a constraint is not (``enum``, ``format``, ``minimum``, ...);
``unexpected-status``
    a status the contract does not document for this request (a 429, a 400 for an input the
    contract says is valid, a 404 for an action it has);
``invalid-input-accepted``
    the API answered 200 to an input the contract says is invalid;
``bad-envelope``
    the body is not ``{"output": ...}`` (success) or ``{"error": "..."}`` (failure).

Used by ``interactor-mock verify``, the recording proxy and ``pytest --interactor-live``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from jsonschema import Draft202012Validator

from interactor_mock.contracts import FORMAT_CHECKER
from interactor_mock.contracts import Action
from interactor_mock.contracts import Problem
from interactor_mock.contracts import pointer

__all__ = [
    "DRIFT_KINDS",
    "Difference",
    "Drift",
    "compare_output",
    "compare_response",
    "expected_statuses",
    "json_type",
    "schema_differences",
]

UNKNOWN_FIELD = "unknown-field"
MISSING_FIELD = "missing-field"
TYPE_CHANGED = "type-changed"
INVALID_VALUE = "invalid-value"
UNEXPECTED_STATUS = "unexpected-status"
INVALID_INPUT_ACCEPTED = "invalid-input-accepted"
BAD_ENVELOPE = "bad-envelope"
DRIFT_KINDS = (
    UNKNOWN_FIELD,
    MISSING_FIELD,
    TYPE_CHANGED,
    INVALID_VALUE,
    UNEXPECTED_STATUS,
    INVALID_INPUT_ACCEPTED,
    BAD_ENVELOPE,
)
OK_STATUS = 200
BAD_REQUEST = 400
#: Keywords checked on a value itself (not on its members), with jsonschema's own messages.
_LEAF_KEYWORDS = (
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
)
_SHOWN_LIMIT = 60


def json_type(value: object) -> str:
    """The JSON type name of a parsed JSON value (``integer`` for whole numbers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def shown(value: object) -> str:
    """A short JSON-ish rendering of a value for a message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOWN_LIMIT else text[: _SHOWN_LIMIT - 3] + "..."


@dataclass(frozen=True)
class Difference:
    """One way a response differs from the contract.

    Attributes:
        kind: one of :data:`DRIFT_KINDS`.
        pointer: JSON pointer into the response body (``/output/messages/0/id``); empty for
            the status.
        message: what differs, in a sentence.
        expected: what the contract says (a type name or list of them, a status list, ...).
        actual: what the response has (a type name, a status, ...).
    """

    kind: str
    pointer: str
    message: str
    expected: Any = None
    actual: Any = None

    def as_dict(self) -> dict[str, Any]:
        """The difference as JSON data (for reports)."""
        return {
            "kind": self.kind,
            "pointer": self.pointer,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
        }

    def line(self) -> str:
        """``kind  /pointer: message``, aligned for a report."""
        where = self.pointer or "(status)"
        return f"{self.kind:<22} {where}: {self.message}"

    def compact(self) -> str:
        """``kind /pointer: message`` on one line, unaligned."""
        return f"{self.kind} {self.pointer or '(status)'}: {self.message}"


@dataclass
class Drift:
    """How one exchange compares with its action's contract.

    Attributes:
        action: the action's key (``interactor/gmail:email.list``).
        status: the response's HTTP status.
        input_problems: why the request's input is invalid per the contract (empty: valid).
        differences: every difference found, by pointer.
    """

    action: str
    status: int
    input_problems: list[Problem] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the response conforms to the contract."""
        return not self.differences

    @property
    def kinds(self) -> list[str]:
        """The distinct kinds of difference, in :data:`DRIFT_KINDS` order."""
        found = {d.kind for d in self.differences}
        return [kind for kind in DRIFT_KINDS if kind in found]

    def as_dict(self) -> dict[str, Any]:
        """The comparison as JSON data (for reports)."""
        return {
            "action": self.action,
            "status": self.status,
            "requestValid": not self.input_problems,
            "requestProblems": [p.as_dict() for p in self.input_problems],
            "differences": [d.as_dict() for d in self.differences],
        }

    def report(self, *, indent: str = "  ", render: Callable[[str], str] | None = None) -> str:
        """Every difference, one per line (``render`` may scrub each line first)."""
        lines = [d.line() for d in self.differences]
        if render is not None:
            lines = [render(line) for line in lines]
        return "\n".join(indent + line for line in lines)


def expected_statuses(action: Action, *, input_valid: bool = True) -> list[int]:
    """The statuses the contract documents for a request: 200 for a valid input (400 for an
    invalid one), plus every error the action lists."""
    statuses = {OK_STATUS if input_valid else BAD_REQUEST}
    statuses.update(int(error["status"]) for error in action.errors)
    return sorted(statuses)


def compare_response(
    action: Action,
    *,
    status: int,
    body: Any,
    input: Any = None,
    request_ok: bool = True,
) -> Drift:
    """Compare one response of ``action`` with its contract.

    Arguments:
        action: the action called.
        status: the response's HTTP status.
        body: the parsed JSON body (``None`` when it was not JSON).
        input: the request's JSON body; ``None`` when unknown (then it is not checked).
        request_ok: ``False`` when the request was broken on purpose outside its input (no
            ``account``, a foreign API key): any 4xx answer is then accepted.

    Returns:
        The :class:`Drift`, with every difference found.
    """
    input_problems = action.input_problems(input) if input is not None else []
    input_valid = not input_problems
    drift = Drift(action=action.key, status=status, input_problems=input_problems)
    out = drift.differences
    if status == OK_STATUS:
        if not input_valid:
            first = input_problems[0]
            out.append(
                Difference(
                    INVALID_INPUT_ACCEPTED,
                    "",
                    f"the API answered 200 to an input the contract rejects "
                    f"({first.path or '/'}: {first.message})",
                    expected=BAD_REQUEST,
                    actual=status,
                )
            )
        out.extend(_success_body(action, body))
        return drift
    documented = expected_statuses(action, input_valid=input_valid)
    if status not in documented and not (not request_ok and 400 <= status < 500):
        error = body.get("error") if isinstance(body, Mapping) else None
        said = f"; the API said {shown(error)}" if error is not None else ""
        why = (
            " for an input the contract says is valid"
            if status == BAD_REQUEST and input_valid and input is not None
            else ""
        )
        out.append(
            Difference(
                UNEXPECTED_STATUS,
                "",
                f"status {status}{why} is not in the contract "
                f"(documented: {', '.join(map(str, documented))}){said}",
                expected=documented,
                actual=status,
            )
        )
    out.extend(_error_body(body))
    return drift


def _success_body(action: Action, body: Any) -> list[Difference]:
    if not isinstance(body, Mapping):
        return [
            Difference(
                BAD_ENVELOPE,
                "",
                f'a 200 body must be a JSON object {{"output": ...}}, not {json_type(body)}'
                + (f" {shown(body)}" if body is not None else " (or not JSON)"),
                expected="object",
                actual=json_type(body),
            )
        ]
    found: list[Difference] = []
    if "output" not in body:
        found.append(
            Difference(
                MISSING_FIELD,
                "/output",
                'required by the contract (every 200 answer is {"output": ...}), absent',
                expected="required",
                actual=None,
            )
        )
    for key in body:
        if key != "output":
            found.append(_unknown(pointer(key), body[key]))
    if "output" in body:
        found.extend(compare_output(action, body["output"]))
    return found


def _error_body(body: Any) -> list[Difference]:
    if isinstance(body, Mapping) and isinstance(body.get("error"), str):
        return []
    return [
        Difference(
            BAD_ENVELOPE,
            "/error",
            'an error body must be {"error": "<message>"}, not '
            + (shown(body) if body is not None else "a non-JSON body"),
            expected='{"error": string}',
            actual=json_type(body),
        )
    ]


def compare_output(action: Action, output: Any, *, at: str = "/output") -> list[Difference]:
    """Every difference between an action's ``output`` and its output schema.

    Pointers start with ``at`` (the output's place in the response body).
    """
    found = schema_differences(action.output_schema, output, at=at)
    if not found:
        # A keyword the walker does not interpret: fall back to jsonschema's own verdict.
        found = [
            Difference(INVALID_VALUE, at + p.path, p.message)
            for p in action.output_problems(output)
        ]
    return found


def schema_differences(schema: Any, value: Any, *, at: str = "") -> list[Difference]:
    """Every difference between ``value`` and a (compiled, Draft 2020-12) JSON Schema.

    Unlike plain validation, an object schema that lists ``properties`` and says nothing of
    ``additionalProperties`` is closed: an unlisted field is an ``unknown-field``. Within
    ``anyOf``/``oneOf`` the closest branch is reported.
    """
    found: list[Difference] = []
    _walk(schema, value, at, found)
    return sorted(found, key=lambda d: (d.pointer, d.kind, d.message))


def _types(schema: Mapping[str, Any]) -> list[str] | None:
    kind = schema.get("type")
    if kind is None:
        return None
    return [kind] if isinstance(kind, str) else list(kind)


def _type_allows(types: list[str], actual: str) -> bool:
    return actual in types or (actual == "integer" and "number" in types)


def _unknown(where: str, value: Any) -> Difference:
    return Difference(
        UNKNOWN_FIELD,
        where,
        f"not in the contract; the response has {shown(value)} ({json_type(value)})",
        expected=None,
        actual=json_type(value),
    )


def _walk(schema: Any, value: Any, at: str, out: list[Difference]) -> None:
    if schema is True or not isinstance(schema, Mapping):
        return
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches:
            base = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
            _walk(_closest(base, branches, value, at), value, at, out)
            return
    types = _types(schema)
    actual = json_type(value)
    if types is not None and not _type_allows(types, actual):
        expected = " or ".join(types)
        out.append(
            Difference(
                TYPE_CHANGED,
                at,
                f"the contract says {expected}, the response has {shown(value)} ({actual})",
                expected=types[0] if len(types) == 1 else types,
                actual=actual,
            )
        )
        return
    if isinstance(value, Mapping):
        _walk_object(schema, value, at, out)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, Mapping):
            for index, item in enumerate(value):
                _walk(items, item, at + pointer(index), out)
    leaf = {k: schema[k] for k in _LEAF_KEYWORDS if k in schema}
    if leaf:
        for error in _leaf_validator(json.dumps(leaf, sort_keys=True)).iter_errors(value):
            out.append(
                Difference(
                    INVALID_VALUE,
                    at,
                    f"{error.message} (keyword {error.validator})",
                    expected={str(error.validator): error.validator_value},
                    actual=value if not isinstance(value, (dict, list)) else actual,
                )
            )


def _walk_object(
    schema: Mapping[str, Any], value: Mapping[str, Any], at: str, out: list[Difference]
) -> None:
    properties = schema.get("properties")
    extra = schema.get("additionalProperties")
    for name in schema.get("required", []):
        if name not in value:
            out.append(
                Difference(
                    MISSING_FIELD,
                    at + pointer(name),
                    "required by the contract, absent from the response",
                    expected="required",
                    actual=None,
                )
            )
    for key, item in value.items():
        here = at + pointer(key)
        if isinstance(properties, Mapping) and key in properties:
            _walk(properties[key], item, here, out)
        elif isinstance(extra, Mapping):
            _walk(extra, item, here, out)
        elif extra is False or (extra is None and isinstance(properties, Mapping)):
            out.append(_unknown(here, item))


def _closest(base: Mapping[str, Any], branches: list[Any], value: Any, at: str) -> Any:
    """The ``anyOf``/``oneOf`` branch (merged with the keywords beside it) the value fits
    best: the first without differences, else one of the value's own type with the fewest."""
    best: Any = None
    best_score = (2, 0)
    for branch in branches:
        merged = {**base, **branch} if isinstance(branch, Mapping) else branch
        found: list[Difference] = []
        _walk(merged, value, at, found)
        if not found:
            return merged
        wrong_type = any(d.kind == TYPE_CHANGED and d.pointer == at for d in found)
        score = (int(wrong_type), len(found))
        if best is None or score < best_score:
            best, best_score = merged, score
    return best


@functools.lru_cache(maxsize=1024)
def _leaf_validator(schema_text: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_text), format_checker=FORMAT_CHECKER)
