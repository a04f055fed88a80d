"""Scenario rules: what a rule matches (connector, action, account), what it does, and how
a rule document from the control API or the fixture is parsed and checked."""

from __future__ import annotations

import fnmatch
import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.core.resources import is_provider_shaped
from interactor_mock.core.times import parse_time
from interactor_mock.errors import InvalidScenario
from interactor_mock.errors import UnknownAction
from interactor_mock.errors import UnknownConnector

if TYPE_CHECKING:
    from interactor_mock.contracts import ContractRegistry
    from interactor_mock.core.resources import ResourceCatalog


#: The real service's transient errors (observed in clients that retry them).
TIMEOUT = "Timeout"


TOKEN_UNAUTHORIZED = "Connector token is unauthorized"


ECONNREFUSED = "econnrefused"


#: The text of a rate-limited call (inferred: no source shows Interactor's).
RATE_LIMITED = "Too Many Requests"


REAUTHORIZE = (
    "The credential of account {account!r} on '{connector}' has expired and has no refresh "
    "token: the account must connect again (auth-url)"
)


#: The longest ``expiresIn`` of a rule (ten years, in seconds).
MAX_EXPIRES_IN = 10 * 365 * 24 * 3600
KINDS = ("error", "rate_limit", "latency", "credential_expired", "provider_error")


DISTRIBUTIONS = ("fixed", "uniform", "normal", "exponential", "lognormal")


RULE_KIND = "scenario-rule"


SEQ_KIND = "scenario-seq"


PROVIDER_REASONS = {
    400: "badRequest",
    401: "authError",
    403: "forbidden",
    404: "notFound",
    409: "conflict",
    429: "rateLimitExceeded",
    500: "backendError",
    503: "backendError",
}


_GLOB = re.compile(r"[*?\[]")


def phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@dataclass(frozen=True)
class Latency:
    """A delay: ``ms`` fixed, or drawn per call from a seeded distribution.

    ``uniform`` uses ``min``/``max``; ``normal`` and ``lognormal`` ``mean``/``stddev``
    (of the delay itself, in ms); ``exponential`` ``mean``. Draws are clipped at 0 and at
    the engine's ``max_latency_ms``.
    """

    distribution: str = "fixed"
    ms: float = 0.0
    min: float = 0.0
    max: float = 0.0
    mean: float = 0.0
    stddev: float = 0.0

    def draw_ms(self, rng: random.Random) -> float:
        if self.distribution == "uniform":
            value = rng.uniform(self.min, self.max)
        elif self.distribution == "normal":
            value = rng.gauss(self.mean, self.stddev)
        elif self.distribution == "exponential":
            value = rng.expovariate(1 / self.mean) if self.mean > 0 else 0.0
        elif self.distribution == "lognormal":
            # Parameters of the underlying normal that give this mean and deviation.
            if self.mean <= 0:
                return 0.0
            sigma2 = math.log(1 + (self.stddev / self.mean) ** 2)
            value = rng.lognormvariate(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2))
        else:
            value = self.ms
        return max(0.0, value)

    def to_json(self) -> dict[str, Any]:
        """The plain JSON form the stores keep."""
        return {
            "distribution": self.distribution,
            "ms": self.ms,
            "min": self.min,
            "max": self.max,
            "mean": self.mean,
            "stddev": self.stddev,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Latency:
        return cls(**data)

    def public(self) -> dict[str, Any]:
        if self.distribution == "fixed":
            return {"ms": self.ms}
        keys = {
            "uniform": ("min", "max"),
            "normal": ("mean", "stddev"),
            "lognormal": ("mean", "stddev"),
            "exponential": ("mean",),
        }[self.distribution]
        return {"distribution": self.distribution, **{k: getattr(self, k) for k in keys}}

    @classmethod
    def parse(cls, value: Any, *, field_name: str = "latency") -> Latency:
        """From ``250`` (ms), ``{"ms": 250}`` or ``{"distribution": ..., ...}``.

        Raises:
            InvalidScenario: naming the field.
        """
        if _is_number(value):
            return cls._checked(cls(ms=float(value)), field_name)
        if not isinstance(value, Mapping):
            raise InvalidScenario(
                f"{field_name} must be milliseconds or an object", field=field_name
            )
        distribution = value.get("distribution", "fixed")
        if distribution not in DISTRIBUTIONS:
            raise InvalidScenario(
                f"{field_name}.distribution must be one of {', '.join(DISTRIBUTIONS)}",
                field=f"{field_name}.distribution",
            )
        numbers: dict[str, float] = {}
        for key in ("ms", "min", "max", "mean", "stddev"):
            if key in value:
                if not _is_number(value[key]) or value[key] < 0:
                    raise InvalidScenario(
                        f"{field_name}.{key} must be a number >= 0", field=f"{field_name}.{key}"
                    )
                numbers[key] = float(value[key])
        unknown = set(value) - {"distribution", "ms", "min", "max", "mean", "stddev"}
        if unknown:
            name = sorted(unknown)[0]
            raise InvalidScenario(
                f"{field_name}.{name} is not a latency setting", field=f"{field_name}.{name}"
            )
        return cls._checked(cls(distribution=distribution, **numbers), field_name)

    @classmethod
    def _checked(cls, latency: Latency, field_name: str) -> Latency:
        if latency.ms < 0:
            raise InvalidScenario(f"{field_name} must be >= 0 ms", field=field_name)
        if latency.distribution == "uniform" and latency.max < latency.min:
            raise InvalidScenario(f"{field_name}.max must be >= min", field=f"{field_name}.max")
        return latency


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Rule:
    """One scenario rule of an environment (see the module's documentation for the kinds)."""

    id: str
    kind: str
    owner: str = DEFAULT_OWNER
    connector: str | None = None
    action: str | None = None
    account: str | None = None
    times: int | None = None
    after: int = 0
    expires_at: datetime | None = None
    status: int = 500
    error: str | None = None
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    retry_after: int | None = None
    latency: Latency | None = None
    name: str | None = None
    order: int = 0
    seen: int = 0
    used: int = 0

    @property
    def label(self) -> str:
        """How the journal names the rule."""
        return self.name or self.id

    @property
    def answers(self) -> bool:
        """Whether the rule answers the call (every kind but ``latency``)."""
        return self.kind != "latency"

    def matches(self, owner: str, connector: str, action: str, account: str) -> bool:
        if self.connector is not None and (self.owner, self.connector) != (owner, connector):
            return False
        if self.account is not None and self.account != account:
            return False
        return self.action is None or fnmatch.fnmatchcase(action, self.action)

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else self.times - self.used

    def message(self) -> str:
        if self.error is not None:
            return self.error
        if self.kind == "rate_limit":
            return RATE_LIMITED
        if self.kind == "credential_expired":
            return TOKEN_UNAUTHORIZED
        return phrase(self.status)

    def to_json(self) -> dict[str, Any]:
        """The plain JSON form the stores keep (``expires_at`` as an ISO string)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "owner": self.owner,
            "connector": self.connector,
            "action": self.action,
            "account": self.account,
            "times": self.times,
            "after": self.after,
            "expires_at": None if self.expires_at is None else self.expires_at.isoformat(),
            "status": self.status,
            "error": self.error,
            "body": None if self.body is None else dict(self.body),
            "headers": dict(self.headers),
            "retry_after": self.retry_after,
            "latency": None if self.latency is None else self.latency.to_json(),
            "name": self.name,
            "order": self.order,
            "seen": self.seen,
            "used": self.used,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rule:
        fields = dict(data)
        if fields["expires_at"] is not None:
            fields["expires_at"] = datetime.fromisoformat(fields["expires_at"])
        if fields["latency"] is not None:
            fields["latency"] = Latency.from_json(fields["latency"])
        return cls(**fields)

    def public(self) -> dict[str, Any]:
        """The JSON form served by the control API."""
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "connector": f"{self.owner}/{self.connector}" if self.connector else None,
            "action": self.action,
            "account": self.account,
            "times": self.times,
            "after": self.after,
            "seen": self.seen,
            "used": self.used,
            "remaining": self.remaining,
            "expiresAt": self.expires_at.isoformat().replace("+00:00", "Z")
            if self.expires_at
            else None,
        }
        if self.kind != "latency":
            data["status"] = self.status
            data["error"] = self.message()
        if self.body is not None:
            data["body"] = dict(self.body)
        if self.headers:
            data["headers"] = dict(self.headers)
        if self.retry_after is not None:
            data["retryAfter"] = self.retry_after
        if self.latency is not None:
            data["latency"] = self.latency.public()
        return data


@dataclass(frozen=True)
class Applied:
    """What the scenario step decided for a call that it did not fail: which rules applied,
    and the output to answer with (a provider error), if any."""

    label: str
    output: Any = None
    has_output: bool = False


_RULE_KEYS = {
    "kind",
    "name",
    "owner",
    "connector",
    "action",
    "account",
    "times",
    "after",
    "expiresIn",
    "expiresAt",
    "status",
    "error",
    "body",
    "headers",
    "retryAfter",
    "latency",
}


def _int_field(
    data: Mapping[str, Any], key: str, *, low: int, high: int | None = None
) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or value < low
        or (high is not None and value > high)
    ):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise InvalidScenario(f"{key} must be an integer {bound}", field=key)
    return value


def _str_field(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidScenario(f"{key} must be a non-empty string", field=key)
    return value


def parse_rule(
    data: Mapping[str, Any],
    *,
    registry: ContractRegistry,
    catalog: ResourceCatalog,
    now: datetime,
    rule_id: str = "",
    order: int = 0,
) -> Rule:
    """A rule from its JSON form (camelCase keys, as the control API takes them).

    Raises:
        InvalidScenario: naming the first bad field.
    """
    if not isinstance(data, Mapping):
        raise InvalidScenario("A scenario rule must be a JSON object")
    unknown = sorted(set(data) - _RULE_KEYS)
    if unknown:
        raise InvalidScenario(
            f"{unknown[0]!r} is not a scenario field (known: {', '.join(sorted(_RULE_KEYS))})",
            field=unknown[0],
        )
    kind = _str_field(data, "kind")
    status = _int_field(data, "status", low=400, high=599)
    retry_after = _int_field(data, "retryAfter", low=0)
    latency = Latency.parse(data["latency"]) if data.get("latency") is not None else None
    if kind is None:
        if retry_after is not None or status == 429:
            kind = "rate_limit"
        elif latency is not None and status is None and data.get("error") is None:
            kind = "latency"
        else:
            kind = "error"
    if kind not in KINDS:
        raise InvalidScenario(f"kind must be one of {', '.join(KINDS)}", field="kind")
    if kind == "latency" and latency is None:
        raise InvalidScenario("a latency rule needs latency", field="latency")
    owner = _str_field(data, "owner") or DEFAULT_OWNER
    connector = _str_field(data, "connector")
    if connector is not None and "/" in connector:
        owner, connector = connector.split("/", 1)
    action = _str_field(data, "action")
    contract = None
    if connector is not None:
        try:
            contract = registry.connector(connector, owner)
        except UnknownConnector as exc:
            raise InvalidScenario(exc.message, field="connector", **exc.extra) from None
    if action is not None and contract is not None and not _GLOB.search(action):
        try:
            contract.action(action)
        except UnknownAction as exc:
            raise InvalidScenario(exc.message, field="action", **exc.extra) from None
    if kind == "provider_error":
        if contract is None:
            raise InvalidScenario("a provider_error rule needs a connector", field="connector")
        names = [n for n in contract.actions if action is None or fnmatch.fnmatchcase(n, action)]
        plain = [
            n for n in names if not is_provider_shaped(catalog.success_schema(contract.actions[n]))
        ]
        if plain or not names:
            raise InvalidScenario(
                f"provider_error applies to -v1 connectors only (output {{status_code, body}}); "
                f"'{contract.key}' {plain[0] if plain else action!r} is not one",
                field="kind",
            )
    if kind == "rate_limit":
        status = status or 429
        retry_after = 1 if retry_after is None else retry_after
    headers = data.get("headers") or {}
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise InvalidScenario("headers must be an object of strings", field="headers")
    body = data.get("body")
    if body is not None and not isinstance(body, Mapping):
        raise InvalidScenario("body must be a JSON object", field="body")
    error = data.get("error")
    if error is not None and not isinstance(error, str):
        raise InvalidScenario("error must be a string", field="error")
    expires_at = None
    expires_in = data.get("expiresIn")
    if expires_in is not None:
        if not _is_number(expires_in) or not 0 < expires_in <= MAX_EXPIRES_IN:
            raise InvalidScenario(
                f"expiresIn must be a number of seconds > 0 and at most {MAX_EXPIRES_IN} "
                "(ten years)",
                field="expiresIn",
            )
        expires_at = now + timedelta(seconds=float(expires_in))
    elif data.get("expiresAt") is not None:
        text = _str_field(data, "expiresAt") or ""
        expires_at = parse_time(text)
        if expires_at is None:
            try:
                datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise InvalidScenario(
                    "expiresAt must be an ISO 8601 time", field="expiresAt"
                ) from None
            raise InvalidScenario("expiresAt needs a time zone (e.g. Z)", field="expiresAt")
    return Rule(
        id=rule_id,
        kind=kind,
        owner=owner,
        connector=contract.name if contract is not None else None,
        action=action,
        account=_str_field(data, "account"),
        times=_int_field(data, "times", low=1),
        after=_int_field(data, "after", low=0) or 0,
        expires_at=expires_at,
        status=status or 500,
        error=error,
        body=body,
        headers=dict(headers),
        retry_after=retry_after,
        latency=latency,
        name=_str_field(data, "name"),
        order=order,
    )
