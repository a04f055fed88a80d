"""Declared resource collections: what a created object is, and how it is read back.

A contract may mark an action as an operation on a per-account collection (its ``resource``
declaration, see ``contracts/README.md``). :class:`ResourceCatalog` compiles those declarations
once, when the engine starts, and fails loudly (file and JSON pointer) on a bad one.
:class:`Resources` then answers such actions from the store, per environment, per account (and
per parent, such as a calendar), so that a created object appears in ``get`` and ``list`` with
the fields the create call set, ``update`` changes them, and ``delete`` removes it.

A collection starts *open*: it holds only what a client touched, and an id it does not hold
is answered with generated data, as if the mailbox were a large unknown one (the mock's
behaviour before any state). It becomes *closed* once it is seeded or the account creates an
item in it: from then on it holds everything there is, so an unknown id fails as the provider
would, and ``list`` pages through exactly the stored items. Items a client has seen in an open
collection (``get``, ``update``) are kept, so they stay consistent when it closes; deleted
ones are remembered and fail from then on.

Seeded items are kept as compact entries (a sequence number and an index into a seeded batch)
and built on read by a deterministic factory, so a 5,000-message mailbox costs a few hundred
bytes per message.
"""

from __future__ import annotations

import base64
import binascii
import copy
import random
import string
import threading
import weakref
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from typing import NamedTuple
from typing import TypeVar

from interactor_mock.contracts import Action
from interactor_mock.contracts import Contract
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import canonical_input
from interactor_mock.contracts import pointer
from interactor_mock.core.environments import Environment
from interactor_mock.core.generate import seed_for
from interactor_mock.errors import ContractError
from interactor_mock.errors import InteractorMockError
from interactor_mock.errors import ProviderFailure
from interactor_mock.errors import ResourceNotFound
from interactor_mock.errors import UnknownCollection

if TYPE_CHECKING:
    from interactor_mock.core.engine import Engine
    from interactor_mock.core.execute import ActionCall

__all__ = [
    "PROVIDER_ERROR_TITLE",
    "CollectionSpec",
    "Entry",
    "Factory",
    "Operation",
    "ProviderAnswer",
    "ResourceCatalog",
    "Resources",
    "SeedContext",
    "copy_json",
    "get_path",
    "provider_error_output",
    "set_path",
    "success_schema",
]

#: Title of the output branch that describes a provider's error body (``-v1`` connectors);
#: generation leaves it out, so generated answers are successes.
PROVIDER_ERROR_TITLE = "providerError"
META_KIND = "resource-meta"
KIND_PREFIX = "resource|"
OPERATIONS = ("create", "get", "list", "update", "delete")
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    410: "GONE",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
NOT_FOUND_TEXT = "Not Found"
INVALID_PAGE_TOKEN = "Invalid pageToken"
_TOKEN_PREFIX = "p1:"
_OFFSET_PREFIX = "o1:"
_B32HEX = "0123456789abcdefghijklmnopqrstuv"
_DRIVE_ALPHABET = string.ascii_letters + string.digits + "-_"


class ProviderAnswer(InteractorMockError):
    """Raised inside a behaviour to answer with ``output`` (a provider error of a ``-v1``
    connector is a successful execute whose output carries the provider's status)."""

    def __init__(self, output: Any, *, reason: str = "provider error") -> None:
        super().__init__(reason)
        self.output = output


# --- paths and schemas -----------------------------------------------------------------------


_T = TypeVar("_T")
_ATOMIC = frozenset({str, int, float, bool, type(None)})


def copy_json(value: _T) -> _T:
    """A deep copy of JSON data (dicts, lists and scalars), several times cheaper than
    :func:`copy.deepcopy`; anything else inside it is copied by ``copy.deepcopy``."""
    copied: _T = _copy_json(value)
    return copied


