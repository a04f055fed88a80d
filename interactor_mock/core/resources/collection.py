"""One account's collection over the store: entries, bookkeeping, paging, seeding.

Seeded items are kept as compact entries (a sequence number and an index into a seeded batch)
and built on read by a deterministic factory, so a 5,000-message mailbox costs a few hundred
bytes per message.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from typing import NamedTuple

from interactor_mock.core.environments import Environment
from interactor_mock.core.generate import seed_for
from interactor_mock.core.resources.catalog import CollectionSpec
from interactor_mock.core.resources.ids import _OFFSET_PREFIX
from interactor_mock.core.resources.ids import _TOKEN_PREFIX
from interactor_mock.core.resources.ids import decode_token
from interactor_mock.core.resources.ids import encode_token
from interactor_mock.core.resources.paths import copy_json
from interactor_mock.core.resources.paths import deep_merge
from interactor_mock.core.resources.paths import get_path
from interactor_mock.core.resources.paths import set_path

if TYPE_CHECKING:
    from interactor_mock.core.resources.service import Resources


META_KIND = "resource-meta"


KIND_PREFIX = "resource|"


class Entry(NamedTuple):
    """One stored item: its place in the collection and the item, or (seeded) its position
    in the seeded batch, from which the collection's factory builds it."""

    seq: int
    item: dict[str, Any] | None
    position: int

    def to_json(self) -> list[Any]:
        """The plain JSON form the stores keep: ``[seq, item, position]``."""
        return [self.seq, self.item, self.position]

    @classmethod
    def from_json(cls, data: list[Any]) -> Entry:
        seq, item, position = data
        return cls(seq, item, position)


