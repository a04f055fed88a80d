"""The engine: the composition root that builds one mock's services and wires them.

It builds, it does not do: every service receives what it uses (a store, a clock, the
registry, the catalog, the generator) and none of them holds the engine. The HTTP layer, the
handle and the CLI reach the services through the engine's attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from datetime import timezone

from interactor_mock.config import DEFAULT_ENVIRONMENTS
from interactor_mock.config import MockConfig
from interactor_mock.connectors import Connectors
from interactor_mock.connectors import load_behaviours
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import default_registry
from interactor_mock.core.environments import Environment
from interactor_mock.core.environments import Environments
from interactor_mock.core.execute import Executor
from interactor_mock.core.generate import Generator
from interactor_mock.core.journal import Journal
from interactor_mock.core.oauth import Credential
from interactor_mock.core.oauth import OAuth
from interactor_mock.core.resources import Resources
from interactor_mock.core.scenarios import Scenarios
from interactor_mock.core.seed import Seeder
from interactor_mock.errors import UnknownEnvironment
from interactor_mock.store import GLOBAL
from interactor_mock.store import MemoryStore
from interactor_mock.store import Store

__all__ = ["Engine", "utcnow"]


#: The record that says a store's default environments were made (see ``Engine.bootstrap``).
BOOTSTRAP_KIND = "bootstrap"
BOOTSTRAP_KEY = "default-environments"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Engine:
    """Keys, grants, credentials, actions and journal over one store and one registry.

    Arguments:
        config: the settings (defaults when omitted).
        registry: the contracts (the shipped or ``config.contracts_dir`` ones when omitted).
        store: the state (a fresh :class:`MemoryStore` when omitted).
        clock: returns the current aware datetime; tests replace it to move time.
    """

    def __init__(
        self,
        config: MockConfig | None = None,
        *,
        registry: ContractRegistry | None = None,
        store: Store | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config or MockConfig()
        self.registry = registry or default_registry(self.config.contracts_dir)
        self.store: Store = store or MemoryStore()
        self.clock = clock
        self.environments = Environments(self.store, clock=self.now, default_seed=self.config.seed)
        self.oauth = OAuth(
            self.store,
            clock=self.now,
            code_ttl=self.config.code_ttl_seconds,
            state_ttl=self.config.state_ttl_seconds,
            token_ttl=self.config.credential_ttl_seconds,
            max_pending=self.config.max_pending_grants,
        )
        self.journal = Journal(self.store, size=self.config.journal_size)
        self.generator = Generator()
        self.resources = Resources(
            self.registry, self.store, clock=self.now, generator=self.generator
        )
        self.scenarios = Scenarios(
            self.store,
            registry=self.registry,
            catalog=self.resources.catalog,
            oauth=self.oauth,
            clock=self.now,
            max_latency_ms=self.config.max_latency_ms,
        )
        behaviours = load_behaviours(
            Connectors(self.registry, self.resources, clock=self.now, generator=self.generator)
        )
        self.executor = Executor(
            oauth=self.oauth,
            scenarios=self.scenarios,
            resources=self.resources,
            behaviours=behaviours,
            clock=self.now,
            check_output=self.config.check_output,
        )
        self.seeds = Seeder(self.environments, self.resources, grant=self.grant, clock=self.now)
        self.bootstrap()

    def now(self) -> datetime:
        return self.clock()

    def bootstrap(self) -> None:
        """Create the default environments, as a fresh Interactor account has them, once per
        store: a marker record says it was done, so a restart on a persistent store (or
        another worker over it) keeps the environments, their keys and whatever a user
        deleted. Each environment is made by one atomic store update, so that workers
        starting together agree on one key. A configured ``api_key`` is the Development
        key, then and on every later start."""
        if self.store.get(GLOBAL, BOOTSTRAP_KIND, BOOTSTRAP_KEY) is None:
            for index, name in enumerate(DEFAULT_ENVIRONMENTS):
                fixed = self.config.api_key if index == 0 else None
                self.environments.ensure(name, name.lower(), api_key=fixed)
            self.store.update(
                GLOBAL, BOOTSTRAP_KIND, BOOTSTRAP_KEY, lambda old: old or {"done": True}
            )
        fixed = self.config.api_key
        if fixed is not None:
            development = DEFAULT_ENVIRONMENTS[0].lower()
            try:
                current = self.environments.get(development)
            except UnknownEnvironment:
                return
            if current.api_key != fixed:
                self.environments.rotate(development, api_key=fixed)

    @property
    def default_environment(self) -> Environment:
        return self.environments.get(DEFAULT_ENVIRONMENTS[0].lower())

    def reset(self) -> None:
        """Forget everything: every environment and its state; recreate the defaults."""
        for environment in self.environments.all():
            self.environments.delete(environment.id)
        self.store.drop_scope(GLOBAL)
        self.bootstrap()

    def grant(
        self, environment: Environment, connector: str, account: str, *, owner: str = "interactor"
    ) -> Credential:
        """Connect an account without the browser flow (what the control API's grant does)."""
        contract = self.registry.connector(connector, owner)
        return self.oauth.store_credential(
            environment.id,
            contract.owner,
            contract.name,
            account,
            provider=str(contract.auth.get("provider", contract.name)),
            scopes=tuple(contract.scopes),
            source="control-api",
        )
