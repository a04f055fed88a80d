"""What the plugin repeats of the mock's to stay cheap at start-up agrees with the mock, and
the temporary layout table (``_compat``) resolves every name it lists."""

from __future__ import annotations

import importlib

import pytest

import interactor_mock
from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.contracts import default_contracts_dir
from pytest_interactor import _compat
from pytest_interactor import options


def test_the_default_base_url_and_owner_are_the_mocks():
    assert options.DEFAULT_BASE_URL == interactor_mock.DEFAULT_BASE_URL
    assert options.DEFAULT_OWNER == DEFAULT_OWNER


def test_the_shipped_contracts_are_found_where_the_mock_finds_them():
    assert options.shipped_contracts_dir() == default_contracts_dir().resolve()


@pytest.mark.parametrize("name", sorted(_compat._WHERE))
def test_every_name_of_the_layout_table_resolves_to_its_first_module_that_has_it(name):
    value = getattr(_compat, name)
    for module_name in _compat._WHERE[name]:  # new layout first: old modules warn on import
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        if hasattr(module, name):
            assert getattr(module, name) is value
            return
    # Only names the old layout lacks have a stand-in.
    assert value is _compat._OLD_LAYOUT[name]


def test_a_name_outside_the_table_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'create_app'"):
        _compat.create_app  # noqa: B018
