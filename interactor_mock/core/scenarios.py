"""Scenarios: errors and latency on demand, per environment.

A rule matches calls by connector, action (a name or a glob such as ``email.*``), account,
and count (let ``after`` calls through, then apply ``times`` times), and may expire. Kinds:

``error``
    a fixed status and error (``{"error": message}``, or a whole ``body``), with optional
    headers: the real service's transient errors are ``Timeout``, ``Connector token is
    unauthorized`` and ``econnrefused`` (500).
``rate_limit``
    429 with ``Retry-After``.
``latency``
    a delay, fixed or drawn from a seeded distribution; the call is then answered as usual
    (latency rules stack with each other and with one answering rule).
``credential_expired``
    the account's credential expires and loses its refresh token: this call and every later
    one fail with ``Connector token is unauthorized`` until the account connects again.
``provider_error``
    a ``-v1`` connector's provider error: a successful execute whose output is
    ``{"status_code": 4xx/5xx, "body": {"error": {code, message, status}}}``.

Any rule may also carry a ``latency``. A ``Prefer`` request header applies a rule to one call
(:func:`parse_prefer`): ``Prefer: code=429``, ``Prefer: code=500, error="Timeout"``,
``Prefer: latency=250``, ``Prefer: provider-status=404``, ``Prefer: credential=expired``.
"""

from __future__ import annotations

import fnmatch
import math
import random
import re
import time
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.core.environments import Environment
from interactor_mock.core.generate import seed_for
from interactor_mock.core.oauth import CREDENTIAL_KIND
from interactor_mock.core.oauth import Credential
from interactor_mock.core.oauth import credential_key
from interactor_mock.core.resources import is_provider_shaped
from interactor_mock.core.resources import provider_error_output
from interactor_mock.errors import InvalidScenario
from interactor_mock.errors import ScenarioAnswer
from interactor_mock.errors import UnknownAction
from interactor_mock.errors import UnknownConnector
from interactor_mock.errors import UnknownScenario

if TYPE_CHECKING:
    from interactor_mock.contracts import Action
    from interactor_mock.core.engine import Engine
    from interactor_mock.core.execute import ActionCall

__all__ = [
    "ECONNREFUSED",
    "KINDS",
    "RATE_LIMITED",
    "TIMEOUT",
    "TOKEN_UNAUTHORIZED",
    "Applied",
    "Latency",
    "Rule",
    "Scenarios",
    "parse_prefer",
    "parse_rule",
]

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
_PREFER_ITEM = re.compile(r'([A-Za-z][\w-]*)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^,;\s]*))?')


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
    data: Mapping[str, Any], *, engine: Engine, rule_id: str = "", order: int = 0
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
            contract = engine.registry.connector(connector, owner)
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
        catalog = engine.resources.catalog
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
        if not _is_number(expires_in) or expires_in <= 0:
            raise InvalidScenario("expiresIn must be a number of seconds > 0", field="expiresIn")
        expires_at = engine.now() + timedelta(seconds=float(expires_in))
    elif data.get("expiresAt") is not None:
        text = _str_field(data, "expiresAt") or ""
        try:
            expires_at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidScenario("expiresAt must be an ISO 8601 time", field="expiresAt") from None
        if expires_at.tzinfo is None:
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


