"""Lazy registries (``ContractRegistry.load(lazy=True)``) and shared data types."""

from __future__ import annotations

import json
import shutil
import threading

import pytest

from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import default_contracts_dir
from interactor_mock.contracts import default_registry
from interactor_mock.contracts import to_json_schema
from interactor_mock.errors import ContractError
from interactor_mock.errors import UnknownConnector


@pytest.fixture
def contracts(tmp_path):
    """A copy of the shipped contracts, to break at will."""
    root = tmp_path / "contracts"
    shutil.copytree(default_contracts_dir(), root)
    return root


def test_a_lazy_registry_knows_every_connector_before_loading_any(contracts):
    registry = ContractRegistry.load(contracts, lazy=True)
    assert registry.lazy
    assert len(registry) == len(default_registry())
    assert "the rest on first use" in repr(registry)


def test_a_lazy_registry_builds_the_same_actions_as_an_eager_one(contracts):
    lazy = ContractRegistry.load(contracts, lazy=True)
    eager = ContractRegistry.load(contracts)
    assert [c.key for c in lazy] == [c.key for c in eager]
    assert not lazy.lazy
    for contract in eager:
        for name, action in contract.actions.items():
            twin = lazy.action(contract.name, name, contract.owner)
            assert twin.input_schema == action.input_schema
            assert twin.output_schema == action.output_schema


def test_a_defective_file_fails_on_first_use_naming_file_and_pointer(contracts):
    path = contracts / "interactor" / "slack.json"
    data = json.loads(path.read_text())
    data["dataTypes"] = {}
    path.write_text(json.dumps(data))
    registry = ContractRegistry.load(contracts, lazy=True)  # no error yet: nothing is read
    assert registry.connector("gmail").name == "gmail"
    with pytest.raises(ContractError) as failure:
        registry.connector("slack")
    assert "interactor/slack.json" in str(failure.value)
    assert "/x-dataType" in str(failure.value)
    with pytest.raises(ContractError):
        ContractRegistry.load(contracts)  # the default still fails at load


def test_an_unknown_connector_lists_the_known_ones_without_loading_them(contracts):
    registry = ContractRegistry.load(contracts, lazy=True)
    with pytest.raises(UnknownConnector) as failure:
        registry.connector("nope")
    assert "interactor/gmail" in failure.value.extra["known_connectors"]
    assert registry.lazy


def test_threads_asking_first_at_once_share_one_connector(contracts):
    registry = ContractRegistry.load(contracts, lazy=True)
    found = []
    barrier = threading.Barrier(4)

    def ask():
        barrier.wait()
        found.append(registry.connector("gmail"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(contract) for contract in found}) == 1


def test_default_registry_keeps_lazy_and_eager_apart(contracts):
    assert default_registry(contracts, lazy=True) is default_registry(contracts, lazy=True)
    assert default_registry(contracts, lazy=True) is not default_registry(contracts)


def test_data_types_converted_once_equal_a_conversion_per_use():
    contract = default_registry().connector("gmail")
    raw = json.loads(contract.path.read_text())
    for name, spec in raw["actions"].items():
        alone = to_json_schema(spec["schema"]["output"], raw["dataTypes"])
        assert contract.actions[name].output_schema == {
            "$schema": contract.actions[name].output_schema["$schema"],
            **alone,
        }
