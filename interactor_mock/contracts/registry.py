"""The registry: every contract of a directory, loaded and looked up by name."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from pathlib import Path

from interactor_mock.contracts.meta import default_contracts_dir
from interactor_mock.contracts.model import DEFAULT_OWNER
from interactor_mock.contracts.model import Action
from interactor_mock.contracts.model import Contract
from interactor_mock.errors import ContractError
from interactor_mock.errors import UnknownConnector


class ContractRegistry:
    """Every loaded connector, addressed by owner and name. Read-only once loaded.

    A registry loaded with ``lazy=True`` knows its connectors by their file names and
    loads, checks and builds each on first use (see :meth:`load`).
    """

    def __init__(self, contracts: list[Contract], *, directory: Path | None = None) -> None:
        self.directory = directory
        self._by_key: dict[tuple[str, str], Contract] = {}
        self._pending: dict[tuple[str, str], Path] = {}
        self._lock = threading.RLock()
        for contract in contracts:
            key = (contract.owner, contract.name)
            if key in self._by_key:
                raise ContractError(
                    str(contract.path or contract.key), "/name", f"{contract.key} defined twice"
                )
            self._by_key[key] = contract

    @classmethod
    def load(cls, directory: Path | str | None = None, *, lazy: bool = False) -> ContractRegistry:
        """Load and check every ``<owner>/<name>.json`` under ``directory``.

        Arguments:
            directory: the contracts directory (the shipped contracts when omitted).
            lazy: only list the files now, and load and check each connector on its first
                use, so that start-up stays fast with thousands of connectors. A defect then
                surfaces on that first use (as the same ``ContractError``): check such a
                directory with ``interactor-mock contracts check`` in CI.

        Raises:
            ContractError: for the first defective file, naming it and the JSON pointer.
            FileNotFoundError: the directory does not exist.
        """
        root = Path(directory) if directory is not None else default_contracts_dir()
        if not root.is_dir():
            raise FileNotFoundError(f"contracts directory not found: {root}")
        if not lazy:
            contracts = [Contract.from_file(path, root=root) for path in contract_files(root)]
            return cls(contracts, directory=root)
        registry = cls([], directory=root)
        registry._pending = {(path.parent.name, path.stem): path for path in contract_files(root)}
        return registry

    @property
    def lazy(self) -> bool:
        """Whether some connectors are still to be loaded on first use."""
        return bool(self._pending)

    def _load_pending(self, key: tuple[str, str]) -> Contract | None:
        with self._lock:
            found = self._by_key.get(key)
            if found is None and key in self._pending:
                found = Contract.from_file(self._pending[key], root=self.directory)
                self._by_key[key] = found
                del self._pending[key]
            return found

    def _keys(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted({*self._by_key, *self._pending})

    @property
    def connectors(self) -> list[Contract]:
        found = [self._by_key.get(key) or self._load_pending(key) for key in self._keys()]
        return [contract for contract in found if contract is not None]

    def __iter__(self) -> Iterator[Contract]:
        return iter(self.connectors)

    def __len__(self) -> int:
        return len(self._keys())

    def __contains__(self, key: object) -> bool:
        """Whether ``(owner, name)`` names a connector of the registry (none is loaded)."""
        return key in self._keys()

    def __repr__(self) -> str:
        if self._pending:
            loaded = len(self._by_key)
            return (
                f"<ContractRegistry {len(self)} connectors ({loaded} loaded so far, the rest "
                f"on first use) from {self.directory}>"
            )
        actions = sum(len(c.actions) for c in self._by_key.values())
        return f"<ContractRegistry {len(self)} connectors, {actions} actions from {self.directory}>"

    def connector(self, name: str, owner: str = DEFAULT_OWNER) -> Contract:
        """The connector ``owner/name``.

        Raises:
            UnknownConnector: naming it and listing the known connectors.
            ContractError: a lazily loaded connector's file is defective.
        """
        key = (owner, name)
        found = self._by_key.get(key) or (self._load_pending(key) if self._pending else None)
        if found is None:
            raise UnknownConnector(
                f"Connector '{owner}/{name}' not found",
                known_connectors=[f"{o}/{n}" for o, n in self._keys()],
            )
        return found

    def action(self, connector: str, action: str, owner: str = DEFAULT_OWNER) -> Action:
        """The action of a connector; raises UnknownConnector or UnknownAction."""
        return self.connector(connector, owner).action(action)


def contract_files(root: Path) -> list[Path]:
    """Contract files under ``root``: ``<owner>/<name>.json``, the meta-schema excluded."""
    return sorted(p for p in root.glob("*/*.json") if p.is_file())


_default_lock = threading.Lock()


@functools.lru_cache(maxsize=8)
def _cached_registry(directory: str, lazy: bool = False) -> ContractRegistry:
    return ContractRegistry.load(directory, lazy=lazy)


def default_registry(
    directory: Path | str | None = None, *, lazy: bool = False
) -> ContractRegistry:
    """A registry loaded once per directory and shared (it is read-only); see
    :meth:`ContractRegistry.load` for ``lazy``."""
    root = Path(directory) if directory is not None else default_contracts_dir()
    with _default_lock:
        return _cached_registry(str(root.resolve()), lazy)
