"""The scenarios service: stores an environment's rules and applies them to each call."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.core.environments import Environment
from interactor_mock.core.generate import seed_for
from interactor_mock.core.resources import is_provider_shaped
from interactor_mock.core.resources import provider_error_output
from interactor_mock.core.scenarios.prefer import parse_prefer
from interactor_mock.core.scenarios.rules import PROVIDER_REASONS
from interactor_mock.core.scenarios.rules import REAUTHORIZE
from interactor_mock.core.scenarios.rules import RULE_KIND
from interactor_mock.core.scenarios.rules import SEQ_KIND
from interactor_mock.core.scenarios.rules import TIMEOUT
from interactor_mock.core.scenarios.rules import Applied
from interactor_mock.core.scenarios.rules import Rule
from interactor_mock.core.scenarios.rules import parse_rule
from interactor_mock.errors import InvalidScenario
from interactor_mock.errors import ScenarioAnswer
from interactor_mock.errors import UnknownScenario
from interactor_mock.store import next_number

if TYPE_CHECKING:
    from interactor_mock.contracts import ContractRegistry
    from interactor_mock.core.calls import ActionCall
    from interactor_mock.core.oauth import OAuth
    from interactor_mock.core.resources import ResourceCatalog
    from interactor_mock.store import Store


class Scenarios:
    """The scenario rules of every environment, over a store.

    Arguments:
        store: where rules live (per environment).
        registry, catalog: what rules are checked against (connectors, actions, resources).
        oauth: the credentials (``credential_expired`` rules expire one).
        clock: the current time.
        max_latency_ms: the longest delay a rule may add.
        sleep: how latency waits; tests replace it.
    """

    def __init__(
        self,
        store: Store,
        *,
        registry: ContractRegistry,
        catalog: ResourceCatalog,
        oauth: OAuth,
        clock: Callable[[], datetime],
        max_latency_ms: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.registry = registry
        self.catalog = catalog
        self.oauth = oauth
        self.clock = clock
        self.max_latency_ms = float(max_latency_ms)
        self.sleep = sleep

    def _parse(self, data: Mapping[str, Any], **options: Any) -> Rule:
        return parse_rule(
            data, registry=self.registry, catalog=self.catalog, now=self.clock(), **options
        )

    def add(self, environment: Environment, rule: Mapping[str, Any]) -> Rule:
        """Add a rule from its JSON form; it applies after the rules already there.

        Raises:
            InvalidScenario: naming the bad field.
        """
        self._parse(rule)  # check before taking a number
        number = self._next_number(environment)
        parsed = self._parse(rule, rule_id=f"rule-{number}", order=number)
        self.store.put(environment.id, RULE_KIND, parsed.id, parsed.to_json())
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
        now = self.clock()
        found: list[Rule] = []
        for key, data in self.store.items(environment.id, RULE_KIND):
            rule = Rule.from_json(data)
            if rule.expired(now):
                self.store.delete(environment.id, RULE_KIND, key)
                continue
            found.append(rule)
        return sorted(found, key=lambda r: r.order)

    def rule(self, environment: Environment, rule_id: str) -> Rule:
        """Raises UnknownScenario."""
        data = self.store.get(environment.id, RULE_KIND, rule_id)
        found = None if data is None else Rule.from_json(data)
        if found is None or found.expired(self.clock()):
            raise UnknownScenario(f"Scenario rule {rule_id!r} not found (it may be used up)")
        return found

    def remove(self, environment: Environment, rule_id: str) -> None:
        """Raises UnknownScenario."""
        self.rule(environment, rule_id)
        self.store.delete(environment.id, RULE_KIND, rule_id)

    def clear(self, environment: Environment) -> None:
        for key, _ in self.store.items(environment.id, RULE_KIND):
            self.store.delete(environment.id, RULE_KIND, key)

    def _next_number(self, environment: Environment) -> int:
        return next_number(self.store, environment.id, SEQ_KIND)

    def _use(self, environment: Environment, rule: Rule) -> Rule | None:
        """Count a matching call against a stored rule; the rule as applied, or None.

        A store may call ``change`` more than once (Redis retries it when another writer got
        there first): only the last attempt, the one the store kept, decides.
        """
        applied: list[Rule | None] = []
        now = self.clock()

        def change(old: Any) -> Any:
            rule = None if old is None else Rule.from_json(old)
            if rule is None or rule.expired(now):
                applied.append(None)
                return None
            seen = rule.seen + 1
            if seen <= rule.after:
                applied.append(None)
                return replace(rule, seen=seen).to_json()
            new = replace(rule, seen=seen, used=rule.used + 1)
            applied.append(new)
            return None if new.times is not None and new.used >= new.times else new.to_json()

        self.store.update(environment.id, RULE_KIND, rule.id, change)
        return applied[-1] if applied else None

    def apply(self, call: ActionCall, *, prefer: str | None = None) -> Applied | None:
        """The scenario step of a call: wait, then fail it, or give the output to answer.

        Returns None when no rule applies; an :class:`Applied` when rules applied but the call
        goes on (latency), or answers with a provider error.

        Raises:
            ScenarioAnswer: a rule answers the call with an error.
            InvalidScenario: a bad ``Prefer`` header.
        """
        environment, action = call.environment, call.action
        one_call = parse_prefer(
            prefer, registry=self.registry, catalog=self.catalog, now=self.clock(), action=action
        )
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
            self.store.flush()  # a delay must not keep other writers waiting
            self.sleep(min(delay_ms, self.max_latency_ms) / 1000)
        label = ", ".join(labels)
        if answering is None:
            return Applied(label)
        return self._answer(call, answering, label)

    def _answer(self, call: ActionCall, rule: Rule, label: str) -> Applied:
        action = call.action
        if rule.kind == "provider_error":
            if not is_provider_shaped(self.catalog.success_schema(action)):
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
            self.oauth.expire_credential(
                call.environment.id, action.owner, action.connector, call.account
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
