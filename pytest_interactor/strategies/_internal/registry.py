"""The contract registry, as far as the strategies need it, and looking actions up in it.

Unknown connectors and actions raise :class:`hypothesis.errors.InvalidArgument` listing the
known names (the strategies call these at draw time, see :mod:`.lazy`)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final
from typing import Protocol

from hypothesis.errors import InvalidArgument

DEFAULT_OWNER: Final = "interactor"


class _ActionLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def input_schema(self) -> Mapping[str, Any]: ...
    @property
    def output_schema(self) -> Mapping[str, Any]: ...


class _ContractLike(Protocol):
    @property
    def owner(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def actions(self) -> Mapping[str, _ActionLike]: ...


class _RegistryLike(Protocol):
    @property
    def connectors(self) -> Sequence[_ContractLike]: ...
    def connector(self, name: str, owner: str = ...) -> _ContractLike: ...


def _registry(registry: _RegistryLike | None) -> _RegistryLike:
    if registry is not None:
        return registry
    from interactor_mock.contracts import default_registry

    return default_registry()


def _check_name(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(f"{what} must be a string, got {value!r}")
    return value


def _contract(connector: str, owner: str, registry: _RegistryLike | None) -> _ContractLike:
    _check_name(connector, "connector")
    _check_name(owner, "owner")
    found = _registry(registry)
    try:
        return found.connector(connector, owner)
    except LookupError:
        names = sorted(c.name for c in found.connectors if c.owner == owner)
        if names:
            known = f"known connectors of {owner!r}: {', '.join(names)}"
        else:
            known = "known connectors: " + ", ".join(
                sorted(f"{c.owner}/{c.name}" for c in found.connectors)
            )
        raise InvalidArgument(f"unknown connector {owner}/{connector}; {known}") from None


def _action(connector: str, action: str, owner: str, registry: _RegistryLike | None) -> _ActionLike:
    contract = _contract(connector, owner, registry)
    _check_name(action, "action")
    try:
        return contract.actions[action]
    except KeyError:
        raise InvalidArgument(
            f"unknown action {action!r} of connector {owner}/{connector}; "
            f"known actions: {', '.join(sorted(contract.actions))}"
        ) from None
