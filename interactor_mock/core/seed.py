"""Seed data: environments preloaded with connected accounts and their resources.

A seed document (JSON, or YAML when PyYAML is installed) names environments and, for each
account, the connectors it has connected and what their collections hold::

    {
      "seed": 7,
      "environments": {
        "development": {
          "accounts": {
            "alice@example.com": {
              "gmail": {"messages": 5000, "drafts": 2},
              "googlecalendar-v1": {"calendars": 2, "events": {"count": 40, "parent": "primary"}},
              "googledrive-v1": {"files": 25},
              "slack": {"users": 12, "channels": [{"name": "general"}, {"name": "random"}]}
            },
            "bob": {"connect": ["zoom-v1", "github-v1"]}
          }
        }
      }
    }

Every connector an account names is connected (granted), as ``connect`` lists do without
data. A collection is given as a count of generated items, a list of (partial) items, or
``{"count", "items", "seed", "parent"}``; ``{"parents": {"primary": 20, "team": 5}}`` fills
several parents. Generated items are deterministic: the same seed (the document's, else the
environment's) and the same ``anchor`` time (default: the engine's clock at seeding) give the
same items. Seeding a collection replaces what it held and closes it (see
:mod:`interactor_mock.core.resources`); seeded items are built on read, so a 5,000-message mailbox
is cheap. An environment the document names that does not exist is created (``name``,
``apiKey`` and ``seed`` may be given for it).
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol

from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.core.environments import Environment
from interactor_mock.core.generate import seed_for
from interactor_mock.core.times import parse_time
from interactor_mock.errors import HTTPError
from interactor_mock.errors import InvalidSeed
from interactor_mock.errors import UnknownEnvironment
from interactor_mock.store import GLOBAL

if TYPE_CHECKING:
    from interactor_mock.core.environments import Environments
    from interactor_mock.core.oauth import Credential
    from interactor_mock.core.resources import Resources

__all__ = ["MAX_ITEMS", "MAX_SEEDED", "Seeder", "load_seed_file"]

#: The most generated items one collection may be seeded with (a guard against typos).
MAX_ITEMS = 100_000
#: The records (in the global scope, by the document's SHA-256) of seed files applied.
APPLIED_KIND = "seed-applied"
_ENVIRONMENT_KEYS = {"name", "apiKey", "seed", "anchor", "accounts"}
_SPEC_KEYS = {"count", "items", "seed", "parent", "parents"}


def load_seed_file(path: Path | str) -> dict[str, Any]:
    """Read a seed document: YAML for ``.yaml``/``.yml`` (PyYAML needed), else JSON.

    Raises:
        InvalidSeed: unreadable, not JSON/YAML, not an object, or YAML without PyYAML.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidSeed(f"Cannot read seed file {file}: {exc.strerror or exc}") from None
    if file.suffix.lower() in (".yaml", ".yml"):
        try:
            yaml: Any = importlib.import_module("yaml")
        except ImportError:  # pragma: no cover - PyYAML is in the test environment
            raise InvalidSeed(
                f"{file}: YAML seed files need PyYAML (pip install pyyaml); JSON always works"
            ) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InvalidSeed(f"{file}: not valid YAML: {exc}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidSeed(
                f"{file}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
            ) from None
    if not isinstance(data, dict):
        raise InvalidSeed(f"{file}: a seed document must be an object")
    return data


#: The most items one seeding (a document, or one environment's seed) may make in all:
#: each is a store record made while the request waits (Slack's channels take about 55 us
#: each on 2 cores: 200,000 of them held the server 11 s), so no seed request holds the
#: server for more than a few seconds.
MAX_SEEDED = MAX_ITEMS


class _Budget:
    """What is left of :data:`MAX_SEEDED` for one seeding."""

    def __init__(self) -> None:
        self.left = MAX_SEEDED

    def take(self, count: int, where: str) -> None:
        if count > self.left:
            raise InvalidSeed(
                f"{where}: a seeding makes at most {MAX_SEEDED:,} items in all", at=where
            )
        self.left -= count


def _at(*parts: object) -> str:
    return ".".join(str(p) for p in parts if p != "")


