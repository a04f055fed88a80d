"""Declared resource collections: what a created object is, and how it is read back.

A contract may mark an action as an operation on a per-account collection (its ``resource``
declaration, see ``contracts/README.md``). :class:`ResourceCatalog` compiles those declarations
once, when the engine starts, and fails loudly (file and JSON pointer) on a bad one.
:class:`Resources` then answers such actions from the store, per environment, per account (and
per parent, such as a calendar), so that a created object appears in ``get`` and ``list`` with
the fields the create call set, ``update`` changes them, and ``delete`` removes it.

A collection holds exactly what is stored: a fresh account's collections are empty unless
seeded, ``list`` pages through the stored items only, and ``get``, ``update`` or ``delete`` of
an id it does not hold fails as the provider would. Nothing is ever generated for an unknown
id, so nothing can appear from nowhere (after a restart on a persistent store either).

Seeded items are kept as compact entries (a sequence number and an index into a seeded batch)
and built on read by a deterministic factory, so a 5,000-message mailbox costs a few hundred
bytes per message.
"""

from __future__ import annotations

from interactor_mock.core.calls import ProviderAnswer
from interactor_mock.core.resources.catalog import CollectionSpec
from interactor_mock.core.resources.catalog import Operation
from interactor_mock.core.resources.catalog import ResourceCatalog
from interactor_mock.core.resources.collection import Collection
from interactor_mock.core.resources.collection import Entry
from interactor_mock.core.resources.collection import Factory
from interactor_mock.core.resources.collection import Meta
from interactor_mock.core.resources.collection import SeedContext
from interactor_mock.core.resources.ids import decode_token
from interactor_mock.core.resources.ids import encode_token
from interactor_mock.core.resources.ids import make_id
from interactor_mock.core.resources.paths import copy_json
from interactor_mock.core.resources.paths import get_path
from interactor_mock.core.resources.paths import project
from interactor_mock.core.resources.paths import set_path
from interactor_mock.core.resources.schema import PROVIDER_ERROR_TITLE
from interactor_mock.core.resources.schema import is_provider_shaped
from interactor_mock.core.resources.schema import provider_error_output
from interactor_mock.core.resources.schema import success_schema
from interactor_mock.core.resources.service import Resources

__all__ = [
    "PROVIDER_ERROR_TITLE",
    "Collection",
    "CollectionSpec",
    "Entry",
    "Factory",
    "Meta",
    "Operation",
    "ProviderAnswer",
    "ResourceCatalog",
    "Resources",
    "SeedContext",
    "copy_json",
    "decode_token",
    "encode_token",
    "get_path",
    "is_provider_shaped",
    "make_id",
    "project",
    "provider_error_output",
    "set_path",
    "success_schema",
]
