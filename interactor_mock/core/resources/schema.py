"""Output schemas as resources read them: success branches, sub-schemas, provider errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from interactor_mock.core.resources.paths import _parts

#: Title of the output branch that describes a provider's error body (``-v1`` connectors);
#: generation leaves it out, so generated answers are successes.
PROVIDER_ERROR_TITLE = "providerError"


GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    410: "GONE",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def success_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` without the branches that describe a provider's error body."""
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("anyOf", "oneOf") and isinstance(value, list):
            kept = [
                success_schema(branch)
                for branch in value
                if not (isinstance(branch, Mapping) and branch.get("title") == PROVIDER_ERROR_TITLE)
            ]
            if len(kept) == 1 and not any(k in result for k in kept[0]):
                # A single branch left: inline it, so generation draws exactly what it drew
                # before the error branch was declared.
                result.update(kept[0])
            else:
                result[key] = kept
        elif key == "properties" and isinstance(value, Mapping):
            result[key] = {name: success_schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, Mapping):
            result[key] = success_schema(value)
        else:
            result[key] = value
    return result


def schema_at(schema: Mapping[str, Any] | None, path: str) -> Mapping[str, Any] | None:
    """The sub-schema at a dotted path of an instance (through ``properties``)."""
    node: Mapping[str, Any] | None = schema
    for part in _parts(path):
        if node is None:
            return None
        properties = node.get("properties")
        if isinstance(properties, Mapping) and part in properties:
            node = properties[part]
            continue
        found = None
        for key in ("anyOf", "oneOf"):
            for branch in node.get(key, ()):
                sub = schema_at(branch, part)
                if sub is not None:
                    found = sub
                    break
        node = found
    return node


def allows_null(schema: Mapping[str, Any] | None) -> bool:
    if schema is None:
        return True
    kind = schema.get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind)


def is_provider_shaped(schema: Mapping[str, Any]) -> bool:
    """Whether an output is a ``-v1`` connector's ``{status_code, body}``."""
    properties = schema.get("properties", {})
    return isinstance(properties, Mapping) and {"status_code", "body"} <= set(properties)


def provider_error_output(
    status: int, message: str, *, reason: str | None = None, errors: bool = True
) -> dict[str, Any]:
    """A ``-v1`` output carrying a Google-style provider error (``output.body.error``)."""
    error: dict[str, Any] = {
        "code": status,
        "message": message,
        "status": GOOGLE_STATUS.get(status, "UNKNOWN"),
    }
    if errors and reason is not None:
        error["errors"] = [{"domain": "global", "reason": reason, "message": message}]
    return {"status_code": status, "body": {"error": error}}
