"""What the plugin repeats of the mock's to stay cheap at start-up agrees with the mock."""

from __future__ import annotations

import interactor_mock
from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.contracts import default_contracts_dir
from pytest_interactor import options


def test_the_default_base_url_and_owner_are_the_mocks():
    assert options.DEFAULT_BASE_URL == interactor_mock.DEFAULT_BASE_URL
    assert options.DEFAULT_OWNER == DEFAULT_OWNER


def test_the_shipped_contracts_are_found_where_the_mock_finds_them():
    assert options.shipped_contracts_dir() == default_contracts_dir().resolve()
