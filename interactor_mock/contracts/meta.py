"""The meta-schema every contract file is checked against, and where the shipped contracts are."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator

from interactor_mock.contracts.schema import SchemaChecker

META_SCHEMA_NAME = "contract.schema.json"


def default_contracts_dir() -> Path:
    """The shipped contracts: inside the wheel, or ``contracts/`` of a source checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "_contracts"
    if installed.is_dir():
        return installed
    return package_dir.parent / "contracts"


@functools.lru_cache(maxsize=1)
def meta_checker() -> SchemaChecker:
    path = default_contracts_dir() / META_SCHEMA_NAME
    return SchemaChecker(json.loads(path.read_text(encoding="utf-8")))


def meta_validator() -> Draft202012Validator:
    return meta_checker().reference
