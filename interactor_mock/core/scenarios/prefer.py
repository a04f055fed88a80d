"""The ``Prefer`` request header: a one-call scenario chosen by the client (``code=429``)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.core.scenarios.rules import Rule
from interactor_mock.core.scenarios.rules import parse_rule
from interactor_mock.errors import InvalidScenario

if TYPE_CHECKING:
    from datetime import datetime

    from interactor_mock.contracts import Action
    from interactor_mock.contracts import ContractRegistry
    from interactor_mock.core.resources import ResourceCatalog


_PREFER_ITEM = re.compile(r'([A-Za-z][\w-]*)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^,;\s]*))?')


def parse_prefer(
    header: str | None,
    *,
    registry: ContractRegistry,
    catalog: ResourceCatalog,
    now: datetime,
    action: Action | None = None,
) -> Rule | None:
    """The one-call rule a ``Prefer`` header asks for (for ``action``), or None.

    Preferences this mock does not know are ignored (RFC 7240); known ones with a bad value
    raise :class:`InvalidScenario` naming the preference.
    """
    if not header:
        return None
    found: dict[str, str] = {}
    for match in _PREFER_ITEM.finditer(header):
        name, value = match.group(1).lower(), match.group(2) or ""
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"')
        found[name] = value
    data: dict[str, Any] = {}

    def number(name: str) -> int:
        try:
            return int(found[name])
        except ValueError:
            raise InvalidScenario(
                f"Prefer: {name} must be an integer, not {found[name]!r}", field=f"Prefer.{name}"
            ) from None

    if "code" in found:
        data["status"] = number("code")
    if "error" in found:
        data["error"] = found["error"]
    if "retry-after" in found:
        data["retryAfter"] = number("retry-after")
    if "latency" in found:
        data["latency"] = number("latency")
    if "provider-status" in found:
        data["kind"] = "provider_error"
        data["status"] = number("provider-status")
    if found.get("credential") == "expired":
        data["kind"] = "credential_expired"
    if not data:
        return None
    if action is not None:
        data.update(owner=action.owner, connector=action.connector, action=action.name)
    label = "prefer:" + ", ".join(f"{k}={v}" for k, v in sorted(found.items()))
    try:
        rule = parse_rule(data, registry=registry, catalog=catalog, now=now, rule_id=label)
    except InvalidScenario as exc:
        raise InvalidScenario(f"Prefer header: {exc.message}", **exc.extra) from None
    return replace(rule, times=1)