def _copy_json(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _ATOMIC else _copy_json(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _ATOMIC else _copy_json(v) for v in value]
    if kind in _ATOMIC:
        return value
    return copy.deepcopy(value)


def _parts(path: str) -> list[str]:
    return [p for p in path.split(".") if p] if path else []


def get_path(data: Any, path: str) -> Any:
    """The value at a dotted path (``""`` is the whole value); ``None`` when absent."""
    node = data
    for part in _parts(path):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def set_path(data: Any, path: str, value: Any) -> Any:
    """Set the value at a dotted path, creating objects on the way; returns the new root."""
    parts = _parts(path)
    if not parts:
        return value
    root = data if isinstance(data, dict) else {}
    node = root
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value
    return root


def delete_path(data: Any, path: str) -> None:
    parts = _parts(path)
    node = get_path(data, ".".join(parts[:-1]))
    if isinstance(node, dict) and parts:
        node.pop(parts[-1], None)


def success_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` without the branches that describe a provider's error body."""
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("anyOf", "oneOf") and isinstance(value, list):
            kept = [
                success_schema(branch)
                for branch in value
                if not (isinstance(branch, Mapping) and branch.get("title") == PROVIDER_ERROR_TITLE)
            ]
            if len(kept) == 1 and not any(k in result for k in kept[0]):
                # A single branch left: inline it, so generation draws exactly what it drew
                # before the error branch was declared.
                result.update(kept[0])
            else:
                result[key] = kept
        elif key == "properties" and isinstance(value, Mapping):
            result[key] = {name: success_schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, Mapping):
            result[key] = success_schema(value)
        else:
            result[key] = value
    return result


def schema_at(schema: Mapping[str, Any] | None, path: str) -> Mapping[str, Any] | None:
    """The sub-schema at a dotted path of an instance (through ``properties``)."""
    node: Mapping[str, Any] | None = schema
    for part in _parts(path):
        if node is None:
            return None
        properties = node.get("properties")
        if isinstance(properties, Mapping) and part in properties:
            node = properties[part]
            continue
        found = None
        for key in ("anyOf", "oneOf"):
            for branch in node.get(key, ()):
                sub = schema_at(branch, part)
                if sub is not None:
                    found = sub
                    break
        node = found
    return node


def allows_null(schema: Mapping[str, Any] | None) -> bool:
    if schema is None:
        return True
    kind = schema.get("type")
    return kind == "null" or (isinstance(kind, list) and "null" in kind)


def is_provider_shaped(schema: Mapping[str, Any]) -> bool:
    """Whether an output is a ``-v1`` connector's ``{status_code, body}``."""
    properties = schema.get("properties", {})
    return isinstance(properties, Mapping) and {"status_code", "body"} <= set(properties)


def provider_error_output(
    status: int, message: str, *, reason: str | None = None, errors: bool = True
) -> dict[str, Any]:
    """A ``-v1`` output carrying a Google-style provider error (``output.body.error``)."""
    error: dict[str, Any] = {
        "code": status,
        "message": message,
        "status": GOOGLE_STATUS.get(status, "UNKNOWN"),
    }
    if errors and reason is not None:
        error["errors"] = [{"domain": "global", "reason": reason, "message": message}]
    return {"status_code": status, "body": {"error": error}}


def _substitute(value: Any, item_id: str) -> Any:
    if isinstance(value, str):
        return value.replace("{id}", item_id)
    if isinstance(value, list):
        return [_substitute(v, item_id) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, item_id) for k, v in value.items()}
    return value


def project(item: Mapping[str, Any], fields: tuple[str, ...] | None) -> dict[str, Any]:
    """Only the dotted ``fields`` of an item (all of it when ``fields`` is None)."""
    if fields is None:
        return copy_json(dict(item))
    result: dict[str, Any] = {}
    for path in fields:
        value = get_path(item, path)
        if value is not None:
            result = set_path(result, path, copy_json(value))
    return result


def _project_owned(item: dict[str, Any], fields: tuple[str, ...] | None) -> dict[str, Any]:
    """:func:`project` of an item the caller owns (a fresh copy): no second copy."""
    if fields is None:
        return item
    result: dict[str, Any] = {}
    for path in fields:
        value = get_path(item, path)
        if value is not None:
            result = set_path(result, path, value)
    return result


# --- ids -----------------------------------------------------------------------------------


def make_id(style: str, rng: random.Random, now: datetime) -> str:
    """A fresh id in the provider's style (``hex``, ``draft``, ``base32hex``, ``drive``,
    ``ts``, ``uuid``)."""
    if style == "draft":
        return "r" + str(rng.randrange(10**18, 10**19))
    if style == "base32hex":
        return "".join(rng.choice(_B32HEX) for _ in range(26))
    if style == "drive":
        return "1" + "".join(rng.choice(_DRIVE_ALPHABET) for _ in range(32))
    if style == "ts":
        return f"{int(now.timestamp())}.{rng.randrange(0, 999999):06d}"
    if style == "uuid":
        digits = f"{rng.getrandbits(128):032x}"
        return "-".join((digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:]))
    millis = int(now.timestamp() * 1000)
    return f"{(millis << 20) | rng.getrandbits(20):x}"[-16:].rjust(16, "1")


# --- compiled declarations ------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One action's part in a collection, compiled from its ``resource`` declaration."""

    action: Action
    collection: str
    operation: str
    id_input: str | None = None
    item_field: str = ""
    items_field: str | None = None
    page_size_input: str | None = None
    page_token_input: str | None = None
    next_page_token_field: str | None = None
    total_field: str | None = None
    list_fields: tuple[str, ...] | None = None
    input_fields: Mapping[str, str] = field(default_factory=dict)
    not_found: Mapping[str, Any] | None = None
    not_found_output: Any = None
    success_output: Any = None
    default_page_size: int = DEFAULT_PAGE_SIZE
    max_page_size: int = MAX_PAGE_SIZE
    provider_shaped: bool = False


@dataclass(frozen=True)
class CollectionSpec:
    """A declared collection of one connector and the actions that operate on it."""

    owner: str
    connector: str
    name: str
    id_field: str = "id"
    order: str = "oldest"
    id_style: str = "hex"
    parent_input: str | None = None
    parent_default: str | None = None
    operations: tuple[Operation, ...] = ()
    item_schema: Mapping[str, Any] | None = None

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.connector}:{self.name}"

    def first(self, operation: str) -> Operation | None:
        """The first declared operation of a kind (actions in name order)."""
        return next((op for op in self.operations if op.operation == operation), None)

    @property
    def not_found(self) -> Mapping[str, Any] | None:
        return next((op.not_found for op in self.operations if op.not_found), None)


_COLLECTION_KEYS = {
    "idField": "id_field",
    "order": "order",
    "idStyle": "id_style",
    "parentInput": "parent_input",
    "parentDefault": "parent_default",
}


_CATALOGS: weakref.WeakKeyDictionary[ContractRegistry, ResourceCatalog] = (
    weakref.WeakKeyDictionary()
)
_CATALOGS_LOCK = threading.Lock()


class ResourceCatalog:
    """Every declared collection of a registry, checked once.

    Raises:
        ContractError: a declaration names an input the action lacks, a list without an
            items field, or collection settings that disagree between actions.
    """

    def __init__(self, registry: ContractRegistry) -> None:
        self.collections: dict[tuple[str, str, str], CollectionSpec] = {}
        self.operations: dict[tuple[str, str, str], Operation] = {}
        self._success: dict[str, dict[str, Any]] = {}
        for contract in registry:
            self._compile(contract)

    @classmethod
    def of(cls, registry: ContractRegistry) -> ResourceCatalog:
        """The catalog of a registry, compiled once and shared by every engine serving it.

        Sharing is safe: a registry never changes once loaded, and :meth:`add` only ever adds
        the same specs (coded behaviours register theirs idempotently).
        """
        with _CATALOGS_LOCK:
            found = _CATALOGS.get(registry)
            if found is None:
                found = _CATALOGS[registry] = cls(registry)
            return found

    def success_schema(self, action: Action) -> dict[str, Any]:
        """The action's output schema without provider-error branches (cached)."""
        found = self._success.get(action.key)
        if found is None:
            found = self._success[action.key] = success_schema(action.output_schema)
        return found

    def operation(self, action: Action) -> Operation | None:
        return self.operations.get((action.owner, action.connector, action.name))

    def add(self, spec: CollectionSpec) -> None:
        """Add a collection no action declares (coded behaviours use it, e.g. Slack's
        channels, which only seed data fills)."""
        self.collections.setdefault((spec.owner, spec.connector, spec.name), spec)

    def collection(self, owner: str, connector: str, name: str) -> CollectionSpec:
        """Raises UnknownCollection naming the declared ones."""
        try:
            return self.collections[(owner, connector, name)]
        except KeyError:
            known = sorted(
                c.name for k, c in self.collections.items() if k[:2] == (owner, connector)
            )
            raise UnknownCollection(
                f"No collection {name!r} is declared by connector '{owner}/{connector}'",
                known_collections=known,
            ) from None

    def of_connector(self, owner: str, connector: str) -> list[CollectionSpec]:
        return [c for k, c in sorted(self.collections.items()) if k[:2] == (owner, connector)]

    def _compile(self, contract: Contract) -> None:
        file = f"{contract.owner}/{contract.name}.json"
        grouped: dict[str, list[tuple[Operation, dict[str, Any]]]] = {}
        for name, action in sorted(contract.actions.items()):
            declared = action.resource
            if not declared:
                continue
            at = pointer("actions", name, "resource")
            operation = self._operation(action, dict(declared), file, at)
            grouped.setdefault(operation.collection, []).append((operation, dict(declared)))
            self.operations[(contract.owner, contract.name, name)] = operation
        for collection, members in grouped.items():
            settings: dict[str, Any] = {}
            for operation, declared in members:
                at = pointer("actions", operation.action.name, "resource")
                for key, attribute in _COLLECTION_KEYS.items():
                    if key in declared:
                        if attribute in settings and settings[attribute] != declared[key]:
                            raise ContractError(
                                file,
                                f"{at}/{key}",
                                f"collection {collection!r} has {key} "
                                f"{settings[attribute]!r} in another action",
                            )
                        settings[attribute] = declared[key]
            operations = tuple(op for op, _ in members)
            spec = CollectionSpec(
                owner=contract.owner,
                connector=contract.name,
                name=collection,
                operations=operations,
                item_schema=self._item_schema(operations),
                **settings,
            )
            self.collections[(contract.owner, contract.name, collection)] = spec

    def _item_schema(self, operations: tuple[Operation, ...]) -> Mapping[str, Any] | None:
        for kind in ("get", "create", "update"):
            for op in operations:
                if op.operation == kind:
                    found = schema_at(self.success_schema(op.action), op.item_field)
                    if found is not None:
                        return found
        for op in operations:
            if op.operation == "list" and op.items_field:
                items = schema_at(self.success_schema(op.action), op.items_field)
                if items is not None and isinstance(items.get("items"), Mapping):
                    found_items: Mapping[str, Any] = items["items"]
                    return found_items
        return None

    def _operation(self, action: Action, declared: dict[str, Any], file: str, at: str) -> Operation:
        inputs = set(action.input_schema.get("properties", {}))
        kind = declared["operation"]
        output = self.success_schema(action)

        def need_input(key: str) -> str | None:
            value = declared.get(key)
            if value is not None and value not in inputs:
                raise ContractError(
                    file, f"{at}/{key}", f"{value!r} is not an input of {action.name}"
                )
            return value

        id_input = need_input("idInput")
        if kind in ("get", "update", "delete") and id_input is None:
            raise ContractError(file, f"{at}/idInput", f"a {kind} operation needs idInput")
        need_input("parentInput")
        items_field = declared.get("itemsField")
        if kind == "list":
            if not items_field:
                raise ContractError(file, f"{at}/itemsField", "a list operation needs itemsField")
            found = schema_at(output, items_field)
            if found is None or found.get("type") != "array":
                raise ContractError(
                    file, f"{at}/itemsField", f"{items_field!r} is not an array of the output"
                )
        item_field = declared.get("itemField", "")
        if (
            kind in ("create", "get", "update")
            and item_field
            and schema_at(output, item_field) is None
        ):
            raise ContractError(
                file, f"{at}/itemField", f"{item_field!r} is not a field of the output"
            )
        input_fields = dict(declared.get("inputFields", {}))
        for name in input_fields:
            if name.split(".")[0] not in inputs:
                raise ContractError(
                    file, f"{at}/inputFields/{name}", f"{name!r} is not an input of {action.name}"
                )
        list_fields = declared.get("listFields")
        return Operation(
            action=action,
            collection=declared["collection"],
            operation=kind,
            id_input=id_input,
            item_field=item_field,
            items_field=items_field,
            page_size_input=need_input("pageSizeInput"),
            page_token_input=need_input("pageTokenInput"),
            next_page_token_field=declared.get("nextPageTokenField"),
            total_field=declared.get("totalField"),
            list_fields=tuple(list_fields) if list_fields is not None else None,
            input_fields=input_fields,
            not_found=declared.get("notFound"),
            not_found_output=declared.get("notFoundOutput"),
            success_output=declared.get("successOutput"),
            default_page_size=int(declared.get("defaultPageSize", DEFAULT_PAGE_SIZE)),
            max_page_size=int(declared.get("maxPageSize", MAX_PAGE_SIZE)),
            provider_shaped=is_provider_shaped(output),
        )


# --- state -----------------------------------------------------------------------------------


class Entry(NamedTuple):
    """One stored item: its place in the collection and the item, or (seeded) its position
    in the seeded batch, from which the collection's factory builds it."""

    seq: int
    item: dict[str, Any] | None
    position: int


class Meta(NamedTuple):
    """A collection's bookkeeping: closed or open, counters, the seeded batch, tombstones
    (a named tuple: changing it, :meth:`_replace`, is several times cheaper than a frozen
    dataclass's ``replace``)."""

    closed: bool = False
    next_seq: int = 0
    creates: int = 0
    minted: int = 0
    deleted: frozenset[str] = frozenset()
    seed: int = 0
    anchor: str = ""
    count: int = 0  # type: ignore[assignment]  # (a field, not tuple.count)


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
        self._store = resources.engine.store
        self.kind = (
            f"{KIND_PREFIX}{spec.owner}/{spec.connector}|{spec.name}|{account}|{parent or ''}"
        )

    def __repr__(self) -> str:
        parent = f" in {self.parent!r}" if self.parent else ""
        return f"<Collection {self.spec.key} of {self.account!r}{parent}>"

    # bookkeeping

    def meta(self) -> Meta:
        found = self._store.get(self.environment.id, META_KIND, self.kind)
        return found if isinstance(found, Meta) else Meta()

    def _change_meta(self, change: Callable[[Meta], Meta]) -> Meta:
        def apply(old: Any) -> Meta:
            return change(old if isinstance(old, Meta) else Meta())

        new = self._store.update(self.environment.id, META_KIND, self.kind, apply)
        assert isinstance(new, Meta)
        return new

    @property
    def closed(self) -> bool:
        return self.meta().closed

    def close(self) -> None:
        """Hold only what is stored from now on (what seeding and creating do)."""
        self._change_meta(lambda m: m._replace(closed=True))

    def mint(self) -> int:
        """A number no other call on this collection gets (the salt of a new id), so that
        concurrent creates never pick the same id; deterministic for a sequence of calls."""
        return self._change_meta(lambda m: m._replace(minted=m.minted + 1)).minted

    def _next_seq(self, *, close: bool = False, create: bool = False) -> Meta:
        return self._change_meta(
            lambda m: m._replace(
                next_seq=m.next_seq + 1,
                closed=m.closed or close,
                creates=m.creates + (1 if create else 0),
            )
        )

    # items

    def entry(self, item_id: str) -> Entry | None:
        found = self._store.get(self.environment.id, self.kind, item_id)
        return found if isinstance(found, Entry) else None

    def is_deleted(self, item_id: str) -> bool:
        return item_id in self.meta().deleted

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
        """Store a new item after every other (creating closes the collection)."""
        meta = self._next_seq(close=create, create=create)
        entry = Entry(meta.next_seq - 1, copy_json(item), -1)
        self._store.put(self.environment.id, self.kind, item_id, entry)
        return entry

    def replace(self, item_id: str, item: dict[str, Any]) -> None:
        """Change a stored item in place (its position stays)."""
        entry = self.entry(item_id)
        if entry is None:
            self.insert(item_id, item, create=False)
            return
        self._store.put(
            self.environment.id, self.kind, item_id, Entry(entry.seq, copy_json(item), -1)
        )

    def remove(self, item_id: str) -> bool:
        """Delete an item; an open collection remembers it, so it stays deleted."""
        removed = self._store.delete(self.environment.id, self.kind, item_id)
        if not self.closed:
            self._change_meta(lambda m: m._replace(deleted=m.deleted | {item_id}))
        return removed

    def entries(self) -> list[tuple[str, Entry]]:
        """Every stored entry, in list order (newest first for ``order: newest``)."""
        found = [
            (key, value)
            for key, value in self._store.items(self.environment.id, self.kind)
            if isinstance(value, Entry)
        ]
        found.sort(key=lambda pair: pair[1].seq, reverse=self.spec.order == "newest")
        return found

    def items(self) -> list[dict[str, Any]]:
        """Every stored item, built in full, in list order."""
        return [self.materialise(key, entry) for key, entry in self.entries()]

    def __len__(self) -> int:
        return len(self._store.items(self.environment.id, self.kind))

    def clear(self) -> None:
        """Forget every item and the bookkeeping: the collection is open and empty again."""
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
        """Replace the collection by ``count`` seeded items and explicit ``items``; closed."""
        self.clear()
        self._change_meta(
            lambda m: m._replace(
                closed=True,
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
            put(env_id, kind, factory.item_id(ctx, index), Entry(index, None, index))
        for offset, partial in enumerate(items or ()):
            index = count + offset
            explicit = get_path(partial, self.spec.id_field)
            item_id = str(explicit) if explicit else factory.item_id(ctx, index)
            item = deep_merge(factory.build(ctx, index, item_id), partial)
            item = set_path(item, self.spec.id_field, item_id)
            self.insert(item_id, item, create=False)


def deep_merge(base: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``overlay``'s values; nested objects are merged, lists replaced."""
    result = copy_json(base)
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy_json(value)
    return result


def encode_token(number: int, prefix: str = "p1:") -> str:
    return base64.urlsafe_b64encode(f"{prefix}{number}".encode()).decode().rstrip("=")


def decode_token(token: str, prefix: str = "p1:") -> int:
    """Raises ValueError for a token the mock did not issue."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(prefix) or not text[len(prefix) :].isdigit():
        raise ValueError(f"not a page token: {token!r}")
    return int(text[len(prefix) :])


# --- the service -----------------------------------------------------------------------------


class Resources:
    """Answers declared resource operations from the store; the engine holds one.

    Behaviours use it to read and change collections (:meth:`collection`, :meth:`lookup`),
    and the control API and the fixture read an account's items through :meth:`items`.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.catalog = ResourceCatalog.of(engine.registry)
        self.factories: dict[tuple[str, str, str], Factory] = {}

    # collections

    def spec(self, connector: str, collection: str, owner: str = "interactor") -> CollectionSpec:
        """Raises UnknownConnector or UnknownCollection."""
        contract = self.engine.registry.connector(connector, owner)
        return self.catalog.collection(contract.owner, contract.name, collection)

    def collection(
        self,
        environment: Environment,
        spec: CollectionSpec,
        account: str,
        parent: str | None = None,
    ) -> Collection:
        return Collection(self, environment, spec, account, parent or spec.parent_default)

    def for_call(self, call: ActionCall, spec: CollectionSpec | None = None) -> Collection:
        """The collection an action call operates on (its own declared one by default)."""
        if spec is None:
            operation = self.catalog.operation(call.action)
            if operation is None:
                raise LookupError(f"{call.action.key} declares no resource")
            spec = self.catalog.collection(
                call.action.owner, call.action.connector, operation.collection
            )
        parent = call.input.get(spec.parent_input) if spec.parent_input else None
        return self.collection(call.environment, spec, call.account, _text(parent))

    def items(
        self,
        environment: Environment,
        connector: str,
        collection: str,
        account: str,
        *,
        owner: str = "interactor",
        parent: str | None = None,
    ) -> list[dict[str, Any]]:
        """An account's stored items of a collection, in list order, built in full."""
        spec = self.spec(connector, collection, owner)
        return self.collection(environment, spec, account, parent).items()

    def collections_of(self, environment: Environment) -> list[dict[str, Any]]:
        """Every collection that holds state in an environment (for the control API)."""
        found = []
        for kind, meta in self.engine.store.items(environment.id, META_KIND):
            if not kind.startswith(KIND_PREFIX) or not isinstance(meta, Meta):
                continue
            connector_key, name, account, parent = kind[len(KIND_PREFIX) :].split("|", 3)
            found.append(
                {
                    "connector": connector_key,
                    "collection": name,
                    "account": account,
                    "parent": parent or None,
                    "closed": meta.closed,
                    "items": len(self.engine.store.items(environment.id, kind)),
                }
            )
        return sorted(found, key=lambda c: (c["connector"], c["collection"], c["account"]))

    # seeded items

    def register_factory(
        self, owner: str, connector: str, collection: str, factory: Factory
    ) -> None:
        """Build seeded items of a collection with ``factory`` instead of the generator."""
        self.factories[(owner, connector, collection)] = factory

    def factory(self, spec: CollectionSpec) -> Factory:
        found = self.factories.get((spec.owner, spec.connector, spec.name))
        return found if found is not None else self._generic_factory(spec)

    def seed_context(self, collection: Collection) -> SeedContext:
        meta = collection.meta()
        anchor = datetime.fromisoformat(meta.anchor) if meta.anchor else self.engine.now()
        return SeedContext(
            environment=collection.environment,
            spec=collection.spec,
            account=collection.account,
            parent=collection.parent,
            seed=meta.seed,
            anchor=anchor,
            count=meta.count,
            resources=self,
        )

    def build_seeded(self, collection: Collection, index: int, item_id: str) -> dict[str, Any]:
        return self.factory(collection.spec).build(self.seed_context(collection), index, item_id)

    def _generic_factory(self, spec: CollectionSpec) -> Factory:
        generator = self.engine.generator

        def item_id(ctx: SeedContext, index: int) -> str:
            return make_id(spec.id_style, ctx.rng(index, "id"), ctx.anchor)

        def build(ctx: SeedContext, index: int, identifier: str) -> dict[str, Any]:
            schema = spec.item_schema or {"type": "object"}
            value = generator.generate(schema, seed=seed_for(ctx.seed, spec.key, index))
            item = value if isinstance(value, dict) else {}
            return set_path(item, spec.id_field, identifier)  # type: ignore[no-any-return]

        return Factory(item_id=item_id, build=build)

    # answers

    def base_output(
        self,
        environment: Environment,
        action: Action,
        payload: Mapping[str, Any],
        *,
        salt: int = 0,
        canonical: str | None = None,
    ) -> Any:
        """What the mock answers without state: the recorded example, else generated data
        (``salt`` > 0 varies the generated data, for a second create with the same input;
        ``canonical``, the payload's canonical text when the caller has it)."""
        if canonical is None:
            canonical = canonical_input(payload)
        if salt == 0:
            example = action.example_for(canonical)
            if example is not None:
                return copy_json(example["output"])
        seed = seed_for(environment.seed, action.owner, action.connector, action.name, canonical)
        if salt:
            seed = seed_for(seed, "create", salt)
        return self.engine.generator.generate(
            self.catalog.success_schema(action), seed=seed, echo=payload
        )

    def not_found(self, collection: Collection, item_id: str, action: Action | None = None) -> Any:
        """Fail as the provider does for an unknown id: raises ResourceNotFound, or
        :class:`ProviderAnswer` with a ``-v1`` connector's 404 output."""
        operation = self.catalog.operation(action) if action is not None else None
        spec = collection.spec
        output = operation.not_found_output if operation is not None else None
        if output is None:
            output = next(
                (op.not_found_output for op in spec.operations if op.not_found_output is not None),
                None,
            )
        provider_shaped = (
            is_provider_shaped(self.catalog.success_schema(action))
            if action is not None
            else any(op.provider_shaped for op in spec.operations)
        )
        if provider_shaped:
            if output is None:
                output = provider_error_output(404, NOT_FOUND_TEXT)
            raise ProviderAnswer(_substitute(output, item_id), reason="not found")
        declared = (operation.not_found if operation is not None else None) or spec.not_found
        if declared is not None:
            raise ResourceNotFound(
                _substitute(str(declared["error"]), item_id), status=int(declared["status"])
            )
        raise ResourceNotFound()

    def provider_failure(self, action: Action, status: int, message: str, reason: str) -> Any:
        """Fail as the provider does: a ``-v1`` output, else Interactor's 500 relay."""
        if is_provider_shaped(self.catalog.success_schema(action)):
            raise ProviderAnswer(provider_error_output(status, message, reason=reason))
        raise ProviderFailure(message)

    def lookup(
        self, collection: Collection, item_id: str, action: Action | None = None
    ) -> dict[str, Any]:
        """The item, fetched as the collection's ``get`` would: stored, else (open collection)
        generated and kept; raises as :meth:`not_found` when it does not exist."""
        entry = collection.entry(item_id)
        if entry is not None:
            return collection.materialise(item_id, entry)
        if collection.closed or collection.is_deleted(item_id):
            self.not_found(collection, item_id, action)
        item = self.virtual_item(collection, item_id)
        collection.insert(item_id, item, create=False)
        return item

    def virtual_item(self, collection: Collection, item_id: str) -> dict[str, Any]:
        """What the ``get`` action answers for an id of an open collection (generated)."""
        spec = collection.spec
        getter = spec.first("get")
        item: Any = None
        if getter is not None and getter.id_input is not None:
            payload: dict[str, Any] = {getter.id_input: item_id}
            if spec.parent_input and collection.parent is not None:
                payload[spec.parent_input] = collection.parent
            item = get_path(
                self.base_output(collection.environment, getter.action, payload), getter.item_field
            )
        if not isinstance(item, dict):
            schema = spec.item_schema or {"type": "object"}
            value = self.engine.generator.generate(
                schema, seed=seed_for(collection.environment.seed, spec.key, item_id)
            )
            item = value if isinstance(value, dict) else {}
        return set_path(item, spec.id_field, item_id)  # type: ignore[no-any-return]

    def overlay(
        self,
        operation: Operation,
        item: dict[str, Any],
        payload: Mapping[str, Any],
        *,
        copy: bool = True,
    ) -> dict[str, Any]:
        """``item`` with the call's input set where the declaration's ``inputFields`` map it
        (dotted input path to dotted item path); without a map, every input named like a
        field of the item sets that field. ``copy=False`` changes ``item`` itself (for an item
        the caller owns, such as one :meth:`lookup` returned)."""
        spec = self.catalog.collection(
            operation.action.owner, operation.action.connector, operation.collection
        )
        skip = {
            operation.id_input,
            operation.page_size_input,
            operation.page_token_input,
            spec.parent_input,
        }
        result = copy_json(item) if copy else item
        if operation.input_fields:
            for source, target in operation.input_fields.items():
                value = get_path(payload, source)
                if value is not None:
                    result = set_path(result, target, copy_json(value))
            return result
        properties = (spec.item_schema or {}).get("properties", {})
        for name, value in payload.items():
            if name not in skip and name in properties and name != spec.id_field:
                result = set_path(result, name, copy_json(value))
        return result

    def fresh_id(self, collection: Collection) -> str:
        """A new id in the collection's style that no stored or deleted item has."""
        spec = collection.spec
        now = self.engine.now()
        minted = collection.mint()
        for attempt in range(100):
            rng = random.Random(
                seed_for(collection.environment.seed, collection.kind, "new", minted, attempt)
            )
            candidate = make_id(spec.id_style, rng, now)
            if collection.entry(candidate) is None and not collection.is_deleted(candidate):
                return candidate
        raise RuntimeError(f"no free id in {collection!r}")  # pragma: no cover

    def execute(
        self, call: ActionCall, *, keep: Keep | None = None, sort_key: SortKey | None = None
    ) -> Any:
        """Answer a call of an action that declares a resource operation; ``keep`` filters
        and ``sort_key`` orders a list's items (coded behaviours pass them)."""
        operation = self.catalog.operation(call.action)
        if operation is None:
            raise LookupError(f"{call.action.key} declares no resource")
        collection = self.for_call(call)
        if operation.operation == "list":
            return self._list(call, operation, collection, keep, sort_key)
        handler = getattr(self, f"_{operation.operation}")
        return handler(call, operation, collection)

    def wrap(self, call: ActionCall, operation: Operation, item: dict[str, Any]) -> Any:
        """The answer of ``call`` holding ``item`` where the declaration says."""
        base = self.base_output(call.environment, call.action, call.input, canonical=call.canonical)
        return set_path(base, operation.item_field, item)

    def _create(self, call: ActionCall, operation: Operation, collection: Collection) -> Any:
        meta = collection.meta()
        base = self.base_output(
            call.environment, call.action, call.input, salt=meta.creates, canonical=call.canonical
        )
        found = get_path(base, operation.item_field)
        item = found if isinstance(found, dict) else {}
        item = self.overlay(operation, item, call.input)  # generation may echo input objects
        example = call.action.example_for(call.canonical) if meta.creates == 0 else None
        item_id = get_path(item, collection.spec.id_field) if example is not None else None
        if not isinstance(item_id, str) or not item_id or collection.entry(item_id) is not None:
            item_id = self.fresh_id(collection)
        item = set_path(item, collection.spec.id_field, item_id)
        collection.insert(item_id, item)
        return set_path(base, operation.item_field, item)

    def _item_id(self, call: ActionCall, operation: Operation) -> str:
        assert operation.id_input is not None
        return str(call.input.get(operation.id_input, ""))

    def _get(self, call: ActionCall, operation: Operation, collection: Collection) -> Any:
        item_id = self._item_id(call, operation)
        entry = collection.entry(item_id)
        if entry is not None:
            return self.wrap(call, operation, collection.materialise(item_id, entry))
        if collection.closed or collection.is_deleted(item_id):
            return self.not_found(collection, item_id, call.action)
        base = self.base_output(call.environment, call.action, call.input, canonical=call.canonical)
        found = get_path(base, operation.item_field)
        item = set_path(found if isinstance(found, dict) else {}, collection.spec.id_field, item_id)
        collection.insert(item_id, item, create=False)
        return set_path(base, operation.item_field, item)

    def _update(self, call: ActionCall, operation: Operation, collection: Collection) -> Any:
        item_id = self._item_id(call, operation)
        item = self.lookup(collection, item_id, call.action)
        changed = self.overlay(operation, item, call.input, copy=False)  # lookup's copy: ours
        collection.replace(item_id, changed)
        return self.wrap(call, operation, changed)

    def _delete(self, call: ActionCall, operation: Operation, collection: Collection) -> Any:
        item_id = self._item_id(call, operation)
        if collection.entry(item_id) is None and (
            collection.closed or collection.is_deleted(item_id)
        ):
            return self.not_found(collection, item_id, call.action)
        collection.remove(item_id)
        if operation.success_output is not None:
            return _substitute(operation.success_output, item_id)  # builds new containers
        return self.base_output(call.environment, call.action, call.input, canonical=call.canonical)

    def page_size(self, operation: Operation, payload: Mapping[str, Any]) -> int:
        wanted = payload.get(operation.page_size_input) if operation.page_size_input else None
        if isinstance(wanted, (int, float)) and not isinstance(wanted, bool) and wanted >= 1:
            return min(int(wanted), operation.max_page_size)
        return min(operation.default_page_size, operation.max_page_size)

    def _list(
        self,
        call: ActionCall,
        operation: Operation,
        collection: Collection,
        keep: Keep | None = None,
        sort_key: SortKey | None = None,
    ) -> Any:
        if not collection.closed:
            return self.base_output(
                call.environment, call.action, call.input, canonical=call.canonical
            )
        token = call.input.get(operation.page_token_input) if operation.page_token_input else None
        try:
            chosen, next_token, total = collection.page(
                self.page_size(operation, call.input), _text(token), keep=keep, sort_key=sort_key
            )
        except ValueError:
            return self.provider_failure(call.action, 400, INVALID_PAGE_TOKEN, "invalid")
        items = [
            _project_owned(collection.materialise(k, e), operation.list_fields) for k, e in chosen
        ]
        return self.list_output(call, operation, items, next_token, total)

    def list_output(
        self,
        call: ActionCall,
        operation: Operation,
        items: list[dict[str, Any]],
        next_token: str | None,
        total: int,
    ) -> Any:
        """The answer of a list call holding ``items`` and the paging fields."""
        assert operation.items_field is not None
        output = self.base_output(
            call.environment, call.action, call.input, canonical=call.canonical
        )
        output = set_path(output, operation.items_field, items)
        schema = self.catalog.success_schema(call.action)
        if operation.next_page_token_field:
            path = operation.next_page_token_field
            if next_token is not None:
                output = set_path(output, path, next_token)
            elif allows_null(schema_at(schema, path)):
                output = set_path(output, path, None)
            else:
                delete_path(output, path)
        if operation.total_field:
            output = set_path(output, operation.total_field, total)
        return output


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