def _count(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ITEMS:
        raise InvalidSeed(f"{where} must be a count from 0 to {MAX_ITEMS}", at=where)
    return value


def _items(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InvalidSeed(f"{where} must be a list of objects", at=where)
    return list(value)


class Grant(Protocol):
    """Connects an account without the browser flow (the engine's ``grant``)."""

    def __call__(
        self, environment: Environment, connector: str, account: str, *, owner: str = ...
    ) -> Credential: ...


class Seeder:
    """Applies seed documents to environments.

    Arguments:
        environments: the environments (a document may create them).
        resources: the collections seeded.
        grant: connects an account (``grant(environment, connector, account, owner=...)``).
        clock: the current time (the default anchor of seeded data).
    """

    def __init__(
        self,
        environments: Environments,
        resources: Resources,
        *,
        grant: Grant,
        clock: Callable[[], datetime],
    ) -> None:
        self.environments = environments
        self.resources = resources
        self.grant = grant
        self.clock = clock

    def apply_document(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """Seed every environment a whole document names; returns what was seeded.

        Raises:
            InvalidSeed: naming the place in the document.
        """
        if not isinstance(document, Mapping):
            raise InvalidSeed("A seed document must be an object")
        unknown = sorted(set(document) - {"seed", "anchor", "environments"})
        if unknown:
            raise InvalidSeed(
                f"{unknown[0]!r} is not a seed document key (seed, anchor, environments)",
                at=unknown[0],
            )
        environments = document.get("environments", {})
        if not isinstance(environments, Mapping):
            raise InvalidSeed(
                "environments must be an object keyed by environment id", at="environments"
            )
        report: dict[str, Any] = {}
        budget = _Budget()
        for env_id, spec in environments.items():
            where = _at("environments", env_id)
            if not isinstance(spec, Mapping):
                raise InvalidSeed(f"{where} must be an object", at=where)
            merged = {k: document[k] for k in ("seed", "anchor") if k in document}
            merged.update(spec)
            environment = self._environment(str(env_id), merged, where)
            data_spec = {k: v for k, v in merged.items() if k not in ("name", "apiKey")}
            report[environment.id] = self.apply(environment, data_spec, where=where, budget=budget)
        return {"environments": report}

    def apply_file(self, path: Path | str) -> dict[str, Any]:
        """Seed from a JSON or YAML file (see :func:`load_seed_file`)."""
        return self.apply_document(load_seed_file(path))

    def apply_file_once(self, path: Path | str, *, again: bool = False) -> dict[str, Any] | None:
        """Seed from a file unless the store already holds that very document's seeding
        (``None`` then): a server restarted on its lasting state with the same
        ``--seed-file`` keeps what its users changed since; an edited file is applied anew,
        and ``again`` applies it whatever was applied before."""
        document = load_seed_file(path)
        digest = hashlib.sha256(
            json.dumps(document, sort_keys=True, separators=(",", ":"), default=str).encode()
        ).hexdigest()
        store = self.resources.store
        if not again and store.get(GLOBAL, APPLIED_KIND, digest) is not None:
            return None
        report = self.apply_document(document)
        store.put(GLOBAL, APPLIED_KIND, digest, {"at": self.clock().isoformat()})
        return report

    def _environment(self, env_id: str, spec: Mapping[str, Any], where: str) -> Environment:
        try:
            return self.environments.get(env_id)
        except UnknownEnvironment:
            pass
        seed = spec.get("seed")
        try:
            return self.environments.create(
                str(spec.get("name") or env_id),
                api_key=spec.get("apiKey"),
                seed=seed if isinstance(seed, int) else None,
                env_id=env_id,
            )
        except HTTPError as exc:  # a bad key is a 400, a key in use a 409
            raise InvalidSeed(f"{where}: {exc.message}", at=where, status=exc.status) from None

    def apply(
        self,
        environment: Environment,
        document: Mapping[str, Any],
        *,
        where: str = "",
        budget: _Budget | None = None,
    ) -> dict[str, Any]:
        """Seed one environment from ``{"seed", "anchor", "accounts"}``; returns, per
        account and connector, how many items each collection now holds.

        Raises:
            InvalidSeed: naming the place in the document.
            UnknownConnector, UnknownCollection: a name no contract declares.
        """
        if not isinstance(document, Mapping):
            raise InvalidSeed("A seed must be an object", at=where or "/")
        unknown = sorted(set(document) - _ENVIRONMENT_KEYS)
        if unknown:
            place = _at(where, unknown[0])
            raise InvalidSeed(
                f"{unknown[0]!r} is not a seed key ({', '.join(sorted(_ENVIRONMENT_KEYS))})",
                at=place,
            )
        base_seed = document.get("seed", environment.seed)
        if not isinstance(base_seed, int) or isinstance(base_seed, bool):
            raise InvalidSeed("seed must be an integer", at=_at(where, "seed"))
        anchor = self._anchor(document.get("anchor"), where)
        accounts = document.get("accounts", {})
        if not isinstance(accounts, Mapping):
            raise InvalidSeed(
                "accounts must be an object keyed by account", at=_at(where, "accounts")
            )
        report: dict[str, Any] = {}
        budget = budget or _Budget()
        for account, connectors in accounts.items():
            place = _at(where, "accounts", account)
            report[str(account)] = self.seed_account(
                environment,
                str(account),
                connectors,
                seed=base_seed,
                anchor=anchor,
                where=place,
                budget=budget,
            )
        return {"accounts": report}

    def _anchor(self, value: Any, where: str) -> datetime:
        if value is None:
            return self.clock()
        moment = parse_time(str(value))
        if moment is None:
            raise InvalidSeed(
                "anchor must be an ISO 8601 time with a zone", at=_at(where, "anchor")
            )
        return moment

    def seed_account(
        self,
        environment: Environment,
        account: str,
        connectors: Any,
        *,
        seed: int,
        anchor: datetime,
        where: str = "",
        budget: _Budget | None = None,
    ) -> dict[str, Any]:
        """Connect an account and fill its collections (``connectors`` as in a document)."""
        if isinstance(connectors, list):
            connectors = {"connect": connectors}
        if not isinstance(connectors, Mapping):
            raise InvalidSeed(f"{where or account} must be an object of connectors", at=where)
        report: dict[str, Any] = {}
        connect = connectors.get("connect", [])
        if not isinstance(connect, list) or not all(isinstance(c, str) for c in connect):
            raise InvalidSeed("connect must be a list of connector names", at=_at(where, "connect"))
        for name in connect:
            owner, connector = _split(name)
            self.grant(environment, connector, account, owner=owner)
            report.setdefault(f"{owner}/{connector}", {})
        for name, collections in connectors.items():
            if name == "connect":
                continue
            owner, connector = _split(str(name))
            self.grant(environment, connector, account, owner=owner)
            key = f"{owner}/{connector}"
            report.setdefault(key, {})
            if collections in (None, True):
                continue
            if not isinstance(collections, Mapping):
                raise InvalidSeed(
                    f"{_at(where, name)} must be an object of collections", at=_at(where, name)
                )
            for collection, spec in collections.items():
                place = _at(where, name, collection)
                report[key][collection] = self.seed_collection(
                    environment,
                    connector,
                    str(collection),
                    account,
                    spec,
                    owner=owner,
                    seed=seed,
                    anchor=anchor,
                    where=place,
                    budget=budget,
                )
        return report

    def seed_collection(
        self,
        environment: Environment,
        connector: str,
        collection: str,
        account: str,
        spec: Any,
        *,
        owner: str = DEFAULT_OWNER,
        seed: int | None = None,
        anchor: datetime | None = None,
        where: str = "",
        budget: _Budget | None = None,
    ) -> int:
        """Replace one collection by ``spec`` (a count, a list of items, or an object);
        returns how many items it holds (summed over parents)."""
        resources = self.resources
        described = resources.spec(connector, collection, owner)
        place = where or _at(connector, collection)
        if isinstance(spec, Mapping) and "parents" in spec:
            parents = spec["parents"]
            if not isinstance(parents, Mapping) or set(spec) - {"parents", "seed"}:
                raise InvalidSeed(f"{place}.parents must be an object keyed by parent", at=place)
            total = 0
            for parent, sub in parents.items():
                if isinstance(sub, Mapping):
                    sub = {**sub, "parent": parent}
                elif isinstance(sub, list):
                    sub = {"items": sub, "parent": parent}
                else:
                    sub = {"count": sub, "parent": parent}
                if "seed" in spec:
                    sub.setdefault("seed", spec["seed"])
                total += self.seed_collection(
                    environment, connector, collection, account, sub,
                    owner=owner, seed=seed, anchor=anchor, where=_at(place, "parents", parent),
                    budget=budget,
                )  # fmt: skip
            return total
        scalar = not isinstance(spec, (list, Mapping))
        if isinstance(spec, list):
            spec = {"items": spec}
        elif scalar:
            spec = {"count": spec}
        unknown = sorted(set(spec) - _SPEC_KEYS)
        if unknown:
            raise InvalidSeed(
                f"{unknown[0]!r} is not a collection seed key ({', '.join(sorted(_SPEC_KEYS))})",
                at=_at(place, unknown[0]),
            )
        count = _count(spec.get("count", 0), place if scalar else _at(place, "count"))
        items = _items(spec.get("items", []), _at(place, "items"))
        parent = spec.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise InvalidSeed(f"{place}.parent must be a string", at=_at(place, "parent"))
        base = environment.seed if seed is None else seed
        data_seed = spec.get("seed")
        if data_seed is None:
            data_seed = seed_for(base, account, described.key, parent or described.parent_default)
        elif not isinstance(data_seed, int) or isinstance(data_seed, bool):
            raise InvalidSeed(f"{place}.seed must be an integer", at=_at(place, "seed"))
        (budget or _Budget()).take(count + len(items), place)
        target = resources.collection(environment, described, account, parent)
        target.seed(count=count, seed=data_seed, anchor=anchor or self.clock(), items=items)
        return count + len(items)


def _split(name: str) -> tuple[str, str]:
    if "/" in name:
        owner, connector = name.split("/", 1)
        return owner, connector
    return DEFAULT_OWNER, name
