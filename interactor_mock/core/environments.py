"""Environments and their API keys.

Each environment has exactly one active key, shaped like Interactor's
(``interactor_<8>_<32>``). Generating a new key replaces the old one, which fails at once.
Keys index environments through a global record, so resolving a key is one lookup.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from typing import Any

from interactor_mock.errors import BadRequest
from interactor_mock.errors import Conflict
from interactor_mock.errors import Unauthorized
from interactor_mock.errors import UnknownEnvironment
from interactor_mock.store import GLOBAL
from interactor_mock.store import Store

__all__ = ["API_KEY_PATTERN", "Environment", "Environments", "new_api_key"]

#: ``\A`` and ``\Z``, not ``^`` and ``$``: ``$`` also matches before a trailing newline.
API_KEY_PATTERN = re.compile(r"\Ainteractor_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}\Z")
_ALPHABET = string.ascii_letters + string.digits
#: Bytes below this (the largest multiple of 62 up to 256) map uniformly onto ``_ALPHABET``.
_ACCEPTED = 256 - 256 % len(_ALPHABET)
_KEY_LETTERS = 40
_TO_LETTERS = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(256))
_REJECTED = bytes(range(_ACCEPTED, 256))
ENV_KIND = "environment"
ENV_KEY = "self"
KEY_INDEX = "api-key"
RETIRED_KEYS = "retired-api-key"
_SLUG = re.compile(r"[^a-z0-9]+")

MISSING_KEY = "Missing x-api-key header"
UNKNOWN_KEY = "Invalid API key: no environment has this key"
REPLACED_KEY = "API key has been replaced by a newer key for this environment; use the new key"


def new_api_key() -> str:
    """A fresh random key shaped like Interactor's.

    Its 40 letters and digits are drawn uniformly from one read of the system's randomness:
    bytes of ``_ACCEPTED`` or more are dropped, and each other byte ``b`` becomes
    ``_ALPHABET[b % 62]`` (one ``bytes.translate``, rather than one read per letter, which
    made keys half of an environment's cost).
    """
    letters = b""
    while len(letters) < _KEY_LETTERS:
        letters += secrets.token_bytes(48).translate(_TO_LETTERS, _REJECTED)
    key = letters[:_KEY_LETTERS].decode("ascii")
    return f"interactor_{key[:8]}_{key[8:]}"


@dataclass(frozen=True)
class Environment:
    """One environment: its own key, seed, OAuth clients and (in the store) all its state."""

    id: str
    name: str
    api_key: str
    seed: int
    created_at: str
    oauth_clients: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The plain JSON form the stores keep."""
        return {
            "id": self.id,
            "name": self.name,
            "api_key": self.api_key,
            "seed": self.seed,
            "created_at": self.created_at,
            "oauth_clients": self.oauth_clients,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Environment:
        return cls(
            id=data["id"],
            name=data["name"],
            api_key=data["api_key"],
            seed=data["seed"],
            created_at=data["created_at"],
            oauth_clients=data["oauth_clients"],
        )

    def public(self) -> dict[str, Any]:
        """The JSON form served by the control API (secrets of OAuth clients left out)."""
        data = asdict(self)
        return {
            "id": data["id"],
            "name": data["name"],
            "apiKey": data["api_key"],
            "seed": data["seed"],
            "createdAt": data["created_at"],
            "oauthClients": {
                key: {"clientId": client["client_id"]} for key, client in self.oauth_clients.items()
            },
        }


class Environments:
    """Create, find, rotate and forget environments."""

    def __init__(self, store: Store, *, clock: Any, default_seed: int = 0) -> None:
        self._store = store
        self._clock = clock
        self._default_seed = default_seed

    def _now(self) -> str:
        now: datetime = self._clock()
        return now.isoformat(timespec="seconds").replace("+00:00", "Z")

    def create(
        self,
        name: str,
        *,
        api_key: str | None = None,
        seed: int | None = None,
        env_id: str | None = None,
    ) -> Environment:
        """Create an environment with a fresh key (or ``api_key``, which must look real).

        Raises:
            BadRequest: an empty name or a malformed key.
            Conflict: a key or id already in use (409).
        """
        if not isinstance(name, str) or not name.strip():
            raise BadRequest("Environment name must be a non-empty string", field="name")
        if api_key is not None and not API_KEY_PATTERN.match(api_key):
            raise BadRequest(
                "apiKey must look like interactor_<8 letters or digits>_<32 letters or digits>",
                field="apiKey",
            )
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise BadRequest("seed must be an integer", field="seed")
        key = api_key or new_api_key()
        if self._store.get(GLOBAL, KEY_INDEX, key) is not None:
            raise Conflict("apiKey is already used by another environment", field="apiKey")
        ident = env_id or self._free_id(name)
        if self._store.get(ident, ENV_KIND, ENV_KEY) is not None:
            raise Conflict(f"Environment {ident!r} already exists", field="id")
        environment = Environment(
            id=ident,
            name=name.strip(),
            api_key=key,
            seed=self._default_seed if seed is None else seed,
            created_at=self._now(),
        )
        self._store.put(ident, ENV_KIND, ENV_KEY, environment.to_json())
        self._store.put(GLOBAL, KEY_INDEX, key, ident)
        return environment

    def ensure(self, name: str, env_id: str, *, api_key: str | None = None) -> Environment:
        """The environment ``env_id``, created (with ``api_key`` or a fresh key) only if no
        process made it first: one atomic ``update`` decides, so that several workers
        bootstrapping one shared store agree on one key."""
        candidate = Environment(
            id=env_id,
            name=name,
            api_key=api_key or new_api_key(),
            seed=self._default_seed,
            created_at=self._now(),
        ).to_json()
        stored = self._store.update(
            env_id, ENV_KIND, ENV_KEY, lambda old: candidate if old is None else old
        )
        assert stored is not None
        environment = Environment.from_json(stored)
        self._store.put(GLOBAL, KEY_INDEX, environment.api_key, env_id)
        return environment

    def _free_id(self, name: str) -> str:
        base = _SLUG.sub("-", name.lower()).strip("-") or "env"
        ident, n = base, 1
        while self._store.get(ident, ENV_KIND, ENV_KEY) is not None:
            n += 1
            ident = f"{base}-{n}"
        return ident

    def get(self, env_id: str) -> Environment:
        """Raises UnknownEnvironment naming the id."""
        found = self._store.get(env_id, ENV_KIND, ENV_KEY)
        if found is None:
            raise UnknownEnvironment(f"Environment {env_id!r} not found")
        return Environment.from_json(found)

    def all(self) -> list[Environment]:
        found = (self._store.get(scope, ENV_KIND, ENV_KEY) for scope in self._store.scopes())
        return sorted(
            (Environment.from_json(e) for e in found if e is not None), key=lambda e: e.created_at
        )

    def resolve(self, api_key: str | None) -> Environment:
        """The environment a key belongs to.

        Raises:
            Unauthorized: the key is missing, unknown, or was replaced (each said plainly).
        """
        if not api_key:
            raise Unauthorized(MISSING_KEY)
        env_id = self._store.get(GLOBAL, KEY_INDEX, api_key)
        if env_id is None:
            if self._store.get(GLOBAL, RETIRED_KEYS, api_key) is not None:
                raise Unauthorized(REPLACED_KEY)
            raise Unauthorized(UNKNOWN_KEY)
        found = self._store.get(env_id, ENV_KIND, ENV_KEY)
        if found is None:
            raise Unauthorized(UNKNOWN_KEY)
        return Environment.from_json(found)

    def rotate(self, env_id: str, *, api_key: str | None = None) -> Environment:
        """Give the environment a new key; the old one stops working at once."""
        old = self.get(env_id)
        if api_key is not None and not API_KEY_PATTERN.match(api_key):
            raise BadRequest("apiKey must look like interactor_<8>_<32>", field="apiKey")
        new = replace(old, api_key=api_key or new_api_key())
        if self._store.get(GLOBAL, KEY_INDEX, new.api_key) is not None:
            # Another environment's key (taking it over would hand its data to this key),
            # or this one's (putting it and deleting the old entry would drop the key).
            raise Conflict("apiKey is already used by an environment", field="apiKey")
        self._store.put(GLOBAL, KEY_INDEX, new.api_key, env_id)
        self._store.delete(GLOBAL, KEY_INDEX, old.api_key)
        self._store.put(GLOBAL, RETIRED_KEYS, old.api_key, env_id)
        self._store.put(env_id, ENV_KIND, ENV_KEY, new.to_json())
        return new

    def set_oauth_client(
        self, env_id: str, connector_key: str, client_id: str | None, client_secret: str | None
    ) -> Environment:
        """Use the customer's own OAuth app for a connector (``None`` restores the default)."""
        environment = self.get(env_id)
        clients = dict(environment.oauth_clients)
        if client_id is None:
            clients.pop(connector_key, None)
        else:
            if not client_id or not client_secret:
                raise BadRequest("clientId and clientSecret are both required", field="clientId")
            clients[connector_key] = {"client_id": client_id, "client_secret": client_secret}
        new = replace(environment, oauth_clients=clients)
        self._store.put(env_id, ENV_KIND, ENV_KEY, new.to_json())
        return new

    def delete(self, env_id: str) -> None:
        environment = self.get(env_id)
        self._store.delete(GLOBAL, KEY_INDEX, environment.api_key)
        self._store.drop_scope(env_id)

    def reset(self, env_id: str) -> None:
        """Forget an environment's state (credentials, data, journal), keeping its key."""
        self.get(env_id)
        self._store.drop_scope(env_id, keep=(ENV_KIND,))
