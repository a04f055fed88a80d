"""The OAuth grant flow and the credentials it leaves behind.

The mock plays both the provider (consent page, authorization codes) and Interactor (its
callback exchanges the code and stores a credential). States and codes are opaque random
tokens recorded server-side, so a tampered one is simply unknown; both are single-use and
expire.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import re
import secrets
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from urllib.parse import urlsplit

from interactor_mock.contracts import Contract
from interactor_mock.core.environments import Environment
from interactor_mock.errors import BadRequest
from interactor_mock.errors import CredentialNotFound
from interactor_mock.errors import HTTPError
from interactor_mock.store import Store

__all__ = ["Credential", "GrantError", "OAuth", "PendingGrant", "default_client_id"]

STATE_KIND = "oauth-state"
CODE_KIND = "oauth-code"
CREDENTIAL_KIND = "credential"


class GrantError(HTTPError):
    """A step of the browser flow failed; rendered as an HTML page, not JSON."""

    status = 400
    code = "invalid_grant"


def default_client_id(contract: Contract) -> str:
    """The client id of Interactor's own (default, unverified) OAuth app for a connector."""
    return f"interactor-mock-default-{contract.name}.apps.example.invalid"


@functools.lru_cache(maxsize=256)
def authorize_url_prefix(
    public_url: str, provider: str, client_id: str, scopes: tuple[str, ...]
) -> str:
    """The consent-page URL of an auth-url up to the value of ``state`` (encoded once)."""
    query = {
        "client_id": client_id,
        "redirect_uri": f"{public_url}/oauth/callback",
        "response_type": "code",
        "scope": " ".join(scopes),
        "access_type": "offline",
        "prompt": "consent",
    }
    return f"{public_url}/oauth/{provider}/authorize?{urlencode(query)}&state="


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class PendingGrant:
    """What an auth-url's ``state`` stands for, until the callback consumes it."""

    state: str
    env_id: str
    owner: str
    connector: str
    account: str
    redirect_url: str | None
    client_id: str
    scopes: tuple[str, ...]
    expires_at: datetime
    skip_input: bool = False

    def to_json(self) -> dict[str, Any]:
        """The plain JSON form the stores keep (times as ISO strings)."""
        return {
            "state": self.state,
            "env_id": self.env_id,
            "owner": self.owner,
            "connector": self.connector,
            "account": self.account,
            "redirect_url": self.redirect_url,
            "client_id": self.client_id,
            "scopes": list(self.scopes),
            "expires_at": self.expires_at.isoformat(),
            "skip_input": self.skip_input,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingGrant:
        return cls(
            state=data["state"],
            env_id=data["env_id"],
            owner=data["owner"],
            connector=data["connector"],
            account=data["account"],
            redirect_url=data["redirect_url"],
            client_id=data["client_id"],
            scopes=tuple(data["scopes"]),
            expires_at=datetime.fromisoformat(data["expires_at"]),
            skip_input=data["skip_input"],
        )


@dataclass(frozen=True)
class IssuedCode:
    code: str
    state: str
    expires_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "state": self.state, "expires_at": self.expires_at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IssuedCode:
        return cls(
            code=data["code"],
            state=data["state"],
            expires_at=datetime.fromisoformat(data["expires_at"]),
        )


@dataclass(frozen=True)
class Credential:
    """A stored grant of (environment, connector, account). Tokens never leave the mock."""

    env_id: str
    owner: str
    connector: str
    account: str
    provider: str
    scopes: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    source: str = "oauth"

    def to_json(self) -> dict[str, Any]:
        """The plain JSON form the stores keep (times as ISO strings)."""
        return {
            "env_id": self.env_id,
            "owner": self.owner,
            "connector": self.connector,
            "account": self.account,
            "provider": self.provider,
            "scopes": list(self.scopes),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Credential:
        return cls(
            env_id=data["env_id"],
            owner=data["owner"],
            connector=data["connector"],
            account=data["account"],
            provider=data["provider"],
            scopes=tuple(data["scopes"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
            expires_at=datetime.fromisoformat(data["expires_at"]),
            access_token=data["access_token"],
            refresh_token=data["refresh_token"],
            source=data["source"],
        )

    def public(self, now: datetime) -> dict[str, Any]:
        """The credential as ``GET .../credential`` answers it: no secrets (shape inferred)."""
        return {
            "connector": f"{self.owner}/{self.connector}",
            "account": self.account,
            "environment": self.env_id,
            "provider": self.provider,
            "scopes": list(self.scopes),
            "status": "active" if now < self.expires_at else "expired",
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.updated_at),
            "expiresAt": iso(self.expires_at),
            "hasRefreshToken": bool(self.refresh_token),
            "source": self.source,
        }


def credential_key(owner: str, connector: str, account: str) -> str:
    return f"{owner}/{connector}/{account}"


_PORT = "0*(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
#: What a redirectUrl must be (besides an RFC 3986 URI): http or https, a host, a port from
#: 0 to 65535 if any. The OpenAPI document publishes the same schema.
REDIRECT_URL_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "uri",
    "pattern": (
        "^[Hh][Tt][Tt][Pp][Ss]?://(?:[^/?#@]*@)?(?:\\[[^/?#@\\]]+\\]|[^/?#@:\\[\\]]+)"
        f"(?::(?:{_PORT})?)?(?:[/?#]|$)"
    ),
}
_REDIRECT_PATTERN = re.compile(REDIRECT_URL_SCHEMA["pattern"])
_uri_validator: Any = None
with contextlib.suppress(ImportError):  # jsonschema-rs is a dependency; stay importable
    _uri_validator = importlib.import_module("jsonschema_rs").validator_for(
        {"type": "string", "format": "uri"}, validate_formats=True
    )


def _is_uri(url: str) -> bool:
    if _uri_validator is not None:
        return bool(_uri_validator.is_valid(url))
    return not any(c.isspace() or ord(c) < 32 for c in url)  # pragma: no cover


def check_redirect_url(url: str | None) -> str | None:
    """Accept only absolute http(s) URLs as a redirectUrl (:data:`REDIRECT_URL_SCHEMA`); an
    empty one is none.

    Raises:
        BadRequest: naming the parameter.
    """
    if url is None or url == "":
        return None
    if _is_uri(url) and _REDIRECT_PATTERN.match(url):
        try:
            urlsplit(url).port  # noqa: B018 (the pattern should make this safe: check anyway)
        except ValueError:
            pass
        else:
            return url
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a bracketed host that is no IP address: not the port's fault
        parts = None
    if parts is not None and parts.scheme in ("http", "https") and parts.hostname:
        try:
            parts.port  # noqa: B018 (urlsplit checks the port when it is read)
        except ValueError:
            raise BadRequest(
                "redirectUrl has an invalid port (a number from 0 to 65535)",
                parameter="redirectUrl",
            ) from None
    raise BadRequest("redirectUrl must be an absolute http or https URL", parameter="redirectUrl")


#: The fewest auth-urls between two sweeps of expired states and codes.
SWEEP_MIN = 64


class OAuth:
    """auth-url, consent, code exchange, and credentials.

    Unfinished grants are bounded: :meth:`sweep` forgets expired states and codes, and the
    oldest past ``max_pending``; :meth:`start` and :meth:`approve` run it every so often
    (after as many calls as there were live entries, at least :data:`SWEEP_MIN`, so its cost
    is constant per call), and at most ``max_pending + SWEEP_MIN`` are ever kept.
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Any,
        code_ttl: int,
        state_ttl: int,
        token_ttl: int,
        max_pending: int = 10_000,
    ) -> None:
        self._store = store
        self._max_pending = max_pending
        self._sweep_in = SWEEP_MIN
        self._clock = clock
        self._code_ttl = timedelta(seconds=code_ttl)
        self._state_ttl = timedelta(seconds=state_ttl)
        self._token_ttl = timedelta(seconds=token_ttl)

    def client_id(self, environment: Environment, contract: Contract) -> str:
        custom = environment.oauth_clients.get(contract.key)
        return custom["client_id"] if custom else default_client_id(contract)

    @staticmethod
    def uses_default_app(environment: Environment, contract: Contract) -> bool:
        return contract.key not in environment.oauth_clients

    def start(
        self,
        environment: Environment,
        contract: Contract,
        account: str,
        *,
        redirect_url: str | None,
        skip_input: bool,
        public_url: str,
    ) -> str:
        """Record a pending grant and return the consent-page URL an auth-url answers."""
        redirect_url = check_redirect_url(redirect_url)
        state = secrets.token_urlsafe(24)
        pending = PendingGrant(
            state=state,
            env_id=environment.id,
            owner=contract.owner,
            connector=contract.name,
            account=account,
            redirect_url=redirect_url,
            client_id=self.client_id(environment, contract),
            scopes=tuple(contract.scopes),
            expires_at=self._clock() + self._state_ttl,
            skip_input=skip_input,
        )
        self._store.put(environment.id, STATE_KIND, state, pending.to_json())
        self._store.put("", STATE_KIND, state, environment.id)
        self._count_towards_sweep()
        provider = str(contract.auth.get("provider", contract.name))
        # `state` is URL-safe base64, so it is appended to the encoded fixed part as it is.
        prefix = authorize_url_prefix(public_url, provider, pending.client_id, pending.scopes)
        return prefix + state

    def pending(self, state: str | None) -> PendingGrant:
        """The unexpired pending grant of a state, without consuming it.

        Raises:
            GrantError: the state is missing, unknown (tampered or already used) or expired.
        """
        if not state:
            raise GrantError("Missing state parameter")
        env_id = self._store.get("", STATE_KIND, state)
        found = self._store.get(env_id, STATE_KIND, state) if env_id is not None else None
        if found is None:
            raise GrantError("Unknown or already used state: start again from a new auth-url")
        pending = PendingGrant.from_json(found)
        if self._clock() >= pending.expires_at:
            self._forget_state(pending)
            raise GrantError("This authorization request has expired: request a new auth-url")
        return pending

    def _forget_state(self, pending: PendingGrant) -> None:
        self._store.delete(pending.env_id, STATE_KIND, pending.state)
        self._store.delete("", STATE_KIND, pending.state)

    def approve(self, pending: PendingGrant) -> str:
        """The user approved: issue a single-use code bound to the state."""
        code = secrets.token_urlsafe(24)
        issued = IssuedCode(
            code=code, state=pending.state, expires_at=self._clock() + self._code_ttl
        )
        self._store.put("", CODE_KIND, code, issued.to_json())
        self._count_towards_sweep()
        return code

    def _count_towards_sweep(self) -> None:
        self._sweep_in -= 1
        if self._sweep_in <= 0:
            live = self.sweep()
            self._sweep_in = max(SWEEP_MIN, min(live, self._max_pending - live))

    def sweep(self) -> int:
        """Forget expired states and codes, then the oldest past the bound; returns how many
        states and codes are left."""
        now = self._clock()
        states: list[PendingGrant] = []
        for state, env_id in self._store.items("", STATE_KIND):
            found = self._store.get(str(env_id), STATE_KIND, state)
            pending = PendingGrant.from_json(found) if found is not None else None
            if pending is not None and now < pending.expires_at:
                states.append(pending)
            else:
                self._store.delete(str(env_id), STATE_KIND, state)
                self._store.delete("", STATE_KIND, state)
        states.sort(key=lambda p: p.expires_at)
        for pending in states[: max(0, len(states) - self._max_pending)]:
            self._forget_state(pending)
        codes: list[IssuedCode] = []
        for code, stored in self._store.items("", CODE_KIND):
            issued = IssuedCode.from_json(stored)
            if now < issued.expires_at:
                codes.append(issued)
            else:
                self._store.delete("", CODE_KIND, code)
        codes.sort(key=lambda c: c.expires_at)
        for issued in codes[: max(0, len(codes) - self._max_pending)]:
            self._store.delete("", CODE_KIND, issued.code)
        return min(len(states), self._max_pending) + min(len(codes), self._max_pending)

    def deny(self, pending: PendingGrant) -> PendingGrant:
        """The user denied: the state is consumed; nothing is stored."""
        self._forget_state(pending)
        return pending

    def exchange(self, state: str | None, code: str | None, provider: str) -> Credential:
        """Interactor's callback: trade the code for tokens and store the credential.

        Raises:
            GrantError: a missing, unknown, reused, expired or mismatched code or state.
        """
        pending = self.pending(state)
        if not code:
            raise GrantError("Missing code parameter")
        # Look before taking: a code presented with another grant's state stays usable by
        # its own grant (only the right state consumes it).
        found = self._store.get("", CODE_KIND, code)
        if found is None:
            raise GrantError("Unknown or already used authorization code")
        if IssuedCode.from_json(found).state != pending.state:
            raise GrantError("The authorization code was not issued for this state")
        taken = self._store.take("", CODE_KIND, code)
        if taken is None:
            raise GrantError("Unknown or already used authorization code")
        issued = IssuedCode.from_json(taken)
        if self._clock() >= issued.expires_at:
            raise GrantError("The authorization code has expired: start again")
        self._forget_state(pending)
        return self.store_credential(
            pending.env_id,
            pending.owner,
            pending.connector,
            pending.account,
            provider=provider,
            scopes=pending.scopes,
        )

    def store_credential(
        self,
        env_id: str,
        owner: str,
        connector: str,
        account: str,
        *,
        provider: str,
        scopes: tuple[str, ...],
        source: str = "oauth",
    ) -> Credential:
        """Create or replace the credential of (environment, connector, account)."""
        now = self._clock()
        key = credential_key(owner, connector, account)
        existing = self._store.get(env_id, CREDENTIAL_KIND, key)
        credential = Credential(
            env_id=env_id,
            owner=owner,
            connector=connector,
            account=account,
            provider=provider,
            scopes=scopes,
            created_at=datetime.fromisoformat(existing["created_at"]) if existing else now,
            updated_at=now,
            expires_at=now + self._token_ttl,
            access_token="mock-access-" + secrets.token_urlsafe(16),
            refresh_token="mock-refresh-" + secrets.token_urlsafe(16),
            source=source,
        )
        self._store.put(env_id, CREDENTIAL_KIND, key, credential.to_json())
        return credential

    def credential(self, env_id: str, owner: str, connector: str, account: str) -> Credential:
        """The stored credential, refreshed if its access token expired (as Interactor does).

        Raises:
            CredentialNotFound: the account never connected, or was disconnected.
        """
        found = self._store.get(env_id, CREDENTIAL_KIND, credential_key(owner, connector, account))
        if found is None:
            raise CredentialNotFound(
                f"No credential for account {account!r} on connector '{owner}/{connector}'"
            )
        return Credential.from_json(found)

    def refresh_if_expired(self, credential: Credential) -> Credential:
        now = self._clock()
        if now < credential.expires_at:
            return credential
        fresh = replace(
            credential,
            access_token="mock-access-" + secrets.token_urlsafe(16),
            updated_at=now,
            expires_at=now + self._token_ttl,
        )
        key = credential_key(credential.owner, credential.connector, credential.account)
        self._store.put(credential.env_id, CREDENTIAL_KIND, key, fresh.to_json())
        return fresh

    def expire_credential(
        self, env_id: str, owner: str, connector: str, account: str
    ) -> Credential:
        """Make an account's credential expired and unrefreshable, as when the user revoked
        access at the provider: calls fail until the account connects again.

        Raises:
            CredentialNotFound: the account has no credential for the connector.
        """
        credential = self.credential(env_id, owner, connector, account)
        now = self._clock()
        expired = replace(
            credential,
            expires_at=min(credential.expires_at, now - timedelta(seconds=1)),
            refresh_token="",
            updated_at=now,
        )
        self._store.put(
            env_id, CREDENTIAL_KIND, credential_key(owner, connector, account), expired.to_json()
        )
        return expired

    def delete_credential(self, env_id: str, owner: str, connector: str, account: str) -> None:
        """Disconnect an account. Raises CredentialNotFound when there is nothing to delete."""
        if not self._store.delete(
            env_id, CREDENTIAL_KIND, credential_key(owner, connector, account)
        ):
            raise CredentialNotFound(
                f"No credential for account {account!r} on connector '{owner}/{connector}'"
            )

    def credentials(self, env_id: str) -> list[Credential]:
        found = sorted(self._store.items(env_id, CREDENTIAL_KIND), key=lambda pair: pair[0])
        return [Credential.from_json(c) for _, c in found]
