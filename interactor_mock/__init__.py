"""interactor-mock: an offline, contract-driven mock of the Interactor API.

The public names are imported on first use (PEP 562), so that importing the package, as the
pytest plugin does in every user's test run, costs nothing until a name is needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from interactor_mock.config import DEFAULT_BASE_URL
    from interactor_mock.config import MockConfig
    from interactor_mock.contracts import ContractRegistry
    from interactor_mock.core.engine import Engine
    from interactor_mock.embed.handle import InteractorMock
    from interactor_mock.embed.handle import ServerSideError
    from interactor_mock.embed.inprocess import InProcessMock
    from interactor_mock.embed.inprocess import mock
    from interactor_mock.embed.server import MockServer
    from interactor_mock.errors import ContractError
    from interactor_mock.errors import InteractorMockError
    from interactor_mock.http.app import create_app

__all__ = [
    "DEFAULT_BASE_URL",
    "ContractError",
    "ContractRegistry",
    "Engine",
    "InProcessMock",
    "InteractorMock",
    "InteractorMockError",
    "MockConfig",
    "MockServer",
    "ServerSideError",
    "create_app",
    "mock",
]

__version__ = "0.1.0"

_HOMES = {
    "DEFAULT_BASE_URL": "interactor_mock.config",
    "MockConfig": "interactor_mock.config",
    "ContractRegistry": "interactor_mock.contracts",
    "Engine": "interactor_mock.core.engine",
    "InteractorMock": "interactor_mock.embed.handle",
    "ServerSideError": "interactor_mock.embed.handle",
    "InProcessMock": "interactor_mock.embed.inprocess",
    "mock": "interactor_mock.embed.inprocess",
    "MockServer": "interactor_mock.embed.server",
    "ContractError": "interactor_mock.errors",
    "InteractorMockError": "interactor_mock.errors",
    "create_app": "interactor_mock.http.app",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'interactor_mock' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
