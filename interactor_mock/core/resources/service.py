"""The resources service: answers declared create, get, list, update and delete from the store."""

from __future__ import annotations

import random
from collections.abc import Callable
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.contracts import Action
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import canonical_input
from interactor_mock.core.calls import ProviderAnswer
from interactor_mock.core.environments import Environment
from interactor_mock.core.generate import Generator
from interactor_mock.core.generate import seed_for
from interactor_mock.core.resources.catalog import CollectionSpec
from interactor_mock.core.resources.catalog import Operation
from interactor_mock.core.resources.catalog import ResourceCatalog
from interactor_mock.core.resources.collection import KIND_PREFIX
from interactor_mock.core.resources.collection import META_KIND
from interactor_mock.core.resources.collection import Collection
from interactor_mock.core.resources.collection import Factory
from interactor_mock.core.resources.collection import Keep
from interactor_mock.core.resources.collection import SeedContext
from interactor_mock.core.resources.collection import SortKey
from interactor_mock.core.resources.ids import make_id
from interactor_mock.core.resources.paths import _project_owned
from interactor_mock.core.resources.paths import _substitute
from interactor_mock.core.resources.paths import _text
from interactor_mock.core.resources.paths import copy_json
from interactor_mock.core.resources.paths import delete_path
from interactor_mock.core.resources.paths import get_path
from interactor_mock.core.resources.paths import set_path
from interactor_mock.core.resources.schema import allows_null
from interactor_mock.core.resources.schema import is_provider_shaped
from interactor_mock.core.resources.schema import provider_error_output
from interactor_mock.core.resources.schema import schema_at
from interactor_mock.errors import ProviderFailure
from interactor_mock.errors import ResourceNotFound
from interactor_mock.errors import StateError
from interactor_mock.errors import UnknownCollection
from interactor_mock.store import Store

if TYPE_CHECKING:
    from interactor_mock.core.calls import ActionCall


NOT_FOUND_TEXT = "Not Found"


INVALID_PAGE_TOKEN = "Invalid pageToken"


def _empty_id(target: str, value: Any) -> bool:
    """An empty string for an id field (``threadId: ""``): the provider ignores it."""
    name = target.rsplit(".", 1)[-1]
    return value == "" and (name == "id" or name.endswith("Id") or name.endswith("_id"))


