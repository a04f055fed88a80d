"""Resource declarations compiled once per registry: collections and their operations.

A contract may mark an action as an operation on a per-account collection (its ``resource``
declaration, see ``contracts/README.md``). :class:`ResourceCatalog` compiles those declarations
once and fails loudly (file and JSON pointer) on a bad one.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from interactor_mock.contracts import Action
from interactor_mock.contracts import Contract
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import pointer
from interactor_mock.core.resources.schema import is_provider_shaped
from interactor_mock.core.resources.schema import schema_at
from interactor_mock.core.resources.schema import success_schema
from interactor_mock.errors import ContractError
from interactor_mock.errors import UnknownCollection

OPERATIONS = ("create", "get", "list", "update", "delete")


DEFAULT_PAGE_SIZE = 100


MAX_PAGE_SIZE = 500


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
