"""Connector contracts: load, check, convert to JSON Schema, compile, look up.

A contract file holds one connector in Interactor's own schema format (see
``contracts/README.md``). Loading checks it against the meta-schema, resolves ``x-dataType``
references by inlining the shared data types, derives Draft 2020-12 input and output schemas
for every action, and checks every example against them. A defect raises
:class:`~interactor_mock.errors.ContractError` naming the file and the JSON pointer, at load,
never in the middle of a request (a registry loaded with ``lazy=True``, for thousands of
connectors, loads each on first use instead). Validators are compiled on first use and then
kept; see :class:`SchemaChecker` for how validation stays fast and exact.
"""

from __future__ import annotations

from interactor_mock.contracts.canonical import canonical_input
from interactor_mock.contracts.canonical import canonical_json
from interactor_mock.contracts.meta import default_contracts_dir
from interactor_mock.contracts.model import DEFAULT_OWNER
from interactor_mock.contracts.model import Action
from interactor_mock.contracts.model import Contract
from interactor_mock.contracts.model import input_schema
from interactor_mock.contracts.registry import ContractRegistry
from interactor_mock.contracts.registry import contract_files
from interactor_mock.contracts.registry import default_registry
from interactor_mock.contracts.schema import FORMAT_CHECKER
from interactor_mock.contracts.schema import Problem
from interactor_mock.contracts.schema import SchemaChecker
from interactor_mock.contracts.schema import error_pointer
from interactor_mock.contracts.schema import pointer
from interactor_mock.contracts.schema import problems
from interactor_mock.contracts.schema import to_json_schema

__all__ = [
    "DEFAULT_OWNER",
    "FORMAT_CHECKER",
    "Action",
    "Contract",
    "ContractRegistry",
    "Problem",
    "SchemaChecker",
    "canonical_input",
    "canonical_json",
    "contract_files",
    "default_contracts_dir",
    "default_registry",
    "error_pointer",
    "input_schema",
    "pointer",
    "problems",
    "to_json_schema",
]