class Resources:
    """Answers declared resource operations from the store; the engine holds one.

    Behaviours use it to read and change collections (:meth:`collection`, :meth:`lookup`),
    and the control API and the fixture read an account's items through :meth:`items`.
    """

    def __init__(
        self,
        registry: ContractRegistry,
        store: Store,
        *,
        clock: Callable[[], datetime],
        generator: Generator,
    ) -> None:
        self.registry = registry
        self.store = store
        self.clock = clock
        self.generator = generator
        self.catalog = ResourceCatalog.of(registry)
        self.factories: dict[tuple[str, str, str], Factory] = {}

    # collections

    def spec(self, connector: str, collection: str, owner: str = "interactor") -> CollectionSpec:
        """Raises UnknownConnector or UnknownCollection."""
        contract = self.registry.connector(connector, owner)
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
                raise UnknownCollection(f"{call.action.key} declares no resource")
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
        for kind, meta in self.store.items(environment.id, META_KIND):
            if not kind.startswith(KIND_PREFIX):
                continue
            connector_key, name, account, parent = kind[len(KIND_PREFIX) :].split("|", 3)
            if isinstance(meta, dict) and "account" in meta:  # the kind is ambiguous when
                account, parent = meta["account"], meta.get("parent") or ""  # hold a "|"
            found.append(
                {
                    "connector": connector_key,
                    "collection": name,
                    "account": account,
                    "parent": parent or None,
                    "closed": True,  # every collection holds exactly what is stored
                    "items": len(self.store.items(environment.id, kind)),
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
        anchor = datetime.fromisoformat(meta.anchor) if meta.anchor else self.clock()
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
        generator = self.generator

        def item_id(ctx: SeedContext, index: int) -> str:
            return make_id(spec.id_style, ctx.rng(index, "id"), ctx.anchor)

        def build(ctx: SeedContext, index: int, identifier: str) -> dict[str, Any]:
            schema = spec.item_schema or {"type": "object"}
            value = generator.generate(schema, seed=seed_for(ctx.seed, spec.key, index))
            item = value if isinstance(value, dict) else {}
            return set_path(item, spec.id_field, identifier)  # type: ignore[no-any-return]

        return Factory(item_id=item_id, build=build)

    # answers

    def generated(self, call: ActionCall) -> Any:
        """The output the generator gives for a call (never a provider error)."""
        return self.generator.generate(
            self.catalog.success_schema(call.action), seed=call.seed, echo=call.input
        )

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
        return self.generator.generate(self.catalog.success_schema(action), seed=seed, echo=payload)

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
        """The stored item, a copy the caller owns; raises as :meth:`not_found` when the
        collection does not hold it."""
        entry = collection.entry(item_id)
        if entry is None:
            return self.not_found(collection, item_id, action)  # type: ignore[no-any-return]
        return collection.materialise(item_id, entry)

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
                if value is not None and not _empty_id(target, value):
                    result = set_path(result, target, copy_json(value))
            return result
        properties = (spec.item_schema or {}).get("properties", {})
        for name, value in payload.items():
            if (
                name not in skip
                and name in properties
                and name != spec.id_field
                and not _empty_id(name, value)
            ):
                result = set_path(result, name, copy_json(value))
        return result

    def fresh_id(self, collection: Collection, *, minted: int | None = None) -> str:
        """A new id in the collection's style that no stored item has (``minted``: a number
        :meth:`Collection.reserve` already took)."""
        spec = collection.spec
        now = self.clock()
        if minted is None:
            minted = collection.mint()
        for attempt in range(100):
            rng = random.Random(
                seed_for(collection.environment.seed, collection.kind, "new", minted, attempt)
            )
            candidate = make_id(spec.id_style, rng, now)
            if collection.entry(candidate) is None:
                return candidate
        raise StateError(f"no free id in {collection!r}")  # pragma: no cover

    def execute(
        self, call: ActionCall, *, keep: Keep | None = None, sort_key: SortKey | None = None
    ) -> Any:
        """Answer a call of an action that declares a resource operation; ``keep`` filters
        and ``sort_key`` orders a list's items (coded behaviours pass them)."""
        operation = self.catalog.operation(call.action)
        if operation is None:
            raise UnknownCollection(f"{call.action.key} declares no resource")
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
        reserved = collection.reserve()
        before = reserved.creates - 1
        base = self.base_output(
            call.environment, call.action, call.input, salt=before, canonical=call.canonical
        )
        found = get_path(base, operation.item_field)
        if not isinstance(found, dict):
            # The generator may leave out an item the output schema does not require: the
            # answer (and the stored item) is still a whole item of the output's item schema.
            schema = schema_at(self.catalog.success_schema(call.action), operation.item_field)
            found = self.generator.generate(
                schema or collection.spec.item_schema or {"type": "object"},
                seed=seed_for(collection.environment.seed, collection.kind, "item", before),
                echo=call.input,
            )
        item = found if isinstance(found, dict) else {}
        item = self.overlay(operation, item, call.input)  # generation may echo input objects
        example = call.action.example_for(call.canonical) if before == 0 else None
        item_id = get_path(item, collection.spec.id_field) if example is not None else None
        if not isinstance(item_id, str) or not item_id or collection.entry(item_id) is not None:
            item_id = self.fresh_id(collection, minted=reserved.minted)
        item = set_path(item, collection.spec.id_field, item_id)
        collection.insert_reserved(item_id, item, reserved)
        return set_path(base, operation.item_field, item)

    def _item_id(self, call: ActionCall, operation: Operation, collection: Collection) -> str:
        """The id the call names; an empty one names no item (the provider answers 404)."""
        assert operation.id_input is not None
        item_id = str(call.input.get(operation.id_input, ""))
        if not item_id:
            self.not_found(collection, item_id, call.action)
        return item_id

    def _get(self, call: ActionCall, operation: Operation, collection: Collection) -> Any:
        item_id = self._item_id(call, operation, collection)
        entry = collection.entry(item_id)
        if entry is None:
            return self.not_found(collection, item_id, call.action)
        return self.wrap(call, operation, collection.materialise(item_id, entry))

    def _update(self, call: ActionCall, operation: Operation, collection: Collection) -> Any:
        item_id = self._item_id(call, operation, collection)
        item = self.lookup(collection, item_id, call.action)
        changed = self.overlay(operation, item, call.input, copy=False)  # lookup's copy: ours
        collection.replace(item_id, changed)
        return self.wrap(call, operation, changed)

    def _delete(self, call: ActionCall, operation: Operation, collection: Collection) -> Any:
        item_id = self._item_id(call, operation, collection)
        if not collection.remove(item_id):
            return self.not_found(collection, item_id, call.action)
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
