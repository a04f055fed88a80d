"""interactor-mock: an offline, contract-driven mock of the Interactor API."""

from __future__ import annotations

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