def parse_prefer(
    header: str | None, *, engine: Engine, action: Action | None = None
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
        rule = parse_rule(data, engine=engine, rule_id=label)
    except InvalidScenario as exc:
        raise InvalidScenario(f"Prefer header: {exc.message}", **exc.extra) from None
    return replace(rule, times=1)


class Scenarios:
    """The scenario rules of every environment, over the engine's store.

    Arguments:
        engine: the engine (store, clock, registry, resources).
        sleep: how latency waits; tests replace it.
    """

    def __init__(self, engine: Engine, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.engine = engine
        self.sleep = sleep

    @property
    def max_latency_ms(self) -> float:
        return float(self.engine.config.max_latency_ms)

    def add(self, environment: Environment, rule: Mapping[str, Any]) -> Rule:
        """Add a rule from its JSON form; it applies after the rules already there.

        Raises:
            InvalidScenario: naming the bad field.
        """
        parse_rule(rule, engine=self.engine)  # check before taking a number
        number = self._next_number(environment)
        parsed = parse_rule(rule, engine=self.engine, rule_id=f"rule-{number}", order=number)
        self.engine.store.put(environment.id, RULE_KIND, parsed.id, parsed)
        return parsed

    def scenario(
        self,
        environment: Environment,
        connector: str | None = None,
        action: str | None = None,
        *,
        kind: str | None = None,
        account: str | None = None,
        owner: str | None = None,
        status: int | None = None,
        error: str | None = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        retry_after: int | None = None,
        latency: float | Mapping[str, Any] | None = None,
        times: int | None = None,
        after: int = 0,
        expires_in: float | None = None,
        name: str | None = None,
    ) -> Rule:
        """Add a rule (keyword form of :meth:`add`); see the module's documentation."""
        data = {
            "kind": kind,
            "connector": connector,
            "action": action,
            "account": account,
            "owner": owner,
            "status": status,
            "error": error,
            "body": body,
            "headers": headers,
            "retryAfter": retry_after,
            "latency": latency,
            "times": times,
            "after": after or None,
            "expiresIn": expires_in,
            "name": name,
        }
        return self.add(environment, {k: v for k, v in data.items() if v is not None})

    def fail_next(
        self,
        environment: Environment,
        connector: str,
        action: str,
        *,
        status: int = 500,
        error: str = TIMEOUT,
        times: int = 1,
        account: str | None = None,
        owner: str | None = None,
    ) -> Rule:
        """Fail the next ``times`` calls of an action with ``status`` ``{"error": error}``."""
        return self.scenario(
            environment,
            connector,
            action,
            status=status,
            error=error,
            times=times,
            account=account,
            owner=owner,
        )

    def rules(self, environment: Environment) -> list[Rule]:
        """The environment's live rules, in the order they apply (expired ones dropped)."""
        now = self.engine.now()
        found: list[Rule] = []
        for key, rule in self.engine.store.items(environment.id, RULE_KIND):
            if not isinstance(rule, Rule):
                continue
            if rule.expired(now):
                self.engine.store.delete(environment.id, RULE_KIND, key)
                continue
            found.append(rule)
        return sorted(found, key=lambda r: r.order)

    def rule(self, environment: Environment, rule_id: str) -> Rule:
        """Raises UnknownScenario."""
        found = self.engine.store.get(environment.id, RULE_KIND, rule_id)
        if not isinstance(found, Rule) or found.expired(self.engine.now()):
            raise UnknownScenario(f"Scenario rule {rule_id!r} not found (it may be used up)")
        return found

    def remove(self, environment: Environment, rule_id: str) -> None:
        """Raises UnknownScenario."""
        self.rule(environment, rule_id)
        self.engine.store.delete(environment.id, RULE_KIND, rule_id)

    def clear(self, environment: Environment) -> None:
        for key, _ in self.engine.store.items(environment.id, RULE_KIND):
            self.engine.store.delete(environment.id, RULE_KIND, key)

    def _next_number(self, environment: Environment) -> int:
        new = self.engine.store.update(environment.id, SEQ_KIND, "next", lambda old: (old or 0) + 1)
        return int(new or 0)

    def expire_credential(
        self, environment: Environment, connector: str, account: str, *, owner: str = DEFAULT_OWNER
    ) -> Credential:
        """Make an account's credential expired and unrefreshable, as when the user revoked
        access at the provider: calls fail until the account connects again.

        Raises:
            CredentialNotFound: the account has no credential for the connector.
        """
        oauth = self.engine.oauth
        credential = oauth.credential(environment.id, owner, connector, account)
        now = self.engine.now()
        expired = replace(
            credential,
            expires_at=min(credential.expires_at, now - timedelta(seconds=1)),
            refresh_token="",
            updated_at=now,
        )
        self.engine.store.put(
            environment.id, CREDENTIAL_KIND, credential_key(owner, connector, account), expired
        )
        return expired

    def _use(self, environment: Environment, rule: Rule) -> Rule | None:
        """Count a matching call against a stored rule; the rule as applied, or None."""
        applied: list[Rule] = []
        now = self.engine.now()

        def change(old: Any) -> Any:
            if not isinstance(old, Rule) or old.expired(now):
                return None
            seen = old.seen + 1
            if seen <= old.after:
                return replace(old, seen=seen)
            new = replace(old, seen=seen, used=old.used + 1)
            applied.append(new)
            return None if new.times is not None and new.used >= new.times else new

        self.engine.store.update(environment.id, RULE_KIND, rule.id, change)
        return applied[0] if applied else None

    def apply(self, call: ActionCall, *, prefer: str | None = None) -> Applied | None:
        """The scenario step of a call: wait, then fail it, or give the output to answer.

        Returns None when no rule applies; an :class:`Applied` when rules applied but the call
        goes on (latency), or answers with a provider error.

        Raises:
            ScenarioAnswer: a rule answers the call with an error.
            InvalidScenario: a bad ``Prefer`` header.
        """
        environment, action = call.environment, call.action
        one_call = parse_prefer(prefer, engine=self.engine, action=action)
        candidates = ([one_call] if one_call is not None else []) + self.rules(environment)
        delay_ms = 0.0
        answering: Rule | None = None
        labels: list[str] = []
        for rule in candidates:
            if not rule.matches(action.owner, action.connector, action.name, call.account):
                continue
            if rule.answers and answering is not None:
                continue
            used = rule if rule is one_call else self._use(environment, rule)
            if used is None:
                continue
            labels.append(used.label)
            if used.latency is not None:
                rng = random.Random(seed_for(environment.seed, "latency", used.id, used.seen))
                delay_ms += used.latency.draw_ms(rng)
            if used.answers:
                answering = used
        if not labels:
            return None
        if delay_ms > 0:
            self.sleep(min(delay_ms, self.max_latency_ms) / 1000)
        label = ", ".join(labels)
        if answering is None:
            return Applied(label)
        return self._answer(call, answering, label)

    def _answer(self, call: ActionCall, rule: Rule, label: str) -> Applied:
        action = call.action
        if rule.kind == "provider_error":
            if not is_provider_shaped(self.engine.resources.catalog.success_schema(action)):
                raise InvalidScenario(
                    f"provider_error applies to -v1 connectors only; {action.key} is not one",
                    field="kind",
                )
            output = provider_error_output(
                rule.status, rule.message(), reason=PROVIDER_REASONS.get(rule.status, "error")
            )
            if rule.body is not None:
                output["body"] = dict(rule.body)
            return Applied(label, output=output, has_output=True)
        headers = dict(rule.headers)
        body = dict(rule.body) if rule.body is not None else None
        if rule.kind == "rate_limit":
            headers.setdefault("Retry-After", str(rule.retry_after or 0))
        if rule.kind == "credential_expired":
            self.expire_credential(
                call.environment, action.connector, call.account, owner=action.owner
            )
            body = body or {
                "error": rule.message(),
                "detail": REAUTHORIZE.format(
                    account=call.account, connector=f"{action.owner}/{action.connector}"
                ),
            }
        raise ScenarioAnswer(
            rule.message(), status=rule.status, scenario=label, headers=headers, body=body
        )
