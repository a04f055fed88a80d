"""A store in a Redis server, shared by every process on every host that points at it.

It needs redis-py (``pip install 'interactor-mock[redis]'``), imported when a store is made,
never by ``import interactor_mock``.

Every key lives under ``<prefix>:`` (``interactor-mock`` unless told otherwise), so the store
never reads or clobbers another tool's keys in the same database (format version 1)::

    <prefix>:meta                      hash: format, version (written on first use)
    <prefix>:scopes                    sorted set: the scopes given a record, by first write
    <prefix>:seq                       counter: the scores of that sorted set
    <prefix>:k:<scope>                 set: the Redis keys of the scope's kinds
    <prefix>:r:<n>:<scope>:<kind>      hash: key -> JSON value (n: the scope's UTF-8 length,
    <prefix>:l:<n>:<scope>:<kind>      list: a log's JSON entries   which keeps names unique)

Atomicity: ``take`` and ``append`` are one ``MULTI`` each (``HGET`` + ``HDEL``; ``RPUSH`` +
``LTRIM``, so a log stays at ``limit`` whatever the number of writers); ``update`` reads,
calls ``change`` in Python, and writes with a Lua compare-and-set on the one field, retrying
with the newer value when another writer changed it in between (so ``change`` must be pure);
``drop_scope`` and ``scopes`` are Lua scripts, so they see and remove a scope's kinds at once.

A prefix whose ``meta`` names another format version, or that holds keys this store did not
write, is refused with :class:`~interactor_mock.errors.IncompatibleStore`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from contextlib import nullcontext
from typing import Any
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import redis

from interactor_mock.errors import IncompatibleStore
from interactor_mock.errors import StoreError
from interactor_mock.store.codec import decode
from interactor_mock.store.codec import encode
from interactor_mock.store.protocol import GLOBAL

__all__ = ["FORMAT_VERSION", "RedisStore"]

#: The layout of keys and values this version reads and writes.
FORMAT_VERSION = 1
DEFAULT_PREFIX = "interactor-mock"

# Give a scope its place in the scopes' sorted set (if it has none) and record the kind.
# KEYS: the kind's hash, the scopes set, the scope's kinds set, the counter. ARGV[6]: scope.
_REGISTER = """
if not redis.call('ZSCORE', KEYS[2], ARGV[6]) then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), ARGV[6])
end
redis.call('SADD', KEYS[3], KEYS[1])
"""

# KEYS: as above. ARGV: field, -, -, -, the new JSON, scope.
_PUT = (
    """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[5])
"""
    + _REGISTER
)

# KEYS: as above.
# ARGV: field, had an old value ("1"/"0"), the old JSON, has a new value, the new JSON, scope.
_UPDATE = (
    """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '1' then
  if current ~= ARGV[3] then return 0 end
elseif current then
  return 0
end
if ARGV[4] ~= '1' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[5])
"""
    + _REGISTER
    + """
