"""interactor-mock: an offline, contract-driven mock of the Interactor API."""

from __future__ import annotations

from interactor_mock.app import create_app
from interactor_mock.config import MockConfig
from interactor_mock.contracts import ContractRegistry
from interactor_mock.engine import Engine
from interactor_mock.errors import ContractError
from interactor_mock.errors import InteractorMockError

__all__ = [
    "ContractError",
    "ContractRegistry",
    "Engine",
    "InteractorMockError",
    "MockConfig",
    "create_app",
]

__version__ = "0.1.0"