class Meta(NamedTuple):
    """A collection's bookkeeping: counters and the seeded batch (a named tuple: changing it,
    :meth:`_replace`, is several times cheaper than a frozen dataclass's ``replace``)."""

    next_seq: int = 0
    creates: int = 0
    minted: int = 0
    seed: int = 0
    anchor: str = ""
    count: int = 0  # type: ignore[assignment]  # (a field, not tuple.count)
    seeded: bool = False

    def to_json(self) -> dict[str, Any]:
        """The plain JSON form the stores keep."""
        return {
            "next_seq": self.next_seq,
            "creates": self.creates,
            "minted": self.minted,
            "seed": self.seed,
            "anchor": self.anchor,
            "count": self.count,
            "seeded": self.seeded,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Meta:
        if data is None:
            return cls()
        return cls(
            next_seq=data["next_seq"],
            creates=data["creates"],
            minted=data["minted"],
            seed=data["seed"],
            anchor=data["anchor"],
            count=data["count"],
            seeded=data["seeded"],
        )


@dataclass(frozen=True)
class SeedContext:
    """What a factory needs to build the ``index``-th seeded item of a collection."""

    environment: Environment
    spec: CollectionSpec
    account: str
    parent: str | None
    seed: int
    anchor: datetime
    count: int
    resources: Resources

    def rng(self, index: int, *salt: object) -> random.Random:
        return random.Random(seed_for(self.seed, self.spec.key, index, *salt))


@dataclass(frozen=True)
class Factory:
    """Builds seeded items deterministically: ``item_id(ctx, index)`` and
    ``build(ctx, index, item_id)``; both pure functions of their arguments."""

    item_id: Callable[[SeedContext, int], str]
    build: Callable[[SeedContext, int, str], dict[str, Any]]


Keep = Callable[[str, Entry, "Collection"], bool]


SortKey = Callable[[str, Entry, "Collection"], Any]


class Collection:
    """One account's collection in one environment (and parent), over the store."""

    def __init__(
        self,
        resources: Resources,
        environment: Environment,
        spec: CollectionSpec,
        account: str,
        parent: str | None = None,
    ) -> None:
        self.resources = resources
        self.environment = environment
        self.spec = spec
        self.account = account
        self.parent = parent
        self._store = resources.store
        self.kind = (
            f"{KIND_PREFIX}{spec.owner}/{spec.connector}|{spec.name}|{account}|{parent or ''}"
        )

    def __repr__(self) -> str:
        parent = f" in {self.parent!r}" if self.parent else ""
        return f"<Collection {self.spec.key} of {self.account!r}{parent}>"

    # bookkeeping

    def meta(self) -> Meta:
        return Meta.from_json(self._store.get(self.environment.id, META_KIND, self.kind))

    def _change_meta(self, change: Callable[[Meta], Meta]) -> Meta:
        def apply(old: Any) -> dict[str, Any]:
            data = change(Meta.from_json(old)).to_json()
            data["account"] = self.account  # for collections_of: the kind does not tell
            if self.parent:  # them apart when they hold a "|"
                data["parent"] = self.parent
            return data

        return Meta.from_json(self._store.update(self.environment.id, META_KIND, self.kind, apply))

    @property
    def closed(self) -> bool:
        """Always true: a collection holds exactly what is stored (nothing is generated for
        an unknown id). Kept for the control API's ``closed`` field."""
        return True

    @property
    def seeded(self) -> bool:
        """Whether the collection was seeded (it may hold no item, if seeded with none)."""
        return self.meta().seeded

    def mint(self) -> int:
        """A number no other call on this collection gets (the salt of a new id), so that
        concurrent creates never pick the same id; deterministic for a sequence of calls."""
        return self._change_meta(lambda m: m._replace(minted=m.minted + 1)).minted

    def reserve(self) -> Meta:
        """Count a create and take its numbers in one atomic update: the new ``minted`` (the
        salt of its id, as :meth:`mint`), ``next_seq - 1`` (its place, as :meth:`insert`)
        and ``creates - 1`` (the creates before it). One store write instead of three."""
        return self._change_meta(
            lambda m: m._replace(
                next_seq=m.next_seq + 1, creates=m.creates + 1, minted=m.minted + 1
            )
        )

    def insert_reserved(self, item_id: str, item: dict[str, Any], reserved: Meta) -> Entry:
        """Store a created item at the place :meth:`reserve` gave it."""
        entry = Entry(reserved.next_seq - 1, copy_json(item), -1)
        self._store.put(self.environment.id, self.kind, item_id, entry.to_json())
        return entry

    def _next_seq(self, *, create: bool = False) -> Meta:
        return self._change_meta(
            lambda m: m._replace(next_seq=m.next_seq + 1, creates=m.creates + (1 if create else 0))
        )

    # items

    def entry(self, item_id: str) -> Entry | None:
        found = self._store.get(self.environment.id, self.kind, item_id)
        return None if found is None else Entry.from_json(found)

    def materialise(self, item_id: str, entry: Entry) -> dict[str, Any]:
        """The full item of an entry (seeded ones are built by the collection's factory): a
        copy the caller owns."""
        if entry.item is not None:
            return copy_json(entry.item)
        return self.resources.build_seeded(self, entry.position, item_id)

    def peek(self, item_id: str, entry: Entry) -> Mapping[str, Any]:
        """The full item of an entry, to read only: the stored object itself, not a copy."""
        if entry.item is not None:
            return entry.item
        return self.resources.build_seeded(self, entry.position, item_id)

    def item(self, item_id: str) -> dict[str, Any] | None:
        entry = self.entry(item_id)
        return self.materialise(item_id, entry) if entry is not None else None

    def insert(self, item_id: str, item: dict[str, Any], *, create: bool = True) -> Entry:
        """Store a new item after every other (``create`` counts it as the account's own)."""
        meta = self._next_seq(create=create)
        entry = Entry(meta.next_seq - 1, copy_json(item), -1)
        self._store.put(self.environment.id, self.kind, item_id, entry.to_json())
        return entry

    def replace(self, item_id: str, item: dict[str, Any]) -> None:
        """Change a stored item in place (its position stays)."""
        entry = self.entry(item_id)
        if entry is None:
            self.insert(item_id, item, create=False)
            return
        self._store.put(self.environment.id, self.kind, item_id, [entry.seq, copy_json(item), -1])

    def remove(self, item_id: str) -> bool:
        """Delete an item; whether it was there."""
        return self._store.delete(self.environment.id, self.kind, item_id)

    def entries(self) -> list[tuple[str, Entry]]:
        """Every stored entry, in list order (newest first for ``order: newest``)."""
        found = [
            (key, Entry(*value)) for key, value in self._store.items(self.environment.id, self.kind)
        ]
        found.sort(key=lambda pair: pair[1].seq, reverse=self.spec.order == "newest")
        return found

    def items(self) -> list[dict[str, Any]]:
        """Every stored item, built in full, in list order."""
        return [self.materialise(key, entry) for key, entry in self.entries()]

    def __len__(self) -> int:
        return len(self._store.items(self.environment.id, self.kind))

    def clear(self) -> None:
        """Forget every item and the bookkeeping: the collection is empty again."""
        for key, _ in self._store.items(self.environment.id, self.kind):
            self._store.delete(self.environment.id, self.kind, key)
        self._store.delete(self.environment.id, META_KIND, self.kind)

    def page(
        self,
        size: int,
        token: str | None,
        *,
        keep: Keep | None = None,
        sort_key: SortKey | None = None,
    ) -> tuple[list[tuple[str, Entry]], str | None, int]:
        """One page of entries after ``token``; the next token (None on the last page) and
        how many entries match in all. Without ``sort_key`` a token names the last entry
        seen, so items created or deleted between pages neither repeat nor go missing.

        Raises:
            ValueError: a token this collection did not issue.
        """
        entries = self.entries()
        if keep is not None:
            entries = [(k, e) for k, e in entries if keep(k, e, self)]
        start = 0
        if sort_key is not None:
            entries.sort(key=lambda pair: sort_key(pair[0], pair[1], self))
            start = decode_token(token, _OFFSET_PREFIX) if token else 0
        elif token:
            after = decode_token(token, _TOKEN_PREFIX)
            newest = self.spec.order == "newest"
            start = next(
                (
                    i
                    for i, (_, e) in enumerate(entries)
                    if (e.seq < after if newest else e.seq > after)
                ),
                len(entries),
            )
        chosen = entries[start : start + size]
        next_token = None
        if start + size < len(entries) and chosen:
            next_token = (
                encode_token(start + size, _OFFSET_PREFIX)
                if sort_key is not None
                else encode_token(chosen[-1][1].seq, _TOKEN_PREFIX)
            )
        return chosen, next_token, len(entries)

    def seed(
        self,
        *,
        count: int,
        seed: int,
        anchor: datetime,
        items: list[dict[str, Any]] | None = None,
    ) -> None:
        """Replace the collection by ``count`` seeded items and explicit ``items``."""
        self.clear()
        self._change_meta(
            lambda m: m._replace(
                seeded=True,
                seed=seed,
                anchor=anchor.isoformat(),
                count=count,
                next_seq=count,
            )
        )
        ctx = self.resources.seed_context(self)
        factory = self.resources.factory(self.spec)
        put = self._store.put
        env_id, kind = self.environment.id, self.kind
        for index in range(count):
            put(env_id, kind, factory.item_id(ctx, index), [index, None, index])
        for offset, partial in enumerate(items or ()):
            index = count + offset
            explicit = get_path(partial, self.spec.id_field)
            item_id = str(explicit) if explicit else factory.item_id(ctx, index)
            item = deep_merge(factory.build(ctx, index, item_id), partial)
            item = set_path(item, self.spec.id_field, item_id)
            self.insert(item_id, item, create=False)