return 1
"""
)

# KEYS: the scope's kinds set, the scopes set.
# ARGV: the scope, the record hashes' prefix, then the keys to keep.
_DROP = """
local keep = {}
for i = 3, #ARGV do keep[ARGV[i]] = true end
local kept, records = 0, 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if keep[key] then
    kept = kept + 1
    if string.sub(key, 1, #ARGV[2]) == ARGV[2] and redis.call('EXISTS', key) == 1 then
      records = records + 1
    end
  else
    redis.call('DEL', key)
    redis.call('SREM', KEYS[1], key)
  end
end
if kept == 0 then redis.call('DEL', KEYS[1]) end
if records == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end
return kept
"""

# KEYS: the scopes set. ARGV: the kinds sets' prefix, the record hashes' prefix.
_SCOPES = """
local found = {}
for _, scope in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  for _, key in ipairs(redis.call('SMEMBERS', ARGV[1] .. scope)) do
    if string.sub(key, 1, #ARGV[2]) == ARGV[2] and redis.call('EXISTS', key) == 1 then
      table.insert(found, scope)
      break
    end
  end
end
return found
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _without_secret(url: str) -> str:
    """The URL as messages may show it: a password in it is replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


class RedisStore:
    """Records and logs in a Redis server, under one key prefix.

    Args:
        target: a ``redis://HOST:PORT/DB`` URL (the store opens, and closes, its own client)
            or a ``redis.Redis`` client (the caller's to close).
        prefix: the namespace of every key this store writes.

    Raises:
        IncompatibleStore: the prefix holds another format version or keys of another tool.
        StoreError: Redis cannot be reached.
    """

    def __init__(self, target: str | redis.Redis, *, prefix: str = DEFAULT_PREFIX) -> None:
        if not prefix:
            raise StoreError("the Redis key prefix must not be empty")
        self.prefix = prefix
        self._owned = isinstance(target, str)
        self._r: redis.Redis = redis.Redis.from_url(target) if isinstance(target, str) else target
        self._where = _without_secret(target) if isinstance(target, str) else repr(target)
        self._meta = f"{prefix}:meta"
        self._scopes = f"{prefix}:scopes"
        self._seq = f"{prefix}:seq"
        self._put = self._r.register_script(_PUT)
        self._update = self._r.register_script(_UPDATE)
        self._drop = self._r.register_script(_DROP)
        self._scopes_script = self._r.register_script(_SCOPES)
        try:
            self._check_format()
        except redis.RedisError as error:
            self.close()
            raise StoreError(f"cannot use Redis at {self._where}: {error}") from None
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"RedisStore({self._where!r}, prefix={self.prefix!r})"

    def close(self) -> None:
        """Close the client if the store opened it."""
        if self._owned:
            self._r.close()

    def __enter__(self) -> RedisStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # format

    def _check_format(self) -> None:
        meta = self._read_meta()
        if not meta:
            foreign = self._any_key()
            if foreign is not None:
                meta = self._read_meta()  # another process may have made the store meanwhile
            if foreign is not None and not meta:
                raise IncompatibleStore(
                    f"Redis at {self._where} holds keys under {self.prefix}: that "
                    f"interactor-mock did not write (e.g. {foreign!r}); use another prefix "
                    "or database for the mock, or delete those keys"
                )
            if not meta:
                pipe = self._r.pipeline(transaction=True)
                pipe.hsetnx(self._meta, "format", "interactor-mock")
                pipe.hsetnx(self._meta, "version", str(FORMAT_VERSION))
                pipe.execute()
                meta = self._read_meta()
        if meta.get("format") != "interactor-mock" or meta.get("version") != str(FORMAT_VERSION):
            raise IncompatibleStore(
                f"Redis at {self._where} holds, under {self.prefix}:, {self._meta} = {meta!r}, "
                f"not interactor-mock format version {FORMAT_VERSION}; use the interactor-mock "
                "that wrote it, or another prefix or database"
            )

    def _read_meta(self) -> dict[str, str]:
        kind = _text(self._r.type(self._meta))
        if kind not in ("hash", "none"):
            return {"(a Redis value of type)": kind}
        raw: dict[Any, Any] = self._r.hgetall(self._meta)
        return {_text(k): _text(v) for k, v in raw.items()}

    def _any_key(self) -> str | None:
        pattern = _glob_escape(self.prefix) + ":*"
        for key in self._r.scan_iter(match=pattern, count=1000):
            return _text(key)
        return None

    # names

    def _kinds(self, scope: str) -> str:
        return f"{self.prefix}:k:{scope}"

    def _hash(self, scope: str, kind: str) -> str:
        return f"{self.prefix}:r:{len(scope.encode())}:{scope}:{kind}"

    def _list(self, scope: str, kind: str) -> str:
        return f"{self.prefix}:l:{len(scope.encode())}:{scope}:{kind}"

    # records

    def get(self, scope: str, kind: str, key: str) -> Any | None:
        raw = self._r.hget(self._hash(scope, kind), key)
        return None if raw is None else decode(raw)

    def put(self, scope: str, kind: str, key: str, value: Any) -> None:
        text = encode(value)
        keys = [self._hash(scope, kind), self._scopes, self._kinds(scope), self._seq]
        self._put(keys=keys, args=[key, "", "", "", text, scope])

    def delete(self, scope: str, kind: str, key: str) -> bool:
        return bool(self._r.hdel(self._hash(scope, kind), key))

    def take(self, scope: str, kind: str, key: str) -> Any | None:
        name = self._hash(scope, kind)
        pipe = self._r.pipeline(transaction=True)
        pipe.hget(name, key)
        pipe.hdel(name, key)
        raw, _ = pipe.execute()
        return None if raw is None else decode(raw)

    def update(
        self, scope: str, kind: str, key: str, change: Callable[[Any | None], Any | None]
    ) -> Any | None:
        name = self._hash(scope, kind)
        keys = [name, self._scopes, self._kinds(scope), self._seq]
        while True:
            raw = self._r.hget(name, key)
            new = change(None if raw is None else decode(raw))
            if raw is None and new is None:
                return None
            args = [
                key,
                "0" if raw is None else "1",
                b"" if raw is None else raw,
                "0" if new is None else "1",
                "" if new is None else encode(new),
                scope,
            ]
            if self._update(keys=keys, args=args):
                return new

    def items(self, scope: str, kind: str) -> list[tuple[str, Any]]:
        raw: dict[Any, Any] = self._r.hgetall(self._hash(scope, kind))
        return [(_text(key), decode(value)) for key, value in raw.items()]

    # logs

    def append(self, scope: str, kind: str, value: Any, *, limit: int) -> None:
        text = encode(value)
        name = self._list(scope, kind)
        pipe = self._r.pipeline(transaction=True)
        if limit > 0:
            pipe.rpush(name, text)
            pipe.ltrim(name, -limit, -1)
            pipe.sadd(self._kinds(scope), name)
        else:
            pipe.delete(name)
        pipe.execute()

    def log(self, scope: str, kind: str) -> list[Any]:
        raw: list[Any] = self._r.lrange(self._list(scope, kind), 0, -1)
        return [decode(value) for value in raw]

    def clear_log(self, scope: str, kind: str) -> None:
        self._r.delete(self._list(scope, kind))

    # scopes

    def batch(self) -> AbstractContextManager[None]:
        """Every write is durable when it returns: nothing to group."""
        return nullcontext()

    def flush(self) -> None:
        """Nothing is held back."""

    def drop_scope(self, scope: str, *, keep: tuple[str, ...] = ()) -> None:
        kept = [name(scope, kind) for kind in keep for name in (self._hash, self._list)]
        self._drop(
            keys=[self._kinds(scope), self._scopes], args=[scope, f"{self.prefix}:r:", *kept]
        )

    def scopes(self) -> list[str]:
        found: list[Any] = self._scopes_script(
            keys=[self._scopes], args=[f"{self.prefix}:k:", f"{self.prefix}:r:"]
        )
        return [name for name in map(_text, found) if name != GLOBAL]
